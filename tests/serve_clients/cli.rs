//! mailwire's own `send` and `imap` commands against `mailwire serve`, in both modes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use crate::serve::{Serve, USERS, lines_of, run_command};

/// Longest one `mailwire` command may run.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// The environment variable the tests hand passwords through (never an argument).
const PASSWORD_ENV: &str = "SERVE_TEST_PASSWORD";

/// `mailwire SUBCOMMAND` as `user` to `serve` on `port` with `--tls tls`, trusting its
/// CA, the password handed over in the environment; then `args`.
fn mailwire_as(
    serve: &Serve,
    subcommand: &str,
    port: u16,
    tls: &str,
    user: usize,
    args: &[&str],
) -> Command {
    let (name, password) = USERS[user];
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailwire"));
    command
        .args([
            subcommand,
            "--host",
            &serve.host(),
            "--port",
            &port.to_string(),
        ])
        .args(["--tls", tls])
        .arg("--ca-file")
        .arg(&serve.ca_file)
        .args(["--user", name, "--password-env", PASSWORD_ENV])
        .args(["--timeout", "20"])
        .args(args)
        .env_remove("MAILWIRE_PASSWORD")
        .env(PASSWORD_ENV, password);
    command
}

/// `mailwire imap` as `user` over implicit TLS to `serve`, then `args`.
fn imap_command(serve: &Serve, user: usize, args: &[&str]) -> Command {
    mailwire_as(serve, "imap", serve.imap_tls.port(), "implicit", user, args)
}

/// Runs `mailwire imap ... args` as `user`, demands exit 0, returns stdout.
fn imap_ok(serve: &Serve, user: usize, args: &[&str]) -> String {
    let out = run_command(imap_command(serve, user, args), COMMAND_LIMIT);
    assert!(
        out.status.success(),
        "mailwire imap {args:?} ({}): {}\n{}\nserver: {}",
        serve.mode,
        out.stdout,
        out.stderr,
        serve.stderr_text()
    );
    out.stdout
}

/// `mailwire send` as ann to `serve` over `tls` (`starttls` to the submission port,
/// `implicit` to the TLS one), then `args`.
fn send_command(serve: &Serve, tls: &str, args: &[&str]) -> Command {
    let port = match tls {
        "implicit" => serve.smtp_tls.port(),
        _ => serve.smtp_submission.port(),
    };
    mailwire_as(serve, "send", port, tls, 0, args)
}

fn file(serve: &Serve, name: &str, bytes: &[u8]) -> String {
    let path = serve.dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path.to_str().expect("UTF-8 temp path").to_owned()
}

fn raw_message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ann <ann@mailwire.test>\r\nTo: Bob <bob@mailwire.test>\r\nSubject: {subject}\r\n\
         Date: Fri, 11 Jul 2025 12:00:00 +0000\r\nMessage-ID: <{}.{}@mailwire.test>\r\n\r\n{body}\r\n",
        subject.replace(' ', "."),
        std::process::id()
    )
    .into_bytes()
}

fn cli_send_against(mode: &'static str, test: &str) {
    let serve = Serve::start(mode, test);
    let body = file(
        &serve,
        "body.txt",
        "Grüße aus dem Test.\n.a line with a leading dot\n".as_bytes(),
    );
    let attachment: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let attach = file(&serve, "daten.bin", &attachment);
    let subject = format!("Grüße über {mode}");
    let out = run_command(
        send_command(
            &serve,
            "starttls",
            &[
                "--from",
                "Ann <ann@mailwire.test>",
                "--to",
                USERS[1].0,
                "--subject",
                &subject,
                "--body-file",
                &body,
                "--attach",
                &attach,
            ],
        ),
        COMMAND_LIMIT,
    );
    assert!(
        out.status.success() && out.stdout.starts_with("sent <"),
        "send over STARTTLS: {}\n{}\nserver: {}",
        out.stdout,
        out.stderr,
        serve.stderr_text()
    );
    assert!(
        out.stdout.contains(" to 1 recipient(s) via "),
        "{}",
        out.stdout
    );

    // A ready message sent as is over implicit TLS arrives byte for byte.
    let raw = raw_message("raw over implicit TLS", "exact bytes\r\n.dot line");
    let raw_path = file(&serve, "raw.eml", &raw);
    let out = run_command(
        send_command(
            &serve,
            "implicit",
            &["--from", USERS[0].0, "--to", USERS[1].0, "--raw", &raw_path],
        ),
        COMMAND_LIMIT,
    );
    assert!(
        out.status.success(),
        "send --raw over implicit TLS: {}\n{}",
        out.stdout,
        out.stderr
    );

    // Bob sees both: the built one found by its non-ASCII subject.
    assert_eq!(
        imap_ok(&serve, 1, &["search", "INBOX", "subject:Grüße"]),
        "1\n"
    );
    let headers = imap_ok(&serve, 1, &["fetch", "INBOX", "--uid", "1", "--headers"]);
    assert!(
        headers
            .lines()
            .any(|l| l == "From: Ann <ann@mailwire.test>"),
        "{headers}"
    );
    let out_dir = serve.dir.join("fetched");
    let said = imap_ok(
        &serve,
        1,
        &[
            "fetch",
            "INBOX",
            "--uid",
            "2",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(said.starts_with("wrote 1 message(s), "), "{said}");
    assert_eq!(std::fs::read(out_dir.join("2.eml")).unwrap(), raw);

    // On iCloud the SMTP server itself files the sender's copy in Sent Messages.
    if mode == "icloud" {
        assert_eq!(
            imap_ok(&serve, 0, &["search", "Sent Messages", "all"]),
            "1\n2\n"
        );
    } else {
        assert_eq!(imap_ok(&serve, 0, &["search", "Sent", "all"]), "");
        let out = run_command(
            send_command(
                &serve,
                "starttls",
                &[
                    "--from",
                    USERS[0].0,
                    "--to",
                    USERS[1].0,
                    "--subject",
                    "with a copy",
                    "--save-copy",
                    "--imap-host",
                    &serve.host(),
                    "--imap-port",
                    &serve.imap_tls.port().to_string(),
                ],
            ),
            COMMAND_LIMIT,
        );
        assert!(
            out.status.success()
                && out
                    .stdout
                    .lines()
                    .any(|l| l == "saved a copy in Sent as UID 1"),
            "send --save-copy: {}\n{}",
            out.stdout,
            out.stderr
        );
        let summary = imap_ok(&serve, 0, &["fetch", "Sent"]);
        assert!(
            summary.contains("\\Seen") && summary.ends_with("  with a copy\n"),
            "{summary}"
        );
    }

    // A wrong password: exit 1, one line, and the password nowhere.
    let wrong = "not-ann's-password";
    let out = run_command(
        {
            let mut command = send_command(
                &serve,
                "starttls",
                &[
                    "--from",
                    USERS[0].0,
                    "--to",
                    USERS[1].0,
                    "--subject",
                    "x",
                    "--trace",
                ],
            );
            command.env(PASSWORD_ENV, wrong);
            command
        },
        COMMAND_LIMIT,
    );
    assert_eq!(out.status.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("mailwire: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(errors[0].contains("535"), "{}", out.stderr);
    assert!(!out.stderr.contains(wrong) && !out.stdout.contains(wrong));
}

#[test]
fn cli_send_against_serve_rfc() {
    cli_send_against("rfc", "cli_send_against_serve_rfc");
}

#[test]
fn cli_send_against_serve_icloud() {
    cli_send_against("icloud", "cli_send_against_serve_icloud");
}

fn cli_imap_against(mode: &'static str, test: &str) {
    let serve = Serve::start(mode, test);
    let capabilities = imap_ok(&serve, 0, &["capabilities"]);
    let has = |name: &str| capabilities.lines().any(|l| l == name);
    assert!(
        has("IMAP4rev1") && has("IDLE") && has("UIDPLUS"),
        "{capabilities}"
    );
    assert_eq!(has("MOVE"), mode == "rfc", "{capabilities}");

    let list = imap_ok(&serve, 0, &["list"]);
    let roles: &[(&str, &str)] = match mode {
        "icloud" => &[
            ("INBOX", "inbox"),
            ("Sent Messages", "sent"),
            ("Deleted Messages", "trash"),
            ("Drafts", "drafts"),
            ("Junk", "junk"),
            ("Archive", "archive"),
        ],
        _ => &[
            ("INBOX", "inbox"),
            ("Sent", "sent"),
            ("Trash", "trash"),
            ("Drafts", "drafts"),
            ("Junk", "junk"),
            ("Archive", "archive"),
        ],
    };
    for (name, role) in roles {
        assert!(
            list.lines()
                .any(|l| l == format!("{name}  {role}  0 messages, 0 unseen")),
            "{name} as {role}: {list}"
        );
    }

    let folder = "Projekt Grüße";
    assert_eq!(
        imap_ok(&serve, 0, &["create", folder]).trim(),
        format!("created {folder}")
    );
    let messages = [
        raw_message("alpha Grüße", "one"),
        raw_message("beta", "two\r\n.dot line"),
        raw_message("gamma", "three"),
    ];
    for (index, bytes) in messages.iter().enumerate() {
        let path = file(&serve, &format!("m{index}.eml"), bytes);
        assert_eq!(
            imap_ok(&serve, 0, &["append", folder, &path]).trim(),
            format!(
                "appended {} bytes to {folder} as UID {}",
                bytes.len(),
                index + 1
            )
        );
    }
    let summary = imap_ok(&serve, 0, &["fetch", folder]);
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 3, "{summary}");
    assert!(
        lines[0].starts_with("1  (") && lines[0].ends_with("  ann@mailwire.test  alpha Grüße"),
        "{summary}"
    );
    let headers = imap_ok(&serve, 0, &["fetch", folder, "--uid", "2", "--headers"]);
    assert!(headers.starts_with("== UID 2\n"), "{headers}");
    assert!(headers.lines().any(|l| l == "Subject: beta"), "{headers}");
    let out_dir = serve.dir.join("out");
    let said = imap_ok(
        &serve,
        0,
        &[
            "fetch",
            folder,
            "--uid",
            "1:*",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(said.starts_with("wrote 3 message(s), "), "{said}");
    for (index, bytes) in messages.iter().enumerate() {
        assert_eq!(
            &std::fs::read(out_dir.join(format!("{}.eml", index + 1))).unwrap(),
            bytes
        );
    }
    // Fetching read nothing as seen.
    let status = imap_ok(&serve, 0, &["status", folder]);
    assert!(status.lines().any(|l| l == "unseen 3"), "{status}");
    assert!(status.lines().any(|l| l == "messages 3"), "{status}");

    assert_eq!(
        imap_ok(&serve, 0, &["search", folder, "subject:beta"]),
        "2\n"
    );
    assert_eq!(
        imap_ok(&serve, 0, &["search", folder, "subject:Grüße"]),
        "1\n"
    );
    assert_eq!(
        imap_ok(&serve, 0, &["search", folder, "all", "not:uid:2"]),
        "1\n3\n"
    );
    assert_eq!(
        imap_ok(
            &serve,
            0,
            &["search", folder, "unseen", "from:ann", "body:three"]
        ),
        "3\n"
    );
    assert_eq!(
        imap_ok(&serve, 0, &["search", folder, "subject:nothing"]),
        ""
    );

    // MOVE, or on iCloud COPY + \Deleted + UID EXPUNGE of exactly those.
    let fallback = if mode == "icloud" {
        " (the server has no MOVE: copied, then exactly those expunged)"
    } else {
        ""
    };
    assert_eq!(
        imap_ok(&serve, 0, &["move", folder, "2:3", "Archive"]).trim(),
        format!("moved 2 message(s) from {folder} to Archive{fallback}")
    );
    assert_eq!(imap_ok(&serve, 0, &["search", folder, "all"]), "1\n");
    let archived = imap_ok(&serve, 0, &["fetch", "Archive"]);
    assert!(
        archived.contains("  beta\n") && archived.contains("  gamma\n"),
        "{archived}"
    );
    let archived_uids = imap_ok(&serve, 0, &["search", "Archive", "subject:gamma"]);
    let gamma = archived_uids.trim();
    assert_eq!(
        imap_ok(&serve, 0, &["delete", "Archive", gamma]).trim(),
        "deleted 1 message(s) from Archive"
    );
    assert_eq!(
        imap_ok(&serve, 0, &["search", "Archive", "all"])
            .lines()
            .count(),
        1
    );
    assert_eq!(imap_ok(&serve, 0, &["search", "Archive", "deleted"]), "");

    // IDLE: a message appended by another session is printed within a second.
    let mut idle = imap_command(&serve, 0, &["idle", "INBOX", "--for", "6"]);
    let mut child = idle
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailwire imap idle runs");
    let stdout = lines_of(child.stdout.take().unwrap());
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    for line in stderr.lines() {
        let line = line.unwrap_or_default();
        said.push_str(&line);
        if line.contains("idling in INBOX") {
            break;
        }
    }
    assert!(said.contains("idling in INBOX for 6 s"), "{said}");
    let path = file(&serve, "pushed.eml", &raw_message("pushed", "x"));
    imap_ok(&serve, 0, &["append", "INBOX", &path]);
    let appended = Instant::now();
    let mut seen = Vec::new();
    loop {
        let left = Duration::from_secs(1).saturating_sub(appended.elapsed());
        match stdout.recv_timeout(left) {
            Ok(line) if line == "* 1 EXISTS" => {
                eprintln!(
                    "{test}: `* 1 EXISTS` printed {} ms after the APPEND",
                    appended.elapsed().as_millis()
                );
                break;
            }
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                let _ = child.kill();
                panic!("no `* 1 EXISTS` within 1 s of the APPEND; printed {seen:?}");
            }
        }
    }
    let status = child.wait().expect("idle ends");
    assert!(status.success(), "idle exit {status}: {seen:?}");

    imap_ok(&serve, 0, &["rename", folder, "Umbenannt"]);
    let list = imap_ok(&serve, 0, &["list"]);
    assert!(
        list.lines()
            .any(|l| l == "Umbenannt  -  1 messages, 1 unseen"),
        "{list}"
    );
    assert_eq!(
        imap_ok(&serve, 0, &["remove-mailbox", "Umbenannt"]).trim(),
        "removed Umbenannt"
    );

    // A wrong password: the server's refusal in one line, exit 1.
    let mut command = imap_command(&serve, 0, &["list"]);
    command.env(PASSWORD_ENV, "wrong-password");
    let out = run_command(command, COMMAND_LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn cli_imap_against_serve_rfc() {
    cli_imap_against("rfc", "cli_imap_against_serve_rfc");
}

#[test]
fn cli_imap_against_serve_icloud() {
    cli_imap_against("icloud", "cli_imap_against_serve_icloud");
}
