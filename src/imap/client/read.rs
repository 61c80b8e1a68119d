//! Reading through the framer: one response, or one piece of a large literal, under the
//! response deadline (and the literal deadline while a large literal arrives).

use super::error::Error;
use super::session::Client;
use crate::imap::codec::framing::Frame;
use crate::imap::codec::types::{Greeting, IntoOwned, Response};
use crate::imap::codec::{DecodeError, Parsed, parse_greeting, parse_response};
use crate::limits::Limits;

/// A piece read from the server: a whole response, or part of a streamed one.
pub(super) enum Piece {
    /// A whole response, with its size on the wire (what holding it is charged).
    Response(Response<'static>, u64),
    StreamStart {
        head: Vec<u8>,
        size: u64,
    },
    StreamData(Vec<u8>),
    StreamEnd {
        tail: Vec<u8>,
    },
}

impl Client {
    /// Reads the greeting (before any command).
    pub(super) async fn read_greeting(&mut self) -> Result<Greeting<'static>, Error> {
        const DURING: &str = "reading the greeting";
        self.conn.begin_response(self.deadlines.response);
        loop {
            match self.framer.poll(self.conn.buffered()) {
                Ok(Frame::Incomplete) => {
                    if let Err(source) = self.conn.fill().await {
                        return Err(self.fail_net(DURING, source));
                    }
                }
                Ok(Frame::Message { len }) => {
                    let parsed = parse_greeting(&self.conn.buffered()[..len], &self.limits)
                        .map(|parsed| parsed.map(IntoOwned::into_owned));
                    self.conn.consume(len);
                    return match parsed {
                        Ok(Parsed::Complete(greeting, _)) => Ok(greeting),
                        Ok(Parsed::Incomplete) => {
                            Err(self.fail_protocol(DURING, "the greeting ended early".to_owned()))
                        }
                        Err(error) => Err(self.fail_protocol(
                            DURING,
                            format!("the greeting is not an IMAP greeting: {error}"),
                        )),
                    };
                }
                Ok(_) => {
                    return Err(self
                        .fail_protocol(DURING, "the greeting carries a large literal".to_owned()));
                }
                Err(error) => {
                    return Err(self.fail_protocol(DURING, format!("the greeting: {error}")));
                }
            }
        }
    }

    /// Reads one response, or one piece of a streamed one. A fixed deadline is opened
    /// before each response and a longer one while a large literal arrives. With `streams`
    /// off, a streamed literal is collected (within the limits) and the response parsed
    /// whole; a literal already being handed out is handed out to its end whatever
    /// `streams` says.
    pub(super) async fn read_piece(
        &mut self,
        streams: bool,
        during: &'static str,
    ) -> Result<Piece, Error> {
        self.check_usable()?;
        if !self.mid_response {
            self.conn.begin_response(self.deadlines.response);
            self.mid_response = true;
        }
        let delivering = streams || self.streaming.is_some();
        let mut collected: Option<Vec<u8>> = None;
        loop {
            let frame = match self.framer.poll(self.conn.buffered()) {
                Ok(frame) => frame,
                Err(error) => {
                    self.collecting = false;
                    return Err(self.fail_protocol(during, format!("{error}")));
                }
            };
            match frame {
                Frame::Incomplete => {
                    if let Err(source) = self.conn.fill().await {
                        self.collecting = false;
                        return Err(self.fail_net(during, source));
                    }
                }
                Frame::Message { len } => {
                    let parsed = parse_response(&self.conn.buffered()[..len], &self.limits)
                        .map(|parsed| parsed.map(IntoOwned::into_owned));
                    self.conn.consume(len);
                    self.mid_response = false;
                    return self.parsed(parsed, len as u64, during);
                }
                Frame::Discard { len } => self.conn.consume(len),
                Frame::StreamStart { len, size } => {
                    self.conn.begin_response(self.deadlines.literal);
                    self.streaming = Some(size);
                    let head = &self.conn.buffered()[..len];
                    if delivering {
                        let head = head.to_vec();
                        self.conn.consume(len);
                        return Ok(Piece::StreamStart { head, size });
                    }
                    self.collecting = true;
                    let whole = collected.get_or_insert_with(Vec::new);
                    if let Err(error) = collect_within(whole, head, &self.limits) {
                        self.collecting = false;
                        return Err(self.fail_protocol(during, error));
                    }
                    self.conn.consume(len);
                }
                Frame::StreamData { len } => {
                    let left = self.streaming.unwrap_or(0).saturating_sub(len as u64);
                    self.streaming = Some(left);
                    if left == 0 {
                        // The rest of the response is small again.
                        self.conn.begin_response(self.deadlines.response);
                    }
                    let bytes = &self.conn.buffered()[..len];
                    match collected.as_mut() {
                        Some(whole) => {
                            if let Err(error) = collect_within(whole, bytes, &self.limits) {
                                self.collecting = false;
                                return Err(self.fail_protocol(during, error));
                            }
                            self.conn.consume(len);
                        }
                        None => {
                            let bytes = bytes.to_vec();
                            self.conn.consume(len);
                            return Ok(Piece::StreamData(bytes));
                        }
                    }
                }
                Frame::StreamEnd { len } => {
                    let tail = &self.conn.buffered()[..len];
                    self.streaming = None;
                    self.mid_response = false;
                    let Some(mut whole) = collected.take() else {
                        let tail = tail.to_vec();
                        self.conn.consume(len);
                        return Ok(Piece::StreamEnd { tail });
                    };
                    self.collecting = false;
                    if let Err(error) = collect_within(&mut whole, tail, &self.limits) {
                        return Err(self.fail_protocol(during, error));
                    }
                    self.conn.consume(len);
                    let parsed = parse_response(&whole, &self.limits)
                        .map(|parsed| parsed.map(IntoOwned::into_owned));
                    return self.parsed(parsed, whole.len() as u64, during);
                }
                _ => {
                    return Err(self.fail_protocol(during, format!("unexpected frame {frame:?}")));
                }
            }
        }
    }

    fn parsed(
        &mut self,
        parsed: Result<Parsed<Response<'static>>, DecodeError>,
        size: u64,
        during: &'static str,
    ) -> Result<Piece, Error> {
        match parsed {
            Ok(Parsed::Complete(response, _)) => Ok(Piece::Response(response, size)),
            Ok(Parsed::Incomplete) => {
                Err(self.fail_protocol(during, "a response ended early".to_owned()))
            }
            Err(error) => {
                Err(self.fail_protocol(during, format!("a response that is not IMAP: {error}")))
            }
        }
    }
}

/// Adds `bytes` to a response being collected from pieces, within the framing limits (its
/// lines and its literals: `response_len` plus `literal_len`); the error says what went over.
pub(super) fn collect_within(
    whole: &mut Vec<u8>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(), String> {
    let bound = limits.response_len.saturating_add(limits.literal_len);
    if (whole.len() as u64).saturating_add(bytes.len() as u64) > bound {
        return Err(format!("a response larger than {bound} bytes"));
    }
    whole.extend_from_slice(bytes);
    Ok(())
}
