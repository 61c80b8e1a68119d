//! The trace decoder. Any input: no panic, every entry and error points inside the input at
//! a line no earlier than its entry's, entries come in line order, SASL lines are shown
//! only redacted. And a byte stream every message of which the codecs parse (IMAP server
//! responses after a first byte 1, SMTP replies after a 2), written as `S:` lines, decodes
//! clean with one entry per message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::parse_response;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{Parsed, parse_reply};
use mailwire::trace::{Protocol, TraceReport, decode_trace};

fn check_invariants(input: &[u8], report: &TraceReport) {
    let lines = input.split(|&b| b == b'\n').count();
    let mut previous = 0;
    for entry in &report.entries {
        assert!(entry.line_no >= previous, "entries out of order");
        previous = entry.line_no;
        assert!((1..=lines).contains(&entry.line_no));
        assert!(entry.offset <= input.len());
        assert!(entry.lines >= 1);
        if let Ok(summary) = &entry.parsed
            && summary.starts_with("SASL ")
        {
            assert!(
                matches!(entry.text.as_str(), "<redacted>" | "*"),
                "{:?}",
                entry.text
            );
        }
        if let Err(error) = &entry.parsed {
            assert!(error.offset <= input.len());
            assert!(error.line_no >= entry.line_no && error.line_no <= lines);
            assert!(error.column <= error.offset);
            let _ = error.to_string();
            if let Some((line, column)) = error.pointer() {
                assert!(column <= line.chars().count());
                assert!(!line.contains(['\r', '\n']));
            }
        }
    }
    assert!(report.skipped_lines <= lines);
}

/// `stream` as a transcript of `S:` lines, when it can be written as one exactly: CRLF line
/// ends only, and nothing the decoder would read as an escape (`\t`, `\u{`) or a left-out
/// part (`… `).
fn as_server_lines(stream: &[u8]) -> Option<Vec<u8>> {
    let holds = |needle: &[u8]| stream.windows(needle.len()).any(|w| w == needle);
    if !stream.ends_with(b"\r\n") || holds(b"\\t") || holds(b"\\u{") || holds("\u{2026}".as_bytes())
    {
        return None;
    }
    let mut transcript = Vec::new();
    for line in stream[..stream.len() - 1].split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r")?;
        if line.contains(&b'\r') {
            return None;
        }
        transcript.extend_from_slice(b"S: ");
        transcript.extend_from_slice(line);
        transcript.push(b'\n');
    }
    Some(transcript)
}

/// How many messages `parse` takes from the whole of `stream`, if it takes all of it.
fn messages<E>(stream: &[u8], parse: impl Fn(&[u8]) -> Result<Parsed<usize>, E>) -> Option<usize> {
    let (mut at, mut count) = (0, 0);
    while at < stream.len() {
        match parse(&stream[at..]) {
            Ok(Parsed::Complete(used, _)) if used > 0 => at += used,
            _ => return None,
        }
        count += 1;
    }
    Some(count)
}

fuzz_target!(|data: &[u8]| {
    let report = decode_trace(data);
    check_invariants(data, &report);

    let [mode, stream @ ..] = data else {
        return;
    };
    let limits = Limits::default();
    let (protocol, count) = match mode {
        1 if stream.starts_with(b"* ") => {
            let count = messages(stream, |rest| {
                parse_response(rest, &limits).map(|parsed| match parsed {
                    Parsed::Complete(_, used) => Parsed::Complete(used, 0),
                    Parsed::Incomplete => Parsed::Incomplete,
                })
            });
            (Protocol::Imap, count)
        }
        2 => {
            let count = messages(stream, |rest| {
                parse_reply(rest, &limits).map(|parsed| match parsed {
                    Parsed::Complete(_, used) => Parsed::Complete(used, 0),
                    Parsed::Incomplete => Parsed::Incomplete,
                })
            });
            (Protocol::Smtp, count)
        }
        _ => return,
    };
    let (Some(count), Some(transcript)) = (count, as_server_lines(stream)) else {
        return;
    };
    let report = decode_trace(&transcript);
    check_invariants(&transcript, &report);
    assert_eq!(report.protocol, Some(protocol));
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(report.entries.len(), count, "{report:#?}");
});
