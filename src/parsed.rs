//! The one result of parsing an item from the front of a buffer, shared by SMTP and IMAP.
//!
//! Every parser that reads from a stream takes the bytes received so far and answers with
//! [`Parsed`]: the item and the bytes it took, or "read more". A buffer that merely ends
//! early is never an error, so a caller's read loop is the same for both protocols.
//!
//! ```
//! use mailwire::Parsed;
//! use mailwire::imap::codec::{parse_response, types::{Data, Response}};
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::parse_reply;
//!
//! let limits = Limits::default();
//! // An SMTP reply and an IMAP response, each first cut short, then whole.
//! assert_eq!(parse_reply(b"250-SIZE 1000\r\n250 PIPE", &limits)?, Parsed::Incomplete);
//! let (reply, used) = parse_reply(b"250 OK\r\nnext", &limits)?.complete().unwrap();
//! assert_eq!((reply.code().get(), used), (250, 8));
//!
//! assert!(!parse_response(b"* 23 EXI", &limits)?.is_complete());
//! let parsed = parse_response(b"* 23 EXISTS\r\n* 1 RECENT\r\n", &limits)?;
//! assert_eq!(parsed.consumed(), Some(13));
//! assert_eq!(parsed.map(|r| matches!(r, Response::Data(Data::Exists(23)))),
//!            Parsed::Complete(true, 13));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// The outcome of parsing from the front of a buffer that may not hold a whole item yet.
///
/// Errors (bytes that break the grammar or a limit) travel beside it in a `Result`;
/// `Parsed` only says whether the item is all there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed<T> {
    /// A whole item, and how many bytes of the buffer it took; the next item starts there.
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

    /// The complete item and its byte count, or `None` when more bytes are needed.
    pub fn complete(self) -> Option<(T, usize)> {
        match self {
            Parsed::Complete(item, consumed) => Some((item, consumed)),
            Parsed::Incomplete => None,
        }
    }

    /// True when a whole item was read.
    pub fn is_complete(&self) -> bool {
        matches!(self, Parsed::Complete(..))
    }

    /// How many bytes the complete item took, or `None` when more bytes are needed.
    pub fn consumed(&self) -> Option<usize> {
        match self {
            Parsed::Complete(_, consumed) => Some(*consumed),
            Parsed::Incomplete => None,
        }
    }
}
