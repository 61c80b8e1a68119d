//! Test certificates made with rcgen: a CA, leaves it signs, and the broken kinds a client
//! must refuse (self-signed, wrong name, expired, signed by an unknown CA or by an impostor
//! of a trusted one).

use std::sync::Arc;

use mailwire::net::{ConnectOptions, TlsConfig};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, date_time_ymd,
};
use rustls::ServerConfig;

/// A certificate authority for tests; clients trust it through [`TestCa::options`].
pub struct TestCa {
    cert: Certificate,
    key: KeyPair,
}

/// A server certificate with its private key, both PEM.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Leaf {
    /// A rustls server configuration presenting this certificate.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        mailwire::testing::server_config_from_pem(self.cert_pem.as_bytes(), self.key_pem.as_bytes())
            .expect("test certificate makes a server configuration")
    }
}

fn named(common_name: &str, names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("valid subject names");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    params.distinguished_name = dn;
    params
}

fn leaf_params(names: &[&str]) -> CertificateParams {
    let mut params = named(names.first().copied().unwrap_or("leaf"), names);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params
}

impl TestCa {
    pub fn new() -> Self {
        Self::named("mailwire test CA")
    }

    /// A CA whose subject is `common_name`: another name than [`TestCa::new`]'s makes a CA
    /// a client trusting that one has never heard of; the same name makes an impostor.
    pub fn named(common_name: &str) -> Self {
        let mut params = named(common_name, &[]);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key generation");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa { cert, key }
    }

    /// The CA certificate, PEM.
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A certificate for `names` (DNS names or IP addresses), valid now.
    pub fn leaf(&self, names: &[&str]) -> Leaf {
        self.sign(leaf_params(names))
    }

    /// A certificate for `names` whose validity ended in 2001.
    pub fn expired_leaf(&self, names: &[&str]) -> Leaf {
        let mut params = leaf_params(names);
        params.not_before = date_time_ymd(2000, 1, 1);
        params.not_after = date_time_ymd(2001, 1, 1);
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Leaf {
        let key = KeyPair::generate().expect("key generation");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("leaf certificate");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// Client options trusting only this CA.
    pub fn options(&self) -> ConnectOptions {
        let tls = TlsConfig::only_roots_pem(self.pem().as_bytes()).expect("CA PEM parses");
        ConnectOptions::default().with_tls(tls)
    }
}

/// A self-signed certificate for `names`, trusted by nobody.
pub fn self_signed(names: &[&str]) -> Leaf {
    let key = KeyPair::generate().expect("key generation");
    let cert = leaf_params(names)
        .self_signed(&key)
        .expect("self-signed certificate");
    Leaf {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}
