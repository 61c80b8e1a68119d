//! The library's errors in the command line's words.
//!
//! The library's messages end with what to try, and for a library user that is a call
//! (`TlsConfig::with_root_pem`, `Limits::…`). Someone at a shell cannot make calls, so the
//! kinds of failure whose remedy is a setting are told here with the flag that sets it;
//! everything else is the library's own message.

use mailwire::net::{NetError, TlsFailure};
use mailwire::smtp::{Error, FallbackError, FallbackReport};

/// One SMTP error, as the CLI prints it.
pub fn error(error: &Error) -> String {
    match error {
        Error::Net { phase, source } => match net_remedy(source, "SMTP") {
            Some(text) => format!("{text} (while {phase})"),
            None => error.to_string(),
        },
        Error::StartTlsNotOffered { server } => no_starttls(server, 465),
        _ => error.to_string(),
    }
}

/// STARTTLS asked for where `server` does not offer it, in either protocol: nothing was
/// sent, and implicit TLS (on `implicit_port`, the protocol's usual one) may be the way.
pub fn no_starttls(server: &str, implicit_port: u16) -> String {
    format!(
        "{server}: the server does not offer STARTTLS, so nothing was sent; if it has \
         implicit TLS, use --tls implicit (often with --port {implicit_port})"
    )
}

/// Every endpoint of a preset failed: each one's error, in the order tried.
pub fn fallback_error(failure: &FallbackError) -> String {
    match failure.attempts.as_slice() {
        [] => "no server to try".to_owned(),
        [(_, only)] => error(only),
        attempts => {
            let tried: Vec<String> = attempts
                .iter()
                .map(|(endpoint, failure)| {
                    format!(
                        "{} ({}): {}",
                        endpoint.port,
                        endpoint.security,
                        error(failure)
                    )
                })
                .collect();
            format!(
                "every way to reach the server failed: {}",
                tried.join("; then ")
            )
        }
    }
}

/// What a preset's fallback went through before it connected, one line per endpoint.
pub fn fallback_notes(report: &FallbackReport) -> Vec<String> {
    let used = &report.used;
    report
        .failed
        .iter()
        .map(|(endpoint, failure)| {
            format!(
                "{}:{} with {} failed: {}",
                endpoint.host,
                endpoint.port,
                endpoint.security,
                error(failure)
            )
        })
        .chain([format!(
            "connected to {}:{} with {} ({})",
            used.host, used.port, used.security, used.advice
        )])
        .collect()
}

/// The CLI's wording for connection failures whose remedy the library names as a call;
/// `protocol` is what the server was expected to speak.
pub fn net_remedy(error: &NetError, protocol: &str) -> Option<String> {
    match error {
        NetError::Tls {
            host,
            port,
            kind: TlsFailure::UnknownIssuer,
            ..
        } => Some(format!(
            "TLS with {host}:{port} failed: its certificate is not signed by an authority this \
             computer trusts (self-signed, a private CA, or an intercepting proxy?); if you \
             trust it, give its CA certificate with --ca-file PEM"
        )),
        NetError::LineTooLong { host, port, limit } => Some(format!(
            "{host}:{port} sent a line longer than {limit} bytes; it does not speak {protocol} \
             here (check --port and --tls)"
        )),
        NetError::BufferFull { host, port, limit } => Some(format!(
            "{host}:{port} sent more than {limit} bytes without completing a reply; it does \
             not speak {protocol} here (check --port and --tls)"
        )),
        _ => None,
    }
}
