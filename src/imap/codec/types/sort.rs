//! What SORT and THREAD commands ask for (RFC 5256; display names, RFC 5957).
//!
//! ```
//! use mailwire::imap::codec::types::{CommandBody, SearchKey, SortCriterion, SortKey, ThreadAlgorithm};
//!
//! // Newest first, then by subject.
//! let sort = CommandBody::sort(
//!     vec![SortCriterion::reverse(SortKey::Date), SortCriterion::new(SortKey::Subject)],
//!     SearchKey::unseen(),
//!     true,
//! );
//! assert!(matches!(&sort, CommandBody::Sort { criteria, uid: true, .. } if criteria[0].reverse));
//!
//! let thread = CommandBody::thread(ThreadAlgorithm::References, SearchKey::all(), false);
//! assert!(matches!(thread, CommandBody::Thread { algorithm: ThreadAlgorithm::References, .. }));
//! ```

use super::core::{Atom, name_in, owned_enum, owned_struct};

/// What messages are ordered by (`sort-key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortKey<'a> {
    /// `ARRIVAL`: the internal date and time.
    Arrival,
    /// `CC`: the first Cc address's mailbox (local part).
    Cc,
    /// `DATE`: the Date header, or the internal date when there is none.
    Date,
    /// `FROM`: the first From address's mailbox (local part).
    From,
    /// `SIZE`: RFC822.SIZE.
    Size,
    /// `SUBJECT`: the base subject (without `Re:`, `Fwd:` and the like).
    Subject,
    /// `TO`: the first To address's mailbox (local part).
    To,
    /// `DISPLAYFROM`: the first From address's display name (RFC 5957).
    DisplayFrom,
    /// `DISPLAYTO`: the first To address's display name (RFC 5957).
    DisplayTo,
    /// A key from another extension (`RELEVANCY`, RFC 6203), by name.
    Other(Atom<'a>),
}

/// The keys this codec knows, by name: what SORT reads and writes.
pub(crate) static SORT_KEYS: [(&str, SortKey<'static>); 9] = [
    ("ARRIVAL", SortKey::Arrival),
    ("CC", SortKey::Cc),
    ("DATE", SortKey::Date),
    ("FROM", SortKey::From),
    ("SIZE", SortKey::Size),
    ("SUBJECT", SortKey::Subject),
    ("TO", SortKey::To),
    ("DISPLAYFROM", SortKey::DisplayFrom),
    ("DISPLAYTO", SortKey::DisplayTo),
];

impl SortKey<'_> {
    /// The key's name for the known keys; `None` for [`SortKey::Other`].
    pub fn name(&self) -> Option<&'static str> {
        name_in(&SORT_KEYS, self)
    }
}

owned_enum!(SortKey {
    Arrival, Cc, Date, From, Size, Subject, To, DisplayFrom, DisplayTo, Other(name),
});

/// One `sort-criterion`: a key, ascending or (`REVERSE key`) descending.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortCriterion<'a> {
    /// True for `REVERSE`: largest first.
    pub reverse: bool,
    /// What to order by.
    pub key: SortKey<'a>,
}

owned_struct!(SortCriterion { reverse, key });

impl<'a> SortCriterion<'a> {
    /// `key`, smallest first.
    pub fn new(key: SortKey<'a>) -> Self {
        SortCriterion {
            reverse: false,
            key,
        }
    }

    /// `REVERSE key`, largest first.
    pub fn reverse(key: SortKey<'a>) -> Self {
        SortCriterion { reverse: true, key }
    }
}

/// How THREAD groups messages (`thread-alg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThreadAlgorithm<'a> {
    /// `ORDEREDSUBJECT`: by base subject, then date (RFC 5256).
    OrderedSubject,
    /// `REFERENCES`: by References and In-Reply-To, as in JWZ's algorithm (RFC 5256).
    References,
    /// `REFS`: REFERENCES without merging threads by subject, threads ordered by their
    /// newest message (THREAD=REFS, an Internet-Draft that Dovecot implements).
    Refs,
    /// Another algorithm, by name.
    Other(Atom<'a>),
}

/// The algorithms this codec knows, by name: what THREAD reads and writes.
pub(crate) static THREAD_ALGORITHMS: [(&str, ThreadAlgorithm<'static>); 3] = [
    ("ORDEREDSUBJECT", ThreadAlgorithm::OrderedSubject),
    ("REFERENCES", ThreadAlgorithm::References),
    ("REFS", ThreadAlgorithm::Refs),
];

impl ThreadAlgorithm<'_> {
    /// The algorithm's name for the known ones; `None` for [`ThreadAlgorithm::Other`].
    pub fn name(&self) -> Option<&'static str> {
        name_in(&THREAD_ALGORITHMS, self)
    }
}

owned_enum!(ThreadAlgorithm { OrderedSubject, References, Refs, Other(name) });
