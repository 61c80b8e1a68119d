use super::*;

#[tokio::test]
async fn bytes_injected_in_the_starttls_packet_are_refused_and_nothing_follows() {
    let case = "a CAPABILITY planted in the packet of A1 OK";
    let script = Script::new(Mode::Plain)
        .send(b"* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n")
        .expect_exact("A1 STARTTLS")
        .send(
            b"A1 OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] planted\r\n",
        )
        .read_until_close();
    let ca = TestCa::new();
    let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
    assert!(
        matches!(
            error,
            Error::Net {
                source: NetError::BufferedBeforeTls { .. },
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
    assert_eq!(log.received_unredacted(), b"A1 STARTTLS\r\n", "{case}");
    assert_no_credential(case, &log);
}

#[tokio::test]
async fn a_response_injected_in_the_next_packet_breaks_the_handshake() {
    let case = "a CAPABILITY planted in the packet after A1 OK";
    let script = Script::new(Mode::Plain)
        .send(STARTTLS_GREETING)
        .expect_exact("A1 STARTTLS")
        .send(b"A1 OK Begin TLS negotiation now\r\n")
        .with_handler(|conn| {
            Box::pin(async move {
                // After the ClientHello is on its way: the planted response comes
                // where the server's handshake should.
                tokio::time::sleep(Duration::from_millis(100)).await;
                conn.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n").await
            })
        })
        .read_until_close();
    let ca = TestCa::new();
    let (error, log) = refused(case, script, |port| starttls_client(port, &ca)).await;
    match &error {
        Error::Net { source, .. } => {
            assert_eq!(
                source.tls_failure(),
                Some(TlsFailure::NotTls),
                "{case}: {source:?}"
            )
        }
        other => panic!("{case}: expected the handshake to fail, got {other:?}"),
    }
    assert!(!log.tls_established, "{case}");
    assert_no_credential(case, &log);
}
