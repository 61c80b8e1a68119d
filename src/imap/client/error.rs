//! What can go wrong in an IMAP session, in a user's words.

use core::fmt;
use core::fmt::Write as _;

use crate::imap::codec::types::{Code, Response, Status, StatusKind, Text};
use crate::imap::codec::{EncodeError, encode_response};
use crate::net::NetError;
use crate::text::Escaping;

/// An IMAP client error: which server, which command, and what the server said.
///
/// Messages never hold a password or an AUTHENTICATE payload; server text is kept as
/// received in the fields and shown with control characters escaped.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The network or TLS layer failed (the connection is then unusable).
    Net {
        /// What the client was doing (`"LOGIN"`, `"reading the greeting"`…).
        during: &'static str,
        /// What the connection layer reported.
        source: NetError,
    },
    /// The server did not answer in time: a response took longer than its deadline, or
    /// the server stayed silent.
    Timeout {
        /// What the client was doing.
        during: &'static str,
        /// What the connection layer reported (it names the server and the limit).
        source: NetError,
    },
    /// The server refused the user name or password.
    WrongCredentials {
        /// `host:port`.
        server: String,
        /// The user name(s) tried, in order.
        users: Vec<String>,
        /// The server's text for the last refusal.
        text: String,
        /// Advice for this server, such as iCloud's app-specific passwords.
        hint: Option<&'static str>,
    },
    /// The server is busy or limiting this account (`[UNAVAILABLE]`, "temporarily
    /// unavailable"): not a wrong password; try again later.
    Throttled {
        /// `host:port`.
        server: String,
        /// The command refused.
        command: &'static str,
        /// The server's text.
        text: String,
    },
    /// The server answered a command with `NO`.
    No {
        /// `host:port`.
        server: String,
        /// The command refused.
        command: &'static str,
        /// The response code, if any.
        code: Option<Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The server answered a command with `BAD` (it did not understand it).
    Bad {
        /// `host:port`.
        server: String,
        /// The command refused.
        command: &'static str,
        /// The response code, if any.
        code: Option<Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The server broke the protocol (bytes that are not IMAP, a reply to a command never
    /// sent, a literal over the limit…); the connection is then unusable.
    Protocol {
        /// `host:port`.
        server: String,
        /// What the client was doing.
        during: &'static str,
        /// What was wrong.
        what: String,
    },
    /// STARTTLS was required but the server does not offer it; nothing else was sent.
    StartTlsUnavailable {
        /// `host:port`.
        server: String,
    },
    /// STARTTLS was required but the server greeted with PREAUTH, which would leave the
    /// session unencrypted; nothing was sent.
    PreauthWithoutTls {
        /// `host:port`.
        server: String,
    },
    /// The server forbids LOGIN (LOGINDISABLED) and offers no mechanism this client speaks.
    LoginDisabled {
        /// `host:port`.
        server: String,
        /// The mechanisms the server does offer.
        offered: Vec<String>,
    },
    /// A value given by the caller cannot be sent (CR, LF, NUL, a character the grammar
    /// cannot carry); nothing was sent.
    InvalidArgument {
        /// Why.
        source: EncodeError,
    },
    /// The server lacks a capability this request needs, and doing without it could
    /// harm the mailbox (a MOVE without MOVE or UIDPLUS) or the server could not answer
    /// (GETQUOTAROOT without QUOTA); nothing was sent.
    NotSupported {
        /// `host:port`.
        server: String,
        /// The command asked for.
        command: &'static str,
        /// The capability missing (`"UIDPLUS"`).
        missing: &'static str,
        /// Why it cannot be done without it, and what to try.
        why: &'static str,
    },
    /// The server said BYE and closed the connection.
    Bye {
        /// `host:port`.
        server: String,
        /// The server's text.
        text: String,
    },
    /// The caller's own reader or writer failed (a body's `AsyncWrite`, an APPEND's
    /// `AsyncRead`); the server did nothing wrong.
    Local {
        /// What the client was doing (`"writing a fetched body"`…).
        during: &'static str,
        /// What the reader or writer reported.
        source: std::io::Error,
    },
    /// An earlier failure (a cancelled command that could not be finished, a BYE, a
    /// network error) left the connection unusable; open a new one.
    Unusable {
        /// `host:port`.
        server: String,
        /// What made it so.
        reason: String,
    },
}

impl Error {
    /// True when the same request may succeed later, on this or a new connection
    /// (throttling, timeouts, a lost connection), false when it will fail the same way.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Throttled { .. }
            | Error::Timeout { .. }
            | Error::Bye { .. }
            | Error::Unusable { .. } => true,
            Error::Net { source, .. } => !matches!(source, NetError::Tls { .. }),
            _ => false,
        }
    }

    /// Wraps a connection error, telling a timeout from other failures.
    pub(crate) fn net(during: &'static str, source: NetError) -> Self {
        if source.is_timeout() {
            Error::Timeout { during, source }
        } else {
            Error::Net { during, source }
        }
    }

    /// The error for a tagged `NO` or `BAD` to `command`: throttling when the server says
    /// so (by code, or in words as iCloud does), otherwise the refusal itself.
    pub(crate) fn refused(
        server: &str,
        command: &'static str,
        kind: StatusKind,
        code: Option<Code<'static>>,
        text: String,
    ) -> Self {
        if is_throttling(code.as_ref(), &text) {
            return Error::Throttled {
                server: server.to_owned(),
                command,
                text,
            };
        }
        let server = server.to_owned();
        match kind {
            StatusKind::Bad => Error::Bad {
                server,
                command,
                code,
                text,
            },
            _ => Error::No {
                server,
                command,
                code,
                text,
            },
        }
    }
}

/// True when a refusal means "busy, come back later" rather than "no".
pub(crate) fn is_throttling(code: Option<&Code<'_>>, text: &str) -> bool {
    matches!(code, Some(Code::Unavailable))
        || text
            .to_ascii_lowercase()
            .contains("temporarily unavailable")
}

/// Writes ` [CODE args]` as the server sent it (the codec writes it back), or nothing.
fn write_code(f: &mut impl fmt::Write, code: &Option<Code<'static>>) -> fmt::Result {
    let Some(code) = code else {
        return Ok(());
    };
    let status = Response::Status(Status {
        tag: None,
        kind: StatusKind::No,
        code: Some(code.clone()),
        text: Text::from("-"),
    });
    let mut wire = Vec::new();
    let written = encode_response(&status, &mut wire).ok().and_then(|()| {
        let start = wire.iter().position(|&b| b == b'[')?;
        let end = wire.iter().rposition(|&b| b == b']')?;
        wire.get(start..=end)
    });
    match written {
        Some(bracketed) => write!(f, " {}", String::from_utf8_lossy(bracketed)),
        None => write!(f, " [{code:?}]"),
    }
}

impl fmt::Display for Error {
    /// Server text is shown with control characters escaped
    /// ([`escape_control`](crate::text::escape_control)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        match self {
            Error::Net { during, source } => write!(f, "{source} (during {during})"),
            Error::Timeout { during, source } => write!(
                f,
                "{source} (during {during}); the server may be overloaded: try again later"
            ),
            Error::WrongCredentials {
                server,
                users,
                text,
                hint,
            } => {
                write!(
                    f,
                    "{server}: the user name or password was refused (tried {}): {text}",
                    users.join(", ")
                )?;
                match hint {
                    Some(hint) => write!(f, "; {hint}"),
                    None => f.write_str("; check the user name and password"),
                }
            }
            Error::Throttled {
                server,
                command,
                text,
            } => write!(
                f,
                "{server}: the server is busy and refused {command} for now ({text}); this is \
                 not a wrong password: wait a little and try again"
            ),
            Error::No {
                server,
                command,
                code,
                text,
            } => {
                write!(f, "{server}: {command} refused (NO")?;
                write_code(f, code)?;
                write!(f, "): {text}")
            }
            Error::Bad {
                server,
                command,
                code,
                text,
            } => {
                write!(f, "{server}: the server did not accept {command} (BAD")?;
                write_code(f, code)?;
                write!(f, "): {text}")
            }
            Error::Protocol {
                server,
                during,
                what,
            } => write!(
                f,
                "{server}: the server broke the IMAP protocol during {during}: {what}; is this \
                 an IMAP server, and is the TLS mode right?"
            ),
            Error::StartTlsUnavailable { server } => write!(
                f,
                "{server}: the server does not offer STARTTLS, so nothing was sent; use \
                 implicit TLS (usually port 993) if the server has it"
            ),
            Error::PreauthWithoutTls { server } => write!(
                f,
                "{server}: the server greeted with PREAUTH before STARTTLS, which would leave \
                 the session unencrypted, so nothing was sent; use implicit TLS (port 993)"
            ),
            Error::LoginDisabled { server, offered } => {
                write!(
                    f,
                    "{server}: the server forbids LOGIN here and offers no mechanism this \
                     client speaks"
                )?;
                if offered.is_empty() {
                    f.write_str(" (it offers none)")?;
                } else {
                    write!(f, " (it offers {})", offered.join(", "))?;
                }
                f.write_str("; is TLS on?")
            }
            Error::InvalidArgument { source } => {
                write!(
                    f,
                    "a value cannot be sent to the server: {source}; nothing was sent"
                )
            }
            Error::NotSupported {
                server,
                command,
                missing,
                why,
            } => write!(
                f,
                "{server}: {command} needs the {missing} capability, which the server does not \
                 advertise, so nothing was sent: {why}"
            ),
            Error::Bye { server, text } => {
                write!(f, "{server}: the server closed the session (BYE)")?;
                if !text.is_empty() {
                    write!(f, ": {text}")?;
                }
                f.write_str("; connect again")
            }
            Error::Local { during, source } => write!(
                f,
                "{during} failed on this side, not on the server's: {source}"
            ),
            Error::Unusable { server, reason } => write!(
                f,
                "{server}: the connection cannot be used any more ({reason}); connect again"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Net { source, .. } | Error::Timeout { source, .. } => Some(source),
            Error::InvalidArgument { source } => Some(source),
            Error::Local { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_shows_its_code_as_sent_and_escapes_the_server_text() {
        let error = Error::refused(
            "imap.example.org:993",
            "SELECT",
            StatusKind::No,
            Some(Code::NonExistent),
            "no such \x1b[31mmailbox".to_owned(),
        );
        assert_eq!(
            error.to_string(),
            "imap.example.org:993: SELECT refused (NO [NONEXISTENT]): no such \\u{1b}[31mmailbox"
        );
    }

    #[test]
    fn throttling_is_told_by_code_or_by_words_whatever_the_status() {
        for (kind, code, text) in [
            (StatusKind::No, None, "Service temporarily unavailable"),
            (
                StatusKind::Bad,
                Some(Code::Unavailable),
                "Service temporarily unavailable",
            ),
            (StatusKind::No, Some(Code::Unavailable), ""),
        ] {
            let error = Error::refused("s:993", "LOGIN", kind, code, text.to_owned());
            assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
            assert!(error.is_retryable());
        }
        let refused = Error::refused("s:993", "LOGIN", StatusKind::No, None, "no".into());
        assert!(matches!(refused, Error::No { .. }));
        assert!(!refused.is_retryable());
    }
}
