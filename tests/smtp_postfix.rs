//! SMTP submission against the real Postfix of `scripts/test-servers`, delivering through
//! Dovecot's LMTP into the recipient's Maildir.

// Only the real servers' settings: the rest of `support` needs the `testing` feature,
// and this file needs nothing but the client.
#[path = "support/servers.rs"]
mod servers;

use std::time::Duration;

use mailwire::message::{Attachment, Mailbox, Message, MessageBuilder};
use mailwire::net::{Direction, TlsConfig, TranscriptLog};
use mailwire::sasl::{Credentials, Mechanism};
use mailwire::security::Security;
use mailwire::smtp::{ClientBuilder, Envelope, Error};
use servers::{Servers, assert_delivered_intact, sent_text, wait_for_mail, wait_for_mails};

const DELIVERY: Duration = Duration::from_secs(60);

/// `builder` keeping every byte both ways, in order, chunk by chunk.
fn with_log(builder: ClientBuilder) -> (ClientBuilder, TranscriptLog) {
    let log = TranscriptLog::new();
    (builder.transcript(log.clone()), log)
}

fn unique(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{tag}-{nanos}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn message_to_user2(servers: &Servers, subject: &str, body: &str) -> Message {
    MessageBuilder::new()
        .from(Mailbox::new(&servers.user1.address).unwrap())
        .to(Mailbox::with_name("Bob Test", &servers.user2.address).unwrap())
        .subject(subject)
        .text_body(body)
        .build()
        .expect("the test message builds")
}

#[tokio::test]
async fn starttls_with_auth_plain_delivers_a_non_ascii_message_with_dot_lines_intact() {
    let servers = Servers::get();
    let marker = unique("plain");
    let body =
        format!("Grüße aus Zürich — {marker}\n.leading dot\n.\n..two dots\nlast line without end");
    let message = message_to_user2(&servers, &format!("Ünïcödé subject ✓ {marker}"), &body);
    let (builder, log) = with_log(
        servers
            .smtp(servers.submission_port, Security::StartTls)
            .mechanisms([Mechanism::Plain]),
    );
    let mut client = builder.connect().await.expect("STARTTLS session opens");
    assert!(client.is_tls());
    assert!(client.capabilities().supports_auth("PLAIN"));
    let report = client
        .send(&message)
        .await
        .expect("Postfix accepts the message");
    assert_eq!(report.accepted, vec![servers.user2.address.clone()]);
    assert_eq!(report.reply.code.get(), 250);
    client.quit().await.expect("QUIT is answered");

    let stored = wait_for_mail(&servers.user2.maildir, message.message_id(), DELIVERY);
    assert_delivered_intact(&stored, message.as_bytes());
    assert!(sent_text(&log).contains("AUTH PLAIN <redacted>"));
    assert!(!sent_text(&log).contains(&servers.user1.password));
}

#[tokio::test]
async fn starttls_with_auth_login_normalises_bare_cr_and_lf_in_a_raw_message() {
    let servers = Servers::get();
    let marker = unique("login");
    let raw = format!(
        "From: <{from}>\nTo: <{to}>\r\nSubject: raw {marker}\rMessage-ID: <{marker}@mailwire.test>\nDate: Wed, 25 Nov 2026 10:00:00 +0000\n\n\
         bare LF line\nbare CR line\rCRLF line\r\n.\n.dot first\r\n..\nend",
        from = servers.user1.address,
        to = servers.user2.address
    );
    let (builder, log) = with_log(
        servers
            .smtp(servers.submission_port, Security::StartTls)
            .mechanisms([Mechanism::Login]),
    );
    let mut client = builder.connect().await.expect("STARTTLS session opens");
    let envelope = Envelope::new(
        servers.user1.address.clone(),
        [servers.user2.address.clone()],
    );
    client
        .send_raw(&envelope, raw.as_bytes())
        .await
        .expect("Postfix accepts the raw message");
    client.quit().await.unwrap();

    let expected = raw
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
        + "\r\n";
    let stored = wait_for_mail(&servers.user2.maildir, &format!("raw {marker}"), DELIVERY);
    assert_delivered_intact(&stored, expected.as_bytes());
    let sent = sent_text(&log);
    assert!(sent.contains("AUTH LOGIN\r\n"), "{sent}");
    assert!(!sent.contains("AUTH PLAIN"), "{sent}");
    assert!(
        sent.contains("\r\n..dot first\r\n...\r\n"),
        "dot-stuffing on the wire: {sent}"
    );
}

#[tokio::test]
async fn implicit_tls_delivers_a_five_megabyte_attachment_intact() {
    let servers = Servers::get();
    let marker = unique("attach");
    let data: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let message = MessageBuilder::new()
        .from(Mailbox::new(&servers.user1.address).unwrap())
        .to(Mailbox::new(&servers.user2.address).unwrap())
        .subject(&format!("attachment {marker}"))
        .text_body("five megabytes attached")
        .attach(Attachment::new("random.bin", "application/octet-stream", data).unwrap())
        .build()
        .unwrap();
    let mut client = servers
        .smtp(servers.submissions_port, Security::ImplicitTls)
        .connect()
        .await
        .expect("implicit TLS session opens");
    assert!(client.is_tls());
    let report = client.send(&message).await.expect("Postfix accepts 5 MB");
    assert!(report.size > 5 * 1024 * 1024);
    client.quit().await.unwrap();
    let stored = wait_for_mail(&servers.user2.maildir, message.message_id(), DELIVERY);
    assert_delivered_intact(&stored, message.as_bytes());
}

#[tokio::test]
async fn a_wrong_password_is_the_typed_auth_error() {
    let servers = Servers::get();
    let result = ClientBuilder::new(servers.tls_name.clone(), servers.submission_port)
        .tls(TlsConfig::only_roots_pem(&servers.ca_pem).unwrap())
        .credentials(Credentials::new(servers.user1.address.clone(), "wrong password").unwrap())
        .connect()
        .await;
    match result {
        Err(Error::AuthFailed { reply, hint, .. }) => {
            assert_eq!(reply.code.get(), 535);
            assert_eq!(hint, None, "no iCloud hint for a loopback server");
        }
        other => panic!("expected AuthFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_but_ehlo_and_starttls_goes_out_before_tls() {
    let servers = Servers::get();
    let marker = unique("order");
    let message = message_to_user2(&servers, &format!("order {marker}"), "checking the order");
    let (builder, log) = with_log(servers.smtp(servers.submission_port, Security::StartTls));
    let mut client = builder.connect().await.unwrap();
    client.send(&message).await.unwrap();
    client.quit().await.unwrap();

    let sent = sent_text(&log);
    let (before_tls, after_tls) = sent.split_once("STARTTLS\r\n").expect("STARTTLS was sent");
    assert!(before_tls.starts_with("EHLO "), "{before_tls:?}");
    assert_eq!(
        before_tls.matches("\r\n").count(),
        1,
        "only EHLO before STARTTLS: {before_tls:?}"
    );
    for forbidden in ["AUTH", "MAIL FROM", "RCPT TO", "DATA"] {
        assert!(
            !before_tls.contains(forbidden),
            "{forbidden} before TLS: {before_tls:?}"
        );
        assert!(
            after_tls.contains(forbidden),
            "{forbidden} missing after TLS"
        );
    }
    // The capabilities used after TLS are the ones advertised after TLS (AUTH appears
    // only there on Postfix).
    let received = log.bytes(Direction::Received);
    let received = String::from_utf8_lossy(&received);
    let first_ehlo = received.split("220 2.0.0").next().unwrap();
    assert!(
        !first_ehlo.contains("AUTH"),
        "Postfix offers AUTH only after TLS"
    );
    wait_for_mail(&servers.user2.maildir, message.message_id(), DELIVERY);
}

#[tokio::test]
async fn plaintext_to_a_tls_only_port_sends_no_credentials_and_no_mail() {
    let servers = Servers::get();
    let (builder, log) = with_log(servers.smtp(servers.submission_port, Security::Plaintext));
    match builder.connect().await {
        Err(Error::AuthNotOffered { .. }) => {}
        other => panic!("expected AuthNotOffered before TLS, got {other:?}"),
    }
    let sent = sent_text(&log);
    assert!(!sent.contains("AUTH") && !sent.contains("MAIL"), "{sent}");
}

#[tokio::test]
async fn explicit_plaintext_works_where_the_server_allows_it() {
    let servers = Servers::get();
    let marker = unique("plaintext");
    let message = message_to_user2(
        &servers,
        &format!("plaintext {marker}"),
        "in clear, on loopback",
    );
    let mut client = servers
        .smtp(servers.smtp_plain_port, Security::Plaintext)
        .connect()
        .await
        .expect("plaintext session with AUTH opens");
    assert!(!client.is_tls());
    client.send(&message).await.unwrap();
    client.quit().await.unwrap();
    let stored = wait_for_mail(&servers.user2.maildir, message.message_id(), DELIVERY);
    assert_delivered_intact(&stored, message.as_bytes());
}

#[tokio::test]
async fn a_hundred_messages_pipelined_on_one_connection_all_arrive_intact() {
    let servers = Servers::get();
    let batch = unique("batch");
    let messages: Vec<Message> = (0..100)
        .map(|n| {
            message_to_user2(
                &servers,
                &format!("{batch} #{n}"),
                &format!("message {n} of the batch {batch}\n.dot line {n}\n"),
            )
        })
        .collect();
    let (builder, log) = with_log(servers.smtp(servers.submission_port, Security::StartTls));
    let mut client = builder.connect().await.unwrap();
    assert!(
        client.capabilities().pipelining,
        "Postfix offers PIPELINING"
    );
    for message in &messages {
        client
            .send(message)
            .await
            .expect("each message is accepted");
    }
    client.quit().await.unwrap();

    // Pipelining means MAIL FROM and RCPT TO left in the same write.
    let pipelined_writes = log
        .entries()
        .iter()
        .filter(|(d, b)| {
            matches!(d, Direction::Sent) && {
                let text = String::from_utf8_lossy(b);
                text.contains("MAIL FROM:") && text.contains("RCPT TO:")
            }
        })
        .count();
    assert_eq!(pipelined_writes, 100);

    let ids: Vec<&str> = messages.iter().map(|m| m.message_id()).collect();
    let stored = wait_for_mails(&servers.user2.maildir, &ids, Duration::from_secs(120));
    for (message, (_, bytes)) in messages.iter().zip(stored) {
        assert_delivered_intact(&bytes, message.as_bytes());
    }
}

#[tokio::test]
async fn a_message_over_the_servers_size_is_refused_before_sending() {
    let servers = Servers::get();
    let (builder, log) = with_log(servers.smtp(servers.submission_port, Security::StartTls));
    let mut client = builder.connect().await.unwrap();
    let limit = client.capabilities().size.expect("Postfix advertises SIZE");
    let body = vec![b'x'; 100].into_iter().chain(*b"\r\n").cycle();
    let huge: Vec<u8> = b"Subject: too big\r\n\r\n"
        .iter()
        .copied()
        .chain(body.take(limit as usize + 1000))
        .collect();
    let envelope = Envelope::new(
        servers.user1.address.clone(),
        [servers.user2.address.clone()],
    );
    match client.send_raw(&envelope, &huge).await {
        Err(Error::MessageTooLarge { limit: l, .. }) => assert_eq!(l, limit),
        other => panic!("expected MessageTooLarge, got {other:?}"),
    }
    assert!(
        !sent_text(&log).contains("MAIL FROM"),
        "nothing of the transaction was sent"
    );
    // The session is still good for the next message.
    client
        .noop()
        .await
        .expect("the session survives the refusal");
    client.quit().await.unwrap();
}
