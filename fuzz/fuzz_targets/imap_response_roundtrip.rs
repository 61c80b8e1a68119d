//! parse → encode → parse gives the same response, and the re-parse takes exactly the
//! written bytes. A quoted string with 8-bit bytes is written as a literal (RFC 3501 allows
//! 8-bit quoted strings only after UTF8=ACCEPT) and reads back as one, so the values are
//! equal whenever the message is 7-bit, and the written form always writes as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{Parsed, encode_response, parse_response};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(Parsed::Complete(parsed, used)) = parse_response(data, &limits) else {
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
    if data[..used].is_ascii() {
        assert_eq!(
            again,
            parsed,
            "written as {:?}",
            String::from_utf8_lossy(&written)
        );
    }
    let mut rewritten = Vec::new();
    encode_response(&again, &mut rewritten).expect("a parsed response can be written");
    assert_eq!(
        String::from_utf8_lossy(&rewritten),
        String::from_utf8_lossy(&written),
        "{parsed:?}"
    );
});
