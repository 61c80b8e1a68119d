//! The SMTP client against servers that refuse or bargain (the scripted server): refused
//! greetings and recipients, a 421 mid-transaction, partial delivery, pipelined replies,
//! SASL exchanges the server will not end, and secrets kept out of every Debug, Display,
//! error and transcript. The hostile-peer classes (STARTTLS stripping, injection,
//! certificates, exhaustion, truncation, stalls, malformed replies, CR/LF/NUL in
//! arguments) are in `hostile_smtp.rs`.

mod support;

use std::sync::Arc;
use std::time::Duration;

use mailwire::net::TlsConfig;
use mailwire::sasl::{Credentials, Mechanism};
use mailwire::security::Security;
use mailwire::smtp::{ClientBuilder, Envelope, Error, Phase, PhaseTimeouts};
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use support::certs::TestCa;

const PASSWORD: &str = "s3cret-app-password";
const GREETING: &[u8] = b"220 mx.test ESMTP\r\n";
const EHLO_BEFORE_TLS: &[u8] = b"250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n\
250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
const EHLO_AFTER_TLS: &[u8] = b"250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n\
250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";
const EHLO_PLAIN: &[u8] = b"250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";

fn credentials() -> Credentials {
    Credentials::new("user@mx.test", PASSWORD).unwrap()
}

fn client(port: u16, security: Security, ca: &TestCa) -> ClientBuilder {
    ClientBuilder::new("localhost", port)
        .security(security)
        .tls(TlsConfig::only_roots_pem(ca.pem().as_bytes()).unwrap())
        .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
        .credentials(credentials())
}

/// Greeting and the first EHLO, as a STARTTLS server says them.
fn starttls_opening() -> Script {
    Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send(EHLO_BEFORE_TLS)
}

async fn finish(server: ScriptedServer) -> ServerLog {
    match server.finish().await {
        Ok(log) => log,
        Err(error) => error.log.clone(),
    }
}

#[tokio::test]
async fn a_refusing_greeting_is_reported_with_its_text() {
    let ca = TestCa::new();
    for (greeting, code) in [
        (&b"554 5.3.2 mx.test no service for you\r\n"[..], 554),
        (&b"421 4.3.2 mx.test too busy, try later\r\n"[..], 421),
    ] {
        let server = ScriptedServer::start(Script::new(Mode::Plain).send(greeting))
            .await
            .unwrap();
        let result = client(server.port(), Security::StartTls, &ca)
            .connect()
            .await;
        match &result {
            Err(
                error @ Error::Rejected {
                    phase: Phase::Greeting,
                    reply,
                    ..
                },
            ) => {
                assert_eq!(reply.code.get(), code);
                assert!(error.to_string().contains("mx.test"), "{error}");
            }
            other => panic!("expected a refused greeting, got {other:?}"),
        }
        drop(result);
        assert!(
            finish(server).await.received_unredacted().is_empty(),
            "nothing is sent after a refusal"
        );
    }
}

/// A plaintext session up to AUTH's success, for the transaction tests.
fn plaintext_session() -> Script {
    Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250-SIZE 1000000\r\n250 ENHANCEDSTATUSCODES\r\n")
        .expect_prefix("AUTH PLAIN ")
        .send(b"235 2.7.0 Authentication successful\r\n")
}

fn plaintext_client(port: u16) -> ClientBuilder {
    ClientBuilder::new("127.0.0.1", port)
        .security(Security::Plaintext)
        .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
        .credentials(credentials())
}

#[tokio::test]
async fn a_421_in_the_middle_of_a_transaction_ends_the_session_cleanly() {
    let script = plaintext_session()
        .expect_prefix("MAIL FROM:<user@mx.test>")
        .send(b"421 4.3.2 Service shutting down and closing transmission channel\r\n")
        .close();
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = plaintext_client(server.port()).connect().await.unwrap();
    let envelope = Envelope::new("user@mx.test", ["friend@example.org"]);
    match client
        .send_raw(&envelope, b"Subject: x\r\n\r\nbody\r\n")
        .await
    {
        Err(Error::Rejected {
            phase: Phase::MailFrom,
            reply,
            ..
        }) => assert_eq!(reply.code.get(), 421),
        other => panic!("expected the 421, got {other:?}"),
    }
    match client
        .send_raw(&envelope, b"Subject: x\r\n\r\nbody\r\n")
        .await
    {
        Err(Error::Broken { reason, .. }) => assert!(reason.contains("421"), "{reason}"),
        other => panic!("a closed session must refuse further work, got {other:?}"),
    }
    drop(client);
    let log = finish(server).await;
    let text = log.received_text_unredacted();
    assert!(
        !text.contains("RSET") && !text.contains("DATA"),
        "nothing after 421: {text:?}"
    );
}

#[tokio::test]
async fn a_refused_recipient_stops_the_message_and_resets_the_transaction() {
    let script = plaintext_session()
        .expect_prefix("MAIL FROM:<user@mx.test>")
        .expect_exact("RCPT TO:<good@example.org>")
        .expect_exact("RCPT TO:<bad@example.org>")
        .send(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <bad@example.org>: User unknown\r\n")
        .expect_exact("RSET")
        .send(b"250 2.0.0 Ok\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = plaintext_client(server.port()).connect().await.unwrap();
    let envelope = Envelope::new("user@mx.test", ["good@example.org", "bad@example.org"]);
    match client
        .send_raw(&envelope, b"Subject: x\r\n\r\nbody\r\n")
        .await
    {
        Err(Error::RecipientsRejected {
            accepted, rejected, ..
        }) => {
            assert_eq!(accepted, ["good@example.org"]);
            assert_eq!(rejected.len(), 1);
            assert_eq!(rejected[0].recipient, "bad@example.org");
            assert_eq!(rejected[0].reply.code.get(), 550);
        }
        other => panic!("expected the refused recipient, got {other:?}"),
    }
    drop(client);
    let log = server.finish().await.expect("the script ran to its end");
    assert!(!log.received_text_unredacted().contains("DATA"));
}

#[tokio::test]
async fn partial_delivery_when_allowed_sends_to_the_accepted_recipients() {
    let script = plaintext_session()
        .expect_prefix("MAIL FROM:<user@mx.test> SIZE=")
        .expect_exact("RCPT TO:<good@example.org>")
        .expect_exact("RCPT TO:<bad@example.org>")
        .send(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 User unknown\r\n")
        .expect_exact("DATA")
        .send(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        .read_until("\r\n.\r\n")
        .send(b"250 2.0.0 Ok: queued as ABC123\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = plaintext_client(server.port())
        .allow_partial_delivery(true)
        .pipelining(true)
        .connect()
        .await
        .unwrap();
    let envelope = Envelope::new("user@mx.test", ["good@example.org", "bad@example.org"]);
    let report = client
        .send_raw(&envelope, b"Subject: x\r\n\r\n.hidden dot\r\n")
        .await
        .expect("sent to the accepted recipient");
    assert_eq!(report.accepted, ["good@example.org"]);
    assert_eq!(report.rejected[0].recipient, "bad@example.org");
    assert!(report.reply.text().contains("ABC123"));
    drop(client);
    let log = server.finish().await.expect("the script ran to its end");
    assert!(
        log.received_text_unredacted()
            .ends_with("Subject: x\r\n\r\n..hidden dot\r\n.\r\n")
    );
}

#[tokio::test]
async fn plain_refused_for_another_reason_falls_back_to_login_but_535_does_not() {
    let ca = TestCa::new();
    let tls = ca.leaf(&["localhost"]).server_config();
    let fallback = starttls_opening()
        .expect_exact("STARTTLS")
        .send_and_starttls(b"220 2.0.0 Ready\r\n", Arc::clone(&tls))
        .expect_prefix("EHLO ")
        .send(EHLO_AFTER_TLS)
        .expect_prefix("AUTH PLAIN ")
        .send(b"504 5.5.4 Mechanism not available here\r\n")
        .expect_exact("AUTH LOGIN")
        .send(b"334 VXNlcm5hbWU6\r\n")
        .expect_exact("dXNlckBteC50ZXN0")
        .send(b"334 UGFzc3dvcmQ6\r\n")
        .expect_line(|line| line == b"czNjcmV0LWFwcC1wYXNzd29yZA==")
        .send(b"235 2.7.0 Authentication successful\r\n");
    let server = ScriptedServer::start(fallback).await.unwrap();
    let client_session = client(server.port(), Security::StartTls, &ca)
        .connect()
        .await
        .unwrap();
    assert_eq!(client_session.authenticated_as(), Some("user@mx.test"));
    drop(client_session);
    server
        .finish()
        .await
        .expect("PLAIN then LOGIN, as scripted");

    let refused = starttls_opening()
        .expect_exact("STARTTLS")
        .send_and_starttls(b"220 2.0.0 Ready\r\n", tls)
        .expect_prefix("EHLO ")
        .send(EHLO_AFTER_TLS)
        .expect_prefix("AUTH PLAIN ")
        .send(b"535 5.7.8 Error: authentication failed\r\n");
    let server = ScriptedServer::start(refused).await.unwrap();
    let result = client(server.port(), Security::StartTls, &ca)
        .connect()
        .await;
    let error = result.expect_err("535 is final");
    assert!(matches!(error, Error::AuthFailed { .. }), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(PASSWORD), "the password leaked: {shown}");
    }
    drop(error);
    let log = finish(server).await;
    assert!(
        !log.received_text_unredacted().contains("AUTH LOGIN"),
        "no LOGIN after 535"
    );
}

#[tokio::test]
async fn pipelined_transaction_reads_every_reply_in_order() {
    let script = Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send(EHLO_PLAIN)
        .expect_prefix("MAIL FROM:<a@mx.test>")
        .expect_exact("RCPT TO:<b@example.org>")
        .expect_exact("RCPT TO:<c@example.org>")
        // All three replies in one packet, the way a pipelining server batches them.
        .send(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n")
        .expect_exact("DATA")
        .send(b"354 go\r\n")
        .read_until("\r\n.\r\n")
        .send(b"250 2.0.0 Ok: queued\r\n")
        .expect_exact("QUIT")
        .send(b"221 2.0.0 Bye\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut session = ClientBuilder::new("127.0.0.1", server.port())
        .security(Security::Plaintext)
        .connect()
        .await
        .unwrap();
    let envelope = Envelope::new("a@mx.test", ["b@example.org", "c@example.org"]);
    let report = session.send_raw(&envelope, b"x\r\n").await.unwrap();
    assert_eq!(report.accepted.len(), 2);
    session.quit().await.unwrap();
    server.finish().await.expect("the whole script ran");
}

// SASL exchanges the server will not end where the client expects (RFC 4954 §4): the
// client closes each one with `*` and reads the reply before it says anything else.

/// `\0user@mx.test\0s3cret-app-password`, PLAIN's one message.
const PLAIN_RESPONSE: &str = "AHVzZXJAbXgudGVzdABzM2NyZXQtYXBwLXBhc3N3b3Jk";
/// `user@mx.test` and `s3cret-app-password`, LOGIN's two answers.
const LOGIN_USER: &str = "dXNlckBteC50ZXN0";
const LOGIN_PASSWORD: &str = "czNjcmV0LWFwcC1wYXNzd29yZA==";

/// Greeting and EHLO of a plaintext server offering PLAIN and LOGIN.
fn auth_opening() -> Script {
    Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n")
}

/// A LOGIN exchange that succeeds.
fn login_succeeds(script: Script) -> Script {
    script
        .expect_exact("AUTH LOGIN")
        .send(b"334 VXNlcm5hbWU6\r\n")
        .expect_exact(LOGIN_USER)
        .send(b"334 UGFzc3dvcmQ6\r\n")
        .expect_exact(LOGIN_PASSWORD)
        .send(b"235 2.7.0 Authentication successful\r\n")
}

#[tokio::test]
async fn a_plain_exchange_still_open_is_cancelled_before_login_is_tried() {
    // S: 334 (PLAIN's empty challenge: this server ignored the initial response)
    // C: the response again
    // S: 334 (more?)  C: *  S: 501  C: AUTH LOGIN ...
    let script = login_succeeds(
        auth_opening()
            .expect_prefix("AUTH PLAIN ")
            .send(b"334 \r\n")
            .expect_exact(PLAIN_RESPONSE)
            .send(b"334 \r\n")
            .expect_exact("*")
            .send(b"501 5.7.0 Authentication cancelled\r\n"),
    );
    let server = ScriptedServer::start(script).await.unwrap();
    let session = plaintext_client(server.port()).connect().await;
    let session = session.expect("LOGIN succeeds once PLAIN is cancelled");
    assert_eq!(session.authenticated_as(), Some("user@mx.test"));
    drop(session);
    let log = server.finish().await.expect("the whole script ran");
    assert_eq!(
        log.received_text_unredacted(),
        format!(
            "EHLO localhost\r\nAUTH PLAIN {PLAIN_RESPONSE}\r\n{PLAIN_RESPONSE}\r\n*\r\n\
             AUTH LOGIN\r\n{LOGIN_USER}\r\n{LOGIN_PASSWORD}\r\n"
        )
    );
}

#[tokio::test]
async fn a_plain_challenge_with_content_is_cancelled_not_answered() {
    // PLAIN's only challenge is empty (RFC 4616); "334 bW9yZT8=" asks for something PLAIN
    // does not have, so the password is not sent a second time.
    let script = login_succeeds(
        auth_opening()
            .expect_prefix("AUTH PLAIN ")
            .send(b"334 bW9yZT8=\r\n")
            .expect_exact("*")
            .send(b"501 5.7.0 Authentication cancelled\r\n"),
    );
    let server = ScriptedServer::start(script).await.unwrap();
    let session = plaintext_client(server.port()).connect().await;
    assert!(session.is_ok(), "{:?}", session.err());
    drop(session);
    let log = server.finish().await.expect("the whole script ran");
    assert_eq!(
        log.received_text_unredacted(),
        format!(
            "EHLO localhost\r\nAUTH PLAIN {PLAIN_RESPONSE}\r\n*\r\n\
             AUTH LOGIN\r\n{LOGIN_USER}\r\n{LOGIN_PASSWORD}\r\n"
        )
    );
}

#[tokio::test]
async fn a_login_exchange_the_server_will_not_end_gives_the_connection_up() {
    // A third prompt after the password is cancelled; a server that answers `*` with yet
    // another 334 is still in the exchange, so PLAIN must not follow.
    let script = auth_opening()
        .expect_exact("AUTH LOGIN")
        .send(b"334 VXNlcm5hbWU6\r\n")
        .expect_exact(LOGIN_USER)
        .send(b"334 UGFzc3dvcmQ6\r\n")
        .expect_exact(LOGIN_PASSWORD)
        .send(b"334 bW9yZT8=\r\n")
        .expect_exact("*")
        .send(b"334 bW9yZT8=\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let result = plaintext_client(server.port())
        .mechanisms([Mechanism::Login, Mechanism::Plain])
        .connect()
        .await;
    let error = result.expect_err("the exchange never ended");
    match &error {
        Error::AuthCancelled {
            mechanism, reply, ..
        } => {
            assert_eq!(*mechanism, Mechanism::Login);
            assert_eq!(reply.code.get(), 334);
        }
        other => panic!("expected AuthCancelled, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(
        shown.contains("AUTH LOGIN was cancelled") && shown.contains("given up"),
        "{shown}"
    );
    drop(error);
    let log = finish(server).await;
    assert_eq!(
        log.received_text_unredacted(),
        format!("EHLO localhost\r\nAUTH LOGIN\r\n{LOGIN_USER}\r\n{LOGIN_PASSWORD}\r\n*\r\n"),
        "nothing may follow the unanswered cancellation"
    );
}

#[tokio::test]
async fn a_cancelled_exchange_is_the_error_when_no_mechanism_is_left() {
    let script = auth_opening()
        .expect_prefix("AUTH PLAIN ")
        .send(b"334 bW9yZT8=\r\n")
        .expect_exact("*")
        .send(b"501 5.7.0 Authentication cancelled\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let result = plaintext_client(server.port())
        .mechanisms([Mechanism::Plain])
        .connect()
        .await;
    let error = result.expect_err("PLAIN was the only mechanism");
    assert!(
        matches!(&error, Error::AuthCancelled { reply, .. } if reply.code.get() == 501),
        "{error:?}"
    );
    assert_eq!(error.reply().map(|r| r.code.get()), Some(501));
    drop(error);
    let log = finish(server).await;
    assert_eq!(
        log.received_text_unredacted(),
        format!("EHLO localhost\r\nAUTH PLAIN {PLAIN_RESPONSE}\r\n*\r\n")
    );
}

/// The password as the wire carries it in each mechanism, and in clear: none may show.
fn secret_forms() -> [&'static str; 3] {
    [PASSWORD, LOGIN_PASSWORD, PLAIN_RESPONSE]
}

fn assert_no_secret(what: &str, shown: &str) {
    for secret in secret_forms() {
        assert!(!shown.contains(secret), "{what} shows {secret:?}: {shown}");
    }
}

#[tokio::test]
async fn no_debug_display_error_or_transcript_shows_the_password() {
    use mailwire::net::{Direction, TranscriptLog};
    use mailwire::sasl::{LoginExchange, plain_initial_response};
    use mailwire::smtp::codec::{AuthResponse, Command};

    // The values that hold the secret before anything is sent.
    let credentials = credentials();
    let mut login = LoginExchange::new(&credentials);
    assert_eq!(login.respond(b"").unwrap(), LOGIN_USER);
    assert_eq!(login.respond(b"").unwrap(), LOGIN_PASSWORD);
    let plain = plain_initial_response(&credentials);
    assert_eq!(plain, PLAIN_RESPONSE);
    let auth = Command::Auth {
        mechanism: "PLAIN",
        initial_response: Some(&plain),
    };
    let mut encoded = Vec::new();
    auth.encode(&mut encoded).unwrap();
    assert_eq!(
        encoded,
        format!("AUTH PLAIN {PLAIN_RESPONSE}\r\n").as_bytes()
    );
    let builder = plaintext_client(1).mechanisms([Mechanism::Plain, Mechanism::Login]);
    for (what, shown) in [
        ("Credentials", format!("{credentials:?} {credentials:#?}")),
        ("LoginExchange", format!("{login:?} {login:#?}")),
        ("Command::Auth", format!("{auth:?} {auth:#?}")),
        ("AuthResponse", format!("{:?}", AuthResponse::Data(&plain))),
        ("ClientBuilder", format!("{builder:?} {builder:#?}")),
    ] {
        assert_no_secret(what, &shown);
    }

    // A session that logs in after a cancelled PLAIN: the client, the transcript.
    let script = login_succeeds(
        auth_opening()
            .expect_prefix("AUTH PLAIN ")
            .send(b"334 \r\n")
            .expect_exact(PLAIN_RESPONSE)
            .send(b"334 bW9yZT8=\r\n")
            .expect_exact("*")
            .send(b"501 5.7.0 Authentication cancelled\r\n"),
    );
    let server = ScriptedServer::start(script).await.unwrap();
    let transcript = TranscriptLog::new();
    let session = plaintext_client(server.port())
        .transcript(transcript.clone())
        .connect()
        .await
        .unwrap();
    assert_no_secret("Client", &format!("{session:?} {session:#?}"));
    drop(session);
    server.finish().await.expect("the whole script ran");
    let sent = String::from_utf8(transcript.bytes(Direction::Sent)).unwrap();
    assert_eq!(
        sent,
        "EHLO localhost\r\nAUTH PLAIN <redacted>\r\n<redacted>\r\n*\r\nAUTH LOGIN\r\n\
         <redacted>\r\n<redacted>\r\n"
    );
    assert_no_secret("the transcript", &format!("{:?}", transcript.entries()));

    // Errors from a refused login and from a cancelled exchange.
    for refusal in [
        &b"535 5.7.8 Error: authentication failed\r\n"[..],
        b"334 bW9yZT8=\r\n",
    ] {
        let script = auth_opening()
            .expect_prefix("AUTH PLAIN ")
            .send(refusal)
            .expect_line(|_| true)
            .send(b"501 5.7.0 Authentication cancelled\r\n");
        let server = ScriptedServer::start(script).await.unwrap();
        let error = plaintext_client(server.port())
            .mechanisms([Mechanism::Plain])
            .connect()
            .await
            .expect_err("the login fails");
        assert!(
            matches!(
                error,
                Error::AuthFailed { .. } | Error::AuthCancelled { .. }
            ),
            "{error:?}"
        );
        assert_no_secret("the error", &format!("{error} {error:?} {error:#?}"));
        drop(error);
        finish(server).await;
    }
}
