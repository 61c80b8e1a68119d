//! `--trace`: the transcript on stderr, one protocol line per line, `C:` and `S:` marked.

use mailwire::net::Direction;

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

    fn print(&self, marker: &str, text: &str) {
        if self.stdout {
            println!("{marker} {text}");
        } else {
            eprintln!("{marker} {text}");
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
            self.print(marker, &printable(&line));
        }
        if !hidden.is_empty() {
            if !pending.is_empty() {
                self.print(marker, &printable(&pending));
                pending.clear();
            }
            self.print(marker, &format!("… {} more bytes", hidden.len()));
        }
        self.partial[slot] = pending;
    }
}

/// The line as text, its ending dropped and control bytes escaped.
fn printable(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8_lossy(line)
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
