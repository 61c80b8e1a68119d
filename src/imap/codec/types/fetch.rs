//! FETCH: the items a client asks for and the items a server returns.

use std::borrow::Cow;

use super::body::BodyStructure;
use super::core::{AString, Atom, NString, owned_enum, owned_is_self, owned_struct};
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

owned_enum!(SectionText { Header, HeaderFields(list), HeaderFieldsNot(list), Text, Mime });

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
    /// `MODSEQ (n)` (RFC 7162), or `None` for Zoho's `MODSEQ (-1)`: a message without a
    /// mod-sequence, which no RFC value can say (Zoho's `MODSEQ (0)`, also outside the
    /// grammar, is `Some(0)`). Each is written back as it came.
    ModSeq(Option<u64>),
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

owned_enum!(FetchItem {
    Uid(n), Flags(flags), InternalDate(date), Rfc822Size(n), Envelope(envelope), Body(body),
    BodyStructure(body),
    BodySection { section, origin, data },
    Binary { section, origin, data },
    BinarySize { section, size },
    Rfc822(data), Rfc822Header(data), Rfc822Text(data), ModSeq(n), EmailId(id), ThreadId(id),
    GmailMessageId(n), GmailThreadId(n), GmailLabels(labels), Preview(text), SaveDate(date),
    Other { name, value },
});

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

owned_enum!(FetchAttribute {
    Envelope, Flags, InternalDate, Rfc822, Rfc822Header, Rfc822Size, Rfc822Text, Body,
    BodyStructure, Uid, ModSeq, EmailId, ThreadId, GmailMessageId, GmailThreadId, GmailLabels,
    SaveDate,
    BodySection { section, partial, peek },
    Binary { section, partial, peek },
    BinarySize { section },
    Preview { lazy },
    Other { name, section, arguments },
});

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

owned_enum!(FetchItems { All, Fast, Full, Attributes(list) });

owned_is_self!(Partial);
