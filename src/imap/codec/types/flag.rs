//! Message flags (`\Seen`, `$Junk`, ...).

use super::core::{Atom, IntoOwned};

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
        const SYSTEM: [(&str, Flag<'static>); 6] = [
            ("Seen", Flag::Seen),
            ("Answered", Flag::Answered),
            ("Flagged", Flag::Flagged),
            ("Deleted", Flag::Deleted),
            ("Draft", Flag::Draft),
            ("Recent", Flag::Recent),
        ];
        for (known, flag) in SYSTEM {
            if name.eq_ignore_ascii_case(known) {
                return flag;
            }
        }
        Flag::Extension(Atom::unchecked(name))
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
