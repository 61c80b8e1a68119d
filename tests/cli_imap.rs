//! `mailwire imap`, run as a user would run it, against the real Dovecot of
//! `scripts/test-servers` (and a scripted server where Dovecot cannot misbehave). Each test
//! works in mailboxes of its own, unique per test and process, removed at the end, since
//! Dovecot's users are shared with other tests running at the same time.

mod support;

use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use mailwire::testing::{Mode, Script, ScriptedServer};
use support::cli::{loopback_ca, raw_terminal_controls, text};
use support::servers::Servers;

/// The TLS modes Dovecot serves, as `--tls` names them.
const MODES: [&str; 2] = ["implicit", "starttls"];

/// A server text with what a terminal obeys: ESC sequences, BEL, a bidi override, a C1.
const HOSTILE_TEXT: &[u8] = b"\x1b[2J\x1b]0;owned\x07 \xe2\x80\xae gnp \xc2\x9b";

/// A scratch path unique to this process and `name`.
fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mailwire-cli-imap-{}-{name}", std::process::id()))
}

fn ca_file() -> PathBuf {
    let path = scratch("ca.pem");
    if !path.exists() {
        std::fs::write(&path, &Servers::get().ca_pem).unwrap();
    }
    path
}

/// `mailwire imap` with the connection flags for alice on Dovecot in `mode`, then `args`.
fn imap_command(mode: &str, args: &[&str]) -> Command {
    let servers = Servers::get();
    let port = match mode {
        "implicit" => servers.imaps_port,
        _ => servers.imap_port,
    }
    .to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mailwire"));
    command
        .args([
            "imap",
            "--host",
            &servers.tls_name,
            "--port",
            &port,
            "--tls",
            mode,
        ])
        .arg("--ca-file")
        .arg(ca_file())
        .args([
            "--user",
            &servers.user1.address,
            "--password-env",
            "TEST_IMAP_PASSWORD",
        ])
        .args(["--timeout", "30"])
        .args(args)
        .env_remove("MAILWIRE_PASSWORD")
        .env("TEST_IMAP_PASSWORD", &servers.user1.password)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn imap(mode: &str, args: &[&str]) -> Output {
    imap_command(mode, args)
        .output()
        .expect("the mailwire binary runs")
}

/// Runs and demands success; returns stdout.
fn imap_ok(mode: &str, args: &[&str]) -> String {
    let out = imap(mode, args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "imap {args:?}: {stdout}\n{stderr}");
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");
    stdout
}

/// A mailbox of this test, created now (and first removed if an interrupted run of this
/// process id left it), removed when dropped.
struct TestMailbox {
    name: String,
}

impl TestMailbox {
    fn new(test: &str) -> Self {
        let name = format!("cli-{test}-{}", support::servers::unique_suffix());
        let _ = imap("implicit", &["remove-mailbox", &name]);
        imap_ok("implicit", &["create", &name]);
        TestMailbox { name }
    }
}

impl Drop for TestMailbox {
    fn drop(&mut self) {
        let _ = imap("implicit", &["remove-mailbox", &self.name]);
    }
}

/// `mailwire imap append` of `bytes` to `mailbox` over `mode`, through a scratch file
/// named `file`; what it printed.
fn append(mode: &str, mailbox: &str, file: &str, bytes: &[u8]) -> String {
    let path = scratch(file);
    std::fs::write(&path, bytes).unwrap();
    let said = imap_ok(mode, &["append", mailbox, path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    said
}

/// `mailwire imap` running `args` over implicit TLS in the background, given three
/// seconds to log in and settle before the test acts on the mailbox from elsewhere.
fn settled(args: &[&str]) -> Child {
    let child = imap_command("implicit", args)
        .spawn()
        .expect("the mailwire binary runs");
    std::thread::sleep(Duration::from_secs(3));
    child
}

/// The stdout and stderr of a background command, once it has ended successfully.
fn succeeded(child: Child) -> (String, String) {
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Ann <ann@mailwire.test>\r\nTo: Bob <bob@mailwire.test>\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}.{}@mailwire.test>\r\n\r\n{body}\r\n",
        std::process::id()
    )
    .into_bytes()
}

#[test]
fn capabilities_and_list_in_both_tls_modes() {
    for mode in MODES {
        let capabilities = imap_ok(mode, &["capabilities"]);
        let lines: Vec<&str> = capabilities.lines().collect();
        assert!(
            lines.contains(&"IMAP4rev1") && lines.contains(&"IDLE"),
            "{mode}: {capabilities}"
        );
        // After login: no STARTTLS and no LOGINDISABLED learned before TLS.
        assert!(!lines.contains(&"STARTTLS"), "{mode}: {capabilities}");

        let list = imap_ok(mode, &["list"]);
        let inbox = list
            .lines()
            .find(|l| l.starts_with("INBOX  "))
            .unwrap_or_default();
        assert!(
            inbox.starts_with("INBOX  inbox  ") && inbox.ends_with(" unseen"),
            "{list}"
        );
        // iCloud's folder names, found by special-use attribute.
        assert!(
            list.lines().any(|l| l.starts_with("Sent Messages  sent  ")),
            "{list}"
        );
        assert!(
            list.lines()
                .any(|l| l.starts_with("Deleted Messages  trash  ")),
            "{list}"
        );
    }
}

#[test]
fn non_ascii_mailboxes_are_created_listed_renamed_and_removed_as_text() {
    let suffix = support::servers::unique_suffix();
    let first = format!("cli-Grüße-{suffix}");
    let second = format!("cli-日本語-{suffix}");
    let _ = imap("implicit", &["remove-mailbox", &first]);
    let _ = imap("implicit", &["remove-mailbox", &second]);

    assert_eq!(
        imap_ok("starttls", &["create", &first]).trim(),
        format!("created {first}")
    );
    let list = imap_ok("implicit", &["list"]);
    assert!(
        list.lines()
            .any(|l| l == format!("{first}  -  0 messages, 0 unseen")),
        "{list}"
    );
    assert!(!list.contains("&AN8-"), "names are shown decoded: {list}");
    let status = imap_ok("implicit", &["status", &first]);
    assert!(status.lines().any(|l| l == "messages 0"), "{status}");
    assert!(
        status.lines().any(|l| l.starts_with("uidvalidity ")),
        "{status}"
    );

    imap_ok("implicit", &["rename", &first, &second]);
    let list = imap_ok("starttls", &["list"]);
    assert!(
        list.lines().any(|l| l.starts_with(&format!("{second}  "))),
        "{list}"
    );
    assert!(!list.contains(&first), "{list}");

    assert_eq!(
        imap_ok("implicit", &["remove-mailbox", &second]).trim(),
        format!("removed {second}")
    );
    let list = imap_ok("implicit", &["list"]);
    assert!(!list.contains(&second), "{list}");

    // A mailbox that is not there: the server's NO, one line, exit 1.
    let out = imap("implicit", &["status", &second]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("mailwire: ") && stderr.contains("STATUS"),
        "{stderr}"
    );
}

#[test]
fn append_then_fetch_as_summary_headers_and_files() {
    for mode in MODES {
        let mailbox = TestMailbox::new(&format!("fetch-{mode}"));
        let name = mailbox.name.as_str();
        let originals = [
            message("first Grüße", "one"),
            message("second", "two\r\n.dot line"),
        ];
        for (index, bytes) in originals.iter().enumerate() {
            let said = append(mode, name, &format!("msg-{mode}-{index}.eml"), bytes);
            assert_eq!(
                said.trim(),
                format!(
                    "appended {} bytes to {name} as UID {}",
                    bytes.len(),
                    index + 1
                )
            );
        }

        let summary = imap_ok(mode, &["fetch", name]);
        let lines: Vec<&str> = summary.lines().collect();
        assert_eq!(lines.len(), 2, "{summary}");
        assert!(
            lines[0].starts_with("1  (") && lines[0].contains("  ann@mailwire.test  first Grüße"),
            "{summary}"
        );
        assert!(!lines[0].contains("Seen"), "{summary}");
        assert!(
            lines[1].starts_with("2  ") && lines[1].ends_with("  second"),
            "{summary}"
        );
        // Fetching read nothing as seen (EXAMINE and BODY.PEEK).
        let status = imap_ok(mode, &["status", name]);
        assert!(status.lines().any(|l| l == "unseen 2"), "{status}");

        let headers = imap_ok(mode, &["fetch", name, "--uid", "2", "--headers"]);
        assert!(headers.starts_with("== UID 2\n"), "{headers}");
        assert!(headers.lines().any(|l| l == "Subject: second"), "{headers}");
        assert!(!headers.contains("first"), "{headers}");

        let last = imap_ok(mode, &["fetch", name, "--last", "1"]);
        assert!(
            last.lines().count() == 1 && last.starts_with("2  "),
            "{last}"
        );

        let dir = scratch(&format!("out-{mode}"));
        let _ = std::fs::remove_dir_all(&dir);
        let said = imap_ok(
            mode,
            &[
                "fetch",
                name,
                "--uid",
                "1:*",
                "--out",
                dir.to_str().unwrap(),
            ],
        );
        assert!(said.starts_with("wrote 2 message(s), "), "{said}");
        for (index, original) in originals.iter().enumerate() {
            let stored = std::fs::read(dir.join(format!("{}.eml", index + 1))).unwrap();
            assert_eq!(&stored, original, "{mode}: message {}", index + 1);
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn idle_prints_what_the_server_pushes_while_it_waits() {
    let mailbox = TestMailbox::new("idle");
    let name = mailbox.name.clone();
    let child = settled(&["idle", &name, "--for", "8"]);
    // It has selected and is idling: a message added from another session.
    append("starttls", &name, "idle.eml", &message("pushed", "x"));
    let started = Instant::now();
    let (stdout, stderr) = succeeded(child);
    assert!(
        stderr.contains(&format!("idling in {name} for 8 s")),
        "{stderr}"
    );
    assert!(stdout.lines().any(|l| l == "* 1 EXISTS"), "{stdout}");
    // It waited out its --for and no more.
    assert!(started.elapsed() < Duration::from_secs(8), "{stdout}");
}

#[test]
fn watch_prints_new_and_removed_messages_by_uid_as_they_happen() {
    let mailbox = TestMailbox::new("watch");
    let name = mailbox.name.clone();
    let child = settled(&["watch", &name, "--for", "10"]);
    // It is watching: a message added, then deleted, from other sessions.
    let appended = append("starttls", &name, "watch.eml", &message("watched", "x"));
    let uid = appended
        .trim()
        .rsplit_once(" as UID ")
        .map(|(_, uid)| uid.to_owned())
        .unwrap_or_else(|| panic!("Dovecot gives APPENDUID: {appended}"));
    std::thread::sleep(Duration::from_secs(2));
    imap_ok("starttls", &["delete", &name, &uid]);
    let (stdout, stderr) = succeeded(child);
    assert!(
        stderr.contains(&format!("watching {name} for 10 s")),
        "{stderr}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    // The flags are the server's to choose (Dovecot adds \Recent for the first session).
    let new_line =
        |line: &&&str| line.starts_with(&format!("new {uid} (")) && line.ends_with(") watched");
    let removed = format!("removed {uid}");
    assert_eq!(lines.iter().filter(new_line).count(), 1, "{stdout}");
    assert_eq!(
        lines.iter().filter(|l| **l == removed).count(),
        1,
        "{stdout}"
    );
}

#[test]
fn a_wrong_password_is_one_line_exit_1_and_never_printed_even_traced() {
    let servers = Servers::get();
    let wrong = format!(
        "wrong-{}-{}",
        std::process::id(),
        servers.user1.password.len()
    );
    for mode in MODES {
        let out = imap_command(mode, &["list", "--trace"])
            .env("TEST_IMAP_PASSWORD", &wrong)
            .output()
            .unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert_eq!(stdout, "");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("mailwire: "))
            .collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(
            errors[0].contains("the user name or password was refused"),
            "{stderr}"
        );
        // The transcript ran (C: and S: lines) and shows the login only redacted.
        assert!(stderr.contains("C: ") && stderr.contains("S: "), "{stderr}");
        assert!(stderr.contains("<redacted>"), "{stderr}");
        assert!(!stderr.contains(&wrong), "the password leaked: {stderr}");
        let plain = base64_of(format!("\0{}\0{wrong}", servers.user1.address).as_bytes());
        assert!(
            !stderr.contains(&plain),
            "the password leaked in base64: {stderr}"
        );
    }
}

/// Standard base64, enough for the leak check without a dependency here.
fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn usage_mistakes_exit_2_with_one_line() {
    for args in [
        &["imap"][..],
        &["imap", "--host", "h", "--user", "u", "frobnicate"],
        &[
            "imap",
            "--host",
            "h",
            "--user",
            "u",
            "--password",
            "x",
            "list",
        ],
        &["imap", "--host", "h", "--user", "u", "fetch"],
        &[
            "imap", "--host", "h", "--user", "u", "fetch", "INBOX", "--uid", "1,",
        ],
        &[
            "imap", "--host", "h", "--user", "u", "fetch", "INBOX", "--uid", "1", "--last", "2",
        ],
        &[
            "imap", "--host", "h", "--user", "u", "--tls", "none", "list",
        ],
        &["imap", "--user", "someone@example.org", "list"],
        &["imap", "--host", "h", "list"],
        &[
            "imap", "--host", "h", "--user", "u", "idle", "INBOX", "--for", "soon",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mailwire"))
            .args(args)
            .env("MAILWIRE_PASSWORD", "unused")
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.ends_with("(see mailwire --help)\n"),
            "{args:?}: {stderr}"
        );
    }
    let help = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(["imap", "--help"])
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("search MAILBOX QUERY"));
}

/// `mailwire args`, run off the runtime that serves the scripted servers, with a password
/// in the environment and the server names in `redirect` sent to those servers.
async fn redirected(args: &[&str], redirect: String) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_mailwire"))
            .args(args)
            .env("MAILWIRE_PASSWORD", "app-specific")
            .env("MAILWIRE_TEST_REDIRECT", redirect)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn an_icloud_user_without_host_goes_to_the_icloud_preset_and_server_text_is_escaped() {
    // The preset (imap.mail.me.com:993, implicit TLS, iCloud's behaviour) proven on
    // loopback through the tests' redirect; nothing here can reach the real server.
    let (tls, ca_path) = loopback_ca("icloud-ca.pem");
    let refusal = [&b"A2 NO [ALERT] "[..], HOSTILE_TEXT, b"\r\n"].concat();
    let script = Script::new(Mode::ImplicitTls(tls))
        .send(b"* OK [CAPABILITY st11p00mm-iscream009 1Q2W3E XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready\r\n")
        .expect_prefix("A1 AUTHENTICATE PLAIN ")
        .send(b"A1 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] user authenticated\r\n")
        .expect_prefix("A2 STATUS INBOX ")
        .send(refusal);
    let server = ScriptedServer::start(script).await.unwrap();
    let redirect = format!("imap.mail.me.com:993=localhost:{}", server.port());
    let ca_arg = ca_path.to_str().unwrap();
    let out = redirected(
        &[
            "imap",
            "--user",
            "someone@icloud.com",
            "--ca-file",
            ca_arg,
            "--timeout",
            "10",
            "status",
            "INBOX",
        ],
        redirect,
    )
    .await;
    std::fs::remove_file(&ca_path).ok();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("\\u{1b}[2J") && stderr.contains("STATUS"),
        "{stderr:?}"
    );
    assert_eq!(raw_terminal_controls(&stderr), [], "{stderr:?}");
    let log = match server.finish().await {
        Ok(log) => log,
        Err(error) => error.log,
    };
    assert!(log.tls_established && log.plaintext_len == 0, "{log:?}");
    assert!(log.expectations.iter().all(|e| e.matched), "{log:?}");
}

/// Runs `command` to its end and returns its output and its peak resident memory
/// (`VmHWM`), read from `/proc` while it runs.
fn run_measuring_peak_rss(mut command: Command) -> (Output, u64) {
    let mut child = command.spawn().expect("the mailwire binary runs");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let readers = std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let _ = stdout.read_to_end(&mut out);
        let _ = stderr.read_to_end(&mut err);
        (out, err)
    });
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path) {
            // A high-water mark: the last reading before the exit is the peak.
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (out, err) = readers.join().unwrap();
    (
        Output {
            status,
            stdout: out,
            stderr: err,
        },
        peak_kib * 1024,
    )
}

/// True when the two files hold the same bytes, read a buffer at a time.
fn same_bytes(a: &Path, b: &Path) -> bool {
    let (mut a, mut b) = (
        BufReader::new(std::fs::File::open(a).unwrap()),
        BufReader::new(std::fs::File::open(b).unwrap()),
    );
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = read_full(&mut a, &mut x);
        let m = read_full(&mut b, &mut y);
        if n != m || x[..n] != y[..m] {
            return false;
        }
        if n == 0 {
            return true;
        }
    }
}

fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> usize {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]).unwrap() {
            0 => break,
            n => filled += n,
        }
    }
    filled
}

#[test]
fn a_100_mb_message_appended_and_fetched_is_byte_identical_with_peak_rss_under_64_mb() {
    const SIZE: u64 = 100 * 1024 * 1024;
    const RSS_LIMIT: u64 = 64 * 1024 * 1024;
    let mailbox = TestMailbox::new("big");
    let name = mailbox.name.clone();
    let source = scratch("big.eml");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&source).unwrap());
        let head =
            b"From: <ann@mailwire.test>\r\nTo: <bob@mailwire.test>\r\nSubject: 100 MB\r\n\r\n";
        file.write_all(head).unwrap();
        let mut written = head.len() as u64;
        let mut line_no = 0u64;
        loop {
            // Varied lines, so a shifted or repeated block would not compare equal.
            let line = format!(
                "{line_no:010} {}\r\n",
                "abcdefghijklmnopqrstuvwxyz0123456789".repeat(2)
            );
            if written + line.len() as u64 > SIZE {
                break;
            }
            file.write_all(line.as_bytes()).unwrap();
            written += line.len() as u64;
            line_no += 1;
        }
        file.flush().unwrap();
    }
    let size = std::fs::metadata(&source).unwrap().len();
    assert!(size > SIZE - 100, "{size}");

    let (out, peak) = run_measuring_peak_rss(imap_command(
        "implicit",
        &[
            "--timeout",
            "300",
            "append",
            &name,
            source.to_str().unwrap(),
        ],
    ));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(&format!("appended {size} bytes to {name} as UID ")),
        "{stdout}"
    );
    let uid = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(peak > 0 && peak < RSS_LIMIT, "append peak RSS {peak} bytes");
    eprintln!("append: peak RSS {} KiB", peak / 1024);

    let dir = scratch("big-out");
    let _ = std::fs::remove_dir_all(&dir);
    let (out, peak) = run_measuring_peak_rss(imap_command(
        "implicit",
        &[
            "--timeout",
            "300",
            "fetch",
            &name,
            "--uid",
            &uid,
            "--out",
            dir.to_str().unwrap(),
        ],
    ));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(peak > 0 && peak < RSS_LIMIT, "fetch peak RSS {peak} bytes");
    eprintln!("fetch: peak RSS {} KiB", peak / 1024);
    let fetched = dir.join(format!("{uid}.eml"));
    assert_eq!(std::fs::metadata(&fetched).unwrap().len(), size);
    assert!(same_bytes(&source, &fetched), "the fetched message differs");
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_file(&source).ok();
}

#[test]
fn send_save_copy_files_the_sent_message_in_the_sent_folder_by_role() {
    let servers = Servers::get();
    let subject = format!("save-copy {}", std::process::id());
    let out = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(["send", "--host", &servers.tls_name])
        .args([
            "--port",
            &servers.submission_port.to_string(),
            "--tls",
            "starttls",
        ])
        .arg("--ca-file")
        .arg(ca_file())
        .args([
            "--user",
            &servers.user1.address,
            "--password-env",
            "TEST_SMTP_PASSWORD",
        ])
        .args([
            "--from",
            &servers.user1.address,
            "--to",
            &servers.user2.address,
        ])
        .args(["--subject", &subject, "--timeout", "30"])
        .args([
            "--save-copy",
            "--imap-port",
            &servers.imaps_port.to_string(),
        ])
        .env("TEST_SMTP_PASSWORD", &servers.user1.password)
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let saved = stdout
        .lines()
        .find_map(|l| l.strip_prefix("saved a copy in Sent Messages as UID "))
        .unwrap_or_else(|| panic!("no copy saved: {stdout}\n{stderr}"))
        .to_owned();
    let headers = imap_ok(
        "implicit",
        &["fetch", "Sent Messages", "--uid", &saved, "--headers"],
    );
    assert!(
        headers.lines().any(|l| l == format!("Subject: {subject}")),
        "{headers}"
    );
    let summary = imap_ok("implicit", &["fetch", "Sent Messages", "--uid", &saved]);
    assert!(
        summary.contains("\\Seen"),
        "the copy is marked seen: {summary}"
    );
    remove_from("Sent Messages", &saved);
}

/// Removes this test's message `uid` from a shared mailbox.
fn remove_from(mailbox: &str, uid: &str) {
    let _ = imap("implicit", &["delete", mailbox, uid]);
}

#[tokio::test]
async fn send_save_copy_on_icloud_adds_nothing_and_says_why() {
    // iCloud's SMTP files the copy itself: no IMAP connection is made at all (the redirect
    // covers only the SMTP endpoints, so any IMAP attempt would fail the run).
    let (tls, ca_path) = loopback_ca("icloud-send-ca.pem");
    let refuse = Script::new(Mode::Plain).send(b"421 4.3.2 not now\r\n");
    let submit = Script::new(Mode::ImplicitTls(tls))
        .send(b"220 smtp.mail.me.com ESMTP\r\n")
        .expect_prefix("EHLO ")
        .send(b"250-smtp.mail.me.com\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
        .expect_prefix("AUTH PLAIN ")
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
    let server_587 = ScriptedServer::start(refuse).await.unwrap();
    let server_465 = ScriptedServer::start(submit).await.unwrap();
    let redirect = format!(
        "smtp.mail.me.com:587=localhost:{} smtp.mail.me.com:465=localhost:{}",
        server_587.port(),
        server_465.port()
    );
    let ca_arg = ca_path.to_str().unwrap();
    let out = redirected(
        &[
            "send",
            "--from",
            "someone@icloud.com",
            "--to",
            "friend@example.org",
            "--subject",
            "x",
            "--ca-file",
            ca_arg,
            "--timeout",
            "10",
            "--save-copy",
        ],
        redirect,
    )
    .await;
    std::fs::remove_file(&ca_path).ok();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.starts_with("sent <"), "{stdout}");
    assert!(!stdout.contains("saved a copy"), "{stdout}");
    assert!(
        stderr.contains(
            "note: iCloud Mail files a copy of each sent message in the Sent folder itself"
        ),
        "{stderr}"
    );
    server_465.finish().await.expect("465 carried the message");
}

#[test]
fn search_move_and_delete_act_on_exactly_the_uids_named() {
    for mode in MODES {
        let source = TestMailbox::new(&format!("ops-{mode}"));
        let target = TestMailbox::new(&format!("ops-target-{mode}"));
        let (from, to) = (source.name.as_str(), target.name.as_str());
        for (index, subject) in ["alpha Grüße", "beta", "gamma", "delta"].iter().enumerate() {
            append(
                mode,
                from,
                &format!("ops-{mode}-{index}.eml"),
                &message(subject, "x"),
            );
        }

        assert_eq!(imap_ok(mode, &["search", from, "subject:beta"]), "2\n");
        assert_eq!(imap_ok(mode, &["search", from, "subject:Grüße"]), "1\n");
        assert_eq!(
            imap_ok(mode, &["search", from, "all", "not:uid:2:3"]),
            "1\n4\n"
        );
        assert_eq!(
            imap_ok(
                mode,
                &["search", from, "unseen", "since:2000-01-01", "from:ann"]
            ),
            "1\n2\n3\n4\n"
        );
        assert_eq!(
            imap_ok(mode, &["search", from, "subject:nothing-like-this"]),
            ""
        );

        let moved = imap_ok(mode, &["move", from, "2:3", to]);
        assert_eq!(
            moved.trim(),
            format!("moved 2 message(s) from {from} to {to}")
        );
        assert_eq!(imap_ok(mode, &["search", from, "all"]), "1\n4\n");
        let arrived = imap_ok(mode, &["fetch", to]);
        assert!(
            arrived.contains("  beta") && arrived.contains("  gamma"),
            "{arrived}"
        );

        let deleted = imap_ok(mode, &["delete", from, "4"]);
        assert_eq!(deleted.trim(), format!("deleted 1 message(s) from {from}"));
        assert_eq!(imap_ok(mode, &["search", from, "all"]), "1\n");
        // Nothing else was flagged or removed.
        assert_eq!(imap_ok(mode, &["search", from, "deleted"]), "");
    }
}

/// `mailwire decode trace` on what `--trace` printed: every entry parsed, exit 0.
fn decode_trace(trace: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailwire"))
        .args(["decode", "trace", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mailwire binary runs");
    child.stdin.take().unwrap().write_all(trace).unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "{stdout}\n{stderr}\nthe trace:\n{}",
        text(trace)
    );
    assert_eq!(raw_terminal_controls(&stdout), [], "{stdout:?}");
    stdout
}

#[test]
fn decode_trace_reads_back_the_trace_of_an_append_and_a_fetch() {
    let servers = Servers::get();
    let mailbox = TestMailbox::new("trace");
    let name = mailbox.name.as_str();
    // A tab (escaped by the tracer) and several lines: the literal spans them both ways.
    let original = message("traced", "a\tb\r\nline two\r\n.dot line");
    let path = scratch("trace.eml");
    std::fs::write(&path, &original).unwrap();
    let appended = imap_command(
        "implicit",
        &["append", name, path.to_str().unwrap(), "--trace"],
    )
    .output()
    .unwrap();
    std::fs::remove_file(&path).ok();
    assert!(appended.status.success(), "{}", text(&appended.stderr));
    let dir = scratch("trace-out");
    let _ = std::fs::remove_dir_all(&dir);
    let fetched = imap_command(
        "starttls",
        &[
            "fetch",
            name,
            "--uid",
            "1",
            "--out",
            dir.to_str().unwrap(),
            "--trace",
        ],
    )
    .output()
    .unwrap();
    assert!(fetched.status.success(), "{}", text(&fetched.stderr));
    assert_eq!(std::fs::read(dir.join("1.eml")).unwrap(), original);
    std::fs::remove_dir_all(&dir).ok();

    let append = decode_trace(&appended.stderr);
    let fetch = decode_trace(&fetched.stderr);
    for decoded in [&append, &fetch] {
        assert!(decoded.contains(" -> greeting OK"), "{decoded}");
        assert!(
            decoded.contains(" -> command Login") || decoded.contains(" -> command Authenticate"),
            "{decoded}"
        );
        assert!(
            !decoded.contains(&servers.user1.password),
            "the password leaked: {decoded}"
        );
    }
    assert!(append.contains(" -> command Append"), "{append}");
    assert!(fetch.contains(" -> command StartTls"), "{fetch}");
    let body = fetch
        .lines()
        .find(|line| line.ends_with(" -> data Fetch") && line.contains("BODY"))
        .unwrap_or_else(|| panic!("no FETCH with the body in {fetch}"));
    assert!(body.starts_with("S "), "{body}");
}
