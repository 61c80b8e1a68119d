//! SELECT, EXAMINE, UNSELECT and CLOSE.

use tokio::io::{AsyncRead, AsyncWrite};

use super::session::{Known, Selected, Session, Step};
use crate::imap::codec::types::{
    Code, Data, Flag, MailboxName, Response, SelectParameter, StatusKind, Tag,
};
use crate::testing::mail::ServerMode;
use crate::testing::mail::store::normalise;

/// What SELECT reports, read under the store's lock.
struct Opened {
    id: u64,
    uid_validity: u32,
    uid_next: u32,
    highest_modseq: u64,
    flags: Vec<Flag<'static>>,
    view: Vec<Known>,
    first_unseen: Option<u32>,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    /// The name a client sent, in Unicode (modified UTF-7 decoded), INBOX in one case.
    pub(super) fn decode_name(mailbox: &MailboxName<'_>) -> Option<String> {
        mailbox.name(false).ok().map(|name| normalise(&name))
    }

    pub(super) async fn select(
        &mut self,
        tag: &Tag<'_>,
        mailbox: &MailboxName<'_>,
        parameters: &[SelectParameter<'_>],
        read_only: bool,
    ) -> Step {
        // A SELECT, even one that fails, leaves the previous mailbox (RFC 3501 §6.3.1).
        self.selected = None;
        if parameters
            .iter()
            .any(|parameter| matches!(parameter, SelectParameter::CondStore))
        {
            self.condstore = true;
        }
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::NonExistent), "Invalid mailbox name")
                .await;
        };
        let opened = self.with_account(|account| {
            let mailbox = account
                .mailbox(&name)
                .filter(|mailbox| mailbox.selectable)?;
            Some(Opened {
                id: mailbox.id,
                uid_validity: mailbox.uid_validity,
                uid_next: mailbox.uid_next,
                highest_modseq: mailbox.highest_modseq,
                flags: Self::mailbox_flags(&mailbox.keywords),
                view: mailbox
                    .messages
                    .iter()
                    .map(|message| Known {
                        uid: message.uid,
                        modseq: message.modseq,
                    })
                    .collect(),
                first_unseen: mailbox
                    .messages
                    .iter()
                    .position(|message| !message.has(&Flag::Seen))
                    .map(|index| index as u32 + 1),
            })
        });
        let Some(opened) = opened.flatten() else {
            return self
                .no(tag, Some(Code::NonExistent), "Mailbox doesn't exist")
                .await;
        };
        self.push(&Response::Data(Data::Flags(opened.flags.clone())));
        let mut permanent = if read_only { Vec::new() } else { opened.flags };
        if !read_only {
            permanent.push(Flag::Wildcard);
        }
        self.untagged_ok(Some(Code::PermanentFlags(permanent)), "Flags permitted");
        self.push(&Response::Data(Data::Exists(opened.view.len() as u32)));
        if self.mode == ServerMode::Rfc {
            // IMAP4rev1 clients expect RECENT; this server keeps no \Recent.
            self.push(&Response::Data(Data::Recent(0)));
        }
        if let Some(seq) = opened.first_unseen {
            self.untagged_ok(Some(Code::Unseen(seq)), "First unseen");
        }
        self.untagged_ok(Some(Code::UidValidity(opened.uid_validity)), "UIDs valid");
        self.untagged_ok(Some(Code::UidNext(opened.uid_next)), "Predicted next UID");
        self.untagged_ok(Some(Code::HighestModSeq(opened.highest_modseq)), "Highest");
        self.selected = Some(Selected {
            id: opened.id,
            read_only,
            view: opened.view,
            saved: Vec::new(),
        });
        let (code, text) = if read_only {
            (Code::ReadOnly, "EXAMINE completed")
        } else {
            (Code::ReadWrite, "SELECT completed")
        };
        self.tagged(tag, StatusKind::Ok, Some(code), text).await
    }

    /// UNSELECT, or CLOSE (`expunge`), which first removes the `\Deleted` messages of a
    /// read-write mailbox without telling the client.
    pub(super) async fn unselect(&mut self, tag: &Tag<'_>, expunge: bool) -> Step {
        let Some(selected) = self.selected.take() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        if expunge && !selected.read_only {
            let removed = {
                let mut inner = self.store.lock();
                inner
                    .account_mut(self.account_name())
                    .ok()
                    .and_then(|account| account.mailbox_by_id_mut(selected.id))
                    .map(|mailbox| mailbox.remove(|message| message.has(&Flag::Deleted)))
                    .unwrap_or_default()
            };
            if !removed.is_empty() {
                self.store.notify();
            }
        }
        let text = if expunge {
            "CLOSE completed"
        } else {
            "UNSELECT completed"
        };
        self.tagged(tag, StatusKind::Ok, None, text).await
    }
}
