//! SEARCH: whether one message matches a key (RFC 3501 §6.4.4, RFC 7162 MODSEQ,
//! RFC 5032 OLDER/YOUNGER).
//!
//! String keys match a substring ignoring case: Unicode case when both sides are UTF-8,
//! ASCII case otherwise. Header keys look at the unfolded value both as written and with
//! its RFC 2047 encoded words decoded; BODY looks at the text parts with their transfer
//! encoding undone (and ISO-8859-1 converted); TEXT at the header and the body.

use std::borrow::Cow;

use memchr::memmem;

use super::date::unix_seconds;
use super::fetch::decoded_body;
use super::parse::{ParsedMessage, Part, PartKind, param};
use super::{MessageView, SearchContext};
use crate::imap::codec::types::{Date, Flag, SearchKey};
use crate::message::encoding::{decode_charset, decode_words};

/// Does the message `view` shows match `key`? `context` gives the largest sequence
/// number and UID (what `*` stands for) and the time now. A set holding `$` must be
/// resolved by the caller first; unresolved, `$` matches nothing. EMAILID and THREADID
/// match nothing: this server keeps no object ids.
pub(crate) fn matches(
    key: &SearchKey<'_>,
    view: &MessageView<'_>,
    context: &SearchContext,
) -> bool {
    use SearchKey as K;
    let has = |flag: Flag<'static>| view.flags.contains(&flag);
    let parsed = view.parsed;
    match key {
        K::All => true,
        K::Answered => has(Flag::Answered),
        K::Deleted => has(Flag::Deleted),
        K::Draft => has(Flag::Draft),
        K::Flagged => has(Flag::Flagged),
        K::Seen => has(Flag::Seen),
        K::Recent => has(Flag::Recent),
        K::New => has(Flag::Recent) && !has(Flag::Seen),
        K::Old => !has(Flag::Recent),
        K::Unanswered => !has(Flag::Answered),
        K::Undeleted => !has(Flag::Deleted),
        K::Undraft => !has(Flag::Draft),
        K::Unflagged => !has(Flag::Flagged),
        K::Unseen => !has(Flag::Seen),
        K::Keyword(keyword) => has_keyword(view, keyword.as_str()),
        K::Unkeyword(keyword) => !has_keyword(view, keyword.as_str()),
        K::Before(date) => view.internal_date.date < *date,
        K::On(date) => view.internal_date.date == *date,
        K::Since(date) => view.internal_date.date >= *date,
        K::SentBefore(date) => sent_date(view) < *date,
        K::SentOn(date) => sent_date(view) == *date,
        K::SentSince(date) => sent_date(view) >= *date,
        K::Larger(n) => parsed.size() > *n,
        K::Smaller(n) => parsed.size() < *n,
        K::From(s) => header_contains(parsed, "from", s.as_bytes()),
        K::To(s) => header_contains(parsed, "to", s.as_bytes()),
        K::Cc(s) => header_contains(parsed, "cc", s.as_bytes()),
        K::Bcc(s) => header_contains(parsed, "bcc", s.as_bytes()),
        K::Subject(s) => header_contains(parsed, "subject", s.as_bytes()),
        K::Header(name, s) => match std::str::from_utf8(name.as_bytes()) {
            Ok(name) => header_contains(parsed, name, s.as_bytes()),
            Err(_) => false,
        },
        K::Body(s) => body_contains(parsed, parsed.root(), s.as_bytes()),
        K::Text(s) => {
            let needle = s.as_bytes();
            let header = parsed.slice(parsed.root().header.clone());
            contains(header, needle)
                || contains(
                    decode_words(&String::from_utf8_lossy(header)).as_bytes(),
                    needle,
                )
                || body_contains(parsed, parsed.root(), needle)
        }
        K::Uid(set) => set.contains(view.uid, context.largest_uid) == Some(true),
        K::SequenceSet(set) => set.contains(view.seq, context.largest_seq) == Some(true),
        K::Not(inner) => !matches(inner, view, context),
        K::Or(left, right) => matches(left, view, context) || matches(right, view, context),
        K::And(keys) => keys.iter().all(|inner| matches(inner, view, context)),
        K::ModSeq(n) => view.modseq >= *n,
        K::Older(seconds) => unix_seconds(&view.internal_date) <= context.now - i64::from(*seconds),
        K::Younger(seconds) => {
            unix_seconds(&view.internal_date) >= context.now - i64::from(*seconds)
        }
        _ => false,
    }
}

/// The `Date:` header's date; a message without one that can be read counts as sent on
/// 1 January 1970, as Dovecot counts it (so SENTBEFORE finds it, SENTSINCE does not).
fn sent_date(view: &MessageView<'_>) -> Date {
    const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    view.parsed.sent_date().unwrap_or(EPOCH)
}

fn has_keyword(view: &MessageView<'_>, keyword: &str) -> bool {
    view.flags.iter().any(|flag| match flag {
        Flag::Keyword(atom) => atom.eq_ignore_case(keyword),
        // `KEYWORD \Seen` is not valid syntax, but a client may spell a system flag
        // as a keyword; such a flag is never a keyword.
        _ => false,
    })
}

/// True when some field `name` of the top message holds `needle`, as written or decoded.
/// An empty needle matches every message that has the field.
fn header_contains(parsed: &ParsedMessage, name: &str, needle: &[u8]) -> bool {
    parsed.fields_named(parsed.root(), name).any(|value| {
        contains(&value, needle)
            || contains(
                decode_words(&String::from_utf8_lossy(&value)).as_bytes(),
                needle,
            )
    })
}

/// True when a text part inside `part` holds `needle` once decoded. Enclosed messages
/// are searched too; nesting is bounded by the parser.
fn body_contains(parsed: &ParsedMessage, part: &Part, needle: &[u8]) -> bool {
    match &part.kind {
        PartKind::Multi(parts) => parts
            .iter()
            .any(|inner| body_contains(parsed, inner, needle)),
        PartKind::Message(inner) => {
            let header = parsed.slice(inner.header.clone());
            contains(header, needle) || body_contains(parsed, inner, needle)
        }
        // Only text is searched: an image or a PDF holds no words a client could mean.
        PartKind::Leaf if part.content_type.0 == "text" => {
            contains(&decoded_text(parsed, part), needle)
        }
        PartKind::Leaf => false,
    }
}

/// A leaf's body with its transfer encoding undone and, for text in a charset the crate
/// knows, as UTF-8.
fn decoded_text<'m>(parsed: &'m ParsedMessage, part: &'m Part) -> Cow<'m, [u8]> {
    let decoded = decoded_body(parsed, part);
    let charset = param(&part.params, "charset").and_then(|value| std::str::from_utf8(value).ok());
    match charset.and_then(|label| decode_charset(&decoded, label)) {
        Some(text) => Cow::Owned(text.into_bytes()),
        None => decoded,
    }
}

/// Substring search ignoring case: Unicode lower case when both are UTF-8, ASCII
/// otherwise. Linear in the haystack (memchr's two-way search), whatever the needle.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    match (std::str::from_utf8(haystack), std::str::from_utf8(needle)) {
        (Ok(hay), Ok(wanted)) if !hay.is_ascii() || !wanted.is_ascii() => memmem::find(
            hay.to_lowercase().as_bytes(),
            wanted.to_lowercase().as_bytes(),
        )
        .is_some(),
        _ => memmem::find(&haystack.to_ascii_lowercase(), &needle.to_ascii_lowercase()).is_some(),
    }
}

#[cfg(test)]
mod tests;
