//! DEMO-ONLY certificates: a public test CA and a `localhost` server certificate signed by
//! it, so TLS and STARTTLS can be shown and tested offline.
//!
//! # ⚠ Never trust these outside a test ⚠
//!
//! The server's private key is **public**: it is committed to this repository and compiled
//! into every build with the `testing` feature. Anyone can present this certificate.
//! Trusting [`DEMO_CA_PEM`] means trusting anyone, so do it only in a client that talks to
//! a server on loopback for a test or for `mailwire demo`, and never add it to a system or
//! browser trust store. The CA's own key was thrown away after signing (see
//! `generate.sh` beside this file), so no other certificate exists under it.
//!
//! The server certificate is valid for `localhost`, `127.0.0.1` and `::1`, from 2026 for
//! a hundred years.
//!
//! ```
//! use mailwire::net::{ConnectOptions, Connection};
//! use mailwire::testing::demo::{demo_client_tls, demo_server_config};
//! use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let server = SmtpServer::start(SmtpServerConfig::implicit_tls(demo_server_config()))
//!     .await
//!     .unwrap();
//! let options = ConnectOptions::default().with_tls(demo_client_tls());
//! let mut client = Connection::connect_tls("localhost", server.port(), &options)
//!     .await
//!     .unwrap();
//! assert!(client.is_tls());
//! assert_eq!(
//!     client.read_line().await.unwrap(),
//!     b"220 localhost ESMTP mailwire test server"
//! );
//! # });
//! ```

use std::sync::Arc;

use rustls::ServerConfig;

use super::server_config_from_pem;
use crate::net::TlsConfig;

/// The demo CA certificate (PEM). DEMO ONLY: see the [module documentation](self).
pub const DEMO_CA_PEM: &[u8] = include_bytes!("demo-ca.pem");

/// The demo server certificate for `localhost`, `127.0.0.1` and `::1` (PEM), signed by
/// [`DEMO_CA_PEM`]. DEMO ONLY.
pub const DEMO_SERVER_CERT_PEM: &[u8] = include_bytes!("demo-server.pem");

/// The demo server's private key (PKCS#8 PEM). PUBLIC, hence DEMO ONLY.
pub const DEMO_SERVER_KEY_PEM: &[u8] = include_bytes!("demo-server-key.pem");

/// A rustls server configuration presenting the demo certificate. DEMO ONLY.
pub fn demo_server_config() -> Arc<ServerConfig> {
    // The PEM is compiled in and checked by this module's tests: only a broken build of
    // the crate could make it fail, never input.
    server_config_from_pem(DEMO_SERVER_CERT_PEM, DEMO_SERVER_KEY_PEM)
        .expect("the demo certificate and key compiled into mailwire are valid")
}

/// Client trust that accepts only servers with a demo certificate: for connecting to a
/// [`demo_server_config`] server on loopback. DEMO ONLY.
pub fn demo_client_tls() -> TlsConfig {
    TlsConfig::only_roots_pem(DEMO_CA_PEM)
        .expect("the demo CA certificate compiled into mailwire is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_certificates_load() {
        let _ = demo_server_config();
        let _ = demo_client_tls();
    }
}
