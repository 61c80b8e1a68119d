//! IDLE and NOOP polling against the scripted server: pushes before the `+` (iCloud),
//! pushes during IDLE, `DONE` and what comes after it, renewal, a stalled connection, a
//! server without IDLE, and a handle dropped while idling. Each test is a transcript in
//! and an expectation out; the transcript also shows that nothing but `DONE` is written
//! during IDLE.

mod support;

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{FetchItem, Flag};
use mailwire::imap::{Client, Deadlines, Error, Event, Idle, KEEPALIVES_KEPT};
use mailwire::testing::{Mode, Script, ScriptedServer};
use support::imap::{SHORT, connect, hang_up};

const WITH_IDLE: &[u8] = b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n";
const WITHOUT_IDLE: &[u8] = b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n";
/// The SELECT every session starts with (tag A1): ten messages.
const SELECTED: &[u8] =
    b"* 10 EXISTS\r\n* OK [UIDVALIDITY 5] UIDs valid\r\nA1 OK [READ-WRITE] done\r\n";

async fn session(
    greeting: &[u8],
    deadlines: Deadlines,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    let script = then(
        Script::new(Mode::Plain)
            .send(greeting)
            .expect_exact("A1 SELECT INBOX")
            .send(SELECTED),
    );
    let (mut client, server) = connect(script, |builder| builder.deadlines(deadlines)).await;
    assert_eq!(client.select("INBOX").await.unwrap().exists, 10);
    (client, server)
}

/// Hangs up, checks the script ran to its end, and returns what the client wrote after
/// its SELECT.
async fn written_after_select(client: Client, server: ScriptedServer) -> String {
    let text = hang_up(client, server).await.received_text_unredacted();
    text.split_once("A1 SELECT INBOX\r\n")
        .map(|(_, rest)| rest.to_owned())
        .unwrap_or(text)
}

/// The next event of an IDLE that must not fail, waiting at most [`SHORT`].
async fn next(idle: &mut Idle<'_>) -> Option<Event> {
    idle.next_event(SHORT).await.unwrap()
}

fn seen_flags(event: &Event) -> Option<(u32, Vec<Flag<'static>>)> {
    match event {
        Event::Fetch { seq, items } => items.iter().find_map(|item| match item {
            FetchItem::Flags(flags) => Some((*seq, flags.as_slice().to_vec())),
            _ => None,
        }),
        _ => None,
    }
}

#[tokio::test]
async fn icloud_pushes_before_the_continuation_are_kept_and_update_the_mailbox() {
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            // iCloud: an untagged FETCH (and here an EXISTS) before the go-ahead.
            .send(b"* 11 FETCH (UID 10060 FLAGS (\\Seen))\r\n* 12 EXISTS\r\n+ idling\r\n")
            .send(b"* 3 EXPUNGE\r\n")
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    let first = next(&mut idle).await.unwrap();
    assert_eq!(
        seen_flags(&first),
        Some((11, vec![Flag::Seen])),
        "{first:?}"
    );
    assert_eq!(next(&mut idle).await, Some(Event::Exists(12)));
    assert_eq!(next(&mut idle).await, Some(Event::Expunge(3)));
    assert_eq!(idle.done().await.unwrap(), vec![]);
    // 10, then EXISTS 12, then one expunged.
    assert_eq!(client.selected().map(|s| s.exists), Some(11));
    assert!(client.is_usable());
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn pushes_come_as_they_arrive_and_events_after_done_are_returned_by_done() {
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            .stall(Duration::from_millis(300))
            .send(b"* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"* 12 EXISTS\r\n* 4 FETCH (FLAGS (\\Flagged))\r\nA2 OK IDLE terminated\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    // Nothing within 100 ms: IDLE goes on.
    assert_eq!(
        idle.next_event(Duration::from_millis(100)).await.unwrap(),
        None
    );
    let started = Instant::now();
    assert_eq!(next(&mut idle).await, Some(Event::Exists(11)));
    assert!(started.elapsed() < Duration::from_secs(2));
    let after = idle.done().await.unwrap();
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0], Event::Exists(12));
    assert_eq!(seen_flags(&after[1]), Some((4, vec![Flag::Flagged])));
    assert_eq!(client.selected().map(|s| s.exists), Some(12));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn idle_is_renewed_with_done_then_idle_after_the_configured_renewal_delay() {
    let deadlines = Deadlines::all(SHORT).with_idle_renew(Duration::from_secs(1));
    let (mut client, server) = session(WITH_IDLE, deadlines, |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
            .expect_exact("A3 IDLE")
            .send(b"+ idling\r\n* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"A3 OK IDLE terminated\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    let started = Instant::now();
    assert_eq!(next(&mut idle).await, Some(Event::Exists(11)));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    assert_eq!(idle.done().await.unwrap(), vec![]);
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\nA3 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn a_silent_but_live_connection_passes_the_keepalive_check_and_idle_goes_on() {
    let deadlines = Deadlines::all(SHORT).with_idle_keepalive(Duration::from_secs(1));
    let (mut client, server) = session(WITH_IDLE, deadlines, |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
            .expect_exact("A3 IDLE")
            .send(b"+ idling\r\n")
            .stall(Duration::from_millis(200))
            .send(b"* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"A3 OK IDLE terminated\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    assert_eq!(next(&mut idle).await, Some(Event::Exists(11)));
    assert_eq!(idle.done().await.unwrap(), vec![]);
    assert!(client.is_usable());
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_stall_during_idle_is_found_by_the_keepalive_and_ends_in_a_timeout() {
    let deadlines = Deadlines::all(Duration::from_secs(1)).with_idle_renew(Duration::from_secs(60));
    let (mut client, server) = session(WITH_IDLE, deadlines, |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            // The connection is dead: DONE is never answered.
            .expect_exact("DONE")
            .stall(Duration::from_secs(5))
    })
    .await;
    let started = Instant::now();
    let mut idle = client.idle().await.unwrap();
    let error = idle.next_event(Duration::from_secs(30)).await.unwrap_err();
    let waited = started.elapsed();
    drop(idle);
    match &error {
        Error::Timeout { during, .. } => assert!(during.contains("keepalive"), "{during}"),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("keepalive"), "{error}");
    // One keepalive delay of silence, then one response deadline for DONE's answer.
    assert!(waited < Duration::from_secs(4), "{waited:?}");
    assert!(!client.is_usable());
    assert!(matches!(
        client.noop().await.unwrap_err(),
        Error::Unusable { .. }
    ));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn without_idle_advertised_wait_for_changes_polls_with_noop() {
    let (mut client, server) = session(WITHOUT_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 NOOP")
            .send(b"A2 OK NOOP completed\r\n")
            .expect_exact("A3 NOOP")
            .send(b"* 11 EXISTS\r\nA3 OK NOOP completed\r\n")
    })
    .await;
    let started = Instant::now();
    let events = client
        .wait_for_changes(Duration::from_millis(200), SHORT)
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(events, vec![Event::Exists(11)]);
    assert_eq!(client.selected().map(|s| s.exists), Some(11));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 NOOP\r\nA3 NOOP\r\n"
    );
}

#[tokio::test]
async fn with_idle_advertised_wait_for_changes_idles_and_gives_the_same_events() {
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n* OK Still here\r\n")
            .stall(Duration::from_millis(200))
            .send(b"* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
    })
    .await;
    let events = client
        .wait_for_changes(Duration::from_millis(200), SHORT)
        .await
        .unwrap();
    // The keepalive does not end the wait, and is not lost either.
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(&events[0], Event::Status(_)), "{events:?}");
    assert_eq!(events[1], Event::Exists(11));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn a_server_sending_only_keepalives_cannot_make_wait_for_changes_hold_more_than_its_bound() {
    let flood = "* OK Still here\r\n".repeat(KEEPALIVES_KEPT + 500);
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), move |script| {
        script
            .expect_exact("A2 IDLE")
            .send(format!("+ idling\r\n{flood}"))
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
    })
    .await;
    let started = std::time::Instant::now();
    let events = client
        .wait_for_changes(Duration::from_millis(200), SHORT * 10)
        .await
        .unwrap();
    // It stopped at the bound, not at the end of the wait (the keepalives that were
    // already on their way came in while IDLE ended).
    assert!(started.elapsed() < SHORT, "{:?}", started.elapsed());
    assert!(events.len() >= KEEPALIVES_KEPT, "{}", events.len());
    assert!(events.iter().all(|e| matches!(e, Event::Status(_))));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\n"
    );
}

#[tokio::test]
async fn wait_for_changes_returns_nothing_when_nothing_changes_in_time() {
    let (mut client, server) = session(WITHOUT_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 NOOP")
            .send(b"A2 OK NOOP completed\r\n")
            .expect_exact("A3 NOOP")
            .send(b"A3 OK NOOP completed\r\n")
    })
    .await;
    let events = client
        .wait_for_changes(Duration::from_millis(300), Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(events, vec![]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_dropped_idle_handle_sends_done_and_the_next_noop_gets_its_own_answer() {
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"* 12 EXISTS\r\nA2 OK IDLE terminated\r\n")
            .expect_exact("A3 NOOP")
            .send(b"* 2 EXPUNGE\r\nA3 OK NOOP completed\r\n")
    })
    .await;
    let idle = client.idle().await.unwrap();
    drop(idle);
    assert!(client.is_usable());
    // Everything IDLE brought comes out as events, in order, with the NOOP's own.
    assert_eq!(
        client.noop().await.unwrap(),
        vec![Event::Exists(11), Event::Exists(12), Event::Expunge(2)]
    );
    assert_eq!(client.selected().map(|s| s.exists), Some(11));
    assert_eq!(
        written_after_select(client, server).await,
        "A2 IDLE\r\nDONE\r\nA3 NOOP\r\n"
    );
}

#[tokio::test]
async fn a_next_event_cancelled_by_the_caller_loses_nothing() {
    let (mut client, server) = session(WITH_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            .stall(Duration::from_millis(300))
            .send(b"* 11 EXISTS\r\n")
            .expect_exact("DONE")
            .send(b"A2 OK IDLE terminated\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    let cancelled = tokio::time::timeout(Duration::from_millis(100), idle.next_event(SHORT)).await;
    assert!(cancelled.is_err());
    assert_eq!(next(&mut idle).await, Some(Event::Exists(11)));
    assert_eq!(idle.done().await.unwrap(), vec![]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn idle_refused_by_a_server_without_it_is_a_bad_and_the_client_goes_on() {
    let (mut client, server) = session(WITHOUT_IDLE, Deadlines::all(SHORT), |script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"A2 BAD Unknown command\r\n")
            .expect_exact("A3 NOOP")
            .send(b"A3 OK NOOP completed\r\n")
    })
    .await;
    let error = client.idle().await.unwrap_err();
    assert!(matches!(error, Error::Bad { .. }), "{error:?}");
    assert!(client.is_usable());
    assert_eq!(client.noop().await.unwrap(), vec![]);
    hang_up(client, server).await;
}
