use super::*;
use crate::testing::imap::message::tests::{NESTED, built_with_attachment};

fn read(bytes: &[u8]) -> ParsedMessage {
    ParsedMessage::parse(Arc::from(bytes))
}

fn kind(part: &Part) -> String {
    format!("{}/{}", part.content_type.0, part.content_type.1)
}

fn parts(part: &Part) -> &[Part] {
    match &part.kind {
        PartKind::Multi(parts) => parts,
        other => panic!("not a multipart: {other:?}"),
    }
}

#[test]
fn nested_multiparts_and_an_enclosed_message_form_the_tree() {
    let message = read(NESTED);
    let root = message.root();
    assert_eq!(kind(root), "multipart/mixed");
    let top = parts(root);
    assert_eq!(
        top.iter().map(kind).collect::<Vec<_>>(),
        [
            "multipart/alternative",
            "application/octet-stream",
            "message/rfc822"
        ]
    );
    let alternative = parts(&top[0]);
    assert_eq!(message.slice(alternative[0].body.clone()), b"plain words");
    assert_eq!(
        message.slice(alternative[1].body.clone()),
        b"<p>html =3D words</p>"
    );
    assert_eq!(message.slice(top[1].body.clone()), b"AAEC/w==");
    let PartKind::Message(inner) = &top[2].kind else {
        panic!("not a message: {:?}", top[2].kind);
    };
    assert_eq!(
        message.header(inner, "subject").as_deref(),
        Some(&b"Inner"[..])
    );
    let deep = parts(inner);
    // A part with no header of its own is text/plain in US-ASCII.
    assert_eq!(kind(&deep[0]), "text/plain");
    assert_eq!(
        deep[0].params,
        [(b"charset".to_vec(), b"us-ascii".to_vec())]
    );
    assert_eq!(message.slice(deep[0].body.clone()), b"inner text");
    assert_eq!(message.slice(deep[1].body.clone()), b"a,b");
    // The enclosed message's bytes are the part's body, up to the outer delimiter.
    assert!(
        message
            .slice(top[2].body.clone())
            .ends_with(b"--deep--\r\n")
    );
}

#[test]
fn the_builders_message_is_text_and_an_attachment() {
    let message = read(&built_with_attachment());
    let top = parts(message.root());
    assert_eq!(
        top.iter().map(kind).collect::<Vec<_>>(),
        ["text/plain", "application/pdf"]
    );
    let disposition = message.mime_value(&top[1], "content-disposition").unwrap();
    assert_eq!(disposition.value, b"attachment");
    assert_eq!(
        param(&disposition.params, "FILENAME"),
        Some(&b"bericht.pdf"[..])
    );
}

#[test]
fn headers_unfold_and_read_case_insensitively() {
    let message = read(b"Subject: one\r\n  two\r\n\tthree\r\nX-Empty:\r\nbad line\r\n\r\nbody");
    let root = message.root();
    assert_eq!(
        message.header(root, "SUBJECT").as_deref(),
        Some(&b"one  two\tthree"[..])
    );
    assert_eq!(message.header(root, "x-empty").as_deref(), Some(&b""[..]));
    // A line without a colon is no field, and does not swallow the next one.
    assert_eq!(root.fields.len(), 2);
    assert_eq!(message.slice(root.body.clone()), b"body");
    assert_eq!(
        message.slice(root.fields[0].lines.clone()),
        b"Subject: one\r\n  two\r\n\tthree\r\n"
    );
}

#[test]
fn broken_messages_still_read() {
    // No blank line: all of it is header, the body is empty.
    let message = read(b"Subject: only a header\r\nFrom: a@b");
    assert_eq!(message.root().body, 33..33);
    assert_eq!(
        message.header(message.root(), "from").as_deref(),
        Some(&b"a@b"[..])
    );
    // Bare LF line ends.
    let message = read(b"Subject: lf\n\nbody\n");
    assert_eq!(message.slice(message.root().body.clone()), b"body\n");
    // A boundary that never closes: the last part runs to the end.
    let message = read(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo, cut",
    );
    let found = parts(message.root());
    assert_eq!(found.len(), 2);
    assert_eq!(message.slice(found[1].body.clone()), b"two, cut");
    // A multipart with no boundary, or whose boundary never comes, holds one empty part.
    for input in [
        &b"Content-Type: multipart/mixed\r\n\r\ntext"[..],
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--other\r\ntext\r\n",
    ] {
        let message = read(input);
        let found = parts(message.root());
        assert_eq!(found.len(), 1);
        assert_eq!(
            (kind(&found[0]), found[0].body.len()),
            ("text/plain".to_owned(), 0)
        );
    }
    // A line that starts like the delimiter but goes on is text.
    let message =
        read(b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n--bx\r\n--b--\r\n");
    assert_eq!(
        message.slice(parts(message.root())[0].body.clone()),
        b"--bx"
    );
    // Nothing at all.
    let message = read(b"");
    assert_eq!(
        (message.size(), kind(message.root())),
        (0, "text/plain".to_owned())
    );
}

#[test]
fn a_thousand_nested_multiparts_stop_at_the_depth_limit() {
    let mut bytes = Vec::new();
    for level in 0..1000 {
        bytes.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n")
                .as_bytes(),
        );
    }
    bytes.extend_from_slice(b"\r\ninnermost\r\n");
    let message = read(&bytes);
    let mut depth = 0;
    let mut part = message.root();
    while let PartKind::Multi(found) = &part.kind {
        assert_eq!(found.len(), 1);
        part = &found[0];
        depth += 1;
    }
    assert_eq!(depth, MAX_DEPTH);
    // The part past the limit is kept whole, as opaque bytes.
    assert_eq!(kind(part), "application/octet-stream");
    assert!(message.slice(part.body.clone()).ends_with(b"innermost\r\n"));
}

#[test]
fn a_digest_holds_messages_by_default() {
    let message = read(b"Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: in digest\r\n\r\nhi\r\n--d--\r\n");
    let found = parts(message.root());
    assert_eq!(kind(&found[0]), "message/rfc822");
    let PartKind::Message(inner) = &found[0].kind else {
        panic!("not a message");
    };
    assert_eq!(
        message.header(inner, "subject").as_deref(),
        Some(&b"in digest"[..])
    );
}

#[test]
fn mime_values_read_parameters_quotes_and_comments() {
    let value = parse_mime_value(br#"Text/Plain (a comment (nested)); charset="utf-8" ; format = flowed; name="a \"q\";b.txt"; broken; x="#);
    assert_eq!(value.value, b"Text/Plain");
    assert_eq!(
        value.params,
        [
            (b"charset".to_vec(), b"utf-8".to_vec()),
            (b"format".to_vec(), b"flowed".to_vec()),
            (b"name".to_vec(), b"a \"q\";b.txt".to_vec()),
        ]
    );
    assert_eq!(parse_mime_value(b"").value, b"");
    // An unterminated quote and comment end at the end of the value.
    let value = parse_mime_value(b"inline; filename=\"open (");
    assert_eq!(param(&value.params, "filename"), Some(&b"open ("[..]));
    // A type without a slash is invalid and reads as the default.
    let message = read(b"Content-Type: garbage\r\n\r\nx");
    assert_eq!(kind(message.root()), "text/plain");
}

#[test]
fn parts_and_fields_are_bounded() {
    // A body of nothing but delimiter lines.
    let mut bytes = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    bytes.extend(b"--b\r\n".repeat(50_000));
    bytes.extend(b"--b--\r\n");
    let message = read(&bytes);
    let found = parts(message.root());
    assert_eq!(found.len(), MAX_PARTS - 1);
    // The last part takes the rest, delimiters and all.
    let last = &found[MAX_PARTS - 2];
    let rest = message.slice(last.header.start..last.body.end);
    assert_eq!(rest.len(), (50_000 - (MAX_PARTS - 1)) * 5 + 7);
    assert!(rest.ends_with(b"--b\r\n--b--\r\n"));
    // A header of nothing but tiny fields.
    let mut bytes = b"a:\r\n".repeat(MAX_FIELDS - 1);
    bytes.extend(b"Last: one\r\n two\r\n");
    bytes.extend(b"a:\r\n b\r\n".repeat(20_000));
    bytes.extend(b"Subject: late\r\n\r\nbody");
    let message = read(&bytes);
    assert_eq!(message.root().fields.len(), MAX_FIELDS);
    assert_eq!(message.header(message.root(), "subject"), None);
    // The last field indexed keeps its own lines, and no line of those after it.
    assert_eq!(
        message.header(message.root(), "last").as_deref(),
        Some(&b"one two"[..])
    );
    // The header's bytes are all still there.
    assert_eq!(message.slice(message.root().body.clone()), b"body");
}
