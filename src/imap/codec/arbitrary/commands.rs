//! Commands: every [`CommandBody`] variant, with the search keys, FETCH attributes and
//! options each takes.

use std::borrow::Cow;

use ::arbitrary::{Arbitrary, Result, Unstructured};

use super::{
    MAX_DEPTH, Side, astring, atom, atom_where, capability, date, date_time, flags, list_of,
    literal, mailbox, number64, nz_u32, object_id, option_of, sequence_set, tag,
};
use crate::imap::codec::command::fetch::is_known_name;
use crate::imap::codec::command::sort::{sort_key, thread_algorithm};
use crate::imap::codec::grammar::chars;
use crate::imap::codec::types::{
    AString, AppendMessage, Command, CommandBody, FetchAttribute, FetchItems, FetchModifier,
    ListMailbox, ListReturnOption, Partial, Raw, SearchKey, SearchReturnOption, Secret, Section,
    SectionText, SelectParameter, SortCriterion, SortKey, StatusAttribute, StoreKind,
    ThreadAlgorithm, named,
};

const SIDE: Side = Side::Client;

impl<'a> Arbitrary<'a> for Command<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Command {
            tag: tag(u)?,
            body: command_body(u)?,
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (2, None)
    }
}

/// The number of [`CommandBody`] variants [`command_body`] makes, one per index.
pub(super) const COMMAND_KINDS: usize = 36;

fn command_body(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    use CommandBody as C;
    Ok(match u.choose_index(COMMAND_KINDS)? {
        0 => C::Capability,
        1 => C::Noop,
        2 => C::Logout,
        3 => C::StartTls,
        4 => C::Authenticate {
            mechanism: atom(u)?,
            initial_response: option_of(u, |u| {
                let len = u.int_in_range(0..=32)?;
                Ok(Secret::new(Cow::Owned(u.bytes(len.min(u.len()))?.to_vec())))
            })?,
        },
        5 => C::Login {
            username: astring(u, SIDE)?,
            password: Secret::new(astring(u, SIDE)?),
        },
        6 => C::Select {
            mailbox: mailbox(u, SIDE)?,
            parameters: list_of(u, 0, select_parameter)?,
        },
        7 => C::Examine {
            mailbox: mailbox(u, SIDE)?,
            parameters: list_of(u, 0, select_parameter)?,
        },
        8 => C::Create {
            mailbox: mailbox(u, SIDE)?,
        },
        9 => C::Delete {
            mailbox: mailbox(u, SIDE)?,
        },
        10 => C::Rename {
            from: mailbox(u, SIDE)?,
            to: mailbox(u, SIDE)?,
        },
        11 => C::Subscribe {
            mailbox: mailbox(u, SIDE)?,
        },
        12 => C::Unsubscribe {
            mailbox: mailbox(u, SIDE)?,
        },
        13 => C::List {
            selection: list_of(u, 0, atom)?,
            reference: mailbox(u, SIDE)?,
            patterns: list_of(u, 1, list_mailbox)?,
            return_options: list_of(u, 0, list_return_option)?,
        },
        14 => C::Lsub {
            reference: mailbox(u, SIDE)?,
            pattern: list_mailbox(u)?,
        },
        15 => C::Status {
            mailbox: mailbox(u, SIDE)?,
            attributes: list_of(u, 0, status_attribute)?,
        },
        16 => C::Append {
            mailbox: mailbox(u, SIDE)?,
            messages: list_of(u, 1, append_message)?,
        },
        17 => C::Check,
        18 => C::Close,
        19 => C::Expunge,
        20 => C::UidExpunge(sequence_set(u, true)?),
        21 => C::Unselect,
        22 => C::Search {
            return_options: option_of(u, |u| list_of(u, 0, search_return_option))?,
            charset: option_of(u, |u| astring(u, SIDE))?,
            criteria: list_of(u, 1, |u| search_key(u, MAX_DEPTH))?,
            uid: u.arbitrary()?,
        },
        23 => C::Sort {
            criteria: list_of(u, 1, sort_criterion)?,
            charset: astring(u, SIDE)?,
            search: list_of(u, 1, |u| search_key(u, MAX_DEPTH))?,
            return_options: option_of(u, |u| list_of(u, 0, search_return_option))?,
            uid: u.arbitrary()?,
        },
        24 => C::Thread {
            algorithm: thread_algorithm_value(u)?,
            charset: astring(u, SIDE)?,
            search: list_of(u, 1, |u| search_key(u, MAX_DEPTH))?,
            uid: u.arbitrary()?,
        },
        25 => C::Fetch {
            set: sequence_set(u, true)?,
            items: fetch_items(u)?,
            modifiers: list_of(u, 0, fetch_modifier)?,
            uid: u.arbitrary()?,
        },
        26 => C::Store {
            set: sequence_set(u, true)?,
            kind: *u.choose(&[StoreKind::Replace, StoreKind::Add, StoreKind::Remove])?,
            silent: u.arbitrary()?,
            flags: flags(u, false)?,
            unchanged_since: option_of(u, number64)?,
            uid: u.arbitrary()?,
        },
        27 => C::Copy {
            set: sequence_set(u, true)?,
            mailbox: mailbox(u, SIDE)?,
            uid: u.arbitrary()?,
        },
        28 => C::Move {
            set: sequence_set(u, true)?,
            mailbox: mailbox(u, SIDE)?,
            uid: u.arbitrary()?,
        },
        29 => C::Idle,
        30 => C::Namespace,
        31 => C::Id(super::responses::id_parameters(u, SIDE)?),
        32 => C::Enable(list_of(u, 1, capability)?),
        33 => C::GetQuota(astring(u, SIDE)?),
        34 => C::GetQuotaRoot(mailbox(u, SIDE)?),
        _ => C::SetQuota {
            root: astring(u, SIDE)?,
            limits: list_of(u, 0, |u| Ok((atom(u)?, number64(u)?)))?,
        },
    })
}

/// A SELECT parameter: CONDSTORE, or another name (a letter, `-`, `_` or `.` first) with
/// no value, a number, a sequence set or a balanced list.
fn select_parameter(u: &mut Unstructured<'_>) -> Result<SelectParameter<'static>> {
    if u.ratio(1, 3)? {
        return Ok(SelectParameter::CondStore);
    }
    let name = atom_where(
        u,
        |name| {
            let first = name.as_bytes().first().copied().unwrap_or(b'0');
            (first.is_ascii_alphabetic() || matches!(first, b'-' | b'_' | b'.'))
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
                && !name.eq_ignore_ascii_case("CONDSTORE")
        },
        "QRESYNC",
    )?;
    const VALUES: &[&str] = &[
        "42",
        "1:*",
        "1,3:5,$",
        "(67890007 90060115194045000)",
        "(1 (2 \"x\") ())",
    ];
    let value = option_of(u, |u| {
        Ok(Raw(Cow::Owned(u.choose(VALUES)?.as_bytes().to_vec())))
    })?;
    Ok(SelectParameter::Other { name, value })
}

/// A LIST pattern: bare (LIST-CHARs, wildcards included) or a string.
fn list_mailbox(u: &mut Unstructured<'_>) -> Result<ListMailbox<'static>> {
    Ok(if u.arbitrary::<bool>()? {
        let text = super::word(u, &["*", "%", "INBOX.%", "Archive/*"], chars::LIST, 12)?;
        ListMailbox::Token(Cow::Owned(text))
    } else {
        ListMailbox::String(super::istring(u, SIDE)?)
    })
}

/// Every STATUS attribute; the first [`NUMBERED_STATUS`] come back as numbers (the
/// others, MAILBOXID and APPENDLIMIT, have answers of their own).
pub(super) const STATUS_ATTRIBUTES: [StatusAttribute; 10] = [
    StatusAttribute::Messages,
    StatusAttribute::Recent,
    StatusAttribute::UidNext,
    StatusAttribute::UidValidity,
    StatusAttribute::Unseen,
    StatusAttribute::HighestModSeq,
    StatusAttribute::Size,
    StatusAttribute::Deleted,
    StatusAttribute::MailboxId,
    StatusAttribute::AppendLimit,
];

/// How many of [`STATUS_ATTRIBUTES`] a server answers with a number.
pub(super) const NUMBERED_STATUS: usize = 8;

fn status_attribute(u: &mut Unstructured<'_>) -> Result<StatusAttribute> {
    Ok(*u.choose(&STATUS_ATTRIBUTES)?)
}

fn list_return_option(u: &mut Unstructured<'_>) -> Result<ListReturnOption<'static>> {
    Ok(match u.choose_index(5)? {
        0 => ListReturnOption::Subscribed,
        1 => ListReturnOption::Children,
        2 => ListReturnOption::SpecialUse,
        3 => ListReturnOption::Status(list_of(u, 0, status_attribute)?),
        _ => ListReturnOption::Other(atom_where(
            u,
            |name| {
                named(&crate::imap::codec::types::LIST_RETURN_OPTIONS, name).is_none()
                    && !name.eq_ignore_ascii_case("STATUS")
            },
            "MYRIGHTS",
        )?),
    })
}

fn append_message(u: &mut Unstructured<'_>) -> Result<AppendMessage<'static>> {
    Ok(AppendMessage {
        flags: flags(u, false)?,
        date: option_of(u, date_time)?,
        message: literal(u, SIDE, true)?,
    })
}

fn search_return_option(u: &mut Unstructured<'_>) -> Result<SearchReturnOption<'static>> {
    use SearchReturnOption as O;
    Ok(match u.choose_index(6)? {
        0 => O::Min,
        1 => O::Max,
        2 => O::All,
        3 => O::Count,
        4 => O::Save,
        _ => O::Other(atom_where(
            u,
            |name| named(&crate::imap::codec::types::SEARCH_RETURN_OPTIONS, name).is_none(),
            "PARTIAL",
        )?),
    })
}

/// The number of [`SearchKey`] variants [`search_key`] makes.
pub(super) const SEARCH_KEY_KINDS: usize = 42;

/// A search key; `depth` bounds NOT, OR and groups.
fn search_key(u: &mut Unstructured<'_>, depth: usize) -> Result<SearchKey<'static>> {
    use SearchKey as K;
    // Past the depth, only keys without keys inside.
    let kinds = if depth == 0 { 36 } else { SEARCH_KEY_KINDS };
    let string = |u: &mut Unstructured<'_>| astring(u, SIDE);
    Ok(match u.choose_index(kinds)? {
        0 => K::All,
        1 => K::Answered,
        2 => K::Bcc(string(u)?),
        3 => K::Before(date(u)?),
        4 => K::Body(string(u)?),
        5 => K::Cc(string(u)?),
        6 => K::Deleted,
        7 => K::Draft,
        8 => K::Flagged,
        9 => K::From(string(u)?),
        10 => K::Header(string(u)?, string(u)?),
        11 => K::Keyword(atom(u)?),
        12 => K::Larger(u.arbitrary()?),
        13 => K::New,
        14 => K::Old,
        15 => K::On(date(u)?),
        16 => K::Recent,
        17 => K::Seen,
        18 => K::SentBefore(date(u)?),
        19 => K::SentOn(date(u)?),
        20 => K::SentSince(date(u)?),
        21 => K::Since(date(u)?),
        22 => K::Smaller(u.arbitrary()?),
        23 => K::Subject(string(u)?),
        24 => K::Text(string(u)?),
        25 => K::To(string(u)?),
        26 => K::Uid(sequence_set(u, true)?),
        27 => K::Unanswered,
        28 => K::Undeleted,
        29 => K::Undraft,
        30 => K::Unflagged,
        31 => K::Unkeyword(atom(u)?),
        32 => K::Unseen,
        33 => K::SequenceSet(sequence_set(u, true)?),
        34 => K::ModSeq(number64(u)?),
        35 => match u.choose_index(4)? {
            0 => K::Older(nz_u32(u)?),
            1 => K::Younger(nz_u32(u)?),
            2 => K::EmailId(object_id(u)?),
            _ => K::ThreadId(object_id(u)?),
        },
        // Keys holding keys.
        36 | 37 => K::Not(Box::new(search_key(u, depth - 1)?)),
        38 | 39 => K::Or(
            Box::new(search_key(u, depth - 1)?),
            Box::new(search_key(u, depth - 1)?),
        ),
        _ => K::And(list_of(u, 1, |u| search_key(u, depth - 1))?),
    })
}

fn sort_criterion(u: &mut Unstructured<'_>) -> Result<SortCriterion<'static>> {
    let key = if u.ratio(1, 4)? {
        SortKey::Other(atom_where(
            u,
            |name| {
                matches!(sort_key(name), SortKey::Other(_)) && !name.eq_ignore_ascii_case("REVERSE")
            },
            "X-SCORE",
        )?)
    } else {
        u.choose(&crate::imap::codec::types::SORT_KEYS)?.1.clone()
    };
    Ok(SortCriterion {
        reverse: u.arbitrary()?,
        key,
    })
}

fn thread_algorithm_value(u: &mut Unstructured<'_>) -> Result<ThreadAlgorithm<'static>> {
    Ok(if u.ratio(1, 4)? {
        ThreadAlgorithm::Other(atom_where(
            u,
            |name| matches!(thread_algorithm(name), ThreadAlgorithm::Other(_)),
            "X-THREAD",
        )?)
    } else {
        u.choose(&crate::imap::codec::types::THREAD_ALGORITHMS)?
            .1
            .clone()
    })
}

fn fetch_items(u: &mut Unstructured<'_>) -> Result<FetchItems<'static>> {
    Ok(match u.choose_index(6)? {
        0 => FetchItems::All,
        1 => FetchItems::Fast,
        2 => FetchItems::Full,
        _ => FetchItems::Attributes(list_of(u, 1, fetch_attribute)?),
    })
}

fn part(u: &mut Unstructured<'_>) -> Result<Vec<u32>> {
    let count = u.int_in_range(0..=3)?;
    (0..count).map(|_| nz_u32(u)).collect()
}

fn partial(u: &mut Unstructured<'_>) -> Result<Option<Partial>> {
    option_of(u, |u| {
        Ok(Partial {
            offset: u.arbitrary()?,
            length: nz_u32(u)?,
        })
    })
}

/// A header field name list: astrings.
fn header_fields(u: &mut Unstructured<'_>, side: Side) -> Result<Vec<AString<'static>>> {
    list_of(u, 1, |u| astring(u, side))
}

/// A BODY[...] section; MIME only after a part number.
pub(super) fn section(u: &mut Unstructured<'_>, side: Side) -> Result<Section<'static>> {
    let part = part(u)?;
    let kinds = if part.is_empty() { 6 } else { 7 };
    let text = match u.choose_index(kinds)? {
        0 | 1 => None,
        2 => Some(SectionText::Header),
        3 => Some(SectionText::Text),
        4 => Some(SectionText::HeaderFields(header_fields(u, side)?)),
        5 => Some(SectionText::HeaderFieldsNot(header_fields(u, side)?)),
        _ => Some(SectionText::Mime),
    };
    Ok(Section { part, text })
}

/// The number of [`FetchAttribute`] variants [`fetch_attribute`] makes.
pub(super) const FETCH_ATTRIBUTE_KINDS: usize = 24;

fn fetch_attribute(u: &mut Unstructured<'_>) -> Result<FetchAttribute<'static>> {
    use FetchAttribute as F;
    Ok(match u.choose_index(FETCH_ATTRIBUTE_KINDS)? {
        0 => F::Envelope,
        1 => F::Flags,
        2 => F::InternalDate,
        3 => F::Rfc822,
        4 => F::Rfc822Header,
        5 => F::Rfc822Size,
        6 => F::Rfc822Text,
        7 => F::Body,
        8 => F::BodyStructure,
        9 => F::Uid,
        10 => F::BodySection {
            section: section(u, SIDE)?,
            partial: partial(u)?,
            peek: u.arbitrary()?,
        },
        11 => F::Binary {
            section: part(u)?,
            partial: partial(u)?,
            peek: u.arbitrary()?,
        },
        12 => F::BinarySize { section: part(u)? },
        13 => F::ModSeq,
        14 => F::EmailId,
        15 => F::ThreadId,
        16 => F::GmailMessageId,
        17 => F::GmailThreadId,
        18 => F::GmailLabels,
        19 => F::Preview { lazy: false },
        20 => F::Preview { lazy: true },
        21 => F::SaveDate,
        _ => other_fetch_attribute(u)?,
    })
}

/// An attribute this codec does not know: a name that is none of the known ones, then
/// optionally a section and partial range, and a balanced argument list.
fn other_fetch_attribute(u: &mut Unstructured<'_>) -> Result<FetchAttribute<'static>> {
    let name = atom_where(
        u,
        |name| !name.contains(['[', '<']) && !is_known_name(name.as_bytes()),
        "X-SPAM-SCORE",
    )?;
    const SECTIONS: &[&str] = &["[]", "[1.2 x]", "<5>", "<0.100>", "[HEADER]<1.2>"];
    const ARGUMENTS: &[&str] = &["(1)", "(a (b \"c\") ())", "()"];
    let section = option_of(u, |u| {
        Ok(Raw(Cow::Owned(u.choose(SECTIONS)?.as_bytes().to_vec())))
    })?;
    let arguments = option_of(u, |u| {
        Ok(Raw(Cow::Owned(u.choose(ARGUMENTS)?.as_bytes().to_vec())))
    })?;
    Ok(FetchAttribute::Other {
        name,
        section,
        arguments,
    })
}

fn fetch_modifier(u: &mut Unstructured<'_>) -> Result<FetchModifier> {
    Ok(if u.arbitrary::<bool>()? {
        FetchModifier::ChangedSince(number64(u)?)
    } else {
        FetchModifier::Vanished
    })
}
