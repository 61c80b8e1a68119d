//! Hostile IMAP peers (issue 9, acceptance d): each ends in a clear error, with no
//! credential sent in plaintext, nothing from before TLS used, memory bounded and no
//! panic. A case proven in another file is listed here with its test; the rest follow.
//!
//! | hostile peer | test | file |
//! | --- | --- | --- |
//! | PREAUTH on a STARTTLS connection | `preauth_on_a_starttls_connection_is_an_error_and_no_credential_is_sent` | `imap_client.rs` |
//! | STARTTLS not advertised | `starttls_not_advertised_is_an_error_and_no_credential_is_sent` | `imap_client.rs` |
//! | STARTTLS advertised, then refused with NO | `starttls_advertised_then_refused_with_no_is_an_error_and_no_credential_is_sent` | here |
//! | STARTTLS advertised, then refused with BAD | `starttls_advertised_then_refused_with_bad_is_an_error_and_no_credential_is_sent` | here |
//! | bytes injected after the STARTTLS OK | `bytes_injected_after_the_starttls_ok_are_refused_and_nothing_follows` | `imap_client.rs` |
//! | untagged data (and capabilities) before TLS | `capabilities_and_data_from_before_tls_are_forgotten_after_starttls_and_login` | `imap_client.rs` |
//! | EOF inside a literal (collected) | `eof_inside_a_literal_is_a_clear_error_and_the_session_is_over` | here |
//! | EOF inside a literal (streamed into a writer) | `eof_inside_a_streamed_body_is_a_clear_error_not_a_short_body` | here |
//! | a stall during IDLE | `a_stall_during_idle_is_found_by_the_keepalive_and_ends_in_a_timeout` | `imap_client_idle.rs` |
//! | a server trickling a byte at a time | `a_server_trickling_a_byte_at_a_time_meets_the_response_deadline` | `imap_client.rs` |
//! | a server trickling a greeting before login | `a_greeting_trickled_a_byte_at_a_time_meets_the_deadline_and_no_credential_is_sent` | here |
//! | a tagged reply for a tag never sent | `a_tagged_reply_for_a_tag_never_sent_is_a_protocol_error` | `imap_client.rs` |
//! | a literal larger than the limit | `a_literal_larger_than_the_limit_is_a_clear_error` | `imap_client.rs` |
//! | a line without end, past the line limit | `an_endless_line_is_cut_at_the_line_limit` | here |

mod support;

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::Section;
use mailwire::imap::{Deadlines, Error, Security};
use mailwire::limits::Limits;
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use support::imap::{PASSWORD, SHORT, builder, failed_login, finish_lenient};

/// The password, in any form a login could carry it, is nowhere in what the server read.
fn assert_no_credential(log: &ServerLog) {
    let received = log.received_text_unredacted();
    assert!(!received.contains(PASSWORD), "{received}");
    assert!(!received.contains("LOGIN"), "{received}");
    assert!(!received.contains("AUTHENTICATE"), "{received}");
}

async fn starttls_refused(answer: &'static [u8]) -> (Error, ServerLog) {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n")
        .expect_exact("A1 STARTTLS")
        .send(answer)
        .read_until_close();
    let (error, server) = failed_login(script, "name@icloud.com", |builder| {
        builder.security(Security::StartTls)
    })
    .await;
    let log = finish_lenient(server).await;
    (error, log)
}

#[tokio::test]
async fn starttls_advertised_then_refused_with_no_is_an_error_and_no_credential_is_sent() {
    let (error, log) = starttls_refused(b"A1 NO [UNAVAILABLE] TLS not available now\r\n").await;
    assert!(
        matches!(&error, Error::No { command: "STARTTLS", text, .. } if text == "TLS not available now")
            || matches!(
                &error,
                Error::Throttled {
                    command: "STARTTLS",
                    ..
                }
            ),
        "{error:?}"
    );
    assert!(error.to_string().contains("STARTTLS"), "{error}");
    assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n");
    assert!(!log.tls_established);
    assert_no_credential(&log);
}

#[tokio::test]
async fn starttls_advertised_then_refused_with_bad_is_an_error_and_no_credential_is_sent() {
    let (error, log) = starttls_refused(b"A1 BAD Parse Error (took 0 ms)\r\n").await;
    assert!(
        matches!(&error, Error::Bad { command: "STARTTLS", text, .. } if text == "Parse Error (took 0 ms)"),
        "{error:?}"
    );
    assert!(error.to_string().contains("STARTTLS"), "{error}");
    assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n");
    assert_no_credential(&log);
}

#[tokio::test]
async fn eof_inside_a_literal_is_a_clear_error_and_the_session_is_over() {
    let script = Script::new(Mode::Plain)
        .send(b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_exact("A1 NOOP")
        .send(b"* 1 FETCH (BODY[] {100}\r\nonly twenty bytes...")
        .close();
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = builder(server.port()).connect().await.unwrap();
    let error = client.noop().await.unwrap_err();
    assert!(
        matches!(&error, Error::Net { .. } | Error::Protocol { .. }),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("closed") || shown.contains("ended") || shown.contains("EOF"),
        "{shown}"
    );
    assert!(!client.is_usable());
    // Nothing of the cut-off literal was handed out as if it were a message.
    assert_eq!(client.take_events(), vec![]);
    assert!(matches!(client.noop().await, Err(Error::Unusable { .. })));
    drop(client);
    finish_lenient(server).await;
}

#[tokio::test]
async fn eof_inside_a_streamed_body_is_a_clear_error_not_a_short_body() {
    // The body announced is far above the streaming threshold, so its bytes go into the
    // writer as they come; the server closes 64 KiB into it.
    const ANNOUNCED: usize = 4 * 1024 * 1024;
    let script = Script::new(Mode::Plain)
        .send(b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_exact("A1 UID FETCH 42 (UID BODY.PEEK[])")
        .send(format!("* 3 FETCH (UID 42 BODY[] {{{ANNOUNCED}}}\r\n"))
        .send(vec![b'x'; 64 * 1024])
        .close();
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = builder(server.port()).connect().await.unwrap();
    let mut out = Vec::new();
    let error = client
        .fetch_body_into(42, &Section::default(), &mut out)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Net { .. } | Error::Protocol { .. }),
        "{error:?}"
    );
    // Whatever reached the writer is less than announced, and the call says it failed:
    // a caller cannot take the cut body for the message.
    assert!(out.len() < ANNOUNCED);
    assert!(!client.is_usable());
    assert!(
        client.buffer_allocated() < 512 * 1024,
        "{}",
        client.buffer_allocated()
    );
    drop(client);
    finish_lenient(server).await;
}

#[tokio::test]
async fn a_greeting_trickled_a_byte_at_a_time_meets_the_deadline_and_no_credential_is_sent() {
    let script = Script::new(Mode::Plain)
        .send_slowly(
            b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] a very slow greeting indeed\r\n",
            1,
            Duration::from_millis(50),
        )
        .read_until_close();
    let started = Instant::now();
    let (error, server) = failed_login(script, "name@icloud.com", |builder| {
        builder.deadlines(Deadlines::all(SHORT).with_response(Duration::from_millis(500)))
    })
    .await;
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let log = finish_lenient(server).await;
    assert_eq!(log.received_unredacted(), b"");
}

#[tokio::test]
async fn an_endless_line_is_cut_at_the_line_limit() {
    let script = Script::new(Mode::Plain)
        .send(b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_exact("A1 NOOP")
        .send(b"* OK ")
        .send_forever(
            b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            64 << 20,
        )
        .read_until_close();
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = builder(server.port())
        .limits(Limits::default().with_line_len(64 * 1024))
        .connect()
        .await
        .unwrap();
    let error = client.noop().await.unwrap_err();
    assert!(
        matches!(&error, Error::Protocol { what, .. } if what.contains("line")),
        "{error:?}"
    );
    assert!(!client.is_usable());
    assert!(
        client.buffer_allocated() < 1024 * 1024,
        "{}",
        client.buffer_allocated()
    );
    drop(client);
    let log = finish_lenient(server).await;
    // The client stopped reading long before the server ran out of bytes to send.
    assert!(log.sent < 64 << 20, "{}", log.sent);
}
