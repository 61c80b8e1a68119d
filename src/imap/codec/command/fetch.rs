//! FETCH attributes and modifiers.

use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    byte, keyword, number, number64, nz_number, paren_list, sp,
};
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::response::fetch::{section, section_binary};
use crate::imap::codec::types::{FetchAttribute, FetchItems, FetchModifier, Partial};

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

/// One `fetch-att`.
pub(crate) fn fetch_attribute(input: &[u8]) -> PResult<'_, FetchAttribute<'_>> {
    let name_len = input
        .iter()
        .take_while(|&&b| chars::is(b, ATOM) && b != b'[' && b != b'<')
        .count();
    let (name, rest) = input.split_at(name_len);
    let simple = |attribute: FetchAttribute<'static>| Ok((rest, attribute));
    match Keyword::of(name) {
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
        kw::BODY if rest.first() != Some(&b'[') => simple(FetchAttribute::Body),
        kw::BODY | kw::BODY_PEEK => {
            let peek = name.len() == 9;
            let (rest, section) = section(rest)?;
            let (rest, partial) = partial(rest)?;
            Ok((
                rest,
                FetchAttribute::BodySection {
                    section,
                    partial,
                    peek,
                },
            ))
        }
        kw::BINARY | kw::BINARY_PEEK => {
            let peek = name.len() == 11;
            let (rest, section) = section_binary(rest)?;
            let (rest, partial) = partial(rest)?;
            Ok((
                rest,
                FetchAttribute::Binary {
                    section,
                    partial,
                    peek,
                },
            ))
        }
        kw::BINARY_SIZE => {
            let (rest, section) = section_binary(rest)?;
            Ok((rest, FetchAttribute::BinarySize { section }))
        }
        _ => fail(input, "a FETCH attribute"),
    }
}

/// What to fetch: a macro, one attribute, or a parenthesised list.
pub(crate) fn fetch_items(input: &[u8]) -> PResult<'_, FetchItems<'_>> {
    if input.first() == Some(&b'(') {
        let (rest, list) = paren_list(input, fetch_attribute)?;
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
        if crate::imap::codec::grammar::core::starts_with_word(input, name) {
            return Ok((&input[name.len()..], items));
        }
    }
    fetch_attribute(input).map(|(rest, attribute)| (rest, FetchItems::Attributes(vec![attribute])))
}

fn fetch_modifier(input: &[u8]) -> PResult<'_, FetchModifier> {
    if let Ok((rest, ())) = keyword(input, "CHANGEDSINCE") {
        let (rest, ()) = sp(rest)?;
        return number64(rest).map(|(rest, n)| (rest, FetchModifier::ChangedSince(n)));
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
