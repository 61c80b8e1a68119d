//! parse → write → parse gives the same command, whatever literal support is assumed, as
//! the options frame it (see `common/framed.rs`).
#![no_main]

#[path = "common/framed.rs"]
mod framed;

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{EncodeOptions, Parsed, encode_command, parse_command};
use mailwire::limits::Limits;

use framed::framed;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let Ok(Parsed::Complete(parsed, _)) = parse_command(data, &limits) else {
        return;
    };
    for literals in [
        EncodeOptions::default(),
        EncodeOptions::default().with_literal_plus(true),
        EncodeOptions::default().with_literal_minus(true),
    ] {
        for options in [literals, literals.with_utf8_accept(true)] {
            let written = match encode_command(&parsed, &options) {
                Ok(written) => written,
                // 8-bit bytes outside a string (in a value kept raw, a capability) have no
                // spelling before UTF8=ACCEPT; with it, every parsed command can be written.
                Err(e) if !options.utf8_accept => {
                    assert!(
                        encode_command(&parsed, &options.with_utf8_accept(true)).is_ok(),
                        "{e}: {parsed:?}"
                    );
                    continue;
                }
                Err(e) => panic!("{e}: a parsed command can be written: {parsed:?}"),
            };
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
            assert_eq!(again, framed(&parsed, &options));
        }
    }
});
