//! How an IMAP client connects: server, TLS mode, credentials, deadlines, limits.

use std::time::Duration;

use super::error::Error;
use crate::limits::Limits;
use crate::net::{ConnectOptions, TlsConfig, Transcript};
use crate::provider::{self, Provider};
use crate::sasl::Credentials;
use crate::security::Security;

/// How long the IMAP client waits for the server, per wait.
///
/// Each deadline bounds a whole response however its bytes trickle in, not a single read.
/// Named apart from [`net::Timeouts`](crate::net::Timeouts), which bounds one connection's
/// waits whatever the protocol, and from the SMTP client's `PhaseTimeouts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deadlines {
    /// Opening the TCP connection and, separately, each TLS handshake (default 30 s).
    pub connect: Duration,
    /// Each response, from when the client starts waiting for it (default 30 s).
    pub response: Duration,
    /// A large literal (a message body) while it streams in (default 5 minutes).
    pub literal: Duration,
    /// Writing a command or a literal (default 5 minutes).
    pub write: Duration,
    /// How long one IDLE may last before it is renewed: servers end IDLE after 30 minutes
    /// (default 25 minutes).
    pub idle_renew: Duration,
    /// How long IDLE may stay silent before the connection is suspected dead and checked
    /// (default 5 minutes).
    pub idle_keepalive: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            connect: Duration::from_secs(30),
            response: Duration::from_secs(30),
            literal: Duration::from_secs(5 * 60),
            write: Duration::from_secs(5 * 60),
            idle_renew: Duration::from_secs(25 * 60),
            idle_keepalive: Duration::from_secs(5 * 60),
        }
    }
}

impl Deadlines {
    /// Every deadline set to `limit`: handy for tests and interactive tools.
    pub fn all(limit: Duration) -> Self {
        Deadlines {
            connect: limit,
            response: limit,
            literal: limit,
            write: limit,
            idle_renew: limit,
            idle_keepalive: limit,
        }
    }

    /// These deadlines with another per-response deadline.
    pub fn with_response(mut self, limit: Duration) -> Self {
        self.response = limit;
        self
    }

    /// These deadlines with another deadline for a streaming literal.
    pub fn with_literal(mut self, limit: Duration) -> Self {
        self.literal = limit;
        self
    }
}

/// Everything a [`Client`](super::Client) needs to open a session.
///
/// ```
/// use mailwire::imap::{ClientBuilder, Credentials, Security};
///
/// let builder = ClientBuilder::new("imap.mail.me.com", 993)
///     .credentials(Credentials::new("name@icloud.com", "app-specific-password").unwrap());
/// assert_eq!(builder.server(), "imap.mail.me.com:993");
/// assert_eq!(builder.security_mode(), Security::ImplicitTls);
/// ```
pub struct ClientBuilder {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) security: Security,
    pub(super) credentials: Option<Credentials>,
    pub(super) tls: TlsConfig,
    pub(super) limits: Limits,
    pub(super) deadlines: Deadlines,
    pub(super) transcript: Option<Box<dyn Transcript>>,
    pub(super) id: Option<Vec<(String, String)>>,
    pub(super) provider: Option<&'static Provider>,
}

impl core::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("credentials", &self.credentials)
            .field("limits", &self.limits)
            .field("deadlines", &self.deadlines)
            .field("transcript", &self.transcript.is_some())
            .field("id", &self.id)
            .field("provider", &self.provider.map(|p| p.name))
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A client for `host:port` with implicit TLS, web PKI roots, default deadlines and
    /// no login. A host of a known provider (iCloud's `*.mail.me.com`) turns on that
    /// provider's behaviour: its other user-name form is tried when a login is refused,
    /// and errors carry its advice.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        let host = host.into();
        let provider = provider::for_host(&host);
        ClientBuilder {
            host,
            port,
            security: Security::ImplicitTls,
            credentials: None,
            tls: TlsConfig::webpki(),
            limits: Limits::default(),
            deadlines: Deadlines::default(),
            transcript: None,
            id: None,
            provider,
        }
    }

    /// `host:port`, as errors name it.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// How the connection will be protected.
    pub fn security_mode(&self) -> Security {
        self.security
    }

    /// How the connection is protected (default implicit TLS). [`Security::StartTls`]
    /// refuses a server without STARTTLS; [`Security::Plaintext`] sends the password in
    /// clear: only for test servers.
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }

    /// Log in with these credentials once TLS is up.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Which certificates to trust (default: the web PKI roots).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = tls;
        self
    }

    /// Bounds on what the server can make the client hold (lines, literals, responses).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long each wait may last (see [`Deadlines`]).
    pub fn deadlines(mut self, deadlines: Deadlines) -> Self {
        self.deadlines = deadlines;
        self
    }

    /// How long opening the connection (and each TLS handshake) may take.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.deadlines.connect = timeout;
        self
    }

    /// Receives every byte sent and received, with passwords and AUTHENTICATE data
    /// redacted. The hook runs inside every read and write: keep it quick.
    pub fn transcript(mut self, transcript: impl Transcript + 'static) -> Self {
        self.transcript = Some(Box::new(transcript));
        self
    }

    /// Sends `ID` (RFC 2971) with these fields after login, when the server offers ID.
    pub fn id(mut self, fields: Vec<(String, String)>) -> Self {
        self.id = Some(fields);
        self
    }

    /// Applies `provider`'s behaviour whatever the host (a test server playing iCloud),
    /// or with `None` none at all.
    pub fn provider(mut self, provider: Option<&'static Provider>) -> Self {
        self.provider = provider;
        self
    }

    /// Connects, reads the greeting, upgrades with STARTTLS when asked, logs in when
    /// credentials were given and sends ID when configured.
    pub async fn connect(self) -> Result<super::Client, Error> {
        super::auth::connect(self).await
    }

    pub(super) fn connect_options(&self) -> ConnectOptions {
        // The client opens a response window before each response; these serve the
        // connection's own waits (silence between bytes, writes).
        ConnectOptions::default()
            .with_tls(self.tls.clone())
            .with_limits(self.limits)
            .with_connect_timeout(self.deadlines.connect)
            .with_read_timeout(self.deadlines.literal.max(self.deadlines.response))
            .with_response_timeout(self.deadlines.response)
            .with_write_timeout(self.deadlines.write)
    }
}
