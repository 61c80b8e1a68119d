//! FETCH: the messages a set names, their items, and `\Seen` set by reading.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use super::interim::{self, MessageView};
use super::session::{Session, Step};
use crate::imap::codec::types::{
    Data, DateTime, FetchAttribute, FetchItem, FetchItems, FetchModifier, Flag, Response,
    SequenceSet, Tag,
};

/// What FETCH needs of one message, copied out under the store's lock (the bytes shared,
/// not copied), so that the answer is written without holding the lock.
pub(super) struct Snapshot {
    pub(super) seq: u32,
    pub(super) uid: u32,
    pub(super) flags: Vec<Flag<'static>>,
    pub(super) internal_date: DateTime,
    pub(super) modseq: u64,
    pub(super) data: Arc<[u8]>,
}

impl Snapshot {
    pub(super) fn view(&self) -> MessageView<'_> {
        MessageView {
            seq: self.seq,
            uid: self.uid,
            flags: &self.flags,
            internal_date: self.internal_date,
            modseq: self.modseq,
            data: &self.data,
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    /// The messages of the selected mailbox whose UIDs are in `uids` (the ones another
    /// session expunged meanwhile are left out), setting `\Seen` first when `mark_seen`.
    pub(super) fn snapshots(&self, uids: &[u32], mark_seen: bool) -> (Vec<Snapshot>, bool) {
        let Some(selected) = self.selected.as_ref() else {
            return (Vec::new(), false);
        };
        let mut changed = false;
        let mut inner = self.store.lock();
        let Some(mailbox) = inner
            .account_mut(self.account_name())
            .ok()
            .and_then(|account| account.mailbox_by_id_mut(selected.id))
        else {
            return (Vec::new(), false);
        };
        let mut snapshots = Vec::with_capacity(uids.len());
        let mut modseq = None;
        for &uid in uids {
            let (Some(position), Some(seq)) = (mailbox.position(uid), selected.seq_of(uid)) else {
                continue;
            };
            if mark_seen && !mailbox.messages[position].has(&Flag::Seen) {
                let next = match modseq {
                    Some(modseq) => modseq,
                    None => *modseq.insert(mailbox.next_modseq()),
                };
                let message = &mut mailbox.messages[position];
                message.flags.push(Flag::Seen);
                message.modseq = next;
                changed = true;
            }
            let message = &mailbox.messages[position];
            snapshots.push(Snapshot {
                seq,
                uid,
                flags: message.flags.clone(),
                internal_date: message.internal_date,
                modseq: message.modseq,
                data: message.data.clone(),
            });
        }
        (snapshots, changed)
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
        let changed_since = modifiers.iter().find_map(|modifier| match modifier {
            FetchModifier::ChangedSince(n) => Some(*n),
            FetchModifier::Vanished => None,
        });
        let attributes = interim::attributes(items);
        let mut attributes = attributes.into_owned();
        // RFC 7162 §3.1: a FETCH of MODSEQ or with CHANGEDSINCE turns CONDSTORE on, and
        // CHANGEDSINCE implies MODSEQ in the answer.
        if changed_since.is_some()
            || attributes
                .iter()
                .any(|a| matches!(a, FetchAttribute::ModSeq))
        {
            self.condstore = true;
            if !attributes
                .iter()
                .any(|a| matches!(a, FetchAttribute::ModSeq))
            {
                attributes.push(FetchAttribute::ModSeq);
            }
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        let read_only = selected.read_only;
        let uids = selected.resolve(set, uid);
        let reads = interim::reads(&attributes, self.mode) && !read_only;
        let (snapshots, changed) = self.snapshots(&uids, reads);
        if changed {
            self.store.notify();
        }
        let asks_flags = attributes
            .iter()
            .any(|a| matches!(a, FetchAttribute::Flags));
        for snapshot in &snapshots {
            if changed_since.is_some_and(|since| snapshot.modseq <= since) {
                continue;
            }
            let view = snapshot.view();
            let mut items = interim::fetch_items(&view, &attributes, uid, self.mode);
            // Reading set \Seen: the client hears the new flags with the data.
            let tells_flags = asks_flags || reads;
            if reads && !asks_flags {
                items.push(FetchItem::Flags(snapshot.flags.iter().cloned().collect()));
            }
            if items.is_empty() {
                continue;
            }
            self.send(&Response::Data(Data::Fetch {
                seq: snapshot.seq,
                items,
            }))
            .await?;
            if tells_flags {
                self.known(snapshot.uid, snapshot.modseq);
            }
        }
        self.done(tag, None, "FETCH completed").await
    }
}
