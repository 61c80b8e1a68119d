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

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
mod command;
mod command_parse;
mod data;
mod ehlo;
mod ehlo_lists;
mod ehlo_names;
mod reply;
mod reply_parse;

pub use command::{Command, CommandError, Parameter, auth_response_line};
pub use command_parse::{AuthResponse, parse_auth_response, parse_command, parse_command_line};
pub use data::{DataDecoder, DataEncoder, DataError, DataStatus, decode_data, encode_data};
pub use ehlo::{Capabilities, EhloError, ExtensionError};
pub use ehlo_lists::{Mechanisms, OtherExtensions};
pub use reply::{EnhancedCode, OwnedReply, Reply, ReplyCode, ReplyLines, ReplyTextLines};
pub use reply_parse::{ReplyError, ReplyParser, parse_reply};

/// The result of every parse here (shared with IMAP): see [`crate::Parsed`].
pub use crate::Parsed;

#[cfg(test)]
mod tests;
