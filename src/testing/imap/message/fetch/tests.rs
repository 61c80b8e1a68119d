use std::sync::Arc;

use super::*;
use crate::imap::codec::encode_response;
use crate::imap::codec::types::{Data, Partial, Response};
use crate::testing::imap::message::tests::{NESTED, built_with_attachment, date_time, round_trip};

fn parsed(bytes: &[u8]) -> ParsedMessage {
    ParsedMessage::parse(Arc::from(bytes))
}

fn view<'a>(parsed: &'a ParsedMessage, flags: &'a [Flag<'static>]) -> MessageView<'a> {
    MessageView {
        seq: 3,
        uid: 42,
        flags,
        internal_date: date_time(2024, 4, 1),
        modseq: 17,
        parsed,
    }
}

/// The FETCH response line the server writes for `items`.
fn written(items: &[FetchItem<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let response = Response::Data(Data::Fetch {
        seq: 3,
        items: items.to_vec(),
    });
    encode_response(&response, &mut out).unwrap();
    out
}

fn body(
    section: Section<'static>,
    partial: Option<Partial>,
    peek: bool,
) -> FetchAttribute<'static> {
    FetchAttribute::BodySection {
        section,
        partial,
        peek,
    }
}

fn part(path: &[u32]) -> Section<'static> {
    Section {
        part: path.to_vec(),
        text: None,
    }
}

#[test]
fn every_item_round_trips_through_the_crates_encoder_and_parser() {
    use FetchAttribute as A;
    let bytes = built_with_attachment();
    let message = parsed(&bytes);
    let flags = [
        Flag::Seen,
        Flag::Keyword(crate::imap::codec::types::Atom::new("$Label1").unwrap()),
    ];
    let every = [
        A::Uid,
        A::Flags,
        A::InternalDate,
        A::Rfc822Size,
        A::Envelope,
        A::Body,
        A::BodyStructure,
        A::ModSeq,
        body(part(&[]), None, true),
        body(
            part(&[1]),
            Some(Partial {
                offset: 2,
                length: 5,
            }),
            true,
        ),
        body(
            Section {
                part: vec![],
                text: Some(SectionText::HeaderFields(vec![AString::from("subject")])),
            },
            None,
            true,
        ),
        A::Rfc822,
        A::Rfc822Header,
        A::Rfc822Text,
        A::Binary {
            section: vec![2],
            partial: None,
            peek: true,
        },
        A::BinarySize { section: vec![2] },
    ];
    for attribute in every {
        let answer = fetch_items(
            &view(&message, &flags),
            std::slice::from_ref(&attribute),
            FetchOptions::default(),
        );
        assert_eq!(answer.items.len(), 1, "{attribute:?}");
        assert_eq!(round_trip(3, &answer.items), answer.items, "{attribute:?}");
    }
}

#[test]
fn items_come_in_the_order_asked_with_their_values() {
    use FetchAttribute as A;
    let message = parsed(b"Subject: hi\r\n\r\nhello world\r\n");
    let asked = [
        A::Rfc822Size,
        A::Flags,
        A::Uid,
        A::ModSeq,
        A::InternalDate,
        body(
            part(&[]),
            Some(Partial {
                offset: 6,
                length: 5,
            }),
            true,
        ),
        body(part(&[1]), None, true),
        body(part(&[2]), None, true),
    ];
    let answer = fetch_items(
        &view(&message, &[Flag::Answered]),
        &asked,
        FetchOptions::default(),
    );
    assert_eq!(
        String::from_utf8(written(&answer.items)).unwrap(),
        "* 3 FETCH (RFC822.SIZE 28 FLAGS (\\Answered) UID 42 MODSEQ (17) INTERNALDATE \" 1-Apr-2024 12:00:00 +0000\" \
BODY[]<6> \"t: hi\" BODY[1] {13}\r\nhello world\r\n BODY[2] NIL)\r\n"
    );
    assert!(!answer.sets_seen);
}

#[test]
fn uid_fetch_always_carries_the_uid() {
    let message = parsed(b"\r\n");
    let options = FetchOptions {
        uid: true,
        ..FetchOptions::default()
    };
    let answer = fetch_items(&view(&message, &[]), &[FetchAttribute::Rfc822Size], options);
    assert_eq!(answer.items, [FetchItem::Uid(42), FetchItem::Rfc822Size(2)]);
    // Asked for elsewhere, it is not repeated.
    let asked = [FetchAttribute::Rfc822Size, FetchAttribute::Uid];
    let answer = fetch_items(&view(&message, &[]), &asked, options);
    assert_eq!(answer.items, [FetchItem::Rfc822Size(2), FetchItem::Uid(42)]);
}

#[test]
fn reading_without_peek_sets_seen_once() {
    use FetchAttribute as A;
    let message = parsed(NESTED);
    let reads = [
        body(part(&[1, 1]), None, false),
        A::Rfc822,
        A::Rfc822Text,
        A::Binary {
            section: vec![2],
            partial: None,
            peek: false,
        },
    ];
    for attribute in &reads {
        let asked = std::slice::from_ref(attribute);
        assert!(
            fetch_items(&view(&message, &[]), asked, FetchOptions::default()).sets_seen,
            "{attribute:?}"
        );
        // Already \Seen: nothing to set.
        assert!(
            !fetch_items(
                &view(&message, &[Flag::Seen]),
                asked,
                FetchOptions::default()
            )
            .sets_seen
        );
    }
    let peeks = [
        body(part(&[1, 1]), None, true),
        A::Rfc822Header,
        A::Binary {
            section: vec![2],
            partial: None,
            peek: true,
        },
        A::BodyStructure,
        A::Envelope,
    ];
    let answer = fetch_items(&view(&message, &[]), &peeks, FetchOptions::default());
    assert!(!answer.sets_seen);
    assert_eq!(answer.items.len(), peeks.len());
}

#[test]
fn the_answer_shows_the_seen_flag_it_sets() {
    let message = parsed(b"Subject: s\r\n\r\nbody\r\n");
    let flags = [Flag::Answered];
    let read = body(part(&[1]), None, false);
    // Not asked for: FLAGS comes after UID, before the data, as Dovecot answers.
    let uid = FetchOptions {
        uid: true,
        ..FetchOptions::default()
    };
    let answer = fetch_items(&view(&message, &flags), std::slice::from_ref(&read), uid);
    assert!(answer.sets_seen);
    assert_eq!(
        String::from_utf8(written(&answer.items)).unwrap(),
        "* 3 FETCH (UID 42 FLAGS (\\Answered \\Seen) BODY[1] \"body\\r\\n\")\r\n"
            .replace("\"body\\r\\n\"", "{6}\r\nbody\r\n")
    );
    // Asked for: shown where asked, once.
    let asked = [read.clone(), FetchAttribute::Flags];
    let answer = fetch_items(&view(&message, &flags), &asked, FetchOptions::default());
    assert_eq!(
        answer.items[1],
        FetchItem::Flags([Flag::Answered, Flag::Seen].into())
    );
    assert_eq!(answer.items.len(), 2);
    // EXAMINE: nothing is set, nothing is shown.
    let examine = FetchOptions {
        read_only: true,
        ..FetchOptions::default()
    };
    let answer = fetch_items(&view(&message, &flags), &asked, examine);
    assert!(!answer.sets_seen);
    assert_eq!(answer.items[1], FetchItem::Flags([Flag::Answered].into()));
}

#[test]
fn icloud_answers_rfc822_and_rfc822_text_with_nothing() {
    use FetchAttribute as A;
    let message = parsed(NESTED);
    let icloud = FetchOptions {
        rfc822_answers_nothing: true,
        ..FetchOptions::default()
    };
    let asked = [A::Rfc822, A::Uid, A::Rfc822Text, A::Rfc822Header];
    let answer = fetch_items(&view(&message, &[]), &asked, icloud);
    assert!(
        matches!(
            &answer.items[..],
            [FetchItem::Uid(42), FetchItem::Rfc822Header(Some(_))]
        ),
        "{:?}",
        answer.items
    );
    assert!(!answer.sets_seen);
    // Elsewhere they answer, and reading the message shows the \Seen it sets.
    let answer = fetch_items(&view(&message, &[]), &asked, FetchOptions::default());
    assert_eq!(answer.items.len(), 5);
    assert_eq!(answer.items[0], FetchItem::Flags([Flag::Seen].into()));
}

#[test]
fn macros_expand_as_rfc_3501_says() {
    use FetchAttribute as A;
    assert_eq!(
        &*attributes(&FetchItems::Fast),
        [A::Flags, A::InternalDate, A::Rfc822Size]
    );
    assert_eq!(
        &*attributes(&FetchItems::All),
        [A::Flags, A::InternalDate, A::Rfc822Size, A::Envelope]
    );
    assert_eq!(
        &*attributes(&FetchItems::Full),
        [
            A::Flags,
            A::InternalDate,
            A::Rfc822Size,
            A::Envelope,
            A::Body
        ]
    );
    let list = FetchItems::Attributes(vec![A::Uid]);
    assert_eq!(&*attributes(&list), [A::Uid]);
}

#[test]
fn binary_decodes_and_sends_nul_as_a_literal8() {
    let message = parsed(NESTED);
    let asked = [
        FetchAttribute::BinarySize { section: vec![2] },
        FetchAttribute::Binary {
            section: vec![2],
            partial: None,
            peek: true,
        },
        FetchAttribute::Binary {
            section: vec![1, 2],
            partial: Some(Partial {
                offset: 3,
                length: 4,
            }),
            peek: true,
        },
        // A multipart holds no data of its own, and part 9 does not exist.
        FetchAttribute::BinarySize { section: vec![1] },
        FetchAttribute::Binary {
            section: vec![9],
            partial: None,
            peek: true,
        },
    ];
    let answer = fetch_items(&view(&message, &[]), &asked, FetchOptions::default());
    assert_eq!(
        written(&answer.items),
        b"* 3 FETCH (BINARY.SIZE[2] 4 BINARY[2] ~{4}\r\n\x00\x01\x02\xff BINARY[1.2]<3> \"html\" BINARY[9] NIL)\r\n"
    );
    assert_eq!(round_trip(3, &answer.items), answer.items);
}
