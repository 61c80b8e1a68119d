//! Mailboxes and the selected state against the real Dovecot of `scripts/test-servers`, in
//! both TLS modes: non-ASCII names created, listed (decoded back to the same text),
//! selected, renamed and deleted; STATUS counts after an APPEND; roles from Dovecot's
//! special-use folders; NAMESPACE; GETQUOTAROOT on the user's quota.
//!
//! Dovecot's users are shared with other tests running at the same time: every test works
//! in mailboxes of its own, named with a prefix holding the test and the process id, and
//! deletes them at the end.

// Only the real servers' settings: the rest of `support` needs the `testing` feature.
#[path = "support/servers.rs"]
mod servers;

use mailwire::imap::codec::utf7;
use mailwire::imap::{AppendOptions, Error, MailboxRole, Security, find_role};
use servers::{Servers, imap_login};

fn mode(security: Security) -> &'static str {
    match security {
        Security::ImplicitTls => "tls",
        _ => "starttls",
    }
}

/// Creates, lists, selects, renames and deletes mailboxes with non-ASCII names.
async fn non_ascii_names_round_trip(security: Security) {
    let servers = Servers::get();
    let mut client = imap_login(&servers, security).await;
    let prefix = format!(
        "imapbox-names-{}-{}",
        mode(security),
        servers::unique_suffix()
    );
    let german = format!("{prefix}/Entwürfe");
    let japanese = format!("{prefix}/日本");
    let renamed = format!("{prefix}/日本-umbenannt ünd & so");
    client.create(&german).await.expect("CREATE Entwürfe");
    client.create(&japanese).await.expect("CREATE 日本");

    let listed = client.list("", &format!("{prefix}/*")).await.unwrap();
    let mut names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, [german.as_str(), japanese.as_str()]);
    for mailbox in &listed {
        // On the wire the name is modified UTF-7, decoded back to the text created.
        assert_eq!(
            mailbox.wire.as_bytes(),
            utf7::encode(&mailbox.name).as_bytes()
        );
        assert!(mailbox.wire.as_bytes().is_ascii());
        assert_eq!(mailbox.delimiter, Some('/'));
        assert!(mailbox.selectable);
        assert_eq!(mailbox.role, None);
        // Dovecot offers LIST-STATUS: the counts came with the list.
        let status = mailbox.status.clone().expect("LIST-STATUS counts");
        assert_eq!(status.messages, Some(0));
        assert!(status.uid_validity.is_some());
        assert!(status.highest_modseq.is_some(), "CONDSTORE: {status:?}");
    }
    // The parent Dovecot made on the way is listed too, with children.
    let parent = client.list("", &prefix).await.unwrap();
    assert_eq!(parent.len(), 1);
    assert_eq!(parent[0].name, prefix);
    // Made on the way, not created: \NonExistent, not selectable, and gone with its
    // children.
    assert!(!parent[0].selectable, "{:?}", parent[0]);

    let state = client.select(&japanese).await.expect("SELECT 日本");
    assert_eq!(state.exists, 0);
    assert!(state.uid_validity.is_some());
    assert!(state.uid_next.is_some());
    assert!(state.highest_modseq.is_some(), "CONDSTORE: {state:?}");
    assert!(!state.read_only);
    assert!(!state.permanent_flags.is_empty());
    assert!(!state.flags.is_empty());
    assert_eq!(client.selected(), Some(&state));
    client.unselect().await.unwrap();
    assert!(client.selected().is_none());

    client.rename(&japanese, &renamed).await.expect("RENAME");
    let listed = client.list("", &format!("{prefix}/*")).await.unwrap();
    let mut names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, [german.as_str(), renamed.as_str()]);
    let state = client
        .examine(&renamed)
        .await
        .expect("EXAMINE the renamed one");
    assert!(state.read_only);
    client.close().await.unwrap();
    assert!(client.selected().is_none());

    client.subscribe(&german).await.unwrap();
    client.unsubscribe(&german).await.unwrap();

    // The old name is gone: SELECT is refused and leaves nothing selected.
    client.select(&german).await.unwrap();
    let error = client.select(&japanese).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::No {
                command: "SELECT",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(client.selected().is_none());

    for name in [&german, &renamed] {
        client.delete(name).await.expect("DELETE");
    }
    assert!(
        client
            .list("", &format!("{prefix}*"))
            .await
            .unwrap()
            .is_empty()
    );
    client.logout().await.unwrap();
}

#[tokio::test]
async fn non_ascii_mailboxes_created_listed_selected_renamed_deleted_over_implicit_tls() {
    non_ascii_names_round_trip(Security::ImplicitTls).await;
}

#[tokio::test]
async fn non_ascii_mailboxes_created_listed_selected_renamed_deleted_over_starttls() {
    non_ascii_names_round_trip(Security::StartTls).await;
}

async fn status_counts_an_appended_message(security: Security) {
    let servers = Servers::get();
    let mut client = imap_login(&servers, security).await;
    let mailbox = format!(
        "imapbox-status-{}-{}",
        mode(security),
        servers::unique_suffix()
    );
    let _ = client.delete(&mailbox).await;
    client.create(&mailbox).await.unwrap();
    let before = client.status(&mailbox).await.unwrap();
    assert_eq!(before.messages, Some(0));
    assert_eq!(before.unseen, Some(0));
    let uid_next = before.uid_next.expect("UIDNEXT");

    client
        .append(
            &mailbox,
            b"From: a@mailwire.test\r\nTo: alice@mailwire.test\r\nSubject: count me\r\n\r\nhi\r\n",
            &AppendOptions::new(),
        )
        .await
        .unwrap();
    let after = client.status(&mailbox).await.unwrap();
    assert_eq!(after.messages, Some(1));
    assert_eq!(after.unseen, Some(1));
    assert_eq!(after.uid_next, Some(uid_next + 1));
    assert_eq!(after.uid_validity, before.uid_validity);
    assert!(
        after.highest_modseq > before.highest_modseq,
        "{before:?} {after:?}"
    );

    let state = client.select(&mailbox).await.unwrap();
    assert_eq!(state.exists, 1);
    client.unselect().await.unwrap();
    client.delete(&mailbox).await.unwrap();
    assert!(matches!(
        client.status(&mailbox).await,
        Err(Error::No {
            command: "STATUS",
            ..
        })
    ));
    client.logout().await.unwrap();
}

#[tokio::test]
async fn status_counts_an_appended_message_over_implicit_tls() {
    status_counts_an_appended_message(Security::ImplicitTls).await;
}

#[tokio::test]
async fn status_counts_an_appended_message_over_starttls() {
    status_counts_an_appended_message(Security::StartTls).await;
}

async fn special_use_folders_namespace_and_quota(security: Security) {
    let servers = Servers::get();
    let mut client = imap_login(&servers, security).await;
    // Dovecot here names its special-use folders as iCloud does, and marks them.
    let mailboxes = client.list("", "%").await.unwrap();
    for (role, name) in [
        (MailboxRole::Inbox, "INBOX"),
        (MailboxRole::Sent, "Sent Messages"),
        (MailboxRole::Trash, "Deleted Messages"),
        (MailboxRole::Drafts, "Drafts"),
        (MailboxRole::Junk, "Junk"),
        (MailboxRole::Archive, "Archive"),
    ] {
        let found = find_role(&mailboxes, role).unwrap_or_else(|| panic!("{role:?}"));
        assert_eq!(found.name, name);
        if role != MailboxRole::Inbox {
            assert_eq!(found.role_by_attribute(), Some(role), "{found:?}");
        }
    }
    assert_eq!(
        client
            .find_role(MailboxRole::Sent)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Sent Messages"
    );

    let namespaces = client.namespace().await.unwrap();
    assert_eq!(namespaces.personal.len(), 1);
    assert_eq!(namespaces.personal[0].prefix, "");
    assert_eq!(namespaces.personal[0].delimiter, Some('/'));

    // The test Dovecot has a 4 GiB storage quota on the user's root, as iCloud has one.
    assert!(client.has_capability("QUOTA"));
    let quota = client.get_quota_root("INBOX").await.unwrap();
    assert_eq!(quota.roots, ["User quota"], "{quota:?}");
    let storage = quota
        .quotas
        .iter()
        .flat_map(|q| &q.resources)
        .find(|r| r.resource.eq_ignore_ascii_case("STORAGE"))
        .unwrap_or_else(|| panic!("{quota:?}"));
    assert_eq!(storage.limit, 4 * 1024 * 1024, "in KiB: {quota:?}");
    assert!(storage.usage <= storage.limit, "{quota:?}");
    assert!(client.is_usable());
    client.logout().await.unwrap();
}

#[tokio::test]
async fn special_use_folders_namespace_and_quota_over_implicit_tls() {
    special_use_folders_namespace_and_quota(Security::ImplicitTls).await;
}

#[tokio::test]
async fn special_use_folders_namespace_and_quota_over_starttls() {
    special_use_folders_namespace_and_quota(Security::StartTls).await;
}
