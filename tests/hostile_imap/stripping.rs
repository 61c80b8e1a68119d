use super::*;

#[tokio::test]
async fn starttls_not_advertised_is_an_error_and_nothing_is_sent() {
    let case = "STARTTLS not advertised, AUTH=PLAIN offered";
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        .read_until_close();
    let ca = TestCa::new();
    let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
    assert!(
        matches!(error, Error::StartTlsUnavailable { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
    assert_eq!(log.received_unredacted(), b"", "{case}");
}

#[tokio::test]
async fn starttls_refused_with_no_bad_or_bye_is_an_error_and_no_credential_is_sent() {
    for answer in [
        &b"A1 NO [UNAVAILABLE] TLS not available now\r\n"[..],
        b"A1 NO TLS is broken here\r\n",
        b"A1 BAD Parse Error (took 0 ms)\r\n",
        b"* BYE no TLS for you\r\n",
    ] {
        let case = format!("STARTTLS answered {:?}", String::from_utf8_lossy(answer));
        let script = Script::new(Mode::Plain)
            .send(STARTTLS_GREETING)
            .expect_exact("A1 STARTTLS")
            .send(answer)
            .read_until_close();
        let ca = TestCa::new();
        // A server that says BYE and then does not close is waited for no longer than
        // the response deadline.
        let (error, log) = refused(&case, script, |port| {
            starttls_client(port, &ca).deadlines(Deadlines::all(Duration::from_secs(1)))
        })
        .await;
        let shown = error.to_string();
        match &error {
            Error::No {
                command: "STARTTLS",
                ..
            }
            | Error::Throttled {
                command: "STARTTLS",
                ..
            }
            | Error::Bad {
                command: "STARTTLS",
                ..
            } => assert!(shown.contains("STARTTLS"), "{case}: {shown}"),
            Error::Bye { text, .. } => {
                assert_eq!(text, "no TLS for you", "{case}");
                assert!(shown.contains("BYE"), "{case}: {shown}");
            }
            other => panic!("{case}: expected STARTTLS refused, got {other:?}"),
        }
        assert!(!log.tls_established, "{case}");
        assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
        assert_no_credential(&case, &log);
    }
}

#[tokio::test]
async fn a_tagged_ok_without_a_handshake_times_out_and_nothing_is_sent() {
    let case = "A1 OK, then no TLS handshake";
    let script = Script::new(Mode::Plain)
        .send(STARTTLS_GREETING)
        .expect_exact("A1 STARTTLS")
        .send(b"A1 OK Begin TLS negotiation now\r\n")
        .stall(Duration::from_secs(3));
    let ca = TestCa::new();
    let started = Instant::now();
    let (error, log) = refused(case, script, |port| {
        starttls_client(port, &ca).deadlines(Deadlines::all(Duration::from_millis(500)))
    })
    .await;
    assert!(
        matches!(&error, Error::Timeout { source, .. } | Error::Net { source, .. } if source.is_timeout()),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("500ms"), "{case}: {error}");
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");
    assert!(!log.tls_established, "{case}");
    assert_no_credential(case, &log);
}

#[tokio::test]
async fn preauth_on_a_starttls_connection_is_an_error_and_nothing_is_sent() {
    let case = "PREAUTH on a STARTTLS connection";
    let script = Script::new(Mode::Plain)
        .send(b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in already\r\n")
        .read_until_close();
    let ca = TestCa::new();
    let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
    assert!(
        matches!(error, Error::PreauthWithoutTls { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("PREAUTH"), "{case}: {error}");
    assert_eq!(log.received_unredacted(), b"", "{case}");
}

#[tokio::test]
async fn a_login_offered_in_plaintext_waits_for_tls() {
    let case = "AUTH=PLAIN and LOGIN allowed before STARTTLS";
    let ca = TestCa::new();
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR] ready\r\n")
        .expect_exact("A1 STARTTLS")
        .send(b"A1 OK Begin TLS\r\n")
        .starttls(ca.leaf(&["localhost"]).server_config())
        .expect_exact("A2 CAPABILITY")
        .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA2 OK done\r\n")
        .expect_exact(format!("A3 AUTHENTICATE PLAIN {}", plain(USER)))
        .send(b"A3 OK [CAPABILITY IMAP4rev1 IDLE] authenticated\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = bounded(case, starttls_client(server.port(), &ca).connect())
        .await
        .expect(case);
    drop(client);
    let log = server.finish().await.expect("the whole script ran");
    assert!(log.tls_established);
    assert_eq!(log.plaintext_unredacted(), b"A1 STARTTLS\r\n", "{case}");
    assert_no_credential(case, &log);
}
