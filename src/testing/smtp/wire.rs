//! The server's end of one connection: a bounded input buffer, replies written at once,
//! TLS, and a deadline on every wait.

use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::TlsAcceptor;

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

/// Any byte stream a session can run over: a TCP socket, TLS over one, or an in-memory
/// pipe (a fuzzer's input).
pub(super) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A stream behind one pointer, so that TLS can wrap whatever came in without making
/// every part of the session generic over it.
type Boxed<'s> = Box<dyn Stream + 's>;

pub(super) struct Wire<'s> {
    /// `None` only after a failed TLS handshake took the stream away.
    stream: Option<Boxed<'s>>,
    tls: bool,
    /// `inbox[start..]` holds the bytes read and not yet taken.
    inbox: Vec<u8>,
    start: usize,
    idle: Duration,
}

fn gone() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::NotConnected, "the connection is gone")
}

impl<'s> Wire<'s> {
    pub(super) fn new(stream: impl Stream + 's, idle: Duration) -> Self {
        Wire {
            stream: Some(Box::new(stream)),
            tls: false,
            inbox: Vec::new(),
            start: 0,
            idle,
        }
    }

    pub(super) fn is_tls(&self) -> bool {
        self.tls
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
        let Some(stream) = self.stream.as_mut() else {
            return Err(WireError::Gone);
        };
        let mut chunk = [0u8; CHUNK];
        match timeout_at(deadline, stream.read(&mut chunk)).await {
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
            let stream = stream.as_mut().ok_or_else(gone)?;
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
        if self.tls {
            return Err(WireError::Gone);
        }
        let plain = self.stream.take().ok_or(WireError::Gone)?;
        match timeout(self.idle, TlsAcceptor::from(config).accept(plain)).await {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) => Err(WireError::Gone),
            Ok(Ok(tls)) => {
                self.stream = Some(Box::new(tls));
                self.tls = true;
                Ok(())
            }
        }
    }

    /// Ends the connection: TLS close_notify and FIN, then a short bounded drain of what
    /// the client is still sending, so its unread bytes do not turn the close into a
    /// reset that could destroy the last reply before the client reads it.
    pub(super) async fn close(self) {
        let Some(mut stream) = self.stream else {
            return;
        };
        let write_time = self.idle.min(DRAIN_TIME);
        if timeout(write_time, stream.shutdown()).await.is_err() {
            return;
        }
        let deadline = Instant::now() + DRAIN_TIME.min(self.idle);
        let mut drained = 0usize;
        let mut chunk = [0u8; CHUNK];
        while drained < DRAIN_BYTES {
            match timeout_at(deadline, stream.read(&mut chunk)).await {
                Ok(Ok(read)) if read > 0 => drained += read,
                _ => break,
            }
        }
    }
}
