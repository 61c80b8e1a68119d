//! STATUS: what a client asks about a mailbox and what the server answers.

use super::core::{Atom, IntoOwned};

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
}

pub(crate) const STATUS_NAMES: [(&str, StatusAttribute); 8] = [
    ("MESSAGES", StatusAttribute::Messages),
    ("RECENT", StatusAttribute::Recent),
    ("UIDNEXT", StatusAttribute::UidNext),
    ("UIDVALIDITY", StatusAttribute::UidValidity),
    ("UNSEEN", StatusAttribute::Unseen),
    ("HIGHESTMODSEQ", StatusAttribute::HighestModSeq),
    ("SIZE", StatusAttribute::Size),
    ("DELETED", StatusAttribute::Deleted),
];

impl StatusAttribute {
    /// The attribute's name on the wire.
    pub fn name(self) -> &'static str {
        STATUS_NAMES
            .iter()
            .find(|(_, attribute)| *attribute == self)
            .map_or("MESSAGES", |(name, _)| name)
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        STATUS_NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, attribute)| *attribute)
    }
}

/// One item of a STATUS response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusItem<'a> {
    /// A known attribute and its value.
    Known(StatusAttribute, u64),
    /// Another attribute and its value, kept as sent.
    Other(Atom<'a>, u64),
}

impl IntoOwned for StatusAttribute {
    type Owned = StatusAttribute;
    fn into_owned(self) -> StatusAttribute {
        self
    }
}

impl IntoOwned for StatusItem<'_> {
    type Owned = StatusItem<'static>;
    fn into_owned(self) -> StatusItem<'static> {
        match self {
            StatusItem::Known(attribute, value) => StatusItem::Known(attribute, value),
            StatusItem::Other(name, value) => StatusItem::Other(name.into_owned(), value),
        }
    }
}
