use std::net::SocketAddr;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::*;
use crate::net::{ConnectOptions, Connection, TlsFailure};

/// A TLS server on `addr` that greets each client with `hello` and closes.
async fn greeter(addr: SocketAddr, tls: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let acceptor = TlsAcceptor::from(tls);
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut stream) = acceptor.accept(tcp).await {
                    let _ = stream.write_all(b"hello\r\n").await;
                    let _ = stream.shutdown().await;
                }
            });
        }
    });
    addr
}

/// Handshakes with rustls alone, verifying the server as `name`; returns what it said.
async fn handshake(
    addr: SocketAddr,
    client: Arc<ClientConfig>,
    name: &str,
) -> Result<String, std::io::Error> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).unwrap();
    let mut stream = TlsConnector::from(client).connect(name, tcp).await?;
    let mut said = String::new();
    stream.read_to_string(&mut said).await?;
    Ok(said)
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

#[tokio::test]
async fn rustls_completes_a_handshake_for_every_name_in_the_certificate() {
    let tls = GeneratedTls::generate(&["mail.test", "*.imap.test", "192.0.2.7"]).unwrap();
    let addr = greeter(loopback(), tls.server_config()).await;
    for name in [
        "localhost",
        "127.0.0.1",
        "::1",
        "mail.test",
        "a.imap.test",
        "192.0.2.7",
    ] {
        let said = handshake(addr, tls.client_config(), name).await;
        assert_eq!(said.unwrap(), "hello\r\n", "verifying as {name}");
    }
}

#[tokio::test]
async fn a_name_not_in_the_certificate_is_refused() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let addr = greeter(loopback(), tls.server_config()).await;
    let error = handshake(addr, tls.client_config(), "mail.example.org")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not valid for name"),
        "unexpected error: {error}"
    );
}

#[tokio::test]
async fn the_crates_own_connection_trusts_the_generated_ca() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let addr = greeter(loopback(), tls.server_config()).await;
    let options = ConnectOptions::default().with_tls(tls.client_tls());
    for host in ["localhost", "127.0.0.1"] {
        let mut connection = Connection::connect_tls(host, addr.port(), &options)
            .await
            .unwrap();
        assert!(connection.is_tls());
        assert_eq!(connection.read_line().await.unwrap(), b"hello");
        let chain = connection.peer_certificates().unwrap();
        assert_eq!(chain.len(), 1, "the server sends its own certificate only");
        assert_ne!(chain[0], *tls.ca_der());
    }
}

#[tokio::test]
async fn the_certificate_is_valid_over_ipv6_loopback_too() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let Ok(listener) = TcpListener::bind("[::1]:0").await else {
        eprintln!("SKIPPED: this machine has no IPv6 loopback");
        return;
    };
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let addr = greeter(addr, tls.server_config()).await;
    let options = ConnectOptions::default().with_tls(tls.client_tls());
    let mut connection = Connection::connect_tls("::1", addr.port(), &options)
        .await
        .unwrap();
    assert_eq!(connection.read_line().await.unwrap(), b"hello");
}

#[tokio::test]
async fn a_second_generation_is_a_new_ca_the_first_client_does_not_trust() {
    let first = GeneratedTls::generate(&[]).unwrap();
    let second = GeneratedTls::generate(&[]).unwrap();
    assert_ne!(first.ca_pem(), second.ca_pem());
    assert_ne!(first.server_key_pem(), second.server_key_pem());

    let addr = greeter(loopback(), second.server_config()).await;
    let error = handshake(addr, first.client_config(), "localhost")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("UnknownIssuer"),
        "unexpected error: {error}"
    );
    let options = ConnectOptions::default().with_tls(first.client_tls());
    let error = Connection::connect_tls("localhost", addr.port(), &options)
        .await
        .unwrap_err();
    assert_eq!(error.tls_failure(), Some(TlsFailure::UnknownIssuer));
    assert_eq!(
        handshake(addr, second.client_config(), "localhost")
            .await
            .unwrap(),
        "hello\r\n"
    );
}

#[test]
fn the_pem_exports_load_back_into_a_server_configuration() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let cert = tls.server_cert_pem();
    let key = tls.server_key_pem();
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(
        cert.lines().all(|line| line.len() <= 64),
        "PEM lines are at most 64 characters"
    );
    crate::testing::server_config_from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
}

#[test]
fn debug_shows_the_names_and_never_the_key() {
    let tls = GeneratedTls::generate(&["mail.test"]).unwrap();
    let shown = format!("{tls:?}");
    assert!(shown.contains("mail.test"), "{shown}");
    assert!(shown.contains("mailwire test CA"), "{shown}");
    assert!(shown.contains("<hidden>"), "{shown}");
    let key = tls.server_key_pem();
    for line in key.lines().filter(|line| !line.starts_with("-----")) {
        assert!(
            !shown.contains(line),
            "Debug shows part of the key: {shown}"
        );
    }
    assert!(!shown.contains(&format!("{:?}", &tls.server_key_pkcs8[..8])));
}

#[test]
fn names_that_cannot_be_in_a_certificate_are_refused() {
    for name in [
        "",
        "bad name.test",
        "mail..test",
        "-mail.test",
        "mail.test\r\n",
        "zoë.test",
    ] {
        let error = GeneratedTls::generate(&[name]).unwrap_err();
        assert!(
            matches!(&error, CertError::InvalidName { name: given, .. } if given == name),
            "{name:?}: {error:?}"
        );
        assert!(error.to_string().contains("DNS name"), "{error}");
    }
}

#[test]
fn the_validity_starts_a_day_ago_and_lasts_a_year() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - DAY - 5..=now - DAY + 5).contains(&tls.not_before));
    assert_eq!(tls.not_after - tls.not_before, 366 * DAY);
}

/// OpenSSL is what Python's `ssl`, mbsync and swaks verify with, and its strict mode checks
/// what webpki lets pass (key identifiers, a critical basicConstraints on the CA).
#[test]
fn openssl_verifies_the_chain_strictly() {
    let tls = GeneratedTls::generate(&[]).unwrap();
    let dir = std::env::temp_dir().join(format!("mailwire-certgen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let cert = dir.join("cert.pem");
    std::fs::write(&ca, tls.ca_pem()).unwrap();
    std::fs::write(&cert, tls.server_cert_pem()).unwrap();
    let verified = std::process::Command::new("openssl")
        .args(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile"])
        .arg(&ca)
        .arg(&cert)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let Ok(verified) = verified else {
        eprintln!("SKIPPED: the openssl command is not installed");
        return;
    };
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success() && said.contains(": OK"),
        "openssl verify: {said} {}",
        String::from_utf8_lossy(&verified.stderr)
    );
}
