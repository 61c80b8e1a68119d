//! FETCH: the data items of one message, in the codec's [`FetchItem`]s, in the order the
//! client asked for them.

use std::borrow::Cow;

use super::parse::{ParsedMessage, Part, PartKind};
use super::section::{clip, resolve};
use super::{FetchAnswer, FetchOptions, MessageView};
use crate::imap::codec::types::{
    AString, FetchAttribute, FetchItem, FetchItems, Flag, Flags, IString, IntoOwned, Literal,
    LiteralMode, NString, Section, SectionText,
};
use crate::message::encoding::{base64_decode_lenient, quoted_printable_decode};

/// The attributes a FETCH asks for, its macros expanded (RFC 3501 §6.4.5).
pub(crate) fn attributes<'i, 'a>(items: &'i FetchItems<'a>) -> Cow<'i, [FetchAttribute<'a>]> {
    use FetchAttribute as A;
    match items {
        FetchItems::Fast => Cow::Owned(vec![A::Flags, A::InternalDate, A::Rfc822Size]),
        FetchItems::All => Cow::Owned(vec![A::Flags, A::InternalDate, A::Rfc822Size, A::Envelope]),
        FetchItems::Full => Cow::Owned(vec![
            A::Flags,
            A::InternalDate,
            A::Rfc822Size,
            A::Envelope,
            A::Body,
        ]),
        FetchItems::Attributes(list) => Cow::Borrowed(list),
    }
}

/// The items answering `attributes` for the message `view` shows.
///
/// A UID FETCH (`options.uid`) always carries UID: first, unless the client asked for it
/// elsewhere. With `options.rfc822_answers_nothing` (iCloud) RFC822 and RFC822.TEXT give
/// no item at all. Attributes this server does not keep (EMAILID, X-GM-*, PREVIEW,
/// SAVEDATE, unknown ones) give none either.
///
/// A fetch that reads the message (BODY[...], BINARY[...], RFC822 or RFC822.TEXT, not
/// PEEK) on a read-write mailbox sets `\Seen` (RFC 3501 §6.4.5): when the message is not
/// `\Seen` yet, the answer already shows the new flags (in the FLAGS asked for, or in a
/// FLAGS item put after UID, as Dovecot does) and says `sets_seen`, and the caller stores
/// the flag.
pub(crate) fn fetch_items<'a>(
    view: &MessageView<'a>,
    attributes: &[FetchAttribute<'_>],
    options: FetchOptions,
) -> FetchAnswer<'a> {
    use FetchAttribute as A;
    let parsed: &'a ParsedMessage = view.parsed;
    let reads = attributes.iter().any(|attribute| match attribute {
        A::BodySection { peek, .. } | A::Binary { peek, .. } => !peek,
        A::Rfc822 | A::Rfc822Text => !options.rfc822_answers_nothing,
        _ => false,
    });
    let sets_seen = reads && !options.read_only && !view.flags.contains(&Flag::Seen);
    let flags = || -> FetchItem<'a> {
        let mut flags: Flags<'a> = view.flags.iter().cloned().collect();
        if sets_seen {
            flags.push(Flag::Seen);
        }
        FetchItem::Flags(flags)
    };
    let mut items = Vec::with_capacity(attributes.len() + 2);
    if options.uid && !attributes.iter().any(|a| matches!(a, A::Uid)) {
        items.push(FetchItem::Uid(view.uid));
    }
    if sets_seen && !attributes.iter().any(|a| matches!(a, A::Flags)) {
        items.push(flags());
    }
    for attribute in attributes {
        let item = match attribute {
            A::Uid => FetchItem::Uid(view.uid),
            A::Flags => flags(),
            A::InternalDate => FetchItem::InternalDate(view.internal_date),
            A::Rfc822Size => FetchItem::Rfc822Size(u64::from(parsed.size())),
            A::Envelope => FetchItem::Envelope(Box::new(parsed.envelope())),
            A::Body => FetchItem::Body(Box::new(parsed.body_structure(false))),
            A::BodyStructure => FetchItem::BodyStructure(Box::new(parsed.body_structure(true))),
            A::ModSeq => FetchItem::ModSeq(Some(view.modseq)),
            A::BodySection {
                section: asked,
                partial,
                ..
            } => {
                let data = parsed.section(asked).map(|data| clip(data, *partial));
                FetchItem::BodySection {
                    section: answered_section(asked),
                    origin: partial.map(|partial| partial.offset),
                    data: data.map(IString::new),
                }
            }
            A::Rfc822Header => FetchItem::Rfc822Header(whole(parsed, SectionText::Header)),
            A::Rfc822 | A::Rfc822Text if options.rfc822_answers_nothing => continue,
            A::Rfc822 => FetchItem::Rfc822(Some(IString::new(parsed.bytes()))),
            A::Rfc822Text => FetchItem::Rfc822Text(whole(parsed, SectionText::Text)),
            A::Binary {
                section: path,
                partial,
                ..
            } => {
                let data = binary(parsed, path).map(|data| clip(data, *partial));
                FetchItem::Binary {
                    section: path.clone(),
                    origin: partial.map(|partial| partial.offset),
                    data: data.map(binary_string),
                }
            }
            A::BinarySize { section: path } => match binary(parsed, path) {
                Some(data) => FetchItem::BinarySize {
                    section: path.clone(),
                    size: u32::try_from(data.len()).unwrap_or(u32::MAX),
                },
                // RFC 3516 answers a part that does not exist with NO; an item cannot say
                // that, and leaving it out is the closest a FETCH answer gets.
                None => continue,
            },
            _ => continue,
        };
        items.push(item);
    }
    FetchAnswer { items, sets_seen }
}

/// The section as the answer names it: header field names in upper case, as Dovecot
/// writes them (clients compare them ignoring case).
fn answered_section(asked: &Section<'_>) -> Section<'static> {
    let upper = |names: &[AString<'_>]| -> Vec<AString<'static>> {
        names
            .iter()
            .map(|name| AString::new(name.as_bytes().to_ascii_uppercase()))
            .collect()
    };
    let text = match &asked.text {
        Some(SectionText::HeaderFields(names)) => Some(SectionText::HeaderFields(upper(names))),
        Some(SectionText::HeaderFieldsNot(names)) => {
            Some(SectionText::HeaderFieldsNot(upper(names)))
        }
        other => other.to_static(),
    };
    Section {
        part: asked.part.clone(),
        text,
    }
}

/// The top message's HEADER or TEXT.
fn whole<'m>(parsed: &'m ParsedMessage, text: SectionText<'static>) -> NString<'m> {
    let asked = Section {
        part: Vec::new(),
        text: Some(text),
    };
    parsed.section(&asked).map(IString::new)
}

/// BINARY[path]: the part's body with its transfer encoding undone (base64 and
/// quoted-printable; other encodings are already binary-safe). An empty path is the whole
/// message as it is. `None` when the path names no part, or names a multipart or a
/// message, which RFC 3516 leaves to the part that holds the data.
pub(crate) fn binary<'m>(parsed: &'m ParsedMessage, path: &[u32]) -> Option<Cow<'m, [u8]>> {
    if path.is_empty() {
        return Some(Cow::Borrowed(parsed.bytes()));
    }
    let target = resolve(parsed, path)?;
    if !matches!(target.part.kind, PartKind::Leaf) {
        return None;
    }
    Some(decoded_body(parsed, target.part))
}

/// A leaf's body with its transfer encoding undone: base64 and quoted-printable are
/// decoded, other encodings are the bytes themselves.
pub(crate) fn decoded_body<'m>(parsed: &'m ParsedMessage, part: &'m Part) -> Cow<'m, [u8]> {
    let body = parsed.slice(part.body.clone());
    let encoding = parsed
        .header(part, "content-transfer-encoding")
        .map(|value| value.to_ascii_lowercase());
    match encoding.as_deref() {
        Some(b"base64") => Cow::Owned(base64_decode_lenient(body)),
        Some(b"quoted-printable") => Cow::Owned(quoted_printable_decode(body)),
        _ => Cow::Borrowed(body),
    }
}

/// A string for decoded bytes: a literal8 (`~{n}`) when they hold NUL, which nothing else
/// may carry.
fn binary_string(data: Cow<'_, [u8]>) -> IString<'_> {
    if data.contains(&0) {
        IString::Literal(Literal {
            data,
            mode: LiteralMode::Sync,
            binary: true,
        })
    } else {
        IString::new(data)
    }
}

#[cfg(test)]
mod tests;
