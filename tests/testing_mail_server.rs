//! `MailServer`: SMTP submission and IMAP over one store, driven by mailwire's own clients
//! and by raw transcripts where a client would refuse to misbehave.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mailwire::imap::codec::types::{Flag, SequenceSet};
use mailwire::imap::{self, Event, FetchQuery, FlagChange};
use mailwire::message::{Mailbox, Message, MessageBuilder};
use mailwire::net::{ConnectOptions, Connection, TlsConfig};
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::{self, ClientBuilder};
use mailwire::testing::mail::{MailServer, MailServerConfig, ServerMode, StoreLimits};

const BOB: &str = "bob@mail.test";
const BOB_PASSWORD: &str = "bob-password";
const CAROL: &str = "carol@mail.test";
const CAROL_PASSWORD: &str = "carol-password";

async fn start(mode: ServerMode) -> MailServer {
    MailServer::start(
        MailServerConfig::new()
            .with_mode(mode)
            .with_user(BOB, BOB_PASSWORD)
            .with_user(CAROL, CAROL_PASSWORD),
    )
    .await
    .unwrap()
}

fn tls(server: &MailServer) -> TlsConfig {
    TlsConfig::custom(server.client_tls().expect("a generated CA"))
}

fn message(from: &str, to: &str, subject: &str) -> Message {
    MessageBuilder::new()
        .from(Mailbox::new(from).unwrap())
        .to(Mailbox::new(to).unwrap())
        .subject(subject)
        .text_body("Hello,\n.\na line with only a dot, and one with ünïcödé.\n")
        .build()
        .unwrap()
}

/// An SMTP client logged in on `port` with `security`.
async fn smtp_client(
    server: &MailServer,
    port: u16,
    security: Security,
    user: &str,
    password: &str,
) -> Result<smtp::Client, smtp::Error> {
    ClientBuilder::new("localhost", port)
        .security(security)
        .tls(tls(server))
        .credentials(Credentials::new(user, password).unwrap())
        .connect()
        .await
}

async fn imap_client(
    server: &MailServer,
    port: u16,
    security: Security,
    user: &str,
    password: &str,
) -> Result<imap::Client, imap::Error> {
    imap::ClientBuilder::new("localhost", port)
        .security(security)
        .tls(tls(server))
        .credentials(Credentials::new(user, password).unwrap())
        .connect()
        .await
}

/// SMTP submission with STARTTLS and AUTH, as a mail app sends.
async fn submission(
    server: &MailServer,
    user: &str,
    password: &str,
) -> Result<smtp::Client, smtp::Error> {
    let port = server.smtp_submission_addr().port();
    smtp_client(server, port, Security::StartTls, user, password).await
}

/// IMAP over implicit TLS, logged in, as a mail app reads.
async fn imaps(
    server: &MailServer,
    user: &str,
    password: &str,
) -> Result<imap::Client, imap::Error> {
    let port = server.imap_tls_addr().port();
    imap_client(server, port, Security::ImplicitTls, user, password).await
}

/// Every message of `mailbox`, by UID: (uid, flags, bytes).
async fn fetch_all(
    client: &mut imap::Client,
    mailbox: &str,
) -> Vec<(u32, Vec<Flag<'static>>, Vec<u8>)> {
    let state = client.select(mailbox).await.unwrap();
    if state.exists == 0 {
        return Vec::new();
    }
    let fetched = client
        .uid_fetch(
            &SequenceSet::range(1, u32::MAX),
            &FetchQuery::new().uid().flags().body(&[]),
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    fetched
        .iter()
        .map(|message| {
            (
                message.uid().unwrap(),
                message.flags().unwrap_or_default().to_vec(),
                message.body(&[]).unwrap().to_vec(),
            )
        })
        .collect()
}

/// Reads one SMTP reply (all its lines) and returns it as lines.
async fn smtp_reply(connection: &mut Connection) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let line = String::from_utf8(connection.read_line().await.unwrap()).unwrap();
        let last = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line);
        if last {
            return lines;
        }
    }
}

async fn smtp_says(connection: &mut Connection, command: &str) -> Vec<String> {
    connection
        .write_all(format!("{command}\r\n").as_bytes())
        .await
        .unwrap();
    smtp_reply(connection).await
}

/// Sends `command` and expects the one-line `reply`.
async fn says(connection: &mut Connection, command: &str, reply: &str) {
    assert_eq!(smtp_says(connection, command).await, [reply], "{command}");
}

#[tokio::test]
async fn generated_certificates_serve_tls_on_all_four_ports() {
    let server = start(ServerMode::Rfc).await;
    assert!(
        server
            .ca_pem()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let options = ConnectOptions::default().with_tls(tls(&server));
    let mut smtps = Connection::connect_tls("localhost", server.smtp_tls_addr().port(), &options)
        .await
        .unwrap();
    assert!(
        smtps
            .read_line()
            .await
            .unwrap()
            .starts_with(b"220 localhost")
    );
    let mut imaps = Connection::connect_tls("127.0.0.1", server.imap_tls_addr().port(), &options)
        .await
        .unwrap();
    assert!(imaps.read_line().await.unwrap().starts_with(b"* OK"));

    let mut submission =
        Connection::connect("localhost", server.smtp_submission_addr().port(), &options)
            .await
            .unwrap();
    assert!(smtp_reply(&mut submission).await[0].starts_with("220 "));
    let ehlo = smtp_says(&mut submission, "EHLO c").await;
    assert!(
        ehlo.iter().any(|line| line.get(4..) == Some("STARTTLS")),
        "{ehlo:?}"
    );
    says(&mut submission, "STARTTLS", "220 2.0.0 Ready to start TLS").await;
    submission.upgrade().await.unwrap();
    assert!(submission.is_tls());

    let mut imap = Connection::connect("localhost", server.imap_starttls_addr().port(), &options)
        .await
        .unwrap();
    let greeting = String::from_utf8(imap.read_line().await.unwrap()).unwrap();
    assert!(greeting.contains("STARTTLS"), "{greeting}");
    imap.write_all(b"a STARTTLS\r\n").await.unwrap();
    assert!(imap.read_line().await.unwrap().starts_with(b"a OK"));
    imap.upgrade().await.unwrap();
    assert!(imap.is_tls());
    server.shutdown().await;
}

#[tokio::test]
async fn mail_submitted_on_both_smtp_ports_is_read_back_over_both_imap_ports() {
    let server = start(ServerMode::Rfc).await;
    let first = message(BOB, CAROL, "over submission");
    let second = message(BOB, CAROL, "over implicit TLS");
    let mut smtp = submission(&server, BOB, BOB_PASSWORD).await.unwrap();
    smtp.send(&first).await.unwrap();
    smtp.quit().await.unwrap();
    let mut smtp = smtp_client(
        &server,
        server.smtp_tls_addr().port(),
        Security::ImplicitTls,
        BOB,
        BOB_PASSWORD,
    )
    .await
    .unwrap();
    smtp.send(&second).await.unwrap();
    smtp.quit().await.unwrap();

    for (port, security) in [
        (server.imap_tls_addr().port(), Security::ImplicitTls),
        (server.imap_starttls_addr().port(), Security::StartTls),
    ] {
        let mut imap = imap_client(&server, port, security, CAROL, CAROL_PASSWORD)
            .await
            .unwrap();
        let inbox = fetch_all(&mut imap, "INBOX").await;
        assert_eq!(inbox.len(), 2, "{security:?}");
        assert_eq!(inbox[0].2, first.as_bytes(), "{security:?}");
        assert_eq!(inbox[1].2, second.as_bytes(), "{security:?}");
        assert!(inbox[1].0 > inbox[0].0, "UIDs grow");
        imap.logout().await.unwrap();
    }
    // An RFC server files no copy: that is the client's job there.
    let mut bob = imaps(&server, BOB, BOB_PASSWORD).await.unwrap();
    assert!(fetch_all(&mut bob, "Sent").await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn icloud_mode_files_a_read_copy_in_the_senders_sent_messages() {
    let server = start(ServerMode::Icloud).await;
    let sent = message(BOB, CAROL, "filed by the server");
    let mut smtp = submission(&server, BOB, BOB_PASSWORD).await.unwrap();
    smtp.send(&sent).await.unwrap();
    smtp.quit().await.unwrap();

    let mut bob = imaps(&server, BOB, BOB_PASSWORD).await.unwrap();
    let copies = fetch_all(&mut bob, "Sent Messages").await;
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].1, [Flag::Seen]);
    assert_eq!(copies[0].2, sent.as_bytes());
    assert!(fetch_all(&mut bob, "INBOX").await.is_empty());
    let mut carol = imaps(&server, CAROL, CAROL_PASSWORD).await.unwrap();
    let inbox = fetch_all(&mut carol, "INBOX").await;
    assert_eq!(inbox.len(), 1);
    assert!(inbox[0].1.is_empty(), "delivered mail is unread");
    server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_by_both_protocols() {
    let server = start(ServerMode::Rfc).await;
    let smtp = submission(&server, BOB, "not-the-password").await;
    match smtp {
        Err(smtp::Error::AuthFailed { reply, .. }) => {
            assert_eq!(
                reply.to_string(),
                "535 5.7.8 Authentication credentials invalid"
            );
        }
        other => panic!("SMTP took a wrong password: {:?}", other.err()),
    }
    let imap = imaps(&server, BOB, "not-the-password").await;
    assert!(
        matches!(imap, Err(imap::Error::WrongCredentials { .. })),
        "IMAP: {:?}",
        imap.err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn smtp_submission_refuses_auth_and_mail_before_starttls() {
    let server = start(ServerMode::Rfc).await;
    let mut connection = Connection::connect(
        "127.0.0.1",
        server.smtp_submission_addr().port(),
        &ConnectOptions::default(),
    )
    .await
    .unwrap();
    smtp_reply(&mut connection).await;
    let ehlo = smtp_says(&mut connection, "EHLO client.test").await;
    assert!(
        !ehlo.iter().any(|line| line.contains("AUTH")),
        "AUTH offered in clear: {ehlo:?}"
    );
    let plain = STANDARD.encode(format!("\0{BOB}\0{BOB_PASSWORD}"));
    says(
        &mut connection,
        &format!("AUTH PLAIN {plain}"),
        "530 5.7.0 Must issue a STARTTLS command first",
    )
    .await;
    says(
        &mut connection,
        "MAIL FROM:<bob@mail.test>",
        "530 5.7.0 Must issue a STARTTLS command first",
    )
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused_at_mail_size_and_at_data() {
    let server = MailServer::start(
        MailServerConfig::new()
            .with_user(BOB, BOB_PASSWORD)
            .with_store_limits(StoreLimits::default().with_message_size(2000)),
    )
    .await
    .unwrap();
    let options = ConnectOptions::default().with_tls(tls(&server));
    let mut connection =
        Connection::connect_tls("localhost", server.smtp_tls_addr().port(), &options)
            .await
            .unwrap();
    smtp_reply(&mut connection).await;
    let ehlo = smtp_says(&mut connection, "EHLO client.test").await;
    assert!(ehlo.contains(&"250-SIZE 2000".to_owned()), "{ehlo:?}");
    let plain = STANDARD.encode(format!("\0{BOB}\0{BOB_PASSWORD}"));
    says(
        &mut connection,
        &format!("AUTH PLAIN {plain}"),
        "235 2.7.0 Authentication successful",
    )
    .await;
    says(
        &mut connection,
        "MAIL FROM:<bob@mail.test> SIZE=2001",
        "552 5.3.4 Message size exceeds fixed limit",
    )
    .await;
    says(&mut connection, "MAIL FROM:<bob@mail.test>", "250 2.1.0 Ok").await;
    says(&mut connection, "RCPT TO:<bob@mail.test>", "250 2.1.5 Ok").await;
    says(
        &mut connection,
        "DATA",
        "354 End data with <CR><LF>.<CR><LF>",
    )
    .await;
    let big = format!("Subject: big\r\n\r\n{}\r\n", "x".repeat(2100));
    says(
        &mut connection,
        &format!("{big}."),
        "552 5.3.4 Error: message size exceeds fixed maximum message size",
    )
    .await;
    // The session goes on, and a message within the limit still goes through.
    says(
        &mut connection,
        "MAIL FROM:<bob@mail.test> SIZE=30",
        "250 2.1.0 Ok",
    )
    .await;
    says(&mut connection, "RCPT TO:<bob@mail.test>", "250 2.1.5 Ok").await;
    says(
        &mut connection,
        "DATA",
        "354 End data with <CR><LF>.<CR><LF>",
    )
    .await;
    says(
        &mut connection,
        "Subject: small\r\n\r\nok\r\n.",
        "250 2.0.0 Ok: queued as 1",
    )
    .await;
    let inbox = server.store().messages(BOB, "INBOX").unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].data, b"Subject: small\r\n\r\nok\r\n");
    server.shutdown().await;
}

#[tokio::test]
async fn two_imap_clients_see_each_others_changes() {
    let server = start(ServerMode::Rfc).await;
    for n in 0..2 {
        server
            .store()
            .deliver(
                BOB,
                "INBOX",
                format!("Subject: {n}\r\n\r\nx\r\n").as_bytes(),
            )
            .unwrap();
    }
    let mut one = imaps(&server, BOB, BOB_PASSWORD).await.unwrap();
    let mut two = imaps(&server, BOB, BOB_PASSWORD).await.unwrap();
    one.select("INBOX").await.unwrap();
    two.select("INBOX").await.unwrap();

    one.store(
        &SequenceSet::single(1),
        FlagChange::add(vec![Flag::Flagged]),
    )
    .await
    .unwrap();
    let events = two.noop().await.unwrap();
    let flagged = events.iter().any(|event| match event {
        Event::Fetch { seq: 1, items } => format!("{items:?}").contains("Flagged"),
        _ => false,
    });
    assert!(flagged, "the other session's STORE is not seen: {events:?}");

    two.store(
        &SequenceSet::single(2),
        FlagChange::add(vec![Flag::Deleted]),
    )
    .await
    .unwrap();
    two.expunge().await.unwrap();
    let events = one.noop().await.unwrap();
    assert!(
        events.contains(&Event::Expunge(2)),
        "the other session's EXPUNGE is not seen: {events:?}"
    );
    assert_eq!(one.selected().unwrap().exists, 1);
    server.shutdown().await;
}

#[tokio::test]
async fn idle_sees_an_smtp_delivery_within_a_second() {
    for mode in [ServerMode::Rfc, ServerMode::Icloud] {
        let server = start(mode).await;
        let mut imap = imaps(&server, CAROL, CAROL_PASSWORD).await.unwrap();
        imap.select("INBOX").await.unwrap();
        let mut smtp = submission(&server, BOB, BOB_PASSWORD).await.unwrap();
        let mut idle = imap.idle().await.unwrap();
        let sent = message(BOB, CAROL, "pushed");
        let started = Instant::now();
        let (report, event) = tokio::join!(smtp.send(&sent), async {
            loop {
                match idle.next_event(Duration::from_secs(5)).await.unwrap() {
                    Some(Event::Exists(n)) => return Some((n, started.elapsed())),
                    Some(_) => {}
                    None => return None,
                }
            }
        });
        report.unwrap();
        let (exists, latency) = event.expect("EXISTS arrives in IDLE");
        println!("{mode:?}: IDLE saw * {exists} EXISTS {latency:?} after the SMTP send began");
        assert_eq!(exists, 1);
        assert!(latency < Duration::from_secs(1), "{latency:?}");
        idle.done().await.unwrap();
        smtp.quit().await.unwrap();
        imap.logout().await.unwrap();
        server.shutdown().await;
    }
}

#[tokio::test]
async fn accounts_are_shown_without_their_passwords() {
    let config = MailServerConfig::new().with_user(BOB, BOB_PASSWORD);
    assert!(!format!("{config:?}").contains(BOB_PASSWORD));
    let server = MailServer::start(config).await.unwrap();
    let shown = format!("{server:?}");
    assert!(shown.contains(BOB), "{shown}");
    assert!(!shown.contains(BOB_PASSWORD), "{shown}");
    assert_eq!(server.users(), [(BOB.to_owned(), BOB_PASSWORD.to_owned())]);
    server.shutdown().await;
}

#[tokio::test]
async fn a_refused_account_or_a_taken_port_is_an_error_not_a_half_started_server() {
    let error = MailServer::start(MailServerConfig::new().with_user("a\r\nb", "pw"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("CR, LF or NUL"), "{error}");

    // The third of four ports taken: the two SMTP listeners already bound are let go.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = taken.local_addr().unwrap().port() - 2;
    for port in [base, base + 1] {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            eprintln!("SKIPPED the half-start check: port {port} is in use by another program");
            return;
        }
    }
    let error = MailServer::start(MailServerConfig::new().with_base_port(base))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
    for port in [base, base + 1] {
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "port {port} is still held after the failed start"
        );
    }
}

#[tokio::test]
async fn a_base_port_gives_four_consecutive_ports_in_the_printed_order() {
    // Ports the system just handed out, then let go: free unless something raced us.
    for _ in 0..10 {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > u16::MAX - 4 {
            continue;
        }
        let Ok(server) = MailServer::start(MailServerConfig::new().with_base_port(base)).await
        else {
            continue;
        };
        assert_eq!(
            [
                server.smtp_submission_addr().port(),
                server.smtp_tls_addr().port(),
                server.imap_tls_addr().port(),
                server.imap_starttls_addr().port(),
            ],
            [base, base + 1, base + 2, base + 3]
        );
        server.shutdown().await;
        return;
    }
    panic!("no four consecutive free ports found in ten tries");
}
