//! The library's SMTP and IMAP clients against `mailwire serve`, in both modes.

use std::time::{Duration, Instant};

use mailwire::imap::codec::types::{Flag, SearchKey, Section, SequenceSet};
use mailwire::imap::{
    self, AppendOptions, Deadlines, Event, FetchQuery, FlagChange, MailboxRole, find_role,
};
use mailwire::smtp::{self, Attachment, Credentials, Mailbox, MessageBuilder, Security, TlsConfig};

use crate::serve::{Serve, USERS};

/// SMTP and IMAP clients of the library in one session against `serve`: bob idles while
/// ann sends him a built message with an attachment; it arrives within a second, is
/// fetched and compared, flagged, searched, moved and expunged; ann's append is seen.
async fn library_session(mode: &'static str, test: &str) {
    let serve = Serve::start(mode, test);
    let pem = std::fs::read(&serve.ca_file).expect("the CA file");
    let tls = TlsConfig::webpki()
        .with_root_pem(&pem)
        .expect("the CA parses");
    let imap_as = |user: usize| {
        imap::ClientBuilder::new(serve.host(), serve.imap_tls.port())
            .security(Security::ImplicitTls)
            .tls(tls.clone())
            .deadlines(Deadlines::all(Duration::from_secs(20)))
            .credentials(Credentials::new(USERS[user].0, USERS[user].1).unwrap())
    };
    let icloud = mode == "icloud";

    let mut bob = imap_as(1).connect().await.expect("bob logs in over IMAP");
    let mailboxes = bob.list("", "*").await.expect("LIST");
    let named = |role| find_role(&mailboxes, role).map(|m| m.name.clone());
    let (sent, trash) = if icloud {
        ("Sent Messages", "Deleted Messages")
    } else {
        ("Sent", "Trash")
    };
    assert_eq!(named(MailboxRole::Sent).as_deref(), Some(sent));
    assert_eq!(named(MailboxRole::Trash).as_deref(), Some(trash));
    assert_eq!(bob.has_capability("MOVE"), !icloud);
    assert_eq!(bob.select("INBOX").await.expect("SELECT").exists, 0);

    let message = MessageBuilder::new()
        .from(Mailbox::with_name("Ann", USERS[0].0).unwrap())
        .to(Mailbox::new(USERS[1].0).unwrap())
        .subject("Grüße from the library")
        .text_body("Hallo Bob,\nschöne Grüße.\n")
        .attach(Attachment::new("notes.txt", "text/plain", b"attached text\n".to_vec()).unwrap())
        .build()
        .expect("the message builds");
    let mut idle = bob.idle().await.expect("IDLE");
    let mut smtp = smtp::ClientBuilder::new(serve.host(), serve.smtp_submission.port())
        .security(Security::StartTls)
        .tls(tls.clone())
        .credentials(Credentials::new(USERS[0].0, USERS[0].1).unwrap())
        .connect()
        .await
        .expect("ann logs in over SMTP with STARTTLS");
    let report = smtp.send(&message).await.expect("the message is accepted");
    let sent_at = Instant::now();
    assert_eq!(report.accepted, [USERS[1].0]);
    loop {
        let left = Duration::from_secs(1).saturating_sub(sent_at.elapsed());
        match idle.next_event(left).await.expect("IDLE events") {
            Some(Event::Exists(1)) => break,
            Some(_) => {}
            None => panic!("no EXISTS within 1 s of the 250 to the message"),
        }
    }
    eprintln!(
        "{test}: EXISTS {} ms after the 250 to the message",
        sent_at.elapsed().as_millis()
    );
    idle.done().await.expect("DONE");
    smtp.quit().await.expect("QUIT");

    let query = FetchQuery::new()
        .uid()
        .flags()
        .size()
        .envelope()
        .body_structure();
    let fetched = bob
        .fetch(&SequenceSet::single(1), &query)
        .await
        .expect("FETCH")
        .collect()
        .await
        .expect("the FETCH answers");
    assert_eq!(fetched.len(), 1);
    let uid = fetched[0].uid().expect("a UID");
    assert_eq!(fetched[0].size(), Some(message.as_bytes().len() as u64));
    let envelope = fetched[0].envelope().expect("an ENVELOPE");
    assert_eq!(
        envelope.message_id.as_ref().map(|id| id.as_bytes()),
        Some(message.message_id().as_bytes())
    );
    assert!(fetched[0].body_structure().is_some());
    let mut body = Vec::new();
    let whole = Section {
        part: Vec::new(),
        text: None,
    };
    let written = bob
        .fetch_body_into(uid, &whole, &mut body)
        .await
        .expect("UID FETCH BODY.PEEK[]")
        .expect("the message is there");
    assert_eq!(written.written, body.len() as u64);
    assert_eq!(
        body,
        message.as_bytes(),
        "the message arrived byte for byte"
    );

    let stored = bob
        .uid_store(
            &SequenceSet::single(uid),
            FlagChange::add(vec![Flag::Flagged]),
        )
        .await
        .expect("UID STORE");
    assert_eq!(stored.updated.len(), 1, "{stored:?}");
    assert_eq!(stored.updated[0].uid, Some(uid));
    let flags = stored.updated[0].flags.as_deref().unwrap_or_default();
    assert!(
        flags.contains(&Flag::Flagged) && !flags.contains(&Flag::Seen),
        "the new flags come back: {stored:?}"
    );
    let flagged = bob
        .uid_search(SearchKey::Flagged)
        .await
        .expect("UID SEARCH");
    assert_eq!(flagged.iter().collect::<Vec<_>>(), [uid]);
    let moved = bob
        .uid_move(&SequenceSet::single(uid), "Archive")
        .await
        .expect("UID MOVE");
    assert_eq!(
        moved.by_copy, icloud,
        "MOVE is used where advertised: {moved:?}"
    );
    assert_eq!(
        bob.status("Archive").await.expect("STATUS").messages,
        Some(1)
    );
    assert_eq!(bob.status("INBOX").await.expect("STATUS").messages, Some(0));

    // A second session of bob's: its APPEND and its expunge are seen by the first.
    bob.select("Archive").await.expect("SELECT Archive");
    let mut second = imap_as(1).connect().await.expect("a second session");
    let appended = second
        .append(
            "Archive",
            b"Subject: from the second session\r\n\r\nhi\r\n",
            &AppendOptions::new(),
        )
        .await
        .expect("APPEND");
    assert!(
        appended.uid.is_some(),
        "UIDPLUS gives the UID: {appended:?}"
    );
    let events = bob.noop().await.expect("NOOP");
    assert!(events.contains(&Event::Exists(2)), "{events:?}");
    second.select("Archive").await.expect("SELECT");
    let first = uid_of_first(&mut second).await;
    assert_eq!(
        moved.copy_uid.as_ref().map(|c| &c.destination),
        Some(&SequenceSet::single(first)),
        "COPYUID names the moved message's new UID: {moved:?}"
    );
    second
        .uid_store(
            &SequenceSet::single(first),
            FlagChange::add(vec![Flag::Deleted]).silent(),
        )
        .await
        .expect("STORE \\Deleted");
    let expunged = second.expunge().await.expect("EXPUNGE");
    assert_eq!(expunged.seqs, [1], "{expunged:?}");
    let events = bob.noop().await.expect("NOOP");
    assert!(events.contains(&Event::Expunge(1)), "{events:?}");
    assert_eq!(bob.status("INBOX").await.expect("STATUS").messages, Some(0));
    second.logout().await.expect("LOGOUT");

    // Ann's view: on iCloud its SMTP server filed her copy of what she sent.
    let mut ann = imap_as(0).connect().await.expect("ann logs in over IMAP");
    let copies = ann.status(sent).await.expect("STATUS").messages;
    assert_eq!(copies, Some(u32::from(icloud)));
    ann.logout().await.expect("LOGOUT");
    bob.logout().await.expect("LOGOUT");
}

#[tokio::test]
async fn library_session_against_serve_rfc() {
    library_session("rfc", "library_session_against_serve_rfc").await;
}

#[tokio::test]
async fn library_session_against_serve_icloud() {
    library_session("icloud", "library_session_against_serve_icloud").await;
}

/// The UID of message 1 of the selected mailbox.
async fn uid_of_first(client: &mut imap::Client) -> u32 {
    let found = client
        .uid_search(SearchKey::SequenceSet(SequenceSet::single(1)))
        .await
        .expect("UID SEARCH 1");
    found.iter().next().expect("a first message")
}
