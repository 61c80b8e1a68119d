//! The IMAP4rev1 codec: bytes in, values out; values in, bytes out. No I/O.
//!
//! * [`framing`] splits a byte stream into complete messages within [`Limits`].
//! * [`parse_greeting`], [`parse_response`] and [`parse_command`] read one message from the
//!   start of a buffer; values borrow from it (see [`types::IntoOwned`]).
//! * [`parse_fetch_stream_start`], [`parse_fetch_stream_next`] and
//!   [`parse_fetch_stream_end`] read a FETCH response in the pieces the framer hands out
//!   when it streams a large body literal instead of holding it.
//! * [`encode`] writes responses and commands back, choosing atom, quoted string or literal
//!   as the grammar requires, and says where a client must wait for `+`.
//! * [`utf7`] converts mailbox names.
//!
//! ```
//! use mailwire::imap::codec::{parse_response, types::{Data, FetchItem, Response}, Parsed};
//! use mailwire::limits::Limits;
//!
//! let input = b"* 12 FETCH (UID 4827 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\na1 OK done\r\n";
//! let Parsed::Complete(first, used) = parse_response(input, &Limits::default()).unwrap() else {
//!     panic!("the whole response is there");
//! };
//! let Response::Data(Data::Fetch { seq: 12, items }) = &first else { panic!() };
//! assert_eq!(items[0], FetchItem::Uid(4827));
//! let FetchItem::BodySection { data: Some(body), .. } = &items[2] else { panic!() };
//! assert_eq!(body.as_bytes(), b"hello");
//!
//! let rest = &input[used..];
//! let (second, _) = parse_response(rest, &Limits::default()).unwrap().complete().unwrap();
//! assert!(matches!(second, Response::Status(_)));
//!
//! // An input that ends inside a message asks for more; it is not an error.
//! assert_eq!(parse_response(&input[..30], &Limits::default()), Ok(Parsed::Incomplete));
//!
//! // Errors name the byte and the reason.
//! let error = parse_response(b"* 1 FETCH (UID x)\r\n", &Limits::default()).unwrap_err();
//! assert_eq!(error.offset, 15);
//! assert_eq!(error.to_string(), "unexpected input at byte 15: expected a number");
//! ```

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
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
pub use self::response::stream::{
    parse_fetch_stream_end, parse_fetch_stream_next, parse_fetch_stream_start,
};
use self::types::{AuthenticateData, Command, Greeting, Response};

/// The result of every parse here (shared with SMTP): see [`crate::Parsed`]. The byte count
/// includes the line end; the next message starts there.
pub use crate::Parsed;

/// A sequence set as a user or a command writes it (`1:4,7,9:*`, `$` for a saved search
/// result): what a tool takes from its command line, read by the same grammar that reads
/// commands, so the two cannot disagree.
///
/// ```
/// use mailwire::imap::codec::types::SequenceSet;
///
/// let set: SequenceSet = "1:4,7,9:*".parse().unwrap();
/// assert_eq!(set.to_string(), "1:4,7,9:*");
/// assert!("1,".parse::<SequenceSet>().is_err());
/// assert!("".parse::<SequenceSet>().is_err());
/// ```
impl core::str::FromStr for types::SequenceSet {
    type Err = DecodeError;

    fn from_str(text: &str) -> Result<Self, DecodeError> {
        let input = text.as_bytes();
        match grammar::sequence::command_sequence_set(input) {
            Ok(([], set)) => Ok(set),
            Ok((rest, _)) => Err(DecodeError::new(
                input.len() - rest.len(),
                DecodeErrorKind::Syntax {
                    expected: "`,` and another number or range, or the end of the set",
                },
            )),
            Err(error) => Err(convert(input, error, &Limits::default())),
        }
    }
}

fn convert(input: &[u8], error: nom::Err<PError<'_>>, limits: &Limits) -> DecodeError {
    let failure = match error {
        nom::Err::Error(failure) | nom::Err::Failure(failure) => failure,
        // Framing has already found where the message ends, so more input would not change
        // it: a grammar that wants more than the whole message meets a message cut short.
        nom::Err::Incomplete(_) => {
            return DecodeError::new(
                input.len(),
                DecodeErrorKind::Syntax {
                    expected: "more of the message before its end",
                },
            );
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
    let Some(len) = framing::first_message(input, limits, commands)? else {
        return Ok(Parsed::Incomplete);
    };
    let message = &input[..len];
    match parser(message) {
        Ok(([], value)) => Ok(Parsed::Complete(value, len)),
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
/// `input` may hold more after it; the byte count in [`Parsed::Complete`] says where the
/// next one starts. An input that ends inside the response gives [`Parsed::Incomplete`]:
/// read more and call again from the same start. Bounds come from `limits` (line, literal
/// and message sizes; nesting depth).
pub fn parse_response<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Parsed<Response<'a>>, DecodeError> {
    let depth = limits.nesting_depth;
    if let Some((value, consumed)) = parse_response_directly(input, limits) {
        return Ok(Parsed::Complete(value, consumed));
    }
    parse_framed(input, limits, false, |message| {
        response::response(message, depth)
    })
}

/// Parses a response straight from `input`, skipping the framing pass, when the result is
/// certain to be what framing first would give (a whole response and its length); `None`
/// means: frame first.
fn parse_response_directly<'a>(input: &'a [u8], limits: &Limits) -> Option<(Response<'a>, usize)> {
    // The checks look at the parsed value where `response` left it, so that it is moved
    // once, into the caller's result, rather than into a local first (a move is a copy of
    // 128 bytes, a tenth of what parsing a LIST response costs).
    let parsed = response::response(input, limits.nesting_depth);
    let consumed = match &parsed {
        Ok((rest, value)) if directly_framed(input, input.len() - rest.len(), value, limits) => {
            input.len() - rest.len()
        }
        _ => return None,
    };
    parsed.ok().map(|(_, value)| (value, consumed))
}

/// True when framing would find that the `consumed` bytes of `input` that parsed into
/// `value` are one whole message within `limits`.
#[inline(always)]
fn directly_framed(input: &[u8], consumed: usize, value: &Response<'_>, limits: &Limits) -> bool {
    // A message no longer than the smallest limit is within every limit without looking
    // at its lines and literals one by one.
    let bound = limits
        .line_len
        .min(usize::try_from(limits.literal_len).unwrap_or(usize::MAX))
        .min(usize::try_from(limits.response_len).unwrap_or(usize::MAX));
    if consumed > bound {
        return false;
    }
    // Framing reads a literal after a line that ends in `}`, which status text may do; and
    // an unknown response is only delimited by framing.
    let Some(line) = input
        .get(..consumed)
        .and_then(|message| message.strip_suffix(b"\n"))
    else {
        return false;
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    !(line.ends_with(b"}") || matches!(value, Response::Data(types::Data::Other(_))))
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
    if let Parsed::Complete(value, _) = &parsed
        && let Some(data) = command::literals::literal_with_nul(&value.body)
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn framed<'a>(input: &'a [u8], limits: &Limits) -> Result<Parsed<Response<'a>>, DecodeError> {
        let depth = limits.nesting_depth;
        parse_framed(input, limits, false, |message| {
            response::response(message, depth)
        })
    }

    fn agree(input: &[u8], limits: &Limits) {
        if let Some((value, consumed)) = parse_response_directly(input, limits) {
            assert_eq!(
                Ok(Parsed::Complete(value, consumed)),
                framed(input, limits),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn parsing_directly_agrees_with_framing_first() {
        let streams: [&[u8]; 3] = [
            include_bytes!("../../../tests/fixtures/imap/rfc3501.server"),
            include_bytes!("../../../tests/fixtures/imap/extensions.server"),
            include_bytes!("../../../tests/fixtures/imap/icloud.server"),
        ];
        let tight = Limits::default().with_line_len(40).with_literal_len(8);
        for stream in streams {
            for start in 0..stream.len() {
                agree(&stream[start..], &Limits::default());
                agree(&stream[start..], &tight);
            }
        }
        // Lines that look like literal announcements to framing, and near misses.
        for line in [
            &b"* OK text {5}\r\nhello\r\n"[..],
            b"* OK text {5}\r\n",
            b"* XUNKNOWN a b\r\n* 1 EXISTS\r\n",
            b"* 1 FETCH (BODY[] {3}\r\nabc)\r\n* 2 EXISTS\r\n",
            b"* 1 FETCH (BODY[] {3}\r\nab",
            b"+ {3}\r\nabc\r\n",
        ] {
            agree(line, &Limits::default());
            agree(line, &tight);
        }
    }
}
