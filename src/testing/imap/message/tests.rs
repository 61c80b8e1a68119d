//! Messages the tests share, and the proof against a real server: the seven messages the
//! project's Dovecot fixtures append, answered by this module and compared with what
//! Dovecot answered to the same FETCH and SEARCH commands.

use std::sync::Arc;

use super::*;
use crate::imap::codec::types::{
    Command, CommandBody, Data, FetchAttribute, IntoOwned, Response, SearchKey, SequenceSet,
};
use crate::imap::codec::{encode_response, parse_command, parse_response};
use crate::limits::Limits;
use crate::message::{Attachment, Mailbox, MessageBuilder};

/// A message in a mailbox, as a test keeps it.
pub(super) struct Stored {
    pub(super) flags: Vec<Flag<'static>>,
    pub(super) internal_date: DateTime,
    pub(super) parsed: ParsedMessage,
}

impl Stored {
    pub(super) fn view(&self, seq: u32) -> MessageView<'_> {
        MessageView {
            seq,
            uid: seq,
            flags: &self.flags,
            internal_date: self.internal_date,
            modseq: 1,
            parsed: &self.parsed,
        }
    }
}

pub(super) fn parsed(bytes: &[u8]) -> ParsedMessage {
    ParsedMessage::parse(Arc::from(bytes))
}

pub(super) fn date_time(year: u16, month: u8, day: u8) -> DateTime {
    DateTime::new(Date::new(year, month, day).unwrap(), 12, 0, 0, 0).unwrap()
}

/// A message built by the crate's own builder: text and a PDF attachment.
pub(super) fn built_with_attachment() -> Vec<u8> {
    MessageBuilder::new()
        .from("Jürgen Müller <juergen@example.com>".parse().unwrap())
        .to(Mailbox::new("team@example.org").unwrap())
        .cc(Mailbox::with_name("Ann Other", "ann@example.net").unwrap())
        .subject("Grüße aus Köln")
        .text_body("Hallo!\nAnbei der Bericht über café prices.\n")
        .attach(
            Attachment::new("bericht.pdf", "application/pdf", b"%PDF-1.7\0\x01".to_vec()).unwrap(),
        )
        .message_id("<built.1@example.com>")
        .boundary("built-boundary")
        .build()
        .unwrap()
        .into_bytes()
}

/// multipart/mixed holding a multipart/alternative, an attachment and a message/rfc822.
pub(super) const NESTED: &[u8] = b"From: Alice <alice@example.com>\r\n\
To: Bob <bob@example.org>\r\n\
Subject: Nested\r\n\
Date: Mon, 1 Apr 2024 09:00:00 +0000\r\n\
Message-ID: <nested@example.com>\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
preamble\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=inner\r\n\
\r\n\
--inner\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
plain words\r\n\
--inner\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
<p>html =3D words</p>\r\n\
--inner--\r\n\
--outer\r\n\
Content-Type: application/octet-stream; name=\"data.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Disposition: attachment; filename=\"data.bin\"\r\n\
Content-Language: en, de\r\n\
Content-Location: http://example.com/data.bin\r\n\
\r\n\
AAEC/w==\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\
Content-Description: forwarded\r\n\
\r\n\
From: Carol <carol@example.net>\r\n\
Subject: Inner\r\n\
Content-Type: multipart/mixed; boundary=deep\r\n\
\r\n\
--deep\r\n\
\r\n\
inner text\r\n\
--deep\r\n\
Content-Type: text/csv\r\n\
\r\n\
a,b\r\n\
--deep--\r\n\
\r\n\
--outer--\r\n\
epilogue\r\n";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/imap/dovecot/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn commands(input: &[u8]) -> Vec<Command<'_>> {
    let limits = Limits::default();
    let mut rest = input;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (command, used) = parse_command(rest, &limits).unwrap().complete().unwrap();
        out.push(command);
        rest = &rest[used..];
    }
    out
}

fn responses(input: &[u8]) -> Vec<Response<'_>> {
    let limits = Limits::default();
    let mut rest = input;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (response, used) = parse_response(rest, &limits).unwrap().complete().unwrap();
        out.push(response);
        rest = &rest[used..];
    }
    out
}

/// The seven messages of the Dovecot fixtures, with the flags and dates they were
/// appended with.
pub(super) fn dovecot_messages() -> Vec<Stored> {
    let input = fixture("append.client");
    commands(&input)
        .into_iter()
        .flat_map(|command| match command.body {
            CommandBody::Append { messages, .. } => messages,
            other => panic!("not an APPEND: {other:?}"),
        })
        .map(|message| Stored {
            flags: message.flags.into_owned(),
            internal_date: message.date.unwrap(),
            parsed: parsed(&message.message.data),
        })
        .collect()
}

/// Pairs each command of a scenario with the untagged data answering it.
fn scenario(name: &str) -> Vec<(Command<'static>, Vec<Data<'static>>)> {
    let client = fixture(&format!("{name}.client"));
    let server = fixture(&format!("{name}.server"));
    let mut answers = responses(&server).into_iter();
    commands(&client)
        .into_iter()
        .map(|command| {
            let mut data = Vec::new();
            for response in answers.by_ref() {
                match response {
                    Response::Data(item) => data.push(item.into_owned()),
                    Response::Status(status) if status.tag.is_some() => break,
                    _ => {}
                }
            }
            (command.into_owned(), data)
        })
        .collect()
}

/// Writes `items` with the crate's encoder and reads them back with its parser: the
/// answer is valid IMAP and means what was built.
pub(super) fn round_trip(seq: u32, items: &[FetchItem<'_>]) -> Vec<FetchItem<'static>> {
    let response = Response::Data(Data::Fetch {
        seq,
        items: items.to_vec(),
    });
    let mut bytes = Vec::new();
    encode_response(&response, &mut bytes).unwrap();
    let (parsed, used) = parse_response(&bytes, &Limits::default())
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(used, bytes.len());
    match parsed {
        Response::Data(Data::Fetch { seq: back, items }) => {
            assert_eq!(back, seq);
            items.into_owned()
        }
        other => panic!("not a FETCH: {other:?}"),
    }
}

/// An item's value with every string written the same way: a literal holding what a
/// quoted string could hold means the same, and which form a server picks is its choice.
fn canonical(items: &[FetchItem<'_>]) -> String {
    let mut text = format!("{items:?}");
    let mut out = String::with_capacity(text.len());
    while let Some(start) = text.find("Literal { data: ") {
        let Some(mode) = text[start..].find(", mode: ") else {
            break;
        };
        let Some(end) = text[start + mode..].find(" }") else {
            break;
        };
        out.push_str(&text[..start]);
        out.push_str("String(");
        out.push_str(&text[start + "Literal { data: ".len()..start + mode]);
        out.push(')');
        text = text[start + mode + end + 2..].to_owned();
    }
    out.push_str(&text);
    out.replace("Quoted(", "String(")
}

/// Items a comparison with Dovecot leaves out: INTERNALDATE (Dovecot shows it in its own
/// zone), and PREVIEW and SAVEDATE, which this server does not offer.
fn kept(item: &FetchItem<'_>) -> bool {
    !matches!(
        item,
        FetchItem::InternalDate(_) | FetchItem::Preview(_) | FetchItem::SaveDate(_)
    )
}

/// FLAGS without \Recent, which belongs to Dovecot's session, not to the message.
fn without_recent(item: FetchItem<'static>) -> FetchItem<'static> {
    match item {
        FetchItem::Flags(flags) => FetchItem::Flags(
            flags
                .into_iter()
                .filter(|flag| *flag != Flag::Recent)
                .collect(),
        ),
        other => other,
    }
}

/// Every FETCH of a Dovecot scenario answered by this module as Dovecot answered it,
/// item for item (but those [`kept`] leaves out), strings compared by content.
fn fetches_match_dovecot(name: &str, messages: &mut [Stored]) {
    let mut compared = 0;
    for (command, data) in scenario(name) {
        let CommandBody::Fetch {
            set, items, uid, ..
        } = command.body
        else {
            continue;
        };
        let asked = attributes(&items);
        let largest = messages.len() as u32;
        for (index, stored) in messages.iter_mut().enumerate() {
            let seq = index as u32 + 1;
            if set.contains(seq, largest) != Some(true) {
                continue;
            }
            let expected: Vec<FetchItem<'static>> = data
                .iter()
                .find_map(|data| match data {
                    Data::Fetch { seq: at, items } if *at == seq => Some(items.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{name} {}: no answer for {seq}", command.tag.as_str()))
                .into_iter()
                .filter(kept)
                .map(without_recent)
                .collect();
            let options = FetchOptions {
                uid,
                // The capture script SELECTs the mailbox for fetch-body alone, and
                // EXAMINEs it for the other scenarios.
                read_only: name != "fetch-body",
                ..FetchOptions::default()
            };
            let answer = fetch_items(&stored.view(seq), &asked, options);
            let ours: Vec<FetchItem<'static>> = round_trip(seq, &answer.items)
                .into_iter()
                .filter(kept)
                .collect();
            if (name, command.tag.as_str()) == ("fetch-body", "A11") {
                // The one place this server answers otherwise on purpose: Dovecot gives a
                // part that does not exist as "", which reads as an empty part; NIL says
                // that there is none.
                assert!(
                    matches!(&ours[..], [FetchItem::BodySection { data: None, .. }]),
                    "{ours:?}"
                );
                continue;
            }
            assert_eq!(
                canonical(&ours),
                canonical(&expected),
                "{name} {} message {seq}",
                command.tag.as_str()
            );
            compared += 1;
            if answer.sets_seen {
                stored.flags.push(Flag::Seen);
            }
        }
    }
    assert!(compared > 0, "{name}: nothing compared");
}

#[test]
fn envelopes_and_sizes_match_dovecot() {
    fetches_match_dovecot("fetch-meta", &mut dovecot_messages());
}

#[test]
fn body_structures_match_dovecot() {
    fetches_match_dovecot("fetch-bodystructure", &mut dovecot_messages());
}

#[test]
fn body_sections_and_partials_match_dovecot() {
    fetches_match_dovecot("fetch-body", &mut dovecot_messages());
}

#[test]
fn binary_items_match_dovecot() {
    fetches_match_dovecot("fetch-binary", &mut dovecot_messages());
}

#[test]
fn rfc822_items_match_dovecot() {
    fetches_match_dovecot("fetch-legacy", &mut dovecot_messages());
}

#[test]
fn searches_match_dovecot() {
    let mut messages = dovecot_messages();
    // The search scenario ran after fetch-body, whose A12 `FETCH 3 (BODY[1])` set \Seen.
    messages[2].flags.push(Flag::Seen);
    let context = SearchContext {
        largest_seq: 7,
        largest_uid: 7,
        now: 0,
    };
    let mut compared = 0;
    for (command, data) in scenario("search") {
        let CommandBody::Search {
            criteria,
            return_options: None,
            ..
        } = command.body
        else {
            continue;
        };
        let key = SearchKey::And(criteria);
        let ours: Vec<u32> = (1..=7u32)
            .filter(|&seq| matches(&key, &messages[seq as usize - 1].view(seq), &context))
            .collect();
        let expected = data
            .iter()
            .find_map(|data| match data {
                Data::Search { ids, .. } => Some(ids.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(ours, expected, "search {}", command.tag.as_str());
        compared += 1;
    }
    assert_eq!(compared, 13);
}

#[test]
fn module_example_runs() {
    let parsed = ParsedMessage::parse(Arc::from(&b"Subject: hi\r\n\r\nhello\r\n"[..]));
    let view = MessageView {
        seq: 1,
        uid: 7,
        flags: &[],
        internal_date: date_time(2024, 1, 5),
        modseq: 1,
        parsed: &parsed,
    };
    let answer = fetch_items(
        &view,
        &[FetchAttribute::Uid, FetchAttribute::Rfc822Size],
        FetchOptions::default(),
    );
    assert_eq!(answer.items, [FetchItem::Uid(7), FetchItem::Rfc822Size(22)]);
    assert!(matches(
        &SearchKey::subject("HI"),
        &view,
        &SearchContext::default()
    ));
    assert!(!matches(
        &SearchKey::SequenceSet(SequenceSet::single(2)),
        &view,
        &SearchContext::default()
    ));
}

/// Every attribute a client can ask, for the robustness test.
fn every_attribute() -> Vec<FetchAttribute<'static>> {
    use crate::imap::codec::types::{AString, Partial, SectionText};
    use FetchAttribute as A;
    let mut list = vec![
        A::Uid,
        A::Flags,
        A::InternalDate,
        A::Rfc822Size,
        A::Envelope,
        A::Body,
        A::BodyStructure,
        A::ModSeq,
        A::Rfc822,
        A::Rfc822Header,
        A::Rfc822Text,
    ];
    for path in [&[][..], &[1], &[2], &[1, 1], &[3, 1], &[3, 2, 1]] {
        for text in [
            None,
            Some(SectionText::Header),
            Some(SectionText::Text),
            Some(SectionText::HeaderFields(vec![AString::from("Subject")])),
            Some(SectionText::HeaderFieldsNot(vec![AString::from("To")])),
        ]
        .into_iter()
        .chain((!path.is_empty()).then_some(Some(SectionText::Mime)))
        {
            let section = Section {
                part: path.to_vec(),
                text,
            };
            list.push(A::BodySection {
                section,
                partial: Some(Partial {
                    offset: 3,
                    length: 40,
                }),
                peek: true,
            });
        }
        if !path.is_empty() {
            list.push(A::Binary {
                section: path.to_vec(),
                partial: None,
                peek: true,
            });
            list.push(A::BinarySize {
                section: path.to_vec(),
            });
        }
    }
    list
}

#[test]
fn mangled_messages_never_panic_and_always_answer_valid_imap() {
    let originals = [NESTED.to_vec(), built_with_attachment()];
    let attributes = every_attribute();
    let keys = [
        SearchKey::text("words"),
        SearchKey::body("inner"),
        SearchKey::from_address("carol"),
        SearchKey::header("content-type", "mixed"),
        SearchKey::SentSince(Date::new(2000, 1, 1).unwrap()),
    ];
    // xorshift: a fixed sequence, so that a failure repeats.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let noise = b"\r\n-:;<>\"()=\\@,\0\xff ";
    for round in 0..600 {
        let mut bytes = originals[round % 2].clone();
        for _ in 0..(next() % 12 + 1) {
            let at = (next() as usize) % bytes.len().max(1);
            match next() % 4 {
                0 => {
                    bytes.truncate(at);
                }
                1 if at < bytes.len() => {
                    bytes[at] = noise[(next() as usize) % noise.len()];
                }
                2 => bytes.insert(at.min(bytes.len()), noise[(next() as usize) % noise.len()]),
                _ => {
                    let end = (at + (next() as usize) % 64).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
            }
        }
        let stored = Stored {
            flags: vec![],
            internal_date: date_time(2024, 1, 1),
            parsed: parsed(&bytes),
        };
        let view = stored.view(1);
        let answer = fetch_items(&view, &attributes, FetchOptions::default());
        // The eleven whole-message items and the 35 sections always answer (NIL at worst).
        assert!(
            answer.items.len() >= 11 + 35,
            "round {round}: {}",
            answer.items.len()
        );
        assert_eq!(round_trip(1, &answer.items), answer.items, "round {round}");
        for key in &keys {
            matches(key, &view, &SearchContext::default());
        }
    }
}
