//! The `mailwire` command line, run as a user would run it.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use support::certs::TestCa;
use support::cli::{loopback_ca, raw_terminal_controls, text};
use support::servers::{Servers, assert_delivered_intact, wait_for_mail};

fn mailwire(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(args)
        .env_remove("MAILWIRE_PASSWORD")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mailwire binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// [`mailwire`] off the async runtime, so scripted servers in this process keep playing.
async fn mailwire_async(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let stdin = stdin.to_vec();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        mailwire(&args, &env, &stdin)
    })
    .await
    .expect("the mailwire process was waited for")
}

/// The log of a script, whether or not it ran to its end.
async fn log_of(server: ScriptedServer) -> ServerLog {
    match server.finish().await {
        Ok(log) => log,
        Err(error) => error.log,
    }
}

/// A password made for this run, so a leak check cannot be fooled by the same text
/// turning up elsewhere (a hint, a fixture, a constant).
fn password_of_this_run() -> String {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    format!(
        "pw-{:016x}{:016x}",
        state.hash_one(std::process::id()),
        state.hash_one(std::time::SystemTime::now())
    )
}

#[test]
fn the_demo_sends_sees_the_push_in_idle_fetches_and_matches() {
    let out = mailwire(&["demo"], &[], b"");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    // It says it matched, with the size, and only after comparing.
    let matched = stdout
        .lines()
        .find(|line| line.starts_with("matched: the fetched message is byte-identical"))
        .unwrap_or_else(|| panic!("no `matched` line: {stdout}"));
    assert!(matched.ends_with(" bytes)"), "{matched}");
    // IDLE saw the delivery, and said how fast.
    let idle = stdout
        .lines()
        .find(|line| line.contains("IDLE: `* 1 EXISTS` arrived"))
        .unwrap_or_else(|| panic!("no IDLE line: {stdout}"));
    assert!(idle.contains(" ms after"), "{idle}");
    // iCloud's folder names and its Sent Messages copy.
    assert!(
        stdout.contains("Sent Messages, Deleted Messages"),
        "{stdout}"
    );
    assert!(stdout.contains("(1 message)"), "{stdout}");
    // Both transcripts, with the secrets redacted and the message summarised.
    let smtp = stdout
        .find("The SMTP session")
        .expect("the SMTP transcript");
    let imap = stdout
        .find("The IMAP session")
        .expect("the IMAP transcript");
    let smtp_part = &stdout[smtp..imap];
    let imap_part = &stdout[imap..];
    for expected in [
        "C: STARTTLS",
        "C: AUTH PLAIN <redacted>",
        "C: DATA",
        "more lines (",
    ] {
        assert!(smtp_part.contains(expected), "{expected}: {smtp_part}");
    }
    for expected in [
        " IDLE",
        "S: + ",
        "S: * 1 EXISTS",
        "C: DONE",
        "BODY.PEEK[]",
        "<redacted>",
    ] {
        assert!(imap_part.contains(expected), "{expected}: {imap_part}");
    }
    // INBOX is selected once: it stays selected through IDLE, and the FETCH that follows
    // names the new message by the sequence number EXISTS gave.
    let selects = imap_part
        .lines()
        .filter(|line| line.contains("C: ") && line.contains(" SELECT "))
        .count();
    assert_eq!(selects, 1, "{imap_part}");
    for password in ["demo-password", "zoe-password"] {
        assert!(!stdout.contains(password), "the password leaked: {stdout}");
        assert!(!text(&out.stderr).contains(password));
    }
    // Nothing base64 of a password either: AUTH PLAIN's payload names the user first.
    assert!(!stdout.contains(&STANDARD.encode("\0demo@mailwire.test\0demo-password")));
}

#[test]
fn send_delivers_through_real_postfix_with_trace_and_no_password_in_it() {
    let servers = Servers::get();
    let ca_file = std::env::temp_dir().join(format!("mailwire-cli-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, &servers.ca_pem).unwrap();
    let subject = format!("cli test {}", std::process::id());
    let port = servers.submission_port.to_string();
    let out = mailwire(
        &[
            "send",
            "--host",
            &servers.tls_name,
            "--port",
            &port,
            "--tls",
            "starttls",
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--user",
            &servers.user1.address,
            "--password-env",
            "TEST_SMTP_PASSWORD",
            "--from",
            &servers.user1.address,
            "--to",
            &servers.user2.address,
            "--subject",
            &subject,
            "--body-file",
            "-",
            "--timeout",
            "30",
            "--trace",
        ],
        &[("TEST_SMTP_PASSWORD", &servers.user1.password)],
        b"Hello from the command line.\n.a dot line\n",
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("sent <"), "{stdout}");
    assert!(
        stdout.contains("1 recipient(s)") && stdout.contains("STARTTLS"),
        "{stdout}"
    );
    assert!(stderr.contains("C: AUTH PLAIN <redacted>"), "{stderr}");
    assert!(
        !stderr.contains(&servers.user1.password),
        "the password leaked in the trace"
    );
    let stored = wait_for_mail(
        &servers.user2.maildir,
        &subject,
        std::time::Duration::from_secs(60),
    );
    let body = text(&stored);
    assert!(
        body.contains("Hello from the command line.\n.a dot line"),
        "{body}"
    );
    std::fs::remove_file(ca_file).ok();
}

#[test]
fn send_raw_sends_a_ready_message_as_is() {
    let servers = Servers::get();
    let ca_file =
        std::env::temp_dir().join(format!("mailwire-cli-raw-ca-{}.pem", std::process::id()));
    std::fs::write(&ca_file, &servers.ca_pem).unwrap();
    let marker = format!("<cli-raw-{}@mailwire.test>", std::process::id());
    let raw = format!(
        "From: <{}>\r\nTo: <{}>\r\nSubject: raw from the CLI\r\nMessage-ID: {marker}\r\n\
         Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nraw body\r\n",
        servers.user1.address, servers.user2.address
    );
    let port = servers.submissions_port.to_string();
    let out = mailwire(
        &[
            "send",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--tls",
            "implicit",
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--user",
            &servers.user1.address,
            "--from",
            &servers.user1.address,
            "--to",
            &servers.user2.address,
            "--raw",
            "-",
        ],
        &[("MAILWIRE_PASSWORD", &servers.user1.password)],
        raw.as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stored = wait_for_mail(
        &servers.user2.maildir,
        &marker,
        std::time::Duration::from_secs(60),
    );
    assert_delivered_intact(&stored, raw.as_bytes());
    std::fs::remove_file(ca_file).ok();
}

#[test]
fn usage_mistakes_exit_2_with_one_clear_line() {
    for (args, expected) in [
        (&["send", "--password", "x"][..], "never taken as arguments"),
        (
            &[
                "send", "--host", "h", "--tls", "none", "--from", "a@b.c", "--to", "d@e.f",
            ][..],
            "--allow-plaintext",
        ),
        (
            &["send", "--from", "a@example.org", "--to", "d@e.f"][..],
            "--host is required",
        ),
        (&["send", "--from", "a@b.c"][..], "at least one --to"),
        (&["send", "--tls", "sometimes"][..], "unknown TLS mode"),
        (&["frobnicate"][..], "unknown command"),
    ] {
        let out = mailwire(args, &[], b"");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn a_missing_password_is_reported_before_connecting() {
    let out = mailwire(
        &[
            "send",
            "--host",
            "127.0.0.1",
            "--port",
            "9",
            "--user",
            "u",
            "--from",
            "a@b.c",
            "--to",
            "d@e.f",
        ],
        &[],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("MAILWIRE_PASSWORD"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn decode_prints_one_reply_per_line() {
    let input = b"220 mx.test ESMTP\r\n250-mx.test\r\n250-SIZE 1000\r\n250 8BITMIME\r\n535 5.7.8 Authentication failed\r\n";
    let out = mailwire(&["decode", "smtp-reply", "-"], &[], input);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("220"));
    assert!(lines[1].contains("SIZE 1000") && lines[1].contains("8BITMIME"));
    assert!(lines[2].starts_with("535 5.7.8"));
}

#[test]
fn decode_names_the_byte_offset_of_bad_input() {
    let input = b"250 ok\r\n250 fine\r\nHELLO there\r\n";
    let out = mailwire(&["decode", "smtp-reply"], &[], input);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("byte 18"), "{stderr}");

    let out = mailwire(
        &["decode", "smtp-command", "-"],
        &[],
        b"EHLO me\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 4);

    let out = mailwire(
        &["decode", "smtp-command", "-"],
        &[],
        b"EHLO me\r\nMAIL FROM:<a@b",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("byte 9"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn decode_reads_the_responses_real_servers_send_outside_the_grammar() {
    // One line of output per response of the fixture (issue 8, section 2), none of them an
    // unknown response kept raw.
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/imap/quirks.server"
    );
    let out = mailwire(&["decode", "imap-response", fixture], &[], b"");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout.lines().count(), 22, "{stdout}");
    assert!(!stdout.contains("Other(Raw("), "{stdout}");
    for value in [
        "MailboxId(",
        "AppendLimit(None)",
        "ModSeq(None)",
        "ModSeq(Some(0))",
        "Alert",
    ] {
        assert!(stdout.contains(value), "{value} in {stdout}");
    }
}

#[test]
fn decode_prints_one_imap_message_per_line() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imap/dovecot");
    let server = format!("{fixtures}/fetch-bodystructure.server");
    let out = mailwire(&["decode", "imap-response", &server], &[], b"");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fetches = stdout.lines().filter(|l| l.contains("Fetch")).count();
    assert!(fetches >= 7, "{stdout}");
    assert!(stdout.contains("BodyStructure"), "{stdout}");

    let client = format!("{fixtures}/authenticate-login.client");
    let out = mailwire(&["decode", "imap-command", &client], &[], b"");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        stdout.matches("AuthenticateData([redacted])").count(),
        2,
        "{stdout}"
    );
    assert!(
        !stdout.contains("YWxpY2U"),
        "no SASL data printed: {stdout}"
    );

    let out = mailwire(
        &["decode", "imap-command", "-"],
        &[],
        b"a1 IDLE\r\nDONE\r\na2 NOOP\r\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().collect::<Vec<_>>()[1], "Done");

    let out = mailwire(
        &["decode", "imap-response", "-"],
        &[],
        b"* OK ready\r\n* 3 EXISTS\r\n* 4 FETCH (UID\r\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("byte 38"),
        "the error names its offset: {stderr}"
    );

    // A stream cut inside a message is reported as cut short, not as bad syntax.
    let out = mailwire(
        &["decode", "imap-response", "-"],
        &[],
        b"* OK ready\r\n* 3 EXISTS\r\n* 4 FETCH (BODY[] {5}\r\nhel",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("byte 24: the input ends in the middle of an item"),
        "{stderr}"
    );
}

/// A reply text a hostile server might send: colour, bell, a carriage return that would
/// let the rest of the line overwrite what came before, a bidi override and a C1 CSI.
const HOSTILE_TEXT: &[u8] = b"\x1b[31mred\x07 bell\rforged \xe2\x80\xae rlo \xc2\x9b c1";
/// How the CLI must show it.
const HOSTILE_SHOWN: &str = r"\u{1b}[31mred\u{7} bell\rforged \u{202e} rlo \u{9b} c1";

/// A plaintext server up to EHLO, without AUTH.
fn plain_opening() -> Script {
    Script::new(Mode::Plain)
        .send(b"220 mx.test ESMTP\r\n")
        .expect_prefix("EHLO ")
        .send(b"250-mx.test\r\n250 8BITMIME\r\n")
}

fn send_args(port: &str) -> Vec<&str> {
    vec![
        "send",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--tls",
        "none",
        "--allow-plaintext",
        "--from",
        "a@example.org",
        "--to",
        "b@example.org",
        "--subject",
        "x",
        "--timeout",
        "10",
    ]
}

#[tokio::test]
async fn server_text_reaches_the_terminal_escaped() {
    // An error carrying the server's reply, on stderr.
    let refusal = [&b"550 5.7.1 "[..], HOSTILE_TEXT, b"\r\n"].concat();
    let script = plain_opening()
        .expect_prefix("MAIL FROM:<a@example.org>")
        .send(refusal)
        .expect_exact("RSET")
        .send(b"250 2.0.0 Ok\r\n");
    let server = ScriptedServer::start(script).await.unwrap();
    let port = server.port().to_string();
    let out = mailwire_async(&send_args(&port), &[], b"").await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(HOSTILE_SHOWN), "{stderr:?}");
    assert_eq!(raw_terminal_controls(&stderr), [], "{stderr:?}");
    log_of(server).await;

    // The summary quoting the final reply, on stdout; the transcript on stderr.
    let accepted = [&b"250 2.0.0 Ok: queued "[..], HOSTILE_TEXT, b"\r\n"].concat();
    let script = plain_opening()
        .expect_prefix("MAIL FROM:<a@example.org>")
        .send(b"250 2.1.0 Ok\r\n")
        .expect_exact("RCPT TO:<b@example.org>")
        .send(b"250 2.1.5 Ok\r\n")
        .expect_exact("DATA")
        .send(b"354 go\r\n")
        .read_until("\r\n.\r\n")
        .send(accepted)
        .expect_exact("QUIT")
        .send([&b"221 2.0.0 "[..], HOSTILE_TEXT, b"\r\n"].concat());
    let server = ScriptedServer::start(script).await.unwrap();
    let port = server.port().to_string();
    let mut args = send_args(&port);
    args.push("--trace");
    let out = mailwire_async(&args, &[], b"").await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("sent <"), "{stdout:?}");
    assert!(stdout.contains(HOSTILE_SHOWN), "{stdout:?}");
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");
    assert!(
        stderr.contains(&format!("S: 221 2.0.0 {HOSTILE_SHOWN}")),
        "{stderr:?}"
    );
    assert_eq!(raw_terminal_controls(&stderr), [], "{stderr:?}");
    server.finish().await.expect("the whole script ran");

    // What decode echoes of its input.
    let input = [&b"250 "[..], HOSTILE_TEXT, b"\r\n"].concat();
    let out = mailwire(&["decode", "smtp-reply"], &[], &input);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");
    // IMAP text has no room for a bare CR; the rest is there.
    let input = b"* OK [ALERT] \x1b[31mred\x07 bell \xe2\x80\xae rlo \xc2\x9b c1\r\n";
    let out = mailwire(&["decode", "imap-response"], &[], input);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");
}

#[tokio::test]
async fn an_icloud_sender_without_host_goes_through_the_icloud_preset_in_order() {
    // iCloud's preset, proven on loopback: smtp.mail.me.com:587 with STARTTLS first, then
    // smtp.mail.me.com:465 with implicit TLS, logging in with the full address. The
    // redirect names exactly those two endpoints; the CLI refuses to run if the preset
    // needs any other, so nothing here can reach the real servers.
    let (tls, ca_file) = loopback_ca("icloud-ca.pem");
    let password = password_of_this_run();
    let plain = STANDARD.encode(format!("\0someone@icloud.com\0{password}"));

    // 587: STARTTLS offered, then refused for now. Its reply text is hostile, and reaches
    // the terminal in the note about the fallback.
    let submission = Script::new(Mode::Plain)
        .send(b"220 smtp.mail.me.com ESMTP\r\n")
        .expect_prefix("EHLO ")
        .send(b"250-smtp.mail.me.com\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
        .expect_exact("STARTTLS")
        .send([&b"454 4.7.0 TLS not available "[..], HOSTILE_TEXT, b"\r\n"].concat());
    // 465: TLS from the first byte, PLAIN with the full address.
    let expected_auth = format!("AUTH PLAIN {plain}");
    let submissions = Script::new(Mode::ImplicitTls(tls))
        .send(b"220 smtp.mail.me.com ESMTP\r\n")
        .expect_prefix("EHLO ")
        .send(b"250-smtp.mail.me.com\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
        .expect_line(move |line| line == expected_auth.as_bytes())
        .send(b"235 2.7.0 Authentication successful\r\n")
        .expect_prefix("MAIL FROM:<someone@icloud.com>")
        .send(b"250 2.1.0 Ok\r\n")
        .expect_exact("RCPT TO:<friend@example.org>")
        .send(b"250 2.1.5 Ok\r\n")
        .expect_exact("DATA")
        .send(b"354 go\r\n")
        .read_until("\r\n.\r\n")
        .send(b"250 2.0.0 Ok: queued as 1\r\n")
        .expect_exact("QUIT")
        .send(b"221 2.0.0 Bye\r\n");
    let server_587 = ScriptedServer::start(submission).await.unwrap();
    let server_465 = ScriptedServer::start(submissions).await.unwrap();
    let (port_587, port_465) = (server_587.port(), server_465.port());
    let redirect = format!(
        "smtp.mail.me.com:587=localhost:{port_587} smtp.mail.me.com:465=localhost:{port_465}"
    );

    let out = mailwire_async(
        &[
            "send",
            "--from",
            "someone@icloud.com",
            "--to",
            "friend@example.org",
            "--subject",
            "x",
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--timeout",
            "10",
            "--trace",
        ],
        &[
            ("MAILWIRE_PASSWORD", &password),
            ("MAILWIRE_TEST_REDIRECT", &redirect),
        ],
        b"",
    )
    .await;
    std::fs::remove_file(&ca_file).ok();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");

    // The order: 587 with STARTTLS failed first, then 465 with implicit TLS carried it.
    let log_587 = server_587
        .finish()
        .await
        .expect("587 was tried, as scripted");
    assert!(
        log_587.received_text_unredacted().ends_with("STARTTLS\r\n"),
        "{log_587:?}"
    );
    assert!(!log_587.tls_established);
    let log_465 = server_465.finish().await.expect("465 carried the message");
    assert!(log_465.tls_established && log_465.plaintext_len == 0);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 2, "{stderr}");
    assert!(
        notes[0].contains(&format!("localhost:{port_587} with STARTTLS failed"))
            && notes[0].contains(HOSTILE_SHOWN),
        "{notes:?}"
    );
    assert!(
        notes[1].contains(&format!("localhost:{port_465} with implicit TLS"))
            && notes[1].contains("try 465"),
        "{notes:?}"
    );
    assert!(
        stdout.contains(&format!("via localhost:{port_465} (implicit TLS)")),
        "{stdout}"
    );
    assert_eq!(raw_terminal_controls(&stderr), [], "{stderr:?}");

    // Nothing of the password, in clear or in base64, on either stream.
    assert!(stderr.contains("C: AUTH PLAIN <redacted>"), "{stderr}");
    for shown in [&stdout, &stderr] {
        for secret in [password.clone(), STANDARD.encode(&password), plain.clone()] {
            assert!(!shown.contains(&secret), "the password leaked: {shown}");
        }
    }
}

#[test]
fn the_test_redirect_never_leaves_loopback_nor_the_preset_half_covered() {
    let args = [
        "send",
        "--from",
        "someone@icloud.com",
        "--to",
        "friend@example.org",
    ];
    for (redirect, expected) in [
        (
            "smtp.mail.me.com:587=192.0.2.1:25 smtp.mail.me.com:465=localhost:9",
            "is not localhost:PORT",
        ),
        (
            "smtp.mail.me.com:587=localhost:9",
            "does not say where smtp.mail.me.com:465 goes",
        ),
    ] {
        let out = mailwire(
            &args,
            &[
                ("MAILWIRE_PASSWORD", "x"),
                ("MAILWIRE_TEST_REDIRECT", redirect),
            ],
            b"",
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[tokio::test]
async fn an_untrusted_certificate_names_the_ca_file_flag() {
    // A command-line user cannot call TlsConfig::with_root_pem: the CLI names its flag.
    let ca = TestCa::new();
    let script = Script::new(Mode::ImplicitTls(ca.leaf(&["localhost"]).server_config()));
    let server = ScriptedServer::start(script).await.unwrap();
    let port = server.port().to_string();
    let out = mailwire_async(
        &[
            "send",
            "--host",
            "localhost",
            "--port",
            &port,
            "--tls",
            "implicit",
            "--from",
            "a@example.org",
            "--to",
            "b@example.org",
            "--timeout",
            "10",
        ],
        &[],
        b"",
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--ca-file"), "{stderr}");
    assert!(!stderr.contains("TlsConfig"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    log_of(server).await;
}

#[test]
fn decode_shows_the_sasl_responses_after_auth_redacted() {
    // LOGIN's user name and password and PLAIN's message, as a client sends them.
    let login_user = STANDARD.encode("user@mx.test");
    let login_password = STANDARD.encode("s3cret-app-password");
    let plain = STANDARD.encode("\0user@mx.test\0s3cret-app-password");
    let input = format!(
        "EHLO me\r\nAUTH LOGIN\r\n{login_user}\r\n{login_password}\r\nAUTH PLAIN\r\n\
         {plain}\r\nAUTH LOGIN\r\n*\r\nAUTH PLAIN {plain}\r\nQUIT\r\n"
    );
    let out = mailwire(&["decode", "smtp-command"], &[], input.as_bytes());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            r#"Ehlo { domain: "me" }"#,
            r#"Auth { mechanism: "LOGIN", initial_response: None }"#,
            "AuthResponse(Data(<redacted>))",
            "AuthResponse(Data(<redacted>))",
            r#"Auth { mechanism: "PLAIN", initial_response: None }"#,
            "AuthResponse(Data(<redacted>))",
            r#"Auth { mechanism: "LOGIN", initial_response: None }"#,
            "AuthResponse(Cancel)",
            r#"Auth { mechanism: "PLAIN", initial_response: Some("<redacted>") }"#,
            "Quit",
        ]
    );
    // A line inside AUTH that is no SASL response is not quoted in the error either.
    let out = mailwire(
        &["decode", "smtp-command"],
        &[],
        b"AUTH LOGIN\r\ns3cret app password\r\n",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("byte 12"), "{stderr}");
    for shown in [&stderr, &text(&out.stdout)] {
        for secret in [
            "s3cret",
            &login_user[..12],
            &login_password[..12],
            &plain[..12],
        ] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
}

#[tokio::test]
async fn decode_trace_reads_back_the_trace_of_a_send() {
    use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};

    let (tls, ca_file) = loopback_ca("trace-ca.pem");
    let password = password_of_this_run();
    let config = SmtpServerConfig::starttls(tls).with_user("someone@mx.test", password.clone());
    let server = SmtpServer::start(config).await.unwrap();
    let port = server.port().to_string();
    // A tab (escaped by the tracer), a leading dot (stuffed) and a body larger than the
    // tracer shows of one write.
    let mut body = b"Hello\twith a tab\n.a dot line\n".to_vec();
    for line in 0..200 {
        body.extend_from_slice(format!("line {line} of a long body\n").as_bytes());
    }
    let out = mailwire_async(
        &[
            "send",
            "--host",
            "localhost",
            "--port",
            &port,
            "--tls",
            "starttls",
            "--ca-file",
            ca_file.to_str().unwrap(),
            "--user",
            "someone@mx.test",
            "--password-env",
            "TRACE_PASSWORD",
            "--from",
            "someone@mx.test",
            "--to",
            "friend@example.org",
            "--subject",
            "traced",
            "--body-file",
            "-",
            "--timeout",
            "10",
            "--trace",
        ],
        &[("TRACE_PASSWORD", &password)],
        &body,
    )
    .await;
    std::fs::remove_file(&ca_file).ok();
    let trace = out.stderr;
    assert!(out.status.success(), "{}", text(&trace));
    assert_eq!(server.shutdown().await.len(), 1);

    let decoded = mailwire(&["decode", "trace"], &[], &trace);
    let (stdout, stderr) = (text(&decoded.stdout), text(&decoded.stderr));
    assert!(
        decoded.status.success(),
        "{stdout}\n{stderr}\n{}",
        text(&trace)
    );
    let kinds: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.split(" -> ").nth(1))
        .collect();
    for expected in [
        "reply 220",
        "command Ehlo",
        "command StartTls",
        "command Auth PLAIN",
        "reply 235 2.7.0",
        "command MailFrom",
        "command RcptTo",
        "command Data",
        "reply 354",
        "command Quit",
    ] {
        assert!(kinds.contains(&expected), "{expected} missing in {stdout}");
    }
    assert!(
        kinds.iter().any(|kind| kind.starts_with("message data: ")),
        "{stdout}"
    );
    assert!(
        stdout.contains(": AUTH PLAIN <redacted> -> command Auth PLAIN"),
        "{stdout}"
    );
    assert!(!stdout.contains(&password), "the password leaked: {stdout}");
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");

    // The same trace with a reply broken: exit 1, the caret under the byte.
    let broken = text(&trace).replacen("S: 235 ", "S: 2x5 ", 1);
    let decoded = mailwire(&["decode", "trace", "-"], &[], broken.as_bytes());
    let stdout = text(&decoded.stdout);
    assert_eq!(decoded.status.code(), Some(1), "{stdout}");
    let failing = stdout
        .lines()
        .position(|line| line.contains(" -> error: "))
        .expect("the failure is shown");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[failing + 1].trim_start().starts_with("S: 2x5 "),
        "{stdout}"
    );
    let caret = lines[failing + 2].find('^').expect("a caret");
    assert_eq!(&lines[failing + 1][caret..caret + 1], "x", "{stdout}");
    assert!(
        text(&decoded.stderr).contains("1 of "),
        "{}",
        text(&decoded.stderr)
    );
}

#[test]
fn decode_trace_without_a_transcript_says_what_one_looks_like() {
    let out = mailwire(&["decode", "trace"], &[], b"hello\nworld\n");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`C: `"), "{stderr}");
    assert!(stderr.contains("2 input line(s)"), "{stderr}");
}
