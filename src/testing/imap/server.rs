//! The listener: sessions on loopback, a bound on how many run at once, and one session
//! over any stream for fuzzing and in-process tests.

use core::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::config::ImapServerConfig;
use super::session::{Session, turn_away};
use crate::testing::accept::accept_loop;
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

async fn accept_all(listener: TcpListener, config: Arc<ImapServerConfig>, store: MailStore) {
    let max_sessions = config.max_sessions;
    let serve = |tcp: TcpStream| {
        let (config, store) = (config.clone(), store.clone());
        async move {
            let _ = ImapServer::serve_stream(&config, &store, tcp).await;
        }
    };
    let refuse = |tcp: TcpStream| {
        let config = config.clone();
        async move { turn_away(&config, tcp).await }
    };
    accept_loop(listener, max_sessions, serve, refuse).await;
}
