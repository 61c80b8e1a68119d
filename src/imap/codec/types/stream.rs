//! The pieces of a FETCH response whose body literal is streamed rather than held: what
//! [`parse_fetch_stream_start`](crate::imap::codec::parse_fetch_stream_start) and its
//! companions read.

use std::borrow::Cow;

use super::core::{IString, Literal, LiteralMode, NString, owned_enum, owned_struct};
use super::fetch::{FetchItem, Section};

/// A FETCH item whose value is a message's or a part's bytes, named without them: what a
/// literal streamed on its own is announced for (see
/// [`parse_fetch_stream_start`](crate::imap::codec::parse_fetch_stream_start)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamedItem<'a> {
    /// `BODY[section]<origin>`
    BodySection {
        /// The section.
        section: Section<'a>,
        /// The first octet's offset, for a partial fetch.
        origin: Option<u32>,
    },
    /// `BINARY[part]<origin>` (RFC 3516)
    Binary {
        /// The part path.
        section: Vec<u32>,
        /// The first octet's offset, for a partial fetch.
        origin: Option<u32>,
    },
    /// `RFC822`
    Rfc822,
    /// `RFC822.HEADER`
    Rfc822Header,
    /// `RFC822.TEXT`
    Rfc822Text,
}

impl<'a> StreamedItem<'a> {
    /// The whole item, once its value is in hand: the [`FetchItem`] a parse of the whole
    /// response gives.
    pub fn with_data(self, data: NString<'a>) -> FetchItem<'a> {
        match self {
            StreamedItem::BodySection { section, origin } => FetchItem::BodySection {
                section,
                origin,
                data,
            },
            StreamedItem::Binary { section, origin } => FetchItem::Binary {
                section,
                origin,
                data,
            },
            StreamedItem::Rfc822 => FetchItem::Rfc822(data),
            StreamedItem::Rfc822Header => FetchItem::Rfc822Header(data),
            StreamedItem::Rfc822Text => FetchItem::Rfc822Text(data),
        }
    }
}

owned_enum!(StreamedItem {
    BodySection { section, origin },
    Binary { section, origin },
    Rfc822, Rfc822Header, Rfc822Text,
});

/// The literal a streamed piece ends with: which item it is the value of, and how it was
/// announced.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct StreamedLiteral<'a> {
    /// The item the literal is the value of.
    pub item: StreamedItem<'a>,
    /// The announced size in bytes: how many bytes of data follow.
    pub size: u64,
    /// How the literal was announced (a server sends `{N}`).
    pub mode: LiteralMode,
    /// True for a `~{N}` literal8 (RFC 3516, BINARY), which may carry NUL.
    pub binary: bool,
}

impl<'a> StreamedLiteral<'a> {
    /// The whole item with `data`, the literal's bytes, as its value: the [`FetchItem`] a
    /// parse of the whole response gives.
    pub fn into_item(self, data: impl Into<Cow<'a, [u8]>>) -> FetchItem<'a> {
        let literal = Literal {
            data: data.into(),
            mode: self.mode,
            binary: self.binary,
        };
        self.item.with_data(Some(IString::Literal(literal)))
    }
}

owned_struct!(StreamedLiteral {
    item,
    size,
    mode,
    binary
});

/// The start of a FETCH response whose literal is streamed: `* 12 FETCH (UID 7 BODY[1]<0>
/// {104857600}` and the line end.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchStreamStart<'a> {
    /// The message sequence number.
    pub seq: u32,
    /// The items complete before the literal's item.
    pub items: Vec<FetchItem<'a>>,
    /// The literal the start announces.
    pub literal: StreamedLiteral<'a>,
}

owned_struct!(FetchStreamStart {
    seq,
    items,
    literal
});

/// A piece of a FETCH response between two streamed literals: the items after the one
/// literal, then the item the next one belongs to (a response with two large bodies).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FetchStreamNext<'a> {
    /// The items complete between the two literals.
    pub items: Vec<FetchItem<'a>>,
    /// The literal the piece announces.
    pub literal: StreamedLiteral<'a>,
}

owned_struct!(FetchStreamNext { items, literal });
