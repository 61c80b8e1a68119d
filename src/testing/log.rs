//! What a scripted server saw, and how a script failed.

use core::fmt;
use std::io;
use std::time::Duration;

/// Bytes shown in messages are cut to this many.
const SHOWN: usize = 200;

/// Shows bytes the way a transcript would: printable ASCII as is, the rest escaped.
pub(crate) fn shown(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(SHOWN)];
    let mut text = cut.escape_ascii().to_string();
    if bytes.len() > SHOWN {
        text.push_str(&format!("... ({} bytes)", bytes.len()));
    }
    text
}

/// One `expect_*` step and what the client sent for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectRecord {
    /// The step's number in the script (1 = first step).
    pub step: usize,
    /// What the step expected, in words.
    pub expected: String,
    /// The line the client sent, with its ending.
    pub line: Vec<u8>,
    /// Whether it was accepted.
    pub matched: bool,
}

/// Everything one connection's client sent, for tests to assert on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerLog {
    /// Every byte the client sent, in order: the plaintext phase, then (decrypted) the TLS
    /// phase. TLS handshake records are not included.
    pub received: Vec<u8>,
    /// How many bytes of `received` arrived before TLS began (all of them without TLS).
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
    /// What the client sent before TLS (everything, on a connection without TLS).
    pub fn plaintext(&self) -> &[u8] {
        self.received
            .get(..self.plaintext_len)
            .unwrap_or(&self.received)
    }

    /// What the client sent inside TLS.
    pub fn after_tls(&self) -> &[u8] {
        self.received.get(self.plaintext_len..).unwrap_or(&[])
    }

    /// `received` as text, invalid UTF-8 replaced.
    pub fn received_text(&self) -> String {
        String::from_utf8_lossy(&self.received).into_owned()
    }
}

/// Why a script could not be played to its end.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// The client sent something other than what the step expected.
    Unexpected {
        /// What the step expected.
        expected: String,
        /// What arrived instead.
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
                shown(received)
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

impl std::error::Error for Failure {}

/// A script that failed: which step, what happened, and everything the client sent.
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
            write!(f, "the client had sent \"{}\"", shown(&self.log.received))
        }
    }
}

impl std::error::Error for ScriptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.failure)
    }
}
