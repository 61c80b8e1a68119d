//! The MIME encodings a message needs: RFC 2047 encoded words, quoted-printable
//! (RFC 2045), base64 in 76-character lines, and RFC 2231 parameter values.
//!
//! The decoders are here too, because a client reading mail needs them and because every
//! encoder is tested against its own decoder. Decoders never panic and never produce more
//! bytes than they were given, whatever the input.
//!
//! ```
//! use mailwire::message::encoding::{decode_words, encode_words, quoted_printable_decode,
//!     quoted_printable_encode};
//!
//! let subject = encode_words("Grüße aus Köln");
//! assert!(subject.starts_with("=?UTF-8?"));
//! assert_eq!(decode_words(&subject), "Grüße aus Köln");
//!
//! let body = quoted_printable_encode(b"caf\xc3\xa9 \r\n.\r\n");
//! assert_eq!(body, "caf=C3=A9=20\r\n=2E\r\n");
//! assert_eq!(quoted_printable_decode(body.as_bytes()), b"caf\xc3\xa9 \r\n.\r\n");
//! ```

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Longest encoded word this module writes, in characters.
///
/// RFC 2047 allows 75; a little less lets `Reply-To: ` plus one word fit the 78 characters
/// RFC 5322 recommends per line.
pub const MAX_ENCODED_WORD: usize = 68;

/// Longest quoted-printable or base64 line, without CRLF (RFC 2045).
pub const MAX_ENCODED_LINE: usize = 76;

/// `=?UTF-8?X?` plus `?=`.
const WORD_OVERHEAD: usize = "=?UTF-8?B??=".len();
const WORD_PAYLOAD: usize = MAX_ENCODED_WORD - WORD_OVERHEAD;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_hex(out: &mut String, byte: u8) {
    out.push('=');
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0f)]));
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// Bytes that stand for themselves in a Q-encoded word anywhere in a header, including in
/// a display name (RFC 2047 section 5, rule 3).
fn is_q_literal(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'!' | b'*' | b'+' | b'-' | b'/')
}

fn q_len(c: char) -> usize {
    let mut buffer = [0; 4];
    c.encode_utf8(&mut buffer)
        .bytes()
        .map(|b| if b == b' ' || is_q_literal(b) { 1 } else { 3 })
        .sum()
}

/// Encodes `text` as RFC 2047 encoded words in UTF-8, separated by single spaces.
///
/// Each word is at most [`MAX_ENCODED_WORD`] characters and holds whole characters only.
/// The Q or B encoding is chosen, whichever is shorter. Spaces in `text` are encoded
/// inside the words, so the separating spaces can be folded freely and vanish on decoding.
/// The result is safe in an unstructured header (Subject) and as a display name. An empty
/// `text` gives an empty string, since an encoded word cannot be empty.
pub fn encode_words(text: &str) -> String {
    // An encoded word must hold at least one character (RFC 2047 section 2).
    if text.is_empty() {
        return String::new();
    }
    let q_total: usize = text.chars().map(q_len).sum();
    let b_total = text.len().div_ceil(3) * 4;
    let use_q = q_total <= b_total;

    let mut words = String::with_capacity(text.len() * 2);
    let mut chunk_start = 0;
    let mut chunk_cost = 0;
    let flush = |words: &mut String, chunk: &str| {
        if !words.is_empty() {
            words.push(' ');
        }
        if use_q {
            words.push_str("=?UTF-8?Q?");
            for byte in chunk.bytes() {
                if byte == b' ' {
                    words.push('_');
                } else if is_q_literal(byte) {
                    words.push(char::from(byte));
                } else {
                    push_hex(words, byte);
                }
            }
        } else {
            words.push_str("=?UTF-8?B?");
            STANDARD.encode_string(chunk, words);
        }
        words.push_str("?=");
    };
    for (index, c) in text.char_indices() {
        let cost = if use_q { q_len(c) } else { c.len_utf8() };
        let fits = if use_q {
            chunk_cost + cost <= WORD_PAYLOAD
        } else {
            (chunk_cost + cost).div_ceil(3) * 4 <= WORD_PAYLOAD
        };
        if !fits && index > chunk_start {
            flush(&mut words, &text[chunk_start..index]);
            chunk_start = index;
            chunk_cost = 0;
        }
        chunk_cost += cost;
    }
    if chunk_start < text.len() {
        flush(&mut words, &text[chunk_start..]);
    }
    words
}

/// One encoded word found at the start of a string.
struct EncodedWord {
    charset: Charset,
    bytes: Vec<u8>,
    len: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Latin1,
}

impl Charset {
    fn from_label(label: &str) -> Option<Self> {
        // RFC 2231 section 5 lets a language follow the charset: `UTF-8*en`.
        let label = label.split('*').next().unwrap_or(label);
        if label.eq_ignore_ascii_case("utf-8") || label.eq_ignore_ascii_case("us-ascii") {
            Some(Charset::Utf8)
        } else if label.eq_ignore_ascii_case("iso-8859-1") || label.eq_ignore_ascii_case("latin1") {
            Some(Charset::Latin1)
        } else {
            None
        }
    }

    fn decode_into(self, bytes: &[u8], out: &mut String) {
        match self {
            Charset::Utf8 => out.push_str(&String::from_utf8_lossy(bytes)),
            Charset::Latin1 => out.extend(bytes.iter().map(|&b| char::from(b))),
        }
    }
}

fn lenient_base64() -> GeneralPurpose {
    GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// Longest encoded word the decoder looks at, in bytes. RFC 2047 allows 75; senders
/// exceed that, but a bound keeps decoding linear on hostile input full of `=?`.
const MAX_DECODED_WORD: usize = 1024;

/// Parses `=?charset?enc?text?=` at the start of `input`; `None` when it is not a
/// well-formed encoded word in a charset this module can decode.
fn parse_encoded_word(input: &str) -> Option<EncodedWord> {
    // Every delimiter is ASCII, so byte positions found here are char boundaries.
    let window = input.as_bytes().get(..input.len().min(MAX_DECODED_WORD))?;
    let body = window.strip_prefix(b"=?")?;
    let charset_end = body.iter().position(|&b| b == b'?')?;
    let charset = core::str::from_utf8(body.get(..charset_end)?).ok()?;
    let charset = Charset::from_label(charset)?;
    let rest = body.get(charset_end + 1..)?;
    let (&encoding, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    let end = rest.windows(2).position(|pair| pair == b"?=")?;
    let text = rest.get(..end)?;
    if text.iter().any(|&b| b == b'?' || b.is_ascii_whitespace()) {
        return None;
    }
    let len = window.len() - rest.len() + end + 2;
    let bytes = match encoding.to_ascii_uppercase() {
        b'B' => lenient_base64().decode(text).ok()?,
        b'Q' => {
            let raw = text;
            let mut bytes = Vec::with_capacity(raw.len());
            let mut i = 0;
            while let Some(&byte) = raw.get(i) {
                match byte {
                    b'_' => bytes.push(b' '),
                    b'=' => {
                        let high = raw.get(i + 1).copied().and_then(hex_value);
                        let low = raw.get(i + 2).copied().and_then(hex_value);
                        if let (Some(high), Some(low)) = (high, low) {
                            bytes.push(high << 4 | low);
                            i += 2;
                        } else {
                            bytes.push(b'=');
                        }
                    }
                    other => bytes.push(other),
                }
                i += 1;
            }
            bytes
        }
        _ => return None,
    };
    Some(EncodedWord {
        charset,
        bytes,
        len,
    })
}

/// Decodes the RFC 2047 encoded words in a header value; everything else is kept as is.
///
/// White space between two encoded words is dropped, as RFC 2047 requires, and adjacent
/// words in the same charset are joined before decoding, so a character split across two
/// words (as some senders do) comes out whole. UTF-8, US-ASCII and ISO-8859-1 are
/// decoded; words in other charsets are left encoded. Invalid UTF-8 becomes U+FFFD.
pub fn decode_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Vec<u8> = Vec::new();
    let mut pending_charset = Charset::Utf8;
    let mut after_word = false;
    let mut rest = text;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let Some(word) = parse_encoded_word(&rest[start..]) else {
            pending_charset.decode_into(&pending, &mut out);
            pending.clear();
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            after_word = false;
            continue;
        };
        // Folding leaves CRLF plus blanks between words; all of it is "linear white space".
        let only_space_between = after_word
            && before
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        if !only_space_between || word.charset != pending_charset {
            pending_charset.decode_into(&pending, &mut out);
            pending.clear();
        }
        if !only_space_between {
            out.push_str(before);
        }
        pending_charset = word.charset;
        pending.extend_from_slice(&word.bytes);
        after_word = true;
        rest = &rest[start + word.len..];
    }
    pending_charset.decode_into(&pending, &mut out);
    out.push_str(rest);
    out
}

/// Encodes `data` as quoted-printable text (RFC 2045 section 6.7).
///
/// `data` is taken as text whose line breaks are CRLF: each CRLF stays a line break, every
/// other byte outside printable ASCII (bare CR and LF included) is escaped, so decoding
/// gives back exactly `data`. Output lines are at most [`MAX_ENCODED_LINE`] characters,
/// long lines being split with soft line breaks. Trailing white space is escaped so that
/// transports cannot strip it, and a `.` at the start of a line is escaped as `=2E` so that
/// the message survives even a careless dot-stuffing relay.
pub fn quoted_printable_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() + data.len() / 8);
    let mut token = String::with_capacity(3);
    for (line, has_crlf) in crlf_lines(data) {
        let mut column = 0;
        for (index, &byte) in line.iter().enumerate() {
            let last_on_line = index + 1 == line.len();
            let mut escape_dot = column == 0;
            let render = |token: &mut String, escape_dot: bool| {
                token.clear();
                match byte {
                    b'.' if escape_dot => push_hex(token, byte),
                    b' ' | b'\t' if last_on_line => push_hex(token, byte),
                    b' ' | b'\t' => token.push(char::from(byte)),
                    b'=' => push_hex(token, byte),
                    33..=126 => token.push(char::from(byte)),
                    _ => push_hex(token, byte),
                }
            };
            render(&mut token, escape_dot);
            // A soft break costs one '=' at the end of the line; the line's last token
            // needs no room for it.
            let room = if last_on_line {
                MAX_ENCODED_LINE
            } else {
                MAX_ENCODED_LINE - 1
            };
            if column + token.len() > room {
                out.push_str("=\r\n");
                column = 0;
                escape_dot = true;
                render(&mut token, escape_dot);
            }
            out.push_str(&token);
            column += token.len();
        }
        if has_crlf {
            out.push_str("\r\n");
        }
    }
    out
}

/// Splits text into lines at CRLF, saying for each whether a CRLF ended it.
fn crlf_lines(data: &[u8]) -> CrlfLines<'_> {
    CrlfLines { rest: Some(data) }
}

struct CrlfLines<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for CrlfLines<'a> {
    type Item = (&'a [u8], bool);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let crlf = rest.windows(2).position(|pair| pair == b"\r\n");
        match crlf {
            Some(at) => {
                self.rest = Some(&rest[at + 2..]).filter(|tail| !tail.is_empty());
                Some((&rest[..at], true))
            }
            None => {
                self.rest = None;
                Some((rest, false))
            }
        }
    }
}

/// Decodes quoted-printable text.
///
/// Soft line breaks (`=` at the end of a line) are removed, `=XX` escapes become bytes,
/// white space at the end of a line (which transports may add) is dropped, and hard line
/// breaks come out as CRLF whether they were CRLF or bare LF. A malformed escape is kept as
/// it stands rather than refused, as RFC 2045 recommends.
pub fn quoted_printable_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut rest = data;
    while !rest.is_empty() {
        let (line, has_break, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(at) => (&rest[..at], true, &rest[at + 1..]),
            None => (rest, false, &rest[rest.len()..]),
        };
        rest = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = line.trim_ascii_end();
        let (line, soft) = match line.strip_suffix(b"=") {
            Some(line) => (line, true),
            None => (line, false),
        };
        let mut i = 0;
        while let Some(&byte) = line.get(i) {
            if byte == b'=' {
                let high = line.get(i + 1).copied().and_then(hex_value);
                let low = line.get(i + 2).copied().and_then(hex_value);
                if let (Some(high), Some(low)) = (high, low) {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
            }
            out.push(byte);
            i += 1;
        }
        if has_break && !soft {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Decodes a base64 body as mail carries it: line breaks and other bytes outside the
/// alphabet are skipped, padding is optional, and a broken tail is dropped rather than
/// failing the whole body (a reader wants what can be read). Never longer than `data`.
#[cfg(feature = "testing")]
pub(crate) fn base64_decode_lenient(data: &[u8]) -> Vec<u8> {
    let mut clean: Vec<u8> = data
        .iter()
        .copied()
        .take_while(|&b| b != b'=')
        .filter(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        .collect();
    // One leftover character cannot carry a byte; base64 would refuse it.
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    lenient_base64().decode(&clean).unwrap_or_default()
}

/// `bytes` in the charset named `label` as text: UTF-8, US-ASCII and ISO-8859-1 are
/// converted; `None` for any other charset, which the caller then reads as bytes.
#[cfg(feature = "testing")]
pub(crate) fn decode_charset(bytes: &[u8], label: &str) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    Charset::from_label(label)?.decode_into(bytes, &mut out);
    Some(out)
}

/// Encodes `data` as base64 in lines of [`MAX_ENCODED_LINE`] characters, each ended by
/// CRLF.
pub fn base64_lines(data: &[u8]) -> String {
    // 57 input bytes make exactly one 76-character line.
    const BYTES_PER_LINE: usize = MAX_ENCODED_LINE / 4 * 3;
    let lines = data.len().div_ceil(BYTES_PER_LINE);
    let mut out = String::with_capacity(lines * (MAX_ENCODED_LINE + 2));
    for chunk in data.chunks(BYTES_PER_LINE) {
        STANDARD.encode_string(chunk, &mut out);
        out.push_str("\r\n");
    }
    out
}

/// Characters that RFC 2231 lets stand for themselves in an extended parameter value
/// (`attribute-char`: a token character other than `*`, `'` and `%`).
fn is_attribute_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// Longest parameter value written as a plain quoted string before switching to RFC 2231
/// continuations, so that a parameter fits on a 78-character line.
const MAX_QUOTED_PARAMETER: usize = 60;
/// Longest RFC 2231 continuation segment's value.
const MAX_SEGMENT: usize = 50;

/// Writes a MIME parameter `name=value` for a Content-Type or Content-Disposition header.
///
/// A short printable-ASCII value is written as a quoted string (`name="value"`). Anything
/// else (non-ASCII, or long) is written with RFC 2231: `name*=UTF-8''percent-encoded`, cut
/// into numbered continuations (`name*0*=...; name*1*=...`) when long, so that the header
/// can be folded between them. `name` must be a MIME token; the builder only passes its own
/// constants.
pub fn mime_parameter(name: &str, value: &str) -> String {
    let printable = value.bytes().all(|b| (b' '..=b'~').contains(&b));
    if printable && value.len() <= MAX_QUOTED_PARAMETER {
        let mut out = String::with_capacity(name.len() + value.len() + 4);
        out.push_str(name);
        out.push_str("=\"");
        for c in value.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        return out;
    }

    let mut segments: Vec<String> = vec![String::from("UTF-8''")];
    let mut buffer = [0; 4];
    for c in value.chars() {
        // A character's bytes stay in one segment: some readers decode segments apart.
        let bytes = c.encode_utf8(&mut buffer).as_bytes();
        let piece_len: usize = bytes
            .iter()
            .map(|&b| if is_attribute_char(b) { 1 } else { 3 })
            .sum();
        if segments
            .last()
            .is_some_and(|s| s.len() + piece_len > MAX_SEGMENT)
        {
            segments.push(String::new());
        }
        if let Some(segment) = segments.last_mut() {
            for &byte in bytes {
                if is_attribute_char(byte) {
                    segment.push(char::from(byte));
                } else {
                    segment.push('%');
                    segment.push(char::from(HEX[usize::from(byte >> 4)]));
                    segment.push(char::from(HEX[usize::from(byte & 0x0f)]));
                }
            }
        }
    }
    if let [only] = segments.as_slice() {
        return format!("{name}*={only}");
    }
    segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            // Only the first segment carries the charset; the rest are still
            // percent-encoded, which the trailing '*' announces.
            format!("{name}*{index}*={segment}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reproducible byte stream (xorshift) for roundtrip tests.
    fn noise(len: usize, mut seed: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    fn assert_qp_lines_ok(encoded: &str) {
        for line in encoded.split("\r\n") {
            assert!(
                line.len() <= MAX_ENCODED_LINE,
                "{} > 76: {line:?}",
                line.len()
            );
            assert!(!line.starts_with('.'), "line starts with a dot: {line:?}");
            assert!(
                !line.ends_with([' ', '\t']),
                "trailing white space: {line:?}"
            );
            assert!(line.bytes().all(|b| (32..127).contains(&b) || b == b'\t'));
        }
    }

    #[test]
    fn encoded_words_roundtrip_and_stay_short() {
        let samples = [
            "Grüße aus Köln",
            "日本語のメールの件名はとても長くなることがありますので、折り返しが必要です。",
            "ASCII with = and ? and _ underscores =?not-a-word?=",
            "emoji 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 party",
            "  leading and trailing spaces  ",
        ];
        for sample in samples {
            let encoded = encode_words(sample);
            for word in encoded.split(' ') {
                assert!(word.len() <= MAX_ENCODED_WORD, "{word:?}");
                assert!(
                    word.starts_with("=?UTF-8?") && word.ends_with("?="),
                    "{word:?}"
                );
                assert!(word.is_ascii());
            }
            assert_eq!(decode_words(&encoded), sample, "{encoded}");
        }
    }

    #[test]
    fn encode_words_chooses_the_shorter_encoding() {
        assert_eq!(encode_words(""), "");
        assert!(encode_words("Hello Jürgen").starts_with("=?UTF-8?Q?Hello_J=C3=BCrgen"));
        assert!(encode_words("日本語").starts_with("=?UTF-8?B?"));
    }

    #[test]
    fn decode_words_follows_rfc_2047_examples() {
        // RFC 2047 section 8.
        assert_eq!(decode_words("(=?ISO-8859-1?Q?a?=)"), "(a)");
        assert_eq!(decode_words("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
        assert_eq!(
            decode_words("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"),
            "(ab)"
        );
        assert_eq!(
            decode_words("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"),
            "(ab)"
        );
        assert_eq!(decode_words("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
        assert_eq!(
            decode_words("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
            "Keld Jørn Simonsen"
        );
        assert_eq!(
            decode_words("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
            "Keith Moore <moore@cs.utk.edu>"
        );
    }

    #[test]
    fn decode_words_joins_a_character_split_across_words() {
        // "é" is C3 A9; a sender split it between two words.
        assert_eq!(decode_words("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?="), "café");
    }

    #[test]
    fn decode_words_leaves_what_it_cannot_decode() {
        for text in [
            "=?",
            "=?UTF-8?",
            "=?UTF-8?X?abc?=",
            "=?KOI8-R?B?8NLJ18XU?=",
            "=?UTF-8?B?!!!?=",
            "a =?UTF-8?Q?has space?= b",
            "price =? 5",
        ] {
            assert_eq!(decode_words(text), text);
        }
        // Invalid UTF-8 inside a word becomes the replacement character, not a panic.
        assert_eq!(decode_words("=?UTF-8?Q?=FF?="), "\u{FFFD}");
    }

    #[test]
    fn decode_words_stays_linear_on_hostile_input() {
        // Every "=?" opens a word that never closes; a decoder that searched to the end
        // each time would take minutes here.
        let hostile = "=?UTF-8?Q?a".repeat(20_000);
        assert_eq!(decode_words(&hostile), hostile);
        let long_word = format!("=?UTF-8?Q?{}?=", "a".repeat(2000));
        assert_eq!(decode_words(&long_word), long_word);
    }

    #[test]
    fn qp_roundtrips_the_awkward_lines() {
        let long_line = "x".repeat(200);
        let text = format!(
            ".\r\n.starts with a dot\r\ntrailing space \r\ntrailing tab\t\r\n{long_line}\r\n\
             caf\u{e9} \u{20ac}100 = cheap\r\n\r\nlast line without break"
        );
        let encoded = quoted_printable_encode(text.as_bytes());
        assert_qp_lines_ok(&encoded);
        assert!(encoded.starts_with("=2E\r\n=2Estarts with a dot\r\ntrailing space=20\r\n"));
        assert!(encoded.contains("caf=C3=A9 =E2=82=AC100 =3D cheap\r\n"));
        assert_eq!(quoted_printable_decode(encoded.as_bytes()), text.as_bytes());
    }

    #[test]
    fn qp_soft_breaks_never_split_an_escape_or_expose_a_dot() {
        // Escapes straddling column 76, and dots that land at the start of a soft-broken
        // line.
        for shift in 0..4 {
            let mut text = "a".repeat(70 + shift);
            text.push_str("\u{e9}\u{e9}\u{e9}.........................................................................................");
            let encoded = quoted_printable_encode(text.as_bytes());
            assert_qp_lines_ok(&encoded);
            assert_eq!(quoted_printable_decode(encoded.as_bytes()), text.as_bytes());
        }
    }

    #[test]
    fn qp_roundtrips_arbitrary_bytes() {
        for seed in 1..40 {
            let mut data = noise(3000, seed);
            // Make CRLF pairs and dots common enough to matter.
            for (i, byte) in data.iter_mut().enumerate() {
                if i % 37 == 0 {
                    *byte = b'\r';
                } else if i % 37 == 1 {
                    *byte = b'\n';
                } else if i % 37 == 2 {
                    *byte = b'.';
                }
            }
            let encoded = quoted_printable_encode(&data);
            assert_qp_lines_ok(&encoded);
            assert_eq!(
                quoted_printable_decode(encoded.as_bytes()),
                data,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn qp_decoder_tolerates_bad_input() {
        assert_eq!(quoted_printable_decode(b"a=\nb"), b"ab");
        assert_eq!(quoted_printable_decode(b"a=4"), b"a=4");
        assert_eq!(quoted_printable_decode(b"a=ZZ=3d"), b"a=ZZ=");
        assert_eq!(quoted_printable_decode(b"padded   \r\nx"), b"padded\r\nx");
        assert_eq!(quoted_printable_decode(b"="), b"");
        assert_eq!(quoted_printable_decode(b"\n\n"), b"\r\n\r\n");
    }

    #[test]
    fn base64_lines_are_76_and_roundtrip() {
        for len in [0, 1, 56, 57, 58, 114, 1000] {
            let data = noise(len, len as u64 + 7);
            let encoded = base64_lines(&data);
            let lines: Vec<&str> = encoded.split_terminator("\r\n").collect();
            assert_eq!(lines.len(), len.div_ceil(57));
            for line in &lines[..lines.len().saturating_sub(1)] {
                assert_eq!(line.len(), MAX_ENCODED_LINE);
            }
            assert!(encoded.is_empty() || encoded.ends_with("\r\n"));
            assert_eq!(STANDARD.decode(lines.concat()).unwrap(), data);
        }
    }

    /// Reassembles an RFC 2231 value from the parameters `mime_parameter` wrote.
    fn decode_parameter(name: &str, written: &str) -> String {
        let mut value = Vec::new();
        for (index, piece) in written.split("; ").enumerate() {
            let (key, encoded) = piece.split_once('=').unwrap();
            if let Some(quoted) = encoded.strip_prefix('"') {
                assert_eq!(key, name);
                return quoted
                    .strip_suffix('"')
                    .unwrap()
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\");
            }
            let expected_key = if written.contains("; ") {
                format!("{name}*{index}*")
            } else {
                format!("{name}*")
            };
            assert_eq!(key, expected_key);
            let encoded = if index == 0 {
                encoded.strip_prefix("UTF-8''").unwrap()
            } else {
                encoded
            };
            value.extend(percent_decode(encoded));
        }
        String::from_utf8(value).unwrap()
    }

    fn percent_decode(encoded: &str) -> Vec<u8> {
        let bytes = encoded.as_bytes();
        let mut value = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                value.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                assert!(is_attribute_char(bytes[i]));
                value.push(bytes[i]);
                i += 1;
            }
        }
        value
    }

    #[test]
    fn mime_parameters_quote_or_use_rfc_2231() {
        assert_eq!(
            mime_parameter("filename", "report.pdf"),
            "filename=\"report.pdf\""
        );
        assert_eq!(
            mime_parameter("filename", "say \"hi\".txt"),
            "filename=\"say \\\"hi\\\".txt\""
        );
        assert_eq!(
            mime_parameter("filename", "résumé.pdf"),
            "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
        );
        let long = "Quartalsbericht für das Geschäftsjahr 2026 – endgültige Fassung (2).pdf";
        let written = mime_parameter("filename", long);
        assert!(written.starts_with("filename*0*=UTF-8''Quartalsbericht%20f%C3%BCr"));
        assert!(written.contains("; filename*1*="));
        let euros = "€".repeat(30);
        for value in [
            "report.pdf",
            "say \"hi\".txt",
            "résumé.pdf",
            long,
            &euros,
            &"a".repeat(300),
        ] {
            let written = mime_parameter("filename", value);
            for piece in written.split("; ") {
                assert!(piece.len() <= 70, "{piece}");
                // Each segment holds whole characters: some readers decode them apart.
                let (_, segment) = piece.split_once('=').unwrap();
                let segment = segment.trim_start_matches("UTF-8''");
                if !segment.starts_with('"') {
                    assert!(
                        String::from_utf8(percent_decode(segment)).is_ok(),
                        "{piece}"
                    );
                }
            }
            assert_eq!(
                decode_parameter("filename", &mime_parameter("filename", value)),
                value
            );
        }
    }

    #[cfg(feature = "testing")]
    #[test]
    fn bodies_decode_leniently() {
        assert_eq!(base64_decode_lenient(b"AAEC\r\n/w==\r\n"), [0, 1, 2, 255]);
        // No padding, blanks, a byte outside the alphabet, a lone last character.
        assert_eq!(base64_decode_lenient(b"aGVs bG8*"), b"hello");
        assert_eq!(base64_decode_lenient(b"aGVsbG8hZ"), b"hello!");
        assert_eq!(base64_decode_lenient(b"aGk=trailing after padding"), b"hi");
        assert_eq!(base64_decode_lenient(b""), b"");
        assert_eq!(
            decode_charset(b"caf\xe9", "ISO-8859-1").as_deref(),
            Some("café")
        );
        assert_eq!(
            decode_charset("café".as_bytes(), "utf-8").as_deref(),
            Some("café")
        );
        assert_eq!(decode_charset(b"x", "koi8-r"), None);
    }
}
