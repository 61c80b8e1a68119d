//! The crate-internal machinery the command families build on, against the scripted
//! server: streaming a large literal piece by piece, and pipelined commands.

use std::time::Duration;

use super::command::{Delivery, claim_data};
use super::{Client, ClientBuilder, Deadlines};
use crate::imap::codec::types::{CommandBody, Data, FetchItems, Response, SequenceSet, StatusKind};
use crate::security::Security;
use crate::testing::{Mode, Script, ScriptedServer};

async fn preauth(then: impl FnOnce(Script) -> Script) -> (Client, ScriptedServer) {
    let script = then(Script::new(Mode::Plain).send(b"* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = ClientBuilder::new("localhost", server.port())
        .security(Security::Plaintext)
        .deadlines(Deadlines::all(Duration::from_secs(5)))
        .connect()
        .await
        .unwrap();
    (client, server)
}

fn fetch(uid: bool) -> CommandBody<'static> {
    CommandBody::Fetch {
        set: SequenceSet::all(),
        items: FetchItems::Fast,
        modifiers: Vec::new(),
        uid,
    }
}

#[tokio::test]
async fn a_streaming_command_gets_a_large_literal_in_pieces_and_small_responses_whole() {
    let body = vec![b'x'; 200_000];
    let mut answer = b"* 1 FETCH (UID 7 BODY[] {200000}\r\n".to_vec();
    answer.extend_from_slice(&body);
    answer.extend_from_slice(
        b" FLAGS (\\Seen))\r\n* 9 EXISTS\r\n* 2 FETCH (UID 8)\r\nA1 OK done\r\n",
    );
    let (mut client, server) =
        preauth(|script| script.expect_prefix("A1 FETCH").send(answer)).await;
    let pending = client
        .send(
            fetch(false),
            claim_data(|data| matches!(data, Data::Fetch { .. })),
        )
        .await
        .unwrap();
    let mut streamed = Vec::new();
    let mut pieces = Vec::new();
    loop {
        match client.next_delivery(&pending, true).await.unwrap() {
            Delivery::StreamStart { head, size } => {
                assert_eq!(head, b"* 1 FETCH (UID 7 BODY[] {200000}\r\n");
                assert_eq!(size, 200_000);
                pieces.push("start");
            }
            Delivery::StreamData(bytes) => streamed.extend_from_slice(&bytes),
            Delivery::StreamEnd { tail } => {
                assert_eq!(tail, b" FLAGS (\\Seen))\r\n");
                pieces.push("end");
            }
            Delivery::Response(Response::Data(Data::Fetch { seq, .. })) => {
                assert_eq!(seq, 2);
                pieces.push("fetch");
            }
            Delivery::Response(other) => panic!("{other:?}"),
            Delivery::Done => break,
        }
    }
    assert_eq!(pieces, ["start", "end", "fetch"]);
    assert_eq!(streamed, body);
    let completion = client.wait(pending).await.unwrap();
    assert_eq!(completion.kind, StatusKind::Ok);
    assert_eq!(client.take_events(), vec![super::Event::Exists(9)]);
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn pipelined_commands_each_get_their_own_completion_and_data() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_prefix("A1 FETCH")
            .expect_prefix("A2 UID FETCH")
            .send(b"* 1 FETCH (UID 5)\r\nA2 OK second\r\n* 3 FETCH (UID 6)\r\nA1 OK first\r\n")
    })
    .await;
    let claim = || claim_data(|data| matches!(data, Data::Fetch { .. }));
    let first = client.send(fetch(false), claim()).await.unwrap();
    let second = client.send(fetch(true), claim()).await.unwrap();
    let second = client.wait(second).await.unwrap();
    let first = client.wait(first).await.unwrap();
    assert_eq!(second.text.as_bytes(), b"second");
    assert_eq!(first.text.as_bytes(), b"first");
    // The oldest command whose claim takes the data gets it.
    assert_eq!(first.data.len(), 2);
    assert!(second.data.is_empty());
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_quiet_wait_ends_without_breaking_the_session_and_pushes_come_after() {
    let (mut client, server) = preauth(|script| {
        script
            .expect_exact("A1 NOOP")
            .stall(Duration::from_millis(300))
            .send(b"* 4 EXISTS\r\nA1 OK done\r\n")
    })
    .await;
    let pending = client
        .send(
            CommandBody::Noop,
            claim_data(|data| matches!(data, Data::Exists(_))),
        )
        .await
        .unwrap();
    let quiet = client
        .next_delivery_within(&pending, false, Duration::from_millis(50))
        .await
        .unwrap();
    assert!(quiet.is_none());
    assert!(client.is_usable());
    let push = client
        .next_delivery_within(&pending, false, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        matches!(
            push,
            Some(Delivery::Response(Response::Data(Data::Exists(4))))
        ),
        "{push:?}"
    );
    assert_eq!(client.selected(), None);
    let completion = client.wait(pending).await.unwrap();
    assert!(completion.is_ok());
    drop(client);
    server.finish().await.unwrap();
}

/// The watcher and applications run sessions on spawned tasks: the client and its futures
/// must be `Send`.
#[test]
fn the_client_and_its_futures_can_move_between_threads() {
    fn is_send<T: Send>(_: &T) {}
    let connecting = ClientBuilder::new("localhost", 1).connect();
    is_send(&connecting);
    drop(connecting);
    #[allow(dead_code, reason = "only compiled, to check the futures are Send")]
    async fn command_futures(client: &mut Client) {
        fn is_send<T: Send>(_: &T) {}
        let noop = client.noop();
        is_send(&noop);
        drop(noop);
        let run = client.run(CommandBody::Noop, super::command::claim_nothing());
        is_send(&run);
    }
}
