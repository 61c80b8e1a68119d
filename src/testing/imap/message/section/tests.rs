use std::sync::Arc;

use super::*;
use crate::testing::imap::message::tests::NESTED;

fn section_of(part: &[u32], text: Option<SectionText<'static>>) -> Section<'static> {
    Section {
        part: part.to_vec(),
        text,
    }
}

fn fields(names: &[&'static str]) -> Vec<AString<'static>> {
    names.iter().map(|name| AString::from(*name)).collect()
}

/// What `[section]` of `bytes` answers, as text; `None` for NIL.
fn answer(bytes: &[u8], part: &[u32], text: Option<SectionText<'static>>) -> Option<String> {
    let message = ParsedMessage::parse(Arc::from(bytes));
    section(&message, &section_of(part, text))
        .map(|data| String::from_utf8_lossy(&data).into_owned())
}

#[test]
fn every_section_form_of_a_nested_message() {
    use SectionText::{Header, HeaderFields, Mime, Text};
    let text = std::str::from_utf8(NESTED).unwrap();
    let header_end = text.find("\r\n\r\n").unwrap() + 4;
    let a = |part: &[u32], text: Option<SectionText<'static>>| answer(NESTED, part, text);
    assert_eq!(a(&[], None).as_deref(), Some(text));
    assert_eq!(a(&[], Some(Header)).as_deref(), Some(&text[..header_end]));
    assert_eq!(a(&[], Some(Text)).as_deref(), Some(&text[header_end..]));
    assert_eq!(a(&[1, 1], None).as_deref(), Some("plain words"));
    assert_eq!(a(&[1, 2], None).as_deref(), Some("<p>html =3D words</p>"));
    assert_eq!(
        a(&[1, 2], Some(Mime)).as_deref(),
        Some(
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
    );
    assert_eq!(a(&[2], None).as_deref(), Some("AAEC/w=="));
    // A message/rfc822 part: [3] is the enclosed message, HEADER and TEXT are its own,
    // and its parts are numbered under it.
    let enclosed = a(&[3], None).unwrap();
    assert!(enclosed.starts_with("From: Carol") && enclosed.ends_with("--deep--\r\n"));
    assert_eq!(
        a(&[3], Some(Header)).as_deref(),
        Some(
            "From: Carol <carol@example.net>\r\nSubject: Inner\r\nContent-Type: multipart/mixed; boundary=deep\r\n\r\n"
        )
    );
    assert!(
        a(&[3], Some(Text))
            .unwrap()
            .starts_with("--deep\r\n\r\ninner text")
    );
    assert_eq!(
        a(&[3], Some(Mime)).as_deref(),
        Some("Content-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\n")
    );
    assert_eq!(a(&[3, 1], None).as_deref(), Some("inner text"));
    assert_eq!(a(&[3, 2], None).as_deref(), Some("a,b"));
    assert_eq!(
        a(&[3, 2], Some(Mime)).as_deref(),
        Some("Content-Type: text/csv\r\n\r\n")
    );
    assert_eq!(
        a(&[3], Some(HeaderFields(fields(&["subject"])))).as_deref(),
        Some("Subject: Inner\r\n\r\n")
    );
    // What does not exist is NIL: a part past the last, below a leaf, HEADER of a part
    // that is not a message, MIME of the whole message, part 0.
    for (part, text) in [
        (&[4][..], None),
        (&[2, 1][..], None),
        (&[1, 1, 1][..], None),
        (&[2][..], Some(Header)),
        (&[1][..], Some(Text)),
        (&[][..], Some(Mime)),
        (&[0][..], None),
        (&[3, 3][..], None),
    ] {
        assert_eq!(a(part, text.clone()), None, "{part:?} {text:?}");
    }
}

#[test]
fn part_one_of_a_message_that_is_not_multipart_is_its_body() {
    let bytes = b"Subject: single\r\nContent-Type: text/plain\r\n\r\nthe body\r\n";
    assert_eq!(answer(bytes, &[1], None).as_deref(), Some("the body\r\n"));
    assert_eq!(
        answer(bytes, &[1], Some(SectionText::Mime)).as_deref(),
        Some("Subject: single\r\nContent-Type: text/plain\r\n\r\n")
    );
    assert_eq!(answer(bytes, &[2], None), None);
    assert_eq!(answer(bytes, &[1, 1], None), None);
}

#[test]
fn header_fields_keep_folded_lines_whole_and_end_with_a_blank_line() {
    let bytes: &[u8] = b"From: a@example.com\r\nSubject: long\r\n  folded subject\r\nX-Two: 1\r\nx-two: 2\r\nTo: b@example.org\r\n\r\nbody";
    let fields_of = |text| answer(bytes, &[], Some(text));
    assert_eq!(
        fields_of(SectionText::HeaderFields(fields(&["SUBJECT", "x-TWO"]))).as_deref(),
        Some("Subject: long\r\n  folded subject\r\nX-Two: 1\r\nx-two: 2\r\n\r\n")
    );
    assert_eq!(
        fields_of(SectionText::HeaderFieldsNot(fields(&["subject", "X-Two"]))).as_deref(),
        Some("From: a@example.com\r\nTo: b@example.org\r\n\r\n")
    );
    // No field matches: the blank line alone.
    assert_eq!(
        fields_of(SectionText::HeaderFields(fields(&["Cc"]))).as_deref(),
        Some("\r\n")
    );
    // A last header line without a line end gets one, so the answer stays a header.
    assert_eq!(
        answer(
            b"Subject: cut",
            &[],
            Some(SectionText::HeaderFields(fields(&["subject"])))
        )
        .as_deref(),
        Some("Subject: cut\r\n\r\n")
    );
}

#[test]
fn partials_are_clipped_to_the_data() {
    let data = || Cow::Borrowed(&b"0123456789"[..]);
    let partial = |offset, length| Some(Partial { offset, length });
    assert_eq!(&*clip(data(), None), b"0123456789");
    assert_eq!(&*clip(data(), partial(0, 4)), b"0123");
    assert_eq!(&*clip(data(), partial(8, 100)), b"89");
    assert_eq!(&*clip(data(), partial(10, 1)), b"");
    assert_eq!(&*clip(data(), partial(u32::MAX, u32::MAX)), b"");
    assert_eq!(&*clip(Cow::Owned(b"owned".to_vec()), partial(1, 3)), b"wne");
}

#[test]
fn a_message_two_levels_down_has_its_own_header_and_parts() {
    let bytes: &[u8] = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n\
--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
--b\r\n\r\nfirst\r\n\
--b\r\nContent-Type: message/rfc822\r\n\r\n\
Subject: two down\r\nContent-Type: text/plain\r\n\r\ndeep body\r\n\
--b--\r\n--a--\r\n";
    let a = |part: &[u32], text| answer(bytes, part, text);
    assert_eq!(a(&[1, 1], None).as_deref(), Some("first"));
    assert_eq!(
        a(&[1, 2], Some(SectionText::Header)).as_deref(),
        Some("Subject: two down\r\nContent-Type: text/plain\r\n\r\n")
    );
    assert_eq!(
        a(&[1, 2], Some(SectionText::Text)).as_deref(),
        Some("deep body")
    );
    // The enclosed message is not multipart: its part 1 is its body.
    assert_eq!(a(&[1, 2, 1], None).as_deref(), Some("deep body"));
    assert_eq!(a(&[1, 2, 2], None), None);
    assert_eq!(
        a(
            &[1, 2],
            Some(SectionText::HeaderFieldsNot(fields(&["content-type"])))
        )
        .as_deref(),
        Some("Subject: two down\r\n\r\n")
    );
}
