//! The attributes of a mailbox in a LIST or LSUB response, as a set.

use super::core::owned_struct;
use super::mailbox::{MailboxAttribute, NAMED};

/// The attributes of a mailbox. Their order carries no meaning in IMAP, so they form a set:
/// well-known attributes are kept as bits (no allocation for the usual one or two), others
/// in the order they came.
///
/// ```
/// use mailwire::imap::codec::types::{MailboxAttribute, MailboxAttributes};
///
/// let attributes: MailboxAttributes = [MailboxAttribute::Sent, MailboxAttribute::HasNoChildren].into_iter().collect();
/// assert!(attributes.contains(&MailboxAttribute::Sent));
/// assert_eq!(attributes.len(), 2);
/// // Written in a fixed order.
/// assert_eq!(attributes.iter().next(), Some(MailboxAttribute::HasNoChildren));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MailboxAttributes<'a> {
    known: u32,
    other: Vec<MailboxAttribute<'a>>,
}

impl<'a> MailboxAttributes<'a> {
    /// No attributes.
    pub fn new() -> Self {
        MailboxAttributes::default()
    }

    /// Adds `attribute` (once).
    pub fn insert(&mut self, attribute: MailboxAttribute<'a>) {
        match attribute.known_index() {
            Some(index) => self.known |= 1 << index,
            None if !self.other.contains(&attribute) => self.other.push(attribute),
            None => {}
        }
    }

    /// Adds the well-known attribute at `index` in [`NAMED`] (what
    /// [`MailboxAttribute::known_at`] gives), without building the attribute first.
    #[inline(always)]
    pub(crate) fn insert_known(&mut self, index: u32) {
        self.known |= 1 << index;
    }

    /// True when the mailbox has `attribute`.
    pub fn contains(&self, attribute: &MailboxAttribute<'_>) -> bool {
        match attribute.known_index() {
            Some(index) => self.known & (1 << index) != 0,
            None => self.other.iter().any(|other| other == attribute),
        }
    }

    /// How many attributes.
    pub fn len(&self) -> usize {
        self.known.count_ones() as usize + self.other.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.known == 0 && self.other.is_empty()
    }

    /// The attributes: well-known ones in a fixed order, then the others as they came.
    pub fn iter(&self) -> impl Iterator<Item = MailboxAttribute<'a>> + '_ {
        NAMED
            .iter()
            .enumerate()
            .filter(|(index, _)| self.known & (1 << index) != 0)
            .map(|(_, (_, attribute))| attribute.clone())
            .chain(self.other.iter().cloned())
    }
}

impl<'a> FromIterator<MailboxAttribute<'a>> for MailboxAttributes<'a> {
    fn from_iter<I: IntoIterator<Item = MailboxAttribute<'a>>>(items: I) -> Self {
        let mut attributes = MailboxAttributes::new();
        for attribute in items {
            attributes.insert(attribute);
        }
        attributes
    }
}

owned_struct!(MailboxAttributes { known, other });
