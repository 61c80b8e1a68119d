//! BODY[section]<partial> (RFC 3501 §6.4.5): which bytes of a message a section names.
//!
//! A part path walks the MIME tree: in a message (the top one or one a `message/rfc822`
//! part encloses) number `n` is the n-th part of a multipart body, and part 1 of a
//! non-multipart message is its body. `HEADER`, `TEXT` and `HEADER.FIELDS[.NOT]` name
//! pieces of a message, so after a part number only a `message/rfc822` part has them;
//! `MIME` names a part's own header. A section that names nothing answers NIL (`None`).

use std::borrow::Cow;

use super::parse::{ParsedMessage, Part, PartKind};
use crate::imap::codec::types::{AString, Partial, Section, SectionText};

/// Where a part path leads: a part, and whether it is read as a message (the top one,
/// named by an empty path) or as a part (whose bytes are its body).
#[derive(Clone, Copy)]
pub(crate) struct Target<'m> {
    pub(crate) part: &'m Part,
    pub(crate) as_message: bool,
}

/// Follows `path` from the top of `message`; `None` when a number names no part.
pub(crate) fn resolve<'m>(message: &'m ParsedMessage, path: &[u32]) -> Option<Target<'m>> {
    let mut target = Target {
        part: message.root(),
        as_message: true,
    };
    for &n in path {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        let in_message = if target.as_message {
            target.part
        } else {
            match &target.part.kind {
                PartKind::Multi(parts) => {
                    target.part = parts.get(index)?;
                    continue;
                }
                PartKind::Message(inner) => inner,
                PartKind::Leaf => return None,
            }
        };
        target = Target {
            part: match &in_message.kind {
                PartKind::Multi(parts) => parts.get(index)?,
                // Part 1 of a message that is not multipart is its body.
                _ if index == 0 => in_message,
                _ => return None,
            },
            as_message: false,
        };
    }
    Some(target)
}

/// The message a target names for HEADER and TEXT: itself when read as a message, the
/// enclosed one for a `message/rfc822` part, none for another part.
fn message_of<'m>(target: Target<'m>) -> Option<&'m Part> {
    if target.as_message {
        return Some(target.part);
    }
    match &target.part.kind {
        PartKind::Message(inner) => Some(inner),
        _ => None,
    }
}

/// The bytes `section` names, `None` when it names nothing (answered NIL).
pub(crate) fn section<'m>(
    message: &'m ParsedMessage,
    section: &Section<'_>,
) -> Option<Cow<'m, [u8]>> {
    let target = resolve(message, &section.part)?;
    let borrowed = |range| Some(Cow::Borrowed(message.slice(range)));
    match &section.text {
        None if target.as_message => borrowed(target.part.header.start..target.part.body.end),
        None => borrowed(target.part.body.clone()),
        // MIME is only valid after a part number; the codec refuses it without one.
        Some(SectionText::Mime) if target.as_message => None,
        Some(SectionText::Mime) => borrowed(target.part.header.clone()),
        Some(SectionText::Header) => borrowed(message_of(target)?.header.clone()),
        Some(SectionText::Text) => borrowed(message_of(target)?.body.clone()),
        Some(SectionText::HeaderFields(names)) => Some(Cow::Owned(header_fields(
            message,
            message_of(target)?,
            names,
            true,
        ))),
        Some(SectionText::HeaderFieldsNot(names)) => Some(Cow::Owned(header_fields(
            message,
            message_of(target)?,
            names,
            false,
        ))),
    }
}

/// The fields of `part` whose name is (`wanted`) or is not (`!wanted`) in `names`, ASCII
/// case ignored, each with all its lines, then the blank line that ends a header.
fn header_fields(
    message: &ParsedMessage,
    part: &Part,
    names: &[AString<'_>],
    wanted: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    for field in &part.fields {
        let name = message.name_of(field);
        let listed = names
            .iter()
            .any(|listed| listed.as_bytes().eq_ignore_ascii_case(name));
        if listed == wanted {
            let lines = message.slice(field.lines.clone());
            out.extend_from_slice(lines);
            if !lines.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The piece `partial` asks of `data`: from its offset, at most its length, clipped to
/// the data (empty when the offset is past the end).
pub(crate) fn clip<'d>(data: Cow<'d, [u8]>, partial: Option<Partial>) -> Cow<'d, [u8]> {
    let Some(Partial { offset, length }) = partial else {
        return data;
    };
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(data.len());
    let end = start
        .saturating_add(usize::try_from(length).unwrap_or(usize::MAX))
        .min(data.len());
    match data {
        Cow::Borrowed(bytes) => Cow::Borrowed(bytes.get(start..end).unwrap_or_default()),
        Cow::Owned(bytes) => Cow::Owned(bytes.get(start..end).unwrap_or_default().to_vec()),
    }
}

#[cfg(test)]
mod tests;
