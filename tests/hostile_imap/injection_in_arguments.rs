use super::*;

const BAD: [&str; 3] = ["x\r\nA9 DELETE INBOX", "x\ny", "x\0y"];

/// A session that must see nothing but `A1 NOOP` after the greeting.
async fn session() -> (Client, ScriptedServer) {
    preauth_with(Limits::default(), |script| {
        script
            .expect_exact("A1 NOOP")
            .send(b"A1 OK NOOP completed\r\n")
    })
    .await
}

/// Ends the session: a NOOP goes out (the session still works, with the next tag) and
/// is all the server read.
async fn only_noop_was_sent(case: &str, mut client: Client, server: ScriptedServer) {
    client.noop().await.expect(case);
    drop(client);
    let log = server.finish().await.expect(case);
    assert_eq!(log.received_unredacted(), b"A1 NOOP\r\n", "{case}");
}

fn assert_invalid(case: &str, result: Result<impl std::fmt::Debug, Error>) {
    match result {
        Err(error @ Error::InvalidArgument { .. }) => {
            // What cannot be sent, why, and that nothing went out.
            let shown = error.to_string();
            assert!(
                shown.contains("cannot write") && shown.ends_with("nothing was sent"),
                "{case}: {shown}"
            );
        }
        other => panic!("{case}: expected InvalidArgument, got {other:?}"),
    }
}

#[tokio::test]
async fn every_mailbox_name_with_cr_lf_or_nul_is_refused_before_anything_is_sent() {
    let set = SequenceSet::single(1);
    for bad in BAD {
        let (mut client, server) = session().await;
        let c = &mut client;
        assert_invalid(&format!("SELECT {bad:?}"), c.select(bad).await);
        assert_invalid(&format!("EXAMINE {bad:?}"), c.examine(bad).await);
        assert_invalid(&format!("STATUS {bad:?}"), c.status(bad).await);
        assert_invalid(&format!("CREATE {bad:?}"), c.create(bad).await);
        assert_invalid(&format!("DELETE {bad:?}"), c.delete(bad).await);
        assert_invalid(&format!("RENAME from {bad:?}"), c.rename(bad, "ok").await);
        assert_invalid(&format!("RENAME to {bad:?}"), c.rename("ok", bad).await);
        assert_invalid(&format!("SUBSCRIBE {bad:?}"), c.subscribe(bad).await);
        assert_invalid(&format!("UNSUBSCRIBE {bad:?}"), c.unsubscribe(bad).await);
        assert_invalid(
            &format!("APPEND to {bad:?}"),
            c.append(bad, b"Subject: x\r\n\r\nbody\r\n", &AppendOptions::new())
                .await,
        );
        assert_invalid(&format!("COPY to {bad:?}"), c.copy(&set, bad).await);
        assert_invalid(&format!("UID COPY to {bad:?}"), c.uid_copy(&set, bad).await);
        assert_invalid(
            &format!("MOVE to {bad:?}"),
            c.move_messages(&set, bad).await,
        );
        assert_invalid(&format!("UID MOVE to {bad:?}"), c.uid_move(&set, bad).await);
        assert_invalid(
            &format!("GETQUOTAROOT {bad:?}"),
            c.get_quota_root(bad).await,
        );
        assert_invalid(&format!("LIST reference {bad:?}"), c.list(bad, "*").await);
        assert_invalid(&format!("LIST pattern {bad:?}"), c.list("", bad).await);
        only_noop_was_sent(&format!("mailbox names with {bad:?}"), client, server).await;
    }
}

#[tokio::test]
async fn search_strings_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
    for bad in BAD {
        let case = format!("SEARCH with {bad:?}");
        let (mut client, server) = session().await;
        let string = || AString::new(bad.as_bytes().to_vec());
        for key in [
            SearchKey::Subject(string()),
            SearchKey::Body(string()),
            SearchKey::Header(AString::new(b"X-Tag".to_vec()), string()),
            SearchKey::Not(Box::new(SearchKey::From(string()))),
        ] {
            assert_invalid(&case, client.search(key.clone()).await);
            assert_invalid(&case, client.uid_search(key).await);
        }
        only_noop_was_sent(&case, client, server).await;
    }
}

#[tokio::test]
async fn keywords_with_cr_lf_or_nul_cannot_be_made() {
    // A keyword is an atom: one with CR, LF or NUL cannot be built, so no STORE or
    // APPEND can carry it.
    for bad in BAD {
        let case = format!("keyword {bad:?}");
        let error = Atom::new(bad).expect_err(&case);
        assert!(error.to_string().contains("character"), "{case}: {error}");
    }
}

#[tokio::test]
async fn enable_names_and_header_field_names_with_cr_lf_or_nul_are_refused() {
    for bad in BAD {
        let case = format!("ENABLE and HEADER.FIELDS with {bad:?}");
        let (mut client, server) = session().await;
        assert_invalid(&case, client.enable(&["CONDSTORE", bad]).await);
        assert_invalid(&case, FetchQuery::new().header_fields(&["Subject", bad]));
        only_noop_was_sent(&case, client, server).await;
    }
}

#[tokio::test]
async fn a_login_user_or_password_with_cr_lf_or_nul_is_refused_before_connecting() {
    for bad in BAD {
        for (case, user, password) in [
            (format!("LOGIN user {bad:?}"), bad, PASSWORD),
            (format!("LOGIN password {bad:?}"), USER, bad),
        ] {
            let error = Credentials::new(user, password).expect_err(&case);
            let shown = format!("{error} {error:?}");
            assert!(
                shown.contains("password") || shown.contains("user"),
                "{case}: {shown}"
            );
            assert!(!shown.contains(PASSWORD), "{case}: the password shows");
        }
    }
}

#[tokio::test]
async fn id_names_and_values_with_cr_lf_or_nul_are_refused_before_anything_is_sent() {
    for bad in BAD {
        let case = format!("ID with {bad:?}");
        let (mut client, server) = session().await;
        let value = [("name".to_owned(), bad.to_owned())];
        assert_invalid(&case, client.id(&value).await);
        let name = [(bad.to_owned(), "mailwire".to_owned())];
        assert_invalid(&case, client.id(&name).await);
        only_noop_was_sent(&case, client, server).await;
    }
}
