//! APPEND (and MULTIAPPEND's several messages, stored all or none), with APPENDUID.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use super::selected::ordered_set;
use super::session::{Session, Step};
use crate::imap::codec::types::{AppendMessage, Code, Flag, MailboxName, Tag};
use crate::testing::mail::StoreError;
use crate::testing::mail::mailbox::{clean_flags, now};
use crate::testing::mail::store::check_room;

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn append(
        &mut self,
        tag: &Tag<'_>,
        mailbox: &MailboxName<'_>,
        messages: &[AppendMessage<'_>],
    ) -> Step {
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::TryCreate), "Invalid mailbox name")
                .await;
        };
        let appended = {
            let account_name = self.account_name().to_owned();
            let mut inner = self.store.lock();
            let limits = inner.limits;
            (|| -> Result<(u32, Vec<u32>), StoreError> {
                for message in messages {
                    let size = message.message.data.len() as u64;
                    if size > limits.message_size {
                        return Err(StoreError::TooLarge {
                            size,
                            limit: limits.message_size,
                        });
                    }
                }
                let target = inner
                    .account_mut(&account_name)?
                    .mailbox_mut(&name)
                    .ok_or_else(|| StoreError::NoSuchMailbox(name.clone()))?;
                let bytes = messages
                    .iter()
                    .map(|message| message.message.data.len() as u64)
                    .sum();
                let flags: Vec<Flag<'static>> = messages
                    .iter()
                    .flat_map(|message| clean_flags(&message.flags))
                    .collect();
                check_room(target, &limits, bytes, messages.len(), &flags)?;
                let uids = messages
                    .iter()
                    .map(|message| {
                        target.push(
                            Arc::from(&message.message.data[..]),
                            clean_flags(&message.flags),
                            message.date.unwrap_or_else(now),
                        )
                    })
                    .collect();
                Ok((target.uid_validity, uids))
            })()
        };
        match appended {
            Ok((uid_validity, uids)) => {
                self.store.notify();
                let code = Code::AppendUid {
                    uid_validity,
                    uids: ordered_set(&uids),
                };
                self.done(tag, Some(code), "APPEND completed").await
            }
            Err(StoreError::NoSuchMailbox(_)) => {
                self.no(tag, Some(Code::TryCreate), "The mailbox does not exist")
                    .await
            }
            Err(error) => self.refused(tag, &error).await,
        }
    }
}
