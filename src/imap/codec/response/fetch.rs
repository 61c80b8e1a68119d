//! FETCH response data items.

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::keyword::{Spelled, first16};
use std::borrow::Cow;

use super::body::body;
use super::envelope::envelope;
use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    after_sp, astring, byte, lenient_number64, nil_or, nstring, number, number64, nz_number,
    paren_list, spaced, spaces,
};
use crate::imap::codec::grammar::datetime::date_time;
use crate::imap::codec::grammar::flag::flag_list;
use crate::imap::codec::grammar::skip::{bracket_content_len, skip_value};
use crate::imap::codec::grammar::{PError, PResult, fail};
use crate::imap::codec::types::{
    AString, Atom, FetchItem, NString, Raw, Section, SectionText, StreamedItem,
};

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
            header_list(after_sp(rest)?).map(|(rest, list)| (rest, SectionText::HeaderFields(list)))
        }
        kw::HEADER_FIELDS_NOT => header_list(after_sp(rest)?)
            .map(|(rest, list)| (rest, SectionText::HeaderFieldsNot(list))),
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

/// The FETCH data items this codec reads by name, in the order of their names; an item of
/// any other name is kept as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Binary,
    BinarySize,
    Body,
    BodyStructure,
    EmailId,
    Envelope,
    Flags,
    InternalDate,
    ModSeq,
    Preview,
    Rfc822,
    Rfc822Header,
    Rfc822Size,
    Rfc822Text,
    SaveDate,
    ThreadId,
    Uid,
    GmailLabels,
    GmailMessageId,
    GmailThreadId,
}

impl Item {
    /// Every item, in declaration order (`Item as usize` indexes it).
    const ALL: [Item; 20] = [
        Item::Binary,
        Item::BinarySize,
        Item::Body,
        Item::BodyStructure,
        Item::EmailId,
        Item::Envelope,
        Item::Flags,
        Item::InternalDate,
        Item::ModSeq,
        Item::Preview,
        Item::Rfc822,
        Item::Rfc822Header,
        Item::Rfc822Size,
        Item::Rfc822Text,
        Item::SaveDate,
        Item::ThreadId,
        Item::Uid,
        Item::GmailLabels,
        Item::GmailMessageId,
        Item::GmailThreadId,
    ];

    /// The item's name as RFC 3501 and its extensions spell it.
    const fn name(self) -> &'static str {
        match self {
            Item::Binary => "BINARY",
            Item::BinarySize => "BINARY.SIZE",
            Item::Body => "BODY",
            Item::BodyStructure => "BODYSTRUCTURE",
            Item::EmailId => "EMAILID",
            Item::Envelope => "ENVELOPE",
            Item::Flags => "FLAGS",
            Item::InternalDate => "INTERNALDATE",
            Item::ModSeq => "MODSEQ",
            Item::Preview => "PREVIEW",
            Item::Rfc822 => "RFC822",
            Item::Rfc822Header => "RFC822.HEADER",
            Item::Rfc822Size => "RFC822.SIZE",
            Item::Rfc822Text => "RFC822.TEXT",
            Item::SaveDate => "SAVEDATE",
            Item::ThreadId => "THREADID",
            Item::Uid => "UID",
            Item::GmailLabels => "X-GM-LABELS",
            Item::GmailMessageId => "X-GM-MSGID",
            Item::GmailThreadId => "X-GM-THRID",
        }
    }

    /// Each item's name as a [`Spelled`], indexed by `Item as usize`.
    const SPELLED: [Spelled; 20] = {
        let mut spelled = [Spelled::new(""); 20];
        let mut at = 0;
        while at < Item::ALL.len() {
            spelled[at] = Spelled::new(Item::ALL[at].name());
            at += 1;
        }
        spelled
    };
}

/// The length of the data item name at the start of `input`: atom characters up to `[` or
/// `<`, which start its section and origin. The plain reading of a name, which the word
/// comparisons of [`item_named`] must agree with.
fn item_name_len(input: &[u8]) -> usize {
    input
        .iter()
        .take_while(|&&b| chars::is(b, ATOM) && b != b'[' && b != b'<')
        .count()
}

/// The item whose name starts `input`, and the input after the name; `None` for a name
/// this codec does not know. The name is compared whole, in any case, a word at a time,
/// with the names of the items its first letter may start: what [`item_name_len`]
/// measures there must be exactly that name.
#[inline(always)]
pub(crate) fn item_named(input: &[u8]) -> Option<(Item, &[u8])> {
    let mut padded = [0; 16];
    let head = first16(input, &mut padded);
    let is = |item: Item| whole_name(item, head, input);
    // The case bit set: a letter of either case reads as the lower-case one.
    match head[0] | 0x20 {
        b'u' => is(Item::Uid),
        b'f' => is(Item::Flags),
        b'i' => is(Item::InternalDate),
        b'r' => is(Item::Rfc822Size)
            .or_else(|| is(Item::Rfc822))
            .or_else(|| is(Item::Rfc822Header))
            .or_else(|| is(Item::Rfc822Text)),
        b'e' => is(Item::Envelope).or_else(|| is(Item::EmailId)),
        b'b' => is(Item::BodyStructure)
            .or_else(|| is(Item::Body))
            .or_else(|| is(Item::Binary))
            .or_else(|| is(Item::BinarySize)),
        b'm' => is(Item::ModSeq),
        b't' => is(Item::ThreadId),
        b'x' => is(Item::GmailMessageId)
            .or_else(|| is(Item::GmailThreadId))
            .or_else(|| is(Item::GmailLabels)),
        b'p' => is(Item::Preview),
        b's' => is(Item::SaveDate),
        _ => None,
    }
}

/// `item` and the input after its name when `input` (whose first sixteen bytes are
/// `head`, zero past its end) starts with that name as a whole name.
#[inline(always)]
fn whole_name<'a>(item: Item, head: &[u8; 16], input: &'a [u8]) -> Option<(Item, &'a [u8])> {
    let name = &Item::SPELLED[item as usize];
    // The byte after the name; zero, no atom character, past the end of the input.
    let next = *head.get(name.len())?;
    if next != b' ' && chars::is(next, ATOM) && next != b'[' && next != b'<' {
        return None;
    }
    name.strip(head, input).map(|rest| (item, rest))
}

/// One `msg-att` item, pushed onto `items`: its name recognised once, then its value read
/// by that item's parser. An item this codec does not know is kept as sent, and items
/// wrapped in a parenthesis of their own are read as if they were not (see
/// [`wrapped_items_into`]).
#[inline(always)]
pub(crate) fn fetch_item_into<'a>(
    input: &'a [u8],
    depth: usize,
    items: &mut Vec<FetchItem<'a>>,
) -> PResult<'a, ()> {
    let Some((item, rest)) = item_named(input) else {
        return match unknown_item(input, depth) {
            Ok((rest, item)) => {
                items.push(item);
                Ok((rest, ()))
            }
            Err(error) => wrapped_items_into(input, depth, items, error),
        };
    };
    let (rest, item) = match item {
        Item::Uid => spaced(rest, number, FetchItem::Uid)?,
        Item::Flags => spaced(rest, flag_list, FetchItem::Flags)?,
        Item::InternalDate => spaced(rest, date_time, FetchItem::InternalDate)?,
        Item::Rfc822Size => spaced(rest, lenient_number64, FetchItem::Rfc822Size)?,
        Item::Envelope => spaced(rest, envelope, FetchItem::Envelope)?,
        Item::BodyStructure => body(after_sp(rest)?, depth)
            .map(|(rest, value)| (rest, FetchItem::BodyStructure(value)))?,
        Item::Body if rest.first() == Some(&b'[') => {
            let (rest, head) = streamed_item(item, rest)?;
            let (rest, data) = section_data(rest)?;
            (rest, head.with_data(data))
        }
        Item::Body => {
            body(after_sp(rest)?, depth).map(|(rest, value)| (rest, FetchItem::Body(value)))?
        }
        Item::Binary | Item::Rfc822 | Item::Rfc822Header | Item::Rfc822Text => {
            let (rest, head) = streamed_item(item, rest)?;
            let (rest, data) = nstring(after_sp(rest)?)?;
            (rest, head.with_data(data))
        }
        Item::BinarySize => {
            let (rest, section) = section_binary(rest)?;
            let (rest, size) = number(after_sp(rest)?)?;
            (rest, FetchItem::BinarySize { section, size })
        }
        Item::ModSeq => spaced(rest, |n| parenthesised(n, mod_sequence), FetchItem::ModSeq)?,
        Item::EmailId => spaced(rest, |id| parenthesised(id, object_id), FetchItem::EmailId)?,
        Item::ThreadId => spaced(
            rest,
            |id| nil_or(id, |id| parenthesised(id, object_id)),
            FetchItem::ThreadId,
        )?,
        Item::GmailMessageId => spaced(rest, number64, FetchItem::GmailMessageId)?,
        Item::GmailThreadId => spaced(rest, number64, FetchItem::GmailThreadId)?,
        Item::GmailLabels => spaced(
            rest,
            |list| paren_list(list, gmail_label),
            FetchItem::GmailLabels,
        )?,
        // A server speaking an older draft may send another shape: that stays an unknown
        // item rather than failing the response.
        Item::Preview => match after_sp(rest).and_then(nstring) {
            Ok((rest, text)) => (rest, FetchItem::Preview(text)),
            Err(_) => unknown_item(input, depth)?,
        },
        Item::SaveDate => match after_sp(rest).and_then(|date| nil_or(date, date_time)) {
            Ok((rest, date)) => (rest, FetchItem::SaveDate(date)),
            Err(_) => unknown_item(input, depth)?,
        },
    };
    items.push(item);
    Ok((rest, ()))
}

/// A message's mod-sequence, or `None` for the `-1` Zoho sends where a message has none
/// (MailKit issue 495). Only `-1`: any other negative is as wrong as it ever was.
fn mod_sequence(input: &[u8]) -> PResult<'_, Option<u64>> {
    match input.strip_prefix(b"-1") {
        Some(rest) if !rest.first().is_some_and(u8::is_ascii_digit) => Ok((rest, None)),
        _ => number64(input).map(|(rest, n)| (rest, Some(n))),
    }
}

/// The name's section and origin of an item whose value is a message's or a part's bytes
/// (`item`, whose name `rest` follows), up to the space before the value: the one reading
/// of those items, whether their value follows whole or is streamed. Any other item fails.
#[inline(always)]
pub(crate) fn streamed_item(item: Item, rest: &[u8]) -> PResult<'_, StreamedItem<'_>> {
    // Some servers write RFC822 items with an empty section (`RFC822[]`, as net-imap's
    // tests record): it names the same item.
    let rfc822 = rest.strip_prefix(b"[]").unwrap_or(rest);
    match item {
        Item::Body => {
            let (rest, section) = section(rest)?;
            let (rest, origin) = origin(rest)?;
            Ok((rest, StreamedItem::BodySection { section, origin }))
        }
        Item::Binary => {
            let (rest, section) = section_binary(rest)?;
            let (rest, origin) = origin(rest)?;
            Ok((rest, StreamedItem::Binary { section, origin }))
        }
        Item::Rfc822 => Ok((rfc822, StreamedItem::Rfc822)),
        Item::Rfc822Header => Ok((rfc822, StreamedItem::Rfc822Header)),
        Item::Rfc822Text => Ok((rfc822, StreamedItem::Rfc822Text)),
        _ => fail(
            rest,
            "a body item (BODY[...], BINARY[...], RFC822, RFC822.HEADER or RFC822.TEXT)",
        ),
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
            _ => (rest, ()) = fetch_item_into(rest, depth, items)?,
        }
    }
}

/// The data after a `BODY[section]<origin>`: a space and an nstring, or NIL when the item
/// ends the list without one (Yandex: `* 5 FETCH (UID 11 BODY[2] )` for an empty part).
#[inline(always)]
fn section_data(input: &[u8]) -> PResult<'_, NString<'_>> {
    match after_sp(input).and_then(nstring) {
        Err(nom::Err::Error(error)) => match spaces(input) {
            rest @ [b')', ..] => Ok((rest, None)),
            _ => Err(nom::Err::Error(error)),
        },
        parsed => parsed,
    }
}

/// An item this codec does not know: its name (with `[...]` and `<...>` parts) and one
/// value, kept as sent.
#[inline(never)]
fn unknown_item(input: &[u8], depth: usize) -> PResult<'_, FetchItem<'_>> {
    let mut rest = match item_name_len(input) {
        0 => return fail(input, "a FETCH data item"),
        len => &input[len..],
    };
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
    let (rest, value) = skip_value(after_sp(rest)?, depth)?;
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
    let (rest, ()) = byte(after_sp(input)?, b'(', "`(`")?;
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

    /// What the plain reader makes of the name at the start of `input`: the name measured
    /// byte by byte, then keyed, then looked up among the items' names.
    fn item_named_plainly(input: &[u8]) -> Option<(Item, &[u8])> {
        let len = item_name_len(input);
        let key = Keyword::of(&input[..len]);
        Item::ALL
            .into_iter()
            .find(|item| Keyword::new(item.name()) == key)
            .map(|item| (item, &input[len..]))
    }

    /// Every item's name, in any case, spoilt, cut short or run on, followed by each kind of
    /// byte and near the end of the input or far from it, is recognised as the plain reader
    /// recognises it.
    #[test]
    fn item_names_are_recognised_as_the_plain_reader_reads_them() {
        let mut names: Vec<Vec<u8>> = Vec::new();
        for item in Item::ALL {
            let name = item.name();
            names.push(name.as_bytes().to_vec());
            names.push(name.to_ascii_lowercase().into_bytes());
            names.push(name.as_bytes()[..name.len() - 1].to_vec());
            names.push(format!("{name}X").into_bytes());
            names.push(format!("{name}.PEEK").into_bytes());
            // Each byte in turn replaced by one that folds onto a letter only if it is one,
            // or ends an atom.
            for at in 0..name.len() {
                for spoilt in [b'@', b'\x0e', b')', 0xc1] {
                    let mut bytes = name.as_bytes().to_vec();
                    bytes[at] = spoilt;
                    names.push(bytes);
                }
            }
        }
        names.push(b"X-UNKNOWN".to_vec());
        names.push(b"".to_vec());
        let mut tried = 0;
        for name in &names {
            for next in [
                &b" 1)\r\n"[..],
                b"[]",
                b"<0>",
                b")",
                b"X",
                b".",
                b"\r\n",
                b"\xc3",
                b"",
            ] {
                for tail in [&b""[..], b" UID 9 FLAGS () RFC822.SIZE 1)\r\n"] {
                    let input = [&name[..], next, tail].concat();
                    assert_eq!(
                        item_named(&input),
                        item_named_plainly(&input),
                        "{}",
                        input.escape_ascii()
                    );
                    tried += usize::from(item_named(&input).is_some());
                }
            }
        }
        assert!(tried > 20 * 2 * 9, "every name is found: {tried}");
    }

    /// An item reads the same whether the input ends right after it (the first sixteen
    /// bytes padded with zeros) or goes on, in any case and spoilt.
    #[test]
    fn items_read_alike_near_the_end_of_the_input_and_far_from_it() {
        let items = [
            "UID 40007",
            "uid 7",
            "UID  7",
            "UID7",
            "UIDX 7",
            "UID[1] 7",
            "FLAGS (\\Seen $Junk)",
            "Flags ()",
            "FLAGS(\\Seen)",
            "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\"",
            "InternalDate \" 7-Jul-1996 02:44:25 +0000\"",
            "INTERNALDATE \"17-Jul-1996 02:44:25 -0799\"",
            "RFC822.SIZE 4286",
            "rfc822.size -1",
            "RFC822.SIZEX 1",
            "RFC822[] {3}\r\nabc",
            "RFC822.TEXT NIL",
            "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
            "BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)",
            "BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1)",
            "BODY[] {3}\r\nabc",
            "BODY[1]<0> \"x\"",
            "BINARY.SIZE[1] 12",
            "MODSEQ (-1)",
            "X-GM-MSGID 1278455344230334865",
            "X-GM-LABELS (\\Inbox foo)",
            "PREVIEW (1 2)",
            "X-UNKNOWN (1 2)",
        ];
        for item in items {
            let read = |tail: &str| {
                let input = format!("{item}{tail}");
                let mut items = Vec::new();
                let rest = fetch_item_into(input.as_bytes(), 8, &mut items)
                    .map(|(rest, ())| String::from_utf8_lossy(rest).into_owned());
                (
                    rest.map_err(|error| format!("{error:?}")),
                    format!("{items:?}"),
                )
            };
            let (near, near_items) = read(")\r\n");
            let (far, far_items) = read(") UID 9 FLAGS () RFC822.SIZE 1)\r\n");
            assert_eq!(near_items, far_items, "{item:?}");
            match (near, far) {
                (Ok(near), Ok(far)) => {
                    assert_eq!(
                        (near.as_str(), far.as_str()),
                        (")\r\n", ") UID 9 FLAGS () RFC822.SIZE 1)\r\n"),
                        "{item:?}"
                    );
                }
                (near, far) => assert_eq!(near.is_ok(), far.is_ok(), "{item:?}"),
            }
        }
    }
}
