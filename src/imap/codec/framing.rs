//! Splitting a byte stream into complete IMAP messages before parsing them.
//!
//! An IMAP message is a line, or a line ending in a literal announcement (`{N}`, `{N+}`,
//! `{N-}`, `~{N}`) followed by N bytes and more of the message. [`Framer`] finds where each
//! message ends, so the parser only ever sees whole messages, a malformed message can be
//! dropped without losing the stream, and memory stays within [`Limits`].
//!
//! The caller owns the buffer. Every call to [`Framer::poll`] gets the bytes not yet removed
//! (starting where the current message starts); the framer remembers how far it has looked,
//! so no byte is examined twice however small the chunks, and literal bytes are skipped by
//! count, never scanned.
//!
//! ```
//! use mailwire::imap::codec::framing::{Frame, Framer};
//! use mailwire::limits::Limits;
//!
//! let mut framer = Framer::responses(Limits::default());
//! let mut buffer: Vec<u8> = Vec::new();
//! let mut messages = Vec::new();
//! for chunk in [&b"* 1 FETCH (BODY[] {5}\r\nhel"[..], b"lo)\r\n* 2 EXISTS\r\n"] {
//!     buffer.extend_from_slice(chunk);
//!     loop {
//!         match framer.poll(&buffer).unwrap() {
//!             Frame::Message { len } => {
//!                 messages.push(buffer.drain(..len).collect::<Vec<u8>>());
//!             }
//!             Frame::Incomplete => break,
//!             other => panic!("unexpected {other:?}"),
//!         }
//!     }
//! }
//! assert_eq!(messages, [&b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n"[..], b"* 2 EXISTS\r\n"]);
//! ```

use crate::imap::codec::error::{DecodeError, DecodeErrorKind};
use crate::limits::Limits;
use crate::scan::{find_byte, next_line};

/// What [`Framer::poll`] found. Every variant with a `len` hands the caller the first `len`
/// bytes of the buffer, which the caller must remove before polling again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame {
    /// The buffer ends inside a message: read more.
    Incomplete,
    /// `buf[..len]` is one complete message.
    Message {
        /// Its length, line end included.
        len: usize,
    },
    /// (Commands only.) The bytes seen so far end with a synchronising literal of `size`
    /// bytes. A server answers `+` and calls [`Framer::accept_literal`], or refuses with a
    /// tagged NO/BAD and calls [`Framer::reject_literal`]. Nothing is handed out yet.
    LiteralAnnounced {
        /// The announced size.
        size: u64,
    },
    /// `buf[..len]` is the start of a message, up to and including the announcement of a
    /// literal of `size` bytes that will be handed out as it arrives (see
    /// [`Framer::stream_literals_above`]).
    StreamStart {
        /// Length of the message start.
        len: usize,
        /// The literal's size.
        size: u64,
    },
    /// `buf[..len]` is data of the literal being streamed.
    StreamData {
        /// How many literal bytes.
        len: usize,
    },
    /// `buf[..len]` is the rest of a message whose literal was streamed, through its end.
    StreamEnd {
        /// Its length.
        len: usize,
    },
    /// `buf[..len]` belongs to a message already reported as broken by an error.
    Discard {
        /// How many bytes to drop.
        len: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for the end of the line that starts at `line_start`.
    Line,
    /// (Commands) A synchronising literal waits for the server's decision.
    Announced { size: u64 },
    /// Inside literal data.
    Literal {
        remaining: u64,
        streamed: bool,
        start_pending: bool,
    },
    /// The message ends at `scanned`.
    Done,
}

/// Bytes kept back while discarding a line, so a literal announcement at its end is still
/// seen whole (`~{` + 20 digits + `+}` + CR fits).
const ANNOUNCEMENT_TAIL: usize = 32;

/// An incremental splitter of a byte stream into IMAP messages.
#[derive(Debug, Clone)]
pub struct Framer {
    limits: Limits,
    commands: bool,
    stream_above: Option<u64>,
    state: State,
    /// Bytes at the start of the buffer already examined that belong to the current message.
    scanned: usize,
    /// Where the current line starts in the buffer.
    line_start: usize,
    /// True while the current message is being dropped after an error.
    discarding: bool,
    /// True when a literal of the current message was streamed.
    streamed_message: bool,
    examined: u64,
}

impl Framer {
    /// A framer for what a server sends (responses): literals always follow their
    /// announcement.
    pub fn responses(limits: Limits) -> Self {
        Framer::new(limits, false)
    }

    /// A framer for what a client sends (commands): a synchronising literal is reported as
    /// [`Frame::LiteralAnnounced`] and only follows once the server accepts it.
    pub fn commands(limits: Limits) -> Self {
        Framer::new(limits, true)
    }

    fn new(limits: Limits, commands: bool) -> Self {
        Framer {
            limits,
            commands,
            stream_above: None,
            state: State::Line,
            scanned: 0,
            line_start: 0,
            discarding: false,
            streamed_message: false,
            examined: 0,
        }
    }

    /// Hands literals larger than `bytes` out as [`Frame::StreamStart`], [`Frame::StreamData`]
    /// and [`Frame::StreamEnd`] instead of holding them, so a client can stream a large body.
    /// The message-size limit then counts only the bytes held. A FETCH response's pieces
    /// are read with [`parse_fetch_stream_start`](super::parse_fetch_stream_start),
    /// [`parse_fetch_stream_next`](super::parse_fetch_stream_next) and
    /// [`parse_fetch_stream_end`](super::parse_fetch_stream_end).
    pub fn stream_literals_above(mut self, bytes: u64) -> Self {
        self.stream_above = Some(bytes);
        self
    }

    /// How many bytes have been searched for a line end so far. Literal data is skipped by
    /// count and not included; each byte is searched once at most.
    pub fn bytes_examined(&self) -> u64 {
        self.examined
    }

    /// Lets an announced synchronising literal come (after the server sent `+`).
    pub fn accept_literal(&mut self) {
        if let State::Announced { size } = self.state {
            self.start_literal(size);
        }
    }

    /// Refuses an announced synchronising literal (after the server sent NO or BAD): the
    /// client will not send it, so the command ends here and the next poll hands its bytes
    /// out as [`Frame::Discard`].
    pub fn reject_literal(&mut self) {
        if let State::Announced { .. } = self.state {
            self.discarding = true;
            self.state = State::Done;
        }
    }

    fn reset(&mut self) {
        self.state = State::Line;
        self.scanned = 0;
        self.line_start = 0;
        self.discarding = false;
        self.streamed_message = false;
    }

    fn hand_out(&mut self, len: usize) {
        self.scanned -= len;
        self.line_start = self.line_start.saturating_sub(len);
    }

    fn start_literal(&mut self, size: u64) {
        let streamed =
            !self.discarding && self.stream_above.is_some_and(|threshold| size > threshold);
        self.streamed_message |= streamed;
        self.state = State::Literal {
            remaining: size,
            streamed,
            start_pending: streamed,
        };
    }

    fn error(&mut self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        self.discarding = true;
        DecodeError::new(offset, kind)
    }

    /// Looks at `buf`, the bytes not yet removed, and says what they hold.
    ///
    /// On an error (a limit broken) the message is reported once and then handed out as
    /// [`Frame::Discard`] until it ends, after which framing goes on with the next message.
    pub fn poll(&mut self, buf: &[u8]) -> Result<Frame, DecodeError> {
        // A caller that removed more than it was given would leave `scanned` past the end.
        self.scanned = self.scanned.min(buf.len());
        self.line_start = self.line_start.min(self.scanned);
        loop {
            match self.state {
                State::Done => {
                    let len = self.scanned;
                    let frame = if self.discarding {
                        Frame::Discard { len }
                    } else if self.streamed_message {
                        Frame::StreamEnd { len }
                    } else {
                        Frame::Message { len }
                    };
                    self.reset();
                    return Ok(frame);
                }
                State::Announced { size } => return Ok(Frame::LiteralAnnounced { size }),
                State::Literal {
                    remaining,
                    streamed,
                    start_pending,
                } => {
                    if start_pending {
                        let len = self.scanned;
                        self.hand_out(len);
                        self.state = State::Literal {
                            remaining,
                            streamed,
                            start_pending: false,
                        };
                        return Ok(Frame::StreamStart {
                            len,
                            size: remaining,
                        });
                    }
                    let available = (buf.len() - self.scanned) as u64;
                    let take = remaining.min(available) as usize;
                    let remaining = remaining - take as u64;
                    self.scanned += take;
                    self.state = if remaining == 0 {
                        self.line_start = self.scanned;
                        State::Line
                    } else {
                        State::Literal {
                            remaining,
                            streamed,
                            start_pending: false,
                        }
                    };
                    if streamed && take > 0 {
                        self.hand_out(take);
                        return Ok(Frame::StreamData { len: take });
                    }
                    if remaining > 0 {
                        return Ok(self.idle());
                    }
                }
                State::Line => {
                    if let Some(result) = self.scan_line(buf) {
                        return result;
                    }
                }
            }
        }
    }

    /// What to report while waiting for more input.
    fn idle(&mut self) -> Frame {
        if self.discarding {
            let keep = if self.state == State::Line {
                ANNOUNCEMENT_TAIL
            } else {
                0
            };
            let len = self.scanned.saturating_sub(keep);
            if len > 0 {
                self.hand_out(len);
                return Frame::Discard { len };
            }
        }
        Frame::Incomplete
    }

    /// Looks for the end of the current line. `None` means the state moved on.
    fn scan_line(&mut self, buf: &[u8]) -> Option<Result<Frame, DecodeError>> {
        let start = self.scanned;
        let unexamined = &buf[start..];
        let found = find_byte(b'\n', unexamined);
        self.examined += found.map_or(unexamined.len(), |p| p + 1) as u64;
        let Some(position) = found else {
            self.scanned = buf.len();
            if !self.discarding {
                // Content plus a CR still waiting for its LF.
                if self.scanned - self.line_start > self.limits.line_len.saturating_add(1) {
                    let offset = self.line_start + self.limits.line_len;
                    let limit = self.limits.line_len;
                    return Some(Err(
                        self.error(offset, DecodeErrorKind::LineTooLong { limit })
                    ));
                }
                if self.scanned as u64 > self.limits.response_len {
                    let limit = self.limits.response_len;
                    return Some(Err(
                        self.error(self.line_start, DecodeErrorKind::MessageTooLarge { limit })
                    ));
                }
            }
            return Some(Ok(self.idle()));
        };
        let lf = start + position;
        let content_end = if lf > self.line_start && buf[lf - 1] == b'\r' {
            lf - 1
        } else {
            lf
        };
        let content = &buf[self.line_start..content_end];
        self.scanned = lf + 1;
        let mut error = None;
        if !self.discarding && self.scanned as u64 > self.limits.response_len {
            let limit = self.limits.response_len;
            error = Some(self.error(self.line_start, DecodeErrorKind::MessageTooLarge { limit }));
        }
        if !self.discarding && content.len() > self.limits.line_len {
            let limit = self.limits.line_len;
            error = Some(self.error(
                self.line_start + limit,
                DecodeErrorKind::LineTooLong { limit },
            ));
        }
        match announcement(content) {
            None => self.state = State::Done,
            Some(Announcement {
                brace, size: None, ..
            }) => {
                let announcement_at = self.line_start + brace;
                let limit = self.limits.literal_len;
                let kind = DecodeErrorKind::LiteralTooLarge {
                    announced: None,
                    limit,
                };
                let failure = self.error(announcement_at, kind);
                error = error.or(Some(failure));
                self.state = State::Done;
            }
            Some(Announcement {
                brace,
                size: Some(size),
                synchronising,
            }) => {
                let announcement_at = self.line_start + brace;
                let held = self.scanned as u64;
                let streamed = self.stream_above.is_some_and(|threshold| size > threshold);
                if !self.discarding && size > self.limits.literal_len {
                    let limit = self.limits.literal_len;
                    let kind = DecodeErrorKind::LiteralTooLarge {
                        announced: Some(size),
                        limit,
                    };
                    error = Some(self.error(announcement_at, kind));
                } else if !self.discarding
                    && !streamed
                    && held.saturating_add(size) > self.limits.response_len
                {
                    let limit = self.limits.response_len;
                    error = Some(
                        self.error(announcement_at, DecodeErrorKind::MessageTooLarge { limit }),
                    );
                }
                if self.commands && synchronising {
                    // A refused synchronising literal is never sent.
                    self.state = if self.discarding {
                        State::Done
                    } else {
                        State::Announced { size }
                    };
                } else {
                    self.start_literal(size);
                }
            }
        }
        self.line_start = self.scanned;
        error.map(Err)
    }
}

/// A literal announcement at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Announcement {
    /// Offset of its `{` in the line.
    brace: usize,
    /// The size, or `None` when it does not fit 64 bits.
    size: Option<u64>,
    /// False for `{N+}` and `{N-}`.
    synchronising: bool,
}

/// True when a line whose content ends with `content` would read as announcing a literal
/// (`{N}`, `{N+}`, `{N-}`): a framer would then wait for N bytes that never come. Encoders
/// refuse to end a line with such text.
pub(crate) fn ends_in_announcement(content: &[u8]) -> bool {
    announcement(content).is_some()
}

/// The literal announced at the end of a line's content, if any.
fn announcement(content: &[u8]) -> Option<Announcement> {
    let inner = content.strip_suffix(b"}")?;
    let (inner, synchronising) = match inner.last() {
        Some(b'+' | b'-') => (&inner[..inner.len() - 1], false),
        _ => (inner, true),
    };
    let digits = inner
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || inner.len() == digits || inner[inner.len() - digits - 1] != b'{' {
        return None;
    }
    let brace = inner.len() - digits - 1;
    let mut size: u64 = 0;
    for &d in &inner[inner.len() - digits..] {
        size = match size
            .checked_mul(10)
            .and_then(|s| s.checked_add(u64::from(d - b'0')))
        {
            Some(size) => size,
            None => {
                return Some(Announcement {
                    brace,
                    size: None,
                    synchronising,
                });
            }
        };
    }
    Some(Announcement {
        brace,
        size: Some(size),
        synchronising,
    })
}

/// The length of the first message at the start of `input` (synchronising literals
/// accepted), for the one-shot parse functions; `None` when `input` ends inside it.
pub(crate) fn first_message(
    input: &[u8],
    limits: &Limits,
    commands: bool,
) -> Result<Option<usize>, DecodeError> {
    // Most messages are one line without a literal: take them without the state machine.
    if let Ok(Some(line)) = next_line(input, limits.line_len)
        && line.content.last() != Some(&b'}')
        && line.consumed as u64 <= limits.response_len
    {
        return Ok(Some(line.consumed));
    }
    let mut framer = Framer::new(*limits, commands);
    loop {
        match framer.poll(input)? {
            Frame::Message { len } => return Ok(Some(len)),
            Frame::LiteralAnnounced { .. } => framer.accept_literal(),
            _ => return Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(
        framer: &mut Framer,
        input: &[u8],
        chunk: usize,
    ) -> Vec<Result<(Frame, Vec<u8>), DecodeError>> {
        let mut out = Vec::new();
        let mut buffer = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            buffer.extend_from_slice(piece);
            loop {
                match framer.poll(&buffer) {
                    Ok(Frame::Incomplete) => break,
                    Ok(Frame::LiteralAnnounced { .. }) => {
                        framer.accept_literal();
                    }
                    Ok(frame) => {
                        let len = match frame {
                            Frame::Message { len }
                            | Frame::StreamStart { len, .. }
                            | Frame::StreamData { len }
                            | Frame::StreamEnd { len }
                            | Frame::Discard { len } => len,
                            _ => 0,
                        };
                        out.push(Ok((frame, buffer.drain(..len).collect())));
                    }
                    Err(error) => out.push(Err(error)),
                }
            }
        }
        out
    }

    fn messages(results: Vec<Result<(Frame, Vec<u8>), DecodeError>>) -> Vec<Vec<u8>> {
        results
            .into_iter()
            .filter_map(|r| match r {
                Ok((Frame::Message { .. }, bytes)) => Some(bytes),
                _ => None,
            })
            .collect()
    }

    const STREAM: &[u8] = b"* OK hi\r\n* 1 FETCH (BODY[] {11}\r\nhello\r\nworld UID 4)\r\n+ go\n* 2 FETCH (BODY[1] ~{3}\r\na\0b BODY[2] {0}\r\n)\r\n";

    #[test]
    fn any_chunking_gives_the_same_messages() {
        let whole = messages(frames(
            &mut Framer::responses(Limits::default()),
            STREAM,
            STREAM.len(),
        ));
        assert_eq!(whole.len(), 4);
        assert_eq!(
            whole[1],
            b"* 1 FETCH (BODY[] {11}\r\nhello\r\nworld UID 4)\r\n"
        );
        assert_eq!(whole[2], b"+ go\n");
        for chunk in 1..20 {
            let pieces = messages(frames(
                &mut Framer::responses(Limits::default()),
                STREAM,
                chunk,
            ));
            assert_eq!(pieces, whole, "chunk size {chunk}");
        }
    }

    #[test]
    fn each_byte_is_examined_once() {
        let mut framer = Framer::responses(Limits::default());
        let line = [b"* OK ".as_slice(), &[b'x'; 5000], b"\r\n"].concat();
        let got = messages(frames(&mut framer, &line, 1));
        assert_eq!(got, std::slice::from_ref(&line));
        assert_eq!(framer.bytes_examined(), line.len() as u64);
    }

    #[test]
    fn a_long_line_is_reported_then_dropped_without_losing_sync() {
        let limits = Limits::default().with_line_len(10);
        let input = b"* OK this line is far too long\r\n* 3 EXISTS\r\n";
        for chunk in [1, 4, input.len()] {
            let results = frames(&mut Framer::responses(limits), input, chunk);
            let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
            assert_eq!(errors.len(), 1, "chunk {chunk}");
            assert_eq!(errors[0].kind, DecodeErrorKind::LineTooLong { limit: 10 });
            let dropped: usize = results
                .iter()
                .filter_map(|r| match r {
                    Ok((Frame::Discard { len }, _)) => Some(*len),
                    _ => None,
                })
                .sum();
            assert_eq!(dropped, 32);
            assert_eq!(messages(results), [b"* 3 EXISTS\r\n".to_vec()]);
        }
    }

    #[test]
    fn an_oversized_literal_is_skipped_by_count() {
        let limits = Limits::default().with_literal_len(4);
        let input = b"* 1 FETCH (BODY[] {6}\r\nab\r\ncd)\r\n* 2 EXISTS\r\n";
        let results = frames(&mut Framer::responses(limits), input, 3);
        assert!(results.iter().any(|r| matches!(
            r,
            Err(DecodeError {
                kind: DecodeErrorKind::LiteralTooLarge {
                    announced: Some(6),
                    limit: 4
                },
                ..
            })
        )));
        assert_eq!(messages(results), [b"* 2 EXISTS\r\n".to_vec()]);
    }

    #[test]
    fn a_server_decides_on_synchronising_literals() {
        let mut framer = Framer::commands(Limits::default());
        let mut buffer = b"a1 LOGIN {4}\r\n".to_vec();
        assert_eq!(
            framer.poll(&buffer).unwrap(),
            Frame::LiteralAnnounced { size: 4 }
        );
        framer.reject_literal();
        assert_eq!(framer.poll(&buffer).unwrap(), Frame::Discard { len: 14 });
        buffer.clear();
        buffer.extend_from_slice(b"a2 LOGIN {4+}\r\nuser pass\r\n");
        assert_eq!(
            framer.poll(&buffer).unwrap(),
            Frame::Message { len: buffer.len() }
        );
        buffer.clear();
        buffer.extend_from_slice(b"a3 LOGIN {4}\r\n");
        assert_eq!(
            framer.poll(&buffer).unwrap(),
            Frame::LiteralAnnounced { size: 4 }
        );
        framer.accept_literal();
        assert_eq!(framer.poll(&buffer).unwrap(), Frame::Incomplete);
        buffer.extend_from_slice(b"user pass\r\n");
        assert_eq!(
            framer.poll(&buffer).unwrap(),
            Frame::Message { len: buffer.len() }
        );
    }

    #[test]
    fn large_literals_can_be_streamed() {
        let mut framer = Framer::responses(Limits::default()).stream_literals_above(4);
        let input = b"* 1 FETCH (BODY[] {10}\r\n0123456789 UID 7)\r\n";
        let results = frames(&mut framer, input, 4);
        let mut kinds = Vec::new();
        let mut data = Vec::new();
        for result in results {
            let (frame, bytes) = result.unwrap();
            match frame {
                Frame::StreamStart { size, .. } => {
                    assert_eq!(bytes, b"* 1 FETCH (BODY[] {10}\r\n");
                    kinds.push(format!("start {size}"));
                }
                Frame::StreamData { .. } => data.extend(bytes),
                Frame::StreamEnd { .. } => {
                    assert_eq!(bytes, b" UID 7)\r\n");
                    kinds.push("end".into());
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(kinds, ["start 10", "end"]);
        assert_eq!(data, b"0123456789");
    }

    #[test]
    fn announcements_are_recognised_only_at_the_line_end() {
        let found = |brace, size, synchronising| {
            Some(Announcement {
                brace,
                size,
                synchronising,
            })
        };
        assert_eq!(announcement(b"* x {12}"), found(4, Some(12), true));
        assert_eq!(announcement(b"a LOGIN {3+}"), found(8, Some(3), false));
        assert_eq!(announcement(b"BINARY[1] ~{3-}"), found(11, Some(3), false));
        assert_eq!(
            announcement(b"{99999999999999999999999}"),
            found(0, None, true)
        );
        assert_eq!(announcement(b"* OK {x}"), None);
        assert_eq!(announcement(b"}"), None);
        assert_eq!(announcement(b"12}"), None);
    }
}
