use super::*;

#[tokio::test]
async fn lines_injected_in_the_starttls_packet_abort_the_upgrade() {
    let case = "250 lines in the packet of the 220 go-ahead";
    let ca = TestCa::new();
    let tls = ca.leaf(&["localhost"]).server_config();
    let script = starttls_opening()
        .expect_exact("STARTTLS")
        .send_and_starttls(
            b"220 2.0.0 Ready to start TLS\r\n250-mx.test\r\n250 AUTH PLAIN\r\n",
            tls,
        );
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    match &error {
        Error::Net {
            phase: Phase::StartTls,
            source: NetError::BufferedBeforeTls { bytes, .. },
        } => assert_eq!(*bytes, "250-mx.test\r\n250 AUTH PLAIN\r\n".len(), "{case}"),
        other => panic!("{case}: expected the injection to be refused, got {other:?}"),
    }
    assert!(error.to_string().contains("STARTTLS"), "{case}: {error}");
    assert!(!log.tls_established);
    assert_nothing_sensitive(case, &log);
}

#[tokio::test]
async fn a_reply_injected_in_the_next_packet_breaks_the_handshake() {
    let case = "250 lines in the packet after the 220 go-ahead";
    let ca = TestCa::new();
    let script = starttls_opening()
        .expect_exact("STARTTLS")
        .send(b"220 2.0.0 Ready to start TLS\r\n")
        .with_handler(|conn| {
            Box::pin(async move {
                // Let the client's ClientHello arrive first: the planted reply then comes
                // where the server's handshake should.
                tokio::time::sleep(Duration::from_millis(100)).await;
                conn.send(b"250-mx.test\r\n250 AUTH PLAIN\r\n").await
            })
        })
        .read_until_close();
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    match &error {
        Error::Net {
            phase: Phase::StartTls,
            source,
        } => assert!(
            matches!(source, NetError::BufferedBeforeTls { .. })
                || source.tls_failure() == Some(TlsFailure::NotTls)
                || source.tls_failure().is_some(),
            "{case}: {source:?}"
        ),
        other => panic!("{case}: expected the handshake to fail, got {other:?}"),
    }
    assert!(!log.tls_established);
    assert_nothing_sensitive(case, &log);
}
