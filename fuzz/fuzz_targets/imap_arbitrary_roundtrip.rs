//! `arbitrary` values (feature `arbitrary`): every generated IMAP command (written with the
//! default options: synchronising literals, no UTF8=ACCEPT), response and greeting is
//! accepted by the encoder and parses back as the same value, taking every byte written.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::types::{Command, Greeting, Response};
use mailwire::imap::codec::{
    EncodeOptions, Parsed, encode_command, encode_greeting, encode_response, parse_command,
    parse_greeting, parse_response,
};
use mailwire::limits::Limits;

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let limits = Limits::default();

    let Ok(command) = Command::arbitrary(&mut input) else {
        return;
    };
    let written = match encode_command(&command, &EncodeOptions::default()) {
        Ok(written) => written,
        Err(e) => panic!("the encoder refused a generated command ({e}): {command:?}"),
    };
    let wire = written.as_bytes();
    match parse_command(wire, &limits) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {}
        other => panic!(
            "{command:?} was written as {:?}, which reads back as {other:?}",
            String::from_utf8_lossy(wire)
        ),
    }

    let Ok(response) = Response::arbitrary(&mut input) else {
        return;
    };
    let mut wire = Vec::new();
    if let Err(e) = encode_response(&response, &mut wire) {
        panic!("the encoder refused a generated response ({e}): {response:?}");
    }
    match parse_response(&wire, &limits) {
        Ok(Parsed::Complete(parsed, used)) if parsed == response && used == wire.len() => {}
        other => panic!(
            "{response:?} was written as {:?}, which reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        ),
    }

    let Ok(greeting) = Greeting::arbitrary(&mut input) else {
        return;
    };
    let mut wire = Vec::new();
    if let Err(e) = encode_greeting(&greeting, &mut wire) {
        panic!("the encoder refused a generated greeting ({e}): {greeting:?}");
    }
    match parse_greeting(&wire, &limits) {
        Ok(Parsed::Complete(parsed, used)) if parsed == greeting && used == wire.len() => {}
        other => panic!(
            "{greeting:?} was written as {:?}, which reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        ),
    }
});
