//! SMTP codec: replies, EHLO capabilities, commands and DATA, both directions, no I/O.
//!
//! Everything here turns bytes into values and values into bytes; nothing reads a socket.
//! A client parses [`Reply`]s and encodes [`Command`]s and message data with
//! [`DataEncoder`]; a server (or a test double) does the opposite with [`parse_command`],
//! [`OwnedReply::encode`] and [`DataDecoder`].
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_reply, Capabilities, Command, Parsed};
//!
//! let wire = b"250-mx.example.com greets you\r\n250-SIZE 35882577\r\n250 AUTH PLAIN LOGIN\r\n";
//! let Parsed::Complete(reply, consumed) = parse_reply(wire, &Limits::default())? else {
//!     panic!("the whole reply is in the buffer");
//! };
//! assert_eq!(consumed, wire.len());
//! let capabilities = Capabilities::from_ehlo(&reply)?;
//! assert_eq!(capabilities.size, Some(35882577));
//! assert!(capabilities.supports_auth("plain"));
//!
//! let mut out = Vec::new();
//! Command::Ehlo { domain: "client.example.org" }.encode(&mut out)?;
//! assert_eq!(out, b"EHLO client.example.org\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod command_parse;
mod data;
mod ehlo;
mod reply;
mod reply_parse;

pub use command::{Command, CommandError, Parameter, auth_response_line};
pub use command_parse::{AuthResponse, parse_auth_response, parse_command, parse_command_line};
pub use data::{DataDecoder, DataEncoder, DataError, DataStatus, decode_data, encode_data};
pub use ehlo::{Capabilities, EhloError};
pub use reply::{EnhancedCode, OwnedReply, Reply, ReplyCode, ReplyLines, ReplyTextLines};
pub use reply_parse::{ReplyError, ReplyParser, parse_reply};

/// The outcome of parsing from the front of a buffer that may not hold a whole item yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed<T> {
    /// A whole item, and how many bytes of the buffer it took.
    Complete(T, usize),
    /// The buffer ends before the item does: read more bytes and parse again from the
    /// same start. Nothing has been consumed.
    Incomplete,
}

impl<T> Parsed<T> {
    /// Applies `f` to a complete item, keeping the byte count.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Parsed<U> {
        match self {
            Parsed::Complete(item, consumed) => Parsed::Complete(f(item), consumed),
            Parsed::Incomplete => Parsed::Incomplete,
        }
    }

    /// The complete item, or `None` when more bytes are needed.
    pub fn complete(self) -> Option<(T, usize)> {
        match self {
            Parsed::Complete(item, consumed) => Some((item, consumed)),
            Parsed::Incomplete => None,
        }
    }
}

#[cfg(test)]
mod tests;
