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

fn imaplib_against(mode: &'static str, test: &str) {
    if !require(test, &["python3"]) {
        return;
    }
    let serve = Serve::start(mode, test);
    let (user, password) = USERS[0];
    let passed = python_check(
        test,
        "imaplib_check.py",
        vec![
            arg(serve.host()),
            arg(serve.imap_tls.port()),
            arg(serve.imap_starttls.port()),
            serve.ca_file.clone().into_os_string(),
            arg(user),
            arg(password),
            arg(mode),
        ],
    );
    assert!(passed >= 100, "{test}: only {passed} checks ran");
}

fn smtplib_against(mode: &'static str, test: &str) {
    if !require(test, &["python3"]) {
        return;
    }
    let serve = Serve::start(mode, test);
    let passed = python_check(
        test,
        "smtplib_check.py",
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
        ],
    );
    assert!(passed >= 30, "{test}: only {passed} checks ran");
}

fn swaks_against(mode: &'static str, test: &str) {
    if !require(test, &["python3", "swaks"]) {
        return;
    }
    let serve = Serve::start(mode, test);
    let passed = python_check(
        test,
        "swaks_check.py",
        vec![
            arg(serve.host()),
            arg(serve.smtp_submission.port()),
            arg(serve.smtp_tls.port()),
            arg(serve.imap_tls.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(mode),
        ],
    );
    assert!(passed >= 13, "{test}: only {passed} checks ran");
}

fn mbsync_against(mode: &'static str, test: &str) {
    if !require(test, &["python3", "mbsync"]) {
        return;
    }
    let serve = Serve::start(mode, test);
    let passed = python_check(
        test,
        "mbsync_check.py",
        vec![
            arg(serve.host()),
            arg(serve.imap_tls.port()),
            arg(serve.smtp_submission.port()),
            serve.ca_file.clone().into_os_string(),
            arg(USERS[0].0),
            arg(USERS[0].1),
            arg(mode),
        ],
    );
    assert!(passed >= 35, "{test}: only {passed} checks ran");
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
