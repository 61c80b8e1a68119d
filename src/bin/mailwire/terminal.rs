//! Text bound for the terminal. Much of what the tool prints was written by a server (reply
//! texts in errors, the final reply in the summary, the transcript), and a terminal obeys
//! what it is sent: ESC sequences recolour, clear or retitle it, CR returns to the start of
//! the line so a forged "sent" can overwrite an error, and bidi overrides reorder what the
//! reader sees. So every line goes out through the library's [`escape_control`], which
//! shows such characters as escapes instead (the library's errors already escape what they
//! quote; escaping twice changes nothing).

pub use mailwire::text::escape_control;

/// A protocol line as text, for [`say`] or [`warn`]: its CRLF (or bare LF) dropped,
/// invalid UTF-8 replaced.
pub fn line_text(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line).into_owned()
}

/// Prints one line on stdout, escaped ([`escape_control`]): a line break inside it is
/// shown as `\n`, so a server cannot start a line of its own.
pub fn say(line: &str) {
    println!("{}", escape_control(line));
}

/// Prints one line on stderr, escaped ([`escape_control`]).
pub fn warn(line: &str) {
    eprintln!("{}", escape_control(line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_line_loses_its_ending_and_keeps_nothing_raw() {
        assert_eq!(line_text(b"250 ok\r\n"), "250 ok");
        assert_eq!(line_text(b"250 ok\n"), "250 ok");
        assert_eq!(line_text(b"250 bare\rCR\r\n"), "250 bare\rCR");
        assert_eq!(
            escape_control(&line_text(b"250 \x1b]0;t\x07\xff\r\n")),
            "250 \\u{1b}]0;t\\u{7}\u{fffd}"
        );
    }
}
