use super::*;

#[tokio::test]
async fn capabilities_from_before_tls_are_forgotten() {
    let case = "AUTH offered only in the plaintext EHLO";
    let ca = TestCa::new();
    let tls = ca.leaf(&["localhost"]).server_config();
    let script = up_to_ehlo()
        .send(b"250-mx.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n")
        .expect_exact("STARTTLS")
        .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250 8BITMIME\r\n");
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    assert!(
        matches!(error, Error::AuthNotOffered { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("AUTH"), "{case}: {error}");
    assert!(log.tls_established);
    assert_nothing_sensitive(case, &log);
    assert!(!log.received_text_unredacted().contains("AUTH"), "{case}");
}

#[tokio::test]
async fn extra_lines_of_a_multi_line_greeting_are_not_taken_as_extensions() {
    let case = "multi-line 220 greeting with extension-like lines";
    let ca = TestCa::new();
    let tls = ca.leaf(&["localhost"]).server_config();
    let script = Script::new(Mode::Plain)
        .send(b"220-mx.test ESMTP\r\n220-AUTH PLAIN LOGIN\r\n220-250 AUTH PLAIN\r\n220 ready\r\n")
        .expect_prefix("EHLO ")
        .send(EHLO_BEFORE_TLS)
        .expect_exact("STARTTLS")
        .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250 8BITMIME\r\n");
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    assert!(
        matches!(&error, Error::AuthNotOffered { offered, .. } if offered.is_empty()),
        "{case}: {error:?}"
    );
    assert!(log.tls_established);
    assert_nothing_sensitive(case, &log);
    assert!(!log.received_text_unredacted().contains("AUTH"), "{case}");
}
