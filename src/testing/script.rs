//! A server's side of a conversation, step by step.

use core::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;

use super::conn::ServerConn;
use super::log::{Context, Failure, shown, shown_redacted};

/// How the server starts each connection.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Plain TCP (STARTTLS steps may upgrade it later).
    Plain,
    /// TLS from the first byte, with this configuration.
    ImplicitTls(Arc<ServerConfig>),
}

/// What a handler returns: a boxed future borrowing the connection.
pub type HandlerFuture<'c> = Pin<Box<dyn Future<Output = Result<(), Failure>> + Send + 'c>>;

type Handler = Box<dyn for<'c> FnOnce(&'c mut ServerConn) -> HandlerFuture<'c> + Send>;
type LineCheck = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

pub(crate) enum Step {
    Send(Vec<u8>),
    SendSlowly {
        bytes: Vec<u8>,
        piece: usize,
        pause: Duration,
    },
    Expect {
        expected: String,
        check: LineCheck,
    },
    ReadUntil(Vec<u8>),
    StartTls(Arc<ServerConfig>),
    SendAndStartTls(Vec<u8>, Arc<ServerConfig>),
    Stall(Duration),
    Close,
    SendForever {
        chunk: Vec<u8>,
        max_bytes: u64,
    },
    ReadUntilClose,
    Handler(Handler),
}

impl Step {
    pub(crate) fn describe(&self) -> String {
        match self {
            Step::Send(bytes) => format!("send \"{}\"", shown(bytes)),
            Step::SendSlowly { bytes, piece, .. } => {
                format!("send \"{}\" in pieces of {piece} bytes", shown(bytes))
            }
            Step::Expect { expected, .. } => format!("expect {expected}"),
            Step::ReadUntil(end) => format!("read until \"{}\"", shown(end)),
            Step::StartTls(_) => "STARTTLS handshake".into(),
            Step::SendAndStartTls(bytes, _) => {
                format!("send \"{}\" then STARTTLS handshake", shown(bytes))
            }
            Step::Stall(pause) => format!("stall for {pause:?}"),
            Step::Close => "close".into(),
            Step::SendForever { chunk, max_bytes } => {
                format!(
                    "send \"{}\" endlessly (up to {max_bytes} bytes)",
                    shown(chunk)
                )
            }
            Step::ReadUntilClose => "read until the client closes".into(),
            Step::Handler(_) => "handler".into(),
        }
    }

    /// Time the step may take beyond its I/O timeouts.
    fn extra_time(&self) -> Duration {
        match self {
            Step::Stall(pause) => *pause,
            Step::SendSlowly {
                bytes,
                piece,
                pause,
            } => pause.saturating_mul(
                u32::try_from(bytes.len() / (*piece).max(1) + 1).unwrap_or(u32::MAX),
            ),
            _ => Duration::ZERO,
        }
    }

    /// Step timeouts the step may use up (a handler may wait many times).
    fn waits(&self) -> u32 {
        match self {
            Step::Handler(_) => 20,
            Step::SendAndStartTls(..) => 3,
            _ => 2,
        }
    }
}

/// The server's side of one connection, built step by step and played in order.
///
/// Every wait for the client is bounded by the step timeout (5 s unless changed). After
/// the last step (or [`close`](Script::close)) the server ends its side and keeps reading
/// until the client closes, so the [`ServerLog`](super::ServerLog) holds everything the
/// client sent: drop the client before `finish`, or `finish` waits for the step timeout.
pub struct Script {
    pub(crate) mode: Mode,
    pub(crate) steps: Vec<Step>,
    pub(crate) step_timeout: Duration,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: Vec<String> = self.steps.iter().map(Step::describe).collect();
        f.debug_struct("Script")
            .field("mode", &self.mode)
            .field("steps", &steps)
            .field("step_timeout", &self.step_timeout)
            .finish()
    }
}

impl Script {
    /// An empty script for a connection started in `mode`.
    pub fn new(mode: Mode) -> Self {
        Script {
            mode,
            steps: Vec::new(),
            step_timeout: Duration::from_secs(5),
        }
    }

    /// Changes how long any one wait for the client may last.
    pub fn step_timeout(mut self, timeout: Duration) -> Self {
        self.step_timeout = timeout;
        self
    }

    fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// Sends `bytes` in one write.
    pub fn send(self, bytes: impl AsRef<[u8]>) -> Self {
        self.step(Step::Send(bytes.as_ref().to_vec()))
    }

    /// Sends `bytes` in writes of `piece` bytes with `pause` between them, so the client
    /// sees a reply arrive in fragments.
    pub fn send_slowly(self, bytes: impl AsRef<[u8]>, piece: usize, pause: Duration) -> Self {
        self.step(Step::SendSlowly {
            bytes: bytes.as_ref().to_vec(),
            piece: piece.max(1),
            pause,
        })
    }

    /// Reads one line and accepts it if `check` returns true. `check` sees the line
    /// without its ending; a line that ends in a bare LF is refused.
    pub fn expect_line(self, check: impl Fn(&[u8]) -> bool + Send + Sync + 'static) -> Self {
        self.step(Step::Expect {
            expected: "a line the test accepts".into(),
            check: Box::new(check),
        })
    }

    /// Reads one line and accepts it if it starts with `prefix` (case-sensitive). The
    /// step's description, which failures print, shows a secret in `prefix` redacted.
    pub fn expect_prefix(self, prefix: impl AsRef<[u8]>) -> Self {
        let prefix = prefix.as_ref().to_vec();
        self.step(Step::Expect {
            expected: format!(
                "a line starting with \"{}\"",
                shown_redacted(&prefix, Context::Expected)
            ),
            check: Box::new(move |line| line.starts_with(&prefix)),
        })
    }

    /// Reads one line and accepts it if it is exactly `line` (without its CRLF). The step's
    /// description, which failures print, shows a secret in `line` (an AUTH payload, a
    /// base64 line) redacted.
    pub fn expect_exact(self, line: impl AsRef<[u8]>) -> Self {
        let wanted = line.as_ref().to_vec();
        self.step(Step::Expect {
            expected: format!(
                "the line \"{}\"",
                shown_redacted(&wanted, Context::Expected)
            ),
            check: Box::new(move |line| line == wanted.as_slice()),
        })
    }

    /// Reads until `terminator` (e.g. `b"\r\n.\r\n"` after DATA); accepts whatever comes
    /// before it. All of it lands in the log.
    pub fn read_until(self, terminator: impl AsRef<[u8]>) -> Self {
        self.step(Step::ReadUntil(terminator.as_ref().to_vec()))
    }

    /// Starts TLS now (after the script sent its STARTTLS go-ahead). Fails if the client
    /// sent anything between its STARTTLS command and its TLS handshake.
    pub fn starttls(self, config: Arc<ServerConfig>) -> Self {
        self.step(Step::StartTls(config))
    }

    /// Writes `bytes` in one packet and starts TLS: with `b"220 go ahead\r\n250 injected\r\n"`
    /// it plays the response-injection attack.
    pub fn send_and_starttls(self, bytes: impl AsRef<[u8]>, config: Arc<ServerConfig>) -> Self {
        self.step(Step::SendAndStartTls(bytes.as_ref().to_vec(), config))
    }

    /// Sends nothing for `pause`, or until the client hangs up; what the client sends
    /// meanwhile is kept for the next steps.
    pub fn stall(self, pause: Duration) -> Self {
        self.step(Step::Stall(pause))
    }

    /// Ends the server's side here; later steps are not played.
    pub fn close(self) -> Self {
        self.step(Step::Close)
    }

    /// Sends `chunk` again and again until `max_bytes` are out or the client stops
    /// reading or hangs up: an endless line when `chunk` has no LF.
    pub fn send_forever(self, chunk: impl AsRef<[u8]>, max_bytes: u64) -> Self {
        let chunk = chunk.as_ref().to_vec();
        let chunk = if chunk.is_empty() { vec![b'x'] } else { chunk };
        self.step(Step::SendForever { chunk, max_bytes })
    }

    /// Reads everything until the client closes.
    pub fn read_until_close(self) -> Self {
        self.step(Step::ReadUntilClose)
    }

    /// Runs a handler over the connection: anything the other steps cannot say.
    ///
    /// ```
    /// use mailwire::testing::{Failure, Mode, Script};
    ///
    /// let script = Script::new(Mode::Plain).with_handler(|conn| {
    ///     Box::pin(async move {
    ///         conn.send(b"220 hi\r\n").await?;
    ///         let line = conn.read_line().await?;
    ///         if !line.starts_with(b"EHLO ") {
    ///             return Err(Failure::Handler("no EHLO".into()));
    ///         }
    ///         Ok(())
    ///     })
    /// });
    /// # drop(script);
    /// ```
    pub fn with_handler<F>(self, handler: F) -> Self
    where
        F: for<'c> FnOnce(&'c mut ServerConn) -> HandlerFuture<'c> + Send + 'static,
    {
        self.step(Step::Handler(Box::new(handler)))
    }

    /// The longest this script can run: accept, every step's waits and pauses, the
    /// closing drain.
    pub(crate) fn budget(&self) -> Duration {
        let waits: u32 = 3 + self.steps.iter().map(Step::waits).sum::<u32>();
        let extra: Duration = self.steps.iter().map(Step::extra_time).sum();
        self.step_timeout
            .saturating_mul(waits)
            .saturating_add(extra)
    }
}
