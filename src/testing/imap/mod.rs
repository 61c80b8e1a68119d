//! In-memory IMAP server.
pub(crate) mod message;
