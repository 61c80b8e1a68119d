//! Helpers shared by the IMAP codec tests: framing a fixture stream, parsing each message,
//! writing it back.

#![allow(dead_code)]

use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::types::{Command, IntoOwned, Response};
use mailwire::imap::codec::{
    EncodeOptions, Parsed, encode_command, encode_response, parse_command, parse_response,
};
use mailwire::limits::Limits;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/imap/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Splits a stream into messages, feeding it `chunk` bytes at a time.
pub fn frame(stream: &[u8], commands: bool, chunk: usize) -> Vec<Vec<u8>> {
    let limits = Limits::default();
    let mut framer = if commands {
        Framer::commands(limits)
    } else {
        Framer::responses(limits)
    };
    let mut buffer = Vec::new();
    let mut messages = Vec::new();
    for piece in stream.chunks(chunk) {
        buffer.extend_from_slice(piece);
        loop {
            match framer
                .poll(&buffer)
                .expect("fixtures stay within the default limits")
            {
                Frame::Incomplete => break,
                Frame::LiteralAnnounced { .. } => framer.accept_literal(),
                Frame::Message { len } => messages.push(buffer.drain(..len).collect()),
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }
    assert!(
        buffer.is_empty(),
        "stream ends inside a message: {:?}",
        String::from_utf8_lossy(&buffer)
    );
    messages
}

pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses a whole response message; fails the test with the reason if it does not parse.
pub fn response(message: &[u8]) -> Response<'static> {
    let parsed = parse_response(message, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}\n in {:?}", show(message)));
    whole(parsed, message).into_owned()
}

pub fn command(message: &[u8]) -> Command<'static> {
    let parsed = parse_command(message, &Limits::default())
        .unwrap_or_else(|e| panic!("{e}\n in {:?}", show(message)));
    whole(parsed, message).into_owned()
}

/// The value of a message parsed from `message`, which it must take up exactly.
pub fn whole<T>(parsed: Parsed<T>, message: &[u8]) -> T {
    match parsed {
        Parsed::Complete(value, consumed) => {
            assert_eq!(consumed, message.len(), "{:?}", show(message));
            value
        }
        Parsed::Incomplete => panic!("ends inside a message: {:?}", show(message)),
    }
}

pub fn encode_res(value: &Response<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_response(value, &mut out).unwrap_or_else(|e| panic!("{e}: {value:?}"));
    out
}

/// `value` written for the server `message` (where it was read from) went to. The encoder
/// announces literals as the server allows, whatever the value says: a message written with
/// `{N+}` came from a client whose server had LITERAL+.
pub fn encode_as_sent(value: &Command<'_>, message: &[u8]) -> Vec<u8> {
    let literal_plus = message.windows(4).any(|w| w == b"+}\r\n");
    let options = EncodeOptions::default().with_literal_plus(literal_plus);
    encode_command(value, &options)
        .unwrap_or_else(|e| panic!("{e}: {value:?}"))
        .into_bytes()
}

pub fn encode_cmd(value: &Command<'_>) -> Vec<u8> {
    encode_command(value, &EncodeOptions::default())
        .unwrap_or_else(|e| panic!("{e}: {value:?}"))
        .into_bytes()
}

/// Parses every response of a stream, checks that writing each back and parsing it again
/// gives the same value, and returns the messages whose bytes changed in the process.
pub fn check_responses(stream: &[u8]) -> Vec<(String, String)> {
    let messages = frame(stream, false, stream.len());
    let mut changed = Vec::new();
    for message in &messages {
        let value = response(message);
        let written = encode_res(&value);
        assert_eq!(
            response(&written),
            value,
            "round trip of {:?}",
            show(message)
        );
        if written != *message {
            changed.push((show(message), show(&written)));
        }
    }
    changed
}

pub fn check_commands(stream: &[u8]) -> Vec<(String, String)> {
    let messages = frame(stream, true, stream.len());
    let mut changed = Vec::new();
    for message in &messages {
        let value = command(message);
        let written = encode_as_sent(&value, message);
        assert_eq!(
            command(&written),
            value,
            "round trip of {:?}",
            show(message)
        );
        if written != *message {
            changed.push((show(message), show(&written)));
        }
    }
    changed
}

/// Every way of chunking gives the same messages, and the same values.
pub fn check_chunking(stream: &[u8], commands: bool) {
    let whole = frame(stream, commands, stream.len());
    for chunk in [1, 2, 3, 7, 64] {
        assert_eq!(frame(stream, commands, chunk), whole, "chunk size {chunk}");
    }
    for message in &whole {
        if commands {
            command(message);
        } else {
            response(message);
        }
    }
}
