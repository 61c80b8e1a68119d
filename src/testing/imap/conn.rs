//! One client connection as the server sees it: a stream that may turn into TLS, the bytes
//! read and not yet used, the framer that cuts them into commands, and the answers waiting
//! to go out. Every read waits until a deadline at most and every write has a time-out.

use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::imap::codec::framing::Framer;
use crate::limits::Limits;
use crate::net::stream::MaybeTls;
use crate::scan::find_byte;

/// Bytes per socket read.
const CHUNK: usize = 16 * 1024;
/// Answers are written out once this much is waiting, so that a large FETCH goes out in
/// pieces and what the server holds for a slow reader stays bounded.
pub(super) const FLUSH_AT: usize = 256 * 1024;
/// What the server reads and drops after its last answer, so that closing does not reset
/// the connection before the client has read that answer.
const DRAIN_BYTES: usize = 1 << 20;
const DRAIN_TIME: Duration = Duration::from_millis(500);

/// The client's stream before or after STARTTLS (or implicit TLS): the client's own type,
/// over any stream instead of TCP only.
type Stream<S> = MaybeTls<TlsStream<S>, S>;

/// Why the connection cannot go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WireError {
    /// The client closed, the socket failed, or a TLS handshake failed.
    Gone,
    /// Nothing (or not enough) arrived before the deadline, or a write stalled.
    TimedOut,
}

pub(super) struct Conn<S> {
    stream: Stream<S>,
    /// Bytes read and not yet used, the current command first.
    pub(super) inbox: Vec<u8>,
    /// Answers encoded and not yet written.
    pub(super) out: Vec<u8>,
    pub(super) framer: Framer,
    write_timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    pub(super) fn new(stream: S, limits: Limits, write_timeout: Duration) -> Self {
        Conn {
            stream: MaybeTls::Plain(stream),
            inbox: Vec::new(),
            out: Vec::new(),
            framer: Framer::commands(limits),
            write_timeout,
        }
    }

    pub(super) fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// Reads at least one more byte, waiting until `deadline` at most.
    pub(super) async fn fill(&mut self, deadline: Instant) -> Result<(), WireError> {
        match timeout_at(deadline, self.read_some()).await {
            Err(_) => Err(WireError::TimedOut),
            Ok(result) => result,
        }
    }

    /// Reads at least one more byte; cancel-safe (nothing read is lost if the future is
    /// dropped before it completes).
    pub(super) async fn read_some(&mut self) -> Result<(), WireError> {
        let mut chunk = [0u8; CHUNK];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => Err(WireError::Gone),
            Ok(read) => {
                self.inbox
                    .extend_from_slice(chunk.get(..read).unwrap_or_default());
                Ok(())
            }
        }
    }

    /// Takes the first line of what was read (or all of it when no line end has come yet):
    /// a line the session will not use, such as a malformed AUTHENTICATE answer or
    /// something other than DONE during IDLE.
    pub(super) fn drop_line(&mut self) -> Vec<u8> {
        let end = find_byte(b'\n', &self.inbox).map_or(self.inbox.len(), |lf| lf + 1);
        self.inbox.drain(..end).collect()
    }

    /// Writes every waiting answer and flushes, within the write time-out.
    pub(super) async fn flush(&mut self) -> Result<(), WireError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        let stream = &mut self.stream;
        let written = timeout(self.write_timeout, async {
            stream.write_all(&out).await?;
            stream.flush().await
        })
        .await;
        // The buffer's memory is kept for the next answers.
        self.out = out;
        self.out.clear();
        match written {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) => Err(WireError::Gone),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Starts TLS as the server. Whatever the client sent after STARTTLS in clear is
    /// dropped: bytes from before the handshake must never count as sent through it (the
    /// STARTTLS command-injection attack, RFC 3501 §11.1, RFC 2595 §3.1).
    pub(super) async fn start_tls(
        &mut self,
        config: Arc<ServerConfig>,
        limits: Limits,
    ) -> Result<(), WireError> {
        self.inbox.clear();
        self.framer = Framer::commands(limits);
        let MaybeTls::Plain(plain) = std::mem::replace(&mut self.stream, MaybeTls::Gone) else {
            return Err(WireError::Gone);
        };
        match timeout(self.write_timeout, TlsAcceptor::from(config).accept(plain)).await {
            Err(_) => Err(WireError::TimedOut),
            Ok(Err(_)) => Err(WireError::Gone),
            Ok(Ok(tls)) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                Ok(())
            }
        }
    }

    /// Ends the connection: TLS close_notify and FIN, then a short bounded drain of what
    /// the client still sends, so its unread bytes do not turn the close into a reset that
    /// destroys the last answer before the client reads it.
    pub(super) async fn close(mut self) {
        let _ = self.flush().await;
        if timeout(DRAIN_TIME, self.stream.shutdown()).await.is_err() {
            return;
        }
        let deadline = Instant::now() + DRAIN_TIME;
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
