//! Any bytes as a server greeting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{Parsed, encode_greeting, parse_greeting};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    if let Ok(Parsed::Complete(greeting, _)) = parse_greeting(data, &Limits::default()) {
        let mut out = Vec::new();
        encode_greeting(&greeting, &mut out).expect("a parsed greeting can be written");
        let again = parse_greeting(&out, &Limits::default()).expect("a written greeting parses");
        let Parsed::Complete(again, _) = again else {
            panic!("a written greeting is whole: {:?}", String::from_utf8_lossy(&out));
        };
        // An 8-bit quoted string (in a code) is written as a literal and reads back as one:
        // equal values for a 7-bit greeting, and the written form writes as itself.
        if data.is_ascii() {
            assert_eq!(again, greeting);
        }
        let mut rewritten = Vec::new();
        encode_greeting(&again, &mut rewritten).expect("a parsed greeting can be written");
        assert_eq!(rewritten, out);
    }
});
