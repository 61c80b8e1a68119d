//! iCloud's IMAP server, behaviour by behaviour: the scripted server plays each the way
//! iCloud does (its capability lines, its texts) and the client does the right thing. This
//! file is the index of issue 9's acceptance c: a behaviour proven in another file is
//! listed here with its test; the rest are tested below, each named after its behaviour.
//!
//! | iCloud behaviour | test | file |
//! | --- | --- | --- |
//! | greeting with host and build tokens in its CAPABILITY code | `icloud_greeting_with_odd_tokens_then_sasl_ir_plain_and_capabilities_after_login` | `imap_client.rs` |
//! | a CAPABILITY line ending in a space (before login) | `icloud_capability_line_with_odd_tokens_and_a_trailing_space_before_login` | here |
//! | a CAPABILITY line ending in a space (after login) | `icloud_greeting_with_odd_tokens_then_sasl_ir_plain_and_capabilities_after_login` | `imap_client.rs` |
//! | `AUTH=ATOKEN2 AUTH=XOAUTH2` before login | `icloud_atoken2_and_xoauth2_before_login_are_never_chosen` | here |
//! | after login: no LITERAL+, so APPEND waits for `+` | `icloud_has_no_literal_plus_so_append_waits_for_the_continuation` | `imap_client_fetch.rs` |
//! | after login: no MOVE, so COPY + STORE \Deleted + UID EXPUNGE | `icloud_without_move_moves_by_uid_copy_store_deleted_and_uid_expunge_of_those_uids` (and the two after it) | `imap_client_ops.rs` (branch `imapops`) |
//! | after login: the capability list is the one asked for then | `icloud_post_login_capabilities_lack_literal_plus_move_special_use_and_compress` | here |
//! | PLAIN refused `NO [AUTHENTICATIONFAILED]` where LOGIN works | `authenticationfailed_on_plain_then_login_succeeds` | `imap_client.rs` |
//! | the full address refused, the name part accepted | `icloud_login_falls_back_to_the_name_part_of_the_address` | `imap_client.rs` |
//! | a wrong password: the app-specific password hint | `a_wrong_icloud_password_is_a_credentials_error_with_the_app_password_hint` | `imap_client.rs` |
//! | `FETCH n RFC822` answered OK with no data | `icloud_answers_rfc822_with_no_data_so_bodies_are_fetched_with_body_peek` | `imap_client_fetch.rs` |
//! | `Sent Messages` / `Deleted Messages` marked without SPECIAL-USE | `icloud_sent_messages_and_deleted_messages_marked_without_special_use_advertised` | `imap_client_mailboxes.rs` |
//! | `Sent Items` / `Deleted Items`; Archive, Junk, Drafts without attributes | `icloud_archive_junk_and_drafts_without_attributes_found_by_name` | `imap_client_mailboxes.rs` |
//! | Notes folders listed; SELECT on them `NO [NONEXISTENT]` | `icloud_notes_folder_listed_not_selectable_and_select_refused_nonexistent` | `imap_client_mailboxes.rs` |
//! | pushes during IDLE (`* 11 FETCH (UID 10060 FLAGS (\Seen))`) | `icloud_pushes_during_idle_come_as_events_and_only_done_is_ever_written` | here |
//! | BAD for anything but DONE during IDLE | `icloud_bad_done_is_the_only_command_allowed_after_idle_is_a_clear_error` | here |
//! | `* n FETCH` before IDLE's `+` | `icloud_pushes_before_the_continuation_are_kept_and_update_the_mailbox` | `imap_client_idle.rs` |
//! | IDLE re-issued well before 29 minutes | `icloud_idle_is_renewed_before_29_minutes_by_default` (default), `idle_is_renewed_with_done_then_idle_after_the_configured_renewal_delay` (`imap_client_idle.rs`, the renewal itself) | here |
//! | throttling `NO Service temporarily unavailable` at login | `throttling_as_no_is_retryable_and_not_a_wrong_password` | `imap_client.rs` |
//! | throttling `BAD [UNAVAILABLE]` at LOGIN | `throttling_as_bad_at_login_is_retryable_and_not_a_wrong_password` | `imap_client.rs` |
//! | throttling during a FETCH | `icloud_throttling_during_a_fetch_is_a_retryable_error_not_a_failure` | `imap_client_fetch.rs` |
//! | an empty password answered BAD | `icloud_empty_password_is_refused_before_sending_and_a_bad_at_login_is_not_a_wrong_password` | here |
//! | `BAD Parse Error (took 0 ms)` | `icloud_bad_parse_error_is_a_clear_error_and_the_session_goes_on` | here |
//! | status responses without text (`* OK [UIDVALIDITY 1]`) | `status_responses_without_text_and_alerts_become_events` (`imap_client.rs`), `icloud_uidvalidity_without_text_during_select` (`imap_client_mailboxes.rs`) | |
//! | `* BYE` without text | `icloud_bye_without_text_ends_the_session_clearly` | here |
//! | `ENABLE QRESYNC` answered without `ENABLED` | `enable_qresync_answered_without_enabled_is_not_counted_on` | `imap_client.rs` |
//! | ENVELOPE strings with unescaped double quotes | `icloud_envelope_with_unescaped_double_quotes_is_read_and_the_session_goes_on` (the codec's reading: `unescaped_double_quotes_inside_envelope_strings` in `imap_tolerance.rs`) | here |
//! | SMTP files a copy in `Sent Messages` (no APPEND by `send --save-copy`) | owned by the CLI task (`imapcli`, `tests/cli_imap.rs`); not on main when this was written | |
//! | `GETMETADATA … DEPTH infinity` answered `BAD Parse Error` | `icloud_getmetadata_is_never_sent_even_where_metadata_is_advertised` | here |
//! | sharded hosts (`p42-imap.mail.me.com`): TLS checks the host dialled | `icloud_sharded_host_tls_checks_the_name_dialled_not_the_preset` | here |

mod support;

use std::time::Duration;

use mailwire::imap::codec::types::{FetchItem, Flag, SequenceSet};
use mailwire::imap::{
    Client, ClientBuilder, Credentials, Deadlines, Error, Event, FetchQuery, Security, TlsConfig,
};
use mailwire::net::{NetError, TlsFailure};
use mailwire::provider::{self, ICLOUD};
use mailwire::sasl::{CredentialPart, SaslError};
use mailwire::testing::{Mode, Script, ScriptedServer};
use support::certs::TestCa;
use support::imap::{
    ICLOUD_CAPABILITIES, PASSWORD, SHORT, builder, finish, finish_lenient, hang_up, plain, preauth,
    with_login,
};

/// The SELECT of INBOX every selected-state test starts with (tag A1), as iCloud answers it.
const SELECTED: &[u8] = b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)]\r\n\
* 11 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1]\r\n* OK [UIDNEXT 10061]\r\n\
* OK [HIGHESTMODSEQ 366744470000000]\r\nA1 OK [READ-WRITE] SELECT completed (took 5 ms)\r\n";

/// A session logged in already (PREAUTH) with iCloud's capabilities after login.
async fn session(then: impl FnOnce(Script) -> Script) -> (Client, ScriptedServer) {
    preauth(ICLOUD_CAPABILITIES, then).await
}

/// [`session`] with INBOX selected (tag A1).
async fn selected(then: impl FnOnce(Script) -> Script) -> (Client, ScriptedServer) {
    let (mut client, server) = session(|script| {
        then(
            script
                .expect_exact("A1 SELECT INBOX (CONDSTORE)")
                .send(SELECTED),
        )
    })
    .await;
    let state = client.select("INBOX").await.unwrap();
    assert_eq!((state.exists, state.uid_validity), (11, Some(1)));
    (client, server)
}

#[tokio::test]
async fn icloud_capability_line_with_odd_tokens_and_a_trailing_space_before_login() {
    // A greeting without a code (and a space before its CRLF): the client asks, and the
    // answer starts with a host and a build token and ends with a space. The last token
    // before that space (AUTH=PLAIN) must still count: PLAIN with SASL-IR follows.
    let script = Script::new(Mode::Plain)
        .send(b"* OK iSCREAM ready to rumble (1Q8F:1234) st11p00mm-iscream013 \r\n")
        .expect_exact("A1 CAPABILITY")
        .send(
            b"* CAPABILITY st11p00mm-iscream013 1Q8F XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 \
SASL-IR AUTH=ATOKEN AUTH=PLAIN \r\nA1 OK CAPABILITY completed\r\n",
        )
        .expect_exact(format!(
            "A2 AUTHENTICATE PLAIN {}",
            plain("name@icloud.com")
        ))
        .send(format!(
            "A2 OK [CAPABILITY {ICLOUD_CAPABILITIES} ] user name authenticated\r\n"
        ));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .provider(Some(&ICLOUD))
        .connect()
        .await
        .unwrap();
    assert!(client.has_capability("LIST-STATUS"));
    assert!(!client.has_capability("st11p00mm-iscream013"));
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_atoken2_and_xoauth2_before_login_are_never_chosen() {
    // With AUTH=PLAIN among them: PLAIN, never Apple's token mechanisms or XOAUTH2.
    let script = Script::new(Mode::Plain)
        .send(
            b"* OK [CAPABILITY st11p00mm-iscream013 1Q8F XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 \
SASL-IR AUTH=ATOKEN AUTH=PLAIN AUTH=ATOKEN2 AUTH=XOAUTH2] iSCREAM ready\r\n",
        )
        .expect_exact(format!(
            "A1 AUTHENTICATE PLAIN {}",
            plain("name@icloud.com")
        ))
        .send(format!(
            "A1 OK [CAPABILITY {ICLOUD_CAPABILITIES}] authenticated\r\n"
        ));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .connect()
        .await
        .unwrap();
    assert!(client.has_capability("IDLE"));
    hang_up(client, server).await;
    // Offered only those (no AUTH=PLAIN, no LOGINDISABLED): LOGIN, still not a token.
    let script = Script::new(Mode::Plain)
        .send(
            b"* OK [CAPABILITY st11p00mm-iscream013 1Q8F IMAP4rev1 SASL-IR AUTH=ATOKEN \
AUTH=ATOKEN2 AUTH=XOAUTH2] iSCREAM ready\r\n",
        )
        .expect_exact(format!("A1 LOGIN name@icloud.com {PASSWORD}"))
        .send(format!(
            "A1 OK [CAPABILITY {ICLOUD_CAPABILITIES}] LOGIN completed\r\n"
        ));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .connect()
        .await
        .unwrap();
    let log = hang_up(client, server).await;
    assert!(!log.received_text_unredacted().contains("ATOKEN"));
    assert!(!log.received_text_unredacted().contains("XOAUTH2"));
}

#[tokio::test]
async fn icloud_post_login_capabilities_lack_literal_plus_move_special_use_and_compress() {
    let script = Script::new(Mode::Plain)
        .send(
            b"* OK [CAPABILITY st11p00mm-iscream013 1Q8F XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 \
SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready\r\n",
        )
        .expect_prefix("A1 AUTHENTICATE PLAIN ")
        .send(b"A1 OK user name authenticated\r\n")
        .expect_exact("A2 CAPABILITY")
        .send(format!(
            "* CAPABILITY {ICLOUD_CAPABILITIES} \r\nA2 OK CAPABILITY completed\r\n"
        ));
    let server = ScriptedServer::start(script).await.unwrap();
    let client = with_login(builder(server.port()), "name@icloud.com")
        .connect()
        .await
        .unwrap();
    for present in [
        "CONDSTORE",
        "QRESYNC",
        "UIDPLUS",
        "IDLE",
        "LIST-STATUS",
        "ESEARCH",
    ] {
        assert!(client.has_capability(present), "{present}");
    }
    // What the client must do without: APPEND waits for `+` (imap_client_fetch.rs), moves
    // go by COPY + STORE + UID EXPUNGE (imap_client_ops.rs), roles come by name too
    // (imap_client_mailboxes.rs).
    for absent in [
        "LITERAL+",
        "LITERAL-",
        "MOVE",
        "SPECIAL-USE",
        "COMPRESS=DEFLATE",
    ] {
        assert!(!client.has_capability(absent), "{absent}");
    }
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_pushes_during_idle_come_as_events_and_only_done_is_ever_written() {
    let (mut client, server) = selected(|script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n* 11 FETCH (UID 10060 FLAGS (\\Seen))\r\n* 12 EXISTS\r\n")
            // The only line the client may write while idling.
            .expect_exact("DONE")
            .send(b"A2 OK IDLE completed (took 1200 ms)\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    let first = idle.next_event(SHORT).await.unwrap().unwrap();
    let Event::Fetch { seq: 11, items } = &first else {
        panic!("{first:?}")
    };
    assert!(items.contains(&FetchItem::Uid(10060)), "{items:?}");
    assert!(
        items.iter().any(
            |item| matches!(item, FetchItem::Flags(flags) if flags.as_slice() == [Flag::Seen])
        ),
        "{items:?}"
    );
    assert_eq!(
        idle.next_event(SHORT).await.unwrap(),
        Some(Event::Exists(12))
    );
    assert_eq!(idle.done().await.unwrap(), vec![]);
    assert_eq!(client.selected().unwrap().exists, 12);
    let log = hang_up(client, server).await;
    let written = log.received_text_unredacted();
    let after_select = written
        .split_once("A1 SELECT INBOX (CONDSTORE)\r\n")
        .unwrap()
        .1;
    assert_eq!(after_select, "A2 IDLE\r\nDONE\r\n");
}

#[tokio::test]
async fn icloud_bad_done_is_the_only_command_allowed_after_idle_is_a_clear_error() {
    // The client never writes anything but DONE during IDLE (above). Should iCloud still
    // end the IDLE with its BAD, the caller gets that BAD in words, and the session goes on.
    let (mut client, server) = selected(|script| {
        script
            .expect_exact("A2 IDLE")
            .send(b"+ idling\r\n")
            .send(b"A2 BAD DONE is the only command allowed after IDLE\r\n")
            .expect_exact("A3 NOOP")
            .send(b"* 12 EXISTS\r\nA3 OK NOOP completed\r\n")
    })
    .await;
    let mut idle = client.idle().await.unwrap();
    let error = idle.next_event(SHORT).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Bad { command: "IDLE", text, .. }
                if text == "DONE is the only command allowed after IDLE"
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("DONE is the only command allowed after IDLE"),
        "{error}"
    );
    drop(idle);
    assert!(client.is_usable());
    assert_eq!(client.noop().await.unwrap(), vec![Event::Exists(12)]);
    let log = hang_up(client, server).await;
    // No DONE was owed: the server had ended the IDLE itself.
    assert!(!log.received_text_unredacted().contains("DONE"));
}

#[tokio::test]
async fn icloud_idle_is_renewed_before_29_minutes_by_default() {
    // iCloud drops an IDLE left for 29 minutes or more; the scripted renewal itself is
    // `idle_is_renewed_with_done_then_idle_after_the_configured_renewal_delay`.
    let renew = Deadlines::default().idle_renew;
    assert!(renew < Duration::from_secs(29 * 60), "{renew:?}");
    assert!(renew >= Duration::from_secs(60), "{renew:?}");
    // A keepalive check comes before the renewal, so a dead connection is found sooner.
    assert!(Deadlines::default().idle_keepalive < renew);
}

#[tokio::test]
async fn icloud_empty_password_is_refused_before_sending_and_a_bad_at_login_is_not_a_wrong_password()
 {
    // iCloud answers an empty password with BAD. The client never sends one: the
    // credentials are refused when made, in words that name the password.
    let refused = Credentials::new("name@icloud.com", "").unwrap_err();
    assert!(
        matches!(
            refused,
            SaslError::InvalidCredentials {
                part: CredentialPart::Password,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("password"), "{refused}");
    assert!(refused.to_string().contains("empty"), "{refused}");
    // A BAD at LOGIN for any other reason is reported as the BAD it is, with its text:
    // neither a wrong password (no app-password hint) nor a retry with another name.
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY st11p00mm-iscream013 1Q8F IMAP4 IMAP4rev1] iSCREAM ready\r\n")
        .expect_exact(format!("A1 LOGIN name@icloud.com {PASSWORD}"))
        .send(b"A1 BAD Parse Error (took 0 ms)\r\n")
        .read_until_close();
    let server = ScriptedServer::start(script).await.unwrap();
    let error = with_login(builder(server.port()), "name@icloud.com")
        .provider(Some(&ICLOUD))
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Bad { command: "LOGIN", text, .. } if text == "Parse Error (took 0 ms)"),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(!error.to_string().contains("app-specific"), "{error}");
    let log = finish_lenient(server).await;
    assert_eq!(
        log.received_text_unredacted().matches("LOGIN").count(),
        1,
        "{}",
        log.received_text_unredacted()
    );
}

#[tokio::test]
async fn icloud_bad_parse_error_is_a_clear_error_and_the_session_goes_on() {
    let (mut client, server) = session(|script| {
        script
            .expect_exact("A1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)")
            .send(b"A1 BAD Parse Error (took 0 ms)\r\n")
            .expect_exact("A2 NOOP")
            .send(b"A2 OK NOOP completed (took 0 ms)\r\n")
    })
    .await;
    let error = client.status("INBOX").await.unwrap_err();
    assert!(
        matches!(&error, Error::Bad { command: "STATUS", text, .. } if text == "Parse Error (took 0 ms)"),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("STATUS") && shown.contains("Parse Error"),
        "{shown}"
    );
    assert!(client.is_usable());
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_bye_without_text_ends_the_session_clearly() {
    // On LOGOUT: `* BYE` with nothing after it, then the tagged OK.
    let (client, server) = session(|script| {
        script
            .expect_exact("A1 LOGOUT")
            .send(b"* BYE\r\nA1 OK LOGOUT completed\r\n")
            .read_until_close()
    })
    .await;
    assert_eq!(client.logout().await.unwrap(), vec![]);
    assert!(finish(server).await.client_closed);
    // During a command: the BYE is the error, retryable, and the session is over.
    let (mut client, server) =
        session(|script| script.expect_exact("A1 NOOP").send(b"* BYE\r\n").close()).await;
    let error = client.noop().await.unwrap_err();
    assert!(
        matches!(&error, Error::Bye { text, .. } if text.is_empty()),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(!error.to_string().is_empty());
    assert!(!client.is_usable());
    drop(client);
    finish_lenient(server).await;
}

#[tokio::test]
async fn icloud_envelope_with_unescaped_double_quotes_is_read_and_the_session_goes_on() {
    // MailCore2 issue 1967: iCloud sends a JavaMail Message-ID with its quoted local part
    // unescaped. The strict grammar stops at the inner quote; the codec reads the envelope
    // leniently instead, so the FETCH neither fails nor ends the session.
    let (mut client, server) = selected(|script| {
        script
            .expect_line(|line| {
                line.starts_with(b"A2 UID FETCH 10058:10059 (") && line.ends_with(b")")
            })
            .send(
                "* 9 FETCH (UID 10058 MODSEQ (366744470000000) FLAGS (\\Seen) ENVELOPE \
(\"Tue, 30 Jan 2018 22:55:59 +0000 (UTC)\" \"Your \"weekly\" digest\" ((\"Info\" NIL \"info\" \
\"example.com\")) ((\"Info\" NIL \"info\" \"example.com\")) ((\"Info\" NIL \"info\" \
\"example.com\")) ((NIL NIL \"name\" \"me.com\")) NIL NIL NIL \
\"<700089605.6840893.1517351952703.JavaMail.\"www-data\"@mp-be012>\"))\r\n\
* 10 FETCH (UID 10059 MODSEQ (366744470000001) FLAGS () ENVELOPE \
(\"Wed, 31 Jan 2018 08:00:00 +0000\" \"Plain\" NIL NIL NIL NIL NIL NIL NIL \"<ok@me.com>\"))\r\n\
A2 OK FETCH completed (took 2 ms)\r\n",
            )
            .expect_exact("A3 NOOP")
            .send(b"A3 OK NOOP completed\r\n")
    })
    .await;
    let query = FetchQuery::new().uid().flags().envelope();
    let messages = client
        .uid_fetch(&SequenceSet::range(10058, 10059), &query)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(messages.len(), 2, "{messages:?}");
    let envelope = messages[0].envelope().unwrap();
    assert_eq!(messages[0].uid(), Some(10058));
    assert_eq!(
        envelope.subject.as_ref().unwrap().as_bytes(),
        b"Your \"weekly\" digest"
    );
    assert_eq!(
        envelope.message_id.as_ref().unwrap().as_bytes(),
        b"<700089605.6840893.1517351952703.JavaMail.\"www-data\"@mp-be012>"
    );
    assert_eq!(
        messages[1]
            .envelope()
            .unwrap()
            .message_id
            .as_ref()
            .unwrap()
            .as_bytes(),
        b"<ok@me.com>"
    );
    assert!(client.is_usable());
    client.noop().await.unwrap();
    hang_up(client, server).await;
}

#[tokio::test]
async fn icloud_getmetadata_is_never_sent_even_where_metadata_is_advertised() {
    // iCloud answers `GETMETADATA (DEPTH infinity)` with `BAD Parse Error` although it
    // advertises METADATA. The client has no GETMETADATA of its own: a whole session
    // (capabilities, LIST, SELECT, FETCH, IDLE) with METADATA advertised writes exactly
    // what the script expects and nothing more.
    let greeting = format!("* PREAUTH [CAPABILITY {ICLOUD_CAPABILITIES} METADATA] ready\r\n");
    let script = Script::new(Mode::Plain)
        .send(greeting)
        .expect_prefix("A1 LIST \"\" * RETURN (STATUS (")
        .send(
            b"* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n\
* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Messages\"\r\nA1 OK LIST completed (took 3 ms)\r\n",
        )
        .expect_exact("A2 SELECT INBOX (CONDSTORE)")
        .send(
            SELECTED
                .strip_suffix(b"A1 OK [READ-WRITE] SELECT completed (took 5 ms)\r\n")
                .unwrap(),
        )
        .send(b"A2 OK [READ-WRITE] SELECT completed\r\n")
        .expect_exact("A3 FETCH 11 FLAGS")
        .send(b"* 11 FETCH (FLAGS (\\Seen))\r\nA3 OK FETCH completed\r\n")
        .expect_exact("A4 LOGOUT")
        .send(b"* BYE\r\nA4 OK LOGOUT completed\r\n")
        .read_until_close();
    let server = ScriptedServer::start(script).await.unwrap();
    let mut client = builder(server.port()).connect().await.unwrap();
    assert!(client.has_capability("METADATA"));
    let mailboxes = client.list("", "*").await.unwrap();
    assert_eq!(mailboxes.len(), 2);
    client.select("INBOX").await.unwrap();
    let fetched = client
        .fetch(&SequenceSet::single(11), &FetchQuery::new().flags())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(fetched.len(), 1);
    client.logout().await.unwrap();
    let log = finish(server).await;
    assert!(!log.received_text_unredacted().contains("METADATA"));
}

#[tokio::test]
async fn icloud_sharded_host_tls_checks_the_name_dialled_not_the_preset() {
    // A big account is served from a shard such as p42-imap.mail.me.com; the client dials
    // the shard (here: localhost stands in for it) with the iCloud preset. The certificate
    // must be checked against the name dialled: one for the preset's imap.mail.me.com only
    // is refused, one for the dialled name is taken.
    assert_eq!(
        provider::for_host("p42-imap.mail.me.com").map(|p| p.name),
        Some(ICLOUD.name)
    );
    let ca = TestCa::new();
    let connect = |server: &ScriptedServer| {
        ClientBuilder::new("localhost", server.port())
            .provider(Some(&ICLOUD))
            .security(Security::ImplicitTls)
            .tls(TlsConfig::only_roots_pem(ca.pem().as_bytes()).unwrap())
            .deadlines(Deadlines::all(SHORT))
            .credentials(Credentials::new("name@icloud.com", PASSWORD).unwrap())
            .connect()
    };
    let other_name = Script::new(Mode::ImplicitTls(
        ca.leaf(&["imap.mail.me.com"]).server_config(),
    ))
    .send(format!(
        "* PREAUTH [CAPABILITY {ICLOUD_CAPABILITIES}] ready\r\n"
    ));
    let server = ScriptedServer::start(other_name).await.unwrap();
    let error = connect(&server).await.unwrap_err();
    let Error::Net { source, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        source.tls_failure(),
        Some(TlsFailure::WrongName),
        "{error:?}"
    );
    assert!(!matches!(source, NetError::BufferedBeforeTls { .. }));
    let log = finish_lenient(server).await;
    assert!(!log.tls_established);
    assert_eq!(log.received_unredacted(), b"");

    let dialled_name = Script::new(Mode::ImplicitTls(ca.leaf(&["localhost"]).server_config()))
        .send(format!(
            "* PREAUTH [CAPABILITY {ICLOUD_CAPABILITIES}] ready\r\n"
        ));
    let server = ScriptedServer::start(dialled_name).await.unwrap();
    let client = connect(&server).await.unwrap();
    assert_eq!(client.server(), format!("localhost:{}", server.port()));
    drop(client);
    assert!(finish(server).await.tls_established);
}
