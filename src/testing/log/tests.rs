//! Tests that a scripted server's log and failures never show a client's secrets: the
//! redaction of client bytes in and out of their conversation, then whole SMTP and IMAP
//! logins (and a failed script) against the scripted server.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::*;
use crate::net::{ConnectOptions, Connection};
use crate::sasl::Credentials;
use crate::security::Security;
use crate::smtp::{ClientBuilder, PhaseTimeouts};
use crate::testing::{Mode, Script, ScriptedServer};

const USER: &str = "tim@mx.test";
/// Spaces and quotes: never base64, and an IMAP client sends it as a literal.
const PASSWORD: &str = "pw \"Kq7-unique\" zz";

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// PLAIN's one message: no authorisation identity, the user, the password.
fn plain_response() -> String {
    b64(&format!("\0{USER}\0{PASSWORD}"))
}

/// Every form the password took on the wire, in pieces long enough to mean something:
/// a cut that shows part of a secret fails too.
fn assert_no_secret(shown: &str) {
    for secret in [
        PASSWORD.to_owned(),
        b64(PASSWORD),
        b64(USER),
        plain_response(),
    ] {
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(8.min(chars.len())) {
            let piece: String = piece.iter().collect();
            assert!(
                !shown.contains(&piece),
                "{piece:?} of {secret:?} shows in {shown}"
            );
        }
    }
}

fn shown(bytes: &[u8], context: Context) -> String {
    redacted(bytes, context, usize::MAX)
        .escape_ascii()
        .to_string()
}

#[test]
fn secrets_in_a_stream_of_commands_are_redacted_as_the_transcript_does() {
    let plain = plain_response();
    let cases: Vec<(String, &str)> = vec![
        (
            format!("EHLO a.test\r\nAUTH PLAIN {plain}\r\nMAIL FROM:<a@b>\r\n"),
            r"EHLO a.test\r\nAUTH PLAIN <redacted>\r\nMAIL FROM:<a@b>\r\n",
        ),
        // PLAIN asked again, then cancelled; LOGIN's two answers; a bare verb is the
        // command it reads as.
        (
            format!(
                "AUTH PLAIN {plain}\r\n{plain}\r\n*\r\nAUTH LOGIN\r\n{}\r\n{}\r\nQUIT\r\n",
                b64(USER),
                b64(PASSWORD)
            ),
            concat!(
                r"AUTH PLAIN <redacted>\r\n<redacted>\r\n*\r\n",
                r"AUTH LOGIN\r\n<redacted>\r\n<redacted>\r\nQUIT\r\n",
            ),
        ),
        (
            format!("auth login {}\n{}\n", b64(USER), b64(PASSWORD)),
            r"auth login <redacted>\n<redacted>\n",
        ),
        // A malformed AUTH is still a login.
        (format!("AUTH PLAIN {PASSWORD}\r\n"), r"AUTH <redacted>\r\n"),
        (
            "a1 LOGIN alice \"Kq7\"\r\na2 SELECT INBOX\r\n".to_owned(),
            r"a1 LOGIN alice <redacted>\r\na2 SELECT INBOX\r\n",
        ),
        // An IMAP tag that is an SMTP verb: `NOOP LOGIN ...` is a valid NOOP too.
        (
            "NOOP LOGIN alice Kq7secret\r\n".to_owned(),
            r"NOOP LOGIN alice <redacted>\r\n",
        ),
        (
            format!("a1 AUTHENTICATE PLAIN\r\n{plain}\r\na2 AUTHENTICATE PLAIN {plain}\r\n"),
            r"a1 AUTHENTICATE PLAIN\r\n<redacted>\r\na2 AUTHENTICATE PLAIN <redacted>\r\n",
        ),
        (
            format!(
                "a1 LOGIN alice {{{}}}\r\n{PASSWORD}\r\na2 LOGOUT\r\n",
                PASSWORD.len()
            ),
            r"a1 LOGIN alice <redacted>\r\na2 LOGOUT\r\n",
        ),
        // A literal cut short: what came of it may be the password.
        (
            "a1 LOGIN alice {20}\r\npw \"Kq7".to_owned(),
            r"a1 LOGIN alice {20}\r\n<redacted>",
        ),
        (
            "a1 login alice \"unterminated Kq7\r\n".to_owned(),
            r"a1 login <redacted>\r\n",
        ),
        // Mail is not a secret, base64 or not.
        (
            format!("DATA\r\n{}\r\n.\r\n", b64("a message line, in base64")),
            "DATA\\r\\nYSBtZXNzYWdlIGxpbmUsIGluIGJhc2U2NA==\\r\\n.\\r\\n",
        ),
    ];
    for (wire, expected) in cases {
        assert_eq!(
            shown(wire.as_bytes(), Context::Command),
            expected,
            "{wire:?}"
        );
    }
}

#[test]
fn a_line_out_of_its_conversation_shows_only_as_a_command() {
    for (line, expected) in [
        ("EHLO a.test\r\n", r"EHLO a.test\r\n"),
        ("QUIT\r\n", r"QUIT\r\n"),
        ("*\r\n", r"*\r\n"),
        ("\r\n", r"\r\n"),
        ("czNjcmV0LWFwcC1wYXNzd29yZA==\r\n", r"<redacted>\r\n"),
        // An IMAP literal holding a password looks like nothing in particular.
        ("pw \"Kq7-unique\" zz\r\n", r"<redacted>\r\n"),
        ("AUTH PLAIN AHRpbQBwdw==\r\n", r"AUTH PLAIN <redacted>\r\n"),
    ] {
        assert_eq!(
            shown(line.as_bytes(), Context::Isolated),
            expected,
            "{line:?}"
        );
    }
}

#[test]
fn an_expected_line_hides_only_what_reads_as_a_secret() {
    for (line, expected) in [
        ("EHLO ", "EHLO "),
        ("MAIL FROM:<a@b>", "MAIL FROM:<a@b>"),
        ("AUTH PLAIN ", "AUTH PLAIN "),
        ("AUTH PLAIN AHRpbQBwdw==", "AUTH PLAIN <redacted>"),
        ("czNjcmV0LWFwcC1wYXNzd29yZA==", "<redacted>"),
        ("a1 LOGIN alice ", "a1 LOGIN <redacted>"),
        ("a1 LOGIN alice pw", "a1 LOGIN alice <redacted>"),
        ("a2 AUTHENTICATE PLAIN", "a2 AUTHENTICATE PLAIN"),
        ("a3 LOGIN alice {18}", "a3 LOGIN alice {18}"),
    ] {
        assert_eq!(
            shown(line.as_bytes(), Context::Expected),
            expected,
            "{line:?}"
        );
    }
}

fn smtp_client(port: u16) -> ClientBuilder {
    ClientBuilder::new("127.0.0.1", port)
        .security(Security::Plaintext)
        .timeouts(PhaseTimeouts::all(Duration::from_secs(5)))
        .credentials(Credentials::new(USER, PASSWORD).unwrap())
}

fn smtp_opening() -> Script {
    Script::new(Mode::Plain)
        .send(b"220 mx.test ESMTP\r\n")
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250 AUTH PLAIN LOGIN\r\n")
}

#[tokio::test]
async fn a_log_of_smtp_plain_and_login_shows_no_password() {
    // PLAIN's initial response, sent again for an empty 334, cancelled after another;
    // then LOGIN, which succeeds.
    let script = smtp_opening()
        .expect_prefix("AUTH PLAIN ")
        .send(b"334 \r\n")
        .expect_exact(plain_response())
        .send(b"334 bW9yZT8=\r\n")
        .expect_exact("*")
        .send(b"501 5.7.0 Authentication cancelled\r\n")
        .expect_exact("AUTH LOGIN")
        .send(b"334 VXNlcm5hbWU6\r\n")
        .expect_exact(b64(USER))
        .send(b"334 UGFzc3dvcmQ6\r\n")
        .expect_exact(b64(PASSWORD))
        .send(b"235 2.7.0 Authentication successful\r\n")
        .expect_exact("QUIT")
        .send(b"221 2.0.0 Bye\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let client = smtp_client(server.port()).connect().await.unwrap();
    client.quit().await.unwrap();
    let log = server.finish().await.expect("the whole script ran");

    // The secrets went out, and the raw bytes keep them for tests to assert on.
    let raw = log.received_text_unredacted();
    assert!(raw.contains(&plain_response()) && raw.contains(&b64(PASSWORD)));
    assert!(log.expectations.iter().all(|e| e.matched));

    let (debug, display) = (format!("{log:?}"), format!("{log}"));
    assert_no_secret(&debug);
    assert_no_secret(&display);
    assert_eq!(
        display,
        "C: EHLO localhost\\r\\n\n\
         C: AUTH PLAIN <redacted>\\r\\n\n\
         C: <redacted>\\r\\n\n\
         C: *\\r\\n\n\
         C: AUTH LOGIN\\r\\n\n\
         C: <redacted>\\r\\n\n\
         C: <redacted>\\r\\n\n\
         C: QUIT\\r\\n\n\
         (the client closed the connection)"
    );
    assert!(debug.contains(r"AUTH PLAIN <redacted>\r\n"), "{debug}");
}

#[tokio::test]
async fn a_log_of_imap_logins_shows_no_password() {
    let literal_login = format!("a3 LOGIN alice {{{}}}", PASSWORD.len());
    let script = Script::new(Mode::Plain)
        .send(b"* OK IMAP4rev1 ready\r\n")
        .expect_prefix("a1 LOGIN ")
        .send(b"a1 NO [AUTHENTICATIONFAILED] no\r\n")
        .expect_exact("a2 AUTHENTICATE PLAIN")
        .send(b"+ \r\n")
        .expect_line(|_| true)
        .send(b"a2 NO no\r\n")
        .expect_exact(&literal_login)
        .send(b"+ go ahead\r\n")
        .expect_line(|_| true)
        .send(b"a3 NO no\r\n")
        .expect_prefix("a4 AUTHENTICATE PLAIN ")
        .send(b"a4 NO no\r\n")
        .expect_exact("a5 LOGOUT")
        .send(b"* BYE\r\na5 OK\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = Connection::connect("127.0.0.1", server.port(), &ConnectOptions::default())
        .await
        .unwrap();
    let plain = plain_response();
    let quoted = PASSWORD.replace('"', "\\\"");
    let lines = [
        format!("a1 LOGIN alice \"{quoted}\"\r\n"),
        "a2 AUTHENTICATE PLAIN\r\n".to_owned(),
        format!("{plain}\r\n"),
        format!("{literal_login}\r\n"),
        format!("{PASSWORD}\r\n"),
        format!("a4 AUTHENTICATE PLAIN {plain}\r\n"),
        "a5 LOGOUT\r\n".to_owned(),
    ];
    client.read_line().await.unwrap();
    // The server answers every line: a result, or `+` for more.
    for line in &lines {
        client.write_all(line.as_bytes()).await.unwrap();
        client.read_line().await.unwrap();
    }
    drop(client);
    let log = server.finish().await.expect("the whole script ran");
    assert_eq!(log.received_unredacted(), lines.concat().as_bytes());

    let (debug, display) = (format!("{log:?}"), format!("{log}"));
    assert_no_secret(&debug);
    assert_no_secret(&display);
    assert_eq!(
        display,
        format!(
            "C: a1 LOGIN alice <redacted>\\r\\n\n\
             C: a2 AUTHENTICATE PLAIN\\r\\n\n\
             C: <redacted>\\r\\n\n\
             C: a3 LOGIN alice <redacted>\\r\\n\n\
             C: a4 AUTHENTICATE PLAIN <redacted>\\r\\n\n\
             C: a5 LOGOUT\\r\\n\n\
             (the client closed the connection)"
        )
    );
}

#[tokio::test]
async fn a_failed_script_shows_no_password() {
    // LOGIN's password is not the one the script expects: the step, the failure and
    // the log all hold it.
    let script = smtp_opening()
        .expect_exact("AUTH LOGIN")
        .send(b"334 VXNlcm5hbWU6\r\n")
        .expect_exact(b64(USER))
        .send(b"334 UGFzc3dvcmQ6\r\n")
        .expect_exact(b64("another password"));
    let server = ScriptedServer::start(script).await.unwrap();
    let result = smtp_client(server.port())
        .mechanisms([crate::sasl::Mechanism::Login])
        .connect()
        .await;
    assert!(result.is_err(), "the script ends before AUTH does");
    drop(result);
    let error = server
        .finish()
        .await
        .expect_err("the password was not the one expected");
    assert!(
        matches!(&error.failure, Failure::Unexpected { received, .. }
            if *received == format!("{}\r\n", b64(PASSWORD)).as_bytes()),
        "{:?}",
        error.failure
    );
    let (debug, display) = (format!("{error:?}"), error.to_string());
    assert_no_secret(&debug);
    assert_no_secret(&display);
    assert_no_secret(&error.failure.to_string());
    assert_eq!(
        display,
        "script step 8 (expect the line \"<redacted>\"): expected the line \"<redacted>\", \
         but the client sent \"<redacted>\\r\\n\"; the client had sent \"EHLO localhost\\r\\n\
         AUTH LOGIN\\r\\n<redacted>\\r\\n<redacted>\\r\\n\""
    );

    // An IMAP LOGIN where the script expected another command.
    let script = Script::new(Mode::Plain)
        .send(b"* OK ready\r\n")
        .expect_exact("a1 CAPABILITY");
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = Connection::connect("127.0.0.1", server.port(), &ConnectOptions::default())
        .await
        .unwrap();
    client.read_line().await.unwrap();
    let login = format!("a1 LOGIN {USER} {}\r\n", b64(PASSWORD));
    client.write_all(login.as_bytes()).await.unwrap();
    drop(client);
    let error = server.finish().await.expect_err("LOGIN was not expected");
    let (debug, display) = (format!("{error:?}"), error.to_string());
    assert_no_secret(&debug);
    assert_no_secret(&display);
    assert!(
        display.contains(r#"the client sent "a1 LOGIN tim@mx.test <redacted>\r\n""#),
        "{display}"
    );
}
