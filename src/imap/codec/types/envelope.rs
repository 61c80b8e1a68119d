//! ENVELOPE: the parsed headers of a message.

use std::fmt;
use std::ops::Range;

use super::core::{IntoOwned, NString, owned_struct};

/// One address of an envelope (RFC 3501 §7.4.2). A group is written as an address with no
/// host starting the group, members, then an address with neither mailbox nor host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address<'a> {
    /// Display name.
    pub name: NString<'a>,
    /// Source route (obsolete).
    pub adl: NString<'a>,
    /// Local part, or group name.
    pub mailbox: NString<'a>,
    /// Domain.
    pub host: NString<'a>,
}

impl Address<'_> {
    /// An address with every field NIL.
    pub const EMPTY: Address<'static> = Address {
        name: None,
        adl: None,
        mailbox: None,
        host: None,
    };
}

owned_struct!(Address {
    name,
    adl,
    mailbox,
    host
});

/// The six address lists of an envelope, in the order the wire carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressField {
    /// `From:`
    From,
    /// `Sender:`
    Sender,
    /// `Reply-To:`
    ReplyTo,
    /// `To:`
    To,
    /// `Cc:`
    Cc,
    /// `Bcc:`
    Bcc,
}

impl AddressField {
    /// All six, in wire order.
    pub const ALL: [AddressField; 6] = [
        AddressField::From,
        AddressField::Sender,
        AddressField::ReplyTo,
        AddressField::To,
        AddressField::Cc,
        AddressField::Bcc,
    ];
}

/// The envelope structure of a message. Empty address lists are NIL on the wire.
///
/// The six address lists share one allocation (a FETCH of many envelopes would otherwise
/// allocate six times per message); read them with [`from`](Envelope::from) and its
/// siblings, set them with [`set_addresses`](Envelope::set_addresses).
///
/// ```
/// use mailwire::imap::codec::types::{Address, AddressField, Envelope, IString};
///
/// let jane = Address {
///     name: Some(IString::from("Jane Roe")),
///     adl: None,
///     mailbox: Some(IString::from("jane")),
///     host: Some(IString::from("example.com")),
/// };
/// let mut envelope = Envelope::default();
/// envelope.subject = Some(IString::from("Hi"));
/// envelope.set_addresses(AddressField::From, vec![jane.clone()]);
/// envelope.set_addresses(AddressField::To, vec![jane.clone(), jane]);
/// assert_eq!((envelope.from().len(), envelope.sender().len(), envelope.to().len()), (1, 0, 2));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Envelope<'a> {
    /// `Date:`
    pub date: NString<'a>,
    /// `Subject:`
    pub subject: NString<'a>,
    /// From, sender, reply-to, to, cc and bcc, one list after the other.
    addresses: Vec<Address<'a>>,
    /// Where each list ends in `addresses`: never decreasing, the last is its length.
    ends: [u32; 6],
    /// `In-Reply-To:`
    pub in_reply_to: NString<'a>,
    /// `Message-ID:`
    pub message_id: NString<'a>,
}

impl<'a> Envelope<'a> {
    fn range(&self, field: AddressField) -> Range<usize> {
        let index = field as usize;
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(index).copied().unwrap_or(start);
        start as usize..end as usize
    }

    /// One address list (empty when the server sent NIL).
    pub fn addresses(&self, field: AddressField) -> &[Address<'a>] {
        self.addresses.get(self.range(field)).unwrap_or(&[])
    }

    /// Replaces one address list.
    pub fn set_addresses(
        &mut self,
        field: AddressField,
        list: impl IntoIterator<Item = Address<'a>>,
    ) {
        let range = self.range(field);
        let before = self.addresses.len();
        self.addresses.splice(range, list);
        // A list of more than 2^32 addresses cannot come from a line within any limit;
        // saturating keeps the ranges ordered even then.
        let grown = |end: u32| {
            let moved = (end as usize + self.addresses.len()).saturating_sub(before);
            u32::try_from(moved).unwrap_or(u32::MAX)
        };
        for end in self.ends.iter_mut().skip(field as usize) {
            *end = grown(*end);
        }
    }

    /// The addresses, for a parser that fills the lists in wire order and closes each with
    /// [`end_list`](Envelope::end_list).
    pub(crate) fn addresses_mut(&mut self) -> &mut Vec<Address<'a>> {
        &mut self.addresses
    }

    /// Ends list `field` at the addresses pushed so far: a parser calls it for every list,
    /// in wire order. Refuses (returns `false`) past 2^32 - 1 addresses.
    pub(crate) fn end_list(&mut self, field: AddressField) -> bool {
        match (
            u32::try_from(self.addresses.len()),
            self.ends.get_mut(field as usize),
        ) {
            (Ok(end), Some(slot)) => {
                *slot = end;
                true
            }
            _ => false,
        }
    }

    /// Room for `n` addresses without growing.
    pub(crate) fn reserve_addresses(&mut self, n: usize) {
        self.addresses.reserve_exact(n);
    }

    /// `From:`
    pub fn from(&self) -> &[Address<'a>] {
        self.addresses(AddressField::From)
    }

    /// `Sender:`
    pub fn sender(&self) -> &[Address<'a>] {
        self.addresses(AddressField::Sender)
    }

    /// `Reply-To:`
    pub fn reply_to(&self) -> &[Address<'a>] {
        self.addresses(AddressField::ReplyTo)
    }

    /// `To:`
    pub fn to(&self) -> &[Address<'a>] {
        self.addresses(AddressField::To)
    }

    /// `Cc:`
    pub fn cc(&self) -> &[Address<'a>] {
        self.addresses(AddressField::Cc)
    }

    /// `Bcc:`
    pub fn bcc(&self) -> &[Address<'a>] {
        self.addresses(AddressField::Bcc)
    }
}

impl fmt::Debug for Envelope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("date", &self.date)
            .field("subject", &self.subject)
            .field("from", &self.from())
            .field("sender", &self.sender())
            .field("reply_to", &self.reply_to())
            .field("to", &self.to())
            .field("cc", &self.cc())
            .field("bcc", &self.bcc())
            .field("in_reply_to", &self.in_reply_to)
            .field("message_id", &self.message_id)
            .finish()
    }
}

impl IntoOwned for Envelope<'_> {
    type Owned = Envelope<'static>;
    fn into_owned(self) -> Envelope<'static> {
        Envelope {
            date: self.date.into_owned(),
            subject: self.subject.into_owned(),
            addresses: self.addresses.into_owned(),
            ends: self.ends,
            in_reply_to: self.in_reply_to.into_owned(),
            message_id: self.message_id.into_owned(),
        }
    }
}
