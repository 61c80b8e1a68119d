//! FETCH, bodies into a writer, pipelined UID FETCH and APPEND against the scripted
//! server: a transcript in, an expectation out. iCloud's behaviours (RFC822 answered with
//! nothing, no LITERAL+) each have a test named after them.

mod support;

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{Date, DateTime, Flag, Section, SequenceSet};
use mailwire::imap::{
    AppendOptions, BodyFetched, Client, Error, Event, FetchQuery, FetchedMessage,
};
use support::imap::{ICLOUD_CAPABILITIES, finish, finish_lenient, hang_up, preauth};

/// The messages of a UID FETCH that must succeed.
async fn uid_fetched(
    client: &mut Client,
    set: &SequenceSet,
    query: &FetchQuery,
) -> Vec<FetchedMessage> {
    client
        .uid_fetch(set, query)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap()
}

/// The whole body of the message `uid`, which must be there, streamed into `out`.
async fn whole_body(client: &mut Client, uid: u32, out: &mut Vec<u8>) -> BodyFetched {
    client
        .fetch_body_into(uid, &Section::default(), out)
        .await
        .unwrap()
        .unwrap()
}

const ENVELOPE: &str = r#"("Thu, 3 Dec 2026 10:00:00 +0000" "Hello" (("Ann" NIL "ann" "example.org")) NIL NIL (("Bob" NIL "bob" "example.org")) NIL NIL NIL "<1@example.org>")"#;

#[tokio::test]
async fn fetch_hands_out_each_message_as_its_response_arrives() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 FETCH 1:2 (FLAGS ENVELOPE RFC822.SIZE)")
            .send(format!(
                "* 1 FETCH (FLAGS (\\Seen) ENVELOPE {ENVELOPE} RFC822.SIZE 1200)\r\n"
            ))
            .stall(Duration::from_millis(1500))
            .send(format!(
                "* 2 FETCH (FLAGS () ENVELOPE {ENVELOPE} RFC822.SIZE 99)\r\n"
            ))
            .send("A1 OK FETCH completed\r\n")
    })
    .await;
    let started = Instant::now();
    let query = FetchQuery::new().flags().envelope().size();
    let mut stream = client
        .fetch(&SequenceSet::range(1, 2), &query)
        .await
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    // Handed out while the server still holds back the second one.
    assert!(started.elapsed() < Duration::from_millis(1200));
    assert_eq!(first.seq, 1);
    assert_eq!(first.flags(), Some(&[Flag::Seen][..]));
    assert_eq!(first.size(), Some(1200));
    let envelope = first.envelope().unwrap();
    assert_eq!(envelope.subject.as_ref().unwrap().as_bytes(), b"Hello");
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!((second.seq, second.size()), (2, Some(99)));
    assert!(stream.next().await.is_none());
    drop(stream);
    finish(server).await;
}

#[tokio::test]
async fn a_flag_change_or_a_message_outside_the_set_goes_to_events_not_the_stream() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 UID FETCH 5:6 (UID FLAGS RFC822.SIZE)")
            // Another client flagged message 5: only FLAGS, though the size was asked.
            .send("* 3 FETCH (UID 5 FLAGS (\\Flagged))\r\n")
            .send("* 3 FETCH (UID 5 FLAGS (\\Seen) RFC822.SIZE 10)\r\n")
            // A UID outside the set.
            .send("* 9 FETCH (UID 99 FLAGS () RFC822.SIZE 20)\r\n")
            .send("* 4 FETCH (UID 6 FLAGS () RFC822.SIZE 30)\r\n")
            .send("A1 OK done\r\n")
    })
    .await;
    let query = FetchQuery::new().uid().flags().size();
    let messages = uid_fetched(&mut client, &SequenceSet::range(5, 6), &query).await;
    let got: Vec<_> = messages.iter().map(|m| (m.uid(), m.size())).collect();
    assert_eq!(got, [(Some(5), Some(10)), (Some(6), Some(30))]);
    let events = client.take_events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(&events[0], Event::Fetch { seq: 3, items } if items.len() == 2));
    assert!(matches!(&events[1], Event::Fetch { seq: 9, .. }));
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_answers_rfc822_with_no_data_so_bodies_are_fetched_with_body_peek() {
    // iCloud answers `FETCH n RFC822` OK with no message data: the client must never send
    // RFC822 (nor RFC822.TEXT), only BODY.PEEK[...], which it answers.
    let message = b"Subject: hi\r\n\r\nhello\r\n";
    let (mut client, server) = preauth(ICLOUD_CAPABILITIES, |script| {
        script
            .expect_exact("A1 UID FETCH 7 (UID BODY.PEEK[])")
            .send(format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n", message.len()))
            .send(message)
            .send(")\r\nA1 OK FETCH completed\r\n")
            .expect_exact("A2 UID FETCH 7 (UID BODY.PEEK[])")
            .send(format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n", message.len()))
            .send(message)
            .send(")\r\nA2 OK FETCH completed\r\n")
            .expect_exact("A3 UID FETCH 7 (UID BODY.PEEK[HEADER] BODY.PEEK[1])")
            .send(
                "* 1 FETCH (UID 7 BODY[HEADER] {15}\r\nSubject: hi\r\n\r\n BODY[1] \"hello\")\r\n",
            )
            .send("A3 OK FETCH completed\r\n")
    })
    .await;
    let mut body = Vec::new();
    let fetched = whole_body(&mut client, 7, &mut body).await;
    assert_eq!(body, message);
    assert_eq!(fetched.written, message.len() as u64);
    let query = FetchQuery::new().uid().body(&[]);
    let messages = uid_fetched(&mut client, &SequenceSet::single(7), &query).await;
    assert_eq!(messages[0].body(&[]), Some(&message[..]));
    let query = FetchQuery::new().uid().header().body(&[1]);
    let messages = uid_fetched(&mut client, &SequenceSet::single(7), &query).await;
    assert_eq!(messages[0].header(), Some(&b"Subject: hi\r\n\r\n"[..]));
    assert_eq!(messages[0].body(&[1]), Some(&b"hello"[..]));
    let log = hang_up(client, server).await;
    let sent = log.received_text_unredacted();
    assert!(!sent.contains("RFC822"), "{sent}");
}

#[tokio::test]
async fn a_body_far_above_the_streaming_threshold_streams_into_the_writer_in_bounded_memory() {
    const SIZE: usize = 5 * 1024 * 1024;
    let body: Vec<u8> = (0..SIZE).map(|i| b"abcdefghij\r\n"[i % 12]).collect();
    let wire = body.clone();
    let (mut client, server) = preauth("IMAP4rev1", move |script| {
        script
            .expect_exact("A1 UID FETCH 42 (UID BODY.PEEK[])")
            .send(format!("* 3 FETCH (UID 42 BODY[] {{{SIZE}}}\r\n"))
            .send(wire)
            .send(" FLAGS (\\Seen))\r\nA1 OK done\r\n")
            .expect_exact("A2 NOOP")
            .send("A2 OK done\r\n")
    })
    .await;
    let mut out = Vec::new();
    let fetched = whole_body(&mut client, 42, &mut out).await;
    assert!(out == body, "the bytes differ");
    assert_eq!(fetched.written, SIZE as u64);
    // The items around the literal are kept: UID before it, FLAGS after it.
    assert!(
        fetched
            .items
            .iter()
            .any(|i| format!("{i:?}").contains("Uid(42)"))
    );
    assert!(
        fetched
            .items
            .iter()
            .any(|i| format!("{i:?}").contains("Flags"))
    );
    // The read buffer never held the body: it stayed far below the body's size.
    assert!(
        client.buffer_allocated() < 512 * 1024,
        "buffer grew to {}",
        client.buffer_allocated()
    );
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_missing_message_gives_no_body_and_writes_nothing() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 UID FETCH 8 (UID BODY.PEEK[2])")
            .send("A1 OK no such message\r\n")
    })
    .await;
    let mut out = Vec::new();
    let section = Section {
        part: vec![2],
        text: None,
    };
    let fetched = client.fetch_body_into(8, &section, &mut out).await.unwrap();
    assert!(fetched.is_none());
    assert!(out.is_empty());
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_pipelined_sync_writes_the_next_chunk_before_the_first_completes() {
    // The script takes both chunk commands before it answers either: a client that
    // waited for A1's completion before writing A2 would hang here.
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 UID FETCH 1:2 (UID FLAGS)")
            .expect_exact("A2 UID FETCH 3,5 (UID FLAGS)")
            .send("* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS ())\r\n")
            .send("* 3 FETCH (UID 3 FLAGS ())\r\nA1 OK done\r\n")
            .expect_exact("A3 UID FETCH 6 (UID FLAGS)")
            .send("* 4 FETCH (UID 5 FLAGS (\\Seen))\r\nA2 OK done\r\n")
            .send("* 5 FETCH (UID 6 FLAGS ())\r\nA3 OK done\r\n")
    })
    .await;
    let query = FetchQuery::new().uid().flags();
    let messages = client
        .uid_fetch_pipelined(&[6, 1, 2, 3, 5, 3], &query, 2, 2)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let mut uids: Vec<u32> = messages.iter().filter_map(|m| m.uid()).collect();
    uids.sort_unstable();
    assert_eq!(uids, [1, 2, 3, 5, 6]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_no_ends_the_fetch_stream_with_its_error() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 FETCH 1 FLAGS")
            .send("A1 NO [SERVERBUG] Service temporarily broken\r\n")
    })
    .await;
    let mut stream = client
        .fetch(&SequenceSet::single(1), &FetchQuery::new().flags())
        .await
        .unwrap();
    let result = stream.next().await;
    assert!(matches!(result, Some(Err(Error::No { .. }))), "{result:?}");
    assert!(stream.next().await.is_none());
    drop(stream);
    hang_up(client, server).await;
}

#[tokio::test]
async fn binary_and_changedsince_are_refused_when_not_advertised() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script.expect_exact("A1 NOOP").send("A1 OK\r\n")
    })
    .await;
    let binary = FetchQuery::new().binary(&[1]);
    let error = client
        .fetch(&SequenceSet::single(1), &binary)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    let changed = FetchQuery::new().flags().changed_since(7);
    let error = client
        .uid_fetch(&SequenceSet::all(), &changed)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(FetchQuery::new().header_fields(&["Sub ject"]).is_err());
    assert!(
        FetchQuery::new()
            .header_fields(&["X\r\nA2 LOGOUT"])
            .is_err()
    );
    // Nothing was sent for those: the next command is A1.
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn changedsince_modseq_and_header_fields_go_out_as_asked() {
    let (mut client, server) = preauth("IMAP4rev1 CONDSTORE", |script| {
        script
            .expect_exact(
                "A1 UID FETCH 1:* (UID FLAGS MODSEQ BODY.PEEK[HEADER.FIELDS (Subject)]) \
                 (CHANGEDSINCE 12345)",
            )
            .send("* 1 FETCH (UID 4 FLAGS () MODSEQ (12350) BODY[HEADER.FIELDS (Subject)] {12}\r\nSubject: x\r\n)\r\n")
            .send("A1 OK done\r\n")
    })
    .await;
    let query = FetchQuery::new()
        .uid()
        .flags()
        .modseq()
        .header_fields(&["Subject"])
        .unwrap()
        .changed_since(12345);
    let messages = uid_fetched(&mut client, &SequenceSet::from_to_last(1), &query).await;
    assert_eq!(messages[0].modseq(), Some(12350));
    assert_eq!(messages[0].header(), Some(&b"Subject: x\r\n"[..]));
    hang_up(client, server).await;
}

// ---- APPEND ----

fn date() -> DateTime {
    DateTime::new(Date::new(2026, 12, 4).unwrap(), 9, 30, 0, 60).unwrap()
}

#[tokio::test]
async fn icloud_has_no_literal_plus_so_append_waits_for_the_continuation() {
    let message = b"Subject: hi\r\n\r\nhello\r\n";
    let (mut client, server) = preauth(ICLOUD_CAPABILITIES, |script| {
        script
            .expect_exact(format!(
                "A1 APPEND \"Sent Messages\" (\\Seen) \" 4-Dec-2026 09:30:00 +0100\" {{{}}}",
                message.len()
            ))
            .send("+ Ready for literal data\r\n")
            .read_until("hello\r\n\r\n")
            .send("A1 OK [APPENDUID 1700000000 3955] APPEND completed\r\n")
    })
    .await;
    let options = AppendOptions::new().flags(vec![Flag::Seen]).date(date());
    let appended = client.append("Sent Messages", message, &options).await;
    let appended = match appended {
        Ok(appended) => appended,
        Err(error) => panic!("{error:?} {:?}", server.finish().await),
    };
    assert_eq!(appended.uid_validity, Some(1_700_000_000));
    assert_eq!(appended.uid, Some(3955));
    let log = hang_up(client, server).await;
    assert!(log.received_text_unredacted().ends_with("hello\r\n\r\n"));
}

#[tokio::test]
async fn a_no_instead_of_the_continuation_ends_append_cleanly() {
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 APPEND Nowhere {5}")
            .send("A1 NO [TRYCREATE] Mailbox doesn't exist: Nowhere\r\n")
            .expect_exact("A2 NOOP")
            .send("A2 OK done\r\n")
    })
    .await;
    let error = client
        .append("Nowhere", b"hello", &AppendOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::No {
                command: "APPEND",
                ..
            }
        ),
        "{error:?}"
    );
    // Nothing of the message was sent, and the session goes on.
    assert!(client.is_usable());
    client.noop().await.unwrap();
    let log = hang_up(client, server).await;
    assert!(!log.received_text_unredacted().contains("hello"));
}

#[tokio::test]
async fn literal_plus_appends_a_streamed_reader_without_waiting() {
    let message: Vec<u8> = b"Subject: big\r\n\r\n"
        .iter()
        .copied()
        .chain((0..300_000).map(|i| b"0123456789\r\n"[i % 12]))
        .collect();
    let len = message.len();
    let (mut client, server) = preauth("IMAP4rev1 LITERAL+ UIDPLUS", move |script| {
        script
            .expect_exact(format!("A1 APPEND Drafts (\\Draft) {{{len}+}}"))
            .read_until("\r\n\r\n0123")
            .read_until("0123456789\r\n\r\n")
            .send("A1 OK [APPENDUID 9 12] done\r\n")
    })
    .await;
    let options = AppendOptions::new().flags(vec![Flag::Draft]);
    let appended = client
        .append_from("Drafts", &message[..], len as u64, &options)
        .await
        .unwrap();
    assert_eq!(appended.uid, Some(12));
    let log = hang_up(client, server).await;
    let received = log.received_unredacted();
    assert!(received.ends_with(&[&message[..], b"\r\n"].concat()));
}

#[tokio::test]
async fn a_reader_shorter_than_announced_makes_the_session_unusable() {
    let (mut client, server) = preauth("IMAP4rev1 LITERAL+", |script| {
        script
            .expect_exact("A1 APPEND INBOX {10+}")
            .read_until("short")
    })
    .await;
    let error = client
        .append_from("INBOX", &b"short"[..], 10, &AppendOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Local { .. }), "{error:?}");
    assert!(!client.is_usable());
    // The five bytes there were, and nothing to make up the other five: the connection
    // is given up instead.
    drop(client);
    let log = finish_lenient(server).await;
    assert_eq!(
        log.received_text_unredacted(),
        "A1 APPEND INBOX {10+}\r\nshort"
    );
}

#[tokio::test]
async fn append_refuses_line_breaks_in_the_mailbox_and_nul_in_the_message() {
    let (mut client, server) = preauth("IMAP4rev1", |script| script).await;
    let error = client
        .append("INBOX\r\nA9 LOGOUT", b"hi", &AppendOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    let error = client
        .append("INBOX", b"h\0i", &AppendOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    let log = hang_up(client, server).await;
    assert!(log.received_unredacted().is_empty());
}

#[tokio::test]
async fn icloud_throttling_during_a_fetch_is_a_retryable_error_not_a_failure() {
    let (mut client, server) = preauth(ICLOUD_CAPABILITIES, |script| {
        script
            .expect_exact("A1 UID FETCH 1:* (UID FLAGS)")
            .send("* 1 FETCH (UID 3 FLAGS ())\r\n")
            .send("A1 NO Service temporarily unavailable\r\n")
            .expect_exact("A2 NOOP")
            .send("A2 OK\r\n")
    })
    .await;
    let query = FetchQuery::new().uid().flags();
    let mut stream = client.uid_fetch(&SequenceSet::all(), &query).await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().uid(), Some(3));
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
    assert!(error.is_retryable());
    drop(stream);
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_body_behind_another_large_literal_is_read_whole_and_still_written() {
    // The first literal is not the body asked for, so the response is collected and read
    // whole; it is still this command's answer, not an event.
    let header = vec![b'h'; 70_000];
    let body = vec![b'b'; 70_000];
    let mut answer = b"* 1 FETCH (UID 9 BODY[HEADER] {70000}\r\n".to_vec();
    answer.extend_from_slice(&header);
    answer.extend_from_slice(b" BODY[] {70000}\r\n");
    answer.extend_from_slice(&body);
    answer.extend_from_slice(b")\r\nA1 OK done\r\n");
    let (mut client, server) = preauth("IMAP4rev1", |script| {
        script
            .expect_exact("A1 UID FETCH 9 (UID BODY.PEEK[])")
            .send(answer)
    })
    .await;
    let mut out = Vec::new();
    let fetched = whole_body(&mut client, 9, &mut out).await;
    assert_eq!(out, body);
    assert_eq!(fetched.written, 70_000);
    assert!(client.take_events().is_empty());
    hang_up(client, server).await;
}
