//! The iCloud lines of docs/icloud.md and published iCloud captures: each parses, and the codec
//! writes what iCloud needs.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    AppendMessage, Capability, Code, CommandBody, Data, Flag, ListItem, MailboxAttribute,
    MailboxName, Response, SinglePart, Tag,
};
use mailwire::imap::codec::{
    EncodeOptions, Parsed, encode_command, parse_greeting, parse_idle_done,
};
use mailwire::limits::Limits;

#[test]
fn every_icloud_line_parses_and_writes_back() {
    let stream = fixture("icloud.server");
    let changed = check_responses(&stream);
    // Only the stray space before CRLF of the capability line disappears.
    assert_eq!(changed.len(), 1);
    assert!(
        changed[0].0.ends_with("AUTH=XOAUTH2 \r\n") && changed[0].1.ends_with("AUTH=XOAUTH2\r\n")
    );
    check_chunking(&stream, false);

    let commands = fixture("icloud.client");
    assert_eq!(check_commands(&commands), []);
    check_chunking(&commands, true);
}

#[test]
fn the_greeting_keeps_host_and_build_tokens_as_capabilities() {
    let stream = fixture("icloud.server");
    let message = frame(&stream, false, stream.len()).remove(0);
    let greeting = whole(
        parse_greeting(&message, &Limits::default()).unwrap(),
        &message,
    );
    let Some(Code::Capability(capabilities)) = greeting.code else {
        panic!()
    };
    let names: Vec<String> = capabilities.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "mr11p00im-iscream004",
            "15E201",
            "XAPPLEPUSHSERVICE",
            "IMAP4",
            "IMAP4rev1",
            "SASL-IR",
            "AUTH=ATOKEN",
            "AUTH=PLAIN"
        ]
    );
    assert!(capabilities.contains(&Capability::Imap4Rev1));
    let mechanisms: Vec<_> = capabilities
        .iter()
        .filter_map(Capability::auth_mechanism)
        .collect();
    assert_eq!(mechanisms, ["ATOKEN", "PLAIN"]);
    assert!(
        greeting
            .text
            .as_bytes()
            .starts_with(b"iSCREAM ready to rumble")
    );
}

#[test]
fn capabilities_with_a_trailing_space() {
    let Response::Data(Data::Capability(list)) = response(
        b"* CAPABILITY st11p00mm-iscream022 1S XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN AUTH=ATOKEN2 AUTH=XOAUTH2 \r\n",
    ) else {
        panic!()
    };
    assert_eq!(list.len(), 10);
    assert_eq!(
        list.last().and_then(Capability::auth_mechanism),
        Some("XOAUTH2")
    );
    // Not advertised after login: LITERAL+ and MOVE.
    let Response::Data(Data::Capability(after)) = response(b"* CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 CONDSTORE ENABLE QRESYNC QUOTA XAPPLELITERAL NAMESPACE UIDPLUS UNSELECT SORT ESEARCH ESORT CONTEXT=SORT WITHIN SASL-IR ID IDLE X-APPLE-REMOTE-LINKS LIST-STATUS\r\n") else {
        panic!()
    };
    assert!(!after.contains(&Capability::LiteralPlus) && !after.contains(&Capability::Move));
    assert!(after.contains(&Capability::ListStatus) && after.contains(&Capability::Idle));
}

#[test]
fn special_folders_are_found_by_attribute() {
    let stream = fixture("icloud.server");
    let lists: Vec<ListItem<'static>> = frame(&stream, false, stream.len())
        .iter()
        .filter_map(|m| match response(m) {
            Response::Data(Data::List(item)) => Some(item),
            _ => None,
        })
        .collect();
    let find = |attribute: MailboxAttribute<'static>| {
        lists
            .iter()
            .find(|item| item.attributes.contains(&attribute))
            .map(|item| item.mailbox.name(false).unwrap())
    };
    assert_eq!(
        find(MailboxAttribute::Sent).as_deref(),
        Some("Sent Messages")
    );
    assert_eq!(
        find(MailboxAttribute::Trash).as_deref(),
        Some("Deleted Messages")
    );
    assert_eq!(find(MailboxAttribute::Archive).as_deref(), Some("Archive"));
    assert!(lists.iter().all(|item| item.delimiter == Some('/')));
}

#[test]
fn idle_push_and_done() {
    let Response::Data(Data::Fetch { seq: 11, items }) =
        response(b"* 11 FETCH (UID 10060 FLAGS (\\Seen))\r\n")
    else {
        panic!()
    };
    assert_eq!(
        items[0],
        mailwire::imap::codec::types::FetchItem::Uid(10060)
    );
    assert_eq!(
        items[1],
        mailwire::imap::codec::types::FetchItem::Flags(vec![Flag::Seen].into())
    );
    assert_eq!(
        parse_idle_done(b"DONE\r\n", &Limits::default()),
        Ok(Parsed::Complete((), 6))
    );
    assert_eq!(
        parse_idle_done(b"done\r\n", &Limits::default()),
        Ok(Parsed::Complete((), 6))
    );
    assert!(parse_idle_done(b"a1 NOOP\r\n", &Limits::default()).is_err());
}

#[test]
fn nil_transfer_encoding_reads_as_absent() {
    let stream = fixture("icloud.server");
    let fetch = frame(&stream, false, stream.len())
        .into_iter()
        .find(|m| m.starts_with(b"* 80 FETCH"))
        .unwrap();
    let Response::Data(Data::Fetch { items, .. }) = response(&fetch) else {
        panic!()
    };
    let mailwire::imap::codec::types::FetchItem::BodyStructure(body) = &items[1] else {
        panic!()
    };
    let mailwire::imap::codec::types::BodyStructure::Multi(multi) = &**body else {
        panic!()
    };
    let mailwire::imap::codec::types::BodyStructure::Single(SinglePart { encoding, size, .. }) =
        &multi.parts[0]
    else {
        panic!()
    };
    assert_eq!((encoding, *size), (&None, 1694));
}

#[test]
fn append_waits_for_the_continuation_because_icloud_lacks_literal_plus() {
    let message = b"Subject: hi\r\n\r\nhello\r\n";
    let command = CommandBody::append(
        MailboxName::from_name("Sent Messages", false),
        AppendMessage::new(&message[..]).with_flags(vec![Flag::Seen]),
    )
    .tag(Tag::new("a10").unwrap());
    let encoded = encode_command(&command, &EncodeOptions::default()).unwrap();
    let segments: Vec<_> = encoded.segments().collect();
    assert_eq!(segments.len(), 2);
    assert_eq!(
        segments[0].bytes,
        b"a10 APPEND \"Sent Messages\" (\\Seen) {22}\r\n"
    );
    assert!(segments[0].wait_for_continuation);
    assert_eq!(segments[1].bytes, b"Subject: hi\r\n\r\nhello\r\n\r\n");
}

#[test]
fn icloud_refusals_are_status_responses() {
    for (line, text) in [
        (
            &b"a5 BAD DONE is the only command allowed after IDLE\r\n"[..],
            "DONE is the only command allowed after IDLE",
        ),
        (
            b"a6 NO Service temporarily unavailable\r\n",
            "Service temporarily unavailable",
        ),
        (
            b"a7 BAD Parse Error (took 0 ms)\r\n",
            "Parse Error (took 0 ms)",
        ),
    ] {
        let Response::Status(status) = response(line) else {
            panic!()
        };
        assert_eq!(status.text.to_str_lossy(), text);
    }
    let command = command(b"A00000001 LOGIN user@icloud.com abcd-efgh-ijkl-mnop\r\n");
    assert!(matches!(command.body, CommandBody::Login { .. }));
}
