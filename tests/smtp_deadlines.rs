//! The SMTP client's per-reply deadlines against a server that trickles its replies: each
//! RFC 5321 timeout bounds a whole reply, not each read.

use std::time::{Duration, Instant};

use mailwire::security::Security;
use mailwire::smtp::{ClientBuilder, Error, Phase, PhaseTimeouts};
use mailwire::testing::{Mode, Script, ScriptedServer};

const GREETING: &[u8] = b"220 mx.test ESMTP\r\n";

/// Bounds a test that the old code would never finish: it fails instead of hanging.
async fn within<T>(limit: Duration, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| panic!("still waiting after {limit:?}: nothing bounded the wait"))
}

#[tokio::test]
async fn an_ehlo_reply_trickled_byte_by_byte_times_out_at_the_reply_deadline() {
    // 160 bytes, one every 40 ms: each read gets a byte ten times sooner than the 400 ms
    // timeout, and the whole reply would take over six seconds.
    let mut reply = Vec::new();
    for extension in ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8"] {
        reply.extend_from_slice(format!("250-{extension}\r\n").as_bytes());
    }
    reply.extend_from_slice(b"250 SIZE 10240000 and some more words to make it long\r\n");
    reply.extend_from_slice(&[b' '; 40]);
    let script = Script::new(Mode::Plain)
        .send(GREETING)
        .expect_prefix("EHLO ")
        .send_slowly(&reply, 1, Duration::from_millis(40));
    let server = ScriptedServer::start(script).await.unwrap();

    let limit = Duration::from_millis(400);
    let started = Instant::now();
    let result = within(
        Duration::from_secs(5),
        ClientBuilder::new("127.0.0.1", server.port())
            .security(Security::Plaintext)
            .timeouts(PhaseTimeouts::all(limit))
            .connect(),
    )
    .await;
    let waited = started.elapsed();
    match &result {
        Err(Error::Net {
            phase: Phase::Ehlo,
            source,
        }) => assert!(source.is_timeout(), "{source}"),
        other => panic!("expected a timeout in EHLO, got {other:?}"),
    }
    assert!(
        waited >= limit && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    drop(result);
    drop(server);
}
