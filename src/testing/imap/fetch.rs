//! FETCH: the messages a set names, their items (made by the message analysis), and
//! `\Seen` stored when a fetch reads a message.

use std::sync::{Arc, OnceLock};

use tokio::io::{AsyncRead, AsyncWrite};

use super::message::{self, FetchOptions, MessageView, ParsedMessage};
use super::session::{Session, Step};
use crate::imap::codec::types::{
    Data, DateTime, FetchAttribute, FetchItem, FetchItems, FetchModifier, Flag, Response,
    SequenceSet, Tag,
};
use crate::testing::mail::ServerMode;

/// What FETCH and SEARCH need of one message, copied out under the store's lock (the bytes
/// and their analysis shared, not copied), so that the work is done without the lock.
pub(super) struct Snapshot {
    pub(super) seq: u32,
    pub(super) uid: u32,
    pub(super) flags: Vec<Flag<'static>>,
    pub(super) internal_date: DateTime,
    pub(super) modseq: u64,
    data: Arc<[u8]>,
    parsed: Arc<OnceLock<ParsedMessage>>,
}

impl Snapshot {
    pub(super) fn view(&self) -> MessageView<'_> {
        MessageView {
            seq: self.seq,
            uid: self.uid,
            flags: &self.flags,
            internal_date: self.internal_date,
            modseq: self.modseq,
            parsed: self
                .parsed
                .get_or_init(|| ParsedMessage::parse(self.data.clone())),
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    /// The messages of the selected mailbox whose UIDs are in `uids`, in that order (the
    /// ones another session expunged meanwhile are left out).
    pub(super) fn snapshots(&self, uids: &[u32]) -> Vec<Snapshot> {
        let Some(selected) = self.selected.as_ref() else {
            return Vec::new();
        };
        let inner = self.store.lock();
        let Some(mailbox) = inner
            .account(self.account_name())
            .ok()
            .and_then(|account| account.mailbox_by_id(selected.id))
        else {
            return Vec::new();
        };
        uids.iter()
            .filter_map(|&uid| {
                let message = &mailbox.messages[mailbox.position(uid)?];
                Some(Snapshot {
                    seq: selected.seq_of(uid)?,
                    uid,
                    flags: message.flags.clone(),
                    internal_date: message.internal_date,
                    modseq: message.modseq,
                    data: message.data.clone(),
                    parsed: message.parsed.clone(),
                })
            })
            .collect()
    }

    /// Stores `\Seen` on `uid` (a FETCH read it), all messages of one command sharing one
    /// new mod-sequence, kept in `modseq`. Returns the message's mod-sequence after.
    fn mark_seen(&self, uid: u32, modseq: &mut Option<u64>) -> Option<u64> {
        let selected = self.selected.as_ref()?;
        let mut inner = self.store.lock();
        let mailbox = inner
            .account_mut(self.account_name())
            .ok()?
            .mailbox_by_id_mut(selected.id)?;
        let position = mailbox.position(uid)?;
        if !mailbox.messages[position].has(&Flag::Seen) {
            let next = match *modseq {
                Some(next) => next,
                None => *modseq.insert(mailbox.next_modseq()),
            };
            let message = &mut mailbox.messages[position];
            message.flags.push(Flag::Seen);
            message.modseq = next;
        }
        Some(mailbox.messages[position].modseq)
    }

    /// Notes that the client now knows the flags of `uid` as of `modseq`.
    pub(super) fn known(&mut self, uid: u32, modseq: u64) {
        if let Some(selected) = self.selected.as_mut()
            && let Ok(index) = selected.view.binary_search_by_key(&uid, |known| known.uid)
        {
            let known = &mut selected.view[index];
            known.modseq = known.modseq.max(modseq);
        }
    }

    pub(super) async fn fetch(
        &mut self,
        tag: &Tag<'_>,
        set: &SequenceSet,
        items: &FetchItems<'_>,
        modifiers: &[FetchModifier],
        uid: bool,
    ) -> Step {
        if modifiers.contains(&FetchModifier::Vanished) {
            // RFC 7162 §3.2.6: VANISHED is for a client that enabled QRESYNC, which this
            // server never enables; answering without it would hide the expunges asked for.
            return match self.mode {
                ServerMode::Icloud => self.parse_error(Some(tag), "VANISHED").await,
                _ => self.bad(tag, "VANISHED needs QRESYNC, not enabled").await,
            };
        }
        let changed_since = modifiers.iter().find_map(|modifier| match modifier {
            FetchModifier::ChangedSince(n) => Some(*n),
            FetchModifier::Vanished => None,
        });
        let mut attributes = message::attributes(items).into_owned();
        // RFC 7162 §3.1: a FETCH of MODSEQ or with CHANGEDSINCE turns CONDSTORE on, and
        // CHANGEDSINCE implies MODSEQ in the answer.
        let asks_modseq = attributes
            .iter()
            .any(|a| matches!(a, FetchAttribute::ModSeq));
        if changed_since.is_some() || asks_modseq {
            self.condstore = true;
            if !asks_modseq {
                attributes.push(FetchAttribute::ModSeq);
            }
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        let options = FetchOptions {
            uid,
            rfc822_answers_nothing: self.mode == ServerMode::Icloud,
            read_only: selected.read_only,
        };
        let uids = selected.resolve(set, uid);
        let snapshots = self.snapshots(&uids);
        let tells_flags = attributes
            .iter()
            .any(|a| matches!(a, FetchAttribute::Flags));
        let mut seen_modseq = None;
        for snapshot in &snapshots {
            if changed_since.is_some_and(|since| snapshot.modseq <= since) {
                continue;
            }
            let view = snapshot.view();
            let mut answer = message::fetch_items(&view, &attributes, options);
            let mut modseq = snapshot.modseq;
            if answer.sets_seen {
                // The items show \Seen already; the store learns it here.
                if let Some(after) = self.mark_seen(snapshot.uid, &mut seen_modseq) {
                    modseq = after;
                    for item in &mut answer.items {
                        if let FetchItem::ModSeq(value) = item {
                            *value = Some(after);
                        }
                    }
                }
            }
            if answer.items.is_empty() {
                continue;
            }
            self.send(&Response::Data(Data::Fetch {
                seq: snapshot.seq,
                items: answer.items,
            }))
            .await?;
            if tells_flags || answer.sets_seen {
                self.known(snapshot.uid, modseq);
            }
        }
        if seen_modseq.is_some() {
            self.store.notify();
        }
        self.done(tag, None, "FETCH completed").await
    }
}
