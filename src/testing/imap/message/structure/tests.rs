use std::sync::Arc;

use crate::imap::codec::encode_response;
use crate::imap::codec::types::{Data, FetchItem, Response};
use crate::testing::imap::message::ParsedMessage;
use crate::testing::imap::message::tests::{NESTED, built_with_attachment, round_trip};

/// The FETCH response line the server writes for `item`.
fn written(item: FetchItem<'_>) -> String {
    let mut out = Vec::new();
    encode_response(
        &Response::Data(Data::Fetch {
            seq: 1,
            items: vec![item],
        }),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn structure(bytes: &[u8], extensible: bool) -> String {
    let message = ParsedMessage::parse(Arc::from(bytes));
    let tree = message.body_structure(extensible);
    let item = if extensible {
        FetchItem::BodyStructure(Box::new(tree))
    } else {
        FetchItem::Body(Box::new(tree))
    };
    // What the server writes, the crate's parser reads back as the same value.
    assert_eq!(
        round_trip(1, std::slice::from_ref(&item)),
        std::slice::from_ref(&item)
    );
    written(item)
}

#[test]
fn nested_multipart_with_an_enclosed_message() {
    assert_eq!(
        structure(NESTED, true),
        "* 1 FETCH (BODYSTRUCTURE (\
(\
(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 11 0 NIL NIL NIL NIL)\
(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 0 NIL NIL NIL NIL) \
\"alternative\" (\"boundary\" \"inner\") NIL NIL NIL)\
(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" 8 NIL \
(\"attachment\" (\"filename\" \"data.bin\")) (\"en\" \"de\") \"http://example.com/data.bin\")\
(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 168 \
(NIL \"Inner\" ((\"Carol\" NIL \"carol\" \"example.net\")) ((\"Carol\" NIL \"carol\" \"example.net\")) \
((\"Carol\" NIL \"carol\" \"example.net\")) NIL NIL NIL NIL NIL) \
((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0 NIL NIL NIL NIL)\
(\"text\" \"csv\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0 NIL NIL NIL NIL) \
\"mixed\" (\"boundary\" \"deep\") NIL NIL NIL) 12 NIL NIL NIL NIL) \
\"mixed\" (\"boundary\" \"outer\") NIL NIL NIL))\r\n"
    );
    // BODY is the same tree without extension data.
    assert_eq!(
        structure(NESTED, false),
        "* 1 FETCH (BODY (\
((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 11 0)\
(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 21 0) \"alternative\")\
(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" 8)\
(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 168 \
(NIL \"Inner\" ((\"Carol\" NIL \"carol\" \"example.net\")) ((\"Carol\" NIL \"carol\" \"example.net\")) \
((\"Carol\" NIL \"carol\" \"example.net\")) NIL NIL NIL NIL NIL) \
((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0)\
(\"text\" \"csv\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0) \"mixed\") 12) \
\"mixed\"))\r\n"
    );
}

#[test]
fn the_builders_message_with_an_attachment() {
    let bytes = built_with_attachment();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let body_start = text.find("\r\n\r\n").unwrap() + 4;
    let written = structure(&bytes, true);
    assert!(written.starts_with("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" "), "{written}");
    assert!(written.contains("(\"application\" \"pdf\" (\"name\" \"bericht.pdf\") NIL NIL \"base64\" 16 NIL (\"attachment\" (\"filename\" \"bericht.pdf\")) NIL NIL)"), "{written}");
    assert!(
        written.ends_with(" \"mixed\" (\"boundary\" \"built-boundary\") NIL NIL NIL))\r\n"),
        "{written}"
    );
    assert!(body_start < bytes.len());
}

#[test]
fn a_plain_message_and_a_header_only_one() {
    assert_eq!(
        structure(b"Subject: x\r\n\r\none\r\ntwo\r\n", true),
        "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 2 NIL NIL NIL NIL))\r\n"
    );
    assert_eq!(
        structure(
            b"Content-Type: IMAGE/PNG\r\nContent-ID: <i@x>\r\nContent-Transfer-Encoding: BASE64",
            false
        ),
        "* 1 FETCH (BODY (\"IMAGE\" \"PNG\" NIL \"<i@x>\" NIL \"BASE64\" 0))\r\n"
    );
}

#[test]
fn the_deepest_structure_the_parser_builds_is_still_valid_imap() {
    let mut bytes = Vec::new();
    for level in 0..1000 {
        bytes.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n")
                .as_bytes(),
        );
    }
    for level in 0..1000 {
        bytes.extend_from_slice(
            format!("Content-Type: message/rfc822\r\n\r\nSubject: {level}\r\n").as_bytes(),
        );
    }
    // `structure` proves the round trip through the crate's own encoder and parser.
    let written = structure(&bytes, true);
    assert!(written.contains("\"application\" \"octet-stream\""));
}
