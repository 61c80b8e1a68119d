//! IMAP4rev1: the sans-IO codec (responses, commands, framing, modified UTF-7) and (feature
//! `client`) the client.
//!
//! ```
//! use mailwire::imap::codec::{parse_response, types::{Response, Data}, Parsed};
//! use mailwire::limits::Limits;
//!
//! let parsed = parse_response(b"* 23 EXISTS\r\n", &Limits::default()).unwrap();
//! assert!(matches!(parsed, Parsed::Complete(Response::Data(Data::Exists(23)), 13)));
//! ```
#![cfg_attr(
    feature = "client",
    doc = r#"
With the `client` feature this module is the one import a mail reader needs: the client's
own types ([`ClientBuilder`], [`Client`], [`Deadlines`], [`Event`], [`Error`]…) and, from
where they live, what connecting takes: [`Credentials`], [`Security`], [`TlsConfig`],
[`Transcript`], [`Direction`].
"#
)]

pub mod codec;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "client")]
pub use client::*;

#[cfg(feature = "client")]
pub use crate::net::{Direction, TlsConfig, Transcript};
#[cfg(feature = "client")]
pub use crate::sasl::Credentials;
#[cfg(feature = "client")]
pub use crate::security::Security;
