//! A way for tests to point a provider preset at servers on this machine.
//!
//! The CLI's preset path (which host and port it dials, in which order, with which TLS mode
//! and login name) must be provable without the provider: no test machine may depend on
//! reaching smtp.mail.me.com, nor on failing to. A test sets
//!
//! ```text
//! MAILWIRE_TEST_REDIRECT="smtp.mail.me.com:587=localhost:40001 smtp.mail.me.com:465=localhost:40002"
//! ```
//!
//! and each preset endpoint is dialled at the loopback address it names, with the
//! endpoint's own TLS mode and advice. Two rules keep this harmless outside tests: only
//! loopback targets are accepted, so it can never send a password off this machine; and
//! once the variable is set it must cover every endpoint of the preset, so a test can never
//! reach the real provider by accident.

use mailwire::provider::Endpoint;

use crate::Failure;

/// The variable tests set.
const VARIABLE: &str = "MAILWIRE_TEST_REDIRECT";

/// The endpoints to dial for a preset's `endpoints`: the preset's own unless
/// `MAILWIRE_TEST_REDIRECT` is set.
pub fn endpoints(endpoints: &[Endpoint]) -> Result<Vec<Endpoint>, Failure> {
    let Ok(rules) = std::env::var(VARIABLE) else {
        return Ok(endpoints.to_vec());
    };
    endpoints
        .iter()
        .map(|endpoint| {
            let from = format!("{}:{}", endpoint.host, endpoint.port);
            let to = rules
                .split_whitespace()
                .find_map(|rule| rule.strip_prefix(from.as_str())?.strip_prefix('='))
                .ok_or_else(|| refuse(format!("it does not say where {from} goes")))?;
            let (host, port) = to
                .rsplit_once(':')
                .and_then(|(host, port)| Some((loopback(host)?, port.parse().ok()?)))
                .ok_or_else(|| {
                    refuse(format!(
                        "{to:?} is not localhost:PORT, 127.0.0.1:PORT or [::1]:PORT"
                    ))
                })?;
            Ok(Endpoint {
                host,
                port,
                ..*endpoint
            })
        })
        .collect()
}

/// The loopback host names a redirect may name, as the `'static` text an [`Endpoint`]
/// holds.
fn loopback(host: &str) -> Option<&'static str> {
    match host {
        "localhost" => Some("localhost"),
        "127.0.0.1" => Some("127.0.0.1"),
        "[::1]" | "::1" => Some("::1"),
        _ => None,
    }
}

fn refuse(why: String) -> Failure {
    Failure::Input(format!(
        "{VARIABLE} (a setting for mailwire's own tests) cannot be used: {why}; unset it"
    ))
}
