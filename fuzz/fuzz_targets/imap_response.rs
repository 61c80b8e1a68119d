//! Any bytes as a stream of server responses: parsing never panics, and every response that
//! parses can be written out again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{Parsed, encode_response, parse_response};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let mut at = 0;
    while at < data.len() {
        match parse_response(&data[at..], &limits) {
            Ok(Parsed::Complete(response, consumed)) => {
                assert!(consumed > 0 && consumed <= data.len() - at);
                let mut out = Vec::new();
                encode_response(&response, &mut out).expect("a parsed response can be written");
                at += consumed;
            }
            Ok(Parsed::Incomplete) => break,
            Err(error) => {
                assert!(error.offset <= data.len() - at);
                break;
            }
        }
    }
});
