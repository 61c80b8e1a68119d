use super::*;

const MESSAGE: &[u8] = b"Subject: hello\r\n\r\nThe message body, cut in two halves.\r\n";

fn transcript(ca: &TestCa) -> Transcript {
    let (head, tail) = MESSAGE.split_at(20);
    let mut first = format!("* 1 FETCH (UID 1 BODY[] {{{}}}\r\n", MESSAGE.len()).into_bytes();
    first.extend_from_slice(head);
    let mut rest = tail.to_vec();
    rest.extend_from_slice(b")\r\nA5 OK done\r\n");
    Transcript {
        steps: vec![
            Step::Server(
                "greeting",
                b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n".to_vec(),
            ),
            Step::Client("A1 STARTTLS"),
            Step::Server("STARTTLS", b"A1 OK Begin TLS\r\n".to_vec()),
            Step::Tls,
            Step::Client("A2 CAPABILITY"),
            Step::Server(
                "CAPABILITY",
                b"* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK done\r\n".to_vec(),
            ),
            Step::Client("A3 LOGIN "),
            Step::Server(
                "LOGIN",
                b"A3 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] logged in\r\n".to_vec(),
            ),
            Step::Client("A4 SELECT INBOX"),
            Step::Server(
                "SELECT",
                b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 2] n\r\n\
A4 OK [READ-WRITE] SELECT completed\r\n"
                    .to_vec(),
            ),
            Step::Client("A5 UID FETCH 1 "),
            Step::Server("FETCH", first),
            Step::Server("FETCH mid-literal", rest),
            Step::Client("A6 IDLE"),
            Step::Server("IDLE", b"+ idling\r\n".to_vec()),
            Step::Server("IDLE push", b"* 2 EXISTS\r\n".to_vec()),
            Step::Client("DONE"),
            Step::Server("DONE", b"A6 OK IDLE terminated\r\n".to_vec()),
        ],
        tls: ca.leaf(&["localhost"]).server_config(),
    }
}

/// The whole session: log in, SELECT, fetch a body, IDLE for one push, DONE.
async fn session(builder: ClientBuilder) -> Result<(), Error> {
    let mut client = builder.connect().await?;
    client.select("INBOX").await?;
    let mut body = Vec::new();
    client
        .fetch_body_into(1, &Section::default(), &mut body)
        .await?;
    assert_eq!(body, MESSAGE);
    let mut idle = client.idle().await?;
    let event = idle.next_event(Duration::from_secs(5)).await?;
    assert!(event.is_some(), "the push arrives");
    idle.done().await?;
    Ok(())
}

fn client(port: u16, ca: &TestCa, deadline: Duration) -> ClientBuilder {
    starttls_client(port, ca).deadlines(Deadlines::all(deadline))
}

#[tokio::test]
async fn the_whole_transcript_runs_when_nothing_is_cut() {
    let ca = TestCa::new();
    let server = ScriptedServer::start(transcript(&ca).whole())
        .await
        .unwrap();
    bounded(
        "the whole session",
        session(client(server.port(), &ca, SHORT)),
    )
    .await
    .expect("the uncut session succeeds");
    let log = server.finish().await.expect("the whole script ran");
    assert!(log.expectations.iter().all(|e| e.matched));
    assert_no_credential("the whole session", &log);
}

async fn cut_everywhere(cut: Cut) {
    let ca = TestCa::new();
    let transcript = transcript(&ca);
    let waits = transcript.waits();
    assert_eq!(waits.len(), 11);
    let deadline = Duration::from_millis(500);
    for (index, label) in waits {
        if matches!(cut, Cut::Stall(_)) && label == "IDLE push" {
            continue;
        }
        let case = format!("{cut:?} at {label}");
        let server = ScriptedServer::start(transcript.cut_at(index, cut))
            .await
            .unwrap();
        let started = Instant::now();
        let result = bounded(&case, session(client(server.port(), &ca, deadline))).await;
        let error = result.expect_err(&case);
        let shown = error.to_string();
        match (&error, cut) {
            (Error::Net { source, .. }, Cut::Eof) => {
                assert!(!source.is_timeout(), "{case}: {source}");
                assert!(shown.contains("closed"), "{case}: {shown}");
            }
            (Error::Protocol { what, .. }, Cut::Eof) => {
                assert!(
                    shown.contains("closed") || what.contains("ended"),
                    "{case}: {shown}"
                );
            }
            (Error::Timeout { .. }, Cut::Stall(_)) | (Error::Net { .. }, Cut::Stall(_)) => {
                assert!(shown.contains("500ms"), "{case}: {shown}");
                assert!(
                    started.elapsed() < Duration::from_secs(4),
                    "{case}: {:?}",
                    started.elapsed()
                );
            }
            (other, _) => panic!("{case}: got {other:?}"),
        }
        assert!(shown.contains("localhost"), "{case}: {shown}");
        let log = log_of(server).await;
        assert_no_credential(&case, &log);
    }
}

#[tokio::test]
async fn eof_at_every_step_is_a_clear_error() {
    cut_everywhere(Cut::Eof).await;
}

#[tokio::test]
async fn a_stall_at_every_step_is_a_timeout() {
    cut_everywhere(Cut::Stall(Duration::from_secs(3))).await;
}

#[tokio::test]
async fn eof_inside_an_unsolicited_literal_is_a_clear_error_and_the_session_is_over() {
    let case = "EOF 20 bytes into a 100-byte literal during NOOP";
    let (mut client, server) = preauth_with(Limits::default(), |script| {
        script
            .expect_exact("A1 NOOP")
            .send(b"* 1 FETCH (BODY[] {100}\r\nonly twenty bytes...")
            .close()
    })
    .await;
    let error = bounded(case, client.noop()).await.expect_err(case);
    assert!(
        matches!(&error, Error::Net { .. } | Error::Protocol { .. }),
        "{case}: {error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("closed") || shown.contains("ended") || shown.contains("EOF"),
        "{case}: {shown}"
    );
    assert!(!client.is_usable(), "{case}");
    // Nothing of the cut-off literal was handed out as if it were a message.
    assert_eq!(client.take_events(), vec![], "{case}");
    assert!(
        matches!(client.noop().await, Err(Error::Unusable { .. })),
        "{case}"
    );
    drop(client);
    log_of(server).await;
}

#[tokio::test]
async fn eof_inside_a_streamed_body_is_a_clear_error_not_a_short_body() {
    // The body announced is far above the streaming threshold, so its bytes go into the
    // writer as they come; the server closes 64 KiB into it.
    const ANNOUNCED: usize = 4 * 1024 * 1024;
    let case = "EOF 64 KiB into a 4 MiB streamed body";
    let (mut client, server) = preauth_with(Limits::default(), |script| {
        script
            .expect_exact("A1 UID FETCH 42 (UID BODY.PEEK[])")
            .send(format!("* 3 FETCH (UID 42 BODY[] {{{ANNOUNCED}}}\r\n"))
            .send(vec![b'x'; 64 * 1024])
            .close()
    })
    .await;
    let mut out = Vec::new();
    let error = bounded(
        case,
        client.fetch_body_into(42, &Section::default(), &mut out),
    )
    .await
    .expect_err(case);
    assert!(
        matches!(&error, Error::Net { .. } | Error::Protocol { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("closed"), "{case}: {error}");
    // Whatever reached the writer is less than announced, and the call says it failed:
    // a caller cannot take the cut body for the message.
    assert!(out.len() < ANNOUNCED, "{case}");
    assert!(!client.is_usable(), "{case}");
    assert!(
        client.buffer_allocated() < 512 * 1024,
        "{case}: {}",
        client.buffer_allocated()
    );
    drop(client);
    log_of(server).await;
}
