//! ENVELOPE.

use crate::imap::codec::grammar::core::{byte, nil, nstring, paren_list, spaces};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{Address, Envelope, NString};

/// One or more spaces between fields (servers have been seen doubling them).
#[inline]
pub(crate) fn field_sep(input: &[u8]) -> PResult<'_, ()> {
    let rest = spaces(input);
    if rest.len() == input.len() {
        return fail(input, "a space");
    }
    Ok((rest, ()))
}

#[inline]
fn next_nstring(input: &[u8]) -> PResult<'_, NString<'_>> {
    let (rest, ()) = field_sep(input)?;
    nstring(rest)
}

fn address(input: &[u8]) -> PResult<'_, Address<'_>> {
    let (rest, ()) = byte(input, b'(', "`(` to open an address")?;
    let (rest, name) = nstring(rest)?;
    let (rest, adl) = next_nstring(rest)?;
    let (rest, mailbox) = next_nstring(rest)?;
    let (rest, host) = next_nstring(rest)?;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close an address")?;
    Ok((
        rest,
        Address {
            name,
            adl,
            mailbox,
            host,
        },
    ))
}

/// An address list: NIL or `((...)(...))`. Outlook.com puts spaces between the addresses
/// and Mail.ru sends `()` for an empty list; both are read.
fn address_list(input: &[u8]) -> PResult<'_, Vec<Address<'_>>> {
    match nil(input) {
        Ok((rest, ())) => Ok((rest, Vec::new())),
        Err(_) => paren_list(input, address),
    }
}

#[inline]
fn next_address_list(input: &[u8]) -> PResult<'_, Vec<Address<'_>>> {
    let (rest, ()) = field_sep(input)?;
    address_list(rest)
}

/// `envelope`.
pub(crate) fn envelope(input: &[u8]) -> PResult<'_, Envelope<'_>> {
    let (rest, ()) = byte(input, b'(', "`(` to open an envelope")?;
    let (rest, date) = nstring(rest)?;
    let (rest, subject) = next_nstring(rest)?;
    let (rest, from) = next_address_list(rest)?;
    let (rest, sender) = next_address_list(rest)?;
    let (rest, reply_to) = next_address_list(rest)?;
    let (rest, to) = next_address_list(rest)?;
    let (rest, cc) = next_address_list(rest)?;
    let (rest, bcc) = next_address_list(rest)?;
    let (rest, in_reply_to) = next_nstring(rest)?;
    let (rest, message_id) = next_nstring(rest)?;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the envelope")?;
    Ok((
        rest,
        Envelope {
            date,
            subject,
            from,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            in_reply_to,
            message_id,
        },
    ))
}
