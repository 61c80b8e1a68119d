//! Every example of RFC 3501 sections 6 to 8, both directions: each parses, writes back to
//! a value-identical message, and (where the grammar has one canonical form) to the same bytes.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    AuthenticateData, CommandBody, Data, FetchItem, GreetingKind, Response, SearchKey,
    SinglePartKind, StatusKind,
};
use mailwire::imap::codec::{
    DecodeErrorKind, Parsed, parse_authenticate_data, parse_command, parse_greeting,
};
use mailwire::limits::Limits;

#[test]
fn server_examples_parse_and_write_back() {
    let stream = fixture("rfc3501.server");
    let changed = check_responses(&stream);
    // Only the examples that are not in canonical form change when written back.
    let expected = [
        ("+\r\n", "+ \r\n"),
        (
            "* LSUB (\\NoSelect) \".\" #news.comp.mail\r\n",
            "* LSUB (\\Noselect) \".\" #news.comp.mail\r\n",
        ),
    ];
    let changed: Vec<(&str, &str)> = changed
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(changed, expected);
    check_chunking(&stream, false);
}

#[test]
fn client_examples_parse_and_write_back() {
    let stream = fixture("rfc3501.client");
    let changed = check_commands(&stream);
    // Section 8 writes commands in lower case; IMAP keywords are case-insensitive.
    let expected = [
        ("a001 login mrc secret\r\n", "a001 LOGIN mrc secret\r\n"),
        ("a002 select inbox\r\n", "a002 SELECT inbox\r\n"),
        ("a003 fetch 12 full\r\n", "a003 FETCH 12 FULL\r\n"),
        (
            "a004 fetch 12 body[header]\r\n",
            "a004 FETCH 12 BODY[HEADER]\r\n",
        ),
        (
            "a005 store 12 +flags \\deleted\r\n",
            "a005 STORE 12 +FLAGS (\\Deleted)\r\n",
        ),
        ("a006 logout\r\n", "a006 LOGOUT\r\n"),
    ];
    let changed: Vec<(&str, &str)> = changed
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(changed, expected);
    check_chunking(&stream, true);
}

#[test]
fn the_section_8_session_reads_as_the_rfc_describes() {
    let stream = fixture("rfc3501.server");
    let messages = frame(&stream, false, stream.len());
    let greeting = whole(
        parse_greeting(&messages[0], &Limits::default()).unwrap(),
        &messages[0],
    );
    assert_eq!(greeting.kind, GreetingKind::Ok);
    assert_eq!(greeting.text.as_bytes(), b"IMAP4rev1 Service Ready");

    let fetch = messages
        .iter()
        .map(|m| response(m))
        .find_map(|r| match r {
            Response::Data(Data::Fetch { seq: 12, items }) if items.len() == 5 => Some(items),
            _ => None,
        })
        .expect("the FETCH FULL answer");
    let FetchItem::Envelope(envelope) = &fetch[3] else {
        panic!("{fetch:?}")
    };
    assert_eq!(envelope.cc().len(), 2);
    assert_eq!(
        envelope.cc()[1].name.as_ref().unwrap().as_bytes(),
        b"John Klensin"
    );
    assert_eq!(envelope.bcc(), []);
    let FetchItem::Body(body) = &fetch[4] else {
        panic!()
    };
    let mailwire::imap::codec::types::BodyStructure::Single(part) = &**body else {
        panic!()
    };
    assert_eq!(
        (part.size, &part.kind),
        (3028, &SinglePartKind::Text { lines: 92 })
    );

    let header = messages
        .iter()
        .map(|m| response(m))
        .find_map(|r| match r {
            Response::Data(Data::Fetch { items, .. }) => {
                items.into_iter().find_map(|item| match item {
                    FetchItem::BodySection {
                        data: Some(data), ..
                    } => Some(data.as_bytes().to_vec()),
                    _ => None,
                })
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(header.len(), 342);
    assert!(header.ends_with(b"US-ASCII\r\n\r\n"));
}

#[test]
fn client_side_search_and_literal_commands() {
    let stream = fixture("rfc3501.client");
    let commands: Vec<_> = frame(&stream, true, stream.len())
        .iter()
        .map(|m| command(m))
        .collect();
    let search = commands
        .iter()
        .find(|c| c.tag.as_str() == "A282")
        .map(|c| c.body.clone())
        .unwrap();
    let CommandBody::Search {
        criteria,
        charset: None,
        uid: false,
        ..
    } = search
    else {
        panic!()
    };
    assert_eq!(criteria.len(), 3);
    assert!(matches!(&criteria[2], SearchKey::Not(inner) if matches!(**inner, SearchKey::From(_))));

    let login = commands
        .iter()
        .rev()
        .find(|c| c.tag.as_str() == "A001")
        .unwrap();
    let CommandBody::Login { username, password } = &login.body else {
        panic!()
    };
    assert_eq!(username.as_bytes(), b"FRED FOOBAR");
    assert_eq!(password.expose().as_bytes(), b"fat man");
    // The password never shows in Debug output.
    assert!(!format!("{login:?}").contains("fat man"));
}

#[test]
fn authenticate_exchange_lines() {
    // Section 6.2.2: the client's lines between the server's challenges (joined; the RFC
    // breaks them for editorial clarity).
    let limits = Limits::default();
    let line = b"YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE=\r\n";
    let AuthenticateData::Response(data) =
        whole(parse_authenticate_data(line, &limits).unwrap(), line)
    else {
        panic!()
    };
    assert_eq!(data.expose().len(), 53);
    // The empty response "C:" of the example.
    let empty = whole(parse_authenticate_data(b"\r\n", &limits).unwrap(), b"\r\n");
    assert!(matches!(empty, AuthenticateData::Response(d) if d.expose().is_empty()));
    assert_eq!(
        parse_authenticate_data(b"*\r\n", &limits),
        Ok(Parsed::Complete(AuthenticateData::Cancel, 3))
    );
    assert!(parse_authenticate_data(b"not base64!\r\n", &limits).is_err());
}

#[test]
fn experimental_commands_are_refused_where_they_start() {
    // Section 6.5.1: "A442 XPIG-LATIN" is not a command this codec knows.
    let error = parse_command(b"A442 XPIG-LATIN\r\n", &Limits::default()).unwrap_err();
    assert_eq!(error.offset, 5);
    assert_eq!(
        error.kind,
        DecodeErrorKind::Syntax {
            expected: "a command name"
        }
    );
    // Its untagged answer is kept as sent.
    let Response::Data(Data::Other(raw)) =
        response(b"* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay\r\n")
    else {
        panic!()
    };
    assert_eq!(
        raw.as_bytes(),
        b"XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay"
    );
}

#[test]
fn status_responses_carry_their_codes() {
    let Response::Status(status) = response(b"A142 OK [READ-WRITE] SELECT completed\r\n") else {
        panic!()
    };
    assert_eq!(status.kind, StatusKind::Ok);
    assert_eq!(
        status.code,
        Some(mailwire::imap::codec::types::Code::ReadWrite)
    );
    assert_eq!(status.text.as_bytes(), b"SELECT completed");
}
