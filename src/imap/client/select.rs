//! The selected state: SELECT and EXAMINE open a mailbox, UNSELECT and CLOSE leave it.
//!
//! The [`MailboxState`] is cleared when SELECT or EXAMINE is sent (RFC 3501 §6.3.1: the
//! previous mailbox is closed even if the new one cannot be opened), set from the
//! command's answer once the server said OK, kept current by every response after it, and
//! cleared by UNSELECT, CLOSE and LOGOUT.

use super::command::Claim;
use super::error::Error;
use super::session::Client;
use super::state::MailboxState;
use crate::imap::codec::types::{
    Capability, Code, CommandBody, Data, MailboxName, Response, SelectParameter, StatusKind,
};

/// What SELECT and EXAMINE answer besides their tagged OK: the counts and the flags, and
/// the untagged OKs that carry the mailbox's codes (`* OK [UIDVALIDITY 1]`, with or
/// without text). The state is built from them; claiming them keeps them from being
/// reported as events. Other statuses (alerts, BYE) stay events.
fn select_claim() -> Claim {
    Box::new(|response| match response {
        Response::Data(data) => matches!(data, Data::Exists(_) | Data::Recent(_) | Data::Flags(_)),
        Response::Status(status) => {
            status.tag.is_none()
                && status.kind == StatusKind::Ok
                && matches!(
                    status.code,
                    Some(
                        Code::UidValidity(_)
                            | Code::UidNext(_)
                            | Code::Unseen(_)
                            | Code::PermanentFlags(_)
                            | Code::HighestModSeq(_)
                            | Code::NoModSeq
                            | Code::Closed
                            | Code::ReadOnly
                            | Code::ReadWrite
                    )
                )
        }
        Response::Continue(_) => false,
    })
}

impl Client {
    /// `SELECT mailbox` (with `(CONDSTORE)` when the server offers it): opens the mailbox
    /// read-write and returns its state: EXISTS, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ,
    /// FLAGS, PERMANENTFLAGS, and whether the server opened it read-only after all.
    ///
    /// Whatever the outcome no other mailbox stays selected: a refusal (iCloud answers
    /// `NO [NONEXISTENT]` for its Notes folders) leaves none selected and is returned as
    /// [`Error::No`] with the server's code. A SELECT whose future is dropped before its
    /// answer leaves none selected either: select again.
    pub async fn select(&mut self, mailbox: &str) -> Result<MailboxState, Error> {
        self.open(mailbox, false).await
    }

    /// `EXAMINE mailbox`: as [`select`](Self::select), but read-only: flags are not
    /// changed (not even `\Seen` by fetching a body) and nothing can be expunged.
    pub async fn examine(&mut self, mailbox: &str) -> Result<MailboxState, Error> {
        self.open(mailbox, true).await
    }

    async fn open(&mut self, mailbox: &str, read_only: bool) -> Result<MailboxState, Error> {
        let name = self.mailbox_name(mailbox)?;
        let parameters = if self.has(&Capability::CondStore) {
            vec![SelectParameter::CondStore]
        } else {
            Vec::new()
        };
        let body = if read_only {
            CommandBody::Examine {
                mailbox: name.clone(),
                parameters,
            }
        } else {
            CommandBody::Select {
                mailbox: name.clone(),
                parameters,
            }
        };
        // Nothing is selected from here on (RFC 3501 §6.3.1: the previous mailbox is closed
        // even if this one cannot be opened). The new state is built from the answer and
        // set only once the server said OK, so a refused or cancelled SELECT leaves none.
        self.set_selected(None);
        let completion = self.run(body, select_claim()).await?.ok(self.server())?;
        let mut state = MailboxState::new(name);
        for response in &completion.data {
            match response {
                Response::Data(data) => state.apply_data(data),
                Response::Status(status) => {
                    if let Some(code) = &status.code {
                        state.apply_code(code);
                    }
                }
                Response::Continue(_) => {}
            }
        }
        if let Some(code) = &completion.code {
            state.apply_code(code);
        }
        // EXAMINE is read-only whatever code the server sent.
        state.read_only |= read_only;
        self.set_selected(Some(state.clone()));
        Ok(state)
    }

    /// Leaves the selected mailbox without expunging anything: `UNSELECT` (RFC 3691)
    /// where the server offers it.
    ///
    /// Without UNSELECT, a mailbox opened read-only is left with `CLOSE`, which removes
    /// nothing there. One opened read-write is not: `CLOSE` would remove for good every
    /// message marked `\Deleted`. The client instead EXAMINEs a mailbox that does not
    /// exist, which RFC 3501 (6.3.1) says leaves no mailbox selected once it fails (RFC
    /// 3691 names the same way round); should that name exist after all, it was opened
    /// read-only, and a `CLOSE` there removes nothing either.
    pub async fn unselect(&mut self) -> Result<(), Error> {
        if self.has(&Capability::Unselect) {
            return self.leave(CommandBody::Unselect).await;
        }
        let read_only = self.selected.as_ref().is_none_or(|state| state.read_only);
        if read_only {
            return self.leave(CommandBody::Close).await;
        }
        let nowhere = CommandBody::Examine {
            mailbox: MailboxName::from_wire(UNSELECT_BY_EXAMINING),
            parameters: Vec::new(),
        };
        let completion = self.run(nowhere, super::command::claim_nothing()).await?;
        match completion.kind {
            StatusKind::No => {
                self.set_selected(None);
                Ok(())
            }
            StatusKind::Ok => self.leave(CommandBody::Close).await,
            _ => completion.ok(&self.server).map(drop),
        }
    }

    /// `CLOSE`: leaves the selected mailbox, first removing for good every message marked
    /// `\Deleted` (when it was opened read-write), without reporting them one by one.
    pub async fn close(&mut self) -> Result<(), Error> {
        self.leave(CommandBody::Close).await
    }

    async fn leave(&mut self, body: CommandBody<'static>) -> Result<(), Error> {
        self.run_ok(body, super::command::claim_nothing()).await?;
        self.set_selected(None);
        Ok(())
    }
}

/// A mailbox name no server is expected to hold, EXAMINEd to leave a mailbox without
/// UNSELECT and without CLOSE's expunge.
const UNSELECT_BY_EXAMINING: &[u8] = b"mailwire-unselect-4c1b0e-nowhere";
