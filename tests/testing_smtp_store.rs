//! The test SMTP server with a mail store behind it: transcripts in over
//! `SmtpServer::serve_stream`, the replies and the store's mailboxes out.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mailwire::testing::mail::{MailStore, ServerMode, StoreLimits};
use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BOB: &str = "bob@example.test";
const ALICE: &str = "alice@icloud.com";

/// AUTH PLAIN's initial response for `user` and `password`.
fn plain(user: &str, password: &str) -> String {
    STANDARD.encode(format!("\0{user}\0{password}"))
}

/// Plays `client` (CRLF-separated lines, pipelined) into one session and returns the
/// server's replies, one per line. The session must end by itself when the input does.
async fn converse(config: &SmtpServerConfig, client: &str) -> Vec<String> {
    let (ours, theirs) = tokio::io::duplex(1 << 20);
    let (mut read, mut write) = tokio::io::split(ours);
    write.write_all(client.as_bytes()).await.unwrap();
    write.shutdown().await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(5),
        SmtpServer::serve_stream(config, theirs),
    )
    .await
    .expect("the session ends when its input does")
    .unwrap();
    let mut replies = String::new();
    read.read_to_string(&mut replies).await.unwrap();
    replies.lines().map(str::to_owned).collect()
}

fn rfc_store() -> MailStore {
    let store = MailStore::new(ServerMode::Rfc);
    store.add_user(BOB, "bob-password").unwrap();
    store
}

#[tokio::test]
async fn mail_for_an_account_lands_in_its_inbox_and_the_rest_in_received() {
    let store = rfc_store();
    let config = SmtpServerConfig::plaintext().with_store(store.clone());
    let replies = converse(
        &config,
        &format!(
            "EHLO client.test\r\n\
             AUTH PLAIN {}\r\n\
             MAIL FROM:<bob@example.test>\r\n\
             RCPT TO:<BOB@example.TEST>\r\n\
             RCPT TO:<carol@elsewhere.test>\r\n\
             DATA\r\n\
             Subject: hi\r\n\r\n..a dot line\r\nbye\r\n.\r\n\
             QUIT\r\n",
            plain(BOB, "bob-password")
        ),
    )
    .await;
    assert_eq!(
        replies,
        [
            "220 localhost ESMTP mailwire test server",
            "250-localhost",
            "250-SIZE 52428800",
            "250-PIPELINING",
            "250-8BITMIME",
            "250-SMTPUTF8",
            "250-ENHANCEDSTATUSCODES",
            "250 AUTH PLAIN LOGIN",
            "235 2.7.0 Authentication successful",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "250 2.1.5 Ok",
            "354 End data with <CR><LF>.<CR><LF>",
            "250 2.0.0 Ok: queued as 1",
            "221 2.0.0 Bye",
        ]
    );
    let inbox = store.messages(BOB, "INBOX").unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].data, b"Subject: hi\r\n\r\n.a dot line\r\nbye\r\n");
    assert!(inbox[0].flags.is_empty(), "new mail is unread");
    // An RFC server files no copy of what is submitted: the client does that.
    assert!(store.messages(BOB, "Sent").unwrap().is_empty());
}

#[tokio::test]
async fn mail_for_others_only_is_kept_for_received_and_not_in_the_store() {
    let store = rfc_store();
    let config = SmtpServerConfig::plaintext().with_store(store.clone());
    let server = SmtpServer::start(config).await.unwrap();
    let mut client = mailwire::net::Connection::connect(
        "127.0.0.1",
        server.port(),
        &mailwire::net::ConnectOptions::default(),
    )
    .await
    .unwrap();
    client
        .write_all(
            format!(
                "EHLO c\r\nAUTH PLAIN {}\r\nMAIL FROM:<bob@example.test>\r\n\
                 RCPT TO:<carol@elsewhere.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\
                 Subject: out\r\n\r\nx\r\n.\r\nQUIT\r\n",
                plain(BOB, "bob-password")
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let received = server.wait_for(1, Duration::from_secs(5)).await.unwrap();
    assert_eq!(received[0].recipients, ["carol@elsewhere.test"]);
    assert_eq!(received[0].authenticated_as.as_deref(), Some(BOB));
    assert_eq!(received[0].data, b"Subject: out\r\n\r\nx\r\n");
    let inbox = store
        .wait_for_messages(BOB, "INBOX", 1, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(inbox[0].data, b"Subject: out\r\n\r\nx\r\n");
}

#[tokio::test]
async fn icloud_files_the_submission_in_the_senders_sent_messages_as_read() {
    let store = MailStore::new(ServerMode::Icloud);
    store.add_user(ALICE, "alice-password").unwrap();
    store.add_user("dave@icloud.com", "dave-password").unwrap();
    let config = SmtpServerConfig::plaintext().with_store(store.clone());
    // iCloud takes the name before `@` as the login too.
    let replies = converse(
        &config,
        &format!(
            "EHLO c\r\nAUTH PLAIN {}\r\nMAIL FROM:<alice@icloud.com>\r\n\
             RCPT TO:<dave@icloud.com>\r\nDATA\r\nSubject: to dave\r\n\r\nhello\r\n.\r\nQUIT\r\n",
            plain("alice", "alice-password")
        ),
    )
    .await;
    assert_eq!(replies[8], "235 2.7.0 Authentication successful");
    assert_eq!(replies[12], "250 2.0.0 Ok: queued as 1");
    let sent = store.messages(ALICE, "Sent Messages").unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].data, b"Subject: to dave\r\n\r\nhello\r\n");
    assert_eq!(sent[0].flags, ["\\Seen"]);
    assert_eq!(store.messages("dave@icloud.com", "INBOX").unwrap().len(), 1);
    assert!(store.messages(ALICE, "INBOX").unwrap().is_empty());
    assert!(
        store
            .messages("dave@icloud.com", "Sent Messages")
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn only_the_stores_passwords_authenticate() {
    let config = SmtpServerConfig::plaintext().with_store(rfc_store());
    let login = |user: &str, password: &str| {
        format!(
            "EHLO c\r\nAUTH LOGIN {}\r\n{}\r\nMAIL FROM:<x@y.test>\r\n",
            STANDARD.encode(user),
            STANDARD.encode(password)
        )
    };
    let replies = converse(&config, &login(BOB, "wrong")).await;
    assert_eq!(
        replies[8..],
        [
            "334 UGFzc3dvcmQ6",
            "535 5.7.8 Authentication credentials invalid",
            "530 5.7.0 Authentication required",
        ]
    );
    let replies = converse(&config, &login(BOB, "bob-password")).await;
    assert_eq!(
        replies[8..],
        [
            "334 UGFzc3dvcmQ6",
            "235 2.7.0 Authentication successful",
            "250 2.1.0 Ok",
        ]
    );
}

#[tokio::test]
async fn the_stores_size_limit_is_announced_and_kept_at_mail_and_at_data() {
    let store = MailStore::with_limits(
        ServerMode::Rfc,
        StoreLimits::default().with_message_size(100),
    );
    store.add_user(BOB, "bob-password").unwrap();
    let config = SmtpServerConfig::plaintext().with_store(store.clone());
    let big = "x".repeat(200);
    let replies = converse(
        &config,
        &format!(
            "EHLO c\r\nAUTH PLAIN {}\r\nMAIL FROM:<bob@example.test> SIZE=101\r\n\
             MAIL FROM:<bob@example.test> SIZE=100\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\
             {big}\r\n.\r\nQUIT\r\n",
            plain(BOB, "bob-password")
        ),
    )
    .await;
    assert_eq!(replies[2], "250-SIZE 100");
    assert_eq!(
        replies[9..],
        [
            "552 5.3.4 Message size exceeds fixed limit",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "354 End data with <CR><LF>.<CR><LF>",
            "552 5.3.4 Error: message size exceeds fixed maximum message size",
            "221 2.0.0 Bye",
        ]
    );
    assert!(store.messages(BOB, "INBOX").unwrap().is_empty());
}

#[tokio::test]
async fn a_full_mailbox_is_a_temporary_refusal_naming_the_recipient() {
    let store = MailStore::with_limits(
        ServerMode::Rfc,
        StoreLimits::default().with_mailbox_messages(1),
    );
    store.add_user(BOB, "bob-password").unwrap();
    let config = SmtpServerConfig::plaintext().with_store(store.clone());
    let message = "MAIL FROM:<bob@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n\
                   Subject: n\r\n\r\nx\r\n.\r\n";
    let replies = converse(
        &config,
        &format!(
            "EHLO c\r\nAUTH PLAIN {}\r\n{message}{message}QUIT\r\n",
            plain(BOB, "bob-password")
        ),
    )
    .await;
    assert_eq!(replies[12], "250 2.0.0 Ok: queued as 1");
    assert_eq!(replies[16], "452 4.2.2 <bob@example.test>: Mailbox full");
    assert_eq!(store.messages(BOB, "INBOX").unwrap().len(), 1);
}

#[tokio::test]
async fn a_session_over_a_stream_ends_when_its_input_does_mid_command() {
    let config = SmtpServerConfig::plaintext().with_store(rfc_store());
    for cut in [
        "",
        "EHLO c",
        "EHLO c\r\nMAIL FROM:<a@b",
        "EHLO c\r\nAUTH LOGIN\r\n",
    ] {
        let replies = converse(&config, cut).await;
        assert_eq!(
            replies[0], "220 localhost ESMTP mailwire test server",
            "{cut:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_user_of_a_local_domain_is_refused_at_rcpt_and_other_domains_are_taken() {
    let config = SmtpServerConfig::plaintext().with_store(rfc_store());
    let replies = converse(
        &config,
        &format!(
            "EHLO c\r\nAUTH PLAIN {}\r\nMAIL FROM:<bob@example.test>\r\n\
             RCPT TO:<nobody@EXAMPLE.test>\r\nRCPT TO:<someone@elsewhere.test>\r\n\
             RCPT TO:<bob@example.test>\r\n",
            plain(BOB, "bob-password")
        ),
    )
    .await;
    assert_eq!(
        replies[10..],
        [
            "550 5.1.1 <nobody@EXAMPLE.test>: Recipient address rejected: User unknown in \
             virtual mailbox table",
            "250 2.1.5 Ok",
            "250 2.1.5 Ok",
        ]
    );
}

#[tokio::test]
async fn byte_soup_ends_the_session_in_time_whatever_it_holds() {
    let config = SmtpServerConfig::plaintext()
        .with_store(rfc_store())
        .with_idle_timeout(Duration::from_secs(2));
    // A fixed-seed xorshift: the same soup every run, bytes of every kind, CR and LF often.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..20 {
        let soup: String = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                match state % 16 {
                    0 => '\r',
                    1 => '\n',
                    2 => ':',
                    _ => char::from(b' ' + (state >> 8) as u8 % 95),
                }
            })
            .collect();
        let input = format!("EHLO fuzz\r\n{soup}");
        let replies = converse(&config, &input).await;
        assert_eq!(
            replies[0], "220 localhost ESMTP mailwire test server",
            "round {round}"
        );
        assert!(
            replies
                .iter()
                .all(|reply| reply.len() >= 3
                    && reply.as_bytes()[..3].iter().all(u8::is_ascii_digit)),
            "round {round}: {replies:?}"
        );
    }
}

/// The `smtp_server_session` fuzz target's seeds are real sessions, each of which gets a
/// message through to the store (so the fuzzer starts from delivery, not from refusals):
/// the first byte picks the mode (bit 0) and CHUNKING (bit 1), as in the target.
#[tokio::test]
async fn the_fuzz_targets_seed_sessions_deliver() {
    let seeds =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/smtp_server_session");
    let mut played = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let (&flags, input) = bytes.split_first().unwrap();
        let mode = if flags & 1 == 0 {
            ServerMode::Rfc
        } else {
            ServerMode::Icloud
        };
        let store = MailStore::new(mode);
        store.add_user("alice@example.test", "pw").unwrap();
        store.add_user(BOB, "pw").unwrap();
        let config = SmtpServerConfig::plaintext()
            .with_store(store.clone())
            .with_chunking(flags & 2 != 0);
        let replies = converse(&config, std::str::from_utf8(input).unwrap()).await;
        assert!(
            replies.iter().any(|reply| reply.starts_with("235 ")),
            "{path:?} does not log in: {replies:?}"
        );
        assert!(
            !store.messages(BOB, "INBOX").unwrap().is_empty(),
            "{path:?} delivers nothing: {replies:?}"
        );
        assert_eq!(replies.last().map(String::as_str), Some("221 2.0.0 Bye"));
        played += 1;
    }
    assert!(played >= 4, "only {played} seeds in {seeds:?}");
}
