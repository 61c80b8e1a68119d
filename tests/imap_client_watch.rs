//! The mailbox watcher against the scripted server, one script per connection: pushes
//! become events by UID, a connection lost mid-IDLE is resynchronised with CHANGEDSINCE
//! and reports exactly what was missed, a new UIDVALIDITY is a full resync, a server
//! without IDLE is polled, throttling at reconnect is waited out with a growing delay,
//! and a wrong password ends the watcher.

mod support;

use std::time::{Duration, Instant};

use mailwire::imap::{Backoff, Error, FetchQuery, WatchEvent, Watcher};
use mailwire::testing::{Mode, Script, ScriptedServer};
use support::imap::{PASSWORD, SHORT, builder, with_login};

/// What a test waits to be sure no further event comes.
const QUIET: Duration = Duration::from_millis(400);
const CONDSTORE: &[u8] = b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE CONDSTORE ESEARCH] ready\r\n";
const PLAIN_IDLE: &[u8] = b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n";
const NO_IDLE: &[u8] = b"* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n";

fn watcher(server: &ScriptedServer) -> Watcher {
    Watcher::new(builder(server.port()), "INBOX").backoff(Backoff {
        first: Duration::from_millis(20),
        cap: Duration::from_millis(80),
    })
}

/// A watcher of INBOX on a scripted server serving one connection with each of `scripts`,
/// in turn.
async fn watching(scripts: Vec<Script>) -> (Watcher, ScriptedServer) {
    let server = ScriptedServer::start_many(scripts).await.unwrap();
    (watcher(&server), server)
}

/// The next event, which must be a reconnect: its error, attempt and delay.
async fn reconnecting(watcher: &mut Watcher) -> (Error, u32, Duration) {
    match next(watcher).await {
        WatchEvent::Reconnecting {
            error,
            attempt,
            delay,
        } => (error, attempt, delay),
        other => panic!("expected a reconnect, got {other:?}"),
    }
}

async fn next(watcher: &mut Watcher) -> WatchEvent {
    match tokio::time::timeout(SHORT, watcher.next()).await {
        Ok(Ok(event)) => event,
        Ok(Err(error)) => panic!("the watcher ended: {error}"),
        Err(_) => panic!("no event within {SHORT:?}"),
    }
}

/// Asserts that nothing more is reported for a while.
async fn quiet(watcher: &mut Watcher) {
    if let Ok(result) = tokio::time::timeout(QUIET, watcher.next()).await {
        panic!("an event nobody expected: {result:?}");
    }
}

/// An event as a line, to compare whole sequences at once.
fn line(event: &WatchEvent) -> String {
    match event {
        WatchEvent::New { uid, flags, .. } => format!("new {uid} {flags:?}"),
        WatchEvent::Changed { uid, flags, modseq } => format!("changed {uid} {flags:?} {modseq:?}"),
        WatchEvent::Removed { uid } => format!("removed {uid}"),
        WatchEvent::Resync {
            uid_validity,
            messages,
        } => format!("resync {uid_validity:?} {messages:?}"),
        WatchEvent::Reconnecting { attempt, delay, .. } => {
            format!("reconnecting {attempt} {}ms", delay.as_millis())
        }
        other => format!("{other:?}"),
    }
}

async fn lines(watcher: &mut Watcher, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(line(&next(watcher).await));
    }
    out
}

/// Ends the watcher, then checks every connection's script ran to its end.
async fn finish(watcher: Watcher, server: ScriptedServer) {
    drop(watcher);
    for (index, outcome) in server.finish_all().await.into_iter().enumerate() {
        match outcome {
            Ok(log) => assert!(
                log.expectations.iter().all(|e| e.matched),
                "connection {index}: {log:?}"
            ),
            Err(error) => panic!("connection {index}: the script failed: {error:?}"),
        }
    }
}

#[tokio::test]
async fn pushes_during_idle_become_events_by_uid() {
    let script = Script::new(Mode::Plain)
        .send(CONDSTORE)
        .expect_exact("A1 SELECT INBOX (CONDSTORE)")
        .send(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 7]\r\n* OK [HIGHESTMODSEQ 100]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS MODSEQ)")
        .send(b"* 1 FETCH (UID 10 FLAGS (\\Seen) MODSEQ (90))\r\n* 2 FETCH (UID 11 FLAGS () MODSEQ (95))\r\nA2 OK done\r\n")
        .expect_exact("A3 IDLE")
        .send(b"+ idling\r\n* OK Still here\r\n* 3 EXISTS\r\n")
        .expect_exact("DONE")
        .send(b"* 1 FETCH (UID 10 FLAGS (\\Seen \\Flagged) MODSEQ (101))\r\nA3 OK done\r\n")
        .expect_exact("A4 UID FETCH 12:* (UID FLAGS MODSEQ)")
        .send(b"* 3 FETCH (UID 12 FLAGS () MODSEQ (102))\r\nA4 OK done\r\n")
        .expect_exact("A5 IDLE")
        .send(b"+ idling\r\n* 1 EXPUNGE\r\n")
        .expect_exact("DONE")
        .send(b"A5 OK done\r\n")
        .expect_exact("A6 IDLE")
        .send(b"+ idling\r\n* VANISHED 11\r\n")
        .expect_exact("DONE")
        .send(b"A6 OK done\r\n");
    let (mut watcher, server) = watching(vec![script]).await;
    assert_eq!(
        lines(&mut watcher, 6).await,
        [
            "new 10 [Seen]",
            "new 11 []",
            "changed 10 [Seen, Flagged] Some(101)",
            "new 12 []",
            "removed 10",
            "removed 11",
        ]
    );
    assert_eq!(watcher.uid_validity(), Some(7));
    assert_eq!(
        watcher.messages().map(|(uid, _)| uid).collect::<Vec<_>>(),
        [12]
    );
    finish(watcher, server).await;
}

#[tokio::test]
async fn a_connection_closed_mid_idle_is_resynced_with_changedsince_and_reports_only_what_was_missed()
 {
    let first = Script::new(Mode::Plain)
        .send(CONDSTORE)
        .expect_exact("A1 SELECT INBOX (CONDSTORE)")
        .send(b"* 3 EXISTS\r\n* OK [UIDVALIDITY 7]\r\n* OK [HIGHESTMODSEQ 100]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS MODSEQ)")
        .send(b"* 1 FETCH (UID 10 FLAGS (\\Seen) MODSEQ (90))\r\n* 2 FETCH (UID 11 FLAGS () MODSEQ (95))\r\n* 3 FETCH (UID 12 FLAGS () MODSEQ (96))\r\nA2 OK done\r\n")
        .expect_exact("A3 IDLE")
        .send(b"+ idling\r\n")
        .close();
    // While away: 11 expunged, 10 flagged, 12 flagged and unflagged again (a change with
    // no difference), 13 and 14 delivered.
    let second = Script::new(Mode::Plain)
        .send(CONDSTORE)
        .expect_exact("A1 SELECT INBOX (CONDSTORE)")
        .send(b"* 4 EXISTS\r\n* OK [UIDVALIDITY 7]\r\n* OK [HIGHESTMODSEQ 110]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 100)")
        .send(b"* 1 FETCH (UID 10 FLAGS (\\Seen \\Flagged) MODSEQ (105))\r\n* 2 FETCH (UID 12 FLAGS () MODSEQ (106))\r\n* 3 FETCH (UID 13 FLAGS () MODSEQ (107))\r\n* 4 FETCH (UID 14 FLAGS (\\Seen) MODSEQ (108))\r\nA2 OK done\r\n")
        .expect_exact("A3 UID SEARCH RETURN (ALL) ALL")
        .send(b"* ESEARCH (TAG \"A3\") UID ALL 10,12:14\r\nA3 OK done\r\n")
        .expect_exact("A4 IDLE")
        .send(b"+ idling\r\n")
        .read_until_close();
    let (mut watcher, server) = watching(vec![first, second]).await;
    assert_eq!(
        lines(&mut watcher, 3).await,
        ["new 10 [Seen]", "new 11 []", "new 12 []"]
    );
    let (error, attempt, _) = reconnecting(&mut watcher).await;
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(attempt, 1);
    assert_eq!(
        lines(&mut watcher, 4).await,
        [
            "removed 11",
            "changed 10 [Seen, Flagged] Some(105)",
            "new 13 []",
            "new 14 [Seen]",
        ]
    );
    quiet(&mut watcher).await;
    finish(watcher, server).await;
}

#[tokio::test]
async fn a_new_uidvalidity_after_a_bye_is_reported_as_a_full_resync() {
    let first = Script::new(Mode::Plain)
        .send(PLAIN_IDLE)
        .expect_exact("A1 SELECT INBOX")
        .send(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS)")
        .send(b"* 1 FETCH (UID 10 FLAGS ())\r\nA2 OK done\r\n")
        .expect_exact("A3 IDLE")
        .send(b"+ idling\r\n* BYE going down\r\n")
        .close();
    let second = Script::new(Mode::Plain)
        .send(PLAIN_IDLE)
        .expect_exact("A1 SELECT INBOX")
        .send(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 8]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS)")
        .send(b"* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n* 2 FETCH (UID 2 FLAGS ())\r\nA2 OK done\r\n")
        .expect_exact("A3 IDLE")
        .send(b"+ idling\r\n")
        .read_until_close();
    let (mut watcher, server) = watching(vec![first, second]).await;
    assert_eq!(lines(&mut watcher, 1).await, ["new 10 []"]);
    let (error, ..) = reconnecting(&mut watcher).await;
    assert!(matches!(error, Error::Bye { .. }), "{error:?}");
    assert_eq!(
        lines(&mut watcher, 1).await,
        ["resync Some(8) [(1, [Seen]), (2, [])]"]
    );
    quiet(&mut watcher).await;
    assert_eq!(watcher.uid_validity(), Some(8));
    finish(watcher, server).await;
}

#[tokio::test]
async fn without_idle_the_watcher_polls_with_noop_and_maps_numbers_to_uids() {
    let script = Script::new(Mode::Plain)
        .send(NO_IDLE)
        .expect_exact("A1 SELECT INBOX")
        .send(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS)")
        .send(b"* 1 FETCH (UID 10 FLAGS ())\r\nA2 OK done\r\n")
        // What the caller asked for, for the message found at the start.
        .expect_exact("A3 UID FETCH 10 (RFC822.SIZE UID FLAGS)")
        .send(b"* 1 FETCH (UID 10 RFC822.SIZE 99 FLAGS ())\r\nA3 OK done\r\n")
        .expect_exact("A4 NOOP")
        .send(b"A4 OK nothing\r\n")
        .expect_exact("A5 NOOP")
        .send(b"* 2 EXISTS\r\n* 1 FETCH (FLAGS (\\Seen))\r\nA5 OK done\r\n")
        .expect_exact("A6 UID FETCH 11:* (RFC822.SIZE UID FLAGS)")
        .send(b"* 2 FETCH (UID 11 RFC822.SIZE 1234 FLAGS ())\r\nA6 OK done\r\n")
        .expect_exact("A7 NOOP")
        .send(b"* 1 EXPUNGE\r\nA7 OK done\r\n");
    let (watcher, server) = watching(vec![script]).await;
    let mut watcher = watcher
        .poll_every(Duration::from_millis(30))
        .fetch_new(FetchQuery::new().size());
    // The first sync fetches the size too.
    let WatchEvent::New { uid, message, .. } = next(&mut watcher).await else {
        panic!("expected message 10");
    };
    assert_eq!((uid, message.size()), (10, Some(99)));
    let event = next(&mut watcher).await;
    assert_eq!(line(&event), "changed 10 [Seen] None");
    let WatchEvent::New { uid, message, .. } = next(&mut watcher).await else {
        panic!("expected a new message");
    };
    assert_eq!((uid, message.size()), (11, Some(1234)));
    assert_eq!(lines(&mut watcher, 1).await, ["removed 10"]);
    finish(watcher, server).await;
}

const LOGIN_GREETING: &[u8] = b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n";

fn login_then(script: Script) -> Script {
    script
        .send(LOGIN_GREETING)
        .expect_exact(format!("A1 LOGIN user {PASSWORD}"))
        .send(b"A1 OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n")
        .expect_exact("A2 SELECT INBOX")
        .send(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7]\r\nA2 OK [READ-WRITE] done\r\n")
        .expect_exact("A3 UID FETCH 1:* (UID FLAGS)")
}

fn logging_in(server: &ScriptedServer) -> Watcher {
    Watcher::new(with_login(builder(server.port()), "user"), "INBOX").backoff(Backoff {
        first: Duration::from_millis(100),
        cap: Duration::from_millis(150),
    })
}

#[tokio::test]
async fn throttling_at_reconnect_is_waited_out_with_a_growing_delay_reset_after_success() {
    let first = login_then(Script::new(Mode::Plain))
        .send(b"* 1 FETCH (UID 10 FLAGS ())\r\nA3 OK done\r\n")
        .expect_exact("A4 IDLE")
        .send(b"+ idling\r\n")
        .close();
    let throttled = Script::new(Mode::Plain)
        .send(LOGIN_GREETING)
        .expect_exact(format!("A1 LOGIN user {PASSWORD}"))
        .send(b"A1 NO [UNAVAILABLE] Service temporarily unavailable\r\n")
        .read_until_close();
    let third = login_then(Script::new(Mode::Plain))
        .send(b"* 1 FETCH (UID 10 FLAGS (\\Seen))\r\nA3 OK done\r\n")
        .expect_exact("A4 IDLE")
        .send(b"+ idling\r\n")
        .close();
    let server = ScriptedServer::start_many(vec![first, throttled, third])
        .await
        .unwrap();
    let mut watcher = logging_in(&server);
    assert_eq!(
        lines(&mut watcher, 2).await,
        ["new 10 []", "reconnecting 1 100ms"]
    );
    let (error, attempt, delay) = reconnecting(&mut watcher).await;
    assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
    assert_eq!((attempt, delay), (2, Duration::from_millis(150)));
    let waited = Instant::now();
    assert_eq!(lines(&mut watcher, 1).await, ["changed 10 [Seen] None"]);
    assert!(waited.elapsed() >= Duration::from_millis(150));
    // The success reset the delay.
    assert_eq!(lines(&mut watcher, 1).await, ["reconnecting 1 100ms"]);
    finish(watcher, server).await;
}

#[tokio::test]
async fn wrong_credentials_end_the_watcher_instead_of_retrying() {
    let script = Script::new(Mode::Plain)
        .send(LOGIN_GREETING)
        .expect_exact(format!("A1 LOGIN user {PASSWORD}"))
        .send(b"A1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        .read_until_close();
    let server = ScriptedServer::start(script).await.unwrap();
    // A backoff far longer than the test may take: a retry would show as a long wait.
    let mut watcher = logging_in(&server).backoff(Backoff {
        first: Duration::from_secs(30),
        cap: Duration::from_secs(30),
    });
    let error = watcher.next().await.unwrap_err();
    assert!(matches!(error, Error::WrongCredentials { .. }), "{error:?}");
    assert!(!error.is_retryable());
    // Ended for good: no new connection, at once.
    let started = Instant::now();
    let again = watcher.next().await.unwrap_err();
    assert!(matches!(again, Error::Unusable { .. }), "{again:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!watcher.is_connected());
    finish(watcher, server).await;
}

#[tokio::test]
async fn an_expunge_crossing_the_fetch_of_new_mail_leads_to_a_resync_not_a_wrong_removal() {
    let script = Script::new(Mode::Plain)
        .send(PLAIN_IDLE)
        .expect_exact("A1 SELECT INBOX")
        .send(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7]\r\nA1 OK [READ-WRITE] done\r\n")
        .expect_exact("A2 UID FETCH 1:* (UID FLAGS)")
        .send(b"* 1 FETCH (UID 10 FLAGS ())\r\nA2 OK done\r\n")
        .expect_exact("A3 IDLE")
        .send(b"+ idling\r\n* 3 EXISTS\r\n")
        .expect_exact("DONE")
        .send(b"A3 OK done\r\n")
        // 11 is expunged before its answer: `* 2 EXPUNGE` is 11, not 12.
        .expect_exact("A4 UID FETCH 11:* (UID FLAGS)")
        .send(b"* 2 EXPUNGE\r\n* 2 FETCH (UID 12 FLAGS ())\r\nA4 OK done\r\n")
        .expect_exact("A5 UID FETCH 1:* (UID FLAGS)")
        .send(b"* 1 FETCH (UID 10 FLAGS ())\r\n* 2 FETCH (UID 12 FLAGS ())\r\nA5 OK done\r\n")
        .expect_exact("A6 IDLE")
        .send(b"+ idling\r\n")
        .read_until_close();
    let (mut watcher, server) = watching(vec![script]).await;
    assert_eq!(lines(&mut watcher, 2).await, ["new 10 []", "new 12 []"]);
    quiet(&mut watcher).await;
    assert_eq!(
        watcher.messages().map(|(uid, _)| uid).collect::<Vec<_>>(),
        [10, 12]
    );
    finish(watcher, server).await;
}
