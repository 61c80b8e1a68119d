//! ENVELOPE: the parsed headers of a message.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use super::core::{NString, owned_struct};

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

/// How many addresses an envelope holds in itself. A server fills sender and reply-to from
/// From when the message lacks them, so four covers a message to one recipient: the
/// commonest envelope then costs one allocation, not two.
const INLINE_ADDRESSES: usize = 4;

/// The envelope structure of a message. Empty address lists are NIL on the wire.
///
/// The six address lists are stored together: the first four addresses inside the
/// envelope itself, all of them in one vector once there are more (a FETCH of many
/// envelopes would otherwise allocate six times per message). Read them with
/// [`from`](Envelope::from) and its siblings, set them with
/// [`set_addresses`](Envelope::set_addresses).
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
#[derive(Clone)]
pub struct Envelope<'a> {
    /// `Date:`
    pub date: NString<'a>,
    /// `Subject:`
    pub subject: NString<'a>,
    /// `In-Reply-To:`
    pub in_reply_to: NString<'a>,
    /// `Message-ID:`
    pub message_id: NString<'a>,
    /// The addresses while there are at most [`INLINE_ADDRESSES`]; the slots past them,
    /// and all of them once the addresses have moved to `spilled`, are [`Address::EMPTY`].
    inline: [Address<'a>; INLINE_ADDRESSES],
    /// Every address once there are more than [`INLINE_ADDRESSES`]; empty until then.
    spilled: Vec<Address<'a>>,
    /// How many addresses there are (saturating: only its being at most
    /// [`INLINE_ADDRESSES`] or not decides where they are).
    len: u32,
    /// Where each list ends among the addresses (from, sender, reply-to, to, cc and bcc,
    /// one after the other): never decreasing, the last is their number.
    ends: [u32; 6],
}

impl Default for Envelope<'_> {
    fn default() -> Self {
        Envelope::EMPTY
    }
}

/// One accessor per address list, named for the header it stands for
/// (`envelope.reply_to()`), each [`Envelope::addresses`] of its field.
macro_rules! address_lists {
    ($($(#[$doc:meta])* $name:ident: $field:ident),* $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> &[Address<'a>] {
            self.addresses(AddressField::$field)
        }
    )*};
}

impl<'a> Envelope<'a> {
    /// An envelope with every field NIL and no addresses: what [`Default`] gives, as a
    /// constant so that a parser can copy it straight to where the envelope lives.
    pub(crate) const EMPTY: Envelope<'static> = Envelope {
        date: None,
        subject: None,
        in_reply_to: None,
        message_id: None,
        inline: [Address::EMPTY; INLINE_ADDRESSES],
        spilled: Vec::new(),
        len: 0,
        ends: [0; 6],
    };

    /// All addresses, list after list.
    fn stored(&self) -> &[Address<'a>] {
        match self.inline.get(..self.len as usize) {
            Some(inline) => inline,
            None => &self.spilled,
        }
    }

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
        self.stored().get(self.range(field)).unwrap_or(&[])
    }

    /// Replaces one address list.
    pub fn set_addresses(
        &mut self,
        field: AddressField,
        list: impl IntoIterator<Item = Address<'a>>,
    ) {
        let range = self.range(field);
        let mut all = self.take_addresses();
        let before = all.len();
        all.splice(range, list);
        // A list of more than 2^32 addresses cannot come from a line within any limit;
        // saturating keeps the ranges ordered even then.
        let grown = |end: u32| {
            let moved = (end as usize + all.len()).saturating_sub(before);
            u32::try_from(moved).unwrap_or(u32::MAX)
        };
        for end in self.ends.iter_mut().skip(field as usize) {
            *end = grown(*end);
        }
        self.len = u32::try_from(all.len()).unwrap_or(u32::MAX);
        if all.len() <= INLINE_ADDRESSES {
            for (slot, address) in self.inline.iter_mut().zip(all) {
                *slot = address;
            }
        } else {
            self.spilled = all;
        }
    }

    /// Moves every address out, leaving none.
    fn take_addresses(&mut self) -> Vec<Address<'a>> {
        let len = self.len as usize;
        self.len = 0;
        if len <= INLINE_ADDRESSES {
            self.inline
                .iter_mut()
                .take(len)
                .map(|slot| std::mem::replace(slot, Address::EMPTY))
                .collect()
        } else {
            std::mem::take(&mut self.spilled)
        }
    }

    /// A new address, [`Address::EMPTY`] for a parser to fill in place, after those pushed
    /// so far; close each list with [`end_list`](Envelope::end_list). `None` past 2^32 - 1
    /// addresses.
    #[inline(always)]
    pub(crate) fn push_address(&mut self) -> Option<&mut Address<'a>> {
        let at = self.len as usize;
        if at < INLINE_ADDRESSES {
            self.len += 1;
            return self.inline.get_mut(at);
        }
        self.push_spilled()
    }

    /// [`push_address`](Envelope::push_address) past the inline addresses: moves them to
    /// `spilled` first if they are still inline.
    #[cold]
    fn push_spilled(&mut self) -> Option<&mut Address<'a>> {
        self.len = self.len.checked_add(1)?;
        if self.spilled.is_empty() {
            self.spilled.reserve(2 * INLINE_ADDRESSES);
            self.spilled.extend(
                self.inline
                    .iter_mut()
                    .map(|slot| std::mem::replace(slot, Address::EMPTY)),
            );
        }
        self.spilled.push(Address::EMPTY);
        self.spilled.last_mut()
    }

    /// Ends list `field` at the addresses pushed so far: a parser calls it for every list,
    /// in wire order.
    #[inline(always)]
    pub(crate) fn end_list(&mut self, field: AddressField) {
        if let Some(slot) = self.ends.get_mut(field as usize) {
            *slot = self.len;
        }
    }

    address_lists! {
        /// `From:`
        from: From,
        /// `Sender:`
        sender: Sender,
        /// `Reply-To:`
        reply_to: ReplyTo,
        /// `To:`
        to: To,
        /// `Cc:`
        cc: Cc,
        /// `Bcc:`
        bcc: Bcc,
    }
}

/// Equal when the fields and the six lists are: where the addresses are kept is no part
/// of the value.
impl PartialEq for Envelope<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.date == other.date
            && self.subject == other.subject
            && self.ends == other.ends
            && self.stored() == other.stored()
            && self.in_reply_to == other.in_reply_to
            && self.message_id == other.message_id
    }
}

impl Eq for Envelope<'_> {}

impl Hash for Envelope<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.date.hash(state);
        self.subject.hash(state);
        self.ends.hash(state);
        self.stored().hash(state);
        self.in_reply_to.hash(state);
        self.message_id.hash(state);
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

owned_struct!(Envelope {
    date,
    subject,
    in_reply_to,
    message_id,
    inline,
    spilled,
    len,
    ends
});

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;

    use super::*;
    use crate::imap::codec::types::{IString, IntoOwned};

    fn person(mailbox: &'static str) -> Address<'static> {
        Address {
            name: None,
            adl: None,
            mailbox: Some(IString::from(mailbox)),
            host: Some(IString::from("example.com")),
        }
    }

    fn people(mailboxes: &[&'static str]) -> Vec<Address<'static>> {
        mailboxes.iter().map(|m| person(m)).collect()
    }

    fn hash(envelope: &Envelope<'_>) -> u64 {
        let mut hasher = DefaultHasher::new();
        envelope.hash(&mut hasher);
        hasher.finish()
    }

    fn lists(envelope: &Envelope<'_>) -> Vec<Vec<Address<'static>>> {
        AddressField::ALL
            .iter()
            .map(|&field| envelope.addresses(field).to_vec().into_owned())
            .collect()
    }

    #[test]
    fn lists_grow_past_what_fits_inline_and_shrink_back() {
        let mut envelope = Envelope::default();
        envelope.set_addresses(AddressField::From, people(&["alice"]));
        envelope.set_addresses(AddressField::Cc, people(&["carol", "dave"]));
        envelope.set_addresses(AddressField::To, people(&["bob"]));
        assert_eq!(
            lists(&envelope)[3..5],
            [people(&["bob"]), people(&["carol", "dave"])]
        );
        // A fifth and sixth address: all of them now live apart.
        envelope.set_addresses(AddressField::Bcc, people(&["erin", "frank"]));
        assert_eq!(
            lists(&envelope),
            [
                people(&["alice"]),
                vec![],
                vec![],
                people(&["bob"]),
                people(&["carol", "dave"]),
                people(&["erin", "frank"]),
            ]
        );
        envelope.set_addresses(AddressField::Sender, people(&["grace"]));
        assert_eq!(envelope.sender(), people(&["grace"]));
        assert_eq!(envelope.bcc(), people(&["erin", "frank"]));
        // Back to four: inline again, and equal to an envelope that never left.
        envelope.set_addresses(AddressField::Bcc, []);
        envelope.set_addresses(AddressField::Sender, []);
        let mut direct = Envelope::default();
        direct.set_addresses(AddressField::From, people(&["alice"]));
        direct.set_addresses(AddressField::To, people(&["bob"]));
        direct.set_addresses(AddressField::Cc, people(&["carol", "dave"]));
        assert_eq!(envelope, direct);
        assert_eq!(hash(&envelope), hash(&direct));
        assert!(envelope.spilled.is_empty());
    }

    #[test]
    fn where_the_addresses_live_is_no_part_of_the_value() {
        let many = people(&["a", "b", "c", "d", "e"]);
        let mut spilled = Envelope::default();
        spilled.set_addresses(AddressField::To, many.clone());
        spilled.set_addresses(AddressField::To, people(&["a"]));
        let mut inline = Envelope::default();
        inline.set_addresses(AddressField::To, people(&["a"]));
        assert_eq!(spilled, inline);
        assert_eq!(hash(&spilled), hash(&inline));
        // The same addresses split into other lists are another envelope.
        let mut moved = Envelope::default();
        moved.set_addresses(AddressField::Cc, people(&["a"]));
        assert_ne!(moved, inline);
        spilled.set_addresses(AddressField::To, many.clone());
        assert_eq!(spilled.to(), many);
        assert_eq!(spilled.clone(), spilled);
    }

    #[test]
    fn into_owned_keeps_every_list_inline_or_not() {
        let text = String::from("ann bob cid dan eve");
        let borrowed: Vec<Address<'_>> = text
            .split(' ')
            .map(|mailbox| Address {
                mailbox: Some(IString::from(mailbox)),
                ..Address::EMPTY
            })
            .collect();
        for split in [1, 3] {
            let mut envelope = Envelope {
                subject: Some(IString::from(&text[..3])),
                ..Envelope::default()
            };
            envelope.set_addresses(AddressField::From, borrowed[..split].to_vec());
            envelope.set_addresses(AddressField::To, borrowed[split..].to_vec());
            let owned: Envelope<'static> = envelope.to_static();
            assert_eq!(owned, envelope);
            assert_eq!(owned.from().len(), split);
        }
        let mut few = Envelope::default();
        few.set_addresses(AddressField::Cc, borrowed[..2].to_vec());
        let owned = few.clone().into_owned();
        assert_eq!((owned.cc(), owned.to()), (few.cc(), &[][..]));
    }
}
