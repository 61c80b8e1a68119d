//! parse → write → parse gives the same command, whatever literal support is assumed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{EncodeOptions, Parsed, encode_command, parse_command};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(Parsed::Complete(parsed, _)) = parse_command(data, &limits) else {
        return;
    };
    for options in [
        EncodeOptions::default(),
        EncodeOptions::default().with_literal_plus(true),
        EncodeOptions::default().with_literal_minus(true),
    ] {
        let written = encode_command(&parsed, &options).expect("a parsed command can be written");
        let segments: usize = written.segments().map(|s| s.bytes.len()).sum();
        assert_eq!(segments, written.as_bytes().len());
        let again = parse_command(written.as_bytes(), &limits).unwrap_or_else(|e| {
            panic!(
                "{e}: {parsed:?} written as {:?}",
                String::from_utf8_lossy(written.as_bytes())
            )
        });
        let Parsed::Complete(again, consumed) = again else {
            panic!(
                "{parsed:?} written as {:?} ends inside the command",
                String::from_utf8_lossy(written.as_bytes())
            )
        };
        assert_eq!(consumed, written.as_bytes().len());
        if options == EncodeOptions::default() {
            assert_eq!(again, parsed);
        }
    }
});
