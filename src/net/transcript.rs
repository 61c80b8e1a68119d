//! A hook that sees every application byte sent and received, secrets redacted.

use std::sync::{Arc, Mutex, MutexGuard};

/// Which way bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From this client to the server.
    Sent,
    /// From the server to this client.
    Received,
}

/// A transcript hook. Sent bytes that carry secrets arrive already redacted (see
/// [`Connection::write_secret`](super::Connection::write_secret)); TLS handshake bytes are
/// not application data and never arrive here.
///
/// The hook runs inside every read and every write, on the task doing the I/O, the
/// commands a client sends while closing (an SMTP `QUIT`, an IMAP `LOGOUT`) included. The
/// connection waits for it each time, so keep it quick: copy the bytes, or hand them to a
/// channel.
pub trait Transcript: Send {
    /// Called once per read or write with the bytes it moved.
    fn record(&mut self, direction: Direction, bytes: &[u8]);
}

impl<F: FnMut(Direction, &[u8]) + Send> Transcript for F {
    fn record(&mut self, direction: Direction, bytes: &[u8]) {
        self(direction, bytes)
    }
}

/// One transcript record: the direction and the bytes.
pub type TranscriptEntry = (Direction, Vec<u8>);

/// A transcript kept in memory, readable through any of its clones while the connection
/// writes to another. It grows with the session, so keep it for tests and short sessions.
#[derive(Debug, Clone, Default)]
pub struct TranscriptLog {
    entries: Arc<Mutex<Vec<TranscriptEntry>>>,
}

impl TranscriptLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// A hook writing into this log, for [`Connection::set_transcript`](super::Connection::set_transcript).
    pub fn hook(&self) -> Box<dyn Transcript> {
        Box::new(self.clone())
    }

    /// Every record so far, in order.
    pub fn entries(&self) -> Vec<TranscriptEntry> {
        self.lock().clone()
    }

    /// All bytes that went one way, concatenated.
    pub fn bytes(&self, direction: Direction) -> Vec<u8> {
        self.lock()
            .iter()
            .filter(|(way, _)| *way == direction)
            .flat_map(|(_, bytes)| bytes.iter().copied())
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<TranscriptEntry>> {
        // A panic elsewhere while holding the lock leaves the entries intact.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Transcript for TranscriptLog {
    fn record(&mut self, direction: Direction, bytes: &[u8]) {
        self.lock().push((direction, bytes.to_vec()));
    }
}
