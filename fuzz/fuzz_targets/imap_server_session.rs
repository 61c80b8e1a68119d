//! Any bytes as what a client sends to the in-memory IMAP server: one session of
//! `ImapServer::serve_stream` over an in-memory stream, on a store holding a few messages,
//! in the mode the first byte picks. The session must end once the input has (no hang),
//! never panic, stay within its limits, and every byte it writes must read back with the
//! crate's parsers as a greeting followed by whole responses.
#![no_main]

use std::time::Duration;

#[path = "common/session.rs"]
mod session;

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{Parsed, parse_greeting, parse_response};
use mailwire::limits::Limits;
use mailwire::testing::imap::{ImapServer, ImapServerConfig};
use mailwire::testing::mail::{MailStore, ServerMode, StoreLimits};

const MESSAGES: [&[u8]; 2] = [
    b"From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: hi\r\n\r\nhello\r\n",
    b"Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
      --b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n\
      Subject: inner\r\n\r\ntwo\r\n--b--\r\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else {
        return;
    };
    let mode = if mode & 1 == 0 {
        ServerMode::Rfc
    } else {
        ServerMode::Icloud
    };
    let store = MailStore::with_limits(
        mode,
        StoreLimits::default()
            .with_message_size(64 * 1024)
            .with_mailbox_messages(64)
            .with_mailboxes(32),
    );
    store.add_user("alice", "pw").expect("a valid user");
    for message in MESSAGES {
        store
            .deliver("alice", "INBOX", message)
            .expect("room for it");
    }
    let config = ImapServerConfig::plaintext()
        .with_limits(
            Limits::default()
                .with_line_len(4096)
                .with_literal_len(64 * 1024)
                .with_response_len(256 * 1024),
        )
        .with_idle_timeout(Duration::from_secs(5));
    let output = session::drive(input, move |server| async move {
        ImapServer::serve_stream(&config, &store, server).await
    });
    // What the server wrote is IMAP: a greeting, then whole responses.
    let limits = Limits::default();
    let Ok(Parsed::Complete(_, mut at)) = parse_greeting(&output, &limits) else {
        panic!(
            "the greeting does not parse: {:?}",
            String::from_utf8_lossy(&output)
        );
    };
    while at < output.len() {
        match parse_response(&output[at..], &limits) {
            Ok(Parsed::Complete(_, used)) => at += used,
            other => panic!(
                "a response does not parse ({other:?}): {:?}",
                String::from_utf8_lossy(&output[at..])
            ),
        }
    }
});
