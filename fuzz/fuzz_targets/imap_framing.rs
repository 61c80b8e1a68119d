//! The framer, fed a stream in chunks whose sizes come from the input: it never panics, never
//! hands out more than it was given, accounts for every byte, and (with no limit broken)
//! splits the stream the same way whatever the chunking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::limits::Limits;

fn run(
    stream: &[u8],
    chunks: &[u8],
    commands: bool,
    stream_above: Option<u64>,
) -> (Vec<Vec<u8>>, usize, bool) {
    let limits = Limits::default()
        .with_line_len(256)
        .with_literal_len(4096)
        .with_response_len(8192);
    let mut framer = if commands {
        Framer::commands(limits)
    } else {
        Framer::responses(limits)
    };
    if let Some(threshold) = stream_above {
        framer = framer.stream_literals_above(threshold);
    }
    let mut buffer = Vec::new();
    let mut messages = Vec::new();
    let mut handed_out = 0usize;
    let mut errors = false;
    let mut at = 0;
    let mut sizes = chunks.iter().cycle();
    while at < stream.len() {
        let size = (usize::from(*sizes.next().unwrap_or(&7)) % 64 + 1).min(stream.len() - at);
        buffer.extend_from_slice(&stream[at..at + size]);
        at += size;
        for _ in 0..10_000 {
            match framer.poll(&buffer) {
                Err(_) => errors = true,
                Ok(Frame::Incomplete) => break,
                Ok(Frame::LiteralAnnounced { .. }) => {
                    // Refuse every other literal, as a server at its limits would.
                    if buffer.len() % 2 == 0 {
                        framer.accept_literal();
                    } else {
                        framer.reject_literal();
                    }
                }
                Ok(frame) => {
                    let len = match frame {
                        Frame::Message { len }
                        | Frame::StreamStart { len, .. }
                        | Frame::StreamData { len }
                        | Frame::StreamEnd { len }
                        | Frame::Discard { len } => len,
                        _ => 0,
                    };
                    assert!(len <= buffer.len(), "handed out {len} of {}", buffer.len());
                    let taken: Vec<u8> = buffer.drain(..len).collect();
                    handed_out += len;
                    if let Frame::Message { .. } = frame {
                        assert!(len > 0);
                        messages.push(taken);
                    }
                }
            }
        }
    }
    assert_eq!(handed_out + buffer.len(), stream.len());
    (messages, handed_out, errors)
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(control & 0x0f).min(rest.len());
    let (chunks, stream) = rest.split_at(split);
    let commands = control & 0x10 != 0;
    let stream_above = (control & 0x20 != 0).then_some(16);
    let (pieces, _, errors) = run(stream, chunks, commands, stream_above);
    let (whole, _, whole_errors) = run(stream, &[63], commands, stream_above);
    if !errors && !whole_errors && !commands {
        assert_eq!(pieces, whole);
    }
});
