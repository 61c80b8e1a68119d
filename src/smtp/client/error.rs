//! What can go wrong in an SMTP session, phase by phase.

use core::fmt;
use core::fmt::Write as _;
use std::time::Duration;

use crate::net::NetError;
use crate::sasl::Mechanism;
use crate::smtp::codec::{CommandError, DataError, OwnedReply, ReplyError};
use crate::text::Escaping;

/// The step of an SMTP session an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Opening the TCP connection (and the TLS handshake for implicit TLS).
    Connect,
    /// Waiting for the server's `220` greeting.
    Greeting,
    /// `EHLO` (or `HELO` in plaintext).
    Ehlo,
    /// `STARTTLS` and the TLS handshake that follows.
    StartTls,
    /// `AUTH`.
    Auth,
    /// `MAIL FROM`.
    MailFrom,
    /// `RCPT TO`.
    RcptTo,
    /// `DATA` and its `354` go-ahead.
    Data,
    /// Sending the message and waiting for the final reply.
    DataEnd,
    /// `RSET`.
    Rset,
    /// `NOOP`.
    Noop,
    /// `QUIT`.
    Quit,
}

impl Phase {
    /// A few words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Phase::Connect => "connecting",
            Phase::Greeting => "waiting for the greeting",
            Phase::Ehlo => "EHLO",
            Phase::StartTls => "STARTTLS",
            Phase::Auth => "authentication",
            Phase::MailFrom => "MAIL FROM",
            Phase::RcptTo => "RCPT TO",
            Phase::Data => "DATA",
            Phase::DataEnd => "sending the message",
            Phase::Rset => "RSET",
            Phase::Noop => "NOOP",
            Phase::Quit => "QUIT",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One recipient the server refused, with its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientRejection {
    /// The address as given.
    pub recipient: String,
    /// The server's reply to its `RCPT TO`.
    pub reply: OwnedReply,
}

/// An SMTP client error: which server, which phase, and what the server said.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The network or TLS layer failed.
    Net {
        /// Where in the session.
        phase: Phase,
        /// What the connection layer reported.
        source: NetError,
    },
    /// The server sent bytes that are not an SMTP reply.
    Protocol {
        /// `host:port`.
        server: String,
        /// Where in the session.
        phase: Phase,
        /// What was wrong with the bytes.
        source: ReplyError,
    },
    /// The server answered with a code this step does not accept.
    Rejected {
        /// `host:port`.
        server: String,
        /// Where in the session.
        phase: Phase,
        /// The reply as received.
        reply: OwnedReply,
    },
    /// The server does not offer STARTTLS, and encryption was required.
    StartTlsNotOffered {
        /// `host:port`.
        server: String,
    },
    /// The server does not offer any mechanism this client speaks (PLAIN, LOGIN).
    AuthNotOffered {
        /// `host:port`.
        server: String,
        /// Mechanisms the server did offer.
        offered: Vec<String>,
    },
    /// The server refused the credentials (`535`).
    AuthFailed {
        /// `host:port`.
        server: String,
        /// The reply as received.
        reply: OwnedReply,
        /// Advice for this server, such as iCloud's app-specific passwords.
        hint: Option<&'static str>,
    },
    /// The server asked for more than the mechanism has to say (a `334` after the
    /// password, say), so the client cancelled the exchange with `*` (RFC 4954 §4) before
    /// trying anything else.
    AuthCancelled {
        /// `host:port`.
        server: String,
        /// The mechanism whose exchange was cancelled.
        mechanism: Mechanism,
        /// The continuation the client could not answer.
        challenge: OwnedReply,
        /// The server's answer to `*`: `501` when it ended the exchange. Another `3xx`
        /// means it did not, and the connection was given up.
        reply: OwnedReply,
    },
    /// A value given by the caller cannot go on the wire; nothing was sent.
    InvalidInput {
        /// Which value (sender, recipient, EHLO name…).
        field: &'static str,
        /// Why.
        source: CommandError,
    },
    /// The message body cannot be sent as DATA (a line over 998 octets); nothing was sent.
    InvalidMessage {
        /// Why.
        source: DataError,
    },
    /// The caller gave no recipient.
    NoRecipients,
    /// The message is larger than the server's advertised `SIZE`; nothing was sent.
    MessageTooLarge {
        /// `host:port`.
        server: String,
        /// Bytes the message takes on the wire.
        size: u64,
        /// The server's limit.
        limit: u64,
    },
    /// The message needs an extension the server does not offer (`8BITMIME`, `SMTPUTF8`).
    ExtensionMissing {
        /// `host:port`.
        server: String,
        /// The extension's keyword.
        extension: &'static str,
        /// Why the message needs it.
        reason: String,
    },
    /// Recipients were refused, so the message was not sent (the transaction was reset).
    RecipientsRejected {
        /// `host:port`.
        server: String,
        /// Recipients that were accepted before the transaction was abandoned.
        accepted: Vec<String>,
        /// Recipients refused, with the server's replies.
        rejected: Vec<RecipientRejection>,
    },
    /// The overall deadline passed.
    DeadlineExceeded {
        /// `host:port`.
        server: String,
        /// Where in the session.
        phase: Phase,
        /// The deadline that was configured.
        deadline: Duration,
    },
    /// An earlier failure left the connection in an unknown state; open a new one.
    Broken {
        /// `host:port`.
        server: String,
        /// What broke it.
        reason: String,
    },
}

impl Error {
    /// The server's reply behind this error, when there is one.
    pub fn reply(&self) -> Option<&OwnedReply> {
        match self {
            Error::Rejected { reply, .. }
            | Error::AuthFailed { reply, .. }
            | Error::AuthCancelled { reply, .. } => Some(reply),
            _ => None,
        }
    }

    /// True when trying again later may succeed (a `4xx` reply, a timeout, a lost
    /// connection), false when the same request will fail the same way.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Rejected { reply, .. } => reply.code.is_transient(),
            Error::Net { source, .. } => !matches!(source, NetError::Tls { .. }),
            Error::DeadlineExceeded { .. } | Error::Broken { .. } => true,
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    /// The message, with control characters escaped
    /// ([`escape_control`](crate::text::escape_control)): reply texts and mechanism names come
    /// from the server, and a program printing the error to a terminal must not pass its ESC
    /// sequences on. The fields keep the text as received.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        match self {
            Error::Net { phase, source } => write!(f, "{source} (while {phase})"),
            Error::Protocol {
                server,
                phase,
                source,
            } => write!(
                f,
                "{server}: the reply to {phase} is not valid SMTP: {source}; is this an SMTP \
                 server, and is the TLS mode right?"
            ),
            Error::Rejected {
                server,
                phase,
                reply,
            } => {
                write!(f, "{server}: {phase} refused: {reply}")?;
                if reply.code.get() == 421 {
                    f.write_str(" (the server is closing the connection; try again later)")?;
                } else if reply.code.is_transient() {
                    f.write_str(" (a temporary failure; try again later)")?;
                }
                Ok(())
            }
            Error::StartTlsNotOffered { server } => write!(
                f,
                "{server}: the server does not offer STARTTLS, so nothing was sent; use \
                 implicit TLS (often port 465) if the server has it"
            ),
            Error::AuthNotOffered { server, offered } => {
                write!(
                    f,
                    "{server}: the server offers no login mechanism this client speaks"
                )?;
                if offered.is_empty() {
                    f.write_str(" (it offers no AUTH at all")?;
                } else {
                    write!(f, " (it offers {}", offered.join(", "))?;
                }
                f.write_str("; this client speaks PLAIN and LOGIN)")
            }
            Error::AuthFailed {
                server,
                reply,
                hint,
            } => {
                write!(
                    f,
                    "{server}: the user name or password was refused: {reply}"
                )?;
                match hint {
                    Some(hint) => write!(f, "; {hint}"),
                    None => f.write_str("; check the user name and password"),
                }
            }
            Error::AuthCancelled {
                server,
                mechanism,
                challenge,
                reply,
            } => {
                write!(
                    f,
                    "{server}: AUTH {mechanism} was cancelled: the server asked for more \
                     ({challenge}) after everything {mechanism} sends, and answered the \
                     cancellation with {reply}"
                )?;
                if reply.code.is_intermediate() {
                    f.write_str(
                        "; it did not end the exchange, so the connection was given up; try \
                         another mechanism",
                    )
                } else {
                    write!(
                        f,
                        "; the server does not speak {mechanism} as RFC 4954 describes it; \
                         try another mechanism"
                    )
                }
            }
            Error::InvalidInput { field, source } => {
                write!(f, "the {field} cannot be sent: {source}; nothing was sent")
            }
            Error::InvalidMessage { source } => {
                write!(f, "the message cannot be sent: {source}; nothing was sent")
            }
            Error::NoRecipients => f.write_str("the message has no recipient; nothing was sent"),
            Error::MessageTooLarge {
                server,
                size,
                limit,
            } => write!(
                f,
                "{server}: the message takes {size} bytes but the server accepts at most \
                 {limit}; nothing was sent"
            ),
            Error::ExtensionMissing {
                server,
                extension,
                reason,
            } => write!(
                f,
                "{server}: {reason}, but the server does not offer {extension}; nothing was sent"
            ),
            Error::RecipientsRejected {
                server,
                accepted,
                rejected,
            } => {
                write!(f, "{server}: the message was not sent: ")?;
                for (index, rejection) in rejected.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "<{}> refused ({})", rejection.recipient, rejection.reply)?;
                }
                if !accepted.is_empty() {
                    write!(
                        f,
                        "; {} other recipient(s) were accepted but nothing was delivered to \
                         them either",
                        accepted.len()
                    )?;
                }
                Ok(())
            }
            Error::DeadlineExceeded {
                server,
                phase,
                deadline,
            } => write!(
                f,
                "{server}: the session's deadline of {} s passed while {phase}",
                deadline.as_secs_f64()
            ),
            Error::Broken { server, reason } => write!(
                f,
                "{server}: this connection can no longer be used ({reason}); open a new one"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Net { source, .. } => Some(source),
            Error::Protocol { source, .. } => Some(source),
            Error::InvalidInput { source, .. } => Some(source),
            Error::InvalidMessage { source } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::smtp::codec::{Parsed, parse_reply};

    /// Reply text that would recolour a terminal, ring it, overwrite the line, and reverse
    /// what follows, with a DEL and a C1 control besides.
    const HOSTILE: &str = "\x1b[31mred\x07 bell\rforged \x7f del \u{202e} rlo \u{9b} c1";
    const SHOWN: &str = r"\u{1b}[31mred\u{7} bell\rforged \u{7f} del \u{202e} rlo \u{9b} c1";

    fn reply(code: u16) -> OwnedReply {
        let wire = format!("{code} 5.7.1 {HOSTILE}\r\n");
        let Ok(Parsed::Complete(reply, _)) = parse_reply(wire.as_bytes(), &Limits::default())
        else {
            panic!("{wire:?} is one reply");
        };
        reply.to_owned()
    }

    /// No character a terminal would act on (line breaks included: a message is one line).
    fn assert_inert(shown: &str) {
        let raw: Vec<char> = shown
            .chars()
            .filter(|&c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
            .collect();
        assert_eq!(raw, [], "{shown:?}");
    }

    #[test]
    fn server_text_in_an_error_is_displayed_escaped_and_kept_raw_in_its_fields() {
        let server = "mx.test:587".to_owned();
        let errors = [
            Error::Rejected {
                server: server.clone(),
                phase: Phase::MailFrom,
                reply: reply(550),
            },
            Error::AuthFailed {
                server: server.clone(),
                reply: reply(535),
                hint: None,
            },
            Error::AuthCancelled {
                server: server.clone(),
                mechanism: Mechanism::Plain,
                challenge: reply(334),
                reply: reply(501),
            },
            Error::RecipientsRejected {
                server: server.clone(),
                accepted: vec![],
                rejected: vec![RecipientRejection {
                    recipient: "b@example.org".into(),
                    reply: reply(550),
                }],
            },
        ];
        for error in &errors {
            let shown = error.to_string();
            assert!(shown.contains(SHOWN), "{shown}");
            assert_inert(&shown);
        }
        // A program that inspects a reply gets it as the server sent it.
        for error in &errors[..3] {
            assert_eq!(error.reply().expect("a reply").lines, [HOSTILE]);
        }
        let Error::RecipientsRejected { rejected, .. } = &errors[3] else {
            unreachable!("the fourth error is RecipientsRejected");
        };
        assert_eq!(rejected[0].reply.lines, [HOSTILE]);
        // The reply on its own, as an error quotes it.
        let shown = reply(550).to_string();
        assert_eq!(shown, format!("550 5.7.1 {SHOWN}"));
    }

    #[test]
    fn every_part_of_an_error_the_server_wrote_is_displayed_escaped() {
        let errors = [
            Error::AuthNotOffered {
                server: "mx.test:587".into(),
                offered: vec![format!("X-{HOSTILE}")],
            },
            Error::Broken {
                server: "mx.test:587".into(),
                reason: HOSTILE.into(),
            },
            Error::Net {
                phase: Phase::StartTls,
                source: NetError::Tls {
                    host: "mx.test".into(),
                    port: 587,
                    kind: crate::net::TlsFailure::WrongName,
                    reason: format!("the certificate is for {HOSTILE}"),
                    source: None,
                },
            },
        ];
        for error in &errors {
            let shown = error.to_string();
            assert!(shown.contains(SHOWN), "{shown}");
            assert_inert(&shown);
        }
    }
}
