//! FETCH attributes and modifiers.

pub(crate) use crate::imap::codec::grammar::skip::argument_list;
use crate::imap::codec::grammar::skip::bracket_content_len;
use std::borrow::Cow;

use super::only_arg;
use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    byte, keyword, number, number64, nz_number, paren_list, starts_with_word,
};
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::response::fetch::{section, section_binary};
use crate::imap::codec::types::{Atom, FetchAttribute, FetchItems, FetchModifier, Partial, Raw};

fn partial(input: &[u8]) -> PResult<'_, Option<Partial>> {
    let Some(rest) = input.strip_prefix(b"<") else {
        return Ok((input, None));
    };
    let (rest, offset) = number(rest)?;
    let (rest, ()) = byte(rest, b'.', "`.` in a partial range")?;
    let (rest, length) = nz_number(rest)?;
    let (rest, ()) = byte(rest, b'>', "`>`")?;
    Ok((rest, Some(Partial { offset, length })))
}

/// A section read by `section`, then an optional `<partial>`: what BODY[...] and
/// BINARY[...] (each also as .PEEK) are made of.
fn with_partial<'a, S>(
    input: &'a [u8],
    section: fn(&'a [u8]) -> PResult<'a, S>,
    make: impl FnOnce(S, Option<Partial>) -> FetchAttribute<'a>,
) -> PResult<'a, FetchAttribute<'a>> {
    let (rest, section) = section(input)?;
    let (rest, partial) = partial(rest)?;
    Ok((rest, make(section, partial)))
}

/// The length of an attribute name: atom characters up to `[` or `<`.
fn name_len(input: &[u8]) -> usize {
    input
        .iter()
        .take_while(|&&b| chars::is(b, ATOM) && b != b'[' && b != b'<')
        .count()
}

/// True for a name this codec reads as a typed attribute or a macro, which an
/// [`FetchAttribute::Other`] therefore cannot carry.
pub(crate) fn is_known_name(name: &[u8]) -> bool {
    matches!(
        Keyword::of(name),
        kw::ALL
            | kw::FAST
            | kw::FULL
            | kw::ENVELOPE
            | kw::FLAGS
            | kw::INTERNALDATE
            | kw::RFC822
            | kw::RFC822_HEADER
            | kw::RFC822_SIZE
            | kw::RFC822_TEXT
            | kw::BODYSTRUCTURE
            | kw::UID
            | kw::MODSEQ
            | kw::EMAILID
            | kw::THREADID
            | kw::X_GM_MSGID
            | kw::X_GM_THRID
            | kw::X_GM_LABELS
            | kw::BODY
            | kw::BODY_PEEK
            | kw::BINARY
            | kw::BINARY_PEEK
            | kw::BINARY_SIZE
            | kw::PREVIEW
            | kw::SAVEDATE
    )
}

/// One `fetch-att`. `in_list` tells whether it stands inside `(...)`: alone, a parenthesised
/// list after it may be the command's FETCH modifiers instead of its argument.
pub(crate) fn fetch_attribute(
    input: &[u8],
    in_list: bool,
    depth: usize,
) -> PResult<'_, FetchAttribute<'_>> {
    let (name, rest) = input.split_at(name_len(input));
    let simple = |attribute: FetchAttribute<'static>| Ok((rest, attribute));
    let key = Keyword::of(name);
    match key {
        kw::ENVELOPE => simple(FetchAttribute::Envelope),
        kw::FLAGS => simple(FetchAttribute::Flags),
        kw::INTERNALDATE => simple(FetchAttribute::InternalDate),
        kw::RFC822 => simple(FetchAttribute::Rfc822),
        kw::RFC822_HEADER => simple(FetchAttribute::Rfc822Header),
        kw::RFC822_SIZE => simple(FetchAttribute::Rfc822Size),
        kw::RFC822_TEXT => simple(FetchAttribute::Rfc822Text),
        kw::BODYSTRUCTURE => simple(FetchAttribute::BodyStructure),
        kw::UID => simple(FetchAttribute::Uid),
        kw::MODSEQ => simple(FetchAttribute::ModSeq),
        kw::EMAILID => simple(FetchAttribute::EmailId),
        kw::THREADID => simple(FetchAttribute::ThreadId),
        kw::X_GM_MSGID => simple(FetchAttribute::GmailMessageId),
        kw::X_GM_THRID => simple(FetchAttribute::GmailThreadId),
        kw::X_GM_LABELS => simple(FetchAttribute::GmailLabels),
        kw::SAVEDATE => simple(FetchAttribute::SaveDate),
        kw::PREVIEW => preview(rest, in_list),
        kw::BODY if rest.first() != Some(&b'[') => simple(FetchAttribute::Body),
        kw::BODY | kw::BODY_PEEK => with_partial(rest, section, |section, partial| {
            FetchAttribute::BodySection {
                section,
                partial,
                peek: key == kw::BODY_PEEK,
            }
        }),
        kw::BINARY | kw::BINARY_PEEK => with_partial(rest, section_binary, |section, partial| {
            FetchAttribute::Binary {
                section,
                partial,
                peek: key == kw::BINARY_PEEK,
            }
        }),
        kw::BINARY_SIZE => {
            let (rest, section) = section_binary(rest)?;
            Ok((rest, FetchAttribute::BinarySize { section }))
        }
        _ if name.is_empty() || is_known_name(name) => fail(
            input,
            "a FETCH attribute (ALL, FAST and FULL stand alone, not in a list)",
        ),
        _ => other_attribute(input, in_list, depth),
    }
}

/// `PREVIEW [SP "(" preview-mod *(SP preview-mod) ")"]`, where `LAZY` is the one modifier
/// RFC 8970 defines.
fn preview(input: &[u8], in_list: bool) -> PResult<'_, FetchAttribute<'_>> {
    let eager = Ok((input, FetchAttribute::Preview { lazy: false }));
    let [b' ', b'(', ..] = input else {
        return eager;
    };
    match paren_list(&input[1..], |i| keyword(i, "LAZY")) {
        Ok((rest, modifiers)) if !modifiers.is_empty() => {
            Ok((rest, FetchAttribute::Preview { lazy: true }))
        }
        // Alone, `PREVIEW (CHANGEDSINCE 5)` is PREVIEW followed by the command's modifiers.
        _ if !in_list => eager,
        _ => fail(&input[1..], "(LAZY), the PREVIEW modifier"),
    }
}

/// An attribute this codec does not know: its name, what is written right after it (a
/// `[section]` and `<partial>`) and a parenthesised argument after a space, all kept raw.
fn other_attribute(input: &[u8], in_list: bool, depth: usize) -> PResult<'_, FetchAttribute<'_>> {
    let len = name_len(input);
    let (name, rest) = input.split_at(len);
    let name = match std::str::from_utf8(name) {
        Ok(name) => name,
        Err(_) => return fail(input, "a FETCH attribute name"),
    };
    let (rest, section) = attached_suffix(rest)?;
    let takes_arguments = match rest {
        [b' ', b'(', ..] => in_list || fetch_modifiers(rest).is_err(),
        _ => false,
    };
    let (rest, arguments) = if takes_arguments {
        let (rest, value) = argument_list(&rest[1..], depth)?;
        (rest, Some(Raw(Cow::Borrowed(value))))
    } else {
        (rest, None)
    };
    Ok((
        rest,
        FetchAttribute::Other {
            name: Atom::unchecked(name),
            section: section.map(|bytes| Raw(Cow::Borrowed(bytes))),
            arguments,
        },
    ))
}

/// `[...]` (anything but `]`, CR, LF and NUL inside) and/or `<digits[.digits]>`, written
/// right after an unknown attribute's name.
pub(crate) fn attached_suffix(input: &[u8]) -> PResult<'_, Option<&[u8]>> {
    let mut rest = input;
    if rest.first() == Some(&b'[') {
        match bracket_content_len(&rest[1..]) {
            Some(len) => rest = &rest[len + 2..],
            None => return fail(rest, "`]` to close the section"),
        }
    }
    if let Some(tail) = rest.strip_prefix(b"<") {
        let (tail, _) = number(tail)?;
        let tail = match tail.strip_prefix(b".") {
            Some(length) => number(length)?.0,
            None => tail,
        };
        let (tail, ()) = byte(tail, b'>', "`>` to close the partial range")?;
        rest = tail;
    }
    let len = input.len() - rest.len();
    Ok((rest, (len > 0).then(|| &input[..len])))
}

/// What to fetch: a macro, one attribute, or a parenthesised list.
pub(crate) fn fetch_items(input: &[u8], depth: usize) -> PResult<'_, FetchItems<'_>> {
    if input.first() == Some(&b'(') {
        let (rest, list) = paren_list(input, |i| fetch_attribute(i, true, depth))?;
        if list.is_empty() {
            return fail(input, "at least one FETCH attribute");
        }
        return Ok((rest, FetchItems::Attributes(list)));
    }
    for (name, items) in [
        ("ALL", FetchItems::All),
        ("FAST", FetchItems::Fast),
        ("FULL", FetchItems::Full),
    ] {
        if starts_with_word(input, name) {
            return Ok((&input[name.len()..], items));
        }
    }
    fetch_attribute(input, false, depth)
        .map(|(rest, attribute)| (rest, FetchItems::Attributes(vec![attribute])))
}

fn fetch_modifier(input: &[u8]) -> PResult<'_, FetchModifier> {
    if let Ok((rest, ())) = keyword(input, "CHANGEDSINCE") {
        return only_arg(rest, number64, FetchModifier::ChangedSince);
    }
    keyword(input, "VANISHED").map(|(rest, ())| (rest, FetchModifier::Vanished))
}

/// `[SP "(" modifier *(SP modifier) ")"]` after the items.
pub(crate) fn fetch_modifiers(input: &[u8]) -> PResult<'_, Vec<FetchModifier>> {
    match input {
        [b' ', b'(', ..] => paren_list(&input[1..], fetch_modifier),
        _ => Ok((input, Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(text: &str) -> (FetchAttribute<'_>, &str) {
        let (rest, value) =
            fetch_attribute(text.as_bytes(), true, 8).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        (value, std::str::from_utf8(rest).unwrap())
    }

    #[test]
    fn unknown_attributes_keep_their_name_section_and_argument() {
        let (value, rest) = attribute("X-SNIPPET[1.2]<0.100> (FUZZY \"a)b\") FLAGS");
        let FetchAttribute::Other {
            name,
            section: Some(section),
            arguments: Some(arguments),
        } = value
        else {
            panic!("{value:?}")
        };
        assert_eq!(name.as_str(), "X-SNIPPET");
        assert_eq!(section.as_bytes(), b"[1.2]<0.100>");
        assert_eq!(arguments.as_bytes(), b"(FUZZY \"a)b\")");
        assert_eq!(rest, " FLAGS");
    }

    #[test]
    fn preview_takes_lazy_and_nothing_else() {
        assert_eq!(
            attribute("PREVIEW (LAZY))").0,
            FetchAttribute::Preview { lazy: true }
        );
        assert_eq!(
            attribute("PREVIEW FLAGS").0,
            FetchAttribute::Preview { lazy: false }
        );
        assert!(fetch_attribute(b"PREVIEW (FUZZY))", true, 8).is_err());
        // Alone, a list that is no PREVIEW modifier belongs to the command.
        let (rest, items) = fetch_items(b"PREVIEW (CHANGEDSINCE 5)", 8).unwrap();
        assert_eq!(
            items,
            FetchItems::Attributes(vec![FetchAttribute::Preview { lazy: false }])
        );
        assert_eq!(rest, b" (CHANGEDSINCE 5)");
    }

    #[test]
    fn arguments_hold_no_literal_and_nest_within_the_limit() {
        assert!(fetch_attribute(b"X-A ({3}\r\nabc)", true, 8).is_err());
        assert!(matches!(
            fetch_attribute(b"X-A ((((x))))", true, 3),
            Err(nom::Err::Failure(_))
        ));
        assert!(fetch_attribute(b"X-A[1", true, 8).is_err());
        assert!(fetch_attribute(b"(ALL)", true, 8).is_err());
        assert!(fetch_attribute(b"ALL", true, 8).is_err());
    }
}
