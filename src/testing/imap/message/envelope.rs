//! ENVELOPE: the fields of RFC 3501 §7.4.2 read from a message's (or an enclosed
//! message's) header.
//!
//! Values go out as the header has them, unfolded but not RFC 2047-decoded, which is what
//! IMAP sends. Addresses are read leniently: an address missing its domain or local part
//! gets `MISSING_DOMAIN` / `MISSING_MAILBOX` (a NIL host would read as the start of a
//! group), and groups are written as RFC 3501 says: an entry naming the group with NIL
//! host, the members, then an entry with every field NIL.

use std::borrow::Cow;

use super::parse::{ParsedMessage, Part};
use crate::imap::codec::types::{Address, AddressField, Envelope, IString, NString};

/// Stands in for a local part an address lacks.
const MISSING_MAILBOX: &[u8] = b"MISSING_MAILBOX";
/// Stands in for a domain an address lacks.
const MISSING_DOMAIN: &[u8] = b"MISSING_DOMAIN";

/// The envelope of the message whose header is `part`'s.
pub(crate) fn envelope<'m>(message: &'m ParsedMessage, part: &'m Part) -> Envelope<'m> {
    let text = |name: &str| -> NString<'m> { message.header(part, name).map(IString::new) };
    let mut envelope = Envelope::default();
    envelope.date = text("date");
    envelope.subject = text("subject");
    envelope.in_reply_to = text("in-reply-to");
    envelope.message_id = text("message-id");
    let list = |name: &str| -> Vec<Address<'m>> {
        message
            .header(part, name)
            .map(|value| parse_address_list(&value))
            .unwrap_or_default()
    };
    let from = list("from");
    let sender = match list("sender") {
        empty if empty.is_empty() => from.clone(),
        sender => sender,
    };
    let reply_to = match list("reply-to") {
        empty if empty.is_empty() => from.clone(),
        reply_to => reply_to,
    };
    envelope.set_addresses(AddressField::From, from);
    envelope.set_addresses(AddressField::Sender, sender);
    envelope.set_addresses(AddressField::ReplyTo, reply_to);
    envelope.set_addresses(AddressField::To, list("to"));
    envelope.set_addresses(AddressField::Cc, list("cc"));
    envelope.set_addresses(AddressField::Bcc, list("bcc"));
    envelope
}

/// A lexical piece of an address list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An atom (dots included) or a quoted string's content, and whether blanks came
    /// before it (display names keep one space between words).
    Word { text: Vec<u8>, spaced: bool },
    /// One of `<>,:;@`.
    Special(u8),
}

/// Splits an address list into words and specials, skipping comments and blanks.
fn tokens(input: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut spaced = false;
    while let Some(&byte) = input.get(at) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => {
                spaced = true;
                at += 1;
            }
            b'(' => {
                // Nested comments counted, not recursed into.
                let mut depth = 0usize;
                while let Some(&b) = input.get(at) {
                    at += 1;
                    match b {
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        b'\\' => at += 1,
                        _ => {}
                    }
                }
                spaced = true;
            }
            b'<' | b'>' | b',' | b':' | b';' | b'@' => {
                out.push(Token::Special(byte));
                spaced = false;
                at += 1;
            }
            b'"' => {
                at += 1;
                let mut text = Vec::new();
                while let Some(&b) = input.get(at) {
                    at += 1;
                    match b {
                        b'"' => break,
                        b'\\' => {
                            if let Some(&escaped) = input.get(at) {
                                text.push(escaped);
                                at += 1;
                            }
                        }
                        other => text.push(other),
                    }
                }
                out.push(Token::Word { text, spaced });
                spaced = false;
            }
            _ => {
                let start = at;
                while let Some(&b) = input.get(at) {
                    if matches!(
                        b,
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b'('
                            | b'<'
                            | b'>'
                            | b','
                            | b':'
                            | b';'
                            | b'@'
                            | b'"'
                    ) {
                        break;
                    }
                    at += 1;
                }
                out.push(Token::Word {
                    text: input.get(start..at).unwrap_or_default().to_vec(),
                    spaced,
                });
                spaced = false;
            }
        }
    }
    out
}

/// A display name or group name: the words joined by single spaces.
fn phrase(words: &[Token]) -> Vec<u8> {
    let mut out = Vec::new();
    for token in words {
        match token {
            Token::Word { text, spaced } => {
                if *spaced && !out.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(text);
            }
            // A stray special in a phrase (`a@b <c@d>`) is kept as written.
            Token::Special(b) => out.push(*b),
        }
    }
    out
}

fn nstring(bytes: Vec<u8>) -> NString<'static> {
    Some(IString::new(Cow::Owned(bytes)))
}

/// An address from the tokens of an addr-spec (`local@domain`, maybe with a source route
/// in front) and an optional display name.
fn mailbox(name: Option<Vec<u8>>, spec: &[Token]) -> Option<Address<'static>> {
    // The source route `@a,@b:` of an obsolete route-addr.
    let (adl, spec) = match spec.first() {
        Some(Token::Special(b'@')) => match spec.iter().position(|t| *t == Token::Special(b':')) {
            Some(colon) => (
                Some(phrase(spec.get(..colon).unwrap_or_default())),
                spec.get(colon + 1..).unwrap_or_default(),
            ),
            None => (None, spec),
        },
        _ => (None, spec),
    };
    if spec.is_empty() && name.is_none() {
        return None;
    }
    let at = spec.iter().rposition(|t| *t == Token::Special(b'@'));
    let join = |tokens: &[Token]| -> Vec<u8> {
        tokens
            .iter()
            .flat_map(|token| match token {
                Token::Word { text, .. } => text.clone(),
                Token::Special(b) => vec![*b],
            })
            .collect()
    };
    let (local, domain) = match at {
        Some(at) => (
            join(spec.get(..at).unwrap_or_default()),
            join(spec.get(at + 1..).unwrap_or_default()),
        ),
        None => (join(spec), Vec::new()),
    };
    let or_missing = |value: Vec<u8>, missing: &[u8]| {
        if value.is_empty() {
            missing.to_vec()
        } else {
            value
        }
    };
    Some(Address {
        name: name.filter(|name| !name.is_empty()).and_then(nstring),
        adl: adl.and_then(nstring),
        mailbox: nstring(or_missing(local, MISSING_MAILBOX)),
        host: nstring(or_missing(domain, MISSING_DOMAIN)),
    })
}

/// Reads an address list (`From:`, `To:` ...) into envelope addresses, groups as RFC 3501
/// writes them. Never fails: what cannot be read becomes the best address it can.
pub(crate) fn parse_address_list(value: &[u8]) -> Vec<Address<'static>> {
    let tokens = tokens(value);
    let mut out = Vec::new();
    let mut pending: Vec<Token> = Vec::new();
    let mut in_group = false;
    let mut index = 0;
    let mut angle: Option<(Vec<u8>, Vec<Token>)> = None;
    // The `:` ending a source route has been read inside the current `<...>`.
    let mut route_ended = false;
    while let Some(token) = tokens.get(index) {
        index += 1;
        if let Some((_, spec)) = angle.as_mut() {
            // Inside `<...>`: a source route (`<@a,@b:x@y>`) may hold `,` and `:`; other
            // addresses end at `>`, or, unclosed, at the next separator.
            let route = matches!(spec.first(), Some(Token::Special(b'@'))) && !route_ended;
            match token {
                Token::Special(b'>') => {
                    let (name, spec) = angle.take().unwrap_or_default();
                    out.extend(mailbox(Some(name), &spec));
                    pending.clear();
                    // Whatever follows `>` up to the separator is not part of the address.
                    while tokens
                        .get(index)
                        .is_some_and(|next| !matches!(next, Token::Special(b',' | b';')))
                    {
                        index += 1;
                    }
                }
                Token::Special(b',' | b';') if !route => {
                    let (name, spec) = angle.take().unwrap_or_default();
                    out.extend(mailbox(Some(name), &spec));
                    // The separator is read again, outside the address.
                    index -= 1;
                }
                other => {
                    // Checked here, once per token, so that a long address stays linear.
                    route_ended |= *other == Token::Special(b':');
                    spec.push(other.clone());
                }
            }
            continue;
        }
        match token {
            Token::Special(b'<') => {
                route_ended = false;
                angle = Some((phrase(&pending), Vec::new()));
                pending.clear();
            }
            Token::Special(b':') if !in_group => {
                out.push(Address {
                    mailbox: nstring(phrase(&pending)),
                    ..Address::EMPTY
                });
                pending.clear();
                in_group = true;
            }
            Token::Special(b',') => {
                out.extend(mailbox(None, &pending));
                pending.clear();
            }
            Token::Special(b';') if in_group => {
                out.extend(mailbox(None, &pending));
                pending.clear();
                out.push(Address::EMPTY);
                in_group = false;
            }
            other => pending.push(other.clone()),
        }
    }
    if let Some((name, spec)) = angle.take() {
        out.extend(mailbox(Some(name), &spec));
    } else {
        out.extend(mailbox(None, &pending));
    }
    if in_group {
        out.push(Address::EMPTY);
    }
    out
}

#[cfg(test)]
mod tests;
