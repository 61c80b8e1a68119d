//! What the benches against the real Postfix and Dovecot of `scripts/test-servers` share:
//! the servers' settings, the name filter, the counts from the environment and the report
//! file. A bench skips, saying why, where the tests' `support/servers.rs` would panic: a
//! missing server is no failure of the code measured.
// Each bench reads the part it measures against.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// Where `scripts/test-servers` writes its settings unless `MAILWIRE_TEST_ENV` says.
const ENV_FILE: &str = "/tmp/mailwire-test-servers/env";

/// What a bench needs of the test servers: names, ports, the test CA, user1.
pub struct Server {
    /// The name the servers' certificates are for (it resolves to loopback).
    pub tls_name: String,
    pub submission_port: u16,
    pub imaps_port: u16,
    /// The test CA's file, for the Python clients compared against.
    pub ca_file: String,
    pub ca_pem: Vec<u8>,
    pub user: String,
    pub password: String,
    pub maildir: Option<String>,
}

/// Reads the settings; `Err` says why there is nothing to measure against.
pub fn server() -> Result<Server, String> {
    let path = std::env::var("MAILWIRE_TEST_ENV").unwrap_or_else(|_| ENV_FILE.to_owned());
    let text = std::fs::read_to_string(&path).map_err(|error| format!("{path}: {error}"))?;
    let vars: HashMap<&str, &str> = text
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim().trim_matches('"')))
        .collect();
    let get = |key: &str| {
        vars.get(key)
            .map(|value| value.to_string())
            .ok_or_else(|| format!("{path} has no {key}"))
    };
    let port = |key: &str| {
        get(key)?
            .parse::<u16>()
            .map_err(|_| format!("{key} is not a port"))
    };
    let ca_file = get("MAILWIRE_TEST_CA")?;
    let ca_pem = std::fs::read(&ca_file).map_err(|error| format!("{ca_file}: {error}"))?;
    Ok(Server {
        tls_name: get("MAILWIRE_TEST_TLS_NAME")?,
        submission_port: port("MAILWIRE_TEST_SUBMISSION_PORT")?,
        imaps_port: port("MAILWIRE_TEST_IMAPS_PORT")?,
        ca_file,
        ca_pem,
        user: get("MAILWIRE_TEST_USER1")?,
        password: get("MAILWIRE_TEST_PASS1")?,
        maildir: get("MAILWIRE_TEST_MAILDIR1").ok(),
    })
}

/// True when `cargo bench` was given a name filter that excludes the bench `name` (it
/// passes `--bench` too, which is no filter).
pub fn filtered_out(name: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    !filters.is_empty() && !filters.iter().any(|filter| name.contains(filter.as_str()))
}

/// A positive count from the environment variable `name`, else `default`.
pub fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&count| count > 0)
        .unwrap_or(default)
}

/// Writes the report `file` into the target directory, one line each; a script reads it
/// rather than the console.
pub fn write_report(file: &str, lines: &[String]) {
    let path = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join(file);
    let text = lines.join("\n") + "\n";
    if let Err(error) = std::fs::write(&path, text) {
        eprintln!("could not write {}: {error}", path.display());
    }
}
