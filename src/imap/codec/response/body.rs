//! BODY and BODYSTRUCTURE, with nesting bounded by the configured depth.

use std::borrow::Cow;

use super::envelope::{envelope, field_sep};
use crate::imap::codec::grammar::core::{
    byte, lenient_number, lenient_number64, nested_list, nil, nil_or_items, nstring, number64,
    paren_list, spaces, string,
};
use crate::imap::codec::grammar::{PError, PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{
    BodyExtension, BodyStructure, Disposition, ExtensionData, IString, MultiPart,
    MultiPartExtension, Parameters, SinglePart, SinglePartExtension, SinglePartKind,
};
use crate::keyword::Spelled;

/// The input after the spaces before the next optional field, or `None` when the list
/// closes instead.
// Always inlined: a part asks up to six times, and left to itself the compiler calls it.
#[inline(always)]
fn optional_field(input: &[u8]) -> Option<&[u8]> {
    let rest = spaces(input);
    if rest.len() == input.len() || rest.first() == Some(&b')') {
        None
    } else {
        Some(rest)
    }
}

/// The string at the start of `input` when it is `quoted` (the spelling of a quoted
/// string body structures repeat in nearly every part, quotes included), in any case, and
/// the input after it: the value [`string`] reads there, found by comparing words instead
/// of scanning for the closing quote.
#[inline(always)]
fn read_spelled<'a>(quoted: &Spelled, input: &'a [u8]) -> Option<(&'a [u8], IString<'a>)> {
    let rest = quoted.strip_prefix(input)?;
    let content = input.get(1..quoted.len().checked_sub(1)?)?;
    Some((rest, IString::Quoted(Cow::Borrowed(content))))
}

/// `string`, trying first the spellings it most likely has there.
#[inline(always)]
fn likely_string<'a>(input: &'a [u8], likely: &[Spelled]) -> PResult<'a, IString<'a>> {
    for spelling in likely {
        if let Some(found) = read_spelled(spelling, input) {
            return Ok(found);
        }
    }
    string(input)
}

/// `nstring`, trying first the spellings it most likely has there.
#[inline(always)]
fn likely_nstring<'a>(input: &'a [u8], likely: &[Spelled]) -> PResult<'a, Option<IString<'a>>> {
    for spelling in likely {
        if let Some((rest, value)) = read_spelled(spelling, input) {
            return Ok((rest, Some(value)));
        }
    }
    nstring(input)
}

const TEXT: Spelled = Spelled::new("\"text\"");
const PLAIN: Spelled = Spelled::new("\"plain\"");
const HTML: Spelled = Spelled::new("\"html\"");
const CHARSET: Spelled = Spelled::new("\"charset\"");
const UTF_8: Spelled = Spelled::new("\"utf-8\"");
const BOUNDARY: Spelled = Spelled::new("\"boundary\"");
const QUOTED_PRINTABLE: Spelled = Spelled::new("\"quoted-printable\"");
const BASE64: Spelled = Spelled::new("\"base64\"");
const SEVEN_BIT: Spelled = Spelled::new("\"7bit\"");
const ALTERNATIVE: Spelled = Spelled::new("\"alternative\"");
const MIXED: Spelled = Spelled::new("\"mixed\"");

/// `body-fld-param`: NIL, or pairs. `()` (go-imap's output) reads as empty and so does a
/// NIL value (`("boundary" NIL)` from Mail.ru).
fn parameters(input: &[u8]) -> PResult<'_, Parameters<'_>> {
    let mut pairs = Parameters::new();
    let (rest, ()) = parameters_into(input, &mut pairs)?;
    Ok((rest, pairs))
}

/// [`parameters`] appended to `pairs` where they live (a part's parameters are large).
// Inlined: nearly every part has a list, mostly of one pair, and a call would cost more
// than reading it.
#[inline(always)]
fn parameters_into<'a>(input: &'a [u8], pairs: &mut Parameters<'a>) -> PResult<'a, ()> {
    // The list is looked for before NIL: nearly every part has parameters.
    nil_or_items(input, "`(` or NIL for parameters", |rest| {
        let (rest, name) = likely_string(rest, &[CHARSET, BOUNDARY])?;
        let (rest, ()) = field_sep(rest)?;
        let (rest, value) = likely_nstring(rest, &[UTF_8])?;
        pairs.push(name, value);
        Ok((rest, ()))
    })
}

fn disposition(input: &[u8]) -> PResult<'_, Option<Box<Disposition<'_>>>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, None));
    }
    let (rest, ()) = byte(input, b'(', "`(` or NIL for a disposition")?;
    let (rest, kind) = string(spaces(rest))?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, params) = parameters(rest)?;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the disposition")?;
    Ok((rest, Some(Box::new(Disposition { kind, params }))))
}

fn language(input: &[u8]) -> PResult<'_, Vec<IString<'_>>> {
    if input.first() == Some(&b'(') {
        return paren_list(input, string);
    }
    let (rest, value) = nstring(input)?;
    let list = match value {
        Some(one) => vec![one],
        None => Vec::new(),
    };
    Ok((rest, list))
}

fn body_extension(input: &[u8], depth: usize) -> PResult<'_, BodyExtension<'_>> {
    match input.first() {
        Some(b'(') => nested_list(input, depth, body_extension)
            .map(|(rest, list)| (rest, BodyExtension::List(list))),
        Some(b'0'..=b'9') => number64(input).map(|(rest, n)| (rest, BodyExtension::Number(n))),
        _ => nstring(input).map(|(rest, value)| (rest, BodyExtension::String(value))),
    }
}

/// The input from the closing `)` when the extension data at `input` is disposition,
/// language and location all NIL and nothing after them: how most servers end most parts,
/// settled in one comparison.
#[inline(always)]
fn all_nil_extension_data(input: &[u8]) -> Option<&[u8]> {
    const ALL_NIL: Spelled = Spelled::new(" NIL NIL NIL)").leaving(1);
    ALL_NIL.strip_prefix(input)
}

/// The extension data at `input` stored in `slot` within the extension `make` builds
/// around it (MD5 or parameters first): built whole when it is all NIL, else stored empty
/// and read into where it lives (`more` finds it).
#[inline(always)]
fn extension_into<'a, E>(
    input: &'a [u8],
    depth: usize,
    slot: &mut Option<E>,
    make: impl FnOnce(ExtensionData<'a>) -> E,
    more: impl FnOnce(&mut E) -> &mut ExtensionData<'a>,
) -> PResult<'a, ()> {
    if let Some(rest) = all_nil_extension_data(input) {
        *slot = Some(make(ExtensionData::all_nil()));
        return Ok((rest, ()));
    }
    let extension = slot.insert(make(ExtensionData::default()));
    extension_data_into(input, depth, more(extension))
}

/// The fields after MD5 (single part) or parameters (multipart): all optional, in order.
fn extension_data_into<'a>(
    input: &'a [u8],
    depth: usize,
    data: &mut ExtensionData<'a>,
) -> PResult<'a, ()> {
    let Some(rest) = optional_field(input) else {
        return Ok((input, ()));
    };
    let (rest, disposition) = disposition(rest)?;
    data.disposition = Some(disposition);
    let Some(rest) = optional_field(rest) else {
        return Ok((rest, ()));
    };
    let (rest, language) = language(rest)?;
    data.language = Some(language);
    let Some(rest) = optional_field(rest) else {
        return Ok((rest, ()));
    };
    let (mut rest, value) = nstring(rest)?;
    data.location = Some(value);
    while let Some(field) = optional_field(rest) {
        let (tail, value) = body_extension(field, depth)?;
        data.extensions.push(value);
        rest = tail;
    }
    Ok((rest, ()))
}

fn empty_string<'a>() -> IString<'a> {
    IString::Quoted(Cow::Borrowed(&[]))
}

/// A part to fill in place, of the kind the body at `input` (from its `(`) is: body
/// structures are large, and moving them costs more than parsing some of their fields;
/// replacing a placeholder of the other kind would cost a drop of it. Its fields hold
/// values that own nothing, so each that is overwritten frees nothing.
fn placeholder(input: &[u8]) -> BodyStructure<'_> {
    if opens_multipart(input) {
        BodyStructure::Multi(MultiPart {
            parts: Vec::new(),
            media_subtype: empty_string(),
            extension: None,
        })
    } else {
        BodyStructure::Single(SinglePart {
            media_type: empty_string(),
            media_subtype: empty_string(),
            params: Parameters::new(),
            id: None,
            description: None,
            encoding: None,
            size: 0,
            kind: SinglePartKind::Basic,
            extension: None,
        })
    }
}

/// True when the body at `input` (from its `(`) is a multipart: its first field is a part.
fn opens_multipart(input: &[u8]) -> bool {
    match input {
        [b'(', rest @ ..] => spaces(rest).first() == Some(&b'('),
        _ => false,
    }
}

/// A single part's fields, read into `part` (a [`placeholder`]) where it lives.
// Inlined into `body_into`, and so where the part is made; see there.
#[cfg_attr(not(debug_assertions), inline(always))]
fn single_part_into<'a>(
    input: &'a [u8],
    depth: usize,
    part: &mut SinglePart<'a>,
) -> PResult<'a, ()> {
    let (rest, value) = likely_string(input, &[TEXT])?;
    part.media_type = value;
    let (rest, ()) = field_sep(rest)?;
    let (rest, value) = likely_string(rest, &[PLAIN, HTML])?;
    part.media_subtype = value;
    let (rest, ()) = field_sep(rest)?;
    let (rest, ()) = parameters_into(rest, &mut part.params)?;
    let (rest, ()) = field_sep(rest)?;
    let (rest, value) = nstring(rest)?;
    part.id = value;
    let (rest, ()) = field_sep(rest)?;
    let (rest, value) = nstring(rest)?;
    part.description = value;
    let (rest, ()) = field_sep(rest)?;
    let (rest, value) = likely_nstring(rest, &[SEVEN_BIT, QUOTED_PRINTABLE, BASE64])?;
    part.encoding = value;
    let (rest, ()) = field_sep(rest)?;
    let (mut rest, value) = lenient_number(rest)?;
    part.size = value;

    let is =
        |value: &IString<'_>, name: &str| value.as_bytes().eq_ignore_ascii_case(name.as_bytes());
    // TEXT is the commonest type: one comparison of four bytes (clearing 0x20 folds
    // only letters onto letters, and TEXT is all letters).
    let text = match part.media_type.as_bytes() {
        [a, b, c, d] => {
            u32::from_le_bytes([*a, *b, *c, *d]) & 0xdfdf_dfdf == u32::from_le_bytes(*b"TEXT")
        }
        _ => false,
    };
    let message = !text
        && is(&part.media_type, "MESSAGE")
        && (is(&part.media_subtype, "RFC822") || is(&part.media_subtype, "GLOBAL"));
    if text && let Some(field @ [b'0'..=b'9' | b'-', ..]) = optional_field(rest) {
        let (tail, lines) = lenient_number64(field)?;
        part.kind = SinglePartKind::Text { lines };
        rest = tail;
    } else if message && let Some(field @ [b'(', ..]) = optional_field(rest) {
        let (tail, enclosed_envelope) = envelope(field)?;
        let (tail, ()) = field_sep(tail)?;
        let (tail, enclosed_body) = body(tail, depth)?;
        let (tail, ()) = field_sep(tail)?;
        let (tail, lines) = lenient_number64(tail)?;
        part.kind = SinglePartKind::Message {
            envelope: enclosed_envelope,
            body: enclosed_body,
            lines,
        };
        rest = tail;
    }

    if let Some(field) = optional_field(rest) {
        let (tail, md5) = nstring(field)?;
        let make = |more| SinglePartExtension { md5, more };
        (rest, ()) = extension_into(tail, depth, &mut part.extension, make, |e| &mut e.more)?;
    }
    Ok((rest, ()))
}

fn multi_part_into<'a>(input: &'a [u8], depth: usize, part: &mut MultiPart<'a>) -> PResult<'a, ()> {
    let mut rest = input;
    // Gathered in a list of their own and stored once all are read: growing `part.parts`
    // in place measured slower.
    let mut parts = Vec::with_capacity(2);
    while rest.first() == Some(&b'(') {
        parts.push(placeholder(rest));
        let tail = match parts.last_mut() {
            Some(slot) => match body_into(rest, depth, slot) {
                Ok((tail, ())) => tail,
                Err(error) => partless_multipart(rest, depth, slot, error)?.0,
            },
            None => return fail(rest, "a body part"),
        };
        rest = spaces(tail);
    }
    part.parts = parts;
    let (mut rest, value) = likely_string(rest, &[ALTERNATIVE, MIXED])?;
    part.media_subtype = value;
    if let Some(field) = optional_field(rest) {
        let (tail, params) = parameters(field)?;
        let make = |more| MultiPartExtension { params, more };
        (rest, ()) = extension_into(tail, depth, &mut part.extension, make, |e| &mut e.more)?;
    }
    Ok((rest, ()))
}

/// `body` at `input` read as a multipart with no parts, in place of the single part `out`
/// was taken for and could not be read as (`error` says why): a subtype and the optional
/// extension data, `("MIXED")` or `("MIXED" ("BOUNDARY" "x") NIL NIL)`, as net-imap's tests
/// record from servers that send an empty multipart so. What follows the first string tells
/// the two apart: a single part's type is followed by a second string. When it is not one
/// either, `error` stands. (Tried where `body_into` is called rather than in it, where the
/// input would have to be kept alive across every part read.)
///
/// Only a single part is read again so: that second reading never goes into nested parts
/// (a partless multipart has none), whereas reading a multipart again would read each of
/// its parts again, and theirs, twice over at every level.
#[cold]
#[inline(never)]
fn partless_multipart<'a>(
    input: &'a [u8],
    depth: usize,
    out: &mut BodyStructure<'a>,
    error: nom::Err<PError<'a>>,
) -> PResult<'a, ()> {
    if !matches!(
        (&error, &*out),
        (nom::Err::Error(_), BodyStructure::Single(_))
    ) {
        return Err(error);
    }
    *out = BodyStructure::Multi(MultiPart {
        parts: Vec::new(),
        media_subtype: empty_string(),
        extension: None,
    });
    match body_into(input, depth, out) {
        Err(nom::Err::Error(_)) => Err(error),
        parsed => parsed,
    }
}

/// `body` into `out` (which holds the [`placeholder`] for `input`, or an empty multipart
/// when that is what the body is read as), nested at most `depth` levels.
// Inlined into the two places a part is made (the multipart loop and `body`), so that its
// fields are written where the compiler has just made it: as calls, these two measured
// slower. Only in optimised builds: a debug build keeps every temporary of the inlined
// code in the frame of each nested multipart, and 64 of them (the default bound) would
// then pass a 2 MiB thread stack.
#[cfg_attr(not(debug_assertions), inline(always))]
fn body_into<'a>(input: &'a [u8], depth: usize, out: &mut BodyStructure<'a>) -> PResult<'a, ()> {
    if depth == 0 {
        return fatal(input, PErrorKind::TooDeep);
    }
    let (rest, ()) = byte(input, b'(', "`(` to open a body structure")?;
    let rest = spaces(rest);
    let rest = match (rest.first(), &mut *out) {
        (None, _) => return fail(rest, "a body structure"),
        (Some(_), BodyStructure::Multi(multi)) => multi_part_into(rest, depth - 1, multi)?.0,
        (Some(_), BodyStructure::Single(single)) => single_part_into(rest, depth - 1, single)?.0,
    };
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the body structure")?;
    Ok((rest, ()))
}

/// `body`: one parenthesised part, nested at most `depth` levels, built on the heap.
pub(crate) fn body(input: &[u8], depth: usize) -> PResult<'_, Box<BodyStructure<'_>>> {
    let mut structure = Box::new(placeholder(input));
    let (rest, ()) = match body_into(input, depth, &mut structure) {
        Ok(parsed) => parsed,
        Err(error) => partless_multipart(input, depth, &mut structure, error)?,
    };
    Ok((rest, structure))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &[u8]) -> BodyStructure<'_> {
        let (rest, value) = body(input, 8).unwrap();
        assert_eq!(rest, b"", "{:?}", String::from_utf8_lossy(input));
        *value
    }

    #[test]
    fn a_multipart_all_nil_extension_data_reads_the_same_however_it_is_spelled() {
        let part = r#"("text" "plain" NIL NIL NIL "7bit" 1 1)"#;
        let usual = format!(r#"({part} "mixed" ("boundary" "b") NIL NIL NIL)"#);
        let usual = parsed(usual.as_bytes());
        for tail in [" NIL nil NIL)", " NIL NIL  NIL )"] {
            let spelling = format!(r#"({part} "mixed" ("boundary" "b"){tail}"#);
            assert_eq!(parsed(spelling.as_bytes()), usual);
        }
        let BodyStructure::Multi(multi) = &usual else {
            panic!("a multipart");
        };
        let extension = multi.extension.as_ref().unwrap();
        assert_eq!(extension.params.len(), 1);
        assert_eq!(extension.more, ExtensionData::all_nil());
        let short = format!(r#"({part} "mixed" ("boundary" "b") NIL NIL)"#);
        assert_ne!(parsed(short.as_bytes()), usual);
    }

    #[test]
    fn common_spellings_read_as_any_string_does() {
        let spellings = [
            TEXT,
            PLAIN,
            HTML,
            CHARSET,
            UTF_8,
            BOUNDARY,
            QUOTED_PRINTABLE,
            BASE64,
            SEVEN_BIT,
            ALTERNATIVE,
            MIXED,
        ];
        for input in [
            &br#""text" "plain""#[..],
            br#""TEXT" "PLAIN""#,
            br#""Text")"#,
            br#""text""#,
            br#""texts" "plain""#,
            br#""tex" "plain" NIL"#,
            br#""te\xt" "plain" NIL"#,
            br#""utf-8" NIL NIL"#,
            br#""UTF-8" NIL NIL"#,
            br#""utf\r8" NIL NIL"#,
            b"\"utf\r8\" NIL NIL",
            b"\"utf\x0d8\" NIL NIL",
            br#""quoted-printable" 5 1"#,
            br#""QUOTED-PRINTABLE" 5 1"#,
            br#""quoted-printablee" 5 1"#,
            br#""quoted_printable" 5 1"#,
            br#""alternative" ("boundary" "x")"#,
            br#""ALTERNATIVE""#,
            br#""Mixed" NIL NIL"#,
            br#""7BIT" 1 1"#,
            br#""7bit" 1 1"#,
            br#""base64" 1"#,
            br#""charset" "us-ascii""#,
            br#""boundary" "=_x""#,
            b"{4}\r\ntext \"plain\"",
            br#"NIL NIL"#,
        ] {
            let expected = nstring(input).ok();
            for spelling in &spellings {
                if let Some((rest, value)) = read_spelled(spelling, input) {
                    assert_eq!(Some((rest, Some(value))), expected, "{input:?}");
                }
            }
            assert_eq!(
                likely_nstring(input, &spellings).ok(),
                expected,
                "{input:?}"
            );
            assert_eq!(
                likely_string(input, &spellings).ok(),
                string(input).ok(),
                "{input:?}"
            );
        }
        // The fast path is taken where it should be.
        assert!(read_spelled(&TEXT, br#""TeXt" "plain""#).is_some());
        assert!(read_spelled(&QUOTED_PRINTABLE, br#""Quoted-Printable" 1 1 NIL"#).is_some());
        assert!(read_spelled(&UTF_8, b"\"utf\x0d8\" NIL").is_none());
    }

    #[test]
    fn all_nil_extension_data_reads_the_same_however_it_is_spelled() {
        let usual = parsed(br#"("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL NIL NIL)"#);
        for spelling in [
            &br#"("text" "plain" NIL NIL NIL "7bit" 1 1 NIL nil NIL NIL)"#[..],
            br#"("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL  NIL NIL )"#,
        ] {
            assert_eq!(parsed(spelling), usual);
        }
        let BodyStructure::Single(part) = &usual else {
            panic!("a single part");
        };
        let more = &part.extension.as_ref().unwrap().more;
        assert_eq!(more.disposition, Some(None));
        assert_eq!(more.language, Some(Vec::new()));
        assert_eq!(more.location, Some(None));
        assert!(more.extensions.is_empty());
        // Fewer fields stay fewer; more are kept.
        let short = parsed(br#"("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL NIL)"#);
        assert_ne!(short, usual);
        let long = parsed(br#"("text" "plain" NIL NIL NIL "7bit" 1 1 NIL NIL NIL NIL 5)"#);
        let BodyStructure::Single(part) = &long else {
            panic!("a single part");
        };
        assert_eq!(
            part.extension.as_ref().unwrap().more.extensions,
            vec![BodyExtension::Number(5)]
        );
    }
}
