//! FETCH: the items a client asks for and the items a server returns.

use std::borrow::Cow;

use super::body::BodyStructure;
use super::core::{AString, Atom, IntoOwned, NString, owned_struct};
use super::datetime::DateTime;
use super::envelope::Envelope;
use super::flags::Flags;
use super::raw::Raw;

/// A body section specifier: `[]`, `[1.2]`, `[HEADER.FIELDS (SUBJECT)]`, `[2.MIME]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Section<'a> {
    /// The part path (`1.2` is `[1, 2]`); empty for the whole message.
    pub part: Vec<u32>,
    /// Which piece of that part, or `None` for all of it.
    pub text: Option<SectionText<'a>>,
}

owned_struct!(Section { part, text });

/// The piece of a part a section names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SectionText<'a> {
    /// `HEADER`
    Header,
    /// `HEADER.FIELDS (...)`
    HeaderFields(Vec<AString<'a>>),
    /// `HEADER.FIELDS.NOT (...)`
    HeaderFieldsNot(Vec<AString<'a>>),
    /// `TEXT`
    Text,
    /// `MIME` (only after a part number)
    Mime,
}

impl IntoOwned for SectionText<'_> {
    type Owned = SectionText<'static>;
    fn into_owned(self) -> SectionText<'static> {
        match self {
            SectionText::Header => SectionText::Header,
            SectionText::HeaderFields(list) => SectionText::HeaderFields(list.into_owned()),
            SectionText::HeaderFieldsNot(list) => SectionText::HeaderFieldsNot(list.into_owned()),
            SectionText::Text => SectionText::Text,
            SectionText::Mime => SectionText::Mime,
        }
    }
}

/// One data item of a FETCH response (`msg-att`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchItem<'a> {
    /// `UID n`
    Uid(u32),
    /// `FLAGS (...)`
    Flags(Flags<'a>),
    /// `INTERNALDATE "..."`
    InternalDate(DateTime),
    /// `RFC822.SIZE n` (`number64` since RFC 9051; a negative size from a broken server
    /// reads as 0)
    Rfc822Size(u64),
    /// `ENVELOPE (...)`
    Envelope(Box<Envelope<'a>>),
    /// `BODY (...)`: the structure without extension data.
    Body(Box<BodyStructure<'a>>),
    /// `BODYSTRUCTURE (...)`
    BodyStructure(Box<BodyStructure<'a>>),
    /// `BODY[section]<origin> data` (a section with no data ending the list, as Yandex sends
    /// for an empty part, reads as NIL)
    BodySection {
        /// The section.
        section: Section<'a>,
        /// The first octet's offset, for a partial fetch.
        origin: Option<u32>,
        /// The bytes, or NIL when the section does not exist.
        data: NString<'a>,
    },
    /// `BINARY[part] data` (RFC 3516)
    Binary {
        /// The part path.
        section: Vec<u32>,
        /// The first octet's offset, for a partial fetch.
        origin: Option<u32>,
        /// The decoded bytes (a literal8 may hold NUL).
        data: NString<'a>,
    },
    /// `BINARY.SIZE[part] n` (RFC 3516)
    BinarySize {
        /// The part path.
        section: Vec<u32>,
        /// Decoded size in octets.
        size: u32,
    },
    /// `RFC822 data`
    Rfc822(NString<'a>),
    /// `RFC822.HEADER data`
    Rfc822Header(NString<'a>),
    /// `RFC822.TEXT data`
    Rfc822Text(NString<'a>),
    /// `MODSEQ (n)` (RFC 7162). Zoho's `MODSEQ (-1)`, for a message without one, reads as 0.
    ModSeq(u64),
    /// `EMAILID (id)` (RFC 8474)
    EmailId(Atom<'a>),
    /// `THREADID (id)` or `THREADID NIL` (RFC 8474)
    ThreadId(Option<Atom<'a>>),
    /// `X-GM-MSGID n` (Gmail)
    GmailMessageId(u64),
    /// `X-GM-THRID n` (Gmail)
    GmailThreadId(u64),
    /// `X-GM-LABELS (...)` (Gmail)
    GmailLabels(Vec<AString<'a>>),
    /// `PREVIEW text` (RFC 8970): a short plain-text abstract of the message, or NIL when
    /// the server has none (yet, if the client asked `LAZY`).
    Preview(NString<'a>),
    /// `SAVEDATE date-time` (RFC 8514): when the message was saved to this mailbox, or NIL
    /// when the mailbox keeps no save dates.
    SaveDate(Option<DateTime>),
    /// An item this codec does not know, kept as sent rather than failing the response.
    Other {
        /// The item name with any section, as sent (`X-FOO`, `X-BAR[1]`).
        name: Cow<'a, str>,
        /// Its value.
        value: Raw<'a>,
    },
}

impl IntoOwned for FetchItem<'_> {
    type Owned = FetchItem<'static>;
    fn into_owned(self) -> FetchItem<'static> {
        match self {
            FetchItem::Uid(n) => FetchItem::Uid(n),
            FetchItem::Flags(flags) => FetchItem::Flags(flags.into_owned()),
            FetchItem::InternalDate(date) => FetchItem::InternalDate(date),
            FetchItem::Rfc822Size(n) => FetchItem::Rfc822Size(n),
            FetchItem::Envelope(envelope) => FetchItem::Envelope(envelope.into_owned()),
            FetchItem::Body(body) => FetchItem::Body(body.into_owned()),
            FetchItem::BodyStructure(body) => FetchItem::BodyStructure(body.into_owned()),
            FetchItem::BodySection {
                section,
                origin,
                data,
            } => FetchItem::BodySection {
                section: section.into_owned(),
                origin,
                data: data.into_owned(),
            },
            FetchItem::Binary {
                section,
                origin,
                data,
            } => FetchItem::Binary {
                section,
                origin,
                data: data.into_owned(),
            },
            FetchItem::BinarySize { section, size } => FetchItem::BinarySize { section, size },
            FetchItem::Rfc822(data) => FetchItem::Rfc822(data.into_owned()),
            FetchItem::Rfc822Header(data) => FetchItem::Rfc822Header(data.into_owned()),
            FetchItem::Rfc822Text(data) => FetchItem::Rfc822Text(data.into_owned()),
            FetchItem::ModSeq(n) => FetchItem::ModSeq(n),
            FetchItem::EmailId(id) => FetchItem::EmailId(id.into_owned()),
            FetchItem::ThreadId(id) => FetchItem::ThreadId(id.into_owned()),
            FetchItem::GmailMessageId(n) => FetchItem::GmailMessageId(n),
            FetchItem::GmailThreadId(n) => FetchItem::GmailThreadId(n),
            FetchItem::GmailLabels(labels) => FetchItem::GmailLabels(labels.into_owned()),
            FetchItem::Preview(text) => FetchItem::Preview(text.into_owned()),
            FetchItem::SaveDate(date) => FetchItem::SaveDate(date),
            FetchItem::Other { name, value } => FetchItem::Other {
                name: IntoOwned::into_owned(name),
                value: value.into_owned(),
            },
        }
    }
}

/// A partial range `<offset.length>` of a FETCH BODY[] or BINARY[] request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Partial {
    /// The first octet.
    pub offset: u32,
    /// How many octets at most.
    pub length: u32,
}

/// One item a FETCH command asks for (`fetch-att`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchAttribute<'a> {
    /// `ENVELOPE`
    Envelope,
    /// `FLAGS`
    Flags,
    /// `INTERNALDATE`
    InternalDate,
    /// `RFC822` (iCloud answers it with no data: use `BODY.PEEK[]`)
    Rfc822,
    /// `RFC822.HEADER`
    Rfc822Header,
    /// `RFC822.SIZE`
    Rfc822Size,
    /// `RFC822.TEXT`
    Rfc822Text,
    /// `BODY`
    Body,
    /// `BODYSTRUCTURE`
    BodyStructure,
    /// `UID`
    Uid,
    /// `BODY[section]<partial>` or, with `peek`, `BODY.PEEK[...]` (does not set `\Seen`).
    BodySection {
        /// The section.
        section: Section<'a>,
        /// A byte range.
        partial: Option<Partial>,
        /// True for `BODY.PEEK`.
        peek: bool,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516)
    Binary {
        /// The part path.
        section: Vec<u32>,
        /// A byte range.
        partial: Option<Partial>,
        /// True for `BINARY.PEEK`.
        peek: bool,
    },
    /// `BINARY.SIZE[part]` (RFC 3516)
    BinarySize {
        /// The part path.
        section: Vec<u32>,
    },
    /// `MODSEQ` (RFC 7162)
    ModSeq,
    /// `EMAILID` (RFC 8474)
    EmailId,
    /// `THREADID` (RFC 8474)
    ThreadId,
    /// `X-GM-MSGID`
    GmailMessageId,
    /// `X-GM-THRID`
    GmailThreadId,
    /// `X-GM-LABELS`
    GmailLabels,
    /// `PREVIEW`, or with `lazy` `PREVIEW (LAZY)`: the server may answer NIL rather than
    /// work out a preview it does not have yet (RFC 8970).
    Preview {
        /// True for the `LAZY` modifier.
        lazy: bool,
    },
    /// `SAVEDATE` (RFC 8514)
    SaveDate,
    /// An attribute this codec does not know, kept as sent rather than failing the command.
    Other {
        /// Its name (`X-SNIPPET`).
        name: Atom<'a>,
        /// A section and/or partial range written right after the name (`[1.2]<0.100>`),
        /// as sent.
        section: Option<Raw<'a>>,
        /// A parenthesised argument after a space (`(FUZZY)`), parentheses included, as
        /// sent. It holds no literal.
        arguments: Option<Raw<'a>>,
    },
}

impl IntoOwned for FetchAttribute<'_> {
    type Owned = FetchAttribute<'static>;
    fn into_owned(self) -> FetchAttribute<'static> {
        match self {
            FetchAttribute::Envelope => FetchAttribute::Envelope,
            FetchAttribute::Flags => FetchAttribute::Flags,
            FetchAttribute::InternalDate => FetchAttribute::InternalDate,
            FetchAttribute::Rfc822 => FetchAttribute::Rfc822,
            FetchAttribute::Rfc822Header => FetchAttribute::Rfc822Header,
            FetchAttribute::Rfc822Size => FetchAttribute::Rfc822Size,
            FetchAttribute::Rfc822Text => FetchAttribute::Rfc822Text,
            FetchAttribute::Body => FetchAttribute::Body,
            FetchAttribute::BodyStructure => FetchAttribute::BodyStructure,
            FetchAttribute::Uid => FetchAttribute::Uid,
            FetchAttribute::BodySection {
                section,
                partial,
                peek,
            } => FetchAttribute::BodySection {
                section: section.into_owned(),
                partial,
                peek,
            },
            FetchAttribute::Binary {
                section,
                partial,
                peek,
            } => FetchAttribute::Binary {
                section,
                partial,
                peek,
            },
            FetchAttribute::BinarySize { section } => FetchAttribute::BinarySize { section },
            FetchAttribute::ModSeq => FetchAttribute::ModSeq,
            FetchAttribute::EmailId => FetchAttribute::EmailId,
            FetchAttribute::ThreadId => FetchAttribute::ThreadId,
            FetchAttribute::GmailMessageId => FetchAttribute::GmailMessageId,
            FetchAttribute::GmailThreadId => FetchAttribute::GmailThreadId,
            FetchAttribute::GmailLabels => FetchAttribute::GmailLabels,
            FetchAttribute::Preview { lazy } => FetchAttribute::Preview { lazy },
            FetchAttribute::SaveDate => FetchAttribute::SaveDate,
            FetchAttribute::Other {
                name,
                section,
                arguments,
            } => FetchAttribute::Other {
                name: name.into_owned(),
                section: section.into_owned(),
                arguments: arguments.into_owned(),
            },
        }
    }
}

/// What a FETCH command asks for: a macro or a list of attributes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchItems<'a> {
    /// `ALL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
    All,
    /// `FAST`: FLAGS INTERNALDATE RFC822.SIZE
    Fast,
    /// `FULL`: ALL plus BODY
    Full,
    /// Explicit attributes (one is written bare, more in parentheses).
    Attributes(Vec<FetchAttribute<'a>>),
}

impl IntoOwned for FetchItems<'_> {
    type Owned = FetchItems<'static>;
    fn into_owned(self) -> FetchItems<'static> {
        match self {
            FetchItems::All => FetchItems::All,
            FetchItems::Fast => FetchItems::Fast,
            FetchItems::Full => FetchItems::Full,
            FetchItems::Attributes(list) => FetchItems::Attributes(list.into_owned()),
        }
    }
}

impl IntoOwned for Partial {
    type Owned = Partial;
    fn into_owned(self) -> Partial {
        self
    }
}
