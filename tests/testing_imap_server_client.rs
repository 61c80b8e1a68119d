//! mailwire's own IMAP client against the in-memory IMAP server over TLS, in both modes:
//! the library's commands work end to end, iCloud mode makes the client fall back from
//! MOVE, IDLE hears a delivery at once, and two sessions see each other's changes.

#[path = "support/imapserve.rs"]
#[allow(dead_code)] // the raw client is for the transcript tests
mod support;

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{Flag, SearchKey, SequenceSet};
use mailwire::imap::{
    AppendOptions, Client, ClientBuilder, Credentials, Deadlines, Event, FetchQuery, FlagChange,
    MailboxRole, Security,
};
use mailwire::testing::demo::{demo_client_tls, demo_server_config};
use mailwire::testing::imap::{ImapServer, ImapServerConfig};
use mailwire::testing::mail::{MailStore, ServerMode};
use support::{PASSWORD, USER, deliver, store};

async fn tls_server(store: &MailStore) -> ImapServer {
    ImapServer::start(
        ImapServerConfig::implicit_tls(demo_server_config()),
        store.clone(),
    )
    .await
    .expect("the IMAP server starts")
}

async fn client(server: &ImapServer, user: &str) -> Client {
    ClientBuilder::new("localhost", server.port())
        .security(Security::ImplicitTls)
        .tls(demo_client_tls())
        .deadlines(Deadlines::all(Duration::from_secs(5)))
        .credentials(Credentials::new(user, PASSWORD).unwrap())
        .connect()
        .await
        .expect("the client logs in")
}

fn uids(store: &MailStore, mailbox: &str) -> Vec<u32> {
    store
        .messages(USER, mailbox)
        .unwrap()
        .iter()
        .map(|message| message.uid)
        .collect()
}

#[tokio::test]
async fn the_client_lists_appends_searches_stores_copies_moves_and_expunges() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "first");
    let server = tls_server(&store).await;
    let mut client = client(&server, USER).await;

    let mailboxes = client.list("", "*").await.unwrap();
    assert_eq!(mailboxes.len(), 6);
    let trash = client.find_role(MailboxRole::Trash).await.unwrap().unwrap();
    assert_eq!(trash.name, "Trash");

    let appended = client
        .append(
            "INBOX",
            b"From: carol@example.test\r\nSubject: second\r\n\r\nHi.\r\n",
            &AppendOptions::new().flags(vec![Flag::Flagged]),
        )
        .await
        .unwrap();
    assert_eq!(appended.uid, Some(2));

    let state = client.select("INBOX").await.unwrap();
    assert_eq!(state.exists, 2);
    assert_eq!(state.uid_next, Some(3));
    assert!(!state.read_only);

    // ESEARCH is advertised: the answers come compact.
    let found = client
        .uid_search(SearchKey::subject("second"))
        .await
        .unwrap();
    assert!(found.extended);
    assert_eq!(found.iter().collect::<Vec<_>>(), [2]);
    assert_eq!(found.count, Some(1));
    let unflagged = client.uid_search(SearchKey::Unflagged).await.unwrap();
    assert_eq!(unflagged.iter().collect::<Vec<_>>(), [1]);

    let stored = client
        .uid_store(&SequenceSet::single(1), FlagChange::add(vec![Flag::Seen]))
        .await
        .unwrap();
    assert_eq!(stored.updated.len(), 1);
    assert_eq!(store.messages(USER, "INBOX").unwrap()[0].flags, ["\\Seen"]);

    let fetched = client
        .uid_fetch(
            &SequenceSet::single(2),
            &FetchQuery::new().flags().body(&[]),
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(fetched[0].uid(), Some(2));
    assert_eq!(fetched[0].flags(), Some(&[Flag::Flagged][..]));
    assert_eq!(
        fetched[0].body(&[]),
        Some(&b"From: carol@example.test\r\nSubject: second\r\n\r\nHi.\r\n"[..])
    );

    client
        .uid_copy(&SequenceSet::single(1), "Archive")
        .await
        .unwrap();
    let moved = client
        .uid_move(&SequenceSet::single(2), "Trash")
        .await
        .unwrap();
    assert!(!moved.by_copy, "MOVE is advertised in RFC mode");
    assert_eq!(moved.copy_uid.unwrap().pairs(1), Some(vec![(2, 1)]));
    assert_eq!(uids(&store, "INBOX"), [1]);
    assert_eq!(uids(&store, "Trash"), [1]);
    assert_eq!(uids(&store, "Archive"), [1]);

    client
        .uid_store(
            &SequenceSet::single(1),
            FlagChange::add(vec![Flag::Deleted]),
        )
        .await
        .unwrap();
    let expunged = client.expunge().await.unwrap();
    assert_eq!(expunged.seqs, [1]);
    assert!(uids(&store, "INBOX").is_empty());
    client.logout().await.unwrap();
}

#[tokio::test]
async fn in_icloud_mode_the_client_moves_by_copy_and_finds_icloud_folders() {
    let store = store(ServerMode::Icloud);
    deliver(&store, "INBOX", "first");
    deliver(&store, "INBOX", "second");
    let server = tls_server(&store).await;
    // iCloud takes the name part of the address alone.
    let mut client = client(&server, "alice").await;
    let sent = client.find_role(MailboxRole::Sent).await.unwrap().unwrap();
    assert_eq!(sent.name, "Sent Messages");
    let trash = client.find_role(MailboxRole::Trash).await.unwrap().unwrap();
    assert_eq!(trash.name, "Deleted Messages");
    client.select("INBOX").await.unwrap();
    let moved = client
        .uid_move(&SequenceSet::single(1), "Deleted Messages")
        .await
        .unwrap();
    assert!(
        moved.by_copy,
        "iCloud has no MOVE: COPY, STORE \\Deleted, UID EXPUNGE"
    );
    assert_eq!(moved.expunged.seqs, [1]);
    assert_eq!(uids(&store, "INBOX"), [2]);
    assert_eq!(uids(&store, "Deleted Messages"), [1]);
    // Appending waits for `+`: no LITERAL+ here.
    let appended = client
        .append(
            "Drafts",
            b"Subject: draft\r\n\r\n.\r\n",
            &AppendOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(appended.uid, Some(1));
}

#[tokio::test]
async fn idle_sees_a_delivery_from_another_task_within_a_second() {
    let store = store(ServerMode::Rfc);
    let server = tls_server(&store).await;
    let mut client = client(&server, USER).await;
    client.select("INBOX").await.unwrap();
    let mut idle = client.idle().await.unwrap();
    let delivered = {
        let store = store.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let at = Instant::now();
            deliver(&store, "INBOX", "pushed");
            at
        })
    };
    let event = idle.next_event(Duration::from_secs(5)).await.unwrap();
    let latency = delivered.await.unwrap().elapsed();
    println!("IDLE saw the delivery {latency:?} after MailStore::deliver");
    assert_eq!(event, Some(Event::Exists(1)));
    assert!(latency < Duration::from_secs(1), "{latency:?}");
    idle.done().await.unwrap();
}

#[tokio::test]
async fn two_clients_see_each_others_store_and_expunge() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    deliver(&store, "INBOX", "two");
    let server = tls_server(&store).await;
    let mut first = client(&server, USER).await;
    let mut second = client(&server, USER).await;
    first.select("INBOX").await.unwrap();
    second.select("INBOX").await.unwrap();

    first
        .uid_store(
            &SequenceSet::single(2),
            FlagChange::add(vec![Flag::Deleted]).silent(),
        )
        .await
        .unwrap();
    let events = second.noop().await.unwrap();
    assert!(
        events.iter().any(|event| matches!(
            event,
            Event::Fetch { seq: 2, items } if items.iter().any(|item| matches!(
                item,
                mailwire::imap::codec::types::FetchItem::Flags(flags) if flags.contains(&Flag::Deleted)
            ))
        )),
        "{events:?}"
    );
    first.expunge().await.unwrap();
    let events = second.noop().await.unwrap();
    assert!(events.contains(&Event::Expunge(2)), "{events:?}");
}
