//! SEARCH criteria and a typed way to build them.

use std::ops;

use super::core::{AString, Atom, owned_enum};
use super::datetime::Date;
use super::sequence::SequenceSet;

/// One search criterion (RFC 3501 §6.4.4, plus RFC 7162 MODSEQ, RFC 5032 WITHIN, RFC 8474).
///
/// Criteria combine with `&` (all must match), `|` (either) and `!` (negation):
///
/// ```
/// use mailwire::imap::codec::types::{Date, SearchKey};
///
/// let key = SearchKey::unseen()
///     & (SearchKey::from_address("boss@example.com") | SearchKey::subject("urgent"))
///     & !SearchKey::deleted()
///     & SearchKey::since(Date::new(2024, 3, 1).unwrap());
/// assert!(!key.needs_utf8());
/// assert!(SearchKey::subject("Grüße").needs_utf8());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchKey<'a> {
    /// `ALL`
    All,
    /// `ANSWERED`
    Answered,
    /// `BCC string`
    Bcc(AString<'a>),
    /// `BEFORE date` (internal date)
    Before(Date),
    /// `BODY string`
    Body(AString<'a>),
    /// `CC string`
    Cc(AString<'a>),
    /// `DELETED`
    Deleted,
    /// `DRAFT`
    Draft,
    /// `FLAGGED`
    Flagged,
    /// `FROM string`
    From(AString<'a>),
    /// `HEADER field-name string`
    Header(AString<'a>, AString<'a>),
    /// `KEYWORD flag`
    Keyword(Atom<'a>),
    /// `LARGER n`
    Larger(u32),
    /// `NEW`
    New,
    /// `NOT key`
    Not(Box<SearchKey<'a>>),
    /// `OLD`
    Old,
    /// `ON date`
    On(Date),
    /// `OR key key`
    Or(Box<SearchKey<'a>>, Box<SearchKey<'a>>),
    /// `RECENT`
    Recent,
    /// `SEEN`
    Seen,
    /// `SENTBEFORE date`
    SentBefore(Date),
    /// `SENTON date`
    SentOn(Date),
    /// `SENTSINCE date`
    SentSince(Date),
    /// `SINCE date`
    Since(Date),
    /// `SMALLER n`
    Smaller(u32),
    /// `SUBJECT string`
    Subject(AString<'a>),
    /// `TEXT string`
    Text(AString<'a>),
    /// `TO string`
    To(AString<'a>),
    /// `UID set` (the set may be or end in `$`, RFC 5182)
    Uid(SequenceSet),
    /// `UNANSWERED`
    Unanswered,
    /// `UNDELETED`
    Undeleted,
    /// `UNDRAFT`
    Undraft,
    /// `UNFLAGGED`
    Unflagged,
    /// `UNKEYWORD flag`
    Unkeyword(Atom<'a>),
    /// `UNSEEN`
    Unseen,
    /// A bare sequence set, which may be or end in `$` (RFC 5182).
    SequenceSet(SequenceSet),
    /// `(key key ...)`: all must match.
    And(Vec<SearchKey<'a>>),
    /// `MODSEQ n` (RFC 7162; the optional entry name and type are not modelled).
    ModSeq(u64),
    /// `OLDER seconds` (RFC 5032)
    Older(u32),
    /// `YOUNGER seconds` (RFC 5032)
    Younger(u32),
    /// `EMAILID id` (RFC 8474)
    EmailId(Atom<'a>),
    /// `THREADID id` (RFC 8474)
    ThreadId(Atom<'a>),
}

impl<'a> SearchKey<'a> {
    /// `ALL`
    pub fn all() -> Self {
        SearchKey::All
    }
    /// `UNSEEN`
    pub fn unseen() -> Self {
        SearchKey::Unseen
    }
    /// `SEEN`
    pub fn seen() -> Self {
        SearchKey::Seen
    }
    /// `DELETED`
    pub fn deleted() -> Self {
        SearchKey::Deleted
    }
    /// `FLAGGED`
    pub fn flagged() -> Self {
        SearchKey::Flagged
    }
    /// `FROM string`
    pub fn from_address(value: &'a str) -> Self {
        SearchKey::From(AString::from(value))
    }
    /// `TO string`
    pub fn to(value: &'a str) -> Self {
        SearchKey::To(AString::from(value))
    }
    /// `SUBJECT string`
    pub fn subject(value: &'a str) -> Self {
        SearchKey::Subject(AString::from(value))
    }
    /// `BODY string`
    pub fn body(value: &'a str) -> Self {
        SearchKey::Body(AString::from(value))
    }
    /// `TEXT string`
    pub fn text(value: &'a str) -> Self {
        SearchKey::Text(AString::from(value))
    }
    /// `HEADER name value`
    pub fn header(name: &'a str, value: &'a str) -> Self {
        SearchKey::Header(AString::from(name), AString::from(value))
    }
    /// `SINCE date`
    pub fn since(date: Date) -> Self {
        SearchKey::Since(date)
    }
    /// `BEFORE date`
    pub fn before(date: Date) -> Self {
        SearchKey::Before(date)
    }
    /// `UID set`
    pub fn uid(set: SequenceSet) -> Self {
        SearchKey::Uid(set)
    }
    /// `LARGER n`
    pub fn larger(octets: u32) -> Self {
        SearchKey::Larger(octets)
    }

    /// `$`: the messages the last `SEARCH RETURN (SAVE)` found (SEARCHRES, RFC 5182).
    pub fn saved() -> Self {
        SearchKey::SequenceSet(SequenceSet::saved())
    }

    /// The keys a command lists one after another, all of which must match: this key, or
    /// the keys of an `And`.
    pub(crate) fn into_criteria(self) -> Vec<SearchKey<'a>> {
        match self {
            SearchKey::And(keys) => keys,
            single => vec![single],
        }
    }

    /// Both this and `other` must match.
    pub fn and(self, other: SearchKey<'a>) -> Self {
        match self {
            SearchKey::And(mut keys) => {
                keys.push(other);
                SearchKey::And(keys)
            }
            first => SearchKey::And(vec![first, other]),
        }
    }

    /// This or `other` must match.
    pub fn or(self, other: SearchKey<'a>) -> Self {
        SearchKey::Or(Box::new(self), Box::new(other))
    }

    /// True when a string in the criteria is not ASCII, so the command needs
    /// `CHARSET UTF-8` (or a server with UTF8=ACCEPT).
    pub fn needs_utf8(&self) -> bool {
        self.find_string(&mut |s| (!s.as_bytes().is_ascii()).then_some(()))
            .is_some()
    }

    /// The first answer `f` gives for a string of the criteria, walking nested keys in
    /// order: the one walk that every question about a search's strings goes through.
    pub(crate) fn find_string<'c, T>(
        &'c self,
        f: &mut impl FnMut(&'c AString<'a>) -> Option<T>,
    ) -> Option<T> {
        match self {
            SearchKey::Bcc(s)
            | SearchKey::Body(s)
            | SearchKey::Cc(s)
            | SearchKey::From(s)
            | SearchKey::Subject(s)
            | SearchKey::Text(s)
            | SearchKey::To(s) => f(s),
            SearchKey::Header(name, value) => f(name).or_else(|| f(value)),
            SearchKey::Not(key) => key.find_string(f),
            SearchKey::Or(left, right) => left.find_string(f).or_else(|| right.find_string(f)),
            SearchKey::And(keys) => keys.iter().find_map(|key| key.find_string(f)),
            _ => None,
        }
    }
}

impl<'a> ops::BitAnd for SearchKey<'a> {
    type Output = SearchKey<'a>;
    fn bitand(self, other: SearchKey<'a>) -> SearchKey<'a> {
        self.and(other)
    }
}

impl<'a> ops::BitOr for SearchKey<'a> {
    type Output = SearchKey<'a>;
    fn bitor(self, other: SearchKey<'a>) -> SearchKey<'a> {
        self.or(other)
    }
}

impl<'a> ops::Not for SearchKey<'a> {
    type Output = SearchKey<'a>;
    fn not(self) -> SearchKey<'a> {
        SearchKey::Not(Box::new(self))
    }
}

owned_enum!(SearchKey {
    All, Answered, Bcc(s), Before(d), Body(s), Cc(s), Deleted, Draft, Flagged, From(s),
    Header(name, value), Keyword(atom), Larger(n), New, Not(key), Old, On(d), Or(left, right),
    Recent, Seen, SentBefore(d), SentOn(d), SentSince(d), Since(d), Smaller(n), Subject(s),
    Text(s), To(s), Uid(set), Unanswered, Undeleted, Undraft, Unflagged, Unkeyword(atom), Unseen,
    SequenceSet(set), And(keys), ModSeq(n), Older(n), Younger(n), EmailId(id), ThreadId(id),
});

/// What an extended SEARCH asks back (`RETURN (MIN COUNT)`, RFC 4731).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchReturnOption<'a> {
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `ALL`
    All,
    /// `COUNT`
    Count,
    /// `SAVE` (RFC 5182)
    Save,
    /// Another option.
    Other(Atom<'a>),
}

/// The options this codec knows, by name: what SEARCH and SORT RETURN read and write.
pub(crate) static SEARCH_RETURN_OPTIONS: [(&str, SearchReturnOption<'static>); 5] = [
    ("MIN", SearchReturnOption::Min),
    ("MAX", SearchReturnOption::Max),
    ("ALL", SearchReturnOption::All),
    ("COUNT", SearchReturnOption::Count),
    ("SAVE", SearchReturnOption::Save),
];

owned_enum!(SearchReturnOption { Min, Max, All, Count, Save, Other(atom) });
