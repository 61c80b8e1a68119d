//! `arbitrary` values (feature `arbitrary`): every generated SMTP command and reply is
//! accepted by the encoder and parses back as the same value, taking every byte written.
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Command, OwnedReply, Parsed, parse_command, parse_reply};

fuzz_target!(|data: &[u8]| {
    let mut input = Unstructured::new(data);
    let limits = Limits::default();

    let Ok(command) = Command::arbitrary(&mut input) else {
        return;
    };
    let mut wire = Vec::new();
    if let Err(e) = command.encode(&mut wire) {
        panic!("the encoder refused a generated command ({e}): {command:?}");
    }
    match parse_command(&wire, &limits) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {}
        other => panic!(
            "{command:?} was written as {:?}, which reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        ),
    }

    let Ok(reply) = OwnedReply::arbitrary(&mut input) else {
        return;
    };
    let mut wire = Vec::new();
    reply.encode(&mut wire);
    match parse_reply(&wire, &limits) {
        Ok(Parsed::Complete(parsed, used)) if parsed.to_owned() == reply && used == wire.len() => {}
        other => panic!(
            "{reply:?} was written as {:?}, which reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        ),
    }
});
