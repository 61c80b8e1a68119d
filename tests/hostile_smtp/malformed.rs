use super::*;

#[tokio::test]
async fn garbage_instead_of_a_greeting_is_a_protocol_error() {
    let ca = TestCa::new();
    for garbage in [
        &b"HTTP/1.1 400 Bad Request\r\n\r\n"[..],
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n"[..],
        &b"2200 nope\r\n"[..],
        &b"099 too low\r\n"[..],
        &b"22 short\r\n"[..],
    ] {
        let case = format!("greeting {:?}", String::from_utf8_lossy(garbage));
        let script = Script::new(Mode::Plain).send(garbage);
        let (error, log) = refused(&case, script, Security::StartTls, &ca).await;
        assert!(
            matches!(
                error,
                Error::Protocol {
                    phase: Phase::Greeting,
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        assert!(error.to_string().contains("localhost"), "{case}: {error}");
        assert!(log.received_unredacted().is_empty(), "{case}: {log:?}");
    }
}

#[tokio::test]
async fn a_malformed_ehlo_reply_is_a_protocol_error() {
    let ca = TestCa::new();
    for reply in [
        &b"250-mx.test\r\n251-PIPELINING\r\n250 STARTTLS\r\n"[..],
        b"250-mx.test\r\n550 STARTTLS\r\n",
        b"250garbage STARTTLS\r\n",
        b"250\x00STARTTLS\r\n",
        b"600 STARTTLS\r\n",
    ] {
        let case = format!("EHLO answered {:?}", String::from_utf8_lossy(reply));
        let script = up_to_ehlo().send(reply).read_until_close();
        let (error, log) = refused(&case, script, Security::StartTls, &ca).await;
        assert!(
            matches!(
                error,
                Error::Protocol {
                    phase: Phase::Ehlo,
                    ..
                }
            ),
            "{case}: {error:?}"
        );
        assert!(
            !log.received_text_unredacted().contains("STARTTLS"),
            "{case}: nothing after the malformed reply"
        );
        assert_nothing_sensitive(&case, &log);
    }
}

#[tokio::test]
async fn a_continued_reply_that_never_ends_is_a_clear_error() {
    let case = "250- then EOF";
    let ca = TestCa::new();
    let script = up_to_ehlo()
        .send(b"250-mx.test\r\n250-STARTTLS\r\n")
        .close();
    let (error, log) = refused(case, script, Security::StartTls, &ca).await;
    assert!(
        matches!(
            error,
            Error::Net {
                phase: Phase::Ehlo,
                ..
            } | Error::Protocol {
                phase: Phase::Ehlo,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(
        !log.received_text_unredacted().contains("STARTTLS"),
        "{case}"
    );
}
