//! The IMAP4rev1 codec: bytes in, values out; values in, bytes out. No I/O.
//!
//! * [`framing`] splits a byte stream into complete messages within [`Limits`].
//! * [`parse_greeting`], [`parse_response`] and [`parse_command`] read one message from the
//!   start of a buffer; values borrow from it (see [`types::IntoOwned`]).
//! * [`encode`] writes responses and commands back, choosing atom, quoted string or literal
//!   as the grammar requires, and says where a client must wait for `+`.
//! * [`utf7`] converts mailbox names.
//!
//! ```
//! use mailwire::imap::codec::{parse_response, types::{Data, FetchItem, Response}};
//! use mailwire::limits::Limits;
//!
//! let input = b"* 12 FETCH (UID 4827 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\na1 OK done\r\n";
//! let first = parse_response(input, &Limits::default()).unwrap();
//! let Response::Data(Data::Fetch { seq: 12, items }) = &first.value else { panic!() };
//! assert_eq!(items[0], FetchItem::Uid(4827));
//! let FetchItem::BodySection { data: Some(body), .. } = &items[2] else { panic!() };
//! assert_eq!(body.as_bytes(), b"hello");
//!
//! let second = parse_response(&input[first.consumed..], &Limits::default()).unwrap();
//! assert!(matches!(second.value, Response::Status(_)));
//!
//! // Errors name the byte and the reason.
//! let error = parse_response(b"* 1 FETCH (UID x)\r\n", &Limits::default()).unwrap_err();
//! assert_eq!(error.offset, 15);
//! assert_eq!(error.to_string(), "unexpected input at byte 15: expected a number");
//! ```

pub mod encode;
pub mod error;
pub mod framing;
pub mod types;
pub mod utf7;

pub(crate) mod command;
pub(crate) mod grammar;
pub(crate) mod response;

use crate::limits::Limits;

pub use self::encode::{
    EncodeOptions, EncodedCommand, Segment, encode_command, encode_greeting, encode_response,
};
pub use self::error::{DecodeError, DecodeErrorKind, EncodeError};
use self::grammar::{PError, PErrorKind};
use self::types::{AuthenticateData, Command, Greeting, Response};

/// A value read from the start of a buffer, and how many bytes it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The value.
    pub value: T,
    /// Bytes taken from the buffer, line end included; the next message starts there.
    pub consumed: usize,
}

fn convert(input: &[u8], error: nom::Err<PError<'_>>, limits: &Limits) -> DecodeError {
    let failure = match error {
        nom::Err::Error(failure) | nom::Err::Failure(failure) => failure,
        nom::Err::Incomplete(_) => {
            return DecodeError::new(input.len(), DecodeErrorKind::Incomplete);
        }
    };
    let offset = input.len().saturating_sub(failure.at.len());
    let kind = match failure.kind {
        PErrorKind::Expected(expected) => DecodeErrorKind::Syntax { expected },
        PErrorKind::TooDeep => DecodeErrorKind::TooDeep {
            limit: limits.nesting_depth,
        },
        PErrorKind::NumberTooLarge => DecodeErrorKind::NumberTooLarge,
    };
    DecodeError::new(offset, kind)
}

fn parse_framed<'a, T>(
    input: &'a [u8],
    limits: &Limits,
    commands: bool,
    parser: impl FnOnce(&'a [u8]) -> grammar::PResult<'a, T>,
) -> Result<Parsed<T>, DecodeError> {
    let len = framing::first_message(input, limits, commands)?;
    let message = &input[..len];
    match parser(message) {
        Ok(([], value)) => Ok(Parsed {
            value,
            consumed: len,
        }),
        Ok((rest, _)) => Err(DecodeError::new(
            len - rest.len(),
            DecodeErrorKind::Syntax {
                expected: "the end of the message",
            },
        )),
        Err(error) => Err(convert(message, error, limits)),
    }
}

/// Reads the server greeting at the start of `input`.
pub fn parse_greeting<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<Greeting<'a>>, DecodeError> {
    parse_framed(input, limits, false, response::greeting)
}

/// Reads one server response at the start of `input`.
///
/// `input` may hold more after it; [`Parsed::consumed`] says where the next one starts. An
/// input that ends inside the response gives [`DecodeErrorKind::Incomplete`]. Bounds come
/// from `limits` (line, literal and message sizes; nesting depth).
pub fn parse_response<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<Response<'a>>, DecodeError> {
    let depth = limits.nesting_depth;
    parse_framed(input, limits, false, |message| {
        response::response(message, depth)
    })
}

/// Reads one client command at the start of `input` (literals included, as if the server
/// had accepted each).
pub fn parse_command<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<Command<'a>>, DecodeError> {
    let depth = limits.nesting_depth;
    let parsed = parse_framed(input, limits, true, |message| {
        command::command(message, depth)
    })?;
    if let Some(data) = command::literals::literal_with_nul(&parsed.value.body) {
        // The literal borrows from `input`, so its address gives its offset.
        let start = (data.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
        let nul = data.iter().position(|&b| b == 0).unwrap_or(0);
        return Err(DecodeError::new(
            start + nul,
            DecodeErrorKind::Syntax {
                expected: "a literal without NUL (only a literal8 may carry NUL)",
            },
        ));
    }
    Ok(parsed)
}

/// Reads the line a client sends to answer an AUTHENTICATE challenge (base64, or `*`).
pub fn parse_authenticate_data<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<AuthenticateData<'a>>, DecodeError> {
    parse_framed(input, limits, true, command::authenticate_data)
}

/// Reads the `DONE` that ends IDLE (any case).
pub fn parse_idle_done(input: &[u8], limits: &Limits) -> Result<Parsed<()>, DecodeError> {
    parse_framed(input, limits, true, command::idle_done)
}
