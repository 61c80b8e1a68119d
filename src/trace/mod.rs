//! Reading a two-sided transcript back: each command and response parsed by the codecs.
//!
//! A transcript is a text of `C:` lines (what the client sent) and `S:` lines (what the
//! server sent), as protocol documents write them and as `mailwire --trace` prints them.
//! [`decode_trace`] finds whether it is SMTP or IMAP, puts each side's bytes back together
//! (an IMAP literal spans lines, SMTP message data runs from the `354` to its `.` line),
//! and parses every command and response with the same codecs a client or server uses.
//! Where one fails, the error names the transcript's line and the input byte.
//!
//! ```
//! use mailwire::trace::{decode_trace, Protocol, Side};
//!
//! let transcript = b"S: * OK IMAP4rev1 ready\r\n\
//!     C: a1 FETCH 1 BODY[]\r\n\
//!     S: * 1 FETCH (BODY[] {7}\r\n\
//!     S: hello\r\n\
//!     S: )\r\n\
//!     S: a1 OK done\r\n\
//!     C: a2 FETCH x FLAGS\r\n";
//! let report = decode_trace(transcript);
//! assert_eq!(report.protocol, Some(Protocol::Imap));
//! // The literal's seven bytes are `hello` and the line end that followed it.
//! let fetch = &report.entries[2];
//! assert_eq!((fetch.side, fetch.line_no, fetch.lines), (Side::Server, 3, 3));
//! assert_eq!(fetch.parsed.as_deref(), Ok("data Fetch"));
//! // `x` is no message number: the error points at it.
//! let error = report.entries[4].parsed.as_ref().unwrap_err();
//! assert_eq!(error.line_no, 7);
//! assert_eq!(&transcript[error.offset..error.offset + 1], b"x");
//! assert!(!report.is_clean());
//! ```
//!
//! Secrets stay hidden: a LOGIN password, AUTHENTICATE and AUTH data are shown as
//! `<redacted>` in each entry's text, and an error on such a line does not quote it. A
//! transcript written by `--trace` has them redacted already; the decoder reads those lines
//! as what they stand for.
//!
//! The tracer leaves out most of a large write (`… N more bytes`): those bytes are lost,
//! so the message they belong to is reported as cut short, and decoding picks up again at
//! the next line that starts a message. It shows control characters as escapes (`\t`,
//! `\u{1b}`), which are undone; a byte that was not UTF-8 became U+FFFD and cannot be
//! restored (an IMAP literal holding one then counts differently). A line over 2 KiB that
//! arrived in small pieces is printed by the tracer in pieces, which read as lines of
//! their own.

mod imap;
mod imap_client;
mod lines;
mod smtp;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::imap::codec::DecodeError;
use crate::limits::Limits;
use crate::smtp::codec::{CommandError, DataError, ReplyError};
use lines::TraceLine;

pub use imap_client::{ClientMessage, ImapClientReader};

/// Which protocol a transcript speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    /// SMTP (the server's first line is a three-digit reply).
    Smtp,
    /// IMAP (the server opens with `* OK`, `* PREAUTH` or `* BYE`).
    Imap,
}

/// Who sent a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `C:`, the client.
    Client,
    /// `S:`, the server.
    Server,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Client => "C",
            Side::Server => "S",
        })
    }
}

/// What [`decode_trace`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TraceReport {
    /// The protocol, or `None` when the input holds no line that tells.
    pub protocol: Option<Protocol>,
    /// One entry per command, response, SASL line, message data section or left-out part,
    /// in the order of the transcript's lines.
    pub entries: Vec<TraceEntry>,
    /// How many input lines are neither `C:` nor `S:` lines (and so were not read).
    pub skipped_lines: usize,
    /// The first of them, from 1.
    pub first_skipped_line: Option<usize>,
}

impl TraceReport {
    /// True when a protocol was found and every entry parsed.
    pub fn is_clean(&self) -> bool {
        self.protocol.is_some() && self.failures().next().is_none()
    }

    /// The entries that did not parse.
    pub fn failures(&self) -> impl Iterator<Item = &TraceError> {
        self.entries
            .iter()
            .filter_map(|entry| entry.parsed.as_ref().err())
    }
}

/// One command or response (or other unit) of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TraceEntry {
    /// Who sent it.
    pub side: Side,
    /// Its first line in the input, from 1.
    pub line_no: usize,
    /// Where its first line's text (after the `C:`/`S:` marker) starts in the input.
    pub offset: usize,
    /// How many transcript lines it spans.
    pub lines: usize,
    /// Its first line as the transcript shows it, with any secret replaced by
    /// `<redacted>`.
    pub text: String,
    /// What it parsed as (`command Fetch`, `reply 250 2.1.0`, `data Exists`, `message data:
    /// 120 bytes in 4 lines`), or why it did not.
    pub parsed: Result<String, TraceError>,
}

/// Where and why a part of a transcript did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TraceError {
    /// The input line of the failing byte, from 1.
    pub line_no: usize,
    /// The failing byte's offset in the input.
    pub offset: usize,
    /// The failing byte's offset from the start of its input line.
    pub column: usize,
    /// Why.
    pub kind: TraceErrorKind,
    /// The failing input line, unless it may hold a secret.
    context: Option<Vec<u8>>,
}

/// Why a part of a transcript did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceErrorKind {
    /// An IMAP command or response; its offset is the input's.
    Imap(DecodeError),
    /// An SMTP reply; its offsets count from the reply's first byte.
    SmtpReply(ReplyError),
    /// An SMTP command or SASL response.
    SmtpCommand(CommandError),
    /// SMTP message data.
    SmtpData(DataError),
    /// The transcript ends (or the other side answers) inside this unit.
    Unfinished {
        /// What was left unfinished, in words.
        what: &'static str,
    },
}

impl fmt::Display for TraceErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceErrorKind::Imap(error) => error.fmt(f),
            TraceErrorKind::SmtpReply(error) => error.fmt(f),
            TraceErrorKind::SmtpCommand(error) => error.fmt(f),
            TraceErrorKind::SmtpData(error) => error.fmt(f),
            TraceErrorKind::Unfinished { what } => f.write_str(what),
        }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            // The codec's message names the byte already (the input's offset).
            TraceErrorKind::Imap(_) => write!(f, "line {}: ", self.line_no)?,
            _ => write!(f, "line {}, byte {}: ", self.line_no, self.offset)?,
        }
        // The codecs' messages quote the peer's bytes through `escape_control` already.
        self.kind.fmt(f)
    }
}

impl std::error::Error for TraceError {}

impl TraceError {
    /// The failing line as a terminal may show it (control characters escaped) and the
    /// character column under which a caret marks the failing byte; `None` when the line
    /// may hold a secret (a login or SASL exchange), so it is not quoted.
    pub fn pointer(&self) -> Option<(String, usize)> {
        let line = self.context.as_deref()?;
        let column = self.column.min(line.len());
        let shown = |bytes: &[u8]| {
            crate::text::escape_control(&String::from_utf8_lossy(bytes)).into_owned()
        };
        let before = shown(&line[..column]).chars().count();
        Some((shown(line), before))
    }
}

/// Decodes a transcript with [`Limits::default`]: see the [module](self) documentation.
pub fn decode_trace(input: &[u8]) -> TraceReport {
    decode_trace_with_limits(input, &Limits::default())
}

/// Decodes a transcript, each command and response read under `limits` (line and literal
/// length, reply lines, message size, nesting), as a client or server would read it.
pub fn decode_trace_with_limits(input: &[u8], limits: &Limits) -> TraceReport {
    let split = lines::split(input);
    let protocol = detect(&split.lines);
    let mut out = Out {
        input,
        lines: &split.lines,
        entries: Vec::new(),
    };
    match protocol {
        Some(Protocol::Smtp) => smtp::decode(&mut out, limits),
        Some(Protocol::Imap) => imap::decode(&mut out, limits),
        None => {}
    }
    let mut entries = out.entries;
    // Units are finished in the order their last line arrives; show them in the order
    // they start.
    entries.sort_by_key(|entry| entry.line_no);
    TraceReport {
        protocol,
        entries,
        skipped_lines: split.skipped,
        first_skipped_line: split.first_skipped,
    }
}

/// The server's first line tells; without one, the client's first line.
fn detect(lines: &[TraceLine<'_>]) -> Option<Protocol> {
    let first = |side| {
        lines
            .iter()
            .find(|line| line.side == side && !line.bytes().is_empty())
            .map(TraceLine::bytes)
    };
    if let Some(line) = first(Side::Server) {
        if line.len() >= 3 && line[..3].iter().all(u8::is_ascii_digit) {
            return Some(Protocol::Smtp);
        }
        let upper = line.to_ascii_uppercase();
        if [&b"* OK"[..], b"* PREAUTH", b"* BYE", b"* ", b"+"]
            .iter()
            .any(|start| upper.starts_with(start))
        {
            return Some(Protocol::Imap);
        }
    }
    let line = first(Side::Client)?;
    if crate::smtp::codec::parse_command_line(line).is_ok() {
        Some(Protocol::Smtp)
    } else if line.contains(&b' ') {
        Some(Protocol::Imap)
    } else {
        None
    }
}

/// Where entries go, with what they need to point into the input.
struct Out<'a> {
    input: &'a [u8],
    lines: &'a [TraceLine<'a>],
    entries: Vec<TraceEntry>,
}

impl Out<'_> {
    fn push(
        &mut self,
        first: usize,
        lines: usize,
        text: String,
        parsed: Result<String, TraceError>,
    ) {
        let line = &self.lines[first];
        self.entries.push(TraceEntry {
            side: line.side,
            line_no: line.line_no,
            offset: line.text.start,
            lines,
            text,
            parsed,
        });
    }

    /// The text of line `index` as the transcript shows it.
    fn text(&self, index: usize) -> String {
        String::from_utf8_lossy(&self.input[self.lines[index].text.clone()]).into_owned()
    }

    /// An error at byte `at` of line `index`'s bytes; `secret` keeps the line unquoted.
    fn error(&self, index: usize, at: usize, kind: TraceErrorKind, secret: bool) -> TraceError {
        let line = &self.lines[index];
        let offset = line.input_offset(at);
        let end = line.text.end;
        TraceError {
            line_no: line.line_no,
            offset,
            column: offset - line.start,
            kind,
            context: (!secret).then(|| self.input[line.start..end].to_vec()),
        }
    }
}

/// One side's bytes not yet taken as a unit, and the lines they came from.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    /// (offset in `bytes` where the line's bytes start, index of the line).
    lines: Vec<(usize, usize)>,
}

impl Pending {
    /// Adds line `index`'s bytes and the CRLF the transcript took off.
    fn push(&mut self, index: usize, line: &TraceLine<'_>) {
        self.push_bytes(index, line.bytes());
    }

    /// Adds `bytes` standing for line `index` (its bytes with a redaction undone).
    fn push_bytes(&mut self, index: usize, bytes: &[u8]) {
        self.lines.push((self.bytes.len(), index));
        self.bytes.extend_from_slice(bytes);
        self.bytes.extend_from_slice(b"\r\n");
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The first line's index.
    fn first(&self) -> Option<usize> {
        self.lines.first().map(|&(_, index)| index)
    }

    /// The line holding byte `at` and the offset within its bytes.
    fn locate(&self, at: usize) -> Option<(usize, usize)> {
        let slot = self.lines.partition_point(|&(start, _)| start <= at);
        let &(start, index) = self.lines.get(slot.checked_sub(1)?)?;
        Some((index, at - start))
    }

    /// How many lines the first `len` bytes touch.
    fn lines_in(&self, len: usize) -> usize {
        self.lines.partition_point(|&(start, _)| start < len)
    }

    /// Takes the first `len` bytes away.
    fn take(&mut self, len: usize) {
        let len = len.min(self.bytes.len());
        self.bytes.drain(..len);
        let before = self.lines.partition_point(|&(start, _)| start < len);
        // The last line started before the cut goes on past it unless the next line starts
        // right there (units end at line ends, but an unescaped `\u{a}` is a line end too).
        let goes_on = before > 0
            && !self.bytes.is_empty()
            && self.lines.get(before).is_none_or(|&(start, _)| start > len);
        self.lines.drain(..before - usize::from(goes_on));
        for (start, _) in &mut self.lines {
            *start = start.saturating_sub(len);
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
    }
}

/// The name of `value`'s outermost variant, read off its `Debug` form without formatting
/// more than a few dozen bytes of it (a FETCH response may carry megabytes).
fn variant_name(value: &impl fmt::Debug) -> String {
    struct Capped(String);
    impl fmt::Write for Capped {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            let room = 48usize.saturating_sub(self.0.len());
            let mut end = text.len().min(room);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            self.0.push_str(&text[..end]);
            if end < text.len() {
                Err(fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut capped = Capped(String::new());
    // Stopping early is the point: the error only says the cap was reached.
    let _ = fmt::write(&mut capped, format_args!("{value:?}"));
    capped
        .0
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}
