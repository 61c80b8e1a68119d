//! IDLE against the real Dovecot of `scripts/test-servers`, in both TLS modes: a client
//! idles on user1's INBOX, a message to user1 goes through the real Postfix (submission,
//! STARTTLS), and the idling client hears of it (EXISTS) within two seconds of Postfix
//! accepting the DATA.
//!
//! INBOX is shared with other tests running at the same time: the test waits for an
//! EXISTS larger than the count at its start, not for an exact number.

// Only the real servers' settings: the rest of `support` needs the scripted server.
#[path = "support/servers.rs"]
mod servers;

use std::time::{Duration, Instant};

use mailwire::imap::{Event, Security};
use mailwire::message::{Mailbox, MessageBuilder};
use servers::{Servers, imap_login};

/// From DATA accepted to EXISTS seen, at most.
const PROMPT: Duration = Duration::from_secs(2);

/// The two delivery tests take turns, so that neither sees the other's message as its own.
static ONE_DELIVERY_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn send_to_user1(servers: &Servers, marker: &str) -> Instant {
    let message = MessageBuilder::new()
        .from(Mailbox::new(&servers.user1.address).unwrap())
        .to(Mailbox::new(&servers.user1.address).unwrap())
        .subject(&format!("IDLE test {marker}"))
        .text_body(&format!("Delivered while a client idles: {marker}"))
        .build()
        .expect("the test message builds");
    let mut smtp = servers
        .smtp(servers.submission_port, Security::StartTls)
        .connect()
        .await
        .expect("Postfix's submission port opens");
    smtp.send(&message)
        .await
        .expect("Postfix accepts the message");
    // `send` returns once the final reply to DATA is read: the message is accepted now.
    let accepted = Instant::now();
    smtp.quit().await.expect("QUIT is answered");
    accepted
}

async fn idle_hears_new_mail_within_two_seconds(security: Security) {
    let _turn = ONE_DELIVERY_AT_A_TIME.lock().await;
    let servers = Servers::get();
    let mut client = imap_login(&servers, security).await;
    let at_start = client.select("INBOX").await.expect("SELECT INBOX").exists;
    let (idling_tx, idling_rx) = tokio::sync::oneshot::channel();
    let watcher = tokio::spawn(async move {
        let seen = {
            let mut idle = client.idle().await.expect("IDLE starts");
            idling_tx.send(()).expect("the test waits for IDLE");
            let deadline = Instant::now() + Duration::from_secs(60);
            let seen = loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match idle.next_event(left).await.expect("IDLE goes on") {
                    Some(Event::Exists(n)) if n > at_start => break (Instant::now(), n),
                    Some(_) => {}
                    None => panic!("no EXISTS above {at_start} within 60 s"),
                }
            };
            idle.done().await.expect("DONE is answered");
            seen
        };
        assert!(client.is_usable());
        assert!(client.selected().is_some_and(|s| s.exists >= seen.1));
        client.logout().await.expect("LOGOUT");
        seen
    });
    idling_rx.await.expect("the IDLE task started IDLE");
    let marker = format!(
        "{:?}-{}-{}",
        security,
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let sending = Instant::now();
    let accepted = send_to_user1(&servers, &marker).await;
    let (seen_at, exists) = watcher.await.expect("the IDLE task ends well");
    // Heard after this test started sending: the EXISTS is for this message, not an older one.
    assert!(seen_at >= sending);
    let latency = seen_at.saturating_duration_since(accepted);
    eprintln!("{security:?}: EXISTS {exists} (was {at_start}) {latency:?} after DATA was accepted");
    assert!(
        latency < PROMPT,
        "EXISTS came {latency:?} after Postfix accepted the message"
    );
}

#[tokio::test]
async fn idle_over_implicit_tls_hears_mail_sent_through_postfix_within_two_seconds() {
    idle_hears_new_mail_within_two_seconds(Security::ImplicitTls).await;
}

#[tokio::test]
async fn idle_over_starttls_hears_mail_sent_through_postfix_within_two_seconds() {
    idle_hears_new_mail_within_two_seconds(Security::StartTls).await;
}

#[tokio::test]
async fn wait_for_changes_idles_on_dovecot_and_returns_nothing_when_nothing_changes() {
    let servers = Servers::get();
    let mut client = imap_login(&servers, Security::StartTls).await;
    let started = Instant::now();
    // No mailbox selected, so no other test's mail can wake it: Dovecot idles in the
    // authenticated state, has nothing to say, and answers DONE.
    let events = client
        .wait_for_changes(Duration::from_millis(200), Duration::from_millis(500))
        .await
        .expect("IDLE then DONE");
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert!(events.is_empty(), "{events:?}");
    assert!(client.is_usable());
    client.logout().await.expect("LOGOUT");
}
