//! What every hostile-peer case checks, written once for the SMTP and IMAP suites: a
//! bounded run, bounded memory, nothing secret in plaintext, and a session transcript that
//! can be cut at each of its steps (for the EOF and stall classes).

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mailwire::net::TlsFailure;
use mailwire::testing::{Mode, Script, ScriptedServer, ServerLog};
use rustls::ServerConfig;

use super::certs::{TestCa, self_signed};

/// The longest any one case may take, server and client together. A case that needs more
/// hangs somewhere, and the suite says so instead of waiting.
pub const CASE_LIMIT: Duration = Duration::from_secs(30);

/// Runs `work` within [`CASE_LIMIT`], naming `case` if it does not end.
pub async fn bounded<T>(case: &str, work: impl Future<Output = T>) -> T {
    match tokio::time::timeout(CASE_LIMIT, work).await {
        Ok(value) => value,
        Err(_) => panic!("{case}: still running after {CASE_LIMIT:?}: nothing bounded the wait"),
    }
}

/// The process's peak resident set (`VmHWM` in /proc/self/status), in KiB.
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

/// One resource-exhaustion case at a time: the peak RSS is the whole process's, so two
/// floods at once would each see the other's memory.
static MEMORY_CASES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `work` (within [`CASE_LIMIT`]) and asserts the process's peak RSS grew by less
/// than `bound_mib` while it ran: a client that buffered a flood whole (64 MiB and more in
/// these cases) breaks the bound.
pub async fn memory_bounded<T>(case: &str, bound_mib: u64, work: impl Future<Output = T>) -> T {
    let _alone = MEMORY_CASES.lock().await;
    let before = peak_rss_kib();
    let value = bounded(case, work).await;
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(
        grown < bound_mib * 1024,
        "{case}: the peak RSS grew by {grown} KiB (bound {bound_mib} MiB)"
    );
    value
}

/// What the server read in plaintext holds none of `secrets` (the password in clear and
/// in each encoding the wire could carry it, the message's text).
pub fn assert_plaintext_clean(case: &str, log: &ServerLog, secrets: &[&str]) {
    let plaintext = String::from_utf8_lossy(log.plaintext_unredacted());
    for secret in secrets {
        assert!(
            !plaintext.contains(secret),
            "{case}: {secret:?} went out in plaintext: {plaintext:?}"
        );
    }
}

/// The server's log, whether or not its script ran to its end (a hostile case usually
/// ends with the client hanging up early).
pub async fn log_of(server: ScriptedServer) -> ServerLog {
    match server.finish().await {
        Ok(log) => log,
        Err(error) => error.log,
    }
}

/// Plays `script` on a scripted server and runs `session` (given the server's port)
/// against it within [`CASE_LIMIT`], expecting it to fail: the error, and what the server
/// read (once the session is over, so the log is whole).
pub async fn failed_session<T: Debug, E, F>(
    case: &str,
    script: Script,
    session: impl FnOnce(u16) -> F,
) -> (E, ServerLog)
where
    F: Future<Output = Result<T, E>>,
{
    let server = ScriptedServer::start(script).await.unwrap();
    let error = match bounded(case, session(server.port())).await {
        Ok(value) => panic!("{case}: the session was expected to fail: {value:?}"),
        Err(error) => error,
    };
    (error, log_of(server).await)
}

/// The certificates a client trusting `ca` must refuse, for a server dialled as
/// `localhost`: (what is wrong, the server's TLS configuration, the failure the client
/// must name). `other_name` is the name of the wrong-name certificate.
pub fn bad_certificates(
    ca: &TestCa,
    other_name: &str,
) -> Vec<(&'static str, Arc<ServerConfig>, TlsFailure)> {
    vec![
        (
            "self-signed",
            self_signed(&["localhost"]).server_config(),
            TlsFailure::UnknownIssuer,
        ),
        (
            "wrong name",
            ca.leaf(&[other_name]).server_config(),
            TlsFailure::WrongName,
        ),
        (
            "expired",
            ca.expired_leaf(&["localhost"]).server_config(),
            TlsFailure::Expired,
        ),
        (
            "unknown CA",
            TestCa::named("another test CA")
                .leaf(&["localhost"])
                .server_config(),
            TlsFailure::UnknownIssuer,
        ),
        (
            "impostor CA (the trusted CA's name, another key)",
            TestCa::new().leaf(&["localhost"]).server_config(),
            TlsFailure::BadCertificate,
        ),
    ]
}

/// One step of a session transcript.
#[derive(Clone)]
pub enum Step {
    /// The server sends these bytes; the label names what the client waits for here.
    Server(&'static str, Vec<u8>),
    /// The client sends a line starting with this.
    Client(&'static str),
    /// The client sends everything up to and including this (a message after DATA).
    ClientUntil(&'static str),
    /// The server starts TLS.
    Tls,
}

/// How a cut transcript ends.
#[derive(Clone, Copy, Debug)]
pub enum Cut {
    /// The server closes the connection (EOF for the client).
    Eof,
    /// The server goes silent for this long, then closes.
    Stall(Duration),
}

/// A whole session as the server plays it, to be cut at each step where the client waits
/// for the server (the TLS handshake included).
pub struct Transcript {
    pub steps: Vec<Step>,
    pub tls: Arc<ServerConfig>,
}

impl Transcript {
    /// Each place the client waits for the server: (index of the step, its label).
    pub fn waits(&self) -> Vec<(usize, &'static str)> {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(index, step)| match step {
                Step::Server(label, _) => Some((index, *label)),
                Step::Tls => Some((index, "TLS handshake")),
                _ => None,
            })
            .collect()
    }

    /// The script of the whole session.
    pub fn whole(&self) -> Script {
        self.play(self.steps.len())
            .step_timeout(Duration::from_secs(3))
    }

    /// The script that plays the steps before `index`, then ends as `cut` says.
    pub fn cut_at(&self, index: usize, cut: Cut) -> Script {
        let script = self.play(index).step_timeout(Duration::from_secs(3));
        match cut {
            Cut::Eof => script.close(),
            Cut::Stall(pause) => script.stall(pause).close(),
        }
    }

    fn play(&self, until: usize) -> Script {
        let mut script = Script::new(Mode::Plain);
        for step in self.steps.iter().take(until) {
            script = match step {
                Step::Server(_, bytes) => script.send(bytes),
                Step::Client(prefix) => script.expect_prefix(*prefix),
                Step::ClientUntil(end) => script.read_until(*end),
                Step::Tls => script.starttls(Arc::clone(&self.tls)),
            };
        }
        script
    }
}

/// The number of `#[tokio::test]` functions in each class of a suite (`"smtp"` or
/// `"imap"`), by the class numbers of the README's table. Class 7 (stalls) is the tests of
/// `every_step.rs` whose name speaks of a stall; class 6 the rest of that file.
pub fn tests_per_class(protocol: &str) -> [usize; 9] {
    let files = [
        "stripping",
        "injection",
        "certificates",
        "before_tls",
        "exhaustion",
        "every_step",
        "every_step",
        "malformed",
        "injection_in_arguments",
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut counts = [0; 9];
    for (class, file) in files.iter().enumerate() {
        let path = root.join(format!("tests/hostile_{protocol}/{file}.rs"));
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let names = source.split("#[tokio::test]").skip(1).filter_map(|after| {
            let signature = after.split('(').next()?;
            signature.rsplit(' ').next().map(str::to_owned)
        });
        counts[class] = names
            .filter(|name| match class {
                5 => !name.contains("stall"),
                6 => name.contains("stall"),
                _ => true,
            })
            .count();
    }
    counts
}

/// The test counts the README's hostile-peer table gives for `protocol`'s column: a row's
/// last cell reads `SMTP-tests (cases) / IMAP-tests (cases)`.
pub fn readme_tests_per_class(protocol: &str) -> [usize; 9] {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let column = usize::from(protocol == "imap");
    let mut counts = [usize::MAX; 9];
    for line in readme.lines() {
        let Some(row) = line.strip_prefix("| ") else {
            continue;
        };
        let Some((number, _)) = row.split_once(". ") else {
            continue;
        };
        let Ok(class @ 1..=9) = number.parse::<usize>() else {
            continue;
        };
        let cell = line
            .trim_end_matches(" |")
            .rsplit("| ")
            .next()
            .unwrap_or_default();
        let tests = cell
            .split(" / ")
            .nth(column)
            .and_then(|side| side.split(' ').next())
            .and_then(|count| count.parse().ok());
        if let Some(tests) = tests {
            counts[class - 1] = tests;
        }
    }
    counts
}
