//! Untagged data other than FETCH: CAPABILITY, LIST, STATUS, SEARCH and the extensions.

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use std::borrow::Cow;

use super::fetch::{object_id, parenthesised};
use super::status::capability;
use crate::imap::codec::grammar::chars::{self, ASTRING, ATOM, DIGIT, LIST};
use crate::imap::codec::grammar::core::{
    after_sp, astring, atom, byte, delimiter, keyword, line_end, mailbox, mailbox_8bit,
    nested_list, nil, nstring, number, number64, paren_list, sp, space_list,
    space_list_to_line_end, spaces, starts_string, string, token,
};
use crate::imap::codec::grammar::flag::flag_list;
use crate::imap::codec::grammar::sequence::sequence_set;
use crate::imap::codec::grammar::skip::skip_value;
use crate::imap::codec::grammar::{PError, PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{
    AString, Atom, Data, ESearch, ExtensionValue, IdParameters, ListExtendedItem, ListItem,
    MailboxAttribute, MailboxAttributes, NamespaceDescription, QuotaResource, Raw,
    SearchReturnData, StatusAttribute, StatusItem, Thread,
};
use nom::error::ParseError;

/// `* CAPABILITY ...` or `* ENABLED ...` after the keyword.
pub(crate) fn capability_data(
    input: &[u8],
) -> PResult<'_, Vec<crate::imap::codec::types::Capability<'_>>> {
    let (rest, list) = space_list(input, capability)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, list))
}

fn mailbox_attribute(input: &[u8]) -> PResult<'_, MailboxAttribute<'_>> {
    match input.strip_prefix(b"\\") {
        Some(name) => {
            let n = chars::run(name, ATOM);
            if let Some(known) = MailboxAttribute::backslashed_bytes(name, n) {
                return Ok((&name[n..], known));
            }
            token(name, ATOM, "an attribute name after `\\`")
                .map(|(rest, name)| (rest, MailboxAttribute::backslashed(name)))
        }
        None => {
            atom(input).map(|(rest, name)| (rest, MailboxAttribute::Keyword(Atom::unchecked(name))))
        }
    }
}

fn list_extended_item(input: &[u8], depth: usize) -> PResult<'_, ListExtendedItem<'_>> {
    let (rest, tag) = astring(input)?;
    let (rest, ()) = sp(rest)?;
    let (rest, value) = skip_value(rest, depth)?;
    Ok((
        rest,
        ListExtendedItem {
            tag,
            value: Raw(Cow::Borrowed(value)),
        },
    ))
}

/// `* LIST ...` / `* LSUB ...` after the keyword.
#[inline]
pub(crate) fn list_data(input: &[u8], depth: usize) -> PResult<'_, ListItem<'_>> {
    list_data_with::<false>(input, depth)
}

/// [`list_data`] again after it failed at the mailbox name or after it, reading the name as
/// [`mailbox_8bit`] does: a server that leaves a name with 8-bit bytes unquoted
/// (`* LIST () "/" Entwürfe`) is met only once the usual reading fails, so that reading
/// costs nothing more.
#[cold]
#[inline(never)]
fn list_data_8bit<'a>(
    input: &'a [u8],
    depth: usize,
    first: PError<'a>,
) -> PResult<'a, ListItem<'a>> {
    match list_data_with::<true>(input, depth) {
        // Of the two failures, the one that got further names the better expectation.
        Err(nom::Err::Error(again)) => Err(nom::Err::Error(first.or(again))),
        parsed => parsed,
    }
}

/// `* LIST ...` / `* LSUB ...` after the keyword, reading the mailbox as [`mailbox_8bit`]
/// does when `EIGHT_BIT`, else as [`mailbox`] does and trying [`list_data_8bit`] when
/// what follows does not read.
// The retry is a tail call at each point it may be needed, never a match on the whole
// result: that would copy the item, which costs more than some of its fields do to read.
#[inline(always)]
fn list_data_with<const EIGHT_BIT: bool>(input: &[u8], depth: usize) -> PResult<'_, ListItem<'_>> {
    let (rest, ()) = sp(input)?;
    let (mut rest, ()) = byte(rest, b'(', "`(` to open the attributes")?;
    let mut attributes = MailboxAttributes::new();
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            rest = tail;
            break;
        }
        if let Some(name) = rest.strip_prefix(b"\\")
            && let Some((index, len)) = MailboxAttribute::known_at(name)
        {
            attributes.insert_known(index);
            rest = &name[len..];
            continue;
        }
        let (tail, attribute) = mailbox_attribute(rest)?;
        attributes.insert(attribute);
        rest = tail;
    }
    let (rest, ()) = sp(rest)?;
    let (rest, delimiter) = delimiter(rest)?;
    let (rest, ()) = sp(rest)?;
    let name = if EIGHT_BIT {
        mailbox_8bit(rest)
    } else {
        mailbox(rest)
    };
    let (rest, mailbox) = match name {
        Ok(found) => found,
        Err(nom::Err::Error(error)) if !EIGHT_BIT => return list_data_8bit(input, depth, error),
        Err(error) => return Err(error),
    };
    let (rest, extended) = match rest {
        [b' ', b'(', ..] => paren_list(&rest[1..], |i| list_extended_item(i, depth))?,
        _ => (rest, Vec::new()),
    };
    let rest = match line_end(rest) {
        Ok((rest, ())) => rest,
        Err(nom::Err::Error(error)) if !EIGHT_BIT => return list_data_8bit(input, depth, error),
        Err(error) => return Err(error),
    };
    Ok((
        rest,
        ListItem {
            attributes,
            delimiter,
            mailbox,
            extended,
        },
    ))
}

fn status_item(input: &[u8], depth: usize) -> PResult<'_, StatusItem<'_>> {
    let (rest, name) = atom(input)?;
    let (rest, ()) = sp(rest)?;
    match StatusAttribute::from_name(name) {
        Some(StatusAttribute::MailboxId) => {
            parenthesised(rest, object_id).map(|(rest, id)| (rest, StatusItem::MailboxId(id)))
        }
        Some(StatusAttribute::AppendLimit) => match nil(rest) {
            Ok((rest, ())) => Ok((rest, StatusItem::AppendLimit(None))),
            Err(_) => number64(rest).map(|(rest, n)| (rest, StatusItem::AppendLimit(Some(n)))),
        },
        Some(attribute) => {
            number64(rest).map(|(rest, value)| (rest, StatusItem::Known(attribute, value)))
        }
        None => tagged_ext_val(rest, depth)
            .map(|(rest, value)| (rest, StatusItem::Other(Atom::unchecked(name), value))),
    }
}

/// `tagged-ext-val` (RFC 4466, RFC 9051): a bare word, a string, or a parenthesised list of
/// them, nested at most `depth` deep. The grammar allows only a number or sequence set
/// outside parentheses; a string or another word there is read too, as inside them.
pub(crate) fn tagged_ext_val(input: &[u8], depth: usize) -> PResult<'_, ExtensionValue<'_>> {
    match input.first() {
        Some(b'(') => nested_list(input, depth, tagged_ext_val)
            .map(|(rest, list)| (rest, ExtensionValue::List(list))),
        _ if starts_string(input) => string(input)
            .map(|(rest, value)| (rest, ExtensionValue::String(AString::String(value)))),
        _ => tagged_ext_word(input),
    }
}

/// A bare word of a `tagged-ext-val`: a number when it is all digits (too large a one is
/// refused, as every number is), a sequence set when it is one whole, else an atom.
fn tagged_ext_word(input: &[u8]) -> PResult<'_, ExtensionValue<'_>> {
    // `*` ends an atom but belongs to a sequence set (`1:*`): the word runs over both.
    let len = chars::run(input, LIST);
    let word = &input[..len];
    if len > 0 && chars::run(word, DIGIT) == len {
        return number64(input).map(|(rest, n)| (rest, ExtensionValue::Number(n)));
    }
    if word
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b':' | b',' | b'*'))
    {
        match sequence_set(input) {
            Ok((rest, set)) if rest.len() == input.len() - len => {
                return Ok((rest, ExtensionValue::SequenceSet(set)));
            }
            Err(failure @ nom::Err::Failure(_)) => return Err(failure),
            _ => {}
        }
    }
    if chars::run(word, ASTRING) < len {
        return fail(input, "a number, a sequence set or an atom");
    }
    token(input, ASTRING, "a value")
        .map(|(rest, atom)| (rest, ExtensionValue::String(AString::unchecked_atom(atom))))
}

/// `* STATUS mailbox (...)` after the keyword. The mailbox may be an 8-bit name left
/// unquoted.
pub(crate) fn status_data(input: &[u8], depth: usize) -> PResult<'_, Data<'_>> {
    let (rest, ()) = sp(input)?;
    let (rest, mailbox) = mailbox_8bit(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, items) = paren_list(rest, |item| status_item(item, depth))?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, Data::Status { mailbox, items }))
}

/// `* FLAGS (...)` after the keyword.
pub(crate) fn flags_data(input: &[u8]) -> PResult<'_, Data<'_>> {
    let (rest, ()) = sp(input)?;
    let (rest, flags) = flag_list(rest)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, Data::Flags(flags)))
}

fn modseq_suffix(input: &[u8]) -> PResult<'_, u64> {
    let (rest, ()) = byte(input, b'(', "`(`")?;
    let (rest, ()) = keyword(rest, "MODSEQ")?;
    let (rest, ()) = sp(rest)?;
    let (rest, value) = number64(rest)?;
    let (rest, ()) = byte(spaces(rest), b')', "`)`")?;
    Ok((rest, value))
}

/// `* SEARCH ...` / `* SORT ...` after the keyword: numbers, then RFC 7162's `(MODSEQ n)`.
/// Yahoo ends the list with a space and GreenMail sends `* SEARCH ` with nothing after it.
pub(crate) fn numbers_data(input: &[u8]) -> PResult<'_, (Vec<u32>, Option<u64>)> {
    let mut ids = Vec::new();
    let mut rest = input;
    let mut modseq = None;
    loop {
        let after = spaces(rest);
        if after.len() == rest.len() {
            break;
        }
        match after.first() {
            Some(b'0'..=b'9') => {
                let (tail, id) = number(after)?;
                ids.push(id);
                rest = tail;
            }
            Some(b'(') if modseq.is_none() => {
                let (tail, value) = modseq_suffix(after)?;
                modseq = Some(value);
                rest = tail;
            }
            _ => break,
        }
    }
    let (rest, ()) = line_end(rest)?;
    Ok((rest, (ids, modseq)))
}

pub(crate) fn search_return_data(input: &[u8], depth: usize) -> PResult<'_, SearchReturnData<'_>> {
    let (rest, name) = atom(input)?;
    let (rest, ()) = sp(rest)?;
    match Keyword::of(name.as_bytes()) {
        kw::MIN => number(rest).map(|(r, n)| (r, SearchReturnData::Min(n))),
        kw::MAX => number(rest).map(|(r, n)| (r, SearchReturnData::Max(n))),
        kw::COUNT => number(rest).map(|(r, n)| (r, SearchReturnData::Count(n))),
        kw::ALL => sequence_set(rest).map(|(r, set)| (r, SearchReturnData::All(set))),
        kw::MODSEQ => number64(rest).map(|(r, n)| (r, SearchReturnData::ModSeq(n))),
        _ => skip_value(rest, depth).map(|(r, value)| {
            (
                r,
                SearchReturnData::Other(Atom::unchecked(name), Raw(Cow::Borrowed(value))),
            )
        }),
    }
}

/// `* ESEARCH ...` after the keyword (RFC 4731).
pub(crate) fn esearch_data(input: &[u8], depth: usize) -> PResult<'_, ESearch<'_>> {
    let mut rest = input;
    let mut tag = None;
    // Servers that put two spaces where one belongs are tolerated; the tag and UID must be
    // recognised after them too, or a re-encoded response would read differently.
    let after_spaces = spaces(rest);
    if after_spaces.len() < rest.len() && after_spaces.first() == Some(&b'(') {
        let (tail, ()) = keyword(&after_spaces[1..], "TAG")?;
        let (tail, ()) = sp(tail)?;
        let (tail, value) = astring(tail)?;
        let (tail, ()) = byte(spaces(tail), b')', "`)` after the ESEARCH tag")?;
        tag = Some(value);
        rest = tail;
    }
    let mut uid = false;
    let after_spaces = spaces(rest);
    if after_spaces.len() < rest.len()
        && crate::imap::codec::grammar::core::starts_with_word(after_spaces, "UID")
    {
        uid = true;
        rest = &after_spaces[3..];
    }
    let (rest, data) = space_list(rest, |i| search_return_data(i, depth))?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, ESearch { tag, uid, data }))
}

fn thread_list(input: &[u8], depth: usize) -> PResult<'_, Thread> {
    if depth == 0 {
        return fatal(input, PErrorKind::TooDeep);
    }
    let (mut rest, ()) = byte(input, b'(', "`(` to open a thread")?;
    let mut thread = Thread {
        members: Vec::new(),
        children: Vec::new(),
    };
    loop {
        rest = spaces(rest);
        match rest.first() {
            Some(b')') => return Ok((&rest[1..], thread)),
            Some(b'(') => {
                let (tail, child) = thread_list(rest, depth - 1)?;
                thread.children.push(child);
                rest = tail;
            }
            Some(b'0'..=b'9') if thread.children.is_empty() => {
                let (tail, id) = number(rest)?;
                thread.members.push(id);
                rest = tail;
            }
            _ => return fail(rest, "a message number, `(` or `)` in a thread"),
        }
    }
}

/// `* THREAD ...` after the keyword (RFC 5256).
pub(crate) fn thread_data(input: &[u8], depth: usize) -> PResult<'_, Vec<Thread>> {
    let mut rest = spaces(input);
    let mut threads = Vec::new();
    while rest.first() == Some(&b'(') {
        let (tail, thread) = thread_list(rest, depth)?;
        threads.push(thread);
        rest = spaces(tail);
    }
    let (rest, ()) = line_end(rest)?;
    Ok((rest, threads))
}

/// ID parameters: `("name" "value" ...)` or NIL (RFC 2971); `()` is read as empty.
pub(crate) fn id_params(input: &[u8]) -> PResult<'_, IdParameters<'_>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, None));
    }
    let (mut rest, ()) = byte(input, b'(', "`(` or NIL")?;
    let mut pairs = Vec::new();
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, Some(pairs)));
        }
        let (tail, name) = string(rest)?;
        let (tail, ()) = sp(tail)?;
        let (tail, value) = nstring(tail)?;
        pairs.push((name, value));
        rest = tail;
    }
}

fn namespace_description(input: &[u8]) -> PResult<'_, NamespaceDescription<'_>> {
    let (rest, ()) = byte(input, b'(', "`(`")?;
    let (rest, prefix) = string(rest)?;
    let (rest, ()) = sp(rest)?;
    let (mut rest, delimiter) = delimiter(rest)?;
    let mut extensions = Vec::new();
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((
                tail,
                NamespaceDescription {
                    prefix,
                    delimiter,
                    extensions,
                },
            ));
        }
        let (tail, name) = string(rest)?;
        let (tail, ()) = sp(tail)?;
        let (tail, values) = paren_list(tail, string)?;
        extensions.push((name, values));
        rest = tail;
    }
}

fn namespace(input: &[u8]) -> PResult<'_, Option<Vec<NamespaceDescription<'_>>>> {
    if let Ok((rest, ())) = nil(input) {
        return Ok((rest, None));
    }
    paren_list(input, namespace_description).map(|(rest, list)| (rest, Some(list)))
}

/// `* NAMESPACE personal other shared` after the keyword (RFC 2342).
pub(crate) fn namespace_data(input: &[u8]) -> PResult<'_, Data<'_>> {
    let (rest, personal) = namespace(after_sp(input)?)?;
    let (rest, other) = namespace(after_sp(rest)?)?;
    let (rest, shared) = namespace(after_sp(rest)?)?;
    let (rest, ()) = line_end(rest)?;
    let data = Data::Namespace {
        personal,
        other,
        shared,
    };
    Ok((rest, data))
}

/// `* QUOTA root (resource usage limit ...)` after the keyword (RFC 9208).
pub(crate) fn quota_data(input: &[u8]) -> PResult<'_, Data<'_>> {
    let (rest, root) = astring(after_sp(input)?)?;
    let (rest, resources) = paren_list(after_sp(rest)?, quota_resource)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, Data::Quota { root, resources }))
}

/// One `name usage limit` of a QUOTA response.
fn quota_resource(input: &[u8]) -> PResult<'_, QuotaResource<'_>> {
    let (rest, name) = atom(input)?;
    let (rest, usage) = number64(after_sp(rest)?)?;
    let (rest, limit) = number64(after_sp(rest)?)?;
    let resource = QuotaResource {
        name: Atom::unchecked(name),
        usage,
        limit,
    };
    Ok((rest, resource))
}

/// `* QUOTAROOT mailbox root ...` after the keyword (RFC 9208).
pub(crate) fn quota_root_data(input: &[u8]) -> PResult<'_, Data<'_>> {
    let (rest, ()) = sp(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    let (rest, roots) = space_list_to_line_end(rest, astring)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, Data::QuotaRoot { mailbox, roots }))
}

/// `* VANISHED [(EARLIER)] uids` after the keyword (RFC 7162).
pub(crate) fn vanished_data(input: &[u8]) -> PResult<'_, Data<'_>> {
    let (mut rest, ()) = sp(input)?;
    let mut earlier = false;
    if let Some(tail) = rest.strip_prefix(b"(") {
        let (tail, ()) = keyword(tail, "EARLIER")?;
        let (tail, ()) = byte(tail, b')', "`)`")?;
        let (tail, ()) = sp(tail)?;
        earlier = true;
        rest = tail;
    }
    let (rest, uids) = sequence_set(rest)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, Data::Vanished { earlier, uids }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::codec::types::{AString, IString, MailboxName};

    #[test]
    fn a_tagged_ext_word_is_a_number_a_set_or_an_atom_as_a_whole() {
        let atom = |word: &'static str| ExtensionValue::String(AString::Atom(Cow::Borrowed(word)));
        let set =
            |text: &str| ExtensionValue::SequenceSet(sequence_set(text.as_bytes()).unwrap().1);
        for (input, value, rest) in [
            (&b"42)"[..], ExtensionValue::Number(42), &b")"[..]),
            (b"007 x", ExtensionValue::Number(7), b" x"),
            (b"1:5,7)", set("1:5,7"), b")"),
            (b"*)", set("*"), b")"),
            (b"4:*\r\n", set("4:*"), b"\r\n"),
            (b"1abc)", atom("1abc"), b")"),
            (b"1:5abc)", atom("1:5abc"), b")"),
            (b"1,,2)", atom("1,,2"), b")"),
            (b"99999999999abc)", atom("99999999999abc"), b")"),
            (b"NIL)", atom("NIL"), b")"),
            (b"a]b)", atom("a]b"), b")"),
        ] {
            assert_eq!(
                tagged_ext_val(input, 4),
                Ok((rest, value)),
                "{}",
                input.escape_ascii()
            );
        }
        for wrong in [
            &b"a*b)"[..],
            b"%)",
            b")",
            b"1:4294967296)",
            b"99999999999999999999)",
        ] {
            assert!(
                tagged_ext_val(wrong, 4).is_err(),
                "{}",
                wrong.escape_ascii()
            );
        }
        assert!(matches!(
            tagged_ext_val(b"((1))", 1),
            Err(nom::Err::Failure(_))
        ));
        assert!(tagged_ext_val(b"((1))", 2).is_ok());
    }

    #[test]
    fn list_attributes_known_unknown_and_keywords() {
        let (rest, item) = list_data(
            b" (\\hasnochildren \\Sent2 \\JUNK  \\Sent Custom \\X-Thing) \"/\" \"Sent Items\"\r\n",
            8,
        )
        .unwrap();
        assert!(rest.is_empty());
        let expected: MailboxAttributes = [
            MailboxAttribute::HasNoChildren,
            MailboxAttribute::Extension(Atom::unchecked("Sent2")),
            MailboxAttribute::Junk,
            MailboxAttribute::Sent,
            MailboxAttribute::Keyword(Atom::unchecked("Custom")),
            MailboxAttribute::Extension(Atom::unchecked("X-Thing")),
        ]
        .into_iter()
        .collect();
        assert_eq!(item.attributes, expected);
        assert_eq!(item.delimiter, Some('/'));
        assert_eq!(
            item.mailbox,
            MailboxName(AString::String(IString::Quoted(Cow::Borrowed(
                b"Sent Items"
            ))))
        );
        // A name cut short by the end of the line is an error, as before.
        assert!(list_data(b" (\\HasNoChildren", 8).is_err());
        assert!(list_data(b" (\\HasNoChildren\r\n", 8).is_err());
    }
}
