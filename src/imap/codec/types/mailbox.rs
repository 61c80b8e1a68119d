//! Mailbox names, LIST/LSUB entries and their attributes.

use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use std::borrow::Cow;

use super::attributes::MailboxAttributes;
use super::core::{AString, Atom, IString, IntoOwned, name_in, owned_enum, owned_struct};
use super::raw::Raw;
use crate::imap::codec::utf7::{self, Utf7Error};

/// A mailbox name as it travels: modified UTF-7 (RFC 3501 §5.1.3), or UTF-8 once the
/// server has enabled UTF8=ACCEPT. `INBOX` matches in any case.
///
/// Build one from the name a user sees with `From<&str>` (or [`MailboxName::from_name`]), which
/// encodes it; use [`MailboxName::from_wire`] for bytes already in their wire form, and
/// [`MailboxName::name`] to read the name back.
///
/// ```
/// use mailwire::imap::codec::types::MailboxName;
///
/// assert_eq!(MailboxName::from("Entwürfe").as_bytes(), b"Entw&APw-rfe");
/// assert_eq!(MailboxName::from("Tom & Jerry").as_bytes(), b"Tom &- Jerry");
/// assert_eq!(MailboxName::from("Entwürfe").name(false).unwrap(), "Entwürfe");
/// // Bytes that are already modified UTF-7 (from a LIST response, say) go out as they are.
/// assert_eq!(MailboxName::from_wire(&b"Entw&APw-rfe"[..]), MailboxName::from("Entwürfe"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxName<'a>(pub AString<'a>);

impl<'a> MailboxName<'a> {
    /// A mailbox from its name in Unicode: encoded in modified UTF-7 unless `utf8` (the
    /// server enabled UTF8=ACCEPT), in which case the name travels as UTF-8.
    pub fn from_name(name: &str, utf8: bool) -> MailboxName<'static> {
        if let Some(inbox) = MailboxName::inbox(name) {
            return inbox;
        }
        if utf8 {
            let string = AString::new(name.as_bytes().to_vec());
            return MailboxName(match string {
                // UTF8=ACCEPT allows 8-bit quoted strings, which keeps names readable.
                AString::String(IString::Literal(literal))
                    if !literal
                        .data
                        .iter()
                        .any(|&b| b == b'\r' || b == b'\n' || b == 0) =>
                {
                    AString::String(IString::Quoted(literal.data))
                }
                other => other,
            });
        }
        MailboxName::from(name).into_owned()
    }

    /// INBOX, if `name` names it (in any case, RFC 3501 §5.1).
    fn inbox(name: &str) -> Option<MailboxName<'static>> {
        name.eq_ignore_ascii_case("INBOX")
            .then_some(MailboxName(AString::Atom(Cow::Borrowed("INBOX"))))
    }

    /// A mailbox whose name is already in its wire form (modified UTF-7, or UTF-8 after
    /// UTF8=ACCEPT), sent as these bytes: atom, quoted or literal, whichever carries them.
    /// This is how the parser keeps the names it reads.
    pub fn from_wire(bytes: impl Into<Cow<'a, [u8]>>) -> Self {
        MailboxName(AString::new(bytes))
    }

    /// The name as sent.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// True for INBOX, whatever its case.
    pub fn is_inbox(&self) -> bool {
        self.as_bytes().eq_ignore_ascii_case(b"INBOX")
    }

    /// The name in Unicode: decoded from modified UTF-7, or taken as UTF-8 when `utf8`.
    pub fn name(&self, utf8: bool) -> Result<String, Utf7Error> {
        if utf8 {
            return std::str::from_utf8(self.as_bytes())
                .map(str::to_owned)
                .map_err(|_| Utf7Error::NotUtf8);
        }
        utf7::decode(self.as_bytes())
    }
}

impl<'a> From<&'a str> for MailboxName<'a> {
    /// A mailbox from the name a user sees (`"Entwürfe"`, `"Tom & Jerry"`), encoded in
    /// modified UTF-7 as RFC 3501 sends names; INBOX in any case is sent as `INBOX`. It
    /// borrows `name` when encoding leaves it unchanged (printable ASCII without `&`).
    /// For UTF8=ACCEPT use [`MailboxName::from_name`]; for a wire form, [`MailboxName::from_wire`].
    fn from(name: &'a str) -> Self {
        if let Some(inbox) = MailboxName::inbox(name) {
            return inbox;
        }
        let encoded = utf7::encode(name);
        if encoded == name {
            return MailboxName(AString::from(name));
        }
        MailboxName(AString::new(encoded.into_bytes()))
    }
}

owned_struct!(MailboxName(0));

/// An attribute of a mailbox in a LIST or LSUB response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailboxAttribute<'a> {
    /// `\Noinferiors`
    NoInferiors,
    /// `\Noselect`
    NoSelect,
    /// `\Marked`
    Marked,
    /// `\Unmarked`
    Unmarked,
    /// `\HasChildren` (RFC 3348)
    HasChildren,
    /// `\HasNoChildren` (RFC 3348)
    HasNoChildren,
    /// `\NonExistent` (RFC 5258)
    NonExistent,
    /// `\Subscribed` (RFC 5258)
    Subscribed,
    /// `\Remote` (RFC 5258)
    Remote,
    /// `\All` (RFC 6154)
    All,
    /// `\Archive` (RFC 6154)
    Archive,
    /// `\Drafts` (RFC 6154)
    Drafts,
    /// `\Flagged` (RFC 6154)
    Flagged,
    /// `\Junk` (RFC 6154)
    Junk,
    /// `\Sent` (RFC 6154)
    Sent,
    /// `\Trash` (RFC 6154)
    Trash,
    /// `\Important` (RFC 8457)
    Important,
    /// Another `\`-attribute; the atom is the name without backslash.
    Extension(Atom<'a>),
    /// An attribute without backslash (outside the grammar, tolerated).
    Keyword(Atom<'a>),
}

pub(crate) static NAMED: [(&str, MailboxAttribute<'static>); 17] = [
    ("Noinferiors", MailboxAttribute::NoInferiors),
    ("Noselect", MailboxAttribute::NoSelect),
    ("Marked", MailboxAttribute::Marked),
    ("Unmarked", MailboxAttribute::Unmarked),
    ("HasChildren", MailboxAttribute::HasChildren),
    ("HasNoChildren", MailboxAttribute::HasNoChildren),
    ("NonExistent", MailboxAttribute::NonExistent),
    ("Subscribed", MailboxAttribute::Subscribed),
    ("Remote", MailboxAttribute::Remote),
    ("All", MailboxAttribute::All),
    ("Archive", MailboxAttribute::Archive),
    ("Drafts", MailboxAttribute::Drafts),
    ("Flagged", MailboxAttribute::Flagged),
    ("Junk", MailboxAttribute::Junk),
    ("Sent", MailboxAttribute::Sent),
    ("Trash", MailboxAttribute::Trash),
    ("Important", MailboxAttribute::Important),
];

impl<'a> MailboxAttribute<'a> {
    /// Position of a well-known attribute in [`NAMED`].
    pub(crate) fn known_index(&self) -> Option<u32> {
        let index = match self {
            MailboxAttribute::NoInferiors => 0,
            MailboxAttribute::NoSelect => 1,
            MailboxAttribute::Marked => 2,
            MailboxAttribute::Unmarked => 3,
            MailboxAttribute::HasChildren => 4,
            MailboxAttribute::HasNoChildren => 5,
            MailboxAttribute::NonExistent => 6,
            MailboxAttribute::Subscribed => 7,
            MailboxAttribute::Remote => 8,
            MailboxAttribute::All => 9,
            MailboxAttribute::Archive => 10,
            MailboxAttribute::Drafts => 11,
            MailboxAttribute::Flagged => 12,
            MailboxAttribute::Junk => 13,
            MailboxAttribute::Sent => 14,
            MailboxAttribute::Trash => 15,
            MailboxAttribute::Important => 16,
            MailboxAttribute::Extension(_) | MailboxAttribute::Keyword(_) => return None,
        };
        Some(index)
    }

    /// The attribute written `\name`.
    pub(crate) fn backslashed(name: &'a str) -> Self {
        Self::backslashed_bytes(name.as_bytes(), name.len())
            .unwrap_or(MailboxAttribute::Extension(Atom::unchecked(name)))
    }

    /// The known attribute written `\name`, if it is one.
    pub(crate) fn backslashed_bytes(input: &[u8], len: usize) -> Option<Self> {
        let index = known_index_of(Keyword::prefix(input, len), len)?;
        NAMED
            .get(usize::try_from(index).ok()?)
            .map(|(_, attribute)| attribute.clone())
    }

    /// The well-known attribute whose name (after the backslash) starts `input`: its
    /// position in [`NAMED`] and the name's length. Reads sixteen bytes at once, so it
    /// answers `None` for a shorter input or a name that is not a known one; the byte-wise
    /// path then gives the same result as if this had not been tried.
    #[inline(always)]
    pub(crate) fn known_at(input: &[u8]) -> Option<(u32, usize)> {
        let bytes = input.first_chunk::<16>()?;
        let (len, key) = Keyword::letters_of_first16(bytes);
        // Known names are letters only; the name ends with them unless an atom goes on
        // (`\Sent2`), which would make it another name.
        if chars::is(*bytes.get(len)?, ATOM) {
            return None;
        }
        Some((known_index_of(key, len)?, len))
    }

    /// The name to write after the backslash, or `None` for a keyword.
    pub(crate) fn backslash_name(&self) -> Option<&str> {
        match self {
            MailboxAttribute::Extension(atom) => Some(atom.as_str()),
            MailboxAttribute::Keyword(_) => None,
            known => name_in(&NAMED, known),
        }
    }

    /// True for the RFC 6154 special-use attributes (`\Sent`, `\Trash`, ...).
    pub fn is_special_use(&self) -> bool {
        matches!(
            self,
            MailboxAttribute::All
                | MailboxAttribute::Archive
                | MailboxAttribute::Drafts
                | MailboxAttribute::Flagged
                | MailboxAttribute::Junk
                | MailboxAttribute::Sent
                | MailboxAttribute::Trash
                | MailboxAttribute::Important
        )
    }
}

/// The position in [`NAMED`] of the known attribute whose `len`-byte name has `key`. The
/// length picks the one to three names worth comparing: a LIST response carries an
/// attribute or two, and a LIST reply may carry thousands of responses.
#[inline(always)]
fn known_index_of(key: Keyword, len: usize) -> Option<u32> {
    let is = |keyword: Keyword, index: u32| (key == keyword).then_some(index);
    match len {
        3 => is(kw::ALL, 9),
        4 => is(kw::JUNK, 13).or_else(|| is(kw::SENT, 14)),
        5 => is(kw::TRASH, 15),
        6 => is(kw::MARKED, 2)
            .or_else(|| is(kw::REMOTE, 8))
            .or_else(|| is(kw::DRAFTS, 11)),
        7 => is(kw::ARCHIVE, 10).or_else(|| is(kw::FLAGGED, 12)),
        8 => is(kw::NOSELECT, 1).or_else(|| is(kw::UNMARKED, 3)),
        9 => is(kw::IMPORTANT, 16),
        10 => is(kw::SUBSCRIBED, 7),
        11 => is(kw::HASCHILDREN, 4)
            .or_else(|| is(kw::NOINFERIORS, 0))
            .or_else(|| is(kw::NONEXISTENT, 6)),
        13 => is(kw::HASNOCHILDREN, 5),
        _ => None,
    }
}

owned_enum!(MailboxAttribute {
    Extension(atom), Keyword(atom), NoInferiors, NoSelect, Marked, Unmarked, HasChildren,
    HasNoChildren, NonExistent, Subscribed, Remote, All, Archive, Drafts, Flagged, Junk, Sent,
    Trash, Important,
});

/// One extended item of a LIST response (RFC 5258), e.g. `("CHILDINFO" ("SUBSCRIBED"))`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListExtendedItem<'a> {
    /// The item's tag (`CHILDINFO`, `OLDNAME`).
    pub tag: AString<'a>,
    /// The value, kept as sent.
    pub value: Raw<'a>,
}

owned_struct!(ListExtendedItem { tag, value });

/// One LIST or LSUB response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListItem<'a> {
    /// The mailbox's attributes.
    pub attributes: MailboxAttributes<'a>,
    /// The hierarchy delimiter, or `None` when the server sent NIL (flat namespace).
    pub delimiter: Option<char>,
    /// The mailbox.
    pub mailbox: MailboxName<'a>,
    /// LIST-EXTENDED items.
    pub extended: Vec<ListExtendedItem<'a>>,
}

owned_struct!(ListItem {
    attributes,
    delimiter,
    mailbox,
    extended
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_attributes_read_alike_in_registers_and_byte_by_byte() {
        for (index, (name, attribute)) in NAMED.iter().enumerate() {
            let index = u32::try_from(index).unwrap();
            assert_eq!(attribute.known_index(), Some(index));
            for written in [
                name.to_string(),
                name.to_ascii_uppercase(),
                name.to_ascii_lowercase(),
            ] {
                assert_eq!(MailboxAttribute::backslashed(&written), *attribute);
                for tail in [") \"/\" INBOX\r\n", " \\Marked) NIL \"Sent\"\r\n"] {
                    let line = format!("{written}{tail}");
                    assert_eq!(
                        MailboxAttribute::known_at(line.as_bytes()),
                        Some((index, name.len())),
                        "{line}"
                    );
                }
                // An atom that goes on makes another name.
                let longer = format!("{written}2");
                let line = format!("{longer}) \"/\" INBOX\r\n");
                assert_eq!(MailboxAttribute::known_at(line.as_bytes()), None);
                assert!(matches!(
                    MailboxAttribute::backslashed(&longer),
                    MailboxAttribute::Extension(_)
                ));
            }
        }
        // Too short for the word-at-a-time reading: the byte-wise path answers.
        assert_eq!(MailboxAttribute::known_at(b"Sent)\r\n"), None);
        assert_eq!(MailboxAttribute::known_at(b"Sentinel) NIL x\r\n"), None);
    }
}
