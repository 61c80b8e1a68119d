//! IDLE (RFC 2177) as a handle, and waiting for changes with NOOP polling where IDLE is
//! missing.
//!
//! [`Client::idle`] starts IDLE and returns an [`Idle`] that hands out what the server
//! pushes ([`Idle::next_event`]) and ends with [`Idle::done`]. While the handle lives it
//! borrows the client, so nothing but `DONE` can be written during IDLE (iCloud answers
//! anything else with `BAD`).
//!
//! Three timers run while the handle is polled:
//!
//! * **renewal**: IDLE is ended and started again (`DONE`, then `IDLE`) once it has lasted
//!   [`Deadlines::idle_renew`] (default 25 minutes), well before the 30 minutes after which
//!   servers may drop an idling client;
//! * **keepalive**: when nothing at all has arrived for [`Deadlines::idle_keepalive`]
//!   (default 5 minutes) the connection is checked the same way, by `DONE` and a new
//!   `IDLE`. A live server answers `DONE` at once; a dead connection (a NAT that forgot it,
//!   a server gone) does not, and the wait ends after [`Deadlines::response`] with
//!   [`Error::Timeout`] and a client that is no longer usable. The check is a round trip
//!   rather than an error after the silence alone because many servers say nothing during
//!   a quiet IDLE, and a healthy connection must not be torn down for it;
//! * the caller's own wait, the `within` of [`Idle::next_event`].
//!
//! The timers only run inside [`Idle::next_event`]: a caller who stops polling for longer
//! than the renewal delay gets the renewal on its next call, which may be too late for the
//! server.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::command::{Claim, Completion, Delivery, Pending};
use super::config::Deadlines;
use super::error::Error;
use super::session::Client;
use super::state::{Event, data_event, status_event};
use crate::imap::codec::types::{Capability, CommandBody, Response};

/// What IDLE is called in errors.
const IDLE: &str = "IDLE";
/// Names the wait for `DONE`'s answer after a silence, so a dead connection reads as one.
const KEEPALIVE: &str = "IDLE (checking a connection silent for the keepalive delay)";

impl Deadlines {
    /// These deadlines with another renewal delay for IDLE (keep it under 29 minutes).
    pub fn with_idle_renew(mut self, limit: Duration) -> Self {
        self.idle_renew = limit;
        self
    }

    /// These deadlines with another silence after which an idling connection is checked.
    pub fn with_idle_keepalive(mut self, limit: Duration) -> Self {
        self.idle_keepalive = limit;
        self
    }
}

/// An IDLE in progress: the server pushes changes of the selected mailbox (EXISTS,
/// EXPUNGE, FETCH with new flags…) until [`done`](Idle::done).
///
/// Made by [`Client::idle`]. Pushes update the client's
/// [`selected`](Client::selected) state as they are read, and come out of
/// [`next_event`](Idle::next_event) in the order the server sent them, including those that
/// arrived before the server's go-ahead (`+`), as iCloud sends them.
///
/// Dropping the handle while idling is safe: the client then owes the server `DONE` and
/// writes it before its next command, which reads IDLE's completion first and gets its own
/// answer. Events not yet handed out go back to [`Client::take_events`]. Dropped while IDLE
/// was being started or renewed (between `IDLE` and the `+`), the client cannot tell what
/// the server will do next and becomes unusable ([`Error::Unusable`]).
#[derive(Debug)]
pub struct Idle<'a> {
    client: &'a mut Client,
    /// The IDLE command in flight, from when it is written until its completion is read.
    pending: Option<Pending>,
    /// The `+` came and `DONE` is not being written: the server is idling.
    idling: bool,
    /// Whether IDLE's claim takes untagged responses: only while idling, so that what
    /// arrives while IDLE starts or ends, or after the handle is gone, becomes the client's
    /// events instead of vanishing with an abandoned command.
    claiming: Arc<AtomicBool>,
    /// When the current IDLE got its `+`.
    started: Instant,
    /// When the server was last heard from while idling.
    heard: Instant,
    /// Events read and not yet handed out, oldest first.
    ready: VecDeque<Event>,
}

impl Client {
    /// `IDLE`: waits for the server's `+` and returns the handle that receives its pushes.
    ///
    /// Pushes that arrive before the `+` are kept for [`Idle::next_event`]. A server
    /// without IDLE answers `BAD` ([`Error::Bad`]); [`wait_for_changes`](Self::wait_for_changes)
    /// chooses IDLE or NOOP polling by the capability. Events queued before IDLE starts
    /// come out of the handle first.
    ///
    /// ```no_run
    /// # async fn demo(client: &mut mailwire::imap::Client) -> Result<(), mailwire::imap::Error> {
    /// use std::time::Duration;
    ///
    /// let mut idle = client.idle().await?;
    /// while let Some(event) = idle.next_event(Duration::from_secs(60)).await? {
    ///     println!("{event:?}");
    /// }
    /// let later = idle.done().await?;
    /// # let _ = later; Ok(()) }
    /// ```
    pub async fn idle(&mut self) -> Result<Idle<'_>, Error> {
        let now = Instant::now();
        let mut idle = Idle {
            client: self,
            pending: None,
            idling: false,
            claiming: Arc::new(AtomicBool::new(false)),
            started: now,
            heard: now,
            ready: VecDeque::new(),
        };
        idle.ensure_idling().await?;
        Ok(idle)
    }

    /// Waits up to `until` for the selected mailbox to change and returns the events that
    /// came (empty when nothing did): with IDLE when the server advertises it, otherwise by
    /// a `NOOP` every `poll_every`. Either way the same events come out, and the wait ends
    /// at the first one that is not a bare keepalive (`* OK Still here`, kept in the
    /// list all the same). With IDLE, the events that arrive while it ends are included.
    /// A server that sends nothing but keepalives cannot make the list grow without end:
    /// the wait also ends once [`KEEPALIVES_KEPT`] events have piled up.
    pub async fn wait_for_changes(
        &mut self,
        poll_every: Duration,
        until: Duration,
    ) -> Result<Vec<Event>, Error> {
        let deadline = Instant::now() + until;
        let mut events = self.take_events();
        if events.iter().any(is_change) {
            return Ok(events);
        }
        if self.has(&Capability::Idle) {
            let mut idle = self.idle().await?;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match idle.next_event(left).await? {
                    Some(event) => {
                        let change = is_change(&event);
                        events.push(event);
                        if change || events.len() >= KEEPALIVES_KEPT {
                            break;
                        }
                    }
                    None => break,
                }
            }
            events.extend(idle.done().await?);
            return Ok(events);
        }
        loop {
            let polled = self.noop().await?;
            let change = polled.iter().any(is_change);
            events.extend(polled);
            let left = deadline.saturating_duration_since(Instant::now());
            if change || left.is_zero() || events.len() >= KEEPALIVES_KEPT {
                return Ok(events);
            }
            tokio::time::sleep(poll_every.min(left)).await;
        }
    }
}

/// How many events [`Client::wait_for_changes`] collects at most before it returns, when
/// none of them is a change: the bound on what a server sending only keepalives can make
/// it hold.
pub const KEEPALIVES_KEPT: usize = 1024;

impl Idle<'_> {
    /// The next push, waiting at most `within` for one; `None` when nothing came in time
    /// (IDLE goes on). Renewals and keepalive checks happen inside this call.
    ///
    /// Safe to cancel while it waits for the server (in a `select!`): nothing read is
    /// lost. Cancelled during a renewal, after `IDLE` was written and before its `+`, the
    /// client becomes unusable.
    pub async fn next_event(&mut self, within: Duration) -> Result<Option<Event>, Error> {
        let until = Instant::now() + within;
        loop {
            self.ready.extend(self.client.take_events());
            if let Some(event) = self.ready.pop_front() {
                return Ok(Some(event));
            }
            self.ensure_idling().await?;
            let now = Instant::now();
            let deadlines = *self.client.deadlines();
            let renew_at = self.started + deadlines.idle_renew;
            let check_at = self.heard + deadlines.idle_keepalive;
            if now >= renew_at || now >= check_at {
                let during = if now >= renew_at { IDLE } else { KEEPALIVE };
                self.stop(during).await?;
                continue;
            }
            if now >= until {
                return Ok(None);
            }
            let wait = until.min(renew_at).min(check_at) - now;
            let Some(pending) = self.pending.as_ref() else {
                continue;
            };
            match self
                .client
                .next_delivery_within(pending, false, wait)
                .await?
            {
                None => {}
                Some(Delivery::Response(response)) => {
                    self.heard = Instant::now();
                    self.ready.extend(event_of(response));
                }
                Some(Delivery::Done) => {
                    // The server ended IDLE on its own: an OK is taken as a reason to
                    // start again, a refusal is the caller's error.
                    self.idling = false;
                    self.claiming.store(false, Ordering::Relaxed);
                    // No DONE is owed for an IDLE already over: were the `+` exchange
                    // left open, a refusal here would leave the session unusable.
                    self.client.end_exchange();
                    if let Some(pending) = self.pending.take() {
                        self.finish(pending, IDLE).await?;
                    }
                }
                Some(_) => {
                    return Err(self.client.fail_protocol(
                        IDLE,
                        "a streamed literal, which IDLE never asks for".to_owned(),
                    ));
                }
            }
        }
    }

    /// Ends IDLE: writes `DONE`, reads the tagged completion, and returns every event not
    /// yet handed out, those that arrived after `DONE` included.
    pub async fn done(mut self) -> Result<Vec<Event>, Error> {
        if self.pending.is_some() {
            // A start or renewal cut short by a cancelled call: `DONE` may only follow `+`.
            self.ensure_idling().await?;
            self.stop(IDLE).await?;
        }
        self.ready.extend(self.client.take_events());
        Ok(self.ready.drain(..).collect())
    }

    /// Writes `IDLE` unless it is in flight, and waits for its `+`.
    async fn ensure_idling(&mut self) -> Result<(), Error> {
        if self.idling {
            return Ok(());
        }
        if self.pending.is_none() {
            let claiming = Arc::clone(&self.claiming);
            let claim: Claim = Box::new(move |_: &Response<'_>| claiming.load(Ordering::Relaxed));
            self.pending = Some(self.client.send(CommandBody::Idle, claim).await?);
        }
        let Some(pending) = self.pending.as_ref() else {
            return Ok(());
        };
        if self.client.continuation(pending).await?.is_some() {
            let now = Instant::now();
            self.idling = true;
            self.claiming.store(true, Ordering::Relaxed);
            self.started = now;
            self.heard = now;
            return Ok(());
        }
        // Completed instead of going ahead: a refusal (no IDLE here, or not now).
        if let Some(pending) = self.pending.take() {
            self.finish(pending, IDLE).await?;
        }
        Err(self.client.fail_protocol(
            IDLE,
            "the server completed IDLE with OK without first saying go ahead (+)".to_owned(),
        ))
    }

    /// Writes `DONE` and reads IDLE's completion; `during` names the wait in errors.
    async fn stop(&mut self, during: &'static str) -> Result<(), Error> {
        self.idling = false;
        self.claiming.store(false, Ordering::Relaxed);
        self.client
            .write_continuation_line(IDLE, b"DONE\r\n", false)
            .await?;
        if let Some(pending) = self.pending.take() {
            self.finish(pending, during).await?;
        }
        Ok(())
    }

    /// Reads `pending`'s completion, keeps what came with it, and turns NO/BAD into errors.
    async fn finish(&mut self, pending: Pending, during: &'static str) -> Result<(), Error> {
        let completion: Completion = match self.client.wait(pending).await {
            Ok(completion) => completion,
            Err(Error::Timeout { source, .. }) => return Err(Error::Timeout { during, source }),
            Err(error) => return Err(error),
        };
        let mut completion = completion;
        self.ready.extend(self.client.take_events());
        self.ready.extend(
            std::mem::take(&mut completion.data)
                .into_iter()
                .filter_map(event_of),
        );
        completion.ok(self.client.server())?;
        Ok(())
    }
}

impl Drop for Idle<'_> {
    fn drop(&mut self) {
        self.claiming.store(false, Ordering::Relaxed);
        if self.idling {
            self.client.owe_line(IDLE, b"DONE\r\n");
        }
        // Events not handed out go back in front of any that came after them.
        let newer = self.client.take_events();
        for event in self.ready.drain(..).chain(newer) {
            self.client.push_event(event);
        }
    }
}

/// The event an untagged response pushed during IDLE makes.
fn event_of(response: Response<'static>) -> Option<Event> {
    match response {
        Response::Status(status) => Some(status_event(status)),
        Response::Data(data) => Some(data_event(data)),
        // Routing never hands a `+` to a claim.
        Response::Continue(_) => None,
    }
}

/// False only for a bare keepalive (`* OK Still here`: no code, nothing changed).
fn is_change(event: &Event) -> bool {
    !matches!(
        event,
        Event::Status(status)
            if status.code.is_none()
                && status.kind == crate::imap::codec::types::StatusKind::Ok
    )
}
