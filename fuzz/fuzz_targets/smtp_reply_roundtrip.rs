//! parse → encode → parse gives the same reply, borrowed and owned.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Parsed, Reply, parse_reply};

fn whole(wire: &[u8]) -> Reply<'_> {
    match parse_reply(wire, &Limits::default()) {
        Ok(Parsed::Complete(reply, consumed)) if consumed == wire.len() => reply,
        other => panic!("re-encoded reply {wire:?} did not parse whole: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(Parsed::Complete(first, _)) = parse_reply(data, &Limits::default()) else {
        return;
    };
    let mut wire = Vec::new();
    first.encode(&mut wire);
    let second = whole(&wire);
    assert_eq!(first.code(), second.code());
    assert_eq!(first.enhanced_code(), second.enhanced_code());
    assert!(first.lines().eq(second.lines()));
    assert!(first.text_lines().eq(second.text_lines()));
    let mut again = Vec::new();
    second.encode(&mut again);
    assert_eq!(wire, again, "canonical form is stable");

    let owned = first.to_owned();
    assert_eq!(owned, second.to_owned());
    // An owned reply writes CR inside text as a space, so compare only CR-free text.
    if owned.lines.iter().all(|line| !line.contains('\r')) {
        let mut owned_wire = Vec::new();
        owned.encode(&mut owned_wire);
        assert_eq!(whole(&owned_wire).to_owned(), owned);
    }
});
