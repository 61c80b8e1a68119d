//! Which servers to trust, and how rustls failures are told to a user.

use core::fmt;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::{CertificateError, ClientConfig, RootCertStore};

use super::error::{NetError, TlsFailure};

/// How servers are verified: which roots are trusted, or a whole rustls configuration.
///
/// Always the ring crypto provider and rustls's safe protocol versions (TLS 1.2 and 1.3),
/// unless the caller supplies its own [`ClientConfig`].
#[derive(Clone)]
pub struct TlsConfig {
    config: Arc<ClientConfig>,
    roots: Roots,
}

#[derive(Clone)]
enum Roots {
    Store {
        store: RootCertStore,
        webpki: bool,
        caller: usize,
    },
    Custom,
}

impl TlsConfig {
    /// Trusts the Mozilla roots shipped in `webpki-roots`, and nothing else.
    pub fn webpki() -> Self {
        let store = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        Self::from_store(store, true, 0)
    }

    /// Also trusts the certificates in `pem` (one or many `CERTIFICATE` blocks), on top of
    /// the roots already trusted. Fails on a configuration made by [`TlsConfig::custom`].
    pub fn with_root_pem(self, pem: &[u8]) -> Result<Self, NetError> {
        match self.roots {
            Roots::Store {
                mut store,
                webpki,
                caller,
            } => {
                let added = add_pem(&mut store, pem)?;
                Ok(Self::from_store(store, webpki, caller + added))
            }
            Roots::Custom => Err(NetError::InvalidTlsConfig {
                reason: "cannot add roots to a caller's own rustls ClientConfig; add them to \
                         that configuration instead"
                    .into(),
            }),
        }
    }

    /// Trusts only the certificates in `pem`: for tests and private deployments.
    pub fn only_roots_pem(pem: &[u8]) -> Result<Self, NetError> {
        let mut store = RootCertStore::empty();
        let added = add_pem(&mut store, pem)?;
        Ok(Self::from_store(store, false, added))
    }

    /// Uses the caller's whole rustls configuration (roots, verifier, versions, ALPN...).
    pub fn custom(config: Arc<ClientConfig>) -> Self {
        TlsConfig {
            config,
            roots: Roots::Custom,
        }
    }

    /// The rustls configuration handshakes use.
    pub fn client_config(&self) -> &Arc<ClientConfig> {
        &self.config
    }

    fn from_store(store: RootCertStore, webpki: bool, caller: usize) -> Self {
        // Only an inconsistent crypto provider makes this fail, and ring with rustls's own
        // default versions is consistent by construction: no input reaches this.
        let config =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("the ring provider supports rustls's default protocol versions")
                .with_root_certificates(store.clone())
                .with_no_client_auth();
        TlsConfig {
            config: Arc::new(config),
            roots: Roots::Store {
                store,
                webpki,
                caller,
            },
        }
    }
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self::webpki()
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.roots {
            Roots::Store {
                store,
                webpki,
                caller,
            } => f
                .debug_struct("TlsConfig")
                .field("webpki_roots", webpki)
                .field("caller_roots", caller)
                .field("trusted", &store.len())
                .finish(),
            Roots::Custom => f.debug_struct("TlsConfig").field("custom", &true).finish(),
        }
    }
}

fn add_pem(store: &mut RootCertStore, pem: &[u8]) -> Result<usize, NetError> {
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|error| NetError::InvalidPem {
            reason: error.to_string(),
        })?;
        store.add(cert).map_err(|error| NetError::InvalidPem {
            reason: format!("certificate {} is not a usable root: {error}", added + 1),
        })?;
        added += 1;
    }
    if added == 0 {
        return Err(NetError::InvalidPem {
            reason: "no \"-----BEGIN CERTIFICATE-----\" block found".into(),
        });
    }
    Ok(added)
}

/// Sorts a rustls error into a [`TlsFailure`] and says what it means for `host`.
pub(crate) fn describe(error: &rustls::Error, host: &str) -> (TlsFailure, String) {
    use rustls::Error as E;
    match error {
        E::InvalidCertificate(cert) => describe_certificate(cert, host),
        E::InvalidMessage(_) | E::PeerSentOversizedRecord => (
            TlsFailure::NotTls,
            "the server did not answer in TLS; this port may expect STARTTLS or plain text \
             (try the other TLS mode)"
                .into(),
        ),
        E::AlertReceived(alert) => (
            TlsFailure::Refused,
            format!("the server refused the handshake (TLS alert: {alert:?})"),
        ),
        E::PeerIncompatible(why) => (
            TlsFailure::Incompatible,
            format!("the server and this client share no TLS version or cipher ({why:?})"),
        ),
        E::NoCertificatesPresented => (
            TlsFailure::BadCertificate,
            "the server presented no certificate".into(),
        ),
        other => (TlsFailure::Protocol, other.to_string()),
    }
}

fn describe_certificate(error: &CertificateError, host: &str) -> (TlsFailure, String) {
    use CertificateError as C;
    match error {
        C::UnknownIssuer => (
            TlsFailure::UnknownIssuer,
            "unknown issuer: the certificate is not signed by a trusted authority (self-signed, \
             a private CA, or an intercepting proxy?); if you trust it, add its CA with \
             TlsConfig::with_root_pem"
                .into(),
        ),
        C::NotValidForNameContext { presented, .. } => (
            TlsFailure::WrongName,
            format!(
                "certificate is for another name: it names {} but {host:?} was dialled",
                presented
                    .iter()
                    .map(|name| plain_name(name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        C::NotValidForName => (
            TlsFailure::WrongName,
            format!("certificate is for another name, not {host:?}"),
        ),
        C::ExpiredContext { not_after, time } => (
            TlsFailure::Expired,
            format!(
                "certificate expired on {} (it is now {})",
                utc_date(not_after),
                utc_date(time)
            ),
        ),
        C::Expired => (TlsFailure::Expired, "certificate expired".into()),
        C::NotValidYetContext { not_before, time } => (
            TlsFailure::NotYetValid,
            format!(
                "certificate is not valid until {} (it is now {}; check this computer's clock)",
                utc_date(not_before),
                utc_date(time)
            ),
        ),
        C::NotValidYet => (
            TlsFailure::NotYetValid,
            "certificate is not valid yet (check this computer's clock)".into(),
        ),
        C::Revoked => (TlsFailure::Revoked, "certificate has been revoked".into()),
        other => (
            TlsFailure::BadCertificate,
            format!(
                "invalid certificate: {}",
                rustls::Error::InvalidCertificate(other.clone())
            ),
        ),
    }
}

/// rustls lists presented names as `DnsName("a.example")` or `IpAddress(192.0.2.1)`; a
/// user wants only the name.
fn plain_name(presented: &str) -> &str {
    presented
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(|inner| inner.trim_matches('"'))
        .unwrap_or(presented)
}

/// `YYYY-MM-DD` in UTC.
fn utc_date(time: &UnixTime) -> String {
    // u64 seconds give at most 2^48 days, well inside what civil_from_days handles.
    let days = (time.as_secs() / 86_400).min(1 << 48) as i64;
    let (year, month, day) = crate::calendar::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_in_utc() {
        assert_eq!(
            utc_date(&UnixTime::since_unix_epoch(Default::default())),
            "1970-01-01"
        );
        let leap_day = UnixTime::since_unix_epoch(std::time::Duration::from_secs(951_782_400));
        assert_eq!(utc_date(&leap_day), "2000-02-29");
        let later = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_767_225_599));
        assert_eq!(utc_date(&later), "2025-12-31");
    }

    #[test]
    fn presented_names_lose_their_wrapping() {
        assert_eq!(
            plain_name("DnsName(\"mail.example.org\")"),
            "mail.example.org"
        );
        assert_eq!(plain_name("IpAddress(192.0.2.1)"), "192.0.2.1");
        assert_eq!(plain_name("mail.example.org"), "mail.example.org");
    }

    #[test]
    fn pem_without_certificates_is_refused() {
        let error = TlsConfig::only_roots_pem(b"not pem at all").unwrap_err();
        assert!(matches!(error, NetError::InvalidPem { .. }), "{error}");
        let error = TlsConfig::webpki()
            .with_root_pem(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
            .unwrap_err();
        assert!(matches!(error, NetError::InvalidPem { .. }), "{error}");
    }

    #[test]
    fn a_custom_config_takes_no_extra_roots() {
        let custom = TlsConfig::custom(TlsConfig::webpki().client_config().clone());
        assert!(matches!(
            custom.with_root_pem(b""),
            Err(NetError::InvalidTlsConfig { .. })
        ));
    }

    #[test]
    fn certificate_failures_are_named() {
        let wrong = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert_eq!(describe(&wrong, "a.example").0, TlsFailure::WrongName);
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let (kind, reason) = describe(&unknown, "a.example");
        assert_eq!(kind, TlsFailure::UnknownIssuer);
        assert!(reason.contains("self-signed"));
    }
}
