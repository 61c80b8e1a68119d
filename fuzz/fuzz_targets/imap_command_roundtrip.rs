//! parse → write → parse gives the same command, whatever literal support is assumed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{EncodeOptions, encode_command, parse_command};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(parsed) = parse_command(data, &limits) else {
        return;
    };
    for options in [
        EncodeOptions::default(),
        EncodeOptions::default().with_literal_plus(true),
        EncodeOptions::default().with_literal_minus(true),
    ] {
        let written =
            encode_command(&parsed.value, &options).expect("a parsed command can be written");
        let segments: usize = written.segments().map(|s| s.bytes.len()).sum();
        assert_eq!(segments, written.as_bytes().len());
        let again = parse_command(written.as_bytes(), &limits).unwrap_or_else(|e| {
            panic!(
                "{e}: {:?} written as {:?}",
                parsed.value,
                String::from_utf8_lossy(written.as_bytes())
            )
        });
        assert_eq!(again.consumed, written.as_bytes().len());
        if options == EncodeOptions::default() {
            assert_eq!(again.value, parsed.value);
        }
    }
});
