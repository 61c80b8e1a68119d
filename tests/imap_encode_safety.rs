//! What the command encoder refuses or reshapes so that a value, whoever built it, goes out
//! as exactly the one command it stands for (issue 8): values kept raw cannot end the line
//! or announce a literal, literals wait for `+` unless the server said otherwise, secrets
//! stay out of `Debug`, 8-bit strings wait for UTF8=ACCEPT (in responses too), and folder
//! names travel in modified UTF-7.

mod imap_support;

use std::borrow::Cow;

use imap_support::*;
use mailwire::imap::codec::types::{
    AString, AppendMessage, Atom, Capability, CommandBody, FetchAttribute, FetchItems, Flag,
    IString, ListMailbox, ListReturnOption, Literal, LiteralMode, MailboxName, Partial, Raw,
    SearchKey, SearchReturnOption, Secret, Section, SelectParameter, SequenceSet, Tag,
};
use mailwire::imap::codec::{EncodeError, EncodeOptions, encode_command, parse_command};
use mailwire::limits::Limits;

fn tag() -> Tag<'static> {
    Tag::new("a1").unwrap()
}

/// The refusal for `body`, whose value `what` cannot be written; a refused command hands
/// back no bytes at all, so nothing of it can be sent.
fn refused(body: CommandBody<'_>) -> &'static str {
    match encode_command(&body.tag(tag()), &EncodeOptions::default()) {
        Err(EncodeError::Unrepresentable { what, .. }) => what,
        Ok(written) => panic!("written as {:?}", show(written.as_bytes())),
        Err(other) => panic!("{other}"),
    }
}

/// The segments of `body` as text, each with whether it waits for `+`.
fn segments(body: CommandBody<'_>, options: EncodeOptions) -> Vec<(String, bool)> {
    encode_command(&body.tag(tag()), &options)
        .unwrap_or_else(|e| panic!("{e}"))
        .segments()
        .map(|s| (show(s.bytes), s.wait_for_continuation))
        .collect()
}

fn select_with(name: &str, value: Option<&'static [u8]>) -> CommandBody<'static> {
    CommandBody::Select {
        mailbox: MailboxName::from("INBOX"),
        parameters: vec![SelectParameter::Other {
            name: Atom::new(name.to_owned()).unwrap(),
            value: value.map(|bytes| Raw(Cow::Borrowed(bytes))),
        }],
    }
}

fn fetch_one(attribute: FetchAttribute<'static>) -> CommandBody<'static> {
    CommandBody::Fetch {
        set: SequenceSet::single(1),
        items: FetchItems::Attributes(vec![attribute]),
        modifiers: vec![],
        uid: false,
    }
}

fn non_sync(data: &'static [u8], mode: LiteralMode) -> CommandBody<'static> {
    CommandBody::append(
        MailboxName::from("INBOX"),
        AppendMessage {
            flags: vec![],
            date: None,
            message: Literal {
                data: Cow::Borrowed(data),
                mode,
                binary: false,
            },
        },
    )
}

// Finding 1: values kept raw, and literals the value announces itself.

#[test]
fn a_select_parameter_value_cannot_end_the_line_and_start_another_command() {
    let hostile = select_with("X-P", Some(b"(1)\r\nA2 DELETE INBOX\r\nA3 NOOP (1"));
    assert_eq!(refused(hostile), "select parameter");
    // A line break alone, without the parenthesis, is refused the same way.
    assert_eq!(
        refused(select_with("X-P", Some(b"1\r\nA2 DELETE INBOX"))),
        "select parameter"
    );
    // Well-formed values still go out: a number, a sequence set, a balanced list.
    for value in [&b"5"[..], b"1:4,7", b"(1 (2 \"a)b\") 3)"] {
        let written = segments(select_with("X-P", Some(value)), EncodeOptions::default());
        assert_eq!(
            written,
            [(format!("a1 SELECT INBOX (X-P {})\r\n", show(value)), false)]
        );
    }
}

#[test]
fn a_select_parameter_from_a_peer_cannot_carry_a_literal_the_encoder_never_announced() {
    // Written raw, a literal inside the value would go out without waiting for `+`: the
    // encoder refuses it, and the parser, which keeps the value raw, no longer reads it (a
    // proxy would otherwise pass it on).
    let literal = b"(1 {5}\r\nhello)";
    assert_eq!(
        refused(select_with("X-P", Some(literal))),
        "select parameter"
    );
    let from_peer = b"A1 SELECT INBOX (X-P (1 {5}\r\nhello))\r\n";
    assert!(parse_command(from_peer, &Limits::default()).is_err());
    // An unbalanced list would swallow the rest of the command.
    assert_eq!(
        refused(select_with("X-P", Some(b"((1)"))),
        "select parameter"
    );
    assert_eq!(refused(select_with("X-P", Some(b""))), "select parameter");
}

#[test]
fn a_select_parameter_is_written_only_as_the_parser_reads_it_back() {
    // CONDSTORE has its own variant; `Other` spelling it would read back as that one.
    assert_eq!(refused(select_with("condstore", None)), "select parameter");
    // RFC 4466 names start with a letter, `-`, `_` or `.`.
    assert_eq!(refused(select_with("1X", None)), "select parameter");
    // A value the grammar cannot tell from the next parameter.
    assert_eq!(
        refused(select_with("X-P", Some(b"abc"))),
        "select parameter"
    );
}

#[test]
fn a_literal_marked_non_synchronising_waits_for_the_server_without_literal_plus() {
    // `{5+}` to a server without LITERAL+ makes it read the five bytes as a command.
    for mode in [LiteralMode::NonSync, LiteralMode::Minus] {
        assert_eq!(
            segments(non_sync(b"A2 DELETE INBOX", mode), EncodeOptions::default()),
            [
                ("a1 APPEND INBOX {15}\r\n".to_owned(), true),
                ("A2 DELETE INBOX\r\n".to_owned(), false),
            ],
            "{mode:?}"
        );
    }
    // The same from a peer: a client used LITERAL+ with a proxy, the server has none.
    let from_peer = command(b"A1 LOGIN {4+}\r\nfred {3}\r\nfoo\r\n");
    let written: Vec<_> = encode_command(&from_peer, &EncodeOptions::default())
        .unwrap()
        .segments()
        .map(|s| (show(s.bytes), s.wait_for_continuation))
        .collect();
    assert_eq!(
        written,
        [
            ("A1 LOGIN {4}\r\n".to_owned(), true),
            ("fred {3}\r\n".to_owned(), true),
            ("foo\r\n".to_owned(), false),
        ]
    );
    // With LITERAL+ every literal goes at once, announced `{N+}` (never `{N-}`).
    assert_eq!(
        segments(
            non_sync(b"hello", LiteralMode::Minus),
            EncodeOptions::default().with_literal_plus(true)
        ),
        [("a1 APPEND INBOX {5+}\r\nhello\r\n".to_owned(), false)]
    );
}

fn snippet() -> FetchAttribute<'static> {
    FetchAttribute::Other {
        name: Atom::new("X-SNIPPET").unwrap(),
        section: None,
        arguments: Some(Raw(Cow::Borrowed("(\"Grüße\")".as_bytes()))),
    }
}

#[test]
fn unknown_fetch_attributes_cannot_end_the_line() {
    // Checked before issue 8 already; kept here beside the other raw values.
    let other = |section: Option<&'static [u8]>, arguments: Option<&'static [u8]>| {
        fetch_one(FetchAttribute::Other {
            name: Atom::new("X-SNIPPET").unwrap(),
            section: section.map(|bytes| Raw(Cow::Borrowed(bytes))),
            arguments: arguments.map(|bytes| Raw(Cow::Borrowed(bytes))),
        })
    };
    assert_eq!(
        refused(other(Some(b"[1]\r\nA2 DELETE INBOX"), None)),
        "FETCH attribute"
    );
    assert_eq!(
        refused(other(None, Some(b"(1)\r\nA2 DELETE INBOX\r\nA3 NOOP (1)"))),
        "FETCH attribute"
    );
    assert_eq!(
        refused(other(None, Some(b"({5}\r\nhello)"))),
        "FETCH attribute"
    );
}

#[test]
fn unknown_fetch_attributes_keep_no_8_bit_bytes_without_utf8() {
    // A raw argument cannot become a literal, so its 8-bit quoted string is refused.
    assert_eq!(refused(fetch_one(snippet())), "FETCH attribute");
}

#[test]
fn names_a_variant_of_their_own_covers_are_refused_in_other() {
    let search = |option| CommandBody::Search {
        return_options: Some(vec![option]),
        charset: None,
        criteria: vec![SearchKey::All],
        uid: false,
    };
    assert_eq!(
        refused(search(SearchReturnOption::Other(Atom::new("min").unwrap()))),
        "search return option"
    );
    let list = |option| CommandBody::List {
        selection: vec![],
        reference: MailboxName::from(""),
        patterns: vec![ListMailbox::new("*")],
        return_options: vec![option],
    };
    assert_eq!(
        refused(list(ListReturnOption::Other(
            Atom::new("CHILDREN").unwrap()
        ))),
        "list return option"
    );
    assert_eq!(
        refused(CommandBody::Enable(vec![Capability::Other(
            Atom::new("AUTH=PLAIN").unwrap()
        )])),
        "capability"
    );
    let store = CommandBody::Store {
        set: SequenceSet::single(1),
        kind: mailwire::imap::codec::types::StoreKind::Add,
        silent: false,
        flags: vec![Flag::Extension(Atom::new("Seen").unwrap())],
        unchanged_since: None,
        uid: false,
    };
    assert_eq!(refused(store), "flag");
    // Unknown names still go out.
    assert_eq!(
        segments(
            search(SearchReturnOption::Other(Atom::new("PARTIAL").unwrap())),
            EncodeOptions::default()
        ),
        [("a1 SEARCH RETURN (PARTIAL) ALL\r\n".to_owned(), false)]
    );
}

#[test]
fn numbers_the_grammar_has_no_spelling_for_are_refused() {
    let body = |part: Vec<u32>, partial| {
        fetch_one(FetchAttribute::BodySection {
            section: Section { part, text: None },
            partial,
            peek: true,
        })
    };
    assert_eq!(refused(body(vec![1, 0], None)), "section");
    assert_eq!(
        refused(body(
            vec![],
            Some(Partial {
                offset: 0,
                length: 0
            })
        )),
        "partial range"
    );
    let search = |key| CommandBody::search(key, false);
    assert_eq!(refused(search(SearchKey::Younger(0))), "search criteria");
    // number64 stops at 2^63-1: a server storing it signed would read a negative number.
    assert_eq!(
        refused(search(SearchKey::ModSeq(u64::MAX))),
        "search criteria"
    );
    let quota = CommandBody::SetQuota {
        root: AString::from(""),
        limits: vec![(Atom::new("STORAGE").unwrap(), 1 << 63)],
    };
    assert_eq!(refused(quota), "quota limit");
}

// Finding 2: secrets in Debug.

/// True when `shown` gives `secret` away: as text, or as the list of numbers a derived
/// `Debug` prints for bytes.
fn gives_away(shown: &str, secret: &[u8]) -> bool {
    let numbers: Vec<String> = secret.iter().map(u8::to_string).collect();
    shown.contains(&*String::from_utf8_lossy(secret)) || shown.contains(&numbers.join(", "))
}

#[test]
fn an_encoded_login_does_not_show_its_password_in_debug() {
    for password in ["hunter2", "pass word", "line\r\nbreak"] {
        let login = CommandBody::login("alice", password).tag(tag());
        let encoded = encode_command(&login, &EncodeOptions::default()).unwrap();
        let shown = format!("{encoded:?}");
        assert!(!gives_away(&shown, password.as_bytes()), "{shown}");
        assert!(shown.contains("alice"), "{shown}");
        for segment in encoded.segments() {
            let shown = format!("{segment:?}");
            assert!(!gives_away(&shown, password.as_bytes()), "{shown}");
            // Nor any piece of it a literal's segments split.
            for piece in segment.bytes.split(|&b| b == b'\n') {
                let piece = piece.strip_suffix(b"\r").unwrap_or(piece);
                if piece.len() > 3 && password.as_bytes().windows(piece.len()).any(|w| w == piece) {
                    assert!(!gives_away(&shown, piece), "{shown}");
                }
            }
        }
        assert!(!gives_away(&format!("{login:?}"), password.as_bytes()));
    }
}

#[test]
fn an_encoded_authenticate_does_not_show_its_initial_response_in_debug() {
    let credentials = b"\0alice\0hunter2";
    let base64 = b"AGFsaWNlAGh1bnRlcjI=";
    let authenticate = CommandBody::Authenticate {
        mechanism: Atom::new("PLAIN").unwrap(),
        initial_response: Some(Secret::new(Cow::Borrowed(&credentials[..]))),
    }
    .tag(tag());
    let encoded = encode_command(&authenticate, &EncodeOptions::default()).unwrap();
    assert_eq!(
        encoded.as_bytes(),
        b"a1 AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI=\r\n"
    );
    for shown in [
        format!("{encoded:?}"),
        format!("{:?}", encoded.segments().next().unwrap()),
        format!("{authenticate:?}"),
    ] {
        assert!(!gives_away(&shown, base64), "{shown}");
        assert!(!gives_away(&shown, b"hunter2"), "{shown}");
    }
    // The line a client sends after a `+` hides its data too.
    let data = mailwire::imap::codec::parse_authenticate_data(
        b"AGFsaWNlAGh1bnRlcjI=\r\n",
        &Limits::default(),
    )
    .unwrap();
    assert!(!gives_away(&format!("{data:?}"), b"hunter2"));
}

#[test]
fn the_redacted_form_is_what_a_transcript_shows() {
    let login = CommandBody::login("alice", "pass word").tag(tag());
    let encoded = encode_command(&login, &EncodeOptions::default()).unwrap();
    assert!(encoded.holds_secret());
    assert_eq!(show(&encoded.redacted()), "a1 LOGIN alice <redacted>\r\n");
    assert_eq!(
        format!("{encoded:?}"),
        r#"EncodedCommand { bytes: b"a1 LOGIN alice <redacted>\r\n", waits: [] }"#
    );
    // A password sent as a literal is hidden in both segments, length included.
    let literal = CommandBody::login("alice", "fat\r\nman").tag(tag());
    let encoded = encode_command(&literal, &EncodeOptions::default()).unwrap();
    let shown: Vec<_> = encoded
        .segments()
        .map(|s| (show(&s.redacted()), s.holds_secret()))
        .collect();
    assert_eq!(
        shown,
        [
            ("a1 LOGIN alice <redacted>".to_owned(), true),
            ("<redacted>\r\n".to_owned(), true)
        ]
    );
    // Nothing else is hidden.
    let select = CommandBody::Select {
        mailbox: MailboxName::from("INBOX"),
        parameters: vec![],
    }
    .tag(tag());
    let encoded = encode_command(&select, &EncodeOptions::default()).unwrap();
    assert!(!encoded.holds_secret());
    assert_eq!(&encoded.redacted()[..], encoded.as_bytes());
}

// Finding 7: 8-bit quoted strings.

#[test]
fn an_8_bit_quoted_string_goes_out_as_a_literal() {
    let login = CommandBody::Login {
        username: AString::String(IString::Quoted(Cow::Borrowed("jörg".as_bytes()))),
        password: Secret::new(AString::from("x")),
    };
    assert_eq!(
        segments(login, EncodeOptions::default()),
        [
            ("a1 LOGIN {5}\r\n".to_owned(), true),
            ("jörg x\r\n".to_owned(), false)
        ]
    );
    // A quoted string read from a peer is written the same way.
    let from_peer = command("A1 SEARCH CHARSET UTF-8 SUBJECT \"Grüße\"\r\n".as_bytes());
    let written = show(
        encode_command(&from_peer, &EncodeOptions::default())
            .unwrap()
            .as_bytes(),
    );
    assert_eq!(written, "A1 SEARCH CHARSET UTF-8 SUBJECT {7}\r\nGrüße\r\n");
}

#[test]
fn with_utf8_accept_8_bit_strings_stay_quoted() {
    let options = EncodeOptions::default().with_utf8_accept(true);
    let from_peer = command("A1 SEARCH CHARSET UTF-8 SUBJECT \"Grüße\"\r\n".as_bytes());
    assert_eq!(
        show(encode_command(&from_peer, &options).unwrap().as_bytes()),
        "A1 SEARCH CHARSET UTF-8 SUBJECT \"Grüße\"\r\n"
    );
    assert_eq!(
        segments(fetch_one(snippet()), options),
        [("a1 FETCH 1 (X-SNIPPET (\"Grüße\"))\r\n".to_owned(), false)]
    );
    // Line breaks and NUL still need a literal, UTF8=ACCEPT or not.
    let login = CommandBody::Login {
        username: AString::String(IString::Quoted(Cow::Borrowed(b"a\r\nb"))),
        password: Secret::new(AString::from("x")),
    }
    .tag(tag());
    assert!(encode_command(&login, &options).is_err());
}

#[test]
fn a_response_writes_8_bit_quoted_strings_as_literals() {
    // The response encoder (servers, round trips) follows the same rule: RFC 3501 allows
    // 8-bit bytes in quoted strings only after UTF8=ACCEPT, a literal is right either way.
    for (sent, written) in [
        (
            "* LIST () \"/\" \"Entwürfe\"\r\n",
            "* LIST () \"/\" {9}\r\nEntwürfe\r\n",
        ),
        (
            "* 1 FETCH (ENVELOPE (NIL \"Grüße\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
            "* 1 FETCH (ENVELOPE (NIL {7}\r\nGrüße NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
        ),
        // 7-bit strings stay quoted.
        (
            "* LIST () \"/\" \"Sent Items\"\r\n",
            "* LIST () \"/\" \"Sent Items\"\r\n",
        ),
    ] {
        let value = response(sent.as_bytes());
        let bytes = encode_res(&value);
        assert_eq!(show(&bytes), written);
        // What was written reads back with the same content and writes as itself again.
        assert_eq!(encode_res(&response(&bytes)), bytes);
    }
}

// Finding 8: folder names.

#[test]
fn a_mailbox_from_a_str_goes_out_in_modified_utf7() {
    let select = |mailbox| {
        segments(
            CommandBody::Select {
                mailbox,
                parameters: vec![],
            },
            EncodeOptions::default(),
        )
    };
    assert_eq!(
        select(MailboxName::from("Entwürfe")),
        [("a1 SELECT Entw&APw-rfe\r\n".to_owned(), false)]
    );
    assert_eq!(
        select(MailboxName::from("Tom & Jerry")),
        [("a1 SELECT \"Tom &- Jerry\"\r\n".to_owned(), false)]
    );
    assert_eq!(
        select(MailboxName::from("~peter/mail/日本語/台北")),
        [(
            "a1 SELECT ~peter/mail/&ZeVnLIqe-/&U,BTFw-\r\n".to_owned(),
            false
        )]
    );
    // INBOX is INBOX in any case.
    assert!(MailboxName::from("inbox").is_inbox());
    assert_eq!(
        select(MailboxName::from("Inbox")),
        [("a1 SELECT INBOX\r\n".to_owned(), false)]
    );
}

#[test]
fn wire_forms_are_sent_as_they_are_and_read_back_decoded() {
    let wire = MailboxName::from_wire(&b"Entw&APw-rfe"[..]);
    assert_eq!(wire, MailboxName::from("Entwürfe"));
    assert_eq!(wire.name(false).unwrap(), "Entwürfe");
    // The parser keeps the name as it came, so writing it back changes nothing.
    let parsed = command(b"A1 RENAME Entw&APw-rfe \"Tom &- Jerry\"\r\n");
    let CommandBody::Rename { from, to } = &parsed.body else {
        panic!("{parsed:?}")
    };
    assert_eq!(from.as_bytes(), b"Entw&APw-rfe");
    assert_eq!(to.name(false).unwrap(), "Tom & Jerry");
    assert_eq!(
        show(
            encode_command(&parsed, &EncodeOptions::default())
                .unwrap()
                .as_bytes()
        ),
        "A1 RENAME Entw&APw-rfe \"Tom &- Jerry\"\r\n"
    );
}
