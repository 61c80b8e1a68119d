//! Building the commands of IMAP extensions (MULTIAPPEND, SEARCHRES, SORT/THREAD, FETCH
//! attributes of other extensions) and what the encoder refuses to write; every form parsed
//! here writes back to the same value.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    AppendMessage, Atom, Command, CommandBody, Date, DateTime, FetchAttribute, FetchItems, Flag,
    IntoOwned, MailboxName, Raw, SearchKey, SequenceSet, SortCriterion, SortKey, Tag,
    ThreadAlgorithm,
};
use mailwire::imap::codec::{EncodeOptions, encode_command, parse_command};

/// Parses `message`, checks that it writes back to the same value, and returns it.
fn command_with(message: &[u8]) -> Command<'static> {
    let value = command(message);
    assert_eq!(command(&encode_cmd(&value)), value, "{}", show(message));
    value
}

fn segments(command: &Command<'_>, options: EncodeOptions) -> Vec<(String, bool)> {
    encode_command(command, &options)
        .unwrap_or_else(|e| panic!("{e}: {command:?}"))
        .segments()
        .map(|s| (show(s.bytes), s.wait_for_continuation))
        .collect()
}

#[test]
fn multiappend_is_built_one_message_at_a_time() {
    let date = DateTime::new(Date::new(2024, 1, 5).unwrap(), 10, 0, 5, 60).unwrap();
    let command = CommandBody::Append {
        mailbox: MailboxName::from("Archive"),
        messages: vec![
            AppendMessage::new(&b"Subject: one\r\n\r\n1\r\n"[..])
                .with_flags(vec![
                    Flag::Seen,
                    Flag::Keyword(Atom::new("$Label1").unwrap()),
                ])
                .with_date(date),
            AppendMessage::new(&b"Subject: two\r\n\r\n2\r\n"[..]),
        ],
    }
    .tag(Tag::new("m1").unwrap());
    let written = encode_cmd(&command);
    assert_eq!(
        show(&written),
        "m1 APPEND Archive (\\Seen $Label1) \" 5-Jan-2024 10:00:05 +0100\" {19}\r\n\
         Subject: one\r\n\r\n1\r\n {19}\r\nSubject: two\r\n\r\n2\r\n\r\n"
    );
    assert_eq!(IntoOwned::into_owned(command.clone()), command);
    assert_eq!(imap_support::command(&written), command);
    // A literal8 message stays one.
    let binary = command_with(b"b1 APPEND INBOX ~{3}\r\na\0b (\\Draft) {1}\r\nx\r\n");
    let CommandBody::Append { messages, .. } = &binary.body else {
        panic!()
    };
    assert_eq!(
        messages
            .iter()
            .map(|m| m.message.binary)
            .collect::<Vec<_>>(),
        [true, false]
    );
    // APPEND without a message is nothing a server can take.
    let empty = CommandBody::Append {
        mailbox: MailboxName::from("INBOX"),
        messages: vec![],
    }
    .tag(Tag::new("e1").unwrap());
    assert!(encode_command(&empty, &EncodeOptions::default()).is_err());
    assert!(parse_command(b"e2 APPEND INBOX (\\Seen)\r\n", &Default::default()).is_err());
}

#[test]
fn a_saved_result_is_resolved_before_it_is_counted() {
    let set = SequenceSet::range(1, 4).and(SequenceSet::saved());
    assert_eq!(set.to_string(), "1:4,$");
    assert_eq!(set.contains(3, 10), Some(true));
    assert_eq!(
        set.contains(9, 10),
        None,
        "9 may or may not be in the saved result"
    );
    assert_eq!(set.expand(10, 100), None);
    let found = SequenceSet::single(9);
    let resolved = set.resolve(&found);
    assert_eq!(resolved.to_string(), "1:4,9");
    assert_eq!(resolved.contains(9, 10), Some(true));
    assert_eq!(resolved.expand(10, 100), Some(vec![1, 2, 3, 4, 9]));
    assert_eq!(SequenceSet::all().resolve(&found), SequenceSet::all());
}

#[test]
fn sort_and_thread_commands_are_built_and_checked() {
    let tag = || Tag::new("s1").unwrap();
    let sort = CommandBody::sort(
        vec![
            SortCriterion::reverse(SortKey::Date),
            SortCriterion::new(SortKey::Size),
        ],
        SearchKey::subject("quick brown") & SearchKey::unseen(),
        true,
    )
    .tag(tag());
    assert_eq!(
        show(&encode_cmd(&sort)),
        "s1 UID SORT (REVERSE DATE SIZE) UTF-8 SUBJECT \"quick brown\" UNSEEN\r\n"
    );
    let thread = CommandBody::thread(ThreadAlgorithm::Refs, SearchKey::saved(), false).tag(tag());
    assert_eq!(show(&encode_cmd(&thread)), "s1 THREAD REFS UTF-8 $\r\n");
    // A string that needs a literal goes as one, after its own wait for `+`.
    let literal = CommandBody::sort(
        vec![SortCriterion::new(SortKey::From)],
        SearchKey::from_address("a\r\nb"),
        false,
    )
    .tag(tag());
    assert_eq!(
        segments(&literal, EncodeOptions::default()),
        [
            ("s1 SORT (FROM) UTF-8 FROM {4}\r\n".to_owned(), true),
            ("a\r\nb\r\n".to_owned(), false)
        ]
    );
    // Keys and algorithms of other extensions are kept by name, both ways.
    for line in [
        &b"x1 SORT (RELEVANCY REVERSE X-SCORE) UTF-8 ALL\r\n"[..],
        b"x2 UID THREAD X-JWZ utf-8 OR SEEN FLAGGED\r\n",
        b"x3 SORT RETURN () (CC TO) \"US-ASCII\" 1:*\r\n",
    ] {
        assert_eq!(encode_cmd(&command_with(line)), line, "{}", show(line));
    }
    // What the grammar does not allow is refused both ways.
    for line in [
        &b"b1 SORT () UTF-8 ALL\r\n"[..],
        b"b2 SORT (REVERSE) UTF-8 ALL\r\n",
        b"b3 SORT (DATE) UTF-8\r\n",
        b"b4 SORT (DATE) ALL\r\n",
        b"b5 THREAD REFERENCES UTF-8\r\n",
        b"b6 SORT (REVERSE REVERSE DATE) UTF-8 ALL\r\n",
    ] {
        assert!(
            parse_command(line, &Default::default()).is_err(),
            "{}",
            show(line)
        );
    }
    let refused = [
        CommandBody::sort(vec![], SearchKey::all(), false),
        CommandBody::sort(
            vec![SortCriterion::new(SortKey::Other(
                Atom::new("DATE").unwrap(),
            ))],
            SearchKey::all(),
            false,
        ),
        CommandBody::sort(
            vec![SortCriterion::new(SortKey::Other(
                Atom::new("reverse").unwrap(),
            ))],
            SearchKey::all(),
            false,
        ),
        CommandBody::thread(
            ThreadAlgorithm::Other(Atom::new("REFS").unwrap()),
            SearchKey::all(),
            false,
        ),
        CommandBody::thread(ThreadAlgorithm::References, SearchKey::And(vec![]), false),
    ];
    for body in refused {
        let command = body.tag(tag());
        assert!(
            encode_command(&command, &EncodeOptions::default()).is_err(),
            "{command:?}"
        );
    }
}

#[test]
fn fetch_attributes_of_other_extensions_are_kept_as_sent() {
    let line = b"o1 UID FETCH 1:* (X-SNIPPET (FUZZY \"a b\") X-PART[2.TEXT]<0.64> FLAGS)\r\n";
    let CommandBody::Fetch {
        items: FetchItems::Attributes(list),
        ..
    } = command_with(line).body
    else {
        panic!()
    };
    let other =
        |name: &str, section: Option<&[u8]>, arguments: Option<&[u8]>| FetchAttribute::Other {
            name: Atom::new(name.to_owned()).unwrap(),
            section: section.map(|s| Raw(s.to_vec().into())),
            arguments: arguments.map(|a| Raw(a.to_vec().into())),
        };
    assert_eq!(
        list,
        [
            other("X-SNIPPET", None, Some(b"(FUZZY \"a b\")")),
            other("X-PART", Some(b"[2.TEXT]<0.64>"), None),
            FetchAttribute::Flags,
        ]
    );
    assert_eq!(encode_cmd(&command(line)), line);
    // Alone, an unknown attribute's argument is written in parentheses, and a list after a
    // bare unknown attribute is what the FETCH modifiers grammar makes of it.
    for (line, written) in [
        (
            &b"o2 FETCH 1 (X-A (1))\r\n"[..],
            &b"o2 FETCH 1 (X-A (1))\r\n"[..],
        ),
        (b"o3 FETCH 1 X-A (1)\r\n", b"o3 FETCH 1 (X-A (1))\r\n"),
        (
            b"o4 FETCH 1 X-A (CHANGEDSINCE 1)\r\n",
            b"o4 FETCH 1 X-A (CHANGEDSINCE 1)\r\n",
        ),
    ] {
        assert_eq!(show(&encode_cmd(&command_with(line))), show(written));
    }
    // What the parser could not read back as the same attribute is refused, not written.
    let refused = [
        other("FLAGS", None, None),
        other("all", None, None),
        other("X-A", Some(b"[1"), None),
        other("X-A", Some(b"(1)"), None),
        other("X-A", None, Some(b"(1")),
        other("X-A", None, Some(b"(1) (2)")),
        other("X-A", None, Some(b"({1}\r\nx)")),
        other("X-A", None, Some(b"(a\r\n)")),
        other("X-A<1", None, None),
        other("X-A[1", None, None),
    ];
    for attribute in refused {
        let command = CommandBody::Fetch {
            set: SequenceSet::single(1),
            items: FetchItems::Attributes(vec![attribute]),
            modifiers: vec![],
            uid: false,
        }
        .tag(Tag::new("r1").unwrap());
        assert!(
            encode_command(&command, &EncodeOptions::default()).is_err(),
            "{command:?}"
        );
    }
    // Literals have no place in an unknown attribute's argument (they would need a wait
    // for `+` the codec cannot know about).
    assert!(parse_command(b"o5 FETCH 1 (X-A ({1}\r\nx))\r\n", &Default::default()).is_err());
}
