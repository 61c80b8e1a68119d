use super::*;

#[tokio::test]
async fn malformed_responses_to_a_noop_are_protocol_errors() {
    for answer in [
        &b"A7 OK NOOP completed\r\n"[..],
        b"A1x OK NOOP completed\r\n",
        b"A{1} OK NOOP completed\r\n",
        b"A1 MAYBE NOOP completed\r\n",
        b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL))\r\nA1 OK done\r\n",
        b"* 1 FETCH (BODYSTRUCTURE (1 2 3))\r\nA1 OK done\r\n",
        b"* 1 EXISTS garbage\r\nA1 OK done\r\n",
    ] {
        let case = format!("NOOP answered {:?}", String::from_utf8_lossy(answer));
        let (mut client, server) = preauth_with(Limits::default(), |script| {
            script
                .expect_exact("A1 NOOP")
                .send(answer)
                .read_until_close()
        })
        .await;
        let error = bounded(&case, client.noop()).await.expect_err(&case);
        assert!(
            matches!(&error, Error::Protocol { .. }),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert!(!client.is_usable(), "{case}");
        let next = client.noop().await.expect_err(&case);
        assert!(matches!(next, Error::Unusable { .. }), "{case}: {next:?}");
        drop(client);
        let log = log_of(server).await;
        assert_eq!(log.received_unredacted(), b"A1 NOOP\r\n", "{case}");
    }
}

#[tokio::test]
async fn a_known_code_with_a_value_that_does_not_parse_changes_nothing() {
    // `[UIDVALIDITY abc]` still fits the grammar's catch-all code (an atom and text),
    // so it is no protocol error; but it must not be read as a UIDVALIDITY: a client
    // that took it for 0 or for the last number seen would mix up two mailboxes.
    let case = "SELECT answered with [UIDVALIDITY abc] and [UIDNEXT -1]";
    let (mut client, server) = preauth_with(Limits::default(), |script| {
        script.expect_exact("A1 SELECT INBOX").send(
            b"* 2 EXISTS\r\n* OK [UIDVALIDITY abc] bad\r\n* OK [UIDNEXT -1] bad\r\n\
A1 OK [READ-WRITE] SELECT completed\r\n",
        )
    })
    .await;
    let state = bounded(case, client.select("INBOX")).await.expect(case);
    assert_eq!(state.exists, 2, "{case}");
    assert_eq!(state.uid_validity, None, "{case}: {state:?}");
    assert_eq!(state.uid_next, None, "{case}: {state:?}");
    drop(client);
    server.finish().await.expect(case);
}

#[tokio::test]
async fn untagged_responses_of_unknown_kinds_are_handed_over_raw_and_trusted_for_nothing() {
    // IMAP lets servers add response kinds (RFC 9051 §7), so an untagged line the
    // client cannot read is not an error: it reaches the events as raw bytes, changes
    // no state, and the session goes on.
    for (line, raw) in [
        ("* FROBNICATE 1 2 3\r\n", "FROBNICATE 1 2 3"),
        ("* -1 EXISTS\r\n", "-1 EXISTS"),
    ] {
        let case = format!("NOOP with {line:?}");
        let (mut client, server) = preauth_with(Limits::default(), |script| {
            script
                .expect_exact("A1 NOOP")
                .send(line)
                .send(b"A1 OK done\r\n")
                .expect_exact("A2 NOOP")
                .send(b"A2 OK done\r\n")
        })
        .await;
        let events = bounded(&case, client.noop()).await.expect(&case);
        assert_eq!(events.len(), 1, "{case}: {events:?}");
        let shown = format!("{:?}", events[0]);
        assert!(
            matches!(events[0], Event::Other(_)) && shown.contains(raw),
            "{case}: {shown}"
        );
        assert!(client.selected().is_none(), "{case}");
        client.noop().await.expect(&case);
        drop(client);
        server.finish().await.expect(&case);
    }
}
