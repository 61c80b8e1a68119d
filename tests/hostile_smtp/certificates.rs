use super::*;

#[tokio::test]
async fn bad_certificates_are_refused_with_implicit_tls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca, "mail.example.org") {
        let case = format!("implicit TLS, {what} certificate");
        let (error, log) = refused(
            &case,
            Script::new(Mode::ImplicitTls(tls)).send(GREETING),
            Security::ImplicitTls,
            &ca,
        )
        .await;
        match &error {
            Error::Net {
                phase: Phase::Connect,
                source,
            } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert!(!log.tls_established, "{case}");
        // Not a byte of SMTP: the client gave up inside the handshake.
        assert!(log.received_unredacted().is_empty(), "{case}: {log:?}");
        assert_nothing_sensitive(&case, &log);
    }
}

#[tokio::test]
async fn bad_certificates_are_refused_after_starttls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca, "mail.example.org") {
        let case = format!("STARTTLS, {what} certificate");
        let script = starttls_opening()
            .expect_exact("STARTTLS")
            .send_and_starttls(b"220 2.0.0 Ready to start TLS\r\n", tls);
        let (error, log) = refused(&case, script, Security::StartTls, &ca).await;
        match &error {
            Error::Net {
                phase: Phase::StartTls,
                source,
            } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert_nothing_sensitive(&case, &log);
        assert!(
            log.received_text_unredacted().ends_with("STARTTLS\r\n"),
            "{case}: nothing after the failed handshake"
        );
    }
}
