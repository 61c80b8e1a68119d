//! Message analysis for the in-memory IMAP server: what FETCH and SEARCH need to know of
//! a stored message, as pure functions of its bytes (no I/O, no locks).
//!
//! A message is read once into a [`ParsedMessage`] (never failing, whatever the bytes);
//! from it come the ENVELOPE, BODY and BODYSTRUCTURE, every `BODY[section]<partial>`, the
//! FETCH items of one message ([`fetch_items`]) and whether it matches a SEARCH key
//! ([`matches`]). Every value is the codec's own type, so the codec's encoder writes the
//! answer.
//!
//! ```ignore
//! // Crate-private: the doctest cannot reach it; the same steps run as
//! // `tests::module_example_runs` below.
//! let parsed = ParsedMessage::parse(Arc::from(&b"Subject: hi\r\n\r\nhello\r\n"[..]));
//! let view = MessageView { seq: 1, uid: 7, flags: &[], internal_date, modseq: 1, parsed: &parsed };
//! let answer = fetch_items(&view, &[FetchAttribute::Uid, FetchAttribute::Rfc822Size], FetchOptions::default());
//! assert_eq!(answer.items, [FetchItem::Uid(7), FetchItem::Rfc822Size(22)]);
//! assert!(matches(&SearchKey::subject("HI"), &view, &SearchContext::default()));
//! ```

mod date;
mod envelope;
mod fetch;
mod parse;
mod search;
mod section;
mod structure;

use std::borrow::Cow;

use crate::imap::codec::types::{
    BodyStructure, Date, DateTime, Envelope, FetchItem, Flag, Section,
};

pub(crate) use fetch::{attributes, fetch_items};
pub(crate) use parse::ParsedMessage;
pub(crate) use search::matches;

impl ParsedMessage {
    /// ENVELOPE of the message.
    pub(crate) fn envelope(&self) -> Envelope<'_> {
        envelope::envelope(self, self.root())
    }

    /// BODYSTRUCTURE (`extensible`) or BODY of the message.
    pub(crate) fn body_structure(&self, extensible: bool) -> BodyStructure<'_> {
        structure::body_structure(self, self.root(), extensible)
    }

    /// BODY[section] (no partial): the bytes, `None` when the section names nothing and
    /// the answer is NIL.
    pub(crate) fn section(&self, section: &Section<'_>) -> Option<Cow<'_, [u8]>> {
        section::section(self, section)
    }

    /// The date of the `Date:` header (for SENTBEFORE/SENTON/SENTSINCE).
    pub(crate) fn sent_date(&self) -> Option<Date> {
        self.header(self.root(), "date")
            .and_then(|value| date::header_date(&value))
    }
}

/// What FETCH and SEARCH need to know of one message in a selected mailbox.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessageView<'a> {
    /// Its sequence number in the session.
    pub(crate) seq: u32,
    /// Its UID.
    pub(crate) uid: u32,
    /// Its flags; `\Recent` among them when this session sees it as recent.
    pub(crate) flags: &'a [Flag<'static>],
    /// When the server received it.
    pub(crate) internal_date: DateTime,
    /// Its mod-sequence (CONDSTORE).
    pub(crate) modseq: u64,
    /// Its analysis.
    pub(crate) parsed: &'a ParsedMessage,
}

/// How a FETCH is answered beyond the attributes asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FetchOptions {
    /// A UID FETCH: the answer carries UID whether asked or not.
    pub(crate) uid: bool,
    /// RFC822 and RFC822.TEXT give nothing at all, as iCloud answers them (set it for the
    /// Icloud server mode).
    pub(crate) rfc822_answers_nothing: bool,
    /// The mailbox was opened with EXAMINE: reading a message does not set `\Seen`.
    pub(crate) read_only: bool,
}

/// The FETCH answer for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FetchAnswer<'a> {
    /// The items, in the order asked.
    pub(crate) items: Vec<FetchItem<'a>>,
    /// The fetch read the body of a message not yet `\Seen`, without PEEK, in a read-write
    /// mailbox: the items already show `\Seen` among the FLAGS, the caller stores it.
    pub(crate) sets_seen: bool,
}

/// What SEARCH needs to know of the mailbox and the moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SearchContext {
    /// The largest sequence number (what `*` stands for in a sequence set).
    pub(crate) largest_seq: u32,
    /// The largest UID (what `*` stands for in a UID set).
    pub(crate) largest_uid: u32,
    /// Now, in seconds since 1970-01-01 UTC (for OLDER and YOUNGER).
    pub(crate) now: i64,
}

#[cfg(test)]
mod tests;
