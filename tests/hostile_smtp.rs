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

use std::time::{Duration, Instant};

use mailwire::message::{Mailbox, MessageBuilder};
use mailwire::net::{NetError, TlsConfig, TlsFailure};
use mailwire::sasl::{Credentials, SaslError};
use mailwire::security::Security;
use mailwire::smtp::codec::ReplyError;
use mailwire::smtp::{ClientBuilder, Envelope, Error, Phase, PhaseTimeouts};
use mailwire::testing::{Failure, Mode, Script, ScriptedServer, ServerLog};
use support::certs::TestCa;
use support::hostile::{
    Cut, Step, Transcript, assert_plaintext_clean, bad_certificates, bounded, failed_session,
    log_of, memory_bounded,
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

/// The greeting, then the client's EHLO: the script goes on with the EHLO reply.
fn up_to_ehlo() -> Script {
    Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
}

/// Greeting and the first EHLO, as a STARTTLS server says them.
fn starttls_opening() -> Script {
    up_to_ehlo().send(EHLO_BEFORE_TLS)
}

/// A whole session: connect (STARTTLS and AUTH as the builder says), send the message,
/// QUIT. The first error ends it.
async fn session(builder: ClientBuilder) -> Result<(), Error> {
    let mut client = builder.connect().await?;
    client.send_raw(&envelope(), &message()).await?;
    client.quit().await
}

/// A session (STARTTLS or implicit TLS as `security` says, trusting `ca`) against the
/// scripted `script`, expected to fail: the error, and what the server read.
async fn refused(
    case: &str,
    script: Script,
    security: Security,
    ca: &TestCa,
) -> (Error, ServerLog) {
    failed_session(case, script, |port| session(client(port, security, ca))).await
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

/// # 1. STARTTLS stripping (9 cases)
///
/// A server (or a man in the middle) that keeps the session in plaintext: STARTTLS not
/// advertised, refused with each code a server could plausibly use (454, 502, 500, 501,
/// 530, and 250: a positive reply that is not the 220 go-ahead), an EHLO refused so that
/// only HELO would be left, and AUTH offered before TLS. The client sends nothing after
/// its STARTTLS (or EHLO), and never logs in in plaintext.
#[path = "hostile_smtp/stripping.rs"]
mod stripping;

/// # 2. Response injection after the STARTTLS reply (2 cases)
///
/// Bytes planted after the 220 go-ahead, in the same packet or in the next one, would be
/// read as if TLS protected them. The client refuses to upgrade over buffered bytes, and a
/// plaintext reply where the TLS handshake should be breaks the handshake.
#[path = "hostile_smtp/injection.rs"]
mod injection;

/// # 3. Certificate failures (10 cases)
///
/// Self-signed, for another name, expired, signed by a CA the client does not trust, and
/// signed by an impostor bearing the trusted CA's name, each with implicit TLS and after
/// STARTTLS: a TLS error that names the failure, and nothing sent once the handshake
/// failed.
#[path = "hostile_smtp/certificates.rs"]
mod certificates;

/// # 4. Unsolicited data before TLS (2 cases)
///
/// What the server said in plaintext (a multi-line greeting with extension-like lines, the
/// first EHLO's extensions) could have been forged: after TLS only the new EHLO counts.
#[path = "hostile_smtp/before_tls.rs"]
mod before_tls;

/// # 5. Resource exhaustion (5 cases)
///
/// An endless line, a reply of 10,000 continuation lines, an endless flood of continuation
/// lines, and a reply trickled a byte at a time (against the per-reply timeout and the
/// overall deadline). Each ends in the limit's error, and the peak RSS grows by less than
/// 16 MiB while the server offers 64 MiB.
#[path = "hostile_smtp/exhaustion.rs"]
mod exhaustion;

/// # 6. Truncation (11 cases) and 7. stalls (11 cases) at every step
///
/// One transcript of a whole session (greeting, EHLO, STARTTLS, the TLS handshake, EHLO,
/// AUTH, MAIL, RCPT, DATA, the message, the reply after the final dot, QUIT), cut at each
/// place the client waits for the server: once by closing the connection, once by going
/// silent longer than the client's per-reply timeout. Each ends in an error of the step
/// it happened in; nothing secret crosses in plaintext.
#[path = "hostile_smtp/every_step.rs"]
mod every_step;

/// # 8. Malformed replies (11 cases)
///
/// Bytes that are not SMTP where a greeting or an EHLO reply should be: an HTTP answer, a
/// TLS record, codes out of range or of the wrong length, a multi-line reply whose lines
/// change code, a `250-` reply that never ends, a code followed by garbage instead of a
/// space or hyphen. Each is a protocol error of the step, with nothing sent after it.
#[path = "hostile_smtp/malformed.rs"]
mod malformed;

/// # 9. CR, LF and NUL in user-supplied arguments (18 cases)
///
/// The EHLO name, MAIL FROM, RCPT TO, the AUTH user name and password, and message
/// headers through the builder, each with CR, LF or NUL: refused before a byte of it is
/// sent (a refused EHLO name before the connection is even opened), the session still
/// usable where one exists.
#[path = "hostile_smtp/injection_in_arguments.rs"]
mod injection_in_arguments;

/// The README's security table says how many tests each class runs: it must say what
/// `cargo test` really runs.
#[test]
fn the_readme_table_counts_the_tests_of_each_class() {
    assert_eq!(
        support::hostile::readme_tests_per_class("smtp"),
        support::hostile::tests_per_class("smtp"),
        "the SMTP column of the README's hostile-peer table (tests per class 1 to 9)"
    );
}
