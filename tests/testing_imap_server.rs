//! The in-memory IMAP server, command by command, as transcripts over a raw connection:
//! what a client sends, what the server must answer, in the RFC mode and the iCloud mode.

#[path = "support/imapserve.rs"]
mod support;

use mailwire::testing::demo::demo_server_config;
use mailwire::testing::imap::{ImapServer, ImapServerConfig};
use mailwire::testing::mail::ServerMode;
use support::{PASSWORD, Raw, USER, deliver, server, store};

fn has(lines: &[String], wanted: &str) -> bool {
    lines.iter().any(|line| line == wanted)
}

fn tagged(lines: &[String]) -> &str {
    lines.last().map(String::as_str).unwrap_or_default()
}

#[tokio::test]
async fn rfc_greeting_login_and_capabilities() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let (mut client, greeting) = Raw::plain(server.port()).await;
    assert_eq!(
        greeting,
        "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE NAMESPACE ENABLE AUTH=PLAIN] \
         mailwire test IMAP server ready"
    );
    let refused = client.run(&format!("a1 LOGIN {USER} wrong")).await;
    assert_eq!(
        refused,
        ["a1 NO [AUTHENTICATIONFAILED] Authentication failed: wrong user name or password"]
    );
    let login = client.run(&format!("a2 LOGIN {USER} {PASSWORD}")).await;
    assert_eq!(
        login,
        [
            "a2 OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID IDLE NAMESPACE UIDPLUS UNSELECT MOVE \
          CONDSTORE ENABLE ESEARCH SPECIAL-USE LIST-STATUS LIST-EXTENDED CHILDREN] Logged in"
        ]
    );
    let capability = client.run("a3 CAPABILITY").await;
    assert!(capability[0].starts_with("* CAPABILITY IMAP4rev1 LITERAL+"));
    assert_eq!(tagged(&capability), "a3 OK CAPABILITY completed");
    assert_eq!(
        client.run("a4 NAMESPACE").await,
        [
            "* NAMESPACE ((\"\" \"/\")) NIL NIL",
            "a4 OK NAMESPACE completed"
        ]
    );
    let id = client.run("a5 ID (\"name\" \"test\")").await;
    assert!(id[0].starts_with("* ID (\"name\" \"mailwire\""), "{id:?}");
    assert_eq!(
        client.run("a6 ENABLE CONDSTORE QRESYNC").await,
        ["* ENABLED CONDSTORE", "a6 OK ENABLE completed"]
    );
    assert_eq!(
        client.run("a7 LOGOUT").await,
        ["* BYE Logging out", "a7 OK Logout completed"]
    );
}

#[tokio::test]
async fn a_command_that_does_not_parse_gets_bad_and_the_session_goes_on() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let (mut client, _) = Raw::plain(server.port()).await;
    let bad = client.run("b1 FROB").await;
    assert_eq!(
        bad,
        ["b1 BAD Error in IMAP command: unexpected input at byte 3: expected a command name"]
    );
    assert_eq!(client.run("b2 SELECT INBOX").await, ["b2 BAD Log in first"]);
    assert_eq!(client.run("b3 NOOP").await, ["b3 OK NOOP completed"]);
    // A line with no valid tag is answered untagged.
    client.send(b"(bad\r\n").await;
    assert!(
        client
            .line()
            .await
            .starts_with("* BAD Error in IMAP command")
    );
}

#[tokio::test]
async fn icloud_mode_speaks_like_icloud() {
    let store = store(ServerMode::Icloud);
    deliver(&store, "INBOX", "first");
    let server = server(&store).await;
    let (mut client, greeting) = Raw::plain(server.port()).await;
    assert!(
        greeting.starts_with(
            "* OK [CAPABILITY st11p00im-qukt0904 2426B29 XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 \
             SASL-IR AUTH=ATOKEN AUTH=PLAIN]"
        ),
        "{greeting}"
    );
    // An empty password is a BAD, in iCloud's words; the name part alone logs in.
    assert_eq!(
        client.run("c1 LOGIN alice \"\"").await,
        ["c1 BAD Parse Error (took 0 ms)"]
    );
    let login = client.run(&format!("c2 LOGIN alice {PASSWORD}")).await;
    let capabilities = tagged(&login);
    assert!(capabilities.starts_with("c2 OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1"));
    for absent in [" MOVE", "LITERAL+", "SPECIAL-USE"] {
        assert!(!capabilities.contains(absent), "{capabilities}");
    }
    let list = client.run("c3 LIST \"\" *").await;
    for line in [
        "* LIST (\\HasNoChildren) \"/\" INBOX",
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"",
        "* LIST (\\HasNoChildren \\Trash) \"/\" \"Deleted Messages\"",
        "* LIST (\\HasNoChildren) \"/\" Drafts",
        "* LIST (\\HasNoChildren) \"/\" Junk",
        "* LIST (\\HasNoChildren) \"/\" Archive",
        "* LIST (\\HasNoChildren) \"/\" Notes",
    ] {
        assert!(has(&list, line), "{line} in {list:?}");
    }
    assert_eq!(
        client.run("c4 SELECT Notes").await,
        ["c4 NO [NONEXISTENT] Mailbox doesn't exist"]
    );
    assert_eq!(
        client.run("c5 ENABLE QRESYNC").await,
        ["c5 OK ENABLE completed"]
    );
    let select = client.run("c6 SELECT INBOX").await;
    assert_eq!(tagged(&select), "c6 OK [READ-WRITE] SELECT completed");
    assert!(!select.iter().any(|line| line.contains("RECENT")));
    // RFC822 is answered OK with nothing; BODY.PEEK[] works.
    assert_eq!(
        client.run("c7 FETCH 1 RFC822").await,
        ["c7 OK FETCH completed"]
    );
    let peek = client.run("c8 FETCH 1 BODY.PEEK[]").await;
    assert!(peek[0].starts_with("* 1 FETCH (BODY[] {"), "{peek:?}");
    assert_eq!(
        client.run("c9 MOVE 1 Archive").await,
        ["c9 BAD Parse Error (took 0 ms)"]
    );
    assert_eq!(
        client.run("c10 XYZZY").await,
        ["c10 BAD Parse Error (took 0 ms)"]
    );
}

#[tokio::test]
async fn starttls_is_required_before_login_and_drops_what_was_pipelined() {
    let store = store(ServerMode::Rfc);
    let config = ImapServerConfig::starttls(demo_server_config());
    let server = ImapServer::start(config, store.clone()).await.unwrap();
    let (mut client, greeting) = Raw::plain(server.port()).await;
    assert!(
        greeting.contains(" STARTTLS LOGINDISABLED]") && !greeting.contains("AUTH=PLAIN"),
        "{greeting}"
    );
    assert_eq!(
        client.run(&format!("d1 LOGIN {USER} {PASSWORD}")).await,
        ["d1 NO [PRIVACYREQUIRED] Log in after STARTTLS; plain-text login is disabled"]
    );
    assert_eq!(
        client.run("d2 AUTHENTICATE PLAIN AGFsaWNlAHB3").await,
        ["d2 NO [PRIVACYREQUIRED] Log in after STARTTLS; plain-text login is disabled"]
    );
    // A command injected after STARTTLS, in the same packet, must never run.
    client
        .send(format!("d3 STARTTLS\r\nd4 LOGIN {USER} {PASSWORD}\r\n").as_bytes())
        .await;
    assert_eq!(client.line().await, "d3 OK Begin TLS negotiation now");
    // The client refuses to upgrade with bytes buffered after the OK; none may be there,
    // and d4 must not have logged in.
    let mut tls = client;
    tls.connection.upgrade().await.expect("TLS starts");
    let capability = tls.run("d5 CAPABILITY").await;
    assert!(capability[0].contains("AUTH=PLAIN") && !capability[0].contains("STARTTLS"));
    assert_eq!(tagged(&capability), "d5 OK CAPABILITY completed");
    let login = tls.run(&format!("d6 LOGIN {USER} {PASSWORD}")).await;
    assert!(tagged(&login).starts_with("d6 OK [CAPABILITY"), "{login:?}");
}

#[tokio::test]
async fn authenticate_plain_with_an_initial_response_and_after_a_continuation() {
    use base64::Engine as _;
    let encode = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;

    let (mut client, _) = Raw::plain(server.port()).await;
    let wrong = encode(format!("\0{USER}\0nope"));
    assert_eq!(
        client.run(&format!("e1 AUTHENTICATE PLAIN {wrong}")).await,
        ["e1 NO [AUTHENTICATIONFAILED] Authentication failed: wrong user name or password"]
    );
    let right = encode(format!("\0{USER}\0{PASSWORD}"));
    let ok = client.run(&format!("e2 AUTHENTICATE PLAIN {right}")).await;
    assert!(
        tagged(&ok).starts_with("e2 OK [CAPABILITY IMAP4rev1"),
        "{ok:?}"
    );

    let (mut client, _) = Raw::plain(server.port()).await;
    client.send(b"e3 AUTHENTICATE PLAIN\r\n").await;
    assert_eq!(client.line().await, "+ ");
    client.send(b"*\r\n").await;
    assert_eq!(client.until("e3").await, ["e3 BAD Authentication aborted"]);
    client.send(b"e4 AUTHENTICATE PLAIN\r\n").await;
    assert_eq!(client.line().await, "+ ");
    client.send(b"!!\r\n").await;
    assert_eq!(client.until("e4").await, ["e4 BAD Invalid base64 data"]);
    client.send(b"e5 AUTHENTICATE PLAIN\r\n").await;
    assert_eq!(client.line().await, "+ ");
    client.send(format!("{right}\r\n").as_bytes()).await;
    assert!(client.until("e5").await[0].starts_with("e5 OK [CAPABILITY"));
    assert_eq!(
        client.run("e6 AUTHENTICATE CRAM-MD5").await,
        ["e6 BAD Already logged in"]
    );
}

#[tokio::test]
async fn list_shows_special_use_children_status_and_utf7_names() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    assert_eq!(
        client.run("f1 CREATE \"Projekte/Entw&APw-rfe\"").await,
        ["f1 OK CREATE completed"]
    );
    assert_eq!(
        client.run("f2 CREATE Sent").await,
        ["f2 NO [ALREADYEXISTS] a mailbox named `Sent` already exists"]
    );
    let all = client.run("f3 LIST \"\" *").await;
    assert_eq!(
        all,
        [
            "* LIST (\\HasNoChildren) \"/\" INBOX",
            "* LIST (\\HasNoChildren \\Sent) \"/\" Sent",
            "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts",
            "* LIST (\\HasNoChildren \\Trash) \"/\" Trash",
            "* LIST (\\HasNoChildren \\Junk) \"/\" Junk",
            "* LIST (\\HasNoChildren \\Archive) \"/\" Archive",
            "* LIST (\\HasChildren) \"/\" Projekte",
            "* LIST (\\HasNoChildren) \"/\" Projekte/Entw&APw-rfe",
            "f3 OK LIST completed",
        ]
    );
    let top = client.run("f4 LIST \"\" %").await;
    assert_eq!(top.len(), 8, "{top:?}");
    assert!(!top.iter().any(|line| line.contains("Entw")));
    assert_eq!(
        client.run("f5 LIST \"Projekte/\" %").await,
        [
            "* LIST (\\HasNoChildren) \"/\" Projekte/Entw&APw-rfe",
            "f5 OK LIST completed"
        ]
    );
    assert_eq!(
        client.run("f6 LIST \"\" \"\"").await,
        ["* LIST (\\Noselect) \"/\" \"\"", "f6 OK LIST completed"]
    );
    let special = client
        .run("f7 LIST (SPECIAL-USE) \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))")
        .await;
    assert_eq!(special.len(), 11, "{special:?}");
    assert!(has(&special, "* STATUS Sent (MESSAGES 0 UNSEEN 0)"));
    assert!(!special.iter().any(|line| line.contains("INBOX")));
    let status = client
        .run("f8 LIST \"\" INBOX RETURN (STATUS (MESSAGES UNSEEN))")
        .await;
    assert_eq!(
        status,
        [
            "* LIST (\\HasNoChildren) \"/\" INBOX",
            "* STATUS INBOX (MESSAGES 1 UNSEEN 1)",
            "f8 OK LIST completed"
        ]
    );
    let lsub = client.run("f9 LSUB \"\" *").await;
    assert!(has(&lsub, "* LSUB () \"/\" INBOX"));
    assert_eq!(
        client.run("f10 UNSUBSCRIBE Junk").await,
        ["f10 OK UNSUBSCRIBE completed"]
    );
    assert!(
        !client
            .run("f11 LSUB \"\" *")
            .await
            .iter()
            .any(|l| l.contains("Junk"))
    );
    assert_eq!(
        client.run("f12 SUBSCRIBE Nowhere").await,
        [
            "f12 NO [NONEXISTENT] no mailbox `Nowhere` in this account; create it first or check the name"
        ]
    );
    let subscribed = client.run("f13 LIST (SUBSCRIBED) \"\" *").await;
    assert!(has(
        &subscribed,
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX"
    ));
    assert!(!subscribed.iter().any(|l| l.contains("Junk")));
}

#[tokio::test]
async fn status_select_and_examine_report_the_mailbox() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    deliver(&store, "INBOX", "two");
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    let status = client
        .run("g1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)")
        .await;
    let validity = {
        let inner = &status[0];
        let start = inner.find("UIDVALIDITY ").unwrap() + 12;
        inner[start..].split(' ').next().unwrap().to_owned()
    };
    assert_eq!(
        status[0],
        format!(
            "* STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY {validity} UNSEEN 2 \
             HIGHESTMODSEQ 3 SIZE 176)"
        )
    );
    assert_eq!(
        client.run("g2 STATUS Nowhere (MESSAGES)").await,
        ["g2 NO [NONEXISTENT] Mailbox doesn't exist"]
    );
    let select = client.run("g3 SELECT INBOX (CONDSTORE)").await;
    assert_eq!(
        select,
        [
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted",
            "* 2 EXISTS",
            "* 0 RECENT",
            "* OK [UNSEEN 1] First unseen",
            &format!("* OK [UIDVALIDITY {validity}] UIDs valid"),
            "* OK [UIDNEXT 3] Predicted next UID",
            "* OK [HIGHESTMODSEQ 3] Highest",
            "g3 OK [READ-WRITE] SELECT completed",
        ]
    );
    let examine = client.run("g4 EXAMINE INBOX").await;
    assert!(has(&examine, "* OK [PERMANENTFLAGS ()] Flags permitted"));
    assert_eq!(tagged(&examine), "g4 OK [READ-ONLY] EXAMINE completed");
    assert_eq!(
        client.run("g5 STORE 1 +FLAGS (\\Seen)").await,
        ["g5 NO The mailbox is read-only (EXAMINE); SELECT it to change flags"]
    );
    // Reading in EXAMINE does not set \Seen.
    let read = client.run("g6 FETCH 1 (BODY[HEADER] FLAGS)").await;
    assert!(read[0].starts_with("* 1 FETCH (BODY[HEADER] {"), "{read:?}");
    assert!(has(&read, " FLAGS ())"), "{read:?}");
    assert_eq!(
        client.run("g7 UNSELECT").await,
        ["g7 OK UNSELECT completed"]
    );
    assert_eq!(
        client.run("g8 FETCH 1 FLAGS").await,
        ["g8 BAD No mailbox selected"]
    );
}

#[tokio::test]
async fn append_takes_synchronising_literals_and_literal_plus_with_flags_and_date() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    let validity = support::validity(&mut client, "Drafts").await;
    let message = "Subject: appended\r\n\r\nbody\r\n";
    client
        .send(
            format!(
                "h1 APPEND Drafts (\\Draft \\Seen $Work) \"05-Dec-2026 10:11:12 +0100\" {{{}}}\r\n",
                message.len()
            )
            .as_bytes(),
        )
        .await;
    assert_eq!(client.line().await, "+ Ready for literal data");
    client.send(format!("{message}\r\n").as_bytes()).await;
    let appended = client.until("h1").await;
    assert_eq!(
        appended,
        [format!("h1 OK [APPENDUID {validity} 1] APPEND completed")]
    );
    // LITERAL+: no `+`, the bytes follow at once.
    let plus = client
        .run(&format!(
            "h2 APPEND Drafts {{{}+}}\r\n{message}",
            message.len()
        ))
        .await;
    assert_eq!(
        plus,
        [format!("h2 OK [APPENDUID {validity} 2] APPEND completed")]
    );
    assert_eq!(
        client.run("h3 APPEND Nowhere {1+}\r\nx").await,
        ["h3 NO [TRYCREATE] The mailbox does not exist"]
    );
    let stored = store.messages(USER, "Drafts").unwrap();
    assert_eq!(stored[0].flags, ["\\Draft", "\\Seen", "$Work"]);
    assert_eq!(stored[0].data, message.as_bytes());
    client.run("h4 SELECT Drafts").await;
    assert_eq!(
        client
            .run("h5 UID FETCH 1 (INTERNALDATE FLAGS RFC822.SIZE)")
            .await,
        [
            "* 1 FETCH (UID 1 INTERNALDATE \" 5-Dec-2026 10:11:12 +0100\" FLAGS (\\Draft \\Seen $Work) RFC822.SIZE 27)",
            "h5 OK FETCH completed"
        ]
    );
}

#[tokio::test]
async fn limits_refuse_big_literals_and_long_lines_without_ending_the_session() {
    let store = mailwire::testing::mail::MailStore::with_limits(
        ServerMode::Rfc,
        mailwire::testing::mail::StoreLimits::default().with_message_size(1000),
    );
    store.add_user(USER, PASSWORD).unwrap();
    let config = ImapServerConfig::plaintext()
        .with_limits(mailwire::limits::Limits::default().with_line_len(200));
    let server = ImapServer::start(config, store.clone()).await.unwrap();
    let mut client = Raw::logged_in(server.port()).await;
    // A synchronising literal over the limit is refused before the client sends it.
    let refused = client.run("i1 APPEND INBOX {5000}").await;
    assert_eq!(refused.len(), 1);
    assert!(refused[0].starts_with("i1 NO [TOOBIG] "), "{refused:?}");
    // A non-synchronising one is read past and dropped, never held.
    client.send(b"i2 APPEND INBOX {5000+}\r\n").await;
    client.send(&vec![b'x'; 5000]).await;
    client.send(b"\r\n").await;
    let dropped = client.until("i2").await;
    assert!(dropped[0].starts_with("i2 NO [TOOBIG] "), "{dropped:?}");
    // A line over the limit: BAD, and the session goes on.
    let long = format!("i3 LIST \"\" {}", "x".repeat(300));
    let refused = client.run(&long).await;
    assert!(refused[0].starts_with("i3 BAD "), "{refused:?}");
    assert_eq!(client.run("i4 NOOP").await, ["i4 OK NOOP completed"]);
    assert!(store.messages(USER, "INBOX").unwrap().is_empty());
}

#[tokio::test]
async fn implicit_tls_serves_from_the_first_byte() {
    let store = store(ServerMode::Rfc);
    let config = ImapServerConfig::implicit_tls(demo_server_config());
    let server = ImapServer::start(config, store.clone()).await.unwrap();
    let (mut client, greeting) = Raw::tls(server.port()).await;
    assert!(client.connection.is_tls());
    assert!(greeting.contains("AUTH=PLAIN") && !greeting.contains("STARTTLS"));
    let login = client.run(&format!("j1 LOGIN {USER} {PASSWORD}")).await;
    assert!(tagged(&login).starts_with("j1 OK"));
    assert_eq!(
        client.run("j2 STARTTLS").await,
        ["j2 BAD STARTTLS is not available now"]
    );
}

#[tokio::test]
async fn store_changes_flags_and_condstore_reports_modseq_and_modified() {
    let store = store(ServerMode::Rfc);
    for subject in ["one", "two", "three"] {
        deliver(&store, "INBOX", subject);
    }
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("k1 SELECT INBOX").await;
    assert_eq!(
        client.run("k2 STORE 1:2 +FLAGS (\\Flagged $Work)").await,
        [
            "* 1 FETCH (FLAGS (\\Flagged $Work))",
            "* 2 FETCH (FLAGS (\\Flagged $Work))",
            "k2 OK STORE completed"
        ]
    );
    assert_eq!(
        client.run("k3 UID STORE 2 -FLAGS.SILENT ($Work)").await,
        ["k3 OK STORE completed"]
    );
    assert_eq!(
        client.run("k4 STORE 3 FLAGS (\\Seen \\Recent)").await,
        ["* 3 FETCH (FLAGS (\\Seen))", "k4 OK STORE completed"]
    );
    // MODSEQ turns CONDSTORE on; the mod-sequences grew with each change.
    assert_eq!(
        client.run("k5 FETCH 1:3 (FLAGS MODSEQ)").await,
        [
            "* 1 FETCH (FLAGS (\\Flagged $Work) MODSEQ (5))",
            "* 2 FETCH (FLAGS (\\Flagged) MODSEQ (6))",
            "* 3 FETCH (FLAGS (\\Seen) MODSEQ (7))",
            "k5 OK FETCH completed"
        ]
    );
    assert_eq!(
        client
            .run("k6 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5)")
            .await,
        [
            "* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (6))",
            "* 3 FETCH (UID 3 FLAGS (\\Seen) MODSEQ (7))",
            "k6 OK FETCH completed"
        ]
    );
    // VANISHED needs QRESYNC enabled (RFC 7162 §3.2.6), which this server never does.
    let vanished = client.run("k6b UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)");
    assert!(vanished.await[0].starts_with("k6b BAD "));
    // Message 1 is unchanged since 5, message 3 is not: only 1 changes.
    assert_eq!(
        client
            .run("k7 STORE 1,3 (UNCHANGEDSINCE 5) +FLAGS (\\Answered)")
            .await,
        [
            "* 1 FETCH (FLAGS (\\Flagged $Work \\Answered) MODSEQ (8))",
            "k7 OK [MODIFIED 3] Conditional STORE failed for some messages"
        ]
    );
    let select = client.run("k8 SELECT INBOX").await;
    assert!(has(
        &select,
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)"
    ));
    assert!(has(&select, "* OK [HIGHESTMODSEQ 8] Highest"));
    assert_eq!(
        store.messages(USER, "INBOX").unwrap()[0].flags,
        ["\\Flagged", "$Work", "\\Answered"]
    );
}

#[tokio::test]
async fn search_answers_plain_and_esearch_with_charsets() {
    let store = store(ServerMode::Rfc);
    for subject in ["apples", "pears", "apple pie", "plums"] {
        deliver(&store, "INBOX", subject);
    }
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("m1 SELECT INBOX").await;
    client.run("m2 STORE 2,4 +FLAGS (\\Seen)").await;
    assert_eq!(
        client.run("m3 SEARCH UNSEEN").await,
        ["* SEARCH 1 3", "m3 OK SEARCH completed"]
    );
    assert_eq!(
        client
            .run("m4 UID SEARCH CHARSET UTF-8 SUBJECT apple")
            .await,
        ["* SEARCH 1 3", "m4 OK SEARCH completed"]
    );
    assert_eq!(
        client.run("m5 SEARCH OR SEEN SUBJECT pie NOT 4").await,
        ["* SEARCH 2 3", "m5 OK SEARCH completed"]
    );
    assert_eq!(
        client
            .run("m6 UID SEARCH RETURN (MIN MAX COUNT ALL) ALL")
            .await,
        [
            "* ESEARCH (TAG \"m6\") UID MIN 1 MAX 4 ALL 1:4 COUNT 4",
            "m6 OK SEARCH completed"
        ]
    );
    assert_eq!(
        client.run("m7 SEARCH RETURN () FROM bob").await,
        ["* ESEARCH (TAG \"m7\") ALL 1:4", "m7 OK SEARCH completed"]
    );
    assert_eq!(
        client
            .run("m8 SEARCH RETURN (COUNT) SUBJECT cherries")
            .await,
        ["* ESEARCH (TAG \"m8\") COUNT 0", "m8 OK SEARCH completed"]
    );
    assert_eq!(
        client.run("m9 SEARCH CHARSET KOI8-R ALL").await,
        ["m9 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset"]
    );
    assert_eq!(
        client.run("m10 SEARCH MODSEQ 6").await,
        ["* SEARCH 2 4 (MODSEQ 6)", "m10 OK SEARCH completed"]
    );
    assert_eq!(
        client.run("m11 SEARCH RETURN (SAVE) SEEN").await,
        ["m11 OK SEARCH completed"]
    );
    assert_eq!(
        client.run("m12 FETCH $ (UID)").await,
        [
            "* 2 FETCH (UID 2)",
            "* 4 FETCH (UID 4)",
            "m12 OK FETCH completed"
        ]
    );
}

#[tokio::test]
async fn copy_move_and_expunge_report_uids() {
    let store = store(ServerMode::Rfc);
    for subject in ["one", "two", "three", "four"] {
        deliver(&store, "INBOX", subject);
    }
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    let archive = support::validity(&mut client, "Archive").await;
    client.run("n1 SELECT INBOX").await;
    assert_eq!(
        client.run("n2 COPY 1:2 Archive").await,
        [format!("n2 OK [COPYUID {archive} 1:2 1:2] COPY completed")]
    );
    assert_eq!(
        client.run("n3 COPY 1 Nowhere").await,
        ["n3 NO [TRYCREATE] The target mailbox does not exist"]
    );
    assert_eq!(
        client.run("n4 UID MOVE 3 Archive").await,
        [
            format!("* OK [COPYUID {archive} 3 3] Moved UIDs"),
            "* 3 EXPUNGE".to_owned(),
            "n4 OK MOVE completed".to_owned()
        ]
    );
    client.run("n5 STORE 1,3 +FLAGS.SILENT (\\Deleted)").await;
    assert_eq!(
        client.run("n6 UID EXPUNGE 4").await,
        ["* 3 EXPUNGE", "n6 OK EXPUNGE completed"]
    );
    assert_eq!(
        client.run("n7 EXPUNGE").await,
        ["* 1 EXPUNGE", "n7 OK EXPUNGE completed"]
    );
    let left: Vec<u32> = store
        .messages(USER, "INBOX")
        .unwrap()
        .iter()
        .map(|message| message.uid)
        .collect();
    assert_eq!(left, [2]);
    assert_eq!(store.messages(USER, "Archive").unwrap().len(), 3);
    assert_eq!(client.run("n8 CLOSE").await, ["n8 OK CLOSE completed"]);
}

#[tokio::test]
async fn a_mailbox_deleted_and_created_again_has_a_new_uidvalidity() {
    let store = store(ServerMode::Rfc);
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("u1 CREATE Work/2026").await;
    let first = support::validity(&mut client, "Work/2026").await;
    assert_eq!(
        client.run("u2 DELETE Work").await,
        ["u2 NO [HASCHILDREN] the mailbox `Work` has mailboxes under it; delete those first"]
    );
    assert_eq!(
        client.run("u3 DELETE Work/2026").await,
        ["u3 OK DELETE completed"]
    );
    client.run("u4 CREATE Work/2026").await;
    assert_ne!(support::validity(&mut client, "Work/2026").await, first);
    assert_eq!(
        client.run("u5 RENAME Work Jobs").await,
        ["u5 OK RENAME completed"]
    );
    assert_eq!(
        client.run("u6 LIST \"\" Jobs*").await,
        [
            "* LIST (\\HasChildren) \"/\" Jobs",
            "* LIST (\\HasNoChildren) \"/\" Jobs/2026",
            "u6 OK LIST completed"
        ]
    );
    assert_eq!(
        client.run("u7 DELETE INBOX").await,
        ["u7 NO [CANNOT] INBOX cannot be deleted"]
    );
    // A session whose mailbox another deletes is told BYE.
    let mut other = Raw::logged_in(server.port()).await;
    other.run("w1 SELECT Jobs/2026").await;
    client.run("u8 DELETE Jobs/2026").await;
    other.send(b"w2 NOOP\r\n").await;
    assert_eq!(
        other.line().await,
        "* BYE The selected mailbox was deleted; reconnect"
    );
}

#[tokio::test]
async fn sequence_numbers_past_the_last_message_are_a_bad_command() {
    let store = store(ServerMode::Rfc);
    deliver(&store, "INBOX", "one");
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("x1 SELECT INBOX").await;
    assert_eq!(
        client.run("x2 FETCH 2 FLAGS").await,
        ["x2 BAD Invalid message sequence number"]
    );
    assert_eq!(
        client.run("x3 STORE 1:5 +FLAGS (\\Seen)").await,
        ["x3 BAD Invalid message sequence number"]
    );
    // UIDs that do not exist are simply not there.
    assert_eq!(
        client.run("x4 UID FETCH 2:9 FLAGS").await,
        ["x4 OK FETCH completed"]
    );
    assert_eq!(
        client.run("x5 FETCH 1:* (UID)").await,
        ["* 1 FETCH (UID 1)", "x5 OK FETCH completed"]
    );
    // In an empty mailbox even `*` is past the end (Dovecot answers the same); UID sets
    // are not.
    client.run("x6 SELECT Drafts").await;
    assert_eq!(
        client.run("x7 FETCH 1:* FLAGS").await,
        ["x7 BAD Invalid message sequence number"]
    );
    assert_eq!(
        client.run("x8 UID FETCH 1:* FLAGS").await,
        ["x8 OK FETCH completed"]
    );
}

#[tokio::test]
async fn fetch_answers_envelope_bodystructure_sections_and_partials() {
    let store = store(ServerMode::Rfc);
    let message = "From: Bob <bob@example.test>\r\n\
                   To: alice@example.test\r\n\
                   Subject: parts\r\n\
                   Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n\
                   Message-ID: <parts@example.test>\r\n\
                   MIME-Version: 1.0\r\n\
                   Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
                   \r\n\
                   --b1\r\n\
                   Content-Type: text/plain; charset=utf-8\r\n\
                   \r\n\
                   Hello.\r\n\
                   --b1\r\n\
                   Content-Type: application/octet-stream\r\n\
                   Content-Transfer-Encoding: base64\r\n\
                   \r\n\
                   AAEC\r\n\
                   --b1--\r\n";
    store.deliver(USER, "INBOX", message.as_bytes()).unwrap();
    let server = server(&store).await;
    let mut client = Raw::logged_in(server.port()).await;
    client.run("y1 SELECT INBOX").await;
    let envelope = client.run("y2 FETCH 1 ENVELOPE").await;
    assert_eq!(
        envelope[0],
        "* 1 FETCH (ENVELOPE (\"Fri, 04 Dec 2026 10:00:00 +0000\" \"parts\" \
         ((\"Bob\" NIL \"bob\" \"example.test\")) ((\"Bob\" NIL \"bob\" \"example.test\")) \
         ((\"Bob\" NIL \"bob\" \"example.test\")) ((NIL NIL \"alice\" \"example.test\")) \
         NIL NIL NIL \"<parts@example.test>\"))"
    );
    let structure = client.run("y3 FETCH 1 BODYSTRUCTURE").await;
    assert!(
        structure[0]
            .starts_with("* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\")"),
        "{structure:?}"
    );
    assert!(
        structure[0].contains("\"mixed\" (\"boundary\" \"b1\")"),
        "{structure:?}"
    );
    assert_eq!(
        client
            .run("y4 FETCH 1 (BODY.PEEK[1] BODY.PEEK[2]<1.2>)")
            .await,
        [
            "* 1 FETCH (BODY[1] \"Hello.\" BODY[2]<1> \"AE\")",
            "y4 OK FETCH completed"
        ]
    );
    let fields = client
        .run("y5 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] FLAGS)")
        .await;
    assert_eq!(fields[0], "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}");
    assert_eq!(fields[1], "Subject: parts");
    // Without PEEK the read sets \Seen, shown in the answer and kept in the store.
    let read = client.run("y6 FETCH 1 BODY[3]").await;
    assert_eq!(read[0], "* 1 FETCH (FLAGS (\\Seen) BODY[3] NIL)");
    assert_eq!(store.messages(USER, "INBOX").unwrap()[0].flags, ["\\Seen"]);
    assert_eq!(
        client.run("y7 SEARCH SENTON 4-Dec-2026 BODY hello").await,
        ["* SEARCH 1", "y7 OK SEARCH completed"]
    );
}
