use super::*;

/// Peak RSS growth allowed while a flood runs.
const MEMORY_BOUND_MIB: u64 = 32;

/// A NOOP answered by a flood: the error it ends in, after checking that memory and
/// the client's buffer stayed bounded, the session is over and the client stopped
/// reading long before the flood ran out.
async fn noop_flooded(case: &str, limits: Limits, flood: impl FnOnce(Script) -> Script) -> Error {
    memory_bounded(case, MEMORY_BOUND_MIB, async {
        let (mut client, server) =
            preauth_with(limits, |script| flood(script.expect_exact("A1 NOOP"))).await;
        let error = client.noop().await.expect_err(case);
        assert!(!client.is_usable(), "{case}");
        assert!(
            client.buffer_allocated() < 2 * 1024 * 1024,
            "{case}: {}",
            client.buffer_allocated()
        );
        drop(client);
        let log = log_of(server).await;
        assert!(
            log.sent < 64 << 20,
            "{case}: the client read to the end ({})",
            log.sent
        );
        error
    })
    .await
}

#[tokio::test]
async fn an_endless_line_is_cut_at_the_line_limit() {
    let case = "an endless * OK line";
    let error = noop_flooded(case, Limits::default().with_line_len(64 * 1024), |script| {
        script
            .send(b"* OK ")
            .send_forever(b"a".repeat(4096), 64 << 20)
            .read_until_close()
    })
    .await;
    assert!(
        matches!(&error, Error::Protocol { what, .. } if what.contains("line")),
        "{case}: {error:?}"
    );
}

#[tokio::test]
async fn a_huge_literal_announcement_is_refused_before_it_is_read() {
    for announced in ["4294967295", "18446744073709551616", "5000000"] {
        let case = format!("a literal announced as {{{announced}}}");
        let header = format!("* 1 FETCH (BODY[] {{{announced}}}\r\n");
        let error = noop_flooded(
            &case,
            Limits::default().with_literal_len(1_000_000),
            move |script| {
                script
                    .send(header)
                    .send_forever(b"x".repeat(4096), 64 << 20)
                    .read_until_close()
            },
        )
        .await;
        assert!(
            matches!(&error, Error::Protocol { what, .. } if what.contains("literal")),
            "{case}: {error:?}"
        );
    }
}

#[tokio::test]
async fn lists_nested_ten_thousand_deep_are_refused_without_recursing() {
    // Every production that recurses: multipart bodies (BODYSTRUCTURE and BODY),
    // body extensions, THREAD. A parser that recursed once per level would overflow
    // its stack (an abort, not a panic) long before 10,000.
    let deep = |open: &str, inner: &str, close: &str| {
        let mut line = open.as_bytes().to_vec();
        line.extend(std::iter::repeat_n(b'(', 10_000));
        line.extend_from_slice(inner.as_bytes());
        line.extend(std::iter::repeat_n(b')', 10_000));
        line.extend_from_slice(close.as_bytes());
        line.extend_from_slice(b"\r\nA1 OK done\r\n");
        line
    };
    let part = "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1";
    for (what, line) in [
        (
            "BODYSTRUCTURE",
            deep("* 1 FETCH (BODYSTRUCTURE ", part, ")"),
        ),
        ("BODY", deep("* 1 FETCH (BODY ", part, ")")),
        (
            "a body extension",
            deep(
                &format!("* 1 FETCH (BODYSTRUCTURE ({part} NIL NIL NIL NIL "),
                "\"x\"",
                "))",
            ),
        ),
        ("THREAD", deep("* THREAD ", "1", "")),
    ] {
        let case = format!("{what} nested 10,000 deep");
        let error = noop_flooded(&case, Limits::default(), |script| script.send(line)).await;
        assert!(
            matches!(&error, Error::Protocol { what, .. } if what.contains("nested more than 64 levels")),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
    }
}

#[tokio::test]
async fn a_million_ok_lines_do_not_pile_up() {
    let case = "a million * OK lines during NOOP";
    let memory = memory_bounded(case, MEMORY_BOUND_MIB, async {
        let limits = Limits::default().with_response_len(4 << 20);
        let (mut client, server) = preauth_with(limits, |script| {
            script
                .expect_exact("A1 NOOP")
                .send_forever(b"* OK x\r\n".repeat(1024), 8 * 1_000_000)
                .read_until_close()
        })
        .await;
        let result = client.noop().await;
        let events = client.take_events().len();
        drop(client);
        let log = log_of(server).await;
        (result.err(), events, log.sent)
    })
    .await;
    let (error, events, sent) = memory;
    // Each `* OK x` is 8 bytes on the wire but far more in memory: the bound counts
    // what holding them costs, so far fewer than a million are ever held.
    assert!(events < 100_000, "{case}: {events} events kept");
    assert!(
        sent < 8 * 1_000_000,
        "{case}: the client read the whole flood"
    );
    match error {
        Some(error @ Error::Unusable { .. }) => {
            assert!(
                error.to_string().contains("Limits::response_len"),
                "{case}: {error}"
            )
        }
        other => panic!("{case}: expected the response limit to end the NOOP, got {other:?}"),
    }
}

#[tokio::test]
async fn ten_thousand_unasked_continuation_requests_end_the_session() {
    let case = "10,000 + lines during NOOP";
    let error = noop_flooded(case, Limits::default(), |script| {
        script
            .send(b"+ go on\r\n".repeat(10_000))
            .read_until_close()
    })
    .await;
    assert!(
        matches!(&error, Error::Protocol { .. }),
        "{case}: {error:?}"
    );
}

#[tokio::test]
async fn a_response_trickled_a_byte_at_a_time_meets_the_response_deadline() {
    let case = "a NOOP answer trickled a byte every 100 ms";
    let started = Instant::now();
    let error = memory_bounded(case, MEMORY_BOUND_MIB, async {
        let script = Script::new(Mode::Plain)
            .send(b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
            .expect_exact("A1 NOOP")
            .send_slowly(
                b"* OK still thinking about this NOOP, one byte at a time\r\nA1 OK done\r\n",
                1,
                Duration::from_millis(100),
            );
        let server = ScriptedServer::start(script).await.unwrap();
        let mut client = builder(server.port())
            .deadlines(Deadlines::all(SHORT).with_response(Duration::from_millis(500)))
            .connect()
            .await
            .unwrap();
        let error = client.noop().await.expect_err(case);
        drop(client);
        drop(server);
        error
    })
    .await;
    assert!(matches!(error, Error::Timeout { .. }), "{case}: {error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("500ms"), "{case}: {error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{case}: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_greeting_trickled_a_byte_at_a_time_meets_the_deadline_and_nothing_is_sent() {
    let case = "a greeting trickled a byte every 100 ms";
    let script = Script::new(Mode::Plain)
        .send_slowly(
            b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] a very slow greeting indeed\r\n",
            1,
            Duration::from_millis(100),
        )
        .read_until_close();
    let started = Instant::now();
    let (error, log) = memory_bounded(
        case,
        MEMORY_BOUND_MIB,
        refused(case, script, |port| {
            with_login(builder(port), USER)
                .deadlines(Deadlines::all(SHORT).with_response(Duration::from_millis(500)))
        }),
    )
    .await;
    assert!(matches!(error, Error::Timeout { .. }), "{case}: {error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{case}");
    assert_eq!(log.received_unredacted(), b"", "{case}");
}
