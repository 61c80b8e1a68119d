//! Connect → STARTTLS → EHLO → AUTH (ready to send) against the real Postfix on loopback,
//! beside Python's smtplib doing the same steps in the same run.
//!
//! `cargo bench --bench connect`. Needs the test servers (`scripts/test-servers start`) and
//! `python3`; without the servers' env file it says so loudly and measures nothing.
//!
//! Both sides run rounds of connections in turn (the order alternates), so a neighbour
//! slowing the machine slows both. Each connection starts from a fresh TLS configuration,
//! as one `mailwire send` does, so neither side resumes a TLS session. The figure per round
//! is the mean time per connection: a stall on some connections shows in it, where a
//! median would hide it. Lines for scripts (`connect-bench NAME key=value...`) are printed
//! and also written to `target/connect-bench.txt`:
//!
//! ```text
//! connect-bench mailwire rounds=9 connections=50 min_us=812.4 median_us=905.3 over_20ms=0/450
//! connect-bench smtplib rounds=9 connections=50 min_us=1650.2 median_us=1702.9 over_20ms=0/450
//! connect-bench ratio smtplib_over_mailwire_min=2.03 smtplib_over_mailwire_median=1.88 target=1.00 verdict=ok
//! ```
//!
//! Without python3 the smtplib line reads `connect-bench smtplib not_measured "why"` and
//! there is no ratio line; without the servers the file holds only
//! `connect-bench skipped "why"`.
//!
//! `over_20ms` counts connections slower than 20 ms: on loopback nothing legitimate takes
//! that long, so they are timer stalls (or a neighbour holding the CPU). Set
//! `MAILWIRE_CONNECT_ROUNDS` and `MAILWIRE_CONNECT_PER_ROUND` to change the counts.

#[path = "support/live.rs"]
mod live;

use std::process::Command;
use std::time::{Duration, Instant};

use live::{Server, count_from_env, filtered_out, server};
use mailwire::net::TlsConfig;
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::ClientBuilder;

/// The report in the target directory that scripts read.
const REPORT: &str = "connect-bench.txt";

/// A connection slower than this on loopback waited for a timer, not for work.
const STALL: Duration = Duration::from_millis(20);

/// smtplib doing what `ClientBuilder::connect` does: greeting, EHLO, STARTTLS, EHLO, AUTH
/// PLAIN. `local_hostname` is given because smtplib would otherwise look up this host's
/// FQDN inside the timed part; mailwire says `localhost` too.
const SMTPLIB: &str = r#"
import os, smtplib, ssl, sys, time
host, port, ca, user, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
password = os.environ["MAILWIRE_BENCH_PASSWORD"]
context = ssl.create_default_context(cafile=ca)
for _ in range(count):
    start = time.perf_counter()
    client = smtplib.SMTP(host, port, local_hostname="localhost")
    client.starttls(context=context)
    client.login(user, password)
    elapsed = time.perf_counter() - start
    client.quit()
    print(f"{elapsed * 1e6:.1f}")
"#;

/// `count` sessions made ready to send, each timed from dialling to the AUTH reply.
async fn mailwire_round(server: &Server, count: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        // A fresh configuration holds no TLS session to resume, as in a new process.
        let tls = TlsConfig::only_roots_pem(&server.ca_pem).expect("the test CA parses");
        let builder = ClientBuilder::new(server.tls_name.clone(), server.submission_port)
            .security(Security::StartTls)
            .tls(tls)
            .credentials(
                Credentials::new(server.user.clone(), server.password.clone())
                    .expect("the test credentials are valid"),
            );
        let started = Instant::now();
        let client = builder.connect().await.expect("mailwire reaches Postfix");
        times.push(started.elapsed());
        client.quit().await.expect("Postfix says goodbye");
    }
    times
}

fn smtplib_round(server: &Server, count: usize) -> Result<Vec<Duration>, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(SMTPLIB)
        .arg(&server.tls_name)
        .arg(server.submission_port.to_string())
        .arg(&server.ca_file)
        .arg(&server.user)
        .arg(count.to_string())
        .env("MAILWIRE_BENCH_PASSWORD", &server.password)
        .output()
        .map_err(|error| format!("cannot run python3: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            line.trim()
                .parse::<f64>()
                .map(|micros| Duration::from_secs_f64(micros / 1e6))
                .map_err(|_| format!("python3 printed {line:?}"))
        })
        .collect()
}

/// Every connection's time, kept per round.
#[derive(Default)]
struct Figures {
    rounds: Vec<Vec<Duration>>,
}

impl Figures {
    /// Mean time per connection in each round, in microseconds, sorted.
    fn round_means(&self) -> Vec<f64> {
        let mut means: Vec<f64> = self
            .rounds
            .iter()
            .map(|times| {
                times.iter().map(Duration::as_secs_f64).sum::<f64>() * 1e6 / times.len() as f64
            })
            .collect();
        means.sort_by(f64::total_cmp);
        means
    }

    fn min(&self) -> f64 {
        self.round_means().first().copied().unwrap_or(f64::NAN)
    }

    fn median(&self) -> f64 {
        let means = self.round_means();
        match means.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => means[n / 2],
            n => (means[n / 2 - 1] + means[n / 2]) / 2.0,
        }
    }

    fn line(&self, name: &str, per_round: usize) -> String {
        let all: Vec<&Duration> = self.rounds.iter().flatten().collect();
        let stalled = all.iter().filter(|time| ***time > STALL).count();
        format!(
            "connect-bench {name} rounds={} connections={per_round} min_us={:.1} median_us={:.1} \
             over_20ms={stalled}/{}",
            self.rounds.len(),
            self.min(),
            self.median(),
            all.len()
        )
    }
}

fn main() {
    if filtered_out("connect") {
        return;
    }
    let server = match server() {
        Ok(server) => server,
        Err(why) => {
            eprintln!(
                "\n==== connect-bench SKIPPED: no real Postfix to measure against ({why}).\n\
                 ==== Start the test servers with `scripts/test-servers start` (as root), then \
                 run `cargo bench --bench connect` again.\n"
            );
            // A script reading the report must not take an earlier run's figures for now.
            live::write_report(REPORT, &[format!("connect-bench skipped {why:?}")]);
            return;
        }
    };
    let rounds = count_from_env("MAILWIRE_CONNECT_ROUNDS", 9);
    let per_round = count_from_env("MAILWIRE_CONNECT_PER_ROUND", 50);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");

    // One of each first, so neither side pays for a cold server process or page cache.
    runtime.block_on(mailwire_round(&server, 2));
    let mut smtplib_error = smtplib_round(&server, 2).err();

    let mut ours = Figures::default();
    let mut theirs = Figures::default();
    for round in 0..rounds {
        let mut python = || {
            if smtplib_error.is_none() {
                match smtplib_round(&server, per_round) {
                    Ok(times) => theirs.rounds.push(times),
                    Err(why) => smtplib_error = Some(why),
                }
            }
        };
        if round % 2 == 1 {
            python();
        }
        ours.rounds
            .push(runtime.block_on(mailwire_round(&server, per_round)));
        if round % 2 == 0 {
            python();
        }
    }

    let mut lines = vec![ours.line("mailwire", per_round)];
    match &smtplib_error {
        None => {
            lines.push(theirs.line("smtplib", per_round));
            let by_min = theirs.min() / ours.min();
            let by_median = theirs.median() / ours.median();
            let verdict = if by_median >= 1.0 { "ok" } else { "SLOWER" };
            lines.push(format!(
                "connect-bench ratio smtplib_over_mailwire_min={by_min:.2} \
                 smtplib_over_mailwire_median={by_median:.2} target=1.00 verdict={verdict}"
            ));
        }
        Some(why) => lines.push(format!("connect-bench smtplib not_measured {why:?}")),
    }
    println!(
        "connect → STARTTLS → EHLO → AUTH against Postfix at {}:{}, mean per connection \
         (µs) in each round of {per_round}; min and median of {rounds} rounds; target: \
         never slower than smtplib",
        server.tls_name, server.submission_port
    );
    for line in &lines {
        println!("{line}");
    }
    live::write_report(REPORT, &lines);
}
