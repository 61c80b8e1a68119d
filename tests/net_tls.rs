//! Implicit TLS and STARTTLS against scripted servers with test certificates: the good
//! cases, the injection attack, and every certificate a client must refuse.

mod support;

use std::sync::Arc;
use std::time::Duration;

use mailwire::net::{ConnectOptions, Connection, NetError, TlsConfig, TlsFailure};
use mailwire::testing::{Failure, Mode, Script, ScriptedServer};
use rustls::ServerConfig;
use support::certs::{Leaf, TestCa, self_signed};

fn tls_script(config: Arc<ServerConfig>) -> Script {
    Script::new(Mode::ImplicitTls(config))
        .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        .expect_exact("a1 LOGOUT")
        .send(b"* BYE\r\na1 OK\r\n")
}

async fn implicit_tls_works_for(host: &str) {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["localhost", "127.0.0.1"]);
    let server = ScriptedServer::start(tls_script(leaf.server_config()))
        .await
        .unwrap();

    let mut client = Connection::connect_tls(host, server.port(), &ca.options())
        .await
        .unwrap();
    assert!(client.is_tls());
    assert!(client.tls_version().is_some());
    assert_eq!(client.peer_certificates().map(|chain| chain.len()), Some(1));
    assert_eq!(
        client.read_line().await.unwrap(),
        b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready"
    );
    client.write_all(b"a1 LOGOUT\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"* BYE");
    assert_eq!(client.read_line().await.unwrap(), b"a1 OK");
    client.shutdown().await.unwrap();
    drop(client);

    let log = server.finish().await.unwrap();
    assert!(log.tls_established);
    assert_eq!(log.plaintext_len, 0);
    assert_eq!(log.after_tls_unredacted(), b"a1 LOGOUT\r\n");
}

#[tokio::test]
async fn implicit_tls_to_a_dns_name() {
    implicit_tls_works_for("localhost").await;
}

#[tokio::test]
async fn implicit_tls_to_an_ip_address() {
    implicit_tls_works_for("127.0.0.1").await;
}

fn starttls_script(go_ahead: &[u8], config: Arc<ServerConfig>) -> Script {
    Script::new(Mode::Plain)
        .send(b"220 mx.example.org ESMTP\r\n")
        .expect_exact("EHLO client.example")
        .send(b"250-mx.example.org\r\n250 STARTTLS\r\n")
        .expect_exact("STARTTLS")
        .send_and_starttls(go_ahead, config)
        .expect_exact("EHLO client.example")
        .send(b"250 mx.example.org\r\n")
}

/// Plays the plaintext part of an SMTP STARTTLS exchange, up to the go-ahead.
async fn until_go_ahead(client: &mut Connection) {
    assert_eq!(
        client.read_line().await.unwrap(),
        b"220 mx.example.org ESMTP"
    );
    client.write_all(b"EHLO client.example\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"250-mx.example.org");
    assert_eq!(client.read_line().await.unwrap(), b"250 STARTTLS");
    client.write_all(b"STARTTLS\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"220 go ahead");
}

#[tokio::test]
async fn starttls_upgrades_the_connection() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["localhost"]);
    let server = ScriptedServer::start(starttls_script(b"220 go ahead\r\n", leaf.server_config()))
        .await
        .unwrap();

    let mut client = Connection::connect("localhost", server.port(), &ca.options())
        .await
        .unwrap();
    until_go_ahead(&mut client).await;
    client.upgrade().await.unwrap();
    assert!(client.is_tls());
    assert!(client.buffered().is_empty());
    client.write_all(b"EHLO client.example\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"250 mx.example.org");
    assert!(matches!(
        client.upgrade().await,
        Err(NetError::AlreadyTls { .. })
    ));
    drop(client);

    let log = server.finish().await.unwrap();
    assert!(log.tls_established);
    assert_eq!(
        log.plaintext_unredacted(),
        b"EHLO client.example\r\nSTARTTLS\r\n"
    );
    assert_eq!(log.after_tls_unredacted(), b"EHLO client.example\r\n");
}

/// A STARTTLS go-ahead followed, in the same write, by a reply the server planted: the
/// response-injection attack. Returns once the client has read the go-ahead.
async fn go_ahead_with_a_reply_planted_after_it() -> (ScriptedServer, Connection) {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["localhost"]);
    let server = ScriptedServer::start(starttls_script(
        b"220 go ahead\r\n250 injected\r\n",
        leaf.server_config(),
    ))
    .await
    .unwrap();

    let mut client = Connection::connect("localhost", server.port(), &ca.options())
        .await
        .unwrap();
    until_go_ahead(&mut client).await;
    (server, client)
}

#[tokio::test]
async fn starttls_refuses_bytes_injected_after_the_go_ahead() {
    let (server, mut client) = go_ahead_with_a_reply_planted_after_it().await;
    let error = client.upgrade().await.unwrap_err();
    assert!(
        matches!(error, NetError::BufferedBeforeTls { bytes: 14, .. }),
        "{error:?}"
    );
    assert!(!client.is_tls());
    assert!(error.to_string().contains("injected"), "{error}");
    drop(client);

    // The client hung up without sending a single handshake byte.
    let error = server.finish().await.unwrap_err();
    assert_eq!(error.step, 5, "{error}");
    assert!(
        matches!(error.failure, Failure::ClientClosed { .. }),
        "{error}"
    );
    assert!(!error.log.tls_established);
    assert_eq!(
        error.log.received_unredacted(),
        b"EHLO client.example\r\nSTARTTLS\r\n"
    );
}

#[tokio::test]
async fn a_refused_starttls_upgrade_leaves_the_connection_broken() {
    let (server, mut client) = go_ahead_with_a_reply_planted_after_it().await;
    let refused = client.upgrade().await.unwrap_err();
    assert!(
        matches!(refused, NetError::BufferedBeforeTls { .. }),
        "{refused:?}"
    );
    // A caller that carries on anyway gets neither the planted reply nor a way to send
    // anything (credentials, say) in plain text: every use fails, saying why.
    assert!(client.buffered().is_empty(), "{:?}", client.buffered());
    let read = client.read_line().await;
    let Err(NetError::Broken { cause, .. }) = &read else {
        panic!("a read after the refused upgrade returned {read:?}");
    };
    assert!(cause.contains("STARTTLS"), "{cause}");
    let written = client.write_all(b"AUTH PLAIN AHVzZXIAcGFzcw==\r\n").await;
    let Err(error @ NetError::Broken { .. }) = &written else {
        panic!("a write after the refused upgrade returned {written:?}");
    };
    assert!(error.to_string().contains("STARTTLS"), "{error}");
    assert!(matches!(client.fill().await, Err(NetError::Broken { .. })));
    assert!(matches!(
        client.upgrade().await,
        Err(NetError::Broken { .. })
    ));
    drop(client);

    let error = server.finish().await.unwrap_err();
    assert!(!error.log.tls_established);
    assert_eq!(
        error.log.received_unredacted(),
        b"EHLO client.example\r\nSTARTTLS\r\n"
    );
}

#[tokio::test]
async fn bytes_injected_in_a_later_packet_break_the_handshake() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["localhost"]);
    let script = Script::new(Mode::Plain)
        .send(b"220 mx.example.org ESMTP\r\n")
        .expect_exact("EHLO client.example")
        .send(b"250-mx.example.org\r\n250 STARTTLS\r\n")
        .expect_exact("STARTTLS")
        .send(b"220 go ahead\r\n")
        .stall(Duration::from_millis(50))
        .send(b"250 injected\r\n")
        .starttls(leaf.server_config());
    let server = ScriptedServer::start(script).await.unwrap();

    let mut client = Connection::connect("localhost", server.port(), &ca.options())
        .await
        .unwrap();
    until_go_ahead(&mut client).await;
    // Usually the injected line arrives once the handshake has begun, and rustls takes it
    // for a broken TLS record; on a slow machine it may already be buffered. Either way
    // the upgrade must fail.
    let error = client.upgrade().await.unwrap_err();
    assert!(
        matches!(error, NetError::BufferedBeforeTls { .. })
            || error.tls_failure() == Some(TlsFailure::NotTls),
        "{error:?}"
    );
    assert!(!client.is_tls());
    drop(client);
    assert!(server.finish().await.is_err());
}

/// Dials `host` with implicit TLS at a server presenting `leaf`; returns the client's
/// error and checks the server saw the handshake fail.
async fn refused(leaf: &Leaf, ca: &TestCa, host: &str) -> NetError {
    let server = ScriptedServer::start(tls_script(leaf.server_config()))
        .await
        .unwrap();
    let error = Connection::connect_tls(host, server.port(), &ca.options())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!("{host}:{}", server.port())),
        "{message}"
    );
    let server_error = server.finish().await.unwrap_err();
    assert_eq!(server_error.step, 0);
    assert!(
        matches!(server_error.failure, Failure::Tls { .. }),
        "{server_error}"
    );
    assert!(server_error.log.received_unredacted().is_empty());
    error
}

#[tokio::test]
async fn a_self_signed_certificate_is_an_unknown_issuer() {
    let ca = TestCa::new();
    let error = refused(&self_signed(&["localhost"]), &ca, "localhost").await;
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::UnknownIssuer),
        "{error:?}"
    );
    assert!(error.to_string().contains("unknown issuer"), "{error}");
    assert!(error.to_string().contains("self-signed"), "{error}");
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let ca = TestCa::new();
    let error = refused(&ca.leaf(&["mail.example.org"]), &ca, "localhost").await;
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::WrongName),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("certificate is for another name"),
        "{message}"
    );
    assert!(message.contains("mail.example.org"), "{message}");
}

#[tokio::test]
async fn an_ip_address_must_be_in_the_certificate_itself() {
    let ca = TestCa::new();
    let error = refused(&ca.leaf(&["localhost"]), &ca, "127.0.0.1").await;
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::WrongName),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let ca = TestCa::new();
    let error = refused(&ca.expired_leaf(&["localhost"]), &ca, "localhost").await;
    assert_eq!(error.tls_failure(), Some(TlsFailure::Expired), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("certificate expired on 2001-01-01"),
        "{error}"
    );
}

#[tokio::test]
async fn the_default_roots_do_not_trust_a_private_ca() {
    let ca = TestCa::new();
    let leaf = ca.leaf(&["localhost"]);
    let server = ScriptedServer::start(tls_script(leaf.server_config()))
        .await
        .unwrap();
    let error = Connection::connect_tls("localhost", server.port(), &ConnectOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::UnknownIssuer),
        "{error:?}"
    );
    drop(server);

    // Adding the CA on top of the default roots is enough.
    let server = ScriptedServer::start(tls_script(leaf.server_config()))
        .await
        .unwrap();
    let tls = TlsConfig::webpki()
        .with_root_pem(ca.pem().as_bytes())
        .unwrap();
    let options = ConnectOptions::default().with_tls(tls);
    let client = Connection::connect_tls("localhost", server.port(), &options)
        .await
        .unwrap();
    assert!(client.is_tls());
}

#[tokio::test]
async fn implicit_tls_to_a_plain_text_port_says_so() {
    let ca = TestCa::new();
    let server = ScriptedServer::start(
        Script::new(Mode::Plain).send(b"220 mx.example.org ESMTP ready for STARTTLS\r\n"),
    )
    .await
    .unwrap();
    let error = Connection::connect_tls("localhost", server.port(), &ca.options())
        .await
        .unwrap_err();
    assert_eq!(error.tls_failure(), Some(TlsFailure::NotTls), "{error:?}");
    assert!(error.to_string().contains("STARTTLS"), "{error}");
    let log = server.finish().await.unwrap();
    assert!(
        log.received_unredacted().starts_with(&[0x16]),
        "a ClientHello was sent"
    );
}

#[tokio::test]
async fn a_failed_starttls_handshake_leaves_the_connection_unusable() {
    let ca = TestCa::new();
    let wrong = ca.leaf(&["mail.example.org"]);
    let server = ScriptedServer::start(starttls_script(b"220 go ahead\r\n", wrong.server_config()))
        .await
        .unwrap();

    let mut client = Connection::connect("localhost", server.port(), &ca.options())
        .await
        .unwrap();
    until_go_ahead(&mut client).await;
    let error = client.upgrade().await.unwrap_err();
    assert_eq!(
        error.tls_failure(),
        Some(TlsFailure::WrongName),
        "{error:?}"
    );
    assert!(matches!(
        client.write_all(b"AUTH PLAIN AHVzZXIAcGFzcw==\r\n").await,
        Err(NetError::Broken { .. })
    ));
    drop(client);

    // Nothing went out after the failed handshake: no credentials in plain text.
    let error = server.finish().await.unwrap_err();
    assert!(matches!(error.failure, Failure::Tls { .. }), "{error}");
    assert_eq!(
        error.log.received_unredacted(),
        b"EHLO client.example\r\nSTARTTLS\r\n"
    );
}

#[tokio::test]
async fn a_silent_server_makes_the_handshake_time_out() {
    let ca = TestCa::new();
    let server = ScriptedServer::start(Script::new(Mode::Plain).stall(Duration::from_secs(30)))
        .await
        .unwrap();
    let options = ca
        .options()
        .with_connect_timeout(Duration::from_millis(300));
    let error = Connection::connect_tls("localhost", server.port(), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            NetError::Timeout {
                operation: "TLS handshake",
                ..
            }
        ),
        "{error:?}"
    );
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_name_tls_cannot_check_is_refused_before_connecting() {
    let error = Connection::connect_tls("bad name!", 993, &ConnectOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(error, NetError::InvalidServerName { port: 993, .. }),
        "{error:?}"
    );
}
