//! The listener: sessions on loopback, a bound on how many run at once, and one session
//! over any stream for fuzzing and in-process tests.

use core::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::config::ImapServerConfig;
use super::session::{Session, turn_away};
use crate::testing::mail::MailStore;

/// An IMAP server on loopback over a [`MailStore`], for tests and demos.
///
/// It serves every connection in its own task until it is dropped or
/// [shut down](Self::shutdown). See the [module documentation](super) for an example.
pub struct ImapServer {
    addr: SocketAddr,
    config: Arc<ImapServerConfig>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for ImapServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapServer")
            .field("addr", &self.addr)
            .field("config", &self.config)
            .finish()
    }
}

impl ImapServer {
    /// Listens on an ephemeral port of 127.0.0.1 and serves `store` in a tokio task.
    pub async fn start(config: ImapServerConfig, store: MailStore) -> io::Result<ImapServer> {
        Self::start_at(SocketAddr::from(([127, 0, 0, 1], 0)), config, store).await
    }

    /// Like [`start`](Self::start), on a chosen address (`[::1]:0`, a fixed port).
    pub async fn start_at(
        addr: SocketAddr,
        config: ImapServerConfig,
        store: MailStore,
    ) -> io::Result<ImapServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let config = Arc::new(config);
        let task = tokio::spawn(accept_all(listener, config.clone(), store));
        Ok(ImapServer {
            addr,
            config,
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

    /// Stops listening and ends every session at once.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // Aborted (or, impossibly, finished): either way the sessions are gone.
            let _ = task.await;
        }
    }

    /// Serves one session over `stream` (no socket needed) until the client logs out, the
    /// input ends, or a time-out passes. With an implicit-TLS configuration the stream
    /// must start with the client's TLS handshake.
    pub async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin + Send>(
        config: &ImapServerConfig,
        store: &MailStore,
        stream: S,
    ) -> io::Result<()> {
        Session::new(config, store, stream).run().await;
        Ok(())
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A session counted against the maximum until dropped.
struct Admission(Arc<AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn admit(active: &Arc<AtomicUsize>, limit: usize) -> Option<Admission> {
    active
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
            (now < limit).then_some(now + 1)
        })
        .ok()
        .map(|_| Admission(active.clone()))
}

async fn accept_all(listener: TcpListener, config: Arc<ImapServerConfig>, store: MailStore) {
    // Aborting this task drops the set, which aborts every session in it.
    let mut sessions = JoinSet::new();
    let active = Arc::new(AtomicUsize::new(0));
    let refusing = Arc::new(AtomicUsize::new(0));
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of file descriptors, or a reset before accept: wait a little rather
                // than spin, then go on.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        while sessions.try_join_next().is_some() {}
        let _ = tcp.set_nodelay(true);
        let config = config.clone();
        let store = store.clone();
        match admit(&active, config.max_sessions) {
            Some(admission) => {
                sessions.spawn(async move {
                    let _admission = admission;
                    let _ = ImapServer::serve_stream(&config, &store, tcp).await;
                });
            }
            // Saying BYE is bounded too: past as many refusals in flight as sessions, a
            // flood of connections is closed without a word.
            None => {
                if let Some(refusal) = admit(&refusing, config.max_sessions.max(1)) {
                    sessions.spawn(async move {
                        let _refusal = refusal;
                        turn_away(&config, tcp).await;
                    });
                }
            }
        }
    }
}
