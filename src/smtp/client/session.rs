//! The SMTP session: greeting, EHLO, STARTTLS, AUTH, and the plumbing every command uses.

use std::future::Future;
use std::time::{Duration, Instant};

use super::config::{ClientBuilder, PhaseTimeouts};
use super::error::{Error, Phase};
use crate::limits::Limits;
use crate::net::Connection;
use crate::provider;
use crate::sasl::{self, Credentials, LoginExchange, Mechanism};
use crate::security::Security;
use crate::smtp::codec::{Capabilities, Command, OwnedReply, Parsed, Reply, ReplyParser};

/// An open SMTP session, greeted, secured and logged in as configured.
///
/// ```no_run
/// # async fn demo() -> Result<(), mailwire::smtp::Error> {
/// use mailwire::message::{Mailbox, MessageBuilder};
/// use mailwire::sasl::Credentials;
/// use mailwire::smtp::ClientBuilder;
///
/// let password = std::env::var("MAILWIRE_PASSWORD").unwrap_or_default();
/// let mut client = ClientBuilder::new("smtp.mail.me.com", 587)
///     .credentials(Credentials::new("name@icloud.com", password).unwrap())
///     .connect()
///     .await?;
/// let message = MessageBuilder::new()
///     .from(Mailbox::new("name@icloud.com").unwrap())
///     .to(Mailbox::new("friend@example.org").unwrap())
///     .subject("Hello")
///     .text_body("Sent with mailwire.")
///     .build()
///     .unwrap();
/// let report = client.send(&message).await?;
/// println!("accepted: {}", report.reply);
/// client.quit().await?;
/// # Ok(()) }
/// ```
pub struct Client {
    pub(super) conn: Connection,
    pub(super) server: String,
    pub(super) security: Security,
    pub(super) capabilities: Capabilities<'static>,
    pub(super) greeting: OwnedReply,
    pub(super) timeouts: PhaseTimeouts,
    pub(super) limits: Limits,
    pub(super) started: Instant,
    pub(super) deadline: Option<Duration>,
    pub(super) pipelining: bool,
    pub(super) allow_partial_delivery: bool,
    pub(super) authenticated_as: Option<String>,
    /// Set when a failure left the connection in an unknown state.
    pub(super) broken: Option<String>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.server)
            .field("security", &self.security)
            .field("tls", &self.conn.is_tls())
            .field("authenticated_as", &self.authenticated_as)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS when asked, says
    /// EHLO again and logs in when credentials were given.
    pub async fn connect(self) -> Result<Client, Error> {
        let started = Instant::now();
        let server = self.server();
        let deadline = self.deadline;
        let work = connect_session(self, started);
        match deadline {
            None => work.await,
            Some(limit) => match tokio::time::timeout(limit, work).await {
                Ok(result) => result,
                Err(_) => Err(Error::DeadlineExceeded {
                    server,
                    phase: Phase::Connect,
                    deadline: limit,
                }),
            },
        }
    }
}

async fn connect_session(mut builder: ClientBuilder, started: Instant) -> Result<Client, Error> {
    let server = builder.server();
    // Refuse a bad EHLO name before a connection exists, so nothing is sent.
    Command::Ehlo {
        domain: &builder.helo_name,
    }
    .encode(&mut Vec::new())
    .map_err(|source| Error::InvalidInput {
        field: "EHLO name",
        source,
    })?;
    let options = builder.connect_options();
    let connected = match builder.security {
        Security::ImplicitTls => {
            Connection::connect_tls(&builder.host, builder.port, &options).await
        }
        Security::StartTls | Security::Plaintext => {
            Connection::connect(&builder.host, builder.port, &options).await
        }
    };
    let mut conn = connected.map_err(|source| Error::Net {
        phase: Phase::Connect,
        source,
    })?;
    conn.set_transcript(builder.transcript.take());

    let mut client = Client {
        conn,
        server,
        security: builder.security,
        capabilities: Capabilities::default(),
        greeting: OwnedReply::new(
            crate::smtp::codec::ReplyCode::SERVICE_READY,
            None,
            Vec::new(),
        ),
        timeouts: builder.timeouts,
        limits: builder.limits,
        started,
        deadline: builder.deadline,
        pipelining: builder.pipelining,
        allow_partial_delivery: builder.allow_partial_delivery,
        authenticated_as: None,
        broken: None,
    };
    client.read_greeting().await?;
    client.ehlo(&builder.helo_name).await?;
    if builder.security == Security::StartTls {
        client.starttls().await?;
        client.ehlo(&builder.helo_name).await?;
    }
    if let Some(credentials) = builder.credentials.as_ref() {
        client
            .authenticate(credentials, &builder.mechanisms)
            .await?;
    }
    Ok(client)
}

impl Client {
    /// `host:port` of the server.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// What the server offered in its last EHLO (after TLS, when TLS is used).
    pub fn capabilities(&self) -> &Capabilities<'static> {
        &self.capabilities
    }

    /// The server's greeting.
    pub fn greeting(&self) -> &OwnedReply {
        &self.greeting
    }

    /// True when the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.conn.is_tls()
    }

    /// The user name this session logged in as, if it did.
    pub fn authenticated_as(&self) -> Option<&str> {
        self.authenticated_as.as_deref()
    }

    /// Sends `NOOP` and returns the server's reply: a cheap check that the session lives.
    pub async fn noop(&mut self) -> Result<OwnedReply, Error> {
        self.bounded(Phase::Noop, async |client: &mut Self| {
            client
                .send_command(Phase::Noop, &Command::Noop { argument: None })
                .await?;
            let reply = client
                .read_reply(Phase::Noop, client.timeouts.command)
                .await?;
            client.expect_positive(Phase::Noop, reply)
        })
        .await
    }

    /// Sends `RSET`: abandons any transaction in progress.
    pub async fn reset(&mut self) -> Result<(), Error> {
        self.bounded(Phase::Rset, async |client: &mut Self| client.rset().await)
            .await
    }

    /// Sends `QUIT`, waits for the reply, and closes the connection.
    pub async fn quit(mut self) -> Result<(), Error> {
        self.bounded(Phase::Quit, async |client: &mut Self| {
            client.send_command(Phase::Quit, &Command::Quit).await?;
            let reply = client
                .read_reply(Phase::Quit, client.timeouts.command)
                .await?;
            client.expect_positive(Phase::Quit, reply)?;
            // The server closes after 221; a failed TLS close_notify changes nothing.
            let _ = client.conn.shutdown().await;
            Ok(())
        })
        .await
    }

    /// Runs one operation under the session's deadline; an operation cut short leaves
    /// the connection unusable, so it is marked broken.
    pub(super) async fn bounded<T, F>(&mut self, phase: Phase, operation: F) -> Result<T, Error>
    where
        F: AsyncFnOnce(&mut Self) -> Result<T, Error>,
    {
        if let Some(reason) = &self.broken {
            return Err(Error::Broken {
                server: self.server.clone(),
                reason: reason.clone(),
            });
        }
        let outcome = match self.deadline {
            None => operation(self).await,
            Some(limit) => {
                let remaining = limit.saturating_sub(self.started.elapsed());
                match timeout_or_none(remaining, operation(self)).await {
                    Some(result) => result,
                    None => {
                        self.broken = Some(format!("the deadline passed during {phase}"));
                        return Err(Error::DeadlineExceeded {
                            server: self.server.clone(),
                            phase,
                            deadline: limit,
                        });
                    }
                }
            }
        };
        if let Err(error) = &outcome
            && breaks_connection(error)
        {
            self.broken = Some(error.to_string());
        }
        outcome
    }

    pub(super) async fn read_greeting(&mut self) -> Result<(), Error> {
        let reply = self
            .read_reply(Phase::Greeting, self.timeouts.greeting)
            .await?;
        if reply.code.get() != 220 {
            return Err(self.rejected(Phase::Greeting, reply));
        }
        self.greeting = reply;
        Ok(())
    }

    pub(super) async fn ehlo(&mut self, helo_name: &str) -> Result<(), Error> {
        self.send_command(Phase::Ehlo, &Command::Ehlo { domain: helo_name })
            .await?;
        let (reply, capabilities) = self
            .read_reply_then(Phase::Ehlo, self.timeouts.command, |reply| {
                Capabilities::from_ehlo(reply)
                    .map_or_else(|_| Capabilities::default(), Capabilities::into_owned)
            })
            .await?;
        if reply.code.is_positive_completion() {
            // Whatever was learned before TLS is dropped here, never merged.
            self.capabilities = capabilities;
            return Ok(());
        }
        // Servers too old for EHLO answer 500/502; HELO is acceptable only where no
        // extension (STARTTLS above all) is required.
        if self.security == Security::Plaintext
            && reply.code.is_permanent()
            && reply.code.get() != 554
        {
            self.send_command(Phase::Ehlo, &Command::Helo { domain: helo_name })
                .await?;
            let reply = self.read_reply(Phase::Ehlo, self.timeouts.command).await?;
            self.expect_positive(Phase::Ehlo, reply)?;
            self.capabilities = Capabilities::default();
            return Ok(());
        }
        Err(self.rejected(Phase::Ehlo, reply))
    }

    pub(super) async fn starttls(&mut self) -> Result<(), Error> {
        if !self.capabilities.starttls {
            return Err(Error::StartTlsNotOffered {
                server: self.server.clone(),
            });
        }
        self.send_command(Phase::StartTls, &Command::StartTls)
            .await?;
        let reply = self
            .read_reply(Phase::StartTls, self.timeouts.command)
            .await?;
        if reply.code.get() != 220 {
            return Err(self.rejected(Phase::StartTls, reply));
        }
        // The connection refuses to upgrade when any byte followed the 220: such bytes
        // were injected in plaintext and must never be read as if TLS protected them.
        self.conn.upgrade().await.map_err(|source| Error::Net {
            phase: Phase::StartTls,
            source,
        })?;
        self.capabilities = Capabilities::default();
        Ok(())
    }

    pub(super) async fn authenticate(
        &mut self,
        credentials: &Credentials,
        mechanisms: &[Mechanism],
    ) -> Result<(), Error> {
        if !self.conn.is_tls() && self.security != Security::Plaintext {
            // Unreachable by construction; kept so no refactoring can send a password in clear.
            return Err(Error::Broken {
                server: self.server.clone(),
                reason: "refusing to log in over an unencrypted connection".to_owned(),
            });
        }
        let usable: Vec<Mechanism> = mechanisms
            .iter()
            .copied()
            .filter(|m| self.capabilities.supports_auth(m.name()))
            .collect();
        let mut last_refusal = None;
        for mechanism in usable {
            let exchange = match mechanism {
                Mechanism::Plain => self.auth_plain(credentials).await?,
                Mechanism::Login => self.auth_login(credentials).await?,
            };
            let refusal = match exchange {
                Exchange::Finished(reply) if reply.code.get() == 235 => {
                    self.authenticated_as = Some(credentials.username().to_owned());
                    return Ok(());
                }
                // 535 means these credentials are wrong, whatever the mechanism; anything
                // else (a mechanism broken on this server, say) leaves the next one a chance.
                Exchange::Finished(reply) if reply.code.get() == 535 => {
                    return Err(self.auth_error(reply));
                }
                Exchange::Finished(reply) => self.auth_error(reply),
                Exchange::Cancelled { challenge, reply } => {
                    // A server still asking after `*` has not left the exchange: whatever
                    // the client sent next would be read as an answer to its challenge.
                    let still_open = reply.code.is_intermediate();
                    let error = Error::AuthCancelled {
                        server: self.server.clone(),
                        mechanism,
                        challenge,
                        reply,
                    };
                    if still_open {
                        return Err(error);
                    }
                    error
                }
            };
            last_refusal = Some(refusal);
        }
        Err(last_refusal.unwrap_or_else(|| Error::AuthNotOffered {
            server: self.server.clone(),
            offered: self
                .capabilities
                .mechanisms()
                .map(|name| name.into_owned())
                .collect(),
        }))
    }

    async fn auth_plain(&mut self, credentials: &Credentials) -> Result<Exchange, Error> {
        let response = sasl::plain_initial_response(credentials);
        let mut line = Vec::new();
        Command::Auth {
            mechanism: "PLAIN",
            initial_response: Some(response.as_str()),
        }
        .encode(&mut line)
        .map_err(|source| Error::InvalidInput {
            field: "credentials",
            source,
        })?;
        self.write_secret(Phase::Auth, &line, b"AUTH PLAIN <redacted>\r\n")
            .await?;
        let mut reply = self.read_reply(Phase::Auth, self.timeouts.command).await?;
        if reply.code.get() == 334 && challenge(&reply).is_empty() {
            // A server that ignores initial responses asks for it with PLAIN's one challenge,
            // which is empty (RFC 4616); it gets the same answer, and only once.
            let mut line = Vec::new();
            auth_line(&response, &mut line)?;
            self.write_secret(Phase::Auth, &line, b"<redacted>\r\n")
                .await?;
            reply = self.read_reply(Phase::Auth, self.timeouts.command).await?;
        }
        // PLAIN has said all it has: any further challenge is cancelled.
        self.end_exchange(reply).await
    }

    async fn auth_login(&mut self, credentials: &Credentials) -> Result<Exchange, Error> {
        self.send_command(
            Phase::Auth,
            &Command::Auth {
                mechanism: "LOGIN",
                initial_response: None,
            },
        )
        .await?;
        let mut exchange = LoginExchange::new(credentials);
        loop {
            let reply = self.read_reply(Phase::Auth, self.timeouts.command).await?;
            // Only 334 carries a prompt; another 3xx is a continuation LOGIN cannot answer.
            if reply.code.get() != 334 {
                return self.end_exchange(reply).await;
            }
            let Ok(answer) = exchange.respond(challenge(&reply).as_bytes()) else {
                // A third prompt, after the user name and the password: nothing to answer.
                return self.end_exchange(reply).await;
            };
            let mut line = Vec::new();
            auth_line(&answer, &mut line)?;
            self.write_secret(Phase::Auth, &line, b"<redacted>\r\n")
                .await?;
        }
    }

    /// Takes the reply after a mechanism's last answer and makes sure the exchange is over
    /// before anything else is sent.
    ///
    /// A reply that still asks for more (`334`, or any `3xx`) leaves the server inside the
    /// exchange: the next line the client sent, such as another mechanism's `AUTH`, would be
    /// read as the answer to its challenge. RFC 4954 §4 closes it: the client sends `*`, the
    /// server must answer `501`.
    async fn end_exchange(&mut self, reply: OwnedReply) -> Result<Exchange, Error> {
        if !reply.code.is_intermediate() {
            return Ok(Exchange::Finished(reply));
        }
        let mut line = Vec::new();
        auth_line("*", &mut line)?;
        self.write_plain(Phase::Auth, &line).await?;
        let answer = self.read_reply(Phase::Auth, self.timeouts.command).await?;
        Ok(Exchange::Cancelled {
            challenge: reply,
            reply: answer,
        })
    }

    fn auth_error(&self, reply: OwnedReply) -> Error {
        if reply.code.get() == 535 {
            Error::AuthFailed {
                server: self.server.clone(),
                reply,
                hint: auth_failure_hint(&self.server),
            }
        } else {
            self.rejected(Phase::Auth, reply)
        }
    }

    pub(super) async fn rset(&mut self) -> Result<(), Error> {
        self.send_command(Phase::Rset, &Command::Rset).await?;
        let reply = self.read_reply(Phase::Rset, self.timeouts.command).await?;
        self.expect_positive(Phase::Rset, reply).map(|_| ())
    }

    /// The error for a reply this step does not accept.
    pub(super) fn rejected(&self, phase: Phase, reply: OwnedReply) -> Error {
        Error::Rejected {
            server: self.server.clone(),
            phase,
            reply,
        }
    }

    /// Accepts a 2xx reply, turns anything else into [`Error::Rejected`].
    pub(super) fn expect_positive(
        &self,
        phase: Phase,
        reply: OwnedReply,
    ) -> Result<OwnedReply, Error> {
        if reply.code.is_positive_completion() {
            Ok(reply)
        } else {
            Err(self.rejected(phase, reply))
        }
    }

    pub(super) async fn send_command(
        &mut self,
        phase: Phase,
        command: &Command<'_>,
    ) -> Result<(), Error> {
        let mut line = Vec::new();
        command
            .encode(&mut line)
            .map_err(|source| Error::InvalidInput {
                field: phase.describe(),
                source,
            })?;
        self.write_plain(phase, &line).await
    }

    pub(super) async fn write_plain(&mut self, phase: Phase, bytes: &[u8]) -> Result<(), Error> {
        self.conn
            .write_all(bytes)
            .await
            .map_err(|source| Error::Net { phase, source })?;
        self.conn
            .flush()
            .await
            .map_err(|source| Error::Net { phase, source })
    }

    async fn write_secret(
        &mut self,
        phase: Phase,
        bytes: &[u8],
        redacted: &[u8],
    ) -> Result<(), Error> {
        self.conn
            .write_secret(bytes, redacted)
            .await
            .map_err(|source| Error::Net { phase, source })?;
        self.conn
            .flush()
            .await
            .map_err(|source| Error::Net { phase, source })
    }

    /// Reads one complete reply, which must arrive in full within `wait`.
    pub(super) async fn read_reply(
        &mut self,
        phase: Phase,
        wait: Duration,
    ) -> Result<OwnedReply, Error> {
        let (reply, ()) = self.read_reply_then(phase, wait, |_| ()).await?;
        Ok(reply)
    }

    /// Reads one complete reply and lets `inspect` look at it before it is copied out of
    /// the connection's buffer.
    pub(super) async fn read_reply_then<R>(
        &mut self,
        phase: Phase,
        wait: Duration,
        inspect: impl FnOnce(&Reply<'_>) -> R,
    ) -> Result<(OwnedReply, R), Error> {
        // RFC 5321's timeouts are per reply: the whole reply gets `wait`, however its bytes
        // trickle in, and no single read may wait longer either.
        self.conn.begin_response(wait);
        self.conn.set_read_timeout(wait);
        // Remembers the lines already checked, so a reply arriving in many reads is
        // scanned once.
        let mut parser = ReplyParser::new();
        loop {
            match parser.parse(self.conn.buffered(), &self.limits) {
                Ok(Parsed::Complete(reply, consumed)) => {
                    let inspected = inspect(&reply);
                    let owned = reply.to_owned();
                    self.conn.consume(consumed);
                    if owned.code.get() == 421 {
                        // The server is going away, whatever the step: nothing more can be
                        // said on this connection, not even the RSET or the rest of a
                        // pipelined batch.
                        self.broken = Some(format!("the server closed the session: {owned}"));
                        return Err(self.rejected(phase, owned));
                    }
                    return Ok((owned, inspected));
                }
                Ok(Parsed::Incomplete) => {
                    self.conn
                        .fill()
                        .await
                        .map_err(|source| Error::Net { phase, source })?;
                }
                Err(source) => {
                    return Err(Error::Protocol {
                        server: self.server.clone(),
                        phase,
                        source,
                    });
                }
            }
        }
    }
}

/// A SASL response line (`base64 CRLF`), checked like any command.
fn auth_line(response: &str, out: &mut Vec<u8>) -> Result<(), Error> {
    crate::smtp::codec::auth_response_line(response, out).map_err(|source| Error::InvalidInput {
        field: "credentials",
        source,
    })
}

/// How one mechanism's exchange ended.
enum Exchange {
    /// The server's reply to the mechanism's last answer.
    Finished(OwnedReply),
    /// The server asked for more than the mechanism has to say, and the client cancelled
    /// with `*`.
    Cancelled {
        /// The continuation the client could not answer.
        challenge: OwnedReply,
        /// The server's reply to `*`.
        reply: OwnedReply,
    },
}

/// The base64 text of a `334` challenge (empty when the server sent none).
fn challenge(reply: &OwnedReply) -> &str {
    reply.lines.first().map(String::as_str).unwrap_or_default()
}

/// What to tell a user whose password `server` (`host:port`) refused: the provider's
/// advice when the host is a known provider's (iCloud's app-specific passwords).
fn auth_failure_hint(server: &str) -> Option<&'static str> {
    let host = server.rsplit_once(':').map_or(server, |(host, _)| host);
    provider::for_host(host).map(|provider| provider.auth_failure_hint)
}

/// Errors after which the connection's state is unknown.
fn breaks_connection(error: &Error) -> bool {
    matches!(
        error,
        Error::Net { .. } | Error::Protocol { .. } | Error::DeadlineExceeded { .. }
    )
}

async fn timeout_or_none<T>(limit: Duration, work: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(limit, work).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_password_on_icloud_says_an_app_specific_password_is_needed() {
        for server in [
            "smtp.mail.me.com:587",
            "smtp.mail.me.com:465",
            "p42-smtp.mail.me.com:587",
        ] {
            let hint = auth_failure_hint(server).expect("iCloud is recognised");
            assert!(hint.contains("app-specific password"), "{server}: {hint}");
        }
        assert_eq!(auth_failure_hint("127.0.0.1:10587"), None);
        assert_eq!(auth_failure_hint("smtp.example.org:587"), None);
    }
}
