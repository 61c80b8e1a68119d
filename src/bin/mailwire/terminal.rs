//! Text bound for the terminal. Much of what the tool prints was written by a server (reply
//! texts in errors, the final reply in the summary, the transcript), and a terminal obeys
//! what it is sent: ESC sequences recolour, clear or retitle it, CR returns to the start of
//! the line so a forged "sent" can overwrite an error, and bidi overrides reorder what the
//! reader sees. So every line goes out through [`safe`], which shows such characters as
//! escapes instead.

/// `text` with every control character (C0, DEL, C1) and every bidi control shown as a
/// Rust-style escape (`\u{1b}`, `\r`, `\u{202e}`). Printable text, backslashes included,
/// is left alone, so text that is already escaped (a `{:?}`) passes unchanged.
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || is_bidi_control(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A protocol line as text, for [`say`] or [`warn`]: its CRLF (or bare LF) dropped,
/// invalid UTF-8 replaced.
pub fn line_text(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

/// Prints one line on stdout, made [`safe`]: a line break inside it is shown as `\n`, so
/// a server cannot start a line of its own.
pub fn say(line: &str) {
    println!("{}", safe(line));
}

/// Prints one line on stderr, made [`safe`].
pub fn warn(line: &str) {
    eprintln!("{}", safe(line));
}

/// The Unicode characters that change the direction of the text around them (Unicode
/// Bidirectional Algorithm: marks, embeddings, overrides, isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(
            safe("550 \x1b[31mred\x07\rX\u{202e}Y\u{85}Z\x7f"),
            r"550 \u{1b}[31mred\u{7}\rX\u{202e}Y\u{85}Z\u{7f}"
        );
        assert_eq!(safe("line\nbreak\ttab"), r"line\nbreak\ttab");
    }

    #[test]
    fn printable_text_and_escaped_text_pass_unchanged() {
        for text in [
            "250 2.0.0 Ok: queued as 4AB2C",
            "Grüße ✓ 日本",
            r#"["\u{1b}[2J"]"#,
        ] {
            assert_eq!(safe(text), text);
        }
    }

    #[test]
    fn a_transcript_line_loses_its_ending_and_keeps_nothing_raw() {
        assert_eq!(line_text(b"250 ok\r\n"), "250 ok");
        assert_eq!(line_text(b"250 ok\n"), "250 ok");
        assert_eq!(line_text(b"250 bare\rCR\r\n"), "250 bare\rCR");
        assert_eq!(
            safe(&line_text(b"250 \x1b]0;t\x07\xff\r\n")),
            "250 \\u{1b}]0;t\\u{7}\u{fffd}"
        );
    }
}
