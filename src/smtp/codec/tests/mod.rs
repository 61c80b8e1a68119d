//! Transcript tests for the SMTP codec, one file per concept.

mod command;
mod data;
mod ehlo;
mod reply;

use super::{Parsed, Reply, parse_reply};
use crate::limits::Limits;

/// Parses a reply that must be whole and must fill `wire` exactly.
fn whole_reply(wire: &[u8]) -> Reply<'_> {
    match parse_reply(wire, &Limits::default()) {
        Ok(Parsed::Complete(reply, consumed)) => {
            assert_eq!(
                consumed,
                wire.len(),
                "the reply should take the whole buffer"
            );
            reply
        }
        other => panic!("expected a whole reply, got {other:?}"),
    }
}

/// Deterministic pseudo-random bytes for property-style loops (xorshift64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn bytes_from(&mut self, alphabet: &[u8], len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}
