//! Any bytes as what a client sends: commands, AUTHENTICATE lines, DONE.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::{
    EncodeOptions, Parsed, encode_command, parse_authenticate_data, parse_command,
    parse_idle_done,
};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_nesting_depth(32);
    let mut at = 0;
    while at < data.len() {
        match parse_command(&data[at..], &limits) {
            Ok(Parsed::Complete(command, consumed)) => {
                // 8-bit bytes outside a string have no spelling before UTF8=ACCEPT.
                let _ = encode_command(&command, &EncodeOptions::default());
                encode_command(&command, &EncodeOptions::default().with_utf8_accept(true))
                    .expect("a parsed command can be written");
                at += consumed;
            }
            Ok(Parsed::Incomplete) | Err(_) => break,
        }
    }
    let _ = parse_authenticate_data(data, &limits);
    let _ = parse_idle_done(data, &limits);
});
