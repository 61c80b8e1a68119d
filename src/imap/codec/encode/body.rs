//! Writing FETCH response items: envelopes, body structures and the data they carry.

use super::core::Writer;
use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars;
use crate::imap::codec::grammar::skip::bracket_content_len;
use crate::imap::codec::types::{
    AString, Address, AddressField, BodyExtension, BodyStructure, Envelope, ExtensionData,
    FetchItem, IString, Parameters, SinglePartKind,
};

fn addresses(w: &mut Writer<'_>, list: &[Address<'_>]) -> Result<(), EncodeError> {
    if list.is_empty() {
        w.raw(b"NIL");
        return Ok(());
    }
    w.raw(b"(");
    for address in list {
        w.raw(b"(");
        w.nstring(&address.name)?;
        w.sp();
        w.nstring(&address.adl)?;
        w.sp();
        w.nstring(&address.mailbox)?;
        w.sp();
        w.nstring(&address.host)?;
        w.raw(b")");
    }
    w.raw(b")");
    Ok(())
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
    if params.is_empty() {
        w.raw(b"NIL");
        return Ok(());
    }
    w.raw(b"(");
    for (index, (name, value)) in params.iter().enumerate() {
        if index > 0 {
            w.sp();
        }
        w.string(name)?;
        w.sp();
        w.nstring(value)?;
    }
    w.raw(b")");
    Ok(())
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
        BodyExtension::Number(n) => {
            w.number(*n);
            Ok(())
        }
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
        match data.disposition.as_ref().and_then(Option::as_ref) {
            None => w.raw(b"NIL"),
            Some(disposition) => {
                w.raw(b"(");
                w.string(&disposition.kind)?;
                w.sp();
                parameters(w, &disposition.params)?;
                w.raw(b")");
            }
        }
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
                    w.number(*lines);
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
                    w.number(*lines);
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

pub(crate) fn fetch_item(w: &mut Writer<'_>, item: &FetchItem<'_>) -> Result<(), EncodeError> {
    match item {
        FetchItem::Uid(n) => {
            w.raw(b"UID ");
            w.number(u64::from(*n));
        }
        FetchItem::Flags(flags) => {
            w.raw(b"FLAGS ");
            w.flag_list(flags)?;
        }
        FetchItem::InternalDate(date) => {
            w.raw(b"INTERNALDATE ");
            w.date_time(date);
        }
        FetchItem::Rfc822Size(n) => {
            w.raw(b"RFC822.SIZE ");
            w.number(*n);
        }
        FetchItem::Envelope(value) => {
            w.raw(b"ENVELOPE ");
            envelope(w, value)?;
        }
        FetchItem::Body(value) => {
            w.raw(b"BODY ");
            body(w, value)?;
        }
        FetchItem::BodyStructure(value) => {
            w.raw(b"BODYSTRUCTURE ");
            body(w, value)?;
        }
        FetchItem::BodySection {
            section: spec,
            origin: start,
            data,
        } => {
            w.raw(b"BODY");
            w.section(spec)?;
            origin(w, *start);
            w.sp();
            w.nstring(data)?;
        }
        FetchItem::Binary {
            section,
            origin: start,
            data,
        } => {
            w.raw(b"BINARY");
            w.section_binary(section)?;
            origin(w, *start);
            w.sp();
            w.nstring(data)?;
        }
        FetchItem::BinarySize { section, size } => {
            w.raw(b"BINARY.SIZE");
            w.section_binary(section)?;
            w.sp();
            w.number(u64::from(*size));
        }
        FetchItem::Rfc822(data) => {
            w.raw(b"RFC822 ");
            w.nstring(data)?;
        }
        FetchItem::Rfc822Header(data) => {
            w.raw(b"RFC822.HEADER ");
            w.nstring(data)?;
        }
        FetchItem::Rfc822Text(data) => {
            w.raw(b"RFC822.TEXT ");
            w.nstring(data)?;
        }
        FetchItem::ModSeq(n) => {
            w.raw(b"MODSEQ (");
            w.number(*n);
            w.raw(b")");
        }
        FetchItem::EmailId(id) => {
            w.raw(b"EMAILID (");
            object_id(w, id.as_str())?;
            w.raw(b")");
        }
        FetchItem::ThreadId(None) => w.raw(b"THREADID NIL"),
        FetchItem::ThreadId(Some(id)) => {
            w.raw(b"THREADID (");
            object_id(w, id.as_str())?;
            w.raw(b")");
        }
        FetchItem::GmailMessageId(n) => {
            w.raw(b"X-GM-MSGID ");
            w.number(*n);
        }
        FetchItem::GmailThreadId(n) => {
            w.raw(b"X-GM-THRID ");
            w.number(*n);
        }
        FetchItem::GmailLabels(labels) => {
            w.raw(b"X-GM-LABELS ");
            w.list(labels, |w, label| match label {
                AString::Atom(text) if text.starts_with('\\') => {
                    w.raw(b"\\");
                    w.token(&text[1..], chars::ATOM, "label")
                }
                other => w.astring(other),
            })?;
        }
        FetchItem::Preview(text) => {
            w.raw(b"PREVIEW ");
            w.nstring(text)?;
        }
        FetchItem::SaveDate(None) => w.raw(b"SAVEDATE NIL"),
        FetchItem::SaveDate(Some(date)) => {
            w.raw(b"SAVEDATE ");
            w.date_time(date);
        }
        FetchItem::Other { name, value } => {
            if !item_name_is_valid(name.as_bytes()) {
                return Err(EncodeError::Unrepresentable {
                    what: "FETCH item name",
                    reason: "it must be atom characters, then optionally [...] and <n>",
                });
            }
            w.raw(name.as_bytes());
            w.sp();
            w.raw(value.as_bytes());
        }
    }
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
