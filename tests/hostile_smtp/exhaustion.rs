use super::*;

/// Peak RSS growth allowed while a flood runs.
const MEMORY_BOUND_MIB: u64 = 16;

/// [`refused`] over STARTTLS, the peak RSS growing by less than [`MEMORY_BOUND_MIB`] while
/// the server floods and the client reads.
async fn refused_in_bounded_memory(case: &str, script: Script, ca: &TestCa) -> (Error, ServerLog) {
    memory_bounded(
        case,
        MEMORY_BOUND_MIB,
        refused(case, script, Security::StartTls, ca),
    )
    .await
}

#[tokio::test]
async fn an_endless_reply_line_is_cut_off_at_the_line_limit() {
    let case = "an endless 220- line";
    let ca = TestCa::new();
    let script = Script::new(Mode::Plain)
        .send(b"220-")
        .send_forever(b"x".repeat(4096), 64 << 20);
    let (error, log) = refused_in_bounded_memory(case, script, &ca).await;
    match &error {
        Error::Protocol {
            phase: Phase::Greeting,
            source: ReplyError::LineTooLong { .. },
            ..
        }
        | Error::Net {
            phase: Phase::Greeting,
            source: NetError::BufferFull { .. } | NetError::LineTooLong { .. },
        } => {}
        other => panic!("{case}: expected the line limit, got {other:?}"),
    }
    assert!(
        error.to_string().contains("without a line end"),
        "{case}: {error}"
    );
    assert!(log.sent < 32 << 20, "{case}: read {} bytes", log.sent);
    assert!(log.received_unredacted().is_empty(), "{case}");
}

#[tokio::test]
async fn an_ehlo_reply_of_ten_thousand_lines_is_refused_at_the_reply_limit() {
    let case = "a 250 reply of 10,000 continuation lines";
    let ca = TestCa::new();
    let mut reply = b"250-mx.test\r\n".to_vec();
    for n in 0..10_000 {
        reply.extend_from_slice(format!("250-X-EXTENSION-{n}\r\n").as_bytes());
    }
    reply.extend_from_slice(b"250 STARTTLS\r\n");
    let script = up_to_ehlo().send(reply).read_until_close();
    let (error, log) = refused_in_bounded_memory(case, script, &ca).await;
    assert!(
        matches!(
            &error,
            Error::Protocol {
                phase: Phase::Ehlo,
                source: ReplyError::TooManyLines { .. } | ReplyError::TooLarge { .. },
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert_nothing_sensitive(case, &log);
    assert!(
        !log.received_text_unredacted().contains("STARTTLS"),
        "{case}"
    );
}

#[tokio::test]
async fn an_endless_multi_line_reply_is_refused_at_the_reply_limit() {
    let case = "250- lines without end";
    let ca = TestCa::new();
    let script = up_to_ehlo().send_forever(b"250-X\r\n".repeat(512), 64 << 20);
    let (error, log) = refused_in_bounded_memory(case, script, &ca).await;
    assert!(
        matches!(
            &error,
            Error::Protocol {
                phase: Phase::Ehlo,
                source: ReplyError::TooManyLines { .. } | ReplyError::TooLarge { .. },
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(log.sent < 32 << 20, "{case}: read {} bytes", log.sent);
    assert_nothing_sensitive(case, &log);
}

#[tokio::test]
async fn a_reply_trickled_byte_by_byte_times_out_at_the_reply_deadline() {
    let case = "an EHLO reply trickled a byte every 100 ms";
    // 160 bytes, one every 100 ms: each read gets a byte four times sooner than the
    // 400 ms timeout, and the whole reply would take sixteen seconds.
    let mut reply = Vec::new();
    for extension in ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8"] {
        reply.extend_from_slice(format!("250-{extension}\r\n").as_bytes());
    }
    reply.extend_from_slice(b"250 SIZE 10240000 and some more words to make it long\r\n");
    reply.extend_from_slice(&[b' '; 40]);
    let script = up_to_ehlo().send_slowly(&reply, 1, Duration::from_millis(100));
    let server = ScriptedServer::start(script).await.unwrap();
    let limit = Duration::from_millis(400);
    let started = Instant::now();
    let result = memory_bounded(
        case,
        MEMORY_BOUND_MIB,
        ClientBuilder::new("127.0.0.1", server.port())
            .security(Security::Plaintext)
            .timeouts(PhaseTimeouts::all(limit))
            .connect(),
    )
    .await;
    let waited = started.elapsed();
    let error = result.expect_err(case);
    match &error {
        Error::Net {
            phase: Phase::Ehlo,
            source,
        } => assert!(source.is_timeout(), "{case}: {source}"),
        other => panic!("{case}: expected a timeout in EHLO, got {other:?}"),
    }
    assert!(
        waited >= limit && waited < Duration::from_secs(2),
        "{case}: {waited:?}"
    );
    drop(error);
    drop(server);
}

#[tokio::test]
async fn the_overall_deadline_cuts_a_slow_server_short() {
    let case = "a greeting trickled past the overall deadline";
    let ca = TestCa::new();
    // Each byte alone is on time; the whole greeting is not.
    let script = Script::new(Mode::Plain).send_slowly(GREETING, 1, Duration::from_millis(150));
    let server = ScriptedServer::start(script).await.unwrap();
    let started = Instant::now();
    let result = memory_bounded(
        case,
        MEMORY_BOUND_MIB,
        session(
            client(server.port(), Security::StartTls, &ca)
                .timeouts(PhaseTimeouts::all(Duration::from_secs(1)))
                .deadline(Duration::from_millis(500)),
        ),
    )
    .await;
    let error = result.expect_err(case);
    assert!(
        matches!(error, Error::DeadlineExceeded { .. }),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("deadline"), "{case}: {error}");
    assert!(started.elapsed() < Duration::from_secs(2), "{case}");
    drop(error);
    let log = log_of(server).await;
    assert!(log.received_unredacted().is_empty(), "{case}");
}
