//! Real mail clients against `mailwire serve`, in each of its modes (`rfc`, `icloud`), with
//! no real server involved: Python's imaplib and smtplib, swaks and mbsync (the scripts of
//! `tests/clients/`), and mailwire's own `send` and `imap` commands and library clients.
//! Each test starts its own server with two users and kills it when done. A client that is
//! not installed makes its test say SKIPPED loudly on stderr and pass; any other failure
//! fails.

#[path = "support/serve.rs"]
mod serve;

#[path = "serve_clients/cli.rs"]
mod cli;
#[path = "serve_clients/library.rs"]
mod library;

use std::ffi::OsString;
use std::process::Command;
use std::time::Duration;

use serve::{Run, Serve, USERS, client_script, require, run_command};

/// Longest a client script may run (mbsync runs several syncs).
const SCRIPT_LIMIT: Duration = Duration::from_secs(300);

// ------------------------------------------------------------------ the client scripts

/// Runs a check script of `tests/clients/` with `args`; demands exit 0, its closing line
/// and no failed check, and reports how many checks passed.
fn python_check(test: &str, script: &str, args: Vec<OsString>) -> usize {
    let mut all = vec![client_script(script).into_os_string()];
    all.extend(args);
    let Run {
        status,
        stdout,
        stderr,
    } = run_command(
        {
            let mut command = Command::new("python3");
            // No __pycache__ left in the source tree.
            command.args(all).env("PYTHONDONTWRITEBYTECODE", "1");
            command
        },
        SCRIPT_LIMIT,
    );
    let passed = stdout.lines().filter(|l| l.starts_with("ok - ")).count();
    assert!(
        status.success() && !stdout.contains("not ok - ") && stdout.contains("# all "),
        "{test}: {script} failed ({status}) after {passed} checks:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
    eprintln!("{test}: {passed} checks passed");
    passed
}

fn arg(value: impl ToString) -> OsString {
    value.to_string().into()
}

/// One client script against a fresh `mailwire serve` in `mode`: skipped (loudly) without
/// `tools`, otherwise run with the arguments `args` picks from the server, and at least
/// `at_least` checks must pass (fewer means the script stopped early).
fn check_against(
    mode: &'static str,
    test: &str,
    tools: &[&str],
    script: &str,
    at_least: usize,
    args: impl FnOnce(&Serve) -> Vec<OsString>,
) {
    if !require(test, tools) {
        return;
    }
    let serve = Serve::start(mode, test);
    let passed = python_check(test, script, args(&serve));
    assert!(passed >= at_least, "{test}: only {passed} checks ran");
}

fn imaplib_against(mode: &'static str, test: &str) {
    check_against(mode, test, &["python3"], "imaplib_check.py", 100, |serve| {
        vec![
            arg(serve.host()),
            arg(serve.imap_tls.port()),
            arg(serve.imap_starttls.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(mode),
        ]
    });
}

fn smtplib_against(mode: &'static str, test: &str) {
    check_against(mode, test, &["python3"], "smtplib_check.py", 30, |serve| {
        vec![
            arg(serve.host()),
            arg(serve.smtp_submission.port()),
            arg(serve.smtp_tls.port()),
            arg(serve.imap_tls.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(USERS[1].0),
            arg(USERS[1].1),
            arg(mode),
        ]
    });
}

fn swaks_against(mode: &'static str, test: &str) {
    let tools = ["python3", "swaks"];
    check_against(mode, test, &tools, "swaks_check.py", 13, |serve| {
        vec![
            arg(serve.host()),
            arg(serve.smtp_submission.port()),
            arg(serve.smtp_tls.port()),
            arg(serve.imap_tls.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(mode),
        ]
    });
}

fn mbsync_against(mode: &'static str, test: &str) {
    let tools = ["python3", "mbsync"];
    check_against(mode, test, &tools, "mbsync_check.py", 35, |serve| {
        vec![
            arg(serve.host()),
            arg(serve.imap_tls.port()),
            arg(serve.smtp_submission.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(mode),
        ]
    });
}

#[test]
fn imaplib_against_serve_rfc() {
    imaplib_against("rfc", "imaplib_against_serve_rfc");
}

#[test]
fn imaplib_against_serve_icloud() {
    imaplib_against("icloud", "imaplib_against_serve_icloud");
}

#[test]
fn smtplib_against_serve_rfc() {
    smtplib_against("rfc", "smtplib_against_serve_rfc");
}

#[test]
fn smtplib_against_serve_icloud() {
    smtplib_against("icloud", "smtplib_against_serve_icloud");
}

#[test]
fn swaks_submits_to_serve_rfc() {
    swaks_against("rfc", "swaks_submits_to_serve_rfc");
}

#[test]
fn swaks_submits_to_serve_icloud() {
    swaks_against("icloud", "swaks_submits_to_serve_icloud");
}

#[test]
fn mbsync_syncs_both_ways_with_serve_rfc() {
    mbsync_against("rfc", "mbsync_syncs_both_ways_with_serve_rfc");
}

#[test]
fn mbsync_syncs_both_ways_with_serve_icloud() {
    mbsync_against("icloud", "mbsync_syncs_both_ways_with_serve_icloud");
}
