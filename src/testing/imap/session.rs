//! One IMAP session: reading commands through the codec's framer and parser, the state
//! (not authenticated, authenticated, selected), the answers, and telling the client about
//! other sessions' changes when RFC 3501 §7.4.1 allows it.

use std::borrow::Cow;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::time::Instant;

use super::config::ImapServerConfig;
use super::conn::{Conn, FLUSH_AT, WireError};
use super::mailbox::too_big;
use super::selected::Selected;
use crate::imap::codec::error::{DecodeError, DecodeErrorKind};
use crate::imap::codec::framing::Frame;
use crate::imap::codec::grammar::chars::TAG;
use crate::imap::codec::grammar::core::token;
use crate::imap::codec::types::{
    Atom, Code, Command, CommandBody, Continue, Flag, Response, Status, StatusKind, Tag, Text,
};
use crate::imap::codec::{Parsed, encode_greeting, encode_response, parse_command};
use crate::limits::Limits;
use crate::security::Security;
use crate::testing::mail::store::Account;
use crate::testing::mail::{MailStore, ServerMode};

/// Why a session ends.
#[derive(Debug)]
pub(super) enum End {
    /// The client logged out, went away, stalled, or the server said BYE.
    Closed,
}

impl From<WireError> for End {
    fn from(_: WireError) -> Self {
        End::Closed
    }
}

/// What a step of the session gives: go on, or end.
pub(super) type Step = Result<(), End>;

pub(super) struct Session<'a, S> {
    pub(super) config: &'a ImapServerConfig,
    pub(super) store: &'a MailStore,
    pub(super) mode: ServerMode,
    pub(super) conn: Conn<S>,
    /// The limits commands are read within: the configured ones, with literals no larger
    /// than the store takes a message.
    pub(super) limits: Limits,
    pub(super) account: Option<String>,
    pub(super) selected: Option<Selected>,
    pub(super) changes: watch::Receiver<u64>,
    /// CONDSTORE is on (ENABLE, SELECT (CONDSTORE), or a command that uses it): FETCH
    /// responses carry MODSEQ.
    pub(super) condstore: bool,
    /// True while a FETCH, STORE or SEARCH (not their UID forms) runs: no EXPUNGE may be
    /// sent, since it would shift the numbers the client is reading (§7.4.1).
    pub(super) hold_expunges: bool,
}

impl<'a, S: AsyncRead + AsyncWrite + Unpin + Send> Session<'a, S> {
    pub(super) fn new(config: &'a ImapServerConfig, store: &'a MailStore, stream: S) -> Self {
        let message_size = store.limits().message_size;
        let limits = config
            .limits
            .with_literal_len(config.limits.literal_len.min(message_size));
        Session {
            config,
            store,
            mode: store.mode(),
            conn: Conn::new(stream, limits, config.write_timeout),
            limits,
            account: None,
            selected: None,
            changes: store.watch(),
            condstore: false,
            hold_expunges: false,
        }
    }

    /// Serves the session to its end.
    pub(super) async fn run(mut self) {
        if self.config.security == Security::ImplicitTls {
            let Some(tls) = self.config.tls.clone() else {
                return self.conn.close().await;
            };
            if self.conn.start_tls(tls, self.limits).await.is_err() {
                return;
            }
        }
        self.greet();
        if self.conn.flush().await.is_err() {
            return;
        }
        while let Ok(message) = self.next_command().await {
            if self.command(&message).await.is_err() {
                break;
            }
        }
        self.conn.close().await;
    }

    fn greet(&mut self) {
        let greeting = crate::imap::codec::types::Greeting {
            kind: crate::imap::codec::types::GreetingKind::Ok,
            code: Some(Code::Capability(self.capabilities())),
            text: Text::from(match self.mode {
                ServerMode::Icloud => "iCloud IMAP4 service is available (mailwire test server)",
                _ => "mailwire test IMAP server ready",
            }),
        };
        // The greeting is built from known-good parts; should it still not encode, the
        // client sees the connection close rather than half a line.
        let _ = encode_greeting(&greeting, &mut self.conn.out);
    }

    /// Says goodbye with `text` and ends the session.
    pub(super) async fn bye(&mut self, text: &str) -> Step {
        self.push(&Response::Status(Status {
            tag: None,
            kind: StatusKind::Bye,
            code: None,
            text: Text::from(text),
        }));
        let _ = self.conn.flush().await;
        Err(End::Closed)
    }

    /// The next whole command (its literals included), answering `+` to each synchronising
    /// literal within the limits and refusing the rest. A client that sends nothing for
    /// the idle time-out is logged out.
    async fn next_command(&mut self) -> Result<Vec<u8>, End> {
        let deadline = Instant::now() + self.config.idle_timeout;
        loop {
            match self.conn.framer.poll(&self.conn.inbox) {
                Ok(Frame::Message { len }) => {
                    return Ok(self.conn.inbox.drain(..len).collect());
                }
                Ok(Frame::Incomplete) => match self.conn.fill(deadline).await {
                    Ok(()) => {}
                    Err(WireError::TimedOut) => {
                        self.bye("Autologout; idle for too long").await?;
                    }
                    Err(WireError::Gone) => return Err(End::Closed),
                },
                Ok(Frame::LiteralAnnounced { .. }) => {
                    self.push(&Response::Continue(Continue {
                        code: None,
                        text: Text::from("Ready for literal data"),
                    }));
                    self.conn.flush().await?;
                    self.conn.framer.accept_literal();
                }
                Ok(
                    Frame::Discard { len }
                    | Frame::StreamStart { len, .. }
                    | Frame::StreamData { len }
                    | Frame::StreamEnd { len },
                ) => {
                    self.conn.inbox.drain(..len.min(self.conn.inbox.len()));
                }
                Err(error) => self.refuse_frame(&error).await?,
            }
        }
    }

    /// Answers a command the framer refused (a line, literal or command over the limits).
    /// The framer then drops the rest of it without holding it.
    async fn refuse_frame(&mut self, error: &DecodeError) -> Step {
        let tag = leading_tag(&self.conn.inbox).map(|tag| tag.as_str().to_owned());
        let tag = tag.as_deref().and_then(|tag| Tag::new(tag).ok());
        let (kind, code, text) = match error.kind {
            DecodeErrorKind::LiteralTooLarge { .. } | DecodeErrorKind::MessageTooLarge { .. } => {
                (StatusKind::No, Some(too_big()), format!("{error}"))
            }
            _ => (StatusKind::Bad, None, format!("{error}")),
        };
        self.push(&Response::Status(Status {
            tag,
            kind,
            code,
            text: Text::new(text.into_bytes()),
        }));
        self.conn.flush().await?;
        Ok(())
    }

    /// Reads and runs one framed command.
    async fn command(&mut self, message: &[u8]) -> Step {
        match parse_command(message, &self.limits) {
            Ok(Parsed::Complete(command, _)) => self.dispatch(command).await,
            Ok(Parsed::Incomplete) => {
                let tag = leading_tag(message);
                self.parse_error(tag.as_ref(), "the command ends early")
                    .await
            }
            Err(error) => {
                let tag = leading_tag(message);
                self.parse_error(tag.as_ref(), &error.to_string()).await
            }
        }
    }

    /// `tag BAD` for a command that does not parse: where and what (iCloud's wording in
    /// Icloud mode).
    pub(super) async fn parse_error(&mut self, tag: Option<&Tag<'_>>, what: &str) -> Step {
        let text = match self.mode {
            ServerMode::Icloud => "Parse Error (took 0 ms)".to_owned(),
            _ => format!("Error in IMAP command: {what}"),
        };
        self.push(&Response::Status(Status {
            tag: tag.cloned(),
            kind: StatusKind::Bad,
            code: None,
            text: Text::new(text.into_bytes()),
        }));
        self.conn.flush().await?;
        Ok(())
    }

    async fn dispatch(&mut self, command: Command<'_>) -> Step {
        use CommandBody as C;
        let tag = command.tag;
        self.hold_expunges = matches!(
            command.body,
            C::Fetch { uid: false, .. }
                | C::Store { uid: false, .. }
                | C::Search { uid: false, .. }
        );
        let needs_login = !matches!(
            command.body,
            C::Capability
                | C::Noop
                | C::Logout
                | C::StartTls
                | C::Login { .. }
                | C::Authenticate { .. }
                | C::Id(_)
        );
        if needs_login && self.account.is_none() {
            return self.bad(&tag, "Log in first").await;
        }
        let needs_selection = matches!(
            command.body,
            C::Check
                | C::Close
                | C::Expunge
                | C::UidExpunge(_)
                | C::Unselect
                | C::Search { .. }
                | C::Fetch { .. }
                | C::Store { .. }
                | C::Copy { .. }
                | C::Move { .. }
        );
        if needs_selection && self.selected.is_none() {
            return self.bad(&tag, "No mailbox selected").await;
        }
        if let C::Fetch {
            set, uid: false, ..
        }
        | C::Store {
            set, uid: false, ..
        }
        | C::Copy {
            set, uid: false, ..
        }
        | C::Move {
            set, uid: false, ..
        } = &command.body
            && self
                .selected
                .as_ref()
                .is_some_and(|selected| selected.out_of_range(set))
        {
            return self.bad(&tag, "Invalid message sequence number").await;
        }
        match command.body {
            C::Capability => self.capability(&tag).await,
            C::Noop => self.done(&tag, None, "NOOP completed").await,
            C::Check => self.done(&tag, None, "CHECK completed").await,
            C::Logout => {
                self.push(&Response::Status(Status {
                    tag: None,
                    kind: StatusKind::Bye,
                    code: None,
                    text: Text::from("Logging out"),
                }));
                self.tagged(&tag, StatusKind::Ok, None, "Logout completed")
                    .await?;
                Err(End::Closed)
            }
            C::StartTls => self.starttls(&tag).await,
            C::Login { username, password } => {
                self.login(&tag, username.as_bytes(), password.expose().as_bytes())
                    .await
            }
            C::Authenticate {
                mechanism,
                initial_response,
            } => {
                let initial = initial_response.map(|secret| secret.expose().to_vec());
                self.authenticate(&tag, mechanism.as_str(), initial).await
            }
            C::Id(_) => self.id(&tag).await,
            C::Enable(capabilities) => self.enable(&tag, &capabilities).await,
            C::Namespace => self.namespace(&tag).await,
            C::GetQuotaRoot(mailbox) => self.quota_root(&tag, &mailbox).await,
            C::GetQuota(_) => self.quota(&tag).await,
            C::Select {
                mailbox,
                parameters,
            } => self.select(&tag, &mailbox, &parameters, false).await,
            C::Examine {
                mailbox,
                parameters,
            } => self.select(&tag, &mailbox, &parameters, true).await,
            C::Unselect => self.unselect(&tag, false).await,
            C::Close => self.unselect(&tag, true).await,
            C::Create { mailbox } => self.create(&tag, &mailbox).await,
            C::Delete { mailbox } => self.delete(&tag, &mailbox).await,
            C::Rename { from, to } => self.rename(&tag, &from, &to).await,
            C::Subscribe { mailbox } => self.subscribe(&tag, &mailbox, true).await,
            C::Unsubscribe { mailbox } => self.subscribe(&tag, &mailbox, false).await,
            C::List {
                selection,
                reference,
                patterns,
                return_options,
            } => {
                self.list(&tag, &selection, &reference, &patterns, &return_options)
                    .await
            }
            C::Lsub { reference, pattern } => self.lsub(&tag, &reference, &pattern).await,
            C::Status {
                mailbox,
                attributes,
            } => self.status(&tag, &mailbox, &attributes).await,
            C::Append { mailbox, messages } => self.append(&tag, &mailbox, &messages).await,
            C::Expunge => self.expunge(&tag, None).await,
            C::UidExpunge(set) => self.expunge(&tag, Some(&set)).await,
            C::Search {
                return_options,
                charset,
                criteria,
                uid,
            } => {
                self.search(
                    &tag,
                    return_options.as_deref(),
                    charset.as_ref(),
                    &criteria,
                    uid,
                )
                .await
            }
            C::Fetch {
                set,
                items,
                modifiers,
                uid,
            } => self.fetch(&tag, &set, &items, &modifiers, uid).await,
            C::Store {
                set,
                kind,
                silent,
                flags,
                unchanged_since,
                uid,
            } => {
                self.store_flags(&tag, &set, kind, silent, &flags, unchanged_since, uid)
                    .await
            }
            C::Copy { set, mailbox, uid } => self.copy(&tag, &set, &mailbox, uid, false).await,
            C::Move { set, mailbox, uid } => {
                if self.mode == ServerMode::Icloud {
                    return self.parse_error(Some(&tag), "MOVE").await;
                }
                self.copy(&tag, &set, &mailbox, uid, true).await
            }
            C::Idle => self.idle(&tag).await,
            _ => match self.mode {
                ServerMode::Icloud => self.parse_error(Some(&tag), "").await,
                _ => self.bad(&tag, "Command not supported by this server").await,
            },
        }
    }

    /// Encodes `response` into the waiting answers. The session builds only values the
    /// encoder accepts; should one still fail, it is left out whole rather than half sent.
    pub(super) fn push(&mut self, response: &Response<'_>) -> bool {
        let before = self.conn.out.len();
        let encoded = encode_response(response, &mut self.conn.out).is_ok();
        if !encoded {
            self.conn.out.truncate(before);
        }
        encoded
    }

    /// Like [`push`](Self::push), writing out once enough is waiting.
    pub(super) async fn send(&mut self, response: &Response<'_>) -> Step {
        self.push(response);
        if self.conn.out.len() >= FLUSH_AT {
            self.conn.flush().await?;
        }
        Ok(())
    }

    /// Sends `responses`, then `tag OK text` (after what changed meanwhile).
    pub(super) async fn answer(
        &mut self,
        tag: &Tag<'_>,
        responses: &[Response<'_>],
        text: &str,
    ) -> Step {
        for response in responses {
            self.send(response).await?;
        }
        self.done(tag, None, text).await
    }

    /// An untagged `* OK [code] text`.
    pub(super) fn untagged_ok(&mut self, code: Option<Code<'_>>, text: &str) {
        self.push(&Response::Status(Status {
            tag: None,
            kind: StatusKind::Ok,
            code,
            text: Text::from(text),
        }));
    }

    /// Completes the command with `tag` and writes everything out.
    pub(super) async fn tagged(
        &mut self,
        tag: &Tag<'_>,
        kind: StatusKind,
        code: Option<Code<'_>>,
        text: &str,
    ) -> Step {
        let completed = self.push(&Response::Status(Status {
            tag: Some(tag.clone()),
            kind,
            code,
            text: Text::new(Cow::Borrowed(text.as_bytes())),
        }));
        if !completed {
            // Every command gets its completion, even when its text or code could not be
            // written: the client would wait for it forever.
            self.push(&Response::Status(Status {
                tag: Some(tag.clone()),
                kind,
                code: None,
                text: Text::from("completed"),
            }));
        }
        self.conn.flush().await?;
        Ok(())
    }

    /// `tag OK`, after telling the client what changed meanwhile.
    pub(super) async fn done(&mut self, tag: &Tag<'_>, code: Option<Code<'_>>, text: &str) -> Step {
        self.sync(!self.hold_expunges)?;
        self.tagged(tag, StatusKind::Ok, code, text).await
    }

    pub(super) async fn no(&mut self, tag: &Tag<'_>, code: Option<Code<'_>>, text: &str) -> Step {
        self.tagged(tag, StatusKind::No, code, text).await
    }

    pub(super) async fn bad(&mut self, tag: &Tag<'_>, text: &str) -> Step {
        self.tagged(tag, StatusKind::Bad, None, text).await
    }

    /// The logged-in account's name.
    pub(super) fn account_name(&self) -> &str {
        self.account.as_deref().unwrap_or_default()
    }

    /// Runs `f` on the logged-in account under the store's lock.
    pub(super) fn with_account<T>(&self, f: impl FnOnce(&Account) -> T) -> Option<T> {
        let inner = self.store.lock();
        inner.account(self.account_name()).ok().map(f)
    }

    /// The flags of the selected mailbox: system flags and the keywords in use.
    pub(super) fn mailbox_flags(
        keywords: &std::collections::BTreeSet<String>,
    ) -> Vec<Flag<'static>> {
        let mut flags = vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
        ];
        flags.extend(
            keywords
                .iter()
                .filter_map(|keyword| Atom::new(keyword.clone()).ok())
                .map(Flag::Keyword),
        );
        flags
    }
}

/// Turns a client away when the server is full: `* BYE Too many connections`, through TLS
/// first on an implicit-TLS server so that the client can read it.
pub(super) async fn turn_away<S: AsyncRead + AsyncWrite + Unpin + Send>(
    config: &ImapServerConfig,
    stream: S,
) {
    let mut conn = Conn::new(stream, config.limits, config.write_timeout);
    if config.security == Security::ImplicitTls {
        let Some(tls) = config.tls.clone() else {
            return;
        };
        if conn.start_tls(tls, config.limits).await.is_err() {
            return;
        }
    }
    let bye = Response::Status(Status {
        tag: None,
        kind: StatusKind::Bye,
        code: None,
        text: Text::from("Too many connections"),
    });
    if encode_response(&bye, &mut conn.out).is_ok() {
        conn.close().await;
    }
}

/// The tag at the start of a command that could not be read, if it has a valid one: the
/// codec's `tag` grammar, and only when the whole first word is that tag (`a1(x` has none).
pub(super) fn leading_tag(message: &[u8]) -> Option<Tag<'_>> {
    let (rest, tag) = token(message, TAG, "a tag").ok()?;
    matches!(rest.first(), Some(b' ' | b'\r' | b'\n')).then(|| Tag::unchecked(tag))
}

#[cfg(test)]
mod tests {
    use super::leading_tag;

    #[test]
    fn the_tag_of_a_command_that_does_not_parse_is_its_whole_first_word() {
        let tag = |line: &'static [u8]| leading_tag(line).map(|tag| tag.as_str().to_owned());
        assert_eq!(tag(b"a1 FROB\r\n"), Some("a1".to_owned()));
        assert_eq!(tag(b"a.2]x\r\n"), Some("a.2]x".to_owned()));
        // No tag: a word with a character a tag cannot hold, a continuation's `+`, a
        // leading space, or a word that has not ended yet.
        assert_eq!(tag(b"a1(x y\r\n"), None);
        assert_eq!(tag(b"+ab FROB\r\n"), None);
        assert_eq!(tag(b" a1 FROB\r\n"), None);
        assert_eq!(tag(b"a1"), None);
        assert_eq!(tag(b"a\x80 FROB\r\n"), None);
    }
}
