//! Framing a stream fed in pieces: the same messages whatever the chunking, work linear in
//! the input, and large literals handed out as they arrive.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::types::{Data, FetchItem, Response};
use mailwire::imap::codec::{Parsed, parse_command, parse_response};
use mailwire::limits::Limits;

#[test]
fn every_fixture_fed_one_byte_at_a_time_gives_the_same_values() {
    for (name, commands) in [
        ("rfc3501.server", false),
        ("rfc3501.client", true),
        ("extensions.server", false),
        ("extensions.client", true),
        ("icloud.server", false),
        ("icloud.client", true),
    ] {
        let stream = fixture(name);
        let whole = frame(&stream, commands, stream.len());
        let bytewise = frame(&stream, commands, 1);
        assert_eq!(whole, bytewise, "{name}");
        for (a, b) in whole.iter().zip(&bytewise) {
            if commands {
                assert_eq!(command(a), command(b));
            } else {
                assert_eq!(response(a), response(b));
            }
        }
    }
}

#[test]
fn every_message_cut_short_asks_for_more_and_is_no_error() {
    let limits = Limits::default();
    for (name, commands) in [
        ("rfc3501.server", false),
        ("rfc3501.client", true),
        ("extensions.server", false),
        ("extensions.client", true),
        ("icloud.server", false),
        ("icloud.client", true),
    ] {
        let stream = fixture(name);
        for message in frame(&stream, commands, stream.len()) {
            for end in 0..message.len() {
                let cut = &message[..end];
                let parsed = if commands {
                    parse_command(cut, &limits).map(|p| p.map(drop))
                } else {
                    parse_response(cut, &limits).map(|p| p.map(drop))
                };
                assert_eq!(parsed, Ok(Parsed::Incomplete), "{name}: {:?}", show(cut));
            }
        }
    }
}

/// A FETCH carrying a literal of `size` bytes, fed to `framer` in 4 KB chunks. Returns the
/// literal bytes the framer handed out and the bytes it examined.
fn feed_large_literal(size: usize) -> (u64, u64) {
    let mut framer = Framer::responses(Limits::default().with_literal_len(1 << 30))
        .stream_literals_above(64 * 1024);
    let head = format!("* 1 FETCH (UID 9 BODY[] {{{size}}}\r\n");
    let tail = b" FLAGS (\\Seen))\r\n";
    let chunk = [b'm'; 4096];
    let mut buffer: Vec<u8> = head.into_bytes();
    let mut remaining = size;
    let mut streamed = 0u64;
    let mut ended = false;
    let mut poll = |buffer: &mut Vec<u8>, streamed: &mut u64, ended: &mut bool| loop {
        match framer.poll(buffer).unwrap() {
            Frame::Incomplete => return,
            Frame::StreamStart { len, .. } => {
                buffer.drain(..len);
            }
            Frame::StreamData { len } => {
                *streamed += len as u64;
                buffer.drain(..len);
            }
            Frame::StreamEnd { len } => {
                assert_eq!(&buffer[..len], tail);
                buffer.drain(..len);
                *ended = true;
            }
            other => panic!("{other:?}"),
        }
    };
    while remaining > 0 {
        let n = remaining.min(chunk.len());
        buffer.extend_from_slice(&chunk[..n]);
        remaining -= n;
        poll(&mut buffer, &mut streamed, &mut ended);
        assert!(buffer.len() <= 4096, "the literal is handed out, not held");
    }
    buffer.extend_from_slice(tail);
    poll(&mut buffer, &mut streamed, &mut ended);
    assert!(ended);
    (streamed, framer.bytes_examined())
}

#[test]
fn a_100_mb_literal_in_4_kb_chunks_is_framed_in_linear_time() {
    // Literal bytes are skipped by count: the framer searches only the lines around them,
    // however the literal is chunked, so its work does not grow with the literal.
    let (streamed_10, examined_10) = feed_large_literal(10 * 1024 * 1024);
    let (streamed_100, examined_100) = feed_large_literal(100 * 1024 * 1024);
    assert_eq!(streamed_10, 10 * 1024 * 1024);
    assert_eq!(streamed_100, 100 * 1024 * 1024);
    let line_bytes =
        |size: usize| (format!("* 1 FETCH (UID 9 BODY[] {{{size}}}\r\n").len() + 17) as u64;
    assert_eq!(examined_10, line_bytes(10 * 1024 * 1024));
    assert_eq!(examined_100, line_bytes(100 * 1024 * 1024));
}

#[test]
fn a_held_literal_in_small_chunks_is_not_rescanned() {
    let size = 10 * 1024 * 1024;
    let mut framer = Framer::responses(Limits::default());
    let mut buffer = b"* 1 FETCH (BODY[] {10485760}\r\n".to_vec();
    let chunk = vec![b'x'; 4096];
    let mut polls = 0;
    for _ in 0..size / chunk.len() {
        buffer.extend_from_slice(&chunk);
        assert_eq!(framer.poll(&buffer).unwrap(), Frame::Incomplete);
        polls += 1;
    }
    buffer.extend_from_slice(b")\r\n");
    let Frame::Message { len } = framer.poll(&buffer).unwrap() else {
        panic!()
    };
    assert_eq!(len, buffer.len());
    assert_eq!(polls, 2560);
    // Only the two line ends were searched for: 30 + 3 bytes.
    assert_eq!(framer.bytes_examined(), 33);
    let Response::Data(Data::Fetch { items, .. }) = response(&buffer) else {
        panic!()
    };
    let FetchItem::BodySection {
        data: Some(data), ..
    } = &items[0]
    else {
        panic!()
    };
    assert_eq!(data.as_bytes().len(), size);
}
