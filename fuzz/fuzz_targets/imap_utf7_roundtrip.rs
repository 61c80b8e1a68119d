//! Modified UTF-7: every name encodes and decodes back, and every byte string that decodes
//! is exactly what the encoder writes for its name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::utf7;

fuzz_target!(|data: &[u8]| {
    if let Ok(name) = utf7::decode(data) {
        assert_eq!(utf7::encode(&name).as_bytes(), data);
    }
    let name = String::from_utf8_lossy(data);
    let encoded = utf7::encode(&name);
    assert!(encoded.bytes().all(|b| (0x20..0x7f).contains(&b)));
    assert_eq!(
        utf7::decode(encoded.as_bytes()).expect("the encoder writes valid names"),
        name
    );
});
