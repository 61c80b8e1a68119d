//! EHLO replies: a 2xx always yields capabilities, and what a server announces from them
//! reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Capabilities, Parsed, parse_reply};

fuzz_target!(|data: &[u8]| {
    let Ok(Parsed::Complete(reply, _)) = parse_reply(data, &Limits::default()) else {
        return;
    };
    let capabilities = match Capabilities::from_ehlo(&reply) {
        Ok(capabilities) => capabilities,
        Err(error) => {
            assert!(!reply.code().is_positive_completion());
            let _ = error.to_string();
            return;
        }
    };
    for mechanism in &capabilities.auth {
        assert!(capabilities.supports_auth(&mechanism.to_ascii_lowercase()));
        assert_eq!(mechanism, &mechanism.to_ascii_uppercase());
    }
    let mut unique = capabilities.auth.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        capabilities.auth.len(),
        "mechanisms are listed once"
    );
    // A CR inside a line is sent as a space by an owned reply: skip those inputs.
    if reply.lines().any(|line| line.contains(&b'\r')) {
        return;
    }
    let mut wire = Vec::new();
    capabilities.to_reply().encode(&mut wire);
    let Ok(Parsed::Complete(announced, consumed)) = parse_reply(&wire, &Limits::default()) else {
        panic!("announced capabilities do not parse: {wire:?}");
    };
    assert_eq!(consumed, wire.len());
    assert_eq!(Capabilities::from_ehlo(&announced).ok(), Some(capabilities));
});
