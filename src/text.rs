//! Text from a peer, made safe to show a person.
//!
//! Servers write much of what a mail program prints: reply texts in errors, the final reply
//! of a send, a transcript. A terminal obeys what it is sent: ESC sequences recolour, clear
//! or retitle it, CR returns to the start of the line so a forged "sent" can overwrite an
//! error, and bidi overrides reorder what the reader sees. [`escape_control`] shows such
//! characters as escapes instead, and the `Display` of every error of this crate that
//! quotes a server goes through it, while the error's fields keep the text as received.
//!
//! ```
//! use mailwire::text::escape_control;
//!
//! assert_eq!(escape_control("550 \x1b[2Jgone\r"), r"550 \u{1b}[2Jgone\r");
//! assert_eq!(escape_control("250 Grüße"), "250 Grüße");
//! ```

use std::borrow::Cow;
use std::fmt;

/// `text` with every control character (C0, DEL, C1) and every bidi control shown as a
/// Rust-style escape (`\u{1b}`, `\r`, `\u{202e}`). Printable text, backslashes included,
/// is left alone (and borrowed), so text that is already escaped passes unchanged.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = write_escaped(&mut out, text);
    Cow::Owned(out)
}

/// True for the characters [`escape_control`] escapes.
fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The Unicode characters that change the direction of the text around them (Unicode
/// Bidirectional Algorithm: marks, embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Writes `text` to `out` as [`escape_control`] shows it, a run of printable text at a time.
fn write_escaped(out: &mut (impl fmt::Write + ?Sized), text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| needs_escape(c)) {
        out.write_str(&rest[..at])?;
        for escaped in c.escape_default() {
            out.write_char(escaped)?;
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// A writer that passes everything on through [`escape_control`]: the `Display` of an error
/// writes its message through one, so whatever part of it came from a server (a reply, a
/// mechanism name, a nested error) cannot reach a terminal raw.
pub(crate) struct Escaping<'w, W: ?Sized>(pub(crate) &'w mut W);

impl<W: fmt::Write + ?Sized> fmt::Write for Escaping<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        write_escaped(self.0, text)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(
            escape_control("550 \x1b[31mred\x07\rX\u{202e}Y\u{85}Z\x7f"),
            r"550 \u{1b}[31mred\u{7}\rX\u{202e}Y\u{85}Z\u{7f}"
        );
        assert_eq!(escape_control("line\nbreak\ttab"), r"line\nbreak\ttab");
    }

    #[test]
    fn printable_text_and_escaped_text_pass_unchanged_and_borrowed() {
        for text in [
            "250 2.0.0 Ok: queued as 4AB2C",
            "Grüße ✓ 日本",
            r#"["\u{1b}[2J"]"#,
            "",
        ] {
            assert!(matches!(escape_control(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn the_escaping_writer_agrees_with_escape_control_however_the_text_is_cut() {
        let text = "a\x1b[31mb\u{202e}c\r\n\u{7f}dé\u{85}";
        for cut in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
            let mut out = String::new();
            let mut writer = Escaping(&mut out);
            writer.write_str(&text[..cut]).unwrap();
            writer.write_str(&text[cut..]).unwrap();
            assert_eq!(out, escape_control(text), "cut at {cut}");
        }
    }
}
