//! A FETCH response read in the pieces the framer hands out when it streams body literals
//! (issue 9): the start up to the literal's announcement, the literal's data, then the
//! rest. Read that way, a response gives the items a parse of the whole response gives.

mod imap_support;

use imap_support::*;
use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::types::{
    Data, FetchItem, IString, IntoOwned, LiteralMode, Response, Section, SectionText, StreamedItem,
    StreamedLiteral,
};
use mailwire::imap::codec::{
    DecodeError, DecodeErrorKind, parse_fetch_stream_end, parse_fetch_stream_next,
    parse_fetch_stream_start,
};
use mailwire::limits::Limits;

/// `message` (one whole response) read in the pieces a framer streaming literals above
/// `threshold` hands out, fed `chunk` bytes at a time: the sequence number and items, or
/// the first piece's refusal. Data pieces are joined as a client writing them out would.
fn read_in_pieces(
    message: &[u8],
    threshold: u64,
    chunk: usize,
    limits: &Limits,
) -> Result<(u32, Vec<FetchItem<'static>>), DecodeError> {
    let mut framer = Framer::responses(*limits).stream_literals_above(threshold);
    let mut buffer = Vec::new();
    let mut seq = None;
    let mut items = Vec::new();
    let mut pending: Option<StreamedLiteral<'static>> = None;
    let mut data = Vec::new();
    let mut fed = 0;
    loop {
        let frame = framer.poll(&buffer).expect("the framer takes the message");
        match frame {
            Frame::Incomplete => {
                assert!(
                    fed < message.len(),
                    "the framer wants more than the message"
                );
                let end = (fed + chunk).min(message.len());
                buffer.extend_from_slice(&message[fed..end]);
                fed = end;
                continue;
            }
            Frame::StreamStart { len, size } => {
                let piece = &buffer[..len];
                let literal = if let Some(literal) = pending.take() {
                    items.push(literal.into_item(std::mem::take(&mut data)));
                    let next = parse_fetch_stream_next(piece, limits)?;
                    items.extend(next.items.into_owned());
                    next.literal.into_owned()
                } else {
                    let start = parse_fetch_stream_start(piece, limits)?;
                    seq = Some(start.seq);
                    items.extend(start.items.into_owned());
                    start.literal.into_owned()
                };
                assert_eq!(literal.size, size);
                pending = Some(literal);
                buffer.drain(..len);
            }
            Frame::StreamData { len } => data.extend(buffer.drain(..len)),
            Frame::StreamEnd { len } => {
                let literal = pending.take().expect("a literal was streamed");
                items.push(literal.into_item(std::mem::take(&mut data)));
                items.extend(parse_fetch_stream_end(&buffer[..len], limits)?.into_owned());
                buffer.drain(..len);
                assert!(buffer.is_empty() && fed == message.len());
                return Ok((seq.expect("a start was read"), items));
            }
            other => panic!("{other:?} in {}", show(message)),
        }
    }
}

fn whole_fetch(message: &[u8]) -> (u32, Vec<FetchItem<'static>>) {
    match response(message) {
        Response::Data(Data::Fetch { seq, items }) => (seq, items),
        other => panic!("{other:?}"),
    }
}

/// True when `item`'s value is a body literal with at least one byte: what a framer with a
/// threshold of 0 streams and the start may announce.
fn streams_as_a_body(item: &FetchItem<'_>) -> bool {
    let data = match item {
        FetchItem::BodySection { data, .. }
        | FetchItem::Binary { data, .. }
        | FetchItem::Rfc822(data)
        | FetchItem::Rfc822Header(data)
        | FetchItem::Rfc822Text(data) => data,
        _ => return false,
    };
    matches!(data, Some(IString::Literal(literal)) if !literal.data.is_empty())
}

/// True when `item` holds a literal of at least one byte anywhere in its value.
fn holds_a_streamed_literal(item: &FetchItem<'_>) -> bool {
    let shown = format!("{item:?}");
    shown
        .match_indices("Literal { data: b\"")
        .any(|(at, found)| !shown[at + found.len()..].starts_with('"'))
}

fn server_fixtures() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imap");
    let mut files = Vec::new();
    for dir in [root.to_owned(), format!("{root}/dovecot")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "server") {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_fetch_with_a_literal_in_the_fixtures_reads_alike_in_pieces() {
    let limits = Limits::default();
    let (mut streamed, mut refused) = (0, 0);
    for (name, stream) in server_fixtures() {
        for message in frame(&stream, false, stream.len()) {
            let is_fetch = matches!(
                parse_response(&message),
                Some(Response::Data(Data::Fetch { .. }))
            );
            if !is_fetch || !message.windows(3).any(|w| w == b"}\r\n") {
                continue;
            }
            let (seq, items) = whole_fetch(&message);
            // The first literal streamed decides: a body item's value is read in pieces, any
            // other is refused for the caller to read whole.
            let first = items.iter().find(|item| holds_a_streamed_literal(item));
            let Some(first) = first else { continue };
            let pieces = read_in_pieces(&message, 0, message.len(), &limits);
            if streams_as_a_body(first) {
                assert_eq!(
                    pieces,
                    Ok((seq, items.clone())),
                    "{name}: {}",
                    show(&message)
                );
                for chunk in [1, 7] {
                    assert_eq!(
                        read_in_pieces(&message, 0, chunk, &limits),
                        Ok((seq, items.clone())),
                        "{name}, {chunk}-byte chunks: {}",
                        show(&message)
                    );
                }
                streamed += 1;
            } else {
                assert!(pieces.is_err(), "{name}: {}", show(&message));
                refused += 1;
            }
        }
    }
    // 36 and 5 when written (the refused hold a PREVIEW or ENVELOPE literal).
    assert!(streamed >= 30, "{streamed} responses read in pieces");
    assert!(refused >= 5, "{refused} responses refused");
}

fn parse_response(message: &[u8]) -> Option<Response<'_>> {
    match mailwire::imap::codec::parse_response(message, &Limits::default()) {
        Ok(mailwire::imap::codec::Parsed::Complete(value, _)) => Some(value),
        _ => None,
    }
}

/// `message` reads in pieces as it reads whole, at a threshold that streams every literal.
fn reads_alike(message: &[u8]) -> Vec<FetchItem<'static>> {
    let whole = whole_fetch(message);
    assert_eq!(
        read_in_pieces(message, 0, message.len(), &Limits::default()),
        Ok(whole.clone()),
        "{}",
        show(message)
    );
    whole.1
}

#[test]
fn items_before_and_after_the_literal() {
    let message = b"* 12 FETCH (UID 7 FLAGS (\\Seen) BODY[1.2]<0> {5}\r\nhello RFC822.SIZE 99 MODSEQ (-1))\r\n";
    let start = parse_fetch_stream_start(
        b"* 12 FETCH (UID 7 FLAGS (\\Seen) BODY[1.2]<0> {5}\r\n",
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(start.seq, 12);
    assert_eq!(start.items.len(), 2);
    assert_eq!(start.items[0], FetchItem::Uid(7));
    assert_eq!(
        start.literal.item,
        StreamedItem::BodySection {
            section: Section {
                part: vec![1, 2],
                text: None
            },
            origin: Some(0)
        }
    );
    assert_eq!(
        (start.literal.size, start.literal.mode, start.literal.binary),
        (5, LiteralMode::Sync, false)
    );
    assert_eq!(
        parse_fetch_stream_end(b" RFC822.SIZE 99 MODSEQ (-1))\r\n", &Limits::default()),
        Ok(vec![FetchItem::Rfc822Size(99), FetchItem::ModSeq(None)])
    );
    assert_eq!(reads_alike(message).len(), 5);
    // Nothing after the literal but the list's end; a bare LF ends the line as it does whole.
    assert_eq!(
        parse_fetch_stream_end(b")\r\n", &Limits::default()),
        Ok(vec![])
    );
    reads_alike(b"* 1 FETCH (BODY[] {3}\r\nabc)\r\n");
    reads_alike(b"* 1 fetch (uid 2 body[] {3}\nabc )\n");
}

#[test]
fn binary_partial_and_rfc822_items() {
    // A literal8 of BINARY, with NUL inside, and a partial origin.
    let items =
        reads_alike(b"* 3 FETCH (UID 9 BINARY[2]<1024> ~{4}\r\na\0b\0 BINARY.SIZE[2] 4)\r\n");
    assert!(matches!(
        &items[1],
        FetchItem::Binary { section, origin: Some(1024), data: Some(IString::Literal(l)) }
            if section == &[2] && l.binary && &l.data[..] == b"a\0b\0"
    ));
    let start =
        parse_fetch_stream_start(b"* 3 FETCH (BINARY[2]<1024> ~{4}\r\n", &Limits::default())
            .unwrap();
    assert!(start.literal.binary);
    reads_alike(b"* 4 FETCH (RFC822 {3}\r\nabc)\r\n");
    reads_alike(b"* 4 FETCH (RFC822[] {3}\r\nabc)\r\n");
    reads_alike(b"* 4 FETCH (RFC822.HEADER {3}\r\nabc RFC822.TEXT {2}\r\nde)\r\n");
    let items = reads_alike(
        b"* 5 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] {9}\r\nSubject:\n BODY[1.MIME]<7> {1}\r\nx)\r\n",
    );
    assert!(matches!(
        &items[0],
        FetchItem::BodySection { section: Section { text: Some(SectionText::HeaderFields(fields)), .. }, .. }
            if fields.len() == 2
    ));
}

#[test]
fn a_second_streamed_literal_is_read_from_the_piece_between() {
    let limits = Limits::default();
    let next = parse_fetch_stream_next(b" UID 8 BODY[2] {4}\r\n", &limits).unwrap();
    assert_eq!(next.items, [FetchItem::Uid(8)]);
    assert_eq!(next.literal.size, 4);
    reads_alike(b"* 6 FETCH (BODY[1] {3}\r\nabc UID 8 BODY[2] {4}\r\ndefg FLAGS ())\r\n");
    // A small literal below the threshold is held and read with the items around it.
    let message = b"* 6 FETCH (BODY[HEADER] {3}\r\nabc BODY[TEXT] {10}\r\n0123456789 UID 1)\r\n";
    assert_eq!(
        read_in_pieces(message, 5, message.len(), &limits),
        Ok(whole_fetch(message))
    );
}

#[test]
fn the_pieces_own_their_bytes_once_converted() {
    let owned = {
        let bytes = b"* 2 FETCH (UID 5 BODY[TEXT] {100}\r\n".to_vec();
        parse_fetch_stream_start(&bytes, &Limits::default())
            .unwrap()
            .into_owned()
    };
    assert_eq!(owned.items, [FetchItem::Uid(5)]);
    assert_eq!(owned.literal.size, 100);
}

#[test]
fn what_is_not_a_fetch_ending_in_a_body_literal_is_refused() {
    let limits = Limits::default();
    for (start, expected_at) in [
        // Not FETCH, or not a response.
        (&b"* LIST () \"/\" {5}\r\n"[..], 2),
        (b"* 1 EXISTS {5}\r\n", 4),
        (b"A1 OK {5}\r\n", 0),
        (b"+ {5}\r\n", 0),
        // A FETCH that announces no literal at its end.
        (b"* 1 FETCH (UID 7)\r\n", 16),
        (b"* 1 FETCH (UID 7 BODY[] {5}\r\nhello)\r\n", 34),
        (b"* 1 FETCH (UID 7 BODY[] {5}", 26),
        (b"* 1 FETCH (UID 7 BODY[] {5}\r\nx", 29),
        // A literal that is not a body's value.
        (b"* 1 FETCH (ENVELOPE (NIL {5}\r\n", 11),
        (b"* 1 FETCH (X-FOO {5}\r\n", 11),
        (b"* 1 FETCH (BODY {5}\r\n", 16),
        (b"* 1 FETCH (BINARY.SIZE[1] {5}\r\n", 26),
        (b"* 1 FETCH (PREVIEW {5}\r\n", 11),
        // Broken grammar before it.
        (b"* 1 FETCH (UID x BODY[] {5}\r\n", 15),
        (b"* 1 FETCH (BODY[1.] {5}\r\n", 18),
        (b"* 1 FETCH UID 7 BODY[] {5}\r\n", 10),
    ] {
        let error = parse_fetch_stream_start(start, &limits).unwrap_err();
        assert_eq!(error.offset, expected_at, "{}: {error}", show(start));
    }
    // The piece between two literals has no `* n FETCH (` and must end in one too.
    assert!(parse_fetch_stream_next(b" UID 8)\r\n", &limits).is_err());
    assert!(parse_fetch_stream_next(b" ENVELOPE (NIL {4}\r\n", &limits).is_err());
    // A literal larger than the limit is refused where it is announced, as framing does.
    let error = parse_fetch_stream_start(
        b"* 1 FETCH (BINARY[] ~{5000}\r\n",
        &limits.with_literal_len(4096),
    )
    .unwrap_err();
    assert_eq!(
        (error.offset, error.kind),
        (
            20,
            DecodeErrorKind::LiteralTooLarge {
                announced: Some(5000),
                limit: 4096
            }
        )
    );
    assert!(
        parse_fetch_stream_start(b"* 1 FETCH (BODY[] {99999999999999999999}\r\n", &limits).is_err()
    );
    // The end goes through the list's `)` and line end, and no further.
    for end in [
        &b" UID 7"[..],
        b" UID 7)",
        b" UID 7)\r\n* 2 EXISTS\r\n",
        b" UID x)\r\n",
        b" UID 7))\r\n",
        b" BODY[] {5}\r\n",
    ] {
        assert!(
            parse_fetch_stream_end(end, &limits).is_err(),
            "{}",
            show(end)
        );
    }
}
