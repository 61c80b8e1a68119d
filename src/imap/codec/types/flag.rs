//! Message flags (`\Seen`, `$Junk`, ...).

use super::core::{Atom, IntoOwned};
use crate::imap::codec::grammar::keyword::{Keyword, kw};

/// A message flag, as in FLAGS, PERMANENTFLAGS, STORE and APPEND.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag<'a> {
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Seen`
    Seen,
    /// `\Draft`
    Draft,
    /// `\Recent` (only ever set by the server).
    Recent,
    /// `\*` in PERMANENTFLAGS: new keywords may be created.
    Wildcard,
    /// A keyword without backslash (`$Junk`, `NonJunk`).
    Keyword(Atom<'a>),
    /// Another `\`-flag; the atom is the name without the backslash.
    Extension(Atom<'a>),
}

impl<'a> Flag<'a> {
    /// The flag written `\name` (`name` without the backslash).
    pub(crate) fn system(name: &'a str) -> Self {
        Self::system_bytes(name.as_bytes(), name.len())
            .unwrap_or(Flag::Extension(Atom::unchecked(name)))
    }

    /// The system flag written `\name`, if it is one.
    pub(crate) fn system_bytes(input: &[u8], len: usize) -> Option<Self> {
        match Keyword::prefix(input, len) {
            kw::SEEN => Some(Flag::Seen),
            kw::ANSWERED => Some(Flag::Answered),
            kw::FLAGGED => Some(Flag::Flagged),
            kw::DELETED => Some(Flag::Deleted),
            kw::DRAFT => Some(Flag::Draft),
            kw::RECENT => Some(Flag::Recent),
            _ => None,
        }
    }

    /// A keyword flag (no backslash), checked to be an atom.
    pub fn keyword(name: &'a str) -> Result<Self, crate::imap::codec::error::EncodeError> {
        Atom::new(name).map(Flag::Keyword)
    }
}

impl IntoOwned for Flag<'_> {
    type Owned = Flag<'static>;
    fn into_owned(self) -> Flag<'static> {
        match self {
            Flag::Answered => Flag::Answered,
            Flag::Flagged => Flag::Flagged,
            Flag::Deleted => Flag::Deleted,
            Flag::Seen => Flag::Seen,
            Flag::Draft => Flag::Draft,
            Flag::Recent => Flag::Recent,
            Flag::Wildcard => Flag::Wildcard,
            Flag::Keyword(atom) => Flag::Keyword(atom.into_owned()),
            Flag::Extension(atom) => Flag::Extension(atom.into_owned()),
        }
    }
}
