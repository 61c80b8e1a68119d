//! A whole mail service in one call: [`MailServer`] (its documentation has the example)
//! and [`MailServerConfig`].

use core::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::{MailStore, ServerMode, StoreLimits};
use crate::limits::Limits;
use crate::testing::GeneratedTls;
use crate::testing::imap::{ImapServer, ImapServerConfig};
use crate::testing::smtp::{ReceivedMail, SmtpServer, SmtpServerConfig};

/// What a [`MailServer`] serves and how: mode, accounts, address, TLS and bounds.
///
/// `Debug` names the accounts and never shows their passwords or the TLS key.
#[derive(Clone)]
#[non_exhaustive]
pub struct MailServerConfig {
    mode: ServerMode,
    users: Vec<(String, String)>,
    listen: IpAddr,
    base_port: Option<u16>,
    hostname: String,
    tls: Option<(Arc<ServerConfig>, Option<String>)>,
    store_limits: StoreLimits,
    limits: Option<Limits>,
    max_sessions: Option<usize>,
    idle_timeout: Option<Duration>,
}

impl Default for MailServerConfig {
    fn default() -> Self {
        MailServerConfig {
            mode: ServerMode::Rfc,
            users: Vec::new(),
            listen: IpAddr::V4(Ipv4Addr::LOCALHOST),
            base_port: None,
            hostname: "localhost".into(),
            tls: None,
            store_limits: StoreLimits::default(),
            limits: None,
            max_sessions: None,
            idle_timeout: None,
        }
    }
}

impl fmt::Debug for MailServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("MailServerConfig")
            .field("mode", &self.mode)
            .field("users", &users)
            .field("listen", &self.listen)
            .field("base_port", &self.base_port)
            .field("hostname", &self.hostname)
            .field("tls", &self.tls.as_ref().map_or("generated", |_| "given"))
            .field("store_limits", &self.store_limits)
            .field("limits", &self.limits)
            .field("max_sessions", &self.max_sessions)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

impl MailServerConfig {
    /// An RFC server on 127.0.0.1 (ephemeral ports), with generated TLS and no accounts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves as a plain RFC server ([`ServerMode::Rfc`], the default) or as iCloud Mail
    /// does ([`ServerMode::Icloud`]: its folder names, capabilities and quirks, and a copy
    /// of each submission in the sender's `Sent Messages`).
    pub fn with_mode(mut self, mode: ServerMode) -> Self {
        self.mode = mode;
        self
    }

    /// Adds an account: `name` logs in to both protocols with `password`, and mail to
    /// `name` (as an address) lands in its INBOX.
    pub fn with_user(mut self, name: &str, password: &str) -> Self {
        self.users.push((name.to_owned(), password.to_owned()));
        self
    }

    /// Listens on `ip` (default 127.0.0.1), on ports the system picks.
    pub fn with_listen(mut self, ip: IpAddr) -> Self {
        self.listen = ip;
        self
    }

    /// Listens on four consecutive ports from `port`: SMTP submission, SMTP implicit
    /// TLS, IMAP implicit TLS, IMAP STARTTLS, in that order (default: ports the system
    /// picks).
    pub fn with_base_port(mut self, port: u16) -> Self {
        self.base_port = Some(port);
        self
    }

    /// The name both servers greet with (default `localhost`).
    pub fn with_hostname(mut self, hostname: &str) -> Self {
        self.hostname = hostname.to_owned();
        self
    }

    /// Presents this certificate instead of generating one; `ca_pem`, when given, is what
    /// [`MailServer::ca_pem`] and [`MailServer::client_tls`] hand to clients.
    pub fn with_tls(mut self, server: Arc<ServerConfig>, ca_pem: Option<String>) -> Self {
        self.tls = Some((server, ca_pem));
        self
    }

    /// Bounds on what the store holds: message size (also SMTP's SIZE), messages and
    /// bytes per mailbox, mailboxes per account.
    pub fn with_store_limits(mut self, limits: StoreLimits) -> Self {
        self.store_limits = limits;
        self
    }

    /// Bounds on command lines and literals for both protocols (default: each server's
    /// own).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Most sessions at once on each of the four ports (default: each server's own, 64).
    pub fn with_max_sessions(mut self, sessions: usize) -> Self {
        self.max_sessions = Some(sessions);
        self
    }

    /// How long a client may stay silent before it is logged out (default: SMTP 5
    /// minutes, IMAP 30 minutes, as RFC 5321 and RFC 3501 suggest).
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    fn smtp(&self, base: SmtpServerConfig, store: &MailStore) -> SmtpServerConfig {
        let mut config = base
            .with_hostname(self.hostname.clone())
            .with_store(store.clone());
        if let Some(limits) = self.limits {
            config = config.with_limits(limits);
        }
        if let Some(sessions) = self.max_sessions {
            config = config.with_max_connections(sessions);
        }
        if let Some(timeout) = self.idle_timeout {
            config = config.with_idle_timeout(timeout);
        }
        config
    }

    fn imap(&self, base: ImapServerConfig) -> ImapServerConfig {
        let mut config = base.with_hostname(self.hostname.clone());
        if let Some(limits) = self.limits {
            config = config.with_limits(limits);
        }
        if let Some(sessions) = self.max_sessions {
            config = config.with_max_sessions(sessions);
        }
        if let Some(timeout) = self.idle_timeout {
            config = config.with_idle_timeout(timeout);
        }
        config
    }

    /// The address of the `index`th listener (0 to 3).
    fn addr(&self, index: u16) -> io::Result<SocketAddr> {
        let port = match self.base_port {
            None => 0,
            Some(base) => base.checked_add(index).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "the mail server needs four ports from {base}, past 65535: choose a \
                         lower base port"
                    ),
                )
            })?,
        };
        Ok(SocketAddr::new(self.listen, port))
    }
}

/// A whole mail service in one call: SMTP submission and IMAP over one [`MailStore`], on
/// loopback, with TLS certificates made for it.
///
/// [`MailServer::start`] listens on four ports, as a real provider does:
///
/// | address | like | protocol |
/// | --- | --- | --- |
/// | [`smtp_submission_addr`](MailServer::smtp_submission_addr) | 587 | SMTP, STARTTLS required before AUTH and MAIL |
/// | [`smtp_tls_addr`](MailServer::smtp_tls_addr) | 465 | SMTP in implicit TLS |
/// | [`imap_tls_addr`](MailServer::imap_tls_addr) | 993 | IMAP in implicit TLS |
/// | [`imap_starttls_addr`](MailServer::imap_starttls_addr) | 143 | IMAP, STARTTLS required before login |
///
/// SMTP offers AUTH PLAIN and LOGIN, PIPELINING, SIZE (the store's message limit) and
/// 8BITMIME, and files what it accepts into the recipients' INBOX; IMAP serves the same
/// mailboxes, so a message sent on one port is read, and seen arriving in IDLE, on
/// another. Unless [`MailServerConfig::with_tls`] gives a certificate, a fresh CA and
/// server certificate are generated ([`GeneratedTls`]) and
/// [`client_tls`](MailServer::client_tls) trusts exactly that CA.
///
/// ```
/// use mailwire::imap::codec::types::SequenceSet;
/// use mailwire::imap::{ClientBuilder as ImapBuilder, FetchQuery};
/// use mailwire::message::{Mailbox, MessageBuilder};
/// use mailwire::net::TlsConfig;
/// use mailwire::sasl::Credentials;
/// use mailwire::security::Security;
/// use mailwire::smtp::ClientBuilder;
/// use mailwire::testing::mail::{MailServer, MailServerConfig};
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = MailServer::start(MailServerConfig::new().with_user("bob@mail.test", "pw"))
///     .await
///     .unwrap();
/// let tls = TlsConfig::custom(server.client_tls().unwrap());
///
/// let submission = server.smtp_submission_addr();
/// let mut smtp = ClientBuilder::new("localhost", submission.port())
///     .security(Security::StartTls)
///     .tls(tls.clone())
///     .credentials(Credentials::new("bob@mail.test", "pw").unwrap())
///     .connect()
///     .await
///     .unwrap();
/// let message = MessageBuilder::new()
///     .from(Mailbox::new("bob@mail.test").unwrap())
///     .to(Mailbox::new("bob@mail.test").unwrap())
///     .subject("hello")
///     .text_body("from SMTP to IMAP")
///     .build()
///     .unwrap();
/// smtp.send(&message).await.unwrap();
/// smtp.quit().await.unwrap();
///
/// let mut imap = ImapBuilder::new("localhost", server.imap_tls_addr().port())
///     .tls(tls)
///     .credentials(Credentials::new("bob@mail.test", "pw").unwrap())
///     .connect()
///     .await
///     .unwrap();
/// let inbox = imap.select("INBOX").await.unwrap();
/// assert_eq!(inbox.exists, 1);
/// let fetched = imap
///     .uid_fetch(&SequenceSet::single(1), &FetchQuery::new().body(&[]))
///     .await
///     .unwrap()
///     .collect()
///     .await
///     .unwrap();
/// assert_eq!(fetched[0].body(&[]), Some(message.as_bytes()));
/// imap.logout().await.unwrap();
/// server.shutdown().await;
/// # });
/// ```
///
/// Dropping it stops every listener and session, as [`shutdown`](Self::shutdown) does.
pub struct MailServer {
    store: MailStore,
    users: Vec<(String, String)>,
    ca_pem: Option<String>,
    client_tls: Option<Arc<ClientConfig>>,
    submission: SmtpServer,
    smtps: SmtpServer,
    imaps: ImapServer,
    imap: ImapServer,
}

impl fmt::Debug for MailServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("MailServer")
            .field("mode", &self.mode())
            .field("users", &users)
            .field("smtp_submission", &self.smtp_submission_addr())
            .field("smtp_tls", &self.smtp_tls_addr())
            .field("imap_tls", &self.imap_tls_addr())
            .field("imap_starttls", &self.imap_starttls_addr())
            .field("ca", &self.ca_pem.is_some())
            .finish()
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl MailServer {
    /// Makes the store and its accounts, the certificates unless given, and starts the
    /// four listeners. Fails when an account is refused (a name with CR, LF or NUL, or
    /// twice the same), certificates cannot be made, or a port cannot be bound.
    pub async fn start(config: MailServerConfig) -> io::Result<MailServer> {
        let store = MailStore::with_limits(config.mode, config.store_limits);
        for (name, password) in &config.users {
            store
                .add_user(name, password)
                .map_err(|error| invalid(format!("account {name:?}: {error}")))?;
        }
        let (tls, ca_pem, client_tls) = match &config.tls {
            Some((server, ca_pem)) => {
                let client = ca_pem.as_deref().map(trusting).transpose()?;
                (server.clone(), ca_pem.clone(), client)
            }
            None => {
                let generated = GeneratedTls::generate(&[])
                    .map_err(|error| io::Error::other(error.to_string()))?;
                (
                    generated.server_config(),
                    Some(generated.ca_pem().to_owned()),
                    Some(generated.client_config()),
                )
            }
        };
        // A failure part-way shuts down what did start, and waits for it: dropping alone
        // would free the ports only once the runtime next ran the aborted tasks.
        let mut started = Started::default();
        if let Err(error) = started.start_all(&config, &store, tls).await {
            started.shutdown().await;
            return Err(error);
        }
        let (Some(imap), Some(imaps), Some(smtps), Some(submission)) = (
            started.imap.pop(),
            started.imap.pop(),
            started.smtp.pop(),
            started.smtp.pop(),
        ) else {
            return Err(io::Error::other(
                "the mail server's listeners did not all start",
            ));
        };
        Ok(MailServer {
            store,
            users: config.users,
            ca_pem,
            client_tls,
            submission,
            smtps,
            imaps,
            imap,
        })
    }

    /// SMTP submission with STARTTLS required (like port 587).
    pub fn smtp_submission_addr(&self) -> SocketAddr {
        self.submission.addr()
    }

    /// SMTP in implicit TLS (like port 465).
    pub fn smtp_tls_addr(&self) -> SocketAddr {
        self.smtps.addr()
    }

    /// IMAP in implicit TLS (like port 993).
    pub fn imap_tls_addr(&self) -> SocketAddr {
        self.imaps.addr()
    }

    /// IMAP with STARTTLS required before login (like port 143).
    pub fn imap_starttls_addr(&self) -> SocketAddr {
        self.imap.addr()
    }

    /// The CA certificate (PEM) clients must trust: `Some` when the certificate was
    /// generated, or given with its CA.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// A rustls client configuration trusting only that CA (see [`ca_pem`](Self::ca_pem)).
    pub fn client_tls(&self) -> Option<Arc<ClientConfig>> {
        self.client_tls.clone()
    }

    /// The accounts as `(name, password)`, in the order they were configured.
    pub fn users(&self) -> &[(String, String)] {
        &self.users
    }

    /// The store both protocols serve: deliver into it, or look at what arrived.
    pub fn store(&self) -> &MailStore {
        &self.store
    }

    /// The mode the server was started in.
    pub fn mode(&self) -> ServerMode {
        self.store.mode()
    }

    /// Messages accepted on either SMTP port for recipients that are not accounts of the
    /// store (the most recent 1000 of each port), submission port first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        let mut received = self.submission.received();
        received.extend(self.smtps.received());
        received
    }

    /// Stops every listener and ends every session.
    pub async fn shutdown(self) {
        self.submission.shutdown().await;
        self.smtps.shutdown().await;
        self.imaps.shutdown().await;
        self.imap.shutdown().await;
    }
}

/// The listeners started so far, in the order of the ports.
#[derive(Default)]
struct Started {
    smtp: Vec<SmtpServer>,
    imap: Vec<ImapServer>,
}

impl Started {
    async fn start_all(
        &mut self,
        config: &MailServerConfig,
        store: &MailStore,
        tls: Arc<ServerConfig>,
    ) -> io::Result<()> {
        self.smtp.push(
            SmtpServer::start_at(
                config.addr(0)?,
                config.smtp(SmtpServerConfig::starttls(tls.clone()), store),
            )
            .await?,
        );
        self.smtp.push(
            SmtpServer::start_at(
                config.addr(1)?,
                config.smtp(SmtpServerConfig::implicit_tls(tls.clone()), store),
            )
            .await?,
        );
        self.imap.push(
            ImapServer::start_at(
                config.addr(2)?,
                config.imap(ImapServerConfig::implicit_tls(tls.clone())),
                store.clone(),
            )
            .await?,
        );
        self.imap.push(
            ImapServer::start_at(
                config.addr(3)?,
                config.imap(ImapServerConfig::starttls(tls)),
                store.clone(),
            )
            .await?,
        );
        Ok(())
    }

    async fn shutdown(self) {
        for server in self.smtp {
            server.shutdown().await;
        }
        for server in self.imap {
            server.shutdown().await;
        }
    }
}

/// A client configuration trusting only the certificates in `pem`.
fn trusting(pem: &str) -> io::Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        let certificate =
            certificate.map_err(|error| invalid(format!("the CA certificate PEM: {error}")))?;
        roots
            .add(certificate)
            .map_err(|error| invalid(format!("the CA certificate: {error}")))?;
    }
    if roots.is_empty() {
        return Err(invalid(
            "the CA PEM given with the certificate holds no \"-----BEGIN CERTIFICATE-----\" \
             block"
                .to_owned(),
        ));
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|error| io::Error::other(error.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}
