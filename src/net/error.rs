//! What can go wrong on a connection, told in a user's words.

use core::fmt;
use core::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crate::text::Escaping;

/// One address tried while connecting, and why it failed.
#[derive(Debug)]
pub struct ConnectAttempt {
    /// The address dialled.
    pub address: SocketAddr,
    /// Why the connection to it failed (a timeout is reported as `TimedOut`).
    pub error: io::Error,
}

/// What kind of TLS failure happened, for callers that react to it (for example by trying
/// implicit TLS after STARTTLS failed, or by telling the user to install a CA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The certificate chain does not lead to a trusted root: a self-signed certificate, a
    /// private CA, or a proxy intercepting TLS.
    UnknownIssuer,
    /// The certificate is valid, but for another name than the one dialled.
    WrongName,
    /// The certificate's validity ended.
    Expired,
    /// The certificate's validity has not begun (often a wrong clock).
    NotYetValid,
    /// The certificate was revoked.
    Revoked,
    /// Any other problem with the certificate (bad signature, bad encoding, wrong purpose).
    BadCertificate,
    /// The peer does not speak TLS on this port (plain text arrived instead).
    NotTls,
    /// The peer refused the handshake with a TLS alert.
    Refused,
    /// The peer and this client share no TLS version or cipher suite.
    Incompatible,
    /// Any other TLS protocol error.
    Protocol,
}

/// Why a network operation failed. Every variant tied to a connection names its host and
/// port, and says which step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum NetError {
    /// The host name could not be resolved to any address.
    Resolve {
        /// Host as given.
        host: String,
        /// Port as given.
        port: u16,
        /// The resolver's error.
        source: io::Error,
    },
    /// Every resolved address refused or failed the connection.
    Connect {
        /// Host as given.
        host: String,
        /// Port as given.
        port: u16,
        /// Each address tried, in order, with its failure.
        attempts: Vec<ConnectAttempt>,
    },
    /// The connect timeout passed before any address answered.
    ConnectTimeout {
        /// Host as given.
        host: String,
        /// Port as given.
        port: u16,
        /// The connect timeout.
        after: Duration,
        /// The addresses tried before time ran out, with their failures.
        attempts: Vec<ConnectAttempt>,
    },
    /// The TLS handshake or a TLS record failed.
    Tls {
        /// Host as dialled (the name checked against the certificate).
        host: String,
        /// Port as dialled.
        port: u16,
        /// The kind of failure.
        kind: TlsFailure,
        /// What happened, in words.
        reason: String,
        /// The rustls error behind it.
        source: Option<rustls::Error>,
    },
    /// The peer did not let an operation progress within its timeout.
    Timeout {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// What was being done: "reading", "writing", "TLS handshake", "resolving", ...
        operation: &'static str,
        /// The timeout that passed.
        after: Duration,
    },
    /// A response did not arrive in full before its deadline
    /// ([`Connection::begin_response`](super::Connection::begin_response)), though bytes
    /// may have kept coming: a peer that trickles its answer cannot hold a call for longer.
    ResponseTimeout {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// The deadline the response had, counted from when it was awaited.
        after: Duration,
    },
    /// The peer closed (or reset) the connection.
    Closed {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// What was being done when it closed.
        operation: &'static str,
    },
    /// The peer sent a line longer than `Limits::line_len`.
    LineTooLong {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The read buffer holds as many unconsumed bytes as it may; the peer sent more than
    /// `Limits::response_len` without the client using any of it.
    BufferFull {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// The buffer limit, in bytes.
        limit: usize,
    },
    /// STARTTLS refused: bytes arrived after the server's go-ahead and before TLS began.
    /// They may have been injected by an attacker on the path, so the connection must not
    /// be used any further.
    BufferedBeforeTls {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// How many bytes were waiting.
        bytes: usize,
    },
    /// STARTTLS asked for on a connection that already uses TLS.
    AlreadyTls {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
    },
    /// The connection cannot be used any more after an earlier failure.
    Broken {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// The earlier failure, e.g. "a failed TLS handshake".
        cause: &'static str,
    },
    /// Any other I/O failure.
    Io {
        /// Host as dialled.
        host: String,
        /// Port as dialled.
        port: u16,
        /// What was being done.
        operation: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// PEM data given as trusted roots holds no usable certificate.
    InvalidPem {
        /// What is wrong with it.
        reason: String,
    },
    /// A TLS configuration could not be built or extended.
    InvalidTlsConfig {
        /// What is wrong with it.
        reason: String,
    },
    /// The host is neither a DNS name nor an IP address, so TLS cannot check it.
    InvalidServerName {
        /// Host as given.
        host: String,
        /// Port as given.
        port: u16,
    },
}

impl NetError {
    /// True for timeouts of any step, connecting and whole responses included.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            NetError::Timeout { .. }
                | NetError::ConnectTimeout { .. }
                | NetError::ResponseTimeout { .. }
        )
    }

    /// The kind of TLS failure, when this is one.
    pub fn tls_failure(&self) -> Option<TlsFailure> {
        match self {
            NetError::Tls { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

struct Attempts<'a>(&'a [ConnectAttempt]);

impl fmt::Display for Attempts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, attempt) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", attempt.address, attempt.error)?;
        }
        Ok(())
    }
}

impl fmt::Display for NetError {
    /// The message, with control characters escaped
    /// ([`escape_control`](crate::text::escape_control)): a TLS failure quotes names from the
    /// server's certificate, and operating system errors are not ours either. The fields
    /// keep the text as received.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f = &mut Escaping(f);
        match self {
            NetError::Resolve { host, port, source } => write!(
                f,
                "could not resolve {host}:{port} ({source}); check the host name and the network"
            ),
            NetError::Connect {
                host,
                port,
                attempts,
            } => write!(
                f,
                "could not connect to {host}:{port} ({}); check the host and port, and whether \
                 a firewall blocks the port",
                Attempts(attempts)
            ),
            NetError::ConnectTimeout {
                host,
                port,
                after,
                attempts,
            } => {
                write!(f, "no connection to {host}:{port} within {after:?}")?;
                if !attempts.is_empty() {
                    write!(f, " ({})", Attempts(attempts))?;
                }
                f.write_str("; the server may be down, or a firewall may drop the traffic")
            }
            NetError::Tls {
                host, port, reason, ..
            } => write!(f, "TLS with {host}:{port} failed: {reason}"),
            NetError::Timeout {
                host,
                port,
                operation,
                after,
            } => write!(
                f,
                "{host}:{port} did not respond within {after:?} ({operation}); the server \
                 stalled or the network is down"
            ),
            NetError::ResponseTimeout { host, port, after } => write!(
                f,
                "{host}:{port} did not finish its answer within {after:?}: it stalled, or \
                 sent its bytes too slowly; try again later, or allow more time \
                 (Timeouts::response, or the client's per-step timeouts)"
            ),
            NetError::Closed {
                host,
                port,
                operation,
            } => write!(f, "{host}:{port} closed the connection ({operation})"),
            NetError::LineTooLong { host, port, limit } => write!(
                f,
                "{host}:{port} sent a line longer than {limit} bytes; the server is not \
                 speaking the protocol, or Limits::line_len is too low"
            ),
            NetError::BufferFull { host, port, limit } => write!(
                f,
                "{host}:{port} sent more than {limit} bytes the client has not used; the \
                 server is flooding the connection, or Limits::response_len is too low"
            ),
            NetError::BufferedBeforeTls { host, port, bytes } => write!(
                f,
                "{host}:{port} sent {bytes} bytes after its STARTTLS go-ahead and before TLS \
                 began; they may have been injected by an attacker, so the connection was \
                 abandoned"
            ),
            NetError::AlreadyTls { host, port } => write!(
                f,
                "the connection to {host}:{port} already uses TLS; STARTTLS cannot run twice"
            ),
            NetError::Broken { host, port, cause } => write!(
                f,
                "the connection to {host}:{port} cannot be used after {cause}; connect again"
            ),
            NetError::Io {
                host,
                port,
                operation,
                source,
            } => write!(f, "{host}:{port}: {operation} failed: {source}"),
            NetError::InvalidPem { reason } => {
                write!(f, "invalid PEM certificate data: {reason}")
            }
            NetError::InvalidTlsConfig { reason } => {
                write!(f, "invalid TLS configuration: {reason}")
            }
            NetError::InvalidServerName { host, port } => write!(
                f,
                "cannot use TLS with {host}:{port}: {host:?} is neither a DNS name nor an IP \
                 address"
            ),
        }
    }
}

impl std::error::Error for NetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NetError::Resolve { source, .. } | NetError::Io { source, .. } => Some(source),
            NetError::Tls {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_server_is_displayed_escaped_and_kept_raw_in_the_fields() {
        let reason = "certificate for \x1b]0;owned\x07evil\r\x7f\u{202e}.test";
        let error = NetError::Tls {
            host: "mx.test".into(),
            port: 465,
            kind: TlsFailure::WrongName,
            reason: reason.into(),
            source: None,
        };
        let shown = r"certificate for \u{1b}]0;owned\u{7}evil\r\u{7f}\u{202e}.test";
        assert_eq!(
            error.to_string(),
            format!("TLS with mx.test:465 failed: {shown}")
        );
        assert!(matches!(error, NetError::Tls { reason: kept, .. } if kept == reason));
    }
}
