//! Fresh TLS certificates for a test server, made in memory: [`GeneratedTls`] (its
//! documentation has the example), with the DER of the certificates written by this crate.

mod der;

use core::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use crate::net::TlsConfig;
use der::AltName;

const DAY: i64 = 86_400;

// Object identifiers (RFC 5280, RFC 5480, RFC 5758).
const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const PRIME256V1: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
const ECDSA_WITH_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const SUBJECT_KEY_IDENTIFIER: &[u64] = &[2, 5, 29, 14];
const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const AUTHORITY_KEY_IDENTIFIER: &[u64] = &[2, 5, 29, 35];
const EXTENDED_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];

// KeyUsage bit numbers.
const DIGITAL_SIGNATURE: u8 = 0;
const KEY_CERT_SIGN: u8 = 5;
const CRL_SIGN: u8 = 6;

/// Why certificates could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertError {
    /// A name given for the server certificate is neither an IP address nor a DNS name.
    InvalidName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The system's random number generator or the signing failed.
    Crypto {
        /// Which step.
        step: &'static str,
    },
    /// rustls refused the generated certificate or key.
    Tls {
        /// rustls's reason.
        reason: String,
    },
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertError::InvalidName { name, reason } => write!(
                f,
                "cannot put {name:?} in a test certificate: {reason}; give a DNS name such as \
                 mail.test or an IP address"
            ),
            CertError::Crypto { step } => write!(
                f,
                "generating the test certificates failed while {step}; the system's random \
                 number generator may be unavailable"
            ),
            CertError::Tls { reason } => {
                write!(f, "rustls refused the generated certificate: {reason}")
            }
        }
    }
}

impl std::error::Error for CertError {}

/// Fresh TLS certificates for a test server: a throwaway CA and a server certificate it
/// signed, made in memory at each call. No files, no network, no key shared with anyone.
///
/// The CA key exists only inside [`GeneratedTls::generate`] and is dropped once it has
/// signed the server certificate, so nothing else can ever be issued under that CA; a
/// client that trusts it (through [`GeneratedTls::client_config`] or
/// [`GeneratedTls::ca_pem`]) trusts this one server and nothing more. That is what makes it
/// safer than the fixed [`demo`](super::demo) certificates, whose key is public.
///
/// ```
/// use mailwire::net::{ConnectOptions, Connection};
/// use mailwire::testing::GeneratedTls;
/// use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let tls = GeneratedTls::generate(&["mail.test"]).unwrap();
/// let server = SmtpServer::start(SmtpServerConfig::implicit_tls(tls.server_config()))
///     .await
///     .unwrap();
/// let options = ConnectOptions::default().with_tls(tls.client_tls());
/// let mut client = Connection::connect_tls("localhost", server.port(), &options)
///     .await
///     .unwrap();
/// assert_eq!(
///     client.read_line().await.unwrap(),
///     b"220 localhost ESMTP mailwire test server"
/// );
/// assert!(tls.ca_pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
/// # });
/// ```
///
/// `Debug` shows the certificates' names and validity, never the server's private key.
#[derive(Clone)]
pub struct GeneratedTls {
    ca_der: CertificateDer<'static>,
    ca_pem: String,
    server_der: CertificateDer<'static>,
    server_key_pkcs8: Arc<[u8]>,
    names: Vec<String>,
    ca_name: String,
    not_before: i64,
    not_after: i64,
    server_config: Arc<ServerConfig>,
    client_config: Arc<ClientConfig>,
}

impl fmt::Debug for GeneratedTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedTls")
            .field("ca", &self.ca_name)
            .field("names", &self.names)
            .field(
                "not_before",
                &crate::calendar::format_unix_seconds(self.not_before),
            )
            .field(
                "not_after",
                &crate::calendar::format_unix_seconds(self.not_after),
            )
            .field("server_key", &"<hidden>")
            .finish()
    }
}

impl GeneratedTls {
    /// A fresh CA and a server certificate for `localhost`, 127.0.0.1 and ::1 (plus
    /// `names`: DNS names, wildcards such as `*.mail.test`, or IP addresses), ECDSA P-256,
    /// valid from one day ago for a year. No files, no network.
    pub fn generate(names: &[&str]) -> Result<GeneratedTls, CertError> {
        let mut alt_names = vec![
            AltName::Dns("localhost"),
            AltName::Ip(IpAddr::from([127, 0, 0, 1])),
            AltName::Ip(IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1u16])),
        ];
        let mut shown = vec!["localhost".to_owned(), "127.0.0.1".into(), "::1".into()];
        for &name in names {
            let alt = parse_name(name)?;
            if !shown.iter().any(|known| known.eq_ignore_ascii_case(name)) {
                shown.push(name.to_owned());
                alt_names.push(alt);
            }
        }

        let rng = SystemRandom::new();
        let ca_key = new_key(&rng)?;
        let server_pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| CertError::Crypto {
                step: "generating the server key",
            })?;
        let server_key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, server_pkcs8.as_ref(), &rng)
                .map_err(|_| CertError::Crypto {
                    step: "reading the server key",
                })?;

        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| i64::try_from(since.as_secs()).unwrap_or(0));
        let validity = (now - DAY, now + 365 * DAY);
        let ca_public = ca_key.public_key().as_ref();
        let ca_key_id = key_identifier(ca_public);
        // A name of its own per CA, so two generated CAs are told apart in any error.
        let ca_name = format!("mailwire test CA {}", hex(&ca_key_id[..4]));

        let ca_extensions = [
            der::extension(
                BASIC_CONSTRAINTS,
                true,
                &der::sequence(&[&der::boolean(true)]),
            ),
            der::extension(
                KEY_USAGE,
                true,
                &der::named_bits(&[KEY_CERT_SIGN, CRL_SIGN]),
            ),
            der::extension(
                SUBJECT_KEY_IDENTIFIER,
                false,
                &der::octet_string(&ca_key_id),
            ),
        ];
        let ca_der = sign(
            &ca_key,
            &rng,
            Tbs {
                issuer: &ca_name,
                subject: &ca_name,
                validity,
                public_key: ca_public,
                extensions: &ca_extensions,
            },
        )?;

        let server_public = server_key.public_key().as_ref();
        let server_extensions = [
            // CA:FALSE is the empty sequence: DER leaves the default out.
            der::extension(BASIC_CONSTRAINTS, true, &der::sequence(&[])),
            der::extension(KEY_USAGE, true, &der::named_bits(&[DIGITAL_SIGNATURE])),
            der::extension(
                EXTENDED_KEY_USAGE,
                false,
                &der::sequence(&[&der::oid(SERVER_AUTH)]),
            ),
            der::extension(SUBJECT_ALT_NAME, false, &der::general_names(&alt_names)),
            der::extension(
                SUBJECT_KEY_IDENTIFIER,
                false,
                &der::octet_string(&key_identifier(server_public)),
            ),
            der::extension(
                AUTHORITY_KEY_IDENTIFIER,
                false,
                &der::authority_key_identifier(&ca_key_id),
            ),
        ];
        let server_der = sign(
            &ca_key,
            &rng,
            Tbs {
                issuer: &ca_name,
                subject: "localhost",
                validity,
                public_key: server_public,
                extensions: &server_extensions,
            },
        )?;

        let ca_der = CertificateDer::from(ca_der);
        let server_der = CertificateDer::from(server_der);
        let server_key_pkcs8: Arc<[u8]> = Arc::from(server_pkcs8.as_ref());
        let server_config = server_config(&server_der, &server_key_pkcs8)?;
        let client_config = client_config(&ca_der)?;
        Ok(GeneratedTls {
            ca_pem: pem("CERTIFICATE", &ca_der),
            ca_der,
            server_der,
            server_key_pkcs8,
            names: shown,
            ca_name,
            not_before: validity.0,
            not_after: validity.1,
            server_config,
            client_config,
        })
    }

    /// The CA certificate (PEM): what a client outside this process (Python, mbsync,
    /// swaks, `mailwire --ca-file`) must trust to reach the server.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA certificate (DER).
    pub fn ca_der(&self) -> &CertificateDer<'static> {
        &self.ca_der
    }

    /// The server certificate (PEM), signed by the CA.
    pub fn server_cert_pem(&self) -> String {
        pem("CERTIFICATE", &self.server_der)
    }

    /// The server's private key (PKCS#8 PEM), for a test that hands the certificate to a
    /// server of its own (say `mailwire serve --tls-cert --tls-key`). It is a fresh key
    /// that only this value holds: write it where nobody else reads it.
    pub fn server_key_pem(&self) -> String {
        pem("PRIVATE KEY", &self.server_key_pkcs8)
    }

    /// A rustls server configuration (ring provider, TLS 1.2 and 1.3) presenting the
    /// server certificate.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        self.server_config.clone()
    }

    /// A rustls client configuration that trusts only this CA.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.client_config.clone()
    }

    /// The same trust as [`client_config`](Self::client_config), as the
    /// [`net`](crate::net) layer and the crate's clients take it (so their certificate
    /// errors can say which roots were trusted).
    pub fn client_tls(&self) -> TlsConfig {
        // The PEM was written by `generate` from a certificate rustls already accepted.
        TlsConfig::only_roots_pem(self.ca_pem.as_bytes())
            .unwrap_or_else(|_| TlsConfig::custom(self.client_config.clone()))
    }
}

/// What a certificate says, before it is signed.
struct Tbs<'a> {
    issuer: &'a str,
    subject: &'a str,
    validity: (i64, i64),
    public_key: &'a [u8],
    extensions: &'a [Vec<u8>],
}

fn new_key(rng: &SystemRandom) -> Result<EcdsaKeyPair, CertError> {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, rng).map_err(|_| {
            CertError::Crypto {
                step: "generating the CA key",
            }
        })?;
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), rng).map_err(|_| {
        CertError::Crypto {
            step: "reading the CA key",
        }
    })
}

/// Builds the TBSCertificate (RFC 5280 section 4.1) and signs it with `signer`.
fn sign(signer: &EcdsaKeyPair, rng: &SystemRandom, tbs: Tbs<'_>) -> Result<Vec<u8>, CertError> {
    let mut serial = [0u8; 16];
    rng.fill(&mut serial).map_err(|_| CertError::Crypto {
        step: "drawing a serial number",
    })?;
    // Positive and a full 16 bytes long: RFC 5280 wants at most 20 octets, CAs use 16.
    serial[0] = (serial[0] & 0x7f) | 0x40;
    let algorithm = der::sequence(&[&der::oid(ECDSA_WITH_SHA256)]);
    let key_algorithm = der::sequence(&[&der::oid(EC_PUBLIC_KEY), &der::oid(PRIME256V1)]);
    let extensions: Vec<&[u8]> = tbs.extensions.iter().map(Vec::as_slice).collect();
    let certificate = der::sequence(&[
        &der::explicit(0, &der::unsigned_integer(&[2])),
        &der::unsigned_integer(&serial),
        &algorithm,
        &der::common_name(tbs.issuer),
        &der::sequence(&[&der::time(tbs.validity.0), &der::time(tbs.validity.1)]),
        &der::common_name(tbs.subject),
        &der::sequence(&[&key_algorithm, &der::bit_string(tbs.public_key)]),
        &der::explicit(3, &der::sequence(&extensions)),
    ]);
    let signature = signer
        .sign(rng, &certificate)
        .map_err(|_| CertError::Crypto {
            step: "signing a certificate",
        })?;
    Ok(der::sequence(&[
        &certificate,
        &algorithm,
        &der::bit_string(signature.as_ref()),
    ]))
}

/// The leftmost 160 bits of the SHA-256 of the public key (RFC 7093 section 2, method 1).
fn key_identifier(public_key: &[u8]) -> Vec<u8> {
    let digest = ring::digest::digest(&ring::digest::SHA256, public_key);
    digest.as_ref().iter().take(20).copied().collect()
}

/// One name for the subjectAltName, checked: an IP address, or a DNS name of letters,
/// digits and hyphens (optionally starting with `*.`).
fn parse_name(name: &str) -> Result<AltName<'_>, CertError> {
    let invalid = |reason| CertError::InvalidName {
        name: name.to_owned(),
        reason,
    };
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(AltName::Ip(ip));
    }
    if name.is_empty() || name.len() > 253 {
        return Err(invalid("a DNS name has 1 to 253 characters"));
    }
    let labels = name.strip_prefix("*.").unwrap_or(name);
    for label in labels.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(invalid("each dot-separated label has 1 to 63 characters"));
        }
        if !label
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        {
            return Err(invalid(
                "only ASCII letters, digits and hyphens (an IDN must be given in its \
                 xn-- form)",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid("a label neither starts nor ends with a hyphen"));
        }
    }
    Ok(AltName::Dns(name))
}

fn server_config(
    certificate: &CertificateDer<'static>,
    pkcs8: &[u8],
) -> Result<Arc<ServerConfig>, CertError> {
    let tls = |error: rustls::Error| CertError::Tls {
        reason: error.to_string(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8.to_vec()));
    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(tls)?
            .with_no_client_auth()
            .with_single_cert(vec![certificate.clone()], key)
            .map_err(tls)?;
    Ok(Arc::new(config))
}

fn client_config(ca: &CertificateDer<'static>) -> Result<Arc<ClientConfig>, CertError> {
    let tls = |error: rustls::Error| CertError::Tls {
        reason: error.to_string(),
    };
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).map_err(tls)?;
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(tls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

/// PEM with 64-character lines (RFC 7468).
fn pem(label: &str, der: &[u8]) -> String {
    let base64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in base64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests;
