//! Mailboxes and the selected state against the scripted server: LIST (with LIST-STATUS
//! and special-use returns), roles by attribute and by name, STATUS, CREATE/DELETE/RENAME/
//! SUBSCRIBE/UNSUBSCRIBE, NAMESPACE, GETQUOTAROOT, SELECT/EXAMINE, UNSELECT/CLOSE, and the
//! iCloud behaviours these commands meet. Each test is a transcript in and an expectation
//! out.

mod support;

use std::time::Duration;

use mailwire::imap::codec::types::{Code, Flag, MailboxAttribute};
use mailwire::imap::{Client, Error, Event, MailboxRole, find_role};
use mailwire::provider::ICLOUD;
use mailwire::testing::{Mode, Script, ScriptedServer};
use support::imap::{ICLOUD_CAPABILITIES, connect, hang_up, preauth_greeting};

/// A session already logged in (PREAUTH) with `capabilities`, as iCloud when `icloud`.
async fn session(
    capabilities: &str,
    icloud: bool,
    then: impl FnOnce(Script) -> Script,
) -> (Client, ScriptedServer) {
    let script = then(Script::new(Mode::Plain).send(preauth_greeting(capabilities)));
    connect(script, |builder| {
        builder.provider(icloud.then_some(&ICLOUD))
    })
    .await
}

#[tokio::test]
async fn list_asks_for_special_use_and_status_and_decodes_names() {
    let (mut client, server) = session(
        "IMAP4rev1 LIST-EXTENDED SPECIAL-USE LIST-STATUS",
        false,
        |script| {
            script
                .expect_exact(
                    "A1 LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY \
                     UNSEEN))",
                )
                .send(
                    "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
                     * STATUS INBOX (MESSAGES 12 UIDNEXT 40 UIDVALIDITY 7 UNSEEN 2)\r\n\
                     * LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"\r\n\
                     * STATUS \"Entw&APw-rfe\" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 9 UNSEEN 0)\r\n\
                     * LIST (\\Noselect \\HasChildren) \"/\" \"&ZeVnLIqe-\"\r\n\
                     * 3 EXISTS\r\n\
                     A1 OK LIST done\r\n",
                )
        },
    )
    .await;
    let mailboxes = client.list("", "*").await.unwrap();
    let names: Vec<&str> = mailboxes.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["INBOX", "Entwürfe", "日本語"]);
    let drafts = &mailboxes[1];
    assert_eq!(drafts.wire.as_bytes(), b"Entw&APw-rfe");
    assert_eq!(drafts.delimiter, Some('/'));
    assert_eq!(drafts.role, Some(MailboxRole::Drafts));
    assert!(drafts.attributes.contains(&MailboxAttribute::Drafts));
    let status = drafts.status.clone().unwrap();
    assert_eq!(
        (
            status.messages,
            status.uid_next,
            status.uid_validity,
            status.unseen
        ),
        (Some(1), Some(2), Some(9), Some(0))
    );
    assert_eq!(mailboxes[0].role, Some(MailboxRole::Inbox));
    assert_eq!(mailboxes[0].status.clone().unwrap().messages, Some(12));
    // A \Noselect parent has no counts and cannot be opened.
    assert!(!mailboxes[2].selectable);
    assert_eq!(mailboxes[2].status, None);
    // The EXISTS that came along is no mailbox: it is an event.
    assert_eq!(client.take_events(), vec![Event::Exists(3)]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn list_without_extensions_sends_a_plain_list_and_encodes_the_pattern() {
    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script
            .expect_exact("A1 LIST Archiv Entw&APw-rfe/%")
            .send("* LIST () \"/\" \"Entw&APw-rfe/Alt\"\r\nA1 OK done\r\n")
    })
    .await;
    let mailboxes = client.list("Archiv", "Entwürfe/%").await.unwrap();
    assert_eq!(mailboxes.len(), 1);
    assert_eq!(mailboxes[0].name, "Entwürfe/Alt");
    assert_eq!(mailboxes[0].role, None);
    assert!(mailboxes[0].selectable);
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_sent_messages_and_deleted_messages_marked_without_special_use_advertised() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, true, |script| {
        // LIST-STATUS without SPECIAL-USE: counts asked for, special-use not.
        script
            .expect_exact(
                "A1 LIST \"\" * RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN \
                 HIGHESTMODSEQ))",
            )
            .send(
                "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n\
                 * LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\n\
                 * STATUS \"Sent Messages\" (MESSAGES 4 UIDNEXT 5 UIDVALIDITY 3 UNSEEN 0 \
                 HIGHESTMODSEQ 77)\r\n\
                 * LIST (\\HasNoChildren \\Trash) \"/\" \"Deleted Messages\"\r\n\
                 * LIST (\\HasNoChildren) \"/\" \"Sent\"\r\n\
                 A1 OK LIST completed (took 3 ms)\r\n",
            )
    })
    .await;
    let mailboxes = client.list("", "*").await.unwrap();
    let sent = find_role(&mailboxes, MailboxRole::Sent).unwrap();
    // The attribute wins over a folder merely named "Sent".
    assert_eq!(sent.name, "Sent Messages");
    assert_eq!(sent.role_by_attribute(), Some(MailboxRole::Sent));
    assert_eq!(sent.status.clone().unwrap().highest_modseq, Some(77));
    let trash = find_role(&mailboxes, MailboxRole::Trash).unwrap();
    assert_eq!(trash.name, "Deleted Messages");
    assert_eq!(mailboxes[3].role, Some(MailboxRole::Sent));
    assert_eq!(mailboxes[3].role_by_attribute(), None);
    assert!(find_role(&mailboxes, MailboxRole::Junk).is_none());
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_archive_junk_and_drafts_without_attributes_found_by_name() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, true, |script| {
        script.expect_prefix("A1 LIST \"\" * RETURN").send(
            "* LIST (\\HasNoChildren) \"/\" \"Archive\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"Junk\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"Drafts\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"Sent Items\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"Deleted Items\"\r\n\
             * LIST (\\HasNoChildren) \"/\" \"Projects/Archive\"\r\n\
             A1 OK LIST completed\r\n",
        )
    })
    .await;
    let mailboxes = client.list("", "*").await.unwrap();
    for (role, name) in [
        (MailboxRole::Archive, "Archive"),
        (MailboxRole::Junk, "Junk"),
        (MailboxRole::Drafts, "Drafts"),
        (MailboxRole::Sent, "Sent Items"),
        (MailboxRole::Trash, "Deleted Items"),
    ] {
        assert_eq!(find_role(&mailboxes, role).unwrap().name, name);
    }
    // A folder deeper in the tree is not taken for the account's archive.
    assert_eq!(mailboxes[5].role, None);
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_notes_folder_listed_not_selectable_and_select_refused_nonexistent() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, true, |script| {
        script
            .expect_prefix("A1 LIST \"\" * RETURN")
            .send(
                "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n\
                 * LIST (\\HasNoChildren) \"/\" \"Notes\"\r\n\
                 * LIST (\\HasNoChildren) \"/\" \"Notes/Recipes\"\r\n\
                 A1 OK LIST completed\r\n",
            )
            .expect_exact("A2 SELECT INBOX (CONDSTORE)")
            .send(
                "* 2 EXISTS\r\n* OK [UIDVALIDITY 5] UIDs valid\r\n\
                 A2 OK [READ-WRITE] SELECT completed\r\n",
            )
            .expect_exact("A3 SELECT Notes (CONDSTORE)")
            .send("A3 NO [NONEXISTENT] Mailbox does not exist\r\n")
            .expect_exact("A4 NOOP")
            .send("A4 OK NOOP completed\r\n")
    })
    .await;
    let mailboxes = client.list("", "*").await.unwrap();
    assert!(mailboxes[0].selectable);
    assert!(!mailboxes[1].selectable, "{:?}", mailboxes[1]);
    assert!(!mailboxes[2].selectable, "{:?}", mailboxes[2]);
    client.select("INBOX").await.unwrap();
    let error = client.select("Notes").await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::No {
                command: "SELECT",
                code: Some(Code::NonExistent),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "localhost:{}: SELECT refused (NO [NONEXISTENT]): Mailbox does not exist",
            server.port()
        )
    );
    // The refused SELECT closed INBOX too: nothing is selected, and the session goes on.
    assert!(client.selected().is_none());
    assert!(client.is_usable());
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_uidvalidity_without_text_during_select() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, true, |script| {
        script
            .expect_exact("A1 SELECT \"Sent Messages\" (CONDSTORE)")
            .send(
                "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen \\*)]\r\n\
             * 4 EXISTS\r\n\
             * 0 RECENT\r\n\
             * OK [UIDVALIDITY 1]\r\n\
             * OK [UIDNEXT 5]\r\n\
             * OK [HIGHESTMODSEQ 1234]\r\n\
             A1 OK [READ-WRITE] SELECT completed\r\n",
            )
    })
    .await;
    let state = client.select("Sent Messages").await.unwrap();
    assert_eq!(state.uid_validity, Some(1));
    assert_eq!(state.uid_next, Some(5));
    assert_eq!(state.exists, 4);
    assert_eq!(state.highest_modseq, Some(1234));
    assert_eq!(state.flags.len(), 5);
    assert!(state.permanent_flags.contains(&Flag::Seen));
    assert!(!state.read_only);
    assert_eq!(state.name.as_ref().unwrap().as_bytes(), b"Sent Messages");
    // The answer is the state, not events.
    assert_eq!(client.take_events(), vec![]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn select_state_follows_unilateral_data_and_unselect_clears_it() {
    let (mut client, server) = session("IMAP4rev1 UNSELECT", false, |script| {
        // Without CONDSTORE, SELECT carries no parameter.
        script
            .expect_exact("A1 SELECT Entw&APw-rfe")
            .send(
                "* 3 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT 10] ok\r\n\
                 * OK [ALERT] maintenance tonight\r\n\
                 A1 OK [READ-WRITE] done\r\n",
            )
            .expect_exact("A2 NOOP")
            .send("* 2 EXPUNGE\r\n* 5 EXISTS\r\nA2 OK done\r\n")
            .expect_exact("A3 UNSELECT")
            .send("A3 OK done\r\n")
    })
    .await;
    let state = client.select("Entwürfe").await.unwrap();
    assert_eq!((state.exists, state.uid_validity), (3, Some(42)));
    // An alert during SELECT is no part of the answer: it stays an event.
    assert_eq!(
        client.take_events(),
        vec![Event::Alert("maintenance tonight".into())]
    );
    let events = client.noop().await.unwrap();
    assert_eq!(events, vec![Event::Expunge(2), Event::Exists(5)]);
    assert_eq!(client.selected().unwrap().exists, 5);
    client.unselect().await.unwrap();
    assert!(client.selected().is_none());
    hang_up(client, server).await;
}

#[tokio::test]
async fn examine_is_read_only_and_unselect_falls_back_to_close_without_unselect() {
    let (mut client, server) = session("IMAP4rev1 CONDSTORE", false, |script| {
        script
            .expect_exact("A1 EXAMINE INBOX (CONDSTORE)")
            // No READ-ONLY code: EXAMINE is read-only all the same.
            .send("* 1 EXISTS\r\n* OK [NOMODSEQ] none\r\nA1 OK done\r\n")
            .expect_exact("A2 CLOSE")
            .send("A2 OK done\r\n")
            .expect_exact("A3 SELECT INBOX (CONDSTORE)")
            .send("* 1 EXISTS\r\nA3 OK [READ-WRITE] done\r\n")
            .expect_exact("A4 CLOSE")
            .send("A4 OK done\r\n")
    })
    .await;
    let state = client.examine("inbox").await.unwrap();
    assert!(state.read_only);
    assert_eq!(state.highest_modseq, None);
    client.unselect().await.unwrap();
    assert!(client.selected().is_none());
    assert!(!client.select("INBOX").await.unwrap().read_only);
    client.close().await.unwrap();
    assert!(client.selected().is_none());
    assert_eq!(client.take_events(), vec![]);
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_read_write_mailbox_is_left_without_unselect_by_examining_nowhere_not_by_close() {
    // CLOSE would expunge every \Deleted message of a read-write mailbox: a failed EXAMINE
    // leaves it as UNSELECT would.
    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script
            .expect_exact("A1 SELECT INBOX")
            .send("* 2 EXISTS\r\nA1 OK [READ-WRITE] done\r\n")
            .expect_exact("A2 EXAMINE mailwire-unselect-4c1b0e-nowhere")
            .send("A2 NO [NONEXISTENT] Mailbox doesn't exist\r\n")
            .expect_exact("A3 NOOP")
            .send("A3 OK done\r\n")
    })
    .await;
    assert!(!client.select("INBOX").await.unwrap().read_only);
    client.unselect().await.unwrap();
    assert!(client.selected().is_none());
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_failed_unselect_keeps_the_state_the_server_still_has() {
    let (mut client, server) = session("IMAP4rev1 UNSELECT", false, |script| {
        script
            .expect_exact("A1 SELECT INBOX")
            .send("* 1 EXISTS\r\nA1 OK done\r\n")
            .expect_exact("A2 UNSELECT")
            .send("A2 BAD try later\r\n")
    })
    .await;
    client.select("INBOX").await.unwrap();
    let error = client.unselect().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Bad {
                command: "UNSELECT",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(client.selected().is_some());
    hang_up(client, server).await;
}

#[tokio::test]
async fn status_asks_for_highestmodseq_only_with_condstore() {
    let (mut client, server) = session("IMAP4rev1 CONDSTORE", false, |script| {
        script
            .expect_exact("A1 STATUS &ZeVnLA- (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)")
            .send(
                "* STATUS \"Other\" (MESSAGES 99)\r\n\
                 * STATUS \"&ZeVnLA-\" (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 4 UNSEEN 1 \
                 HIGHESTMODSEQ 5)\r\nA1 OK done\r\n",
            )
    })
    .await;
    let status = client.status("日本").await.unwrap();
    assert_eq!(status.messages, Some(2));
    assert_eq!(status.uid_next, Some(3));
    assert_eq!(status.uid_validity, Some(4));
    assert_eq!(status.unseen, Some(1));
    assert_eq!(status.highest_modseq, Some(5));
    // Another mailbox's STATUS is not this answer.
    assert!(matches!(&client.take_events()[..], [Event::Other(_)]));
    hang_up(client, server).await;

    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script
            .expect_exact("A1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
            .send("* STATUS INBOX (MESSAGES 0 UNSEEN 0)\r\nA1 OK done\r\n")
    })
    .await;
    let status = client.status("INBOX").await.unwrap();
    assert_eq!((status.messages, status.uid_next), (Some(0), None));
    hang_up(client, server).await;
}

#[tokio::test]
async fn create_rename_subscribe_unsubscribe_delete_send_encoded_names() {
    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script
            .expect_exact("A1 CREATE \"Tom &- Jerry\"")
            .send("A1 OK done\r\n")
            .expect_exact("A2 RENAME \"Tom &- Jerry\" Entw&APw-rfe")
            .send("A2 OK done\r\n")
            .expect_exact("A3 SUBSCRIBE Entw&APw-rfe")
            .send("A3 OK done\r\n")
            .expect_exact("A4 UNSUBSCRIBE Entw&APw-rfe")
            .send("A4 OK done\r\n")
            .expect_exact("A5 DELETE Entw&APw-rfe")
            .send("A5 OK done\r\n")
            .expect_exact("A6 CREATE Entw")
            .send("A6 NO [ALREADYEXISTS] Mailbox exists\r\n")
    })
    .await;
    client.create("Tom & Jerry").await.unwrap();
    client.rename("Tom & Jerry", "Entwürfe").await.unwrap();
    client.subscribe("Entwürfe").await.unwrap();
    client.unsubscribe("Entwürfe").await.unwrap();
    client.delete("Entwürfe").await.unwrap();
    let error = client.create("Entw").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::No {
                command: "CREATE",
                code: Some(Code::AlreadyExists),
                ..
            }
        ),
        "{error:?}"
    );
    hang_up(client, server).await;
}

#[tokio::test]
async fn names_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
    let (mut client, server) = session("IMAP4rev1 QUOTA", false, |script| {
        // The first command the server sees is the NOOP after them, under tag A1.
        script.expect_exact("A1 NOOP").send("A1 OK done\r\n")
    })
    .await;
    for bad in ["a\r\nA9 DELETE INBOX", "a\nb", "a\0b"] {
        for result in [
            client.create(bad).await,
            client.delete(bad).await,
            client.rename("ok", bad).await,
            client.subscribe(bad).await,
            client.unsubscribe(bad).await,
            client.select(bad).await.map(drop),
            client.examine(bad).await.map(drop),
            client.status(bad).await.map(drop),
            client.list(bad, "*").await.map(drop),
            client.list("", bad).await.map(drop),
            client.get_quota_root(bad).await.map(drop),
        ] {
            assert!(
                matches!(result, Err(Error::InvalidArgument { .. })),
                "{result:?}"
            );
        }
    }
    assert!(client.is_usable());
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn getquotaroot_without_quota_is_refused_before_anything_is_sent() {
    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script.expect_exact("A1 NOOP").send("A1 OK done\r\n")
    })
    .await;
    let error = client.get_quota_root("INBOX").await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::NotSupported {
                command: "GETQUOTAROOT",
                missing: "QUOTA",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("needs the QUOTA capability, which the server does not advertise"),
        "{error}"
    );
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn getquotaroot_returns_the_roots_and_their_usage() {
    let (mut client, server) = session(ICLOUD_CAPABILITIES, true, |script| {
        script.expect_exact("A1 GETQUOTAROOT INBOX").send(
            "* QUOTAROOT INBOX \"\"\r\n\
             * QUOTA \"\" (STORAGE 10 512000 MESSAGE 3 100000)\r\n\
             A1 OK GETQUOTAROOT completed\r\n",
        )
    })
    .await;
    let answer = client.get_quota_root("INBOX").await.unwrap();
    assert_eq!(answer.roots, [""]);
    assert_eq!(answer.quotas.len(), 1);
    let resources: Vec<(&str, u64, u64)> = answer.quotas[0]
        .resources
        .iter()
        .map(|r| (r.resource.as_str(), r.usage, r.limit))
        .collect();
    assert_eq!(
        resources,
        [("STORAGE", 10, 512_000), ("MESSAGE", 3, 100_000)]
    );
    hang_up(client, server).await;
}

#[tokio::test]
async fn namespace_returns_the_three_lists_with_decoded_prefixes() {
    let (mut client, server) = session("IMAP4rev1 NAMESPACE", false, |script| {
        script.expect_exact("A1 NAMESPACE").send(
            "* NAMESPACE ((\"\" \"/\")) NIL ((\"#&ZeVnLA-/\" \"/\")(\"#public\" NIL))\r\n\
             A1 OK done\r\n",
        )
    })
    .await;
    let namespaces = client.namespace().await.unwrap();
    assert_eq!(namespaces.personal.len(), 1);
    assert_eq!(namespaces.personal[0].prefix, "");
    assert_eq!(namespaces.personal[0].delimiter, Some('/'));
    assert!(namespaces.other.is_empty());
    assert_eq!(namespaces.shared[0].prefix, "#日本/");
    assert_eq!(namespaces.shared[1].delimiter, None);
    hang_up(client, server).await;

    let (mut client, server) = session("IMAP4rev1", false, |script| script).await;
    assert!(matches!(
        client.namespace().await,
        Err(Error::NotSupported {
            command: "NAMESPACE",
            ..
        })
    ));
    hang_up(client, server).await;
}

#[tokio::test]
async fn a_cancelled_select_leaves_no_mailbox_selected_and_the_session_usable() {
    let (mut client, server) = session("IMAP4rev1", false, |script| {
        script
            .expect_exact("A1 SELECT INBOX")
            .stall(Duration::from_millis(300))
            .send("* 1 EXISTS\r\n* OK [UIDVALIDITY 3] ok\r\nA1 OK [READ-WRITE] done\r\n")
            .expect_exact("A2 NOOP")
            .send("A2 OK done\r\n")
    })
    .await;
    let cancelled = tokio::time::timeout(Duration::from_millis(50), client.select("INBOX")).await;
    assert!(cancelled.is_err(), "{cancelled:?}");
    assert!(client.selected().is_none());
    // The next command reads the cancelled SELECT's answer first, and takes none of it
    // for its own or for a selected state no one confirmed.
    assert_eq!(client.noop().await.unwrap(), vec![]);
    assert!(client.selected().is_none());
    hang_up(client, server).await;
}
