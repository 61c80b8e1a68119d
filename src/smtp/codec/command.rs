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

use super::Parsed;
use crate::limits::Limits;
use crate::scan::{LineError, next_line};

/// SASL mechanism names are at most 20 characters (RFC 4422 section 3.1).
const MAX_MECHANISM_LEN: usize = 20;

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

/// A client's answer to a `334` challenge, as a server reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AuthResponse<'a> {
    /// `*`: the client abandons the exchange.
    Cancel,
    /// Base64 text, possibly empty. Secret: never shown by `Debug`.
    Data(&'a str),
}

impl fmt::Debug for AuthResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthResponse::Cancel => f.write_str("Cancel"),
            AuthResponse::Data(_) => f.write_str("Data(<redacted>)"),
        }
    }
}

/// Parses a SASL response line from the front of `input` (server side).
pub fn parse_auth_response<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<AuthResponse<'a>>, CommandError> {
    let Some(line) = take_line(input, limits)? else {
        return Ok(Parsed::Incomplete);
    };
    let text = core::str::from_utf8(line.content).map_err(|_| CommandError::NotBase64 {
        field: "SASL response",
    })?;
    let response = if text == "*" {
        AuthResponse::Cancel
    } else {
        if !text.is_empty() {
            check_base64("SASL response", text)?;
        }
        AuthResponse::Data(text)
    };
    Ok(Parsed::Complete(response, line.consumed))
}

/// Parses one command from the front of `input` (server side).
///
/// Lines may end with CRLF or a bare LF, and may be at most `limits.line_len` bytes long.
/// On an error the line is not consumed: a server that wants to answer `500` and read on
/// can skip it with [`crate::scan::next_line`].
pub fn parse_command<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<Command<'a>>, CommandError> {
    match take_line(input, limits)? {
        Some(line) => Ok(Parsed::Complete(
            parse_command_line(line.content)?,
            line.consumed,
        )),
        None => Ok(Parsed::Incomplete),
    }
}

fn take_line<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Option<crate::scan::Line<'a>>, CommandError> {
    next_line(input, limits.line_len).map_err(|error| match error {
        LineError::TooLong { limit } => CommandError::LineTooLong { limit },
    })
}

/// Parses one command line without its line ending.
pub fn parse_command_line(line: &[u8]) -> Result<Command<'_>, CommandError> {
    let line = core::str::from_utf8(line).map_err(|error| CommandError::NotUtf8 {
        offset: error.valid_up_to(),
    })?;
    let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim_matches(' ');
    let verb_is = |name: &str| verb.eq_ignore_ascii_case(name);
    if verb_is("EHLO") || verb_is("HELO") {
        let domain = single_word(rest, if verb_is("EHLO") { "EHLO" } else { "HELO" })?;
        check_domain(domain)?;
        return Ok(if verb_is("EHLO") {
            Command::Ehlo { domain }
        } else {
            Command::Helo { domain }
        });
    }
    if verb_is("MAIL") {
        let (reverse_path, params) = parse_path_and_params(rest, "FROM:", "sender address")?;
        return Ok(Command::MailFrom {
            reverse_path,
            params,
        });
    }
    if verb_is("RCPT") {
        let (forward_path, params) = parse_path_and_params(rest, "TO:", "recipient address")?;
        return Ok(Command::RcptTo {
            forward_path,
            params,
        });
    }
    let no_argument = |command: Command<'static>| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err(CommandError::Syntax {
                command: verb_name(&command),
                expected: "no argument",
            })
        }
    };
    if verb_is("DATA") {
        return no_argument(Command::Data);
    }
    if verb_is("RSET") {
        return no_argument(Command::Rset);
    }
    if verb_is("QUIT") {
        return no_argument(Command::Quit);
    }
    if verb_is("STARTTLS") {
        return no_argument(Command::StartTls);
    }
    if verb_is("BDAT") {
        return parse_bdat(rest);
    }
    if verb_is("AUTH") {
        return parse_auth(rest);
    }
    if verb_is("NOOP") || verb_is("HELP") {
        let argument = (!rest.is_empty()).then_some(rest);
        if let Some(argument) = argument {
            check_argument(argument)?;
        }
        return Ok(if verb_is("NOOP") {
            Command::Noop { argument }
        } else {
            Command::Help { argument }
        });
    }
    if verb_is("VRFY") || verb_is("EXPN") {
        check_argument(rest)?;
        return Ok(if verb_is("VRFY") {
            Command::Vrfy { argument: rest }
        } else {
            Command::Expn { argument: rest }
        });
    }
    Err(CommandError::UnknownCommand {
        verb: verb.chars().take(16).collect(),
    })
}

fn verb_name(command: &Command<'_>) -> &'static str {
    match command {
        Command::Helo { .. } => "HELO",
        Command::Ehlo { .. } => "EHLO",
        Command::MailFrom { .. } => "MAIL",
        Command::RcptTo { .. } => "RCPT",
        Command::Data => "DATA",
        Command::Bdat { .. } => "BDAT",
        Command::Rset => "RSET",
        Command::Noop { .. } => "NOOP",
        Command::Quit => "QUIT",
        Command::StartTls => "STARTTLS",
        Command::Auth { .. } => "AUTH",
        Command::Vrfy { .. } => "VRFY",
        Command::Expn { .. } => "EXPN",
        Command::Help { .. } => "HELP",
    }
}

fn single_word<'a>(text: &'a str, command: &'static str) -> Result<&'a str, CommandError> {
    if text.is_empty() {
        return Err(CommandError::Empty { field: "domain" });
    }
    if text.contains(' ') {
        return Err(CommandError::Syntax {
            command,
            expected: "exactly one domain",
        });
    }
    Ok(text)
}

/// Reads `FROM:<path> params` or `TO:<path> params`, after the verb.
fn parse_path_and_params<'a>(
    rest: &'a str,
    prefix: &'static str,
    field: &'static str,
) -> Result<(&'a str, Vec<Parameter<'a>>), CommandError> {
    let command = if prefix == "FROM:" { "MAIL" } else { "RCPT" };
    let syntax = |expected| CommandError::Syntax { command, expected };
    let head = rest.get(..prefix.len()).ok_or(syntax(prefix))?;
    if !head.eq_ignore_ascii_case(prefix) {
        return Err(syntax(if command == "MAIL" {
            "FROM:<address>"
        } else {
            "TO:<address>"
        }));
    }
    // Some clients put a space after the colon; RFC 5321 does not, but servers accept it.
    let rest = rest
        .get(prefix.len()..)
        .unwrap_or_default()
        .trim_start_matches(' ');
    let (path, rest) = if let Some(inside) = rest.strip_prefix('<') {
        let close = inside.find('>').ok_or(syntax("'>' closing the address"))?;
        let after = inside.get(close + 1..).unwrap_or_default();
        if !after.is_empty() && !after.starts_with(' ') {
            return Err(syntax("a space between the address and its parameters"));
        }
        (inside.get(..close).unwrap_or_default(), after)
    } else if rest.is_empty() {
        return Err(syntax("an address in angle brackets"));
    } else {
        // Tolerated: an address without angle brackets.
        rest.split_once(' ').unwrap_or((rest, ""))
    };
    let path = strip_source_route(path);
    check_path(field, path, command == "MAIL")?;
    let mut params = Vec::new();
    for word in rest.split(' ').filter(|word| !word.is_empty()) {
        let param = match word.split_once('=') {
            Some((keyword, value)) => Parameter {
                keyword,
                value: Some(value),
            },
            None => Parameter {
                keyword: word,
                value: None,
            },
        };
        check_parameter(&param)?;
        params.push(param);
    }
    Ok((path, params))
}

/// Drops an RFC 5321 source route (`@relay1,@relay2:user@host`), which servers must
/// accept and ignore.
fn strip_source_route(mut path: &str) -> &str {
    while path.starts_with('@') {
        match path.split_once(':') {
            Some((_, mailbox)) => path = mailbox,
            None => break,
        }
    }
    path
}

fn parse_bdat(rest: &str) -> Result<Command<'static>, CommandError> {
    let mut words = rest.split(' ').filter(|word| !word.is_empty());
    let size = words.next().ok_or(CommandError::Empty {
        field: "BDAT chunk size",
    })?;
    if !size.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(CommandError::BadNumber {
            field: "BDAT chunk size",
        });
    }
    let size = size.parse().map_err(|_| CommandError::BadNumber {
        field: "BDAT chunk size",
    })?;
    let last = match words.next() {
        None => false,
        Some(word) if word.eq_ignore_ascii_case("LAST") => true,
        Some(_) => {
            return Err(CommandError::Syntax {
                command: "BDAT",
                expected: "a chunk size, then LAST or nothing",
            });
        }
    };
    if words.next().is_some() {
        return Err(CommandError::Syntax {
            command: "BDAT",
            expected: "a chunk size, then LAST or nothing",
        });
    }
    Ok(Command::Bdat { size, last })
}

fn parse_auth(rest: &str) -> Result<Command<'_>, CommandError> {
    let mut words = rest.split(' ').filter(|word| !word.is_empty());
    let mechanism = words.next().ok_or(CommandError::Empty {
        field: "SASL mechanism",
    })?;
    check_mechanism(mechanism)?;
    let initial_response = words.next();
    if let Some(response) = initial_response {
        check_base64("initial response", response)?;
    }
    if words.next().is_some() {
        return Err(CommandError::Syntax {
            command: "AUTH",
            expected: "a mechanism and at most one initial response",
        });
    }
    Ok(Command::Auth {
        mechanism,
        initial_response,
    })
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

fn check_domain(domain: &str) -> Result<(), CommandError> {
    if domain.is_empty() {
        return Err(CommandError::Empty { field: "domain" });
    }
    forbidden("domain", domain, |byte| is_control(byte) || byte == b' ')
}

fn check_path(field: &'static str, path: &str, may_be_empty: bool) -> Result<(), CommandError> {
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

fn check_parameter(param: &Parameter<'_>) -> Result<(), CommandError> {
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

fn check_argument(argument: &str) -> Result<(), CommandError> {
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

fn check_mechanism(mechanism: &str) -> Result<(), CommandError> {
    let field = "SASL mechanism";
    if mechanism.is_empty() {
        return Err(CommandError::Empty { field });
    }
    if mechanism.len() > MAX_MECHANISM_LEN {
        return Err(CommandError::TooLong {
            field,
            length: mechanism.len(),
            limit: MAX_MECHANISM_LEN,
        });
    }
    forbidden(field, mechanism, |byte| {
        !(byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    })
}

/// Base64 text (or `=`). The offending byte is not reported: this field is secret.
fn check_base64(field: &'static str, text: &str) -> Result<(), CommandError> {
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
            CommandError::UnknownCommand { verb } => {
                write!(f, "\"{verb}\" is not an SMTP command this server knows")
            }
            CommandError::Syntax { command, expected } => {
                write!(f, "{command} expects {expected}")
            }
        }
    }
}

impl std::error::Error for CommandError {}
