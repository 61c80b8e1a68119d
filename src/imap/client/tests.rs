//! The crate-internal machinery the command families build on, against the scripted
//! server: streaming a large literal piece by piece, and pipelined commands.

use std::time::Duration;

use super::command::{Delivery, claim_data};
use super::{Client, ClientBuilder, Deadlines, Error};
use crate::imap::codec::types::{CommandBody, Data, FetchItems, Response, SequenceSet, StatusKind};
use crate::limits::Limits;
use crate::security::Security;
use crate::testing::{Mode, Script, ScriptedServer};

async fn preauth(then: impl FnOnce(Script) -> Script) -> (Client, ScriptedServer) {
    preauth_within(Limits::default(), then).await
}

async fn preauth_within(
    limits: Limits,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    let script = then(Script::new(Mode::Plain).send(b"* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = ClientBuilder::new("localhost", server.port())
        .security(Security::Plaintext)
        .deadlines(Deadlines::all(Duration::from_secs(5)))
        .limits(limits)
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

/// Ten `* n EXISTS` lines of 13 bytes each, then the completion of `tag`.
fn exists_flood(tag: &str) -> Vec<u8> {
    let mut lines: Vec<u8> = (10..20)
        .flat_map(|n| format!("* {n} EXISTS\r\n").into_bytes())
        .collect();
    lines.extend_from_slice(format!("{tag} OK done\r\n").as_bytes());
    lines
}

#[tokio::test]
async fn events_a_caller_never_takes_break_the_session_past_the_response_bound() {
    // Room for seven of the ten events (each held costs its 13 bytes and its overhead).
    let bound = 7 * super::session::held_size(13) + 9;
    let (mut client, server) = preauth_within(Limits::default().with_response_len(bound), |s| {
        s.expect_exact("A1 NOOP").send(exists_flood("A1"))
    })
    .await;
    let error = client
        .run(CommandBody::Noop, super::command::claim_nothing())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Unusable { reason, .. } if reason.contains("take_events")),
        "{error}"
    );
    assert!(!client.is_usable());
    // What was queued before the bound is still there to take.
    let kept = client.take_events();
    assert_eq!(kept.len(), 7);
    assert_eq!(kept[0], super::Event::Exists(10));
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn events_taken_between_commands_free_their_share_of_the_bound() {
    let half = |tag: &str| {
        let mut lines = b"* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXISTS\r\n* 4 EXISTS\r\n".to_vec();
        lines.extend_from_slice(format!("{tag} OK done\r\n").as_bytes());
        lines
    };
    // Room for the four events of one NOOP, not for those of two.
    let bound = 4 * super::session::held_size(12) + 16;
    let (mut client, server) = preauth_within(Limits::default().with_response_len(bound), |s| {
        s.expect_exact("A1 NOOP")
            .send(half("A1"))
            .expect_exact("A2 NOOP")
            .send(half("A2"))
    })
    .await;
    for _ in 0..2 {
        let completion = client
            .run(CommandBody::Noop, super::command::claim_nothing())
            .await
            .unwrap();
        assert!(completion.is_ok());
        assert_eq!(client.take_events().len(), 4);
    }
    drop(client);
    server.finish().await.unwrap();
}

#[tokio::test]
async fn a_command_whose_answers_outgrow_the_response_bound_is_a_protocol_error() {
    let (mut client, server) = preauth_within(Limits::default().with_response_len(100), |s| {
        s.expect_exact("A1 NOOP").send(exists_flood("A1"))
    })
    .await;
    let error = client
        .run(
            CommandBody::Noop,
            claim_data(|data| matches!(data, Data::Exists(_))),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Protocol { what, .. } if what.contains("NOOP A1")),
        "{error}"
    );
    assert!(!client.is_usable());
    drop(client);
    server.finish().await.unwrap();
}
