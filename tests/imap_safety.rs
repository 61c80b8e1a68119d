//! Hostile input: deep nesting, huge literal announcements, endless lines, overflowing
//! numbers. Each gives an error within the limits, never a panic, a stack overflow or an
//! allocation the limits do not allow.

use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::{DecodeErrorKind, Parsed, parse_command, parse_response};
use mailwire::limits::Limits;

fn nested(prefix: &[u8], depth: usize, suffix: &[u8]) -> Vec<u8> {
    let mut line = prefix.to_vec();
    line.extend(std::iter::repeat_n(b'(', depth));
    line.extend(std::iter::repeat_n(b')', depth));
    line.extend_from_slice(suffix);
    line
}

#[test]
fn a_bodystructure_nested_100000_deep() {
    let line = nested(b"* 1 FETCH (BODYSTRUCTURE ", 100_000, b")\r\n");
    // With the default limits the line itself is too long.
    let error = parse_response(&line, &Limits::default()).unwrap_err();
    assert_eq!(
        error.kind,
        DecodeErrorKind::LineTooLong { limit: 64 * 1024 }
    );
    // With room for the line, the nesting limit stops the parser.
    let limits = Limits::default().with_line_len(1 << 20);
    let error = parse_response(&line, &limits).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TooDeep { limit: 64 });
    assert!(error.offset < 200, "stopped at {}", error.offset);
    // A lower bound is honoured too.
    let error = parse_response(&line, &limits.with_nesting_depth(3)).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TooDeep { limit: 3 });
}

#[test]
fn other_nested_lists_are_bounded_too() {
    let limits = Limits::default().with_line_len(1 << 20);
    for (prefix, suffix) in [
        (&b"* THREAD "[..], &b"\r\n"[..]),
        (b"* 1 FETCH (X-UNKNOWN ", b")\r\n"),
        (b"* LIST () \"/\" INBOX (\"X\" ", b")\r\n"),
        (
            b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1 NIL NIL NIL NIL ",
            b"))\r\n",
        ),
    ] {
        let line = nested(prefix, 100_000, suffix);
        let error = parse_response(&line, &limits).unwrap_err();
        assert_eq!(error.kind, DecodeErrorKind::TooDeep { limit: 64 }, "{:?}", String::from_utf8_lossy(prefix));
    }
    // Search keys nest through parentheses and through NOT.
    let mut command = b"a SEARCH ".to_vec();
    command.extend(b"NOT ".repeat(50_000));
    command.extend_from_slice(b"SEEN\r\n");
    let error = parse_command(&command, &limits).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::TooDeep { limit: 64 });
    let line = nested(b"a SEARCH ", 100_000, b"\r\n");
    assert_eq!(
        parse_command(&line, &limits).unwrap_err().kind,
        DecodeErrorKind::TooDeep { limit: 64 }
    );
}

#[test]
fn a_4_gb_literal_announcement() {
    let line = b"* 1 FETCH (BODY[] {4294967296}\r\n";
    let error = parse_response(line, &Limits::default()).unwrap_err();
    assert_eq!(
        error.kind,
        DecodeErrorKind::LiteralTooLarge {
            announced: Some(4_294_967_296),
            limit: 256 * 1024 * 1024
        }
    );
    assert_eq!(error.offset, 18);
    // A size beyond 64 bits is refused the same way.
    let error = parse_response(
        b"* 1 FETCH (BODY[] {99999999999999999999999}\r\n",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(
        error.kind,
        DecodeErrorKind::LiteralTooLarge {
            announced: None,
            ..
        }
    ));
    // Nothing is allocated for it: the framer drops what follows, chunk by chunk.
    let mut framer = Framer::responses(Limits::default());
    let mut buffer = line.to_vec();
    assert!(framer.poll(&buffer).is_err());
    let mut dropped = 0usize;
    for _ in 0..100 {
        buffer.extend_from_slice(&[b'x'; 4096]);
        match framer.poll(&buffer).unwrap() {
            Frame::Discard { len } => {
                dropped += len;
                buffer.drain(..len);
            }
            other => panic!("{other:?}"),
        }
        assert!(buffer.len() <= 4096);
    }
    assert_eq!(dropped, line.len() + 100 * 4096);
}

#[test]
fn a_10_mb_line_without_crlf() {
    let line = vec![b'a'; 10 * 1024 * 1024];
    let error = parse_response(&line, &Limits::default()).unwrap_err();
    assert_eq!(
        error.kind,
        DecodeErrorKind::LineTooLong { limit: 64 * 1024 }
    );
    assert_eq!(error.offset, 64 * 1024);
    // Streamed in: one error, then the bytes are dropped as they come; the buffer stays small
    // and the line's end resynchronises the stream.
    let mut framer = Framer::responses(Limits::default());
    let mut buffer = Vec::new();
    let mut errors = 0;
    let mut largest = 0;
    for chunk in line.chunks(4096) {
        buffer.extend_from_slice(chunk);
        largest = largest.max(buffer.len());
        loop {
            match framer.poll(&buffer) {
                Err(_) => errors += 1,
                Ok(Frame::Discard { len }) => {
                    buffer.drain(..len);
                }
                Ok(Frame::Incomplete) => break,
                Ok(other) => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(errors, 1);
    assert!(largest <= 64 * 1024 + 4096 + 2, "buffer grew to {largest}");
    buffer.extend_from_slice(b"\r\n* 3 EXISTS\r\n");
    let mut messages = Vec::new();
    loop {
        match framer.poll(&buffer).unwrap() {
            Frame::Discard { len } => {
                buffer.drain(..len);
            }
            Frame::Message { len } => messages.push(buffer.drain(..len).collect::<Vec<_>>()),
            Frame::Incomplete => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(messages, [b"* 3 EXISTS\r\n".to_vec()]);
}

#[test]
fn numbers_are_checked_for_overflow() {
    let limits = Limits::default();
    for line in [
        &b"* 4294967296 EXISTS\r\n"[..],
        b"* 1 FETCH (UID 99999999999999999999)\r\n",
        b"* 1 FETCH (MODSEQ (9223372036854775808))\r\n",
    ] {
        let error = parse_response(line, &limits).unwrap_err();
        assert_eq!(
            error.kind,
            DecodeErrorKind::NumberTooLarge,
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    // A known response code whose argument does not fit is kept as sent, not trusted.
    let parsed =
        parse_response(b"* OK [HIGHESTMODSEQ 99999999999999999999] x\r\n", &limits).unwrap();
    let Parsed::Complete(mailwire::imap::codec::types::Response::Status(status), _) = parsed else {
        panic!()
    };
    let Some(mailwire::imap::codec::types::Code::Other {
        name,
        arguments: Some(arguments),
    }) = status.code
    else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), arguments.as_bytes()),
        ("HIGHESTMODSEQ", &b"99999999999999999999"[..])
    );
    assert!(matches!(
        parse_response(b"* 4294967295 EXISTS\r\n", &limits),
        Ok(Parsed::Complete(..))
    ));
}

#[test]
fn a_message_larger_than_its_limit() {
    let limits = Limits::default().with_response_len(100);
    let mut stream = b"* 1 FETCH (BODY[] {50}\r\n".to_vec();
    stream.extend_from_slice(&[b'a'; 50]);
    stream.extend_from_slice(b" BODY[1] {60}\r\n");
    stream.extend_from_slice(&[b'b'; 60]);
    stream.extend_from_slice(b")\r\n");
    let error = parse_response(&stream, &limits).unwrap_err();
    assert_eq!(error.kind, DecodeErrorKind::MessageTooLarge { limit: 100 });
}

#[test]
fn garbage_gives_errors_not_panics() {
    let limits = Limits::default();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let len = (seed % 64) as usize;
        let mut input = Vec::with_capacity(len + 2);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            const ALPHABET: &[u8] = b"* ()[]{}\"\\ 0123 OKFETCHBODY\r\n~+-";
            input.push(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
        }
        input.extend_from_slice(b"\r\n");
        let _ = parse_response(&input, &limits);
        let _ = parse_command(&input, &limits);
    }
}
