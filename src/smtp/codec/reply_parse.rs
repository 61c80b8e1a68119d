//! Finding where one reply ends, and checking every line of it on the way.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_reply, ReplyError};
//!
//! let error = parse_reply(b"250-mx\r\n550 no\r\n", &Limits::default()).unwrap_err();
//! assert!(matches!(error, ReplyError::InconsistentCode { line: 2, .. }));
//! ```

use core::fmt;

use super::Parsed;
use super::reply::{Reply, ReplyCode};
use crate::limits::Limits;
use crate::scan::{LineError, find_byte, next_line};

/// Why the bytes from a server are not a valid SMTP reply.
///
/// Every variant means the connection has lost sync with the server: the caller should
/// close it rather than try to read on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// A line did not end within the line length limit.
    LineTooLong {
        /// Line number within the reply, from 1.
        line: usize,
        /// Byte offset of the line's start within the reply.
        offset: usize,
        /// The limit in force (`Limits::line_len`).
        limit: usize,
    },
    /// The reply went on for more lines than allowed.
    TooManyLines {
        /// The limit in force (`Limits::reply_lines`).
        limit: usize,
    },
    /// The reply grew larger than one reply may be.
    TooLarge {
        /// The limit in force (`Limits::response_len`).
        limit: u64,
    },
    /// A line does not start with a reply code (three digits, 2xx to 5xx).
    BadCode {
        /// Line number within the reply, from 1.
        line: usize,
        /// Byte offset of the offending byte within the reply.
        offset: usize,
    },
    /// A line of a multi-line reply carries another code than the first line.
    InconsistentCode {
        /// The code of the first line.
        expected: ReplyCode,
        /// The code found on `line`.
        found: ReplyCode,
        /// Line number within the reply, from 1.
        line: usize,
    },
    /// The code is followed by something other than `-`, a space or the line end.
    BadSeparator {
        /// Line number within the reply, from 1.
        line: usize,
        /// Byte offset of the separator within the reply.
        offset: usize,
        /// The byte found instead.
        found: u8,
    },
}

impl ReplyError {
    /// Byte offset within the reply where the problem was seen, when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            ReplyError::LineTooLong { offset, .. }
            | ReplyError::BadCode { offset, .. }
            | ReplyError::BadSeparator { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::LineTooLong {
                line,
                offset,
                limit,
            } => write!(
                f,
                "line {line} of the server's reply (from byte {offset}) goes on for more than \
                 {limit} bytes without a line end; the server is not speaking SMTP, or the \
                 line length limit is too low"
            ),
            ReplyError::TooManyLines { limit } => write!(
                f,
                "the server's reply goes on for more than {limit} lines; raise the reply line \
                 limit if this server really sends such replies"
            ),
            ReplyError::TooLarge { limit } => write!(
                f,
                "the server's reply is larger than the {limit}-byte limit on one reply \
                 (Limits::response_len); raise it if this server really sends such replies"
            ),
            ReplyError::BadCode { line, offset } => write!(
                f,
                "line {line} of the server's reply (byte {offset}) does not start with an SMTP \
                 reply code (three digits from 200 to 599); is this really an SMTP server on \
                 this port?"
            ),
            ReplyError::InconsistentCode {
                expected,
                found,
                line,
            } => write!(
                f,
                "line {line} of the server's reply carries code {found}, but the reply started \
                 with {expected}; the server broke the reply format"
            ),
            ReplyError::BadSeparator {
                line,
                offset,
                found,
            } => write!(
                f,
                "line {line} of the server's reply has byte 0x{found:02x} after its code (byte \
                 {offset}) where a space, '-' or the line end belongs"
            ),
        }
    }
}

impl std::error::Error for ReplyError {}

/// True for the three digits of a reply code: 2-5, then 0-5 (RFC 5321 section 4.2), then
/// any digit.
#[inline(always)]
fn is_code(first: u8, second: u8, third: u8) -> bool {
    first.wrapping_sub(b'2') < 4 && second.wrapping_sub(b'0') < 6 && third.wrapping_sub(b'0') < 10
}

/// Offset of the first byte of `head` (up to three) that cannot be part of a reply code.
fn check_code_digits(head: &[u8]) -> Result<(), usize> {
    let allowed = [b'2'..=b'5', b'0'..=b'5', b'0'..=b'9'];
    match head
        .iter()
        .zip(allowed)
        .position(|(byte, range)| !range.contains(byte))
    {
        Some(bad) => Err(bad),
        None => Ok(()),
    }
}

/// The error for a complete line that does not start with a reply code.
#[cold]
fn bad_code(content: &[u8], line: usize, offset: usize) -> ReplyError {
    let bad = check_code_digits(content)
        .err()
        .unwrap_or(content.len().min(3));
    ReplyError::BadCode {
        line,
        offset: offset + bad,
    }
}

/// Parses one reply from the front of `input`.
///
/// Lines may end with CRLF or, as some servers send, a bare LF. Returns
/// [`Parsed::Incomplete`] until the last line (the one without `-` after its code) has
/// arrived; errors come as early as the bytes show them, so a peer that is not an SMTP
/// server is caught on its first line rather than after a buffer fills. Nothing past the
/// reply's end is examined.
///
/// A reader that calls this again after every read rescans the lines it has already
/// seen; [`ReplyParser`] remembers them instead.
pub fn parse_reply<'a>(input: &'a [u8], limits: &Limits) -> Result<Parsed<Reply<'a>>, ReplyError> {
    ReplyParser::new().resume(input, limits)
}

/// Parses a reply that arrives over many reads without scanning any byte twice.
///
/// Give [`ReplyParser::parse`] the same buffer each time, grown by what was read since:
/// it resumes after the lines it has already checked. After a whole reply or an error it
/// starts afresh, ready for the next reply at the front of the (drained) buffer.
///
/// ```
/// use mailwire::limits::Limits;
/// use mailwire::smtp::codec::{Parsed, ReplyParser};
///
/// let mut parser = ReplyParser::new();
/// let mut buffer = Vec::new();
/// for read in [&b"250-mx.example.com\r\n250-PIPE"[..], b"LINING\r\n", b"250 SIZE 1000\r\n"] {
///     buffer.extend_from_slice(read);
///     if let Parsed::Complete(reply, consumed) = parser.parse(&buffer, &Limits::default())? {
///         assert_eq!((reply.line_count(), consumed), (3, buffer.len()));
///     }
/// }
/// # Ok::<(), mailwire::smtp::codec::ReplyError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReplyParser {
    /// Bytes of whole continuation lines already checked.
    checked: usize,
    /// Number of those lines.
    lines: usize,
    /// The code of the first line, once seen.
    code: Option<[u8; 3]>,
    /// Bytes after `checked` already known to hold no line end.
    partial: usize,
    /// Bytes of the first line with its line end, once seen.
    first_line: usize,
}

impl ReplyParser {
    /// A parser at the start of a reply.
    pub fn new() -> Self {
        ReplyParser::default()
    }

    /// Parses the reply at the front of `input`, resuming where the last call stopped.
    pub fn parse<'a>(
        &mut self,
        input: &'a [u8],
        limits: &Limits,
    ) -> Result<Parsed<Reply<'a>>, ReplyError> {
        if input.len() < self.checked.saturating_add(self.partial) {
            // Not the grown buffer of the last call: start over rather than trust it.
            *self = ReplyParser::new();
        }
        let result = self.resume(input, limits);
        if !matches!(result, Ok(Parsed::Incomplete)) {
            *self = ReplyParser::new();
        }
        result
    }

    #[inline(always)]
    fn resume<'a>(
        &mut self,
        input: &'a [u8],
        limits: &Limits,
    ) -> Result<Parsed<Reply<'a>>, ReplyError> {
        let mut offset = self.checked;
        let mut first_code = self.code;
        let mut first_line = self.first_line;
        let mut line_number = self.lines;
        // Only the line the last call stopped in can be partial, and only the bytes that
        // arrived since can hold its end.
        let rest = input.get(offset..).unwrap_or_default();
        if self.partial > 0 && rest.len() <= limits.line_len {
            let fresh = rest.get(self.partial..).unwrap_or_default();
            if find_byte(b'\n', fresh).is_none() {
                check_partial_line(rest, first_code, line_number + 1, offset)?;
                self.partial = rest.len();
                return Ok(Parsed::Incomplete);
            }
        }
        loop {
            line_number += 1;
            let rest = input.get(offset..).unwrap_or_default();
            let line = match next_line(rest, limits.line_len) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    check_partial_line(rest, first_code, line_number, offset)?;
                    self.checked = offset;
                    self.lines = line_number - 1;
                    self.code = first_code;
                    self.first_line = first_line;
                    self.partial = rest.len();
                    return Ok(Parsed::Incomplete);
                }
                Err(LineError::TooLong { limit }) => {
                    return Err(ReplyError::LineTooLong {
                        line: line_number,
                        offset,
                        limit,
                    });
                }
            };
            let (digits, last) = match (first_code, line.content.first_chunk()) {
                // The shape of nearly every line after the first: the code the first line
                // had (so already checked: compared whole, not read digit by digit again),
                // then `-` or a space.
                (Some(code), Some(&[a, b, c, separator]))
                    if [a, b, c] == code && matches!(separator, b'-' | b' ') =>
                {
                    (code, separator == b' ')
                }
                _ => {
                    // Only the first line comes without a code to compare with.
                    if first_code.is_none() {
                        first_line = line.consumed;
                    }
                    read_line_start(line.content, first_code, line_number, offset)?
                }
            };
            first_code = Some(digits);
            offset += line.consumed;
            if offset as u64 > limits.response_len {
                return Err(ReplyError::TooLarge {
                    limit: limits.response_len,
                });
            }
            if last {
                let raw = input.get(..offset).unwrap_or_default();
                let code = ReplyCode::from_digits(digits);
                let reply = Reply::from_checked(raw, code, line_number, first_line);
                return Ok(Parsed::Complete(reply, offset));
            }
            if line_number >= limits.reply_lines {
                return Err(ReplyError::TooManyLines {
                    limit: limits.reply_lines,
                });
            }
        }
    }
}

/// The code at the start of a complete line, checked against the first line's, and
/// whether the line is the last one: the plain reading of every line, which the shortcut
/// for lines after the first in [`ReplyParser`] must agree with.
#[inline(always)]
pub(super) fn read_line_start(
    content: &[u8],
    first_code: Option<[u8; 3]>,
    line_number: usize,
    offset: usize,
) -> Result<([u8; 3], bool), ReplyError> {
    let digits = match content {
        [a, b, c, ..] if is_code(*a, *b, *c) => [*a, *b, *c],
        _ => return Err(bad_code(content, line_number, offset)),
    };
    if let Some(expected) = first_code
        && expected != digits
    {
        return Err(ReplyError::InconsistentCode {
            expected: ReplyCode::from_digits(expected),
            found: ReplyCode::from_digits(digits),
            line: line_number,
        });
    }
    let last = match content.get(3) {
        None | Some(b' ') => true,
        Some(b'-') => false,
        Some(&found) => {
            return Err(ReplyError::BadSeparator {
                line: line_number,
                offset: offset + 3,
                found,
            });
        }
    };
    Ok((digits, last))
}

/// Checks the start of a line whose end has not arrived, so garbage fails at once.
fn check_partial_line(
    partial: &[u8],
    first_code: Option<[u8; 3]>,
    line: usize,
    offset: usize,
) -> Result<(), ReplyError> {
    if let Err(bad) = check_code_digits(partial) {
        return Err(ReplyError::BadCode {
            line,
            offset: offset + bad,
        });
    }
    if let (Some(expected), [a, b, c, ..]) = (first_code, partial)
        && expected != [*a, *b, *c]
    {
        return Err(ReplyError::InconsistentCode {
            expected: ReplyCode::from_digits(expected),
            found: ReplyCode::from_digits([*a, *b, *c]),
            line,
        });
    }
    match partial.get(3) {
        // A CR here may be the first half of the line's CRLF.
        None | Some(b' ' | b'-' | b'\r') => Ok(()),
        Some(&found) => Err(ReplyError::BadSeparator {
            line,
            offset: offset + 3,
            found,
        }),
    }
}
