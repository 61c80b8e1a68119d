//! STORE and UID STORE: flags added, removed or replaced, with CONDSTORE's UNCHANGEDSINCE.

use super::command::Claim;
use super::error::Error;
use super::session::Client;
use crate::imap::codec::types::{
    Code, CommandBody, Data, FetchItem, Flag, Response, SequenceSet, StoreKind,
};

/// A change of flags, as STORE writes it: `+FLAGS`, `-FLAGS` or `FLAGS`, maybe `.SILENT`,
/// maybe only where the message is unchanged since a mod-sequence.
///
/// ```
/// use mailwire::imap::FlagChange;
/// use mailwire::imap::codec::types::Flag;
///
/// let change = FlagChange::add(vec![Flag::Seen]).silent().unchanged_since(917);
/// assert!(change.is_silent());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange<'a> {
    kind: StoreKind,
    flags: Vec<Flag<'a>>,
    silent: bool,
    unchanged_since: Option<u64>,
}

impl<'a> FlagChange<'a> {
    /// `+FLAGS (flags)`: add these.
    pub fn add(flags: Vec<Flag<'a>>) -> Self {
        FlagChange::new(StoreKind::Add, flags)
    }

    /// `-FLAGS (flags)`: remove these.
    pub fn remove(flags: Vec<Flag<'a>>) -> Self {
        FlagChange::new(StoreKind::Remove, flags)
    }

    /// `FLAGS (flags)`: replace all flags with these.
    pub fn replace(flags: Vec<Flag<'a>>) -> Self {
        FlagChange::new(StoreKind::Replace, flags)
    }

    fn new(kind: StoreKind, flags: Vec<Flag<'a>>) -> Self {
        FlagChange {
            kind,
            flags,
            silent: false,
            unchanged_since: None,
        }
    }

    /// `.SILENT`: the server need not send the new flags back (it still reports changes
    /// other clients made, and, with UNCHANGEDSINCE, the new mod-sequences).
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// `(UNCHANGEDSINCE modseq)` (CONDSTORE, RFC 7162): change only messages whose
    /// mod-sequence is at most `modseq`; the others come back in
    /// [`StoreResult::modified`].
    pub fn unchanged_since(mut self, modseq: u64) -> Self {
        self.unchanged_since = Some(modseq);
        self
    }

    /// True for `.SILENT`.
    pub fn is_silent(&self) -> bool {
        self.silent
    }
}

/// One message's flags as the server reported them in answer to a STORE.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredFlags {
    /// The message number.
    pub seq: u32,
    /// The UID, when the server said (always for UID STORE).
    pub uid: Option<u32>,
    /// The message's flags now, when sent.
    pub flags: Option<Vec<Flag<'static>>>,
    /// The message's mod-sequence now (CONDSTORE).
    pub modseq: Option<u64>,
}

/// What a STORE changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreResult {
    /// The `* n FETCH` responses that answered the STORE, in order.
    pub updated: Vec<StoredFlags>,
    /// `[MODIFIED set]` (UNCHANGEDSINCE): the messages left unchanged because they had
    /// changed since the given mod-sequence.
    pub modified: Option<SequenceSet>,
}

impl Client {
    /// `STORE set change`: changes the flags of the selected mailbox's messages `set`
    /// (message numbers) and returns what the server reported back.
    pub async fn store(
        &mut self,
        set: &SequenceSet,
        change: FlagChange<'_>,
    ) -> Result<StoreResult, Error> {
        self.store_flags(set, change, false).await
    }

    /// `UID STORE set change`: as [`store`](Self::store), by UID.
    pub async fn uid_store(
        &mut self,
        set: &SequenceSet,
        change: FlagChange<'_>,
    ) -> Result<StoreResult, Error> {
        self.store_flags(set, change, true).await
    }

    async fn store_flags(
        &mut self,
        set: &SequenceSet,
        change: FlagChange<'_>,
        uid: bool,
    ) -> Result<StoreResult, Error> {
        let claim = claim_fetch_of(set.clone(), uid, self.largest(uid));
        let body = CommandBody::Store {
            set: set.clone(),
            kind: change.kind,
            silent: change.silent,
            flags: change.flags,
            unchanged_since: change.unchanged_since,
            uid,
        };
        let completion = self.run_ok(body, claim).await?;
        let mut result = StoreResult {
            modified: match completion.code {
                Some(Code::Modified(set)) => Some(set),
                _ => None,
            },
            ..StoreResult::default()
        };
        for response in completion.data {
            if let Response::Data(Data::Fetch { seq, items }) = response {
                result.updated.push(stored_flags(seq, items));
            }
        }
        Ok(result)
    }

    /// What `*` stands for in a set of this kind, as far as the selected mailbox's state
    /// knows; the largest number otherwise, so that `n:*` still reads as "n and above".
    pub(crate) fn largest(&self, uid: bool) -> u32 {
        let known = self.selected().and_then(|state| match uid {
            true => state.uid_next.map(|next| next.saturating_sub(1)),
            false => Some(state.exists),
        });
        known.filter(|&n| n > 0).unwrap_or(u32::MAX)
    }
}

fn stored_flags(seq: u32, items: Vec<FetchItem<'static>>) -> StoredFlags {
    let mut stored = StoredFlags {
        seq,
        uid: None,
        flags: None,
        modseq: None,
    };
    for item in items {
        match item {
            FetchItem::Uid(uid) => stored.uid = Some(uid),
            FetchItem::Flags(flags) => stored.flags = Some(flags.into_vec()),
            FetchItem::ModSeq(modseq) => stored.modseq = modseq,
            _ => {}
        }
    }
    stored
}

/// Takes the `* n FETCH` responses about messages in `set` (by UID when `uid`): the
/// answer to a STORE. A FETCH about another message stays an event. A set holding `$`
/// takes every FETCH, since only the server knows what `$` holds.
pub(crate) fn claim_fetch_of(set: SequenceSet, uid: bool, largest: u32) -> Claim {
    Box::new(move |response| {
        let Response::Data(Data::Fetch { seq, items }) = response else {
            return false;
        };
        let number = match uid {
            false => Some(*seq),
            true => items.iter().find_map(|item| match item {
                FetchItem::Uid(uid) => Some(*uid),
                _ => None,
            }),
        };
        number.is_some_and(|n| set.contains(n, largest) != Some(false))
    })
}
