//! STATUS: what a client asks about a mailbox and what the server answers.

use super::core::{Atom, name_in, named, owned_enum, owned_is_self};
use super::extension::ExtensionValue;

/// A STATUS data item name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusAttribute {
    /// `MESSAGES`
    Messages,
    /// `RECENT`
    Recent,
    /// `UIDNEXT`
    UidNext,
    /// `UIDVALIDITY`
    UidValidity,
    /// `UNSEEN`
    Unseen,
    /// `HIGHESTMODSEQ` (RFC 7162)
    HighestModSeq,
    /// `SIZE` (RFC 8438)
    Size,
    /// `DELETED` (RFC 9051)
    Deleted,
    /// `MAILBOXID` (RFC 8474): answered with [`StatusItem::MailboxId`].
    MailboxId,
    /// `APPENDLIMIT` (RFC 7889): answered with [`StatusItem::AppendLimit`].
    AppendLimit,
}

pub(crate) const STATUS_NAMES: [(&str, StatusAttribute); 10] = [
    ("MESSAGES", StatusAttribute::Messages),
    ("RECENT", StatusAttribute::Recent),
    ("UIDNEXT", StatusAttribute::UidNext),
    ("UIDVALIDITY", StatusAttribute::UidValidity),
    ("UNSEEN", StatusAttribute::Unseen),
    ("HIGHESTMODSEQ", StatusAttribute::HighestModSeq),
    ("SIZE", StatusAttribute::Size),
    ("DELETED", StatusAttribute::Deleted),
    ("MAILBOXID", StatusAttribute::MailboxId),
    ("APPENDLIMIT", StatusAttribute::AppendLimit),
];

impl StatusAttribute {
    /// The attribute's name on the wire.
    pub fn name(self) -> &'static str {
        name_in(&STATUS_NAMES, &self).unwrap_or("MESSAGES")
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        named(&STATUS_NAMES, name)
    }
}

/// One item of a STATUS response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusItem<'a> {
    /// A known attribute whose value is a number (every one but `MAILBOXID` and
    /// `APPENDLIMIT`, which have their own variants) and that number.
    Known(StatusAttribute, u64),
    /// `MAILBOXID (id)` (RFC 8474): the mailbox's object id.
    MailboxId(Atom<'a>),
    /// `APPENDLIMIT n` (RFC 7889): the largest message APPEND accepts here, in octets;
    /// `None` for `APPENDLIMIT NIL`, no limit.
    AppendLimit(Option<u64>),
    /// Another attribute and its value (RFC 9051 `tagged-ext-val`: Gmail and others add their
    /// own to LIST-STATUS answers).
    Other(Atom<'a>, ExtensionValue<'a>),
}

owned_is_self!(StatusAttribute);

owned_enum!(StatusItem { Known(attribute, value), MailboxId(id), AppendLimit(limit), Other(name, value) });
