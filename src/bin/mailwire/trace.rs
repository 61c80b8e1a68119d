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
        if !hidden.is_empty() {
            if !pending.is_empty() {
                self.print(marker, &terminal::line_text(&pending));
                pending.clear();
            }
            self.print(marker, &format!("… {} more bytes", hidden.len()));
        }
        self.partial[slot] = pending;
    }
}
