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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::accept_loop;

    async fn first_bytes(tcp: &mut TcpStream) -> Vec<u8> {
        let mut buffer = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(3), tcp.read(&mut buffer))
            .await
            .expect("an answer or a close, not silence");
        buffer[..read.unwrap_or(0)].to_vec()
    }

    #[tokio::test]
    async fn sessions_then_refusals_then_silence_past_each_limit_and_slots_come_back() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (served, refused) = (
            std::sync::Arc::new(tokio::sync::Semaphore::new(0)),
            std::sync::Arc::new(tokio::sync::Semaphore::new(0)),
        );
        let hold = |tag: &'static [u8], gate: std::sync::Arc<tokio::sync::Semaphore>| {
            move |mut tcp: TcpStream| {
                let gate = gate.clone();
                async move {
                    let _ = tcp.write_all(tag).await;
                    // Held until the test lets one go.
                    gate.acquire().await.unwrap().forget();
                }
            }
        };
        let task = tokio::spawn(accept_loop(
            listener,
            1,
            hold(b"hello", served.clone()),
            hold(b"busy", refused.clone()),
        ));
        let connect = || TcpStream::connect(("127.0.0.1", port));
        let mut first = connect().await.unwrap();
        assert_eq!(first_bytes(&mut first).await, b"hello");
        let mut second = connect().await.unwrap();
        assert_eq!(first_bytes(&mut second).await, b"busy");
        // One session and one refusal in flight: the next is closed without a word.
        let mut third = connect().await.unwrap();
        assert_eq!(first_bytes(&mut third).await, b"");
        // A session that ends gives its slot back.
        served.add_permits(1);
        refused.add_permits(1);
        let mut again = Vec::new();
        for _ in 0..100 {
            let mut next = connect().await.unwrap();
            again = first_bytes(&mut next).await;
            if again == b"hello" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(again, b"hello");
        task.abort();
    }
}
