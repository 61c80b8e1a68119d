//! `--trace`: the transcript on stderr, one protocol line per line, `C:` and `S:` marked.

use mailwire::net::Direction;

use crate::terminal;

/// Most bytes of one message body shown; DATA of a large attachment is summarised.
const SHOWN_PER_WRITE: usize = 2048;

/// With [`Tracer::collecting`], a write of more lines than this shows its first
/// [`SUMMARY_HEAD`] lines and a count of the rest.
const LINES_PER_WRITE: usize = 12;
const SUMMARY_HEAD: usize = 3;

/// Prints (`--trace`, on stderr) or keeps (the demo) what the client sent and received;
/// AUTH payloads arrive already redacted.
#[derive(Default)]
pub struct Tracer {
    /// Bytes of a line whose end has not arrived yet, per direction.
    partial: [Vec<u8>; 2],
    /// Keep the lines (escaped) instead of printing them on stderr, and summarise long
    /// writes: the demo shows them after its sessions.
    collected: Option<Vec<String>>,
}

impl Tracer {
    /// A tracer that keeps a short transcript for [`take_lines`](Self::take_lines): a
    /// message or a literal is shown by its first lines and a count of the rest.
    pub fn collecting() -> Self {
        Tracer {
            collected: Some(Vec::new()),
            ..Tracer::default()
        }
    }

    /// The lines kept so far (escaped for the terminal), emptied.
    pub fn take_lines(&mut self) -> Vec<String> {
        self.collected
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Prints (or keeps) one transcript line; [`terminal`] escapes what the server put in
    /// it.
    fn print(&mut self, marker: &str, text: &str) {
        let line = format!("{marker} {text}");
        if let Some(lines) = &mut self.collected {
            lines.push(terminal::escape_control(&line).into_owned());
        } else {
            terminal::warn(&line);
        }
    }

    pub fn record(&mut self, direction: Direction, bytes: &[u8]) {
        let (slot, marker) = match direction {
            Direction::Sent => (0, "C:"),
            _ => (1, "S:"),
        };
        if self.collected.is_some() {
            let lines = memchr_count(bytes);
            if lines > LINES_PER_WRITE {
                let head_end = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, byte)| **byte == b'\n')
                    .nth(SUMMARY_HEAD - 1)
                    .map_or(bytes.len(), |(at, _)| at + 1);
                let (head, rest) = bytes.split_at(head_end);
                self.record_lines(slot, marker, head);
                self.print(
                    marker,
                    &format!("… {} more lines ({} bytes)", memchr_count(rest), rest.len()),
                );
                // The summary stands for the rest of this write, an unfinished last line
                // included.
                self.partial[slot].clear();
                return;
            }
        }
        self.record_lines(slot, marker, bytes);
    }

    fn record_lines(&mut self, slot: usize, marker: &str, bytes: &[u8]) {
        let (shown, hidden) = bytes.split_at(bytes.len().min(SHOWN_PER_WRITE));
        let mut pending = std::mem::take(&mut self.partial[slot]);
        pending.extend_from_slice(shown);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            self.print(marker, &terminal::line_text(&line));
        }
        // A line that never ends (a long literal read in small pieces, or a server that
        // sends no line feed) is shown in pieces, so the tracer holds at most one piece.
        if !pending.is_empty() && (!hidden.is_empty() || pending.len() >= SHOWN_PER_WRITE) {
            self.print(marker, &terminal::line_text(&pending));
            pending.clear();
        }
        if !hidden.is_empty() {
            self.print(marker, &format!("… {} more bytes", hidden.len()));
        }
        self.partial[slot] = pending;
    }
}

/// How many line feeds `bytes` holds.
fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_without_end_read_in_small_pieces_is_not_held_whole() {
        let mut tracer = Tracer::default();
        for _ in 0..100 {
            tracer.record(Direction::Received, &[b'x'; 1000]);
        }
        assert!(
            tracer.partial[1].len() < SHOWN_PER_WRITE,
            "{}",
            tracer.partial[1].len()
        );
        tracer.record(Direction::Received, b"y\r\n");
        assert!(tracer.partial[1].is_empty());
    }

    #[test]
    fn a_collecting_tracer_summarises_a_long_write_and_keeps_short_ones_whole() {
        let mut tracer = Tracer::collecting();
        tracer.record(Direction::Sent, b"EHLO localhost\r\n");
        tracer.record(Direction::Received, b"250-localhost\r\n250 AUTH PLAIN\r\n");
        let message: Vec<u8> = (0..40)
            .flat_map(|n| format!("line {n}\r\n").into_bytes())
            .chain(b".\r\n".iter().copied())
            .collect();
        tracer.record(Direction::Sent, &message);
        tracer.record(Direction::Received, b"250 2.0.0 Ok\r\n");
        assert_eq!(
            tracer.take_lines(),
            [
                "C: EHLO localhost",
                "S: 250-localhost",
                "S: 250 AUTH PLAIN",
                "C: line 0",
                "C: line 1",
                "C: line 2",
                "C: … 38 more lines (329 bytes)",
                "S: 250 2.0.0 Ok",
            ]
        );
        assert!(tracer.take_lines().is_empty());
    }

    #[test]
    fn collected_lines_are_escaped_for_the_terminal() {
        let mut tracer = Tracer::collecting();
        tracer.record(Direction::Received, b"* OK \x1b[2Jhi\r\n");
        assert_eq!(tracer.take_lines(), ["S: * OK \\u{1b}[2Jhi"]);
    }
}
