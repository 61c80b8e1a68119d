//! Timeouts, trust and limits for one connection.

use std::time::Duration;

use super::tls::TlsConfig;
use crate::limits::Limits;

/// How long each kind of network wait may last.
///
/// `read` bounds silence, `response` bounds the whole answer: a peer that sends one byte
/// just before each read would time out keeps a response open no longer than `response`
/// (see [`Connection::begin_response`](super::Connection::begin_response)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Resolving and connecting (all addresses together), and separately each TLS handshake.
    pub connect: Duration,
    /// Each read: the longest the peer may stay silent while an answer is awaited.
    pub read: Duration,
    /// Each response, however its bytes trickle in: the window a response gets when the
    /// caller did not open one with
    /// [`Connection::begin_response`](super::Connection::begin_response).
    /// `Duration::MAX` means no overall limit (each read still has `read`).
    pub response: Duration,
    /// Each write with its flush, and the shutdown.
    pub write: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(30),
            read: Duration::from_secs(5 * 60),
            response: Duration::from_secs(5 * 60),
            write: Duration::from_secs(5 * 60),
        }
    }
}

impl Timeouts {
    /// The same timeout for every step.
    pub fn all(timeout: Duration) -> Self {
        Timeouts {
            connect: timeout,
            read: timeout,
            response: timeout,
            write: timeout,
        }
    }
}

/// Everything [`Connection::connect`](super::Connection::connect) needs besides host and
/// port.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Timeouts for each step.
    pub timeouts: Timeouts,
    /// Which servers to trust.
    pub tls: TlsConfig,
    /// Bounds on what the peer may make the connection hold.
    pub limits: Limits,
}

impl ConnectOptions {
    /// Returns these options with other timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Returns these options with another connect (and TLS handshake) timeout.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout;
        self
    }

    /// Returns these options with another read timeout.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.read = timeout;
        self
    }

    /// Returns these options with another bound on each whole response (see
    /// [`Timeouts::response`]).
    pub fn with_response_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.response = timeout;
        self
    }

    /// Returns these options with another write timeout.
    pub fn with_write_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.write = timeout;
        self
    }

    /// Returns these options with another trust configuration.
    pub fn with_tls(mut self, tls: TlsConfig) -> Self {
        self.tls = tls;
        self
    }

    /// Returns these options with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}
