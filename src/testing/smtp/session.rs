//! One client's session: the command loop and the state RFC 5321, 3207 and 4954 keep.

use super::config::Security;
use super::config::SmtpServerConfig;
use super::reply::*;
use super::server::Shared;
use super::wire::{Stream, Wire, WireError};
use crate::smtp::codec::{
    Capabilities, Command, CommandError, OwnedReply, ReplyCode, parse_command_line,
};

/// After this many refused commands the server hangs up, as Postfix does: a client in a
/// loop of errors gets nothing more done by staying.
const MAX_ERRORS: u32 = 20;

/// Most recipients of one message.
pub(super) const MAX_RECIPIENTS: usize = 1000;

/// Why a session stops before QUIT.
pub(super) enum End {
    /// The client is gone: there is no one to tell.
    Gone,
    /// A wait ran out: `421 4.4.2`.
    TimedOut,
    /// A command line ran past the limit: `500 5.5.2`.
    LineTooLong,
    /// This reply, then close.
    Say(OwnedReply),
}

impl From<WireError> for End {
    fn from(error: WireError) -> Self {
        match error {
            WireError::Gone => End::Gone,
            WireError::TimedOut => End::TimedOut,
            WireError::LineTooLong => End::LineTooLong,
        }
    }
}

/// Whether the session goes on after a command.
pub(super) enum Flow {
    Continue,
    Quit,
}

/// The mail transaction between MAIL and the end of its data.
pub(super) struct Transaction {
    pub(super) sender: String,
    pub(super) params: Vec<(String, Option<String>)>,
    pub(super) recipients: Vec<String>,
    /// The client declared SMTPUTF8: addresses may be UTF-8.
    pub(super) utf8: bool,
    /// BDAT chunks received so far (RFC 3030); `None` until the first BDAT.
    pub(super) chunks: Option<Vec<u8>>,
}

pub(super) struct Session<'s> {
    pub(super) shared: &'s Shared,
    pub(super) wire: Wire<'s>,
    /// The client said EHLO (`Some(true)`) or HELO (`Some(false)`) since the last reset.
    pub(super) greeted: Option<bool>,
    pub(super) authenticated_as: Option<String>,
    pub(super) transaction: Option<Transaction>,
    errors: u32,
}

/// Serves one connection until QUIT, a fatal error, or the client leaves. A connection
/// over the server's limit (`admitted` false) is told so and closed.
pub(super) async fn serve<'s>(stream: impl Stream + 's, shared: &'s Shared, admitted: bool) {
    let mut session = Session {
        shared,
        wire: Wire::new(stream, shared.config.idle_timeout),
        greeted: None,
        authenticated_as: None,
        transaction: None,
        errors: 0,
    };
    let last_words = match session.run(admitted).await {
        Ok(()) | Err(End::Gone) => None,
        Err(End::TimedOut) => Some(session.reply(
            UNAVAILABLE,
            (4, 4, 2),
            format!("{} Error: timeout exceeded", session.hostname()),
        )),
        Err(End::LineTooLong) => Some(session.reply(
            UNRECOGNIZED,
            (5, 5, 2),
            format!(
                "Error: line too long (more than {} bytes)",
                shared.config.limits.line_len
            ),
        )),
        Err(End::Say(reply)) => Some(reply),
    };
    if let Some(reply) = last_words {
        let _ = session.wire.send(&reply).await;
    }
    session.wire.close().await;
}

impl Session<'_> {
    pub(super) fn config(&self) -> &SmtpServerConfig {
        &self.shared.config
    }

    fn hostname(&self) -> &str {
        &self.shared.config.hostname
    }

    /// A reply, without its enhanced code if the server does not announce them.
    pub(super) fn reply(
        &self,
        code: ReplyCode,
        enhanced: impl Into<Option<Enhanced>>,
        text: impl Into<String>,
    ) -> OwnedReply {
        let enhanced = enhanced
            .into()
            .filter(|_| self.shared.config.enhanced_status_codes);
        reply(code, enhanced, text)
    }

    /// Sends a reply at once: a pipelining client may be waiting for exactly this one.
    pub(super) async fn send(&mut self, reply: &OwnedReply) -> Result<(), End> {
        self.wire.send(reply).await.map_err(End::from)
    }

    pub(super) async fn say(
        &mut self,
        code: ReplyCode,
        enhanced: impl Into<Option<Enhanced>>,
        text: impl Into<String>,
    ) -> Result<(), End> {
        let reply = self.reply(code, enhanced, text);
        self.send(&reply).await
    }

    /// Sends a refusal that counts against the client; too many end the session.
    pub(super) async fn refuse(&mut self, reply: OwnedReply) -> Result<(), End> {
        self.errors += 1;
        if self.errors >= MAX_ERRORS {
            let hostname = self.hostname().to_owned();
            self.send(&reply).await?;
            return Err(End::Say(self.reply(
                UNAVAILABLE,
                (4, 7, 0),
                format!("{hostname} Error: too many errors"),
            )));
        }
        self.send(&reply).await
    }

    pub(super) async fn refuse_with(
        &mut self,
        code: ReplyCode,
        enhanced: Enhanced,
        text: impl Into<String>,
    ) -> Result<(), End> {
        let reply = self.reply(code, enhanced, text);
        self.refuse(reply).await
    }

    async fn run(&mut self, admitted: bool) -> Result<(), End> {
        if self.config().security == Security::ImplicitTls {
            let tls = self.config().tls.clone().ok_or(End::Gone)?;
            self.wire.start_tls(tls).await?;
        }
        let hostname = self.hostname().to_owned();
        if !admitted {
            return Err(End::Say(self.reply(
                UNAVAILABLE,
                (4, 7, 0),
                format!("{hostname} Error: too many connections"),
            )));
        }
        self.say(
            READY,
            None,
            format!("{hostname} ESMTP mailwire test server"),
        )
        .await?;
        let line_len = self.config().limits.line_len;
        loop {
            let line = self.wire.read_line(line_len).await?;
            let flow = match parse_command_line(&line) {
                Ok(command) => self.handle(command).await?,
                Err(error) => {
                    self.refuse_malformed(&error).await?;
                    Flow::Continue
                }
            };
            if let Flow::Quit = flow {
                return Ok(());
            }
        }
    }

    async fn refuse_malformed(&mut self, error: &CommandError) -> Result<(), End> {
        match error {
            CommandError::UnknownCommand { .. } | CommandError::NotUtf8 { .. } => {
                self.refuse_with(UNRECOGNIZED, (5, 5, 2), "Error: command not recognized")
                    .await
            }
            error => {
                self.refuse_with(SYNTAX, (5, 5, 4), format!("Syntax error: {error}"))
                    .await
            }
        }
    }

    async fn handle(&mut self, command: Command<'_>) -> Result<Flow, End> {
        match command {
            Command::Helo { .. } => {
                self.greeted = Some(false);
                self.transaction = None;
                let hostname = self.hostname().to_owned();
                self.say(OK, None, hostname).await?;
            }
            Command::Ehlo { .. } => {
                self.greeted = Some(true);
                self.transaction = None;
                let reply = self.capabilities().to_reply();
                self.send(&reply).await?;
            }
            Command::StartTls => self.starttls().await?,
            Command::Auth {
                mechanism,
                initial_response,
            } => self.auth(mechanism, initial_response).await?,
            Command::MailFrom {
                reverse_path,
                params,
            } => self.mail(reverse_path, &params).await?,
            Command::RcptTo {
                forward_path,
                params,
            } => self.rcpt(forward_path, &params).await?,
            Command::Data => self.data().await?,
            Command::Bdat { size, last } => self.bdat(size, last).await?,
            Command::Rset => {
                self.transaction = None;
                self.say(OK, (2, 0, 0), "Ok").await?;
            }
            Command::Noop { .. } => self.say(OK, (2, 0, 0), "Ok").await?,
            Command::Quit => {
                self.say(CLOSING, (2, 0, 0), "Bye").await?;
                return Ok(Flow::Quit);
            }
            Command::Vrfy { .. } => {
                self.say(
                    CANNOT_VERIFY,
                    (2, 0, 0),
                    "Cannot VRFY user, but will accept message and attempt delivery",
                )
                .await?;
            }
            Command::Expn { .. } => {
                self.refuse_with(NOT_IMPLEMENTED, (5, 5, 1), "Error: command not implemented")
                    .await?;
            }
            Command::Help { .. } => {
                self.say(
                    HELP,
                    (2, 0, 0),
                    "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA BDAT RSET NOOP VRFY QUIT",
                )
                .await?;
            }
        }
        Ok(Flow::Continue)
    }

    /// What EHLO announces now: STARTTLS until TLS is up, AUTH only once it is (or on a
    /// plaintext server).
    fn capabilities(&self) -> Capabilities<'static> {
        let config = self.config();
        let tls = self.wire.is_tls();
        let offer_auth = config.auth_enabled() && (tls || config.security == Security::Plaintext);
        let mut capabilities = Capabilities::new(&config.hostname);
        capabilities.size = config.announced_size();
        capabilities.pipelining = config.pipelining;
        capabilities.eight_bit_mime = config.eight_bit_mime;
        capabilities.smtp_utf8 = config.smtp_utf8;
        capabilities.enhanced_status_codes = config.enhanced_status_codes;
        capabilities.chunking = config.chunking;
        capabilities.starttls = config.security == Security::StartTls && !tls;
        if offer_auth {
            for name in &config.mechanisms {
                // A name no client could read back is not announced at all.
                let _ = capabilities.add_mechanism(name);
            }
        }
        capabilities
    }

    async fn starttls(&mut self) -> Result<(), End> {
        if self.wire.is_tls() {
            return self
                .refuse_with(TRANSACTION_FAILED, (5, 5, 1), "Error: TLS already active")
                .await;
        }
        if self.config().security != Security::StartTls {
            return self
                .refuse_with(NOT_IMPLEMENTED, (5, 5, 1), "Error: command not implemented")
                .await;
        }
        let Some(tls) = self.config().tls.clone() else {
            return self
                .say(TLS_UNAVAILABLE, (4, 7, 0), "TLS not available")
                .await;
        };
        self.say(READY, (2, 0, 0), "Ready to start TLS").await?;
        self.wire.start_tls(tls).await?;
        // RFC 3207 section 4.2: everything learned before TLS is forgotten, and the
        // client must say EHLO again.
        self.greeted = None;
        self.authenticated_as = None;
        self.transaction = None;
        Ok(())
    }

    /// Why a mail transaction (or AUTH) may not start yet, if it may not.
    pub(super) fn not_ready(&self, for_auth: bool) -> Option<OwnedReply> {
        if self.greeted.is_none() {
            return Some(self.reply(BAD_SEQUENCE, (5, 5, 1), "Error: send HELO/EHLO first"));
        }
        if self.config().security == Security::StartTls && !self.wire.is_tls() {
            return Some(self.reply(
                ACCESS_DENIED,
                (5, 7, 0),
                "Must issue a STARTTLS command first",
            ));
        }
        if !for_auth && self.config().auth_enabled() && self.authenticated_as.is_none() {
            return Some(self.reply(ACCESS_DENIED, (5, 7, 0), "Authentication required"));
        }
        None
    }
}
