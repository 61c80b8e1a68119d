//! One client connection: plain TCP, implicit TLS, or plain upgraded by STARTTLS.
//!
//! Reading has two clocks. The read timeout bounds each wait for the next bytes (silence);
//! the response deadline bounds a whole response, however its bytes trickle in. The
//! deadline is state on the connection, opened with [`Connection::begin_response`] and
//! honoured by every [`fill`](Connection::fill) and [`read_line`](Connection::read_line)
//! until it is replaced or ended, rather than an `Instant` passed to each read: protocol
//! code asks for bytes from deep inside its parsers, and an IMAP client moves the deadline
//! in the middle of a response (a fixed one before each response, a longer one while a
//! literal streams) without threading it through every call. Being state also lets it be on
//! by default: a read with no response open opens one of [`Timeouts::response`].

use core::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWriteExt, BufReader, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::buffer::ReadBuffer;
use super::connect;
use super::error::NetError;
use super::options::{ConnectOptions, Timeouts};
use super::stream::MaybeTls;
use super::tls::describe;
use super::transcript::{Direction, Transcript};
use crate::limits::Limits;
use crate::scan::{LineError, next_line};

/// No configuration makes a connection hold more unread input than this.
pub const MAX_BUFFER: usize = 1 << 30;

/// How much ciphertext one read from the socket may take under TLS.
///
/// rustls asks its transport for at most 4 KiB at a time, so without a buffer beneath it a
/// full 16 KiB record costs four or five `recv` calls; a bulk FETCH spent more time in
/// those calls than in decrypting. 64 KiB takes several records per call.
const TLS_READ_CHUNK: usize = 64 * 1024;

/// TLS over a buffered socket. The buffer is created empty at the handshake, after the
/// plaintext phase (whose reads go straight to the socket, where the STARTTLS check in
/// [`Connection::upgrade`] sees every byte), and passes writes through unbuffered.
type TlsOverTcp = TlsStream<BufReader<TcpStream>>;

/// A connection to one server, for SMTP or IMAP alike: it reads into a bounded buffer the
/// protocol code parses from, writes under a timeout, and can be upgraded to TLS once.
pub struct Connection {
    stream: MaybeTls<TlsOverTcp>,
    host: String,
    port: u16,
    tls: Arc<ClientConfig>,
    timeouts: Timeouts,
    read_timeout: Duration,
    limits: Limits,
    buffer: ReadBuffer,
    transcript: Option<Box<dyn Transcript>>,
    broken_by: Option<&'static str>,
    response: Option<ResponseWindow>,
    /// Set by a TLS handshake until the first application bytes arrive: reads ask the
    /// kernel to acknowledge at once (see `connect::acknowledge_promptly`).
    acknowledge_promptly: bool,
}

/// The response being read: when it must be complete, and whether the caller opened it.
#[derive(Debug, Clone, Copy)]
struct ResponseWindow {
    /// `None` when the window is too long to end (`Duration::MAX`): no overall limit.
    deadline: Option<Instant>,
    /// The window's length, for the error.
    within: Duration,
    /// Opened by [`Connection::begin_response`]: it lasts until replaced or ended. One the
    /// connection opened itself ends with the next write, since what a peer sends after a
    /// command is the answer to that command.
    explicit: bool,
}

impl ResponseWindow {
    fn starting_now(within: Duration, explicit: bool) -> Self {
        ResponseWindow {
            deadline: Instant::now().checked_add(within),
            within,
            explicit,
        }
    }
}

impl Connection {
    /// Connects over plain TCP, trying every address `host` resolves to in turn, all
    /// within the connect timeout.
    pub async fn connect(
        host: &str,
        port: u16,
        options: &ConnectOptions,
    ) -> Result<Self, NetError> {
        let tcp = connect::open(host, port, options.timeouts.connect).await?;
        Ok(Self::from_tcp(tcp, host, port, options))
    }

    /// Connects and starts TLS at once (implicit TLS, as on ports 465 and 993). The
    /// certificate must be valid for `host` exactly as given, DNS name or IP address.
    pub async fn connect_tls(
        host: &str,
        port: u16,
        options: &ConnectOptions,
    ) -> Result<Self, NetError> {
        // A name TLS cannot check is refused before any packet is sent.
        server_name(host, port)?;
        let mut connection = Self::connect(host, port, options).await?;
        connection.handshake().await?;
        Ok(connection)
    }

    /// Wraps an already connected socket; `host` is the name TLS will verify.
    pub fn from_tcp(tcp: TcpStream, host: &str, port: u16, options: &ConnectOptions) -> Self {
        Connection {
            stream: MaybeTls::Plain(tcp),
            host: host.to_owned(),
            port,
            tls: options.tls.client_config().clone(),
            timeouts: options.timeouts,
            read_timeout: options.timeouts.read,
            limits: options.limits,
            buffer: ReadBuffer::default(),
            transcript: None,
            broken_by: None,
            response: None,
            acknowledge_promptly: false,
        }
    }

    /// Starts TLS on a plain connection (STARTTLS), after the server's go-ahead was read.
    ///
    /// Refuses with [`NetError::BufferedBeforeTls`] if any byte beyond the go-ahead has
    /// already arrived: a server (or an attacker) that sends more before TLS is trying to
    /// plant replies that would later look as if they came through TLS. That refusal, like
    /// a failed handshake, leaves the connection broken: the planted bytes are dropped
    /// unread, the socket is closed, and every later read or write fails with
    /// [`NetError::Broken`] saying why.
    pub async fn upgrade(&mut self) -> Result<(), NetError> {
        self.usable()?;
        if self.is_tls() {
            return Err(NetError::AlreadyTls {
                host: self.host.clone(),
                port: self.port,
            });
        }
        let bytes = self.buffer.len();
        if bytes > 0 {
            // A caller that ignored the error must not parse the planted bytes as a reply,
            // nor say anything more (a password, say) on the unprotected socket.
            self.buffer.consume(bytes);
            self.stream = MaybeTls::Gone;
            self.broken_by = Some(
                "a refused STARTTLS upgrade (bytes arrived between the server's go-ahead and \
                 TLS)",
            );
            return Err(NetError::BufferedBeforeTls {
                host: self.host.clone(),
                port: self.port,
                bytes,
            });
        }
        self.handshake().await
    }

    async fn handshake(&mut self) -> Result<(), NetError> {
        self.usable()?;
        let name = server_name(&self.host, self.port)?;
        let tcp = match std::mem::replace(&mut self.stream, MaybeTls::Gone) {
            MaybeTls::Plain(tcp) => tcp,
            other => {
                self.stream = other;
                return Err(NetError::AlreadyTls {
                    host: self.host.clone(),
                    port: self.port,
                });
            }
        };
        // From here on the socket belongs to the handshake; if it fails, nothing of the
        // connection is trustworthy any more.
        self.broken_by = Some("a failed TLS handshake");
        let connector = TlsConnector::from(self.tls.clone());
        let limit = self.timeouts.connect;
        let tcp = BufReader::with_capacity(TLS_READ_CHUNK, tcp);
        match timeout(limit, connector.connect(name, tcp)).await {
            Err(_) => Err(self.timeout("TLS handshake", limit)),
            Ok(Err(error)) => Err(self.io_error("TLS handshake", error)),
            Ok(Ok(tls)) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                self.broken_by = None;
                self.acknowledge_promptly = true;
                Ok(())
            }
        }
    }

    /// True once TLS is up, by implicit TLS or STARTTLS.
    pub fn is_tls(&self) -> bool {
        self.stream.is_tls()
    }

    /// The host as dialled.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port as dialled.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address actually connected to (one of those `host` resolved to).
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        match &self.stream {
            MaybeTls::Plain(tcp) => tcp.peer_addr().ok(),
            MaybeTls::Tls(tls) => tls.get_ref().0.get_ref().peer_addr().ok(),
            MaybeTls::Gone => None,
        }
    }

    /// The limits this connection enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The certificates the server presented, leaf first, once TLS is up.
    pub fn peer_certificates(&self) -> Option<&[CertificateDer<'static>]> {
        match &self.stream {
            MaybeTls::Tls(tls) => tls.get_ref().1.peer_certificates(),
            _ => None,
        }
    }

    /// The TLS version agreed with the server, once TLS is up.
    pub fn tls_version(&self) -> Option<rustls::ProtocolVersion> {
        match &self.stream {
            MaybeTls::Tls(tls) => tls.get_ref().1.protocol_version(),
            _ => None,
        }
    }

    /// Sets (or with `None` removes) the transcript hook.
    ///
    /// The hook runs inside every read and every write, on the task doing the I/O: the
    /// commands a client sends while closing (an SMTP `QUIT`, an IMAP `LOGOUT`) pass
    /// through it too. A slow hook slows the session and a blocking one stalls it, so keep
    /// it quick (copy the bytes, or hand them to a channel).
    pub fn set_transcript(&mut self, transcript: Option<Box<dyn Transcript>>) {
        self.transcript = transcript;
    }

    /// Changes how long a read may wait for the peer's next bytes. It bounds silence only;
    /// the response deadline ([`begin_response`](Self::begin_response)) bounds the whole
    /// response.
    pub fn set_read_timeout(&mut self, timeout: Duration) {
        self.read_timeout = timeout;
    }

    /// How long a read may wait for the peer's next bytes.
    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    /// Opens a response window: from now, the bytes being read must arrive within
    /// `within` in all, however they trickle in. Every [`fill`](Self::fill) and
    /// [`read_line`](Self::read_line) honours it, each still bounded by the read timeout
    /// too, until another `begin_response` replaces it or [`end_response`](Self::end_response)
    /// ends it; writes leave it in place. Past it, reads fail with
    /// [`NetError::ResponseTimeout`] until a new window is opened.
    ///
    /// An SMTP client opens one before each reply. An IMAP client opens a fixed one before
    /// each response and a longer one while a literal streams, then a fixed one again for
    /// the rest of the response. `Duration::MAX` opens a window with no overall limit (for
    /// waiting in IDLE), where only the read timeout applies.
    ///
    /// Without a window the connection opens one of [`Timeouts::response`] at the first
    /// read, and ends it at the next write: protection is on by default, one answer per
    /// command.
    pub fn begin_response(&mut self, within: Duration) {
        self.response = Some(ResponseWindow::starting_now(within, true));
    }

    /// Ends the response window: the next read opens one of [`Timeouts::response`] again.
    pub fn end_response(&mut self) {
        self.response = None;
    }

    /// When the response being read must be complete, if a window is open and has an end.
    pub fn response_deadline(&self) -> Option<std::time::Instant> {
        self.response
            .and_then(|window| window.deadline)
            .map(Instant::into_std)
    }

    /// Bytes read and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        self.buffer.unread()
    }

    /// Drops `n` bytes from the front of [`buffered`](Self::buffered) (all of them if
    /// fewer are there).
    pub fn consume(&mut self, n: usize) {
        self.buffer.consume(n);
    }

    /// Most unread bytes the buffer holds: `Limits::response_len`, but at least one
    /// longest line and at most [`MAX_BUFFER`].
    pub fn buffer_limit(&self) -> usize {
        let response = usize::try_from(self.limits.response_len).unwrap_or(usize::MAX);
        response
            .max(self.limits.line_len.saturating_add(2))
            .min(MAX_BUFFER)
    }

    /// Bytes the read buffer has allocated (never more than [`buffer_limit`](Self::buffer_limit)).
    pub fn buffer_allocated(&self) -> usize {
        self.buffer.allocated()
    }

    /// Reads at least one more byte into the buffer, waiting at most the read timeout and
    /// never past the response deadline (see [`begin_response`](Self::begin_response)).
    /// Returns how many arrived.
    pub async fn fill(&mut self) -> Result<usize, NetError> {
        self.usable()?;
        let timeouts = self.timeouts;
        let window = *self
            .response
            .get_or_insert_with(|| ResponseWindow::starting_now(timeouts.response, false));
        let (wait, deadline_first) = match window.deadline {
            None => (self.read_timeout, false),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(self.response_timeout(window.within));
                }
                if left < self.read_timeout {
                    (left, true)
                } else {
                    (self.read_timeout, false)
                }
            }
        };
        let limit = self.buffer_limit();
        let Some(room) = self.buffer.room(limit) else {
            return Err(NetError::BufferFull {
                host: self.host.clone(),
                port: self.port,
                limit,
            });
        };
        let acknowledge = std::mem::take(&mut self.acknowledge_promptly);
        let stream = &mut self.stream;
        let mut room = ReadBuf::new(room);
        let reading = std::future::poll_fn(|cx| {
            // Before every poll, not once: each wake-up may be for a session ticket, and
            // anything this side sent meanwhile (a TCP retransmission, say) puts the kernel
            // back into delaying its acknowledgements.
            if acknowledge && let MaybeTls::Tls(tls) = &*stream {
                connect::acknowledge_promptly(tls.get_ref().0.get_ref());
            }
            Pin::new(&mut *stream)
                .poll_read(cx, &mut room)
                .map_ok(|()| room.filled().len())
        });
        // A read that times out has taken nothing from the socket or from rustls, so the
        // connection stays usable (a client may wait again, as IDLE does).
        let read = match timeout(wait, reading).await {
            Err(_) if deadline_first => return Err(self.response_timeout(window.within)),
            Err(_) => return Err(self.timeout("reading", wait)),
            Ok(Err(error)) => return Err(self.io_error("reading", error)),
            Ok(Ok(read)) => read,
        };
        if read == 0 {
            return Err(NetError::Closed {
                host: self.host.clone(),
                port: self.port,
                operation: "reading",
            });
        }
        self.buffer.commit(read);
        if let Some(transcript) = self.transcript.as_mut() {
            transcript.record(Direction::Received, self.buffer.last(read));
        }
        Ok(read)
    }

    /// Reads one line (CRLF or bare LF) and returns it without its ending; refuses a line
    /// longer than `Limits::line_len`. Waits as [`fill`](Self::fill) does.
    pub async fn read_line(&mut self) -> Result<Vec<u8>, NetError> {
        self.usable()?;
        loop {
            match next_line(self.buffer.unread(), self.limits.line_len) {
                Ok(Some(line)) => {
                    let content = line.content.to_vec();
                    let consumed = line.consumed;
                    self.buffer.consume(consumed);
                    return Ok(content);
                }
                Ok(None) => {
                    self.fill().await?;
                }
                Err(LineError::TooLong { limit }) => {
                    return Err(NetError::LineTooLong {
                        host: self.host.clone(),
                        port: self.port,
                        limit,
                    });
                }
            }
        }
    }

    /// Writes and flushes `bytes` within the write timeout; the transcript sees them.
    /// Ends a response window the connection opened by itself (not one opened with
    /// [`begin_response`](Self::begin_response)).
    pub async fn write_all(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        self.usable()?;
        if let Some(transcript) = self.transcript.as_mut() {
            transcript.record(Direction::Sent, bytes);
        }
        self.send(bytes).await
    }

    /// Writes `bytes` (a password, an AUTH payload) while the transcript sees `redacted`;
    /// otherwise as [`write_all`](Self::write_all).
    pub async fn write_secret(&mut self, bytes: &[u8], redacted: &[u8]) -> Result<(), NetError> {
        self.usable()?;
        if let Some(transcript) = self.transcript.as_mut() {
            transcript.record(Direction::Sent, redacted);
        }
        self.send(bytes).await
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        if self.response.is_some_and(|window| !window.explicit) {
            self.response = None;
        }
        let limit = self.timeouts.write;
        let stream = &mut self.stream;
        let written = timeout(limit, async {
            stream.write_all(bytes).await?;
            // rustls may hold the last records until flushed.
            stream.flush().await
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Err(_) => {
                // Part of the bytes may be out: the peer's view of the stream is unknown.
                self.broken_by = Some("a write that timed out");
                Err(self.timeout("writing", limit))
            }
            Ok(Err(error)) => {
                self.broken_by = Some("a failed write");
                Err(self.io_error("writing", error))
            }
        }
    }

    /// Pushes out anything written but held back, within the write timeout.
    pub async fn flush(&mut self) -> Result<(), NetError> {
        self.usable()?;
        let limit = self.timeouts.write;
        match timeout(limit, self.stream.flush()).await {
            Ok(Ok(())) => Ok(()),
            Err(_) => Err(self.timeout("flushing", limit)),
            Ok(Err(error)) => Err(self.io_error("flushing", error)),
        }
    }

    /// Ends the connection politely: TLS close_notify, then TCP shutdown, within the
    /// write timeout.
    pub async fn shutdown(&mut self) -> Result<(), NetError> {
        self.usable()?;
        let limit = self.timeouts.write;
        match timeout(limit, self.stream.shutdown()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) if error.kind() == io::ErrorKind::NotConnected => Ok(()),
            Err(_) => Err(self.timeout("shutting down", limit)),
            Ok(Err(error)) => Err(self.io_error("shutting down", error)),
        }
    }

    fn usable(&self) -> Result<(), NetError> {
        match self.broken_by {
            Some(cause) => Err(NetError::Broken {
                host: self.host.clone(),
                port: self.port,
                cause,
            }),
            None => Ok(()),
        }
    }

    fn response_timeout(&self, after: Duration) -> NetError {
        NetError::ResponseTimeout {
            host: self.host.clone(),
            port: self.port,
            after,
        }
    }

    fn timeout(&self, operation: &'static str, after: Duration) -> NetError {
        NetError::Timeout {
            host: self.host.clone(),
            port: self.port,
            operation,
            after,
        }
    }

    fn io_error(&self, operation: &'static str, error: io::Error) -> NetError {
        let host = self.host.clone();
        let port = self.port;
        let kind = error.kind();
        if error
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            if let Some(Ok(tls)) = error
                .into_inner()
                .map(|inner| inner.downcast::<rustls::Error>())
            {
                let (kind, reason) = describe(&tls, &host);
                return NetError::Tls {
                    host,
                    port,
                    kind,
                    reason,
                    source: Some(*tls),
                };
            }
            return NetError::Io {
                host,
                port,
                operation,
                source: io::Error::from(kind),
            };
        }
        match kind {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => NetError::Closed {
                host,
                port,
                operation,
            },
            _ => NetError::Io {
                host,
                port,
                operation,
                source: error,
            },
        }
    }
}

fn server_name(host: &str, port: u16) -> Result<ServerName<'static>, NetError> {
    ServerName::try_from(host.to_owned()).map_err(|_| NetError::InvalidServerName {
        host: host.to_owned(),
        port,
    })
}

impl fmt::Debug for Connection {
    // Buffered bytes may hold secrets or mail: only their count is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.is_tls())
            .field("buffered_len", &self.buffer.len())
            .field("read_timeout", &self.read_timeout)
            .field("response", &self.response)
            .field("timeouts", &self.timeouts)
            .field("limits", &self.limits)
            .field("transcript", &self.transcript.is_some())
            .field("broken_by", &self.broken_by)
            .finish()
    }
}
