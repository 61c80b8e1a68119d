//! What FETCH and SEARCH need to know of one message, until the message analysis
//! (`message::fetch_items`, `message::matches`) takes over: the items a store holds
//! directly (UID, FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ, the whole message and its
//! header and text) and the criteria that need no MIME parsing.

use std::borrow::Cow;

use crate::imap::codec::types::{
    DateTime, FetchAttribute, FetchItem, FetchItems, Flag, IString, SearchKey, Section,
    SectionText, SequenceSet,
};
use crate::testing::mail::ServerMode;
use crate::testing::mail::mailbox::same_flag;

/// One message of the selected mailbox as FETCH and SEARCH see it.
pub(super) struct MessageView<'a> {
    pub(super) seq: u32,
    pub(super) uid: u32,
    pub(super) flags: &'a [Flag<'static>],
    pub(super) internal_date: DateTime,
    pub(super) modseq: u64,
    pub(super) data: &'a [u8],
}

/// The numbers SEARCH needs besides the message: `*` and `$`.
pub(super) struct SearchContext {
    pub(super) largest_seq: u32,
    pub(super) largest_uid: u32,
    pub(super) saved_seqs: SequenceSet,
    pub(super) saved_uids: SequenceSet,
}

/// The attributes a FETCH asks for, its macros expanded (RFC 3501 §6.4.5).
pub(super) fn attributes<'a>(items: &'a FetchItems<'a>) -> Cow<'a, [FetchAttribute<'a>]> {
    use FetchAttribute as A;
    match items {
        FetchItems::Fast => Cow::Owned(vec![A::Flags, A::InternalDate, A::Rfc822Size]),
        FetchItems::All => Cow::Owned(vec![A::Flags, A::InternalDate, A::Rfc822Size, A::Envelope]),
        FetchItems::Full => Cow::Owned(vec![
            A::Flags,
            A::InternalDate,
            A::Rfc822Size,
            A::Envelope,
            A::Body,
        ]),
        FetchItems::Attributes(list) => Cow::Borrowed(list),
    }
}

/// Where the header ends: after the first empty line (or the whole message).
fn header_end(data: &[u8]) -> usize {
    let mut at = 0;
    while let Some(lf) = data[at..].iter().position(|&b| b == b'\n') {
        let line = &data[at..at + lf];
        at += lf + 1;
        if line.is_empty() || line == b"\r" {
            return at;
        }
    }
    data.len()
}

fn clip(data: &[u8], partial: Option<crate::imap::codec::types::Partial>) -> &[u8] {
    match partial {
        None => data,
        Some(partial) => {
            let start = (partial.offset as usize).min(data.len());
            let end = start
                .saturating_add(partial.length as usize)
                .min(data.len());
            &data[start..end]
        }
    }
}

/// The items for one message in the order asked; UID first for a UID FETCH.
pub(super) fn fetch_items<'a>(
    view: &MessageView<'a>,
    attributes: &[FetchAttribute<'_>],
    uid: bool,
    mode: ServerMode,
) -> Vec<FetchItem<'a>> {
    use FetchAttribute as A;
    let mut items = Vec::with_capacity(attributes.len() + 1);
    if uid && !attributes.iter().any(|a| matches!(a, A::Uid)) {
        items.push(FetchItem::Uid(view.uid));
    }
    let data = view.data;
    let split = header_end(data);
    for attribute in attributes {
        let item = match attribute {
            A::Uid => FetchItem::Uid(view.uid),
            A::Flags => FetchItem::Flags(view.flags.iter().cloned().collect()),
            A::InternalDate => FetchItem::InternalDate(view.internal_date),
            A::Rfc822Size => FetchItem::Rfc822Size(data.len() as u64),
            A::ModSeq => FetchItem::ModSeq(Some(view.modseq)),
            A::BodySection {
                section, partial, ..
            } if section.part.is_empty() => {
                let bytes = match &section.text {
                    None => Some(data),
                    Some(SectionText::Header) => Some(&data[..split]),
                    Some(SectionText::Text) => Some(&data[split..]),
                    _ => None,
                };
                FetchItem::BodySection {
                    section: Section {
                        part: Vec::new(),
                        text: section
                            .text
                            .clone()
                            .map(crate::imap::codec::types::IntoOwned::into_owned),
                    },
                    origin: partial.map(|partial| partial.offset),
                    data: bytes.map(|bytes| IString::new(clip(bytes, *partial))),
                }
            }
            A::Rfc822 | A::Rfc822Text if mode == ServerMode::Icloud => continue,
            A::Rfc822 => FetchItem::Rfc822(Some(IString::new(data))),
            A::Rfc822Header => FetchItem::Rfc822Header(Some(IString::new(&data[..split]))),
            A::Rfc822Text => FetchItem::Rfc822Text(Some(IString::new(&data[split..]))),
            _ => continue,
        };
        items.push(item);
    }
    items
}

/// True when the FETCH reads a message's content without PEEK, which sets `\Seen`.
/// (iCloud answers RFC822 and RFC822.TEXT with nothing, so they read nothing there.)
pub(super) fn reads(attributes: &[FetchAttribute<'_>], mode: ServerMode) -> bool {
    attributes.iter().any(|attribute| match attribute {
        FetchAttribute::BodySection { peek: false, .. }
        | FetchAttribute::Binary { peek: false, .. } => true,
        FetchAttribute::Rfc822 | FetchAttribute::Rfc822Text => mode != ServerMode::Icloud,
        _ => false,
    })
}

fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Whether a header field `name` of the top header holds `value`.
fn header_holds(data: &[u8], name: &str, value: &[u8]) -> bool {
    let header = &data[..header_end(data)];
    let mut holds = false;
    let mut current = false;
    for line in header.split(|&b| b == b'\n') {
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            holds |= current && contains_ignoring_case(line, value);
            continue;
        }
        current = line.len() > name.len()
            && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && line[name.len()] == b':';
        if current {
            holds |= contains_ignoring_case(&line[name.len() + 1..], value);
        }
    }
    holds
}

fn has(view: &MessageView<'_>, flag: &Flag<'_>) -> bool {
    view.flags.iter().any(|own| same_flag(own, flag))
}

/// Whether the message matches `key`.
pub(super) fn matches(
    key: &SearchKey<'_>,
    view: &MessageView<'_>,
    context: &SearchContext,
) -> bool {
    use SearchKey as K;
    let date = view.internal_date.date;
    let day = |d: &crate::imap::codec::types::Date| (d.year, d.month, d.day);
    match key {
        K::All => true,
        K::Answered => has(view, &Flag::Answered),
        K::Deleted => has(view, &Flag::Deleted),
        K::Draft => has(view, &Flag::Draft),
        K::Flagged => has(view, &Flag::Flagged),
        K::Seen => has(view, &Flag::Seen),
        K::Unanswered => !has(view, &Flag::Answered),
        K::Undeleted => !has(view, &Flag::Deleted),
        K::Undraft => !has(view, &Flag::Draft),
        K::Unflagged => !has(view, &Flag::Flagged),
        K::Unseen => !has(view, &Flag::Seen),
        K::New | K::Recent => false,
        K::Old => true,
        K::Keyword(atom) => has(view, &Flag::Keyword(atom.clone())),
        K::Unkeyword(atom) => !has(view, &Flag::Keyword(atom.clone())),
        K::Larger(n) => view.data.len() as u64 > u64::from(*n),
        K::Smaller(n) => (view.data.len() as u64) < u64::from(*n),
        K::Before(d) => day(&date) < day(d),
        K::On(d) => day(&date) == day(d),
        K::Since(d) => day(&date) >= day(d),
        K::ModSeq(n) => view.modseq >= *n,
        K::Uid(set) => {
            set.resolve(&context.saved_uids)
                .contains(view.uid, context.largest_uid)
                == Some(true)
        }
        K::SequenceSet(set) => {
            set.resolve(&context.saved_seqs)
                .contains(view.seq, context.largest_seq)
                == Some(true)
        }
        K::Not(inner) => !matches(inner, view, context),
        K::Or(a, b) => matches(a, view, context) || matches(b, view, context),
        K::And(keys) => keys.iter().all(|key| matches(key, view, context)),
        K::From(value) => header_holds(view.data, "From", value.as_bytes()),
        K::To(value) => header_holds(view.data, "To", value.as_bytes()),
        K::Cc(value) => header_holds(view.data, "Cc", value.as_bytes()),
        K::Bcc(value) => header_holds(view.data, "Bcc", value.as_bytes()),
        K::Subject(value) => header_holds(view.data, "Subject", value.as_bytes()),
        K::Header(name, value) => match name.as_str() {
            Some(name) => header_holds(view.data, name, value.as_bytes()),
            None => false,
        },
        K::Body(value) => {
            contains_ignoring_case(&view.data[header_end(view.data)..], value.as_bytes())
        }
        K::Text(value) => contains_ignoring_case(view.data, value.as_bytes()),
        _ => false,
    }
}
