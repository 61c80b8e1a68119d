//! The mailbox watcher against the real Dovecot of `scripts/test-servers` (acceptance e):
//! the watcher reaches Dovecot's implicit-TLS port through a relay in this test, which
//! can cut every relayed connection and refuse new ones until it is opened again. TLS
//! passes through the relay untouched: the watcher still checks Dovecot's certificate
//! for the test server's name.
//!
//! While the relay is cut, a second client appends two messages and flags the first;
//! once the relay opens again, the watcher reconnects and reports each of the three
//! changes exactly once. Then the mailbox is deleted and created again (Dovecot gives it
//! a new UIDVALIDITY) while the relay is cut, and the watcher reports a full resync.
//!
//! The mailbox is this test's own (unique per process), created and deleted here.

#[path = "support/servers.rs"]
mod servers;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{Flag, SequenceSet};
use mailwire::imap::{
    AppendOptions, Backoff, Client, Error, FlagChange, Security, WatchEvent, Watcher,
};
use mailwire::net::{Direction, TranscriptLog};
use servers::Servers;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// A TCP relay to Dovecot with a switch: [`cut`](Relay::cut) closes every relayed
/// connection and refuses new ones (accepted, then closed at once) until
/// [`open`](Relay::open).
struct Relay {
    port: u16,
    open: Arc<AtomicBool>,
    generation: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream_port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay binds");
        let port = listener.local_addr().expect("relay address").port();
        let open = Arc::new(AtomicBool::new(true));
        let (generation, _) = watch::channel(0u64);
        let accepting = Arc::clone(&open);
        let cuts = generation.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                if !accepting.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", upstream_port)).await
                    else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Relay {
            port,
            open,
            generation,
            task,
        }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.generation.send_modify(|n| *n += 1);
    }

    fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn message(subject: &str) -> Vec<u8> {
    format!(
        "From: Ann <ann@mailwire.test>\r\nTo: Bob <bob@mailwire.test>\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}.{}@mailwire.test>\r\n\r\nwatched\r\n",
        std::process::id()
    )
    .into_bytes()
}

async fn append(client: &mut Client, mailbox: &str, subject: &str) -> u32 {
    let appended = client
        .append(mailbox, &message(subject), &AppendOptions::new())
        .await
        .expect("APPEND");
    appended.uid.expect("Dovecot answers APPENDUID")
}

/// `UID STORE uid +FLAGS.SILENT (\Flagged)` from the test's own second client: another
/// client changes the flag while the watcher is away.
async fn flag(client: &mut Client, mailbox: &str, uid: u32) {
    client.select(mailbox).await.expect("SELECT");
    client
        .uid_store(
            &SequenceSet::single(uid),
            FlagChange::add(vec![Flag::Flagged]).silent(),
        )
        .await
        .expect("UID STORE");
    client.unselect().await.expect("UNSELECT");
}

/// Runs the watcher in a task of its own and hands its events over a channel.
fn spawn(
    mut watcher: Watcher,
) -> (
    mpsc::UnboundedReceiver<Result<WatchEvent, Error>>,
    tokio::task::JoinHandle<()>,
) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let event = watcher.next().await;
            let end = event.is_err();
            if sender.send(event).is_err() || end {
                return;
            }
        }
    });
    (receiver, task)
}

/// Every event other than a reconnect notice that arrives within `within`.
async fn collect(
    events: &mut mpsc::UnboundedReceiver<Result<WatchEvent, Error>>,
    within: Duration,
    reconnects: &mut u32,
) -> Vec<WatchEvent> {
    let until = Instant::now() + within;
    let mut out = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout_at(until.into(), events.recv()).await {
        match event.expect("the watcher does not end") {
            WatchEvent::Reconnecting { error, .. } => {
                assert!(error.is_retryable(), "{error:?}");
                *reconnects += 1;
            }
            other => out.push(other),
        }
    }
    out
}

/// Collects until `done` holds for what came, then for `settle` more.
async fn collect_until(
    events: &mut mpsc::UnboundedReceiver<Result<WatchEvent, Error>>,
    done: impl Fn(&[WatchEvent]) -> bool,
    settle: Duration,
    reconnects: &mut u32,
) -> Vec<WatchEvent> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    while !done(&out) {
        assert!(Instant::now() < deadline, "timed out; so far: {out:?}");
        out.extend(collect(events, Duration::from_millis(200), reconnects).await);
    }
    out.extend(collect(events, settle, reconnects).await);
    out
}

#[tokio::test]
async fn the_watcher_survives_a_cut_connection_and_reports_each_change_once_then_a_full_resync() {
    let servers = Servers::get();
    let name = format!("watch-relay-{}", servers::unique_suffix());
    let mut admin = servers
        .imap(Security::ImplicitTls)
        .connect()
        .await
        .expect("login to Dovecot");
    let _ = admin.delete(&name).await;
    admin.create(&name).await.expect("CREATE");
    let first = append(&mut admin, &name, "first").await;

    let relay = Relay::start(servers.imaps_port).await;
    let transcript = TranscriptLog::new();
    let watched = servers
        .imap_at(relay.port, Security::ImplicitTls)
        .transcript(transcript.clone());
    let watcher = Watcher::new(watched, name.clone()).backoff(Backoff {
        first: Duration::from_millis(200),
        cap: Duration::from_secs(1),
    });
    let (mut events, task) = spawn(watcher);
    let mut reconnects = 0;

    // It reports the message already there.
    let start = collect_until(
        &mut events,
        |e| !e.is_empty(),
        Duration::ZERO,
        &mut reconnects,
    )
    .await;
    assert!(
        matches!(start.as_slice(), [WatchEvent::New { uid, .. }] if *uid == first),
        "{start:?}"
    );

    // Mid-IDLE: cut, change three things while it is away, reopen.
    tokio::time::sleep(Duration::from_millis(500)).await;
    relay.cut();
    let second = append(&mut admin, &name, "second").await;
    let third = append(&mut admin, &name, "third").await;
    flag(&mut admin, &name, first).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    relay.open();
    let wanted = |events: &[WatchEvent]| events.len() >= 3;
    let missed = collect_until(&mut events, wanted, Duration::from_secs(3), &mut reconnects).await;
    assert!(reconnects >= 1, "the cut was noticed");
    let mut new: Vec<u32> = Vec::new();
    let mut changed = Vec::new();
    for event in &missed {
        match event {
            WatchEvent::New { uid, .. } => new.push(*uid),
            WatchEvent::Changed { uid, flags, .. } => changed.push((*uid, flags.clone())),
            other => panic!("unexpected {other:?} in {missed:?}"),
        }
    }
    new.sort_unstable();
    assert_eq!(new, [second, third], "{missed:?}");
    assert_eq!(changed.len(), 1, "{missed:?}");
    assert_eq!(changed[0].0, first);
    assert!(changed[0].1.contains(&Flag::Flagged), "{changed:?}");
    // It was idling when cut, and found what it missed by CONDSTORE and ESEARCH.
    let sent = String::from_utf8_lossy(&transcript.bytes(Direction::Sent)).into_owned();
    let resynced = sent.find("(CHANGEDSINCE ").expect("a CHANGEDSINCE resync");
    assert!(sent[..resynced].contains(" IDLE\r\n"), "{sent}");
    assert!(
        sent[resynced..].contains(" UID SEARCH RETURN (ALL) ALL\r\n"),
        "{sent}"
    );

    // A new UIDVALIDITY while it is away: the mailbox deleted and created again.
    let old_validity = admin.select(&name).await.expect("SELECT").uid_validity;
    admin.unselect().await.expect("UNSELECT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    relay.cut();
    admin.delete(&name).await.expect("DELETE");
    admin.create(&name).await.expect("CREATE again");
    let again = append(&mut admin, &name, "again").await;
    let new_validity = admin.status(&name).await.expect("STATUS").uid_validity;
    assert_ne!(
        old_validity, new_validity,
        "Dovecot gives a new UIDVALIDITY"
    );
    relay.open();
    let resync = collect_until(
        &mut events,
        |e| !e.is_empty(),
        Duration::from_secs(2),
        &mut reconnects,
    )
    .await;
    match resync.as_slice() {
        [
            WatchEvent::Resync {
                uid_validity,
                messages,
            },
        ] => {
            assert_eq!(*uid_validity, new_validity);
            let uids: Vec<u32> = messages.iter().map(|(uid, _)| *uid).collect();
            assert_eq!(uids, [again]);
        }
        other => panic!("expected one full resync: {other:?}"),
    }

    task.abort();
    drop(relay);
    admin.delete(&name).await.expect("DELETE at the end");
    let _ = admin.logout().await;
}
