//! Transcripts in, entries out.

use super::*;

fn summaries(report: &TraceReport) -> Vec<(Side, usize, Result<&str, String>)> {
    report
        .entries
        .iter()
        .map(|entry| {
            let parsed = entry.parsed.as_deref().map_err(ToString::to_string);
            (entry.side, entry.line_no, parsed)
        })
        .collect()
}

fn ok(side: Side, line: usize, summary: &str) -> (Side, usize, Result<&str, String>) {
    (side, line, Ok(summary))
}

use Side::{Client as C, Server as S};

#[test]
fn an_smtp_send_as_the_cli_traces_it_decodes_whole() {
    let trace = "\
S: 220 mx.test ESMTP
C: EHLO client.test
S: 250-mx.test
S: 250-AUTH PLAIN LOGIN
S: 250 8BITMIME
C: AUTH PLAIN <redacted>
S: 235 2.7.0 Authentication successful
C: MAIL FROM:<a@example.org>
S: 250 2.1.0 Ok
C: RCPT TO:<b@example.org>
S: 250 2.1.5 Ok
C: DATA
S: 354 End data with <CR><LF>.<CR><LF>
C: Subject: hi
C: X-Folded: one\\ttwo
C: 
C: ..a dot line
C: .
S: 250 2.0.0 Ok: queued as 1
note: a line the tracer did not write
C: QUIT
S: 221 2.0.0 Bye
";
    let report = decode_trace(trace.as_bytes());
    assert_eq!(report.protocol, Some(Protocol::Smtp));
    assert_eq!(
        summaries(&report),
        [
            ok(S, 1, "reply 220"),
            ok(C, 2, "command Ehlo"),
            ok(S, 3, "reply 250 (3 lines)"),
            ok(C, 6, "command Auth PLAIN"),
            ok(S, 7, "reply 235 2.7.0"),
            ok(C, 8, "command MailFrom"),
            ok(S, 9, "reply 250 2.1.0"),
            ok(C, 10, "command RcptTo"),
            ok(S, 11, "reply 250 2.1.5"),
            ok(C, 12, "command Data"),
            ok(S, 13, "reply 354"),
            // "Subject: hi", the folded header with its tab, the blank line and ".a dot
            // line", each with CRLF.
            ok(C, 14, "message data: 47 bytes in 5 lines"),
            ok(S, 19, "reply 250 2.0.0"),
            ok(C, 21, "command Quit"),
            ok(S, 22, "reply 221 2.0.0"),
        ]
    );
    assert_eq!(
        (report.skipped_lines, report.first_skipped_line),
        (1, Some(20))
    );
    assert_eq!(report.entries[3].text, "AUTH PLAIN <redacted>");
    assert_eq!(report.entries[2].lines, 3);
    assert!(report.is_clean());
}

#[test]
fn pipelined_commands_are_matched_to_their_replies_so_data_starts_after_354() {
    let trace = "\
S: 220 mx.test ESMTP
C: MAIL FROM:<a@example.org>
C: RCPT TO:<b@example.org>
C: DATA
S: 250 2.1.0 Ok
S: 250 2.1.5 Ok
S: 354 go
C: MAIL FROM:<not a command here>
C: .
S: 250 2.0.0 queued
";
    let report = decode_trace(trace.as_bytes());
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(
        summaries(&report)[7],
        ok(C, 8, "message data: 32 bytes in 2 lines")
    );
}

#[test]
fn a_refused_data_leaves_the_next_lines_commands() {
    let trace = "S: 220 mx\nC: DATA\nS: 554 5.5.1 No valid recipients\nC: QUIT\nS: 221 bye\n";
    let report = decode_trace(trace.as_bytes());
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(summaries(&report)[3], ok(C, 4, "command Quit"));
}

#[test]
fn sasl_responses_are_read_after_334_and_never_shown() {
    let user = "dXNlckBteC50ZXN0"; // user@mx.test
    let password = "czNjcmV0LWFwcC1wYXNzd29yZA=="; // s3cret-app-password
    let plain = "AHVzZXJAbXgudGVzdABzM2NyZXQtYXBwLXBhc3N3b3Jk";
    let trace = format!(
        "S: 220 mx\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: {user}\nS: 334 UGFzc3dvcmQ6\n\
         C: {password}\nS: 535 5.7.8 no\nC: AUTH PLAIN {plain}\nS: 535 5.7.8 no\n\
         C: AUTH PLAIN\nS: 334 \nC: *\nS: 501 cancelled\nC: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\n\
         C: not base64 {password}\nS: 501 bad\n"
    );
    let report = decode_trace(trace.as_bytes());
    let client: Vec<_> = summaries(&report)
        .into_iter()
        .filter(|(side, ..)| *side == C)
        .map(|(_, line, parsed)| (line, parsed.map_err(|_| ())))
        .collect();
    assert_eq!(
        client,
        [
            (2, Ok("command Auth LOGIN")),
            (4, Ok("SASL response")),
            (6, Ok("SASL response")),
            (8, Ok("command Auth PLAIN")),
            (10, Ok("command Auth PLAIN")),
            (12, Ok("SASL cancel")),
            (14, Ok("command Auth LOGIN")),
            (16, Err(())),
        ]
    );
    let error = report.failures().next().unwrap();
    assert_eq!(error.line_no, 16);
    assert_eq!(
        error.pointer(),
        None,
        "the failing line may hold a password"
    );
    let shown = format!("{report:?}");
    for secret in [user, password, plain, "s3cret"] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
}

#[test]
fn a_bad_smtp_reply_points_at_its_byte() {
    let trace = b"S: 220 mx\nC: NOOP\nS: 250-first\nS: 25x second\n";
    let report = decode_trace(trace);
    let error = report.failures().next().expect("the reply is broken");
    assert_eq!(error.line_no, 4);
    // `25x` is no reply code: the caret goes under the `x`.
    assert_eq!(&trace[error.offset..error.offset + 3], b"x s");
    let (line, column) = error.pointer().unwrap();
    assert_eq!((line.as_str(), column), ("S: 25x second", 5));
    assert!(!report.is_clean());
}

#[test]
fn an_imap_session_with_literals_idle_and_authenticate_decodes_whole() {
    let trace = "\
S: * OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] ready
C: a1 AUTHENTICATE PLAIN
S: +
C: AGFsaWNlAGh1bnRlcjI=
S: a1 OK [CAPABILITY IMAP4rev1 IDLE] done
C: a2 APPEND INBOX (\\Seen) {22+}
C: Subject: x
C: 
C: body\\tend
S: a2 OK [APPENDUID 1 7] APPEND done
C: a3 UID FETCH 7 (FLAGS BODY.PEEK[])
S: * 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {22}
S: Subject: x
S: 
S: body\\tend)
S: a3 OK done
C: a4 IDLE
S: + idling
S: * 2 EXISTS
C: DONE
S: a4 OK IDLE done
C: a5 LOGIN alice hunter2
S: a5 BAD already authenticated
";
    let report = decode_trace(trace.as_bytes());
    assert_eq!(report.protocol, Some(Protocol::Imap));
    assert_eq!(
        summaries(&report),
        [
            ok(S, 1, "greeting OK"),
            ok(C, 2, "command Authenticate"),
            ok(S, 3, "continuation request"),
            ok(C, 4, "SASL response"),
            ok(S, 5, "status a1 OK"),
            ok(C, 6, "command Append"),
            ok(S, 10, "status a2 OK"),
            ok(C, 11, "command Fetch"),
            ok(S, 12, "data Fetch"),
            ok(S, 16, "status a3 OK"),
            ok(C, 17, "command Idle"),
            ok(S, 18, "continuation request"),
            ok(S, 19, "data Exists"),
            ok(C, 20, "DONE (ends IDLE)"),
            ok(S, 21, "status a4 OK"),
            ok(C, 22, "command Login"),
            ok(S, 23, "status a5 BAD"),
        ]
    );
    // Each literal spans three lines: its 22 bytes are "Subject: x\r\n\r\nbody\tend",
    // the tab written `\t` by the tracer; the FETCH's `)` follows on its last line.
    assert_eq!(report.entries[5].lines, 4);
    assert_eq!(report.entries[8].lines, 4);
    assert_eq!(report.entries[3].text, "<redacted>");
    assert_eq!(report.entries[15].text, "a5 LOGIN alice <redacted>");
    assert!(!format!("{report:?}").contains("hunter2"));
    assert!(!format!("{report:?}").contains("AGFsaWNl"));
    assert!(report.is_clean(), "{report:#?}");
}

#[test]
fn a_bad_imap_response_points_at_the_failing_byte_even_after_a_literal() {
    let trace = b"S: * OK hi\nS: * 1 FETCH (BODY[] {2}\nS: ab)\nS: * 2 FETCH (UID x)\n";
    let report = decode_trace(trace);
    assert_eq!(
        summaries(&report)[..2],
        [ok(S, 1, "greeting OK"), ok(S, 2, "data Fetch")]
    );
    let error = report.failures().next().expect("UID x is no number");
    assert_eq!(error.line_no, 4);
    assert_eq!(&trace[error.offset..error.offset + 1], b"x");
    let (line, column) = error.pointer().unwrap();
    assert_eq!(line, "S: * 2 FETCH (UID x)");
    assert_eq!(&line[column..], "x)");
    assert_eq!(
        error.to_string(),
        format!(
            "line 4: unexpected input at byte {}: expected a number",
            error.offset
        )
    );
}

#[test]
fn a_failing_login_is_not_quoted() {
    let trace = b"S: * OK hi\nC: a1 LOGIN alice \"hunter2\nS: a1 BAD what\n";
    let report = decode_trace(trace);
    let entry = &report.entries[1];
    assert!(entry.parsed.is_err());
    assert_eq!(entry.parsed.as_ref().unwrap_err().pointer(), None);
    assert!(!format!("{report:?}").contains("hunter2"));
}

#[test]
fn bytes_left_out_of_the_trace_cut_a_message_short_and_reading_picks_up_after() {
    // As the tracer writes a large FETCH: the first 2 KiB of a read, then the rest left out.
    let trace = "\
S: * OK hi
C: a1 FETCH 1 BODY[]
S: * 1 FETCH (BODY[] {100000}
S: Subject: big
S: \u{2026} 99000 more bytes
S: xxxx in the middle of the literal
S: more of it
S: )
S: a1 OK done
C: a2 LOGOUT
";
    let report = decode_trace(trace.as_bytes());
    assert_eq!(
        summaries(&report),
        [
            ok(S, 1, "greeting OK"),
            ok(C, 2, "command Fetch"),
            ok(
                S,
                3,
                "message cut short: bytes of it were left out of the trace"
            ),
            ok(S, 5, "99000 bytes left out of the trace"),
            ok(
                S,
                6,
                "3 lines skipped: they follow bytes left out of the trace, up to the next line \
                 that starts a message"
            ),
            ok(S, 9, "status a1 OK"),
            ok(C, 10, "command Logout"),
        ]
    );
}

#[test]
fn message_data_whose_end_was_left_out_ends_at_the_servers_answer() {
    let trace = "\
S: 220 mx
C: DATA
S: 354 go
C: Subject: big
C: \u{2026} 5000 more bytes
S: 250 2.0.0 queued
C: QUIT
";
    let report = decode_trace(trace.as_bytes());
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(
        summaries(&report)[3],
        ok(
            C,
            4,
            "message data: 14 bytes in 2 lines, 5000 more left out of the trace"
        )
    );
    // Without a gap, a missing `.` is an error.
    let report = decode_trace(b"S: 220 mx\nC: DATA\nS: 354 go\nC: body\nS: 250 ok\n");
    let error = report.failures().next().expect("no final dot");
    assert_eq!(error.line_no, 4);
}

#[test]
fn the_protocol_comes_from_the_first_lines_or_stays_unknown() {
    assert_eq!(decode_trace(b"C: EHLO me\n").protocol, Some(Protocol::Smtp));
    assert_eq!(
        decode_trace(b"C: a1 CAPABILITY\n").protocol,
        Some(Protocol::Imap)
    );
    assert_eq!(
        decode_trace(b"   S: * PREAUTH welcome\n").protocol,
        Some(Protocol::Imap)
    );
    let report = decode_trace(b"nothing here\n\n");
    assert_eq!(report.protocol, None);
    assert_eq!(report.skipped_lines, 2);
    assert!(!report.is_clean());
}

#[test]
fn limits_bound_what_a_transcript_makes_the_decoder_hold() {
    let limits = Limits::default().with_literal_len(10).with_line_len(40);
    let trace = b"S: * OK hi\nS: * 1 FETCH (BODY[] {4000000000}\nS: a\nS: * 2 EXISTS\n";
    let report = decode_trace_with_limits(trace, &limits);
    let error = report.failures().next().expect("the literal is too large");
    assert!(matches!(
        error.kind,
        TraceErrorKind::Imap(DecodeError {
            kind: crate::imap::codec::DecodeErrorKind::LiteralTooLarge { .. },
            ..
        })
    ));
    assert_eq!(error.line_no, 2);
    // Reading goes on with the next line.
    assert_eq!(summaries(&report).last().unwrap(), &ok(S, 4, "data Exists"));
    let long = format!("S: 220 {}\n", "x".repeat(100));
    let report = decode_trace_with_limits(long.as_bytes(), &limits);
    assert!(matches!(
        report.failures().next().unwrap().kind,
        TraceErrorKind::SmtpReply(ReplyError::LineTooLong { .. })
    ));
}

#[test]
fn bdat_chunks_are_taken_by_their_size_even_when_a_command_follows_on_the_line() {
    // As the tracer shows `BDAT 14\r\nSubject: x\r\n\r\n` then `hiBDAT 0 LAST\r\n` written
    // right after the chunk: the chunk ends inside the line.
    let trace = "\
S: 220 mx
C: BDAT 16
C: Subject: x
C: 
C: hiBDAT 0 LAST
S: 250 2.0.0 16 octets received
S: 250 2.0.0 queued
C: BDAT 10 LAST
C: short
S: 250 2.0.0 queued
";
    let report = decode_trace(trace.as_bytes());
    assert_eq!(
        summaries(&report)[..6],
        [
            ok(S, 1, "reply 220"),
            ok(C, 2, "command Bdat"),
            ok(C, 3, "BDAT chunk: 16 bytes"),
            ok(C, 5, "command Bdat"),
            ok(S, 6, "reply 250 2.0.0"),
            ok(S, 7, "reply 250 2.0.0"),
        ]
    );
    // Seven bytes of ten, then the server answers: the chunk was cut short.
    let error = report.failures().next().expect("the last chunk is short");
    assert_eq!(error.line_no, 9);
    assert!(
        error.to_string().contains("BDAT chunk ends before"),
        "{error}"
    );
}

#[test]
fn a_synchronising_literal_is_read_across_the_servers_go_ahead() {
    let trace = b"S: * OK hi\nC: a1 LOGIN {5}\nS: + go ahead\nC: alice {7}\nS: + go ahead\n\
                  C: hunter2\nS: a1 OK logged in\n";
    let report = decode_trace(trace);
    assert!(report.is_clean(), "{report:#?}");
    let login = &report.entries[1];
    assert_eq!((login.line_no, login.lines), (2, 3));
    assert_eq!(login.parsed.as_deref(), Ok("command Login"));
    assert!(!format!("{report:?}").contains("hunter2"));
}
