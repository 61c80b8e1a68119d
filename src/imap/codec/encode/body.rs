//! Writing FETCH response items: envelopes, body structures and the data they carry.

use super::core::Writer;
use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars;
use crate::imap::codec::grammar::skip::bracket_content_len;
use crate::imap::codec::response::fetch::fetch_item_into;
use crate::imap::codec::types::{
    AString, Address, AddressField, Atom, BodyExtension, BodyStructure, Envelope, ExtensionData,
    FetchItem, IString, Parameters, SinglePartKind,
};

/// An envelope's address list: `NIL` when empty, the addresses one after the other in
/// parentheses otherwise.
fn addresses(w: &mut Writer<'_>, list: &[Address<'_>]) -> Result<(), EncodeError> {
    w.nil_or((!list.is_empty()).then_some(list), |w, list| {
        w.list_joined(list, b"", |w, address| {
            let parts = [&address.name, &address.adl, &address.mailbox, &address.host];
            w.list(parts, |w, part| w.nstring(part))
        })
    })
}

pub(crate) fn envelope(w: &mut Writer<'_>, envelope: &Envelope<'_>) -> Result<(), EncodeError> {
    w.raw(b"(");
    w.nstring(&envelope.date)?;
    w.sp();
    w.nstring(&envelope.subject)?;
    for field in AddressField::ALL {
        w.sp();
        addresses(w, envelope.addresses(field))?;
    }
    w.sp();
    w.nstring(&envelope.in_reply_to)?;
    w.sp();
    w.nstring(&envelope.message_id)?;
    w.raw(b")");
    Ok(())
}

fn parameters(w: &mut Writer<'_>, params: &Parameters<'_>) -> Result<(), EncodeError> {
    w.nil_or((!params.is_empty()).then_some(params), |w, params| {
        w.pairs(params.iter())
    })
}

fn language(w: &mut Writer<'_>, languages: &[IString<'_>]) -> Result<(), EncodeError> {
    match languages {
        [] => {
            w.raw(b"NIL");
            Ok(())
        }
        [one] => w.string(one),
        many => w.list(many, |w, value| w.string(value)),
    }
}

fn body_extension(w: &mut Writer<'_>, value: &BodyExtension<'_>) -> Result<(), EncodeError> {
    match value {
        BodyExtension::String(value) => w.nstring(value),
        BodyExtension::Number(n) => w.number64(*n, "body extension"),
        BodyExtension::List(list) => w.list(list, body_extension),
    }
}

fn extension_data(w: &mut Writer<'_>, data: &ExtensionData<'_>) -> Result<(), EncodeError> {
    // Write through the last field present; fields before it that are missing become NIL.
    let last = if !data.extensions.is_empty() {
        4
    } else if data.location.is_some() {
        3
    } else if data.language.is_some() {
        2
    } else if data.disposition.is_some() {
        1
    } else {
        0
    };
    if last >= 1 {
        w.sp();
        w.nil_or(
            data.disposition.as_ref().and_then(Option::as_ref),
            |w, disposition| {
                w.raw(b"(");
                w.string(&disposition.kind)?;
                w.sp();
                parameters(w, &disposition.params)?;
                w.raw(b")");
                Ok(())
            },
        )?;
    }
    if last >= 2 {
        w.sp();
        language(w, data.language.as_deref().unwrap_or(&[]))?;
    }
    if last >= 3 {
        w.sp();
        w.nstring(data.location.as_ref().unwrap_or(&None))?;
    }
    for value in &data.extensions {
        w.sp();
        body_extension(w, value)?;
    }
    Ok(())
}

pub(crate) fn body(w: &mut Writer<'_>, structure: &BodyStructure<'_>) -> Result<(), EncodeError> {
    w.raw(b"(");
    match structure {
        BodyStructure::Single(part) => {
            w.string(&part.media_type)?;
            w.sp();
            w.string(&part.media_subtype)?;
            w.sp();
            parameters(w, &part.params)?;
            w.sp();
            w.nstring(&part.id)?;
            w.sp();
            w.nstring(&part.description)?;
            w.sp();
            w.nstring(&part.encoding)?;
            w.sp();
            w.number(u64::from(part.size));
            match &part.kind {
                SinglePartKind::Basic => {}
                SinglePartKind::Text { lines } => {
                    w.sp();
                    w.number64(*lines, "body line count")?;
                }
                SinglePartKind::Message {
                    envelope: enclosed,
                    body: inner,
                    lines,
                } => {
                    w.sp();
                    envelope(w, enclosed)?;
                    w.sp();
                    body(w, inner)?;
                    w.sp();
                    w.number64(*lines, "body line count")?;
                }
            }
            if let Some(extension) = &part.extension {
                w.sp();
                w.nstring(&extension.md5)?;
                extension_data(w, &extension.more)?;
            }
        }
        BodyStructure::Multi(part) => {
            for inner in &part.parts {
                body(w, inner)?;
            }
            if !part.parts.is_empty() {
                w.sp();
            }
            w.string(&part.media_subtype)?;
            if let Some(extension) = &part.extension {
                w.sp();
                parameters(w, &extension.params)?;
                extension_data(w, &extension.more)?;
            }
        }
    }
    w.raw(b")");
    Ok(())
}

fn origin(w: &mut Writer<'_>, origin: Option<u32>) {
    if let Some(origin) = origin {
        w.raw(b"<");
        w.number(u64::from(origin));
        w.raw(b">");
    }
}

/// A FETCH data item: its name (with the section and origin of a body part), a space,
/// then its value.
pub(crate) fn fetch_item(w: &mut Writer<'_>, item: &FetchItem<'_>) -> Result<(), EncodeError> {
    use FetchItem as F;
    let start = w.out.len();
    match item {
        F::BodySection {
            section: spec,
            origin: start,
            ..
        } => {
            w.raw(b"BODY");
            w.section(spec)?;
            origin(w, *start);
        }
        F::Binary {
            section,
            origin: start,
            ..
        } => {
            w.raw(b"BINARY");
            w.section_binary(section)?;
            origin(w, *start);
        }
        F::BinarySize { section, .. } => {
            w.raw(b"BINARY.SIZE");
            w.section_binary(section)?;
        }
        F::Other { name, .. } if !item_name_is_valid(name.as_bytes()) => {
            return Err(EncodeError::Unrepresentable {
                what: "FETCH item name",
                reason: "it must be atom characters, then optionally [...] and <n>",
            });
        }
        F::Other { name, .. } => w.raw(name.as_bytes()),
        F::Uid(_) => w.raw(b"UID"),
        F::Flags(_) => w.raw(b"FLAGS"),
        F::InternalDate(_) => w.raw(b"INTERNALDATE"),
        F::Rfc822Size(_) => w.raw(b"RFC822.SIZE"),
        F::Envelope(_) => w.raw(b"ENVELOPE"),
        F::Body(_) => w.raw(b"BODY"),
        F::BodyStructure(_) => w.raw(b"BODYSTRUCTURE"),
        F::Rfc822(_) => w.raw(b"RFC822"),
        F::Rfc822Header(_) => w.raw(b"RFC822.HEADER"),
        F::Rfc822Text(_) => w.raw(b"RFC822.TEXT"),
        F::ModSeq(_) => w.raw(b"MODSEQ"),
        F::EmailId(_) => w.raw(b"EMAILID"),
        F::ThreadId(_) => w.raw(b"THREADID"),
        F::GmailMessageId(_) => w.raw(b"X-GM-MSGID"),
        F::GmailThreadId(_) => w.raw(b"X-GM-THRID"),
        F::GmailLabels(_) => w.raw(b"X-GM-LABELS"),
        F::Preview(_) => w.raw(b"PREVIEW"),
        F::SaveDate(_) => w.raw(b"SAVEDATE"),
    }
    w.sp();
    match item {
        F::Uid(n) => w.number(u64::from(*n)),
        F::BinarySize { size, .. } => w.number(u64::from(*size)),
        F::Rfc822Size(n) => w.number64(*n, "RFC822.SIZE")?,
        F::GmailMessageId(n) | F::GmailThreadId(n) => w.number64(*n, "Gmail id")?,
        F::Flags(flags) => w.flag_list(flags)?,
        F::InternalDate(date) => w.date_time(date),
        F::Envelope(value) => envelope(w, value)?,
        F::Body(value) | F::BodyStructure(value) => body(w, value)?,
        F::BodySection { data, .. }
        | F::Binary { data, .. }
        | F::Rfc822(data)
        | F::Rfc822Header(data)
        | F::Rfc822Text(data)
        | F::Preview(data) => w.nstring(data)?,
        F::ModSeq(Some(n)) => {
            w.raw(b"(");
            w.number64(*n, "mod-sequence")?;
            w.raw(b")");
        }
        F::ModSeq(None) => w.raw(b"(-1)"),
        F::EmailId(id) => parenthesised_object_id(w, id)?,
        F::ThreadId(id) => w.nil_or(id.as_ref(), parenthesised_object_id)?,
        F::SaveDate(date) => w.nil_or(date.as_ref(), |w, date| {
            w.date_time(date);
            Ok(())
        })?,
        F::GmailLabels(labels) => w.list(labels, |w, label| match label {
            AString::Atom(text) if text.starts_with('\\') => {
                w.raw(b"\\");
                w.token(&text[1..], chars::ATOM, "label")
            }
            other => w.astring(other),
        })?,
        F::Other { value, .. } => {
            w.raw(value.as_bytes());
            // A known item's name (`UID`) reads back as that item; a value that is not one
            // value (a space, a line end inside) would be cut short or end the response.
            let written = w.out.get(start..).unwrap_or_default();
            let mut read = Vec::with_capacity(1);
            let same = matches!(
                fetch_item_into(written, usize::MAX, &mut read),
                Ok(([], ()))
            ) && read.len() == 1
                && read.first() == Some(item);
            if !same {
                return Err(EncodeError::Unrepresentable {
                    what: "FETCH item",
                    reason: "its name is a known item, or its value is not one value (a word, a \
                             string or a balanced list)",
                });
            }
        }
    }
    Ok(())
}

fn parenthesised_object_id(w: &mut Writer<'_>, id: &Atom<'_>) -> Result<(), EncodeError> {
    w.raw(b"(");
    object_id(w, id.as_str())?;
    w.raw(b")");
    Ok(())
}

/// The shape the parser reads an unknown item name in: atom characters up to `[` or `<`,
/// then optionally `[...]` (anything but `]`, CR, LF, NUL) and `<digits>`.
fn item_name_is_valid(name: &[u8]) -> bool {
    let base = name
        .iter()
        .take_while(|&&b| chars::is(b, chars::ATOM) && b != b'[' && b != b'<')
        .count();
    if base == 0 {
        return false;
    }
    let mut rest = &name[base..];
    if let Some(section) = rest.strip_prefix(b"[") {
        match bracket_content_len(section) {
            Some(len) => rest = &section[len + 1..],
            None => return false,
        }
    }
    if let Some(origin) = rest.strip_prefix(b"<") {
        match origin.strip_suffix(b">") {
            Some(digits) => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
            None => false,
        }
    } else {
        rest.is_empty()
    }
}

/// An `objectid` (RFC 8474), checked as the parser reads one.
pub(crate) fn object_id(w: &mut Writer<'_>, id: &str) -> Result<(), EncodeError> {
    if id.is_empty()
        || id.len() > 255
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(EncodeError::Unrepresentable {
            what: "object id",
            reason: "it must be 1 to 255 letters, digits, `_` or `-`",
        });
    }
    w.raw(id.as_bytes());
    Ok(())
}
