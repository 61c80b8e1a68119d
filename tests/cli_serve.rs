//! `mailwire serve`, run as a tester would: start it, read its lines to `ready`, talk to
//! it with the library and with `mailwire imap`, stop it with a signal.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use mailwire::message::{Mailbox, MessageBuilder};
use mailwire::net::{ConnectOptions, Connection, TlsConfig};
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::ClientBuilder;
use mailwire::testing::GeneratedTls;

const BIN: &str = env!("CARGO_BIN_EXE_mailwire");

/// A scratch directory for this test and process, emptied when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("mailwire-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `mailwire serve`, killed if a test fails before stopping it.
struct Served {
    child: Option<Child>,
    /// Its stdout up to and including `ready`.
    lines: Vec<String>,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the mailwire binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child: Some(child),
            lines: Vec::new(),
        };
        loop {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(line) => {
                    let ready = line == "ready";
                    served.lines.push(line);
                    if ready {
                        return served;
                    }
                }
                Err(_) => panic!("no `ready` from mailwire serve; it said {:?}", served.lines),
            }
        }
    }

    /// The address printed after `name`.
    fn addr(&self, name: &str) -> std::net::SocketAddr {
        let line = self
            .lines
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} line in {:?}", self.lines));
        line.split(' ').next().unwrap().parse().unwrap()
    }

    /// Sends `signal` and waits (30 s at most) for the process to end.
    fn stop(mut self, signal: &str) -> Output {
        let child = self.child.take().unwrap();
        // The shell's own `kill`: no crate for signals, and no kill binary to depend on.
        let killed = Command::new("sh")
            .args(["-c", &format!("kill -{signal} {}", child.id())])
            .status()
            .unwrap();
        assert!(killed.success());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        rx.recv_timeout(Duration::from_secs(30))
            .expect("mailwire serve stops within 30 s of the signal")
            .unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn serve_prints_its_ports_delivers_mail_imap_fetches_it_and_sigterm_stops_it() {
    let scratch = Scratch::new("main");
    let ca_file = scratch.path("ca.pem");
    let password = format!("pw-{}", std::process::id());
    let user = format!("bob@serve.test:{password}");
    let served = Served::start(&["--user", &user, "--ca-out", ca_file.to_str().unwrap()]);

    let lines = &served.lines;
    assert_eq!(lines.len(), 8, "{lines:?}");
    assert_eq!(lines[0], "mode rfc");
    let shape = [
        ("smtp-submission 127.0.0.1:", " starttls"),
        ("smtp-tls 127.0.0.1:", ""),
        ("imap-tls 127.0.0.1:", ""),
        ("imap-starttls 127.0.0.1:", ""),
    ];
    for ((prefix, suffix), line) in shape.iter().zip(&lines[1..5]) {
        let port = line
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .unwrap_or_else(|| panic!("{line:?} is not {prefix}PORT{suffix}"));
        assert!(port.parse::<u16>().unwrap() > 0, "{line}");
    }
    assert_eq!(lines[5], "user bob@serve.test");
    assert_eq!(lines[6], format!("ca-file {}", ca_file.display()));
    assert_eq!(lines[7], "ready");
    assert!(!lines.iter().any(|line| line.contains(&password)));

    let ca = std::fs::read(&ca_file).unwrap();
    let message = MessageBuilder::new()
        .from(Mailbox::new("bob@serve.test").unwrap())
        .to(Mailbox::new("bob@serve.test").unwrap())
        .subject("through mailwire serve")
        .text_body("sent with the library, fetched with the CLI\n")
        .build()
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut smtp = ClientBuilder::new("localhost", served.addr("smtp-submission").port())
            .security(Security::StartTls)
            .tls(TlsConfig::only_roots_pem(&ca).unwrap())
            .credentials(Credentials::new("bob@serve.test", &password).unwrap())
            .connect()
            .await
            .unwrap();
        smtp.send(&message).await.unwrap();
        smtp.quit().await.unwrap();
    });

    let out_dir = scratch.path("fetched");
    std::fs::create_dir_all(&out_dir).unwrap();
    let imap_port = served.addr("imap-tls").port().to_string();
    let fetch = |extra: &[&str]| {
        Command::new(BIN)
            .args([
                "imap",
                "--host",
                "localhost",
                "--port",
                &imap_port,
                "--ca-file",
                ca_file.to_str().unwrap(),
                "--user",
                "bob@serve.test",
                "--password-env",
                "SERVE_TEST_PASSWORD",
                "fetch",
                "INBOX",
            ])
            .args(extra)
            .env("SERVE_TEST_PASSWORD", &password)
            .output()
            .unwrap()
    };
    let listed = fetch(&[]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert!(
        text(&listed.stdout).contains("through mailwire serve"),
        "{}",
        text(&listed.stdout)
    );
    let saved = fetch(&["--out", out_dir.to_str().unwrap()]);
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    assert_eq!(
        std::fs::read(out_dir.join("1.eml")).unwrap(),
        message.as_bytes()
    );

    let stopped = served.stop("TERM");
    assert!(
        stopped.status.success(),
        "exit {:?}: {}",
        stopped.status,
        text(&stopped.stderr)
    );
    assert!(text(&stopped.stderr).contains("stopped on SIGTERM"));
    assert!(!text(&stopped.stderr).contains(&password));
}

#[test]
fn without_flags_it_serves_the_default_user_prints_the_ca_and_sigint_stops_it() {
    let served = Served::start(&["--mode", "icloud"]);
    let lines = &served.lines;
    assert_eq!(lines[0], "mode icloud");
    assert_eq!(lines[5], "user demo@mailwire.test");
    assert_eq!(lines[6], "-----BEGIN CERTIFICATE-----");
    assert_eq!(lines[lines.len() - 2], "-----END CERTIFICATE-----");
    let pem = lines[6..lines.len() - 1].join("\n");
    let tls = TlsConfig::only_roots_pem(pem.as_bytes()).unwrap();
    let imap = served.addr("imap-tls");
    let greeting = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let options = ConnectOptions::default().with_tls(tls);
        let mut connection = Connection::connect_tls("localhost", imap.port(), &options)
            .await
            .unwrap();
        String::from_utf8(connection.read_line().await.unwrap()).unwrap()
    });
    assert!(greeting.contains("XAPPLEPUSHSERVICE"), "{greeting}");
    assert!(!lines.iter().any(|line| line.contains("demo-password")));

    let stopped = served.stop("INT");
    assert!(stopped.status.success(), "{}", text(&stopped.stderr));
    let stderr = text(&stopped.stderr);
    // The default password is told on stderr, so a person can log in.
    assert!(stderr.contains("demo-password"), "{stderr}");
    assert!(stderr.contains("stopped on SIGINT"), "{stderr}");
}

#[test]
fn a_given_certificate_is_presented_and_no_ca_is_printed() {
    let scratch = Scratch::new("given");
    let tls = GeneratedTls::generate(&[]).unwrap();
    let cert = scratch.path("cert.pem");
    let key = scratch.path("key.pem");
    std::fs::write(&cert, tls.server_cert_pem()).unwrap();
    std::fs::write(&key, tls.server_key_pem()).unwrap();
    let served = Served::start(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--listen",
        "127.0.0.1",
    ]);
    assert_eq!(served.lines.len(), 7, "{:?}", served.lines);
    let smtps = served.addr("smtp-tls");
    let greeting = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let options = ConnectOptions::default().with_tls(tls.client_tls());
        let mut connection = Connection::connect_tls("127.0.0.1", smtps.port(), &options)
            .await
            .unwrap();
        String::from_utf8(connection.read_line().await.unwrap()).unwrap()
    });
    assert!(greeting.starts_with("220 localhost"), "{greeting}");
    assert!(served.stop("TERM").status.success());
}

#[test]
fn bad_arguments_are_usage_errors_that_say_what_is_wrong() {
    for (args, expected) in [
        (&["--user", "alice"][..], "NAME:PASSWORD"),
        (&["--user", "alice\r\n:pw"][..], "CR, LF or NUL"),
        (&["--listen", "example.org"][..], "IP address"),
        (&["--mode", "gmail"][..], "rfc"),
        (&["--tls-cert", "c.pem"][..], "--tls-key"),
        (
            &[
                "--tls-cert",
                "/nonexistent/c.pem",
                "--tls-key",
                "/nonexistent/k.pem",
            ][..],
            "cannot read",
        ),
    ] {
        let out = Command::new(BIN).arg("serve").args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        let usage = !expected.starts_with("cannot");
        assert_eq!(
            out.status.code(),
            Some(if usage { 2 } else { 1 }),
            "{args:?}"
        );
    }
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("--user NAME:PASSWORD"));
}
