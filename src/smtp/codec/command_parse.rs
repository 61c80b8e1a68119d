//! Reading client commands on the server side.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_command, Command, Parsed};
//!
//! let wire = b"RCPT TO:<friend@example.net> NOTIFY=NEVER\r\nDATA\r\n";
//! let Parsed::Complete(command, consumed) = parse_command(wire, &Limits::default())? else {
//!     panic!("a whole line is there");
//! };
//! assert!(matches!(command, Command::RcptTo { forward_path: "friend@example.net", .. }));
//! assert_eq!(&wire[consumed..], b"DATA\r\n");
//! # Ok::<(), mailwire::smtp::codec::CommandError>(())
//! ```

use core::fmt;

use super::Parsed;
use super::command::{
    Command, CommandError, Parameter, check_argument, check_base64, check_domain, check_mechanism,
    check_parameter, check_path,
};
use crate::limits::Limits;
use crate::scan::{LineError, next_line};

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
