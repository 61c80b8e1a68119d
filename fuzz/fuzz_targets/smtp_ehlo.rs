//! EHLO replies: a 2xx always yields capabilities, the shortcut reading agrees with the
//! plain one, and what a server announces from them reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::sasl::same_mechanism_name;
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
    let mechanisms: Vec<String> = capabilities
        .mechanisms()
        .map(|name| name.into_owned())
        .collect();
    for (index, mechanism) in mechanisms.iter().enumerate() {
        assert!(capabilities.supports_auth(&mechanism.to_ascii_lowercase()));
        assert_eq!(mechanism, &mechanism.to_ascii_uppercase());
        assert!(
            !mechanisms[..index]
                .iter()
                .any(|earlier| same_mechanism_name(earlier.as_bytes(), mechanism.as_bytes())),
            "mechanisms are listed once"
        );
    }
    let _ = format!("{capabilities:?}");
    let kept = capabilities.clone().into_owned();
    assert_eq!(kept, capabilities);
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
