//! SEARCH, STORE, COPY, MOVE (and its fallback where MOVE is missing, as on iCloud) and
//! EXPUNGE against the scripted server: each test is a transcript in and an expectation
//! out, and checks every byte the client sent.

mod support;

use mailwire::imap::codec::types::{Code, Flag, SearchKey, SequenceSet};
use mailwire::imap::{Client, Error, Event, FlagChange};
use mailwire::testing::{Script, ScriptedServer};
use support::imap::{ICLOUD_CAPABILITIES, hang_up, preauth};

/// A server with neither MOVE nor UIDPLUS nor ESEARCH.
const BARE: &str = "IMAP4rev1 IDLE";
/// A server with MOVE and UIDPLUS (as Dovecot).
const WITH_MOVE: &str = "IMAP4rev1 IDLE MOVE UIDPLUS CONDSTORE";

/// A session already logged in (PREAUTH) with `capabilities`, then `then`; after the
/// script the server reads until the client hangs up, so anything more it sent shows.
async fn session(
    capabilities: &str,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    preauth(capabilities, |script| then(script).read_until_close()).await
}

/// Hangs up and returns every line the client sent, after checking each expectation met.
async fn sent(client: Client, server: ScriptedServer) -> String {
    hang_up(client, server).await.received_text_unredacted()
}

#[tokio::test]
async fn icloud_without_move_moves_by_uid_copy_store_deleted_and_uid_expunge_of_those_uids() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| {
        s.expect_exact("A1 UID COPY 10:12 \"Deleted Messages\"")
            // Message 11 was gone already: COPYUID names only what was copied.
            .send(b"A1 OK [COPYUID 1700 10,12 501:502] Copy completed\r\n")
            .expect_exact("A2 UID STORE 10,12 +FLAGS.SILENT (\\Deleted)")
            .send(b"A2 OK Store completed\r\n")
            .expect_exact("A3 UID EXPUNGE 10,12")
            .send(b"* 3 EXPUNGE\r\n* 4 EXPUNGE\r\nA3 OK Expunge completed\r\n")
    })
    .await;
    let moved = client
        .uid_move(&SequenceSet::range(10, 12), "Deleted Messages")
        .await
        .unwrap();
    assert!(moved.by_copy);
    let copy = moved.copy_uid.unwrap();
    assert_eq!(copy.pairs(10), Some(vec![(10, 501), (12, 502)]));
    assert_eq!(moved.expunged.seqs, [3, 4]);
    // The expunges answered the move: they are not also events.
    assert!(client.take_events().is_empty());
    assert_eq!(
        sent(client, server).await,
        "A1 UID COPY 10:12 \"Deleted Messages\"\r\n\
         A2 UID STORE 10,12 +FLAGS.SILENT (\\Deleted)\r\n\
         A3 UID EXPUNGE 10,12\r\n"
    );
}

#[tokio::test]
async fn icloud_without_move_turns_message_numbers_into_uids_before_anything_is_expunged() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| {
        s.expect_exact("A1 UID SEARCH RETURN (ALL) 2:3")
            .send(b"* ESEARCH (TAG \"A1\") UID ALL 40,44\r\nA1 OK Search completed\r\n")
            .expect_exact("A2 UID COPY 40,44 Archive")
            .send(b"A2 OK [COPYUID 1700 40,44 9:10] Copy completed\r\n")
            .expect_exact("A3 UID STORE 40,44 +FLAGS.SILENT (\\Deleted)")
            .send(b"A3 OK Store completed\r\n")
            .expect_exact("A4 UID EXPUNGE 40,44")
            .send(b"* 2 EXPUNGE\r\n* 2 EXPUNGE\r\nA4 OK Expunge completed\r\n")
    })
    .await;
    let moved = client
        .move_messages(&SequenceSet::range(2, 3), "Archive")
        .await
        .unwrap();
    assert!(moved.by_copy);
    assert_eq!(moved.expunged.seqs, [2, 2]);
    let sent = sent(client, server).await;
    assert!(
        !sent.contains("A4 EXPUNGE") && !sent.contains(" MOVE "),
        "{sent}"
    );
}

#[tokio::test]
async fn icloud_without_move_resolves_a_star_before_copying_so_a_new_arrival_is_never_expunged() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| {
        s.expect_exact("A1 UID SEARCH RETURN (ALL) UID 40:*")
            .send(b"* ESEARCH (TAG \"A1\") UID ALL 40:41\r\nA1 OK done\r\n")
            .expect_exact("A2 UID COPY 40:41 Archive")
            // No COPYUID: the UIDs resolved before the copy are the ones removed.
            .send(b"A2 OK Copy completed\r\n")
            .expect_exact("A3 UID STORE 40:41 +FLAGS.SILENT (\\Deleted)")
            .send(b"* 9 EXISTS\r\nA3 OK Store completed\r\n")
            .expect_exact("A4 UID EXPUNGE 40:41")
            .send(b"* 7 EXPUNGE\r\n* 7 EXPUNGE\r\nA4 OK Expunge completed\r\n")
    })
    .await;
    let moved = client
        .uid_move(&SequenceSet::from_to_last(40), "Archive")
        .await
        .unwrap();
    assert_eq!(moved.copy_uid, None);
    assert_eq!(moved.expunged.seqs, [7, 7]);
    // The new arrival during the move is the caller's to hear about.
    assert_eq!(client.take_events(), [Event::Exists(9)]);
    sent(client, server).await;
}

#[tokio::test]
async fn without_uidplus_a_move_is_refused_and_nothing_is_sent() {
    let (mut client, server) = session(BARE, |s| {
        s.expect_exact("A1 NOOP").send(b"A1 OK NOOP completed\r\n")
    })
    .await;
    for result in [
        client.uid_move(&SequenceSet::single(5), "Archive").await,
        client
            .move_messages(&SequenceSet::single(1), "Archive")
            .await,
        client
            .uid_move_by_copy(&SequenceSet::single(5), "Archive")
            .await,
    ] {
        let error = result.unwrap_err();
        assert!(
            matches!(error, Error::NotSupported { missing, .. } if missing.contains("UIDPLUS")),
            "{error:?}"
        );
        assert!(error.to_string().contains("nothing was sent"), "{error}");
    }
    let error = client
        .uid_expunge(&SequenceSet::single(5))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::NotSupported {
            missing: "UIDPLUS",
            ..
        }
    ));
    // The next command is still tag A1: nothing went out before it.
    client.noop().await.unwrap();
    assert_eq!(sent(client, server).await, "A1 NOOP\r\n");
}

#[tokio::test]
async fn move_advertised_sends_one_uid_move_and_reads_its_untagged_copyuid() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 UID MOVE 10:11 Archive").send(
            b"* OK [COPYUID 38505 10:11 7:8] Moved UIDs.\r\n* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n\
              A1 OK Move completed\r\n",
        )
    })
    .await;
    let moved = client
        .uid_move(&SequenceSet::range(10, 11), "Archive")
        .await
        .unwrap();
    assert!(!moved.by_copy);
    assert_eq!(
        moved.copy_uid.unwrap().pairs(10),
        Some(vec![(10, 7), (11, 8)])
    );
    assert_eq!(moved.expunged.seqs, [3, 3]);
    assert!(client.take_events().is_empty());
    assert_eq!(sent(client, server).await, "A1 UID MOVE 10:11 Archive\r\n");
}

#[tokio::test]
async fn move_by_copy_can_be_chosen_where_move_is_advertised() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 UID COPY 5 Archive")
            .send(b"A1 OK [COPYUID 1 5 1] done\r\n")
            .expect_exact("A2 UID STORE 5 +FLAGS.SILENT (\\Deleted)")
            .send(b"A2 OK done\r\n")
            .expect_exact("A3 UID EXPUNGE 5")
            .send(b"* 1 EXPUNGE\r\nA3 OK done\r\n")
    })
    .await;
    let moved = client
        .uid_move_by_copy(&SequenceSet::single(5), "Archive")
        .await
        .unwrap();
    assert!(moved.by_copy);
    assert_eq!(moved.expunged.seqs, [1]);
    sent(client, server).await;
}

#[tokio::test]
async fn icloud_parse_error_reaches_the_caller_as_bad_with_its_text() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| {
        s.expect_exact("A1 UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN")
            .send(b"A1 BAD Parse Error (took 0 ms)\r\n")
            .expect_exact("A2 NOOP")
            .send(b"A2 OK done\r\n")
    })
    .await;
    let error = client.uid_search(SearchKey::unseen()).await.unwrap_err();
    match &error {
        Error::Bad { command, text, .. } => {
            assert_eq!(*command, "UID SEARCH");
            assert_eq!(text, "Parse Error (took 0 ms)");
        }
        other => panic!("expected BAD, got {other:?}"),
    }
    assert!(error.to_string().contains("Parse Error (took 0 ms)"));
    // A BAD ends the command, not the session.
    assert!(client.is_usable());
    client.noop().await.unwrap();
    sent(client, server).await;
}

#[tokio::test]
async fn a_plain_search_lists_numbers_and_the_highest_modseq() {
    let (mut client, server) = session(BARE, |s| {
        s.expect_exact("A1 SEARCH UNSEEN")
            .send(b"* SEARCH 2 5 9 (MODSEQ 917)\r\nA1 OK done\r\n")
            .expect_exact("A2 UID SEARCH UID 1:*")
            .send(b"* SEARCH\r\nA2 OK done\r\n")
    })
    .await;
    let found = client.search(SearchKey::unseen()).await.unwrap();
    assert_eq!(found.ids, [2, 5, 9]);
    assert_eq!(found.highest_modseq, Some(917));
    assert!(!found.uid && !found.extended);
    assert_eq!(found.to_set().unwrap().to_string(), "2,5,9");
    let none = client
        .uid_search(SearchKey::uid(SequenceSet::all()))
        .await
        .unwrap();
    assert!(none.is_empty() && none.uid);
    assert_eq!(none.to_set(), None);
    sent(client, server).await;
}

#[tokio::test]
async fn esearch_with_a_non_ascii_subject_sends_charset_utf8_and_a_literal() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| {
        s.expect_exact("A1 UID SEARCH RETURN (MIN MAX COUNT ALL) CHARSET UTF-8 SUBJECT {7}")
            .send(b"+ Ready for literal data\r\n")
            .expect_exact("Grüße UNSEEN")
            // Another command's ESEARCH (tagged A0) is not this one's answer.
            .send(
                b"* ESEARCH (TAG \"A0\") UID COUNT 1\r\n\
                  * ESEARCH (TAG \"A1\") UID MIN 4 MAX 9 COUNT 3 ALL 4,8:9\r\n\
                  A1 OK done\r\n",
            )
    })
    .await;
    let found = client
        .uid_search(SearchKey::subject("Grüße") & SearchKey::unseen())
        .await
        .unwrap();
    assert!(found.extended && found.uid);
    assert_eq!(
        (found.min, found.max, found.count),
        (Some(4), Some(9), Some(3))
    );
    assert_eq!(found.iter().collect::<Vec<_>>(), [4, 8, 9]);
    assert!(found.ids.is_empty());
    let events = client.take_events();
    assert!(matches!(events.as_slice(), [Event::Other(_)]), "{events:?}");
    sent(client, server).await;
}

#[tokio::test]
async fn search_return_options_without_esearch_are_refused_before_sending() {
    let (mut client, server) = session(BARE, |s| s).await;
    let error = client
        .search_returning(
            SearchKey::all(),
            false,
            Some(vec![
                mailwire::imap::codec::types::SearchReturnOption::Count,
            ]),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::NotSupported {
            missing: "ESEARCH",
            ..
        }
    ));
    assert_eq!(sent(client, server).await, "");
}

#[tokio::test]
async fn uid_store_returns_the_new_flags_and_leaves_other_clients_changes_as_events() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 UID STORE 4 +FLAGS (\\Seen $Work)").send(
            b"* 2 FETCH (UID 4 MODSEQ (12) FLAGS (\\Seen $Work))\r\n\
              * 7 FETCH (FLAGS (\\Flagged))\r\n\
              A1 OK Store completed\r\n",
        )
    })
    .await;
    let stored = client
        .uid_store(
            &SequenceSet::single(4),
            FlagChange::add(vec![Flag::Seen, Flag::keyword("$Work").unwrap()]),
        )
        .await
        .unwrap();
    assert_eq!(stored.updated.len(), 1);
    let message = &stored.updated[0];
    assert_eq!(
        (message.seq, message.uid, message.modseq),
        (2, Some(4), Some(12))
    );
    assert_eq!(
        message.flags.as_deref(),
        Some(&[Flag::Seen, Flag::keyword("$Work").unwrap()][..])
    );
    assert_eq!(stored.modified, None);
    let events = client.take_events();
    assert!(
        matches!(events.as_slice(), [Event::Fetch { seq: 7, .. }]),
        "{events:?}"
    );
    sent(client, server).await;
}

#[tokio::test]
async fn store_unchanged_since_reports_the_modified_set() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 STORE 1:3 (UNCHANGEDSINCE 90) -FLAGS.SILENT (\\Answered)")
            .send(
                b"* 1 FETCH (MODSEQ (100))\r\n* 3 FETCH (MODSEQ (101))\r\n\
                  A1 OK [MODIFIED 2] Conditional STORE failed\r\n",
            )
    })
    .await;
    let stored = client
        .store(
            &SequenceSet::range(1, 3),
            FlagChange::remove(vec![Flag::Answered])
                .silent()
                .unchanged_since(90),
        )
        .await
        .unwrap();
    assert_eq!(stored.modified, Some(SequenceSet::single(2)));
    let seqs: Vec<_> = stored.updated.iter().map(|m| (m.seq, m.modseq)).collect();
    assert_eq!(seqs, [(1, Some(100)), (3, Some(101))]);
    sent(client, server).await;
}

#[tokio::test]
async fn copy_returns_copyuid_and_a_trycreate_refusal_keeps_its_code() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 COPY 1:2 Entw&APw-rfe")
            .send(b"A1 OK [COPYUID 7 20:21 3:4] Copy completed\r\n")
            .expect_exact("A2 UID COPY 20 Nowhere")
            .send(b"A2 NO [TRYCREATE] Mailbox doesn't exist: Nowhere\r\n")
    })
    .await;
    let copy = client
        .copy(&SequenceSet::range(1, 2), "Entwürfe")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(copy.uid_validity, 7);
    assert_eq!(copy.pairs(10), Some(vec![(20, 3), (21, 4)]));
    let error = client
        .uid_copy(&SequenceSet::single(20), "Nowhere")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::No {
                code: Some(Code::TryCreate),
                ..
            }
        ),
        "{error:?}"
    );
    sent(client, server).await;
}

#[tokio::test]
async fn expunge_and_uid_expunge_return_numbers_and_vanished_uids() {
    let (mut client, server) = session(WITH_MOVE, |s| {
        s.expect_exact("A1 EXPUNGE")
            .send(b"* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 5 EXPUNGE\r\nA1 OK Expunge completed\r\n")
            .expect_exact("A2 UID EXPUNGE 7:9")
            .send(b"* VANISHED 7:9\r\nA2 OK done\r\n")
    })
    .await;
    let gone = client.expunge().await.unwrap();
    assert_eq!(gone.seqs, [3, 3, 5]);
    let gone = client.uid_expunge(&SequenceSet::range(7, 9)).await.unwrap();
    assert_eq!(gone.vanished, [SequenceSet::range(7, 9)]);
    assert!(gone.seqs.is_empty());
    sent(client, server).await;
}

#[tokio::test]
async fn line_breaks_in_a_mailbox_name_or_a_search_string_are_refused_before_sending() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, |s| s).await;
    for error in [
        client
            .uid_copy(&SequenceSet::single(1), "Archive\r\nA9 DELETE INBOX")
            .await
            .unwrap_err(),
        client
            .uid_move(&SequenceSet::single(1), "Arch\0ive")
            .await
            .unwrap_err(),
        client
            .uid_search(SearchKey::header("Subject", "x\r\nA9 LOGOUT"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    }
    assert!(client.is_usable());
    assert_eq!(sent(client, server).await, "");
}
