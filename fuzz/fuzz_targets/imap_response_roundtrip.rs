//! parse → write → parse gives the same response.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{Parsed, encode_response, parse_response};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(Parsed::Complete(parsed, _)) = parse_response(data, &limits) else {
        return;
    };
    let mut written = Vec::new();
    encode_response(&parsed, &mut written).expect("a parsed response can be written");
    let again = parse_response(&written, &limits).unwrap_or_else(|e| {
        panic!(
            "{e}: {parsed:?} written as {:?}",
            String::from_utf8_lossy(&written)
        )
    });
    let Parsed::Complete(again, consumed) = again else {
        panic!(
            "{parsed:?} written as {:?} ends inside the response",
            String::from_utf8_lossy(&written)
        )
    };
    assert_eq!(consumed, written.len());
    assert_eq!(
        again,
        parsed,
        "written as {:?}",
        String::from_utf8_lossy(&written)
    );
});
