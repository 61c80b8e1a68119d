//! Writing values as IMAP bytes, both directions.
//!
//! Strings go out in the form their value holds (atom, quoted, literal); the constructors in
//! [`types`](super::types) pick the cheapest form that carries a value. What a position in the
//! grammar cannot carry (NUL outside a literal8, CR or LF in a quoted string or text, a
//! character an atom may not hold) is refused with [`EncodeError`] before anything is sent.
//!
//! A command is framed for the server [`EncodeOptions`] describe, whatever the value asks:
//! literals are announced `{N}` unless the server takes `{N+}`, and a quoted string with
//! 8-bit bytes goes out as a literal until the server has enabled UTF8=ACCEPT (a response
//! always writes such a string as a literal, which is right whatever was enabled). Values kept
//! as a peer sent them (`Raw`, and names in `Other` variants) are written only when they read
//! back as the same value, so none can end the line, announce a literal or start another
//! command.
//!
//! A client must not send a synchronising literal's bytes before the server's `+`:
//! [`EncodedCommand::segments`] splits a command at those points. Passwords and
//! AUTHENTICATE data never show in `Debug`; [`EncodedCommand::redacted`] is the form for a
//! transcript.
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

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::imap::codec::error::EncodeError;
use crate::imap::codec::types::{Bytes, Command, Greeting, Response};

/// What the server accepts, which changes how a command may be written.
///
/// ```
/// use mailwire::imap::codec::types::{CommandBody, MailboxName, Tag};
/// use mailwire::imap::codec::{encode_command, EncodeOptions};
///
/// let select = CommandBody::Select {
///     mailbox: MailboxName::from_name("Entwürfe", true),
///     parameters: vec![],
/// }
/// .tag(Tag::new("a1").unwrap());
/// // Until the server has enabled UTF8=ACCEPT, an 8-bit string travels as a literal ...
/// let plain = encode_command(&select, &EncodeOptions::default()).unwrap();
/// assert_eq!(plain.as_bytes(), "a1 SELECT {9}\r\nEntwürfe\r\n".as_bytes());
/// // ... and once it has, quoted.
/// let utf8 = EncodeOptions::default().with_utf8_accept(true);
/// let enabled = encode_command(&select, &utf8).unwrap();
/// assert_eq!(enabled.as_bytes(), "a1 SELECT \"Entwürfe\"\r\n".as_bytes());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncodeOptions {
    /// The server advertised LITERAL+: literals need not wait for `+`.
    pub literal_plus: bool,
    /// The server advertised LITERAL-: literals up to 4096 bytes need not wait for `+`.
    pub literal_minus: bool,
    /// The server has enabled UTF8=ACCEPT (RFC 6855; its tagged OK to `ENABLE UTF8=ACCEPT`
    /// or its ENABLED response said so): quoted strings may carry 8-bit UTF-8. Without it
    /// such strings go out as literals, as RFC 3501 requires.
    pub utf8_accept: bool,
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

    /// These options with UTF8=ACCEPT enabled or not; turn it on only after the server
    /// confirmed `ENABLE UTF8=ACCEPT`, not when it merely advertised the capability.
    pub fn with_utf8_accept(mut self, enabled: bool) -> Self {
        self.utf8_accept = enabled;
        self
    }

    /// True when a literal of `size` bytes may go out without waiting for `+`.
    pub(crate) fn allows_non_sync(&self, size: u64) -> bool {
        self.literal_plus || (self.literal_minus && size <= 4096)
    }
}

/// What `Debug` and the redacted forms show in place of a secret, as the transcript does.
const REDACTED: &[u8] = b"<redacted>";

/// `bytes`, which start at `offset` in a command, with each part that falls in one of
/// `secrets` (ranges of the whole command, in order) replaced by [`REDACTED`].
fn redact<'b>(bytes: &'b [u8], offset: usize, secrets: &[Range<usize>]) -> Cow<'b, [u8]> {
    let mut shown = Vec::new();
    let mut at = 0;
    for secret in secrets {
        let start = secret.start.saturating_sub(offset).min(bytes.len());
        let end = secret.end.saturating_sub(offset).min(bytes.len());
        if start < end {
            shown.extend_from_slice(&bytes[at..start]);
            shown.extend_from_slice(REDACTED);
            at = end;
        }
    }
    if at == 0 && shown.is_empty() {
        return Cow::Borrowed(bytes);
    }
    shown.extend_from_slice(&bytes[at..]);
    Cow::Owned(shown)
}

/// A command written out, with the points where the client must wait for `+`.
///
/// `Debug` shows the bytes with passwords and AUTHENTICATE data replaced by `<redacted>`;
/// [`EncodedCommand::redacted`] gives the same form for a transcript.
///
/// ```
/// use mailwire::imap::codec::types::{CommandBody, Tag};
/// use mailwire::imap::codec::{encode_command, EncodeOptions};
///
/// let login = CommandBody::login("alice", "hunter2").tag(Tag::new("a1").unwrap());
/// let encoded = encode_command(&login, &EncodeOptions::default()).unwrap();
/// assert_eq!(encoded.as_bytes(), b"a1 LOGIN alice hunter2\r\n");
/// assert_eq!(&encoded.redacted()[..], b"a1 LOGIN alice <redacted>\r\n");
/// assert!(!format!("{encoded:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EncodedCommand {
    bytes: Vec<u8>,
    waits: Vec<usize>,
    secrets: Vec<Range<usize>>,
}

/// A piece of an [`EncodedCommand`]. `Debug` redacts secrets as the command's does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Bytes to send.
    pub bytes: &'a [u8],
    /// True when the segment ends with a synchronising literal's announcement: send it, then
    /// wait for the server's `+` before the next segment (a tagged NO/BAD instead means the
    /// command was refused and the rest must not be sent).
    pub wait_for_continuation: bool,
    /// Where `bytes` start in the command.
    offset: usize,
    /// The command's secret ranges.
    secrets: &'a [Range<usize>],
}

impl EncodedCommand {
    /// The whole command (for a peer known to accept it at once). It may hold a password:
    /// log [`EncodedCommand::redacted`] instead.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The whole command.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// True when the command carries a secret (LOGIN's password, AUTHENTICATE's initial
    /// response): give a transcript the redacted form (the connection's `write_secret`).
    pub fn holds_secret(&self) -> bool {
        !self.secrets.is_empty()
    }

    /// The command with each secret replaced by `<redacted>`, for a transcript or a log.
    pub fn redacted(&self) -> Cow<'_, [u8]> {
        redact(&self.bytes, 0, &self.secrets)
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
                offset: start,
                secrets: &self.secrets,
            };
            start = end;
            segment
        })
    }
}

impl fmt::Debug for EncodedCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodedCommand")
            .field("bytes", &Bytes(&self.redacted()))
            .field("waits", &self.waits)
            .finish()
    }
}

impl<'a> Segment<'a> {
    /// True when some of these bytes are secret (see [`EncodedCommand::holds_secret`]).
    pub fn holds_secret(&self) -> bool {
        let end = self.offset + self.bytes.len();
        self.secrets
            .iter()
            .any(|secret| secret.start < end && self.offset < secret.end)
    }

    /// These bytes with each secret replaced by `<redacted>`.
    pub fn redacted(&self) -> Cow<'a, [u8]> {
        redact(self.bytes, self.offset, self.secrets)
    }
}

impl fmt::Debug for Segment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Segment")
            .field("bytes", &Bytes(&self.redacted()))
            .field("wait_for_continuation", &self.wait_for_continuation)
            .finish()
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
    let marks = {
        let mut writer = core::Writer::client(&mut bytes, *options);
        command::command(&mut writer, command)?;
        writer.into_marks()
    };
    Ok(EncodedCommand {
        bytes,
        waits: marks.waits,
        secrets: marks.secrets,
    })
}
