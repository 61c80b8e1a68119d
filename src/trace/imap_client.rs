//! An IMAP client's stream read message by message: a line is a command, or it answers
//! the AUTHENTICATE or IDLE before it, and only those commands tell which.

use crate::Parsed;
use crate::imap::codec::types::{AuthenticateData, Command, CommandBody};
use crate::imap::codec::{DecodeError, parse_authenticate_data, parse_command, parse_idle_done};
use crate::limits::Limits;

/// One message an IMAP client sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientMessage<'a> {
    /// A tagged command.
    Command(Command<'a>),
    /// A line answering an AUTHENTICATE challenge: SASL data (which may hold a password:
    /// show it redacted) or `*`, which cancels the exchange.
    AuthenticateData(AuthenticateData<'a>),
    /// The `DONE` that ends IDLE.
    Done,
}

/// Reads an IMAP client's stream one message at a time, keeping what the commands so far
/// make of the next line: after AUTHENTICATE a line may be SASL data, after IDLE `DONE`.
///
/// ```
/// use mailwire::Parsed;
/// use mailwire::limits::Limits;
/// use mailwire::trace::{ClientMessage, ImapClientReader};
///
/// let limits = Limits::default();
/// let mut reader = ImapClientReader::new();
/// let mut stream: &[u8] = b"a1 AUTHENTICATE PLAIN\r\nAHVzZXIAcGFzcw==\r\na2 IDLE\r\nDONE\r\n";
/// let mut kinds = Vec::new();
/// while !stream.is_empty() {
///     let Parsed::Complete(message, used) = reader.read(stream, &limits)? else {
///         unreachable!("every message is whole");
///     };
///     kinds.push(match message {
///         ClientMessage::Command(command) => command.tag.as_str().to_owned(),
///         ClientMessage::AuthenticateData(_) => "SASL".to_owned(),
///         ClientMessage::Done => "DONE".to_owned(),
///         _ => "other".to_owned(),
///     });
///     stream = &stream[used..];
/// }
/// assert_eq!(kinds, ["a1", "SASL", "a2", "DONE"]);
/// # Ok::<(), mailwire::imap::codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImapClientReader {
    awaiting: Awaiting,
}

/// What a client line may be besides a command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Awaiting {
    #[default]
    Command,
    AuthenticateData,
    Done,
}

impl ImapClientReader {
    /// A reader at the start of a session: the next line is a command.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the next line may be AUTHENTICATE's SASL data, which may hold a password:
    /// an error on such a line should not quote it.
    pub fn in_authenticate(&self) -> bool {
        self.awaiting == Awaiting::AuthenticateData
    }

    /// The message at the start of `input` and the bytes it takes, or `Incomplete`. A
    /// line that is neither a command nor what the command before it allows is the
    /// command parser's error (its offset counts from the start of `input`).
    pub fn read<'a>(
        &mut self,
        input: &'a [u8],
        limits: &Limits,
    ) -> Result<Parsed<ClientMessage<'a>>, DecodeError> {
        let error = match parse_command(input, limits) {
            Ok(Parsed::Complete(command, used)) => {
                self.awaiting = match command.body {
                    CommandBody::Authenticate { .. } => Awaiting::AuthenticateData,
                    CommandBody::Idle => Awaiting::Done,
                    _ => Awaiting::Command,
                };
                return Ok(Parsed::Complete(ClientMessage::Command(command), used));
            }
            Ok(Parsed::Incomplete) => None,
            Err(error) => Some(error),
        };
        match self.awaiting {
            // Further challenges may follow, so the state stays until the next command.
            Awaiting::AuthenticateData => {
                if let Ok(Parsed::Complete(data, used)) = parse_authenticate_data(input, limits) {
                    return Ok(Parsed::Complete(
                        ClientMessage::AuthenticateData(data),
                        used,
                    ));
                }
            }
            Awaiting::Done => {
                if let Ok(Parsed::Complete((), used)) = parse_idle_done(input, limits) {
                    self.awaiting = Awaiting::Command;
                    return Ok(Parsed::Complete(ClientMessage::Done, used));
                }
            }
            Awaiting::Command => {}
        }
        match error {
            Some(error) => Err(error),
            None => Ok(Parsed::Incomplete),
        }
    }
}
