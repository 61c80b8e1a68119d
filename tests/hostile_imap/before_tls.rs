use super::*;

#[tokio::test]
async fn capabilities_and_data_from_before_tls_are_forgotten_after_starttls_and_login() {
    let case = "capabilities and EXISTS before TLS";
    let ca = TestCa::new();
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED X-BEFORE-TLS] ready\r\n")
        .expect_exact("A1 STARTTLS")
        .send(b"* 3 EXISTS\r\nA1 OK [CAPABILITY IMAP4rev1 X-PLANTED] Begin TLS\r\n")
        .starttls(ca.leaf(&["localhost"]).server_config())
        .expect_exact("A2 CAPABILITY")
        .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN X-AFTER-TLS\r\nA2 OK done\r\n")
        .expect_exact(format!("A3 AUTHENTICATE PLAIN {}", plain(USER)))
        .send(b"A3 OK [CAPABILITY IMAP4rev1 IDLE X-AFTER-LOGIN] authenticated\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = bounded(case, starttls_client(server.port(), &ca).connect())
        .await
        .expect(case);
    assert!(client.has_capability("X-AFTER-LOGIN"));
    for gone in [
        "X-BEFORE-TLS",
        "X-PLANTED",
        "X-AFTER-TLS",
        "LOGINDISABLED",
        "AUTH=PLAIN",
    ] {
        assert!(!client.has_capability(gone), "{case}: {gone}");
    }
    // The EXISTS sent before TLS is not reported as if it were trusted.
    assert_eq!(client.take_events(), vec![]);
    drop(client);
    let log = server.finish().await.expect("the whole script ran");
    assert!(log.tls_established);
    assert_no_credential(case, &log);
}

#[tokio::test]
async fn an_untagged_auth_plain_before_tls_does_not_make_the_client_log_in() {
    let case = "* CAPABILITY with AUTH=PLAIN before the STARTTLS OK";
    let ca = TestCa::new();
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
        .expect_exact("A1 STARTTLS")
        .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA1 OK Begin TLS\r\n")
        .starttls(ca.leaf(&["localhost"]).server_config())
        .expect_exact("A2 CAPABILITY")
        .send(b"* CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2\r\nA2 OK done\r\n")
        .read_until_close();
    let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
    match &error {
        Error::LoginDisabled { offered, .. } => {
            assert_eq!(offered, &["XOAUTH2".to_owned()], "{case}")
        }
        other => panic!("{case}: expected LoginDisabled, got {other:?}"),
    }
    assert!(error.to_string().contains("XOAUTH2"), "{case}: {error}");
    assert!(log.tls_established, "{case}");
    assert!(
        !log.received_text_unredacted().contains("AUTHENTICATE"),
        "{case}: {:?}",
        log.received_text_unredacted()
    );
    assert_no_credential(case, &log);
}
