//! Any bytes as a server greeting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{encode_greeting, parse_greeting};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = parse_greeting(data, &Limits::default()) {
        let mut out = Vec::new();
        encode_greeting(&parsed.value, &mut out).expect("a parsed greeting can be written");
        let again = parse_greeting(&out, &Limits::default()).expect("a written greeting parses");
        assert_eq!(again.value, parsed.value);
    }
});
