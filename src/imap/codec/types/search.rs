//! SEARCH criteria and a typed way to build them.

use std::ops;

use super::core::{AString, Atom, IntoOwned};
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

impl IntoOwned for SearchKey<'_> {
    type Owned = SearchKey<'static>;
    fn into_owned(self) -> SearchKey<'static> {
        use SearchKey as K;
        match self {
            K::All => K::All,
            K::Answered => K::Answered,
            K::Bcc(s) => K::Bcc(s.into_owned()),
            K::Before(d) => K::Before(d),
            K::Body(s) => K::Body(s.into_owned()),
            K::Cc(s) => K::Cc(s.into_owned()),
            K::Deleted => K::Deleted,
            K::Draft => K::Draft,
            K::Flagged => K::Flagged,
            K::From(s) => K::From(s.into_owned()),
            K::Header(n, v) => K::Header(n.into_owned(), v.into_owned()),
            K::Keyword(a) => K::Keyword(a.into_owned()),
            K::Larger(n) => K::Larger(n),
            K::New => K::New,
            K::Not(k) => K::Not(k.into_owned()),
            K::Old => K::Old,
            K::On(d) => K::On(d),
            K::Or(a, b) => K::Or(a.into_owned(), b.into_owned()),
            K::Recent => K::Recent,
            K::Seen => K::Seen,
            K::SentBefore(d) => K::SentBefore(d),
            K::SentOn(d) => K::SentOn(d),
            K::SentSince(d) => K::SentSince(d),
            K::Since(d) => K::Since(d),
            K::Smaller(n) => K::Smaller(n),
            K::Subject(s) => K::Subject(s.into_owned()),
            K::Text(s) => K::Text(s.into_owned()),
            K::To(s) => K::To(s.into_owned()),
            K::Uid(set) => K::Uid(set),
            K::Unanswered => K::Unanswered,
            K::Undeleted => K::Undeleted,
            K::Undraft => K::Undraft,
            K::Unflagged => K::Unflagged,
            K::Unkeyword(a) => K::Unkeyword(a.into_owned()),
            K::Unseen => K::Unseen,
            K::SequenceSet(set) => K::SequenceSet(set),
            K::And(keys) => K::And(keys.into_owned()),
            K::ModSeq(n) => K::ModSeq(n),
            K::Older(n) => K::Older(n),
            K::Younger(n) => K::Younger(n),
            K::EmailId(a) => K::EmailId(a.into_owned()),
            K::ThreadId(a) => K::ThreadId(a.into_owned()),
        }
    }
}

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

impl IntoOwned for SearchReturnOption<'_> {
    type Owned = SearchReturnOption<'static>;
    fn into_owned(self) -> SearchReturnOption<'static> {
        match self {
            SearchReturnOption::Min => SearchReturnOption::Min,
            SearchReturnOption::Max => SearchReturnOption::Max,
            SearchReturnOption::All => SearchReturnOption::All,
            SearchReturnOption::Count => SearchReturnOption::Count,
            SearchReturnOption::Save => SearchReturnOption::Save,
            SearchReturnOption::Other(atom) => SearchReturnOption::Other(atom.into_owned()),
        }
    }
}
