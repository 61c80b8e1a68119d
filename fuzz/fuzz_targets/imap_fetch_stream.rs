//! A FETCH response read in pieces around a streamed literal. The first two bytes choose a
//! split point: the start, the piece between two literals and the end parsers take the
//! bytes on either side of it without panic. At every split after a line that ends in a
//! literal announcement, when the start and, after the literal's bytes, the end both parse,
//! they read as the whole response does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::types::{Data, Response};
use mailwire::imap::codec::{
    Parsed, parse_fetch_stream_end, parse_fetch_stream_next, parse_fetch_stream_start,
    parse_response,
};
use mailwire::limits::Limits;

fuzz_target!(|input: &[u8]| {
    let Some((split, data)) = input.split_first_chunk::<2>() else {
        return;
    };
    let limits = Limits::default().with_nesting_depth(32);
    let split = usize::from(u16::from_le_bytes(*split)) % (data.len() + 1);
    let _ = parse_fetch_stream_start(&data[..split], &limits);
    let _ = parse_fetch_stream_next(&data[..split], &limits);
    let _ = parse_fetch_stream_end(&data[split..], &limits);
    for at in 0..data.len() {
        if data[at] == b'\n' && (data[..at].ends_with(b"}") || data[..at].ends_with(b"}\r")) {
            halves_read_as_the_whole(data, at + 1, &limits);
        }
    }
});

fn halves_read_as_the_whole(data: &[u8], split: usize, limits: &Limits) {
    let Ok(start) = parse_fetch_stream_start(&data[..split], limits) else {
        return;
    };
    let Some(end_at) = usize::try_from(start.literal.size)
        .ok()
        .and_then(|size| split.checked_add(size))
        .filter(|&end_at| end_at <= data.len())
    else {
        return;
    };
    let Ok(end) = parse_fetch_stream_end(&data[end_at..], limits) else {
        return;
    };
    let whole = parse_response(data, limits);
    let Ok(Parsed::Complete(Response::Data(Data::Fetch { seq, items }), len)) = whole else {
        panic!(
            "the halves parse, the whole does not ({whole:?}): {:?}",
            String::from_utf8_lossy(data)
        );
    };
    assert_eq!(len, data.len());
    assert_eq!(seq, start.seq);
    let mut pieces = start.items;
    pieces.push(start.literal.into_item(&data[split..end_at]));
    pieces.extend(end);
    assert_eq!(pieces, items, "{:?}", String::from_utf8_lossy(data));
}
