//! The IMAP client against hostile servers (issue 10, item 3), class by class, on the
//! scripted server. Every case ends in a typed error whose message says what went wrong,
//! sends no password or AUTHENTICATE payload in plaintext, does not panic and ends within
//! [`CASE_LIMIT`](support::hostile::CASE_LIMIT); the resource-exhaustion cases also keep
//! the process's peak memory within a bound.
//!
//! | class | cases |
//! | --- | --- |
//! | 1. STARTTLS stripping | 8 |
//! | 2. response injection after the STARTTLS reply | 2 |
//! | 3. certificate failures | 10 |
//! | 4. untagged data before TLS | 2 |
//! | 5. resource exhaustion | 12 |
//! | 6. truncation (EOF at every step) | 13 |
//! | 7. stalls at every step | 10 |
//! | 8. malformed responses | 10 |
//! | 9. CR/LF/NUL in user-supplied arguments | 96 (32 arguments × CR, LF, NUL) |

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{AString, Atom, SearchKey, Section, SequenceSet};
use mailwire::imap::{
    AppendOptions, Client, ClientBuilder, Credentials, Deadlines, Error, Event, FetchQuery,
    Security, TlsConfig,
};
use mailwire::limits::Limits;
use mailwire::net::{NetError, TlsFailure};
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use rustls::ServerConfig;
use support::certs::{TestCa, self_signed};
use support::hostile::{
    Cut, Step, Transcript, assert_plaintext_clean, bounded, log_of, memory_bounded,
};
use support::imap::{PASSWORD, SHORT, builder, plain, with_login};

const USER: &str = "user@example.org";

/// The password in clear and as AUTHENTICATE PLAIN carries it.
fn secrets() -> [String; 2] {
    [PASSWORD.to_owned(), plain(USER)]
}

/// Nothing secret in plaintext, and no login command at all before TLS.
fn assert_no_credential(case: &str, log: &ServerLog) {
    let secrets = secrets();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_plaintext_clean(case, log, &secrets);
    let plaintext = String::from_utf8_lossy(log.plaintext_unredacted()).into_owned();
    for command in ["LOGIN", "AUTHENTICATE"] {
        assert!(
            !plaintext.contains(command),
            "{case}: {command} went out in plaintext: {plaintext:?}"
        );
    }
}

/// A client of `port` that wants STARTTLS, trusts `ca` and logs in as [`USER`].
fn starttls_client(port: u16, ca: &TestCa) -> ClientBuilder {
    with_login(builder(port), USER)
        .security(Security::StartTls)
        .tls(TlsConfig::only_roots_pem(ca.pem().as_bytes()).unwrap())
}

/// Logs in (or fails to) with `builder` against the scripted `script`: the error, and
/// what the server read.
async fn refused(
    case: &str,
    script: Script,
    builder: impl FnOnce(u16) -> ClientBuilder,
) -> (Error, ServerLog) {
    let server = ScriptedServer::start(script).await.unwrap();
    let result = bounded(case, builder(server.port()).connect()).await;
    let error = match result {
        Ok(client) => panic!("{case}: the session was expected to fail: {client:?}"),
        Err(error) => error,
    };
    (error, log_of(server).await)
}

/// A session logged in already (PREAUTH), going on with `then`, with `limits`.
async fn preauth_with(
    limits: Limits,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    let script = then(
        Script::new(Mode::Plain).send(b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE UIDPLUS] ready\r\n"),
    );
    let server = ScriptedServer::start(script).await.unwrap();
    let client = builder(server.port())
        .limits(limits)
        .connect()
        .await
        .expect("the PREAUTH session opens");
    (client, server)
}

const STARTTLS_GREETING: &[u8] = b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n";

// ---------------------------------------------------------------------------------------
/// # 1. STARTTLS stripping (8 cases)
///
/// A server that keeps the session in plaintext: STARTTLS not advertised, refused with
/// `NO`, `BAD` or `BYE`, a tagged `OK` after which no TLS handshake comes, and PREAUTH on
/// a connection that needs STARTTLS. Each ends before any login is sent, and a login
/// offered in plaintext (`AUTH=PLAIN` next to `STARTTLS`) waits for TLS.
mod stripping {
    use super::*;

    #[tokio::test]
    async fn starttls_not_advertised_is_an_error_and_nothing_is_sent() {
        let case = "STARTTLS not advertised, AUTH=PLAIN offered";
        let script = Script::new(Mode::Plain)
            .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
            .read_until_close();
        let ca = TestCa::new();
        let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
        assert!(
            matches!(error, Error::StartTlsUnavailable { .. }),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
        assert_eq!(log.received_unredacted(), b"", "{case}");
    }

    #[tokio::test]
    async fn starttls_refused_with_no_bad_or_bye_is_an_error_and_no_credential_is_sent() {
        for answer in [
            &b"A1 NO [UNAVAILABLE] TLS not available now\r\n"[..],
            b"A1 NO TLS is broken here\r\n",
            b"A1 BAD Parse Error (took 0 ms)\r\n",
            b"* BYE no TLS for you\r\n",
        ] {
            let case = format!("STARTTLS answered {:?}", String::from_utf8_lossy(answer));
            let script = Script::new(Mode::Plain)
                .send(STARTTLS_GREETING)
                .expect_exact("A1 STARTTLS")
                .send(answer)
                .read_until_close();
            let ca = TestCa::new();
            // A server that says BYE and then does not close is waited for no longer than
            // the response deadline.
            let (error, log) = refused(&case, script, |port| {
                starttls_client(port, &ca).deadlines(Deadlines::all(Duration::from_secs(1)))
            })
            .await;
            let shown = error.to_string();
            match &error {
                Error::No {
                    command: "STARTTLS",
                    ..
                }
                | Error::Throttled {
                    command: "STARTTLS",
                    ..
                }
                | Error::Bad {
                    command: "STARTTLS",
                    ..
                } => assert!(shown.contains("STARTTLS"), "{case}: {shown}"),
                Error::Bye { text, .. } => {
                    assert_eq!(text, "no TLS for you", "{case}");
                    assert!(shown.contains("BYE"), "{case}: {shown}");
                }
                other => panic!("{case}: expected STARTTLS refused, got {other:?}"),
            }
            assert!(!log.tls_established, "{case}");
            assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
            assert_no_credential(&case, &log);
        }
    }

    #[tokio::test]
    async fn a_tagged_ok_without_a_handshake_times_out_and_nothing_is_sent() {
        let case = "A1 OK, then no TLS handshake";
        let script = Script::new(Mode::Plain)
            .send(STARTTLS_GREETING)
            .expect_exact("A1 STARTTLS")
            .send(b"A1 OK Begin TLS negotiation now\r\n")
            .stall(Duration::from_secs(3));
        let ca = TestCa::new();
        let started = Instant::now();
        let (error, log) = refused(case, script, |port| {
            starttls_client(port, &ca).deadlines(Deadlines::all(Duration::from_millis(500)))
        })
        .await;
        assert!(
            matches!(&error, Error::Timeout { source, .. } | Error::Net { source, .. } if source.is_timeout()),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("500ms"), "{case}: {error}");
        assert!(started.elapsed() < Duration::from_secs(3), "{case}");
        assert!(!log.tls_established, "{case}");
        assert_no_credential(case, &log);
    }

    #[tokio::test]
    async fn preauth_on_a_starttls_connection_is_an_error_and_nothing_is_sent() {
        let case = "PREAUTH on a STARTTLS connection";
        let script = Script::new(Mode::Plain)
            .send(b"* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in already\r\n")
            .read_until_close();
        let ca = TestCa::new();
        let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
        assert!(
            matches!(error, Error::PreauthWithoutTls { .. }),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("PREAUTH"), "{case}: {error}");
        assert_eq!(log.received_unredacted(), b"", "{case}");
    }

    #[tokio::test]
    async fn a_login_offered_in_plaintext_waits_for_tls() {
        let case = "AUTH=PLAIN and LOGIN allowed before STARTTLS";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN SASL-IR] ready\r\n")
            .expect_exact("A1 STARTTLS")
            .send(b"A1 OK Begin TLS\r\n")
            .starttls(ca.leaf(&["localhost"]).server_config())
            .expect_exact("A2 CAPABILITY")
            .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA2 OK done\r\n")
            .expect_exact(format!("A3 AUTHENTICATE PLAIN {}", plain(USER)))
            .send(b"A3 OK [CAPABILITY IMAP4rev1 IDLE] authenticated\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let client = bounded(case, starttls_client(server.port(), &ca).connect())
            .await
            .expect(case);
        drop(client);
        let log = server.finish().await.expect("the whole script ran");
        assert!(log.tls_established);
        assert_eq!(log.plaintext_unredacted(), b"A1 STARTTLS\r\n", "{case}");
        assert_no_credential(case, &log);
    }
}

// ---------------------------------------------------------------------------------------
/// # 2. Response injection after the STARTTLS reply (2 cases)
///
/// Responses planted after `A1 OK`, in its packet or in the next one, would be read as if
/// TLS protected them: the upgrade is refused over buffered bytes, and plaintext where the
/// handshake should be breaks it. Nothing follows.
mod injection {
    use super::*;

    #[tokio::test]
    async fn bytes_injected_in_the_starttls_packet_are_refused_and_nothing_follows() {
        let case = "a CAPABILITY planted in the packet of A1 OK";
        let script = Script::new(Mode::Plain)
            .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
            .expect_exact("A1 STARTTLS")
            .send(
                b"A1 OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] planted\r\n",
            )
            .read_until_close();
        let ca = TestCa::new();
        let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
        assert!(
            matches!(
                error,
                Error::Net {
                    source: NetError::BufferedBeforeTls { .. },
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
        assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
        assert_no_credential(case, &log);
    }

    #[tokio::test]
    async fn a_response_injected_in_the_next_packet_breaks_the_handshake() {
        let case = "a CAPABILITY planted in the packet after A1 OK";
        let script = Script::new(Mode::Plain)
            .send(STARTTLS_GREETING)
            .expect_exact("A1 STARTTLS")
            .send(b"A1 OK Begin TLS negotiation now\r\n")
            .with_handler(|conn| {
                Box::pin(async move {
                    // After the ClientHello is on its way: the planted response comes
                    // where the server's handshake should.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    conn.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n").await
                })
            })
            .read_until_close();
        let ca = TestCa::new();
        let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
        match &error {
            Error::Net { source, .. } => {
                assert_eq!(
                    source.tls_failure(),
                    Some(TlsFailure::NotTls),
                    "{case}: {source:?}"
                )
            }
            other => panic!("{case}: expected the handshake to fail, got {other:?}"),
        }
        assert!(!log.tls_established, "{case}");
        assert_no_credential(case, &log);
    }
}

// ---------------------------------------------------------------------------------------
/// # 3. Certificate failures (10 cases)
///
/// Self-signed, for another name, expired, signed by a CA the client does not trust, and
/// signed by an impostor bearing the trusted CA's name, each with implicit TLS and after
/// STARTTLS: a TLS error that names the failure, and no login sent.
mod certificates {
    use super::*;

    fn bad_certificates(ca: &TestCa) -> Vec<(&'static str, Arc<ServerConfig>, TlsFailure)> {
        vec![
            (
                "self-signed",
                self_signed(&["localhost"]).server_config(),
                TlsFailure::UnknownIssuer,
            ),
            (
                "wrong name",
                ca.leaf(&["imap.example.org"]).server_config(),
                TlsFailure::WrongName,
            ),
            (
                "expired",
                ca.expired_leaf(&["localhost"]).server_config(),
                TlsFailure::Expired,
            ),
            (
                "unknown CA",
                TestCa::named("another test CA")
                    .leaf(&["localhost"])
                    .server_config(),
                TlsFailure::UnknownIssuer,
            ),
            (
                "impostor CA (the trusted CA's name, another key)",
                TestCa::new().leaf(&["localhost"]).server_config(),
                TlsFailure::BadCertificate,
            ),
        ]
    }

    #[tokio::test]
    async fn bad_certificates_are_refused_with_implicit_tls() {
        let ca = TestCa::new();
        for (what, tls, failure) in bad_certificates(&ca) {
            let case = format!("implicit TLS, {what} certificate");
            let script = Script::new(Mode::ImplicitTls(tls))
                .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
            let (error, log) = refused(&case, script, |port| {
                starttls_client(port, &ca).security(Security::ImplicitTls)
            })
            .await;
            match &error {
                Error::Net { source, .. } => {
                    assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}")
                }
                other => panic!("{case}: expected a TLS error, got {other:?}"),
            }
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            assert!(!log.tls_established, "{case}");
            assert_no_credential(&case, &log);
        }
    }

    #[tokio::test]
    async fn bad_certificates_are_refused_after_starttls() {
        let ca = TestCa::new();
        for (what, tls, failure) in bad_certificates(&ca) {
            let case = format!("STARTTLS, {what} certificate");
            let script = Script::new(Mode::Plain)
                .send(STARTTLS_GREETING)
                .expect_exact("A1 STARTTLS")
                .send_and_starttls(b"A1 OK Begin TLS\r\n", tls);
            let (error, log) = refused(&case, script, |port| starttls_client(port, &ca)).await;
            match &error {
                Error::Net { source, .. } => {
                    assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}")
                }
                other => panic!("{case}: expected a TLS error, got {other:?}"),
            }
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
            assert_no_credential(&case, &log);
        }
    }
}

// ---------------------------------------------------------------------------------------
/// # 4. Untagged data before TLS (2 cases)
///
/// Capabilities and data the server sent in plaintext (in the greeting, untagged before
/// the STARTTLS OK, in that OK's code) could have been forged: after TLS none of it is
/// used, so a planted `AUTH=PLAIN` does not make the client log in.
mod before_tls {
    use super::*;

    #[tokio::test]
    async fn capabilities_and_data_from_before_tls_are_forgotten_after_starttls_and_login() {
        let case = "capabilities and EXISTS before TLS";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED X-BEFORE-TLS] ready\r\n")
            .expect_exact("A1 STARTTLS")
            .send(b"* 3 EXISTS\r\nA1 OK [CAPABILITY IMAP4rev1 X-PLANTED] Begin TLS\r\n")
            .starttls(ca.leaf(&["localhost"]).server_config())
            .expect_exact("A2 CAPABILITY")
            .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN X-AFTER-TLS\r\nA2 OK done\r\n")
            .expect_exact(format!("A3 AUTHENTICATE PLAIN {}", plain(USER)))
            .send(b"A3 OK [CAPABILITY IMAP4rev1 IDLE X-AFTER-LOGIN] authenticated\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let mut client = bounded(case, starttls_client(server.port(), &ca).connect())
            .await
            .expect(case);
        assert!(client.has_capability("X-AFTER-LOGIN"));
        for gone in [
            "X-BEFORE-TLS",
            "X-PLANTED",
            "X-AFTER-TLS",
            "LOGINDISABLED",
            "AUTH=PLAIN",
        ] {
            assert!(!client.has_capability(gone), "{case}: {gone}");
        }
        // The EXISTS sent before TLS is not reported as if it were trusted.
        assert_eq!(client.take_events(), vec![]);
        drop(client);
        let log = server.finish().await.expect("the whole script ran");
        assert!(log.tls_established);
        assert_no_credential(case, &log);
    }

    #[tokio::test]
    async fn an_untagged_auth_plain_before_tls_does_not_make_the_client_log_in() {
        let case = "* CAPABILITY with AUTH=PLAIN before the STARTTLS OK";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
            .expect_exact("A1 STARTTLS")
            .send(b"* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\nA1 OK Begin TLS\r\n")
            .starttls(ca.leaf(&["localhost"]).server_config())
            .expect_exact("A2 CAPABILITY")
            .send(b"* CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2\r\nA2 OK done\r\n")
            .read_until_close();
        let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
        match &error {
            Error::LoginDisabled { offered, .. } => {
                assert_eq!(offered, &["XOAUTH2".to_owned()], "{case}")
            }
            other => panic!("{case}: expected LoginDisabled, got {other:?}"),
        }
        assert!(error.to_string().contains("XOAUTH2"), "{case}: {error}");
        assert!(log.tls_established, "{case}");
        assert!(
            !log.received_text_unredacted().contains("AUTHENTICATE"),
            "{case}: {:?}",
            log.received_text_unredacted()
        );
        assert_no_credential(case, &log);
    }
}

// ---------------------------------------------------------------------------------------
/// # 5. Resource exhaustion (12 cases)
///
/// An endless line; literals announced past the limit (`{4294967295}`, a size past
/// `u64`, 5 MB over a 1 MB limit); lists nested 10,000 deep in each production that
/// recurses (BODYSTRUCTURE, BODY, a body extension, THREAD); a million `* OK`
/// lines (against a 4 MiB response bound); 10,000 continuation requests nobody asked for;
/// a response trickled a byte at a time (in a command and in the greeting). Each ends in
/// the limit's error, the session is over, and the peak RSS grows by less than 32 MiB.
mod exhaustion {
    use super::*;

    /// Peak RSS growth allowed while a flood runs.
    const MEMORY_BOUND_MIB: u64 = 32;

    /// A NOOP answered by a flood: the error it ends in, after checking that memory and
    /// the client's buffer stayed bounded, the session is over and the client stopped
    /// reading long before the flood ran out.
    async fn noop_flooded(
        case: &str,
        limits: Limits,
        flood: impl FnOnce(Script) -> Script,
    ) -> Error {
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
}

// ---------------------------------------------------------------------------------------
/// # 6. Truncation (13 cases) and 7. stalls (10 cases) at every step
///
/// One transcript of a whole session (greeting, STARTTLS, the TLS handshake, CAPABILITY,
/// LOGIN, SELECT, a FETCH whose literal comes in two halves, IDLE with one push, DONE),
/// cut at each of its 11 places the client waits for the server: once by closing the
/// connection (EOF), once by going silent longer than the client's deadlines (every wait
/// but the push in IDLE, where silence is what IDLE is for). Each ends in a network error
/// or a timeout, the session unusable, no login in plaintext. Two more EOF cases cut a
/// literal the client collects (unsolicited, during NOOP) and one it streams into a writer
/// (a 4 MiB body): neither hands out a short body as if it were whole.
mod every_step {
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
}

// ---------------------------------------------------------------------------------------
/// # 8. Malformed responses (10 cases)
///
/// A tagged completion for a tag never sent, tags that are not tags, a status IMAP does
/// not have, a BODYSTRUCTURE that does not parse, an EXISTS with garbage after it: each a
/// protocol error naming what was wrong, the session over (nothing read after a broken
/// response is trusted). What the grammar lets servers add (unknown untagged kinds, codes
/// with unexpected values) is no error: it is handed over raw or ignored, never taken for
/// what it is not.
mod malformed {
    use super::*;

    #[tokio::test]
    async fn malformed_responses_to_a_noop_are_protocol_errors() {
        for answer in [
            &b"A7 OK NOOP completed\r\n"[..],
            b"A1x OK NOOP completed\r\n",
            b"A{1} OK NOOP completed\r\n",
            b"A1 MAYBE NOOP completed\r\n",
            b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL))\r\nA1 OK done\r\n",
            b"* 1 FETCH (BODYSTRUCTURE (1 2 3))\r\nA1 OK done\r\n",
            b"* 1 EXISTS garbage\r\nA1 OK done\r\n",
        ] {
            let case = format!("NOOP answered {:?}", String::from_utf8_lossy(answer));
            let (mut client, server) = preauth_with(Limits::default(), |script| {
                script
                    .expect_exact("A1 NOOP")
                    .send(answer)
                    .read_until_close()
            })
            .await;
            let error = bounded(&case, client.noop()).await.expect_err(&case);
            assert!(
                matches!(&error, Error::Protocol { .. }),
                "{case}: {error:?}"
            );
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            assert!(!client.is_usable(), "{case}");
            let next = client.noop().await.expect_err(&case);
            assert!(matches!(next, Error::Unusable { .. }), "{case}: {next:?}");
            drop(client);
            let log = log_of(server).await;
            assert_eq!(log.received_unredacted(), b"A1 NOOP\r\n", "{case}");
        }
    }

    #[tokio::test]
    async fn a_known_code_with_a_value_that_does_not_parse_changes_nothing() {
        // `[UIDVALIDITY abc]` still fits the grammar's catch-all code (an atom and text),
        // so it is no protocol error; but it must not be read as a UIDVALIDITY: a client
        // that took it for 0 or for the last number seen would mix up two mailboxes.
        let case = "SELECT answered with [UIDVALIDITY abc] and [UIDNEXT -1]";
        let (mut client, server) = preauth_with(Limits::default(), |script| {
            script.expect_exact("A1 SELECT INBOX").send(
                b"* 2 EXISTS\r\n* OK [UIDVALIDITY abc] bad\r\n* OK [UIDNEXT -1] bad\r\n\
A1 OK [READ-WRITE] SELECT completed\r\n",
            )
        })
        .await;
        let state = bounded(case, client.select("INBOX")).await.expect(case);
        assert_eq!(state.exists, 2, "{case}");
        assert_eq!(state.uid_validity, None, "{case}: {state:?}");
        assert_eq!(state.uid_next, None, "{case}: {state:?}");
        drop(client);
        server.finish().await.expect(case);
    }

    #[tokio::test]
    async fn untagged_responses_of_unknown_kinds_are_handed_over_raw_and_trusted_for_nothing() {
        // IMAP lets servers add response kinds (RFC 9051 §7), so an untagged line the
        // client cannot read is not an error: it reaches the events as raw bytes, changes
        // no state, and the session goes on.
        for (line, raw) in [
            ("* FROBNICATE 1 2 3\r\n", "FROBNICATE 1 2 3"),
            ("* -1 EXISTS\r\n", "-1 EXISTS"),
        ] {
            let case = format!("NOOP with {line:?}");
            let (mut client, server) = preauth_with(Limits::default(), |script| {
                script
                    .expect_exact("A1 NOOP")
                    .send(line)
                    .send(b"A1 OK done\r\n")
                    .expect_exact("A2 NOOP")
                    .send(b"A2 OK done\r\n")
            })
            .await;
            let events = bounded(&case, client.noop()).await.expect(&case);
            assert_eq!(events.len(), 1, "{case}: {events:?}");
            let shown = format!("{:?}", events[0]);
            assert!(
                matches!(events[0], Event::Other(_)) && shown.contains(raw),
                "{case}: {shown}"
            );
            assert!(client.selected().is_none(), "{case}");
            client.noop().await.expect(&case);
            drop(client);
            server.finish().await.expect(&case);
        }
    }
}

// ---------------------------------------------------------------------------------------
/// # 9. CR, LF and NUL in user-supplied arguments (96 cases)
///
/// 32 arguments, each with CR+LF (a second command smuggled in), a bare LF and a NUL: the
/// mailbox name of every command that takes one (SELECT, EXAMINE, STATUS, CREATE, DELETE,
/// RENAME from and to, SUBSCRIBE, UNSUBSCRIBE, APPEND, COPY, UID COPY, MOVE, UID MOVE,
/// GETQUOTAROOT, LIST reference and pattern: 17), search strings (SUBJECT, BODY, HEADER,
/// FROM under NOT, in SEARCH and UID SEARCH: 8), a keyword (the one type STORE and APPEND
/// take flags in: 1), the LOGIN user and password (2), an ID name and value (2), an ENABLE
/// name and a HEADER.FIELDS field name (2). Each is refused before a byte of its command
/// is sent (a keyword, credentials and a FETCH query cannot even be built), and the
/// session goes on: its next command is the first the server reads.
mod injection_in_arguments {
    use super::*;

    const BAD: [&str; 3] = ["x\r\nA9 DELETE INBOX", "x\ny", "x\0y"];

    /// A session that must see nothing but `A1 NOOP` after the greeting.
    async fn session() -> (Client, ScriptedServer) {
        preauth_with(Limits::default(), |script| {
            script
                .expect_exact("A1 NOOP")
                .send(b"A1 OK NOOP completed\r\n")
        })
        .await
    }

    /// Ends the session: a NOOP goes out (the session still works, with the next tag) and
    /// is all the server read.
    async fn only_noop_was_sent(case: &str, mut client: Client, server: ScriptedServer) {
        client.noop().await.expect(case);
        drop(client);
        let log = server.finish().await.expect(case);
        assert_eq!(log.received_unredacted(), b"A1 NOOP\r\n", "{case}");
    }

    fn assert_invalid(case: &str, result: Result<impl std::fmt::Debug, Error>) {
        match result {
            Err(error @ Error::InvalidArgument { .. }) => {
                // What cannot be sent, why, and that nothing went out.
                let shown = error.to_string();
                assert!(
                    shown.contains("cannot write") && shown.ends_with("nothing was sent"),
                    "{case}: {shown}"
                );
            }
            other => panic!("{case}: expected InvalidArgument, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_mailbox_name_with_cr_lf_or_nul_is_refused_before_anything_is_sent() {
        let set = SequenceSet::single(1);
        for bad in BAD {
            let (mut client, server) = session().await;
            let c = &mut client;
            assert_invalid(&format!("SELECT {bad:?}"), c.select(bad).await);
            assert_invalid(&format!("EXAMINE {bad:?}"), c.examine(bad).await);
            assert_invalid(&format!("STATUS {bad:?}"), c.status(bad).await);
            assert_invalid(&format!("CREATE {bad:?}"), c.create(bad).await);
            assert_invalid(&format!("DELETE {bad:?}"), c.delete(bad).await);
            assert_invalid(&format!("RENAME from {bad:?}"), c.rename(bad, "ok").await);
            assert_invalid(&format!("RENAME to {bad:?}"), c.rename("ok", bad).await);
            assert_invalid(&format!("SUBSCRIBE {bad:?}"), c.subscribe(bad).await);
            assert_invalid(&format!("UNSUBSCRIBE {bad:?}"), c.unsubscribe(bad).await);
            assert_invalid(
                &format!("APPEND to {bad:?}"),
                c.append(bad, b"Subject: x\r\n\r\nbody\r\n", &AppendOptions::new())
                    .await,
            );
            assert_invalid(&format!("COPY to {bad:?}"), c.copy(&set, bad).await);
            assert_invalid(&format!("UID COPY to {bad:?}"), c.uid_copy(&set, bad).await);
            assert_invalid(
                &format!("MOVE to {bad:?}"),
                c.move_messages(&set, bad).await,
            );
            assert_invalid(&format!("UID MOVE to {bad:?}"), c.uid_move(&set, bad).await);
            assert_invalid(
                &format!("GETQUOTAROOT {bad:?}"),
                c.get_quota_root(bad).await,
            );
            assert_invalid(&format!("LIST reference {bad:?}"), c.list(bad, "*").await);
            assert_invalid(&format!("LIST pattern {bad:?}"), c.list("", bad).await);
            only_noop_was_sent(&format!("mailbox names with {bad:?}"), client, server).await;
        }
    }

    #[tokio::test]
    async fn search_strings_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
        for bad in BAD {
            let case = format!("SEARCH with {bad:?}");
            let (mut client, server) = session().await;
            let string = || AString::new(bad.as_bytes().to_vec());
            for key in [
                SearchKey::Subject(string()),
                SearchKey::Body(string()),
                SearchKey::Header(AString::new(b"X-Tag".to_vec()), string()),
                SearchKey::Not(Box::new(SearchKey::From(string()))),
            ] {
                assert_invalid(&case, client.search(key.clone()).await);
                assert_invalid(&case, client.uid_search(key).await);
            }
            only_noop_was_sent(&case, client, server).await;
        }
    }

    #[tokio::test]
    async fn keywords_with_cr_lf_or_nul_cannot_be_made() {
        // A keyword is an atom: one with CR, LF or NUL cannot be built, so no STORE or
        // APPEND can carry it.
        for bad in BAD {
            let case = format!("keyword {bad:?}");
            let error = Atom::new(bad).expect_err(&case);
            assert!(error.to_string().contains("character"), "{case}: {error}");
        }
    }

    #[tokio::test]
    async fn enable_names_and_header_field_names_with_cr_lf_or_nul_are_refused() {
        for bad in BAD {
            let case = format!("ENABLE and HEADER.FIELDS with {bad:?}");
            let (mut client, server) = session().await;
            assert_invalid(&case, client.enable(&["CONDSTORE", bad]).await);
            assert_invalid(&case, FetchQuery::new().header_fields(&["Subject", bad]));
            only_noop_was_sent(&case, client, server).await;
        }
    }

    #[tokio::test]
    async fn a_login_user_or_password_with_cr_lf_or_nul_is_refused_before_connecting() {
        for bad in BAD {
            for (case, user, password) in [
                (format!("LOGIN user {bad:?}"), bad, PASSWORD),
                (format!("LOGIN password {bad:?}"), USER, bad),
            ] {
                let error = Credentials::new(user, password).expect_err(&case);
                let shown = format!("{error} {error:?}");
                assert!(
                    shown.contains("password") || shown.contains("user"),
                    "{case}: {shown}"
                );
                assert!(!shown.contains(PASSWORD), "{case}: the password shows");
            }
        }
    }

    #[tokio::test]
    async fn id_names_and_values_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
        for bad in BAD {
            let case = format!("ID with {bad:?}");
            let (mut client, server) = session().await;
            let value = [("name".to_owned(), bad.to_owned())];
            assert_invalid(&case, client.id(&value).await);
            let name = [(bad.to_owned(), "mailwire".to_owned())];
            assert_invalid(&case, client.id(&name).await);
            only_noop_was_sent(&case, client, server).await;
        }
    }
}
