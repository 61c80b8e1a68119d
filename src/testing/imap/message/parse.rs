//! A lenient RFC 5322 + MIME reader: header fields, the body and the MIME tree of a
//! message, as byte ranges into the message itself.
//!
//! It never fails: a message without a blank line is all header, a boundary that never
//! comes ends its part at the end of the enclosing one, a part nested deeper than
//! [`MAX_DEPTH`] is kept whole as an opaque leaf. Each nesting level scans only its own
//! part once, so the work is at most [`MAX_DEPTH`] passes over the message, and nothing
//! recurses past that depth.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use crate::scan::next_line;

/// How deep multiparts and enclosed messages nest before a part is kept as an opaque
/// leaf. The IMAP response parser's own nesting bound (64 parentheses) leaves room for
/// this many levels plus the envelopes inside them.
pub(crate) const MAX_DEPTH: usize = 32;

/// How many parts a message is read into at most. Each part costs a few hundred bytes of
/// index; a hostile body made of nothing but delimiter lines would otherwise cost some
/// fifty times its size. Past the bound the last part found runs to the end of its
/// multipart, and nested ones are kept whole.
pub(crate) const MAX_PARTS: usize = 10_000;

/// How many header fields of one part are indexed at most (a line of `a:` would otherwise
/// cost an index entry for every four bytes). Later lines stay in the header's bytes,
/// which HEADER and RFC822.HEADER return whole; they are not looked up by name.
pub(crate) const MAX_FIELDS: usize = 5_000;

/// One header field: where its name, its value (still folded) and its whole lines are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The name, without the colon or trailing blanks.
    pub(crate) name: Range<usize>,
    /// The value after the colon, folding kept, line end excluded.
    pub(crate) value: Range<usize>,
    /// The field's lines, continuation lines and the final line end included.
    pub(crate) lines: Range<usize>,
}

/// A Content-Type or Content-Disposition value: the leading word(s) and the parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MimeValue {
    /// `text/plain` or `attachment`, as written (comments and blanks removed).
    pub(crate) value: Vec<u8>,
    /// `(name, value)` pairs, quoted strings unquoted.
    pub(crate) params: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The first parameter named `name` (ASCII case ignored) among a MIME value's or a
/// part's parameters: the one lookup charset, boundary and the tests all use.
pub(crate) fn param<'p>(params: &'p [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'p [u8]> {
    params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, value)| value.as_slice())
}

/// What a part holds beyond its own bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PartKind {
    /// A leaf: text, an image, or a part kept whole past [`MAX_DEPTH`].
    Leaf,
    /// A multipart and its parts (never empty: a multipart without any part found gets
    /// one empty text part, as servers present it, so that the structure stays valid).
    Multi(Vec<Part>),
    /// A `message/rfc822` (or `message/global`) part and the message it encloses.
    Message(Box<Part>),
}

/// A message or one MIME part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The header section, the blank line ending it included.
    pub(crate) header: Range<usize>,
    /// The body.
    pub(crate) body: Range<usize>,
    /// The header fields in order.
    pub(crate) fields: Vec<Field>,
    /// Media type and subtype (lower case) with the Content-Type parameters; the default
    /// (`text/plain; charset=us-ascii`, `message/rfc822` in a digest) when absent.
    pub(crate) content_type: (String, String),
    /// Media type and subtype as the header writes them (BODYSTRUCTURE repeats them so).
    pub(crate) written_type: (Vec<u8>, Vec<u8>),
    /// The Content-Type parameters.
    pub(crate) params: Vec<(Vec<u8>, Vec<u8>)>,
    /// What it holds.
    pub(crate) kind: PartKind,
}

/// A message read once: its bytes and its MIME tree. Built by [`ParsedMessage::parse`],
/// which accepts any bytes.
#[derive(Debug, Clone)]
pub(crate) struct ParsedMessage {
    bytes: Arc<[u8]>,
    root: Part,
}

impl ParsedMessage {
    /// Reads `bytes` as a message. Never fails; see the module documentation for how
    /// broken input reads.
    pub(crate) fn parse(bytes: Arc<[u8]>) -> ParsedMessage {
        let mut budget = MAX_PARTS;
        let root = read_part(&bytes, 0..bytes.len(), Default::default(), 0, &mut budget);
        ParsedMessage { bytes, root }
    }

    /// All the bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The message as a part: its header, body and tree.
    pub(crate) fn root(&self) -> &Part {
        &self.root
    }

    /// RFC822.SIZE: the size in octets (saturating at `u32::MAX`).
    pub(crate) fn size(&self) -> u32 {
        u32::try_from(self.bytes.len()).unwrap_or(u32::MAX)
    }

    /// The bytes in `range` (empty if it is out of bounds, which it never is for a range
    /// this reader made).
    pub(crate) fn slice(&self, range: Range<usize>) -> &[u8] {
        self.bytes.get(range).unwrap_or_default()
    }

    /// A field's name.
    pub(crate) fn name_of(&self, field: &Field) -> &[u8] {
        self.slice(field.name.clone())
    }

    /// A field's value, unfolded (line ends removed, blanks kept) and trimmed.
    pub(crate) fn value_of(&self, field: &Field) -> Cow<'_, [u8]> {
        unfold(self.slice(field.value.clone()))
    }

    /// The unfolded value of the first field of `part` named `name`.
    pub(crate) fn header<'p>(&'p self, part: &'p Part, name: &str) -> Option<Cow<'p, [u8]>> {
        part.fields
            .iter()
            .find(|field| self.name_of(field).eq_ignore_ascii_case(name.as_bytes()))
            .map(|field| self.value_of(field))
    }

    /// The unfolded values of every field of `part` named `name`, in order.
    pub(crate) fn fields_named<'p>(
        &'p self,
        part: &'p Part,
        name: &'p str,
    ) -> impl Iterator<Item = Cow<'p, [u8]>> + 'p {
        part.fields
            .iter()
            .filter(move |field| self.name_of(field).eq_ignore_ascii_case(name.as_bytes()))
            .map(|field| self.value_of(field))
    }

    /// A MIME header of `part` (Content-Disposition ...) read as a value with parameters.
    pub(crate) fn mime_value(&self, part: &Part, name: &str) -> Option<MimeValue> {
        self.header(part, name)
            .map(|value| parse_mime_value(&value))
    }
}

/// Removes the line ends of a folded value and trims blanks at both ends.
pub(crate) fn unfold(value: &[u8]) -> Cow<'_, [u8]> {
    let value = value.trim_ascii();
    if !value.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
        value
            .iter()
            .copied()
            .filter(|&b| b != b'\r' && b != b'\n')
            .collect(),
    )
}

/// The default content type of a part: `message/rfc822` inside a multipart/digest,
/// `text/plain` elsewhere (RFC 2046 §5.1.5).
#[derive(Clone, Copy, Default)]
enum Default_ {
    #[default]
    Text,
    Message,
}

/// Reads the part in `range` of `bytes`; `budget` is how many more parts may be made.
fn read_part(
    bytes: &[u8],
    range: Range<usize>,
    default: Default_,
    depth: usize,
    budget: &mut usize,
) -> Part {
    *budget = budget.saturating_sub(1);
    let (fields, body_start) = read_header(bytes, range.clone());
    let header = range.start..body_start;
    let body = body_start..range.end;
    let content = fields
        .iter()
        .find(|field| {
            bytes
                .get(field.name.clone())
                .is_some_and(|name| name.eq_ignore_ascii_case(b"content-type"))
        })
        .map(|field| parse_mime_value(&unfold(bytes.get(field.value.clone()).unwrap_or_default())));
    let (mut written_type, mut params) = match content {
        Some(value) if value.value.contains(&b'/') => {
            let slash = value.value.iter().position(|&b| b == b'/').unwrap_or(0);
            let (kind, sub) = value.value.split_at(slash);
            let sub = sub.get(1..).unwrap_or_default();
            ((kind.to_vec(), sub.to_vec()), value.params)
        }
        // A Content-Type without a slash is invalid: RFC 2045 §5.2 says read it as the default.
        _ => match default {
            Default_::Text => (
                (b"text".to_vec(), b"plain".to_vec()),
                vec![(b"charset".to_vec(), b"us-ascii".to_vec())],
            ),
            Default_::Message => ((b"message".to_vec(), b"rfc822".to_vec()), Vec::new()),
        },
    };
    let lower = |bytes: &[u8]| String::from_utf8_lossy(bytes).to_ascii_lowercase();
    let (mut media_type, mut subtype) = (lower(&written_type.0), lower(&written_type.1));
    if media_type == "text" && param(&params, "charset").is_none() {
        // RFC 2045 §5.2: text without a charset is US-ASCII, and servers say so.
        params.push((b"charset".to_vec(), b"us-ascii".to_vec()));
    }
    let boundary = param(&params, "boundary")
        .filter(|boundary| !boundary.is_empty())
        .map(<[u8]>::to_vec);
    let nested = media_type == "multipart" || (media_type == "message" && is_message(&subtype));
    let kind = if nested && (depth >= MAX_DEPTH || *budget == 0) {
        // Too deep to look into: the part is kept whole, and says so with its type.
        media_type = "application".to_owned();
        subtype = "octet-stream".to_owned();
        written_type = (b"application".to_vec(), b"octet-stream".to_vec());
        params = Vec::new();
        PartKind::Leaf
    } else if media_type == "multipart" {
        let child_default = if subtype == "digest" {
            Default_::Message
        } else {
            Default_::Text
        };
        let ranges = match &boundary {
            Some(boundary) => split_parts(bytes, body.clone(), boundary, *budget),
            None => Vec::new(),
        };
        let mut parts: Vec<Part> = ranges
            .into_iter()
            .map(|part| read_part(bytes, part, child_default, depth + 1, budget))
            .collect();
        if parts.is_empty() {
            parts.push(empty_text_part(body.end));
        }
        PartKind::Multi(parts)
    } else if media_type == "message" && is_message(&subtype) {
        PartKind::Message(Box::new(read_part(
            bytes,
            body.clone(),
            Default_::Text,
            depth + 1,
            budget,
        )))
    } else {
        PartKind::Leaf
    };
    Part {
        header,
        body,
        fields,
        content_type: (media_type, subtype),
        written_type,
        params,
        kind,
    }
}

fn is_message(subtype: &str) -> bool {
    subtype == "rfc822" || subtype == "global"
}

/// An empty `text/plain` part at `at`.
fn empty_text_part(at: usize) -> Part {
    Part {
        header: at..at,
        body: at..at,
        fields: Vec::new(),
        content_type: ("text".to_owned(), "plain".to_owned()),
        written_type: (b"text".to_vec(), b"plain".to_vec()),
        params: vec![(b"charset".to_vec(), b"us-ascii".to_vec())],
        kind: PartKind::Leaf,
    }
}

/// The header fields of the part in `range` and where its body starts (after the blank
/// line; the end of `range` when there is none).
fn read_header(bytes: &[u8], range: Range<usize>) -> (Vec<Field>, usize) {
    let mut fields: Vec<Field> = Vec::new();
    let mut capped = false;
    let mut at = range.start;
    let end = range.end;
    while at < end {
        let rest = bytes.get(at..end).unwrap_or_default();
        let (content_len, consumed) = match next_line(rest, usize::MAX) {
            Ok(Some(line)) => (line.content.len(), line.consumed),
            // The last line has no line end.
            _ => (rest.len(), rest.len()),
        };
        let line = at..at + consumed;
        let content = at..at + content_len;
        at += consumed;
        if content_len == 0 {
            // The blank line: the body starts after it.
            fields.retain(|field| !field.name.is_empty());
            return (fields, at);
        }
        let first = bytes.get(content.start).copied().unwrap_or(b' ');
        if first == b' ' || first == b'\t' {
            // A continuation of an unindexed line past the bound is not the last field's.
            if let Some(last) = fields.last_mut().filter(|_| !capped) {
                last.value.end = content.end;
                last.lines.end = line.end;
            }
            continue;
        }
        if fields.len() >= MAX_FIELDS {
            // Past the bound: the line stays in the header's bytes, unindexed.
            capped = true;
            continue;
        }
        let text = bytes.get(content.clone()).unwrap_or_default();
        match text.iter().position(|&b| b == b':') {
            Some(colon) => {
                let name = text.get(..colon).unwrap_or_default().trim_ascii_end();
                fields.push(Field {
                    name: content.start..content.start + name.len(),
                    value: content.start + colon + 1..content.end,
                    lines: line,
                });
            }
            // Not a field (no colon): kept in the header's bytes, no field of its own. A
            // continuation after it must not join the field before.
            None => fields.push(Field {
                name: content.start..content.start,
                value: content.clone(),
                lines: line,
            }),
        }
    }
    fields.retain(|field| !field.name.is_empty());
    (fields, end)
}

/// The ranges of the parts of a multipart body delimited by `boundary` (RFC 2046 §5.1.1):
/// the line end before a delimiter line belongs to the delimiter. A body whose close
/// delimiter never comes ends its last part at the end of `body`, and so does the
/// `max`-th part (at least one is always found).
fn split_parts(bytes: &[u8], body: Range<usize>, boundary: &[u8], max: usize) -> Vec<Range<usize>> {
    let max = max.max(1);
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut at = body.start;
    // Where the line end before the current line starts (the delimiter takes it).
    let mut line_end_before = body.start;
    while at < body.end {
        let rest = bytes.get(at..body.end).unwrap_or_default();
        let (content_len, consumed) = match next_line(rest, usize::MAX) {
            Ok(Some(line)) => (line.content.len(), line.consumed),
            _ => (rest.len(), rest.len()),
        };
        let content = rest.get(..content_len).unwrap_or_default();
        let delimiter = content
            .strip_prefix(b"--")
            .and_then(|after| after.strip_prefix(boundary));
        if let Some(after) = delimiter {
            let close = after.starts_with(b"--");
            let tail = if close {
                after.get(2..).unwrap_or_default()
            } else {
                after
            };
            // Only blanks may follow a delimiter (transport padding); otherwise it is text
            // that happens to start like one.
            if tail.iter().all(|&b| b == b' ' || b == b'\t') {
                if let Some(start) = current.take() {
                    if parts.len() + 1 == max {
                        // The last part allowed: it takes the rest of the body.
                        parts.push(start..body.end.max(start));
                        return parts;
                    }
                    parts.push(start..line_end_before.max(start));
                }
                if close {
                    return parts;
                }
                current = Some(at + consumed);
            }
        }
        line_end_before = at + content_len;
        at += consumed;
    }
    if let Some(start) = current {
        parts.push(start..body.end.max(start));
    }
    parts
}

/// Parses `type/subtype; name=value; name="quoted"` (or a disposition the same way),
/// skipping comments. Lenient: what cannot be read is dropped, never an error.
pub(crate) fn parse_mime_value(input: &[u8]) -> MimeValue {
    let mut tokens = MimeTokens { input, at: 0 };
    let mut result = MimeValue::default();
    // The value: everything up to the first `;`, blanks and comments removed.
    while let Some(token) = tokens.next() {
        match token {
            MimeToken::Semicolon => break,
            MimeToken::Word(word) | MimeToken::Quoted(word) => result.value.extend(word),
            MimeToken::Equals => result.value.push(b'='),
        }
    }
    // The parameters: `name = value`, separated by `;`.
    let mut name: Option<Vec<u8>> = None;
    let mut seen_equals = false;
    while let Some(token) = tokens.next() {
        match token {
            MimeToken::Semicolon => {
                name = None;
                seen_equals = false;
            }
            MimeToken::Equals => seen_equals = name.is_some(),
            MimeToken::Word(word) | MimeToken::Quoted(word) => match (&name, seen_equals) {
                (Some(key), true) => {
                    result.params.push((key.clone(), word));
                    name = None;
                    seen_equals = false;
                }
                (None, _) => name = Some(word),
                // A second word before `=`: the name was not one.
                (Some(_), false) => name = Some(word),
            },
        }
    }
    result
}

enum MimeToken {
    Word(Vec<u8>),
    Quoted(Vec<u8>),
    Semicolon,
    Equals,
}

struct MimeTokens<'a> {
    input: &'a [u8],
    at: usize,
}

impl MimeTokens<'_> {
    fn next(&mut self) -> Option<MimeToken> {
        loop {
            let byte = *self.input.get(self.at)?;
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => self.at += 1,
                b'(' => self.skip_comment(),
                b';' => {
                    self.at += 1;
                    return Some(MimeToken::Semicolon);
                }
                b'=' => {
                    self.at += 1;
                    return Some(MimeToken::Equals);
                }
                b'"' => return Some(MimeToken::Quoted(self.quoted())),
                _ => {
                    let start = self.at;
                    while let Some(&b) = self.input.get(self.at) {
                        if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'(' | b';' | b'=' | b'"') {
                            break;
                        }
                        self.at += 1;
                    }
                    return Some(MimeToken::Word(
                        self.input.get(start..self.at).unwrap_or_default().to_vec(),
                    ));
                }
            }
        }
    }

    /// A quoted string's content, escapes removed; an unterminated one runs to the end.
    fn quoted(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut out = Vec::new();
        while let Some(&b) = self.input.get(self.at) {
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(&escaped) = self.input.get(self.at) {
                        out.push(escaped);
                        self.at += 1;
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    /// Skips a comment, nested ones included, counting depth rather than recursing.
    fn skip_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(&b) = self.input.get(self.at) {
            self.at += 1;
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                b'\\' => self.at += 1,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
