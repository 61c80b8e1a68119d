use std::sync::Arc;

use super::*;
use crate::imap::codec::types::IntoOwned;

/// An address as (name, adl, mailbox, host), NIL as `None`.
type Row = (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// An address's four fields as text.
type Fields = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn rows(value: &str) -> Vec<Fields> {
    let text = |field: &NString<'_>| {
        field
            .as_ref()
            .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
    };
    parse_address_list(value.as_bytes())
        .iter()
        .map(|a| (text(&a.name), text(&a.adl), text(&a.mailbox), text(&a.host)))
        .collect()
}

fn expected(list: &[Row]) -> Vec<Fields> {
    let owned = |s: Option<&str>| s.map(str::to_owned);
    list.iter()
        .map(|(a, b, c, d)| (owned(*a), owned(*b), owned(*c), owned(*d)))
        .collect()
}

#[test]
fn address_lists_read_as_rfc_3501_writes_them() {
    let cases: Vec<(&str, Vec<Row>)> = vec![
        (
            "alice@example.com",
            vec![(None, None, Some("alice"), Some("example.com"))],
        ),
        (
            "Alice Example <alice@example.com>, \"Roe, Jane\" <jane@example.org>",
            vec![
                (
                    Some("Alice Example"),
                    None,
                    Some("alice"),
                    Some("example.com"),
                ),
                (Some("Roe, Jane"), None, Some("jane"), Some("example.org")),
            ],
        ),
        (
            // Comments are dropped; the encoded word is kept as written.
            "=?UTF-8?Q?J=C3=BCrgen?= <j@example.de> (work), bob@example.org (Bob)",
            vec![
                (
                    Some("=?UTF-8?Q?J=C3=BCrgen?="),
                    None,
                    Some("j"),
                    Some("example.de"),
                ),
                (None, None, Some("bob"), Some("example.org")),
            ],
        ),
        (
            "Team: one@example.com, Two <two@example.com>;, after@example.com",
            vec![
                (None, None, Some("Team"), None),
                (None, None, Some("one"), Some("example.com")),
                (Some("Two"), None, Some("two"), Some("example.com")),
                (None, None, None, None),
                (None, None, Some("after"), Some("example.com")),
            ],
        ),
        (
            "undisclosed-recipients:;",
            vec![
                (None, None, Some("undisclosed-recipients"), None),
                (None, None, None, None),
            ],
        ),
        (
            "<@relay.example,@hop.example:user@example.com>",
            vec![(
                None,
                Some("@relay.example,@hop.example"),
                Some("user"),
                Some("example.com"),
            )],
        ),
        (
            // Broken ones are kept as well as can be.
            "nodomain, @nolocal.example, \"Open\" <open@example.com, next@example.com",
            vec![
                (None, None, Some("nodomain"), Some("MISSING_DOMAIN")),
                (None, None, Some("MISSING_MAILBOX"), Some("nolocal.example")),
                (Some("Open"), None, Some("open"), Some("example.com")),
                (None, None, Some("next"), Some("example.com")),
            ],
        ),
        (
            "Unclosed: a@b.c",
            vec![
                (None, None, Some("Unclosed"), None),
                (None, None, Some("a"), Some("b.c")),
                (None, None, None, None),
            ],
        ),
        (
            "\"first.last\"@example.com",
            vec![(None, None, Some("first.last"), Some("example.com"))],
        ),
        ("", vec![]),
        (",,,", vec![]),
    ];
    for (value, want) in cases {
        assert_eq!(rows(value), expected(&want), "{value}");
    }
}

#[test]
fn envelope_takes_raw_header_values_and_defaults_sender_and_reply_to() {
    let bytes: &[u8] = b"Date: Mon, 1 Apr 2024 09:00:00 +0000\r\n\
Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n  folded\r\n\
From: Alice <alice@example.com>\r\n\
To: bob@example.org, carol@example.net\r\n\
Bcc: hidden@example.com\r\n\
In-Reply-To: <parent@example.com>\r\n\
Message-ID: <id@example.com>\r\n\r\nbody";
    let message = ParsedMessage::parse(Arc::from(bytes));
    let read = envelope(&message, message.root()).into_owned();
    let text = |value: &NString<'_>| value.as_ref().map(|s| s.as_bytes().to_vec());
    assert_eq!(
        text(&read.date),
        Some(b"Mon, 1 Apr 2024 09:00:00 +0000".to_vec())
    );
    // IMAP sends the subject as written (unfolded), not decoded.
    assert_eq!(
        text(&read.subject),
        Some(b"=?UTF-8?B?R3LDvMOfZQ==?=  folded".to_vec())
    );
    assert_eq!(read.sender(), read.from());
    assert_eq!(read.reply_to(), read.from());
    assert_eq!(read.to().len(), 2);
    assert_eq!(read.bcc().len(), 1);
    assert!(read.cc().is_empty());
    assert_eq!(
        text(&read.in_reply_to),
        Some(b"<parent@example.com>".to_vec())
    );
    assert_eq!(text(&read.message_id), Some(b"<id@example.com>".to_vec()));

    let bytes: &[u8] =
        b"From: a@example.com\r\nSender: s@example.com\r\nReply-To: r@example.com\r\n\r\n";
    let message = ParsedMessage::parse(Arc::from(bytes));
    let read = envelope_of(&message);
    let mailbox = |list: &[Address<'_>]| list[0].mailbox.as_ref().map(|m| m.as_bytes().to_vec());
    assert_eq!(mailbox(read.sender()), Some(b"s".to_vec()));
    assert_eq!(mailbox(read.reply_to()), Some(b"r".to_vec()));

    // No header at all: every field NIL, every list empty.
    let message = ParsedMessage::parse(Arc::from(&b"\r\nbody"[..]));
    assert_eq!(envelope_of(&message), Envelope::default());
}

fn envelope_of(message: &ParsedMessage) -> Envelope<'static> {
    envelope(message, message.root()).into_owned()
}

#[test]
fn hostile_address_lists_stay_linear() {
    // One `<` followed by a quarter of a million route tokens, and as many commas.
    let mut value = b"<".to_vec();
    value.extend(b"@a,".repeat(250_000));
    let started = std::time::Instant::now();
    let read = parse_address_list(&value);
    assert_eq!(read.len(), 1);
    let read = parse_address_list(&b"a@b,".repeat(250_000));
    assert_eq!(read.len(), 250_000);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
