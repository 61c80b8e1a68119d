//! A FETCH response read in pieces around a body literal that is streamed rather than held:
//! the pieces [`Framer::stream_literals_above`](crate::imap::codec::framing::Framer::stream_literals_above)
//! hands out, read with the same item grammar as a whole response.

use crate::imap::codec::error::{DecodeError, DecodeErrorKind};
use crate::imap::codec::grammar::core::{
    after_sp, byte, line_end, literal_announcement, number, sp, spaces,
};
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{FetchItem, FetchStreamNext, FetchStreamStart, StreamedLiteral};
use crate::imap::codec::{Parsed, convert, parse_framed};
use crate::limits::Limits;

use super::fetch::{fetch_item_into, fetch_items_opened, item_named, streamed_item};

/// Reads the start of a FETCH response whose literal is streamed: the bytes of a
/// [`Frame::StreamStart`](crate::imap::codec::framing::Frame::StreamStart), from `*` up to
/// and including the literal's announcement and its line end.
///
/// It gives the sequence number, the items complete before the literal, and the item the
/// literal is the value of (`BODY[section]<origin>`, `BINARY[part]<origin>`, `RFC822`,
/// `RFC822.HEADER` or `RFC822.TEXT`) with its size. Anything else is refused: a response
/// other than FETCH, a FETCH whose bytes do not end in a literal announcement, or a literal
/// that is the value of another item (a string in an ENVELOPE, say), which a caller must
/// collect and read whole. A literal larger than `limits.literal_len` is refused as the
/// framer refuses it.
///
/// After the literal's data, the rest of the response is read with
/// [`parse_fetch_stream_end`] (or, when another literal of the same response is streamed
/// too, the piece up to it with [`parse_fetch_stream_next`]).
///
/// ```
/// use mailwire::imap::codec::framing::{Frame, Framer};
/// use mailwire::imap::codec::types::{FetchItem, Section, StreamedItem};
/// use mailwire::imap::codec::{parse_fetch_stream_end, parse_fetch_stream_start};
/// use mailwire::limits::Limits;
///
/// let limits = Limits::default();
/// let wire = b"* 12 FETCH (UID 7 BODY[1.2]<0> {10}\r\n0123456789 RFC822.SIZE 99)\r\n";
/// let mut framer = Framer::responses(limits).stream_literals_above(4);
/// let mut buffer = wire.to_vec();
/// let mut body = Vec::new();
/// loop {
///     match framer.poll(&buffer).unwrap() {
///         Frame::StreamStart { len, size } => {
///             let start = parse_fetch_stream_start(&buffer[..len], &limits).unwrap();
///             assert_eq!((start.seq, size), (12, 10));
///             assert_eq!(start.items, [FetchItem::Uid(7)]);
///             let StreamedItem::BodySection { section, origin } = &start.literal.item else {
///                 panic!("{start:?}");
///             };
///             assert_eq!((&section.part[..], *origin), (&[1, 2][..], Some(0)));
///             buffer.drain(..len);
///         }
///         // A real client writes each piece on (to a file, say) as it comes.
///         Frame::StreamData { len } => body.extend(buffer.drain(..len)),
///         Frame::StreamEnd { len } => {
///             let rest = parse_fetch_stream_end(&buffer[..len], &limits).unwrap();
///             assert_eq!(rest, [FetchItem::Rfc822Size(99)]);
///             buffer.drain(..len);
///             break;
///         }
///         other => panic!("{other:?}"),
///     }
/// }
/// assert_eq!(body, b"0123456789");
/// ```
pub fn parse_fetch_stream_start<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<FetchStreamStart<'a>, DecodeError> {
    let depth = limits.nesting_depth;
    let start = announced_piece(input, limits, |input| start(input, depth))?;
    check_size(input, &start.literal, limits)?;
    Ok(start)
}

/// Reads a piece of a FETCH response between two streamed literals: the bytes of a
/// [`Frame::StreamStart`](crate::imap::codec::framing::Frame::StreamStart) that the framer
/// hands out after one literal's data and before the response's
/// [`Frame::StreamEnd`](crate::imap::codec::framing::Frame::StreamEnd). It gives the items
/// complete between them and the next literal's item, refused as
/// [`parse_fetch_stream_start`] refuses.
pub fn parse_fetch_stream_next<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<FetchStreamNext<'a>, DecodeError> {
    let depth = limits.nesting_depth;
    let next = announced_piece(input, limits, |input| {
        items_then_literal(input, depth)
            .map(|(rest, (items, literal))| (rest, FetchStreamNext { items, literal }))
    })?;
    check_size(input, &next.literal, limits)?;
    Ok(next)
}

/// Reads the rest of a FETCH response after a streamed literal: the bytes of a
/// [`Frame::StreamEnd`](crate::imap::codec::framing::Frame::StreamEnd), such as
/// ` RFC822.SIZE 99)\r\n` or `)\r\n`. It gives the items after the literal, through the
/// closing `)` and the line end, which must end `input`.
pub fn parse_fetch_stream_end<'a>(
    input: &'a [u8],
    limits: &Limits,
) -> Result<Vec<FetchItem<'a>>, DecodeError> {
    let depth = limits.nesting_depth;
    let parsed = parse_framed(input, limits, false, |input| {
        let (rest, items) = fetch_items_opened(input, depth)?;
        let (rest, ()) = line_end(rest)?;
        Ok((rest, items))
    })?;
    match parsed {
        Parsed::Complete(items, len) if len == input.len() => Ok(items),
        Parsed::Complete(_, len) => Err(DecodeError::new(
            len,
            DecodeErrorKind::Syntax {
                expected: "nothing after the line end of the FETCH response",
            },
        )),
        Parsed::Incomplete => Err(DecodeError::new(
            input.len(),
            DecodeErrorKind::Syntax {
                expected: "the rest of the FETCH response through `)` and its line end",
            },
        )),
    }
}

/// `parser`'s value for the whole of `input`, a piece that ends in a literal announcement
/// (which framing would call incomplete, so the grammar reads it directly).
fn announced_piece<'a, T>(
    input: &'a [u8],
    limits: &Limits,
    parser: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> Result<T, DecodeError> {
    match parser(input) {
        Ok((_, value)) => Ok(value),
        Err(error) => Err(convert(input, error, limits)),
    }
}

/// Refuses a literal larger than the limit, where its announcement starts.
fn check_size(
    input: &[u8],
    literal: &StreamedLiteral<'_>,
    limits: &Limits,
) -> Result<(), DecodeError> {
    if literal.size <= limits.literal_len {
        return Ok(());
    }
    // The announcement ends the input, and no `{` follows its own.
    let brace = input.iter().rposition(|&b| b == b'{').unwrap_or(0);
    let at = brace - usize::from(literal.binary && brace > 0);
    Err(DecodeError::new(
        at,
        DecodeErrorKind::LiteralTooLarge {
            announced: Some(literal.size),
            limit: limits.literal_len,
        },
    ))
}

/// `* n FETCH (` and the items up to the streamed literal.
fn start(input: &[u8], depth: usize) -> PResult<'_, FetchStreamStart<'_>> {
    let Some(rest) = input.strip_prefix(b"* ") else {
        return fail(input, "`* ` to start a FETCH response");
    };
    let Ok((rest, seq)) = number(rest) else {
        return fail(
            rest,
            "a message number: only a FETCH response streams a body",
        );
    };
    let (rest, ()) = sp(rest)?;
    let (len, name) = Keyword::leading_atom(rest);
    if name != kw::FETCH {
        return fail(rest, "FETCH");
    }
    let (rest, ()) = byte(after_sp(&rest[len..])?, b'(', "`(`")?;
    let (rest, (items, literal)) = items_then_literal(rest, depth)?;
    Ok((
        rest,
        FetchStreamStart {
            seq,
            items,
            literal,
        },
    ))
}

/// FETCH items, each read as in a whole response, up to a body item whose literal's
/// announcement ends `input`.
fn items_then_literal(
    input: &[u8],
    depth: usize,
) -> PResult<'_, (Vec<FetchItem<'_>>, StreamedLiteral<'_>)> {
    let mut rest = input;
    let mut items = Vec::new();
    loop {
        rest = spaces(rest);
        if let Some(literal) = announced_last(rest) {
            return Ok((&[], (items, literal)));
        }
        if matches!(rest, [] | [b')', ..]) {
            return fail(
                rest,
                "a body item (BODY[...], BINARY[...], RFC822...) whose literal is announced at \
                 the end of the piece",
            );
        }
        rest = match fetch_item_into(rest, depth, &mut items) {
            Ok((rest, ())) => rest,
            // The item ran into the end of the piece, which only a literal's bytes do: the
            // literal is the value of another kind of item.
            Err(nom::Err::Error(error)) if error.at.is_empty() => {
                return fail(
                    rest,
                    "a body item (BODY[...], BINARY[...], RFC822...) for the streamed literal; \
                     another item's literal must be read with the whole response",
                );
            }
            Err(error) => return Err(error),
        };
    }
}

/// The body item that starts `input` when its literal's announcement and line end are all
/// the rest of `input`.
fn announced_last(input: &[u8]) -> Option<StreamedLiteral<'_>> {
    let (item, rest) = item_named(input)?;
    let (rest, item) = streamed_item(item, rest).ok()?;
    let (rest, announced) = literal_announcement(after_sp(rest).ok()?).ok()?;
    rest.is_empty().then_some(StreamedLiteral {
        item,
        size: announced.size,
        mode: announced.mode,
        binary: announced.binary,
    })
}
