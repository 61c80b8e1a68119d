//! FETCH response data items.

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use std::borrow::Cow;

use super::body::body;
use super::envelope::envelope;
use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    astring, byte, lenient_number64, nil, nstring, number, number64, nz_number, paren_list, sp,
    spaces,
};
use crate::imap::codec::grammar::datetime::date_time;
use crate::imap::codec::grammar::flag::flag_list;
use crate::imap::codec::grammar::skip::{bracket_content_len, skip_value};
use crate::imap::codec::grammar::{PError, PResult, fail};
use crate::imap::codec::types::{AString, Atom, FetchItem, NString, Raw, Section, SectionText};

/// The part path of a section: `1.2.3`, stopping before a `.` that starts a text name.
pub(crate) fn section_part(input: &[u8]) -> PResult<'_, Vec<u32>> {
    let mut part = Vec::new();
    let mut rest = input;
    while let Some(b'0'..=b'9') = rest.first() {
        let (tail, n) = nz_number(rest)?;
        part.push(n);
        match tail {
            [b'.', b'0'..=b'9', ..] => rest = &tail[1..],
            _ => return Ok((tail, part)),
        }
    }
    Ok((rest, part))
}

fn header_list(input: &[u8]) -> PResult<'_, Vec<AString<'_>>> {
    paren_list(input, astring)
}

fn section_text(input: &[u8], after_part: bool) -> PResult<'_, SectionText<'_>> {
    // ATOM-CHARs exclude `]`, space and `(`, so the name stops where its arguments start.
    let (name, rest) = input.split_at(chars::run(input, ATOM));
    match Keyword::of(name) {
        kw::HEADER => Ok((rest, SectionText::Header)),
        kw::TEXT => Ok((rest, SectionText::Text)),
        kw::MIME if after_part => Ok((rest, SectionText::Mime)),
        kw::HEADER_FIELDS => {
            let (rest, ()) = sp(rest)?;
            header_list(rest).map(|(rest, list)| (rest, SectionText::HeaderFields(list)))
        }
        kw::HEADER_FIELDS_NOT => {
            let (rest, ()) = sp(rest)?;
            header_list(rest).map(|(rest, list)| (rest, SectionText::HeaderFieldsNot(list)))
        }
        _ => fail(
            input,
            "HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME",
        ),
    }
}

/// `section`: `[...]`.
pub(crate) fn section(input: &[u8]) -> PResult<'_, Section<'_>> {
    let (rest, ()) = byte(input, b'[', "`[`")?;
    let (rest, part) = section_part(rest)?;
    let (rest, text) = match rest {
        [b']', ..] => (rest, None),
        [b'.', tail @ ..] if !part.is_empty() => {
            let (tail, text) = section_text(tail, true)?;
            (tail, Some(text))
        }
        _ if part.is_empty() => {
            let (tail, text) = section_text(rest, false)?;
            (tail, Some(text))
        }
        _ => return fail(rest, "`]` or `.` after a part number"),
    };
    let (rest, ()) = byte(spaces(rest), b']', "`]` to close the section")?;
    Ok((rest, Section { part, text }))
}

/// `section-binary`: `[1.2]`.
pub(crate) fn section_binary(input: &[u8]) -> PResult<'_, Vec<u32>> {
    let (rest, ()) = byte(input, b'[', "`[`")?;
    let (rest, part) = section_part(rest)?;
    let (rest, ()) = byte(rest, b']', "`]` to close the section")?;
    Ok((rest, part))
}

fn origin(input: &[u8]) -> PResult<'_, Option<u32>> {
    match input.strip_prefix(b"<") {
        Some(rest) => {
            let (rest, n) = number(rest)?;
            let (rest, ()) = byte(rest, b'>', "`>`")?;
            Ok((rest, Some(n)))
        }
        None => Ok((input, None)),
    }
}

/// `objectid` (RFC 8474): 1 to 255 letters, digits, `_` or `-`.
pub(crate) fn object_id(input: &[u8]) -> PResult<'_, Atom<'_>> {
    let n = input
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-')
        .count();
    if n == 0 || n > 255 {
        return fail(input, "an object id");
    }
    match std::str::from_utf8(&input[..n]) {
        Ok(id) => Ok((&input[n..], Atom::unchecked(id))),
        Err(_) => fail(input, "an object id"),
    }
}

/// `inner` between `(` and `)` (stray spaces inside tolerated).
pub(crate) fn parenthesised<'a, T>(
    input: &'a [u8],
    inner: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, T> {
    let (rest, ()) = byte(input, b'(', "`(`")?;
    let (rest, value) = inner(spaces(rest))?;
    let (rest, ()) = byte(spaces(rest), b')', "`)`")?;
    Ok((rest, value))
}

/// A Gmail label: an astring, or a `\`-name such as `\Inbox`.
fn gmail_label(input: &[u8]) -> PResult<'_, AString<'_>> {
    if input.first() == Some(&b'\\') {
        let n = 1 + chars::run(&input[1..], ATOM);
        return match std::str::from_utf8(&input[..n]) {
            Ok(label) if n > 1 => Ok((&input[n..], AString::Atom(Cow::Borrowed(label)))),
            _ => fail(input, "a label"),
        };
    }
    astring(input)
}

/// The name of a data item: atom characters up to `[` or `<`.
fn item_name(input: &[u8]) -> PResult<'_, &[u8]> {
    let n = input
        .iter()
        .take_while(|&&b| chars::is(b, ATOM) && b != b'[' && b != b'<')
        .count();
    if n == 0 {
        return fail(input, "a FETCH data item");
    }
    Ok((&input[n..], &input[..n]))
}

/// A data item name this codec may know, found eight bytes per step: the name ends at the
/// first space, `[` or `<` of the next sixteen bytes. Gives the name's length and key. A
/// name holding a byte no atom holds matches no keyword, so it still ends up in
/// [`unknown_item`], which reads the name byte by byte.
#[inline(always)]
fn quick_name(input: &[u8]) -> Option<(usize, Keyword)> {
    use crate::scan::equal_byte_marks;
    /// The high bit of each byte that is a space, `[` or `<` (only the lowest is exact).
    #[inline(always)]
    fn stops(word: u64) -> u64 {
        equal_byte_marks(word, b' ') | equal_byte_marks(word, b'[') | equal_byte_marks(word, b'<')
    }
    let bytes = input.first_chunk::<16>()?;
    let (low, high) = bytes.split_at(8);
    let low = u64::from_le_bytes(low.try_into().ok()?);
    // Most names (UID, FLAGS) end in the first eight bytes; the second is read only when not.
    let len = match stops(low) {
        0 => match stops(u64::from_le_bytes(high.try_into().ok()?)) {
            0 => return None,
            marks => 8 + (marks.trailing_zeros() / 8) as usize,
        },
        marks => (marks.trailing_zeros() / 8) as usize,
    };
    match len {
        0 => None,
        len => Some((len, Keyword::of_first16(bytes, len))),
    }
}

/// The name of an item and its key.
#[inline(always)]
fn name_and_key(input: &[u8]) -> PResult<'_, Keyword> {
    let (len, known) = match quick_name(input) {
        Some(found) => found,
        None => {
            let len = item_name(input)?.1.len();
            (len, Keyword::prefix(input, len))
        }
    };
    match input.get(len..) {
        Some(rest) => Ok((rest, known)),
        None => fail(input, "a FETCH data item"),
    }
}

/// The items every client asks for, each spelled with the space after its name.
mod usual {
    use crate::imap::codec::grammar::keyword::Spelled;
    pub(super) const UID: Spelled = Spelled::new("UID ");
    pub(super) const FLAGS: Spelled = Spelled::new("FLAGS ");
    pub(super) const INTERNALDATE: Spelled = Spelled::new("INTERNALDATE ");
    pub(super) const RFC822_SIZE: Spelled = Spelled::new("RFC822.SIZE ");
    pub(super) const ENVELOPE: Spelled = Spelled::new("ENVELOPE ");
    pub(super) const BODYSTRUCTURE: Spelled = Spelled::new("BODYSTRUCTURE ");
}

/// One `msg-att` item, pushed onto `items`. The items every client asks for are found by
/// their first letter and one or two word comparisons, and pushed where they are built;
/// anything else (another item, an odd spelling, the last bytes of the input) goes through
/// [`named_item`], which reads every item.
fn fetch_item_into<'a>(
    input: &'a [u8],
    depth: usize,
    items: &mut Vec<FetchItem<'a>>,
) -> PResult<'a, ()> {
    if let Some(bytes) = input.first_chunk::<16>() {
        // The case bit set: an upper- or lower-case letter reads as the lower-case one.
        let found = match bytes[0] | 0x20 {
            b'u' => usual::UID.strip(bytes, input).map(|rest| (kw::UID, rest)),
            b'f' => usual::FLAGS
                .strip(bytes, input)
                .map(|rest| (kw::FLAGS, rest)),
            b'i' => usual::INTERNALDATE
                .strip(bytes, input)
                .map(|rest| (kw::INTERNALDATE, rest)),
            b'r' => usual::RFC822_SIZE
                .strip(bytes, input)
                .map(|rest| (kw::RFC822_SIZE, rest)),
            b'e' => usual::ENVELOPE
                .strip(bytes, input)
                .map(|rest| (kw::ENVELOPE, rest)),
            b'b' => usual::BODYSTRUCTURE
                .strip(bytes, input)
                .map(|rest| (kw::BODYSTRUCTURE, rest)),
            _ => None,
        };
        if let Some((known, rest)) = found {
            return usual_item_into(known, rest, depth, items);
        }
    }
    named_item_into(input, depth, items)
}

/// A usual item (`known` is one of those [`fetch_item_into`] looks for) from its value on,
/// pushed where it is built (a move into the list is a copy of the whole item).
#[inline(always)]
fn usual_item_into<'a>(
    known: Keyword,
    rest: &'a [u8],
    depth: usize,
    items: &mut Vec<FetchItem<'a>>,
) -> PResult<'a, ()> {
    let (rest, item) = match known {
        kw::UID => {
            let (rest, n) = number(rest)?;
            (rest, FetchItem::Uid(n))
        }
        kw::FLAGS => {
            let (rest, flags) = flag_list(rest)?;
            (rest, FetchItem::Flags(flags))
        }
        kw::INTERNALDATE => {
            let (rest, date) = date_time(rest)?;
            (rest, FetchItem::InternalDate(date))
        }
        kw::RFC822_SIZE => {
            let (rest, n) = lenient_number64(rest)?;
            (rest, FetchItem::Rfc822Size(n))
        }
        kw::ENVELOPE => {
            let (rest, value) = envelope(rest)?;
            (rest, FetchItem::Envelope(value))
        }
        _ => {
            let (rest, value) = body(rest, depth)?;
            (rest, FetchItem::BodyStructure(value))
        }
    };
    items.push(item);
    Ok((rest, ()))
}

/// One `msg-att` item of any name, found by its measured name, pushed onto `items`.
#[inline(never)]
fn named_item_into<'a>(
    input: &'a [u8],
    depth: usize,
    items: &mut Vec<FetchItem<'a>>,
) -> PResult<'a, ()> {
    let (rest, known) = match name_and_key(input) {
        Ok(found) => found,
        Err(error) => return wrapped_items_into(input, depth, items, error),
    };
    match (input.len() - rest.len(), known) {
        (3, kw::UID)
        | (5, kw::FLAGS)
        | (12, kw::INTERNALDATE)
        | (11, kw::RFC822_SIZE)
        | (8, kw::ENVELOPE)
        | (13, kw::BODYSTRUCTURE) => {
            let (rest, ()) = sp(rest)?;
            usual_item_into(known, rest, depth, items)
        }
        _ => match other_item(input, depth) {
            Ok((rest, item)) => {
                items.push(item);
                Ok((rest, ()))
            }
            Err(error) => wrapped_items_into(input, depth, items, error),
        },
    }
}

/// Items wrapped in a parenthesis of their own, pushed onto `items` as if they were not
/// (Domino, MailKit issue 943: `* 2 FETCH (UID 14935 (ENVELOPE (...)) BODYSTRUCTURE (...))`),
/// or `error`, what reading `input` as one item gave, when no `(` starts it. Only one such
/// level is read.
#[cold]
#[inline(never)]
fn wrapped_items_into<'a>(
    input: &'a [u8],
    depth: usize,
    items: &mut Vec<FetchItem<'a>>,
    error: nom::Err<PError<'a>>,
) -> PResult<'a, ()> {
    let (Some(mut rest), nom::Err::Error(_)) = (input.strip_prefix(b"("), &error) else {
        return Err(error);
    };
    loop {
        rest = spaces(rest);
        match rest.first() {
            Some(b')') => return Ok((&rest[1..], ())),
            Some(b'(') => return fail(rest, "a FETCH data item"),
            // The way every item can be read, so that the usual way has one caller.
            _ => (rest, ()) = named_item_into(rest, depth, items)?,
        }
    }
}

/// The data after a `BODY[section]<origin>`: a space and an nstring, or NIL when the item
/// ends the list without one (Yandex: `* 5 FETCH (UID 11 BODY[2] )` for an empty part).
#[inline(always)]
fn section_data(input: &[u8]) -> PResult<'_, NString<'_>> {
    match sp(input).and_then(|(rest, ())| nstring(rest)) {
        Err(nom::Err::Error(error)) => match spaces(input) {
            rest @ [b')', ..] => Ok((rest, None)),
            _ => Err(nom::Err::Error(error)),
        },
        parsed => parsed,
    }
}

/// One `msg-att` item other than those [`fetch_item_into`] reads itself.
fn other_item(input: &[u8], depth: usize) -> PResult<'_, FetchItem<'_>> {
    let (rest, known) = name_and_key(input)?;
    match (input.len() - rest.len(), known) {
        (4, kw::BODY) if rest.first() == Some(&b'[') => {
            let (rest, section) = section(rest)?;
            let (rest, origin) = origin(rest)?;
            let (rest, data) = section_data(rest)?;
            Ok((
                rest,
                FetchItem::BodySection {
                    section,
                    origin,
                    data,
                },
            ))
        }
        (4, kw::BODY) => {
            let (rest, ()) = sp(rest)?;
            body(rest, depth).map(|(rest, value)| (rest, FetchItem::Body(value)))
        }
        (6, kw::BINARY) => {
            let (rest, section) = section_binary(rest)?;
            let (rest, origin) = origin(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, data) = nstring(rest)?;
            Ok((
                rest,
                FetchItem::Binary {
                    section,
                    origin,
                    data,
                },
            ))
        }
        (11, kw::BINARY_SIZE) => {
            let (rest, section) = section_binary(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, size) = number(rest)?;
            Ok((rest, FetchItem::BinarySize { section, size }))
        }
        (6, kw::RFC822) | (13, kw::RFC822_HEADER) | (11, kw::RFC822_TEXT) => {
            // Some servers write the name with an empty section (`RFC822[]`, as net-imap's
            // tests record): it names the same item.
            let rest = rest.strip_prefix(b"[]").unwrap_or(rest);
            let (rest, ()) = sp(rest)?;
            let (rest, data) = nstring(rest)?;
            let item = match known {
                kw::RFC822 => FetchItem::Rfc822(data),
                kw::RFC822_HEADER => FetchItem::Rfc822Header(data),
                _ => FetchItem::Rfc822Text(data),
            };
            Ok((rest, item))
        }
        (6, kw::MODSEQ) => {
            let (rest, ()) = sp(rest)?;
            // Zoho sends `(-1)` where it has no mod-sequence; it reads as 0, as `(0)` does.
            parenthesised(rest, lenient_number64).map(|(rest, n)| (rest, FetchItem::ModSeq(n)))
        }
        (7, kw::EMAILID) => {
            let (rest, ()) = sp(rest)?;
            parenthesised(rest, object_id).map(|(rest, id)| (rest, FetchItem::EmailId(id)))
        }
        (8, kw::THREADID) => {
            let (rest, ()) = sp(rest)?;
            match nil(rest) {
                Ok((rest, ())) => Ok((rest, FetchItem::ThreadId(None))),
                Err(_) => parenthesised(rest, object_id)
                    .map(|(rest, id)| (rest, FetchItem::ThreadId(Some(id)))),
            }
        }
        (10, kw::X_GM_MSGID) | (10, kw::X_GM_THRID) => {
            let (rest, ()) = sp(rest)?;
            let (rest, n) = number64(rest)?;
            let item = if known == kw::X_GM_MSGID {
                FetchItem::GmailMessageId(n)
            } else {
                FetchItem::GmailThreadId(n)
            };
            Ok((rest, item))
        }
        (11, kw::X_GM_LABELS) => {
            let (rest, ()) = sp(rest)?;
            paren_list(rest, gmail_label)
                .map(|(rest, labels)| (rest, FetchItem::GmailLabels(labels)))
        }
        // A server speaking an older draft may send another shape: that stays an unknown
        // item rather than failing the response.
        (7, kw::PREVIEW) => sp(rest)
            .and_then(|(rest, ())| nstring(rest))
            .map(|(rest, text)| (rest, FetchItem::Preview(text)))
            .or_else(|_| unknown_item(input, depth)),
        (8, kw::SAVEDATE) => sp(rest)
            .and_then(|(rest, ())| match nil(rest) {
                Ok((rest, ())) => Ok((rest, None)),
                Err(_) => date_time(rest).map(|(rest, date)| (rest, Some(date))),
            })
            .map(|(rest, date)| (rest, FetchItem::SaveDate(date)))
            .or_else(|_| unknown_item(input, depth)),
        _ => unknown_item(input, depth),
    }
}

/// An item this codec does not know: its name (with `[...]` and `<...>` parts) and one value.
fn unknown_item(input: &[u8], depth: usize) -> PResult<'_, FetchItem<'_>> {
    let (mut rest, _) = item_name(input)?;
    if rest.first() == Some(&b'[') {
        match bracket_content_len(&rest[1..]) {
            Some(len) => rest = &rest[len + 2..],
            None => return fail(rest, "`]`"),
        }
    }
    if rest.first() == Some(&b'<') {
        let (tail, _) = origin(rest)?;
        rest = tail;
    }
    let name_len = input.len() - rest.len();
    let name = match std::str::from_utf8(&input[..name_len]) {
        Ok(name) => name,
        Err(_) => return fail(input, "a FETCH data item name"),
    };
    let (rest, ()) = sp(rest)?;
    let (rest, value) = skip_value(rest, depth)?;
    Ok((
        rest,
        FetchItem::Other {
            name: Cow::Borrowed(name),
            value: Raw(Cow::Borrowed(value)),
        },
    ))
}

/// `* n FETCH (...)` after `FETCH`.
pub(crate) fn fetch_items(input: &[u8], depth: usize) -> PResult<'_, Vec<FetchItem<'_>>> {
    let (rest, ()) = sp(input)?;
    let (rest, ()) = byte(rest, b'(', "`(`")?;
    fetch_items_opened(rest, depth)
}

/// The items of `* n FETCH (...)` after the `(`.
pub(crate) fn fetch_items_opened(input: &[u8], depth: usize) -> PResult<'_, Vec<FetchItem<'_>>> {
    let mut rest = input;
    // Eight covers what clients usually ask for in one FETCH without regrowing.
    let mut items = Vec::with_capacity(8);
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, items));
        }
        (rest, ()) = fetch_item_into(rest, depth, &mut items)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick measure agrees with the byte-by-byte one for names of every length it
    /// handles, ended by each of the bytes that end a name.
    #[test]
    fn item_names_measure_the_same_either_way() {
        for len in 1..=16 {
            for stop in [b' ', b'[', b'<'] {
                let mut input: Vec<u8> = b"RFC822.SIZEABCDEFGHIJ"[..len.min(21)].to_vec();
                input.resize(len, b'X');
                input.push(stop);
                input.extend_from_slice(b"1234567890123456");
                let slow = item_name(&input).unwrap().1.len();
                match quick_name(&input) {
                    Some((quick, key)) => {
                        assert_eq!(quick, slow, "{}", String::from_utf8_lossy(&input));
                        assert_eq!(key, Keyword::prefix(&input, slow));
                    }
                    None => assert_eq!(len, 16, "only a name filling the sixteen bytes"),
                }
            }
        }
        assert_eq!(quick_name(b" UID 1 AAAAAAAAAAAA"), None);
        assert_eq!(quick_name(b"UID 1)"), None, "fewer than sixteen bytes left");
    }

    /// The usual items read by their first letter give what reading them by measured name
    /// gives, in any case, spoilt, and with too few bytes left for the quick comparison.
    #[test]
    fn usual_items_read_alike_by_letter_and_by_name() {
        let items = [
            "UID 40007",
            "uid 7",
            "UID  7",
            "UID7",
            "UIDX 7",
            "FLAGS (\\Seen $Junk)",
            "Flags ()",
            "FLAGS(\\Seen)",
            "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\"",
            "InternalDate \" 7-Jul-1996 02:44:25 +0000\"",
            "INTERNALDATE \"17-Jul-1996 02:44:25 -0799\"",
            "RFC822.SIZE 4286",
            "rfc822.size -1",
            "RFC822.SIZEX 1",
            "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
            "BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)",
            "BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)",
            "BODY[] {3}\r\nabc",
            "X-UNKNOWN (1 2)",
        ];
        for item in items {
            for tail in [")\r\n", " UID 9 FLAGS () RFC822.SIZE 1)\r\n"] {
                let input = format!("{item}{tail}");
                let mut by_letter = Vec::new();
                let quick = fetch_item_into(input.as_bytes(), 8, &mut by_letter);
                let mut by_name = Vec::new();
                let named = named_item_into(input.as_bytes(), 8, &mut by_name);
                assert_eq!(quick, named, "{input:?}");
                assert_eq!(by_letter, by_name, "{input:?}");
            }
        }
    }
}
