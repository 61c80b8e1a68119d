//! `sequence-set`, with or without RFC 5182's `$`.

use super::core::number;
use super::{PResult, fail};
use crate::imap::codec::types::{SeqBound, SeqRange, SequenceSet};

fn bound(input: &[u8]) -> PResult<'_, SeqBound> {
    match input.first() {
        Some(b'*') => Ok((&input[1..], SeqBound::Largest)),
        Some(b'0'..=b'9') => number(input).map(|(rest, n)| (rest, SeqBound::Value(n))),
        _ => fail(input, "a message number or `*`"),
    }
}

fn range(input: &[u8]) -> PResult<'_, SeqRange> {
    let (rest, start) = bound(input)?;
    match rest.first() {
        Some(b':') => {
            let (rest, end) = bound(&rest[1..])?;
            Ok((
                rest,
                SeqRange {
                    start,
                    end: Some(end),
                },
            ))
        }
        _ => Ok((rest, SeqRange { start, end: None })),
    }
}

fn set(input: &[u8], dollar: bool) -> PResult<'_, SequenceSet> {
    let mut ranges = Vec::new();
    let mut rest = input;
    loop {
        // RFC 5182: `sequence-set =/ seq-last-command`. Since a set's tail after `,` is
        // itself a sequence-set, `$` stands alone or ends a list (`1:4,$`).
        if dollar && let Some(tail) = rest.strip_prefix(b"$") {
            return Ok((
                tail,
                SequenceSet {
                    ranges,
                    saved: true,
                },
            ));
        }
        let (tail, part) = range(rest)?;
        ranges.push(part);
        match tail.strip_prefix(b",") {
            Some(tail) => rest = tail,
            None => {
                return Ok((
                    tail,
                    SequenceSet {
                        ranges,
                        saved: false,
                    },
                ));
            }
        }
    }
}

/// `sequence-set` as a server writes it (`1:4,7,9:*`): `$` is a client's word only.
pub(crate) fn sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    set(input, false)
}

/// `sequence-set` as a client writes it: numbers and ranges, `$` (the saved search
/// result, RFC 5182), or numbers and ranges ending in `$`.
pub(crate) fn command_sequence_set(input: &[u8]) -> PResult<'_, SequenceSet> {
    set(input, true)
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

    #[test]
    fn dollar_is_a_whole_set_or_its_last_part_and_only_in_commands() {
        for (text, rest) in [("$ (UID)", " (UID)"), ("1:4,$ x", " x"), ("$", "")] {
            let (after, set) = command_sequence_set(text.as_bytes()).unwrap();
            assert!(set.saved, "{text}");
            assert_eq!(after, rest.as_bytes(), "{text}");
            assert_eq!(format!("{set}{rest}"), text);
        }
        // `$` ends the set: what follows it is not part of it.
        let (rest, set) = command_sequence_set(b"$,1").unwrap();
        assert_eq!((set, rest), (SequenceSet::saved(), &b",1"[..]));
        assert!(command_sequence_set(b"$:4").is_ok_and(|(rest, _)| rest == b":4"));
        assert!(command_sequence_set(b"1:$").is_err());
        assert!(sequence_set(b"$").is_err());
        assert!(sequence_set(b"1,$").is_err());
    }
}
