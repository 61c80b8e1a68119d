//! BODY and BODYSTRUCTURE, with nesting bounded by the configured depth.

use super::envelope::{envelope, field_sep};
use crate::imap::codec::grammar::core::{
    byte, lenient_number, nil, nstring, number64, paren_list, spaces, string,
};
use crate::imap::codec::grammar::{PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{
    BodyExtension, BodyStructure, Disposition, ExtensionData, IString, MultiPart,
    MultiPartExtension, Parameters, SinglePart, SinglePartExtension, SinglePartKind,
};

/// The input after the spaces before the next optional field, or `None` when the list
/// closes instead.
#[inline]
fn optional_field(input: &[u8]) -> Option<&[u8]> {
    let rest = spaces(input);
    if rest.len() == input.len() || rest.first() == Some(&b')') {
        None
    } else {
        Some(rest)
    }
}

/// `body-fld-param`: NIL, or pairs. `()` (go-imap's output) reads as empty and so does a
/// NIL value (`("boundary" NIL)` from Mail.ru).
fn parameters(input: &[u8]) -> PResult<'_, Parameters<'_>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, Vec::new()));
    }
    let (mut rest, ()) = byte(input, b'(', "`(` or NIL for parameters")?;
    let mut pairs = Vec::new();
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, pairs));
        }
        let (tail, name) = string(rest)?;
        let (tail, ()) = field_sep(tail)?;
        let (tail, value) = nstring(tail)?;
        pairs.push((name, value));
        rest = tail;
    }
}

fn disposition(input: &[u8]) -> PResult<'_, Option<Disposition<'_>>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, None));
    }
    let (rest, ()) = byte(input, b'(', "`(` or NIL for a disposition")?;
    let (rest, kind) = string(spaces(rest))?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, params) = parameters(rest)?;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the disposition")?;
    Ok((rest, Some(Disposition { kind, params })))
}

fn language(input: &[u8]) -> PResult<'_, Vec<IString<'_>>> {
    if input.first() == Some(&b'(') {
        return paren_list(input, string);
    }
    nstring(input).map(|(rest, value)| (rest, value.into_iter().collect()))
}

fn body_extension(input: &[u8], depth: usize) -> PResult<'_, BodyExtension<'_>> {
    match input.first() {
        Some(b'(') => {
            if depth == 0 {
                return fatal(input, PErrorKind::TooDeep);
            }
            paren_list(input, |i| body_extension(i, depth - 1))
                .map(|(rest, list)| (rest, BodyExtension::List(list)))
        }
        Some(b'0'..=b'9') => number64(input).map(|(rest, n)| (rest, BodyExtension::Number(n))),
        _ => nstring(input).map(|(rest, value)| (rest, BodyExtension::String(value))),
    }
}

/// The fields after MD5 (single part) or parameters (multipart): all optional, in order.
fn extension_data(input: &[u8], depth: usize) -> PResult<'_, ExtensionData<'_>> {
    let mut data = ExtensionData::default();
    let Some(rest) = optional_field(input) else {
        return Ok((input, data));
    };
    let (rest, value) = disposition(rest)?;
    data.disposition = Some(value);
    let Some(rest) = optional_field(rest) else {
        return Ok((rest, data));
    };
    let (rest, value) = language(rest)?;
    data.language = Some(value);
    let Some(rest) = optional_field(rest) else {
        return Ok((rest, data));
    };
    let (mut rest, value) = nstring(rest)?;
    data.location = Some(value);
    while let Some(field) = optional_field(rest) {
        let (tail, value) = body_extension(field, depth)?;
        data.extensions.push(value);
        rest = tail;
    }
    Ok((rest, data))
}

fn single_part<'a>(input: &'a [u8], depth: usize) -> PResult<'a, SinglePart<'a>> {
    let (rest, media_type) = string(input)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, media_subtype) = string(rest)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, params) = parameters(rest)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, id) = nstring(rest)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, description) = nstring(rest)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, encoding) = nstring(rest)?;
    let (rest, ()) = field_sep(rest)?;
    let (mut rest, size) = lenient_number(rest)?;

    let is =
        |value: &IString<'_>, name: &str| value.as_bytes().eq_ignore_ascii_case(name.as_bytes());
    let mut kind = SinglePartKind::Basic;
    let message = is(&media_type, "MESSAGE")
        && (is(&media_subtype, "RFC822") || is(&media_subtype, "GLOBAL"));
    if is(&media_type, "TEXT")
        && let Some(field @ [b'0'..=b'9' | b'-', ..]) = optional_field(rest)
    {
        let (tail, lines) = lenient_number(field)?;
        kind = SinglePartKind::Text { lines };
        rest = tail;
    } else if message && let Some(field @ [b'(', ..]) = optional_field(rest) {
        let (tail, enclosed_envelope) = envelope(field)?;
        let (tail, ()) = field_sep(tail)?;
        let (tail, body) = body(tail, depth)?;
        let (tail, ()) = field_sep(tail)?;
        let (tail, lines) = lenient_number(tail)?;
        kind = SinglePartKind::Message {
            envelope: Box::new(enclosed_envelope),
            body: Box::new(body),
            lines,
        };
        rest = tail;
    }

    let mut extension = None;
    if let Some(field) = optional_field(rest) {
        let (tail, md5) = nstring(field)?;
        let (tail, more) = extension_data(tail, depth)?;
        extension = Some(SinglePartExtension { md5, more });
        rest = tail;
    }
    Ok((
        rest,
        SinglePart {
            media_type,
            media_subtype,
            params,
            id,
            description,
            encoding,
            size,
            kind,
            extension,
        },
    ))
}

fn multi_part(input: &[u8], depth: usize) -> PResult<'_, MultiPart<'_>> {
    let mut parts = Vec::new();
    let mut rest = input;
    while rest.first() == Some(&b'(') {
        let (tail, part) = body(rest, depth)?;
        parts.push(part);
        rest = spaces(tail);
    }
    let (rest, media_subtype) = string(rest)?;
    let mut extension = None;
    let mut rest = rest;
    if let Some(field) = optional_field(rest) {
        let (tail, params) = parameters(field)?;
        let (tail, more) = extension_data(tail, depth)?;
        extension = Some(MultiPartExtension { params, more });
        rest = tail;
    }
    Ok((
        rest,
        MultiPart {
            parts,
            media_subtype,
            extension,
        },
    ))
}

/// `body`: one parenthesised part, nested at most `depth` levels.
pub(crate) fn body(input: &[u8], depth: usize) -> PResult<'_, BodyStructure<'_>> {
    if depth == 0 {
        return fatal(input, PErrorKind::TooDeep);
    }
    let (rest, ()) = byte(input, b'(', "`(` to open a body structure")?;
    let rest = spaces(rest);
    let (rest, structure) = match rest.first() {
        Some(b'(') => {
            let (rest, part) = multi_part(rest, depth - 1)?;
            (rest, BodyStructure::Multi(part))
        }
        Some(_) => {
            let (rest, part) = single_part(rest, depth - 1)?;
            (rest, BodyStructure::Single(part))
        }
        None => return fail(rest, "a body structure"),
    };
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the body structure")?;
    Ok((rest, structure))
}
