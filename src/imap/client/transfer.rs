//! COPY, MOVE (and its fallback where MOVE is missing, as on iCloud), EXPUNGE and
//! UID EXPUNGE.

use super::command::Claim;
use super::error::Error;
use super::search::SearchResult;
use super::session::Client;
use super::store::FlagChange;
use crate::imap::codec::types::{
    Capability, Code, CommandBody, Data, Flag, Response, SearchKey, SearchReturnOption, SeqBound,
    SequenceSet, StatusKind,
};

/// `[COPYUID uidvalidity source destination]` (UIDPLUS, RFC 4315): where copied or moved
/// messages went.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CopyUid {
    /// The target mailbox's UIDVALIDITY.
    pub uid_validity: u32,
    /// The UIDs of the messages copied, in the source mailbox.
    pub source: SequenceSet,
    /// The UIDs they got in the target, in the same order.
    pub destination: SequenceSet,
}

impl CopyUid {
    /// Each source UID with its UID in the target, in order; `None` when the two sets do
    /// not hold as many numbers each, or more than `max`.
    pub fn pairs(&self, max: usize) -> Option<Vec<(u32, u32)>> {
        let source = self.source.expand(u32::MAX, max)?;
        let destination = self.destination.expand(u32::MAX, max)?;
        (source.len() == destination.len()).then(|| source.into_iter().zip(destination).collect())
    }
}

/// The messages an EXPUNGE (or a MOVE) removed, as the server reported them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Expunged {
    /// `* n EXPUNGE` message numbers, in order: each one shifts the later numbers down.
    pub seqs: Vec<u32>,
    /// `* VANISHED uids` (with QRESYNC enabled, in place of EXPUNGE).
    pub vanished: Vec<SequenceSet>,
}

/// What a MOVE did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MoveResult {
    /// Where the messages went, when the server said (UIDPLUS).
    pub copy_uid: Option<CopyUid>,
    /// The messages removed from the selected mailbox.
    pub expunged: Expunged,
    /// True when the move was made of UID COPY, UID STORE `+FLAGS.SILENT (\Deleted)` and
    /// UID EXPUNGE, the server lacking MOVE.
    pub by_copy: bool,
}

impl Client {
    /// `COPY set mailbox`: copies messages (by number) of the selected mailbox into
    /// `mailbox` (given as text); returns COPYUID when the server gives it.
    pub async fn copy(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
    ) -> Result<Option<CopyUid>, Error> {
        self.copy_messages(set, mailbox, false).await
    }

    /// `UID COPY set mailbox`: as [`copy`](Self::copy), by UID.
    pub async fn uid_copy(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
    ) -> Result<Option<CopyUid>, Error> {
        self.copy_messages(set, mailbox, true).await
    }

    async fn copy_messages(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
        uid: bool,
    ) -> Result<Option<CopyUid>, Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        let body = CommandBody::Copy {
            set: set.clone(),
            mailbox,
            uid,
        };
        let completion = self.run_ok(body, claim_copy_uid()).await?;
        let mut copy_uid = completion.code.and_then(copy_uid_of);
        for response in completion.data {
            if let Response::Status(status) = response {
                copy_uid = copy_uid.or(status.code.and_then(copy_uid_of));
            }
        }
        Ok(copy_uid)
    }

    /// `MOVE set mailbox` (RFC 6851): moves messages (by number) of the selected mailbox
    /// into `mailbox`.
    ///
    /// Without MOVE (iCloud) the numbers are first turned into UIDs (`UID SEARCH set`),
    /// then moved as [`uid_move_by_copy`](Self::uid_move_by_copy) does: nothing is ever
    /// expunged by message number, which could remove other messages.
    pub async fn move_messages(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
    ) -> Result<MoveResult, Error> {
        if self.has(&Capability::Move) {
            return self.native_move(set, mailbox, false).await;
        }
        self.require_uidplus("MOVE")?;
        // Checked before anything is sent.
        self.mailbox_name(mailbox)?;
        let found = self
            .resolve_uids(SearchKey::SequenceSet(set.clone()))
            .await?;
        match found.to_set() {
            Some(uids) => self.move_by_copy(&uids, mailbox).await,
            None => Ok(MoveResult {
                by_copy: true,
                ..MoveResult::default()
            }),
        }
    }

    /// `UID MOVE set mailbox` (RFC 6851): moves messages by UID; without MOVE (iCloud), as
    /// [`uid_move_by_copy`](Self::uid_move_by_copy) does.
    pub async fn uid_move(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
    ) -> Result<MoveResult, Error> {
        if self.has(&Capability::Move) {
            return self.native_move(set, mailbox, true).await;
        }
        self.uid_move_by_copy(set, mailbox).await
    }

    /// A move without MOVE: `UID COPY set mailbox`, `UID STORE +FLAGS.SILENT (\Deleted)`
    /// and `UID EXPUNGE` of exactly the messages copied (the COPYUID source when given,
    /// else `set`), so no other message marked `\Deleted` is removed. A set holding `*` or
    /// `$` is first turned into the UIDs it stands for (`UID SEARCH UID set`), so a message
    /// arriving meanwhile is neither copied nor removed.
    ///
    /// Needs UIDPLUS (for UID EXPUNGE): without it, [`Error::NotSupported`] and nothing is
    /// sent. If the STORE or the EXPUNGE fails after the COPY, the messages are in both
    /// mailboxes (never in neither).
    pub async fn uid_move_by_copy(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
    ) -> Result<MoveResult, Error> {
        self.require_uidplus("UID MOVE")?;
        let concrete = !set.saved
            && set.ranges.iter().all(|range| {
                range.start != SeqBound::Largest && range.end != Some(SeqBound::Largest)
            });
        if concrete {
            return self.move_by_copy(set, mailbox).await;
        }
        self.mailbox_name(mailbox)?;
        let found = self.resolve_uids(SearchKey::Uid(set.clone())).await?;
        match found.to_set() {
            Some(uids) => self.move_by_copy(&uids, mailbox).await,
            None => Ok(MoveResult {
                by_copy: true,
                ..MoveResult::default()
            }),
        }
    }

    /// `EXPUNGE`: removes every message of the selected mailbox marked `\Deleted`.
    pub async fn expunge(&mut self) -> Result<Expunged, Error> {
        let completion = self.run_ok(CommandBody::Expunge, claim_expunges()).await?;
        Ok(expunged_of(completion.data))
    }

    /// `UID EXPUNGE set` (UIDPLUS, RFC 4315): removes only the messages of `set` marked
    /// `\Deleted`. Without UIDPLUS, [`Error::NotSupported`] and nothing is sent.
    pub async fn uid_expunge(&mut self, set: &SequenceSet) -> Result<Expunged, Error> {
        self.require_uidplus("UID EXPUNGE")?;
        let completion = self
            .run_ok(CommandBody::UidExpunge(set.clone()), claim_expunges())
            .await?;
        Ok(expunged_of(completion.data))
    }

    async fn native_move(
        &mut self,
        set: &SequenceSet,
        mailbox: &str,
        uid: bool,
    ) -> Result<MoveResult, Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        let body = CommandBody::Move {
            set: set.clone(),
            mailbox,
            uid,
        };
        let mut claim_copy = claim_copy_uid();
        let mut claim_gone = claim_expunges();
        let claim: Claim = Box::new(move |response| claim_copy(response) || claim_gone(response));
        let completion = self.run_ok(body, claim).await?;
        let mut copy_uid = completion.code.and_then(copy_uid_of);
        let mut rest = Vec::new();
        for response in completion.data {
            match response {
                Response::Status(status) => {
                    copy_uid = copy_uid.or(status.code.and_then(copy_uid_of));
                }
                other => rest.push(other),
            }
        }
        Ok(MoveResult {
            copy_uid,
            expunged: expunged_of(rest),
            by_copy: false,
        })
    }

    /// The fallback itself, on a set of UIDs without `*` or `$`.
    async fn move_by_copy(
        &mut self,
        uids: &SequenceSet,
        mailbox: &str,
    ) -> Result<MoveResult, Error> {
        let copy_uid = self.uid_copy(uids, mailbox).await?;
        let copied = copy_uid
            .as_ref()
            .map_or_else(|| uids.clone(), |copy| copy.source.clone());
        self.uid_store(&copied, FlagChange::add(vec![Flag::Deleted]).silent())
            .await?;
        let expunged = self.uid_expunge(&copied).await?;
        Ok(MoveResult {
            copy_uid,
            expunged,
            by_copy: true,
        })
    }

    /// The UIDs of the messages `key` selects, in the compact form when ESEARCH is offered.
    async fn resolve_uids(&mut self, key: SearchKey<'_>) -> Result<SearchResult, Error> {
        let returning = self
            .has(&Capability::ESearch)
            .then(|| vec![SearchReturnOption::All]);
        self.search_returning(key, true, returning).await
    }

    fn require_uidplus(&self, command: &'static str) -> Result<(), Error> {
        if self.has(&Capability::UidPlus) {
            return Ok(());
        }
        Err(Error::NotSupported {
            server: self.server.clone(),
            command,
            missing: if command == "UID EXPUNGE" {
                "UIDPLUS"
            } else {
                "MOVE or UIDPLUS"
            },
            why: "without them, removing the moved messages would need a plain EXPUNGE, which \
                  also removes every other message marked \\Deleted; copy the messages instead \
                  and delete them yourself if that is safe",
        })
    }
}

fn copy_uid_of(code: Code<'static>) -> Option<CopyUid> {
    match code {
        Code::CopyUid {
            uid_validity,
            source,
            destination,
        } => Some(CopyUid {
            uid_validity,
            source,
            destination,
        }),
        _ => None,
    }
}

/// Takes the untagged `* OK [COPYUID ...]` that MOVE sends before its expunges.
fn claim_copy_uid() -> Claim {
    Box::new(|response| {
        matches!(response, Response::Status(status)
            if status.tag.is_none()
                && status.kind == StatusKind::Ok
                && matches!(status.code, Some(Code::CopyUid { .. })))
    })
}

/// Takes `* n EXPUNGE` and live `* VANISHED`: the answer to EXPUNGE and MOVE.
fn claim_expunges() -> Claim {
    Box::new(|response| {
        matches!(
            response,
            Response::Data(Data::Expunge(_) | Data::Vanished { earlier: false, .. })
        )
    })
}

fn expunged_of(data: Vec<Response<'static>>) -> Expunged {
    let mut expunged = Expunged::default();
    for response in data {
        match response {
            Response::Data(Data::Expunge(n)) => expunged.seqs.push(n),
            Response::Data(Data::Vanished { uids, .. }) => expunged.vanished.push(uids),
            _ => {}
        }
    }
    expunged
}
