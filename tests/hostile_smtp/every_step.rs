use super::*;

/// The per-reply timeout of the stall cases.
const STALL_TIMEOUT: Duration = Duration::from_millis(400);

fn transcript(ca: &TestCa) -> Transcript {
    Transcript {
        steps: vec![
            Step::Server("greeting", GREETING.to_vec()),
            Step::Client("EHLO "),
            Step::Server("EHLO", EHLO_BEFORE_TLS.to_vec()),
            Step::Client("STARTTLS"),
            Step::Server("STARTTLS", b"220 2.0.0 Ready to start TLS\r\n".to_vec()),
            Step::Tls,
            Step::Client("EHLO "),
            Step::Server("EHLO after TLS", EHLO_AFTER_TLS.to_vec()),
            Step::Client("AUTH PLAIN "),
            Step::Server("AUTH", b"235 2.7.0 Authentication successful\r\n".to_vec()),
            Step::Client("MAIL FROM:<user@mx.test>"),
            Step::Server("MAIL", b"250 2.1.0 Ok\r\n".to_vec()),
            Step::Client("RCPT TO:<friend@example.org>"),
            Step::Server("RCPT", b"250 2.1.5 Ok\r\n".to_vec()),
            Step::Client("DATA"),
            Step::Server("DATA", b"354 End data with <CR><LF>.<CR><LF>\r\n".to_vec()),
            Step::ClientUntil("\r\n.\r\n"),
            Step::Server(
                "after the final dot",
                b"250 2.0.0 Ok: queued as 4A1B\r\n".to_vec(),
            ),
            Step::Client("QUIT"),
            Step::Server("QUIT", b"221 2.0.0 Bye\r\n".to_vec()),
        ],
        tls: ca.leaf(&["localhost"]).server_config(),
    }
}

/// The phase the client is in while it waits at the step labelled `label`.
fn phase_of(label: &str) -> Phase {
    match label {
        "greeting" => Phase::Greeting,
        "EHLO" | "EHLO after TLS" => Phase::Ehlo,
        "STARTTLS" | "TLS handshake" => Phase::StartTls,
        "AUTH" => Phase::Auth,
        "MAIL" => Phase::MailFrom,
        "RCPT" => Phase::RcptTo,
        "DATA" => Phase::Data,
        "after the final dot" => Phase::DataEnd,
        "QUIT" => Phase::Quit,
        other => panic!("no phase for {other}"),
    }
}

#[tokio::test]
async fn the_whole_transcript_runs_when_nothing_is_cut() {
    // The baseline of the cut cases: uncut, the same transcript is a clean session.
    let ca = TestCa::new();
    let server = ScriptedServer::start(transcript(&ca).whole())
        .await
        .unwrap();
    bounded(
        "the whole session",
        session(client(server.port(), Security::StartTls, &ca)),
    )
    .await
    .expect("the uncut session succeeds");
    let log = server.finish().await.expect("the whole script ran");
    assert!(log.expectations.iter().all(|e| e.matched));
    assert_nothing_sensitive("the whole session", &log);
}

async fn cut_everywhere(cut: Cut) {
    let ca = TestCa::new();
    let transcript = transcript(&ca);
    let waits = transcript.waits();
    assert_eq!(waits.len(), 11);
    for (index, label) in waits {
        let case = format!("{cut:?} at {label}");
        let server = ScriptedServer::start(transcript.cut_at(index, cut))
            .await
            .unwrap();
        let started = Instant::now();
        let result = bounded(
            &case,
            session(
                client(server.port(), Security::StartTls, &ca)
                    .timeouts(PhaseTimeouts::all(STALL_TIMEOUT)),
            ),
        )
        .await;
        let error = result.expect_err(&case);
        let phase = phase_of(label);
        match (&error, cut) {
            (Error::Net { phase: at, source }, Cut::Eof) => {
                assert_eq!(*at, phase, "{case}: {error}");
                assert!(!source.is_timeout(), "{case}: {source}");
            }
            (Error::Net { phase: at, source }, Cut::Stall(_)) => {
                assert_eq!(*at, phase, "{case}: {error}");
                assert!(source.is_timeout(), "{case}: {source}");
                assert!(
                    started.elapsed() < STALL_TIMEOUT * 4 + Duration::from_secs(2),
                    "{case}: {:?}",
                    started.elapsed()
                );
            }
            (other, _) => {
                panic!("{case}: expected a network error in {phase:?}, got {other:?}")
            }
        }
        // The message names the server, what happened and the step.
        let shown = error.to_string();
        let what = match cut {
            Cut::Eof => "closed the connection",
            Cut::Stall(_) => "within 400ms",
        };
        assert!(
            shown.contains("localhost:") && shown.contains(what) && shown.contains("(while "),
            "{case}: {shown}"
        );
        drop(error);
        let log = log_of(server).await;
        assert_nothing_sensitive(&case, &log);
    }
}

#[tokio::test]
async fn eof_at_every_step_is_a_network_error_of_that_step() {
    cut_everywhere(Cut::Eof).await;
}

#[tokio::test]
async fn a_stall_at_every_step_is_a_timeout_of_that_step() {
    cut_everywhere(Cut::Stall(Duration::from_secs(3))).await;
}
