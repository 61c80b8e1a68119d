//! Examples from the RFCs of the extensions iCloud and Dovecot speak (IDLE, ID, ENABLE,
//! NAMESPACE, MOVE, UIDPLUS, UNSELECT, QUOTA, CONDSTORE/QRESYNC, ESEARCH, SORT/THREAD,
//! LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, SASL-IR, LITERAL+, BINARY, RFC 5530 codes,
//! OBJECTID, Gmail's X-GM-EXT-1), parsed and written back.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    Code, CommandBody, Data, FetchItem, FetchModifier, ListReturnOption, LiteralMode, Response,
    SearchReturnData, SelectParameter, SeqBound, Thread,
};

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
