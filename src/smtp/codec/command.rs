//! Client commands: encoded by a client, parsed by a server.
//!
//! Encoding checks every field before writing a byte: a CR, LF or NUL, a space inside an
//! address, an angle bracket, a malformed ESMTP parameter are refused with an error that
//! names the field, so no caller-supplied string can end a command early and smuggle in
//! another one. Parsing is as tolerant as real clients need (any case, `MAIL FROM: <a@b>`
//! with a space, bare LF endings, UTF-8 addresses) and accepts nothing that encoding would
//! refuse.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_command, Command, CommandError, Parameter, Parsed};
//!
//! let mut out = Vec::new();
//! let mail = Command::MailFrom {
//!     reverse_path: "me@example.com",
//!     params: vec![Parameter { keyword: "SIZE", value: Some("1200") }],
//! };
//! mail.encode(&mut out)?;
//! assert_eq!(out, b"MAIL FROM:<me@example.com> SIZE=1200\r\n");
//!
//! // A server reads it back, whatever the case and spacing.
//! let Parsed::Complete(parsed, _) = parse_command(b"mail from: <me@example.com> size=1200\r\n", &Limits::default())? else {
//!     panic!("whole command expected");
//! };
//! assert!(matches!(parsed, Command::MailFrom { reverse_path: "me@example.com", .. }));
//!
//! // A line break in a recipient never reaches the wire.
//! let smuggled = Command::RcptTo { forward_path: "a@b>\r\nRCPT TO:<c@d", params: vec![] };
//! assert!(matches!(smuggled.encode(&mut out), Err(CommandError::ForbiddenByte { .. })));
//! # Ok::<(), CommandError>(())
//! ```

use core::fmt;
use std::io::Write as _;

use crate::sasl::{self, MechanismNameError};

/// One SMTP command.
#[derive(Clone, PartialEq, Eq)]
pub enum Command<'a> {
    /// `HELO domain`: the pre-ESMTP greeting.
    Helo {
        /// The client's name (a domain or an address literal such as `[192.0.2.1]`).
        domain: &'a str,
    },
    /// `EHLO domain`: the greeting that asks for the server's extensions.
    Ehlo {
        /// The client's name (a domain or an address literal such as `[192.0.2.1]`).
        domain: &'a str,
    },
    /// `MAIL FROM:<reverse-path> [params]`: starts a mail transaction.
    MailFrom {
        /// The sender address without angle brackets; empty for the null sender `<>`.
        reverse_path: &'a str,
        /// ESMTP parameters such as `SIZE=1200` or `BODY=8BITMIME`.
        params: Vec<Parameter<'a>>,
    },
    /// `RCPT TO:<forward-path> [params]`: adds a recipient.
    RcptTo {
        /// The recipient address without angle brackets.
        forward_path: &'a str,
        /// ESMTP parameters such as `NOTIFY=FAILURE`.
        params: Vec<Parameter<'a>>,
    },
    /// `DATA`: the message follows after a 354 reply.
    Data,
    /// `BDAT size [LAST]`: a chunk of `size` message bytes follows at once (RFC 3030).
    Bdat {
        /// Bytes in the chunk.
        size: u64,
        /// True for the final chunk.
        last: bool,
    },
    /// `RSET`: abandons the current transaction.
    Rset,
    /// `NOOP [argument]`.
    Noop {
        /// Text the server ignores.
        argument: Option<&'a str>,
    },
    /// `QUIT`.
    Quit,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `AUTH mechanism [initial-response]` (RFC 4954).
    Auth {
        /// The SASL mechanism, such as `PLAIN`.
        mechanism: &'a str,
        /// The first client response in base64, or `=` for an empty one. Secret: never
        /// shown by `Debug`.
        initial_response: Option<&'a str>,
    },
    /// `VRFY argument`: asks whether a user or mailbox exists.
    Vrfy {
        /// The user name or address asked about.
        argument: &'a str,
    },
    /// `EXPN argument`: asks for the members of a mailing list.
    Expn {
        /// The list asked about.
        argument: &'a str,
    },
    /// `HELP [argument]`.
    Help {
        /// The topic asked about.
        argument: Option<&'a str>,
    },
}

/// An ESMTP parameter of MAIL or RCPT: `KEYWORD` or `KEYWORD=value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter<'a> {
    /// Letters, digits and `-`, starting with a letter or digit.
    pub keyword: &'a str,
    /// The value after `=`, if any: printable, no spaces and no `=`; UTF-8 allowed.
    pub value: Option<&'a str>,
}

impl fmt::Debug for Command<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Helo { domain } => f.debug_struct("Helo").field("domain", domain).finish(),
            Command::Ehlo { domain } => f.debug_struct("Ehlo").field("domain", domain).finish(),
            Command::MailFrom {
                reverse_path,
                params,
            } => f
                .debug_struct("MailFrom")
                .field("reverse_path", reverse_path)
                .field("params", params)
                .finish(),
            Command::RcptTo {
                forward_path,
                params,
            } => f
                .debug_struct("RcptTo")
                .field("forward_path", forward_path)
                .field("params", params)
                .finish(),
            Command::Data => f.write_str("Data"),
            Command::Bdat { size, last } => f
                .debug_struct("Bdat")
                .field("size", size)
                .field("last", last)
                .finish(),
            Command::Rset => f.write_str("Rset"),
            Command::Noop { argument } => {
                f.debug_struct("Noop").field("argument", argument).finish()
            }
            Command::Quit => f.write_str("Quit"),
            Command::StartTls => f.write_str("StartTls"),
            Command::Auth {
                mechanism,
                initial_response,
            } => f
                .debug_struct("Auth")
                .field("mechanism", mechanism)
                .field("initial_response", &initial_response.map(|_| "<redacted>"))
                .finish(),
            Command::Vrfy { argument } => {
                f.debug_struct("Vrfy").field("argument", argument).finish()
            }
            Command::Expn { argument } => {
                f.debug_struct("Expn").field("argument", argument).finish()
            }
            Command::Help { argument } => {
                f.debug_struct("Help").field("argument", argument).finish()
            }
        }
    }
}

impl Command<'_> {
    /// Appends the command and its CRLF to `out`.
    ///
    /// Every field is checked first; on error `out` is left exactly as it was.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), CommandError> {
        self.validate()?;
        match self {
            Command::Helo { domain } => write_words(out, &[b"HELO ", domain.as_bytes()]),
            Command::Ehlo { domain } => write_words(out, &[b"EHLO ", domain.as_bytes()]),
            Command::MailFrom {
                reverse_path,
                params,
            } => {
                write_words(out, &[b"MAIL FROM:<", reverse_path.as_bytes(), b">"]);
                write_params(out, params);
            }
            Command::RcptTo {
                forward_path,
                params,
            } => {
                write_words(out, &[b"RCPT TO:<", forward_path.as_bytes(), b">"]);
                write_params(out, params);
            }
            Command::Data => out.extend_from_slice(b"DATA"),
            Command::Bdat { size, last } => {
                // Writing to a Vec cannot fail.
                let _ = write!(out, "BDAT {size}");
                if *last {
                    out.extend_from_slice(b" LAST");
                }
            }
            Command::Rset => out.extend_from_slice(b"RSET"),
            Command::Noop { argument } => write_optional(out, b"NOOP", *argument),
            Command::Quit => out.extend_from_slice(b"QUIT"),
            Command::StartTls => out.extend_from_slice(b"STARTTLS"),
            Command::Auth {
                mechanism,
                initial_response,
            } => {
                write_words(out, &[b"AUTH ", mechanism.as_bytes()]);
                if let Some(response) = initial_response {
                    write_words(out, &[b" ", response.as_bytes()]);
                }
            }
            Command::Vrfy { argument } => write_words(out, &[b"VRFY ", argument.as_bytes()]),
            Command::Expn { argument } => write_words(out, &[b"EXPN ", argument.as_bytes()]),
            Command::Help { argument } => write_optional(out, b"HELP", *argument),
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Checks that every field can be carried on the wire as it is.
    fn validate(&self) -> Result<(), CommandError> {
        match self {
            Command::Helo { domain } | Command::Ehlo { domain } => check_domain(domain),
            Command::MailFrom {
                reverse_path,
                params,
            } => {
                check_path("sender address", reverse_path, true)?;
                params.iter().try_for_each(check_parameter)
            }
            Command::RcptTo {
                forward_path,
                params,
            } => {
                check_path("recipient address", forward_path, false)?;
                params.iter().try_for_each(check_parameter)
            }
            Command::Data
            | Command::Bdat { .. }
            | Command::Rset
            | Command::Quit
            | Command::StartTls => Ok(()),
            Command::Noop { argument } | Command::Help { argument } => {
                argument.map_or(Ok(()), check_argument)
            }
            Command::Vrfy { argument } | Command::Expn { argument } => check_argument(argument),
            Command::Auth {
                mechanism,
                initial_response,
            } => {
                check_mechanism(mechanism)?;
                match initial_response {
                    Some("") => Err(CommandError::Empty {
                        field: "initial response (send \"=\" for an empty one)",
                    }),
                    Some(response) => check_base64("initial response", response),
                    None => Ok(()),
                }
            }
        }
    }
}

fn write_words(out: &mut Vec<u8>, words: &[&[u8]]) {
    for word in words {
        out.extend_from_slice(word);
    }
}

fn write_optional(out: &mut Vec<u8>, verb: &[u8], argument: Option<&str>) {
    out.extend_from_slice(verb);
    if let Some(argument) = argument {
        out.push(b' ');
        out.extend_from_slice(argument.as_bytes());
    }
}

fn write_params(out: &mut Vec<u8>, params: &[Parameter<'_>]) {
    for param in params {
        out.push(b' ');
        out.extend_from_slice(param.keyword.as_bytes());
        if let Some(value) = param.value {
            out.push(b'=');
            out.extend_from_slice(value.as_bytes());
        }
    }
}

/// Appends one SASL response line: base64 text (possibly empty) or `*` to cancel the
/// exchange, then CRLF. On error `out` is left as it was.
pub fn auth_response_line(base64: &str, out: &mut Vec<u8>) -> Result<(), CommandError> {
    if base64 != "*" && !base64.is_empty() {
        check_base64("SASL response", base64)?;
    }
    out.extend_from_slice(base64.as_bytes());
    out.extend_from_slice(b"\r\n");
    Ok(())
}

fn is_control(byte: u8) -> bool {
    byte < 0x20 || byte == 0x7f
}

fn forbidden(
    field: &'static str,
    text: &str,
    bad: impl Fn(u8) -> bool,
) -> Result<(), CommandError> {
    match text.bytes().position(&bad) {
        Some(position) => Err(CommandError::ForbiddenByte {
            field,
            byte: text.as_bytes().get(position).copied().unwrap_or_default(),
            position,
        }),
        None => Ok(()),
    }
}

pub(super) fn check_domain(domain: &str) -> Result<(), CommandError> {
    if domain.is_empty() {
        return Err(CommandError::Empty { field: "domain" });
    }
    forbidden("domain", domain, |byte| is_control(byte) || byte == b' ')
}

pub(super) fn check_path(
    field: &'static str,
    path: &str,
    may_be_empty: bool,
) -> Result<(), CommandError> {
    if path.is_empty() && !may_be_empty {
        return Err(CommandError::Empty { field });
    }
    // An address never starts with '@'; a source route (`@relay:user@host`) does, and
    // RFC 5321 says not to send one.
    if path.starts_with('@') {
        return Err(CommandError::ForbiddenByte {
            field,
            byte: b'@',
            position: 0,
        });
    }
    forbidden(field, path, |byte| {
        is_control(byte) || matches!(byte, b' ' | b'<' | b'>')
    })
}

pub(super) fn check_parameter(param: &Parameter<'_>) -> Result<(), CommandError> {
    let field = "parameter keyword";
    let Some(&first) = param.keyword.as_bytes().first() else {
        return Err(CommandError::Empty { field });
    };
    if !first.is_ascii_alphanumeric() {
        return Err(CommandError::ForbiddenByte {
            field,
            byte: first,
            position: 0,
        });
    }
    forbidden(field, param.keyword, |byte| {
        !(byte.is_ascii_alphanumeric() || byte == b'-')
    })?;
    match param.value {
        Some("") => Err(CommandError::Empty {
            field: "parameter value",
        }),
        Some(value) => forbidden("parameter value", value, |byte| {
            is_control(byte) || matches!(byte, b' ' | b'=')
        }),
        None => Ok(()),
    }
}

pub(super) fn check_argument(argument: &str) -> Result<(), CommandError> {
    let field = "argument";
    if argument.is_empty() {
        return Err(CommandError::Empty { field });
    }
    // Spaces around an argument are not part of it: a server trims them away.
    if argument.starts_with(' ') {
        return Err(CommandError::ForbiddenByte {
            field,
            byte: b' ',
            position: 0,
        });
    }
    if argument.ends_with(' ') {
        return Err(CommandError::ForbiddenByte {
            field,
            byte: b' ',
            position: argument.len() - 1,
        });
    }
    forbidden(field, argument, is_control)
}

/// The mechanism of an AUTH command, by the rules every SASL user of this crate shares.
pub(super) fn check_mechanism(mechanism: &str) -> Result<(), CommandError> {
    let field = "SASL mechanism";
    sasl::check_mechanism_name(mechanism.as_bytes()).map_err(|error| match error {
        MechanismNameError::TooLong { length } => CommandError::TooLong {
            field,
            length,
            limit: sasl::MAX_MECHANISM_NAME_LEN,
        },
        MechanismNameError::ForbiddenByte { byte, position } => CommandError::ForbiddenByte {
            field,
            byte,
            position,
        },
        MechanismNameError::Empty => CommandError::Empty { field },
    })
}

/// Base64 text (or `=`). The offending byte is not reported: this field is secret.
pub(super) fn check_base64(field: &'static str, text: &str) -> Result<(), CommandError> {
    let base64 = text
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'='));
    if base64 {
        Ok(())
    } else {
        Err(CommandError::NotBase64 { field })
    }
}

/// Why a command cannot be encoded, or why a line is not a valid command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandError {
    /// A field holds a byte the command cannot carry.
    ForbiddenByte {
        /// The field, in words ("recipient address").
        field: &'static str,
        /// The offending byte.
        byte: u8,
        /// Its offset within the field.
        position: usize,
    },
    /// A required field is empty.
    Empty {
        /// The field, in words.
        field: &'static str,
    },
    /// A field is longer than its grammar allows.
    TooLong {
        /// The field, in words.
        field: &'static str,
        /// Its length in bytes.
        length: usize,
        /// The most allowed.
        limit: usize,
    },
    /// A SASL field is not base64. (Which byte is not said: the field is secret.)
    NotBase64 {
        /// The field, in words.
        field: &'static str,
    },
    /// A number field is not a number that fits.
    BadNumber {
        /// The field, in words.
        field: &'static str,
    },
    /// A command line does not end within the line length limit.
    LineTooLong {
        /// The limit in force (`Limits::line_len`).
        limit: usize,
    },
    /// A command line is not UTF-8.
    NotUtf8 {
        /// Offset of the first byte that is not.
        offset: usize,
    },
    /// The verb is not one this codec knows.
    UnknownCommand {
        /// The verb received (at most 16 characters of it).
        verb: String,
    },
    /// A known command with arguments in the wrong shape.
    Syntax {
        /// The command verb.
        command: &'static str,
        /// What should have been there.
        expected: &'static str,
    },
}

fn describe_byte(byte: u8) -> String {
    match byte {
        b'\r' => "a carriage return (CR)".to_owned(),
        b'\n' => "a line feed (LF)".to_owned(),
        0 => "a NUL byte".to_owned(),
        b' ' => "a space".to_owned(),
        byte if is_control(byte) || !byte.is_ascii() => format!("the byte 0x{byte:02x}"),
        byte => format!("'{}'", char::from(byte)),
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::ForbiddenByte {
                field,
                byte,
                position,
            } => write!(
                f,
                "the {field} contains {} at position {position}, which an SMTP command cannot \
                 carry there; remove it",
                describe_byte(*byte)
            ),
            CommandError::Empty { field } => write!(f, "the {field} is empty"),
            CommandError::TooLong {
                field,
                length,
                limit,
            } => write!(
                f,
                "the {field} is {length} bytes long; at most {limit} are allowed"
            ),
            CommandError::NotBase64 { field } => write!(
                f,
                "the {field} is not base64 text; encode the SASL data before sending it"
            ),
            CommandError::BadNumber { field } => {
                write!(f, "the {field} is not a whole number that fits in 64 bits")
            }
            CommandError::LineTooLong { limit } => write!(
                f,
                "the command line goes on for more than {limit} bytes without a line end"
            ),
            CommandError::NotUtf8 { offset } => write!(
                f,
                "the command line is not valid UTF-8 (from byte {offset})"
            ),
            // The verb is the peer's bytes: a server or proxy logging this error must not
            // hand a terminal the peer's control sequences.
            CommandError::UnknownCommand { verb } => write!(
                f,
                "\"{}\" is not an SMTP command this server knows",
                crate::text::escape_control(verb)
            ),
            CommandError::Syntax { command, expected } => {
                write!(f, "{command} expects {expected}")
            }
        }
    }
}

impl std::error::Error for CommandError {}
