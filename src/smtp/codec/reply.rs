//! Server replies: `250-first line`, `250 last line`, parsed without copying.
//!
//! A reply is one or more lines that all carry the same three-digit code; every line but
//! the last has `-` after the code. [`parse_reply`](super::parse_reply) finds the end of one reply at the front
//! of a buffer and hands back a [`Reply`] that borrows the buffer: no allocation, so a
//! client can parse thousands of pipelined replies for the price of scanning them.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_reply, Parsed};
//!
//! let wire = b"535 5.7.8 Authentication failed\r\n";
//! let Parsed::Complete(reply, consumed) = parse_reply(wire, &Limits::default())? else {
//!     panic!("whole reply expected");
//! };
//! assert_eq!(consumed, wire.len());
//! assert!(reply.code().is_permanent());
//! assert_eq!(reply.enhanced_code().unwrap().to_string(), "5.7.8");
//! assert_eq!(reply.to_owned().to_string(), "535 5.7.8 Authentication failed");
//!
//! // A reply whose last line has not arrived yet.
//! assert_eq!(parse_reply(b"250-PIPELINING\r\n250 SI", &Limits::default())?, Parsed::Incomplete);
//! # Ok::<(), mailwire::smtp::codec::ReplyError>(())
//! ```

use core::fmt;
use core::fmt::Write as _;

use crate::scan::find_byte;
use crate::text::Escaping;

/// A three-digit SMTP reply code from 200 to 559 whose second digit is 0 to 5.
///
/// 1xx codes are not used by SMTP, nothing above 5xx exists, and RFC 5321 (section 4.2)
/// gives the second digit the values 0 to 5 only, so a value of this type is always one a
/// server can meaningfully send and [`parse_reply`](super::parse_reply) reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReplyCode(u16);

impl ReplyCode {
    /// `220` service ready (the greeting).
    pub const SERVICE_READY: ReplyCode = ReplyCode(220);
    /// `221` closing the connection (the answer to QUIT).
    pub const CLOSING: ReplyCode = ReplyCode(221);
    /// `235` authentication succeeded.
    pub const AUTH_SUCCEEDED: ReplyCode = ReplyCode(235);
    /// `250` requested action completed.
    pub const OK: ReplyCode = ReplyCode(250);
    /// `334` a SASL challenge: send the next authentication response.
    pub const AUTH_CONTINUE: ReplyCode = ReplyCode(334);
    /// `354` start mail input (the answer to DATA).
    pub const START_MAIL_INPUT: ReplyCode = ReplyCode(354);

    /// The code `value`, or `None` when it lies outside 200..=599 or its second digit is
    /// above 5 (`260`), which no reply parser reads as a code.
    pub const fn new(value: u16) -> Option<Self> {
        if value >= 200 && value <= 599 && value / 10 % 10 <= 5 {
            Some(ReplyCode(value))
        } else {
            None
        }
    }

    /// The code as a number.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// The first digit: 2 done, 3 go on, 4 try again later, 5 failed.
    pub const fn class(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// 2xx: the command succeeded.
    pub const fn is_positive_completion(self) -> bool {
        self.class() == 2
    }

    /// 3xx: the server waits for more (DATA content, a SASL response).
    pub const fn is_intermediate(self) -> bool {
        self.class() == 3
    }

    /// 4xx: a temporary failure; the same command may succeed later.
    pub const fn is_transient(self) -> bool {
        self.class() == 4
    }

    /// 5xx: a permanent failure; repeating the command will not help.
    pub const fn is_permanent(self) -> bool {
        self.class() == 5
    }

    /// The code from three ASCII digits already checked to form a code from 200 to 599.
    pub(super) fn from_digits(digits: [u8; 3]) -> ReplyCode {
        let [hundreds, tens, units] = digits.map(|digit| u16::from(digit.wrapping_sub(b'0')));
        ReplyCode(hundreds * 100 + tens * 10 + units)
    }

    fn digits(self) -> [u8; 3] {
        // The value is at most 599, so every quotient below is a single digit.
        [
            b'0' + (self.0 / 100) as u8,
            b'0' + (self.0 / 10 % 10) as u8,
            b'0' + (self.0 % 10) as u8,
        ]
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An RFC 3463 enhanced status code such as `5.7.8`, written at the start of reply text
/// by servers that announce ENHANCEDSTATUSCODES.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    pub class: u8,
    /// What the code is about: 1 addressing, 2 mailbox, 3 mail system, 4 network,
    /// 5 protocol, 6 content, 7 security or policy.
    pub subject: u16,
    /// The detail within the subject (for example 5.7.8: bad credentials).
    pub detail: u16,
}

impl EnhancedCode {
    /// Reads an enhanced code at the start of `text`, returning it and the bytes it takes
    /// (including one following space). The code must end at a space or at the end of the
    /// text, so `2.0.0x` is text, not a code.
    pub fn parse_prefix(text: &[u8]) -> Option<(EnhancedCode, usize)> {
        let (&class_digit, rest) = text.split_first()?;
        if !matches!(class_digit, b'2' | b'4' | b'5') {
            return None;
        }
        let rest = rest.strip_prefix(b".")?;
        let (subject, subject_len) = leading_number(rest)?;
        let rest = rest.get(subject_len..)?.strip_prefix(b".")?;
        let (detail, detail_len) = leading_number(rest)?;
        let code_len = 1 + 1 + subject_len + 1 + detail_len;
        let code = EnhancedCode {
            class: class_digit - b'0',
            subject,
            detail,
        };
        match text.get(code_len) {
            None => Some((code, code_len)),
            Some(b' ') => Some((code, code_len + 1)),
            Some(_) => None,
        }
    }
}

/// One to three digits at the start of `bytes`, as RFC 3463 allows for subject and detail.
fn leading_number(bytes: &[u8]) -> Option<(u16, usize)> {
    let len = bytes
        .iter()
        .take(3)
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    if len == 0 || bytes.get(len).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let value = bytes
        .iter()
        .take(len)
        .fold(0u16, |value, digit| value * 10 + u16::from(digit - b'0'));
    Some((value, len))
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One complete reply, borrowing the bytes it was parsed from.
///
/// Cheap to copy; call [`Reply::to_owned`] to keep it after the buffer moves on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Reply<'a> {
    raw: &'a [u8],
    code: ReplyCode,
    line_count: usize,
    /// The bytes of the first line with its line end.
    first_line_len: usize,
}

impl<'a> Reply<'a> {
    /// A reply over `raw`, whose `line_count` lines the parser has checked; its first line
    /// takes `first_line_len` bytes with its line end.
    pub(super) fn from_checked(
        raw: &'a [u8],
        code: ReplyCode,
        line_count: usize,
        first_line_len: usize,
    ) -> Self {
        Reply {
            raw,
            code,
            line_count,
            first_line_len,
        }
    }

    /// The bytes the first line takes with its line end: where the lines after it start.
    /// The parser passed that line end already, so a reader of the later lines (the EHLO
    /// capabilities) need not search for it again.
    pub(super) fn first_line_len(&self) -> usize {
        self.first_line_len
    }

    /// The reply code shared by every line.
    pub fn code(&self) -> ReplyCode {
        self.code
    }

    /// The enhanced status code at the start of the first line's text, when there is one
    /// and its class matches the reply code (RFC 3463 requires both to agree).
    pub fn enhanced_code(&self) -> Option<EnhancedCode> {
        let first = self.lines().next()?;
        leading_enhanced_code(first, self.code).map(|(code, _)| code)
    }

    /// Number of lines in the reply (at least one).
    pub fn line_count(&self) -> usize {
        self.line_count
    }

    /// The text of each line after the code and its separator, exactly as sent.
    pub fn lines(&self) -> ReplyLines<'a> {
        ReplyLines::new(self.raw, self.line_count)
    }

    /// The text of each line with a leading enhanced status code (and one space after it)
    /// removed. Codes are removed only when the first line carries one: in a reply without
    /// enhanced codes, text that happens to look like one is kept.
    pub fn text_lines(&self) -> ReplyTextLines<'a> {
        ReplyTextLines {
            lines: self.lines(),
            code: self.code,
            strip: self.enhanced_code().is_some(),
        }
    }

    /// The exact bytes of the reply, line endings included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Copies the reply into an [`OwnedReply`] (text decoded as UTF-8, invalid sequences
    /// replaced, enhanced codes removed from the text).
    pub fn to_owned(&self) -> OwnedReply {
        OwnedReply {
            code: self.code,
            enhanced: self.enhanced_code(),
            lines: self
                .text_lines()
                .map(|text| String::from_utf8_lossy(text).into_owned())
                .collect(),
        }
    }

    /// Appends the reply in canonical form: CRLF endings, and no space after the code of a
    /// last line without text.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let digits = self.code.digits();
        let mut lines = self.lines();
        while let Some(text) = lines.next() {
            let last = lines.remaining == 0;
            out.extend_from_slice(&digits);
            if !last {
                out.push(b'-');
            } else if !text.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(text);
            out.extend_from_slice(b"\r\n");
        }
    }
}

impl fmt::Debug for Reply<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("code", &self.code)
            .field("raw", &String::from_utf8_lossy(self.raw))
            .finish()
    }
}

impl fmt::Display for Reply<'_> {
    /// The code, then each line's text separated by spaces, as a person would quote it, with
    /// control characters escaped ([`escape_control`](crate::text::escape_control)) so the
    /// server's text cannot steer a terminal. [`Reply::lines`] keeps them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        write!(f, "{}", self.code)?;
        for text in self.lines().filter(|text| !text.is_empty()) {
            write!(f, " {}", String::from_utf8_lossy(text))?;
        }
        Ok(())
    }
}

/// Splits the enhanced code off `text` when it is one whose class matches `code`.
fn leading_enhanced_code(text: &[u8], code: ReplyCode) -> Option<(EnhancedCode, usize)> {
    EnhancedCode::parse_prefix(text).filter(|(enhanced, _)| enhanced.class == code.class())
}

/// The text of each line of a [`Reply`]; see [`Reply::lines`].
#[derive(Debug, Clone)]
pub struct ReplyLines<'a> {
    rest: &'a [u8],
    remaining: usize,
}

impl<'a> ReplyLines<'a> {
    /// The `count` lines at the start of `rest`, which the parser has checked.
    pub(super) fn new(rest: &'a [u8], count: usize) -> Self {
        ReplyLines {
            rest,
            remaining: count,
        }
    }
}

impl<'a> Iterator for ReplyLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // The parser has checked that every line ends with LF and starts with a code.
        let (line, rest) = match find_byte(b'\n', self.rest) {
            Some(lf) => (&self.rest[..lf], &self.rest[lf + 1..]),
            None => (self.rest, &[][..]),
        };
        self.rest = rest;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Some(line.get(4..).unwrap_or_default())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for ReplyLines<'_> {}

/// The text of each line of a [`Reply`] without enhanced codes; see [`Reply::text_lines`].
#[derive(Debug, Clone)]
pub struct ReplyTextLines<'a> {
    lines: ReplyLines<'a>,
    code: ReplyCode,
    strip: bool,
}

impl<'a> Iterator for ReplyTextLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let text = self.lines.next()?;
        if !self.strip {
            return Some(text);
        }
        Some(match leading_enhanced_code(text, self.code) {
            Some((_, len)) => text.get(len..).unwrap_or_default(),
            None => text,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.lines.size_hint()
    }
}

impl ExactSizeIterator for ReplyTextLines<'_> {}

/// A reply that owns its text: kept after parsing, or built by a server to send.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OwnedReply {
    /// The reply code.
    pub code: ReplyCode,
    /// The enhanced status code, written at the start of every line when present.
    pub enhanced: Option<EnhancedCode>,
    /// The text of each line, without code or enhanced code. No lines means one line with
    /// no text.
    pub lines: Vec<String>,
}

impl OwnedReply {
    /// A reply from its parts.
    pub fn new(code: ReplyCode, enhanced: Option<EnhancedCode>, lines: Vec<String>) -> Self {
        OwnedReply {
            code,
            enhanced,
            lines,
        }
    }

    /// Appends the reply as a server sends it, the enhanced code repeated on every line
    /// as RFC 2034 asks. A CR or LF inside a line's text is written as a space, so text
    /// can never end a line early or inject another reply.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let digits = self.code.digits();
        let enhanced = self.enhanced.map(|code| code.to_string());
        let line_count = self.lines.len().max(1);
        for index in 0..line_count {
            let text = self.lines.get(index).map_or("", String::as_str);
            let last = index + 1 == line_count;
            out.extend_from_slice(&digits);
            let has_text = enhanced.is_some() || !text.is_empty();
            if !last {
                out.push(b'-');
            } else if has_text {
                out.push(b' ');
            }
            if let Some(enhanced) = &enhanced {
                out.extend_from_slice(enhanced.as_bytes());
                if !text.is_empty() {
                    out.push(b' ');
                }
            }
            out.extend(text.bytes().map(|byte| match byte {
                b'\r' | b'\n' => b' ',
                other => other,
            }));
            out.extend_from_slice(b"\r\n");
        }
    }

    /// The text of all lines joined with spaces, without codes.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }
}

impl fmt::Display for OwnedReply {
    /// As a person would quote it: `535 5.7.8 Authentication failed`, with control
    /// characters escaped as [`Reply`]'s `Display` does. [`OwnedReply::lines`] keeps them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        write!(f, "{}", self.code)?;
        if let Some(enhanced) = self.enhanced {
            write!(f, " {enhanced}")?;
        }
        for line in self.lines.iter().filter(|line| !line.is_empty()) {
            write!(f, " {line}")?;
        }
        Ok(())
    }
}

impl From<&Reply<'_>> for OwnedReply {
    fn from(reply: &Reply<'_>) -> Self {
        reply.to_owned()
    }
}
