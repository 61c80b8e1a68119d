//! Data of the extensions iCloud and Dovecot speak: ESEARCH, THREAD, NAMESPACE, QUOTA, ID.

use super::core::{AString, Atom, IString, NString, owned_enum, owned_is_self, owned_struct};
use super::raw::Raw;
use super::sequence::SequenceSet;

/// An ESEARCH response (RFC 4731).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ESearch<'a> {
    /// The tag of the command it answers (`(TAG "a1")`).
    pub tag: Option<AString<'a>>,
    /// True when the numbers are UIDs.
    pub uid: bool,
    /// The returned data, in order.
    pub data: Vec<SearchReturnData<'a>>,
}

owned_struct!(ESearch { tag, uid, data });

/// One item of ESEARCH data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchReturnData<'a> {
    /// `MIN n`
    Min(u32),
    /// `MAX n`
    Max(u32),
    /// `ALL set`
    All(SequenceSet),
    /// `COUNT n`
    Count(u32),
    /// `MODSEQ n` (RFC 7162)
    ModSeq(u64),
    /// Another item, its value kept as sent.
    Other(Atom<'a>, Raw<'a>),
}

owned_enum!(SearchReturnData {
    Min(n), Max(n), All(set), Count(n), ModSeq(n), Other(name, value),
});

/// One thread of a THREAD response (RFC 5256): `(3 6 (4 23)(44 7 96))` is members `[3, 6]`
/// then two child threads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Thread {
    /// Messages one after the other, each the parent of the next.
    pub members: Vec<u32>,
    /// Threads branching off the last member (none, or two and more).
    pub children: Vec<Thread>,
}

owned_is_self!(Thread);

/// One namespace of a NAMESPACE response (RFC 2342).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamespaceDescription<'a> {
    /// The prefix (`""`, `"#shared/"`).
    pub prefix: IString<'a>,
    /// The hierarchy delimiter, or `None` for NIL.
    pub delimiter: Option<char>,
    /// Extension data: a name and its values.
    pub extensions: Vec<(IString<'a>, Vec<IString<'a>>)>,
}

owned_struct!(NamespaceDescription {
    prefix,
    delimiter,
    extensions
});

/// One resource of a QUOTA response (RFC 9208).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuotaResource<'a> {
    /// `STORAGE`, `MESSAGE`, ...
    pub name: Atom<'a>,
    /// Current usage (STORAGE in units of 1024 octets).
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

owned_struct!(QuotaResource { name, usage, limit });

/// ID parameters (RFC 2971): field names and values; `None` for `ID NIL`.
pub type IdParameters<'a> = Option<Vec<(IString<'a>, NString<'a>)>>;

/// The value of an extension's item (RFC 9051 `tagged-ext-val`), as in the STATUS items
/// a server adds of its own (`X-GM-FOO (1 (2 "x") nil)`, `BAR 1:5,7`).
///
/// A bare word reads as a number when it is all digits, as a sequence set when it is one,
/// and as an atom otherwise; NIL has no meaning of its own here and reads as the atom it is.
///
/// ```
/// use mailwire::imap::codec::parse_response;
/// use mailwire::imap::codec::types::{
///     AString, Data, ExtensionValue, IString, Response, StatusItem,
/// };
/// use mailwire::limits::Limits;
///
/// let line = b"* STATUS INBOX (X-GM-FOO (1 \"x\" nil))\r\n";
/// let (response, _) = parse_response(line, &Limits::default()).unwrap().complete().unwrap();
/// let Response::Data(Data::Status { items, .. }) = response else { panic!() };
/// let StatusItem::Other(name, ExtensionValue::List(values)) = &items[0] else { panic!() };
/// assert_eq!(name.as_str(), "X-GM-FOO");
/// assert_eq!(values[0], ExtensionValue::Number(1));
/// assert_eq!(values[1], ExtensionValue::String(AString::String(IString::from("x"))));
/// assert!(matches!(&values[2], ExtensionValue::String(AString::Atom(word)) if word == "nil"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExtensionValue<'a> {
    /// A number (`number64`).
    Number(u64),
    /// A sequence set other than a single number (`1:5,7`).
    SequenceSet(SequenceSet),
    /// An atom or a string, as sent.
    String(AString<'a>),
    /// A parenthesised list, possibly empty.
    List(Vec<ExtensionValue<'a>>),
}

owned_enum!(ExtensionValue { Number(n), SequenceSet(set), String(value), List(list) });
