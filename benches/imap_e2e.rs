//! The IMAP client end to end against the real Dovecot over implicit TLS, beside Python's
//! imaplib doing the same in the same run (issue 9): the ENVELOPE, FLAGS and UID of 10,000
//! messages, and 1,000 whole messages of 20 KiB bodies (`BODY.PEEK[]`), in messages per
//! second, with the client's own CPU time as a share of the wall time.
//!
//! `cargo bench --bench imap_e2e`. Needs the test servers (`scripts/test-servers start`) and
//! `python3` (standard library only); without the servers' env file it says so loudly and
//! measures nothing.
//!
//! **Set-up, not timed.** Two mailboxes of the first test user, named for what they hold
//! (`bench-e2e-v1-envelopes-10000`, `bench-e2e-v1-bodies-1000x20k`), are kept between runs
//! and reused when they hold the right count; otherwise `benches/imap_e2e.py setup` fills
//! them (written straight into the user's Maildir when it is writable, as for root on the
//! test machine, else appended with MULTIAPPEND and LITERAL+) and has Dovecot index them
//! once. The time it took is printed.
//!
//! **Timed.** Each round connects and EXAMINEs untimed, then times only the fetch.
//! mailwire uses its pipelined UID FETCH stream (`Client::uid_fetch_pipelined`: chunks of
//! `MAILWIRE_E2E_CHUNK` UIDs, default 500, `MAILWIRE_E2E_WINDOW` chunks in flight, default
//! 4) and reads each message typed (the ENVELOPE parsed, the body's bytes in hand). imaplib
//! sends one `UID FETCH 1:*` (the fastest it has: its reader takes every answer in one
//! command) and gets raw lines back, with the ENVELOPE left unparsed. Both sides take turns
//! (the order alternates), `MAILWIRE_E2E_ROUNDS` rounds (default 9) after one untimed round
//! each; the figures are medians of the rounds.
//!
//! **CPU share.** The mailwire side runs on a current-thread tokio runtime on the bench's
//! main thread, so all of the client's work in a round (TLS, framing, parsing) is that
//! thread's. Its CPU time comes from `/proc/thread-self/schedstat` (nanoseconds on the CPU;
//! no libc needed, where `getrusage(RUSAGE_THREAD)` would need it), read before and after
//! the fetch. A child process read through `/proc/<pid>/stat` was the other way; it counts
//! in clock ticks (10 ms), too coarse for rounds of a fraction of a second. As a check the
//! whole process's utime+stime (`/proc/self/stat`, ticks of 1/100 s) over all rounds is
//! printed too: it would show work done on another thread. Target: under 20 % of the wall
//! time, i.e. the server, not the client, sets the pace. imaplib's CPU share
//! (`time.process_time()`) is printed for comparison.
//!
//! Lines for scripts (`imap-e2e-bench NAME key=value...`) are printed and written to
//! `target/imap-e2e-bench.txt`, which `scripts/bench-ratios` reads:
//!
//! ```text
//! imap-e2e-bench load loadavg_1m=0.31 cores=2
//! imap-e2e-bench setup seconds=0.004 envelopes=reused bodies=reused
//! imap-e2e-bench envelopes-mailwire rounds=9 messages=10000 median_msgs_per_s=61000 best_msgs_per_s=65000 median_cpu_share=0.140 process_cpu_share=0.142
//! imap-e2e-bench envelopes-imaplib rounds=9 messages=10000 median_msgs_per_s=52000 best_msgs_per_s=56000 median_cpu_share=0.35
//! imap-e2e-bench envelopes-ratio mailwire_over_imaplib=1.17
//! imap-e2e-bench bodies-mailwire ...
//! imap-e2e-bench cpu target=0.20 envelopes=0.140 bodies=0.060 verdict=ok
//! ```
//!
//! Without python3 nothing can be set up, and the file holds `imap-e2e-bench skipped "why"`.

#[path = "support/live.rs"]
mod live;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use live::{Server, count_from_env, filtered_out, server};
use mailwire::imap::{ClientBuilder, Credentials, Deadlines, FetchQuery, Security, TlsConfig};

/// The report in the target directory that scripts read.
const REPORT: &str = "imap-e2e-bench.txt";

/// The client's CPU time may take at most this share of the wall time (issue 9).
const CPU_TARGET: f64 = 0.20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    /// `UID FLAGS ENVELOPE` of 10,000 small messages.
    Envelopes,
    /// `BODY.PEEK[]` of 1,000 messages of 20 KiB bodies.
    Bodies,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Envelopes => "envelopes",
            Workload::Bodies => "bodies",
        }
    }

    /// The mailbox's name says what it holds, so a run with other messages never reuses it.
    fn mailbox(self) -> &'static str {
        match self {
            Workload::Envelopes => "bench-e2e-v1-envelopes-10000",
            Workload::Bodies => "bench-e2e-v1-bodies-1000x20k",
        }
    }

    /// The message kind of `benches/imap_e2e.py setup`.
    fn kind(self) -> &'static str {
        match self {
            Workload::Envelopes => "small",
            Workload::Bodies => "large",
        }
    }

    fn count(self) -> usize {
        match self {
            Workload::Envelopes => 10_000,
            Workload::Bodies => 1_000,
        }
    }

    fn query(self) -> FetchQuery {
        match self {
            Workload::Envelopes => FetchQuery::new().uid().flags().envelope(),
            Workload::Bodies => FetchQuery::new().uid().body(&[]),
        }
    }
}

/// Runs `benches/imap_e2e.py COMMAND ...` and reads the `key=value` words of its last line.
fn python(
    server: &Server,
    command: &str,
    workload: Workload,
    extra: &[&str],
) -> Result<HashMap<String, String>, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/imap_e2e.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(command)
        .arg(&server.tls_name)
        .arg(server.imaps_port.to_string())
        .arg(&server.ca_file)
        .arg(&server.user)
        .arg(workload.mailbox())
        .args(extra)
        .env("MAILWIRE_BENCH_PASSWORD", &server.password)
        .output()
        .map_err(|error| format!("cannot run python3: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "python3 {command} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    Ok(last
        .split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect())
}

/// Fills the workload's mailbox unless it is already there; says how.
fn setup(server: &Server, workload: Workload) -> Result<String, String> {
    let count = workload.count().to_string();
    let mut extra = vec![workload.kind(), count.as_str()];
    if let Some(maildir) = &server.maildir {
        extra.push(maildir);
    }
    let fields = python(server, "setup", workload, &extra)?;
    Ok(if fields.get("reused").map(String::as_str) == Some("1") {
        "reused".to_owned()
    } else {
        fields
            .get("how")
            .cloned()
            .unwrap_or_else(|| "made".to_owned())
    })
}

/// One timed fetch: what came back, how long it took, and the CPU time it cost.
struct Sample {
    messages: usize,
    wall: Duration,
    /// The client's thread (mailwire) or the whole Python process (imaplib).
    cpu: Duration,
}

impl Sample {
    fn per_second(&self) -> f64 {
        self.messages as f64 / self.wall.as_secs_f64()
    }

    fn cpu_share(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }
}

/// Nanoseconds this thread has spent on a CPU (the first field of its schedstat).
fn thread_cpu() -> Result<Duration, String> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")
        .map_err(|error| format!("/proc/thread-self/schedstat: {error}"))?;
    text.split_whitespace()
        .next()
        .and_then(|nanos| nanos.parse().ok())
        .map(Duration::from_nanos)
        .ok_or_else(|| format!("/proc/thread-self/schedstat reads {text:?}"))
}

/// The whole process's utime+stime, in clock ticks (USER_HZ, 100 on Linux).
fn process_ticks() -> Result<u64, String> {
    let text = std::fs::read_to_string("/proc/self/stat")
        .map_err(|error| format!("/proc/self/stat: {error}"))?;
    // The command name may hold spaces: the fields that follow start after its `)`.
    let after = text.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |index: usize| {
        fields
            .get(index)
            .and_then(|value| value.parse::<u64>().ok())
    };
    // utime and stime are fields 14 and 15 of stat; here, after `pid (comm)`, 11 and 12.
    match (field(11), field(12)) {
        (Some(user), Some(system)) => Ok(user + system),
        _ => Err(format!("/proc/self/stat reads {text:?}")),
    }
}

/// One mailwire round: connect and EXAMINE (untimed), then the pipelined UID FETCH of
/// every message, each one read typed.
async fn mailwire_round(
    server: &Server,
    workload: Workload,
    chunk: usize,
    window: usize,
    process: &mut u64,
) -> Result<Sample, String> {
    let tls = TlsConfig::only_roots_pem(&server.ca_pem).map_err(|error| error.to_string())?;
    let credentials = Credentials::new(server.user.clone(), server.password.clone())
        .map_err(|error| error.to_string())?;
    let mut client = ClientBuilder::new(server.tls_name.clone(), server.imaps_port)
        .security(Security::ImplicitTls)
        .tls(tls)
        .deadlines(Deadlines::all(Duration::from_secs(60)))
        .credentials(credentials)
        .connect()
        .await
        .map_err(|error| error.to_string())?;
    let state = client
        .examine(workload.mailbox())
        .await
        .map_err(|error| error.to_string())?;
    let uid_next = state
        .uid_next
        .ok_or_else(|| format!("EXAMINE {} gave no UIDNEXT", workload.mailbox()))?;
    // The mailbox was filled in one go, so its UIDs run from 1; UIDs never used are
    // skipped by the server, and the count is checked below.
    let uids: Vec<u32> = (1..uid_next).collect();
    let query = workload.query();

    let ticks = process_ticks()?;
    let cpu = thread_cpu()?;
    let started = Instant::now();
    let mut messages = 0;
    let mut stream = client
        .uid_fetch_pipelined(&uids, &query, chunk, window)
        .await
        .map_err(|error| error.to_string())?;
    while let Some(message) = stream.next().await {
        let message = message.map_err(|error| error.to_string())?;
        let complete = match workload {
            Workload::Envelopes => message.envelope().is_some() && message.flags().is_some(),
            Workload::Bodies => message.body(&[]).is_some_and(|body| body.len() > 20_000),
        };
        if complete && message.uid().is_some() {
            messages += 1;
        }
    }
    drop(stream);
    let wall = started.elapsed();
    let cpu = thread_cpu()?.saturating_sub(cpu);
    *process += process_ticks()?.saturating_sub(ticks);

    client.logout().await.map_err(|error| error.to_string())?;
    if messages != workload.count() {
        return Err(format!(
            "mailwire read {messages} whole messages from {}, not {}",
            workload.mailbox(),
            workload.count()
        ));
    }
    Ok(Sample {
        messages,
        wall,
        cpu,
    })
}

fn imaplib_round(server: &Server, workload: Workload) -> Result<Sample, String> {
    let fields = python(server, workload.name(), workload, &[])?;
    let number = |key: &str| {
        fields
            .get(key)
            .and_then(|value| value.parse::<f64>().ok())
            .ok_or_else(|| format!("python3 {} printed no {key}", workload.name()))
    };
    let messages = number("messages")? as usize;
    if messages != workload.count() {
        return Err(format!(
            "imaplib read {messages} messages from {}, not {}",
            workload.mailbox(),
            workload.count()
        ));
    }
    Ok(Sample {
        messages,
        wall: Duration::from_secs_f64(number("wall_s")?),
        cpu: Duration::from_secs_f64(number("cpu_s")?),
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The rounds of one side of one workload.
#[derive(Default)]
struct Figures {
    samples: Vec<Sample>,
}

impl Figures {
    fn median_rate(&self) -> f64 {
        median(self.samples.iter().map(Sample::per_second).collect())
    }

    fn best_rate(&self) -> f64 {
        self.samples
            .iter()
            .map(Sample::per_second)
            .fold(f64::NAN, f64::max)
    }

    fn median_cpu_share(&self) -> f64 {
        median(self.samples.iter().map(Sample::cpu_share).collect())
    }

    fn wall(&self) -> f64 {
        self.samples.iter().map(|s| s.wall.as_secs_f64()).sum()
    }

    fn line(&self, name: &str) -> String {
        format!(
            "imap-e2e-bench {name} rounds={} messages={} median_msgs_per_s={:.0} \
             best_msgs_per_s={:.0} median_cpu_share={:.3}",
            self.samples.len(),
            self.samples.first().map_or(0, |s| s.messages),
            self.median_rate(),
            self.best_rate(),
            self.median_cpu_share(),
        )
    }
}

/// Ends the run on an error: said on stderr and in the report, so a script never takes an
/// earlier run's figures for this one's.
fn fail(lines: &mut Vec<String>, why: &str) -> ! {
    eprintln!("\n==== imap-e2e-bench FAILED: {why}\n");
    lines.push(format!("imap-e2e-bench failed {why:?}"));
    live::write_report(REPORT, lines);
    std::process::exit(1);
}

fn main() {
    if filtered_out("imap_e2e") {
        return;
    }
    let server = match server() {
        Ok(server) => server,
        Err(why) => {
            eprintln!(
                "\n==== imap-e2e-bench SKIPPED: no real Dovecot to measure against ({why}).\n\
                 ==== Start the test servers with `scripts/test-servers start` (as root), then \
                 run `cargo bench --bench imap_e2e` again.\n"
            );
            live::write_report(REPORT, &[format!("imap-e2e-bench skipped {why:?}")]);
            return;
        }
    };
    let rounds = count_from_env("MAILWIRE_E2E_ROUNDS", 9);
    let chunk = count_from_env("MAILWIRE_E2E_CHUNK", 500);
    let window = count_from_env("MAILWIRE_E2E_WINDOW", 4);
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let mut lines = vec![format!(
        "imap-e2e-bench load loadavg_1m={} cores={cores}",
        loadavg.split_whitespace().next().unwrap_or("unknown")
    )];

    let workloads = [Workload::Envelopes, Workload::Bodies];
    let started = Instant::now();
    let mut how = Vec::new();
    for workload in workloads {
        match setup(&server, workload) {
            Ok(done) => how.push(format!("{}={done}", workload.name())),
            Err(why) => {
                let why = format!("setting up {}: {why}", workload.mailbox());
                eprintln!("\n==== imap-e2e-bench SKIPPED: {why}\n");
                lines.push(format!("imap-e2e-bench skipped {why:?}"));
                live::write_report(REPORT, &lines);
                return;
            }
        }
    }
    lines.push(format!(
        "imap-e2e-bench setup seconds={:.3} {}",
        started.elapsed().as_secs_f64(),
        how.join(" ")
    ));
    println!("{}", lines.join("\n"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    let mut shares = Vec::new();
    for workload in workloads {
        // One of each first, untimed, so neither side pays for a cold cache.
        let warm = runtime.block_on(mailwire_round(&server, workload, chunk, window, &mut 0));
        if let Err(why) = warm {
            fail(&mut lines, &why);
        }
        let mut imaplib_error = imaplib_round(&server, workload).err();
        let mut ours = Figures::default();
        let mut theirs = Figures::default();
        let mut process_ticks = 0;
        for round in 0..rounds {
            let mut python = || {
                if imaplib_error.is_none() {
                    match imaplib_round(&server, workload) {
                        Ok(sample) => theirs.samples.push(sample),
                        Err(why) => imaplib_error = Some(why),
                    }
                }
            };
            if round % 2 == 1 {
                python();
            }
            match runtime.block_on(mailwire_round(
                &server,
                workload,
                chunk,
                window,
                &mut process_ticks,
            )) {
                Ok(sample) => ours.samples.push(sample),
                Err(why) => fail(&mut lines, &why),
            }
            if round % 2 == 0 {
                python();
            }
        }
        let name = workload.name();
        let first = lines.len();
        // USER_HZ is 100 on Linux whatever the kernel's own tick rate.
        let process_share = process_ticks as f64 / 100.0 / ours.wall();
        lines.push(format!(
            "{} process_cpu_share={process_share:.3} chunk={chunk} window={window}",
            ours.line(&format!("{name}-mailwire"))
        ));
        shares.push((name, ours.median_cpu_share()));
        match &imaplib_error {
            None => {
                lines.push(theirs.line(&format!("{name}-imaplib")));
                lines.push(format!(
                    "imap-e2e-bench {name}-ratio mailwire_over_imaplib={:.2}",
                    ours.median_rate() / theirs.median_rate()
                ));
            }
            Some(why) => lines.push(format!(
                "imap-e2e-bench {name}-imaplib not_measured {why:?}"
            )),
        }
        println!("{}", lines[first..].join("\n"));
    }
    // A share that is not a number (no rounds) is not under the target either.
    let over = shares
        .iter()
        .any(|(_, share)| share.is_nan() || *share >= CPU_TARGET);
    let named: Vec<String> = shares
        .iter()
        .map(|(name, share)| format!("{name}={share:.3}"))
        .collect();
    lines.push(format!(
        "imap-e2e-bench cpu target={CPU_TARGET:.2} {} verdict={}",
        named.join(" "),
        if over { "OVER" } else { "ok" }
    ));
    println!(
        "{}\n(UID FETCH against Dovecot at {}:{} over implicit TLS; messages/s and CPU share \
         are medians of {rounds} rounds; target: the client's CPU under {:.0} % of the wall \
         time)",
        lines[lines.len() - 1],
        server.tls_name,
        server.imaps_port,
        CPU_TARGET * 100.0
    );
    live::write_report(REPORT, &lines);
}
