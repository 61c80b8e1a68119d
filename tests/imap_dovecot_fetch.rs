//! FETCH, bodies into a writer, pipelined UID FETCH and APPEND against the real Dovecot of
//! `scripts/test-servers`, in both TLS modes. Each test works in a mailbox of its own
//! (unique per test and process), created and deleted here, since Dovecot's users are
//! shared with other tests running at the same time.

// Only the real servers' settings: the rest of `support` needs the `testing` feature.
#[path = "support/servers.rs"]
mod servers;

use std::time::Duration;

use mailwire::imap::codec::types::{Date, DateTime, Flag, Section, SequenceSet};
use mailwire::imap::{AppendOptions, Client, Deadlines, FetchQuery, Security};
use servers::Servers;

async fn connect(security: Security) -> Client {
    // Bodies of a few hundred kilobytes: more time than the other live tests need.
    Servers::get()
        .imap(security)
        .deadlines(Deadlines::all(Duration::from_secs(30)))
        .connect()
        .await
        .expect("login to Dovecot")
}

fn unique(test: &str, security: Security) -> String {
    format!("fetch-{test}-{security:?}-{}", servers::unique_suffix())
}

async fn create(client: &mut Client, name: &str) {
    // Left over from an interrupted run of this process id: gone first.
    let _ = client.delete(name).await;
    client.create(name).await.expect("CREATE");
}

async fn select(client: &mut Client, name: &str) {
    client.select(name).await.expect("SELECT");
}

async fn delete(client: &mut Client, name: &str) {
    client.unselect().await.expect("UNSELECT");
    client.delete(name).await.expect("DELETE");
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ann <ann@mailwire.test>\r\nTo: Bob <bob@mailwire.test>\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}@mailwire.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn append_fetch_stream(security: Security) {
    let mut client = connect(security).await;
    let name = unique("stream", security);
    create(&mut client, &name).await;
    let messages: Vec<Vec<u8>> = (1..=3)
        .map(|n| {
            message(
                &format!("subject-{n}"),
                &format!("body {n} ").repeat(n * 10),
            )
        })
        .collect();
    let date = DateTime::new(Date::new(2026, 1, 2).unwrap(), 3, 4, 5, 0).unwrap();
    let mut uids = Vec::new();
    for (index, bytes) in messages.iter().enumerate() {
        let flags = if index == 0 { vec![Flag::Seen] } else { vec![] };
        let appended = client
            .append(&name, bytes, &AppendOptions::new().flags(flags).date(date))
            .await
            .expect("APPEND");
        // Dovecot has UIDPLUS: each APPEND says where the message went.
        assert!(appended.uid_validity.is_some());
        uids.push(appended.uid.expect("APPENDUID"));
    }
    select(&mut client, &name).await;

    let query = FetchQuery::new()
        .uid()
        .flags()
        .internal_date()
        .size()
        .envelope()
        .body_structure()
        .header_fields(&["Subject"])
        .unwrap()
        .body_partial(&[], 0, 10);
    let mut stream = client
        .fetch(&SequenceSet::range(1, 3), &query)
        .await
        .unwrap();
    let mut seen = 0;
    while let Some(fetched) = stream.next().await {
        let fetched = fetched.expect("a FETCH answer");
        let index = (fetched.seq - 1) as usize;
        let subject = format!("subject-{}", index + 1);
        assert_eq!(fetched.uid(), Some(uids[index]));
        assert_eq!(fetched.size(), Some(messages[index].len() as u64));
        assert_eq!(fetched.internal_date(), Some(&date));
        assert_eq!(
            fetched.flags().unwrap().contains(&Flag::Seen),
            index == 0,
            "{fetched:?}"
        );
        let envelope = fetched.envelope().expect("ENVELOPE");
        assert_eq!(
            envelope.subject.as_ref().unwrap().as_bytes(),
            subject.as_bytes()
        );
        assert!(fetched.body_structure().is_some());
        assert_eq!(
            fetched.header(),
            Some(format!("Subject: {subject}\r\n\r\n").as_bytes())
        );
        assert_eq!(fetched.body(&[]), Some(&messages[index][..10]));
        seen += 1;
    }
    assert_eq!(seen, 3);
    drop(stream);
    delete(&mut client, &name).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn append_three_then_fetch_them_as_a_stream_over_implicit_tls() {
    append_fetch_stream(Security::ImplicitTls).await;
}

#[tokio::test]
async fn append_three_then_fetch_them_as_a_stream_over_starttls() {
    append_fetch_stream(Security::StartTls).await;
}

async fn big_body(security: Security) {
    let mut client = connect(security).await;
    let name = unique("big", security);
    create(&mut client, &name).await;
    let mut bytes = message("big", "");
    let line = b"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuv\r\n";
    while bytes.len() < 5 * 1024 * 1024 {
        bytes.extend_from_slice(line);
    }
    let appended = client
        .append_from(&name, &bytes[..], bytes.len() as u64, &AppendOptions::new())
        .await
        .expect("APPEND of 5 MB");
    select(&mut client, &name).await;
    let uid = appended.uid.expect("APPENDUID");
    let mut out = Vec::new();
    let fetched = client
        .fetch_body_into(uid, &Section::default(), &mut out)
        .await
        .expect("FETCH of the body")
        .expect("the message exists");
    assert_eq!(fetched.written, bytes.len() as u64);
    assert!(
        out == bytes,
        "the fetched body differs from the appended one"
    );
    assert!(
        client.buffer_allocated() < 512 * 1024,
        "the read buffer grew to {}",
        client.buffer_allocated()
    );
    delete(&mut client, &name).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn a_5_mb_body_streamed_into_a_writer_is_byte_identical_over_implicit_tls() {
    big_body(Security::ImplicitTls).await;
}

#[tokio::test]
async fn a_5_mb_body_streamed_into_a_writer_is_byte_identical_over_starttls() {
    big_body(Security::StartTls).await;
}

async fn pipelined(security: Security) {
    let mut client = connect(security).await;
    let name = unique("pipelined", security);
    create(&mut client, &name).await;
    let mut uids = Vec::new();
    for n in 0..300 {
        let appended = client
            .append(
                &name,
                &message(&format!("m{n}"), "x"),
                &AppendOptions::new(),
            )
            .await
            .expect("APPEND");
        uids.push(appended.uid.expect("APPENDUID"));
    }
    select(&mut client, &name).await;
    let query = FetchQuery::new().uid().flags().size();
    let mut stream = client
        .uid_fetch_pipelined(&uids, &query, 50, 4)
        .await
        .expect("UID FETCH");
    let mut got = Vec::new();
    while let Some(fetched) = stream.next().await {
        got.push(fetched.expect("a FETCH answer").uid().expect("UID"));
    }
    drop(stream);
    got.sort_unstable();
    let mut want = uids.clone();
    want.sort_unstable();
    assert_eq!(got, want, "each UID exactly once");
    delete(&mut client, &name).await;
    client.logout().await.unwrap();
}

#[tokio::test]
async fn pipelined_uid_fetch_of_300_in_chunks_of_50_gives_each_once_over_implicit_tls() {
    pipelined(Security::ImplicitTls).await;
}

#[tokio::test]
async fn pipelined_uid_fetch_of_300_in_chunks_of_50_gives_each_once_over_starttls() {
    pipelined(Security::StartTls).await;
}
