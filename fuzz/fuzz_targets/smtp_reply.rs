//! Replies from a hostile server: no panic, and every reply agrees with its raw bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Parsed, ReplyParser, parse_reply};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_line_len(256).with_reply_lines(32);
    let mut rest = data;
    while let Ok(Parsed::Complete(reply, consumed)) = parse_reply(rest, &limits) {
        assert!(consumed > 0 && consumed <= rest.len());
        assert_eq!(reply.raw(), &rest[..consumed]);
        assert!(reply.raw().ends_with(b"\n"));
        assert_eq!(reply.lines().count(), reply.line_count());
        assert_eq!(reply.text_lines().count(), reply.line_count());
        assert!(reply.line_count() <= 32);
        for (line, text) in reply.lines().zip(reply.text_lines()) {
            assert!(line.ends_with(text), "text lines are suffixes of lines");
            assert!(!line.contains(&b'\n'));
            assert!(line.len() <= 256);
        }
        let code = reply.code().get();
        assert!((200..=599).contains(&code));
        assert_eq!(reply.raw().get(..3), Some(code.to_string().as_bytes()));
        if let Some(enhanced) = reply.enhanced_code() {
            assert_eq!(enhanced.class, reply.code().class());
        }
        let owned = reply.to_owned();
        assert_eq!(owned.lines.len(), reply.line_count());
        let _ = (reply.to_string(), owned.to_string(), format!("{reply:?}"));
        // The same bytes, one short of the end, are a reply still arriving.
        assert_eq!(
            parse_reply(&rest[..consumed - 1], &limits),
            Ok(Parsed::Incomplete)
        );
        rest = &rest[consumed..];
    }
    // Arriving in pieces changes nothing.
    let mut parser = ReplyParser::new();
    for cut in [data.len() / 3, data.len() / 2, data.len() * 3 / 4, data.len()] {
        let prefix = &data[..cut];
        let resumed = parser.parse(prefix, &limits);
        assert_eq!(resumed, parse_reply(prefix, &limits));
        if !matches!(resumed, Ok(Parsed::Incomplete)) {
            break;
        }
    }
    if let Err(error) = parse_reply(rest, &limits) {
        let _ = error.to_string();
        if let Some(offset) = error.offset() {
            assert!(offset <= rest.len());
        }
    }
});
