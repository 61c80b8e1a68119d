//! Any bytes as what a client sends to the SMTP test server: one session of
//! `SmtpServer::serve_stream` over an in-memory stream, with a store so that accepted mail
//! is delivered (in the mode the first byte picks, so iCloud's copy to `Sent Messages`
//! runs too). The session must end once the input has (no hang) and never panic, and
//! every byte it writes must read back with the crate's reply parser as whole replies.
#![no_main]

use std::time::Duration;

#[path = "common/session.rs"]
mod session;

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Parsed, parse_reply};
use mailwire::testing::mail::{MailStore, ServerMode, StoreLimits};
use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let mode = if flags & 1 == 0 {
        ServerMode::Rfc
    } else {
        ServerMode::Icloud
    };
    let store = MailStore::with_limits(
        mode,
        StoreLimits::default()
            .with_message_size(64 * 1024)
            .with_mailbox_messages(16),
    );
    // Either logs in (AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABwdw== for alice; in iCloud mode
    // also as plain "alice"); mail to either address is delivered.
    store
        .add_user("alice@example.test", "pw")
        .expect("a valid user");
    store
        .add_user("bob@example.test", "pw")
        .expect("a valid user");
    let config = SmtpServerConfig::plaintext()
        .with_store(store)
        .with_chunking(flags & 2 != 0)
        .with_limits(
            Limits::default()
                .with_line_len(1024)
                .with_response_len(64 * 1024),
        )
        .with_idle_timeout(Duration::from_secs(5));
    let output = session::drive(input, move |server| async move {
        SmtpServer::serve_stream(&config, server).await
    });
    // What the server wrote is SMTP: whole replies, one after another.
    let limits = Limits::default();
    let mut at = 0;
    while at < output.len() {
        match parse_reply(&output[at..], &limits) {
            Ok(Parsed::Complete(_, used)) => at += used,
            other => panic!(
                "a reply does not parse ({other:?}): {:?}",
                String::from_utf8_lossy(&output[at..])
            ),
        }
    }
    assert!(
        output.starts_with(b"220 "),
        "no greeting: {:?}",
        String::from_utf8_lossy(&output)
    );
});
