//! STORE and UID STORE: flags replaced, added or removed, with CONDSTORE's UNCHANGEDSINCE.

use tokio::io::{AsyncRead, AsyncWrite};

use super::selected::uid_set;
use super::session::{Session, Step};
use crate::imap::codec::types::{
    Code, Data, FetchItem, Flag, Response, SequenceSet, StatusKind, StoreKind, Tag,
};
use crate::testing::mail::mailbox::{clean_flags, same_flag};

/// What one STORE did to one message.
struct Stored {
    seq: u32,
    uid: u32,
    flags: Vec<Flag<'static>>,
    modseq: u64,
}

/// The flags after `kind` with `asked`.
fn apply(
    current: &[Flag<'static>],
    kind: StoreKind,
    asked: &[Flag<'static>],
) -> Vec<Flag<'static>> {
    match kind {
        StoreKind::Replace => asked.to_vec(),
        StoreKind::Add => {
            let mut flags = current.to_vec();
            for flag in asked {
                if !flags.iter().any(|own| same_flag(own, flag)) {
                    flags.push(flag.clone());
                }
            }
            flags
        }
        StoreKind::Remove => current
            .iter()
            .filter(|own| !asked.iter().any(|flag| same_flag(own, flag)))
            .cloned()
            .collect(),
    }
}

fn same_set(a: &[Flag<'_>], b: &[Flag<'_>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|flag| b.iter().any(|other| same_flag(flag, other)))
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    #[allow(clippy::too_many_arguments)] // one per part of the command
    pub(super) async fn store_flags(
        &mut self,
        tag: &Tag<'_>,
        set: &SequenceSet,
        kind: StoreKind,
        silent: bool,
        flags: &[Flag<'_>],
        unchanged_since: Option<u64>,
        uid: bool,
    ) -> Step {
        if self.refuse_read_only(tag, "change flags").await? {
            return Ok(());
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        if unchanged_since.is_some() {
            self.condstore = true;
        }
        let uids = selected.resolve(set, uid);
        let asked = clean_flags(flags);
        let keyword_limit = self.store.limits().keywords;
        let mut stored = Vec::new();
        let mut modified = Vec::new();
        let mut changed = false;
        let mut too_many_keywords = false;
        {
            let mut inner = self.store.lock();
            let mailbox = inner
                .account_mut(self.account_name())
                .ok()
                .and_then(|account| account.mailbox_by_id_mut(selected.id));
            if let Some(mailbox) = mailbox {
                let new_keywords = asked
                    .iter()
                    .filter_map(|flag| match flag {
                        Flag::Keyword(atom) if !mailbox.keywords.contains(atom.as_str()) => {
                            Some(atom.as_str().to_owned())
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>();
                if kind != StoreKind::Remove
                    && mailbox.keywords.len() + new_keywords.len() > keyword_limit
                {
                    too_many_keywords = true;
                } else {
                    if kind != StoreKind::Remove {
                        mailbox.keywords.extend(new_keywords);
                    }
                    let mut modseq = None;
                    for &message_uid in &uids {
                        let (Some(position), Some(seq)) =
                            (mailbox.position(message_uid), selected.seq_of(message_uid))
                        else {
                            continue;
                        };
                        if unchanged_since
                            .is_some_and(|since| mailbox.messages[position].modseq > since)
                        {
                            modified.push(if uid { message_uid } else { seq });
                            continue;
                        }
                        let current = &mailbox.messages[position].flags;
                        let after = apply(current, kind, &asked);
                        if !same_set(current, &after) {
                            let next = match modseq {
                                Some(modseq) => modseq,
                                None => *modseq.insert(mailbox.next_modseq()),
                            };
                            let message = &mut mailbox.messages[position];
                            message.flags = after;
                            message.modseq = next;
                            changed = true;
                        }
                        let message = &mailbox.messages[position];
                        stored.push(Stored {
                            seq,
                            uid: message_uid,
                            flags: message.flags.clone(),
                            modseq: message.modseq,
                        });
                    }
                }
            }
        }
        if too_many_keywords {
            return self
                .no(tag, Some(Code::Limit), "Too many keywords in this mailbox")
                .await;
        }
        if changed {
            self.store.notify();
        }
        for done in &stored {
            if !silent {
                let mut items = vec![FetchItem::Flags(done.flags.iter().cloned().collect())];
                if uid {
                    items.insert(0, FetchItem::Uid(done.uid));
                }
                if self.condstore {
                    items.push(FetchItem::ModSeq(Some(done.modseq)));
                }
                self.send(&Response::Data(Data::Fetch {
                    seq: done.seq,
                    items,
                }))
                .await?;
            }
            self.known(done.uid, done.modseq);
        }
        if modified.is_empty() {
            self.done(tag, None, "STORE completed").await
        } else {
            // UID STORE names UIDs in MODIFIED, STORE sequence numbers (RFC 7162 §3.2).
            self.sync(!self.hold_expunges)?;
            self.tagged(
                tag,
                StatusKind::Ok,
                Some(Code::Modified(uid_set(&modified))),
                "Conditional STORE failed for some messages",
            )
            .await
        }
    }
}
