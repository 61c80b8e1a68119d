//! The real Postfix and Dovecot that `scripts/test-servers start` runs on loopback.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where `scripts/test-servers` writes its settings unless `MAILWIRE_TEST_ENV` says.
const DEFAULT_ENV_FILE: &str = "/tmp/mailwire-test-servers/env";

/// One test user: address, password, Maildir.
#[derive(Debug, Clone)]
pub struct User {
    pub address: String,
    pub password: String,
    pub maildir: PathBuf,
}

/// The settings of the running test servers.
#[derive(Debug, Clone)]
pub struct Servers {
    pub host: String,
    pub tls_name: String,
    pub ca_pem: Vec<u8>,
    pub submission_port: u16,
    pub submissions_port: u16,
    pub smtp_plain_port: u16,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub user1: User,
    pub user2: User,
}

impl Servers {
    /// Reads the env file; panics with the command to run when the servers are not up,
    /// because a test that silently skips proves nothing.
    pub fn get() -> Servers {
        let path = std::env::var("MAILWIRE_TEST_ENV").unwrap_or_else(|_| DEFAULT_ENV_FILE.into());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the real test servers are not running ({path}: {e}); start them with \
                 `scripts/test-servers start` (as root), then run the tests again"
            )
        });
        let vars: HashMap<String, String> = text
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
            .collect();
        let get = |key: &str| -> String {
            vars.get(key)
                .cloned()
                .unwrap_or_else(|| panic!("{path} lacks {key}: restart scripts/test-servers"))
        };
        let port = |key: &str| -> u16 {
            get(key)
                .parse()
                .unwrap_or_else(|_| panic!("{path}: {key} is not a port"))
        };
        let user = |n: u8| User {
            address: get(&format!("MAILWIRE_TEST_USER{n}")),
            password: get(&format!("MAILWIRE_TEST_PASS{n}")),
            maildir: PathBuf::from(get(&format!("MAILWIRE_TEST_MAILDIR{n}"))),
        };
        let ca_path = get("MAILWIRE_TEST_CA");
        Servers {
            host: get("MAILWIRE_TEST_HOST"),
            tls_name: get("MAILWIRE_TEST_TLS_NAME"),
            ca_pem: std::fs::read(&ca_path)
                .unwrap_or_else(|e| panic!("cannot read the test CA {ca_path}: {e}")),
            submission_port: port("MAILWIRE_TEST_SUBMISSION_PORT"),
            submissions_port: port("MAILWIRE_TEST_SUBMISSIONS_PORT"),
            smtp_plain_port: port("MAILWIRE_TEST_SMTP_PLAIN_PORT"),
            imap_port: port("MAILWIRE_TEST_IMAP_PORT"),
            imaps_port: port("MAILWIRE_TEST_IMAPS_PORT"),
            user1: user(1),
            user2: user(2),
        }
    }

    /// user1's address and password, the account every live test logs in as.
    pub fn user1_credentials(&self) -> mailwire::sasl::Credentials {
        mailwire::sasl::Credentials::new(self.user1.address.clone(), self.user1.password.clone())
            .expect("test credentials are valid")
    }

    /// Trust in the servers' certificates: the test CA alone, so that a web PKI root
    /// could never make a test pass.
    pub fn tls(&self) -> mailwire::net::TlsConfig {
        mailwire::net::TlsConfig::only_roots_pem(&self.ca_pem).expect("the test CA parses")
    }

    /// Dovecot's port for `security`: implicit TLS on its own port, the rest on 143.
    pub fn imap_port(&self, security: mailwire::security::Security) -> u16 {
        match security {
            mailwire::security::Security::ImplicitTls => self.imaps_port,
            _ => self.imap_port,
        }
    }

    /// An IMAP client for user1 at Dovecot in `security`, trusting the test CA, with
    /// deadlines long enough for a loaded machine.
    pub fn imap(&self, security: mailwire::security::Security) -> mailwire::imap::ClientBuilder {
        self.imap_at(self.imap_port(security), security)
    }

    /// [`imap`](Servers::imap) reaching Dovecot through `port` (a relay in front of it).
    pub fn imap_at(
        &self,
        port: u16,
        security: mailwire::security::Security,
    ) -> mailwire::imap::ClientBuilder {
        mailwire::imap::ClientBuilder::new(self.tls_name.clone(), port)
            .security(security)
            .tls(self.tls())
            .deadlines(mailwire::imap::Deadlines::all(Duration::from_secs(20)))
            .credentials(self.user1_credentials())
    }

    /// An SMTP client for user1 at Postfix's `port` in `security`, trusting the test CA.
    pub fn smtp(
        &self,
        port: u16,
        security: mailwire::security::Security,
    ) -> mailwire::smtp::ClientBuilder {
        mailwire::smtp::ClientBuilder::new(self.tls_name.clone(), port)
            .security(security)
            .tls(self.tls())
            .credentials(self.user1_credentials())
    }
}

/// user1 logged in to Dovecot in `security`.
pub async fn imap_login(
    servers: &Servers,
    security: mailwire::security::Security,
) -> mailwire::imap::Client {
    servers
        .imap(security)
        .connect()
        .await
        .expect("login to Dovecot")
}

/// A suffix that makes a test's mailbox name its own: the process id, which tells apart
/// the tests running at the same time, and the time, since process ids come round again
/// (a kernel hands out 32,768 of them) and a mailbox left by an interrupted run under the
/// same id must not meet this one.
pub fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{}-{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// What the client sent, as text, to look for a command or the absence of a secret.
pub fn sent_text(log: &mailwire::net::TranscriptLog) -> String {
    String::from_utf8_lossy(&log.bytes(mailwire::net::Direction::Sent)).into_owned()
}

/// Waits until a message containing `marker` (a unique Message-ID or subject) lands in
/// `maildir`'s INBOX, and returns its bytes.
pub fn wait_for_mail(maildir: &Path, marker: &str, within: Duration) -> Vec<u8> {
    let found = wait_for_mails(maildir, &[marker], within);
    found
        .into_iter()
        .next()
        .map(|(_, bytes)| bytes)
        .unwrap_or_default()
}

/// Waits until a message for each of `markers` is in `maildir`'s INBOX; returns them in
/// the order of `markers`. A marker is looked for in the message's header block only (a
/// Message-ID or a subject), and each file is read once. Panics naming the missing ones
/// after `within`.
pub fn wait_for_mails(
    maildir: &Path,
    markers: &[&str],
    within: Duration,
) -> Vec<(String, Vec<u8>)> {
    let started = Instant::now();
    let mut seen: HashSet<std::ffi::OsString> = HashSet::new();
    let mut found: HashMap<&str, Vec<u8>> = HashMap::new();
    loop {
        for folder in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(maildir.join(folder)) else {
                continue;
            };
            for entry in entries.flatten() {
                // Dovecot renames a file when it moves to cur/; the unique part stays.
                let name = entry.file_name();
                let unique = name
                    .to_string_lossy()
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if !seen.insert(unique.into()) {
                    continue;
                }
                let Ok(bytes) = std::fs::read(entry.path()) else {
                    continue;
                };
                let headers = header_block(&bytes);
                for marker in markers {
                    if !found.contains_key(marker) && contains(headers, marker.as_bytes()) {
                        found.insert(marker, bytes.clone());
                    }
                }
            }
        }
        if found.len() == markers.len() {
            return markers
                .iter()
                .map(|m| ((*m).to_owned(), found.remove(m).unwrap_or_default()))
                .collect();
        }
        if started.elapsed() > within {
            let missing: Vec<_> = markers.iter().filter(|m| !found.contains_key(*m)).collect();
            panic!(
                "{} of {} messages never arrived in {}: {:?}",
                missing.len(),
                markers.len(),
                maildir.display(),
                missing.iter().take(5).collect::<Vec<_>>()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The message up to its first empty line.
fn header_block(message: &[u8]) -> &[u8] {
    let end = message
        .windows(2)
        .position(|w| w == b"\n\n")
        .or_else(|| message.windows(4).position(|w| w == b"\r\n\r\n"))
        .unwrap_or(message.len());
    &message[..end]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The stored message with LF line ends made CRLF, as it was on the wire.
pub fn crlf(stored: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(stored.len() + stored.len() / 40);
    let mut previous = 0u8;
    for &byte in stored {
        if byte == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(byte);
        previous = byte;
    }
    out
}

/// Asserts that `stored` is exactly `sent` with only trace headers (Return-Path,
/// Delivered-To, Received) put in front by Postfix and Dovecot.
pub fn assert_delivered_intact(stored: &[u8], sent: &[u8]) {
    let stored = crlf(stored);
    assert!(
        stored.ends_with(sent),
        "the delivered message differs from the one sent.\n--- sent (first 600 bytes) ---\n{}\n--- delivered (first 1200 bytes) ---\n{}",
        String::from_utf8_lossy(&sent[..sent.len().min(600)]),
        String::from_utf8_lossy(&stored[..stored.len().min(1200)])
    );
    let prefix = String::from_utf8_lossy(&stored[..stored.len() - sent.len()]).into_owned();
    for line in prefix.split("\r\n").filter(|l| !l.is_empty()) {
        let trace = [
            "Return-Path:",
            "Delivered-To:",
            "Received:",
            "X-Original-To:",
        ]
        .iter()
        .any(|h| line.len() >= h.len() && line[..h.len()].eq_ignore_ascii_case(h));
        assert!(
            trace || line.starts_with(' ') || line.starts_with('\t'),
            "the server added a non-trace header in front of the message: {line:?}"
        );
    }
}
