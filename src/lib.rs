//! mailwire: SMTP and IMAP on the wire.
//!
//! (Crate documentation with a runnable example is written when the public API settles.)

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod imap;
pub mod limits;
pub mod message;
pub mod sasl;
pub mod scan;
pub mod smtp;

#[cfg(feature = "client")]
pub mod net;

#[cfg(feature = "testing")]
pub mod testing;
