//! One IMAP session: reading commands through the codec's framer and parser, the state
//! (not authenticated, authenticated, selected), the answers, and telling the client about
//! other sessions' changes when RFC 3501 §7.4.1 allows it.

use std::borrow::Cow;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::time::Instant;

use super::config::ImapServerConfig;
use super::conn::{Conn, FLUSH_AT, WireError};
use crate::imap::codec::error::{DecodeError, DecodeErrorKind};
use crate::imap::codec::framing::Frame;
use crate::imap::codec::types::{
    Atom, Code, Command, CommandBody, Continue, Data, FetchItem, Flag, Response, SeqBound,
    SequenceSet, Status, StatusKind, Tag, Text,
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

/// What the session has told the client about one message of the selected mailbox.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    pub(super) uid: u32,
    /// The mod-sequence of the flags the client was last told (or that it set itself).
    pub(super) modseq: u64,
}

/// The selected mailbox as this session's client sees it: its sequence numbers are the
/// positions in `view`, which change only when the client may be told (§7.4.1).
#[derive(Debug)]
pub(super) struct Selected {
    pub(super) id: u64,
    pub(super) read_only: bool,
    pub(super) view: Vec<Known>,
    /// The result of the last `SEARCH RETURN (SAVE)`, as UIDs (RFC 5182).
    pub(super) saved: Vec<u32>,
}

impl Selected {
    /// The sequence number of `uid` in the client's view.
    pub(super) fn seq_of(&self, uid: u32) -> Option<u32> {
        self.view
            .binary_search_by_key(&uid, |known| known.uid)
            .ok()
            .map(|index| index as u32 + 1)
    }

    /// The UIDs a client's set names, in order: sequence numbers read against the view,
    /// UIDs against the UIDs in it (`*` is the largest), `$` as the saved search result.
    pub(super) fn resolve(&self, set: &SequenceSet, uid: bool) -> Vec<u32> {
        let saved = if uid {
            uid_set(&self.saved)
        } else {
            uid_set(
                &self
                    .saved
                    .iter()
                    .filter_map(|uid| self.seq_of(*uid))
                    .collect::<Vec<_>>(),
            )
        };
        let set = set.resolve(&saved);
        let largest = if uid {
            self.view.last().map_or(0, |known| known.uid)
        } else {
            self.view.len() as u32
        };
        let ranges = Ranges::new(&set, largest);
        self.view
            .iter()
            .enumerate()
            .filter(|(index, known)| {
                ranges.contains(if uid { known.uid } else { *index as u32 + 1 })
            })
            .map(|(_, known)| known.uid)
            .collect()
    }

    /// True when a set of sequence numbers names one past the last message: RFC 3501
    /// §9 makes that a protocol error (`*` is always the last message).
    pub(super) fn out_of_range(&self, set: &SequenceSet) -> bool {
        let count = self.view.len() as u32;
        set.ranges.iter().any(|range| {
            [Some(range.start), range.end]
                .into_iter()
                .flatten()
                .any(|bound| matches!(bound, SeqBound::Value(n) if n > count))
        })
    }
}

/// A sequence set read against the largest number in use, as sorted disjoint ranges, so
/// that whether a number is in it costs a binary search however many parts the set has.
pub(super) struct Ranges(Vec<(u32, u32)>);

impl Ranges {
    pub(super) fn new(set: &SequenceSet, largest: u32) -> Ranges {
        let value = |bound: SeqBound| match bound {
            SeqBound::Value(n) => n,
            SeqBound::Largest => largest,
        };
        let mut ranges: Vec<(u32, u32)> = set
            .ranges
            .iter()
            .map(|range| {
                let start = value(range.start);
                let end = range.end.map_or(start, value);
                (start.min(end), start.max(end))
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Ranges(merged)
    }

    pub(super) fn contains(&self, n: u32) -> bool {
        let after = self.0.partition_point(|&(start, _)| start <= n);
        after > 0 && self.0[after - 1].1 >= n
    }
}

/// A sequence set of `numbers` (in any order), in runs: `1:3,7`.
pub(super) fn uid_set(numbers: &[u32]) -> SequenceSet {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut set: Option<SequenceSet> = None;
    let mut index = 0;
    while index < sorted.len() {
        let start = sorted[index];
        let mut end = start;
        while index + 1 < sorted.len() && sorted[index + 1] == end + 1 {
            index += 1;
            end = sorted[index];
        }
        let run = if start == end {
            SequenceSet::single(start)
        } else {
            SequenceSet::range(start, end)
        };
        set = Some(match set {
            Some(set) => set.and(run),
            None => run,
        });
        index += 1;
    }
    set.unwrap_or(SequenceSet {
        ranges: Vec::new(),
        saved: false,
    })
}

/// A sequence set of `numbers` kept in the order given (for COPYUID, whose two sets pair
/// up one by one).
pub(super) fn ordered_set(numbers: &[u32]) -> SequenceSet {
    let mut set: Option<SequenceSet> = None;
    let mut index = 0;
    while index < numbers.len() {
        let start = numbers[index];
        let mut end = start;
        while index + 1 < numbers.len() && numbers[index + 1] == end.wrapping_add(1) {
            index += 1;
            end = numbers[index];
        }
        let run = if start == end {
            SequenceSet::single(start)
        } else {
            SequenceSet::range(start, end)
        };
        set = Some(match set {
            Some(set) => set.and(run),
            None => run,
        });
        index += 1;
    }
    set.unwrap_or(SequenceSet {
        ranges: Vec::new(),
        saved: false,
    })
}

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
            DecodeErrorKind::LiteralTooLarge { .. } | DecodeErrorKind::MessageTooLarge { .. } => (
                StatusKind::No,
                Some(Code::Other {
                    name: Atom::unchecked("TOOBIG"),
                    arguments: None,
                }),
                format!("{error}"),
            ),
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
            C::Noop | C::Check => self.done(&tag, None, "NOOP completed").await,
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
    pub(super) fn push(&mut self, response: &Response<'_>) {
        let before = self.conn.out.len();
        if encode_response(response, &mut self.conn.out).is_err() {
            self.conn.out.truncate(before);
        }
    }

    /// Like [`push`](Self::push), writing out once enough is waiting.
    pub(super) async fn send(&mut self, response: &Response<'_>) -> Step {
        self.push(response);
        if self.conn.out.len() >= FLUSH_AT {
            self.conn.flush().await?;
        }
        Ok(())
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
        self.push(&Response::Status(Status {
            tag: Some(tag.clone()),
            kind,
            code,
            text: Text::new(Cow::Borrowed(text.as_bytes())),
        }));
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

    /// Tells the client about changes it has not seen, as far as it may be told now:
    /// EXPUNGE for messages gone (only when `expunges`), FETCH FLAGS for flags others
    /// changed, EXISTS for new messages. When the selected mailbox no longer exists, the
    /// session ends with BYE.
    pub(super) fn sync(&mut self, expunges: bool) -> Step {
        let Some(mut selected) = self.selected.take() else {
            return Ok(());
        };
        let mut responses: Vec<Response<'static>> = Vec::new();
        let gone = {
            let inner = self.store.lock();
            let mailbox = inner
                .account(self.account_name())
                .ok()
                .and_then(|account| account.mailbox_by_id(selected.id));
            match mailbox {
                None => true,
                Some(mailbox) => {
                    if expunges {
                        let mut index = selected.view.len();
                        while index > 0 {
                            index -= 1;
                            if mailbox.position(selected.view[index].uid).is_none() {
                                selected.view.remove(index);
                                responses.push(Response::Data(Data::Expunge(index as u32 + 1)));
                            }
                        }
                        let remaining: Vec<u32> =
                            selected.view.iter().map(|known| known.uid).collect();
                        selected
                            .saved
                            .retain(|uid| remaining.binary_search(uid).is_ok());
                    }
                    for (index, known) in selected.view.iter_mut().enumerate() {
                        let Some(position) = mailbox.position(known.uid) else {
                            continue;
                        };
                        let message = &mailbox.messages[position];
                        if message.modseq > known.modseq {
                            known.modseq = message.modseq;
                            let mut items = vec![
                                FetchItem::Uid(message.uid),
                                FetchItem::Flags(message.flags.iter().cloned().collect()),
                            ];
                            if self.condstore {
                                items.push(FetchItem::ModSeq(Some(message.modseq)));
                            }
                            responses.push(Response::Data(Data::Fetch {
                                seq: index as u32 + 1,
                                items,
                            }));
                        }
                    }
                    let last = selected.view.last().map_or(0, |known| known.uid);
                    let before = selected.view.len();
                    selected.view.extend(
                        mailbox
                            .messages
                            .iter()
                            .filter(|message| message.uid > last)
                            .map(|message| Known {
                                uid: message.uid,
                                modseq: message.modseq,
                            }),
                    );
                    if selected.view.len() != before {
                        responses.push(Response::Data(Data::Exists(selected.view.len() as u32)));
                    }
                    false
                }
            }
        };
        for response in &responses {
            self.push(response);
        }
        if gone {
            self.push(&Response::Status(Status {
                tag: None,
                kind: StatusKind::Bye,
                code: None,
                text: Text::from("The selected mailbox was deleted; reconnect"),
            }));
            return Err(End::Closed);
        }
        self.selected = Some(selected);
        Ok(())
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

/// The tag at the start of a command that could not be read, if it has a valid one.
pub(super) fn leading_tag(message: &[u8]) -> Option<Tag<'_>> {
    let end = message
        .iter()
        .position(|&b| b == b' ' || b == b'\r' || b == b'\n')?;
    let word = std::str::from_utf8(&message[..end]).ok()?;
    Tag::new(word).ok()
}
