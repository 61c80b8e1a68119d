//! Servers break the grammar in known ways. Each test holds a real line that needs a
//! tolerance, with where it was reported, and shows the codec reads it and goes on.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::types::{
    BodyStructure, Code, CommandBody, Data, FetchItem, Flags, Response, SinglePart, SinglePartKind,
    StatusItem,
};
use mailwire::imap::codec::{Parsed, parse_command};
use mailwire::limits::Limits;

fn fetch_items(line: &[u8]) -> Vec<FetchItem<'static>> {
    match response(line) {
        Response::Data(Data::Fetch { items, .. }) => items,
        other => panic!("{other:?}"),
    }
}

/// Checks that the value survives being written and parsed again.
fn round_trips(line: &[u8]) {
    let value = response(line);
    assert_eq!(response(&encode_res(&value)), value);
}

#[test]
fn trailing_space_before_crlf() {
    // go-imap issue 571 (and modern-email/defects 21, imap.exmail.qq.com):
    let Response::Data(Data::Capability(list)) =
        response(b"* CAPABILITY IMAP4 IMAP4rev1 XLIST MOVE IDLE XAPPLEPUSHSERVICE NAMESPACE CHILDREN ID UIDPLUS \r\n")
    else {
        panic!()
    };
    assert_eq!(list.len(), 10);
    // modern-email/defects 9 (Outlook behind Dovecot), imap-proto PR 152:
    let Response::Data(Data::Status { items, .. }) = response(b"* STATUS INBOX (MESSAGES 0) \r\n")
    else {
        panic!()
    };
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], StatusItem::Known(_, 0)));
    // Yahoo, mxk/go-imap issue 9:
    let Response::Data(Data::Search { ids, .. }) = response(b"* SEARCH 61 62 63 \r\n") else {
        panic!()
    };
    assert_eq!(ids, [61, 62, 63]);
    // GreenMail, imap-proto issue 34:
    let Response::Data(Data::Search { ids, .. }) = response(b"* SEARCH \r\n") else {
        panic!()
    };
    assert_eq!(ids, []);
}

#[test]
fn trailing_space_before_a_closing_parenthesis() {
    // imap.qq.com, jakartaee/mail-api issue 209:
    assert_eq!(
        fetch_items(b"* 11487 FETCH (UID 19436 )\r\n"),
        [FetchItem::Uid(19436)]
    );
    // yahoo.co.jp, emailjs-imap-handler PR 8: a space after the multipart's disposition.
    let line = [
        &b"* 2 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 2515 64 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-2022-JP\") NIL NIL \"7bit\" 7723 151 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"pzu8t3naw7b5therma1t\") NIL ) FLAGS (\\Seen) INTERNALDATE \"30-Oct-2014 03:23:45 +0000\" UID 2 BODY[HEADER.FIELDS (FROM TO CC BCC SUBJECT REPLY-TO MESSAGE-ID REFERENCES)] {312}\r\n"[..],
        b"Message-Id: <5451af3d-000e6070-af32c615041a5c3dae408c7ef67e5444-18793@tx203.storage.kks.yahoo.co.jp>\r\n",
        b"From: box-master@mail.yahoo.co.jp\r\n",
        b"To: gaialibs@yahoo.co.jp\r\n",
        b"Subject: Yahoo! JAPAN =?ISO-2022-JP?B?SUQbJEIkNEVQTz8kTiQqNVJNTSRYIUobKEJZYWhvbyE=?=\r\n",
        b" =?ISO-2022-JP?B?GyRCJVwlQyUvJTkzK0BfJEskRCQkJEYhSxsoQg==?=\r\n",
        b"\r\n",
        b")\r\n",
    ]
    .concat();
    let items = fetch_items(&line);
    assert_eq!(items.len(), 5);
    assert_eq!(items[3], FetchItem::Uid(2));
    round_trips(&line);
}

#[test]
fn missing_text_after_a_code_or_status() {
    // Gmail, modern-email/defects 28:
    let Response::Status(status) = response(b"* OK [HIGHESTMODSEQ 13637]\r\n") else {
        panic!()
    };
    assert_eq!(status.code, Some(Code::HighestModSeq(13637)));
    assert!(status.text.as_bytes().is_empty());
    // iCloud on LOGOUT, ruby/net-imap issue 229 and imap-proto PR 131:
    let Response::Status(status) = response(b"* BYE\r\n") else {
        panic!()
    };
    assert!(status.code.is_none() && status.text.as_bytes().is_empty());
    // RFC 2177's own example:
    round_trips(b"* OK [UIDVALIDITY 1]\r\n");
}

#[test]
fn text_after_a_code_may_start_with_a_bracket() {
    // Gmail, ruby/net-imap PR 8:
    let Response::Status(status) =
        response(b"RUBY0004 OK [READ-WRITE] [Gmail]/Sent Mail selected. (Success)\r\n")
    else {
        panic!()
    };
    assert_eq!(status.code, Some(Code::ReadWrite));
    assert_eq!(
        status.text.as_bytes(),
        b"[Gmail]/Sent Mail selected. (Success)"
    );
    // Exchange Online's greeting, email-oauth2-proxy issue 109:
    let Response::Status(status) = response(b"* OK The Microsoft Exchange IMAP4 service is ready. [RgBSADIAUAAyADgAMQBDAEEAMAAxADIAMgAuAEQARQBVAFAAMgA4ADEALgBQAFIATwBEAC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA==]\r\n") else {
        panic!()
    };
    assert!(status.code.is_none());
    // A bracket that does not open a well-formed code is text (imap-codec issue 301).
    let Response::Status(status) = response(b"* NO [FOO(BAR)] something\r\n") else {
        panic!()
    };
    assert!(status.code.is_none());
    assert_eq!(status.text.as_bytes(), b"[FOO(BAR)] something");
}

#[test]
fn eight_bit_bytes_inside_quoted_strings() {
    // Proton Mail Bridge, modern-email/defects 38: raw UTF-8 (here a no-break space) in a
    // quoted display name.
    let line = b"* 14 FETCH (UID 14 FLAGS () ENVELOPE (\"Sat, 19 Oct 2024 15:18:01 -0600\" \"Comment avez-vous trouv\xc3\xa9 votre vol ?\" ((\"Flight Company Customer Satisfaction\xc2\xa0\" NIL \"noreply\" \"domain.tld\")) ((\"Flight Company Customer Satisfaction\xc2\xa0\" NIL \"noreply\" \"domain.tld\")) ((\"Flight Company Customer Satisfaction\xc2\xa0\" NIL \"noreply\" \"domain.tld\")) ((NIL NIL \"user\" \"domain.tld\")) NIL NIL NIL \"<id@domain.tld>\"))\r\n";
    let items = fetch_items(line);
    let FetchItem::Envelope(envelope) = &items[2] else {
        panic!()
    };
    assert_eq!(
        envelope.subject.as_ref().and_then(|s| s.as_str()),
        Some("Comment avez-vous trouvé votre vol ?")
    );
    assert_eq!(
        envelope.from()[0].name.as_ref().and_then(|s| s.as_str()),
        Some("Flight Company Customer Satisfaction\u{a0}")
    );
    // Written back, each 8-bit string travels as a literal (RFC 3501 allows 8-bit quoted
    // strings only after UTF8=ACCEPT): the same text, and from then on the same value.
    let written = encode_res(&response(line));
    assert!(
        show(&written).contains("{37}\r\nComment avez-vous trouvé votre vol ? (({38}\r\n"),
        "{}",
        show(&written)
    );
    let again = fetch_items(&written);
    let FetchItem::Envelope(again_envelope) = &again[2] else {
        panic!()
    };
    assert_eq!(again[..2], items[..2]);
    assert_eq!(
        again_envelope.subject.as_ref().map(|s| s.as_bytes()),
        envelope.subject.as_ref().map(|s| s.as_bytes())
    );
    assert_eq!(
        again_envelope.from()[0].name.as_ref().map(|s| s.as_bytes()),
        envelope.from()[0].name.as_ref().map(|s| s.as_bytes())
    );
    round_trips(&written);
}

#[test]
fn nul_inside_literals() {
    // Messages with NUL bytes exist (broken senders); servers return them inside literals.
    let items = fetch_items(b"* 7 FETCH (UID 70 BODY[TEXT] {9}\r\nab\0cd\0\r\n\0)\r\n");
    let FetchItem::BodySection {
        data: Some(data), ..
    } = &items[1]
    else {
        panic!()
    };
    assert_eq!(data.as_bytes(), b"ab\0cd\0\r\n\0");
    round_trips(b"* 7 FETCH (UID 70 BODY[TEXT] {9}\r\nab\0cd\0\r\n\0)\r\n");
    // A client must not send NUL outside a literal8, and a server reading one refuses it.
    let error = parse_command(b"a1 APPEND INBOX {3}\r\na\0b\r\n", &Limits::default()).unwrap_err();
    assert_eq!(error.offset, 22);
    assert!(matches!(
        parse_command(b"a1 APPEND INBOX ~{3}\r\na\0b\r\n", &Limits::default()),
        Ok(Parsed::Complete(_, 27))
    ));
    // NUL in response text is refused (only literals may hold it).
    assert!(mailwire::imap::codec::parse_response(b"* OK a\0b\r\n", &Limits::default()).is_err());
}

fn only_part(items: &[FetchItem<'_>]) -> Vec<SinglePart<'static>> {
    fn collect(body: &BodyStructure<'_>, out: &mut Vec<SinglePart<'static>>) {
        match body {
            BodyStructure::Single(part) => {
                use mailwire::imap::codec::types::IntoOwned;
                out.push(part.clone().into_owned());
            }
            BodyStructure::Multi(multi) => multi.parts.iter().for_each(|p| collect(p, out)),
        }
    }
    let mut out = Vec::new();
    for item in items {
        if let FetchItem::BodyStructure(body) | FetchItem::Body(body) = item {
            collect(body, &mut out);
        }
    }
    out
}

#[test]
fn nil_where_a_string_is_required() {
    // mail.ru, vmime issue 159: a NIL parameter value.
    let line = b"* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 536 0 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 7130 0 NIL NIL NIL NIL) \"alternative\" (\"boundary\" NIL)))\r\n";
    let items = fetch_items(line);
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!()
    };
    let BodyStructure::Multi(multi) = &**body else {
        panic!()
    };
    let extension = multi.extension.as_ref().unwrap();
    assert_eq!(extension.params.get(0).map(|(_, value)| value), Some(&None));
    round_trips(line);
    // go-imap issue 545: NIL encoding and `()` for parameters.
    let line = b"* 11319 FETCH (UID 31137 BODYSTRUCTURE (\"text\" \"plain\" () NIL NIL NIL 6002 79 NIL NIL NIL NIL) ENVELOPE (\"Sun, 10 Sep 2023 02:00:00 +0000\" \"acme-update\" ((NIL NIL \"notify\" \"ptrc.gay\")) ((NIL NIL \"notify\" \"ptrc.gay\")) ((NIL NIL \"notify\" \"ptrc.gay\")) ((NIL NIL \"ptrc\" \"ptrc.gay\")) NIL NIL NIL NIL) FLAGS (\\Seen nonjunk \\Recent))\r\n";
    let parts = only_part(&fetch_items(line));
    assert_eq!(
        (parts[0].encoding.clone(), parts[0].params.len()),
        (None, 0)
    );
    round_trips(line);
}

#[test]
fn minus_one_where_a_number_is_required() {
    // MailKit issue 823 (addresses anonymised in the report, kept as reported):
    let line = b"* 5 FETCH (UID 581 FLAGS (\\Seen) RFC822.SIZE 35149 ENVELOPE (\"Mon, 5 Dec 2016 12:13:08 +0100\" \"No subject\" ((\"....\" NIL \"....\" \"....\")) NIL NIL ((\"...\" NIL \".....\" \"...\")) NIL NIL NIL \"<....>\") BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 6 3 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"US-ASCII\") NIL NIL \"quoted-printable\" 314 5 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"B_8345248387_336787\") NIL NIL)(\"multipart\" \"appledouble\" (\"boundary\" \"B_8145297380_164091\") NIL NIL \"7BIT\" -1 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"B_7193419875_891207\") NIL NIL))\r\n";
    let parts = only_part(&fetch_items(line));
    assert_eq!(parts.len(), 3);
    assert_eq!((parts[2].size, &parts[2].kind), (0, &SinglePartKind::Basic));
    round_trips(line);
    // Dovecot/Exchange, go-imap issue 534: -1 lines.
    let parts = only_part(&fetch_items(
        b"* 3 FETCH (BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" 155 -1))\r\n",
    ));
    assert_eq!(parts[0].kind, SinglePartKind::Text { lines: 0 });
}

#[test]
fn spaces_between_addresses_and_empty_address_lists() {
    // Outlook.com puts a space between the addresses of a list (ruby/net-imap PR 240; the
    // addresses of the report were faked and are placeholders here too).
    let line = b"* 1 FETCH (ENVELOPE (\"Mon, 2 Oct 2023 10:00:00 +0000\" \"Re: plans\" ((\"Jane Roe\" NIL \"jane\" \"example.com\")) ((\"Jane Roe\" NIL \"jane\" \"example.com\")) ((\"Jane Roe\" NIL \"jane\" \"example.com\")) ((\"Ann\" NIL \"ann\" \"example.com\") (\"Bob\" NIL \"bob\" \"example.com\")) NIL NIL NIL \"<id@example.com>\"))\r\n";
    let FetchItem::Envelope(envelope) = &fetch_items(line)[0] else {
        panic!()
    };
    assert_eq!(envelope.to().len(), 2);
    round_trips(line);
    // Mail.ru sends `()` for an empty list (swift-nio-imap issue 821):
    let line = b"* 9 FETCH (ENVELOPE (\"Wed, 11 Oct 2023 02:11:04 +0000\" \"=?utf-8?B?...?=\" ((\"Tn\" NIL \"info\" \"e.geekbrains.ru\")) NIL NIL () NIL NIL \"<msg-id-1>\" \"<msg-id-2>\"))\r\n";
    let FetchItem::Envelope(envelope) = &fetch_items(line)[0] else {
        panic!()
    };
    assert!(envelope.to().is_empty());
    assert_eq!(
        envelope.message_id.as_ref().unwrap().as_bytes(),
        b"<msg-id-2>"
    );
}

#[test]
fn untagged_progress_notes() {
    // Dovecot during a long search, rust-imap PR 179:
    let Response::Status(status) = response(b"* OK Searched 91% of the mailbox, ETA 0:01\r\n")
    else {
        panic!()
    };
    assert!(status.tag.is_none() && status.code.is_none());
    assert_eq!(
        status.text.as_bytes(),
        b"Searched 91% of the mailbox, ETA 0:01"
    );
}

#[test]
fn bare_lf_line_endings() {
    // emailjs-imap-client PR 149 saw `{3019}\n`; a bare LF ends a line where nothing else
    // can be meant.
    let stream = b"* 1 FETCH (UID 5 BODY[] {5}\nhello)\n* 2 EXISTS\n";
    let messages = frame(stream, false, 1);
    assert_eq!(messages.len(), 2);
    let items = fetch_items(&messages[0]);
    let FetchItem::BodySection {
        data: Some(data), ..
    } = &items[1]
    else {
        panic!()
    };
    assert_eq!(data.as_bytes(), b"hello");
    assert!(matches!(
        response(&messages[1]),
        Response::Data(Data::Exists(2))
    ));
    // go-imap PR 220: clients typed by hand (netcat) end commands with LF.
    let line = b"a1 SELECT INBOX\n";
    let command = whole(parse_command(line, &Limits::default()).unwrap(), line);
    assert!(matches!(command.body, CommandBody::Select { .. }));
}

#[test]
fn unknown_fetch_items_are_kept_rather_than_failing_the_response() {
    let line = b"* 3 FETCH (UID 9 X-SNIPPET (\"text\" {5}\r\nhello) PREVIEW \"Hi there\" X-PART[1.2] 17 FLAGS ())\r\n";
    let items = fetch_items(line);
    assert_eq!(items.len(), 5);
    let FetchItem::Other { name, value } = &items[1] else {
        panic!()
    };
    assert_eq!(
        (name.as_ref(), value.as_bytes()),
        ("X-SNIPPET", &b"(\"text\" {5}\r\nhello)"[..])
    );
    assert!(matches!(&items[3], FetchItem::Other { name, .. } if name == "X-PART[1.2]"));
    assert_eq!(items[4], FetchItem::Flags(Flags::new()));
    round_trips(line);
}

#[test]
fn a_bad_message_is_dropped_and_the_stream_goes_on() {
    let stream = b"* 1 FETCH (UID x)\r\n* 2 EXISTS\r\n";
    let mut framer = Framer::responses(Limits::default());
    let Frame::Message { len } = framer.poll(stream).unwrap() else {
        panic!()
    };
    assert!(mailwire::imap::codec::parse_response(&stream[..len], &Limits::default()).is_err());
    let rest = &stream[len..];
    let Frame::Message { len } = framer.poll(rest).unwrap() else {
        panic!()
    };
    assert!(matches!(
        response(&rest[..len]),
        Response::Data(Data::Exists(2))
    ));
}

#[test]
fn doubled_spaces_in_esearch_keep_the_tag_and_uid_meaning() {
    // Found by the imap_response_roundtrip fuzz target: with two spaces after ESEARCH the
    // UID marker was read as a result name, and the written form read back differently.
    for (line, tagged, results) in [
        (&b"* ESEARCH  UID MIN 2 COUNT 3\r\n"[..], false, 2),
        (b"* ESEARCH  (TAG \"A7\")  UID  MIN 2\r\n", true, 1),
    ] {
        let Response::Data(Data::ESearch(esearch)) = response(line) else {
            panic!("{}", show(line))
        };
        assert!(esearch.uid, "{}", show(line));
        assert_eq!(esearch.tag.is_some(), tagged, "{}", show(line));
        assert_eq!(esearch.data.len(), results, "{}", show(line));
        round_trips(line);
    }
}

#[test]
fn a_capability_cannot_end_like_a_literal_announcement() {
    // Found by the imap_response_roundtrip fuzz target: `st{7}` was taken as a capability
    // name, and written back at the end of a line it announced a literal.
    let limits = Limits::default();
    assert!(
        mailwire::imap::codec::parse_response(b"* CAPABILITY IMAP4rev1 st{7} \r\n", &limits)
            .is_err()
    );
    round_trips(b"* CAPABILITY IMAP4rev1 p42-imap.mail.me.com 2412B58 XAPPLEPUSHSERVICE\r\n");
}

#[test]
fn item_names_end_where_the_atom_ends_near_or_far_from_the_line_end() {
    // A quote inside a name makes it no known item, far from the line end or near it.
    for line in [
        &b"* 1 FETCH (U\"ID 9 FLAGS (\\Seen) RFC822.SIZE 20)\r\n"[..],
        b"* 1 FETCH (U\"ID 9)\r\n",
    ] {
        assert!(mailwire::imap::codec::parse_response(line, &Limits::default()).is_err());
    }
    // Known names in any case, with sixteen bytes left after them or fewer.
    let items = fetch_items(b"* 1 FETCH (rfc822.size 20 Flags (\\Seen) uid 9)\r\n");
    assert_eq!(items[0], FetchItem::Rfc822Size(20));
    assert_eq!(items[2], FetchItem::Uid(9));
}

#[test]
fn unescaped_double_quotes_inside_envelope_strings() {
    // iCloud, MailCore2 issue 1967 (libetpan issue 426): a JavaMail Message-ID whose local
    // part is quoted, sent without escaping the quotes; the strict reading stops at the
    // first inner quote ("expected a space"). Jakarta mail-api issue 669 shows the same
    // Message-ID shape from another server.
    let line = b"* 7029 FETCH (UID 11155 FLAGS (\\Seen) ENVELOPE (\"Tue, 30 Jan 2018 22:55:59 +0000\" \"Your \"weekly\" digest\" ((\"Info\" NIL \"info\" \"example.com\")) ((\"Info\" NIL \"info\" \"example.com\")) ((\"Info\" NIL \"info\" \"example.com\")) ((NIL NIL \"name\" \"me.com\")) NIL NIL NIL \"<1763943481.139839.1649236218178.JavaMail.\"cv@notice.example.com\"@v-mail-01>\") INTERNALDATE \"30-Jan-2018 22:56:00 +0000\")\r\n";
    let items = fetch_items(line);
    assert_eq!(items.len(), 4, "{items:?}");
    let FetchItem::Envelope(envelope) = &items[2] else {
        panic!("{items:?}")
    };
    assert_eq!(
        envelope.subject.as_ref().map(|s| s.as_bytes()),
        Some(&b"Your \"weekly\" digest"[..])
    );
    assert_eq!(
        envelope.message_id.as_ref().map(|s| s.as_bytes()),
        Some(
            &b"<1763943481.139839.1649236218178.JavaMail.\"cv@notice.example.com\"@v-mail-01>"[..]
        )
    );
    assert_eq!(
        envelope.to()[0].host.as_ref().map(|s| s.as_bytes()),
        Some(&b"me.com"[..])
    );
    // Written back, the quotes are escaped: the value reads the same, now strictly.
    let written = encode_res(&response(line));
    assert!(
        show(&written).contains(r#""Your \"weekly\" digest""#),
        "{}",
        show(&written)
    );
    round_trips(line);
    // The tolerance reads quotes, not line ends: a string still cannot run past the line.
    let broken = b"* 1 FETCH (ENVELOPE (NIL \"a\"b NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n";
    assert!(mailwire::imap::codec::parse_response(broken, &Limits::default()).is_err());
}
