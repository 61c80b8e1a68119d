//! ENVELOPE.

use crate::imap::codec::grammar::core::{byte, nil, nil_or_items, nstring, quoted_lenient, spaces};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{Address, AddressField, Envelope, IString, NString};
use crate::keyword::Spelled;

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

/// One of the envelope's strings. `LENIENT` reads quoted strings with unescaped `"` in
/// them (see [`envelope`]); the strict reading is the grammar's `nstring`.
#[inline(always)]
fn field<const LENIENT: bool>(input: &[u8]) -> PResult<'_, NString<'_>> {
    if LENIENT && input.first() == Some(&b'"') {
        return quoted_lenient(input, continues_envelope)
            .map(|(rest, value)| (rest, Some(IString::Quoted(value))));
    }
    nstring(input)
}

/// True when what follows a `"` can go on with an envelope or an address: stray spaces and
/// `)`, or a space and the start of the next field (a string, a list or NIL). A `"`
/// followed by anything else cannot end a string there, so the lenient reading keeps it.
fn continues_envelope(after: &[u8]) -> bool {
    let next = spaces(after);
    match next {
        [b')', ..] => true,
        _ if next.len() == after.len() => false,
        [b'"' | b'(' | b'{', ..] | [b'~', b'{', ..] => true,
        _ => nil(next).is_ok(),
    }
}

#[inline(always)]
fn next_nstring<const LENIENT: bool>(input: &[u8]) -> PResult<'_, NString<'_>> {
    let (rest, ()) = field_sep(input)?;
    field::<LENIENT>(rest)
}

/// One address, written into `slot` field by field as each is read: building it apart
/// and moving it in made the processor reload bytes it had just stored in smaller pieces,
/// which stalls it. `slot` is [`Address::EMPTY`], as [`Envelope::push_address`] hands it
/// out, so each NIL a field replaces owns nothing.
fn address_into<'a, const LENIENT: bool>(
    input: &'a [u8],
    slot: &mut Address<'a>,
) -> PResult<'a, ()> {
    let (rest, ()) = byte(input, b'(', "`(` to open an address")?;
    let (rest, name) = field::<LENIENT>(rest)?;
    slot.name = name;
    // The source route is obsolete: NIL, then one space, nearly always. The slot is NIL
    // already.
    const NIL_ROUTE: Spelled = Spelled::new(" NIL ").leaving(1);
    let rest = match NIL_ROUTE.strip_prefix(rest) {
        Some(tail) => tail,
        None => {
            let (rest, adl) = next_nstring::<LENIENT>(rest)?;
            slot.adl = adl;
            rest
        }
    };
    let (rest, mailbox) = next_nstring::<LENIENT>(rest)?;
    slot.mailbox = mailbox;
    let (rest, host) = next_nstring::<LENIENT>(rest)?;
    slot.host = host;
    byte(spaces(rest), b')', "`)` to close an address")
}

/// An address list: NIL or `((...)(...))`, appended to the envelope's addresses. Outlook.com
/// puts spaces between the addresses and Mail.ru sends `()` for an empty list; both are
/// read.
fn address_list_into<'a, const LENIENT: bool>(
    input: &'a [u8],
    envelope: &mut Envelope<'a>,
) -> PResult<'a, ()> {
    let (rest, ()) = field_sep(input)?;
    nil_or_items(rest, "`(` or NIL for an address list", |rest| {
        let Some(slot) = envelope.push_address() else {
            return fail(rest, "fewer addresses");
        };
        address_into::<LENIENT>(rest, slot)
    })
}

/// `envelope`. iCloud (MailCore2 issue 1967) and others (jakarta mail-api issue 669) send
/// Message-IDs and subjects with unescaped `"` in quoted strings. When the strict reading
/// fails, the envelope is read once more with the lenient one, where a `"` inside a string
/// ends it only if the envelope can go on after it (see [`continues_envelope`]); the rest
/// of the grammar is the same, so a value is only taken when all ten fields and every
/// address read. Both readings stay inside the message the framer delimited, and the second
/// costs at most one more pass over the envelope, only for envelopes that need it.
pub(crate) fn envelope(input: &[u8]) -> PResult<'_, Box<Envelope<'_>>> {
    match envelope_as::<false>(input) {
        Err(nom::Err::Error(strict)) => {
            envelope_lenient(input).map_err(|_| nom::Err::Error(strict))
        }
        read => read,
    }
}

#[cold]
#[inline(never)]
fn envelope_lenient(input: &[u8]) -> PResult<'_, Box<Envelope<'_>>> {
    envelope_as::<true>(input)
}

/// `envelope`, built in place on the heap: it is large, and moving it costs more than
/// parsing some of its fields. The date and subject are read before the box is made: the
/// compiler sees them stored into a fresh box, with no old value to drop first.
#[inline(always)]
fn envelope_as<const LENIENT: bool>(input: &[u8]) -> PResult<'_, Box<Envelope<'_>>> {
    let (rest, ()) = byte(input, b'(', "`(` to open an envelope")?;
    let (rest, date) = field::<LENIENT>(rest)?;
    let (mut rest, subject) = next_nstring::<LENIENT>(rest)?;
    let mut envelope = Box::new(Envelope::EMPTY);
    envelope.date = date;
    envelope.subject = subject;
    for field in AddressField::ALL {
        (rest, ()) = address_list_into::<LENIENT>(rest, &mut envelope)?;
        envelope.end_list(field);
    }
    let (rest, in_reply_to) = next_nstring::<LENIENT>(rest)?;
    envelope.in_reply_to = in_reply_to;
    let (rest, message_id) = next_nstring::<LENIENT>(rest)?;
    envelope.message_id = message_id;
    let (rest, ()) = byte(spaces(rest), b')', "`)` to close the envelope")?;
    Ok((rest, envelope))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::codec::types::IString;

    fn parsed(input: &[u8]) -> Box<Envelope<'_>> {
        let (rest, value) = envelope(input).unwrap();
        assert_eq!(rest, b"", "{:?}", String::from_utf8_lossy(input));
        value
    }

    fn mailboxes<'a>(list: &'a [Address<'a>]) -> Vec<Option<&'a [u8]>> {
        list.iter()
            .map(|address| address.mailbox.as_ref().map(IString::as_bytes))
            .collect()
    }

    #[test]
    fn a_source_route_reads_the_same_however_it_is_written() {
        let address = |input: &'static [u8]| {
            let mut slot = Address::EMPTY;
            address_into::<false>(input, &mut slot).map(|(rest, ())| (rest, slot))
        };
        let usual = address(br#"("Jo" NIL "jo" "example.com") x"#).unwrap();
        assert_eq!(usual.0, b" x");
        assert_eq!(usual.1.adl, None);
        for spelling in [
            &br#"("Jo" nil "jo" "example.com") x"#[..],
            br#"("Jo"  NIL "jo" "example.com") x"#,
            br#"("Jo" NIL  "jo" "example.com") x"#,
        ] {
            assert_eq!(
                address(spelling).unwrap(),
                usual,
                "{}",
                spelling.escape_ascii()
            );
        }
        let routed = address(br#"("Jo" "@relay.example" "jo" "example.com") x"#).unwrap();
        assert_eq!(
            routed.1.adl.as_ref().map(IString::as_bytes),
            Some(&b"@relay.example"[..])
        );
        // NIL must be a whole word and followed by the next field.
        assert!(address(br#"("Jo" NILS "jo" "example.com")"#).is_err());
        assert!(address(br#"("Jo" NIL)"#).is_err());
    }

    #[test]
    fn the_usual_envelope_reads_every_field() {
        let value = parsed(
            br#"("Wed, 1 Jul 2024 00:23:25 -0700" "Quarterly report" (("Alice Example" NIL "alice" "example.com")) (("Alice Example" NIL "alice" "example.com")) (("Alice Example" NIL "alice" "example.com")) (("Bob Example" NIL "bob" "example.org")) NIL NIL NIL "<40000.0@mail.example.com>")"#,
        );
        assert_eq!(
            value.date.as_ref().map(IString::as_bytes),
            Some(&b"Wed, 1 Jul 2024 00:23:25 -0700"[..])
        );
        assert_eq!(mailboxes(value.from()), [Some(&b"alice"[..])]);
        assert_eq!(value.from(), value.sender());
        assert_eq!(value.from(), value.reply_to());
        assert_eq!(
            value.to()[0],
            Address {
                name: Some(IString::from("Bob Example")),
                adl: None,
                mailbox: Some(IString::from("bob")),
                host: Some(IString::from("example.org")),
            }
        );
        assert!(value.cc().is_empty() && value.bcc().is_empty());
        assert_eq!(value.in_reply_to, None);
        assert_eq!(
            value.message_id.as_ref().map(IString::as_bytes),
            Some(&b"<40000.0@mail.example.com>"[..])
        );
    }

    #[test]
    fn more_addresses_than_fit_inline_keep_their_lists() {
        let value = parsed(
            br#"(NIL NIL ((NIL NIL "a" "x")) NIL NIL ((NIL NIL "b" "x")(NIL NIL "c" "x")(NIL NIL "d" "x")) ((NIL NIL "e" "x") (NIL NIL "f" "x")) ((NIL NIL "g" "x")) NIL NIL)"#,
        );
        assert_eq!(mailboxes(value.from()), [Some(&b"a"[..])]);
        assert!(value.sender().is_empty() && value.reply_to().is_empty());
        assert_eq!(
            mailboxes(value.to()),
            [Some(&b"b"[..]), Some(&b"c"[..]), Some(&b"d"[..])]
        );
        assert_eq!(mailboxes(value.cc()), [Some(&b"e"[..]), Some(&b"f"[..])]);
        assert_eq!(mailboxes(value.bcc()), [Some(&b"g"[..])]);
        // The same envelope built by hand is equal, wherever its addresses are kept.
        let mut built = Envelope::default();
        for field in AddressField::ALL {
            built.set_addresses(field, value.addresses(field).to_vec());
        }
        assert_eq!(*value, built);
    }

    #[test]
    fn nil_and_empty_lists_read_as_no_addresses() {
        let nil = parsed(br#"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"#);
        let empty = parsed(br#"(NIL NIL () ( ) NIL nil () NIL NIL NIL)"#);
        assert_eq!(nil, empty);
        assert_eq!(*nil, Envelope::default());
        for field in AddressField::ALL {
            assert!(nil.addresses(field).is_empty());
        }
    }

    #[test]
    fn a_group_is_its_start_its_members_and_its_end() {
        // RFC 3501 §7.4.2: `undisclosed-recipients: ;`, then a group with one member.
        let value = parsed(
            br#"(NIL NIL ((NIL NIL "me" "x")) NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)(NIL NIL "team" NIL)("Ann" NIL "ann" "x")(NIL NIL NIL NIL)) NIL NIL NIL NIL)"#,
        );
        let to = value.to();
        assert_eq!(
            mailboxes(to),
            [
                Some(&b"undisclosed-recipients"[..]),
                None,
                Some(&b"team"[..]),
                Some(&b"ann"[..]),
                None
            ]
        );
        assert_eq!(to[1], Address::EMPTY);
        assert_eq!(to[3].host.as_ref().map(IString::as_bytes), Some(&b"x"[..]));
        assert_eq!(mailboxes(value.from()), [Some(&b"me"[..])]);
    }

    /// Every well-formed envelope of these tests, and some with escapes and literals.
    const WELL_FORMED: &[&[u8]] = &[
        br#"("Wed, 1 Jul 2024 00:23:25 -0700" "Quarterly report" (("Alice Example" NIL "alice" "example.com")) (("Alice Example" NIL "alice" "example.com")) (("Alice Example" NIL "alice" "example.com")) (("Bob Example" NIL "bob" "example.org")) NIL NIL NIL "<40000.0@mail.example.com>")"#,
        br#"(NIL NIL ((NIL NIL "a" "x")) NIL NIL ((NIL NIL "b" "x")(NIL NIL "c" "x")(NIL NIL "d" "x")) ((NIL NIL "e" "x") (NIL NIL "f" "x")) ((NIL NIL "g" "x")) NIL NIL)"#,
        br#"(NIL NIL () ( ) NIL nil () NIL NIL NIL)"#,
        br#"(NIL "Re: \"escaped\" \\ ok" (("Jo \"J\"" NIL "jo" "x" )) NIL NIL NIL NIL NIL "" "<a\"b@x>" )"#,
        b"(NIL {5}\r\nA \"B\" (({0}\r\n NIL \"jo\" \"x\")) NIL NIL NIL NIL NIL NIL \"\")",
    ];

    #[test]
    fn the_lenient_reading_agrees_with_the_strict_one_on_well_formed_envelopes() {
        for input in WELL_FORMED {
            let strict = envelope_as::<false>(input).unwrap();
            assert_eq!(
                envelope_as::<true>(input).unwrap(),
                strict,
                "{}",
                input.escape_ascii()
            );
            assert_eq!(envelope(input).unwrap(), strict);
        }
    }

    #[test]
    fn unescaped_quotes_are_kept_where_the_envelope_cannot_go_on_after_them() {
        let value = parsed(
            br#"(NIL "Re: "quoted" subject" ((""Bob" Smith" NIL "bob" "x")) NIL NIL NIL NIL NIL NIL "<1.JavaMail."cv@x"@y>")"#,
        );
        assert_eq!(
            value.subject.as_ref().map(IString::as_bytes),
            Some(&br#"Re: "quoted" subject"#[..])
        );
        assert_eq!(
            value.from()[0].name.as_ref().map(IString::as_bytes),
            Some(&br#""Bob" Smith"#[..])
        );
        assert_eq!(
            value.message_id.as_ref().map(IString::as_bytes),
            Some(&br#"<1.JavaMail."cv@x"@y>"#[..])
        );
        // A quote followed by a space and what could be the next field ends the string;
        // when the fields after it then do not read, the envelope is refused with the
        // strict reading's reason rather than read some other way.
        let ambiguous = br#"(NIL "a" NIL b" NIL NIL NIL NIL NIL NIL NIL)"#;
        let strict = envelope_as::<false>(ambiguous).unwrap_err();
        assert_eq!(envelope(ambiguous).unwrap_err(), strict);
        // Line ends and unknown escapes are refused by both readings.
        for broken in [
            &b"(NIL \"a\r\nb\" NIL NIL NIL NIL NIL NIL NIL NIL)"[..],
            br#"(NIL "a\x" NIL NIL NIL NIL NIL NIL NIL NIL)"#,
            br#"(NIL "never closed NIL NIL NIL NIL NIL NIL NIL NIL)"#,
        ] {
            assert!(envelope(broken).is_err(), "{}", broken.escape_ascii());
        }
    }

    #[test]
    fn a_broken_address_list_is_refused() {
        for broken in [
            &br#"(NIL NIL ((NIL NIL "a" "x") NIL NIL NIL NIL NIL NIL NIL)"#[..],
            br#"(NIL NIL ((NIL NIL "a")) NIL NIL NIL NIL NIL NIL NIL)"#,
            br#"(NIL NIL ((NIL NIL "a" "x")(NIL NIL "b" "x")(NIL NIL "c" "x")(NIL NIL "d" "x")(NIL NIL "e" "x") NIL NIL NIL NIL NIL NIL NIL)"#,
            br#"(NIL NIL X NIL NIL NIL NIL NIL NIL NIL)"#,
        ] {
            assert!(
                envelope(broken).is_err(),
                "{:?}",
                String::from_utf8_lossy(broken)
            );
        }
    }
}
