//! Errors of the IMAP codec: reading bytes (framing and parsing) and writing them.
//!
//! ```
//! use mailwire::imap::codec::{parse_response, DecodeErrorKind, Parsed};
//! use mailwire::limits::Limits;
//!
//! let error = parse_response(b"* 1 FETCH (BODY[] {4294967296}\r\n", &Limits::default()).unwrap_err();
//! assert!(matches!(error.kind, DecodeErrorKind::LiteralTooLarge { announced: Some(4294967296), .. }));
//! assert_eq!(error.offset, 18);
//!
//! // A message cut short is no error: the parser asks for more bytes.
//! assert_eq!(parse_response(b"* 1 EXI", &Limits::default()), Ok(Parsed::Incomplete));
//! ```

use std::fmt;

/// Why bytes from a peer could not be read as an IMAP message. (An input that merely ends
/// early is no error: the parsers answer [`Parsed::Incomplete`](crate::Parsed::Incomplete).)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A line is longer than the limit.
    LineTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A literal announces more bytes than the limit allows (or more than a number holds).
    LiteralTooLarge {
        /// The size announced, if it fits in 64 bits.
        announced: Option<u64>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The message (lines and literals) is larger than `Limits::response_len`.
    MessageTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// Parenthesised lists are nested deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A number does not fit the grammar's range.
    NumberTooLarge,
    /// The bytes do not follow the grammar.
    Syntax {
        /// What the parser expected at that point.
        expected: &'static str,
    },
}

/// Bytes that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset of the offending byte from the start of the input given to the parser.
    pub offset: usize,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    pub(crate) fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        DecodeError { offset, kind }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset;
        match &self.kind {
            DecodeErrorKind::LineTooLong { limit } => write!(
                f,
                "line at byte {at} is longer than {limit} bytes; raise the line limit if the peer is \
                 genuine"
            ),
            DecodeErrorKind::LiteralTooLarge {
                announced: Some(size),
                limit,
            } => write!(
                f,
                "literal announced at byte {at} holds {size} bytes, more than the limit of {limit}"
            ),
            DecodeErrorKind::LiteralTooLarge {
                announced: None, ..
            } => {
                write!(
                    f,
                    "literal announced at byte {at} has a size too large to represent"
                )
            }
            DecodeErrorKind::MessageTooLarge { limit } => write!(
                f,
                "message reaches byte {at} and is larger than the limit of {limit} bytes \
                 (Limits::response_len)"
            ),
            DecodeErrorKind::TooDeep { limit } => write!(
                f,
                "lists at byte {at} are nested more than {limit} levels deep"
            ),
            DecodeErrorKind::NumberTooLarge => write!(f, "number at byte {at} is too large"),
            DecodeErrorKind::Syntax { expected } => {
                write!(f, "unexpected input at byte {at}: expected {expected}")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be written in IMAP syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// The value holds something its position in the grammar cannot carry (NUL anywhere but
    /// a literal8, CR or LF in a quoted string or text, a character an atom cannot hold).
    Unrepresentable {
        /// What was being written.
        what: &'static str,
        /// Why it cannot be.
        reason: &'static str,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Unrepresentable { what, reason } => {
                write!(f, "cannot write this {what} in IMAP: {reason}")
            }
        }
    }
}

impl std::error::Error for EncodeError {}
