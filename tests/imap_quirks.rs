//! Responses real servers send that break the grammar, or that RFCs after 3501 allow: each
//! test holds the server's bytes, the value they read as, and shows that the value is
//! written back in a form that reads as the same value again. The lines are also in
//! `tests/fixtures/imap/quirks.server`, which the CLI decodes in `tests/cli.rs`.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    AString, Atom, BodyStructure, Code, Data, Envelope, ExtensionValue, FetchItem, Flag, IString,
    Literal, LiteralMode, MailboxName, MultiPart, MultiPartExtension, Parameters, Response,
    SeqBound, SeqRange, SequenceSet, SinglePartKind, Status, StatusAttribute, StatusItem,
    StatusKind, Tag,
};
use mailwire::imap::codec::{DecodeErrorKind, parse_response};
use mailwire::limits::Limits;

/// `line` reads as `expected`, and `expected` written out reads as itself.
fn reads_as(line: &[u8], expected: Response<'static>) {
    let value = response(line);
    assert_eq!(value, expected, "{}", show(line));
    let written = encode_res(&value);
    assert_eq!(response(&written), value, "written as {}", show(&written));
}

/// The items of a FETCH response.
fn fetch(line: &[u8]) -> Vec<FetchItem<'static>> {
    match response(line) {
        Response::Data(Data::Fetch { items, .. }) => items,
        other => panic!("{other:?}"),
    }
}

fn status(mailbox: MailboxName<'static>, items: Vec<StatusItem<'static>>) -> Response<'static> {
    Response::Data(Data::Status { mailbox, items })
}

fn atom(text: &'static str) -> Atom<'static> {
    Atom::new(text).unwrap()
}

fn quoted(text: &'static str) -> IString<'static> {
    IString::Quoted(text.as_bytes().into())
}

fn set(ranges: &[(u32, Option<SeqBound>)]) -> SequenceSet {
    SequenceSet {
        ranges: ranges
            .iter()
            .map(|&(start, end)| SeqRange {
                start: SeqBound::Value(start),
                end,
            })
            .collect(),
        saved: false,
    }
}

fn fixture_line(number: usize) -> Vec<u8> {
    frame(&fixture("quirks.server"), false, 4096)[number].clone()
}

#[test]
fn status_mailboxid_appendlimit_nil_and_a_64_bit_size() {
    // RFC 8474 (MAILBOXID), RFC 7889 (APPENDLIMIT NIL: no limit), RFC 8438 (SIZE number64).
    reads_as(
        b"* STATUS INBOX (MESSAGES 3 MAILBOXID (F2212ea87-6097-4256-9d51-71338625) APPENDLIMIT NIL SIZE 12345678901234)\r\n",
        status(
            MailboxName::from("INBOX"),
            vec![
                StatusItem::Known(StatusAttribute::Messages, 3),
                StatusItem::MailboxId(atom("F2212ea87-6097-4256-9d51-71338625")),
                StatusItem::AppendLimit(None),
                StatusItem::Known(StatusAttribute::Size, 12_345_678_901_234),
            ],
        ),
    );
    reads_as(
        b"* STATUS Archive (APPENDLIMIT 52428800 HIGHESTMODSEQ 9223372036854775807 UIDNEXT 7)\r\n",
        status(
            MailboxName::from("Archive"),
            vec![
                StatusItem::AppendLimit(Some(52_428_800)),
                StatusItem::Known(StatusAttribute::HighestModSeq, i64::MAX as u64),
                StatusItem::Known(StatusAttribute::UidNext, 7),
            ],
        ),
    );
    // An object id is what RFC 8474 allows, no more.
    for wrong in [
        &b"* STATUS INBOX (MAILBOXID (F1 2))\r\n"[..],
        b"* STATUS INBOX (MAILBOXID F1)\r\n",
        b"* STATUS INBOX (MAILBOXID (F.1))\r\n",
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn status_items_of_unknown_extensions_keep_their_tagged_ext_values() {
    // Gmail's LIST-STATUS answers carry items of its own: numbers, sequence sets, nested
    // lists of strings and words (RFC 9051 `tagged-ext-val`).
    reads_as(
        b"* STATUS INBOX (MESSAGES 3 X-GM-FOO (1 (2 \"x\") nil) BAR 1:5,7)\r\n",
        status(
            MailboxName::from("INBOX"),
            vec![
                StatusItem::Known(StatusAttribute::Messages, 3),
                StatusItem::Other(
                    atom("X-GM-FOO"),
                    ExtensionValue::List(vec![
                        ExtensionValue::Number(1),
                        ExtensionValue::List(vec![
                            ExtensionValue::Number(2),
                            ExtensionValue::String(AString::String(quoted("x"))),
                        ]),
                        ExtensionValue::String(AString::Atom("nil".into())),
                    ]),
                ),
                StatusItem::Other(
                    atom("BAR"),
                    ExtensionValue::SequenceSet(set(&[(1, Some(SeqBound::Value(5))), (7, None)])),
                ),
            ],
        ),
    );
    reads_as(
        b"* STATUS Drafts (X-EMPTY () X-LAST 4:* X-WORD abc X-QUOTED \"a b\")\r\n",
        status(
            MailboxName::from("Drafts"),
            vec![
                StatusItem::Other(atom("X-EMPTY"), ExtensionValue::List(Vec::new())),
                StatusItem::Other(
                    atom("X-LAST"),
                    ExtensionValue::SequenceSet(set(&[(4, Some(SeqBound::Largest))])),
                ),
                StatusItem::Other(
                    atom("X-WORD"),
                    ExtensionValue::String(AString::Atom("abc".into())),
                ),
                StatusItem::Other(
                    atom("X-QUOTED"),
                    ExtensionValue::String(AString::String(quoted("a b"))),
                ),
            ],
        ),
    );
    // A literal inside is counted like any other.
    let line = b"* STATUS INBOX (X-LIT ({5}\r\na\r\nbc 1))\r\n";
    let Response::Data(Data::Status { items, .. }) = response(line) else {
        panic!()
    };
    let StatusItem::Other(_, ExtensionValue::List(values)) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(
        values[0],
        ExtensionValue::String(AString::String(IString::new(&b"a\r\nbc"[..])))
    );
    assert_eq!(response(&encode_res(&response(line))), response(line));
}

#[test]
fn tagged_ext_values_are_bounded_like_every_other_list() {
    let limits = Limits::default().with_nesting_depth(8);
    let mut line = b"* STATUS INBOX (X-DEEP ".to_vec();
    line.extend([b'('; 9]);
    line.extend([b')'; 9]);
    line.extend_from_slice(b")\r\n");
    assert_eq!(
        parse_response(&line, &limits).unwrap_err().kind,
        DecodeErrorKind::TooDeep { limit: 8 }
    );
    // Eight deep is within the limit.
    let mut line = b"* STATUS INBOX (X-DEEP ".to_vec();
    line.extend([b'('; 8]);
    line.extend([b')'; 8]);
    line.extend_from_slice(b")\r\n");
    assert!(parse_response(&line, &limits).is_ok());
    // Numbers are numbers: one too large is refused, not kept as a word.
    for wrong in [
        &b"* STATUS INBOX (X-BIG 9223372036854775808)\r\n"[..],
        b"* STATUS INBOX (X-BIG (1 99999999999999999999))\r\n",
        b"* STATUS INBOX (X-SET 1:4294967296)\r\n",
    ] {
        assert_eq!(
            parse_response(wrong, &Limits::default()).unwrap_err().kind,
            DecodeErrorKind::NumberTooLarge,
            "{}",
            show(wrong)
        );
    }
    // What no value can be stays an error: NUL, an unbalanced list, a lone `%`.
    for wrong in [
        &b"* STATUS INBOX (X-NUL (a\0b))\r\n"[..],
        b"* STATUS INBOX (X-OPEN (1 2)\r\n",
        b"* STATUS INBOX (X-WILD %)\r\n",
        b"* STATUS INBOX (X-NONE )\r\n",
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn number64_where_rfc_9051_allows_it() {
    // RFC 9051: `"RFC822.SIZE" SP number64` and `body-fld-lines = number64`.
    assert_eq!(
        fetch(b"* 1 FETCH (UID 7 RFC822.SIZE 12345678901234)\r\n"),
        [FetchItem::Uid(7), FetchItem::Rfc822Size(12_345_678_901_234)]
    );
    round_trips(b"* 1 FETCH (UID 7 RFC822.SIZE 12345678901234)\r\n");
    let line = b"* 2 FETCH (UID 8 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 123456789012 9876543210123 NIL NIL NIL NIL))\r\n";
    // The size (`body-fld-octets`) stays a 32-bit `number`; the lines do not.
    assert_eq!(
        parse_response(line, &Limits::default()).unwrap_err().kind,
        DecodeErrorKind::NumberTooLarge
    );
    let line = b"* 2 FETCH (UID 8 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 1234567890 9876543210123 NIL NIL NIL NIL))\r\n";
    let FetchItem::BodyStructure(body) = &fetch(line)[1] else {
        panic!()
    };
    let BodyStructure::Single(part) = &**body else {
        panic!()
    };
    assert_eq!(part.size, 1_234_567_890);
    assert_eq!(
        part.kind,
        SinglePartKind::Text {
            lines: 9_876_543_210_123
        }
    );
    round_trips(line);
    // Past 2^63-1 a number64 is refused, in a size as elsewhere.
    assert_eq!(
        parse_response(
            b"* 1 FETCH (RFC822.SIZE 9223372036854775808)\r\n",
            &Limits::default()
        )
        .unwrap_err()
        .kind,
        DecodeErrorKind::NumberTooLarge
    );
}

fn round_trips(line: &[u8]) {
    let value = response(line);
    assert_eq!(response(&encode_res(&value)), value, "{}", show(line));
}

#[test]
fn domino_wraps_fetch_items_in_parentheses_of_their_own() {
    // Domino, MailKit issue 943.
    let line = b"* 2 FETCH (UID 14935 (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL))\r\n";
    let items = fetch(line);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], FetchItem::Uid(14935));
    assert_eq!(items[1], FetchItem::Envelope(Box::new(Envelope::default())));
    assert!(matches!(items[2], FetchItem::BodyStructure(_)));
    // Written without the extra parentheses, it reads the same.
    round_trips(line);
    let canonical = b"* 2 FETCH (UID 14935 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL))\r\n";
    assert_eq!(response(line), response(canonical));
    // Several items in one wrapper, and spaces inside it.
    assert_eq!(
        fetch(b"* 3 FETCH (( UID 5 FLAGS (\\Seen) ) RFC822.SIZE 9)\r\n"),
        [
            FetchItem::Uid(5),
            FetchItem::Flags([Flag::Seen].into_iter().collect()),
            FetchItem::Rfc822Size(9)
        ]
    );
    // One level only, and the wrapper must close.
    for wrong in [&b"* 3 FETCH (((UID 5)))\r\n"[..], b"* 3 FETCH ((UID 5)\r\n"] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn zoho_sends_modseq_minus_one_and_zero() {
    // Zoho (MailKit issues 495 and 1686): `-1` or `0` for a message with no mod-sequence.
    // Neither is an RFC 7162 value; each keeps what was sent and is written back unchanged.
    for (line, modseq) in [
        (fixture_line(7), None),
        (fixture_line(8), Some(0)),
        (b"* 4 FETCH (MODSEQ (12345))\r\n".to_vec(), Some(12345)),
    ] {
        assert_eq!(fetch(&line).last(), Some(&FetchItem::ModSeq(modseq)));
        assert_eq!(encode_res(&response(&line)), line, "{}", show(&line));
    }
    assert_eq!(fixture_line(7), b"* 3 FETCH (UID 9 MODSEQ (-1))\r\n");
    assert_eq!(fixture_line(8), b"* 4 FETCH (UID 10 MODSEQ (0))\r\n");
    // `-1` is the quirk; no other negative, nor a number that merely starts `-1`.
    for wrong in [
        &b"* 3 FETCH (MODSEQ (-2))\r\n"[..],
        b"* 3 FETCH (MODSEQ (-12))\r\n",
        b"* 3 FETCH (MODSEQ (-))\r\n",
        b"* 3 FETCH (MODSEQ (--1))\r\n",
        b"* 3 FETCH (MODSEQ -1)\r\n",
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn yandex_ends_a_fetch_with_a_section_and_no_data() {
    // Yandex for an empty part (MailKit issue 1708): the section, then the list closes.
    for line in [
        &b"* 5 FETCH (UID 11 BODY[2] )\r\n"[..],
        b"* 5 FETCH (UID 11 BODY[2])\r\n",
    ] {
        let items = fetch(line);
        let FetchItem::BodySection {
            section,
            origin: None,
            data: None,
        } = &items[1]
        else {
            panic!("{items:?}")
        };
        assert_eq!(section.part, [2]);
        // Written as `BODY[2] NIL`, which reads the same.
        round_trips(line);
    }
    // Only where the list closes: anything else after the section is still an error.
    assert!(parse_response(b"* 5 FETCH (BODY[2] UID 11)\r\n", &Limits::default()).is_err());
}

#[test]
fn an_empty_string_as_the_hierarchy_delimiter() {
    // `""` for a flat namespace reads as NIL, which means the same and is what it is
    // written back as.
    let Response::Data(Data::List(item)) = response(b"* LIST (\\HasNoChildren) \"\" INBOX\r\n")
    else {
        panic!()
    };
    assert_eq!(item.delimiter, None);
    assert_eq!(item.mailbox, MailboxName::from("INBOX"));
    round_trips(b"* LIST (\\HasNoChildren) \"\" INBOX\r\n");
    assert_eq!(
        response(b"* LIST (\\HasNoChildren) \"\" INBOX\r\n"),
        response(b"* LIST (\\HasNoChildren) NIL INBOX\r\n")
    );
}

#[test]
fn unquoted_8bit_mailbox_names_in_list_and_status() {
    // Kept as the literal RFC 3501 carries 8-bit bytes in, which is how they are written
    // back.
    let name = |text: &'static str| {
        MailboxName(AString::String(IString::Literal(Literal {
            data: text.as_bytes().into(),
            mode: LiteralMode::Sync,
            binary: false,
        })))
    };
    let Response::Data(Data::List(item)) = response("* LIST () \"/\" Entwürfe\r\n".as_bytes())
    else {
        panic!()
    };
    assert_eq!(item.mailbox, name("Entwürfe"));
    assert_eq!(item.mailbox.name(true).unwrap(), "Entwürfe");
    round_trips("* LIST () \"/\" Entwürfe\r\n".as_bytes());
    round_trips(
        "* LSUB (\\Marked) \".\" Входящие.Архив (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n".as_bytes(),
    );
    reads_as(
        "* STATUS Входящие (MESSAGES 1)\r\n".as_bytes(),
        status(
            name("Входящие"),
            vec![StatusItem::Known(StatusAttribute::Messages, 1)],
        ),
    );
    // 8-bit bytes that are not UTF-8 are kept as bytes.
    let Response::Data(Data::List(item)) = response(b"* LIST () \"/\" Entw\xfcrfe\r\n") else {
        panic!()
    };
    assert_eq!(item.mailbox.as_bytes(), b"Entw\xfcrfe");
    // An ASCII name reads as before, and the bytes that end a name still end it.
    round_trips(b"* LIST () \"/\" Sent\r\n");
    for wrong in [
        "* LIST () \"/\" Entwürfe drafts\r\n".as_bytes(),
        "* LIST () \"/\" Entw\0ürfe\r\n".as_bytes(),
        "* STATUS Entw(ürfe (MESSAGES 1)\r\n".as_bytes(),
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn gmail_flags_with_a_closing_bracket() {
    // Gmail, net-imap issue 241: a `]` inside a keyword, in FLAGS, PERMANENTFLAGS and FETCH.
    let gmail = Flag::Keyword(Atom::new("OIB-Seen-INBOX").unwrap());
    let all = || {
        let Response::Data(Data::Flags(flags)) = response(b"* FLAGS (OIB-Seen-[Gmail]/All)\r\n")
        else {
            panic!()
        };
        flags.into_iter().next().unwrap()
    };
    let Flag::Keyword(name) = all() else { panic!() };
    assert_eq!(name.as_str(), "OIB-Seen-[Gmail]/All");
    reads_as(
        b"* FLAGS (\\Answered \\Seen $Junk OIB-Seen-INBOX OIB-Seen-[Gmail]/All)\r\n",
        Response::Data(Data::Flags(vec![
            Flag::Answered,
            Flag::Seen,
            Flag::Keyword(Atom::new("$Junk").unwrap()),
            gmail,
            all(),
        ])),
    );
    reads_as(
        b"* OK [PERMANENTFLAGS (\\Seen OIB-Seen-[Gmail]/All \\*)] Flags permitted.\r\n",
        Response::Status(Status {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::PermanentFlags(vec![
                Flag::Seen,
                all(),
                Flag::Wildcard,
            ])),
            text: "Flags permitted.".into(),
        }),
    );
    assert_eq!(
        fetch(b"* 6 FETCH (FLAGS (\\Seen OIB-Seen-[Gmail]/All) UID 12)\r\n"),
        [
            FetchItem::Flags([Flag::Seen, all()].into_iter().collect()),
            FetchItem::Uid(12)
        ]
    );
    round_trips(b"* 6 FETCH (FLAGS (\\Seen OIB-Seen-[Gmail]/All) UID 12)\r\n");
    // The name Gmail gives with a space in it reads as three flags, as net-imap reads it.
    let Response::Data(Data::Flags(flags)) =
        response(b"* FLAGS (OIB-Seen-[Google Mail]/Alle Nachrichten)\r\n")
    else {
        panic!()
    };
    assert_eq!(flags.len(), 3);
    // Other atom-specials still end a keyword.
    for wrong in [
        &b"* FLAGS (a{b)\r\n"[..],
        b"* FLAGS (a\"b)\r\n",
        b"* FLAGS (a%b)\r\n",
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn net_imap_rfc822_with_an_empty_section() {
    // net-imap's `test_invalid_fetch_msg_att_rfc822_with_brackets` (Ruby bug 5620).
    let line = b"* 123 FETCH (RFC822[] {5}\r\nfoo\r\n)\r\n";
    let items = fetch(line);
    let [FetchItem::Rfc822(Some(data))] = &items[..] else {
        panic!("{items:?}")
    };
    assert_eq!(data.as_bytes(), b"foo\r\n");
    round_trips(line);
    assert_eq!(
        response(line),
        response(b"* 123 FETCH (RFC822 {5}\r\nfoo\r\n)\r\n")
    );
    assert!(matches!(
        &fetch(b"* 1 FETCH (RFC822.HEADER[] NIL)\r\n")[..],
        [FetchItem::Rfc822Header(None)]
    ));
}

#[test]
fn net_imap_a_multipart_with_no_parts() {
    // net-imap's `test_invalid_bodystructure_bug7153_mixed` (Ruby bug 7153).
    let empty = |extension| {
        Box::new(BodyStructure::Multi(MultiPart {
            parts: Vec::new(),
            media_subtype: quoted("MIXED"),
            extension,
        }))
    };
    assert_eq!(
        fetch(b"* 1038 FETCH (BODY (\"MIXED\"))\r\n"),
        [FetchItem::Body(empty(None))]
    );
    round_trips(b"* 1038 FETCH (BODY (\"MIXED\"))\r\n");
    // Inside a message/rfc822 part, with its boundary (`test_bodystructure_mixed_boundary`).
    let line = fixture_line(18);
    let FetchItem::BodyStructure(body) = &fetch(&line)[1] else {
        panic!()
    };
    let BodyStructure::Multi(report) = &**body else {
        panic!()
    };
    let BodyStructure::Single(message) = &report.parts[0] else {
        panic!()
    };
    let SinglePartKind::Message {
        body: inner, lines, ..
    } = &message.kind
    else {
        panic!("{message:?}")
    };
    assert_eq!(*lines, 37);
    let params: Parameters<'_> = vec![(
        quoted("BOUNDARY"),
        Some(quoted("000e0cd29212e3e06a0486590ae2")),
    )]
    .into();
    let BodyStructure::Multi(mixed) = &**inner else {
        panic!()
    };
    assert_eq!(mixed.parts, []);
    assert_eq!(
        mixed.extension,
        Some(MultiPartExtension {
            params,
            more: mailwire::imap::codec::types::ExtensionData {
                disposition: Some(None),
                language: Some(Vec::new()),
                ..Default::default()
            },
        })
    );
    round_trips(&line);
    // A single string that a second string follows is a single part cut short: still an
    // error, as is a multipart's subtype followed by something no extension data starts.
    for wrong in [
        &b"* 1 FETCH (BODY (\"TEXT\" \"PLAIN\"))\r\n"[..],
        b"* 1 FETCH (BODY (\"MIXED\" 5))\r\n",
        b"* 1 FETCH (BODY ())\r\n",
    ] {
        assert!(
            parse_response(wrong, &Limits::default()).is_err(),
            "{}",
            show(wrong)
        );
    }
}

#[test]
fn a_broken_part_deep_inside_is_read_once_not_once_per_way_of_reading() {
    // Each level is read a second way only when it is a single part, and that second way
    // does not go into nested parts: a broken leaf under 45 levels of multiparts and
    // enclosed messages is an error found in one pass (were each multipart read twice
    // over, this would take 2^30 times as long).
    let mut body = b"(\"text\" \"plain\" NIL NIL NIL \"7bit\" x)".to_vec();
    for level in 0..45 {
        body = if level % 3 != 2 {
            [&b"("[..], &body, b" \"mixed\")"].concat()
        } else {
            [
                &b"(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 1 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "[..],
                &body,
                b" 1)",
            ]
            .concat()
        };
    }
    let line = [&b"* 1 FETCH (BODYSTRUCTURE "[..], &body, b")\r\n"].concat();
    let limits = Limits::default().with_nesting_depth(64);
    let error = parse_response(&line, &limits).unwrap_err();
    assert_eq!(
        error.kind,
        DecodeErrorKind::Syntax {
            expected: "a number"
        }
    );
    // The same structure with a sound leaf reads.
    let sound = [&b"* 1 FETCH (BODYSTRUCTURE "[..], &body, b")\r\n"]
        .concat()
        .iter()
        .map(|&b| if b == b'x' { b'1' } else { b })
        .collect::<Vec<u8>>();
    round_trips(&sound);
}

#[test]
fn net_imap_a_bodystructure_with_extra_spaces() {
    // Domino (MailKit issue 944) puts two spaces before a part's parameters; net-imap reads
    // it (its `quirky_SP?` in `body_fld_param`).
    let line = fixture_line(19);
    let FetchItem::BodyStructure(body) = &fetch(&line)[1] else {
        panic!()
    };
    let BodyStructure::Multi(report) = &**body else {
        panic!()
    };
    assert_eq!(report.parts.len(), 2);
    let BodyStructure::Single(text) = &report.parts[0] else {
        panic!()
    };
    assert_eq!(
        text.params.value_of("charset"),
        Some(&Some(quoted("UTF-8")))
    );
    round_trips(&line);
}

#[test]
fn a_status_keyword_glued_to_its_code() {
    // The space between the keyword and `[` left out, untagged and tagged.
    reads_as(
        b"* OK[ALERT] System shutdown in 10 minutes\r\n",
        Response::Status(Status {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::Alert),
            text: "System shutdown in 10 minutes".into(),
        }),
    );
    reads_as(
        b"A1 OK[READ-WRITE] SELECT completed\r\n",
        Response::Status(Status {
            tag: Some(Tag::new("A1").unwrap()),
            kind: StatusKind::Ok,
            code: Some(Code::ReadWrite),
            text: "SELECT completed".into(),
        }),
    );
    // And the space after the code too (net-imap reads `"[" code "]" [SP [text]]`).
    reads_as(
        b"A2 NO[TRYCREATE]no such mailbox\r\n",
        Response::Status(Status {
            tag: Some(Tag::new("A2").unwrap()),
            kind: StatusKind::No,
            code: Some(Code::TryCreate),
            text: "no such mailbox".into(),
        }),
    );
    let greeting = mailwire::imap::codec::parse_greeting(
        b"* OK[CAPABILITY IMAP4rev1 IDLE] ready\r\n",
        &Limits::default(),
    )
    .unwrap()
    .complete()
    .unwrap()
    .0;
    assert!(matches!(greeting.code, Some(Code::Capability(ref list)) if list.len() == 2));
    // Without a well-formed code it is no status: an unknown response untagged, an error
    // tagged.
    assert!(matches!(
        response(b"* OK[ALERT text\r\n"),
        Response::Data(Data::Other(_))
    ));
    assert!(matches!(
        response(b"* OKAY[ALERT] text\r\n"),
        Response::Data(Data::Other(_))
    ));
    assert!(parse_response(b"A1 OK[ALERT text\r\n", &Limits::default()).is_err());
    assert!(parse_response(b"A1 BYE[ALERT] text\r\n", &Limits::default()).is_err());
}

#[test]
fn every_line_of_the_quirks_fixture_reads_and_round_trips() {
    let messages = frame(&fixture("quirks.server"), false, 7);
    assert_eq!(messages.len(), 22);
    for message in &messages {
        let value = response(message);
        assert!(
            !matches!(value, Response::Data(Data::Other(_))),
            "{} read as an unknown response",
            show(message)
        );
        let written = encode_res(&value);
        assert_eq!(response(&written), value, "{}", show(message));
    }
}
