use super::*;

#[tokio::test]
async fn cr_lf_or_nul_in_the_ehlo_name_is_refused_before_connecting() {
    for name in ["client.example\r\nMAIL FROM:<x@y>", "client\n", "client\0"] {
        let case = format!("EHLO name {name:?}");
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .step_timeout(Duration::from_millis(300))
            .send(GREETING)
            .read_until_close();
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            &case,
            session(client(server.port(), Security::StartTls, &ca).helo_name(name)),
        )
        .await;
        let error = result.expect_err(&case);
        assert!(
            matches!(
                error,
                Error::InvalidInput {
                    field: "EHLO name",
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("EHLO"), "{case}: {error}");
        drop(error);
        // Not even a connection was opened.
        let outcome = server.finish().await;
        assert!(
            matches!(&outcome, Err(error) if matches!(error.failure, Failure::NoClient { .. })),
            "{case}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn cr_lf_or_nul_in_an_address_is_refused_before_anything_is_sent() {
    let script = up_to_ehlo()
        .send(b"250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250 ENHANCEDSTATUSCODES\r\n")
        .expect_prefix("AUTH PLAIN ")
        .send(b"235 2.7.0 Authentication successful\r\n")
        .expect_exact("NOOP")
        .send(b"250 2.0.0 Ok\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = ClientBuilder::new("127.0.0.1", server.port())
        .security(Security::Plaintext)
        .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
        .credentials(credentials())
        .connect()
        .await
        .unwrap();
    for (sender, recipient) in [
        (
            "user@mx.test",
            "friend@example.org\r\nRCPT TO:<victim@example.org>",
        ),
        (
            "user@mx.test\nRCPT TO:<victim@example.org>",
            "friend@example.org",
        ),
        ("user@mx.test", "friend@example.org\0"),
        ("user@mx.test", "friend@example.org\rDATA"),
        ("user@mx.test\0", "friend@example.org"),
    ] {
        let case = format!("MAIL FROM {sender:?}, RCPT TO {recipient:?}");
        let result = bounded(
            &case,
            client.send_raw(&Envelope::new(sender, [recipient]), &message()),
        )
        .await;
        let error = result.expect_err(&case);
        assert!(
            matches!(error, Error::InvalidInput { .. }),
            "{case}: {error:?}"
        );
        assert!(
            error.to_string().contains("sender") || error.to_string().contains("recipient"),
            "{case}: {error}"
        );
    }
    client.noop().await.expect("the session is still usable");
    drop(client);
    let text = log_of(server).await.received_text_unredacted();
    assert!(!text.contains("MAIL") && !text.contains("RCPT"), "{text:?}");
    assert!(text.ends_with("NOOP\r\n"), "{text:?}");
}

#[tokio::test]
async fn cr_lf_or_nul_in_the_auth_user_or_password_is_refused_before_connecting() {
    for (user, password) in [
        ("user@mx.test\r\nQUIT", PASSWORD),
        ("user@mx.test\0admin", PASSWORD),
        ("user@mx.test", "s3cret\r\nRSET"),
        ("user@mx.test", "s3cret\0"),
    ] {
        let case = format!("AUTH user {user:?}");
        let error = Credentials::new(user, password).expect_err(&case);
        assert!(
            matches!(error, SaslError::InvalidCredentials { .. }),
            "{case}: {error:?}"
        );
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("s3cret"),
            "{case}: the password shows: {shown}"
        );
    }
}

#[tokio::test]
async fn cr_lf_or_nul_in_a_header_is_refused_by_the_builder() {
    let base = || {
        MessageBuilder::new()
            .from(Mailbox::new("user@mx.test").unwrap())
            .to(Mailbox::new("friend@example.org").unwrap())
    };
    let cases: Vec<(&str, Result<(), String>)> = vec![
        (
            "Subject with CRLF",
            base()
                .subject("hi\r\nBcc: victim@example.org")
                .build()
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        (
            "header value with LF",
            base()
                .header("X-Note", "a\nb")
                .build()
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        (
            "header value with NUL",
            base()
                .header("X-Note", "a\0b")
                .build()
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        (
            "header name with CRLF",
            base()
                .header("X-Bad\r\nName", "v")
                .build()
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        (
            "address with CRLF",
            Mailbox::new("friend@example.org\r\n")
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        (
            "display name with CRLF",
            Mailbox::with_name("Eve\r\nBcc: x@y", "eve@example.org")
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
    ];
    for (case, built) in cases {
        let shown = built.expect_err(case);
        assert!(
            shown.contains("line break (CR or LF)") || shown.contains("NUL"),
            "{case}: {shown}"
        );
    }
}
