//! The machinery every command shares: tags, writing, reading through the framer, routing
//! each response to its command or to the caller's events, and cancel safety.
//!
//! Command families (`select`, `fetch`, `idle`…) live in files of their own with their own
//! `impl Client` blocks and use only what this file offers them:
//!
//! * [`Client::run`]: send a command and wait for its completion, with the untagged
//!   responses its [`Claim`] takes; [`Client::run_ok`] turns NO/BAD into an [`Error`].
//! * [`Client::send`] / [`Client::wait`]: the same in two halves, so several commands can
//!   be in flight at once (FETCH chunks); [`Client::next_delivery`] hands a command's
//!   responses out one by one as they arrive, large literals in pieces.
//! * [`Client::continuation`] / [`Client::write_continuation_line`]: the `+` exchanges of
//!   AUTHENTICATE and IDLE.
//!
//! Routing: a tagged completion goes to the command with that tag (a tag never sent is a
//! protocol error); a `+` to the command waiting for one; untagged data first updates the
//! capabilities and the selected mailbox's state, then goes to the oldest in-flight command
//! whose claim takes it, and otherwise becomes an [`Event`] for the caller. Nothing is
//! dropped and nothing unasked is mistaken for an answer.
//!
//! Cancel safety: a command whose future is dropped leaves its tag in flight, marked
//! abandoned (its [`Pending`] handle is gone). The next command first reads the responses
//! up to those tags' completions, routing them as above, and only then writes. A future
//! dropped while a command was being written, in a `+` exchange, or while a response was
//! being collected leaves the stream where no one can tell what comes next: the client is
//! then marked unusable ([`Error::Unusable`]).

use std::collections::VecDeque;
use std::sync::{Arc, Weak};

use super::command::{Claim, Completion, Delivery, Pending, STREAM_LITERALS_ABOVE};
use super::config::{ClientBuilder, Deadlines};
use super::error::Error;
use super::names::command_name;
use super::read::Piece;
use super::state::{Event, MailboxState, data_event, status_event};
use crate::imap::codec::framing::Framer;
use crate::imap::codec::types::{
    Capability, Code, Command, CommandBody, Continue, Data, Response, Status, StatusKind, Tag,
};
use crate::imap::codec::{EncodeOptions, encode_command};
use crate::limits::Limits;
use crate::net::{Connection, NetError};
use crate::provider::Provider;

/// What routing a response led to.
enum Routed {
    /// Handed to a command, the state or the events.
    Handled,
    /// A continuation request for the command waiting for one.
    Continue(Continue<'static>),
}

struct InFlight {
    tag: String,
    command: &'static str,
    claim: Claim,
    alive: Weak<()>,
    claimed: VecDeque<Response<'static>>,
    /// Wire bytes of what `claimed` holds (an over-count while a streaming reader drains
    /// it), bounded by [`Limits::response_len`]: a server that never completes a command
    /// cannot make its answers grow without end.
    claimed_bytes: u64,
    completion: Option<Status<'static>>,
}

impl InFlight {
    fn abandoned(&self) -> bool {
        self.alive.strong_count() == 0
    }
}

/// An IMAP session: greeted, secured and logged in as configured.
///
/// Methods take `&mut self`: one task drives the session. Every response is read under
/// [`Deadlines::response`] (a large literal under [`Deadlines::literal`]), unilateral data
/// arriving during any command is kept for [`take_events`](Client::take_events), and a
/// command future dropped half-way never makes the next command read its answers.
pub struct Client {
    pub(super) conn: Connection,
    pub(super) framer: Framer,
    pub(super) server: String,
    pub(super) provider: Option<&'static Provider>,
    pub(super) deadlines: Deadlines,
    pub(super) limits: Limits,
    next_tag: u64,
    in_flight: VecDeque<InFlight>,
    /// `None` until known, and again after STARTTLS and login.
    pub(super) capabilities: Option<Vec<Capability<'static>>>,
    /// What the server confirmed enabled.
    pub(super) enabled: Vec<Capability<'static>>,
    pub(super) selected: Option<MailboxState>,
    events: VecDeque<Event>,
    /// Wire bytes of the responses `events` holds, bounded by [`Limits::response_len`]:
    /// a caller that never takes its events gets an error, not a queue that eats memory.
    events_bytes: u64,
    unusable: Option<String>,
    /// A command being written, or a `+` exchange open: a drop now breaks the session.
    exchange: Option<&'static str>,
    /// A large response being collected whole: a drop now breaks the session.
    pub(super) collecting: bool,
    /// A command waits for `+`.
    awaiting_continuation: bool,
    /// Literal bytes still to come of a literal being handed out in pieces.
    pub(super) streaming: Option<u64>,
    /// Inside a response (its deadline already opened).
    pub(super) mid_response: bool,
    /// The text of a BYE received.
    bye: Option<String>,
    /// A line the server is owed before anything else is written (the `DONE` of an IDLE
    /// whose handle was dropped), with the command it ends.
    owed_line: Option<(&'static str, &'static [u8])>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.server)
            .field("tls", &self.conn.is_tls())
            .field("capabilities", &self.capabilities)
            .field("enabled", &self.enabled)
            .field("selected", &self.selected)
            .field("in_flight", &self.in_flight.len())
            .field("events", &self.events.len())
            .field("unusable", &self.unusable)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(super) fn new(conn: Connection, builder: &ClientBuilder) -> Self {
        Client {
            conn,
            framer: Framer::responses(builder.limits).stream_literals_above(STREAM_LITERALS_ABOVE),
            server: builder.server(),
            provider: builder.provider,
            deadlines: builder.deadlines,
            limits: builder.limits,
            next_tag: 1,
            in_flight: VecDeque::new(),
            capabilities: None,
            enabled: Vec::new(),
            selected: None,
            events: VecDeque::new(),
            events_bytes: 0,
            unusable: None,
            exchange: None,
            collecting: false,
            awaiting_continuation: false,
            streaming: None,
            mid_response: false,
            bye: None,
            owed_line: None,
        }
    }

    /// `host:port`, as errors name it.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// True while the connection can take commands: no BYE, no network failure, no
    /// cancelled command that could not be finished.
    pub fn is_usable(&self) -> bool {
        self.unusable.is_none() && self.exchange.is_none() && !self.collecting
    }

    /// The events (unilateral data) received so far, oldest first; the queue is emptied.
    /// Take them between commands: once the events waiting pass
    /// [`Limits::response_len`] bytes (as sent), the session becomes unusable rather than
    /// drop one.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.events_bytes = 0;
        self.events.drain(..).collect()
    }

    /// The selected mailbox's state, when one is selected.
    pub fn selected(&self) -> Option<&MailboxState> {
        self.selected.as_ref()
    }

    /// The deadlines this session uses.
    pub(crate) fn deadlines(&self) -> &Deadlines {
        &self.deadlines
    }

    /// Replaces the selected mailbox's state (SELECT/EXAMINE start with a fresh one;
    /// `None` for UNSELECT, CLOSE and LOGOUT).
    pub(crate) fn set_selected(&mut self, state: Option<MailboxState>) {
        self.selected = state;
    }

    /// Queues an event for the caller (for families that take data back out of a claim).
    /// Not charged to the events' bound: it was charged to the claim it came from.
    pub(crate) fn push_event(&mut self, event: Event) {
        self.events.push_back(event);
    }

    /// The tag the next [`send`](Self::send) will use, for claims that must recognise
    /// their own command's responses (ESEARCH's `(TAG "A5")`).
    pub(crate) fn next_tag(&self) -> String {
        format!("A{}", self.next_tag)
    }

    /// How commands are written for this server now.
    pub(crate) fn encode_options(&self) -> EncodeOptions {
        EncodeOptions::default()
            .with_literal_plus(self.has(&Capability::LiteralPlus))
            .with_literal_minus(self.has(&Capability::LiteralMinus))
            .with_utf8_accept(self.enabled.contains(&Capability::Utf8Accept))
    }

    pub(super) fn has(&self, capability: &Capability<'_>) -> bool {
        self.capabilities
            .as_ref()
            .is_some_and(|list| list.iter().any(|c| c == capability))
    }

    fn unusable_error(&self) -> Error {
        Error::Unusable {
            server: self.server.clone(),
            reason: self.unusable.clone().unwrap_or_default(),
        }
    }

    pub(super) fn check_usable(&self) -> Result<(), Error> {
        match self.unusable {
            Some(_) => Err(self.unusable_error()),
            None => Ok(()),
        }
    }

    /// Marks the connection unusable for `reason` (kept for later errors).
    pub(crate) fn break_connection(&mut self, reason: impl Into<String>) {
        if self.unusable.is_none() {
            self.unusable = Some(reason.into());
        }
    }

    pub(super) fn fail_net(&mut self, during: &'static str, source: NetError) -> Error {
        // After a BYE the server owes nothing more; one that then stalls instead of
        // closing has still said why it ended the session, which says more than a timeout.
        if let Some(text) = &self.bye
            && (matches!(source, NetError::Closed { .. }) || source.is_timeout())
        {
            let text = text.clone();
            self.break_connection("the server said BYE and closed the connection");
            return Error::Bye {
                server: self.server.clone(),
                text,
            };
        }
        self.break_connection(format!("{source}"));
        Error::net(during, source)
    }

    pub(crate) fn fail_protocol(&mut self, during: &'static str, what: String) -> Error {
        self.break_connection(format!("the server broke the protocol: {what}"));
        Error::Protocol {
            server: self.server.clone(),
            during,
            what,
        }
    }

    // ---- writing ----

    /// Sends `body` under a new tag and returns at once; [`wait`](Self::wait) reads its
    /// completion. Responses of abandoned commands are read first. A synchronising
    /// literal waits for the server's `+`; a tagged NO/BAD instead ends the command there
    /// (the rest is not sent, and `wait` returns the refusal). Values that cannot go on the
    /// wire are refused with [`Error::InvalidArgument`] before any byte is written.
    pub(crate) async fn send(
        &mut self,
        body: CommandBody<'_>,
        claim: Claim,
    ) -> Result<Pending, Error> {
        self.settle().await?;
        let command = command_name(&body);
        let tag = self.next_tag();
        let tagged = Command {
            tag: Tag::new(tag.as_str()).map_err(|source| Error::InvalidArgument { source })?,
            body,
        };
        let encoded = encode_command(&tagged, &self.encode_options())
            .map_err(|source| Error::InvalidArgument { source })?;
        drop(tagged);
        self.next_tag += 1;
        let pending = self.register(tag, command, claim);
        self.exchange = Some(command);
        for segment in encoded.segments() {
            let written = if segment.holds_secret() {
                self.conn
                    .write_secret(segment.bytes, &segment.redacted())
                    .await
            } else {
                self.conn.write_all(segment.bytes).await
            };
            if let Err(source) = written {
                return Err(self.fail_net(command, source));
            }
            if segment.wait_for_continuation && self.continuation(&pending).await?.is_none() {
                // Refused before the literal: the command is over.
                break;
            }
        }
        self.exchange = None;
        Ok(pending)
    }

    /// Starts a command whose bytes the family writes itself, after the tag (APPEND with a
    /// message read from an `AsyncRead`): abandoned commands are settled, a tag is taken
    /// and the command registered, and the exchange stays open, so a drop before
    /// [`write_continuation_line`](Self::write_continuation_line) (or a refusal seen by
    /// [`continuation`](Self::continuation)) leaves the session unusable rather than
    /// half-written. Returns the handle; its `tag` starts the line.
    pub(crate) async fn begin_command(
        &mut self,
        command: &'static str,
        claim: Claim,
    ) -> Result<Pending, Error> {
        self.settle().await?;
        let tag = self.next_tag();
        self.next_tag += 1;
        let pending = self.register(tag, command, claim);
        self.exchange = Some(command);
        Ok(pending)
    }

    /// Puts the command under `tag` in flight, for its responses to be routed to it; the
    /// handle returned keeps it claimed until dropped.
    fn register(&mut self, tag: String, command: &'static str, claim: Claim) -> Pending {
        let alive = Arc::new(());
        self.in_flight.push_back(InFlight {
            tag: tag.clone(),
            command,
            claim,
            alive: Arc::downgrade(&alive),
            claimed: VecDeque::new(),
            claimed_bytes: 0,
            completion: None,
        });
        Pending {
            tag,
            command,
            _alive: alive,
        }
    }

    /// Waits for the `+` of `pending`, routing everything else. `None` when the command
    /// completed instead (its completion waits for [`wait`](Self::wait)). While a `+`
    /// exchange is open the session cannot be recovered after a drop: end it with
    /// [`write_continuation_line`](Self::write_continuation_line).
    pub(crate) async fn continuation(
        &mut self,
        pending: &Pending,
    ) -> Result<Option<Continue<'static>>, Error> {
        self.exchange = Some(pending.command);
        self.awaiting_continuation = true;
        let result = loop {
            if self.completed(&pending.tag) {
                break Ok(None);
            }
            match self.step(false, pending.command).await {
                Ok(Some(request)) => break Ok(Some(request)),
                Ok(None) => {}
                Err(error) => break Err(error),
            }
        };
        self.awaiting_continuation = false;
        if let Ok(None) = result {
            self.exchange = None;
        }
        result
    }

    /// Writes one line answering a `+` (an AUTHENTICATE response, IDLE's `DONE`), CRLF
    /// included in `line`; a `secret` line shows as `<redacted>` in the transcript. Ends
    /// the exchange [`continuation`](Self::continuation) opened.
    pub(crate) async fn write_continuation_line(
        &mut self,
        command: &'static str,
        line: &[u8],
        secret: bool,
    ) -> Result<(), Error> {
        self.check_usable()?;
        let written = if secret {
            self.conn.write_secret(line, b"<redacted>\r\n").await
        } else {
            self.conn.write_all(line).await
        };
        written.map_err(|source| self.fail_net(command, source))?;
        self.exchange = None;
        Ok(())
    }

    /// Closes the open `+` exchange of a command the server completed on its own (an IDLE
    /// ended by the server's tagged OK, NO or BAD): nothing more is owed for it, so the
    /// session goes on.
    pub(crate) fn end_exchange(&mut self) {
        self.exchange = None;
    }

    /// Promises `line` (CRLF included) to the server before the next command, closing the
    /// open `+` exchange of `command`: for a handle dropped where no write can happen (an
    /// IDLE dropped while idling owes its `DONE`). The next command writes it, then reads
    /// the abandoned command's completion as usual.
    pub(crate) fn owe_line(&mut self, command: &'static str, line: &'static [u8]) {
        self.owed_line = Some((command, line));
        self.exchange = None;
    }

    // ---- waiting ----

    /// Reads until `pending` completes and returns how, with what its claim took.
    pub(crate) async fn wait(&mut self, pending: Pending) -> Result<Completion, Error> {
        loop {
            if let Some(completion) = self.take_completion(&pending.tag) {
                return Ok(completion);
            }
            if !self.in_flight.iter().any(|entry| entry.tag == pending.tag) {
                return Err(self.fail_protocol(
                    pending.command,
                    format!("the completion of {} was lost", pending.tag),
                ));
            }
            self.step_routed(pending.command).await?;
        }
    }

    /// [`send`](Self::send) then [`wait`](Self::wait): the completion whatever its status.
    pub(crate) async fn run(
        &mut self,
        body: CommandBody<'_>,
        claim: Claim,
    ) -> Result<Completion, Error> {
        let pending = self.send(body, claim).await?;
        self.wait(pending).await
    }

    /// [`run`](Self::run), with a NO or BAD turned into its [`Error`].
    pub(crate) async fn run_ok(
        &mut self,
        body: CommandBody<'_>,
        claim: Claim,
    ) -> Result<Completion, Error> {
        let completion = self.run(body, claim).await?;
        completion.ok(&self.server)
    }

    /// The next thing for `pending`: a response its claim took, a piece of a streamed
    /// literal (when `streams`; otherwise large literals are collected and parsed whole),
    /// or [`Delivery::Done`] once it completed. Everything else is routed as usual. Pieces
    /// of a streamed literal belong to the command that streams: let one streaming command
    /// read at a time.
    pub(crate) async fn next_delivery(
        &mut self,
        pending: &Pending,
        streams: bool,
    ) -> Result<Delivery, Error> {
        loop {
            let Some(entry) = self.in_flight.iter_mut().find(|e| e.tag == pending.tag) else {
                return Err(self.fail_protocol(
                    pending.command,
                    format!("the completion of {} was lost", pending.tag),
                ));
            };
            if let Some(response) = entry.claimed.pop_front() {
                if entry.claimed.is_empty() {
                    entry.claimed_bytes = 0;
                }
                return Ok(Delivery::Response(response));
            }
            if entry.completion.is_some() {
                return Ok(Delivery::Done);
            }
            match self.read_piece(streams, pending.command).await? {
                Piece::Response(response, size) => {
                    self.route_read(response, size, pending.command)?;
                }
                Piece::StreamStart { head, size } => {
                    return Ok(Delivery::StreamStart { head, size });
                }
                Piece::StreamData(bytes) => return Ok(Delivery::StreamData(bytes)),
                Piece::StreamEnd { tail } => return Ok(Delivery::StreamEnd { tail }),
            }
        }
    }

    /// [`next_delivery`](Self::next_delivery), but when nothing at all arrives within
    /// `within` (IDLE's keepalive, a renewal due), `None`, with the session still usable:
    /// the wait for a response's first byte is the only one that may end quietly, since no
    /// byte of it has been taken.
    pub(crate) async fn next_delivery_within(
        &mut self,
        pending: &Pending,
        streams: bool,
        within: std::time::Duration,
    ) -> Result<Option<Delivery>, Error> {
        self.check_usable()?;
        let quiet = self
            .in_flight
            .iter()
            .find(|entry| entry.tag == pending.tag)
            .is_some_and(|entry| entry.claimed.is_empty() && entry.completion.is_none());
        if quiet
            && !self.mid_response
            && self.streaming.is_none()
            && self.conn.buffered().is_empty()
        {
            self.conn.begin_response(within);
            match self.conn.fill().await {
                Ok(_) => {}
                Err(source) if source.is_timeout() => {
                    self.conn.end_response();
                    return Ok(None);
                }
                Err(source) => return Err(self.fail_net(pending.command, source)),
            }
        }
        self.next_delivery(pending, streams).await.map(Some)
    }

    fn completed(&self, tag: &str) -> bool {
        self.in_flight
            .iter()
            .any(|entry| entry.tag == tag && entry.completion.is_some())
    }

    fn take_completion(&mut self, tag: &str) -> Option<Completion> {
        let index = self
            .in_flight
            .iter()
            .position(|entry| entry.tag == tag && entry.completion.is_some())?;
        let entry = self.in_flight.remove(index)?;
        let status = entry.completion?;
        Some(Completion {
            command: entry.command,
            kind: status.kind,
            code: status.code,
            text: status.text,
            data: entry.claimed.into(),
        })
    }

    /// Finishes what abandoned commands left: reads until each has completed.
    async fn settle(&mut self) -> Result<(), Error> {
        self.check_usable()?;
        if let Some((command, line)) = self.owed_line.take() {
            self.exchange = Some(command);
            if let Err(source) = self.conn.write_all(line).await {
                return Err(self.fail_net(command, source));
            }
            self.exchange = None;
        }
        if let Some(command) = self.exchange {
            self.break_connection(format!(
                "a {command} command was cancelled while it was being sent"
            ));
            return Err(self.unusable_error());
        }
        if self.collecting {
            self.break_connection("a command was cancelled while a large response arrived");
            return Err(self.unusable_error());
        }
        if self.in_flight.iter().any(InFlight::abandoned) {
            // The abandoned command's window may have run out while no one read: what is
            // left is read under a fresh one.
            if self.streaming.is_some() {
                self.conn.begin_response(self.deadlines.literal);
            } else {
                self.mid_response = false;
            }
        }
        loop {
            self.in_flight
                .retain(|entry| !(entry.abandoned() && entry.completion.is_some()));
            let abandoned = self.in_flight.iter().any(InFlight::abandoned);
            let live = self.in_flight.iter().any(|entry| !entry.abandoned());
            if !abandoned && (self.streaming.is_none() || live) {
                return Ok(());
            }
            // Pieces of a literal whose reader is gone are dropped with it.
            match self
                .read_piece(false, "finishing a cancelled command")
                .await?
            {
                Piece::Response(response, size) => {
                    self.route_read(response, size, "finishing a cancelled command")?;
                }
                Piece::StreamStart { .. } | Piece::StreamData(_) | Piece::StreamEnd { .. } => {}
            }
        }
    }

    /// Reads and routes one response; a `+` is returned when a command waits for one.
    async fn step(
        &mut self,
        streams: bool,
        during: &'static str,
    ) -> Result<Option<Continue<'static>>, Error> {
        match self.read_piece(streams, during).await? {
            Piece::Response(response, size) => match self.route(response, size, during)? {
                Routed::Continue(request) => Ok(Some(request)),
                Routed::Handled => Ok(None),
            },
            // Only a streaming reader asks for pieces, and it reads them itself.
            _ => Ok(None),
        }
    }

    async fn step_routed(&mut self, during: &'static str) -> Result<(), Error> {
        match self.step(false, during).await? {
            Some(_) => Err(self.unexpected_continuation(during)),
            None => Ok(()),
        }
    }

    fn unexpected_continuation(&mut self, during: &'static str) -> Error {
        self.fail_protocol(
            during,
            "a continuation request (+) that no command waits for".to_owned(),
        )
    }

    // ---- routing ----

    /// Routes a response of `size` wire bytes where no `+` is awaited (also one a family
    /// collected from pieces and parsed whole, so it goes where a whole one would).
    pub(super) fn route_read(
        &mut self,
        response: Response<'static>,
        size: u64,
        during: &'static str,
    ) -> Result<(), Error> {
        match self.route(response, size, during)? {
            Routed::Continue(_) => Err(self.unexpected_continuation(during)),
            Routed::Handled => Ok(()),
        }
    }

    /// Routes `response`, `size` bytes on the wire.
    fn route(
        &mut self,
        response: Response<'static>,
        size: u64,
        during: &'static str,
    ) -> Result<Routed, Error> {
        match response {
            Response::Status(status) => match status.tag {
                Some(_) => {
                    self.tagged(status, during)?;
                    Ok(Routed::Handled)
                }
                None => {
                    if let Some(code) = &status.code {
                        self.apply_code(code);
                    }
                    if status.kind == StatusKind::Bye {
                        self.bye = Some(status.text.to_str_lossy().into_owned());
                        self.queue_event(status_event(status), size)?;
                        return Ok(Routed::Handled);
                    }
                    self.deliver(Response::Status(status), size, during)?;
                    Ok(Routed::Handled)
                }
            },
            Response::Data(data) => {
                if let Some(state) = self.selected.as_mut() {
                    state.apply_data(&data);
                }
                match &data {
                    Data::Capability(list) => self.capabilities = Some(list.clone()),
                    Data::Enabled(list) => {
                        for capability in list {
                            if !self.enabled.contains(capability) {
                                self.enabled.push(capability.clone());
                            }
                        }
                    }
                    _ => {}
                }
                self.deliver(Response::Data(data), size, during)?;
                Ok(Routed::Handled)
            }
            Response::Continue(request) => {
                if self.awaiting_continuation {
                    Ok(Routed::Continue(request))
                } else {
                    Err(self.unexpected_continuation(during))
                }
            }
        }
    }

    /// Completes the command `status` is tagged for; an OK's code updates the state.
    fn tagged(&mut self, status: Status<'static>, during: &'static str) -> Result<(), Error> {
        let tag = status.tag.as_ref().map_or("", |tag| tag.as_str());
        let Some(index) = self
            .in_flight
            .iter()
            .position(|entry| entry.tag == tag && entry.completion.is_none())
        else {
            let what = format!(
                "a tagged reply for tag {}, which this client never sent (or which already \
                 completed)",
                crate::text::escape_control(tag)
            );
            return Err(self.fail_protocol(during, what));
        };
        if let (StatusKind::Ok, Some(code)) = (status.kind, &status.code) {
            self.apply_code(code);
        }
        if let Some(entry) = self.in_flight.get_mut(index) {
            entry.completion = Some(status);
        }
        Ok(())
    }

    fn apply_code(&mut self, code: &Code<'static>) {
        if let Code::Capability(list) = code {
            self.capabilities = Some(list.clone());
        }
        if let Some(state) = self.selected.as_mut() {
            state.apply_code(code);
        }
    }

    /// Gives an untagged response of `size` wire bytes to the oldest command that claims
    /// it, or to the events; past [`Limits::response_len`] of either, the session breaks
    /// (nothing is dropped quietly).
    fn deliver(
        &mut self,
        response: Response<'static>,
        size: u64,
        during: &'static str,
    ) -> Result<(), Error> {
        let bound = self.limits.response_len;
        for entry in self.in_flight.iter_mut() {
            if entry.completion.is_none() && (entry.claim)(&response) {
                entry.claimed_bytes = entry.claimed_bytes.saturating_add(held_size(size));
                if entry.claimed_bytes > bound {
                    let what = format!(
                        "more than {bound} bytes of answers to {} {} before its completion \
                         (Limits::response_len)",
                        entry.command, entry.tag
                    );
                    return Err(self.fail_protocol(during, what));
                }
                entry.claimed.push_back(response);
                return Ok(());
            }
        }
        let event = match response {
            Response::Status(status) => status_event(status),
            Response::Data(data) => data_event(data),
            Response::Continue(_) => return Ok(()),
        };
        self.queue_event(event, size)
    }

    /// Queues an event of `size` wire bytes, within [`Limits::response_len`] of events
    /// not yet taken.
    fn queue_event(&mut self, event: Event, size: u64) -> Result<(), Error> {
        self.events_bytes = self.events_bytes.saturating_add(held_size(size));
        if self.events_bytes > self.limits.response_len {
            self.break_connection(format!(
                "{} events ({} bytes, over Limits::response_len) were never taken; call \
                 Client::take_events between commands",
                self.events.len() + 1,
                self.events_bytes
            ));
            return Err(self.unusable_error());
        }
        self.events.push_back(event);
        Ok(())
    }

    /// Forgets the events and state from before a change of trust (STARTTLS).
    pub(super) fn forget_before_tls(&mut self) {
        self.capabilities = None;
        self.enabled.clear();
        self.events.clear();
        self.events_bytes = 0;
        self.selected = None;
        self.bye = None;
    }
}

/// What holding a response of `wire` bytes costs: its bytes, plus the value that holds
/// them and an allocation or two. Counting wire bytes alone let a flood of tiny responses
/// (a million `* OK x`, 8 bytes each) take some thirty times [`Limits::response_len`] in
/// memory.
pub(super) fn held_size(wire: u64) -> u64 {
    const HELD_OVERHEAD: usize = 64
        + if size_of::<Response<'static>>() > size_of::<Event>() {
            size_of::<Response<'static>>()
        } else {
            size_of::<Event>()
        };
    wire.saturating_add(HELD_OVERHEAD as u64)
}
