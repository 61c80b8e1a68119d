//! Message flags (`\Seen`, `$Junk`, ...).

use super::core::{Atom, owned_enum};
use crate::imap::codec::grammar::chars::{self, ATOM};
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
    /// A keyword without backslash (`$Junk`, `NonJunk`). The grammar makes it an atom; Gmail
    /// sends some with a `]` (`OIB-Seen-[Gmail]/All`), which is read and written back too.
    Keyword(Atom<'a>),
    /// Another `\`-flag; the atom is the name without the backslash.
    Extension(Atom<'a>),
}

impl<'a> Flag<'a> {
    /// The flag written `\name` (`name` without the backslash).
    pub(crate) fn system(name: &'a str) -> Self {
        Self::system_bytes(name.as_bytes()).unwrap_or(Flag::Extension(Atom::unchecked(name)))
    }

    /// The system flag written `\name`, if it is one.
    fn system_bytes(name: &[u8]) -> Option<Self> {
        match Keyword::prefix(name, name.len()) {
            kw::SEEN => Some(Flag::Seen),
            kw::ANSWERED => Some(Flag::Answered),
            kw::FLAGGED => Some(Flag::Flagged),
            kw::DELETED => Some(Flag::Deleted),
            kw::DRAFT => Some(Flag::Draft),
            kw::RECENT => Some(Flag::Recent),
            _ => None,
        }
    }

    /// The system flag whose name (after the `\`) starts `input`, and the name's length.
    /// `None` when the name is another one, or when fewer than eight bytes are left to read
    /// it in one word (the caller then reads it byte by byte).
    #[inline(always)]
    pub(crate) fn system_prefix(input: &[u8]) -> Option<(Self, usize)> {
        // The first letter picks the one name it can be; one word, with ASCII letters
        // folded to lower case by setting their 0x20 bit, compares all of it. Setting that
        // bit maps only the two cases of a letter onto the lower-case one, so a comparison
        // against lower-case letters is exact.
        let word = u64::from_le_bytes(*input.first_chunk::<8>()?) | 0x2020_2020_2020_2020;
        let (flag, len, expected) = match word as u8 {
            b's' => (Flag::Seen, 4, const { le_word(b"seen") }),
            b'a' => (Flag::Answered, 8, const { le_word(b"answered") }),
            b'f' => (Flag::Flagged, 7, const { le_word(b"flagged") }),
            b'd' if (word >> 8) as u8 == b'e' => (Flag::Deleted, 7, const { le_word(b"deleted") }),
            b'd' => (Flag::Draft, 5, const { le_word(b"draft") }),
            b'r' => (Flag::Recent, 6, const { le_word(b"recent") }),
            _ => return None,
        };
        let mask = u64::MAX >> (8 * (8 - len));
        let after_name = input.get(len).copied().unwrap_or(b' ');
        (word & mask == expected && !chars::is(after_name, ATOM)).then_some((flag, len))
    }

    /// A keyword flag (no backslash), checked to be an atom.
    pub fn keyword(name: &'a str) -> Result<Self, crate::imap::codec::error::EncodeError> {
        Atom::new(name).map(Flag::Keyword)
    }
}

/// `name` (at most eight bytes) as a little-endian word, zero-padded.
const fn le_word(name: &[u8]) -> u64 {
    let mut word = 0;
    let mut at = 0;
    while at < name.len() {
        word |= (name[at] as u64) << (8 * at);
        at += 1;
    }
    word
}

owned_enum!(Flag {
    Answered, Flagged, Deleted, Seen, Draft, Recent, Wildcard, Keyword(atom), Extension(atom),
});
