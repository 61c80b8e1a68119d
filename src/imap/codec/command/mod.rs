//! Parsers for what a client sends.

pub(crate) mod fetch;
pub(crate) mod literals;
pub(crate) mod search;
pub(crate) mod sort;

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use std::borrow::Cow;

use base64::Engine as _;

use self::fetch::{argument_list, fetch_items, fetch_modifiers};
use self::search::search_criteria;
use self::sort::{sort, thread};
use crate::imap::codec::grammar::chars::{self, ATOM, LIST, TAG};
use crate::imap::codec::grammar::core::{
    astring, atom, byte, keyword, line_end, literal, mailbox, number64, paren_list, sp, space_list,
    starts_string, starts_with_word, string, token,
};
use crate::imap::codec::grammar::datetime::date_time;
use crate::imap::codec::grammar::flag::{flag, flag_list};
use crate::imap::codec::grammar::sequence::command_sequence_set;
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::response::data::id_params;
use crate::imap::codec::response::status::capability;
use crate::imap::codec::types::{
    AppendMessage, Atom, AuthenticateData, Command, CommandBody, Flag, LIST_RETURN_OPTIONS,
    ListMailbox, ListReturnOption, Raw, SEARCH_RETURN_OPTIONS, SearchReturnOption, Secret,
    SelectParameter, StatusAttribute, StoreKind, Tag, named,
};

/// One complete command.
pub(crate) fn command(input: &[u8], depth: usize) -> PResult<'_, Command<'_>> {
    let (rest, tag) = token(input, TAG, "a tag")?;
    let (rest, ()) = sp(rest)?;
    let (rest, body) = command_body(rest, depth)?;
    let (rest, ()) = line_end(rest)?;
    Ok((
        rest,
        Command {
            tag: Tag::unchecked(tag),
            body,
        },
    ))
}

/// `SP value`: how each argument of a command follows what comes before it.
pub(crate) fn arg<'a, T>(
    input: &'a [u8],
    value: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, T> {
    let (rest, ()) = sp(input)?;
    value(rest)
}

/// `SP value`, made into what it is the only argument of (`CREATE mailbox`, `BCC string`).
pub(crate) fn only_arg<'a, T, U>(
    input: &'a [u8],
    value: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
    make: impl FnOnce(T) -> U,
) -> PResult<'a, U> {
    arg(input, value).map(|(rest, value)| (rest, make(value)))
}

fn word(input: &[u8]) -> (Keyword, &[u8], &[u8]) {
    let len = chars::run(input, ATOM);
    let (name, rest) = input.split_at(len);
    (Keyword::prefix(input, name.len()), name, rest)
}

fn command_body(input: &[u8], depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (key, _, rest) = word(input);
    let bare = |body: CommandBody<'static>| Ok((rest, body));
    use CommandBody as C;
    match key {
        kw::CAPABILITY => bare(C::Capability),
        kw::NOOP => bare(C::Noop),
        kw::LOGOUT => bare(C::Logout),
        kw::STARTTLS => bare(C::StartTls),
        kw::CHECK => bare(C::Check),
        kw::CLOSE => bare(C::Close),
        kw::EXPUNGE => bare(C::Expunge),
        kw::UNSELECT => bare(C::Unselect),
        kw::IDLE => bare(C::Idle),
        kw::NAMESPACE => bare(C::Namespace),
        kw::AUTHENTICATE => authenticate(rest),
        kw::LOGIN => {
            let (rest, username) = arg(rest, astring)?;
            let (rest, password) = arg(rest, astring)?;
            Ok((
                rest,
                C::Login {
                    username,
                    password: Secret::new(password),
                },
            ))
        }
        kw::SELECT => select(rest, false, depth),
        kw::EXAMINE => select(rest, true, depth),
        kw::CREATE => only_arg(rest, mailbox, |mailbox| C::Create { mailbox }),
        kw::DELETE => only_arg(rest, mailbox, |mailbox| C::Delete { mailbox }),
        kw::SUBSCRIBE => only_arg(rest, mailbox, |mailbox| C::Subscribe { mailbox }),
        kw::UNSUBSCRIBE => only_arg(rest, mailbox, |mailbox| C::Unsubscribe { mailbox }),
        kw::GETQUOTAROOT => only_arg(rest, mailbox, C::GetQuotaRoot),
        kw::RENAME => {
            let (rest, from) = arg(rest, mailbox)?;
            let (rest, to) = arg(rest, mailbox)?;
            Ok((rest, C::Rename { from, to }))
        }
        kw::LIST => list(rest),
        kw::LSUB => {
            let (rest, reference) = arg(rest, mailbox)?;
            let (rest, pattern) = arg(rest, list_mailbox)?;
            Ok((rest, C::Lsub { reference, pattern }))
        }
        kw::STATUS => {
            let (rest, mailbox) = arg(rest, mailbox)?;
            let (rest, attributes) = arg(rest, |i| paren_list(i, status_attribute))?;
            Ok((
                rest,
                C::Status {
                    mailbox,
                    attributes,
                },
            ))
        }
        kw::APPEND => append(rest),
        kw::SEARCH => search(rest, false, depth),
        kw::SORT => sort(rest, false, depth),
        kw::THREAD => thread(rest, false, depth),
        kw::FETCH => fetch(rest, false, depth),
        kw::STORE => store(rest, false),
        kw::COPY => copy_or_move(rest, true, false),
        kw::MOVE => copy_or_move(rest, false, false),
        kw::UID => uid(rest, depth),
        kw::ID => only_arg(rest, id_params, C::Id),
        kw::ENABLE => {
            let (rest, list) = space_list(rest, capability)?;
            if list.is_empty() {
                return fail(rest, "a capability to enable");
            }
            Ok((rest, C::Enable(list)))
        }
        kw::GETQUOTA => only_arg(rest, astring, C::GetQuota),
        kw::SETQUOTA => {
            let (rest, root) = arg(rest, astring)?;
            let (rest, limits) = arg(rest, |i| paren_list(i, quota_limit))?;
            Ok((rest, C::SetQuota { root, limits }))
        }
        _ => fail(input, "a command name"),
    }
}

/// `resource-name SP number64`, one limit of SETQUOTA.
fn quota_limit(input: &[u8]) -> PResult<'_, (Atom<'_>, u64)> {
    let (rest, name) = atom(input)?;
    let (rest, limit) = arg(rest, number64)?;
    Ok((rest, (Atom::unchecked(name), limit)))
}

fn select(input: &[u8], examine: bool, depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (rest, mailbox) = arg(input, mailbox)?;
    let (rest, parameters) = match rest {
        [b' ', b'(', ..] => paren_list(&rest[1..], |i| select_parameter(i, depth))?,
        _ => (rest, Vec::new()),
    };
    let body = if examine {
        CommandBody::Examine {
            mailbox,
            parameters,
        }
    } else {
        CommandBody::Select {
            mailbox,
            parameters,
        }
    };
    Ok((rest, body))
}

fn uid(input: &[u8], depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (rest, ()) = sp(input)?;
    let (key, _, after) = word(rest);
    match key {
        kw::FETCH => fetch(after, true, depth),
        kw::SEARCH => search(after, true, depth),
        kw::SORT => sort(after, true, depth),
        kw::THREAD => thread(after, true, depth),
        kw::STORE => store(after, true),
        kw::COPY => copy_or_move(after, true, true),
        kw::MOVE => copy_or_move(after, false, true),
        kw::EXPUNGE => only_arg(after, command_sequence_set, CommandBody::UidExpunge),
        _ => fail(
            rest,
            "FETCH, SEARCH, SORT, THREAD, STORE, COPY, MOVE or EXPUNGE after UID",
        ),
    }
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='
}

fn base64_data(input: &[u8]) -> PResult<'_, Cow<'_, [u8]>> {
    let n = input.iter().take_while(|&&b| is_base64(b)).count();
    if &input[..n] == b"=" {
        return Ok((&input[n..], Cow::Borrowed(&[])));
    }
    match base64::engine::general_purpose::STANDARD.decode(&input[..n]) {
        Ok(data) if n > 0 => Ok((&input[n..], Cow::Owned(data))),
        _ => fail(input, "base64 data"),
    }
}

fn authenticate(input: &[u8]) -> PResult<'_, CommandBody<'_>> {
    let (rest, mechanism) = arg(input, atom)?;
    let (rest, initial_response) = match rest {
        [b' ', tail @ ..] if tail.first().is_some_and(|&b| is_base64(b)) => {
            let (rest, data) = base64_data(tail)?;
            (rest, Some(Secret::new(data)))
        }
        _ => (rest, None),
    };
    Ok((
        rest,
        CommandBody::Authenticate {
            mechanism: Atom::unchecked(mechanism),
            initial_response,
        },
    ))
}

/// `tagged-ext-label` (RFC 4466): a letter, `-`, `_` or `.`, then those, digits or `:`.
fn tagged_label(input: &[u8]) -> PResult<'_, &str> {
    let first = |b: u8| b.is_ascii_alphabetic() || matches!(b, b'-' | b'_' | b'.');
    if !input.first().copied().is_some_and(first) {
        return fail(input, "a parameter name");
    }
    let n = input
        .iter()
        .take_while(|&&b| first(b) || b.is_ascii_digit() || b == b':')
        .count();
    match std::str::from_utf8(&input[..n]) {
        Ok(name) => Ok((&input[n..], name)),
        Err(_) => fail(input, "a parameter name"),
    }
}

/// A simple `tagged-ext-val`: a number or sequence set, ending where the value ends.
fn simple_ext_value(input: &[u8]) -> Option<usize> {
    let n = input
        .iter()
        .take_while(|&&b| b.is_ascii_digit() || matches!(b, b':' | b',' | b'*' | b'$'))
        .count();
    (n > 0 && matches!(input.get(n), Some(b' ' | b')'))).then_some(n)
}

pub(crate) fn select_parameter(input: &[u8], depth: usize) -> PResult<'_, SelectParameter<'_>> {
    let (rest, name) = tagged_label(input)?;
    if name.eq_ignore_ascii_case("CONDSTORE") {
        return Ok((rest, SelectParameter::CondStore));
    }
    // A value is a number, a sequence set or a parenthesised list (RFC 4466 tagged-ext-val);
    // names never start with a digit, so what follows a space is unambiguous. The list is
    // kept raw, so like an unknown FETCH argument it may not hold a literal: written back,
    // its bytes would go out without waiting for the server's `+`.
    let (rest, value) = match rest {
        [b' ', b'(', ..] => {
            let (rest, value) = argument_list(&rest[1..], depth)?;
            (rest, Some(Raw(Cow::Borrowed(value))))
        }
        [b' ', tail @ ..] => match simple_ext_value(tail) {
            Some(n) => (&tail[n..], Some(Raw(Cow::Borrowed(&tail[..n])))),
            None => (rest, None),
        },
        _ => (rest, None),
    };
    Ok((
        rest,
        SelectParameter::Other {
            name: Atom::unchecked(name),
            value,
        },
    ))
}

fn list_mailbox(input: &[u8]) -> PResult<'_, ListMailbox<'_>> {
    if starts_string(input) {
        return string(input).map(|(rest, value)| (rest, ListMailbox::String(value)));
    }
    token(input, LIST, "a mailbox pattern")
        .map(|(rest, value)| (rest, ListMailbox::Token(Cow::Borrowed(value))))
}

fn status_attribute(input: &[u8]) -> PResult<'_, StatusAttribute> {
    let (rest, name) = atom(input)?;
    match StatusAttribute::from_name(name) {
        Some(attribute) => Ok((rest, attribute)),
        None => fail(input, "a STATUS attribute"),
    }
}

pub(crate) fn list_return_option(input: &[u8]) -> PResult<'_, ListReturnOption<'_>> {
    let (rest, name) = atom(input)?;
    if let Some(option) = named(&LIST_RETURN_OPTIONS, name) {
        return Ok((rest, option));
    }
    if name.eq_ignore_ascii_case("STATUS") {
        let status = |i| paren_list(i, status_attribute);
        return only_arg(rest, status, ListReturnOption::Status);
    }
    Ok((rest, ListReturnOption::Other(Atom::unchecked(name))))
}

fn list(input: &[u8]) -> PResult<'_, CommandBody<'_>> {
    let (mut rest, ()) = sp(input)?;
    let mut selection = Vec::new();
    if rest.first() == Some(&b'(') {
        let (tail, options) = paren_list(rest, |i| atom(i).map(|(r, a)| (r, Atom::unchecked(a))))?;
        let (tail, ()) = sp(tail)?;
        selection = options;
        rest = tail;
    }
    let (rest, reference) = mailbox(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, patterns) = if rest.first() == Some(&b'(') {
        let (tail, patterns) = paren_list(rest, list_mailbox)?;
        if patterns.is_empty() {
            return fail(rest, "at least one mailbox pattern");
        }
        (tail, patterns)
    } else {
        list_mailbox(rest).map(|(rest, pattern)| (rest, vec![pattern]))?
    };
    let (rest, return_options) = match rest {
        [b' ', tail @ ..] if starts_with_word(tail, "RETURN") => {
            arg(&tail[6..], |i| paren_list(i, list_return_option))?
        }
        _ => (rest, Vec::new()),
    };
    Ok((
        rest,
        CommandBody::List {
            selection,
            reference,
            patterns,
            return_options,
        },
    ))
}

/// `APPEND mailbox 1*append-message` (RFC 3502): each message is
/// `SP [flag-list SP] [date-time SP] literal`, and the line ends after the last literal.
fn append(input: &[u8]) -> PResult<'_, CommandBody<'_>> {
    let (mut rest, mailbox) = arg(input, mailbox)?;
    let mut messages = Vec::new();
    loop {
        let (tail, message) = arg(rest, append_message)?;
        messages.push(message);
        rest = tail;
        // Another message follows only after a space; CRLF (or stray spaces before it)
        // ends the command.
        if !matches!(rest, [b' ', b'(' | b'"' | b'{' | b'~', ..]) {
            return Ok((rest, CommandBody::Append { mailbox, messages }));
        }
    }
}

fn append_message(input: &[u8]) -> PResult<'_, AppendMessage<'_>> {
    let mut rest = input;
    let mut flags = Vec::new();
    if rest.first() == Some(&b'(') {
        let (tail, list) = flag_list(rest)?;
        let (tail, ()) = sp(tail)?;
        flags = list;
        rest = tail;
    }
    let mut date = None;
    if rest.first() == Some(&b'"') {
        let (tail, value) = date_time(rest)?;
        let (tail, ()) = sp(tail)?;
        date = Some(value);
        rest = tail;
    }
    let (rest, message) = literal(rest)?;
    Ok((
        rest,
        AppendMessage {
            flags,
            date,
            message,
        },
    ))
}

pub(crate) fn search_return_option(input: &[u8]) -> PResult<'_, SearchReturnOption<'_>> {
    let (rest, name) = atom(input)?;
    let option = named(&SEARCH_RETURN_OPTIONS, name)
        .unwrap_or(SearchReturnOption::Other(Atom::unchecked(name)));
    Ok((rest, option))
}

/// `[SP "RETURN" SP "(" [option *(SP option)] ")"]` (RFC 4731, RFC 5267): `None` when
/// absent, `Some(empty)` for `RETURN ()`.
pub(crate) fn search_return_options(
    input: &[u8],
) -> PResult<'_, Option<Vec<SearchReturnOption<'_>>>> {
    match input {
        [b' ', tail @ ..] if starts_with_word(tail, "RETURN") => {
            only_arg(&tail[6..], |i| paren_list(i, search_return_option), Some)
        }
        _ => Ok((input, None)),
    }
}

fn search(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (mut rest, return_options) = search_return_options(input)?;
    let mut charset = None;
    if let [b' ', tail @ ..] = rest
        && starts_with_word(tail, "CHARSET")
    {
        let (tail, value) = arg(&tail[7..], astring)?;
        charset = Some(value);
        rest = tail;
    }
    let (rest, criteria) = search_criteria(rest, depth)?;
    Ok((
        rest,
        CommandBody::Search {
            return_options,
            charset,
            criteria,
            uid,
        },
    ))
}

fn fetch(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (rest, set) = arg(input, command_sequence_set)?;
    let (rest, items) = arg(rest, |i| fetch_items(i, depth))?;
    let (rest, modifiers) = fetch_modifiers(rest)?;
    Ok((
        rest,
        CommandBody::Fetch {
            set,
            items,
            modifiers,
            uid,
        },
    ))
}

fn store(input: &[u8], uid: bool) -> PResult<'_, CommandBody<'_>> {
    let (rest, set) = arg(input, command_sequence_set)?;
    let (mut rest, ()) = sp(rest)?;
    let mut unchanged_since = None;
    if let Some(tail) = rest.strip_prefix(b"(") {
        let (tail, ()) = keyword(tail, "UNCHANGEDSINCE")?;
        let (tail, modseq) = arg(tail, number64)?;
        let (tail, ()) = byte(tail, b')', "`)`")?;
        let (tail, ()) = sp(tail)?;
        unchanged_since = Some(modseq);
        rest = tail;
    }
    let (kind, rest) = match rest.first() {
        Some(b'+') => (StoreKind::Add, &rest[1..]),
        Some(b'-') => (StoreKind::Remove, &rest[1..]),
        _ => (StoreKind::Replace, rest),
    };
    let (rest, ()) = keyword(rest, "FLAGS")?;
    let (silent, rest) = match keyword(rest, ".SILENT") {
        Ok((rest, ())) => (true, rest),
        Err(_) => (false, rest),
    };
    let (rest, flags) = arg(rest, store_flags)?;
    Ok((
        rest,
        CommandBody::Store {
            set,
            kind,
            silent,
            flags,
            unchanged_since,
            uid,
        },
    ))
}

/// The flags STORE sets: a list, or (as RFC 3501's grammar also allows) flags without
/// parentheses.
fn store_flags(input: &[u8]) -> PResult<'_, Vec<Flag<'_>>> {
    if input.first() == Some(&b'(') {
        return flag_list(input);
    }
    let (rest, first) = flag(input)?;
    let (rest, mut more) = space_list(rest, flag)?;
    more.insert(0, first);
    Ok((rest, more))
}

fn copy_or_move(input: &[u8], copy: bool, uid: bool) -> PResult<'_, CommandBody<'_>> {
    let (rest, set) = arg(input, command_sequence_set)?;
    let (rest, mailbox) = arg(rest, mailbox)?;
    let body = if copy {
        CommandBody::Copy { set, mailbox, uid }
    } else {
        CommandBody::Move { set, mailbox, uid }
    };
    Ok((rest, body))
}

/// A line answering an AUTHENTICATE challenge: base64 (empty for an empty response) or `*`.
pub(crate) fn authenticate_data(input: &[u8]) -> PResult<'_, AuthenticateData<'_>> {
    if let Some(rest) = input.strip_prefix(b"*") {
        let (rest, ()) = line_end(rest)?;
        return Ok((rest, AuthenticateData::Cancel));
    }
    if let Ok((rest, ())) = line_end(input) {
        return Ok((
            rest,
            AuthenticateData::Response(Secret::new(Cow::Borrowed(&[]))),
        ));
    }
    let (rest, data) = base64_data(input)?;
    let (rest, ()) = line_end(rest)?;
    Ok((rest, AuthenticateData::Response(Secret::new(data))))
}

/// `DONE`, ending IDLE.
pub(crate) fn idle_done(input: &[u8]) -> PResult<'_, ()> {
    let (rest, ()) = keyword(input, "DONE")?;
    line_end(rest)
}
