//! Message data after DATA: line ends made CRLF, leading dots doubled, `CRLF.CRLF` at the
//! end; and the reverse for a server.
//!
//! [`DataEncoder`] turns any body into bytes that are safe after `354`: every bare CR and
//! bare LF becomes CRLF (so no line end a receiving server might read differently ever
//! reaches the wire), a line starting with `.` gets a second `.`, and the data ends with
//! exactly one `CRLF.CRLF`. It streams: chunk boundaries may fall anywhere, even between
//! the CR and LF of one line end, and the bytes out are the same as from one call.
//!
//! [`DataDecoder`] is the server side: it removes the stuffed dots and stops at the
//! terminating `CRLF.CRLF`, and by default refuses bare CR and LF, the raw material of
//! SMTP smuggling.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{decode_data, encode_data, DataEncoder, Parsed};
//!
//! let wire = encode_data(b"Subject: hi\n\n.hidden\rend")?;
//! assert_eq!(wire, b"Subject: hi\r\n\r\n..hidden\r\nend\r\n.\r\n");
//!
//! // The same bytes when the body arrives in pieces.
//! let mut encoder = DataEncoder::new();
//! let mut chunked = Vec::new();
//! for piece in [&b"Subject: hi\n"[..], b"\n.hid", b"den\r", b"end"] {
//!     encoder.encode_chunk(piece, &mut chunked)?;
//! }
//! encoder.finish(&mut chunked)?;
//! assert_eq!(chunked, wire);
//!
//! let Parsed::Complete(body, consumed) = decode_data(&wire, &Limits::default())? else {
//!     panic!("the terminator is in the buffer");
//! };
//! assert_eq!(body, b"Subject: hi\r\n\r\n.hidden\r\nend\r\n");
//! assert_eq!(consumed, wire.len());
//! # Ok::<(), mailwire::smtp::codec::DataError>(())
//! ```

use core::fmt;

use super::Parsed;
use crate::limits::Limits;
use crate::scan::{find_byte, find_cr_or_lf};

/// Streams a message body into DATA wire form.
#[derive(Debug, Clone)]
pub struct DataEncoder {
    /// The next byte starts a line (so a `.` there must be doubled).
    at_line_start: bool,
    /// The last chunk ended with a CR, already written as CRLF: an LF that opens the
    /// next chunk belongs to it.
    skip_lf: bool,
    /// Bytes of the current line so far, without its ending or a stuffed dot.
    line_len: usize,
    /// Number of the current line, from 1.
    line: u64,
    /// The error that stopped the encoder; it repeats on every later call.
    failed: Option<DataError>,
}

impl Default for DataEncoder {
    fn default() -> Self {
        DataEncoder::new()
    }
}

impl DataEncoder {
    /// The longest line a message may have, in octets without CRLF (RFC 5322 section
    /// 2.1.1).
    pub const MAX_LINE_LEN: usize = 998;

    /// An encoder at the start of a body.
    pub fn new() -> Self {
        DataEncoder {
            at_line_start: true,
            skip_lf: false,
            line_len: 0,
            line: 1,
            failed: None,
        }
    }

    /// Appends the wire form of the next piece of the body to `out`.
    ///
    /// On error nothing from this piece is left in `out`, and the encoder refuses all
    /// further input with the same error: the message cannot be sent as it is.
    pub fn encode_chunk(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), DataError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let mut rest = input;
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            if let Some(tail) = rest.strip_prefix(b"\n") {
                rest = tail;
            }
        }
        let start_len = out.len();
        // Room for the body and some stuffed dots and widened line ends: one reservation
        // instead of a regrowth per line.
        out.reserve(rest.len() + rest.len() / 16 + 8);
        while let Some(&first) = rest.first() {
            if self.at_line_start && first == b'.' {
                out.push(b'.');
            }
            let ending = find_cr_or_lf(rest);
            let run_len = ending.unwrap_or(rest.len());
            let line_len = self.line_len + run_len;
            if line_len > Self::MAX_LINE_LEN {
                out.truncate(start_len);
                let error = DataError::LineTooLong {
                    line: self.line,
                    length: line_len,
                    limit: Self::MAX_LINE_LEN,
                };
                self.failed = Some(error.clone());
                return Err(error);
            }
            let (run, after) = rest.split_at(run_len);
            out.extend_from_slice(run);
            match after {
                [] => {
                    self.line_len = line_len;
                    self.at_line_start &= run.is_empty();
                    rest = after;
                }
                [b'\r', b'\n', tail @ ..] | [b'\r', tail @ ..] | [b'\n', tail @ ..] => {
                    if let [b'\r'] = after {
                        // The LF that may pair with this CR is in the next chunk.
                        self.skip_lf = true;
                    }
                    out.extend_from_slice(b"\r\n");
                    self.line += 1;
                    self.line_len = 0;
                    self.at_line_start = true;
                    rest = tail;
                }
                [_, tail @ ..] => rest = tail,
            }
        }
        Ok(())
    }

    /// Ends the data: a CRLF if the body did not end with a line end, then `.` CRLF.
    pub fn finish(self, out: &mut Vec<u8>) -> Result<(), DataError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if !self.at_line_start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        Ok(())
    }
}

/// The whole DATA wire form of `body`, terminator included.
pub fn encode_data(body: &[u8]) -> Result<Vec<u8>, DataError> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 16 + 8);
    let mut encoder = DataEncoder::new();
    encoder.encode_chunk(body, &mut out)?;
    encoder.finish(&mut out)?;
    Ok(out)
}

/// How far a [`DataDecoder`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStatus {
    /// All of the input was taken; the message goes on.
    NeedMore,
    /// The terminating `CRLF.CRLF` ended after `consumed` bytes of the last input; the
    /// bytes after it are the client's next command.
    Done {
        /// Bytes of the last input that belonged to the data.
        consumed: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DecodeState {
    /// At the first byte of a line.
    LineStart,
    /// A line began with `.`: either stuffing or the terminator.
    Dot,
    /// A line began with `.` CR: the terminator if LF follows.
    DotCr,
    /// Inside a line.
    InLine,
    /// Inside a line, after a CR.
    Cr,
    /// The terminator has been seen.
    Done,
}

/// Reads DATA wire form back into the message (server side), chunk by chunk.
///
/// Output keeps CRLF line ends and loses the stuffed dots; the line end before the
/// terminating `.` belongs to the message.
#[derive(Debug, Clone)]
pub struct DataDecoder {
    state: DecodeState,
    strict: bool,
    line: u64,
    line_len: usize,
    max_line_len: usize,
    total: u64,
    max_total: u64,
}

impl DataDecoder {
    /// A decoder bounded by `limits.line_len` per line and `limits.response_len` in all,
    /// that refuses bare CR and bare LF.
    pub fn new(limits: &Limits) -> Self {
        DataDecoder {
            state: DecodeState::LineStart,
            strict: true,
            line: 1,
            line_len: 0,
            max_line_len: limits.line_len,
            total: 0,
            max_total: limits.response_len,
        }
    }

    /// The same decoder, but passing bare CR and bare LF through as ordinary bytes. Only
    /// CRLF ends a line either way, so `LF.LF` never ends the data.
    pub fn lenient(mut self) -> Self {
        self.strict = false;
        self
    }

    /// Decodes the next bytes received, appending message bytes to `out`.
    ///
    /// After [`DataStatus::Done`] the decoder takes nothing more (`consumed` is 0).
    pub fn decode(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<DataStatus, DataError> {
        let mut index = 0;
        while let Some(&byte) = input.get(index) {
            match self.state {
                DecodeState::Done => return Ok(DataStatus::Done { consumed: 0 }),
                DecodeState::LineStart => {
                    if byte == b'.' {
                        self.state = DecodeState::Dot;
                        self.line_len = 1;
                        index += 1;
                    } else {
                        self.state = DecodeState::InLine;
                    }
                }
                DecodeState::Dot => {
                    if byte == b'\r' {
                        self.state = DecodeState::DotCr;
                        index += 1;
                    } else {
                        // A stuffed dot: dropped, and the line goes on.
                        self.state = DecodeState::InLine;
                    }
                }
                DecodeState::DotCr => {
                    if byte == b'\n' {
                        self.state = DecodeState::Done;
                        return Ok(DataStatus::Done {
                            consumed: index + 1,
                        });
                    }
                    // The line was ". CR x": the dot is stuffing and the CR is bare.
                    self.bare_cr(out)?;
                }
                DecodeState::Cr => {
                    if byte == b'\n' {
                        self.emit(out, b"\r\n")?;
                        self.line += 1;
                        self.line_len = 0;
                        self.state = DecodeState::LineStart;
                        index += 1;
                    } else {
                        self.bare_cr(out)?;
                    }
                }
                DecodeState::InLine => {
                    let rest = input.get(index..).unwrap_or_default();
                    let stop = if self.strict {
                        find_cr_or_lf(rest)
                    } else {
                        find_byte(b'\r', rest)
                    };
                    let run = rest.get(..stop.unwrap_or(rest.len())).unwrap_or_default();
                    self.line_len += run.len();
                    if self.line_len > self.max_line_len {
                        return Err(DataError::LineTooLong {
                            line: self.line,
                            length: self.line_len,
                            limit: self.max_line_len,
                        });
                    }
                    self.emit(out, run)?;
                    index += run.len();
                    match rest.get(run.len()) {
                        Some(b'\r') => {
                            self.state = DecodeState::Cr;
                            index += 1;
                        }
                        Some(_) => return Err(DataError::BareLineFeed { line: self.line }),
                        None => {}
                    }
                }
            }
        }
        Ok(match self.state {
            DecodeState::Done => DataStatus::Done { consumed: 0 },
            _ => DataStatus::NeedMore,
        })
    }

    /// True once the terminating `CRLF.CRLF` has been read.
    pub fn is_done(&self) -> bool {
        self.state == DecodeState::Done
    }

    /// A CR not followed by LF: an error, or (lenient) one more byte of the line.
    fn bare_cr(&mut self, out: &mut Vec<u8>) -> Result<(), DataError> {
        if self.strict {
            return Err(DataError::BareCarriageReturn { line: self.line });
        }
        self.line_len += 1;
        self.emit(out, b"\r")?;
        self.state = DecodeState::InLine;
        Ok(())
    }

    fn emit(&mut self, out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), DataError> {
        self.total += bytes.len() as u64;
        if self.total > self.max_total {
            return Err(DataError::TooLarge {
                limit: self.max_total,
            });
        }
        out.extend_from_slice(bytes);
        Ok(())
    }
}

/// Decodes DATA wire form held whole in `input` (strict, see [`DataDecoder::new`]).
///
/// Returns the message and the bytes taken through the terminator, or
/// [`Parsed::Incomplete`] when the terminator has not arrived.
pub fn decode_data(input: &[u8], limits: &Limits) -> Result<Parsed<Vec<u8>>, DataError> {
    let mut decoder = DataDecoder::new(limits);
    let mut out = Vec::with_capacity(input.len());
    match decoder.decode(input, &mut out)? {
        DataStatus::Done { consumed } => Ok(Parsed::Complete(out, consumed)),
        DataStatus::NeedMore => Ok(Parsed::Incomplete),
    }
}

/// Why message data cannot be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataError {
    /// A line is longer than allowed.
    LineTooLong {
        /// Line number within the message, from 1.
        line: u64,
        /// Octets of the line seen before giving up (more than `limit`).
        length: usize,
        /// The most allowed, without CRLF.
        limit: usize,
    },
    /// A CR not followed by LF in received data (strict decoding).
    BareCarriageReturn {
        /// Line number within the message, from 1.
        line: u64,
    },
    /// An LF not preceded by CR in received data (strict decoding).
    BareLineFeed {
        /// Line number within the message, from 1.
        line: u64,
    },
    /// The message grew larger than allowed.
    TooLarge {
        /// The limit in force (`Limits::response_len`).
        limit: u64,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::LineTooLong {
                line,
                length,
                limit,
            } => write!(
                f,
                "line {line} of the message is longer than {limit} octets (at least {length}); \
                 SMTP cannot carry it: wrap the text, or encode the body as quoted-printable \
                 or base64"
            ),
            DataError::BareCarriageReturn { line } => write!(
                f,
                "line {line} of the message data holds a CR without LF; SMTP data must use \
                 CRLF line ends"
            ),
            DataError::BareLineFeed { line } => write!(
                f,
                "line {line} of the message data holds an LF without CR; SMTP data must use \
                 CRLF line ends"
            ),
            DataError::TooLarge { limit } => {
                write!(f, "the message is larger than the {limit}-byte limit")
            }
        }
    }
}

impl std::error::Error for DataError {}
