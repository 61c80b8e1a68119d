//! `mailwire serve` run as a test's server: started with two users and its CA written to a
//! scratch directory, read until `ready`, killed when dropped. And the real clients the
//! tests drive against it (Python scripts, mbsync, swaks): found on PATH, run with a time
//! limit, their output kept.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The accounts every test's server has: (name, password). The second password holds `%`
/// (an IMAP wildcard) so that clients must quote it.
pub const USERS: [(&str, &str); 2] = [
    ("ann@mailwire.test", "ann-secret-1"),
    ("bob@mailwire.test", "bob%secret-2"),
];

/// How long `mailwire serve` may take to print `ready`.
const START_LIMIT: Duration = Duration::from_secs(60);

/// A running `mailwire serve`, killed on drop.
pub struct Serve {
    child: Child,
    /// `rfc` or `icloud`, as given to `--mode`.
    pub mode: &'static str,
    /// SMTP submission with STARTTLS (like 587).
    pub smtp_submission: SocketAddr,
    /// SMTP submission over implicit TLS (like 465).
    pub smtp_tls: SocketAddr,
    /// IMAP over implicit TLS (like 993).
    pub imap_tls: SocketAddr,
    /// IMAP with STARTTLS (like 143).
    pub imap_starttls: SocketAddr,
    /// The CA that signed the server's certificate (`--ca-out`).
    pub ca_file: PathBuf,
    /// A scratch directory of this server's test, removed on drop.
    pub dir: PathBuf,
    /// What the server printed up to `ready`.
    pub printed: Vec<String>,
    stderr: PathBuf,
}

impl Serve {
    /// Starts `mailwire serve --mode MODE` with [`USERS`] on loopback for the test `test`.
    pub fn start(mode: &'static str, test: &str) -> Serve {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() % 1_000_000_000);
        let dir = std::env::temp_dir().join(format!(
            "mailwire-serve-{test}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        let ca_file = dir.join("ca.pem");
        let stderr = dir.join("serve.stderr");
        let mut command = Command::new(env!("CARGO_BIN_EXE_mailwire"));
        command
            .args(["serve", "--listen", "127.0.0.1", "--mode", mode])
            .arg("--ca-out")
            .arg(&ca_file);
        for (name, password) in USERS {
            command.args(["--user", &format!("{name}:{password}")]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("the mailwire binary runs");
        let lines = lines_of(child.stdout.take().expect("piped stdout"));
        let mut serve = Serve {
            child,
            mode,
            smtp_submission: unset(),
            smtp_tls: unset(),
            imap_tls: unset(),
            imap_starttls: unset(),
            ca_file,
            dir,
            printed: Vec::new(),
            stderr,
        };
        let deadline = Instant::now() + START_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(error) => panic!(
                    "mailwire serve --mode {mode} did not print `ready` ({error}); it printed \
                     {:?}; stderr: {}",
                    serve.printed,
                    serve.stderr_text()
                ),
            };
            serve.printed.push(line.clone());
            let words: Vec<&str> = line.split_whitespace().collect();
            let addr = || -> SocketAddr {
                words
                    .get(1)
                    .and_then(|w| w.parse().ok())
                    .unwrap_or_else(|| panic!("no address in {line:?}"))
            };
            match words.first().copied() {
                Some("mode") => assert_eq!(words.get(1), Some(&mode), "{line}"),
                Some("smtp-submission") => {
                    assert_eq!(words.get(2), Some(&"starttls"), "{line}");
                    serve.smtp_submission = addr();
                }
                Some("smtp-tls") => serve.smtp_tls = addr(),
                Some("imap-tls") => serve.imap_tls = addr(),
                Some("imap-starttls") => serve.imap_starttls = addr(),
                Some("ready") => break,
                _ => {}
            }
        }
        for (what, addr) in [
            ("smtp-submission", serve.smtp_submission),
            ("smtp-tls", serve.smtp_tls),
            ("imap-tls", serve.imap_tls),
            ("imap-starttls", serve.imap_starttls),
        ] {
            assert!(
                addr.port() != 0 && addr.ip().is_loopback(),
                "{what} missing or not on loopback: {:?}",
                serve.printed
            );
        }
        for (name, _) in USERS {
            assert!(
                serve.printed.iter().any(|l| l == &format!("user {name}")),
                "user {name} not announced: {:?}",
                serve.printed
            );
        }
        assert!(
            serve
                .printed
                .iter()
                .any(|l| l == &format!("ca-file {}", serve.ca_file.display())),
            "{:?}",
            serve.printed
        );
        let pem = std::fs::read_to_string(&serve.ca_file).expect("the CA file was written");
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        serve
    }

    /// The loopback address all four services listen on, as text.
    pub fn host(&self) -> String {
        self.imap_tls.ip().to_string()
    }

    /// What the server wrote on stderr so far (for failure messages).
    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unset() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

/// The lines of `reader`, read on a thread of their own (so a pipe never fills).
pub fn lines_of(reader: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Whether `program` is an executable file in a directory of PATH.
pub fn installed(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        std::fs::metadata(dir.join(program))
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

/// True when every one of `programs` is installed; otherwise says loudly on stderr which
/// is missing (CI installs them: `scripts/test-servers` puts isync, swaks and python3 in).
pub fn require(test: &str, programs: &[&str]) -> bool {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return true;
    }
    // Straight to the process's stderr, not through eprintln!, which the test harness
    // captures and shows only for failures: a skip must be seen in every run.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!! SKIPPED: {test}: {} not installed (apt-get install isync swaks python3 \
         libnet-ssleay-perl, or run scripts/test-servers start) !!!!!!!!\n",
        missing.join(", ")
    );
    false
}

/// What a client run printed, and how it ended.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` (stdin closed, output captured); kills it and panics after `limit`.
pub fn run_command(mut command: Command, limit: Duration) -> Run {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} does not start: {e}"));
    let stdout = collect(child.stdout.take().expect("piped"));
    let stderr = collect(child.stderr.take().expect("piped"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} still ran after {limit:?}; it printed:\n{}\n{}",
                stdout.join().unwrap_or_default(),
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

fn collect(mut reader: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A client check script of `tests/clients/`.
pub fn client_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clients")
        .join(name)
}
