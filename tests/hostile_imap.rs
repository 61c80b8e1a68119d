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

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{AString, Atom, SearchKey, Section, SequenceSet};
use mailwire::imap::{
    AppendOptions, Client, ClientBuilder, Credentials, Deadlines, Error, Event, FetchQuery,
    Security, TlsConfig,
};
use mailwire::limits::Limits;
use mailwire::net::{NetError, TlsFailure};
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use support::certs::TestCa;
use support::hostile::{
    Cut, Step, Transcript, assert_plaintext_clean, bad_certificates, bounded, failed_session,
    log_of, memory_bounded,
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
    failed_session(case, script, |port| builder(port).connect()).await
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

/// # 1. STARTTLS stripping (8 cases)
///
/// A server that keeps the session in plaintext: STARTTLS not advertised, refused with
/// `NO`, `BAD` or `BYE`, a tagged `OK` after which no TLS handshake comes, and PREAUTH on
/// a connection that needs STARTTLS. Each ends before any login is sent, and a login
/// offered in plaintext (`AUTH=PLAIN` next to `STARTTLS`) waits for TLS.
#[path = "hostile_imap/stripping.rs"]
mod stripping;

/// # 2. Response injection after the STARTTLS reply (2 cases)
///
/// Responses planted after `A1 OK`, in its packet or in the next one, would be read as if
/// TLS protected them: the upgrade is refused over buffered bytes, and plaintext where the
/// handshake should be breaks it. Nothing follows.
#[path = "hostile_imap/injection.rs"]
mod injection;

/// # 3. Certificate failures (10 cases)
///
/// Self-signed, for another name, expired, signed by a CA the client does not trust, and
/// signed by an impostor bearing the trusted CA's name, each with implicit TLS and after
/// STARTTLS: a TLS error that names the failure, and no login sent.
#[path = "hostile_imap/certificates.rs"]
mod certificates;

/// # 4. Untagged data before TLS (2 cases)
///
/// Capabilities and data the server sent in plaintext (in the greeting, untagged before
/// the STARTTLS OK, in that OK's code) could have been forged: after TLS none of it is
/// used, so a planted `AUTH=PLAIN` does not make the client log in.
#[path = "hostile_imap/before_tls.rs"]
mod before_tls;

/// # 5. Resource exhaustion (12 cases)
///
/// An endless line; literals announced past the limit (`{4294967295}`, a size past
/// `u64`, 5 MB over a 1 MB limit); lists nested 10,000 deep in each production that
/// recurses (BODYSTRUCTURE, BODY, a body extension, THREAD); a million `* OK`
/// lines (against a 4 MiB response bound); 10,000 continuation requests nobody asked for;
/// a response trickled a byte at a time (in a command and in the greeting). Each ends in
/// the limit's error, the session is over, and the peak RSS grows by less than 32 MiB.
#[path = "hostile_imap/exhaustion.rs"]
mod exhaustion;

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
#[path = "hostile_imap/every_step.rs"]
mod every_step;

/// # 8. Malformed responses (10 cases)
///
/// A tagged completion for a tag never sent, tags that are not tags, a status IMAP does
/// not have, a BODYSTRUCTURE that does not parse, an EXISTS with garbage after it: each a
/// protocol error naming what was wrong, the session over (nothing read after a broken
/// response is trusted). What the grammar lets servers add (unknown untagged kinds, codes
/// with unexpected values) is no error: it is handed over raw or ignored, never taken for
/// what it is not.
#[path = "hostile_imap/malformed.rs"]
mod malformed;

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
#[path = "hostile_imap/injection_in_arguments.rs"]
mod injection_in_arguments;

/// The README's security table says how many tests each class runs: it must say what
/// `cargo test` really runs.
#[test]
fn the_readme_table_counts_the_tests_of_each_class() {
    assert_eq!(
        support::hostile::readme_tests_per_class("imap"),
        support::hostile::tests_per_class("imap"),
        "the IMAP column of the README's hostile-peer table (tests per class 1 to 9)"
    );
}
