//! The in-memory IMAP server's sessions side by side: two sessions seeing each other's
//! changes when RFC 3501 allows, IDLE pushes in both modes, the bounds on sessions and
//! idle time, and one session over an in-memory stream fed hostile and random bytes.

#[path = "support/imapserve.rs"]
#[allow(dead_code)] // shared with the other transcript tests
mod support;

use mailwire::testing::demo::demo_server_config;
use mailwire::testing::imap::{ImapServer, ImapServerConfig};
use mailwire::testing::mail::ServerMode;
use support::{PASSWORD, Raw, USER, deliver, server, store};

#[tokio::test]
async fn two_sessions_see_each_others_store_and_expunge_when_they_may() {
    let store = store(ServerMode::Rfc);
    for subject in ["one", "two", "three"] {
        deliver(&store, "INBOX", subject);
    }
    let server = server(&store).await;
    let mut first = Raw::logged_in(server.port()).await;
    let mut second = Raw::logged_in(server.port()).await;
    first.run("p1 SELECT INBOX").await;
    second.run("q1 SELECT INBOX").await;

    first
        .run("p2 STORE 2 +FLAGS.SILENT (\\Flagged \\Deleted)")
        .await;
    assert_eq!(
        second.run("q2 NOOP").await,
        [
            "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Deleted))",
            "q2 OK NOOP completed"
        ]
    );
    assert_eq!(
        first.run("p3 EXPUNGE").await,
        ["* 2 EXPUNGE", "p3 OK EXPUNGE completed"]
    );
    // During FETCH the second session's numbers must not move: no EXPUNGE yet, and message
    // 3 is still message 3 to it.
    assert_eq!(
        second.run("q3 FETCH 3 (UID)").await,
        ["* 3 FETCH (UID 3)", "q3 OK FETCH completed"]
    );
    assert_eq!(
        second.run("q4 NOOP").await,
        ["* 2 EXPUNGE", "q4 OK NOOP completed"]
    );
    deliver(&store, "INBOX", "four");
    assert_eq!(
        second.run("q5 FETCH 2 (UID)").await,
        ["* 2 FETCH (UID 3)", "* 3 EXISTS", "q5 OK FETCH completed"]
    );
}

#[tokio::test]
async fn idle_hears_a_delivery_and_another_sessions_store_at_once() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    let server = server(&store).await;
    let mut watcher = Raw::logged_in(server.port()).await;
    let mut other = Raw::logged_in(server.port()).await;
    watcher.run("r1 SELECT INBOX").await;
    other.run("s1 SELECT INBOX").await;
    watcher.send(b"r2 IDLE\r\n").await;
    assert_eq!(watcher.line().await, "+ idling");

    let delivering = {
        let store = store.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let at = std::time::Instant::now();
            deliver(&store, "INBOX", "two");
            at
        })
    };
    assert_eq!(watcher.line().await, "* 2 EXISTS");
    let latency = delivering.await.unwrap().elapsed();
    println!("IDLE heard the delivery {latency:?} after it");
    assert!(latency < std::time::Duration::from_secs(1));

    other.run("s2 STORE 1 +FLAGS (\\Seen)").await;
    assert_eq!(watcher.line().await, "* 1 FETCH (UID 1 FLAGS (\\Seen))");
    watcher.send(b"DONE\r\n").await;
    assert_eq!(watcher.until("r2").await, ["r2 OK IDLE terminated"]);
    // In RFC mode a line other than DONE ends IDLE with BAD.
    watcher.send(b"r3 IDLE\r\n").await;
    assert_eq!(watcher.line().await, "+ idling");
    watcher.send(b"r4 NOOP\r\n").await;
    assert_eq!(watcher.until("r3").await, ["r3 BAD Expected DONE"]);
}

#[tokio::test]
async fn icloud_idle_sends_pending_changes_before_its_continuation_and_wants_only_done() {
    let store = store(ServerMode::Icloud);
    deliver(&store, "INBOX", "one");
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("t1 SELECT INBOX").await;
    deliver(&store, "INBOX", "two");
    client.send(b"t2 IDLE\r\n").await;
    assert_eq!(client.line().await, "* 2 EXISTS");
    assert_eq!(client.line().await, "+ idling");
    client.send(b"t3 NOOP\r\n").await;
    assert_eq!(
        client.line().await,
        "t3 BAD DONE is the only command allowed after IDLE"
    );
    client.send(b"done\r\n").await;
    assert_eq!(client.until("t2").await, ["t2 OK IDLE terminated"]);
}

#[tokio::test]
async fn sessions_over_the_limit_and_idle_clients_are_sent_away() {
    let store = store(ServerMode::Rfc);
    let config = ImapServerConfig::plaintext()
        .with_max_sessions(1)
        .with_idle_timeout(std::time::Duration::from_millis(300));
    let server = ImapServer::start(config, store.clone()).await.unwrap();
    let (mut first, _) = Raw::plain(server.port()).await;
    let (_, refused) = Raw::plain(server.port()).await;
    assert_eq!(refused, "* BYE Too many connections");
    assert_eq!(first.line().await, "* BYE Autologout; idle for too long");
}

#[tokio::test]
async fn serve_stream_ends_when_the_input_ends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let store = store(ServerMode::Rfc);
    let (mut client, server_side) = tokio::io::duplex(64 * 1024);
    let config = ImapServerConfig::plaintext();
    let session = {
        let store = store.clone();
        tokio::spawn(async move { ImapServer::serve_stream(&config, &store, server_side).await })
    };
    client
        .write_all(
            format!(
                "a1 LOGIN {USER} {PASSWORD}\r\na2 SELECT INBOX\r\na3 APPEND INBOX {{3+}}\r\nabc\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), session)
        .await
        .expect("the session ends when its input does")
        .unwrap()
        .unwrap();
    let mut answers = String::new();
    client.read_to_string(&mut answers).await.unwrap();
    assert!(
        answers.contains("a2 OK [READ-WRITE] SELECT completed"),
        "{answers}"
    );
    assert!(answers.contains("a3 OK [APPENDUID "), "{answers}");
    assert_eq!(store.messages(USER, "INBOX").unwrap()[0].data, b"abc");
}

#[tokio::test]
async fn a_full_implicit_tls_server_says_bye_through_tls() {
    let store = store(ServerMode::Rfc);
    let config = ImapServerConfig::implicit_tls(demo_server_config()).with_max_sessions(1);
    let server = ImapServer::start(config, store.clone()).await.unwrap();
    let (_first, greeting) = Raw::tls(server.port()).await;
    assert!(greeting.starts_with("* OK [CAPABILITY "));
    let (_, refused) = Raw::tls(server.port()).await;
    assert_eq!(refused, "* BYE Too many connections");
}

/// Feeds `input` to one session over an in-memory stream, reading its answers as they
/// come, and returns them; the session must end by itself once the input has.
async fn feed(store: &mailwire::testing::mail::MailStore, input: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (client, server_side) = tokio::io::duplex(16 * 1024);
    let (mut reader, mut writer) = tokio::io::split(client);
    let config = ImapServerConfig::plaintext().with_limits(
        mailwire::limits::Limits::default()
            .with_line_len(1024)
            .with_literal_len(4096),
    );
    let session = {
        let store = store.clone();
        tokio::spawn(async move { ImapServer::serve_stream(&config, &store, server_side).await })
    };
    let writing = tokio::spawn(async move {
        // The server may stop reading (it ended the session): that is not a failure.
        let _ = writer.write_all(&input).await;
        let _ = writer.shutdown().await;
    });
    let mut answers = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        reader.read_to_end(&mut answers),
    )
    .await
    .expect("the session ends once its input has")
    .unwrap();
    session.await.unwrap().unwrap();
    writing.await.unwrap();
    String::from_utf8_lossy(&answers).into_owned()
}

#[tokio::test]
async fn hostile_and_random_input_ends_every_session_without_a_panic() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    let login = format!("a LOGIN {USER} {PASSWORD}\r\nb SELECT INBOX\r\n");
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\r\n\r\n\0\0\0\xff\xfe".to_vec(),
        vec![b'x'; 100_000],
        format!("{login}c APPEND INBOX {{18446744073709551615}}\r\n").into_bytes(),
        format!("{login}c SEARCH {}ALL{}\r\n", "(".repeat(500), ")".repeat(500)).into_bytes(),
        format!("{login}c FETCH 1 (BODY[{}])\r\n", "1.".repeat(400)).into_bytes(),
        format!("{login}c IDLE\r\n").into_bytes(),
        format!("{login}c STORE 1:4294967295 +FLAGS (\\Seen)\r\nd UID FETCH 1:* BODY[]<4294967295.4294967295>\r\n").into_bytes(),
        format!("{login}c LIST \"\" {}\r\n", "%*".repeat(400)).into_bytes(),
        b"a AUTHENTICATE PLAIN\r\n".to_vec(),
    ];
    // Commands cut at random points and joined at random, from a fixed seed.
    let pieces: [&[u8]; 14] = [
        b"a LOGIN alice@example.test app-password\r\n",
        b"b SELECT INBOX\r\n",
        b"c FETCH 1:* (FLAGS BODY.PEEK[] ENVELOPE BODYSTRUCTURE)\r\n",
        b"d UID STORE 1 +FLAGS ($x)\r\n",
        b"e APPEND INBOX {5}\r\nhello\r\n",
        b"f APPEND INBOX {3+}\r\nabc\r\n",
        b"g IDLE\r\nDONE\r\n",
        b"h SEARCH OR UNSEEN FROM bob NOT 1\r\n",
        b"i MOVE 1 Trash\r\n",
        b"j EXPUNGE\r\n",
        b"k CREATE a/b\r\nl RENAME a c\r\n",
        b"m LIST \"\" * RETURN (STATUS (MESSAGES))\r\n",
        b"{999}\r\n",
        b"\"\\",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..60 {
        let mut input = Vec::new();
        for _ in 0..(next() % 12) {
            let piece = pieces[(next() % pieces.len() as u64) as usize];
            let cut = (next() % (piece.len() as u64 + 1)) as usize;
            input.extend_from_slice(if next() % 3 == 0 {
                &piece[..cut]
            } else {
                piece
            });
        }
        inputs.push(input);
    }
    for input in inputs {
        let answers = feed(&store, input).await;
        assert!(answers.starts_with("* OK [CAPABILITY "), "{answers}");
    }
}
