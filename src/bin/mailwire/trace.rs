//! `--trace`: the transcript on stderr, one protocol line per line, `C:` and `S:` marked.

use mailwire::net::Direction;

use crate::terminal;

/// Most bytes of one message body shown; DATA of a large attachment is summarised.
const SHOWN_PER_WRITE: usize = 2048;

/// Prints what the client sent and received; AUTH payloads arrive already redacted.
#[derive(Default)]
pub struct Tracer {
    /// Bytes of a line whose end has not arrived yet, per direction.
    partial: [Vec<u8>; 2],
    /// Print on stdout (the demo) instead of stderr (`--trace`).
    stdout: bool,
}

impl Tracer {
    /// A tracer that prints on stdout.
    pub fn to_stdout() -> Self {
        Tracer {
            stdout: true,
            ..Tracer::default()
        }
    }

    /// Prints one transcript line; [`terminal`] escapes what the server put in it.
    fn print(&self, marker: &str, text: &str) {
        let line = format!("{marker} {text}");
        if self.stdout {
            terminal::say(&line);
        } else {
            terminal::warn(&line);
        }
    }

    pub fn record(&mut self, direction: Direction, bytes: &[u8]) {
        let (slot, marker) = match direction {
            Direction::Sent => (0, "C:"),
            _ => (1, "S:"),
        };
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
}
