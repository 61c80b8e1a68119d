//! IDLE (RFC 2177): changes pushed as they happen (deliveries, other sessions' STORE and
//! EXPUNGE) until the client sends DONE. The store's change notification wakes the
//! session at once; nothing polls.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, sleep_until};

use super::conn::WireError;
use super::session::{End, Session, Step, leading_tag};
use crate::imap::codec::types::{Continue, Response, Status, StatusKind, Tag, Text};
use crate::imap::codec::{Parsed, parse_idle_done};
use crate::testing::mail::ServerMode;

/// What woke an idling session.
enum Wake {
    Input(Result<(), WireError>),
    Change,
    Timeout,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn idle(&mut self, tag: &Tag<'_>) -> Step {
        // Changes from here on wake the wait below; those before are sent now.
        self.changes.borrow_and_update();
        if self.mode == ServerMode::Icloud {
            // iCloud sends what is pending before its `+`.
            self.sync(true)?;
        }
        self.push(&Response::Continue(Continue {
            code: None,
            text: Text::from("idling"),
        }));
        if self.mode != ServerMode::Icloud {
            self.sync(true)?;
        }
        self.conn.flush().await?;
        loop {
            match parse_idle_done(&self.conn.inbox, &self.limits) {
                Ok(Parsed::Complete((), used)) => {
                    self.conn.inbox.drain(..used);
                    break;
                }
                Ok(Parsed::Incomplete) => {}
                Err(_) => {
                    // A line that is not DONE: drop it (or as much of it as came).
                    let line = self.conn.drop_line();
                    if self.mode == ServerMode::Icloud {
                        let stray = leading_tag(&line);
                        self.push(&Response::Status(Status {
                            tag: stray,
                            kind: StatusKind::Bad,
                            code: None,
                            text: Text::from("DONE is the only command allowed after IDLE"),
                        }));
                        self.conn.flush().await?;
                        continue;
                    }
                    // RFC mode: IDLE ends with BAD, as Dovecot does.
                    return self.bad(tag, "Expected DONE").await;
                }
            }
            let deadline = Instant::now() + self.config.idle_timeout;
            let wake = {
                let conn = &mut self.conn;
                let changes = &mut self.changes;
                let mut input = pin!(conn.read_some());
                let mut change = pin!(changes.changed());
                let mut timer = pin!(sleep_until(deadline));
                poll_fn(|cx| {
                    if let Poll::Ready(read) = input.as_mut().poll(cx) {
                        return Poll::Ready(Wake::Input(read));
                    }
                    if let Poll::Ready(changed) = change.as_mut().poll(cx) {
                        // A store that is gone cannot change again: treat it as a time-out
                        // rather than spinning.
                        return Poll::Ready(match changed {
                            Ok(()) => Wake::Change,
                            Err(_) => Wake::Timeout,
                        });
                    }
                    if timer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Wake::Timeout);
                    }
                    Poll::Pending
                })
                .await
            };
            match wake {
                Wake::Input(Ok(())) => {}
                Wake::Input(Err(_)) => return Err(End::Closed),
                Wake::Change => {
                    self.changes.borrow_and_update();
                    self.sync(true)?;
                    self.conn.flush().await?;
                }
                Wake::Timeout => return self.bye("Autologout; idle for too long").await,
            }
        }
        self.done(tag, None, "IDLE terminated").await
    }
}
