//! The selected mailbox's state and the unilateral events the server sends.

use crate::imap::codec::types::{
    Capability, Code, Data, FetchItem, Flag, MailboxName, SequenceSet, Status, StatusKind,
};

/// Something the server said on its own, not as the answer to a command: new mail, an
/// expunge, a flag change by another client, an alert, a BYE. Collected as they arrive,
/// during any command, and handed out by [`Client::take_events`](super::Client::take_events).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// `* n EXISTS`: the mailbox now holds `n` messages.
    Exists(u32),
    /// `* n RECENT`
    Recent(u32),
    /// `* n EXPUNGE`: message number `n` is gone; later numbers moved down by one.
    Expunge(u32),
    /// `* VANISHED`: these UIDs are gone (QRESYNC).
    Vanished {
        /// True for a report of earlier expunges, not a live one.
        earlier: bool,
        /// The UIDs.
        uids: SequenceSet,
    },
    /// `* n FETCH (...)` not asked for: typically flags changed by another client.
    Fetch {
        /// The message number.
        seq: u32,
        /// What changed.
        items: Vec<FetchItem<'static>>,
    },
    /// `* FLAGS (...)`: the flags the mailbox knows.
    Flags(Vec<Flag<'static>>),
    /// `* OK [ALERT] text`: show this text to the user.
    Alert(String),
    /// `* BYE text`: the server is closing the connection.
    Bye(String),
    /// The server's capabilities changed (`* CAPABILITY`, or a `[CAPABILITY]` code).
    Capabilities(Vec<Capability<'static>>),
    /// Another untagged status response (`* OK [UIDNEXT 5]`, `* NO text`…).
    Status(Status<'static>),
    /// Other untagged data no command asked for.
    Other(Data<'static>),
}

/// What the client knows of the selected mailbox, kept current by every response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailboxState {
    /// The mailbox, as selected.
    pub name: Option<MailboxName<'static>>,
    /// Messages in the mailbox (`EXISTS`, less each `EXPUNGE`).
    pub exists: u32,
    /// `RECENT`.
    pub recent: u32,
    /// `UIDVALIDITY`: UIDs are only comparable while this stays the same.
    pub uid_validity: Option<u32>,
    /// `UIDNEXT`: the UID the next message will get (at least).
    pub uid_next: Option<u32>,
    /// `HIGHESTMODSEQ` (CONDSTORE), raised by each MODSEQ seen.
    pub highest_modseq: Option<u64>,
    /// `FLAGS`: the flags the mailbox knows.
    pub flags: Vec<Flag<'static>>,
    /// `PERMANENTFLAGS`: the flags a client may set for good.
    pub permanent_flags: Vec<Flag<'static>>,
    /// `UNSEEN`: the first unseen message number, when the server said.
    pub unseen: Option<u32>,
    /// True when opened read-only (EXAMINE, or `[READ-ONLY]`).
    pub read_only: bool,
}

impl MailboxState {
    /// A fresh state for `name`, before the SELECT's responses fill it in.
    pub fn new(name: MailboxName<'static>) -> Self {
        MailboxState {
            name: Some(name),
            ..MailboxState::default()
        }
    }

    /// Takes in a response code (from an untagged or tagged status).
    pub(crate) fn apply_code(&mut self, code: &Code<'static>) {
        match code {
            Code::UidValidity(n) => self.uid_validity = Some(*n),
            Code::UidNext(n) => self.uid_next = Some(*n),
            Code::Unseen(n) => self.unseen = Some(*n),
            Code::HighestModSeq(n) => self.highest_modseq = Some(*n),
            Code::PermanentFlags(flags) => self.permanent_flags = flags.clone(),
            Code::ReadOnly => self.read_only = true,
            Code::ReadWrite => self.read_only = false,
            _ => {}
        }
    }

    /// Takes in untagged data.
    pub(crate) fn apply_data(&mut self, data: &Data<'static>) {
        match data {
            Data::Exists(n) => self.exists = *n,
            Data::Recent(n) => self.recent = *n,
            Data::Expunge(_) => self.exists = self.exists.saturating_sub(1),
            Data::Vanished {
                earlier: false,
                uids,
            } => {
                // A live VANISHED names messages that existed; count them when the set is
                // finite (it cannot hold `*` here).
                let gone = uids
                    .expand(u32::MAX, self.exists as usize + 1)
                    .map_or(self.exists as usize, |uids| uids.len());
                self.exists = self.exists.saturating_sub(gone as u32);
            }
            Data::Flags(flags) => self.flags = flags.clone(),
            Data::Fetch { items, .. } => {
                for item in items {
                    // Zoho's MODSEQ (-1) (`None`) says nothing about the mailbox's highest.
                    if let FetchItem::ModSeq(Some(modseq)) = item {
                        self.highest_modseq = Some(self.highest_modseq.unwrap_or(0).max(*modseq));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The event an unclaimed untagged status response makes.
pub(crate) fn status_event(status: Status<'static>) -> Event {
    match (&status.kind, &status.code) {
        (StatusKind::Bye, _) => Event::Bye(status.text.to_str_lossy().into_owned()),
        (_, Some(Code::Alert)) => Event::Alert(status.text.to_str_lossy().into_owned()),
        (_, Some(Code::Capability(list))) => Event::Capabilities(list.clone()),
        _ => Event::Status(status),
    }
}

/// The event unclaimed untagged data makes.
pub(crate) fn data_event(data: Data<'static>) -> Event {
    match data {
        Data::Exists(n) => Event::Exists(n),
        Data::Recent(n) => Event::Recent(n),
        Data::Expunge(n) => Event::Expunge(n),
        Data::Vanished { earlier, uids } => Event::Vanished { earlier, uids },
        Data::Fetch { seq, items } => Event::Fetch { seq, items },
        Data::Flags(flags) => Event::Flags(flags),
        Data::Capability(list) => Event::Capabilities(list),
        other => Event::Other(other),
    }
}
