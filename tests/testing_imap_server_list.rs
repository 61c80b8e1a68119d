//! LIST-EXTENDED (RFC 5258) on the in-memory IMAP server, which advertises it in Rfc mode:
//! the selection and return options it knows, RECURSIVEMATCH's CHILDINFO, and BAD for
//! options it does not know rather than a LIST that silently ignores them.

#[path = "support/imapserve.rs"]
#[allow(dead_code)] // shared with the other transcript tests
mod support;

use mailwire::testing::mail::ServerMode;
use support::{Raw, server, store};

#[tokio::test]
async fn recursivematch_shows_the_parent_of_a_subscribed_mailbox_with_childinfo() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("a1 CREATE Projects/2026").await;
    client.run("a2 SUBSCRIBE Projects/2026").await;
    let list = client
        .run("a3 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" Projects")
        .await;
    assert_eq!(
        list,
        [
            "* LIST (\\HasChildren) \"/\" Projects (CHILDINFO (\"SUBSCRIBED\"))",
            "a3 OK LIST completed",
        ]
    );
    // Without RECURSIVEMATCH the parent, not subscribed itself, is not listed.
    assert_eq!(
        client.run("a4 LIST (SUBSCRIBED) \"\" Projects").await,
        ["a4 OK LIST completed"]
    );
    assert_eq!(
        client.run("a5 LIST (SUBSCRIBED) \"\" Projects/%").await,
        [
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" Projects/2026",
            "a5 OK LIST completed",
        ]
    );
}

#[tokio::test]
async fn options_the_server_does_not_know_are_refused_with_bad() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    for (command, tag) in [
        ("b1 LIST (FROBNICATE) \"\" *", "b1 BAD "),
        // RFC 5258 §3: RECURSIVEMATCH alone (or with REMOTE only) is a syntax error.
        ("b2 LIST (RECURSIVEMATCH) \"\" *", "b2 BAD "),
        ("b3 LIST (REMOTE RECURSIVEMATCH) \"\" *", "b3 BAD "),
        ("b4 LIST \"\" * RETURN (FROBNICATE)", "b4 BAD "),
    ] {
        let answer = client.run(command).await;
        assert_eq!(answer.len(), 1, "{command}: {answer:?}");
        assert!(answer[0].starts_with(tag), "{command}: {answer:?}");
    }
    // REMOTE alone is fine: this server has no remote mailboxes to add.
    let remote = client.run("b5 LIST (REMOTE) \"\" INBOX").await;
    assert_eq!(
        remote.last().map(String::as_str),
        Some("b5 OK LIST completed")
    );
    assert_eq!(remote.len(), 2);
}
