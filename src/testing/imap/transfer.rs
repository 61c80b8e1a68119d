//! COPY, MOVE (RFC 6851), EXPUNGE and UID EXPUNGE (RFC 4315), with COPYUID.

use tokio::io::{AsyncRead, AsyncWrite};

use super::selected::ordered_set;
use super::session::{Session, Step};
use crate::imap::codec::types::{Code, Flag, MailboxName, SequenceSet, Tag};
use crate::testing::mail::StoreError;
use crate::testing::mail::mailbox::Message;
use crate::testing::mail::store::check_room;

/// What a COPY did: the target's UIDVALIDITY, the source UIDs and the new ones.
struct Copied {
    uid_validity: u32,
    source: Vec<u32>,
    destination: Vec<u32>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn copy(
        &mut self,
        tag: &Tag<'_>,
        set: &SequenceSet,
        mailbox: &MailboxName<'_>,
        uid: bool,
        moving: bool,
    ) -> Step {
        if moving && self.refuse_read_only(tag, "move").await? {
            return Ok(());
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        let Some(target) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::TryCreate), "Invalid mailbox name")
                .await;
        };
        let source_id = selected.id;
        let uids = selected.resolve(set, uid);
        let copied = {
            let account_name = self.account_name().to_owned();
            let mut inner = self.store.lock();
            let limits = inner.limits;
            (|| -> Result<Copied, StoreError> {
                let account = inner.account_mut(&account_name)?;
                let source = account
                    .mailbox_by_id(source_id)
                    .ok_or_else(|| StoreError::NoSuchMailbox(String::new()))?;
                let picked: Vec<Message> = uids
                    .iter()
                    .filter_map(|uid| source.position(*uid))
                    .map(|position| source.messages[position].clone())
                    .collect();
                let target = account
                    .mailbox_mut(&target)
                    .ok_or_else(|| StoreError::NoSuchMailbox(target.clone()))?;
                let bytes = picked.iter().map(Message::size).sum();
                let flags: Vec<Flag<'static>> = picked
                    .iter()
                    .flat_map(|message| message.flags.clone())
                    .collect();
                check_room(target, &limits, bytes, picked.len(), &flags)?;
                let uid_validity = target.uid_validity;
                let mut copied = Copied {
                    uid_validity,
                    source: Vec::with_capacity(picked.len()),
                    destination: Vec::with_capacity(picked.len()),
                };
                for message in picked {
                    copied.source.push(message.uid);
                    copied.destination.push(target.push_copy(message));
                }
                if moving {
                    let moved = copied.source.clone();
                    if let Some(source) = account.mailbox_by_id_mut(source_id) {
                        source.remove(|message| moved.binary_search(&message.uid).is_ok());
                    }
                }
                Ok(copied)
            })()
        };
        let copied = match copied {
            Ok(copied) => copied,
            Err(StoreError::NoSuchMailbox(_)) => {
                return self
                    .no(
                        tag,
                        Some(Code::TryCreate),
                        "The target mailbox does not exist",
                    )
                    .await;
            }
            Err(error) => return self.refused(tag, &error).await,
        };
        if copied.source.is_empty() {
            let text = if moving {
                "No messages moved"
            } else {
                "No messages copied"
            };
            return self.done(tag, None, text).await;
        }
        self.store.notify();
        let code = Code::CopyUid {
            uid_validity: copied.uid_validity,
            source: ordered_set(&copied.source),
            destination: ordered_set(&copied.destination),
        };
        if moving {
            // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs.
            self.untagged_ok(Some(code), "Moved UIDs");
            self.done(tag, None, "MOVE completed").await
        } else {
            self.done(tag, Some(code), "COPY completed").await
        }
    }

    /// EXPUNGE, or UID EXPUNGE of the UIDs in `set`: the `\Deleted` messages go, and the
    /// client hears an EXPUNGE for each.
    pub(super) async fn expunge(&mut self, tag: &Tag<'_>, set: Option<&SequenceSet>) -> Step {
        if self.refuse_read_only(tag, "expunge").await? {
            return Ok(());
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        let only: Option<Vec<u32>> = set.map(|set| selected.resolve(set, true));
        let id = selected.id;
        let removed = {
            let mut inner = self.store.lock();
            inner
                .account_mut(self.account_name())
                .ok()
                .and_then(|account| account.mailbox_by_id_mut(id))
                .map(|mailbox| {
                    mailbox.remove(|message| {
                        message.has(&Flag::Deleted)
                            && only
                                .as_ref()
                                .is_none_or(|only| only.binary_search(&message.uid).is_ok())
                    })
                })
                .unwrap_or_default()
        };
        if !removed.is_empty() {
            self.store.notify();
        }
        self.done(tag, None, "EXPUNGE completed").await
    }
}
