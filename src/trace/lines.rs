//! Splitting a transcript into its `C:` and `S:` lines, and turning each line's text back
//! into the bytes that went over the wire.

use std::borrow::Cow;
use std::ops::Range;

use super::Side;

/// What the CLI's tracer prints for the part of a large write it leaves out.
const GAP_PREFIX: &str = "\u{2026} ";
const GAP_SUFFIX: &str = " more bytes";

/// One `C:` or `S:` line of the transcript.
#[derive(Debug)]
pub(super) struct TraceLine<'a> {
    pub(super) side: Side,
    /// From 1.
    pub(super) line_no: usize,
    /// Where the line starts in the input (its marker included).
    pub(super) start: usize,
    /// The text after the marker, in the input, line end excluded.
    pub(super) text: Range<usize>,
    pub(super) content: Content<'a>,
}

#[derive(Debug)]
pub(super) enum Content<'a> {
    /// The bytes the line stands for, without a line end (borrowed from the input unless
    /// an escape was undone).
    Bytes {
        bytes: Cow<'a, [u8]>,
        /// Where an escape was undone: (offset in `bytes`, offset in the text) just after
        /// it, so an offset in the bytes maps back to the input.
        undone: Vec<(usize, usize)>,
    },
    /// `… N more bytes`: the tracer left N bytes of one write out.
    Gap(u64),
}

/// The transcript's lines, and how many input lines were neither `C:` nor `S:` lines.
pub(super) struct Lines<'a> {
    pub(super) lines: Vec<TraceLine<'a>>,
    pub(super) skipped: usize,
    pub(super) first_skipped: Option<usize>,
}

/// Reads every line of `input`; lines without a marker (notes, blank lines, a tool's own
/// messages) are counted and left alone.
pub(super) fn split(input: &[u8]) -> Lines<'_> {
    let mut lines = Vec::new();
    let (mut skipped, mut first_skipped) = (0, None);
    let mut start = 0;
    let mut line_no = 0;
    while start < input.len() {
        line_no += 1;
        let end =
            crate::scan::find_byte(b'\n', &input[start..]).map_or(input.len(), |at| start + at);
        let next = (end + 1).min(input.len());
        let mut text_end = end;
        if text_end > start && input[text_end - 1] == b'\r' {
            text_end -= 1;
        }
        match marker(&input[start..text_end]) {
            Some((side, skip)) => {
                let text = start + skip..text_end;
                lines.push(TraceLine {
                    side,
                    line_no,
                    start,
                    content: content(&input[text.clone()]),
                    text,
                });
            }
            None => {
                skipped += 1;
                first_skipped.get_or_insert(line_no);
            }
        }
        start = next.max(end);
        if end == input.len() {
            break;
        }
    }
    Lines {
        lines,
        skipped,
        first_skipped,
    }
}

/// The side a line's marker names and where its text starts: `C:` or `S:`, after optional
/// indentation (as RFC examples are written), followed by one optional space.
fn marker(line: &[u8]) -> Option<(Side, usize)> {
    let indent = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let side = match line.get(indent..indent + 2)? {
        b"C:" => Side::Client,
        b"S:" => Side::Server,
        _ => return None,
    };
    let after = indent + 2;
    let skip = if line.get(after) == Some(&b' ') {
        after + 1
    } else {
        after
    };
    Some((side, skip))
}

fn content(text: &[u8]) -> Content<'_> {
    if let Some(count) = gap(text) {
        return Content::Gap(count);
    }
    let (bytes, undone) = unescape(text);
    Content::Bytes { bytes, undone }
}

fn gap(text: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(text).ok()?;
    let count = text.strip_prefix(GAP_PREFIX)?.strip_suffix(GAP_SUFFIX)?;
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    count.parse().ok()
}

/// Undoes the escapes the CLI's tracer writes for control characters: `\t` and `\u{…}`.
/// `\r` and `\n` stay as they are: the tracer never writes `\n` (it splits lines there), a
/// bare CR is a protocol error either way, and IMAP text holds backslashes before letters
/// (`\noselect`) that must not turn into line breaks.
fn unescape(text: &[u8]) -> (Cow<'_, [u8]>, Vec<(usize, usize)>) {
    if crate::scan::find_byte(b'\\', text).is_none() {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut undone = Vec::new();
    let mut at = 0;
    while let Some(found) = crate::scan::find_byte(b'\\', &text[at..]) {
        let slash = at + found;
        bytes.extend_from_slice(&text[at..slash]);
        let rest = &text[slash..];
        let (decoded, used) = if rest.starts_with(b"\\t") {
            (Some('\t'), 2)
        } else {
            escaped_char(rest).map_or((None, 1), |(c, used)| (Some(c), used))
        };
        match decoded {
            Some(c) => {
                let mut utf8 = [0; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                undone.push((bytes.len(), slash + used));
            }
            None => bytes.push(b'\\'),
        }
        at = slash + used;
    }
    bytes.extend_from_slice(&text[at..]);
    (Cow::Owned(bytes), undone)
}

/// `\u{1b}` at the start of `text`: the character and the escape's length.
fn escaped_char(text: &[u8]) -> Option<(char, usize)> {
    let digits = text.strip_prefix(b"\\u{")?;
    let close = digits.iter().take(7).position(|&b| b == b'}')?;
    let hex = std::str::from_utf8(&digits[..close]).ok()?;
    if hex.is_empty() {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, 3 + close + 1))
}

impl TraceLine<'_> {
    /// The line's bytes (empty for a gap).
    pub(super) fn bytes(&self) -> &[u8] {
        match &self.content {
            Content::Bytes { bytes, .. } => bytes,
            Content::Gap(_) => &[],
        }
    }

    /// The offset in the input of byte `at` of [`TraceLine::bytes`] (the line end when `at`
    /// is past them).
    pub(super) fn input_offset(&self, at: usize) -> usize {
        let Content::Bytes { bytes, undone } = &self.content else {
            return self.text.start;
        };
        if at >= bytes.len() {
            return self.text.end;
        }
        let (byte, text) = undone
            .iter()
            .rev()
            .find(|(byte, _)| *byte <= at)
            .copied()
            .unwrap_or((0, 0));
        (self.text.start + text + (at - byte)).min(self.text.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_escapes_and_gaps_are_read_as_the_tracer_writes_them() {
        let input = "note: trying\nC: EHLO me\r\n  S:250 ok\nS: a\\tb\\u{1b}c \\Seen\nC: \u{2026} 4096 more bytes\n";
        let lines = split(input.as_bytes());
        assert_eq!((lines.skipped, lines.first_skipped), (1, Some(1)));
        let sides: Vec<_> = lines.lines.iter().map(|l| (l.side, l.line_no)).collect();
        assert_eq!(
            sides,
            [
                (Side::Client, 2),
                (Side::Server, 3),
                (Side::Server, 4),
                (Side::Client, 5)
            ]
        );
        assert_eq!(lines.lines[0].bytes(), b"EHLO me");
        assert_eq!(lines.lines[1].bytes(), b"250 ok");
        let escaped = &lines.lines[2];
        assert_eq!(escaped.bytes(), b"a\tb\x1bc \\Seen");
        // `c` is byte 4 of the bytes and byte 10 of the text after the marker.
        assert_eq!(escaped.input_offset(4), escaped.text.start + 10);
        assert_eq!(&input.as_bytes()[escaped.input_offset(4)..][..1], b"c");
        assert!(matches!(lines.lines[3].content, Content::Gap(4096)));
    }
}
