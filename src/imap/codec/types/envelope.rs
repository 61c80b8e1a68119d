//! ENVELOPE: the parsed headers of a message.

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

owned_struct!(Address {
    name,
    adl,
    mailbox,
    host
});

/// The envelope structure of a message. Empty address lists are NIL on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Envelope<'a> {
    /// `Date:`
    pub date: NString<'a>,
    /// `Subject:`
    pub subject: NString<'a>,
    /// `From:`
    pub from: Vec<Address<'a>>,
    /// `Sender:`
    pub sender: Vec<Address<'a>>,
    /// `Reply-To:`
    pub reply_to: Vec<Address<'a>>,
    /// `To:`
    pub to: Vec<Address<'a>>,
    /// `Cc:`
    pub cc: Vec<Address<'a>>,
    /// `Bcc:`
    pub bcc: Vec<Address<'a>>,
    /// `In-Reply-To:`
    pub in_reply_to: NString<'a>,
    /// `Message-ID:`
    pub message_id: NString<'a>,
}

owned_struct!(Envelope {
    date,
    subject,
    from,
    sender,
    reply_to,
    to,
    cc,
    bcc,
    in_reply_to,
    message_id
});
