//! The `arbitrary` feature's promise, checked on many inputs: every generated SMTP command
//! and reply, IMAP command and response is accepted by the crate's encoder and parses back
//! to an equal value; and the generators reach every variant.
//!
//! The inputs are deterministic pseudo-random buffers (xorshift), so a failure names a seed
//! that reproduces it.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use mailwire::imap::codec as imap;
use mailwire::limits::Limits;
use mailwire::smtp::codec as smtp;
use mailwire::Parsed;

/// Buffers per type.
const ROUNDS: u64 = 20_000;

/// A small xorshift64 generator: the same seed gives the same bytes on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A buffer of 16 to 2,063 bytes.
    fn buffer(&mut self) -> Vec<u8> {
        let len = 16 + (self.next() % 2048) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Runs `check` on a value made from each of [`ROUNDS`] buffers, the seed in every message.
fn for_each_buffer(kind: &str, mut check: impl FnMut(u64, &[u8])) {
    for seed in 1..=ROUNDS {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let buffer = rng.buffer();
        check(seed, &buffer);
    }
    eprintln!("{kind}: {ROUNDS} values round-tripped");
}

fn smtp_command_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let command = smtp::Command::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    command
        .encode(&mut wire)
        .map_err(|e| format!("{command:?} refused by the encoder: {e}"))?;
    match smtp::parse_command(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {
            Ok(variant_name(&format!("{command:?}")))
        }
        other => Err(format!(
            "{command:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

fn smtp_reply_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let reply = smtp::OwnedReply::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    reply.encode(&mut wire);
    match smtp::parse_reply(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed.to_owned() == reply && used == wire.len() => {
            let lines = if reply.lines.len() > 1 { "multi" } else { "single" };
            let enhanced = if reply.enhanced.is_some() { "+enhanced" } else { "" };
            Ok(format!("{}xx {lines}{enhanced}", reply.code.class()))
        }
        other => Err(format!(
            "{reply:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

#[cfg(any())]
fn imap_command_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let command = imap::types::Command::<'static>::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let written = imap::encode_command(&command, &imap::EncodeOptions::default())
        .map_err(|e| format!("{command:?} refused by the encoder: {e}"))?;
    let wire = written.as_bytes();
    match imap::parse_command(wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {
            Ok(variant_name(&format!("{:?}", command.body)))
        }
        other => Err(format!(
            "{command:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(wire)
        )),
    }
}

#[cfg(any())]
fn imap_response_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let response =
        imap::types::Response::<'static>::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    imap::encode_response(&response, &mut wire)
        .map_err(|e| format!("{response:?} refused by the encoder: {e}"))?;
    match imap::parse_response(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == response && used == wire.len() => {
            Ok(match &response {
                imap::types::Response::Data(data) => {
                    format!("Data::{}", variant_name(&format!("{data:?}")))
                }
                imap::types::Response::Status(status) => format!("Status::{:?}", status.kind),
                imap::types::Response::Continue(_) => "Continue".to_owned(),
            })
        }
        other => Err(format!(
            "{response:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

/// The variant's name at the start of a `Debug` form: `MailFrom { .. }` gives `MailFrom`.
fn variant_name(debug: &str) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Round-trips [`ROUNDS`] values, failing on the first mismatch with its seed, and counts
/// the kinds seen.
fn round_trips(kind: &str, check: fn(&[u8]) -> Result<String, String>) -> BTreeMap<String, u32> {
    let mut seen = BTreeMap::new();
    for_each_buffer(kind, |seed, buffer| match check(buffer) {
        Ok(variant) => *seen.entry(variant).or_insert(0) += 1,
        Err(message) => panic!("{kind}, seed {seed}: {message}"),
    });
    seen
}

fn assert_reached(kind: &str, seen: &BTreeMap<String, u32>, expected: &[&str]) {
    let missing: Vec<_> = expected
        .iter()
        .filter(|name| !seen.contains_key(**name))
        .collect();
    assert!(missing.is_empty(), "{kind}: never generated {missing:?}; seen {seen:?}");
    assert_eq!(
        seen.len(),
        expected.len(),
        "{kind}: generated kinds the test does not list: {seen:?}"
    );
}

#[test]
fn every_smtp_command_round_trips() {
    round_trips("SMTP command", smtp_command_round_trip);
}

#[test]
fn every_smtp_reply_round_trips() {
    round_trips("SMTP reply", smtp_reply_round_trip);
}

#[cfg(any())]
#[test]
fn every_imap_command_round_trips() {
    round_trips("IMAP command", imap_command_round_trip);
}

#[cfg(any())]
#[test]
fn every_imap_response_round_trips() {
    round_trips("IMAP response", imap_response_round_trip);
}

#[test]
fn every_smtp_verb_and_reply_shape_is_generated() {
    let commands = round_trips("SMTP command", smtp_command_round_trip);
    assert_reached(
        "SMTP command",
        &commands,
        &[
            "Helo", "Ehlo", "MailFrom", "RcptTo", "Data", "Bdat", "Rset", "Noop", "Quit",
            "StartTls", "Auth", "Vrfy", "Expn", "Help",
        ],
    );
    let replies = round_trips("SMTP reply", smtp_reply_round_trip);
    let mut shapes = Vec::new();
    for class in 2..=5 {
        for lines in ["single", "multi"] {
            shapes.push(format!("{class}xx {lines}"));
            if class != 3 {
                shapes.push(format!("{class}xx {lines}+enhanced"));
            }
        }
    }
    let shapes: Vec<&str> = shapes.iter().map(String::as_str).collect();
    assert_reached("SMTP reply", &replies, &shapes);
}
