//! The server's end of one scripted connection.

use core::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::log::{ExpectRecord, Failure, ServerLog};
use super::script::Step;
use crate::net::stream::MaybeTls;

/// Longest line a step reads.
const MAX_LINE: usize = 1 << 20;
/// Most bytes `read_until`, `read_until_close` and the closing drain take in.
const MAX_READ: usize = 64 << 20;
/// Bytes per socket read.
const CHUNK: usize = 16 * 1024;
/// First byte of a TLS handshake record.
const TLS_HANDSHAKE: u8 = 0x16;

/// Whether the script goes on after a step.
pub(crate) enum Flow {
    Next,
    End,
}

/// The server's end of a connection, as handlers see it. Every wait is bounded by the
/// script's step timeout, and every byte read lands in the [`ServerLog`].
pub struct ServerConn {
    stream: MaybeTls<TlsStream<TcpStream>>,
    pending: Vec<u8>,
    log: ServerLog,
    timeout: Duration,
}

impl fmt::Debug for ServerConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConn")
            .field("tls", &self.stream.is_tls())
            .field("pending_len", &self.pending.len())
            .field("received_len", &self.log.received.len())
            .finish()
    }
}

fn io_failure(doing: &str, error: io::Error) -> Failure {
    Failure::Io {
        doing: doing.to_owned(),
        error,
    }
}

fn is_hangup(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

impl ServerConn {
    pub(crate) fn new(tcp: TcpStream, timeout: Duration) -> Self {
        let _ = tcp.set_nodelay(true);
        ServerConn {
            stream: MaybeTls::Plain(tcp),
            pending: Vec::new(),
            log: ServerLog::default(),
            timeout,
        }
    }

    /// Everything the client sent so far.
    pub fn log(&self) -> &ServerLog {
        &self.log
    }

    pub(crate) fn into_log(self) -> ServerLog {
        self.log
    }

    /// True once TLS is up.
    pub fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// Changes the timeout of each wait from here on.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Writes `bytes` and flushes them.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let stream = &mut self.stream;
        let written = timeout(self.timeout, async {
            stream.write_all(bytes).await?;
            stream.flush().await
        })
        .await;
        match written {
            Err(_) => Err(Failure::Timeout {
                expected: "the client to read what the server sends".into(),
                after: self.timeout,
            }),
            Ok(Err(error)) if is_hangup(&error) => {
                self.log.client_closed = true;
                Err(Failure::ClientClosed {
                    expected: "the client to read what the server sends".into(),
                })
            }
            Ok(Err(error)) => Err(io_failure("sending", error)),
            Ok(Ok(())) => {
                self.log.sent += bytes.len() as u64;
                Ok(())
            }
        }
    }

    /// Reads more from the client into the pending bytes; `Ok(0)` when it closed.
    async fn read_some(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; CHUNK];
        let read = match self.stream.read(&mut chunk).await {
            Ok(read) => read,
            Err(error) if is_hangup(&error) => 0,
            Err(error) => return Err(error),
        };
        if read == 0 {
            self.log.client_closed = true;
            return Ok(0);
        }
        let bytes = chunk.get(..read).unwrap_or(&[]);
        self.pending.extend_from_slice(bytes);
        self.log.received.extend_from_slice(bytes);
        if !self.stream.is_tls() {
            self.log.plaintext_len += read;
        }
        Ok(read)
    }

    /// Reads until `done` finds an end in the pending bytes, within one step timeout.
    async fn read_to(
        &mut self,
        expected: &str,
        limit: usize,
        done: impl Fn(&[u8]) -> Option<usize>,
    ) -> Result<Vec<u8>, Failure> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(end) = done(&self.pending) {
                return Ok(self.pending.drain(..end.min(self.pending.len())).collect());
            }
            if self.pending.len() > limit {
                return Err(Failure::TooLong {
                    expected: expected.to_owned(),
                    limit,
                });
            }
            if self.log.client_closed {
                return Err(Failure::ClientClosed {
                    expected: expected.to_owned(),
                });
            }
            match timeout_at(deadline, self.read_some()).await {
                Err(_) => {
                    return Err(Failure::Timeout {
                        expected: expected.to_owned(),
                        after: self.timeout,
                    });
                }
                Ok(Err(error)) => return Err(io_failure("reading", error)),
                Ok(Ok(_)) => {}
            }
        }
    }

    /// Reads one line from the client, with its ending.
    pub async fn read_line(&mut self) -> Result<Vec<u8>, Failure> {
        self.read_line_for("a line").await
    }

    async fn read_line_for(&mut self, expected: &str) -> Result<Vec<u8>, Failure> {
        self.read_to(expected, MAX_LINE, |pending| {
            crate::scan::find_byte(b'\n', pending).map(|lf| lf + 1)
        })
        .await
    }

    /// Reads until `terminator` has arrived, returning everything up to and including it.
    pub async fn read_until(&mut self, terminator: &[u8]) -> Result<Vec<u8>, Failure> {
        let expected = format!("data ending in \"{}\"", terminator.escape_ascii());
        self.read_to(&expected, MAX_READ, |pending| {
            if terminator.is_empty() {
                return Some(0);
            }
            pending
                .windows(terminator.len())
                .position(|window| window == terminator)
                .map(|at| at + terminator.len())
        })
        .await
    }

    /// Reads exactly `n` bytes.
    pub async fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, Failure> {
        let expected = format!("{n} bytes");
        self.read_to(&expected, n.min(MAX_READ), |pending| {
            (pending.len() >= n).then_some(n)
        })
        .await
    }

    /// Reads until the client closes; returns what came after the pending bytes.
    pub async fn read_until_close(&mut self) -> Result<Vec<u8>, Failure> {
        let deadline = Instant::now() + self.timeout;
        while !self.log.client_closed {
            if self.pending.len() > MAX_READ {
                return Err(Failure::TooLong {
                    expected: "the client to close".into(),
                    limit: MAX_READ,
                });
            }
            match timeout_at(deadline, self.read_some()).await {
                Err(_) => {
                    return Err(Failure::Timeout {
                        expected: "the client to close".into(),
                        after: self.timeout,
                    });
                }
                Ok(Err(error)) => return Err(io_failure("reading", error)),
                Ok(Ok(_)) => {}
            }
        }
        Ok(std::mem::take(&mut self.pending))
    }

    /// Starts TLS as the server. Refuses if the client already sent bytes that are not
    /// a TLS handshake.
    pub async fn starttls(&mut self, config: Arc<ServerConfig>) -> Result<(), Failure> {
        if !self.pending.is_empty() {
            return Err(Failure::PipelinedBeforeTls {
                bytes: self.pending.len(),
            });
        }
        let expected = "a TLS ClientHello";
        let MaybeTls::Plain(tcp) = &self.stream else {
            return Err(Failure::Tls {
                reason: "TLS is already up".into(),
            });
        };
        // Look before handing the socket to rustls: a client that hangs up or talks plain
        // text instead of starting TLS should be reported as such, with its bytes logged.
        let mut first = [0u8; 1];
        match timeout(self.timeout, tcp.peek(&mut first)).await {
            Err(_) => {
                return Err(Failure::Timeout {
                    expected: expected.into(),
                    after: self.timeout,
                });
            }
            Ok(Err(error)) if is_hangup(&error) => {
                self.log.client_closed = true;
                return Err(Failure::ClientClosed {
                    expected: expected.into(),
                });
            }
            Ok(Err(error)) => return Err(io_failure("waiting for a TLS ClientHello", error)),
            Ok(Ok(0)) => {
                self.log.client_closed = true;
                return Err(Failure::ClientClosed {
                    expected: expected.into(),
                });
            }
            Ok(Ok(_)) if first[0] != TLS_HANDSHAKE => {
                let _ = timeout(self.timeout, self.read_some()).await;
                return Err(Failure::Unexpected {
                    expected: expected.into(),
                    received: std::mem::take(&mut self.pending),
                });
            }
            Ok(Ok(_)) => {}
        }
        let MaybeTls::Plain(tcp) = std::mem::replace(&mut self.stream, MaybeTls::Gone) else {
            return Err(Failure::Tls {
                reason: "TLS is already up".into(),
            });
        };
        match timeout(self.timeout, TlsAcceptor::from(config).accept(tcp)).await {
            Err(_) => Err(Failure::Timeout {
                expected: "the TLS handshake to complete".into(),
                after: self.timeout,
            }),
            Ok(Err(error)) => Err(Failure::Tls {
                reason: error.to_string(),
            }),
            Ok(Ok(tls)) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                self.log.tls_established = true;
                Ok(())
            }
        }
    }

    /// Sends nothing for `pause`, or until the client hangs up; keeps what it sends.
    pub async fn stall(&mut self, pause: Duration) {
        let deadline = Instant::now() + pause;
        while !self.log.client_closed && self.pending.len() <= MAX_READ {
            match timeout_at(deadline, self.read_some()).await {
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => break,
            }
        }
        if !self.log.client_closed && self.pending.len() > MAX_READ {
            tokio::time::sleep_until(deadline).await;
        }
    }

    /// Ends the server's side: TLS close_notify and FIN, then reads until the client
    /// closes (bounded by the step timeout), so nothing it sends goes unlogged and the
    /// kernel has no unread data that would turn the close into a reset.
    pub async fn close(&mut self) {
        let _ = timeout(self.timeout, self.stream.shutdown()).await;
        let deadline = Instant::now() + self.timeout;
        while !self.log.client_closed && self.log.received.len() < MAX_READ {
            match timeout_at(deadline, self.read_some()).await {
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => break,
            }
        }
        self.stream = MaybeTls::Gone;
    }

    async fn send_forever(&mut self, chunk: &[u8], max_bytes: u64) {
        while self.log.sent < max_bytes {
            // A client that stops reading or hangs up ends the flood; that is what the
            // test is waiting for, not a failure.
            if self.send(chunk).await.is_err() {
                break;
            }
        }
    }

    async fn expect(
        &mut self,
        step: usize,
        expected: String,
        check: &(dyn Fn(&[u8]) -> bool + Send + Sync),
    ) -> Result<(), Failure> {
        let line = self.read_line_for(&expected).await?;
        let crlf = line.ends_with(b"\r\n");
        let content = line
            .strip_suffix(b"\r\n")
            .or_else(|| line.strip_suffix(b"\n"))
            .unwrap_or(&line);
        let matched = crlf && check(content);
        self.log.expectations.push(ExpectRecord {
            step,
            expected: expected.clone(),
            line: line.clone(),
            matched,
        });
        if matched {
            Ok(())
        } else {
            let expected = if crlf {
                expected
            } else {
                format!("{expected} ending in CRLF")
            };
            Err(Failure::Unexpected {
                expected,
                received: line,
            })
        }
    }

    pub(crate) async fn play(&mut self, number: usize, step: Step) -> Result<Flow, Failure> {
        match step {
            Step::Send(bytes) => self.send(&bytes).await?,
            Step::SendSlowly {
                bytes,
                piece,
                pause,
            } => {
                for (index, part) in bytes.chunks(piece).enumerate() {
                    if index > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    self.send(part).await?;
                }
            }
            Step::Expect { expected, check } => self.expect(number, expected, &*check).await?,
            Step::ReadUntil(terminator) => {
                self.read_until(&terminator).await?;
            }
            Step::StartTls(config) => self.starttls(config).await?,
            Step::SendAndStartTls(bytes, config) => {
                // One write, so the go-ahead and what follows it leave in one segment.
                self.send(&bytes).await?;
                self.starttls(config).await?;
            }
            Step::Stall(pause) => self.stall(pause).await,
            Step::Close => return Ok(Flow::End),
            Step::SendForever { chunk, max_bytes } => self.send_forever(&chunk, max_bytes).await,
            Step::ReadUntilClose => {
                self.read_until_close().await?;
            }
            Step::Handler(handler) => handler(self).await?,
        }
        Ok(Flow::Next)
    }
}
