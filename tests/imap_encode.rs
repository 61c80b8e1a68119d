//! Writing commands and responses: the form each value takes, what is refused, and where a
//! client must wait for `+`.

mod imap_support;

use std::borrow::Cow;

use imap_support::*;
use mailwire::imap::codec::types::{
    AString, Address, AddressField, AppendMessage, Atom, BodyStructure, Capability, Code, Command,
    CommandBody, Continue, Data, Date, DateTime, Envelope, FetchAttribute, FetchItem, FetchItems,
    Flag, Greeting, GreetingKind, IString, IntoOwned, ListItem, Literal, LiteralMode,
    MailboxAttribute, MailboxName, Response, SearchKey, Section, SequenceSet, SinglePart,
    SinglePartKind, Status, StatusKind, Tag, Text,
};
use mailwire::imap::codec::{
    EncodeError, EncodeOptions, encode_command, encode_greeting, encode_response,
};

fn tag() -> Tag<'static> {
    Tag::new("a1").unwrap()
}

fn written(body: CommandBody<'_>) -> String {
    show(&encode_cmd(&body.tag(tag())))
}

#[test]
fn strings_take_the_cheapest_form_that_carries_them() {
    assert_eq!(
        written(CommandBody::login("alice", "secret")),
        "a1 LOGIN alice secret\r\n"
    );
    assert_eq!(
        written(CommandBody::login("alice@example.com", "with space")),
        "a1 LOGIN alice@example.com \"with space\"\r\n"
    );
    assert_eq!(
        written(CommandBody::login("a", "q\"b\\s")),
        "a1 LOGIN a \"q\\\"b\\\\s\"\r\n"
    );
    assert_eq!(written(CommandBody::login("a", "")), "a1 LOGIN a \"\"\r\n");
    // NIL would read as NIL where nstrings are allowed, so it is quoted.
    assert_eq!(
        written(CommandBody::login("NIL", "x")),
        "a1 LOGIN \"NIL\" x\r\n"
    );
    // 8-bit and line breaks need a literal.
    assert_eq!(
        written(CommandBody::login("a", "pässword")),
        "a1 LOGIN a {9}\r\npässword\r\n"
    );
}

#[test]
fn what_cannot_be_carried_is_refused() {
    let nul = CommandBody::login("a", "x\0y").tag(tag());
    assert!(matches!(
        encode_command(&nul, &EncodeOptions::default()),
        Err(EncodeError::Unrepresentable {
            what: "literal",
            ..
        })
    ));
    // A quoted string may not hold CR or LF even when a caller builds one by hand.
    let crlf = CommandBody::Login {
        username: AString::String(IString::Quoted(Cow::Borrowed(b"a\r\nb"))),
        password: mailwire::imap::codec::types::Secret::new(AString::from("x")),
    }
    .tag(tag());
    assert!(encode_command(&crlf, &EncodeOptions::default()).is_err());
    // An atom with a space is refused, and so is a tag with `+`.
    assert!(Atom::new("two words").is_err());
    assert!(Tag::new("a+1").is_err());
    let bad_atom = CommandBody::Login {
        username: AString::Atom(Cow::Borrowed("two words")),
        password: mailwire::imap::codec::types::Secret::new(AString::from("x")),
    }
    .tag(tag());
    assert!(encode_command(&bad_atom, &EncodeOptions::default()).is_err());
    // Response text cannot break the line either.
    let mut out = Vec::new();
    let status = Response::Status(Status {
        tag: None,
        kind: StatusKind::Ok,
        code: None,
        text: Text::from("injected\r\n* 3 EXISTS"),
    });
    assert!(encode_response(&status, &mut out).is_err());
    // NUL goes only in a literal8.
    let binary = Literal {
        data: Cow::Borrowed(b"\0\x01"),
        mode: LiteralMode::Sync,
        binary: true,
    };
    let append = CommandBody::Append {
        mailbox: MailboxName::from("INBOX"),
        messages: vec![AppendMessage {
            flags: vec![],
            date: None,
            message: binary,
        }],
    };
    assert_eq!(written(append), "a1 APPEND INBOX ~{2}\r\n\0\x01\r\n");
}

#[test]
fn synchronising_literals_wait_for_the_server() {
    let command = CommandBody::login("fred", "fat\r\nman").tag(tag());
    let plain = encode_command(&command, &EncodeOptions::default()).unwrap();
    let segments: Vec<_> = plain
        .segments()
        .map(|s| (show(s.bytes), s.wait_for_continuation))
        .collect();
    assert_eq!(
        segments,
        [
            ("a1 LOGIN fred {8}\r\n".into(), true),
            ("fat\r\nman\r\n".into(), false)
        ]
    );
    let plus = encode_command(&command, &EncodeOptions::default().with_literal_plus(true)).unwrap();
    assert_eq!(
        show(plus.as_bytes()),
        "a1 LOGIN fred {8+}\r\nfat\r\nman\r\n"
    );
    // LITERAL- allows non-synchronising literals up to 4096 bytes only.
    let minus = EncodeOptions::default().with_literal_minus(true);
    assert_eq!(
        encode_command(&command, &minus).unwrap().segments().count(),
        1
    );
    let big = vec![b'x'; 5000];
    let append =
        CommandBody::append(MailboxName::from("INBOX"), AppendMessage::new(big)).tag(tag());
    let segments: Vec<_> = encode_command(&append, &minus)
        .unwrap()
        .segments()
        .map(|s| s.wait_for_continuation)
        .collect();
    assert_eq!(segments, [true, false]);
}

#[test]
fn search_queries_are_typed() {
    let since = Date::new(2024, 3, 1).unwrap();
    let key = SearchKey::unseen()
        & (SearchKey::from_address("boss@example.com") | SearchKey::subject("urgent"))
        & !SearchKey::deleted()
        & SearchKey::since(since);
    assert_eq!(
        written(CommandBody::search(key, true)),
        "a1 UID SEARCH UNSEEN OR FROM boss@example.com SUBJECT urgent NOT DELETED SINCE 1-Mar-2024\r\n"
    );
    // A non-ASCII string adds the charset and travels as a literal.
    assert_eq!(
        written(CommandBody::search(SearchKey::subject("Grüße"), false)),
        "a1 SEARCH CHARSET UTF-8 SUBJECT {7}\r\nGrüße\r\n"
    );
    // Groups nest in parentheses.
    let group =
        SearchKey::And(vec![SearchKey::seen(), SearchKey::flagged()]) | SearchKey::larger(1000);
    assert_eq!(
        written(CommandBody::search(group, false)),
        "a1 SEARCH OR (SEEN FLAGGED) LARGER 1000\r\n"
    );
}

#[test]
fn mailbox_names_in_utf7_and_utf8() {
    let utf7 = MailboxName::from_name("Entwürfe", false);
    assert_eq!(
        written(CommandBody::Select {
            mailbox: utf7,
            parameters: vec![]
        }),
        "a1 SELECT Entw&APw-rfe\r\n"
    );
    let utf8 = MailboxName::from_name("Entwürfe", true);
    // An 8-bit quoted string needs the server's UTF8=ACCEPT (issue 8; the options say so).
    let enabled = EncodeOptions::default().with_utf8_accept(true);
    let select = CommandBody::Select {
        mailbox: utf8.clone(),
        parameters: vec![],
    }
    .tag(tag());
    assert_eq!(
        show(encode_command(&select, &enabled).unwrap().as_bytes()),
        "a1 SELECT \"Entwürfe\"\r\n"
    );
    assert_eq!(utf8.name(true).unwrap(), "Entwürfe");
    assert!(MailboxName::from_name("inbox", false).is_inbox());
    let sent = MailboxName::from_name("Sent Messages", false);
    assert_eq!(
        written(CommandBody::Create { mailbox: sent }),
        "a1 CREATE \"Sent Messages\"\r\n"
    );
}

#[test]
fn fetch_commands() {
    let body = CommandBody::Fetch {
        set: SequenceSet::range(1, 10),
        items: FetchItems::Attributes(vec![
            FetchAttribute::Uid,
            FetchAttribute::Flags,
            FetchAttribute::BodySection {
                section: Section::default(),
                partial: None,
                peek: true,
            },
        ]),
        modifiers: vec![],
        uid: true,
    };
    assert_eq!(
        written(body),
        "a1 UID FETCH 1:10 (UID FLAGS BODY.PEEK[])\r\n"
    );
}

#[test]
fn a_test_server_can_write_its_side() {
    let mut out = Vec::new();
    let greeting = Greeting {
        kind: GreetingKind::Ok,
        code: Some(Code::Capability(vec![
            Capability::Imap4Rev1,
            Capability::Idle,
            Capability::new("AUTH=PLAIN").unwrap(),
        ])),
        text: Text::from("ready"),
    };
    encode_greeting(&greeting, &mut out).unwrap();
    let address = Address {
        name: Some(IString::from("Jane Roe")),
        adl: None,
        mailbox: Some(IString::from("jane")),
        host: Some(IString::from("example.com")),
    };
    let mut envelope = Envelope::default();
    envelope.date = Some(IString::from("Mon, 7 Feb 1994 21:52:25 -0800"));
    envelope.subject = Some(IString::from("Hi"));
    envelope.set_addresses(AddressField::From, [address.clone()]);
    envelope.set_addresses(AddressField::Sender, [address.clone()]);
    envelope.set_addresses(AddressField::ReplyTo, [address]);
    envelope.message_id = Some(IString::from("<1@example.com>"));
    let body = BodyStructure::Single(SinglePart {
        media_type: IString::from("TEXT"),
        media_subtype: IString::from("PLAIN"),
        params: vec![(IString::from("CHARSET"), Some(IString::from("UTF-8")))].into(),
        id: None,
        description: None,
        encoding: Some(IString::from("7BIT")),
        size: 5,
        kind: SinglePartKind::Text { lines: 1 },
        extension: None,
    });
    let date = DateTime::new(Date::new(1994, 2, 7).unwrap(), 21, 52, 25, -480).unwrap();
    for response in [
        Response::Data(Data::List(ListItem {
            attributes: [MailboxAttribute::HasNoChildren, MailboxAttribute::Sent]
                .into_iter()
                .collect(),
            delimiter: Some('/'),
            mailbox: MailboxName::from_name("Sent Messages", false),
            extended: vec![],
        })),
        Response::Data(Data::Fetch {
            seq: 1,
            items: vec![
                FetchItem::Uid(7),
                FetchItem::Flags(vec![Flag::Seen].into()),
                FetchItem::InternalDate(date),
                FetchItem::Envelope(Box::new(envelope)),
                FetchItem::BodyStructure(Box::new(body)),
                FetchItem::BodySection {
                    section: Section::default(),
                    origin: None,
                    data: Some(IString::new(&b"hello"[..])),
                },
            ],
        }),
        Response::Continue(Continue::challenge(b"\0user\0pass")),
        Response::Status(Status {
            tag: Some(tag()),
            kind: StatusKind::Ok,
            code: Some(Code::ReadWrite),
            text: Text::from("SELECT completed"),
        }),
    ] {
        encode_response(&response, &mut out).unwrap();
    }
    let expected = concat!(
        "* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] ready\r\n",
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n",
        "* 1 FETCH (UID 7 FLAGS (\\Seen) INTERNALDATE \" 7-Feb-1994 21:52:25 -0800\" ",
        "ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Hi\" ((\"Jane Roe\" NIL \"jane\" \"example.com\")) ",
        "((\"Jane Roe\" NIL \"jane\" \"example.com\")) ((\"Jane Roe\" NIL \"jane\" \"example.com\")) NIL NIL NIL NIL ",
        "\"<1@example.com>\") BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 5 1) ",
        "BODY[] \"hello\")\r\n",
        "+ AHVzZXIAcGFzcw==\r\n",
        "a1 OK [READ-WRITE] SELECT completed\r\n",
    );
    assert_eq!(show(&out), expected);
    // And what it wrote reads back as what it meant.
    let messages = frame(&out, false, 1);
    assert_eq!(messages.len(), 5);
    let Response::Continue(challenge) = response(&messages[3]) else {
        panic!()
    };
    assert_eq!(challenge.base64().unwrap(), b"\0user\0pass");
}

#[test]
fn owned_values_outlive_their_buffer() {
    let owned: Command<'static> = {
        let buffer = b"a1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n".to_vec();
        let parsed =
            mailwire::imap::codec::parse_command(&buffer, &mailwire::limits::Limits::default())
                .unwrap();
        whole(parsed, &buffer).into_owned()
    };
    assert_eq!(
        show(&encode_cmd(&owned)),
        "a1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n"
    );
    let copy = owned.to_static();
    assert_eq!(copy, owned);
}

/// Regression (found by the `arbitrary` round trip): a tagged PREAUTH or BYE was written
/// (`a1 BYE ...`), and no reader, this codec's included, takes one; now it is refused, and
/// the untagged forms are written as before.
#[test]
fn a_tagged_preauth_or_bye_is_refused() {
    for kind in [StatusKind::PreAuth, StatusKind::Bye] {
        let mut status = Status {
            tag: Some(tag()),
            kind,
            code: None,
            text: Text::from("bye"),
        };
        let mut out = Vec::new();
        let refused = encode_response(&Response::Status(status.clone()), &mut out);
        assert!(
            matches!(refused, Err(EncodeError::Unrepresentable { .. })),
            "{kind:?}: {refused:?}"
        );
        status.tag = None;
        let untagged = Response::Status(status);
        let mut out = Vec::new();
        encode_response(&untagged, &mut out).unwrap();
        assert_eq!(response(&out), untagged);
    }
}

/// Regression (found by the `arbitrary` round trip): a quota root that starts with `]`, an
/// ASTRING-CHAR, was written bare and read back as the end of the root list.
#[test]
fn a_quota_root_may_start_with_a_bracket() {
    let data = Response::Data(Data::QuotaRoot {
        mailbox: MailboxName::from("INBOX"),
        roots: vec![AString::from("]root"), AString::from("Sent]")],
    });
    let mut out = Vec::new();
    encode_response(&data, &mut out).unwrap();
    assert_eq!(show(&out), "* QUOTAROOT INBOX ]root Sent]\r\n");
    assert_eq!(response(&out), data);
}

/// Regression (found by the `arbitrary` round trip): numbers a reader takes as `number64`
/// (mod-sequences, quota figures, sizes, line counts) were written past 2^63-1, where every
/// reader, this codec's included, refuses them. Now the writer refuses them first, and
/// 2^63-1 itself still goes out and reads back.
#[test]
fn numbers_past_2_63_are_refused_where_a_number64_is_read() {
    let largest = i64::MAX as u64;
    let responses = |n: u64| {
        vec![
            Response::Data(Data::Quota {
                root: AString::from("root"),
                resources: vec![mailwire::imap::codec::types::QuotaResource {
                    name: Atom::new("STORAGE").unwrap(),
                    usage: 1,
                    limit: n,
                }],
            }),
            Response::Data(Data::Search {
                ids: vec![1],
                modseq: Some(n),
            }),
            Response::Data(Data::Fetch {
                seq: 1,
                items: vec![FetchItem::ModSeq(Some(n))],
            }),
            Response::Data(Data::Fetch {
                seq: 1,
                items: vec![FetchItem::Rfc822Size(n)],
            }),
            Response::Data(Data::Fetch {
                seq: 1,
                items: vec![FetchItem::GmailMessageId(n)],
            }),
            Response::Status(Status {
                tag: None,
                kind: StatusKind::Ok,
                code: Some(Code::HighestModSeq(n)),
                text: Text::from("x"),
            }),
        ]
    };
    for value in responses(largest) {
        let mut out = Vec::new();
        encode_response(&value, &mut out).unwrap();
        assert_eq!(response(&out), value);
    }
    for value in responses(largest + 1) {
        let mut out = Vec::new();
        let refused = encode_response(&value, &mut out);
        assert!(
            matches!(refused, Err(EncodeError::Unrepresentable { .. })),
            "{value:?}: {refused:?}"
        );
    }
}

/// Regression (found by the `arbitrary` round trip): text of spaces only (`* BAD  `) read
/// back as no text, for readers take spaces before the line end as stray; it is refused.
/// After a response code the same text is unambiguous and still written.
#[test]
fn response_text_of_spaces_only_is_refused_without_a_code() {
    let status = |code: Option<Code<'static>>| {
        Response::Status(Status {
            tag: None,
            kind: StatusKind::Bad,
            code,
            text: Text::from("  "),
        })
    };
    let mut out = Vec::new();
    assert!(encode_response(&status(None), &mut out).is_err());
    let with_code = status(Some(Code::Alert));
    let mut out = Vec::new();
    encode_response(&with_code, &mut out).unwrap();
    assert_eq!(response(&out), with_code);
}

/// Regression (found by CI's short run of `imap_arbitrary_roundtrip`, seed
/// `regression-greeting-text-ending-in-a-literal-announcement`): a greeting or status
/// whose text ended in `{5+}` was written as `* OK ... {5+}`, which every reader takes for
/// a literal's announcement, waiting for five bytes that never come. Now it is refused; the
/// same characters elsewhere in the text are fine.
#[test]
fn response_text_ending_in_a_literal_announcement_is_refused() {
    let status = |text: &'static str| {
        Response::Status(Status {
            tag: None,
            kind: StatusKind::Ok,
            code: None,
            text: Text::from(text),
        })
    };
    for text in ["zyAE {5+}", "{5}", "done {0}", "x {12-}"] {
        let mut out = Vec::new();
        let error = encode_response(&status(text), &mut out).unwrap_err();
        assert!(error.to_string().contains("literal"), "{text}: {error}");
    }
    for text in ["{5} is fine inside", "a {b}", "{}", "{5"] {
        let value = status(text);
        let mut out = Vec::new();
        encode_response(&value, &mut out).unwrap();
        assert_eq!(response(&out), value, "{text}");
    }
}

/// Regression (found by the `arbitrary` round trip with unchecked `Other` names and `Raw`
/// values): the response encoder wrote values kept as a peer sent them unchecked, so a
/// line feed inside one started another response (`* X a\n* 1 EXISTS`), a space cut an
/// item short, and a known name (`UID`, `ALERT`, `\Sent`) came back as another value. Now
/// each is written only when it reads back as itself.
#[test]
fn values_kept_raw_in_responses_are_written_only_when_they_read_back_alike() {
    use mailwire::imap::codec::types::{
        ESearch, ExtensionValue, ListExtendedItem, MailboxAttributes, Raw, SearchReturnData,
        StatusItem,
    };
    let raw = |bytes: &'static [u8]| Raw(Cow::Borrowed(bytes));
    let atom = |name: &'static str| Atom::new(name).unwrap();
    let fetch = |name: &'static str, value: &'static [u8]| {
        Response::Data(Data::Fetch {
            seq: 1,
            items: vec![FetchItem::Other {
                name: Cow::Borrowed(name),
                value: raw(value),
            }],
        })
    };
    let code = |name: &'static str, arguments: Option<&'static [u8]>| {
        Response::Status(Status {
            tag: None,
            kind: StatusKind::Ok,
            code: Some(Code::Other {
                name: atom(name),
                arguments: arguments.map(raw),
            }),
            text: Text::from("x"),
        })
    };
    let esearch = |name: &'static str, value: &'static [u8]| {
        Response::Data(Data::ESearch(ESearch {
            tag: None,
            uid: false,
            data: vec![SearchReturnData::Other(atom(name), raw(value))],
        }))
    };
    let status = |name: &'static str, value: ExtensionValue<'static>| {
        Response::Data(Data::Status {
            mailbox: MailboxName::from("INBOX"),
            items: vec![StatusItem::Other(atom(name), value)],
        })
    };
    let list = |attribute: MailboxAttribute<'static>, value: &'static [u8]| {
        let mut attributes = MailboxAttributes::new();
        attributes.insert(attribute);
        Response::Data(Data::List(ListItem {
            attributes,
            delimiter: Some('/'),
            mailbox: MailboxName::from("INBOX"),
            extended: vec![ListExtendedItem {
                tag: AString::from("CHILDINFO"),
                value: raw(value),
            }],
        }))
    };
    let refused = [
        Response::Data(Data::Other(raw(b"XFOO a\n* 1 EXISTS"))),
        Response::Data(Data::Other(raw(b"NO"))),
        Response::Data(Data::Other(raw(b"XFOO {3}"))),
        fetch("UID", b"5"),
        fetch("X-SCORE", b"1 2"),
        fetch("X-SCORE", b"1)\r\n* 2 EXPUNGE"),
        code("ALERT", None),
        code("UIDNEXT", Some(b"5")),
        esearch("MIN", b"5"),
        esearch("UID", b"5"),
        esearch("PARTIAL", b"1 2"),
        status("MESSAGES", ExtensionValue::Number(5)),
        status(
            "X-ITEM",
            ExtensionValue::String(AString::Atom(Cow::Borrowed("12"))),
        ),
        list(MailboxAttribute::Extension(atom("Sent")), b"(SUBSCRIBED)"),
        list(MailboxAttribute::Extension(atom("XList")), b"a b"),
    ];
    for value in refused {
        let mut out = Vec::new();
        let result = encode_response(&value, &mut out);
        assert!(
            matches!(result, Err(EncodeError::Unrepresentable { .. })),
            "{value:?} was written as {:?}",
            show(&out)
        );
    }
    let written = [
        Response::Data(Data::Other(raw(b"XAPPLEPUSHSERVICE aps-version 2"))),
        fetch("X-SCORE", b"(1 (2 \"x\"))"),
        fetch("X-BODY[1]<0>", b"{3}\r\nabc"),
        code("WEBALERT", Some(b"url=https://example.com/x")),
        esearch("PARTIAL", b"(1:100 3,5)"),
        status(
            "X-ITEM",
            ExtensionValue::String(AString::Atom(Cow::Borrowed("x12"))),
        ),
        list(MailboxAttribute::Extension(atom("XList")), b"(SUBSCRIBED)"),
    ];
    // After the UID flag (or a first item), an item named UID is no flag: it reads back.
    // (A fuzzer's `* ESEARCH (TAG "a") UID MIN 7 UID 800` is kept as a seed.)
    let after_flag = Response::Data(Data::ESearch(ESearch {
        tag: Some(AString::from("a")),
        uid: true,
        data: vec![
            SearchReturnData::Min(7),
            SearchReturnData::Other(atom("UID"), raw(b"800")),
        ],
    }));
    for value in written.into_iter().chain([after_flag]) {
        let mut out = Vec::new();
        encode_response(&value, &mut out).unwrap_or_else(|e| panic!("{e}: {value:?}"));
        assert_eq!(response(&out), value);
    }
}
