//! A mailbox watcher that survives disconnects: it keeps one mailbox in sync, reconnects
//! with backoff when the connection is lost, and resynchronises so that no change is lost
//! and none is reported twice.
//!
//! The watcher keeps its own picture of the mailbox: for each message its UID and flags,
//! in UID order (which is also message-number order, so the same list maps an `EXPUNGE`'s
//! number to its UID). Every change the server reports, pushed during IDLE or found by a
//! resync after a reconnect, is compared with that picture before it becomes an event: a
//! change already known is not reported again, whichever way it reached the client.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::config::ClientBuilder;
use super::error::Error;
use super::fetch::{FetchQuery, FetchedMessage};
use super::session::Client;
use super::state::Event;
use crate::imap::codec::types::{FetchItem, Flag, SequenceSet};
use crate::net::{Direction, Transcript};

mod resync;

/// How long one IDLE call waits before looking again (IDLE renews itself meanwhile).
const IDLE_WAIT: Duration = Duration::from_secs(60 * 60);
/// Resyncs in a row while messages keep being expunged under them, before the watcher
/// settles for the last one (and drops the pushes whose numbers it cannot place).
const MAX_RESYNCS: u32 = 3;

/// What the watcher reports about its mailbox.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A message the watcher had not reported yet: one that arrived, or one found in the
    /// mailbox when the watcher first opened it.
    New {
        /// Its UID.
        uid: u32,
        /// Its flags.
        flags: Vec<Flag<'static>>,
        /// Everything fetched for it: UID, FLAGS, MODSEQ with CONDSTORE, and what
        /// [`Watcher::fetch_new`] asked for.
        message: FetchedMessage,
    },
    /// A known message's flags changed.
    Changed {
        /// Its UID.
        uid: u32,
        /// Its flags now.
        flags: Vec<Flag<'static>>,
        /// The change's mod-sequence, when the server uses CONDSTORE.
        modseq: Option<u64>,
    },
    /// A known message was removed (expunged, moved away).
    Removed {
        /// Its UID.
        uid: u32,
    },
    /// The mailbox's UIDVALIDITY changed (it was deleted and created again, or the server
    /// renumbered it): every UID reported before is void. These are the messages now.
    Resync {
        /// The new UIDVALIDITY.
        uid_validity: Option<u32>,
        /// Every message: UID and flags, in UID order.
        messages: Vec<(u32, Vec<Flag<'static>>)>,
    },
    /// Informational: the connection failed with `error` (lost, BYE, timeout, throttled);
    /// the watcher connects again after `delay` and resynchronises.
    Reconnecting {
        /// What ended the connection, or refused the last attempt.
        error: Error,
        /// The failures in a row so far, this one included.
        attempt: u32,
        /// How long the watcher waits before the next attempt.
        delay: Duration,
    },
}

/// How long to wait before each reconnect: `first`, doubled after each failure in a row
/// up to `cap`, and back to `first` after a successful resync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (default 1 s).
    pub first: Duration,
    /// The longest wait (default 5 minutes).
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(1),
            cap: Duration::from_secs(5 * 60),
        }
    }
}

impl Backoff {
    /// The wait before the attempt after `failures` failures in a row (at least one).
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first
            .checked_mul(1u32 << doublings)
            .unwrap_or(self.cap)
            .min(self.cap)
    }
}

/// One message as the watcher knows it.
#[derive(Debug, Clone)]
struct Known {
    uid: u32,
    flags: Vec<Flag<'static>>,
}

/// Keeps one mailbox in sync and reports its changes as [`WatchEvent`]s, across lost
/// connections.
///
/// The watcher connects itself (from a [`ClientBuilder`], again after each failure),
/// SELECTs the mailbox and reports what it holds (each message as [`WatchEvent::New`]),
/// then waits with IDLE where the server offers it, or by a `NOOP` every
/// [`poll_every`](Watcher::poll_every) otherwise. Pushes become events by UID: `EXISTS`
/// leads to a `UID FETCH` of the new messages, `EXPUNGE n` is mapped to its UID, a `FETCH`
/// with flags is a change, `VANISHED` a removal.
///
/// When the connection is lost, the server says BYE, a deadline passes or the server
/// throttles ([`Error::is_retryable`]), the watcher reports
/// [`WatchEvent::Reconnecting`], waits (see [`Backoff`]), connects again and
/// resynchronises: with CONDSTORE, `UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE m)` for
/// flag changes and a UID listing (ESEARCH, or `UID SEARCH ALL`) for new and removed
/// messages; without it, `UID FETCH 1:* (UID FLAGS)`. A changed UIDVALIDITY is reported
/// as [`WatchEvent::Resync`]. Whatever the route, each change is compared with the
/// watcher's own state first: nothing is lost, nothing reported twice. A wrong password,
/// a mailbox that does not exist and other permanent errors end the watcher with that
/// error instead.
///
/// Memory: one entry per message of the mailbox (its UID and flags, a few dozen bytes),
/// plus the events not yet handed out. Data fetched for new messages is handed out, not
/// kept.
///
/// ```no_run
/// # async fn demo() -> Result<(), mailwire::imap::Error> {
/// use mailwire::imap::{ClientBuilder, Credentials, FetchQuery, WatchEvent, Watcher};
///
/// let builder = ClientBuilder::new("imap.mail.me.com", 993)
///     .credentials(Credentials::new("name@icloud.com", "app-specific-password").unwrap());
/// let mut watcher = Watcher::new(builder, "INBOX").fetch_new(FetchQuery::new().envelope().size());
/// loop {
///     match watcher.next().await? {
///         WatchEvent::New { uid, message, .. } => {
///             let subject = message.envelope().and_then(|e| e.subject.clone());
///             println!("new {uid}: {subject:?}");
///         }
///         WatchEvent::Reconnecting { error, delay, .. } => eprintln!("{error}; again in {delay:?}"),
///         other => println!("{other:?}"),
///     }
/// }
/// # }
/// ```
pub struct Watcher {
    /// Copied for each connection; its transcript was moved to `transcript`.
    builder: ClientBuilder,
    /// The caller's transcript, shared by every connection in turn.
    transcript: Option<Arc<Mutex<Box<dyn Transcript>>>>,
    mailbox: String,
    query: FetchQuery,
    backoff: Backoff,
    poll_every: Duration,
    client: Option<Client>,
    /// UIDVALIDITY of `messages`; `None` before the first sync.
    uid_validity: Option<u32>,
    /// Whether the mailbox was ever synced (a first sync reports messages as new).
    started: bool,
    /// The HIGHESTMODSEQ every change up to which is in `messages` (CONDSTORE).
    synced_modseq: Option<u64>,
    /// Every message, in UID order (which is message-number order).
    messages: Vec<Known>,
    /// `messages` must be checked against the server before waiting again (a new
    /// connection, an interrupted step, counts that disagree).
    synced: bool,
    /// The last step was a resync: a count mismatch now is not checked again at once.
    just_resynced: bool,
    /// Resyncs in a row without a wait between them.
    resyncs: u32,
    /// The server announced messages not fetched yet.
    fetch_new: bool,
    /// Pushes read and not yet applied, oldest first.
    raw: VecDeque<Event>,
    /// Events not yet handed out, oldest first.
    ready: VecDeque<WatchEvent>,
    /// Failures in a row.
    failures: u32,
    retry_at: Option<Instant>,
    /// Why the watcher stopped, once a permanent error ended it.
    ended: Option<String>,
}

impl core::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Watcher")
            .field("server", &self.builder.server())
            .field("mailbox", &self.mailbox)
            .field("connected", &self.client.is_some())
            .field("uid_validity", &self.uid_validity)
            .field("messages", &self.messages.len())
            .field("failures", &self.failures)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// A watcher of `mailbox` on the server `builder` connects to. Nothing happens until
    /// the first [`next`](Self::next). The builder's transcript, if any, records every
    /// connection the watcher opens.
    pub fn new(mut builder: ClientBuilder, mailbox: impl Into<String>) -> Self {
        let transcript = builder.transcript.take().map(|t| Arc::new(Mutex::new(t)));
        Watcher {
            builder,
            transcript,
            mailbox: mailbox.into(),
            query: FetchQuery::new(),
            backoff: Backoff::default(),
            poll_every: Duration::from_secs(60),
            client: None,
            uid_validity: None,
            started: false,
            synced_modseq: None,
            messages: Vec::new(),
            synced: false,
            just_resynced: false,
            resyncs: 0,
            fetch_new: false,
            raw: VecDeque::new(),
            ready: VecDeque::new(),
            failures: 0,
            retry_at: None,
            ended: None,
        }
    }

    /// What to fetch for each new message besides UID and FLAGS (say, ENVELOPE and
    /// RFC822.SIZE); it comes in [`WatchEvent::New`]'s `message`.
    pub fn fetch_new(mut self, query: FetchQuery) -> Self {
        self.query = query;
        self
    }

    /// How long to wait between reconnect attempts (default: 1 s doubling up to 5 min).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// How often to poll with `NOOP` on a server without IDLE (default 60 s).
    pub fn poll_every(mut self, every: Duration) -> Self {
        self.poll_every = every;
        self
    }

    /// The mailbox watched.
    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }

    /// The UIDVALIDITY the reported UIDs belong to (`None` before the first sync).
    pub fn uid_validity(&self) -> Option<u32> {
        self.uid_validity
    }

    /// Every message as the watcher knows it: UID and flags, in UID order.
    pub fn messages(&self) -> impl Iterator<Item = (u32, &[Flag<'static>])> {
        self.messages.iter().map(|m| (m.uid, m.flags.as_slice()))
    }

    /// True while a connection is open.
    pub fn is_connected(&self) -> bool {
        self.client.is_some()
    }

    /// The next event, waiting as long as it takes; reconnects happen inside this call.
    ///
    /// A permanent error (wrong credentials, a mailbox that cannot be selected, a refused
    /// TLS certificate) is returned once and ends the watcher: later calls return
    /// [`Error::Unusable`]. Safe to cancel (in a `select!` or under a timeout): whatever
    /// was read is kept, and a step cut short is done again on the next call.
    pub async fn next(&mut self) -> Result<WatchEvent, Error> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(event);
            }
            if let Some(reason) = &self.ended {
                return Err(Error::Unusable {
                    server: self.builder.server(),
                    reason: reason.clone(),
                });
            }
            match self.step().await {
                Ok(()) => {}
                Err(error) if error.is_retryable() => self.retry_later(error),
                Err(error) => {
                    self.ended = Some(format!("the watcher stopped: {error}"));
                    self.client = None;
                    return Err(error);
                }
            }
        }
    }

    fn retry_later(&mut self, error: Error) {
        self.client = None;
        self.synced = false;
        // Pushes of a lost connection are superseded by the resync of the next one.
        self.raw.clear();
        self.fetch_new = false;
        self.failures = self.failures.saturating_add(1);
        let delay = self.backoff.delay(self.failures);
        self.retry_at = Some(Instant::now() + delay);
        self.ready.push_back(WatchEvent::Reconnecting {
            error,
            attempt: self.failures,
            delay,
        });
    }

    /// One step towards the next event: wait out a backoff, connect, resync, apply what
    /// the server pushed, or wait for it to push something.
    async fn step(&mut self) -> Result<(), Error> {
        if let Some(at) = self.retry_at {
            tokio::time::sleep_until(at.into()).await;
            self.retry_at = None;
        }
        if self.client.is_none() {
            let mut client = self.connection().connect().await?;
            client.select(&self.mailbox).await?;
            self.client = Some(client);
            self.synced = false;
        }
        if !self.synced {
            self.resync().await?;
            self.resyncs = self.resyncs.saturating_add(1);
            self.just_resynced = true;
            self.failures = 0;
            let client = self.client()?;
            let events = client.take_events();
            let exists = client.selected().map_or(0, |s| s.exists) as usize;
            let moved = events.iter().any(|e| matches!(e, Event::Expunge(_)))
                || exists != self.messages.len();
            if moved && self.resyncs < MAX_RESYNCS {
                // Messages were expunged while the listing was read: which numbers the
                // pushes name is unclear, so list again rather than guess.
                return Ok(());
            }
            self.synced = true;
            self.raw
                .extend(events.into_iter().filter(|e| !by_number(e)));
            return Ok(());
        }
        if !self.raw.is_empty() || self.fetch_new {
            return self.process().await;
        }
        self.just_resynced = false;
        self.resyncs = 0;
        self.wait().await
    }

    /// A builder for one more connection, like the caller's.
    fn connection(&self) -> ClientBuilder {
        let b = &self.builder;
        let transcript = self.transcript.clone().map(|shared| {
            Box::new(move |direction: Direction, bytes: &[u8]| {
                if let Ok(mut transcript) = shared.lock() {
                    transcript.record(direction, bytes);
                }
            }) as Box<dyn Transcript>
        });
        ClientBuilder {
            host: b.host.clone(),
            port: b.port,
            security: b.security,
            credentials: b.credentials.clone(),
            tls: b.tls.clone(),
            limits: b.limits,
            deadlines: b.deadlines,
            transcript,
            id: b.id.clone(),
            provider: b.provider,
        }
    }

    fn client(&mut self) -> Result<&mut Client, Error> {
        match self.client.as_mut() {
            Some(client) => Ok(client),
            None => Err(no_connection(self.builder.server())),
        }
    }

    fn new_query(&self, condstore: bool) -> FetchQuery {
        let mut query = self.query.clone().uid().flags();
        if condstore {
            query = query.modseq();
        }
        query
    }

    fn add_new(&mut self, message: FetchedMessage) {
        add_new(&mut self.messages, &mut self.ready, message);
    }

    /// Applies the pushes read, then fetches the messages they announced.
    async fn process(&mut self) -> Result<(), Error> {
        while let Some(event) = self.raw.pop_front() {
            self.apply(event);
        }
        if self.fetch_new {
            let client = self.client()?;
            let condstore = client.has_capability("CONDSTORE")
                && client
                    .selected()
                    .is_some_and(|s| s.highest_modseq.is_some());
            let from = self.messages.last().map_or(1, |m| m.uid.saturating_add(1));
            let query = self.new_query(condstore);
            let client = self.client()?;
            let mut stream = client
                .uid_fetch(&SequenceSet::from_to_last(from), &query)
                .await?;
            let mut arrived = Vec::new();
            while let Some(message) = stream.next().await {
                arrived.push(message?);
            }
            drop(stream);
            // `n:*` names the last message even when its UID is below `n`.
            for message in arrived {
                if message.uid().is_some_and(|uid| uid >= from) {
                    self.add_new(message);
                }
            }
            self.fetch_new = false;
            let events = self.client()?.take_events();
            if events.iter().any(|e| matches!(e, Event::Expunge(_))) {
                // Numbers sent while new messages were being fetched may name one the
                // fetch never returned: a resync tells for sure.
                self.synced = false;
                return Ok(());
            }
            self.raw.extend(events);
        }
        if self.raw.is_empty() && !self.just_resynced {
            let exists = self.client()?.selected().map_or(0, |s| s.exists);
            if exists as usize != self.messages.len() {
                // The numbers no longer add up (an expunge crossed a fetch): list again.
                self.synced = false;
            }
        }
        Ok(())
    }

    /// Turns one push into events, by UID.
    fn apply(&mut self, event: Event) {
        match event {
            Event::Exists(n) if n as usize > self.messages.len() => self.fetch_new = true,
            Event::Expunge(seq) => {
                let index = (seq as usize).wrapping_sub(1);
                // A number past the known ones is a new message not fetched yet.
                if index < self.messages.len() {
                    let gone = self.messages.remove(index);
                    self.ready.push_back(WatchEvent::Removed { uid: gone.uid });
                }
            }
            Event::Vanished { uids, .. } => {
                let ready = &mut self.ready;
                self.messages.retain(|m| {
                    let gone = uids.contains(m.uid, u32::MAX) == Some(true);
                    if gone {
                        ready.push_back(WatchEvent::Removed { uid: m.uid });
                    }
                    !gone
                });
            }
            Event::Fetch { seq, items } => {
                let message = FetchedMessage { seq, items };
                let Some(flags) = message.flags() else { return };
                let uid = message.uid().or_else(|| {
                    self.messages
                        .get((seq as usize).wrapping_sub(1))
                        .map(|m| m.uid)
                });
                let Some(uid) = uid else { return };
                match self.messages.binary_search_by_key(&uid, |m| m.uid) {
                    Ok(index) => change_flags(
                        &mut self.messages[index],
                        flags,
                        message.modseq(),
                        &mut self.ready,
                    ),
                    Err(_) => {
                        if self.messages.last().is_none_or(|m| uid > m.uid) {
                            self.fetch_new = true;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Waits for the server to push something: IDLE, or NOOP polling without it.
    async fn wait(&mut self) -> Result<(), Error> {
        let Self {
            client,
            raw,
            poll_every,
            ..
        } = self;
        let Some(client) = client.as_mut() else {
            return Ok(());
        };
        raw.extend(client.take_events());
        if raw.iter().any(matters) {
            return Ok(());
        }
        if client.has_capability("IDLE") {
            let mut idle = client.idle().await?;
            loop {
                // Only a push that matters is kept (`apply` ignores the rest): a server
                // sending keepalives for ever must not grow `raw` for ever.
                if let Some(event) = idle.next_event(IDLE_WAIT).await?
                    && matters(&event)
                {
                    raw.push_back(event);
                    break;
                }
            }
            raw.extend(idle.done().await?);
        } else {
            tokio::time::sleep(*poll_every).await;
            raw.extend(client.noop().await?);
        }
        Ok(())
    }
}

/// The error for a step that needs the connection the watcher no longer has (a step
/// cut short); it is retryable, so the watcher connects again.
fn no_connection(server: String) -> Error {
    Error::Unusable {
        server,
        reason: "the watcher has no connection".to_owned(),
    }
}

/// True for a push that names a message by its number only, which an expunge not yet
/// accounted for makes ambiguous.
fn by_number(event: &Event) -> bool {
    match event {
        Event::Expunge(_) => true,
        Event::Fetch { items, .. } => !items.iter().any(|i| matches!(i, FetchItem::Uid(_))),
        _ => false,
    }
}

/// True for a push that may change the mailbox (not a keepalive `* OK Still here`).
fn matters(event: &Event) -> bool {
    matches!(
        event,
        Event::Exists(_)
            | Event::Expunge(_)
            | Event::Vanished { .. }
            | Event::Fetch { .. }
            | Event::Bye(_)
    )
}

fn known_of(message: &FetchedMessage) -> Option<Known> {
    Some(Known {
        uid: message.uid()?,
        flags: message.flags().unwrap_or_default().to_vec(),
    })
}

/// Records a new message in UID order and reports it, unless it is known already.
fn add_new(messages: &mut Vec<Known>, ready: &mut VecDeque<WatchEvent>, message: FetchedMessage) {
    let Some(known) = known_of(&message) else {
        return;
    };
    if let Err(index) = messages.binary_search_by_key(&known.uid, |m| m.uid) {
        ready.push_back(WatchEvent::New {
            uid: known.uid,
            flags: known.flags.clone(),
            message,
        });
        messages.insert(index, known);
    }
}

/// Takes in `flags` for a known message and reports them when they differ from its own.
fn change_flags(
    known: &mut Known,
    flags: &[Flag<'static>],
    modseq: Option<u64>,
    ready: &mut VecDeque<WatchEvent>,
) {
    if same_flags(&known.flags, flags) {
        return;
    }
    known.flags = flags.to_vec();
    ready.push_back(WatchEvent::Changed {
        uid: known.uid,
        flags: known.flags.clone(),
        modseq,
    });
}

/// Flag lists compared as sets (servers list them in any order); `\Recent` is left out,
/// as it changes with who looked, not with the message.
fn same_flags(a: &[Flag<'_>], b: &[Flag<'_>]) -> bool {
    let counted = |x: &[Flag<'_>], y: &[Flag<'_>]| {
        x.iter()
            .filter(|f| **f != Flag::Recent)
            .all(|f| y.contains(f))
    };
    counted(a, b) && counted(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let backoff = Backoff {
            first: Duration::from_millis(100),
            cap: Duration::from_millis(500),
        };
        let delays: Vec<_> = (1..=5).map(|n| backoff.delay(n)).collect();
        let ms: Vec<u128> = delays.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, vec![100, 200, 400, 500, 500]);
        assert_eq!(backoff.delay(u32::MAX), Duration::from_millis(500));
    }

    #[test]
    fn flags_are_compared_as_sets_without_recent() {
        assert!(same_flags(
            &[Flag::Seen, Flag::Flagged],
            &[Flag::Flagged, Flag::Seen, Flag::Recent]
        ));
        assert!(!same_flags(&[Flag::Seen], &[Flag::Seen, Flag::Flagged]));
        assert!(!same_flags(&[Flag::Seen, Flag::Flagged], &[Flag::Seen]));
    }
}
