//! Parsers for the pieces of IMAP syntax both directions share.
//!
//! Every parser takes the unparsed rest of a *complete* message (framing has already found
//! its end) and returns the rest after what it read, nom style. Running out of input is
//! therefore a syntax error, never a request for more.

pub(crate) mod chars;
pub(crate) mod core;
pub(crate) mod datetime;
pub(crate) mod flag;
pub(crate) mod keyword;
pub(crate) mod sequence;
pub(crate) mod skip;

use nom::error::{ErrorKind, ParseError};

/// A parse failure: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PError<'a> {
    /// The input left at the point of failure.
    pub(crate) at: &'a [u8],
    pub(crate) kind: PErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PErrorKind {
    Expected(&'static str),
    TooDeep,
    NumberTooLarge,
}

impl<'a> ParseError<&'a [u8]> for PError<'a> {
    fn from_error_kind(input: &'a [u8], _: ErrorKind) -> Self {
        PError {
            at: input,
            kind: PErrorKind::Expected("valid IMAP syntax"),
        }
    }

    fn append(_: &'a [u8], _: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Keep the error that got furthest: it names the more specific expectation.
        if other.at.len() <= self.at.len() {
            other
        } else {
            self
        }
    }
}

pub(crate) type PResult<'a, T> = nom::IResult<&'a [u8], T, PError<'a>>;

/// A recoverable failure (alternatives may still match).
#[inline]
pub(crate) fn fail<'a, T>(at: &'a [u8], expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(PError {
        at,
        kind: PErrorKind::Expected(expected),
    }))
}

/// A failure no alternative can repair (too deep, number overflow).
#[inline]
pub(crate) fn fatal<'a, T>(at: &'a [u8], kind: PErrorKind) -> PResult<'a, T> {
    Err(nom::Err::Failure(PError { at, kind }))
}
