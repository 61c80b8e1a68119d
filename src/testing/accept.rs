//! The accept loop the SMTP and IMAP test servers share: every connection in its own task,
//! a bound on the sessions served at once, and a bound on the refusals in flight, so that a
//! flood of connections (a fuzzer, a stuck client pool) costs a fixed number of tasks.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A place counted against a limit until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A slot under `limit`, or `None` when all are taken.
fn take_slot(taken: &Arc<AtomicUsize>, limit: usize) -> Option<Slot> {
    taken
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
            (now < limit).then_some(now + 1)
        })
        .ok()
        .map(|_| Slot(taken.clone()))
}

/// Accepts connections on `listener` until the task running it is aborted (which drops
/// the set of sessions, and so aborts every one of them).
///
/// Up to `max_sessions` connections at once get `serve`; past that, a connection gets
/// `refuse` (which says the server is full and closes), and past as many refusals in
/// flight as sessions (a refusal may itself wait, on a TLS handshake), it is closed
/// without a word.
pub(crate) async fn accept_loop<Serve, Refuse, ServeFut, RefuseFut>(
    listener: TcpListener,
    max_sessions: usize,
    serve: Serve,
    refuse: Refuse,
) where
    Serve: Fn(TcpStream) -> ServeFut,
    Refuse: Fn(TcpStream) -> RefuseFut,
    ServeFut: Future<Output = ()> + Send + 'static,
    RefuseFut: Future<Output = ()> + Send + 'static,
{
    let mut sessions = JoinSet::new();
    let active = Arc::new(AtomicUsize::new(0));
    let refusing = Arc::new(AtomicUsize::new(0));
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of file descriptors, or a reset before accept: wait a little rather
                // than spin, then go on.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        while sessions.try_join_next().is_some() {}
        // Replies are small and each must leave at once (pipelining clients wait for them).
        let _ = tcp.set_nodelay(true);
        if let Some(slot) = take_slot(&active, max_sessions) {
            let session = serve(tcp);
            sessions.spawn(async move {
                session.await;
                drop(slot);
            });
        } else if let Some(slot) = take_slot(&refusing, max_sessions.max(1)) {
            let refusal = refuse(tcp);
            sessions.spawn(async move {
                refusal.await;
                drop(slot);
            });
        }
    }
}
