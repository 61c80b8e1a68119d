use super::*;

fn bad_certificates(ca: &TestCa) -> Vec<(&'static str, Arc<ServerConfig>, TlsFailure)> {
    vec![
        (
            "self-signed",
            self_signed(&["localhost"]).server_config(),
            TlsFailure::UnknownIssuer,
        ),
        (
            "wrong name",
            ca.leaf(&["mail.example.org"]).server_config(),
            TlsFailure::WrongName,
        ),
        (
            "expired",
            ca.expired_leaf(&["localhost"]).server_config(),
            TlsFailure::Expired,
        ),
        (
            "unknown CA",
            TestCa::named("another test CA")
                .leaf(&["localhost"])
                .server_config(),
            TlsFailure::UnknownIssuer,
        ),
        (
            "impostor CA (the trusted CA's name, another key)",
            TestCa::new().leaf(&["localhost"]).server_config(),
            TlsFailure::BadCertificate,
        ),
    ]
}

#[tokio::test]
async fn bad_certificates_are_refused_with_implicit_tls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca) {
        let case = format!("implicit TLS, {what} certificate");
        let server = ScriptedServer::start(Script::new(Mode::ImplicitTls(tls)).send(GREETING))
            .await
            .unwrap();
        let result = bounded(
            &case,
            session(client(server.port(), Security::ImplicitTls, &ca)),
        )
        .await;
        let error = result.expect_err(&case);
        match &error {
            Error::Net {
                phase: Phase::Connect,
                source,
            } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert!(!log.tls_established, "{case}");
        // Not a byte of SMTP: the client gave up inside the handshake.
        assert!(log.received_unredacted().is_empty(), "{case}: {log:?}");
        assert_nothing_sensitive(&case, &log);
    }
}

#[tokio::test]
async fn bad_certificates_are_refused_after_starttls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca) {
        let case = format!("STARTTLS, {what} certificate");
        let script = starttls_opening()
            .expect_exact("STARTTLS")
            .send_and_starttls(b"220 2.0.0 Ready to start TLS\r\n", tls);
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            &case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(&case);
        match &error {
            Error::Net {
                phase: Phase::StartTls,
                source,
            } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert_nothing_sensitive(&case, &log);
        assert!(
            log.received_text_unredacted().ends_with("STARTTLS\r\n"),
            "{case}: nothing after the failed handshake"
        );
    }
}
