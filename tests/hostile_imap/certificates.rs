use super::*;

#[tokio::test]
async fn bad_certificates_are_refused_with_implicit_tls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca, "imap.example.org") {
        let case = format!("implicit TLS, {what} certificate");
        let script = Script::new(Mode::ImplicitTls(tls))
            .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
        let (error, log) = refused(&case, script, |port| {
            starttls_client(port, &ca).security(Security::ImplicitTls)
        })
        .await;
        match &error {
            Error::Net { source, .. } => {
                assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}")
            }
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert!(!log.tls_established, "{case}");
        assert_no_credential(&case, &log);
    }
}

#[tokio::test]
async fn bad_certificates_are_refused_after_starttls() {
    let ca = TestCa::new();
    for (what, tls, failure) in bad_certificates(&ca, "imap.example.org") {
        let case = format!("STARTTLS, {what} certificate");
        let script = Script::new(Mode::Plain)
            .send(STARTTLS_GREETING)
            .expect_exact("A1 STARTTLS")
            .send_and_starttls(b"A1 OK Begin TLS\r\n", tls);
        let (error, log) = refused(&case, script, |port| starttls_client(port, &ca)).await;
        match &error {
            Error::Net { source, .. } => {
                assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}")
            }
            other => panic!("{case}: expected a TLS error, got {other:?}"),
        }
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
        assert_no_credential(&case, &log);
    }
}
