//! One server session driven by fuzzed client bytes, shared by the `*_server_session`
//! targets: the input is written into an in-memory stream while the server's output is
//! read, so a server blocked on a full pipe cannot stall the writer.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

/// Runs `serve` over one end of an in-memory stream, writes `input` into the other end and
/// closes it, and returns everything the server wrote. Panics (a finding) when the session
/// does not end within 20 s of its input ending, when it panics, or when it returns an
/// error. The session may end before it has read all of the input (after LOGOUT or QUIT):
/// that is not a failure.
pub fn drive<F, Fut>(input: &[u8], serve: F) -> Vec<u8>
where
    F: FnOnce(DuplexStream) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    let input = input.to_vec();
    runtime.block_on(async move {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let (mut reader, mut writer) = tokio::io::split(client);
        let session = tokio::spawn(serve(server));
        let writing = tokio::spawn(async move {
            let _ = writer.write_all(&input).await;
            let _ = writer.shutdown().await;
        });
        let mut output = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), reader.read_to_end(&mut output))
            .await
            .expect("the session ends once its input has")
            .expect("an in-memory stream does not fail");
        session
            .await
            .expect("no panic")
            .expect("serve_stream ends cleanly");
        writing.await.expect("no panic");
        output
    })
}
