use super::*;

#[tokio::test]
async fn starttls_not_advertised_gets_nothing_but_ehlo() {
    let case = "STARTTLS not advertised, AUTH offered in plaintext";
    let ca = TestCa::new();
    let script = up_to_ehlo().send(b"250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    assert!(
        matches!(error, Error::StartTlsNotOffered { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
    assert_nothing_sensitive(case, &log);
    assert!(log.received_text_unredacted().starts_with("EHLO "));
}

#[tokio::test]
async fn starttls_refused_with_each_plausible_code_stops_the_session() {
    for reply in [
        &b"454 4.7.0 TLS not available due to local problem\r\n"[..],
        b"502 5.5.1 Command not implemented\r\n",
        b"500 5.5.2 Syntax error, command unrecognized\r\n",
        b"501 5.5.4 Syntax error in parameters\r\n",
        b"530 5.7.0 Must issue a STARTTLS command first\r\n",
        b"250 2.0.0 OK, carry on in plaintext\r\n",
    ] {
        let case = format!("STARTTLS answered {:?}", String::from_utf8_lossy(reply));
        let code: u16 = String::from_utf8_lossy(&reply[..3]).parse().unwrap();
        let ca = TestCa::new();
        let script = starttls_opening()
            .expect_exact("STARTTLS")
            .send(reply)
            .read_until_close();
        let (error, log) = refused(&case, script, Security::StartTls, &ca).await;
        match &error {
            Error::Rejected {
                phase: Phase::StartTls,
                reply,
                ..
            } => assert_eq!(reply.code.get(), code, "{case}"),
            other => panic!("{case}: expected STARTTLS refused, got {other:?}"),
        }
        let shown = error.to_string();
        assert!(
            shown.contains("localhost:") && shown.contains(&code.to_string()),
            "{case}: {shown}"
        );
        assert!(!log.tls_established, "{case}");
        assert_nothing_sensitive(&case, &log);
        assert!(
            log.received_text_unredacted().ends_with("STARTTLS\r\n"),
            "{case}: nothing may follow the refused STARTTLS: {:?}",
            log.received_text_unredacted()
        );
    }
}

#[tokio::test]
async fn an_ehlo_refused_on_a_starttls_session_gets_no_helo_fallback() {
    let case = "EHLO refused with 502 on a STARTTLS session";
    let ca = TestCa::new();
    let script = up_to_ehlo().send(b"502 5.5.2 Error: command not recognized\r\n");
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    assert!(
        matches!(
            error,
            Error::Rejected {
                phase: Phase::Ehlo,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("502"), "{case}: {error}");
    assert!(
        !log.received_text_unredacted().contains("HELO"),
        "{case}: {:?}",
        log.received_text_unredacted()
    );
    assert_nothing_sensitive(case, &log);

    // In plaintext mode, asked for by name, the old HELO is acceptable: the refusal above
    // is the STARTTLS mode's, not a broken EHLO path.
    let script = up_to_ehlo()
        .send(b"502 5.5.2 Error: command not recognized\r\n")
        .expect_prefix("HELO ")
        .send(b"250 mx.test\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let session = ClientBuilder::new("127.0.0.1", server.port())
        .security(Security::Plaintext)
        .connect()
        .await
        .expect("HELO fallback in plaintext");
    assert!(!session.capabilities().pipelining);
    drop(session);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn auth_offered_before_tls_waits_for_tls_and_the_login_goes_encrypted() {
    let case = "AUTH advertised in the plaintext EHLO";
    let ca = TestCa::new();
    let tls = ca.leaf(&["localhost"]).server_config();
    let script = up_to_ehlo()
        .send(b"250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
        .expect_exact("STARTTLS")
        .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
        .expect_prefix("EHLO ")
        .send(EHLO_AFTER_TLS)
        .expect_exact(format!("AUTH PLAIN {PLAIN_RESPONSE}"))
        .send(b"235 2.7.0 Authentication successful\r\n")
        .expect_prefix("MAIL FROM:<user@mx.test>")
        .send(b"250 2.1.0 Ok\r\n")
        .expect_exact("RCPT TO:<friend@example.org>")
        .send(b"250 2.1.5 Ok\r\n")
        .expect_exact("DATA")
        .send(b"354 go\r\n")
        .read_until("\r\n.\r\n")
        .send(b"250 2.0.0 Ok: queued\r\n")
        .expect_exact("QUIT")
        .send(b"221 2.0.0 Bye\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    bounded(
        case,
        session(client(server.port(), Security::StartTls, &ca)),
    )
    .await
    .expect(case);
    let log = server.finish().await.expect("the whole script ran");
    assert!(log.tls_established);
    assert_eq!(
        log.plaintext_unredacted(),
        b"EHLO localhost\r\nSTARTTLS\r\n"
    );
    assert_nothing_sensitive(case, &log);
}
