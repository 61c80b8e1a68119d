//! BODY and BODYSTRUCTURE (RFC 3501 §7.4.2) of a parsed message, in the codec's
//! [`BodyStructure`] so that the codec's encoder writes it.
//!
//! BODYSTRUCTURE adds the extension data: for a single part MD5 (always NIL: nothing
//! computes it), disposition, language and location; for a multipart its parameters, then
//! the same three.

use std::borrow::Cow;

use super::envelope::envelope;
use super::parse::{ParsedMessage, Part, PartKind};
use crate::imap::codec::types::{
    BodyStructure, Disposition, ExtensionData, IString, MultiPart, MultiPartExtension, NString,
    Parameters, SinglePart, SinglePartExtension, SinglePartKind,
};

/// The structure of `part` (the whole message for [`ParsedMessage::root`]); `extensible`
/// asks for BODYSTRUCTURE's extension data, without it this is BODY.
pub(crate) fn body_structure<'m>(
    message: &'m ParsedMessage,
    part: &'m Part,
    extensible: bool,
) -> BodyStructure<'m> {
    match &part.kind {
        PartKind::Multi(parts) => BodyStructure::Multi(MultiPart {
            parts: parts
                .iter()
                .map(|inner| body_structure(message, inner, extensible))
                .collect(),
            media_subtype: string(part.written_type.1.clone()),
            extension: extensible.then(|| MultiPartExtension {
                params: parameters(&part.params),
                more: extension_data(message, part),
            }),
        }),
        kind => {
            let media_type = &part.content_type.0;
            let body = message.slice(part.body.clone());
            let lines = line_count(body);
            let kind = match kind {
                PartKind::Message(inner) => SinglePartKind::Message {
                    envelope: Box::new(envelope(message, inner)),
                    body: Box::new(body_structure(message, inner, extensible)),
                    lines,
                },
                _ if media_type == "text" => SinglePartKind::Text { lines },
                _ => SinglePartKind::Basic,
            };
            let encoding = message
                .header(part, "content-transfer-encoding")
                .map(Cow::into_owned)
                .filter(|value| !value.is_empty())
                .unwrap_or_else(|| b"7bit".to_vec());
            BodyStructure::Single(SinglePart {
                media_type: string(part.written_type.0.clone()),
                media_subtype: string(part.written_type.1.clone()),
                params: parameters(&part.params),
                id: header(message, part, "content-id"),
                description: header(message, part, "content-description"),
                encoding: Some(string(encoding)),
                size: u32::try_from(body.len()).unwrap_or(u32::MAX),
                kind,
                extension: extensible.then(|| SinglePartExtension {
                    md5: None,
                    more: extension_data(message, part),
                }),
            })
        }
    }
}

/// Lines of a body: its line ends. A part's last line end belongs to the boundary after
/// it, so a one-line part counts 0, as Dovecot counts.
pub(crate) fn line_count(body: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', body).count() as u64
}

fn string(bytes: Vec<u8>) -> IString<'static> {
    IString::new(Cow::Owned(bytes))
}

fn header<'m>(message: &'m ParsedMessage, part: &'m Part, name: &str) -> NString<'m> {
    message.header(part, name).map(IString::new)
}

fn parameters(params: &[(Vec<u8>, Vec<u8>)]) -> Parameters<'static> {
    params
        .iter()
        .map(|(name, value)| (string(name.clone()), Some(string(value.clone()))))
        .collect()
}

/// Disposition, language and location, each NIL when the part has none.
fn extension_data<'m>(message: &'m ParsedMessage, part: &'m Part) -> ExtensionData<'m> {
    let disposition = message
        .mime_value(part, "content-disposition")
        .filter(|value| !value.value.is_empty())
        .map(|value| {
            Box::new(Disposition {
                kind: string(value.value),
                params: parameters(&value.params),
            })
        });
    let language = message
        .header(part, "content-language")
        .map(|value| {
            value
                .split(|&b| b == b',')
                .map(|tag| tag.trim_ascii())
                .filter(|tag| !tag.is_empty())
                .map(|tag| string(tag.to_vec()))
                .collect()
        })
        .unwrap_or_default();
    ExtensionData {
        disposition: Some(disposition),
        language: Some(language),
        location: Some(header(message, part, "content-location")),
        extensions: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
