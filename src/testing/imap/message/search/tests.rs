use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::imap::codec::types::{AString, Atom, DateTime, SeqBound, SeqRange, SequenceSet};
use crate::message::{Attachment, Mailbox, MessageBuilder};
use crate::testing::imap::message::tests::{NESTED, date_time};

fn plain() -> Vec<u8> {
    b"Date: Fri, 05 Jan 2024 10:00:00 +0100\r\n\
From: Alice Example <alice@example.com>\r\n\
To: Bob <bob@example.org>\r\n\
Subject: Plain fixture\r\n\
X-Mailer: Test\r\n\
\r\n\
The quick brown fox.\r\n"
        .to_vec()
}

/// Built by the crate: encoded subject and name, quoted-printable UTF-8 text, a PDF.
fn built() -> Vec<u8> {
    MessageBuilder::new()
        .from("Jürgen Müller <juergen@example.com>".parse().unwrap())
        .to(Mailbox::new("team@example.org").unwrap())
        .cc(Mailbox::with_name("Ann Other", "ann@example.net").unwrap())
        .subject("Grüße aus Köln")
        .text_body("Hallo!\nAnbei der Bericht über café prices.\n")
        .attach(Attachment::new("r.pdf", "application/pdf", b"%PDF-1.7 brown".to_vec()).unwrap())
        // 10 March 2024, 12:00 UTC.
        .date(UNIX_EPOCH + Duration::from_secs(1_710_072_000))
        .build()
        .unwrap()
        .into_bytes()
}

/// ISO-8859-1 everywhere, no Date header.
fn latin1() -> Vec<u8> {
    b"From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.fr>\r\n\
Subject: =?ISO-8859-1?Q?caf=E9?=\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Un caf=E9 cr=E8me, BROWN sugar.\r\n"
        .to_vec()
}

struct Mailbox4 {
    parsed: Vec<ParsedMessage>,
    flags: Vec<Vec<Flag<'static>>>,
    dates: Vec<DateTime>,
}

impl Mailbox4 {
    fn new() -> Self {
        let label = Flag::Keyword(Atom::new("$Label1").unwrap());
        Mailbox4 {
            parsed: [plain(), built(), NESTED.to_vec(), latin1()]
                .iter()
                .map(|bytes| ParsedMessage::parse(Arc::from(bytes.as_slice())))
                .collect(),
            flags: vec![
                vec![Flag::Seen],
                vec![Flag::Flagged, label],
                vec![Flag::Recent, Flag::Deleted],
                vec![Flag::Recent, Flag::Seen, Flag::Answered, Flag::Draft],
            ],
            dates: vec![
                date_time(2024, 1, 5),
                date_time(2024, 3, 10),
                date_time(2024, 4, 1),
                date_time(2024, 6, 30),
            ],
        }
    }

    /// The sequence numbers matching `key`.
    fn search(&self, key: &SearchKey<'_>) -> Vec<u32> {
        let context = SearchContext {
            largest_seq: 4,
            largest_uid: 40,
            // 1 July 2024, 12:00 UTC.
            now: 1_719_835_200,
        };
        (0..4)
            .filter(|&i| {
                let view = MessageView {
                    seq: i as u32 + 1,
                    uid: (i as u32 + 1) * 10,
                    flags: &self.flags[i],
                    internal_date: self.dates[i],
                    modseq: (i as u64 + 1) * 5,
                    parsed: &self.parsed[i],
                };
                matches(key, &view, &context)
            })
            .map(|i| i as u32 + 1)
            .collect()
    }
}

fn day(year: u16, month: u8, day: u8) -> Date {
    Date::new(year, month, day).unwrap()
}

fn s(text: &'static str) -> AString<'static> {
    AString::from(text)
}

#[test]
fn every_key_against_four_messages() {
    use SearchKey as K;
    let mailbox = Mailbox4::new();
    let b = Box::new;
    let cases: Vec<(SearchKey<'static>, Vec<u32>)> = vec![
        (K::All, vec![1, 2, 3, 4]),
        (K::Seen, vec![1, 4]),
        (K::Unseen, vec![2, 3]),
        (K::Answered, vec![4]),
        (K::Unanswered, vec![1, 2, 3]),
        (K::Flagged, vec![2]),
        (K::Unflagged, vec![1, 3, 4]),
        (K::Deleted, vec![3]),
        (K::Undeleted, vec![1, 2, 4]),
        (K::Draft, vec![4]),
        (K::Undraft, vec![1, 2, 3]),
        (K::Recent, vec![3, 4]),
        (K::New, vec![3]),
        (K::Old, vec![1, 2]),
        (K::Keyword(Atom::new("$label1").unwrap()), vec![2]),
        (K::Unkeyword(Atom::new("$Label1").unwrap()), vec![1, 3, 4]),
        (K::Before(day(2024, 3, 10)), vec![1]),
        (K::On(day(2024, 3, 10)), vec![2]),
        (K::Since(day(2024, 3, 10)), vec![2, 3, 4]),
        // Message 4 has no Date: it counts as sent in 1970.
        (K::SentBefore(day(2024, 3, 1)), vec![1, 4]),
        (K::SentOn(day(2024, 4, 1)), vec![3]),
        (K::SentOn(day(2024, 1, 5)), vec![1]),
        (K::SentSince(day(2024, 3, 10)), vec![2, 3]),
        (K::Larger(600), vec![2, 3]),
        (K::Smaller(600), vec![1, 4]),
        (K::From(s("ALICE")), vec![1, 3]),
        (K::From(s("jürgen müller")), vec![2]),
        (K::From(s("ANDRÉ")), vec![4]),
        (K::From(s("juergen@")), vec![2]),
        (K::To(s("bob@example.org")), vec![1, 3]),
        (K::Cc(s("ann other")), vec![2]),
        (K::Bcc(s("a")), vec![]),
        (K::Subject(s("GRÜSSE")), vec![]),
        (K::Subject(s("grüße aus")), vec![2]),
        (K::Subject(s("Café")), vec![4]),
        (K::Subject(s("")), vec![1, 2, 3, 4]),
        (K::Header(s("x-mailer"), s("")), vec![1]),
        (K::Header(s("X-MAILER"), s("tEST")), vec![1]),
        (
            K::Header(s("Content-Type"), s("multipart/mixed")),
            vec![2, 3],
        ),
        // BODY looks at decoded text parts only: not the PDF's "brown", not headers.
        (K::Body(s("brown")), vec![1, 4]),
        (K::Body(s("CAFÉ")), vec![2, 4]),
        (K::Body(s("inner text")), vec![3]),
        (K::Body(s("html = words")), vec![3]),
        (K::Body(s("a,b")), vec![3]),
        (K::Body(s("nested")), vec![]),
        (K::Text(s("nested")), vec![3]),
        (K::Text(s("x-mailer: test")), vec![1]),
        (K::Text(s("brown")), vec![1, 4]),
        (K::Uid(SequenceSet::from_to_last(20)), vec![2, 3, 4]),
        (K::Uid(SequenceSet::range(40, 15)), vec![2, 3, 4]),
        (K::Uid(largest()), vec![4]),
        (
            K::SequenceSet(SequenceSet::single(2).and(SequenceSet::single(4))),
            vec![2, 4],
        ),
        (K::SequenceSet(SequenceSet::saved()), vec![]),
        (K::Not(b(K::Seen)), vec![2, 3]),
        (K::Or(b(K::Flagged), b(K::Draft)), vec![2, 4]),
        (K::And(vec![K::Recent, K::Seen]), vec![4]),
        (K::And(vec![]), vec![1, 2, 3, 4]),
        (K::ModSeq(15), vec![3, 4]),
        (K::Older(30 * 86_400), vec![1, 2, 3]),
        (K::Younger(2 * 86_400), vec![4]),
        (K::EmailId(Atom::new("M1").unwrap()), vec![]),
    ];
    for (key, expected) in cases {
        assert_eq!(mailbox.search(&key), expected, "{key:?}");
    }
}

#[test]
fn substring_search_ignores_case_and_stays_linear() {
    assert!(contains(b"Hello World", b"o wOR"));
    assert!(contains(
        "Grüße".as_bytes(),
        "GRÜSSE".to_lowercase().replace("ss", "ß").as_bytes()
    ));
    assert!(contains(b"caf\xe9", b"CAF\xe9"));
    assert!(!contains(b"abc", b"abcd"));
    assert!(contains(b"", b""));
    // A needle that nearly matches everywhere: two-way search keeps this linear.
    let hay = vec![b'a'; 2_000_000];
    let mut needle = vec![b'a'; 10_000];
    needle.push(b'b');
    assert!(!contains(&hay, &needle));
}

/// `*` alone: the largest UID in use.
fn largest() -> SequenceSet {
    SequenceSet {
        ranges: vec![SeqRange {
            start: SeqBound::Largest,
            end: None,
        }],
        saved: false,
    }
}
