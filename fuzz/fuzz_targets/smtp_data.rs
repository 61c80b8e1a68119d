//! DATA both ways: no bare CR or LF and one terminator on the wire, chunked encoding equals
//! whole, and decoding gives back the normalised body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{
    DataDecoder, DataEncoder, DataError, DataStatus, Parsed, decode_data, encode_data,
};

/// Every bare CR, bare LF and CRLF as CRLF, and a CRLF after a non-empty last line.
fn normalise(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(&byte) = body.get(index) {
        match byte {
            b'\r' if body.get(index + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                index += 1;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            other => out.push(other),
        }
        index += 1;
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn encode_in_pieces(body: &[u8], cuts: &[usize]) -> Result<Vec<u8>, DataError> {
    let mut encoder = DataEncoder::new();
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([&body.len()]) {
        encoder.encode_chunk(&body[start..cut], &mut out)?;
        start = cut;
    }
    encoder.finish(&mut out)?;
    Ok(out)
}

fn line_of(error: &DataError) -> Option<u64> {
    match error {
        DataError::LineTooLong { line, .. } => Some(*line),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let [first, second, body @ ..] = data else {
        return;
    };
    let mut cuts = [
        usize::from(*first) * body.len() / 255,
        usize::from(*second) * body.len() / 255,
    ];
    cuts.sort_unstable();

    let whole = encode_data(body);
    let pieces = encode_in_pieces(body, &cuts);
    match (&whole, &pieces) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "cuts {cuts:?}"),
        (Err(a), Err(b)) => assert_eq!(line_of(a), line_of(b)),
        _ => panic!("whole {whole:?} and in pieces {pieces:?} disagree"),
    }

    if let Ok(wire) = &whole {
        for (index, &byte) in wire.iter().enumerate() {
            match byte {
                b'\r' => assert_eq!(wire.get(index + 1), Some(&b'\n'), "bare CR at {index}"),
                b'\n' => assert!(index > 0 && wire[index - 1] == b'\r', "bare LF at {index}"),
                _ => {}
            }
        }
        let Ok(Parsed::Complete(decoded, consumed)) = decode_data(wire, &Limits::default()) else {
            panic!("encoded data does not decode");
        };
        assert_eq!(consumed, wire.len(), "the terminator is only at the end");
        assert_eq!(decoded, normalise(body));

        let mut decoder = DataDecoder::new(&Limits::default());
        let mut chunked = Vec::new();
        let (head, tail) = wire.split_at(cuts[0].min(wire.len()));
        let mut status = decoder.decode(head, &mut chunked).expect("valid data");
        if status == DataStatus::NeedMore {
            status = decoder.decode(tail, &mut chunked).expect("valid data");
        }
        assert!(matches!(status, DataStatus::Done { .. }));
        assert_eq!(chunked, decoded);
    }

    // Raw bytes from a hostile client: strict and lenient decoders stay bounded.
    let limits = Limits::default().with_line_len(100).with_response_len(1000);
    for lenient in [false, true] {
        let mut decoder = DataDecoder::new(&limits);
        if lenient {
            decoder = decoder.lenient();
        }
        let mut out = Vec::new();
        match decoder.decode(body, &mut out) {
            Ok(DataStatus::Done { consumed }) => assert!(consumed <= body.len()),
            Ok(DataStatus::NeedMore) => {}
            Err(error) => {
                let _ = error.to_string();
            }
        }
        assert!(out.len() <= 1000);
    }
});
