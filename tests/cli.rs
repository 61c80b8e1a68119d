//! The `mailwire` command line, run as a user would run it.
#![cfg(feature = "cli")]

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_demo_sends_through_a_local_server_with_starttls_and_auth() {
    let out = mailwire(&["demo"], &[], b"");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("C: STARTTLS"), "{stdout}");
    assert!(stdout.contains("C: AUTH PLAIN <redacted>"), "{stdout}");
    assert!(
        !stdout.contains("demo-password"),
        "the password leaked: {stdout}"
    );
    assert!(stdout.contains("equals what was built: yes"), "{stdout}");
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
fn an_icloud_sender_without_host_uses_the_icloud_preset_and_its_fallback() {
    // No machine here reaches iCloud: the attempt fails, and the error shows that both
    // the published 587 and the advised 465 were tried on smtp.mail.me.com.
    let out = mailwire(
        &[
            "send",
            "--from",
            "someone@icloud.com",
            "--to",
            "friend@example.org",
            "--subject",
            "x",
            "--timeout",
            "5",
        ],
        &[("MAILWIRE_PASSWORD", "app-specific")],
        b"",
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("smtp.mail.me.com"), "{stderr}");
    assert!(stderr.contains("587") && stderr.contains("465"), "{stderr}");
    assert!(!stderr.contains("app-specific"), "{stderr}");
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
    for value in ["MailboxId(", "AppendLimit(None)", "ModSeq(0)", "Alert"] {
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
