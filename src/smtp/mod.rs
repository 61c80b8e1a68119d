//! SMTP submission: the sans-IO codec and (feature `client`) the client.

pub mod codec;
