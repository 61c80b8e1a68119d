//! Examples from the RFCs of the extensions iCloud and Dovecot speak (IDLE, ID, ENABLE,
//! NAMESPACE, MOVE, UIDPLUS, UNSELECT, QUOTA, CONDSTORE/QRESYNC, ESEARCH, SORT/THREAD,
//! ESORT, LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, SASL-IR, LITERAL+, BINARY, RFC 5530 codes,
//! OBJECTID, Gmail's X-GM-EXT-1, MULTIAPPEND, SEARCHRES, PREVIEW, SAVEDATE), parsed and
//! written back.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    Code, Command, CommandBody, Data, FetchAttribute, FetchItem, FetchItems, FetchModifier, Flag,
    IString, ListReturnOption, LiteralMode, Response, SearchKey, SearchReturnData,
    SearchReturnOption, SelectParameter, SeqBound, SequenceSet, SortCriterion, SortKey, Tag,
    Thread, ThreadAlgorithm,
};
use mailwire::imap::codec::{EncodeOptions, encode_command, encode_response};

fn pairs(changed: &[(String, String)]) -> Vec<(&str, &str)> {
    changed
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

#[test]
fn server_examples_parse_and_write_back() {
    let stream = fixture("extensions.server");
    let changed = check_responses(&stream);
    // RFC 5258 and RFC 5819 spell the RFC 3501 attributes \Noinferiors and \Noselect in
    // another case (attributes compare without regard to case), and attributes are a set,
    // written in one fixed order.
    assert_eq!(
        pairs(&changed),
        [
            (
                "* LIST (\\Marked \\NoInferiors) \"/\" \"inbox\"\r\n",
                "* LIST (\\Noinferiors \\Marked) \"/\" \"inbox\"\r\n"
            ),
            (
                "* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n",
                "* LIST (\\NonExistent \\Subscribed) \"/\" \"Fruit/Peach\"\r\n"
            ),
            (
                "* LIST (\\NoSelect) \".\" \"bar\"\r\n",
                "* LIST (\\Noselect) \".\" \"bar\"\r\n"
            ),
        ]
    );
    check_chunking(&stream, false);
}

#[test]
fn client_examples_parse_and_write_back() {
    let stream = fixture("extensions.client");
    let changed = check_commands(&stream);
    // A single FETCH attribute may be parenthesised or not, and an empty LIST selection
    // may be written or left out: the grammar has two forms and the encoder picks the shorter.
    // Keywords and month names are written in one case (`.SILENT`, `Mar`).
    assert_eq!(
        pairs(&changed),
        [
            (
                "s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n",
                "s100 UID FETCH 1:* FLAGS (CHANGEDSINCE 12345)\r\n"
            ),
            (
                "A03 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
                "A03 UID FETCH 1:* FLAGS (CHANGEDSINCE 12345 VANISHED)\r\n"
            ),
            (
                "A03 LIST () \"\" \"%\" RETURN (CHILDREN)\r\n",
                "A03 LIST \"\" \"%\" RETURN (CHILDREN)\r\n"
            ),
            (
                "e1 UID FETCH 1:100 (FLAGS)\r\n",
                "e1 UID FETCH 1:100 FLAGS\r\n"
            ),
            ("3 FETCH 1:* (EMAILID)\r\n", "3 FETCH 1:* EMAILID\r\n"),
            ("5 FETCH 1:* (THREADID)\r\n", "5 FETCH 1:* THREADID\r\n"),
            (
                "F284 STORE $ +FLAGS.Silent (\\Deleted)\r\n",
                "F284 STORE $ +FLAGS.SILENT (\\Deleted)\r\n"
            ),
            (
                "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n",
                "A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000\r\n"
            ),
            (
                "A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000\r\n",
                "A285 THREAD REFERENCES UTF-8 SINCE 5-Mar-2000\r\n"
            ),
            ("s1 FETCH 1 (SAVEDATE)\r\n", "s1 FETCH 1 SAVEDATE\r\n"),
        ]
    );
    check_chunking(&stream, true);
}

#[test]
fn thread_responses_nest_as_rfc_5256_draws_them() {
    let Response::Data(Data::Thread(threads)) = response(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n")
    else {
        panic!()
    };
    let leaf = |members: &[u32]| Thread {
        members: members.to_vec(),
        children: vec![],
    };
    assert_eq!(
        threads,
        [
            leaf(&[2]),
            Thread {
                members: vec![3, 6],
                children: vec![leaf(&[4, 23]), leaf(&[44, 7, 96])],
            },
        ]
    );
}

#[test]
fn condstore_and_qresync_values() {
    let Response::Data(Data::Search { ids, modseq }) =
        response(b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n")
    else {
        panic!()
    };
    assert_eq!((ids.len(), modseq), (10, Some(917162500)));

    let Response::Data(Data::Vanished {
        earlier: true,
        uids,
    }) = response(b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n")
    else {
        panic!()
    };
    assert_eq!(
        [
            uids.contains(300, 0),
            uids.contains(42, 0),
            uids.contains(541, 0)
        ],
        [Some(true), Some(false), Some(false)]
    );

    let Response::Status(status) = response(b"d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n")
    else {
        panic!()
    };
    assert!(matches!(status.code, Some(Code::Modified(set)) if set.to_string() == "7,9"));

    let select =
        command(b"A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\r\n");
    let CommandBody::Select { parameters, .. } = select.body else {
        panic!()
    };
    let [
        SelectParameter::Other {
            name,
            value: Some(value),
        },
    ] = parameters.as_slice()
    else {
        panic!()
    };
    assert_eq!(name.as_str(), "QRESYNC");
    assert_eq!(
        value.as_bytes(),
        b"(67890007 90060115194045000 41:211,214:541)"
    );

    let fetch = command(b"A03 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
    let CommandBody::Fetch {
        modifiers,
        uid: true,
        set,
        ..
    } = fetch.body
    else {
        panic!()
    };
    assert_eq!(
        modifiers,
        [FetchModifier::ChangedSince(12345), FetchModifier::Vanished]
    );
    assert_eq!(set.ranges[0].end, Some(SeqBound::Largest));
}

#[test]
fn uidplus_codes() {
    let Response::Status(status) =
        response(b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n")
    else {
        panic!()
    };
    let Some(Code::CopyUid {
        uid_validity,
        source,
        destination,
    }) = status.code
    else {
        panic!()
    };
    assert_eq!(uid_validity, 38505);
    assert_eq!(source.expand(0, 10).unwrap(), [304, 319, 320]);
    assert_eq!(destination.expand(0, 10).unwrap(), [3956, 3957, 3958]);
}

#[test]
fn esearch_answers() {
    let Response::Data(Data::ESearch(esearch)) =
        response(b"* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n")
    else {
        panic!()
    };
    assert_eq!(esearch.tag.unwrap().as_bytes(), b"A285");
    assert!(esearch.uid);
    assert_eq!(
        esearch.data,
        [SearchReturnData::Min(7), SearchReturnData::Max(3800)]
    );
}

#[test]
fn list_status_and_special_use_commands() {
    let list = command(b"A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n");
    let CommandBody::List { return_options, .. } = list.body else {
        panic!()
    };
    assert!(
        matches!(&return_options[..], [ListReturnOption::Status(attributes)] if attributes.len() == 2)
    );
}

#[test]
fn literal_plus_and_binary() {
    let login = command(b"A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n");
    let CommandBody::Login { username, .. } = login.body else {
        panic!()
    };
    let mailwire::imap::codec::types::AString::String(
        mailwire::imap::codec::types::IString::Literal(literal),
    ) = username
    else {
        panic!()
    };
    assert_eq!(literal.mode, LiteralMode::NonSync);

    let Response::Data(Data::Fetch { items, .. }) = response(
        b"* 3 FETCH (UID 150 BINARY[1.2] ~{7}\r\n\x00\x01\x02 \xff\r\n BINARY.SIZE[2] 1230)\r\n",
    ) else {
        panic!()
    };
    let FetchItem::Binary {
        section,
        data: Some(data),
        ..
    } = &items[1]
    else {
        panic!()
    };
    assert_eq!(section, &[1, 2]);
    assert_eq!(data.as_bytes(), b"\x00\x01\x02 \xff\r\n");
    assert_eq!(
        items[2],
        FetchItem::BinarySize {
            section: vec![2],
            size: 1230
        }
    );
}

#[test]
fn rfc_5530_codes_are_recognised() {
    let expected = [
        (&b"* NO [UNAVAILABLE] x\r\n"[..], Code::Unavailable),
        (
            b"a NO [AUTHENTICATIONFAILED] x\r\n",
            Code::AuthenticationFailed,
        ),
        (
            b"a NO [AUTHORIZATIONFAILED] x\r\n",
            Code::AuthorizationFailed,
        ),
        (b"a NO [EXPIRED] x\r\n", Code::Expired),
        (b"a NO [PRIVACYREQUIRED] x\r\n", Code::PrivacyRequired),
        (b"a NO [CONTACTADMIN] x\r\n", Code::ContactAdmin),
        (b"a NO [NOPERM] x\r\n", Code::NoPerm),
        (b"a NO [INUSE] x\r\n", Code::InUse),
        (b"a NO [EXPUNGEISSUED] x\r\n", Code::ExpungeIssued),
        (b"a NO [CORRUPTION] x\r\n", Code::Corruption),
        (b"a NO [SERVERBUG] x\r\n", Code::ServerBug),
        (b"a OK [CLIENTBUG] x\r\n", Code::ClientBug),
        (b"a NO [CANNOT] x\r\n", Code::CanNot),
        (b"a NO [LIMIT] x\r\n", Code::Limit),
        (b"a NO [OVERQUOTA] x\r\n", Code::OverQuota),
        (b"a NO [ALREADYEXISTS] x\r\n", Code::AlreadyExists),
        (b"a NO [NONEXISTENT] x\r\n", Code::NonExistent),
    ];
    for (line, code) in expected {
        let Response::Status(status) = response(line) else {
            panic!()
        };
        assert_eq!(status.code, Some(code), "{}", show(line));
    }
    // An unknown code is kept with its arguments.
    let Response::Status(status) = response(b"a NO [UNKNOWN-CTE] Can't decode part 1.2\r\n") else {
        panic!()
    };
    assert!(
        matches!(status.code, Some(Code::Other { name, arguments: None }) if name.as_str() == "UNKNOWN-CTE")
    );
}

/// The messages of a fixture stream, as sent.
fn client_messages(stream: &[u8]) -> Vec<Vec<u8>> {
    frame(stream, true, stream.len())
}

/// The last command of a fixture stream that starts with `tag verb` (the RFCs reuse tags).
fn tagged(stream: &[u8], tag: &str, verb: &str) -> Command<'static> {
    let prefix = format!("{tag} {verb}");
    let message = client_messages(stream)
        .into_iter()
        .rev()
        .find(|m| m.starts_with(prefix.as_bytes()))
        .unwrap_or_else(|| panic!("no {prefix} in the fixture"));
    command(&message)
}

fn segments(command: &Command<'_>, options: EncodeOptions) -> Vec<(String, bool)> {
    encode_command(command, &options)
        .unwrap_or_else(|e| panic!("{e}: {command:?}"))
        .segments()
        .map(|s| (show(s.bytes), s.wait_for_continuation))
        .collect()
}

#[test]
fn multiappend_sends_each_message_after_its_own_continuation() {
    // RFC 3502 section 6: two messages in one APPEND, the second with its own flags and date.
    let stream = fixture("extensions.client");
    let append = tagged(&stream, "A003", "APPEND saved-messages");
    let CommandBody::Append { mailbox, messages } = &append.body else {
        panic!("{append:?}")
    };
    assert_eq!(mailbox.as_bytes(), b"saved-messages");
    let shapes: Vec<_> = messages
        .iter()
        .map(|m| {
            (
                m.flags.clone(),
                m.date.map(|d| d.to_string()),
                m.message.data.len(),
            )
        })
        .collect();
    assert_eq!(
        shapes,
        [
            (vec![Flag::Seen], None, 329),
            (
                vec![Flag::Seen],
                Some(" 7-Feb-1994 22:43:04 -0800".to_owned()),
                295
            ),
        ]
    );
    assert!(
        messages[1]
            .message
            .data
            .ends_with(b"3:30 is fine with me.\r\n")
    );
    // Each synchronising literal waits for the server's `+ Ready for literal data`.
    let waits: Vec<_> = segments(&append, EncodeOptions::default())
        .into_iter()
        .map(|(bytes, wait)| (bytes.lines().next().unwrap_or_default().to_owned(), wait))
        .collect();
    assert_eq!(
        waits,
        [
            ("A003 APPEND saved-messages (\\Seen) {329}".to_owned(), true),
            (
                "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)".to_owned(),
                true
            ),
            (
                "Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)".to_owned(),
                false
            ),
        ]
    );
    let second = &segments(&append, EncodeOptions::default())[1].0;
    assert!(second.ends_with(" (\\Seen) \" 7-Feb-1994 22:43:04 -0800\" {295}\r\n"));
    // With LITERAL+ the whole command goes at once.
    let plus = segments(&append, EncodeOptions::default().with_literal_plus(true));
    assert_eq!(plus.len(), 1);
    assert!(plus[0].0.contains("{329+}\r\n") && plus[0].0.contains("{295+}\r\n"));
}

#[test]
fn searchres_dollar_stands_where_a_set_stands() {
    // RFC 5182: SEARCH RETURN (SAVE) keeps the result, `$` names it in later commands.
    let stream = fixture("extensions.client");
    let fetch = tagged(&stream, "A283", "FETCH");
    assert!(matches!(&fetch.body, CommandBody::Fetch { set, .. } if *set == SequenceSet::saved()));
    let CommandBody::Search { criteria, .. } = tagged(&stream, "P283", "SEARCH").body else {
        panic!()
    };
    let [SearchKey::And(group), SearchKey::Text(_)] = &criteria[..] else {
        panic!("{criteria:?}")
    };
    let [SearchKey::Or(left, right)] = &group[..] else {
        panic!("{group:?}")
    };
    assert_eq!(**left, SearchKey::saved());
    assert_eq!(
        **right,
        SearchKey::SequenceSet(SequenceSet::single(1).and(SequenceSet::range(3000, 3021)))
    );
    for (tag, verb) in [("F283", "COPY"), ("F284", "STORE"), ("F285", "UID EXPUNGE")] {
        let body = tagged(&stream, tag, verb).body;
        let set = match &body {
            CommandBody::Copy { set, .. }
            | CommandBody::Store { set, .. }
            | CommandBody::UidExpunge(set) => set,
            other => panic!("{other:?}"),
        };
        assert!(set.saved && set.ranges.is_empty(), "{tag}: {set:?}");
    }
    // `$` may end a list of numbers too; each form writes back as it came.
    for line in [
        &b"m1 UID MOVE 1:4,$ Archive\r\n"[..],
        b"m2 UID SEARCH UID 7,$ NOT DELETED\r\n",
        b"m3 UID FETCH $ (UID FLAGS) (CHANGEDSINCE 5)\r\n",
    ] {
        assert_eq!(encode_cmd(&command_with(line)), line, "{}", show(line));
    }
    for line in [
        &b"b1 FETCH 1:$ FLAGS\r\n"[..],
        b"b2 FETCH $,1 FLAGS\r\n",
        b"b3 COPY $$ x\r\n",
    ] {
        assert!(
            mailwire::imap::codec::parse_command(line, &Default::default()).is_err(),
            "{}",
            show(line)
        );
    }
    // A server names messages itself: `$` in a response is refused, not written.
    let vanished = Response::Data(Data::Vanished {
        earlier: false,
        uids: SequenceSet::saved(),
    });
    assert!(encode_response(&vanished, &mut Vec::new()).is_err());
    assert!(
        mailwire::imap::codec::parse_response(b"* VANISHED $\r\n", &Default::default()).is_err()
    );
}

#[test]
fn sort_and_thread_commands_read_as_rfc_5256_writes_them() {
    let stream = fixture("extensions.client");
    let CommandBody::Sort {
        criteria,
        charset,
        search,
        return_options: None,
        uid: false,
    } = tagged(&stream, "A283", "SORT").body
    else {
        panic!()
    };
    assert_eq!(
        criteria,
        [
            SortCriterion::new(SortKey::Subject),
            SortCriterion::reverse(SortKey::Date)
        ]
    );
    assert_eq!(
        (charset.as_bytes(), search),
        (&b"UTF-8"[..], vec![SearchKey::All])
    );

    let CommandBody::Thread {
        algorithm,
        charset,
        search,
        uid: false,
    } = tagged(&stream, "A284", "THREAD").body
    else {
        panic!()
    };
    assert_eq!(algorithm, ThreadAlgorithm::OrderedSubject);
    assert_eq!(charset.as_bytes(), b"US-ASCII");
    assert!(matches!(&search[..], [SearchKey::Text(text)] if text.as_bytes() == b"gewp"));

    // ESORT (RFC 5267): RETURN options as in ESEARCH, answered with ESEARCH.
    let CommandBody::Sort {
        criteria,
        return_options: Some(options),
        uid: true,
        ..
    } = tagged(&stream, "E2", "UID SORT").body
    else {
        panic!()
    };
    assert_eq!(
        options,
        [SearchReturnOption::Count, SearchReturnOption::All]
    );
    assert_eq!(criteria, [SortCriterion::reverse(SortKey::Arrival)]);
    // RFC 5957 display-name keys.
    let CommandBody::Sort { criteria, .. } = tagged(&stream, "D1", "SORT").body else {
        panic!()
    };
    assert_eq!(
        criteria,
        [
            SortCriterion::new(SortKey::DisplayFrom),
            SortCriterion::reverse(SortKey::DisplayTo)
        ]
    );
}

#[test]
fn preview_and_savedate_are_asked_for_and_answered() {
    // RFC 8970 PREVIEW (with LAZY) and RFC 8514 SAVEDATE, both directions.
    let stream = fixture("extensions.client");
    let attributes = |tag| match tagged(&stream, tag, "FETCH").body {
        CommandBody::Fetch {
            items: FetchItems::Attributes(list),
            ..
        } => list,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        attributes("p1"),
        [
            FetchAttribute::Rfc822Size,
            FetchAttribute::Preview { lazy: false }
        ]
    );
    assert_eq!(attributes("p2"), [FetchAttribute::Preview { lazy: true }]);
    assert_eq!(attributes("s1"), [FetchAttribute::SaveDate]);

    let items: Vec<FetchItem<'static>> = frame(&fixture("extensions.server"), false, usize::MAX)
        .iter()
        .filter_map(|message| match response(message) {
            Response::Data(Data::Fetch { items, .. }) => Some(items),
            _ => None,
        })
        .flatten()
        .filter(|item| matches!(item, FetchItem::Preview(_) | FetchItem::SaveDate(_)))
        .collect();
    let shown: Vec<String> = items
        .iter()
        .map(|item| match item {
            FetchItem::Preview(Some(text)) => format!("preview {}", show(text.as_bytes())),
            FetchItem::Preview(None) => "no preview".to_owned(),
            FetchItem::SaveDate(Some(date)) => format!("saved {date}"),
            FetchItem::SaveDate(None) => "no save date".to_owned(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "preview Hello Joe, do you think we can meet at 3:30 tomorrow?",
            "preview 3:30 is fine with me.",
            "no preview",
            "saved 26-Nov-2020 02:02:52 +0000",
            "no save date",
        ]
    );
    assert!(matches!(
        &items[0],
        FetchItem::Preview(Some(IString::Literal(_)))
    ));

    // Alone, PREVIEW (LAZY) keeps its parentheses, so that no server reads (LAZY) as the
    // FETCH modifiers; PREVIEW followed by real modifiers stays bare.
    let lazy = CommandBody::Fetch {
        set: SequenceSet::range(1, 4),
        items: FetchItems::Attributes(vec![FetchAttribute::Preview { lazy: true }]),
        modifiers: vec![],
        uid: false,
    }
    .tag(Tag::new("p3").unwrap());
    assert_eq!(
        show(&encode_cmd(&lazy)),
        "p3 FETCH 1:4 (PREVIEW (LAZY))\r\n"
    );
    let line = b"p4 FETCH 1:4 PREVIEW (CHANGEDSINCE 7)\r\n";
    let CommandBody::Fetch {
        items, modifiers, ..
    } = command_with(line).body
    else {
        panic!()
    };
    assert_eq!(
        (items, modifiers),
        (
            FetchItems::Attributes(vec![FetchAttribute::Preview { lazy: false }]),
            vec![FetchModifier::ChangedSince(7)]
        )
    );
}

/// Parses `message`, checks that it writes back to the same value, and returns it.
fn command_with(message: &[u8]) -> Command<'static> {
    let value = command(message);
    assert_eq!(command(&encode_cmd(&value)), value, "{}", show(message));
    value
}
