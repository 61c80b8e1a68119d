//! SMTP submission: the sans-IO codec and (feature `client`) the client.

pub mod codec;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "client")]
pub use client::*;
