//! Writing values as IMAP bytes, both directions.
//!
//! Strings go out in the form their value holds (atom, quoted, literal); the constructors in
//! [`types`](super::types) pick the cheapest form that carries a value. What a position in the
//! grammar cannot carry (NUL outside a literal8, CR or LF in a quoted string or text, a
//! character an atom may not hold) is refused with [`EncodeError`] before anything is sent.
//!
//! A client must not send a synchronising literal's bytes before the server's `+`:
//! [`EncodedCommand::segments`] splits a command at those points.
//!
//! ```
//! use mailwire::imap::codec::{encode_command, EncodeOptions};
//! use mailwire::imap::codec::types::{CommandBody, Tag};
//!
//! let command = CommandBody::login("alice", "pass word\r\n").tag(Tag::new("a1").unwrap());
//! let encoded = encode_command(&command, &EncodeOptions::default()).unwrap();
//! let segments: Vec<_> = encoded.segments().collect();
//! assert_eq!(segments[0].bytes, b"a1 LOGIN alice {11}\r\n");
//! assert!(segments[0].wait_for_continuation);
//! assert_eq!(segments[1].bytes, b"pass word\r\n\r\n");
//! assert!(!segments[1].wait_for_continuation);
//!
//! // With LITERAL+ the command goes out in one piece.
//! let plus = EncodeOptions::default().with_literal_plus(true);
//! assert_eq!(encode_command(&command, &plus).unwrap().segments().count(), 1);
//! ```

mod body;
mod command;
mod core;
mod response;

use crate::imap::codec::error::EncodeError;
use crate::imap::codec::types::{Command, Greeting, Response};

/// What the server accepts, which changes how a command may be written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// The server advertised LITERAL+: literals need not wait for `+`.
    pub literal_plus: bool,
    /// The server advertised LITERAL-: literals up to 4096 bytes need not wait for `+`.
    pub literal_minus: bool,
}

impl EncodeOptions {
    /// These options with LITERAL+ on or off.
    pub fn with_literal_plus(mut self, enabled: bool) -> Self {
        self.literal_plus = enabled;
        self
    }

    /// These options with LITERAL- on or off.
    pub fn with_literal_minus(mut self, enabled: bool) -> Self {
        self.literal_minus = enabled;
        self
    }
}

/// A command written out, with the points where the client must wait for `+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedCommand {
    bytes: Vec<u8>,
    waits: Vec<usize>,
}

/// A piece of an [`EncodedCommand`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Bytes to send.
    pub bytes: &'a [u8],
    /// True when the segment ends with a synchronising literal's announcement: send it, then
    /// wait for the server's `+` before the next segment (a tagged NO/BAD instead means the
    /// command was refused and the rest must not be sent).
    pub wait_for_continuation: bool,
}

impl EncodedCommand {
    /// The whole command (for logging or a peer known to accept it at once).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The whole command.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The command in pieces separated by waits for `+`.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        let ends = self
            .waits
            .iter()
            .copied()
            .chain(std::iter::once(self.bytes.len()));
        let mut start = 0;
        ends.enumerate().map(move |(index, end)| {
            let segment = Segment {
                bytes: &self.bytes[start..end],
                wait_for_continuation: index < self.waits.len(),
            };
            start = end;
            segment
        })
    }
}

/// Writes a greeting, CRLF included.
pub fn encode_greeting(greeting: &Greeting<'_>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mut writer = core::Writer::server(out);
    response::greeting(&mut writer, greeting)
}

/// Writes a response, CRLF included. On error `out` may hold part of it; discard it.
pub fn encode_response(response: &Response<'_>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let mut writer = core::Writer::server(out);
    response::response(&mut writer, response)
}

/// Writes a command, CRLF included, noting where a synchronising literal must wait for `+`.
pub fn encode_command(
    command: &Command<'_>,
    options: &EncodeOptions,
) -> Result<EncodedCommand, EncodeError> {
    let mut bytes = Vec::with_capacity(64);
    let waits = {
        let mut writer = core::Writer::client(&mut bytes, *options);
        command::command(&mut writer, command)?;
        writer.into_waits()
    };
    Ok(EncodedCommand { bytes, waits })
}
