//! What the test server offers and what it refuses.

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;

use crate::limits::Limits;
use crate::smtp::codec::OwnedReply;
use crate::testing::mail::MailStore;

pub use crate::security::Security;

type RecipientPolicy = Arc<dyn Fn(&str) -> Option<OwnedReply> + Send + Sync>;

/// Everything an [`SmtpServer`](super::SmtpServer) offers, requires and refuses.
///
/// Start from [`plaintext`](Self::plaintext), [`starttls`](Self::starttls) or
/// [`implicit_tls`](Self::implicit_tls) and change what the test needs:
///
/// ```
/// use mailwire::testing::demo::demo_server_config;
/// use mailwire::testing::smtp::{Security, SmtpServerConfig};
///
/// let config = SmtpServerConfig::starttls(demo_server_config())
///     .with_hostname("smtp.example.test")
///     .with_user("alice@example.test", "app-password")
///     .with_size_limit(10_000_000)
///     .reject_recipient("nobody@example.test");
/// assert_eq!(config.security(), Security::StartTls);
/// assert!(!format!("{config:?}").contains("app-password"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SmtpServerConfig {
    pub(super) security: Security,
    pub(super) tls: Option<Arc<ServerConfig>>,
    pub(super) hostname: String,
    pub(super) users: Vec<(String, String)>,
    pub(super) mechanisms: Vec<String>,
    pub(super) size_limit: Option<u64>,
    pub(super) pipelining: bool,
    pub(super) eight_bit_mime: bool,
    pub(super) smtp_utf8: bool,
    pub(super) enhanced_status_codes: bool,
    pub(super) chunking: bool,
    pub(super) rejected_recipients: Vec<String>,
    pub(super) recipient_policy: Option<RecipientPolicy>,
    pub(super) data_reply: Option<OwnedReply>,
    pub(super) max_connections: usize,
    pub(super) limits: Limits,
    pub(super) idle_timeout: Duration,
    pub(super) store: Option<MailStore>,
}

impl Default for SmtpServerConfig {
    fn default() -> Self {
        SmtpServerConfig {
            security: Security::Plaintext,
            tls: None,
            hostname: "localhost".into(),
            users: Vec::new(),
            mechanisms: vec!["PLAIN".into(), "LOGIN".into()],
            size_limit: None,
            pipelining: true,
            eight_bit_mime: true,
            smtp_utf8: true,
            enhanced_status_codes: true,
            chunking: false,
            rejected_recipients: Vec::new(),
            recipient_policy: None,
            data_reply: None,
            max_connections: 64,
            limits: Limits::default(),
            idle_timeout: Duration::from_secs(5 * 60),
            store: None,
        }
    }
}

impl fmt::Debug for SmtpServerConfig {
    // Passwords are not shown, only whose they are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(user, _)| user.as_str()).collect();
        f.debug_struct("SmtpServerConfig")
            .field("security", &self.security)
            .field("hostname", &self.hostname)
            .field("users", &users)
            .field("mechanisms", &self.mechanisms)
            .field("size_limit", &self.size_limit)
            .field("pipelining", &self.pipelining)
            .field("eight_bit_mime", &self.eight_bit_mime)
            .field("smtp_utf8", &self.smtp_utf8)
            .field("enhanced_status_codes", &self.enhanced_status_codes)
            .field("chunking", &self.chunking)
            .field("rejected_recipients", &self.rejected_recipients)
            .field("recipient_policy", &self.recipient_policy.is_some())
            .field("data_reply", &self.data_reply)
            .field("max_connections", &self.max_connections)
            .field("limits", &self.limits)
            .field("idle_timeout", &self.idle_timeout)
            .field("store", &self.store)
            .finish()
    }
}

impl SmtpServerConfig {
    /// A server without TLS: no STARTTLS, and AUTH (when users are set) offered in clear.
    pub fn plaintext() -> Self {
        Self::default()
    }

    /// A server that offers STARTTLS with `tls` and requires it before AUTH and MAIL.
    pub fn starttls(tls: Arc<ServerConfig>) -> Self {
        SmtpServerConfig {
            security: Security::StartTls,
            tls: Some(tls),
            ..Self::default()
        }
    }

    /// A server that starts TLS with `tls` as soon as a client connects.
    pub fn implicit_tls(tls: Arc<ServerConfig>) -> Self {
        SmtpServerConfig {
            security: Security::ImplicitTls,
            tls: Some(tls),
            ..Self::default()
        }
    }

    /// How connections are protected.
    pub fn security(&self) -> Security {
        self.security
    }

    /// The name in the greeting and the EHLO reply (default `localhost`).
    pub fn with_hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = hostname.into();
        self
    }

    /// Adds an account. With at least one, AUTH is offered (after TLS, unless the server is
    /// plaintext) and MAIL is refused until the client has authenticated.
    pub fn with_user(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.users.push((user.into(), password.into()));
        self
    }

    /// The SASL mechanisms advertised, in order (default `PLAIN LOGIN`). PLAIN and LOGIN
    /// work; any other name is advertised but answered `504 5.5.4`, to test a client's
    /// fallback.
    pub fn with_mechanisms(mut self, mechanisms: &[&str]) -> Self {
        self.mechanisms = mechanisms
            .iter()
            .map(|name| name.to_ascii_uppercase())
            .collect();
        self
    }

    /// Advertises `SIZE limit`, refuses `MAIL ... SIZE=` above it and any message that
    /// turns out larger, with `552 5.3.4`. Without it SIZE is not advertised and messages
    /// are bounded by `Limits::response_len` only.
    pub fn with_size_limit(mut self, bytes: u64) -> Self {
        self.size_limit = Some(bytes);
        self
    }

    /// Advertises PIPELINING (default on). Commands are answered in order either way.
    pub fn with_pipelining(mut self, on: bool) -> Self {
        self.pipelining = on;
        self
    }

    /// Advertises 8BITMIME and accepts `BODY=8BITMIME` (default on).
    pub fn with_8bitmime(mut self, on: bool) -> Self {
        self.eight_bit_mime = on;
        self
    }

    /// Advertises SMTPUTF8 and accepts UTF-8 addresses after `MAIL ... SMTPUTF8` (default
    /// on).
    pub fn with_smtputf8(mut self, on: bool) -> Self {
        self.smtp_utf8 = on;
        self
    }

    /// Advertises ENHANCEDSTATUSCODES and writes codes such as `5.7.8` in replies (default
    /// on).
    pub fn with_enhanced_status_codes(mut self, on: bool) -> Self {
        self.enhanced_status_codes = on;
        self
    }

    /// Advertises CHUNKING and accepts BDAT (default off).
    pub fn with_chunking(mut self, on: bool) -> Self {
        self.chunking = on;
        self
    }

    /// Refuses this recipient (any case) with `550 5.1.1 <address>: Recipient address
    /// rejected: User unknown`.
    pub fn reject_recipient(mut self, address: impl Into<String>) -> Self {
        self.rejected_recipients.push(address.into());
        self
    }

    /// Asks `policy` about every recipient not already refused by
    /// [`reject_recipient`](Self::reject_recipient): `Some(reply)` refuses it with that
    /// reply, `None` accepts it.
    pub fn with_recipient_policy(
        mut self,
        policy: impl Fn(&str) -> Option<OwnedReply> + Send + Sync + 'static,
    ) -> Self {
        self.recipient_policy = Some(Arc::new(policy));
        self
    }

    /// Answers every complete message with `reply` instead of `250 ... queued`, and keeps
    /// none of them. A 2xx reply here would tell clients a message was taken when it was
    /// not; use 4xx or 5xx.
    pub fn fail_data_with(mut self, reply: OwnedReply) -> Self {
        self.data_reply = Some(reply);
        self
    }

    /// Most connections served at once (default 64); more are greeted with `421 4.7.0`
    /// and closed.
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    /// Bounds on command lines (`line_len`) and on message data (`response_len`: what a
    /// peer may send in one piece).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long the server waits for a whole command, for each read of message data,
    /// and for each write, before it says `421 4.4.2` and closes (default 5 minutes).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Delivers accepted mail into `store`: each recipient that names one of its accounts
    /// (in any case) gets the message in its INBOX, and in iCloud mode the sender's
    /// account also gets a copy, marked `\Seen`, in `Sent Messages`, as iCloud files what
    /// is submitted through it. A recipient in an account's domain that names no account
    /// is refused at RCPT (`550 5.1.1`); recipients in other domains are kept in
    /// [`received`](super::SmtpServer::received) as without a store (the most recent
    /// 1000 messages). The store's accounts can authenticate, besides any
    /// [`with_user`](Self::with_user), and its message size limit bounds SIZE.
    ///
    /// ```
    /// use mailwire::testing::mail::{MailStore, ServerMode};
    /// use mailwire::testing::smtp::SmtpServerConfig;
    ///
    /// let store = MailStore::new(ServerMode::Rfc);
    /// store.add_user("bob@example.test", "secret").unwrap();
    /// let config = SmtpServerConfig::plaintext().with_store(store.clone());
    /// assert!(format!("{config:?}").contains("bob@example.test"));
    /// assert!(!format!("{config:?}").contains("secret"));
    /// ```
    pub fn with_store(mut self, store: MailStore) -> Self {
        self.store = Some(store);
        self
    }

    /// The store accepted mail is delivered into, if any.
    pub fn store(&self) -> Option<&MailStore> {
        self.store.as_ref()
    }

    /// The largest message accepted, in bytes.
    pub(super) fn message_limit(&self) -> u64 {
        let limit = self.size_limit.map_or(self.limits.response_len, |size| {
            size.min(self.limits.response_len)
        });
        match &self.store {
            Some(store) => limit.min(store.limits().message_size),
            None => limit,
        }
    }

    /// The SIZE announced in EHLO: the configured one, or the store's bound.
    pub(super) fn announced_size(&self) -> Option<u64> {
        match (self.size_limit, &self.store) {
            (None, None) => None,
            _ => Some(self.message_limit()),
        }
    }

    /// True when AUTH is part of the service at all.
    pub(super) fn auth_enabled(&self) -> bool {
        !self.users.is_empty() || self.store.is_some()
    }

    /// The account `user` logs in to with `password`: one of the configured users, or an
    /// account of the store.
    pub(super) fn login(&self, user: &str, password: &str) -> Option<String> {
        let configured = self
            .users
            .iter()
            .any(|(known_user, known_password)| known_user == user && known_password == password);
        if configured {
            return Some(user.to_owned());
        }
        self.store
            .as_ref()
            .and_then(|store| store.check_login(user, password))
    }
}
