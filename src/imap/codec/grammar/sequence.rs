//! `sequence-set`.

use super::core::{byte, number};
use super::{PResult, fail};
use crate::imap::codec::types::{SeqBound, SeqRange, SequenceSet};

fn bound(input: &[u8]) -> PResult<'_, SeqBound> {
    match input.first() {
        Some(b'*') => Ok((&input[1..], SeqBound::Largest)),
        Some(b'0'..=b'9') => number(input).map(|(rest, n)| (rest, SeqBound::Value(n))),
        _ => fail(input, "a message number or `*`"),
    }
}

/// `sequence-set`: `1:4,7,9:*`.
pub(crate) fn sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    let mut ranges = Vec::new();
    let mut rest = input;
    loop {
        let (tail, start) = bound(rest)?;
        let (tail, end) = match tail.first() {
            Some(b':') => {
                let (tail, end) = bound(&tail[1..])?;
                (tail, Some(end))
            }
            _ => (tail, None),
        };
        ranges.push(SeqRange { start, end });
        match byte(tail, b',', "`,`") {
            Ok((tail, ())) => rest = tail,
            Err(_) => return Ok((tail, SequenceSet { ranges })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_keep_their_shape() {
        let (rest, set) = sequence_set(b"1:4,7,9:* x").unwrap();
        assert_eq!((set.to_string().as_str(), rest), ("1:4,7,9:*", &b" x"[..]));
        assert!(sequence_set(b",1").is_err());
        assert!(sequence_set(b"1,").is_err());
    }
}
