use super::whole_reply;
use crate::limits::Limits;
use crate::smtp::codec::{
    EnhancedCode, OwnedReply, Parsed, ReplyCode, ReplyError, ReplyParser, parse_reply,
};

const POSTFIX_EHLO: &[u8] = b"250-localhost\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n\
250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n\
250 CHUNKING\r\n";

fn text<'a>(lines: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    lines
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect()
}

#[test]
fn postfix_ehlo_reply_is_one_reply_of_eleven_lines() {
    let reply = whole_reply(POSTFIX_EHLO);
    assert_eq!(reply.code(), ReplyCode::OK);
    assert_eq!(reply.line_count(), 11);
    assert_eq!(reply.lines().len(), 11);
    let lines = text(reply.lines());
    assert_eq!(lines.first().map(String::as_str), Some("localhost"));
    assert_eq!(lines.get(2).map(String::as_str), Some("SIZE 10240000"));
    assert_eq!(lines.last().map(String::as_str), Some("CHUNKING"));
    assert_eq!(reply.enhanced_code(), None);
    assert_eq!(reply.raw(), POSTFIX_EHLO);
}

#[test]
fn starttls_required_carries_an_enhanced_code() {
    let reply = whole_reply(b"530 5.7.0 Must issue a STARTTLS command first\r\n");
    assert_eq!(reply.code().get(), 530);
    assert!(reply.code().is_permanent());
    assert_eq!(
        reply.enhanced_code(),
        Some(EnhancedCode {
            class: 5,
            subject: 7,
            detail: 0
        })
    );
    assert_eq!(
        text(reply.lines()),
        ["5.7.0 Must issue a STARTTLS command first"]
    );
    assert_eq!(
        text(reply.text_lines()),
        ["Must issue a STARTTLS command first"]
    );
}

#[test]
fn authentication_failure_reads_as_a_person_would_quote_it() {
    let wire = b"535 5.7.8 Error: authentication failed: authentication failure\r\n";
    let owned = whole_reply(wire).to_owned();
    assert_eq!(owned.code.get(), 535);
    assert_eq!(
        owned.enhanced.map(|code| code.to_string()),
        Some("5.7.8".into())
    );
    assert_eq!(
        owned.lines,
        ["Error: authentication failed: authentication failure"]
    );
    assert_eq!(
        owned.to_string(),
        "535 5.7.8 Error: authentication failed: authentication failure"
    );
}

#[test]
fn sasl_challenges_with_and_without_text() {
    let reply = whole_reply(b"334 VXNlcm5hbWU6\r\n");
    assert!(reply.code().is_intermediate());
    assert_eq!(text(reply.lines()), ["VXNlcm5hbWU6"]);
    assert_eq!(reply.enhanced_code(), None);
    for empty in [&b"334 \r\n"[..], b"334\r\n", b"334\n"] {
        let reply = whole_reply(empty);
        assert_eq!(reply.code(), ReplyCode::AUTH_CONTINUE);
        assert_eq!(text(reply.lines()), [""], "{empty:?}");
    }
}

#[test]
fn lines_with_other_codes_break_the_reply() {
    let wire = b"250-mail.example.com\r\n250-PIPELINING\r\n251 SIZE\r\n";
    assert_eq!(
        parse_reply(wire, &Limits::default()),
        Err(ReplyError::InconsistentCode {
            expected: ReplyCode::OK,
            found: ReplyCode::new(251).unwrap(),
            line: 3
        })
    );
    // Seen as soon as the code arrives, before its line ends.
    assert!(matches!(
        parse_reply(b"250-a\r\n550", &Limits::default()),
        Err(ReplyError::InconsistentCode { line: 2, .. })
    ));
}

#[test]
fn an_endless_line_is_refused_once_the_limit_is_passed() {
    let limits = Limits::default().with_line_len(512);
    let mut wire = b"250-".to_vec();
    wire.extend(std::iter::repeat_n(b'x', 508));
    assert_eq!(parse_reply(&wire, &limits), Ok(Parsed::Incomplete));
    wire.push(b'\r');
    assert_eq!(
        parse_reply(&wire, &limits),
        Ok(Parsed::Incomplete),
        "LF may follow"
    );
    wire.pop();
    wire.push(b'!');
    assert_eq!(
        parse_reply(&wire, &limits),
        Err(ReplyError::LineTooLong {
            line: 1,
            offset: 0,
            limit: 512
        })
    );
    let mut second = b"250-first\r\n250-".to_vec();
    second.extend(std::iter::repeat_n(b'x', 600));
    assert_eq!(
        parse_reply(&second, &limits),
        Err(ReplyError::LineTooLong {
            line: 2,
            offset: 11,
            limit: 512
        })
    );
}

#[test]
fn an_endless_reply_is_refused_at_the_line_limit() {
    let limits = Limits::default().with_reply_lines(3);
    assert!(matches!(
        parse_reply(b"250-a\r\n250-b\r\n250 c\r\n", &limits),
        Ok(Parsed::Complete(_, 21))
    ));
    assert_eq!(
        parse_reply(b"250-a\r\n250-b\r\n250-c\r\n", &limits),
        Err(ReplyError::TooManyLines { limit: 3 })
    );
}

#[test]
fn bare_lf_replies_are_accepted_and_canonicalised() {
    let reply = whole_reply(b"250-mx.example.net\n250-PIPELINING\n250 8BITMIME\n");
    assert_eq!(
        text(reply.lines()),
        ["mx.example.net", "PIPELINING", "8BITMIME"]
    );
    let mut out = Vec::new();
    reply.encode(&mut out);
    assert_eq!(
        out,
        b"250-mx.example.net\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
    );
}

#[test]
fn every_prefix_of_a_reply_is_incomplete() {
    for cut in 0..POSTFIX_EHLO.len() {
        assert_eq!(
            parse_reply(&POSTFIX_EHLO[..cut], &Limits::default()),
            Ok(Parsed::Incomplete),
            "cut at {cut}"
        );
    }
}

#[test]
fn pipelined_replies_are_taken_one_at_a_time() {
    let wire = b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n";
    let mut rest = &wire[..];
    let mut seen = Vec::new();
    while !rest.is_empty() {
        let Ok(Parsed::Complete(reply, consumed)) = parse_reply(rest, &Limits::default()) else {
            panic!("whole replies expected in {rest:?}");
        };
        seen.push(reply.to_owned().to_string());
        rest = &rest[consumed..];
    }
    assert_eq!(
        seen,
        [
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "354 End data with <CR><LF>.<CR><LF>"
        ]
    );
}

#[test]
fn a_peer_that_is_not_an_smtp_server_fails_on_its_first_bytes() {
    assert_eq!(
        parse_reply(b"* OK [CAPABILITY IMAP4rev1] ready", &Limits::default()),
        Err(ReplyError::BadCode { line: 1, offset: 0 })
    );
    assert_eq!(
        parse_reply(b"HTTP/1.1 400 Bad Request\r\n", &Limits::default()),
        Err(ReplyError::BadCode { line: 1, offset: 0 })
    );
    assert_eq!(
        parse_reply(b"25", &Limits::default()),
        Ok(Parsed::Incomplete)
    );
    assert_eq!(
        parse_reply(b"25\r\n", &Limits::default()),
        Err(ReplyError::BadCode { line: 1, offset: 2 })
    );
}

#[test]
fn codes_outside_smtp_ranges_and_bad_separators_are_refused() {
    for (wire, bad_offset) in [
        (&b"199 too low\r\n"[..], 0),
        (b"600 too high\r\n", 0),
        (b"260 second digit\r\n", 1),
        (b"25x nope\r\n", 2),
        (b"\r\n", 0),
    ] {
        assert_eq!(
            parse_reply(wire, &Limits::default()),
            Err(ReplyError::BadCode {
                line: 1,
                offset: bad_offset
            }),
            "{wire:?}"
        );
    }
    assert_eq!(
        parse_reply(b"250_OK\r\n", &Limits::default()),
        Err(ReplyError::BadSeparator {
            line: 1,
            offset: 3,
            found: b'_'
        })
    );
    assert!(matches!(whole_reply(b"259 fine\r\n").code().get(), 259));
}

#[test]
fn enhanced_codes_must_be_whole_and_match_the_reply_class() {
    assert_eq!(
        EnhancedCode::parse_prefix(b"5.7.8 x"),
        Some((
            EnhancedCode {
                class: 5,
                subject: 7,
                detail: 8
            },
            6
        ))
    );
    assert_eq!(
        EnhancedCode::parse_prefix(b"2.0.0").map(|(_, len)| len),
        Some(5)
    );
    for not_a_code in [
        &b"2.0.0x"[..],
        b"3.0.0 ",
        b"5.1234.1 ",
        b"5..1 ",
        b"5.1. ",
        b"5.1",
    ] {
        assert_eq!(
            EnhancedCode::parse_prefix(not_a_code),
            None,
            "{not_a_code:?}"
        );
    }
    assert_eq!(
        whole_reply(b"250 5.0.0 mismatched class\r\n").enhanced_code(),
        None
    );
    // No code on the first line: text that looks like one later is left alone.
    let reply = whole_reply(b"250-plain text\r\n250 2.0.0 looks like a code\r\n");
    assert_eq!(
        text(reply.text_lines()),
        ["plain text", "2.0.0 looks like a code"]
    );
    let reply = whole_reply(b"550-5.1.1 No such user\r\n550 5.1.1 Check the address\r\n");
    assert_eq!(
        text(reply.text_lines()),
        ["No such user", "Check the address"]
    );
}

#[test]
fn owned_replies_encode_as_servers_send_them() {
    let reply = OwnedReply::new(
        ReplyCode::new(550).unwrap(),
        Some(EnhancedCode {
            class: 5,
            subject: 1,
            detail: 1,
        }),
        vec!["No such user".into(), "injected\r\n250 OK".into()],
    );
    let mut out = Vec::new();
    reply.encode(&mut out);
    assert_eq!(
        out, b"550-5.1.1 No such user\r\n550 5.1.1 injected  250 OK\r\n",
        "a CR or LF in the text never ends the line"
    );
    let reparsed = whole_reply(&out).to_owned();
    assert_eq!(reparsed.lines, ["No such user", "injected  250 OK"]);
    assert_eq!(reparsed.text(), "No such user injected  250 OK");

    let mut out = Vec::new();
    OwnedReply::new(ReplyCode::AUTH_CONTINUE, None, vec![]).encode(&mut out);
    assert_eq!(out, b"334\r\n");
}

#[test]
fn parse_encode_parse_keeps_the_reply() {
    for wire in [
        POSTFIX_EHLO,
        b"334 \r\n",
        b"250-\n250 x\n",
        b"221 2.0.0 Bye\r\n",
        b"451-4.3.0 a\r\n451 b\r\n",
    ] {
        let first = whole_reply(wire);
        let mut out = Vec::new();
        first.encode(&mut out);
        let second = whole_reply(&out);
        assert_eq!(first.code(), second.code());
        assert_eq!(
            first.lines().collect::<Vec<_>>(),
            second.lines().collect::<Vec<_>>()
        );
        assert_eq!(first.to_owned(), second.to_owned());
        let mut owned_wire = Vec::new();
        first.to_owned().encode(&mut owned_wire);
        assert_eq!(whole_reply(&owned_wire).to_owned(), first.to_owned());
    }
}

#[test]
fn reply_codes_are_limited_to_smtp_classes() {
    assert_eq!(ReplyCode::new(199), None);
    assert_eq!(ReplyCode::new(600), None);
    let code = ReplyCode::new(421).unwrap();
    assert_eq!((code.get(), code.class()), (421, 4));
    assert!(code.is_transient() && !code.is_permanent());
    assert!(ReplyCode::OK.is_positive_completion());
}

/// Regression (found by the `arbitrary` round trip): `ReplyCode::new(260)` used to succeed,
/// and the reply written with it (`260 text`) was refused by the parser, whose second digit
/// is 0 to 5 as RFC 5321 has it. Every code the constructor accepts now reads back.
#[test]
fn every_code_the_constructor_accepts_parses_back() {
    assert_eq!(ReplyCode::new(260), None);
    assert_eq!(ReplyCode::new(559).map(ReplyCode::get), Some(559));
    assert_eq!(ReplyCode::new(599), None);
    let mut accepted = 0;
    for value in 0..1000 {
        let Some(code) = ReplyCode::new(value) else {
            continue;
        };
        accepted += 1;
        let mut wire = Vec::new();
        OwnedReply::new(code, None, vec!["text".to_owned()]).encode(&mut wire);
        assert_eq!(whole_reply(&wire).code(), code, "{value}");
    }
    // 2xx to 5xx with a second digit of 0 to 5: 4 * 6 * 10.
    assert_eq!(accepted, 240);
}

#[test]
fn errors_say_where_in_words() {
    let error = parse_reply(b"250-ok\r\n250_x\r\n", &Limits::default()).unwrap_err();
    assert_eq!(error.offset(), Some(11));
    let message = error.to_string();
    assert!(
        message.contains("line 2") && message.contains("0x5f"),
        "{message}"
    );
}

#[test]
fn a_reply_arriving_byte_by_byte_parses_as_if_whole() {
    let limits = Limits::default().with_line_len(40).with_reply_lines(8);
    let mut long_line = b"250-ok\r\n250 ".to_vec();
    long_line.extend(std::iter::repeat_n(b'x', 60));
    let transcripts: [&[u8]; 7] = [
        POSTFIX_EHLO,
        b"250-a\n250-b\n250 c\n",
        b"334 \r\n",
        b"250-a\r\n251 b\r\n",
        b"250-a\r\n2x",
        b"HTTP/1.1 200 OK\r\n",
        &long_line,
    ];
    for wire in transcripts {
        let mut parser = ReplyParser::new();
        for end in 0..=wire.len() {
            let prefix = &wire[..end];
            let resumed = parser.parse(prefix, &limits);
            assert_eq!(resumed, parse_reply(prefix, &limits), "{prefix:?}");
            if !matches!(resumed, Ok(Parsed::Incomplete)) {
                break;
            }
        }
    }
}

#[test]
fn a_parser_given_another_buffer_starts_over() {
    let mut parser = ReplyParser::new();
    let limits = Limits::default();
    assert_eq!(
        parser.parse(b"250-first\r\n250-sec", &limits),
        Ok(Parsed::Incomplete)
    );
    let Ok(Parsed::Complete(reply, _)) = parser.parse(b"221 bye\r\n", &limits) else {
        panic!("a shorter buffer is a new reply");
    };
    assert_eq!(reply.code(), ReplyCode::CLOSING);
}

/// A second line starting with every code-like prefix and every byte after it: the parser's
/// shortcut for lines after the first reads each as the plain reading of a line does (the
/// same error, or the last line, or a line after which more must come).
#[test]
fn the_shortcut_for_later_lines_and_the_plain_reading_agree() {
    use crate::smtp::codec::reply_parse::read_line_start;

    let first = b"250-mx.example.com\r\n";
    let starts: [&[u8]; 7] = [b"250", b"251", b"350", b"25", b"", b"2a0", b"650"];
    for start in starts {
        for after in 0..=255u8 {
            if after == b'\n' {
                continue;
            }
            let mut second = start.to_vec();
            second.push(after);
            for end in [&b"text\r\n"[..], b"\r\n", b"\n"] {
                let mut wire = first.to_vec();
                wire.extend_from_slice(&second);
                wire.extend_from_slice(end);
                // The line without its end: the LF, and a CR just before it.
                let line = &wire[first.len()..wire.len() - 1];
                let content = line.strip_suffix(b"\r").unwrap_or(line);
                let plain = read_line_start(content, Some(*b"250"), 2, first.len());
                let parsed = parse_reply(&wire, &Limits::default());
                let shown = String::from_utf8_lossy(&wire);
                match plain {
                    Err(error) => assert_eq!(parsed, Err(error), "{shown:?}"),
                    Ok((_, true)) => assert!(
                        matches!(parsed, Ok(Parsed::Complete(reply, taken))
                            if reply.line_count() == 2 && taken == wire.len()),
                        "{shown:?}: {parsed:?}"
                    ),
                    Ok((_, false)) => assert_eq!(parsed, Ok(Parsed::Incomplete), "{shown:?}"),
                }
            }
        }
    }
}

#[test]
fn the_first_line_is_measured_once_whole_or_in_pieces() {
    // Where the parser saw the first line end is where a search for it ends, whether the
    // reply came whole or a byte at a time (the first line then ends in an earlier call).
    let replies: [&[u8]; 5] = [
        POSTFIX_EHLO,
        b"250 mx.example.org\r\n",
        b"250-smtp.gmail.com at your service\n250 SMTPUTF8\n",
        b"250\r\n",
        b"220-mx ESMTP\r\n220-\r\n220 ready\r\n",
    ];
    for wire in replies {
        let plain = wire.iter().position(|&byte| byte == b'\n').unwrap() + 1;
        let whole = whole_reply(wire);
        assert_eq!(whole.first_line_len(), plain, "{}", wire.escape_ascii());
        let mut parser = ReplyParser::new();
        for end in 1..=wire.len() {
            match parser.parse(&wire[..end], &Limits::default()).unwrap() {
                Parsed::Complete(reply, _) => {
                    assert_eq!(end, wire.len());
                    assert_eq!(reply.first_line_len(), plain, "{}", wire.escape_ascii());
                }
                Parsed::Incomplete => assert!(end < wire.len()),
            }
        }
    }
}
