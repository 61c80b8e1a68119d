//! Header lines: checking what goes into them and folding them to length.
//!
//! RFC 5322 allows 998 octets per line and recommends 78. Headers are folded by putting
//! CRLF before existing white space, which a reader removes again when unfolding, so the
//! value is unchanged. Values that could not be folded that way (non-ASCII, or words too
//! long for a line) are written as RFC 2047 encoded words by the caller.

use super::encoding::encode_words;
use super::error::{Field, MessageError, Problem};

/// Line length RFC 5322 recommends, without CRLF.
pub(crate) const PREFERRED_LINE: usize = 78;
/// Line length RFC 5322 requires, without CRLF.
pub(crate) const MAX_LINE: usize = 998;
/// Longest extra header name accepted: with ": " it still leaves room on a 78-character
/// line.
const MAX_NAME: usize = 76;
/// Longest word in an unstructured value written as it stands; longer ones go into encoded
/// words so the line can be folded near 78.
const MAX_PLAIN_WORD: usize = 70;

/// Headers the builder writes itself; `Content-` headers are reserved as a family.
const RESERVED: [&str; 9] = [
    "from",
    "to",
    "cc",
    "bcc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "mime-version",
];

fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Writes `name: value` as one header, folded, every line ended by CRLF.
///
/// Folds at white space so that lines stay within 78 octets where the value allows it,
/// and fails with [`MessageError::HeaderTooLong`] only when a run without white space is
/// too long for the 998-octet limit.
pub(crate) fn write_header(
    out: &mut Vec<u8>,
    name: &str,
    value: &str,
    field: impl FnOnce() -> Field,
) -> Result<(), MessageError> {
    let line = format!("{name}: {value}");
    // The space after the colon is a fold point too, used only when the first word of the
    // value would not fit on the name's line: "Subject:" CRLF " =?UTF-8?...".
    match fold(&line, name.len() + 1) {
        Some(folded) => {
            out.extend_from_slice(folded.as_bytes());
            Ok(())
        }
        None => Err(MessageError::HeaderTooLong { field: field() }),
    }
}

/// Folds an unfolded header line; `None` if some piece stays over [`MAX_LINE`].
///
/// Never folds before byte `keep` (inside the name and colon), never leaves a line
/// that is only white space, and keeps the white space at the start of the continuation
/// line, where unfolding expects it.
fn fold(line: &str, keep: usize) -> Option<String> {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len() + line.len() / 32 + 2);
    let mut start = 0;
    // Whether bytes[start..at] holds something other than white space; at start == 0 the
    // header name does.
    let content_before = |start: usize, at: usize| {
        start == 0
            || bytes
                .get(start..at)
                .is_some_and(|s| !s.iter().all(|&b| is_blank(b)))
    };
    // The position after the last non-blank byte: folding there or later would leave a
    // blank-only continuation line.
    let content_end = bytes
        .iter()
        .rposition(|&b| !is_blank(b))
        .map_or(0, |p| p + 1);
    let foldable = |start: usize, at: usize| {
        at < content_end
            && bytes.get(at).copied().is_some_and(is_blank)
            && content_before(start, at)
    };
    while bytes.len() - start > PREFERRED_LINE {
        let first = if start == 0 { keep } else { start + 1 };
        let last = start + PREFERRED_LINE;
        let at = (first..=last)
            .rev()
            .find(|&at| foldable(start, at))
            .or_else(|| (last.max(first)..bytes.len()).find(|&at| foldable(start, at)));
        match at {
            Some(at) if at - start <= MAX_LINE => {
                out.push_str(&line[start..at]);
                out.push_str("\r\n");
                start = at;
            }
            Some(_) => return None,
            None => break,
        }
    }
    if bytes.len() - start > MAX_LINE {
        return None;
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
    Some(out)
}

/// Checks text that goes into a header: no CR, LF, NUL or other control character except
/// tab.
pub(crate) fn check_text(value: &str) -> Result<(), Problem> {
    for c in value.chars() {
        match c {
            '\r' | '\n' => return Err(Problem::LineBreak),
            '\0' => return Err(Problem::Nul),
            '\t' => {}
            c if c.is_control() => return Err(Problem::Control),
            _ => {}
        }
    }
    Ok(())
}

/// Checks an extra header's name: printable ASCII without colon or space (RFC 5322
/// `ftext`), and not one of the headers the builder writes.
pub(crate) fn check_header_name(name: &str) -> Result<(), MessageError> {
    let invalid = |problem| Err(MessageError::invalid(Field::HeaderName, name, problem));
    if name.is_empty() {
        return invalid(Problem::Empty);
    }
    if name.len() > MAX_NAME {
        return invalid(Problem::TooLong { max: MAX_NAME });
    }
    for c in name.chars() {
        let problem = match c {
            '\r' | '\n' => Problem::LineBreak,
            '\0' => Problem::Nul,
            ' ' | '\t' => Problem::Whitespace,
            ':' => Problem::Forbidden(':'),
            c if !c.is_ascii() => Problem::NonAscii,
            c if c.is_ascii_control() => Problem::Control,
            _ => continue,
        };
        return invalid(problem);
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) || lower.starts_with("content-") {
        return Err(MessageError::ReservedHeader {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The form of an unstructured value (Subject, extra headers) to put on the wire: as it
/// stands when that is plain ASCII that folds well, else RFC 2047 encoded words.
///
/// Encoding is also chosen for values that only look plain but would not read back the
/// same: ones containing `=?` (a reader would try to decode it), and ones with white space
/// at either end (readers trim it).
pub(crate) fn unstructured(value: &str) -> String {
    let plain = value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) || b == b'\t')
        && !value.contains("=?")
        && !value.starts_with([' ', '\t'])
        && !value.ends_with([' ', '\t'])
        && value
            .split([' ', '\t'])
            .all(|word| word.len() <= MAX_PLAIN_WORD);
    if plain {
        value.to_owned()
    } else {
        encode_words(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::encoding::decode_words;

    /// Unfolding per RFC 5322 section 2.2.3: remove each CRLF that precedes white space.
    fn unfold(folded: &str) -> String {
        folded
            .strip_suffix("\r\n")
            .unwrap()
            .replace("\r\n ", " ")
            .replace("\r\n\t", "\t")
    }

    fn written(name: &str, value: &str) -> Result<String, MessageError> {
        let mut out = Vec::new();
        write_header(&mut out, name, value, || Field::Subject)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn assert_well_formed(folded: &str, preferred: bool) {
        assert!(folded.ends_with("\r\n"));
        for line in folded.split_terminator("\r\n") {
            assert!(!line.contains(['\r', '\n']), "{line:?}");
            assert!(line.len() <= MAX_LINE, "{} > 998", line.len());
            if preferred {
                assert!(
                    line.len() <= PREFERRED_LINE,
                    "{} > 78: {line:?}",
                    line.len()
                );
            }
            assert!(!line.bytes().all(is_blank), "blank-only line in {folded:?}");
        }
    }

    #[test]
    fn short_headers_stay_on_one_line() {
        assert_eq!(written("Subject", "Hello").unwrap(), "Subject: Hello\r\n");
    }

    #[test]
    fn long_headers_fold_at_white_space_and_unfold_to_the_same() {
        let value = "the quick brown fox jumps over the lazy dog ".repeat(40);
        let value = value.trim_end();
        let folded = written("Subject", value).unwrap();
        assert_well_formed(&folded, true);
        assert_eq!(unfold(&folded), format!("Subject: {value}"));
    }

    #[test]
    fn a_long_word_gets_its_own_line_up_to_998() {
        let word = "x".repeat(500);
        let value = format!("short {word} tail");
        let folded = written("Subject", &value).unwrap();
        assert_well_formed(&folded, false);
        assert_eq!(folded, format!("Subject: short\r\n {word}\r\n tail\r\n"));
    }

    #[test]
    fn a_word_beyond_998_is_refused() {
        let value = format!("a {}", "x".repeat(1000));
        assert!(matches!(
            written("Subject", &value),
            Err(MessageError::HeaderTooLong {
                field: Field::Subject
            })
        ));
        // Right at the limit is fine: " " + 997 bytes.
        let value = format!("a {}", "x".repeat(997));
        assert_well_formed(&written("Subject", &value).unwrap(), false);
    }

    #[test]
    fn trailing_and_repeated_blanks_never_make_a_blank_line() {
        let value = format!("{}{}", "word ".repeat(30), " ".repeat(100));
        let folded = written("X-Test", &value).unwrap();
        assert_well_formed(&folded, false);
        assert_eq!(unfold(&folded), format!("X-Test: {value}"));

        let value = format!("a{}b", " ".repeat(200));
        let folded = written("X-Test", &value).unwrap();
        assert_well_formed(&folded, false);
        assert_eq!(unfold(&folded), format!("X-Test: {value}"));
    }

    #[test]
    fn header_names_are_checked() {
        assert!(check_header_name("X-Mailer").is_ok());
        assert!(check_header_name("In-Reply-To").is_ok());
        let refused = [
            ("", Problem::Empty),
            ("X Mailer", Problem::Whitespace),
            ("X-Mailer:", Problem::Forbidden(':')),
            ("X-Inject\r\nBcc", Problem::LineBreak),
            ("X-Nul\0", Problem::Nul),
            ("X-Ümlaut", Problem::NonAscii),
            ("X-Bell\x07", Problem::Control),
        ];
        for (name, expected) in refused {
            match check_header_name(name) {
                Err(MessageError::InvalidField {
                    field: Field::HeaderName,
                    problem,
                    ..
                }) => assert_eq!(problem, expected, "{name:?}"),
                other => panic!("{name:?}: {other:?}"),
            }
        }
        for reserved in [
            "From",
            "bcc",
            "BCC",
            "Message-ID",
            "Content-Type",
            "content-x",
        ] {
            assert!(
                matches!(
                    check_header_name(reserved),
                    Err(MessageError::ReservedHeader { .. })
                ),
                "{reserved}"
            );
        }
    }

    #[test]
    fn header_text_refuses_line_breaks_and_controls() {
        assert_eq!(check_text("fine\ttabbed"), Ok(()));
        assert_eq!(check_text("a\r\nBcc: x@y"), Err(Problem::LineBreak));
        assert_eq!(check_text("a\nb"), Err(Problem::LineBreak));
        assert_eq!(check_text("a\rb"), Err(Problem::LineBreak));
        assert_eq!(check_text("a\0b"), Err(Problem::Nul));
        assert_eq!(check_text("a\x1bb"), Err(Problem::Control));
        assert_eq!(check_text("a\u{85}b"), Err(Problem::Control));
    }

    #[test]
    fn unstructured_values_stay_plain_only_when_they_read_back_the_same() {
        assert_eq!(unstructured("Quarterly report"), "Quarterly report");
        for value in [
            "Grüße",
            "=?UTF-8?Q?looks_encoded?=",
            " leading space",
            "trailing space ",
            &format!("link https://example.com/{}", "a".repeat(100)),
        ] {
            let written = unstructured(value);
            assert!(written.starts_with("=?UTF-8?"), "{written}");
            assert_eq!(decode_words(&written), value);
            assert_well_formed(&self::written("Subject", &written).unwrap(), true);
        }
    }
}
