//! The SMTP client against hostile servers (issue 10, item 3), class by class, on the
//! scripted server. Every case ends in a typed error whose message says what went wrong,
//! sends no password, AUTH payload or message text in plaintext, does not panic and ends
//! within [`CASE_LIMIT`](support::hostile::CASE_LIMIT); the resource-exhaustion cases also
//! keep the process's peak memory within a bound.
//!
//! | class | cases |
//! | --- | --- |
//! | 1. STARTTLS stripping | 9 |
//! | 2. response injection after the STARTTLS reply | 2 |
//! | 3. certificate failures | 10 |
//! | 4. unsolicited data before TLS | 2 |
//! | 5. resource exhaustion | 5 |
//! | 6. truncation (EOF at every step) | 11 |
//! | 7. stalls at every step | 11 |
//! | 8. malformed replies | 11 |
//! | 9. CR/LF/NUL in user-supplied arguments | 18 |

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mailwire::message::{Mailbox, MessageBuilder};
use mailwire::net::{NetError, TlsConfig, TlsFailure};
use mailwire::sasl::{Credentials, SaslError};
use mailwire::security::Security;
use mailwire::smtp::codec::ReplyError;
use mailwire::smtp::{ClientBuilder, Envelope, Error, Phase, PhaseTimeouts};
use mailwire::testing::{Failure, Mode, Script, ScriptedServer, ServerLog};
use rustls::ServerConfig;
use support::certs::{TestCa, self_signed};
use support::hostile::{
    Cut, Step, Transcript, assert_plaintext_clean, bounded, log_of, memory_bounded,
};

const PASSWORD: &str = "s3cret-app-password";
/// `\0user@mx.test\0s3cret-app-password`, PLAIN's one message.
const PLAIN_RESPONSE: &str = "AHVzZXJAbXgudGVzdABzM2NyZXQtYXBwLXBhc3N3b3Jk";
/// The password as LOGIN sends it.
const LOGIN_PASSWORD: &str = "czNjcmV0LWFwcC1wYXNzd29yZA==";
/// A line of the message each session sends: it must never cross in plaintext.
const MESSAGE_TEXT: &str = "the quarterly numbers nobody may read";
const GREETING: &[u8] = b"220 mx.test ESMTP\r\n";
const EHLO_BEFORE_TLS: &[u8] = b"250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n\
250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
const EHLO_AFTER_TLS: &[u8] = b"250-mx.test\r\n250-SIZE 10240000\r\n\
250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";

/// Everything secret or private a session holds, as the wire could carry it.
const SECRETS: [&str; 4] = [PASSWORD, PLAIN_RESPONSE, LOGIN_PASSWORD, MESSAGE_TEXT];

fn credentials() -> Credentials {
    Credentials::new("user@mx.test", PASSWORD).unwrap()
}

fn message() -> Vec<u8> {
    format!("From: user@mx.test\r\nTo: friend@example.org\r\nSubject: q3\r\n\r\n{MESSAGE_TEXT}\r\n")
        .into_bytes()
}

fn envelope() -> Envelope {
    Envelope::new("user@mx.test", ["friend@example.org"])
}

fn client(port: u16, security: Security, ca: &TestCa) -> ClientBuilder {
    ClientBuilder::new("localhost", port)
        .security(security)
        .tls(TlsConfig::only_roots_pem(ca.pem().as_bytes()).unwrap())
        .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
        .credentials(credentials())
}

/// Greeting and the first EHLO, as a STARTTLS server says them.
fn starttls_opening() -> Script {
    Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send(EHLO_BEFORE_TLS)
}

/// A whole session: connect (STARTTLS and AUTH as the builder says), send the message,
/// QUIT. The first error ends it.
async fn session(builder: ClientBuilder) -> Result<(), Error> {
    let mut client = builder.connect().await?;
    client.send_raw(&envelope(), &message()).await?;
    client.quit().await
}

/// The checks every case ends with: no secret in plaintext, and no mail command at all
/// when the session never got past its opening.
fn assert_nothing_sensitive(case: &str, log: &ServerLog) {
    assert_plaintext_clean(case, log, &SECRETS);
    let text = String::from_utf8_lossy(log.plaintext_unredacted()).into_owned();
    for command in ["AUTH", "MAIL FROM", "RCPT TO", "DATA"] {
        assert!(
            !text.contains(command),
            "{case}: {command:?} went out in plaintext: {text:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
/// # 1. STARTTLS stripping (9 cases)
///
/// A server (or a man in the middle) that keeps the session in plaintext: STARTTLS not
/// advertised, refused with each code a server could plausibly use (454, 502, 500, 501,
/// 530, and 250: a positive reply that is not the 220 go-ahead), an EHLO refused so that
/// only HELO would be left, and AUTH offered before TLS. The client sends nothing after
/// its STARTTLS (or EHLO), and never logs in in plaintext.
mod stripping {
    use super::*;

    #[tokio::test]
    async fn starttls_not_advertised_gets_nothing_but_ehlo() {
        let case = "STARTTLS not advertised, AUTH offered in plaintext";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        assert!(
            matches!(error, Error::StartTlsNotOffered { .. }),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert_nothing_sensitive(case, &log);
        assert!(log.received_text_unredacted().starts_with("EHLO "));
    }

    #[tokio::test]
    async fn starttls_refused_with_each_plausible_code_stops_the_session() {
        for reply in [
            &b"454 4.7.0 TLS not available due to local problem\r\n"[..],
            b"502 5.5.1 Command not implemented\r\n",
            b"500 5.5.2 Syntax error, command unrecognized\r\n",
            b"501 5.5.4 Syntax error in parameters\r\n",
            b"530 5.7.0 Must issue a STARTTLS command first\r\n",
            b"250 2.0.0 OK, carry on in plaintext\r\n",
        ] {
            let case = format!("STARTTLS answered {:?}", String::from_utf8_lossy(reply));
            let code: u16 = String::from_utf8_lossy(&reply[..3]).parse().unwrap();
            let ca = TestCa::new();
            let script = starttls_opening()
                .expect_exact("STARTTLS")
                .send(reply)
                .read_until_close();
            let server = ScriptedServer::start(script).await.unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::StartTls, &ca)),
            )
            .await;
            let error = result.expect_err(&case);
            match &error {
                Error::Rejected {
                    phase: Phase::StartTls,
                    reply,
                    ..
                } => assert_eq!(reply.code.get(), code, "{case}"),
                other => panic!("{case}: expected STARTTLS refused, got {other:?}"),
            }
            let shown = error.to_string();
            assert!(
                shown.contains("localhost:") && shown.contains(&code.to_string()),
                "{case}: {shown}"
            );
            drop(error);
            let log = log_of(server).await;
            assert!(!log.tls_established, "{case}");
            assert_nothing_sensitive(&case, &log);
            assert!(
                log.received_text_unredacted().ends_with("STARTTLS\r\n"),
                "{case}: nothing may follow the refused STARTTLS: {:?}",
                log.received_text_unredacted()
            );
        }
    }

    #[tokio::test]
    async fn an_ehlo_refused_on_a_starttls_session_gets_no_helo_fallback() {
        let case = "EHLO refused with 502 on a STARTTLS session";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"502 5.5.2 Error: command not recognized\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        assert!(
            matches!(
                error,
                Error::Rejected {
                    phase: Phase::Ehlo,
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("502"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert!(
            !log.received_text_unredacted().contains("HELO"),
            "{case}: {:?}",
            log.received_text_unredacted()
        );
        assert_nothing_sensitive(case, &log);

        // In plaintext mode, asked for by name, the old HELO is acceptable: the refusal above
        // is the STARTTLS mode's, not a broken EHLO path.
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"502 5.5.2 Error: command not recognized\r\n")
            .expect_prefix("HELO ")
            .send(b"250 mx.test\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let session = ClientBuilder::new("127.0.0.1", server.port())
            .security(Security::Plaintext)
            .connect()
            .await
            .expect("HELO fallback in plaintext");
        assert!(!session.capabilities().pipelining);
        drop(session);
        server.finish().await.unwrap();
    }

    #[tokio::test]
    async fn auth_offered_before_tls_waits_for_tls_and_the_login_goes_encrypted() {
        let case = "AUTH advertised in the plaintext EHLO";
        let ca = TestCa::new();
        let tls = ca.leaf(&["localhost"]).server_config();
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250-AUTH PLAIN LOGIN\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
            .expect_exact("STARTTLS")
            .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
            .expect_prefix("EHLO ")
            .send(EHLO_AFTER_TLS)
            .expect_exact(format!("AUTH PLAIN {PLAIN_RESPONSE}"))
            .send(b"235 2.7.0 Authentication successful\r\n")
            .expect_prefix("MAIL FROM:<user@mx.test>")
            .send(b"250 2.1.0 Ok\r\n")
            .expect_exact("RCPT TO:<friend@example.org>")
            .send(b"250 2.1.5 Ok\r\n")
            .expect_exact("DATA")
            .send(b"354 go\r\n")
            .read_until("\r\n.\r\n")
            .send(b"250 2.0.0 Ok: queued\r\n")
            .expect_exact("QUIT")
            .send(b"221 2.0.0 Bye\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await
        .expect(case);
        let log = server.finish().await.expect("the whole script ran");
        assert!(log.tls_established);
        assert_eq!(
            log.plaintext_unredacted(),
            b"EHLO localhost\r\nSTARTTLS\r\n"
        );
        assert_nothing_sensitive(case, &log);
    }
}

// ---------------------------------------------------------------------------------------
/// # 2. Response injection after the STARTTLS reply (2 cases)
///
/// Bytes planted after the 220 go-ahead, in the same packet or in the next one, would be
/// read as if TLS protected them. The client refuses to upgrade over buffered bytes, and a
/// plaintext reply where the TLS handshake should be breaks the handshake.
mod injection {
    use super::*;

    #[tokio::test]
    async fn lines_injected_in_the_starttls_packet_abort_the_upgrade() {
        let case = "250 lines in the packet of the 220 go-ahead";
        let ca = TestCa::new();
        let tls = ca.leaf(&["localhost"]).server_config();
        let script = starttls_opening()
            .expect_exact("STARTTLS")
            .send_and_starttls(
                b"220 2.0.0 Ready to start TLS\r\n250-mx.test\r\n250 AUTH PLAIN\r\n",
                tls,
            );
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        match &error {
            Error::Net {
                phase: Phase::StartTls,
                source: NetError::BufferedBeforeTls { bytes, .. },
            } => assert_eq!(*bytes, "250-mx.test\r\n250 AUTH PLAIN\r\n".len(), "{case}"),
            other => panic!("{case}: expected the injection to be refused, got {other:?}"),
        }
        assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert!(!log.tls_established);
        assert_nothing_sensitive(case, &log);
    }

    #[tokio::test]
    async fn a_reply_injected_in_the_next_packet_breaks_the_handshake() {
        let case = "250 lines in the packet after the 220 go-ahead";
        let ca = TestCa::new();
        let script = starttls_opening()
            .expect_exact("STARTTLS")
            .send(b"220 2.0.0 Ready to start TLS\r\n")
            .with_handler(|conn| {
                Box::pin(async move {
                    // Let the client's ClientHello arrive first: the planted reply then comes
                    // where the server's handshake should.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    conn.send(b"250-mx.test\r\n250 AUTH PLAIN\r\n").await
                })
            })
            .read_until_close();
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        match &error {
            Error::Net {
                phase: Phase::StartTls,
                source,
            } => assert!(
                matches!(source, NetError::BufferedBeforeTls { .. })
                    || source.tls_failure() == Some(TlsFailure::NotTls)
                    || source.tls_failure().is_some(),
                "{case}: {source:?}"
            ),
            other => panic!("{case}: expected the handshake to fail, got {other:?}"),
        }
        drop(error);
        let log = log_of(server).await;
        assert!(!log.tls_established);
        assert_nothing_sensitive(case, &log);
    }
}

// ---------------------------------------------------------------------------------------
/// # 3. Certificate failures (10 cases)
///
/// Self-signed, for another name, expired, signed by a CA the client does not trust, and
/// signed by an impostor bearing the trusted CA's name, each with implicit TLS and after
/// STARTTLS: a TLS error that names the failure, and
/// nothing sent once the handshake failed.
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
                ca.leaf(&["mail.example.org"]).server_config(),
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
            let server = ScriptedServer::start(Script::new(Mode::ImplicitTls(tls)).send(GREETING))
                .await
                .unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::ImplicitTls, &ca)),
            )
            .await;
            let error = result.expect_err(&case);
            match &error {
                Error::Net {
                    phase: Phase::Connect,
                    source,
                } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
                other => panic!("{case}: expected a TLS error, got {other:?}"),
            }
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            drop(error);
            let log = log_of(server).await;
            assert!(
                log.received_unredacted().is_empty() || !log.tls_established,
                "{case}"
            );
            assert_nothing_sensitive(&case, &log);
        }
    }

    #[tokio::test]
    async fn bad_certificates_are_refused_after_starttls() {
        let ca = TestCa::new();
        for (what, tls, failure) in bad_certificates(&ca) {
            let case = format!("STARTTLS, {what} certificate");
            let script = starttls_opening()
                .expect_exact("STARTTLS")
                .send_and_starttls(b"220 2.0.0 Ready to start TLS\r\n", tls);
            let server = ScriptedServer::start(script).await.unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::StartTls, &ca)),
            )
            .await;
            let error = result.expect_err(&case);
            match &error {
                Error::Net {
                    phase: Phase::StartTls,
                    source,
                } => assert_eq!(source.tls_failure(), Some(failure), "{case}: {source}"),
                other => panic!("{case}: expected a TLS error, got {other:?}"),
            }
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            drop(error);
            let log = log_of(server).await;
            assert_nothing_sensitive(&case, &log);
            assert!(
                log.received_text_unredacted().ends_with("STARTTLS\r\n"),
                "{case}: nothing after the failed handshake"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
/// # 4. Unsolicited data before TLS (2 cases)
///
/// What the server said in plaintext (a multi-line greeting with extra lines, the first
/// EHLO's extensions, a capability planted in the go-ahead) could have been forged: after
/// TLS only the new EHLO counts.
mod before_tls {
    use super::*;

    #[tokio::test]
    async fn capabilities_from_before_tls_are_forgotten() {
        let case = "AUTH offered only in the plaintext EHLO";
        let ca = TestCa::new();
        let tls = ca.leaf(&["localhost"]).server_config();
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n")
            .expect_exact("STARTTLS")
            .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250 8BITMIME\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        assert!(
            matches!(error, Error::AuthNotOffered { .. }),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("AUTH"), "{case}: {error}");
        drop(error);
        let log = log_of(server).await;
        assert!(log.tls_established);
        assert_nothing_sensitive(case, &log);
        assert!(!log.received_text_unredacted().contains("AUTH"), "{case}");
    }

    #[tokio::test]
    async fn extra_lines_of_a_multi_line_greeting_are_not_taken_as_extensions() {
        let case = "multi-line 220 greeting with extension-like lines";
        let ca = TestCa::new();
        let tls = ca.leaf(&["localhost"]).server_config();
        let script = Script::new(Mode::Plain)
            .send(
                b"220-mx.test ESMTP\r\n220-AUTH PLAIN LOGIN\r\n220-250 AUTH PLAIN\r\n220 ready\r\n",
            )
            .expect_prefix("EHLO ")
            .send(EHLO_BEFORE_TLS)
            .expect_exact("STARTTLS")
            .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250 8BITMIME\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        assert!(
            matches!(&error, Error::AuthNotOffered { offered, .. } if offered.is_empty()),
            "{case}: {error:?}"
        );
        drop(error);
        let log = log_of(server).await;
        assert!(log.tls_established);
        assert_nothing_sensitive(case, &log);
        assert!(!log.received_text_unredacted().contains("AUTH"), "{case}");
    }
}

// ---------------------------------------------------------------------------------------
/// # 5. Resource exhaustion (5 cases)
///
/// An endless line, a reply of 10,000 continuation lines, an endless flood of continuation
/// lines, and a reply trickled a byte at a time (against the per-reply timeout and the
/// overall deadline). Each ends in the limit's error, and the peak RSS grows by less than
/// 16 MiB while the server offers 64 MiB.
mod exhaustion {
    use super::*;

    /// Peak RSS growth allowed while a flood runs.
    const MEMORY_BOUND_MIB: u64 = 16;

    #[tokio::test]
    async fn an_endless_reply_line_is_cut_off_at_the_line_limit() {
        let case = "an endless 220- line";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(b"220-")
            .send_forever(b"x".repeat(4096), 64 << 20);
        let server = ScriptedServer::start(script).await.unwrap();
        let result = memory_bounded(
            case,
            MEMORY_BOUND_MIB,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
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
        drop(error);
        let log = log_of(server).await;
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
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(reply)
            .read_until_close();
        let server = ScriptedServer::start(script).await.unwrap();
        let result = memory_bounded(
            case,
            MEMORY_BOUND_MIB,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
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
        drop(error);
        let log = log_of(server).await;
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
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send_forever(b"250-X\r\n".repeat(512), 64 << 20);
        let server = ScriptedServer::start(script).await.unwrap();
        let result = memory_bounded(
            case,
            MEMORY_BOUND_MIB,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
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
        drop(error);
        let log = log_of(server).await;
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
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send_slowly(&reply, 1, Duration::from_millis(100));
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
}

// ---------------------------------------------------------------------------------------
/// # 6. Truncation (11 cases) and 7. stalls (11 cases) at every step
///
/// One transcript of a whole session (greeting, EHLO, STARTTLS, the TLS handshake, EHLO,
/// AUTH, MAIL, RCPT, DATA, the message, the reply after the final dot, QUIT), cut at each
/// place the client waits for the server: once by closing the connection, once by going
/// silent longer than the client's per-reply timeout. Each ends in an error of the step
/// it happened in; nothing secret crosses in plaintext.
mod every_step {
    use super::*;

    /// The per-reply timeout of the stall cases.
    const STALL_TIMEOUT: Duration = Duration::from_millis(400);

    fn transcript(ca: &TestCa) -> Transcript {
        Transcript {
            steps: vec![
                Step::Server("greeting", GREETING.to_vec()),
                Step::Client("EHLO "),
                Step::Server("EHLO", EHLO_BEFORE_TLS.to_vec()),
                Step::Client("STARTTLS"),
                Step::Server("STARTTLS", b"220 2.0.0 Ready to start TLS\r\n".to_vec()),
                Step::Tls,
                Step::Client("EHLO "),
                Step::Server("EHLO after TLS", EHLO_AFTER_TLS.to_vec()),
                Step::Client("AUTH PLAIN "),
                Step::Server("AUTH", b"235 2.7.0 Authentication successful\r\n".to_vec()),
                Step::Client("MAIL FROM:<user@mx.test>"),
                Step::Server("MAIL", b"250 2.1.0 Ok\r\n".to_vec()),
                Step::Client("RCPT TO:<friend@example.org>"),
                Step::Server("RCPT", b"250 2.1.5 Ok\r\n".to_vec()),
                Step::Client("DATA"),
                Step::Server("DATA", b"354 End data with <CR><LF>.<CR><LF>\r\n".to_vec()),
                Step::ClientUntil("\r\n.\r\n"),
                Step::Server(
                    "after the final dot",
                    b"250 2.0.0 Ok: queued as 4A1B\r\n".to_vec(),
                ),
                Step::Client("QUIT"),
                Step::Server("QUIT", b"221 2.0.0 Bye\r\n".to_vec()),
            ],
            tls: ca.leaf(&["localhost"]).server_config(),
        }
    }

    /// The phase the client is in while it waits at the step labelled `label`.
    fn phase_of(label: &str) -> Phase {
        match label {
            "greeting" => Phase::Greeting,
            "EHLO" | "EHLO after TLS" => Phase::Ehlo,
            "STARTTLS" | "TLS handshake" => Phase::StartTls,
            "AUTH" => Phase::Auth,
            "MAIL" => Phase::MailFrom,
            "RCPT" => Phase::RcptTo,
            "DATA" => Phase::Data,
            "after the final dot" => Phase::DataEnd,
            "QUIT" => Phase::Quit,
            other => panic!("no phase for {other}"),
        }
    }

    #[tokio::test]
    async fn the_whole_transcript_runs_when_nothing_is_cut() {
        // The baseline of the cut cases: uncut, the same transcript is a clean session.
        let ca = TestCa::new();
        let server = ScriptedServer::start(transcript(&ca).whole())
            .await
            .unwrap();
        bounded(
            "the whole session",
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await
        .expect("the uncut session succeeds");
        let log = server.finish().await.expect("the whole script ran");
        assert!(log.expectations.iter().all(|e| e.matched));
        assert_nothing_sensitive("the whole session", &log);
    }

    async fn cut_everywhere(cut: Cut) {
        let ca = TestCa::new();
        let transcript = transcript(&ca);
        let waits = transcript.waits();
        assert_eq!(waits.len(), 11);
        for (index, label) in waits {
            let case = format!("{cut:?} at {label}");
            let server = ScriptedServer::start(transcript.cut_at(index, cut))
                .await
                .unwrap();
            let started = Instant::now();
            let result = bounded(
                &case,
                session(
                    client(server.port(), Security::StartTls, &ca)
                        .timeouts(PhaseTimeouts::all(STALL_TIMEOUT)),
                ),
            )
            .await;
            let error = result.expect_err(&case);
            let phase = phase_of(label);
            match (&error, cut) {
                (Error::Net { phase: at, source }, Cut::Eof) => {
                    assert_eq!(*at, phase, "{case}: {error}");
                    assert!(!source.is_timeout(), "{case}: {source}");
                }
                (Error::Net { phase: at, source }, Cut::Stall(_)) => {
                    assert_eq!(*at, phase, "{case}: {error}");
                    assert!(source.is_timeout(), "{case}: {source}");
                    assert!(
                        started.elapsed() < STALL_TIMEOUT * 4 + Duration::from_secs(2),
                        "{case}: {:?}",
                        started.elapsed()
                    );
                }
                (other, _) => {
                    panic!("{case}: expected a network error in {phase:?}, got {other:?}")
                }
            }
            // The message names the server, what happened and the step.
            let shown = error.to_string();
            let what = match cut {
                Cut::Eof => "closed the connection",
                Cut::Stall(_) => "within 400ms",
            };
            assert!(
                shown.contains("localhost:") && shown.contains(what) && shown.contains("(while "),
                "{case}: {shown}"
            );
            drop(error);
            let log = log_of(server).await;
            assert_nothing_sensitive(&case, &log);
        }
    }

    #[tokio::test]
    async fn eof_at_every_step_is_a_network_error_of_that_step() {
        cut_everywhere(Cut::Eof).await;
    }

    #[tokio::test]
    async fn a_stall_at_every_step_is_a_timeout_of_that_step() {
        cut_everywhere(Cut::Stall(Duration::from_secs(3))).await;
    }
}

// ---------------------------------------------------------------------------------------
/// # 8. Malformed replies (11 cases)
///
/// Bytes that are not SMTP where a greeting or an EHLO reply should be: an HTTP answer, a
/// TLS record, codes out of range or of the wrong length, a multi-line reply whose lines
/// change code, a `250-` reply that never ends, a code followed by garbage instead of a
/// space or hyphen. Each is a protocol error of the step, with nothing sent after it.
mod malformed {
    use super::*;

    #[tokio::test]
    async fn garbage_instead_of_a_greeting_is_a_protocol_error() {
        let ca = TestCa::new();
        for garbage in [
            &b"HTTP/1.1 400 Bad Request\r\n\r\n"[..],
            &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n"[..],
            &b"2200 nope\r\n"[..],
            &b"099 too low\r\n"[..],
            &b"22 short\r\n"[..],
        ] {
            let case = format!("greeting {:?}", String::from_utf8_lossy(garbage));
            let server = ScriptedServer::start(Script::new(Mode::Plain).send(garbage))
                .await
                .unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::StartTls, &ca)),
            )
            .await;
            let error = result.expect_err(&case);
            assert!(
                matches!(
                    error,
                    Error::Protocol {
                        phase: Phase::Greeting,
                        ..
                    }
                ),
                "{case}: {error:?}"
            );
            assert!(error.to_string().contains("localhost"), "{case}: {error}");
            drop(error);
            let log = log_of(server).await;
            assert!(log.received_unredacted().is_empty(), "{case}: {log:?}");
        }
    }

    #[tokio::test]
    async fn a_malformed_ehlo_reply_is_a_protocol_error() {
        let ca = TestCa::new();
        for reply in [
            &b"250-mx.test\r\n251-PIPELINING\r\n250 STARTTLS\r\n"[..],
            b"250-mx.test\r\n550 STARTTLS\r\n",
            b"250garbage STARTTLS\r\n",
            b"250\x00STARTTLS\r\n",
            b"600 STARTTLS\r\n",
        ] {
            let case = format!("EHLO answered {:?}", String::from_utf8_lossy(reply));
            let script = Script::new(Mode::Plain)
                .send(GREETING)
                .expect_prefix("EHLO ")
                .send(reply)
                .read_until_close();
            let server = ScriptedServer::start(script).await.unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::StartTls, &ca)),
            )
            .await;
            let error = result.expect_err(&case);
            assert!(
                matches!(
                    error,
                    Error::Protocol {
                        phase: Phase::Ehlo,
                        ..
                    }
                ),
                "{case}: {error:?}"
            );
            drop(error);
            let log = log_of(server).await;
            assert!(
                !log.received_text_unredacted().contains("STARTTLS"),
                "{case}: nothing after the malformed reply"
            );
            assert_nothing_sensitive(&case, &log);
        }
    }

    #[tokio::test]
    async fn a_continued_reply_that_never_ends_is_a_clear_error() {
        let case = "250- then EOF";
        let ca = TestCa::new();
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250-STARTTLS\r\n")
            .close();
        let server = ScriptedServer::start(script).await.unwrap();
        let result = bounded(
            case,
            session(client(server.port(), Security::StartTls, &ca)),
        )
        .await;
        let error = result.expect_err(case);
        assert!(
            matches!(
                error,
                Error::Net {
                    phase: Phase::Ehlo,
                    ..
                } | Error::Protocol {
                    phase: Phase::Ehlo,
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        drop(error);
        let log = log_of(server).await;
        assert!(
            !log.received_text_unredacted().contains("STARTTLS"),
            "{case}"
        );
    }
}

// ---------------------------------------------------------------------------------------
/// # 9. CR, LF and NUL in user-supplied arguments (18 cases)
///
/// The EHLO name, MAIL FROM, RCPT TO, the AUTH user name and password, and message
/// headers through the builder, each with CR, LF or NUL: refused before a byte of it is
/// sent (a refused EHLO name before the connection is even opened), the session still
/// usable where one exists.
mod injection_in_arguments {
    use super::*;

    #[tokio::test]
    async fn cr_lf_or_nul_in_the_ehlo_name_is_refused_before_connecting() {
        for name in ["client.example\r\nMAIL FROM:<x@y>", "client\n", "client\0"] {
            let case = format!("EHLO name {name:?}");
            let ca = TestCa::new();
            let script = Script::new(Mode::Plain)
                .step_timeout(Duration::from_millis(300))
                .send(GREETING)
                .read_until_close();
            let server = ScriptedServer::start(script).await.unwrap();
            let result = bounded(
                &case,
                session(client(server.port(), Security::StartTls, &ca).helo_name(name)),
            )
            .await;
            let error = result.expect_err(&case);
            assert!(
                matches!(
                    error,
                    Error::InvalidInput {
                        field: "EHLO name",
                        ..
                    }
                ),
                "{case}: {error:?}"
            );
            assert!(error.to_string().contains("EHLO"), "{case}: {error}");
            drop(error);
            // Not even a connection was opened.
            let outcome = server.finish().await;
            assert!(
                matches!(&outcome, Err(error) if matches!(error.failure, Failure::NoClient { .. })),
                "{case}: {outcome:?}"
            );
        }
    }

    #[tokio::test]
    async fn cr_lf_or_nul_in_an_address_is_refused_before_anything_is_sent() {
        let script = Script::new(Mode::Plain)
            .send(GREETING)
            .expect_prefix("EHLO ")
            .send(b"250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250 ENHANCEDSTATUSCODES\r\n")
            .expect_prefix("AUTH PLAIN ")
            .send(b"235 2.7.0 Authentication successful\r\n")
            .expect_exact("NOOP")
            .send(b"250 2.0.0 Ok\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let mut client = ClientBuilder::new("127.0.0.1", server.port())
            .security(Security::Plaintext)
            .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
            .credentials(credentials())
            .connect()
            .await
            .unwrap();
        for (sender, recipient) in [
            (
                "user@mx.test",
                "friend@example.org\r\nRCPT TO:<victim@example.org>",
            ),
            (
                "user@mx.test\nRCPT TO:<victim@example.org>",
                "friend@example.org",
            ),
            ("user@mx.test", "friend@example.org\0"),
            ("user@mx.test", "friend@example.org\rDATA"),
            ("user@mx.test\0", "friend@example.org"),
        ] {
            let case = format!("MAIL FROM {sender:?}, RCPT TO {recipient:?}");
            let result = bounded(
                &case,
                client.send_raw(&Envelope::new(sender, [recipient]), &message()),
            )
            .await;
            let error = result.expect_err(&case);
            assert!(
                matches!(error, Error::InvalidInput { .. }),
                "{case}: {error:?}"
            );
            assert!(
                error.to_string().contains("sender") || error.to_string().contains("recipient"),
                "{case}: {error}"
            );
        }
        client.noop().await.expect("the session is still usable");
        drop(client);
        let text = log_of(server).await.received_text_unredacted();
        assert!(!text.contains("MAIL") && !text.contains("RCPT"), "{text:?}");
        assert!(text.ends_with("NOOP\r\n"), "{text:?}");
    }

    #[tokio::test]
    async fn cr_lf_or_nul_in_the_auth_user_or_password_is_refused_before_connecting() {
        for (user, password) in [
            ("user@mx.test\r\nQUIT", PASSWORD),
            ("user@mx.test\0admin", PASSWORD),
            ("user@mx.test", "s3cret\r\nRSET"),
            ("user@mx.test", "s3cret\0"),
        ] {
            let case = format!("AUTH user {user:?}");
            let error = Credentials::new(user, password).expect_err(&case);
            assert!(
                matches!(error, SaslError::InvalidCredentials { .. }),
                "{case}: {error:?}"
            );
            let shown = format!("{error} {error:?}");
            assert!(
                !shown.contains("s3cret"),
                "{case}: the password shows: {shown}"
            );
        }
    }

    #[tokio::test]
    async fn cr_lf_or_nul_in_a_header_is_refused_by_the_builder() {
        let base = || {
            MessageBuilder::new()
                .from(Mailbox::new("user@mx.test").unwrap())
                .to(Mailbox::new("friend@example.org").unwrap())
        };
        let cases: Vec<(&str, Result<(), String>)> = vec![
            (
                "Subject with CRLF",
                base()
                    .subject("hi\r\nBcc: victim@example.org")
                    .build()
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
            (
                "header value with LF",
                base()
                    .header("X-Note", "a\nb")
                    .build()
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
            (
                "header value with NUL",
                base()
                    .header("X-Note", "a\0b")
                    .build()
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
            (
                "header name with CRLF",
                base()
                    .header("X-Bad\r\nName", "v")
                    .build()
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
            (
                "address with CRLF",
                Mailbox::new("friend@example.org\r\n")
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
            (
                "display name with CRLF",
                Mailbox::with_name("Eve\r\nBcc: x@y", "eve@example.org")
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ),
        ];
        for (case, built) in cases {
            let shown = built.expect_err(case);
            assert!(
                shown.contains("line break (CR or LF)") || shown.contains("NUL"),
                "{case}: {shown}"
            );
        }
    }
}
