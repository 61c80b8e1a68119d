//! The listener, the mail it has taken, and waiting for mail.

use core::fmt;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::config::SmtpServerConfig;
use super::session;
use crate::testing::accept::accept_loop;

/// One message the server accepted (answered `250 ... queued`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedMail {
    /// The `MAIL FROM` address without angle brackets; empty for the null sender `<>`.
    pub sender: String,
    /// The accepted `RCPT TO` addresses, in order, without angle brackets.
    pub recipients: Vec<String>,
    /// The message as sent: dot-stuffing removed, CRLF line ends, without the final
    /// `.` line (for BDAT, the chunks joined).
    pub data: Vec<u8>,
    /// The user the client authenticated as, if it did.
    pub authenticated_as: Option<String>,
    /// True if the message came over TLS (implicit or STARTTLS).
    pub tls: bool,
    /// The `MAIL FROM` parameters, keywords upper-cased (`SIZE`, `BODY`, `SMTPUTF8`...).
    pub params: Vec<(String, Option<String>)>,
}

impl ReceivedMail {
    /// The message as text, with any invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// [`SmtpServer::wait_for`] gave up: fewer messages arrived than were awaited.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitTimeout {
    /// How many messages were awaited.
    pub wanted: usize,
    /// How long.
    pub after: Duration,
    /// The messages that did arrive.
    pub received: Vec<ReceivedMail>,
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the test SMTP server received {} of the {} messages awaited within {:?}; check the \
             client's transcript for a refused command",
            self.received.len(),
            self.wanted,
            self.after
        )
    }
}

impl std::error::Error for WaitTimeout {}

#[derive(Default)]
struct Mailbox {
    mails: Vec<ReceivedMail>,
    waiters: Vec<Waker>,
}

/// How many messages a server with a store keeps for `received()` (those with recipients
/// outside the store), the oldest dropped first.
const KEPT_WITH_STORE: usize = 1000;

/// What every session of one server shares.
pub(super) struct Shared {
    pub(super) config: SmtpServerConfig,
    mailbox: Mutex<Mailbox>,
    last_queue_id: AtomicU64,
}

impl Shared {
    fn mailbox(&self) -> MutexGuard<'_, Mailbox> {
        // A session that panicked while holding the lock left the list whole (pushes are
        // the only change), so its contents are still good.
        self.mailbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn new(config: SmtpServerConfig) -> Self {
        Shared {
            config,
            mailbox: Mutex::default(),
            last_queue_id: AtomicU64::new(0),
        }
    }

    /// A fresh queue id for an accepted message.
    pub(super) fn next_queue_id(&self) -> u64 {
        self.last_queue_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Keeps `mail` and wakes whoever waits for mail; returns its queue id.
    pub(super) fn keep(&self, mail: ReceivedMail) -> u64 {
        let id = self.next_queue_id();
        // A server with a store may serve for days (`mailwire serve`, a fuzzer): what it
        // keeps for `received()` besides the store is bounded. Without one, a test wants
        // every message back.
        let bound = self.config.store.as_ref().map(|_| KEPT_WITH_STORE);
        let waiters = {
            let mut mailbox = self.mailbox();
            mailbox.mails.push(mail);
            if let Some(bound) = bound {
                let excess = mailbox.mails.len().saturating_sub(bound);
                mailbox.mails.drain(..excess);
            }
            std::mem::take(&mut mailbox.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
        id
    }
}

/// A real SMTP submission server on loopback, for tests and demos.
///
/// It serves any number of connections at once (up to the configured maximum) until it
/// is dropped or [shut down](Self::shutdown), and keeps every message it accepts. See the
/// [module documentation](super) for an example.
pub struct SmtpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpServer")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .field("received", &self.shared.mailbox().mails.len())
            .finish()
    }
}

impl SmtpServer {
    /// Listens on an ephemeral port of 127.0.0.1 and serves in a tokio task.
    pub async fn start(config: SmtpServerConfig) -> io::Result<Self> {
        Self::start_at(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Like [`start`](Self::start), on a chosen address (say `[::1]:0`).
    pub async fn start_at(addr: SocketAddr, config: SmtpServerConfig) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let task = tokio::spawn(accept_all(listener, shared.clone()));
        Ok(SmtpServer {
            addr,
            shared,
            task: Some(task),
        })
    }

    /// The port clients should dial.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message accepted so far, in the order the server accepted them.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.shared.mailbox().mails.clone()
    }

    /// Waits until at least `count` messages have been accepted, for `within` at most, and
    /// returns all of them.
    pub async fn wait_for(
        &self,
        count: usize,
        within: Duration,
    ) -> Result<Vec<ReceivedMail>, WaitTimeout> {
        let arrived = poll_fn(|cx| {
            let mut mailbox = self.shared.mailbox();
            if mailbox.mails.len() >= count {
                return Poll::Ready(mailbox.mails.clone());
            }
            if !mailbox
                .waiters
                .iter()
                .any(|waiter| waiter.will_wake(cx.waker()))
            {
                mailbox.waiters.push(cx.waker().clone());
            }
            Poll::Pending
        });
        tokio::time::timeout(within, arrived)
            .await
            .map_err(|_| WaitTimeout {
                wanted: count,
                after: within,
                received: self.received(),
            })
    }

    /// Serves one SMTP session over `stream` (no socket, no listener) until QUIT, a fatal
    /// error or the end of the input: for fuzzing the server and for tests in one
    /// process. With [`implicit_tls`](SmtpServerConfig::implicit_tls) the session starts
    /// with a TLS handshake over the stream. Mail goes where the configuration says (its
    /// store); none is kept for [`received`](Self::received), there being no server.
    ///
    /// ```
    /// use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let (mut client, server) = tokio::io::duplex(4096);
    /// client.write_all(b"EHLO fuzz\r\nNOOP\r\nQUIT\r\n").await.unwrap();
    /// let config = SmtpServerConfig::plaintext();
    /// SmtpServer::serve_stream(&config, server).await.unwrap();
    /// let mut replies = String::new();
    /// client.read_to_string(&mut replies).await.unwrap();
    /// assert!(replies.starts_with("220 localhost ESMTP"));
    /// assert!(replies.ends_with("250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n"));
    /// # });
    /// ```
    pub async fn serve_stream<'a, S>(config: &SmtpServerConfig, stream: S) -> io::Result<()>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'a,
    {
        let shared = Shared::new(config.clone());
        session::serve(stream, &shared, true).await;
        Ok(())
    }

    /// Stops listening and ends every connection at once (clients see the connection
    /// close), then returns the messages accepted.
    pub async fn shutdown(mut self) -> Vec<ReceivedMail> {
        if let Some(task) = self.task.take() {
            task.abort();
            // Aborted (or, impossibly, finished): either way the sessions are gone.
            let _ = task.await;
        }
        self.received()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_all(listener: TcpListener, shared: Arc<Shared>) {
    let max_sessions = shared.config.max_connections;
    let session = |admitted: bool| {
        let shared = shared.clone();
        move |tcp: TcpStream| {
            let shared = shared.clone();
            async move { session::serve(tcp, &shared, admitted).await }
        }
    };
    accept_loop(listener, max_sessions, session(true), session(false)).await;
}
