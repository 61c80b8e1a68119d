//! SEARCH, STORE, COPY, MOVE (native, and the COPY + STORE + UID EXPUNGE fallback forced),
//! EXPUNGE against the real Dovecot of `scripts/test-servers`, in both TLS modes. Each test
//! works in mailboxes of its own (`ops-<test>-<pid>`), fills them with APPEND and deletes
//! them at the end.

// Only the real servers' settings: the rest of `support` needs the `testing` feature.
#[path = "support/servers.rs"]
mod servers;

use mailwire::imap::codec::types::{
    AppendMessage, CommandBody, Data, Flag, MailboxName, SearchKey, SequenceSet, StatusAttribute,
    StatusItem,
};
use mailwire::imap::{Client, FlagChange, Security};
use servers::{Servers, imap_login};

async fn connect(security: Security) -> Client {
    imap_login(&Servers::get(), security).await
}

fn unique(test: &str, security: Security) -> String {
    let mode = match security {
        Security::ImplicitTls => "tls",
        _ => "starttls",
    };
    format!("ops-{test}-{mode}-{}", servers::unique_suffix())
}

async fn create(client: &mut Client, name: &str) {
    // A mailbox left by an earlier run of the same process id would hold stale messages.
    let deleted = client
        .execute(CommandBody::Delete {
            mailbox: MailboxName::from(name),
        })
        .await;
    if let Err(error) = client
        .execute(CommandBody::Create {
            mailbox: MailboxName::from(name),
        })
        .await
    {
        panic!("CREATE {name}: {error:?} (the DELETE before it: {deleted:?})");
    }
}

async fn append(client: &mut Client, name: &str, subject: &str, flags: Vec<Flag<'static>>) {
    let message = format!(
        "From: ops@mailwire.test\r\nTo: alice@mailwire.test\r\nSubject: {subject}\r\n\r\n\
         body of {subject}\r\n"
    );
    client
        .execute(CommandBody::append(
            MailboxName::from(name),
            AppendMessage::new(message.into_bytes()).with_flags(flags),
        ))
        .await
        .expect("APPEND");
}

async fn select(client: &mut Client, name: &str) {
    client
        .execute(CommandBody::Select {
            mailbox: MailboxName::from(name),
            parameters: Vec::new(),
        })
        .await
        .expect("SELECT");
}

async fn messages_in(client: &mut Client, name: &str) -> u64 {
    let reply = client
        .execute(CommandBody::Status {
            mailbox: MailboxName::from(name),
            attributes: vec![StatusAttribute::Messages],
        })
        .await
        .expect("STATUS");
    reply
        .data
        .iter()
        .find_map(|data| match data {
            Data::Status { items, .. } => items.iter().find_map(|item| match item {
                StatusItem::Known(StatusAttribute::Messages, n) => Some(*n),
                _ => None,
            }),
            _ => None,
        })
        .expect("STATUS answered MESSAGES")
}

async fn remove(client: &mut Client, names: &[&str]) {
    client
        .execute(CommandBody::Unselect)
        .await
        .expect("UNSELECT");
    for name in names {
        client
            .execute(CommandBody::Delete {
                mailbox: MailboxName::from(*name),
            })
            .await
            .expect("DELETE");
    }
}

async fn search_store_expunge(security: Security) {
    let mut client = connect(security).await;
    let name = unique("search", security);
    create(&mut client, &name).await;
    append(&mut client, &name, "alpha", vec![Flag::Seen]).await;
    append(&mut client, &name, "beta", Vec::new()).await;
    append(
        &mut client,
        &name,
        "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
        Vec::new(),
    )
    .await;
    select(&mut client, &name).await;

    // Dovecot offers ESEARCH: the answer comes compact, with MIN, MAX and COUNT.
    let unseen = client.search(SearchKey::unseen()).await.unwrap();
    assert!(unseen.extended, "{unseen:?}");
    assert_eq!(unseen.iter().collect::<Vec<_>>(), [2, 3]);
    assert_eq!(
        (unseen.min, unseen.max, unseen.count),
        (Some(2), Some(3), Some(2))
    );

    let all = client.uid_search(SearchKey::all()).await.unwrap();
    let uids: Vec<u32> = all.iter().collect();
    assert_eq!(uids.len(), 3);
    let beta = client.uid_search(SearchKey::subject("beta")).await.unwrap();
    assert_eq!(beta.iter().collect::<Vec<_>>(), [uids[1]]);
    // A non-ASCII query goes with CHARSET UTF-8 and matches the decoded subject.
    let greeting = client
        .uid_search(SearchKey::subject("Grüße"))
        .await
        .unwrap();
    assert_eq!(greeting.iter().collect::<Vec<_>>(), [uids[2]]);
    let by_uid = client
        .uid_search(SearchKey::uid(SequenceSet::single(uids[0])) & SearchKey::seen())
        .await
        .unwrap();
    assert_eq!(by_uid.iter().collect::<Vec<_>>(), [uids[0]]);

    // STORE answers with the new flags; SEARCH reads them back.
    let stored = client
        .uid_store(
            &SequenceSet::single(uids[1]),
            FlagChange::add(vec![Flag::Flagged, Flag::keyword("$Ops").unwrap()]),
        )
        .await
        .unwrap();
    assert_eq!(stored.updated.len(), 1, "{stored:?}");
    assert_eq!(stored.updated[0].uid, Some(uids[1]));
    let flags = stored.updated[0].flags.clone().unwrap();
    assert!(flags.contains(&Flag::Flagged), "{flags:?}");
    let flagged = client.uid_search(SearchKey::flagged()).await.unwrap();
    assert_eq!(flagged.iter().collect::<Vec<_>>(), [uids[1]]);
    let silent = client
        .uid_store(
            &SequenceSet::single(uids[1]),
            FlagChange::remove(vec![Flag::Flagged]).silent(),
        )
        .await
        .unwrap();
    assert!(silent.updated.is_empty(), "{silent:?}");
    assert!(
        client
            .uid_search(SearchKey::flagged())
            .await
            .unwrap()
            .is_empty()
    );

    // CONDSTORE: a change conditional on a mod-sequence older than the message's is
    // refused for that message and reported in MODIFIED.
    client.enable(&["CONDSTORE"]).await.unwrap();
    let conditional = client
        .uid_store(
            &SequenceSet::single(uids[1]),
            FlagChange::add(vec![Flag::Answered]).unchanged_since(1),
        )
        .await
        .unwrap();
    assert_eq!(
        conditional.modified,
        Some(SequenceSet::single(uids[1])),
        "{conditional:?}"
    );
    let answered = client.uid_search(SearchKey::Answered).await.unwrap();
    assert!(answered.is_empty(), "{answered:?}");

    // EXPUNGE removes what is marked \Deleted, and says which message numbers went.
    client
        .store(
            &SequenceSet::single(1),
            FlagChange::add(vec![Flag::Deleted]),
        )
        .await
        .unwrap();
    let gone = client.expunge().await.unwrap();
    assert_eq!(gone.seqs, [1]);
    assert_eq!(
        client.uid_search(SearchKey::all()).await.unwrap().count,
        Some(2)
    );
    remove(&mut client, &[&name]).await;
    client.logout().await.unwrap();
}

async fn copy_and_move(security: Security) {
    let mut client = connect(security).await;
    let source = unique("move-from", security);
    let target = unique("move-to", security);
    create(&mut client, &source).await;
    create(&mut client, &target).await;
    for subject in ["one", "two", "three", "four"] {
        append(&mut client, &source, subject, Vec::new()).await;
    }
    // Marked \Deleted but not moved: the fallback must leave it where it is.
    append(&mut client, &source, "keep", vec![Flag::Deleted]).await;
    select(&mut client, &source).await;
    let uids: Vec<u32> = client
        .uid_search(SearchKey::all())
        .await
        .unwrap()
        .iter()
        .collect();
    assert_eq!(uids.len(), 5);

    let copied = client
        .uid_copy(&SequenceSet::single(uids[0]), &target)
        .await
        .unwrap()
        .expect("Dovecot gives COPYUID");
    assert_eq!(copied.pairs(10).unwrap().len(), 1);
    assert_eq!(messages_in(&mut client, &target).await, 1);

    // Dovecot has MOVE: one UID MOVE.
    let moved = client
        .uid_move(&SequenceSet::single(uids[1]), &target)
        .await
        .unwrap();
    assert!(!moved.by_copy);
    assert_eq!(moved.copy_uid.unwrap().pairs(10).unwrap()[0].0, uids[1]);
    assert_eq!(moved.expunged.seqs, [2]);

    // By message number: messages 1 and 2 are now `one` and `three`.
    let moved = client
        .move_messages(&SequenceSet::range(1, 2), &target)
        .await
        .unwrap();
    assert_eq!(moved.expunged.seqs.len(), 2);

    // The fallback iCloud needs, forced on a real server.
    let fallback = client
        .uid_move_by_copy(&SequenceSet::single(uids[3]), &target)
        .await
        .unwrap();
    assert!(fallback.by_copy);
    assert_eq!(fallback.copy_uid.unwrap().pairs(10).unwrap()[0].0, uids[3]);
    assert_eq!(fallback.expunged.seqs, [1]);

    let left: Vec<u32> = client
        .uid_search(SearchKey::all())
        .await
        .unwrap()
        .iter()
        .collect();
    assert_eq!(left, [uids[4]], "only the message not moved is left");
    // `one` copied, then moved: it is there twice.
    assert_eq!(messages_in(&mut client, &target).await, 5);
    remove(&mut client, &[&source, &target]).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn search_store_and_expunge_over_implicit_tls() {
    search_store_expunge(Security::ImplicitTls).await;
}

#[tokio::test]
async fn search_store_and_expunge_over_starttls() {
    search_store_expunge(Security::StartTls).await;
}

#[tokio::test]
async fn copy_move_and_the_forced_fallback_over_implicit_tls() {
    copy_and_move(Security::ImplicitTls).await;
}

#[tokio::test]
async fn copy_move_and_the_forced_fallback_over_starttls() {
    copy_and_move(Security::StartTls).await;
}
