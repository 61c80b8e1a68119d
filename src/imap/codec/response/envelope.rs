//! ENVELOPE.

use crate::imap::codec::grammar::core::{byte, nil, nstring, spaces};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{Address, AddressField, Envelope, NString};

/// One or more spaces between fields (servers have been seen doubling them).
#[inline(always)]
pub(crate) fn field_sep(input: &[u8]) -> PResult<'_, ()> {
    // Nearly always exactly one: decide that from two bytes.
    if let [b' ', next, ..] = input
        && *next != b' '
    {
        return Ok((&input[1..], ()));
    }
    let rest = spaces(input);
    if rest.len() == input.len() {
        return fail(input, "a space");
    }
    Ok((rest, ()))
}

#[inline(always)]
fn next_nstring(input: &[u8]) -> PResult<'_, NString<'_>> {
    let (rest, ()) = field_sep(input)?;
    nstring(rest)
}

/// One address, written into `slot` field by field as each is read: building it apart
/// and moving it in made the processor reload bytes it had just stored in smaller pieces,
/// which stalls it.
fn address_into<'a>(input: &'a [u8], slot: &mut Address<'a>) -> PResult<'a, ()> {
    let (rest, ()) = byte(input, b'(', "`(` to open an address")?;
    let (rest, name) = nstring(rest)?;
    slot.name = name;
    let (rest, adl) = next_nstring(rest)?;
    slot.adl = adl;
    let (rest, mailbox) = next_nstring(rest)?;
    slot.mailbox = mailbox;
    let (rest, host) = next_nstring(rest)?;
    slot.host = host;
    byte(spaces(rest), b')', "`)` to close an address")
}

/// An address list: NIL or `((...)(...))`, appended to `list`. Outlook.com puts spaces
/// between the addresses and Mail.ru sends `()` for an empty list; both are read.
fn address_list_into<'a>(input: &'a [u8], list: &mut Vec<Address<'a>>) -> PResult<'a, ()> {
    let (mut rest, ()) = field_sep(input)?;
    if let Ok((tail, ())) = nil(rest) {
        return Ok((tail, ()));
    }
    (rest, ()) = byte(rest, b'(', "`(` or NIL for an address list")?;
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, ()));
        }
        list.push(Address::EMPTY);
        let Some(slot) = list.last_mut() else {
            return fail(rest, "an address");
        };
        (rest, ()) = address_into(rest, slot)?;
    }
}

/// `envelope`, built in place on the heap: it is large, and moving it costs more than
/// parsing some of its fields.
pub(crate) fn envelope(input: &[u8]) -> PResult<'_, Box<Envelope<'_>>> {
    let (rest, ()) = byte(input, b'(', "`(` to open an envelope")?;
    let mut envelope = Box::new(Envelope::default());
    // From, sender, reply-to and one recipient fit without growing.
    envelope.reserve_addresses(4);
    let (rest, date) = nstring(rest)?;
    envelope.date = date;
    let (rest, subject) = next_nstring(rest)?;
    envelope.subject = subject;
    let mut rest = rest;
    for field in AddressField::ALL {
        (rest, ()) = address_list_into(rest, envelope.addresses_mut())?;
        if !envelope.end_list(field) {
            return fail(rest, "fewer addresses");
        }
    }
    let (rest, in_reply_to) = next_nstring(rest)?;
    envelope.in_reply_to = in_reply_to;
    let (rest, message_id) = next_nstring(rest)?;
    envelope.message_id = message_id;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the envelope")?;
    Ok((rest, envelope))
}
