//! What a scripted server saw, and how a script failed.
//!
//! A failing test prints these, often into a CI log, and what the client sent holds its
//! password whenever it logged in. So `Debug` and `Display` show the client's bytes as its
//! own transcript does: an SMTP `AUTH` keeps its mechanism and loses its initial response,
//! the base64 lines of the exchange that follows become `<redacted>`, and so do an IMAP
//! `LOGIN`'s password and `AUTHENTICATE`'s data. The bytes as sent stay reachable through
//! the accessors whose names end in `_unredacted`, for tests that assert on them.

use core::fmt;
use std::io;
use std::time::Duration;

use crate::imap::codec::types::CommandBody;
use crate::imap::codec::{self as imap, EncodeOptions};
use crate::limits::Limits;
use crate::scan::next_line;
use crate::smtp::codec::{self as smtp, AuthResponse, Command, Parsed};

/// Bytes shown in messages are cut to this many.
const SHOWN: usize = 200;

/// What a secret is shown as, as in the client's transcript.
const REDACTED: &[u8] = b"<redacted>";

/// Shows bytes the way a transcript would: printable ASCII as is, the rest escaped.
pub(crate) fn shown(bytes: &[u8]) -> String {
    shown_of(bytes, bytes.len())
}

/// [`shown`] of bytes that stand for `total` bytes the client sent: the count is theirs.
fn shown_of(bytes: &[u8], total: usize) -> String {
    let cut = &bytes[..bytes.len().min(SHOWN)];
    let mut text = cut.escape_ascii().to_string();
    if bytes.len() > SHOWN {
        text.push_str(&format!("... ({total} bytes)"));
    }
    text
}

/// Bytes from the client, secrets redacted, for a message: see [`redacted`].
pub(crate) fn shown_redacted(bytes: &[u8], context: Context) -> String {
    shown_of(&redacted(bytes, context, SHOWN + 1), bytes.len())
}

/// Where a stretch of client bytes starts in its conversation, which decides what a line
/// that is not a command may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// At a command: the start of a connection, or of its TLS phase.
    Command,
    /// Inside an SMTP `AUTH` or IMAP `AUTHENTICATE` exchange, where base64 lines are the
    /// secret (a line as short as `QUIT` is base64 too, so they come first).
    Sasl,
    /// Client bytes cut from their conversation (the line of a failed step): a line that
    /// no codec reads as a command may be a SASL answer or an IMAP literal holding a
    /// password, so only commands are shown. The whole log, shown beside it, has the rest.
    Isolated,
    /// A line a script expects, as its author wrote it: hidden where it reads as a secret
    /// (an AUTH or LOGIN argument, a base64 line), as the client's own would be. (A bare
    /// password the script expects as an IMAP literal reads as nothing and is shown.)
    Expected,
}

/// `bytes` the client sent, with every secret replaced by `<redacted>`; stops once at least
/// `budget` bytes are out, for callers that show only so many.
///
/// The codecs decide what a secret is: an SMTP command line that parses as `AUTH`, an IMAP
/// command (its literals included) whose encoding holds a secret, a SASL response. A line
/// neither protocol accepts but whose verb is `AUTH` (SMTP) or `LOGIN` / `AUTHENTICATE`
/// (IMAP, after the tag) is redacted after the verb: a client under test may well send a
/// malformed login, and that is when its test fails.
pub(crate) fn redacted(bytes: &[u8], context: Context, budget: usize) -> Vec<u8> {
    if context == Context::Expected && !bytes.ends_with(b"\n") {
        // A script names a line without its ending, and the codecs read whole lines.
        let mut out = redacted(&[bytes, b"\r\n"].concat(), context, budget);
        if out.ends_with(b"\r\n") {
            out.truncate(out.len() - 2);
        }
        return out;
    }
    // The limits bound a log already in memory, not a peer: every line fits, and a literal
    // announced larger than what arrived is unfinished rather than refused (the parsers
    // borrow, so nothing is allocated to its size).
    let limits = Limits::default()
        .with_line_len(bytes.len())
        .with_literal_len(u64::MAX)
        .with_response_len(u64::MAX);
    let mut out = Vec::with_capacity(bytes.len().min(budget));
    let mut rest = bytes;
    let mut context = context;
    while !rest.is_empty() && out.len() < budget {
        let (used, next) = redact_next(rest, context, &limits, &mut out);
        rest = rest.get(used.max(1)..).unwrap_or(&[]);
        context = next;
    }
    out
}

/// Writes the first command or line of `rest` to `out`, redacted; returns the bytes it
/// took and the context after them.
fn redact_next(
    rest: &[u8],
    context: Context,
    limits: &Limits,
    out: &mut Vec<u8>,
) -> (usize, Context) {
    let (content, used) = match next_line(rest, limits.line_len) {
        Ok(Some(line)) => (line.content, line.consumed),
        // The last line, unfinished.
        Ok(None) | Err(_) => (rest.strip_suffix(b"\r").unwrap_or(rest), rest.len()),
    };
    let ending = &rest[content.len()..used];
    if context == Context::Sasl && !is_bare_verb(content) {
        match sasl_response(content, limits) {
            Some(SaslLine::Secret) => {
                out.extend_from_slice(REDACTED);
                out.extend_from_slice(ending);
                return (used, Context::Sasl);
            }
            Some(SaslLine::Cancel) => {
                out.extend_from_slice(&rest[..used]);
                return (used, Context::Command);
            }
            // The exchange is over; this is a command.
            None => {}
        }
    }
    let smtp_command = smtp::parse_command_line(content);
    if let Ok(Command::Auth {
        initial_response, ..
    }) = smtp_command
    {
        match initial_response {
            Some(response) => {
                // The response borrows from the line, so its address gives its offset.
                let start = (response.as_ptr() as usize).saturating_sub(content.as_ptr() as usize);
                out.extend_from_slice(&content[..start.min(content.len())]);
                out.extend_from_slice(REDACTED);
                out.extend_from_slice(ending);
            }
            None => out.extend_from_slice(&rest[..used]),
        }
        return (used, Context::Sasl);
    }
    // Before accepting a line as SMTP: an IMAP client's tag may be an SMTP verb
    // (`NOOP LOGIN alice secret` is a valid NOOP).
    match imap::parse_command(rest, limits) {
        Ok(Parsed::Complete(command, used)) => {
            let next = if matches!(command.body, CommandBody::Authenticate { .. }) {
                Context::Sasl
            } else {
                Context::Command
            };
            match imap::encode_command(&command, &EncodeOptions::default()) {
                Ok(encoded) if encoded.holds_secret() => out.extend_from_slice(&encoded.redacted()),
                Ok(_) => out.extend_from_slice(&rest[..used]),
                // Only the encoder knows where the secret is: hide all but the verb.
                Err(_) => redact_after_verb(content, ending, out),
            }
            return (used, next);
        }
        // A literal is announced and its bytes are not all there: whatever came of them
        // may be a password, cut off.
        Ok(Parsed::Incomplete) if !ending.is_empty() => {
            out.extend_from_slice(&rest[..used]);
            if used < rest.len() {
                out.extend_from_slice(REDACTED);
            }
            return (rest.len(), Context::Command);
        }
        Ok(Parsed::Incomplete) | Err(_) => {}
    }
    if smtp_command.is_ok() {
        out.extend_from_slice(&rest[..used]);
        return (used, Context::Command);
    }
    if secret_verb(content).is_some() {
        redact_after_verb(content, ending, out);
        return (used, Context::Sasl);
    }
    let hidden = match context {
        // An empty line or a `*` carries nothing, and says where the exchange stands.
        Context::Isolated => !content.is_empty() && content != b"*",
        Context::Expected => sasl_response(content, limits) == Some(SaslLine::Secret),
        Context::Command | Context::Sasl => false,
    };
    if hidden {
        out.extend_from_slice(REDACTED);
        out.extend_from_slice(ending);
        return (used, context);
    }
    out.extend_from_slice(&rest[..used]);
    let next = match context {
        Context::Isolated | Context::Expected => context,
        Context::Command | Context::Sasl => Context::Command,
    };
    (used, next)
}

/// A line that answers a SASL challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaslLine {
    /// Base64: the secret itself.
    Secret,
    /// `*`: the client ends the exchange.
    Cancel,
}

/// The line (without its ending) as a SASL response, whichever protocol it came in: both
/// send the same line, and SMTP's check is the laxer one, so it hides more.
fn sasl_response(content: &[u8], limits: &Limits) -> Option<SaslLine> {
    let line = [content, b"\r\n"].concat();
    match smtp::parse_auth_response(&line, limits) {
        Ok(Parsed::Complete(AuthResponse::Data(_), _)) => Some(SaslLine::Secret),
        Ok(Parsed::Complete(AuthResponse::Cancel, _)) => Some(SaslLine::Cancel),
        _ => None,
    }
}

/// True for an SMTP command that is a verb in capitals and nothing else (`QUIT`, `DATA`):
/// base64 too, but none decodes to printable text, which is what the SASL answers here
/// carry (a user name, a password), so inside an exchange it is the command it reads as.
fn is_bare_verb(content: &[u8]) -> bool {
    !content.is_empty()
        && content.iter().all(u8::is_ascii_uppercase)
        && smtp::parse_command_line(content).is_ok()
}

/// The length of the line's start up to a verb that carries a secret in what follows it:
/// `AUTH` as an SMTP verb, `LOGIN` or `AUTHENTICATE` after an IMAP tag.
fn secret_verb(content: &[u8]) -> Option<usize> {
    let mut words = content.split(|&byte| byte == b' ');
    let first = words.next()?;
    if first.eq_ignore_ascii_case(b"AUTH") {
        return Some(first.len());
    }
    let second = words.next()?;
    (second.eq_ignore_ascii_case(b"LOGIN") || second.eq_ignore_ascii_case(b"AUTHENTICATE"))
        .then_some(first.len() + 1 + second.len())
}

/// Writes the line up to its verb (all of it when it has none) and `<redacted>` for the
/// rest.
fn redact_after_verb(content: &[u8], ending: &[u8], out: &mut Vec<u8>) {
    let kept = secret_verb(content).unwrap_or(0);
    out.extend_from_slice(&content[..kept]);
    if content.len() > kept {
        if kept > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(REDACTED);
    }
    out.extend_from_slice(ending);
}

/// Debug-formats client bytes as an escaped string, secrets redacted.
struct ClientBytes<'a>(&'a [u8], Context);

impl fmt::Debug for ClientBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = redacted(self.0, self.1, usize::MAX);
        write!(f, "\"{}\"", shown.escape_ascii())
    }
}

/// One `expect_*` step and what the client sent for it.
///
/// `Debug` redacts secrets in the line; [`line_unredacted`](Self::line_unredacted) gives it
/// as sent.
#[derive(Clone, PartialEq, Eq)]
pub struct ExpectRecord {
    /// The step's number in the script (1 = first step).
    pub step: usize,
    /// What the step expected, in words (secrets in an expected line redacted).
    pub expected: String,
    /// The line the client sent, with its ending.
    pub(super) line: Vec<u8>,
    /// Whether it was accepted.
    pub matched: bool,
}

impl ExpectRecord {
    /// The line the client sent, with its ending, exactly as sent: a password or AUTH
    /// payload included. Assert on it; do not print it.
    pub fn line_unredacted(&self) -> &[u8] {
        &self.line
    }
}

impl fmt::Debug for ExpectRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpectRecord")
            .field("step", &self.step)
            .field("expected", &self.expected)
            .field("line", &ClientBytes(&self.line, Context::Isolated))
            .field("matched", &self.matched)
            .finish()
    }
}

/// Everything one connection's client sent, for tests to assert on.
///
/// `Debug` and `Display` show it with secrets redacted as the client's transcript shows
/// them (`AUTH PLAIN <redacted>`, `a1 LOGIN alice <redacted>`); `Display` gives one line
/// per line sent. The bytes as sent, passwords included, come from the accessors ending
/// in `_unredacted`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerLog {
    /// Every byte the client sent, in order: the plaintext phase, then (decrypted) the TLS
    /// phase. TLS handshake records are not included.
    pub(super) received: Vec<u8>,
    /// How many bytes of the received ones arrived before TLS began (all of them without
    /// TLS).
    pub plaintext_len: usize,
    /// True once a TLS handshake with the client succeeded.
    pub tls_established: bool,
    /// True when the client closed (or reset) the connection.
    pub client_closed: bool,
    /// Bytes the script sent to the client.
    pub sent: u64,
    /// Each `expect_*` step played, in order.
    pub expectations: Vec<ExpectRecord>,
}

impl ServerLog {
    /// Every byte the client sent, in order, exactly as sent: the plaintext phase, then
    /// (decrypted) the TLS phase, without TLS handshake records. It holds the password and
    /// AUTH payloads of any login: assert on it, do not print it (`Debug` and `Display`
    /// of the log redact them).
    pub fn received_unredacted(&self) -> &[u8] {
        &self.received
    }

    /// What the client sent before TLS (everything, on a connection without TLS), as
    /// sent, secrets included.
    pub fn plaintext_unredacted(&self) -> &[u8] {
        self.received
            .get(..self.plaintext_len)
            .unwrap_or(&self.received)
    }

    /// What the client sent inside TLS, as sent, secrets included.
    pub fn after_tls_unredacted(&self) -> &[u8] {
        self.received.get(self.plaintext_len..).unwrap_or(&[])
    }

    /// [`received_unredacted`](Self::received_unredacted) as text, invalid UTF-8
    /// replaced: secrets included.
    pub fn received_text_unredacted(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }

    /// What the client sent, secrets redacted, as at most [`SHOWN`] escaped bytes. Each
    /// phase (before TLS, inside it) starts at a command.
    fn shown(&self) -> String {
        let mut bytes = redacted(self.plaintext_unredacted(), Context::Command, SHOWN + 1);
        if bytes.len() <= SHOWN {
            bytes.extend(redacted(
                self.after_tls_unredacted(),
                Context::Command,
                SHOWN + 1,
            ));
        }
        shown_of(&bytes, self.received.len())
    }
}

impl fmt::Debug for ServerLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerLog")
            .field(
                "received",
                &ClientBytes(self.plaintext_unredacted(), Context::Command),
            )
            .field(
                "received_after_tls",
                &ClientBytes(self.after_tls_unredacted(), Context::Command),
            )
            .field("plaintext_len", &self.plaintext_len)
            .field("tls_established", &self.tls_established)
            .field("client_closed", &self.client_closed)
            .field("sent", &self.sent)
            .field("expectations", &self.expectations)
            .finish()
    }
}

impl fmt::Display for ServerLog {
    /// One line per line the client sent (`C: EHLO client.example\r\n`), escaped, secrets
    /// redacted, with the start of TLS and the client's close marked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = Vec::new();
        let phases = [
            (self.plaintext_unredacted(), false),
            (self.after_tls_unredacted(), true),
        ];
        for (bytes, in_tls) in phases {
            if in_tls && self.tls_established {
                lines.push("-- TLS --".to_owned());
            }
            let shown = redacted(bytes, Context::Command, usize::MAX);
            for line in shown.split_inclusive(|&byte| byte == b'\n') {
                lines.push(format!("C: {}", line.escape_ascii()));
            }
        }
        if self.received.is_empty() {
            lines.push("the client sent nothing".to_owned());
        }
        if self.client_closed {
            lines.push("(the client closed the connection)".to_owned());
        }
        f.write_str(&lines.join("\n"))
    }
}

/// Why a script could not be played to its end.
///
/// `Debug` and `Display` redact secrets in the bytes the client sent.
#[non_exhaustive]
pub enum Failure {
    /// The client sent something other than what the step expected.
    Unexpected {
        /// What the step expected.
        expected: String,
        /// What arrived instead, exactly as sent: it may hold a password.
        received: Vec<u8>,
    },
    /// The client closed the connection while the step waited for it.
    ClientClosed {
        /// What the step was waiting for.
        expected: String,
    },
    /// The client sent nothing (or not enough) within the step timeout.
    Timeout {
        /// What the step was waiting for.
        expected: String,
        /// The step timeout.
        after: Duration,
    },
    /// The client sent more than the step accepts without the end it waited for.
    TooLong {
        /// What the step was waiting for.
        expected: String,
        /// How many bytes it accepts.
        limit: usize,
    },
    /// The client sent bytes after STARTTLS and before its TLS handshake.
    PipelinedBeforeTls {
        /// How many.
        bytes: usize,
    },
    /// The TLS handshake with the client failed (often: the client rejected the
    /// certificate, as it should in certificate tests).
    Tls {
        /// The server side's error.
        reason: String,
    },
    /// Any other I/O error.
    Io {
        /// What the server was doing.
        doing: String,
        /// The error.
        error: io::Error,
    },
    /// No client connected within the step timeout.
    NoClient {
        /// The step timeout.
        after: Duration,
    },
    /// The script did not end within its overall bound and was stopped.
    Hung {
        /// How long `finish` waited.
        after: Duration,
    },
    /// The script's task panicked (a predicate or handler panicked).
    Panicked,
    /// A handler gave up, with its reason.
    Handler(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unexpected { expected, received } => write!(
                f,
                "expected {expected}, but the client sent \"{}\"",
                shown_redacted(received, Context::Isolated)
            ),
            Failure::ClientClosed { expected } => {
                write!(
                    f,
                    "expected {expected}, but the client closed the connection"
                )
            }
            Failure::Timeout { expected, after } => {
                write!(f, "expected {expected}, but nothing came within {after:?}")
            }
            Failure::TooLong { expected, limit } => write!(
                f,
                "expected {expected}, but the client sent over {limit} bytes without it"
            ),
            Failure::PipelinedBeforeTls { bytes } => write!(
                f,
                "the client sent {bytes} bytes after STARTTLS, before its TLS handshake"
            ),
            Failure::Tls { reason } => write!(f, "the TLS handshake failed: {reason}"),
            Failure::Io { doing, error } => write!(f, "{doing} failed: {error}"),
            Failure::NoClient { after } => write!(f, "no client connected within {after:?}"),
            Failure::Hung { after } => {
                write!(f, "the script did not end within {after:?} and was stopped")
            }
            Failure::Panicked => f.write_str("the script's task panicked"),
            Failure::Handler(reason) => write!(f, "the handler failed: {reason}"),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unexpected { expected, received } => f
                .debug_struct("Unexpected")
                .field("expected", expected)
                .field("received", &ClientBytes(received, Context::Isolated))
                .finish(),
            Failure::ClientClosed { expected } => f
                .debug_struct("ClientClosed")
                .field("expected", expected)
                .finish(),
            Failure::Timeout { expected, after } => f
                .debug_struct("Timeout")
                .field("expected", expected)
                .field("after", after)
                .finish(),
            Failure::TooLong { expected, limit } => f
                .debug_struct("TooLong")
                .field("expected", expected)
                .field("limit", limit)
                .finish(),
            Failure::PipelinedBeforeTls { bytes } => f
                .debug_struct("PipelinedBeforeTls")
                .field("bytes", bytes)
                .finish(),
            Failure::Tls { reason } => f.debug_struct("Tls").field("reason", reason).finish(),
            Failure::Io { doing, error } => f
                .debug_struct("Io")
                .field("doing", doing)
                .field("error", error)
                .finish(),
            Failure::NoClient { after } => {
                f.debug_struct("NoClient").field("after", after).finish()
            }
            Failure::Hung { after } => f.debug_struct("Hung").field("after", after).finish(),
            Failure::Panicked => f.write_str("Panicked"),
            Failure::Handler(reason) => f.debug_tuple("Handler").field(reason).finish(),
        }
    }
}

impl std::error::Error for Failure {}

/// A script that failed: which step, what happened, and everything the client sent.
///
/// `Debug` and `Display` redact secrets in what the client sent, as [`ServerLog`] does.
#[derive(Debug)]
pub struct ScriptError {
    /// The failing step's number (1 = first step; 0 = accepting the connection or the
    /// implicit TLS handshake).
    pub step: usize,
    /// What that step does, in words.
    pub action: String,
    /// What went wrong.
    pub failure: Failure,
    /// What the client had sent up to the failure (and after it, until it closed).
    pub log: ServerLog,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "script step {} ({}): {}; ",
            self.step, self.action, self.failure
        )?;
        if self.log.received.is_empty() {
            f.write_str("the client had sent nothing")
        } else {
            write!(f, "the client had sent \"{}\"", self.log.shown())
        }
    }
}

impl std::error::Error for ScriptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.failure)
    }
}

#[cfg(test)]
mod tests;
