//! What the project's real Dovecot said (and what a client said to it), captured by
//! `scripts/capture-imap-fixtures.py` into `tests/fixtures/imap/dovecot/`: every message
//! parses, writes back to an equal value, and parses the same fed one byte at a time.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::types::{
    Command, CommandBody, Data, FetchAttribute, FetchItem, FetchItems, Flag, Response,
    SearchReturnOption, SequenceSet, SortCriterion, SortKey, ThreadAlgorithm,
};
use mailwire::imap::codec::{Parsed, parse_authenticate_data, parse_command, parse_idle_done};
use mailwire::limits::Limits;

fn scenarios() -> Vec<String> {
    let dir = format!("{}/tests/fixtures/imap/dovecot", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".server").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 40,
        "the captured scenarios are all there: {names:?}"
    );
    names
}

fn responses_of(scenario: &str) -> Vec<Response<'static>> {
    let stream = fixture(&format!("dovecot/{scenario}.server"));
    frame(&stream, false, stream.len())
        .iter()
        .map(|message| response(message))
        .collect()
}

/// What a client stream holds: commands, and the lines that answer AUTHENTICATE
/// challenges or end IDLE.
#[derive(Debug, PartialEq)]
enum ClientLine {
    Command(String),
    AuthenticateData,
    IdleDone,
}

fn client_lines(stream: &[u8], chunk: usize) -> Vec<ClientLine> {
    let limits = Limits::default();
    let mut lines = Vec::new();
    let mut last: Option<CommandBody<'static>> = None;
    for message in frame(stream, true, chunk) {
        if let Ok(Parsed::Complete(_, consumed)) = parse_command(&message, &limits) {
            assert_eq!(consumed, message.len(), "{:?}", show(&message));
            let value = command(&message);
            let written = encode_as_sent(&value, &message);
            assert_eq!(
                command(&written),
                value,
                "round trip of {:?}",
                show(&message)
            );
            lines.push(ClientLine::Command(format!("{value:?}")));
            last = Some(value.body);
            continue;
        }
        match &last {
            Some(CommandBody::Authenticate { .. }) => {
                let parsed = parse_authenticate_data(&message, &limits)
                    .unwrap_or_else(|e| panic!("{e} in {:?}", show(&message)));
                whole(parsed, &message);
                lines.push(ClientLine::AuthenticateData);
            }
            Some(CommandBody::Idle) => {
                let parsed = parse_idle_done(&message, &limits)
                    .unwrap_or_else(|e| panic!("{e} in {:?}", show(&message)));
                whole(parsed, &message);
                lines.push(ClientLine::IdleDone);
            }
            other => panic!(
                "{:?} is no command (after {other:?})",
                show(&message).chars().take(120).collect::<String>()
            ),
        }
    }
    lines
}

#[test]
fn every_server_response_parses_and_round_trips_whole_and_byte_by_byte() {
    let mut messages = 0;
    for scenario in scenarios() {
        let stream = fixture(&format!("dovecot/{scenario}.server"));
        check_responses(&stream);
        check_chunking(&stream, false);
        let bytewise = frame(&stream, false, 1);
        let whole = frame(&stream, false, stream.len());
        assert_eq!(bytewise, whole, "{scenario}");
        for (a, b) in whole.iter().zip(&bytewise) {
            assert_eq!(response(a), response(b), "{scenario}");
        }
        messages += whole.len();
    }
    assert!(messages > 500, "only {messages} responses in the fixtures");
}

#[test]
fn every_client_line_parses_whole_and_byte_by_byte() {
    for scenario in scenarios() {
        if scenario == "errors" {
            continue;
        }
        let stream = fixture(&format!("dovecot/{scenario}.client"));
        let whole = client_lines(&stream, stream.len());
        assert!(!whole.is_empty(), "{scenario}");
        assert_eq!(
            client_lines(&stream, 1),
            whole,
            "{scenario} fed byte by byte"
        );
    }
}

fn commands_of(scenario: &str) -> Vec<Command<'static>> {
    let stream = fixture(&format!("dovecot/{scenario}.client"));
    frame(&stream, true, stream.len())
        .iter()
        .map(|message| command(message))
        .collect()
}

#[test]
fn multiappend_carries_both_messages_with_their_own_flags() {
    let commands = commands_of("append-multi");
    let CommandBody::Append { mailbox, messages } = &commands[0].body else {
        panic!("{:?}", commands[0])
    };
    assert_eq!(mailbox.as_bytes(), b"fixtures/multi");
    let shapes: Vec<_> = messages
        .iter()
        .map(|m| (m.flags.clone(), m.date.is_some(), m.message.data.len()))
        .collect();
    assert_eq!(
        shapes,
        [(vec![Flag::Seen], true, 463), (vec![], false, 678)]
    );
}

#[test]
fn searchres_preview_savedate_sort_and_thread_are_typed() {
    let search = commands_of("search");
    let last = search.last().map(|c| &c.body);
    assert!(
        matches!(last, Some(CommandBody::Fetch { set, .. }) if *set == SequenceSet::saved()),
        "A18 FETCH $ (UID): {last:?}"
    );
    let fetched: Vec<_> = commands_of("fetch-legacy")
        .into_iter()
        .filter_map(|c| match c.body {
            CommandBody::Fetch {
                items: FetchItems::Attributes(list),
                ..
            } => Some(list),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(fetched.contains(&FetchAttribute::Preview { lazy: false }));
    assert!(fetched.contains(&FetchAttribute::SaveDate));
    // Dovecot answers PREVIEW with quoted strings and literals, SAVEDATE with a date-time.
    let items: Vec<FetchItem<'static>> = responses_of("fetch-legacy")
        .into_iter()
        .filter_map(|r| match r {
            Response::Data(Data::Fetch { items, .. }) => Some(items),
            _ => None,
        })
        .flatten()
        .collect();
    let previews = items
        .iter()
        .filter(|i| matches!(i, FetchItem::Preview(Some(_))))
        .count();
    assert_eq!(previews, 7, "one PREVIEW per message");
    assert!(
        items
            .iter()
            .any(|i| matches!(i, FetchItem::SaveDate(Some(date)) if date.date.year >= 2024)),
        "{items:?}"
    );
    assert!(!items.iter().any(|i| matches!(i, FetchItem::Other { .. })));

    let bodies: Vec<CommandBody<'static>> = commands_of("sort-thread")
        .into_iter()
        .map(|c| c.body)
        .collect();
    let sorts: Vec<_> = bodies
        .iter()
        .filter_map(|b| match b {
            CommandBody::Sort {
                criteria,
                return_options,
                uid,
                ..
            } => Some((criteria.clone(), return_options.clone(), *uid)),
            _ => None,
        })
        .collect();
    assert_eq!(
        sorts,
        [
            (vec![SortCriterion::new(SortKey::Subject)], None, false),
            (vec![SortCriterion::reverse(SortKey::Date)], None, false),
            (vec![SortCriterion::new(SortKey::DisplayFrom)], None, false),
            (
                vec![SortCriterion::new(SortKey::Arrival)],
                Some(vec![
                    SearchReturnOption::Min,
                    SearchReturnOption::Max,
                    SearchReturnOption::Count,
                    SearchReturnOption::All
                ]),
                true
            ),
        ]
    );
    let threads: Vec<_> = bodies
        .iter()
        .filter_map(|b| match b {
            CommandBody::Thread { algorithm, uid, .. } => Some((algorithm.clone(), *uid)),
            _ => None,
        })
        .collect();
    assert_eq!(
        threads,
        [
            (ThreadAlgorithm::References, false),
            (ThreadAlgorithm::Refs, false),
            (ThreadAlgorithm::OrderedSubject, false),
            (ThreadAlgorithm::References, true),
        ]
    );
}

#[test]
fn authenticate_and_idle_exchanges_are_recognised() {
    let login = client_lines(&fixture("dovecot/authenticate-login.client"), usize::MAX);
    assert_eq!(
        login
            .iter()
            .filter(|l| **l == ClientLine::AuthenticateData)
            .count(),
        2,
        "user name and password answer the two LOGIN challenges: {login:?}"
    );
    let idle = client_lines(&fixture("dovecot/idle.client"), usize::MAX);
    assert!(idle.contains(&ClientLine::IdleDone), "{idle:?}");
}

#[test]
fn idle_pushes_arrive_as_exists_fetch_and_expunge() {
    let responses = responses_of("idle");
    let data: Vec<&Data<'_>> = responses
        .iter()
        .filter_map(|r| match r {
            Response::Data(data) => Some(data),
            _ => None,
        })
        .collect();
    assert!(
        data.iter().any(|d| matches!(d, Data::Exists(_))),
        "{data:?}"
    );
    assert!(
        data.iter().any(|d| matches!(d, Data::Expunge(_))),
        "{data:?}"
    );
    assert!(
        data.iter()
            .any(|d| matches!(d, Data::Fetch { items, .. } if items.iter().any(|i| matches!(i, FetchItem::Flags(_))))),
        "{data:?}"
    );
    assert!(
        responses.iter().any(|r| matches!(r, Response::Continue(_))),
        "IDLE is acknowledged with a continuation"
    );
}

#[test]
fn multipart_body_structures_and_qresync_vanished_are_understood() {
    let structures = responses_of("fetch-bodystructure")
        .into_iter()
        .filter(|r| {
            matches!(r, Response::Data(Data::Fetch { items, .. })
                if items.iter().any(|i| matches!(i, FetchItem::BodyStructure(_))))
        })
        .count();
    assert!(
        structures >= 7,
        "BODYSTRUCTURE of all seven messages: {structures}"
    );
    let vanished = responses_of("select-qresync")
        .into_iter()
        .any(|r| matches!(r, Response::Data(Data::Vanished { earlier: true, .. })));
    assert!(vanished, "SELECT (QRESYNC ...) reports VANISHED (EARLIER)");
}

#[test]
fn the_commands_dovecot_called_bad_do_not_parse_and_the_others_do() {
    // Not a stream: the APPEND's literal was never sent, because Dovecot refused the
    // mailbox before asking for it. Each line stands alone.
    let limits = Limits::default();
    let stream = fixture("dovecot/errors.client");
    let text = String::from_utf8(stream).expect("the errors scenario is ASCII");
    let verdicts: Vec<(String, &str)> = text
        .split_inclusive("\r\n")
        .map(|line| {
            let verdict = match parse_command(line.as_bytes(), &limits) {
                Ok(Parsed::Complete(_, consumed)) if consumed == line.len() => "parses",
                Ok(Parsed::Complete(..)) => "trailing bytes",
                Ok(Parsed::Incomplete) => "waits for a literal",
                Err(_) => "refused",
            };
            (line.trim_end().to_owned(), verdict)
        })
        .collect();
    let expected = [
        ("A1 FROBNICATE the mailbox", "refused"),
        ("", "refused"),
        ("A2 FETCH 1 (FLAGS)", "parses"),
        ("A3 SELECT \"fixtures/no-such-mailbox\"", "parses"),
        (
            "A4 APPEND \"fixtures/no-such-mailbox\" {463}",
            "waits for a literal",
        ),
        ("A5 FETCH 1 (FLAGS", "refused"),
        ("A6 FETCH 99 (FLAGS)", "parses"),
        ("A7 UID FETCH 999999 (FLAGS)", "parses"),
        ("A8 STORE 1 +FLAGS (\\Seen)", "parses"),
    ];
    for (line, verdict) in expected {
        assert!(
            verdicts.iter().any(|(l, v)| l == line && *v == verdict),
            "{line:?} should be {verdict}: {verdicts:?}"
        );
    }
}
