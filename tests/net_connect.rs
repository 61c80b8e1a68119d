//! The connection layer over plain TCP against scripted servers: reading lines, limits,
//! timeouts, connect failures and the transcript.

use std::time::{Duration, Instant};

use mailwire::limits::Limits;
use mailwire::net::{ConnectOptions, Connection, Direction, NetError, Timeouts, TranscriptLog};
use mailwire::testing::{Mode, Script, ScriptedServer};

const SHORT: Duration = Duration::from_millis(300);

fn options() -> ConnectOptions {
    ConnectOptions::default().with_connect_timeout(Duration::from_secs(5))
}

async fn connect(server: &ScriptedServer, options: &ConnectOptions) -> Connection {
    Connection::connect("127.0.0.1", server.port(), options)
        .await
        .expect("connects to the scripted server")
}

#[tokio::test]
async fn reads_the_greeting_and_sends_a_command() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send(b"220 mx.example.org ESMTP ready\r\n")
            .expect_exact("QUIT")
            .send(b"221 bye\r\n"),
    )
    .await
    .unwrap();

    let mut client = connect(&server, &options()).await;
    assert_eq!(client.host(), "127.0.0.1");
    assert_eq!(client.port(), server.port());
    assert_eq!(
        client.read_line().await.unwrap(),
        b"220 mx.example.org ESMTP ready"
    );
    client.write_all(b"QUIT\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"221 bye");
    assert!(matches!(
        client.read_line().await,
        Err(NetError::Closed {
            operation: "reading",
            ..
        })
    ));
    drop(client);

    let log = server.finish().await.unwrap();
    assert_eq!(log.received_unredacted(), b"QUIT\r\n");
    assert!(log.client_closed);
}

#[tokio::test]
async fn a_reply_arriving_in_fragments_is_put_back_together() {
    let server = ScriptedServer::start(Script::new(Mode::Plain).send_slowly(
        b"250-mx.example.org\r\n250 SIZE 1000\r\n",
        3,
        Duration::from_millis(2),
    ))
    .await
    .unwrap();

    let mut client = connect(&server, &options()).await;
    assert_eq!(client.read_line().await.unwrap(), b"250-mx.example.org");
    assert_eq!(client.read_line().await.unwrap(), b"250 SIZE 1000");
    assert!(client.buffered().is_empty());
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn fill_and_consume_let_a_parser_work_on_the_buffer() {
    let server = ScriptedServer::start(Script::new(Mode::Plain).send(b"* OK hi\r\n* BYE\r\n"))
        .await
        .unwrap();

    let mut client = connect(&server, &options()).await;
    while !client.buffered().ends_with(b"* BYE\r\n") {
        client.fill().await.unwrap();
    }
    assert_eq!(client.buffered(), b"* OK hi\r\n* BYE\r\n");
    client.consume(9);
    assert_eq!(client.buffered(), b"* BYE\r\n");
    client.consume(100);
    assert!(client.buffered().is_empty());
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_naming_host_and_port() {
    let port = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    let error = Connection::connect("127.0.0.1", port, &options())
        .await
        .unwrap_err();
    let NetError::Connect { attempts, .. } = &error else {
        panic!("expected a connect error, got {error:?}");
    };
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        attempts[0].error.kind(),
        std::io::ErrorKind::ConnectionRefused
    );
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("refused"), "{message}");
}

#[tokio::test]
async fn an_unknown_host_is_a_resolve_error() {
    let error = Connection::connect("no-such-host.invalid", 25, &options())
        .await
        .unwrap_err();
    assert!(
        matches!(error, NetError::Resolve { ref host, port: 25, .. } if host == "no-such-host.invalid")
            || matches!(error, NetError::Timeout { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("no-such-host.invalid:25"),
        "{error}"
    );
}

#[tokio::test]
async fn localhost_is_reached_whichever_of_its_addresses_answers() {
    // The server listens on 127.0.0.1 only; where "localhost" also resolves to ::1 first,
    // that address refuses and the next one must be tried.
    let server = ScriptedServer::start(Script::new(Mode::Plain).send(b"220 hi\r\n"))
        .await
        .unwrap();
    let resolved: Vec<_> = tokio::net::lookup_host(("localhost", server.port()))
        .await
        .unwrap()
        .collect();
    assert!(resolved.iter().any(|addr| addr.ip().is_loopback()));

    let mut client = Connection::connect("localhost", server.port(), &options())
        .await
        .unwrap();
    assert_eq!(client.peer_addr(), Some(server.addr()));
    assert_eq!(client.read_line().await.unwrap(), b"220 hi");
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_stalling_server_times_out_within_the_read_timeout() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send(b"220-hello\r\n")
            .stall(Duration::from_secs(30)),
    )
    .await
    .unwrap();

    let mut client = connect(&server, &options().with_read_timeout(SHORT)).await;
    assert_eq!(client.read_line().await.unwrap(), b"220-hello");
    let started = Instant::now();
    let error = client.read_line().await.unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(error, NetError::Timeout { operation: "reading", after, .. } if after == SHORT),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(
        waited >= SHORT && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("127.0.0.1:{}", server.port()))
    );

    // A read that timed out leaves the connection usable: the server is still there.
    client.set_read_timeout(Duration::from_millis(50));
    assert_eq!(client.read_timeout(), Duration::from_millis(50));
    assert!(matches!(client.fill().await, Err(NetError::Timeout { .. })));
    drop(client);
    // The stall ends as soon as the client hangs up.
    let log = server.finish().await.unwrap();
    assert!(log.client_closed);
}

/// Bounds a test that the old code would never finish: it fails instead of hanging.
async fn within<T>(limit: Duration, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| panic!("still waiting after {limit:?}: nothing bounded the wait"))
}

/// A reply of `len` bytes that never ends its first line early.
fn long_line(len: usize) -> Vec<u8> {
    let mut line = b"220-".to_vec();
    line.resize(len - 2, b'x');
    line.extend_from_slice(b"\r\n");
    line
}

#[tokio::test]
async fn a_server_trickling_bytes_times_out_at_the_response_deadline() {
    // One byte every 50 ms: far inside the read timeout, so only a deadline on the whole
    // response can end the wait (the 400 bytes would take 20 s).
    let server = ScriptedServer::start(Script::new(Mode::Plain).send_slowly(
        long_line(400),
        1,
        Duration::from_millis(50),
    ))
    .await
    .unwrap();

    let options = options().with_timeouts(Timeouts::all(SHORT));
    let mut client = connect(&server, &options).await;
    let started = Instant::now();
    let error = within(Duration::from_secs(5), client.read_line())
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        waited >= SHORT && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert!(
        error.to_string().contains("did not finish its answer"),
        "{error}"
    );
    drop(client);
    drop(server);
}

#[tokio::test]
async fn the_response_deadline_is_one_error_naming_the_window() {
    let server = ScriptedServer::start(Script::new(Mode::Plain).send_slowly(
        long_line(400),
        1,
        Duration::from_millis(20),
    ))
    .await
    .unwrap();

    let mut client = connect(
        &server,
        &options().with_read_timeout(Duration::from_secs(5)),
    )
    .await;
    client.begin_response(SHORT);
    let deadline = client.response_deadline().expect("the window has an end");
    let error = within(Duration::from_secs(5), client.read_line())
        .await
        .unwrap_err();
    assert!(
        matches!(error, NetError::ResponseTimeout { after, .. } if after == SHORT),
        "{error:?}"
    );
    assert!(std::time::Instant::now() >= deadline);
    // The window stays closed until another opens; the bytes kept coming meanwhile, and a
    // new window lets the caller take them.
    assert!(matches!(
        client.fill().await,
        Err(NetError::ResponseTimeout { .. })
    ));
    client.begin_response(Duration::from_secs(5));
    assert!(client.fill().await.unwrap() > 0);
    drop(client);
    drop(server);
}

#[tokio::test]
async fn each_command_gets_its_own_default_response_window() {
    // Every reply takes 240 ms to trickle in and the default window is 400 ms: the session
    // lasts far longer than one window, and no reply outlasts its own.
    let reply = |code: &str| format!("{code} ok\r\n").into_bytes();
    let pause = Duration::from_millis(30);
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send_slowly(reply("220"), 1, pause)
            .expect_exact("NOOP")
            .send_slowly(reply("250"), 1, pause)
            .expect_exact("NOOP")
            .send_slowly(reply("251"), 1, pause)
            .expect_exact("NOOP")
            .send_slowly(reply("252"), 1, pause),
    )
    .await
    .unwrap();

    let options = options()
        .with_read_timeout(Duration::from_secs(5))
        .with_response_timeout(SHORT);
    let mut client = connect(&server, &options).await;
    let started = Instant::now();
    assert_eq!(client.read_line().await.unwrap(), b"220 ok");
    for code in ["250", "251", "252"] {
        client.write_all(b"NOOP\r\n").await.unwrap();
        assert_eq!(
            client.read_line().await.unwrap(),
            format!("{code} ok").as_bytes()
        );
    }
    assert!(started.elapsed() > 2 * SHORT, "{:?}", started.elapsed());
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn an_opened_window_outlasts_writes_until_it_is_replaced_or_ended() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .expect_exact("A1 IDLE")
            .send_slowly(b"+ idling\r\n", 1, Duration::from_millis(60))
            .expect_exact("DONE")
            .send(b"A1 OK done\r\n"),
    )
    .await
    .unwrap();

    let options = options()
        .with_read_timeout(Duration::from_secs(5))
        .with_response_timeout(Duration::from_millis(100));
    let mut client = connect(&server, &options).await;
    // Opened before the command is written, the window is not ended by the write, and it
    // has no end: the 600 ms continuation line arrives whole although the connection's
    // default window is 100 ms.
    client.begin_response(Duration::MAX);
    assert_eq!(client.response_deadline(), None);
    client.write_all(b"A1 IDLE\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"+ idling");
    client.end_response();
    client.write_all(b"DONE\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"A1 OK done");
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_server_that_stops_reading_makes_writes_time_out() {
    let server = ScriptedServer::start(Script::new(Mode::Plain).with_handler(|_conn| {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Ok(())
        })
    }))
    .await
    .unwrap();

    let mut client = connect(&server, &options().with_write_timeout(SHORT)).await;
    let chunk = vec![b'x'; 1 << 20];
    let mut outcome = Ok(());
    // Kernel buffers on loopback hold a few megabytes; far fewer than 256 MiB.
    for _ in 0..256 {
        outcome = client.write_all(&chunk).await;
        if outcome.is_err() {
            break;
        }
    }
    let error = outcome.unwrap_err();
    assert!(
        matches!(
            error,
            NetError::Timeout {
                operation: "writing",
                ..
            }
        ),
        "{error:?}"
    );
    // Part of the last write may be out, so the connection refuses further use.
    assert!(matches!(
        client.write_all(b"QUIT\r\n").await,
        Err(NetError::Broken { .. })
    ));
    drop(server);
}

#[tokio::test]
async fn an_endless_line_is_refused_with_bounded_memory() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send(b"220 fine\r\n")
            .send_forever([b'x'; 4096], 64 << 20),
    )
    .await
    .unwrap();

    let limits = Limits::default().with_line_len(1000);
    let mut client = connect(&server, &options().with_limits(limits)).await;
    assert_eq!(client.read_line().await.unwrap(), b"220 fine");
    let error = client.read_line().await.unwrap_err();
    assert!(
        matches!(error, NetError::LineTooLong { limit: 1000, .. }),
        "{error:?}"
    );
    assert!(
        client.buffer_allocated() <= 64 * 1024,
        "{}",
        client.buffer_allocated()
    );
    drop(client);
    let log = server.finish().await.unwrap();
    assert!(
        log.sent < 64 << 20,
        "the flood stopped when the client left"
    );
}

#[tokio::test]
async fn unconsumed_input_cannot_grow_past_the_response_limit() {
    let server =
        ScriptedServer::start(Script::new(Mode::Plain).send_forever(b"* 1 EXISTS\r\n", 1 << 20))
            .await
            .unwrap();

    let limits = Limits::default().with_line_len(100).with_response_len(4096);
    let mut client = connect(&server, &options().with_limits(limits)).await;
    assert_eq!(client.buffer_limit(), 4096);
    let error = loop {
        if let Err(error) = client.fill().await {
            break error;
        }
    };
    assert!(
        matches!(error, NetError::BufferFull { limit: 4096, .. }),
        "{error:?}"
    );
    assert_eq!(client.buffered().len(), 4096);
    assert!(client.buffer_allocated() <= 4096);
    // Consuming makes room again.
    client.consume(12);
    assert!(client.fill().await.unwrap() <= 12);
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn the_transcript_sees_both_directions_and_no_secret() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send(b"220 hi\r\n")
            .expect_exact("EHLO client.example")
            .send(b"250 AUTH PLAIN\r\n")
            .expect_exact("AUTH PLAIN AHVzZXIAaHVudGVyMg==")
            .send(b"235 ok\r\n"),
    )
    .await
    .unwrap();

    let transcript = TranscriptLog::new();
    let mut client = connect(&server, &options()).await;
    client.set_transcript(Some(transcript.hook()));
    assert_eq!(client.read_line().await.unwrap(), b"220 hi");
    client.write_all(b"EHLO client.example\r\n").await.unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"250 AUTH PLAIN");
    client
        .write_secret(
            b"AUTH PLAIN AHVzZXIAaHVudGVyMg==\r\n",
            b"AUTH PLAIN <redacted>\r\n",
        )
        .await
        .unwrap();
    assert_eq!(client.read_line().await.unwrap(), b"235 ok");
    drop(client);

    assert_eq!(
        transcript.bytes(Direction::Sent),
        b"EHLO client.example\r\nAUTH PLAIN <redacted>\r\n"
    );
    assert_eq!(
        transcript.bytes(Direction::Received),
        b"220 hi\r\n250 AUTH PLAIN\r\n235 ok\r\n"
    );
    let log = server.finish().await.unwrap();
    assert_eq!(
        log.received_unredacted(),
        b"EHLO client.example\r\nAUTH PLAIN AHVzZXIAaHVudGVyMg==\r\n"
    );
}

#[tokio::test]
async fn debug_output_shows_no_buffered_bytes() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain).send(b"334 c2VjcmV0LXRva2Vu\r\n+ hunter2\r\n"),
    )
    .await
    .unwrap();

    let mut client = connect(&server, &options()).await;
    assert_eq!(client.read_line().await.unwrap(), b"334 c2VjcmV0LXRva2Vu");
    while client.buffered().len() < 11 {
        client.fill().await.unwrap();
    }
    let shown = format!("{client:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("buffered_len: 11"), "{shown}");
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_script_mismatch_says_which_step_and_what_arrived() {
    let server = ScriptedServer::start(
        Script::new(Mode::Plain)
            .send(b"220 hi\r\n")
            .expect_prefix("EHLO ")
            .send(b"250 ok\r\n"),
    )
    .await
    .unwrap();

    let mut client = connect(&server, &options()).await;
    client.read_line().await.unwrap();
    client.write_all(b"HELO old.example\r\n").await.unwrap();
    // The server gives up and closes; the client sees that rather than a reply.
    assert!(matches!(
        client.read_line().await,
        Err(NetError::Closed { .. })
    ));
    drop(client);

    let error = server.finish().await.unwrap_err();
    assert_eq!(error.step, 2);
    let message = error.to_string();
    assert!(message.contains("EHLO "), "{message}");
    assert!(message.contains("HELO old.example"), "{message}");
    assert_eq!(error.log.expectations.len(), 1);
    assert!(!error.log.expectations[0].matched);
}
