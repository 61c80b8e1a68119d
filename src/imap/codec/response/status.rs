//! Status responses: `resp-text` and response codes.

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::skip::bracket_content_len;
use std::borrow::Cow;

use crate::imap::codec::grammar::chars::{self, ATOM, CAPABILITY};
use crate::imap::codec::grammar::core::{
    after_sp, astring, byte, line_end, number, number64, nz_number, paren_list, sp, space_list,
    spaced, spaces, text, token,
};
use crate::imap::codec::grammar::flag::flag_list;
use crate::imap::codec::grammar::sequence::sequence_set;
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{Atom, BARE_CODES, Capability, Code, Raw, StatusKind, Text};

/// A capability token as servers send it (iCloud puts a host name and a build id first).
pub(crate) fn capability(input: &[u8]) -> PResult<'_, Capability<'_>> {
    token(input, CAPABILITY, "a capability")
        .map(|(rest, name)| (rest, Capability::from_token(name)))
}

/// `OK`, `NO`, `BAD`, `PREAUTH` or `BYE`, if the word at the start is one.
pub(crate) fn status_kind(word: &[u8]) -> Option<StatusKind> {
    const KINDS: [(&[u8], StatusKind); 5] = [
        (b"OK", StatusKind::Ok),
        (b"NO", StatusKind::No),
        (b"BAD", StatusKind::Bad),
        (b"BYE", StatusKind::Bye),
        (b"PREAUTH", StatusKind::PreAuth),
    ];
    KINDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|(_, kind)| *kind)
}

/// What follows a status keyword: `[SP ["[" code "]" [SP]] text]` and the line end.
///
/// The grammar wants a space and non-empty text; iCloud sends `* BYE` alone, Gmail sends
/// `* OK [HIGHESTMODSEQ 13637]` with no text, and both are read with empty text. A `[` that
/// does not open a well-formed code is text (RFC 3501's author on imap-protocol, 2007).
pub(crate) fn resp_text(input: &[u8]) -> PResult<'_, (Option<Code<'_>>, Text<'_>)> {
    if let Ok((rest, ())) = line_end(input) {
        return Ok((rest, (None, Text::default())));
    }
    let (rest, ()) = sp(input)?;
    resp_text_after_space(rest)
}

/// A status keyword with its response code glued on (`OK[ALERT] text`, the space left
/// out), at the start of `input`: the keyword's kind and what follows it, when the `[`
/// opens a well-formed code.
pub(crate) fn glued_status_kind(input: &[u8]) -> Option<(StatusKind, &[u8])> {
    // `[` is an atom character, so the atom at the start runs over it.
    let word = &input[..chars::run(input, ATOM)];
    let open = word.iter().position(|&b| b == b'[')?;
    let kind = status_kind(&word[..open])?;
    let rest = &input[open..];
    code(rest).is_ok().then_some((kind, rest))
}

/// [`resp_text`] without its leading space: what follows a keyword glued to its code.
pub(crate) fn resp_text_after_space(rest: &[u8]) -> PResult<'_, (Option<Code<'_>>, Text<'_>)> {
    if rest.first() == Some(&b'[')
        && let Ok((after, code)) = code(rest)
    {
        let after = after.strip_prefix(b" ").unwrap_or(after);
        let (after, words) = text(after)?;
        let (after, ()) = line_end(after)?;
        return Ok((after, (Some(code), Text(Cow::Borrowed(words)))));
    }
    let (rest, words) = text(rest)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, (None, Text(Cow::Borrowed(words)))))
}

/// `"[" resp-text-code "]"`.
pub(crate) fn code(input: &[u8]) -> PResult<'_, Code<'_>> {
    let (rest, ()) = byte(input, b'[', "`[`")?;
    let name_len = chars::run(rest, ATOM);
    let (name, after_name) = rest.split_at(name_len);
    if name.is_empty() {
        return fail(rest, "a response code");
    }
    if let Ok((tail, known)) = known_code(name, after_name)
        && let Ok((tail, ())) = byte(tail, b']', "`]`")
    {
        return Ok((tail, known));
    }
    // Unknown code, or a known one with arguments it should not have: keep it as sent.
    let name = match std::str::from_utf8(name) {
        Ok(name) => Atom::unchecked(name),
        Err(_) => return fail(rest, "a response code"),
    };
    let (arguments, tail) = match after_name {
        [b']', tail @ ..] => (None, tail),
        [b' ', args @ ..] => match bracket_content_len(args) {
            Some(end) => (Some(Raw(Cow::Borrowed(&args[..end]))), &args[end + 1..]),
            None => return fail(args, "`]` to close the response code"),
        },
        _ => return fail(after_name, "`]` to close the response code"),
    };
    Ok((tail, Code::Other { name, arguments }))
}

fn known_code<'a>(name: &'a [u8], rest: &'a [u8]) -> PResult<'a, Code<'a>> {
    let key = Keyword::of(name);
    match key {
        kw::CAPABILITY => {
            let (rest, list) = space_list(rest, capability)?;
            Ok((spaces(rest), Code::Capability(list)))
        }
        kw::BADCHARSET if rest.first() == Some(&b' ') => {
            let (rest, list) = paren_list(&rest[1..], astring)?;
            Ok((rest, Code::BadCharset(list)))
        }
        kw::PERMANENTFLAGS => spaced(rest, flag_list, Code::PermanentFlags),
        kw::UIDNEXT => spaced(rest, number, Code::UidNext),
        kw::UIDVALIDITY => spaced(rest, number, Code::UidValidity),
        kw::UNSEEN => spaced(rest, number, Code::Unseen),
        kw::HIGHESTMODSEQ => spaced(rest, number64, Code::HighestModSeq),
        kw::MODIFIED => spaced(rest, sequence_set, Code::Modified),
        kw::APPENDUID => {
            let (rest, uid_validity) = nz_number(after_sp(rest)?)?;
            let (rest, uids) = sequence_set(after_sp(rest)?)?;
            Ok((rest, Code::AppendUid { uid_validity, uids }))
        }
        kw::COPYUID => {
            let (rest, uid_validity) = nz_number(after_sp(rest)?)?;
            let (rest, source) = sequence_set(after_sp(rest)?)?;
            let (rest, destination) = sequence_set(after_sp(rest)?)?;
            let code = Code::CopyUid {
                uid_validity,
                source,
                destination,
            };
            Ok((rest, code))
        }
        other => match BARE_CODES
            .iter()
            .find(|(known, _)| Keyword::of(known.as_bytes()) == other)
        {
            Some((_, code)) => Ok((rest, code.clone())),
            None => fail(name, "a known response code"),
        },
    }
}
