//! Server TLS configurations from PEM, for scripted servers.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::net::NetError;

/// A rustls server configuration (ring provider, TLS 1.2 and 1.3) presenting the chain in
/// `cert_chain_pem` (leaf first) with the private key in `key_pem` (PKCS#8, PKCS#1 or SEC1).
pub fn server_config_from_pem(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
) -> Result<Arc<ServerConfig>, NetError> {
    let chain = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| NetError::InvalidPem {
            reason: error.to_string(),
        })?;
    if chain.is_empty() {
        return Err(NetError::InvalidPem {
            reason: "no \"-----BEGIN CERTIFICATE-----\" block found".into(),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|error| NetError::InvalidPem {
        reason: format!("private key: {error}"),
    })?;
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|error| NetError::InvalidTlsConfig {
                reason: error.to_string(),
            })?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|error| NetError::InvalidTlsConfig {
                reason: error.to_string(),
            })?;
    Ok(Arc::new(config))
}
