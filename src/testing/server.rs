//! The loopback listener that plays scripts to the clients that connect.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::timeout;

use super::conn::{Flow, ServerConn};
use super::log::{Failure, ScriptError, ServerLog};
use super::script::{Mode, Script};

type Outcome = Result<ServerLog, ScriptError>;

/// A server on 127.0.0.1 that plays one script per connection, in a tokio task.
///
/// Dropping it stops the task; [`finish`](Self::finish) waits (bounded) for the scripts
/// to end and says what the clients sent.
#[derive(Debug)]
pub struct ScriptedServer {
    addr: SocketAddr,
    task: Option<JoinHandle<Vec<Outcome>>>,
    budget: Duration,
}

impl ScriptedServer {
    /// Listens on an ephemeral loopback port and serves one connection with `script`.
    pub async fn start(script: Script) -> io::Result<Self> {
        Self::start_many(vec![script]).await
    }

    /// Serves one connection per script: the first client to connect gets the first
    /// script, and so on. Connections are served concurrently.
    pub async fn start_many(scripts: Vec<Script>) -> io::Result<Self> {
        Self::start_at(SocketAddr::from(([127, 0, 0, 1], 0)), scripts).await
    }

    /// Like [`start_many`](Self::start_many), on a chosen address (say `[::1]:0`).
    pub async fn start_at(addr: SocketAddr, scripts: Vec<Script>) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let budget = scripts
            .iter()
            .map(Script::budget)
            .fold(Duration::from_secs(1), Duration::saturating_add);
        let task = tokio::spawn(serve_all(listener, scripts));
        Ok(ScriptedServer {
            addr,
            task: Some(task),
            budget,
        })
    }

    /// The port clients should dial.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for every script to end. Returns the first connection's log, or the first
    /// failure of any connection.
    pub async fn finish(self) -> Result<ServerLog, ScriptError> {
        let mut first = None;
        for outcome in self.finish_all().await {
            let log = outcome?;
            first.get_or_insert(log);
        }
        Ok(first.unwrap_or_default())
    }

    /// Waits for every script to end and returns each connection's outcome in order.
    pub async fn finish_all(mut self) -> Vec<Result<ServerLog, ScriptError>> {
        let Some(task) = self.task.take() else {
            return Vec::new();
        };
        let abort = task.abort_handle();
        match timeout(self.budget, task).await {
            Ok(Ok(outcomes)) => outcomes,
            Ok(Err(_)) => vec![Err(stopped(Failure::Panicked))],
            Err(_) => {
                abort.abort();
                vec![Err(stopped(Failure::Hung { after: self.budget }))]
            }
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn stopped(failure: Failure) -> ScriptError {
    ScriptError {
        step: 0,
        action: "running the script".into(),
        failure,
        log: ServerLog::default(),
    }
}

async fn serve_all(listener: TcpListener, scripts: Vec<Script>) -> Vec<Outcome> {
    let count = scripts.len();
    // A JoinSet aborts the connections still running if this task is aborted.
    let mut running = JoinSet::new();
    let mut outcomes: Vec<Option<Outcome>> = (0..count).map(|_| None).collect();
    for (index, script) in scripts.into_iter().enumerate() {
        let wait = script.step_timeout;
        match timeout(wait, listener.accept()).await {
            Ok(Ok((tcp, _))) => {
                running.spawn(async move { (index, serve(tcp, script).await) });
            }
            Ok(Err(error)) => {
                outcomes[index] = Some(Err(accept_failed(Failure::Io {
                    doing: "accepting a connection".into(),
                    error,
                })));
                break;
            }
            Err(_) => {
                outcomes[index] = Some(Err(accept_failed(Failure::NoClient { after: wait })));
                break;
            }
        }
    }
    drop(listener);
    while let Some(joined) = running.join_next().await {
        match joined {
            Ok((index, outcome)) => {
                if let Some(slot) = outcomes.get_mut(index) {
                    *slot = Some(outcome);
                }
            }
            Err(_) => {
                if let Some(slot) = outcomes.iter_mut().find(|slot| slot.is_none()) {
                    *slot = Some(Err(stopped(Failure::Panicked)));
                }
            }
        }
    }
    outcomes.into_iter().flatten().collect()
}

fn accept_failed(failure: Failure) -> ScriptError {
    ScriptError {
        step: 0,
        action: "accepting a connection".into(),
        failure,
        log: ServerLog::default(),
    }
}

async fn serve(tcp: TcpStream, script: Script) -> Outcome {
    let mut conn = ServerConn::new(tcp, script.step_timeout);
    if let Mode::ImplicitTls(config) = script.mode
        && let Err(failure) = conn.starttls(config).await
    {
        return Err(fail(conn, 0, "implicit TLS handshake".into(), failure).await);
    }
    for (index, step) in script.steps.into_iter().enumerate() {
        let number = index + 1;
        let action = step.describe();
        match conn.play(number, step).await {
            Ok(Flow::Next) => {}
            Ok(Flow::End) => break,
            Err(failure) => return Err(fail(conn, number, action, failure).await),
        }
    }
    conn.close().await;
    Ok(conn.into_log())
}

async fn fail(mut conn: ServerConn, step: usize, action: String, failure: Failure) -> ScriptError {
    // Keep reading until the client closes, so the log shows whether it went on after
    // the failure (it must not, say, send AUTH after a failed STARTTLS).
    conn.close().await;
    ScriptError {
        step,
        action,
        failure,
        log: conn.into_log(),
    }
}
