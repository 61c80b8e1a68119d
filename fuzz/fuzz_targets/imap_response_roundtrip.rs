//! parse → write → parse gives the same response.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{encode_response, parse_response};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(parsed) = parse_response(data, &limits) else {
        return;
    };
    let mut written = Vec::new();
    encode_response(&parsed.value, &mut written).expect("a parsed response can be written");
    let again = parse_response(&written, &limits).unwrap_or_else(|e| {
        panic!(
            "{e}: {:?} written as {:?}",
            parsed.value,
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(again.consumed, written.len());
    assert_eq!(
        again.value,
        parsed.value,
        "written as {:?}",
        String::from_utf8_lossy(&written)
    );
});
