//! The IMAP client's session against the scripted server: greetings (iCloud's among
//! them), every way to log in and to be refused, routing of unilateral data, deadlines and
//! cancelled commands. Each test is a transcript in and an expectation out. STARTTLS's
//! attacks and the other hostile peers are in `hostile_imap.rs`.

mod support;

use std::time::Duration;

use mailwire::imap::{Error, Event};
use mailwire::provider::ICLOUD;
use mailwire::testing::{Mode, Script, ScriptedServer};
use support::imap::{
    self, PASSWORD, builder, failed_login, finish, finish_lenient, hang_up, plain, with_login,
};

const ICLOUD_GREETING: &[u8] = b"* OK [CAPABILITY st11p00mm-iscream013 1Q8F XAPPLEPUSHSERVICE \
IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (1Q8F:1234) \
st11p00mm-iscream013 [4:1A2B3C]\r\n";
/// iCloud's capability line after login, with the space some captures end it with.
const ICLOUD_CAPABILITIES: &[u8] = b"* CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 CONDSTORE \
ENABLE QRESYNC QUOTA XAPPLELITERAL NAMESPACE UIDPLUS UNSELECT SORT ESEARCH ESORT CONTEXT=SORT \
WITHIN SASL-IR ID IDLE X-APPLE-REMOTE-LINKS LIST-STATUS \r\n";
/// A session already logged in (PREAUTH), for the tests of commands.
async fn preauth(then: impl FnOnce(Script) -> Script) -> (mailwire::imap::Client, ScriptedServer) {
    imap::preauth("IMAP4rev1 ENABLE QRESYNC CONDSTORE IDLE", then).await
}

#[tokio::test]
async fn icloud_greeting_with_odd_tokens_then_sasl_ir_plain_and_capabilities_after_login() {
    let script = Script::new(Mode::Plain)
        .send(ICLOUD_GREETING)
        .expect_exact(format!(
            "A1 AUTHENTICATE PLAIN {}",
            plain("name@icloud.com")
        ))
        .send(b"A1 OK user name authenticated\r\n")
        .expect_exact("A2 CAPABILITY")
        .send(ICLOUD_CAPABILITIES)
        .send(b"A2 OK CAPABILITY completed\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .connect()
        .await
        .unwrap();
    // After login the list is the one asked for then: the greeting's is forgotten.
    assert!(client.has_capability("IDLE"));
    assert!(client.has_capability("list-status"));
    assert!(!client.has_capability("AUTH=PLAIN"));
    assert!(!client.has_capability("st11p00mm-iscream013"));
    hang_up(client, server).await;
}

#[tokio::test]
async fn plain_without_sasl_ir_waits_for_the_continuation_and_redacts_the_response() {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let sink = log.clone();
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
        .expect_exact("A1 AUTHENTICATE PLAIN")
        .send(b"+ \r\n")
        .expect_exact(plain("user"))
        .send(b"A1 OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "user")
        .transcript(move |_: mailwire::imap::Direction, bytes: &[u8]| {
            sink.lock().unwrap().extend_from_slice(bytes)
        })
        .connect()
        .await
        .unwrap();
    // The tagged OK's list is taken as it is: no CAPABILITY command follows.
    assert!(client.has_capability("IDLE"));
    hang_up(client, server).await;
    let transcript = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(transcript.contains("<redacted>"), "{transcript}");
    assert!(!transcript.contains(&plain("user")), "{transcript}");
    assert!(!transcript.contains(PASSWORD), "{transcript}");
}

#[tokio::test]
async fn authenticationfailed_on_plain_then_login_succeeds() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n")
        .expect_prefix("A1 AUTHENTICATE PLAIN ")
        .send(b"A1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        .expect_exact(format!("A2 LOGIN user {PASSWORD}"))
        .send(b"A2 OK [CAPABILITY IMAP4rev1 MOVE] LOGIN completed\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "user").connect().await;
    let client = match client {
        Ok(c) => c,
        Err(e) => panic!("{e:?} {:?}", server.finish().await),
    };
    assert!(client.has_capability("MOVE"));
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_login_falls_back_to_the_name_part_of_the_address() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n")
        .expect_exact(format!(
            "A1 AUTHENTICATE PLAIN {}",
            plain("name@icloud.com")
        ))
        .send(b"A1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        .expect_exact(format!("A2 LOGIN name@icloud.com {PASSWORD}"))
        .send(b"A2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        .expect_exact(format!("A3 AUTHENTICATE PLAIN {}", plain("name")))
        .send(b"A3 OK [CAPABILITY IMAP4rev1 IDLE] authenticated\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .provider(Some(&ICLOUD))
        .connect()
        .await
        .unwrap();
    assert!(client.has_capability("IDLE"));
    hang_up(client, server).await;
}

#[tokio::test]
async fn logindisabled_without_a_usable_mechanism_sends_nothing() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=GSSAPI] ready\r\n")
        .read_until_close();
    let (error, server) = failed_login(script, "user", |builder| builder).await;
    match &error {
        Error::LoginDisabled { offered, .. } => assert_eq!(offered, &["GSSAPI".to_owned()]),
        other => panic!("{other:?}"),
    }
    let log = finish_lenient(server).await;
    assert_eq!(log.received_unredacted(), b"");
}

#[tokio::test]
async fn throttling_as_no_is_retryable_and_not_a_wrong_password() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] ready\r\n")
        .expect_prefix("A1 AUTHENTICATE PLAIN ")
        .send(b"A1 NO Service temporarily unavailable\r\n")
        .read_until_close();
    let (error, server) = failed_login(script, "user", |builder| builder).await;
    assert!(matches!(error, Error::Throttled { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(
        error.to_string().contains("not a wrong password"),
        "{error}"
    );
    // Throttling stops the login: no second attempt hammers a busy server.
    let log = finish_lenient(server).await;
    assert!(!log.received_text_unredacted().contains("LOGIN"));
}

#[tokio::test]
async fn throttling_as_bad_at_login_is_retryable_and_not_a_wrong_password() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_prefix("A1 LOGIN user ")
        .send(b"A1 BAD [UNAVAILABLE] Service temporarily unavailable\r\n");
    let (error, server) = failed_login(script, "user", |builder| builder).await;
    assert!(
        matches!(
            error,
            Error::Throttled {
                command: "LOGIN",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    finish(server).await;
}

#[tokio::test]
async fn a_wrong_icloud_password_is_a_credentials_error_with_the_app_password_hint() {
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1] ready\r\n")
        .expect_exact(format!("A1 LOGIN name@icloud.com {PASSWORD}"))
        .send(b"A1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n")
        .expect_exact(format!("A2 LOGIN name {PASSWORD}"))
        .send(b"A2 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    let transcript = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let sink = transcript.clone();
    let (error, server) = failed_login(script, "name@icloud.com", |builder| {
        builder.provider(Some(&ICLOUD)).transcript(
            move |_: mailwire::imap::Direction, bytes: &[u8]| {
                sink.lock().unwrap().extend_from_slice(bytes)
            },
        )
    })
    .await;
    let transcript = String::from_utf8_lossy(&transcript.lock().unwrap()).into_owned();
    assert!(
        transcript.contains("A2 LOGIN name <redacted>"),
        "{transcript}"
    );
    assert!(!transcript.contains(PASSWORD), "{transcript}");
    match &error {
        Error::WrongCredentials { users, hint, .. } => {
            assert_eq!(users, &["name@icloud.com".to_owned(), "name".to_owned()]);
            assert!(hint.is_some_and(|h| h.contains("app-specific password")));
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.is_retryable());
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("app-specific password"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    finish(server).await;
}

#[tokio::test]
async fn unilateral_exists_during_noop_reaches_the_events() {
    let (mut client, server) = preauth(|script| {
        script.expect_exact("A1 NOOP").send(
            b"* 4 EXISTS\r\n* 1 RECENT\r\n* 2 FETCH (FLAGS (\\Seen))\r\nA1 OK NOOP completed\r\n",
        )
    })
    .await;
    let events = client.noop().await.unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0], Event::Exists(4));
    assert_eq!(events[1], Event::Recent(1));
    assert!(
        matches!(&events[2], Event::Fetch { seq: 2, .. }),
        "{events:?}"
    );
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_cancelled_command_is_finished_before_the_next_gets_its_own_answer() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_exact("A1 NOOP")
            .stall(Duration::from_millis(300))
            .send(b"* 2 EXISTS\r\nA1 OK NOOP completed\r\n")
            .expect_exact("A2 CAPABILITY")
            .send(b"* CAPABILITY IMAP4rev1 X-SECOND\r\nA2 OK done\r\n")
    })
    .await;
    let cancelled = tokio::time::timeout(Duration::from_millis(100), client.noop()).await;
    assert!(cancelled.is_err(), "the NOOP should still be waiting");
    assert!(client.is_usable());
    client.refresh_capabilities().await.unwrap();
    assert!(client.has_capability("X-SECOND"));
    // The abandoned NOOP's unilateral data was kept.
    assert_eq!(client.take_events(), vec![Event::Exists(2)]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn enable_qresync_answered_without_enabled_is_not_counted_on() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_exact("A1 ENABLE QRESYNC")
            .send(b"A1 OK ENABLE completed\r\n")
            .expect_exact("A2 ENABLE CONDSTORE")
            .send(b"* ENABLED CONDSTORE\r\nA2 OK ENABLE completed\r\n")
    })
    .await;
    let enabled = client.enable(&["QRESYNC"]).await.unwrap();
    assert!(enabled.is_empty(), "{enabled:?}");
    assert!(!client.is_enabled("QRESYNC"));
    let enabled = client.enable(&["CONDSTORE"]).await.unwrap();
    assert_eq!(enabled.len(), 1, "{enabled:?}");
    assert!(client.is_enabled("CONDSTORE"));
    assert!(!client.is_enabled("QRESYNC"));
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_bye_during_a_command_is_reported_and_the_client_is_unusable_after() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_exact("A1 NOOP")
            .send(b"* BYE server shutting down\r\n")
            .close()
    })
    .await;
    let error = client.noop().await.unwrap_err();
    assert!(
        matches!(&error, Error::Bye { text, .. } if text == "server shutting down"),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(matches!(client.noop().await, Err(Error::Unusable { .. })));
    assert_eq!(
        client.take_events(),
        vec![Event::Bye("server shutting down".into())]
    );
    drop(client);
    finish_lenient(server).await;
}

#[tokio::test]
async fn logout_reads_bye_and_ok() {
    let (client, server) = preauth(|script| {
        script
            .expect_exact("A1 LOGOUT")
            .send(b"* BYE Logging out\r\nA1 OK Logout completed\r\n")
            .read_until_close()
    })
    .await;
    let events = client.logout().await.unwrap();
    assert!(events.is_empty(), "{events:?}");
    let log = finish(server).await;
    assert!(log.client_closed);
}

#[tokio::test]
async fn a_large_literal_in_unsolicited_data_is_collected_and_reaches_the_events_whole() {
    let body = vec![b'y'; 150_000];
    let mut answer = b"* 1 FETCH (BODY[] {150000}\r\n".to_vec();
    answer.extend_from_slice(&body);
    answer.extend_from_slice(b")\r\nA1 OK NOOP completed\r\n");
    let (mut client, server) = preauth(|script| script.expect_exact("A1 NOOP").send(answer)).await;
    let events = client.noop().await.unwrap();
    let [Event::Fetch { seq: 1, items }] = &events[..] else {
        panic!("{events:?}");
    };
    let mailwire::imap::codec::types::FetchItem::BodySection {
        data: Some(data), ..
    } = &items[0]
    else {
        panic!("{items:?}");
    };
    assert_eq!(data.as_bytes(), &body[..]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_command_cancelled_while_its_literal_waits_for_the_go_ahead_leaves_the_client_unusable() {
    let (mut client, server) = preauth(|script| {
        // An 8-bit value goes out as a synchronising literal; the server never says `+`.
        script
            .expect_line(|line| line.starts_with(b"A1 ID ("))
            .read_until_close()
    })
    .await;
    let fields = [("name".to_owned(), "Entwürfe".to_owned())];
    let cancelled = tokio::time::timeout(Duration::from_millis(200), client.id(&fields)).await;
    assert!(cancelled.is_err());
    assert!(!client.is_usable());
    let error = client.noop().await.unwrap_err();
    assert!(
        matches!(&error, Error::Unusable { reason, .. } if reason.contains("ID")),
        "{error:?}"
    );
    drop(client);
    let log = finish_lenient(server).await;
    assert!(!log.received_text_unredacted().contains("NOOP"));
}

#[tokio::test]
async fn a_refusal_instead_of_the_literal_go_ahead_ends_the_command_and_the_literal_is_not_sent() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_line(|line| line.starts_with(b"A1 ID (") && line.ends_with(b"{9}"))
            .send(b"A1 NO [LIMIT] no literals today\r\n")
            .expect_exact("A2 NOOP")
            .send(b"A2 OK NOOP completed\r\n")
    })
    .await;
    let fields = [("name".to_owned(), "Entwürfe".to_owned())];
    let error = client.id(&fields).await.unwrap_err();
    assert!(
        matches!(&error, Error::No { command: "ID", text, .. } if text == "no literals today"),
        "{error:?}"
    );
    assert!(client.is_usable());
    client.noop().await.unwrap();
    let log = hang_up(client, server).await;
    assert!(!log.received_text_unredacted().contains("Entwürfe"));
}

#[tokio::test]
async fn status_responses_without_text_and_alerts_become_events() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_exact("A1 NOOP")
            .send(b"* OK [UIDNEXT 5]\r\n* OK [ALERT] Mailbox almost full\r\n* NO\r\nA1 OK\r\n")
    })
    .await;
    let events = client.noop().await.unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(
        matches!(&events[0], Event::Status(status) if status.text.as_bytes().is_empty()),
        "{events:?}"
    );
    assert_eq!(events[1], Event::Alert("Mailbox almost full".into()));
    assert!(matches!(&events[2], Event::Status(_)), "{events:?}");
    hang_up(client, server).await;
}
