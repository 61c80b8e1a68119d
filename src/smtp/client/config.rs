//! How an SMTP client connects: server, TLS mode, credentials, timeouts, limits.

use std::time::Duration;

use crate::limits::Limits;
use crate::net::{ConnectOptions, TlsConfig, Transcript};
use crate::sasl::{Credentials, Mechanism};
use crate::security::Security;

/// How long each phase of an SMTP session may wait for the server.
///
/// The defaults are RFC 5321 §4.5.3.2's: five minutes for the greeting, `MAIL` and `RCPT`,
/// two for `DATA`'s go-ahead, three per block of message data, ten for the final reply.
/// Each reply's timeout is a deadline for the whole reply, counted from when the client
/// starts waiting for it, not a limit on each read: a server that sends a byte now and
/// then cannot stretch a reply past it.
///
/// Named apart from [`net::Timeouts`](crate::net::Timeouts), which bounds the waits of
/// one connection whatever the protocol; the client derives those from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhaseTimeouts {
    /// Opening the TCP connection and, separately, each TLS handshake.
    pub connect: Duration,
    /// The `220` greeting.
    pub greeting: Duration,
    /// `EHLO`, `STARTTLS`, `AUTH`, `RSET`, `NOOP` and `QUIT` replies.
    pub command: Duration,
    /// The reply to `MAIL FROM`.
    pub mail_from: Duration,
    /// The reply to each `RCPT TO`.
    pub rcpt_to: Duration,
    /// The `354` reply to `DATA`.
    pub data_start: Duration,
    /// Writing each block of message data.
    pub data_block: Duration,
    /// The final reply after the message's terminating dot.
    pub data_end: Duration,
}

impl Default for PhaseTimeouts {
    fn default() -> Self {
        PhaseTimeouts {
            connect: Duration::from_secs(30),
            greeting: Duration::from_secs(5 * 60),
            command: Duration::from_secs(5 * 60),
            mail_from: Duration::from_secs(5 * 60),
            rcpt_to: Duration::from_secs(5 * 60),
            data_start: Duration::from_secs(2 * 60),
            data_block: Duration::from_secs(3 * 60),
            data_end: Duration::from_secs(10 * 60),
        }
    }
}

impl PhaseTimeouts {
    /// Every wait set to `limit`: handy for tests and interactive tools.
    pub fn all(limit: Duration) -> Self {
        PhaseTimeouts {
            connect: limit,
            greeting: limit,
            command: limit,
            mail_from: limit,
            rcpt_to: limit,
            data_start: limit,
            data_block: limit,
            data_end: limit,
        }
    }
}

/// The limits an SMTP client applies unless told otherwise: replies are small, so a
/// server cannot make the client hold more than a megabyte of reply.
pub fn default_limits() -> Limits {
    Limits::default()
        .with_line_len(8 * 1024)
        .with_reply_lines(256)
        .with_response_len(1024 * 1024)
}

/// Everything a [`Client`](super::Client) needs to open a session.
///
/// ```
/// use mailwire::smtp::ClientBuilder;
/// use mailwire::security::Security;
/// use mailwire::sasl::Credentials;
///
/// let builder = ClientBuilder::new("smtp.mail.me.com", 587)
///     .security(Security::StartTls)
///     .credentials(Credentials::new("name@icloud.com", "app-specific-password").unwrap());
/// assert_eq!(builder.server(), "smtp.mail.me.com:587");
/// ```
pub struct ClientBuilder {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) security: Security,
    pub(super) helo_name: String,
    pub(super) credentials: Option<Credentials>,
    pub(super) mechanisms: Vec<Mechanism>,
    pub(super) tls: TlsConfig,
    pub(super) timeouts: PhaseTimeouts,
    pub(super) limits: Limits,
    pub(super) deadline: Option<Duration>,
    pub(super) transcript: Option<Box<dyn Transcript>>,
    pub(super) pipelining: bool,
    pub(super) allow_partial_delivery: bool,
}

impl core::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("helo_name", &self.helo_name)
            .field("credentials", &self.credentials)
            .field("mechanisms", &self.mechanisms)
            .field("timeouts", &self.timeouts)
            .field("limits", &self.limits)
            .field("deadline", &self.deadline)
            .field("transcript", &self.transcript.is_some())
            .field("pipelining", &self.pipelining)
            .field("allow_partial_delivery", &self.allow_partial_delivery)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A client for `host:port` with STARTTLS required, web PKI roots, RFC 5321 timeouts
    /// and no login.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        ClientBuilder {
            host: host.into(),
            port,
            security: Security::StartTls,
            helo_name: "localhost".to_owned(),
            credentials: None,
            mechanisms: vec![Mechanism::Plain, Mechanism::Login],
            tls: TlsConfig::webpki(),
            timeouts: PhaseTimeouts::default(),
            limits: default_limits(),
            deadline: None,
            transcript: None,
            pipelining: true,
            allow_partial_delivery: false,
        }
    }

    /// `host:port`, as errors name it.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// How the connection is protected. [`Security::Plaintext`] sends the password in
    /// clear: only for test servers.
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }

    /// The name this client gives in `EHLO` (default `localhost`).
    pub fn helo_name(mut self, name: impl Into<String>) -> Self {
        self.helo_name = name.into();
        self
    }

    /// Log in with these credentials after TLS is up.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The SASL mechanisms to try, in order of preference (default PLAIN, then LOGIN).
    /// A mechanism the server does not offer is skipped; the next one is tried when one
    /// fails with anything but `535` (bad credentials).
    pub fn mechanisms(mut self, mechanisms: impl IntoIterator<Item = Mechanism>) -> Self {
        self.mechanisms = mechanisms.into_iter().collect();
        self
    }

    /// Which certificates to trust (default: the web PKI roots).
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = tls;
        self
    }

    /// How long each phase may wait (default RFC 5321's; see [`PhaseTimeouts`]).
    pub fn timeouts(mut self, timeouts: PhaseTimeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Bounds on what the server can make the client hold.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// A limit on the whole session, from connecting to the last reply; every operation
    /// fails with [`Error::DeadlineExceeded`](super::Error::DeadlineExceeded) after it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Receives every byte sent and received, with passwords and AUTH data redacted.
    ///
    /// The hook runs inside every read and write of the session, `quit()`'s `QUIT`
    /// included, on the task doing the I/O: keep it quick, since a slow hook slows every
    /// command and a blocking one stalls the session.
    pub fn transcript(mut self, transcript: impl Transcript + 'static) -> Self {
        self.transcript = Some(Box::new(transcript));
        self
    }

    /// Whether to pipeline commands when the server offers PIPELINING (default yes).
    pub fn pipelining(mut self, enabled: bool) -> Self {
        self.pipelining = enabled;
        self
    }

    /// Send to the recipients the server accepts even when it refuses others (default
    /// no: one refused recipient stops the message, and the error lists them all).
    pub fn allow_partial_delivery(mut self, allowed: bool) -> Self {
        self.allow_partial_delivery = allowed;
        self
    }

    pub(super) fn connect_options(&self) -> ConnectOptions {
        // The client opens a response window of the phase's timeout before each reply, so
        // these two only serve until the first one.
        ConnectOptions::default()
            .with_tls(self.tls.clone())
            .with_limits(self.limits)
            .with_connect_timeout(self.timeouts.connect)
            .with_read_timeout(self.timeouts.greeting)
            .with_response_timeout(self.timeouts.greeting)
            .with_write_timeout(self.timeouts.data_block)
    }
}
