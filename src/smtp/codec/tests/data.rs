use super::Rng;
use crate::limits::Limits;
use crate::smtp::codec::{
    DataDecoder, DataEncoder, DataError, DataStatus, Parsed, decode_data, encode_data,
};

/// The DATA rules written the slow, obvious way, byte by byte.
fn reference_encoding(body: &[u8]) -> Vec<u8> {
    let normalised = normalise(body);
    let mut out = Vec::new();
    for line in normalised.split_inclusive(|&byte| byte == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// Every bare CR, bare LF and CRLF as CRLF, and a CRLF at the end of a non-empty body.
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

#[test]
fn the_data_rules_by_example() {
    let examples: [(&[u8], &[u8]); 12] = [
        (b"", b".\r\n"),
        (b"a", b"a\r\n.\r\n"),
        (b"a\r\n", b"a\r\n.\r\n"),
        (b"a\n", b"a\r\n.\r\n"),
        (b"a\r", b"a\r\n.\r\n"),
        (b"\r\r\n", b"\r\n\r\n.\r\n"),
        (b"\n\r", b"\r\n\r\n.\r\n"),
        (b".", b"..\r\n.\r\n"),
        (b".\r\n", b"..\r\n.\r\n"),
        (b"a\n.\nb", b"a\r\n..\r\nb\r\n.\r\n"),
        (b"..x\r\n.", b"...x\r\n..\r\n.\r\n"),
        (b"a.b\r\n c.\r\n", b"a.b\r\n c.\r\n.\r\n"),
    ];
    for (body, wire) in examples {
        assert_eq!(
            encode_data(body).as_deref(),
            Ok(wire),
            "body {:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn lines_over_998_octets_are_refused_by_number() {
    let mut body = vec![b'x'; 998];
    assert!(
        encode_data(&body).is_ok(),
        "998 octets is the limit, not over it"
    );
    body.push(b'x');
    assert_eq!(
        encode_data(&body),
        Err(DataError::LineTooLong {
            line: 1,
            length: 999,
            limit: 998
        })
    );
    let mut body = b"first\nsecond\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'y', 1200));
    let error = encode_data(&body).unwrap_err();
    assert!(matches!(error, DataError::LineTooLong { line: 3, .. }));
    assert!(error.to_string().contains("line 3"), "{error}");
}

#[test]
fn a_refused_chunk_leaves_nothing_behind_and_the_encoder_stays_refused() {
    let mut encoder = DataEncoder::new();
    let mut out = Vec::new();
    encoder.encode_chunk(b"ok line\r\n", &mut out).unwrap();
    let before = out.clone();
    let mut long = b"fine\r\n".to_vec();
    long.extend(std::iter::repeat_n(b'z', 1000));
    assert!(encoder.encode_chunk(&long, &mut out).is_err());
    assert_eq!(out, before);
    assert!(encoder.encode_chunk(b"more\r\n", &mut out).is_err());
    assert!(encoder.finish(&mut out).is_err());
    assert_eq!(out, before);
}

#[test]
fn a_line_too_long_across_chunks_is_still_caught() {
    let chunk = vec![b'q'; 500];
    let mut encoder = DataEncoder::new();
    let mut out = Vec::new();
    encoder.encode_chunk(&chunk, &mut out).unwrap();
    assert_eq!(
        encoder.encode_chunk(&chunk, &mut out),
        Err(DataError::LineTooLong {
            line: 1,
            length: 1000,
            limit: 998
        })
    );
}

#[test]
fn every_split_point_gives_the_bytes_of_one_call() {
    let bodies: [&[u8]; 5] = [
        b"From: a@b\r\nSubject: x\r\n\r\n.line one\r\n..two\n\r\n.\r\r\n",
        b"\r\n.\r\n",
        b".\r.\n.\r\n.",
        b"no line end at all",
        b"\r\r\r\n\n\n..",
    ];
    for body in bodies {
        let whole = encode_data(body).unwrap();
        assert_eq!(whole, reference_encoding(body));
        for first in 0..=body.len() {
            for second in first..=body.len() {
                assert_eq!(
                    encode_in_pieces(body, &[first, second]).unwrap(),
                    whole,
                    "cuts at {first} and {second} of {body:?}"
                );
            }
        }
        let bytewise: Vec<usize> = (0..=body.len()).collect();
        assert_eq!(encode_in_pieces(body, &bytewise).unwrap(), whole);
    }
}

#[test]
fn random_bodies_match_the_reference_whole_and_in_pieces() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let len = rng.below(300);
        let body = rng.bytes_from(b"ab.\r\n\r\n. x", len);
        let whole = encode_data(&body).unwrap();
        assert_eq!(whole, reference_encoding(&body), "{body:?}");
        let mut cuts: Vec<usize> = (0..rng.below(6)).map(|_| rng.below(len + 1)).collect();
        cuts.sort_unstable();
        assert_eq!(
            encode_in_pieces(&body, &cuts).unwrap(),
            whole,
            "{body:?} {cuts:?}"
        );
        let Ok(Parsed::Complete(decoded, consumed)) = decode_data(&whole, &Limits::default())
        else {
            panic!("{whole:?} should decode");
        };
        assert_eq!(decoded, normalise(&body));
        assert_eq!(consumed, whole.len());
    }
}

#[test]
fn the_decoder_unstuffs_and_stops_at_the_terminator() {
    let wire = b"Subject: t\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n";
    let Ok(Parsed::Complete(body, consumed)) = decode_data(wire, &Limits::default()) else {
        panic!("terminator present");
    };
    assert_eq!(body, b"Subject: t\r\n\r\n.leading dot\r\n");
    assert_eq!(
        &wire[consumed..],
        b"QUIT\r\n",
        "the next command is left alone"
    );
    assert_eq!(
        decode_data(b".\r\n", &Limits::default()),
        Ok(Parsed::Complete(vec![], 3))
    );
    assert_eq!(
        decode_data(b"a\r\n.\r", &Limits::default()),
        Ok(Parsed::Incomplete)
    );
}

#[test]
fn the_decoder_gives_the_same_message_whatever_the_chunks() {
    let wire = encode_data(b"x\r\n.y\r\n\r\n..z\r\nlast").unwrap();
    let mut tail = wire.clone();
    tail.extend_from_slice(b"RSET\r\n");
    for cut in 0..=tail.len() {
        let mut decoder = DataDecoder::new(&Limits::default());
        let mut body = Vec::new();
        let (first, second) = tail.split_at(cut);
        let status = match decoder.decode(first, &mut body).unwrap() {
            DataStatus::Done { consumed } => {
                assert_eq!(consumed, wire.len());
                DataStatus::Done { consumed }
            }
            DataStatus::NeedMore => {
                assert!(cut < wire.len());
                match decoder.decode(second, &mut body).unwrap() {
                    DataStatus::Done { consumed } => {
                        assert_eq!(cut + consumed, wire.len(), "cut at {cut}");
                        DataStatus::Done { consumed }
                    }
                    other => other,
                }
            }
        };
        assert!(matches!(status, DataStatus::Done { .. }), "cut at {cut}");
        assert_eq!(body, b"x\r\n.y\r\n\r\n..z\r\nlast\r\n", "cut at {cut}");
        assert!(decoder.is_done());
    }
}

#[test]
fn smuggling_line_ends_are_refused_or_kept_as_data() {
    // The end-of-data forms of SMTP smuggling: LF.LF, CR.CR and LF.CRLF.
    let smuggled = b"hi\r\n\n.\nMAIL FROM:<evil@x>\r\n.\r\n";
    assert_eq!(
        decode_data(smuggled, &Limits::default()),
        Err(DataError::BareLineFeed { line: 2 })
    );
    assert_eq!(
        decode_data(b"hi\r.\rx\r\n.\r\n", &Limits::default()),
        Err(DataError::BareCarriageReturn { line: 1 })
    );
    let mut decoder = DataDecoder::new(&Limits::default()).lenient();
    let mut body = Vec::new();
    let status = decoder.decode(smuggled, &mut body).unwrap();
    assert_eq!(
        status,
        DataStatus::Done {
            consumed: smuggled.len()
        }
    );
    assert_eq!(
        body, b"hi\r\n\n.\nMAIL FROM:<evil@x>\r\n",
        "only CRLF.CRLF ends the data"
    );
    let mut decoder = DataDecoder::new(&Limits::default()).lenient();
    let mut body = Vec::new();
    decoder.decode(b".\rx\r\n.\r\n", &mut body).unwrap();
    assert_eq!(body, b"\rx\r\n");
}

#[test]
fn the_decoder_is_bounded() {
    let limits = Limits::default().with_line_len(10).with_response_len(20);
    assert!(matches!(
        decode_data(b"0123456789\r\n0123456789A\r\n", &limits),
        Err(DataError::LineTooLong {
            line: 2,
            limit: 10,
            ..
        })
    ));
    assert_eq!(
        decode_data(b"012345678\r\n012345678\r\n.\r\n", &limits),
        Err(DataError::TooLarge { limit: 20 })
    );
}
