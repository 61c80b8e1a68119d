//! The server's end of one connection: a bounded input buffer, replies written at once,
//! TLS, and a deadline on every wait.

use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::net::stream::MaybeTls;
use crate::scan::{LineError, next_line};
use crate::smtp::codec::OwnedReply;

/// Bytes per socket read.
const CHUNK: usize = 16 * 1024;
/// After its last reply the server reads and drops at most this much, for at most
/// [`DRAIN_TIME`], so that closing does not reset the connection before the client has
/// read that reply.
const DRAIN_BYTES: usize = 16 << 20;
const DRAIN_TIME: Duration = Duration::from_secs(1);

/// Why a session cannot go on reading or writing.
#[derive(Debug)]
pub(super) enum WireError {
    /// The client closed, the socket failed, or a TLS handshake failed.
    Gone,
    /// Nothing (or not enough) arrived before the deadline.
    TimedOut,
    /// A line went on past the limit without ending.
    LineTooLong,
}

pub(super) struct Wire {
    stream: MaybeTls<TlsStream<TcpStream>>,
    /// `inbox[start..]` holds the bytes read and not yet taken.
    inbox: Vec<u8>,
    start: usize,
    idle: Duration,
}

impl Wire {
    pub(super) fn new(tcp: TcpStream, idle: Duration) -> Self {
        // Replies are small and each must leave at once (pipelining clients wait for them).
        let _ = tcp.set_nodelay(true);
        Wire {
            stream: MaybeTls::Plain(tcp),
            inbox: Vec::new(),
            start: 0,
            idle,
        }
    }

    pub(super) fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// Bytes received and not yet taken.
    pub(super) fn unread(&self) -> &[u8] {
        self.inbox.get(self.start..).unwrap_or_default()
    }

    /// Takes `n` bytes from the front of [`unread`](Self::unread).
    pub(super) fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.inbox.len());
        if self.start == self.inbox.len() {
            self.inbox.clear();
            self.start = 0;
        }
    }

    /// Reads at least one more byte, waiting until `deadline` at most.
    pub(super) async fn fill_until(&mut self, deadline: Instant) -> Result<(), WireError> {
        if self.start > 0 {
            self.inbox.drain(..self.start);
            self.start = 0;
        }
        let mut chunk = [0u8; CHUNK];
        match timeout_at(deadline, self.stream.read(&mut chunk)).await {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) | Ok(Ok(0)) => Err(WireError::Gone),
            Ok(Ok(read)) => {
                self.inbox
                    .extend_from_slice(chunk.get(..read).unwrap_or_default());
                Ok(())
            }
        }
    }

    /// Reads at least one more byte within the idle timeout.
    pub(super) async fn fill(&mut self) -> Result<(), WireError> {
        self.fill_until(Instant::now() + self.idle).await
    }

    /// Takes one line (CRLF or bare LF) of at most `max_len` bytes and returns it without
    /// its ending. The whole line must arrive within one idle timeout, so a client
    /// trickling bytes cannot hold the connection forever.
    pub(super) async fn read_line(&mut self, max_len: usize) -> Result<Vec<u8>, WireError> {
        let deadline = Instant::now() + self.idle;
        loop {
            match next_line(self.unread(), max_len) {
                Ok(Some(line)) => {
                    let content = line.content.to_vec();
                    let consumed = line.consumed;
                    self.consume(consumed);
                    return Ok(content);
                }
                Ok(None) => self.fill_until(deadline).await?,
                Err(LineError::TooLong { .. }) => return Err(WireError::LineTooLong),
            }
        }
    }

    /// Writes `reply` and flushes it, within the idle timeout.
    pub(super) async fn send(&mut self, reply: &OwnedReply) -> Result<(), WireError> {
        let mut out = Vec::with_capacity(64);
        reply.encode(&mut out);
        let stream = &mut self.stream;
        let written = timeout(self.idle, async {
            stream.write_all(&out).await?;
            stream.flush().await
        })
        .await;
        match written {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) => Err(WireError::Gone),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Starts TLS as the server, dropping any plain text the client sent ahead of the
    /// handshake: bytes sent before TLS must never be read as if they came through it
    /// (RFC 3207 section 4, the STARTTLS command-injection attack).
    pub(super) async fn start_tls(&mut self, config: Arc<ServerConfig>) -> Result<(), WireError> {
        self.inbox.clear();
        self.start = 0;
        let MaybeTls::Plain(tcp) = std::mem::replace(&mut self.stream, MaybeTls::Gone) else {
            return Err(WireError::Gone);
        };
        match timeout(self.idle, TlsAcceptor::from(config).accept(tcp)).await {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) => Err(WireError::Gone),
            Ok(Ok(tls)) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                Ok(())
            }
        }
    }

    /// Ends the connection: TLS close_notify and FIN, then a short bounded drain of what
    /// the client is still sending, so its unread bytes do not turn the close into a
    /// reset that could destroy the last reply before the client reads it.
    pub(super) async fn close(mut self) {
        let write_time = self.idle.min(DRAIN_TIME);
        if timeout(write_time, self.stream.shutdown()).await.is_err() {
            return;
        }
        let deadline = Instant::now() + DRAIN_TIME.min(self.idle);
        let mut drained = 0usize;
        let mut chunk = [0u8; CHUNK];
        while drained < DRAIN_BYTES {
            match timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Ok(Ok(read)) if read > 0 => drained += read,
                _ => break,
            }
        }
    }
}
