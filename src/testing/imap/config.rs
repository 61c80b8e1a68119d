//! What the IMAP test server offers: TLS mode, host name, limits and time-outs.

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;

use crate::limits::Limits;
pub use crate::security::Security;

/// How an [`ImapServer`](super::ImapServer) (or one [`serve_stream`] session) behaves on the
/// wire. The accounts and the server mode come from the [`MailStore`] it serves.
///
/// [`serve_stream`]: super::ImapServer::serve_stream
/// [`MailStore`]: crate::testing::mail::MailStore
///
/// ```
/// use std::time::Duration;
/// use mailwire::testing::demo::demo_server_config;
/// use mailwire::testing::imap::ImapServerConfig;
///
/// let config = ImapServerConfig::starttls(demo_server_config())
///     .with_hostname("imap.example.test")
///     .with_max_sessions(8)
///     .with_idle_timeout(Duration::from_secs(60));
/// assert!(format!("{config:?}").contains("imap.example.test"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ImapServerConfig {
    pub(super) security: Security,
    pub(super) tls: Option<Arc<ServerConfig>>,
    pub(super) hostname: String,
    pub(super) limits: Limits,
    pub(super) max_sessions: usize,
    pub(super) idle_timeout: Duration,
    pub(super) write_timeout: Duration,
}

impl fmt::Debug for ImapServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The TLS configuration holds the private key: only whether there is one shows.
        f.debug_struct("ImapServerConfig")
            .field("security", &self.security)
            .field("tls", &self.tls.is_some())
            .field("hostname", &self.hostname)
            .field("limits", &self.limits)
            .field("max_sessions", &self.max_sessions)
            .field("idle_timeout", &self.idle_timeout)
            .field("write_timeout", &self.write_timeout)
            .finish()
    }
}

impl Default for ImapServerConfig {
    fn default() -> Self {
        ImapServerConfig {
            security: Security::Plaintext,
            tls: None,
            hostname: "localhost".into(),
            // A command line of 64 KiB holds any sensible SEARCH or UID set; literals (APPEND)
            // are bounded here and again by the store's message size.
            limits: Limits::default()
                .with_literal_len(64 << 20)
                .with_response_len(80 << 20),
            max_sessions: 64,
            // RFC 3501 §5.4: an autologout timer of at least 30 minutes.
            idle_timeout: Duration::from_secs(30 * 60),
            write_timeout: Duration::from_secs(60),
        }
    }
}

impl ImapServerConfig {
    /// A server without TLS that lets clients log in in clear text (for tests only).
    pub fn plaintext() -> Self {
        Self::default()
    }

    /// A server that offers STARTTLS with `tls` and refuses LOGIN and AUTHENTICATE before it
    /// (`LOGINDISABLED`, `NO [PRIVACYREQUIRED]`), like port 143 should.
    pub fn starttls(tls: Arc<ServerConfig>) -> Self {
        ImapServerConfig {
            security: Security::StartTls,
            tls: Some(tls),
            ..Self::default()
        }
    }

    /// A server that starts TLS with `tls` as soon as a client connects, like port 993.
    pub fn implicit_tls(tls: Arc<ServerConfig>) -> Self {
        ImapServerConfig {
            security: Security::ImplicitTls,
            tls: Some(tls),
            ..Self::default()
        }
    }

    /// This configuration with another host name (shown in the greeting).
    pub fn with_hostname(mut self, name: impl Into<String>) -> Self {
        self.hostname = name.into();
        self
    }

    /// This configuration with other bounds on command lines and literals.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// This configuration serving at most `n` sessions at once; the next client gets
    /// `* BYE Too many connections` and is closed.
    pub fn with_max_sessions(mut self, n: usize) -> Self {
        self.max_sessions = n;
        self
    }

    /// This configuration logging out a client that sends nothing for `d` (30 minutes by
    /// default), with `* BYE Autologout; idle for too long`. It also bounds how long a
    /// command may take to arrive whole and how long a write may wait.
    pub fn with_idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = d;
        self.write_timeout = self.write_timeout.min(d);
        self
    }

    /// The TLS mode.
    pub fn security(&self) -> Security {
        self.security
    }

    /// The bounds on command lines and literals.
    pub fn limits(&self) -> Limits {
        self.limits
    }
}
