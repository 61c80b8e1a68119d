//! SMTP transcripts: commands line by line, replies (one or more lines), SASL responses
//! after a `334`, message data from a `354` to its `.` line, and BDAT chunks by their
//! announced size.
//!
//! The client's lines change meaning with the server's answers (after `354` they are
//! message data, after `334` a SASL response), so both sides are read in the transcript's
//! order and each reply is matched to the command it answers (PIPELINING sends several
//! before the first answer).

use std::collections::VecDeque;

use super::lines::{Content, TraceLine};
use super::{Out, Pending, Side, TraceError, TraceErrorKind, variant_name};
use crate::Parsed;
use crate::limits::Limits;
use crate::smtp::codec::{
    AuthResponse, Command, DataDecoder, DataStatus, Reply, parse_auth_response, parse_command,
    parse_reply,
};

/// What the client's next line is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Commands,
    SaslResponse,
    Data,
    /// A BDAT chunk's bytes (RFC 3030): counted, not read as lines.
    Chunk,
}

/// What the reply to an outstanding command decides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Reply,
    /// `354` starts message data.
    Data,
    /// `334` asks for a SASL response.
    Auth,
}

/// A message data section being read.
struct DataSection {
    first: usize,
    lines: usize,
    decoder: DataDecoder,
    bytes: u64,
    left_out: u64,
    error: Option<TraceError>,
}

/// A BDAT chunk being read.
struct ChunkSection {
    first: usize,
    lines: usize,
    size: u64,
    remaining: u64,
    left_out: u64,
}

struct Decoder<'o, 'a> {
    out: &'o mut Out<'a>,
    limits: &'o Limits,
    client: ClientState,
    expect: VecDeque<Expect>,
    data: Option<DataSection>,
    chunk: Option<ChunkSection>,
    server: Pending,
}

pub(super) fn decode(out: &mut Out<'_>, limits: &Limits) {
    let lines = out.lines;
    let mut decoder = Decoder {
        out,
        limits,
        client: ClientState::Commands,
        expect: VecDeque::new(),
        data: None,
        chunk: None,
        server: Pending::default(),
    };
    for (index, line) in lines.iter().enumerate() {
        match line.side {
            Side::Client => decoder.client_line(index, line),
            Side::Server => decoder.server_line(index, line),
        }
    }
    decoder.finish();
}

impl Decoder<'_, '_> {
    fn client_line(&mut self, index: usize, line: &TraceLine) {
        match self.client {
            ClientState::Data => return self.data_line(index, line),
            ClientState::Chunk => return self.chunk_line(index, line),
            ClientState::Commands | ClientState::SaslResponse => {}
        }
        if let Content::Gap(count) = line.content {
            self.out
                .push(index, 1, self.out.text(index), Ok(left_out(count)));
            return;
        }
        let bytes = line.bytes();
        if self.client == ClientState::SaslResponse {
            self.client = ClientState::Commands;
            self.expect.push_back(Expect::Auth);
            let (text, parsed) = sasl_response(bytes, self.limits);
            let parsed = parsed.map_err(|kind| self.out.error(index, 0, kind, true));
            self.out.push(index, 1, text.to_owned(), parsed);
            return;
        }
        self.command(index, bytes, 0);
    }

    /// The command in `bytes`, which start at byte `at` of line `index` (after a BDAT
    /// chunk that ended inside the line, `at` is past it).
    fn command(&mut self, index: usize, bytes: &[u8], at: usize) {
        let (wire, redacted) = with_redacted_response(bytes);
        let secret = is_auth(bytes);
        match parse_command(&wire, self.limits) {
            Ok(Parsed::Complete(command, _)) => {
                self.expect.push_back(match command {
                    Command::Data => Expect::Data,
                    Command::Auth { .. } => Expect::Auth,
                    _ => Expect::Reply,
                });
                if let Command::Bdat { size, .. } = command
                    && size > 0
                {
                    // The chunk follows at once, without waiting for a reply.
                    self.client = ClientState::Chunk;
                    self.chunk = Some(ChunkSection {
                        first: index,
                        lines: 0,
                        size,
                        remaining: size,
                        left_out: 0,
                    });
                }
                let (text, summary) = match command {
                    Command::Auth {
                        mechanism,
                        initial_response,
                    } => {
                        let shown = if initial_response.is_some() || redacted {
                            format!("AUTH {mechanism} <redacted>")
                        } else {
                            format!("AUTH {mechanism}")
                        };
                        (shown, format!("command Auth {mechanism}"))
                    }
                    other => (
                        self.out.text(index),
                        format!("command {}", variant_name(&other)),
                    ),
                };
                self.out.push(index, 1, text, Ok(summary));
            }
            // A whole line is there, so `Incomplete` cannot happen; read it as an error
            // all the same rather than drop the line.
            Ok(Parsed::Incomplete) => {
                let error = TraceErrorKind::Unfinished {
                    what: "the command line does not end",
                };
                self.command_error(index, at, error, secret);
            }
            Err(error) => {
                let within = match error {
                    crate::smtp::codec::CommandError::NotUtf8 { offset } => offset,
                    _ => 0,
                };
                let kind = TraceErrorKind::SmtpCommand(error);
                self.command_error(index, at + within, kind, secret);
            }
        }
    }

    /// A client line while a BDAT chunk is outstanding: its bytes (and line end) count
    /// toward the chunk; a command may follow the chunk's end on the same line.
    fn chunk_line(&mut self, index: usize, line: &TraceLine) {
        let Some(chunk) = &mut self.chunk else {
            self.client = ClientState::Commands;
            return;
        };
        if chunk.lines == 0 {
            chunk.first = index;
        }
        chunk.lines += 1;
        let bytes = line.bytes();
        let rest = match line.content {
            Content::Gap(count) => {
                let taken = count.min(chunk.remaining);
                chunk.left_out += taken;
                chunk.remaining -= taken;
                &[][..]
            }
            Content::Bytes { .. } => {
                let with_end = bytes.len() as u64 + 2;
                let taken = with_end.min(chunk.remaining);
                chunk.remaining -= taken;
                // `taken` is at most the line's length plus two, so it fits.
                bytes
                    .get(usize::try_from(taken).unwrap_or(usize::MAX)..)
                    .unwrap_or_default()
            }
        };
        if chunk.remaining > 0 {
            return;
        }
        let at = bytes.len() - rest.len();
        self.end_chunk();
        if !rest.is_empty() {
            self.command(index, rest, at);
        }
    }

    /// Ends the BDAT chunk: all its bytes seen, or cut short by the server's answer.
    fn end_chunk(&mut self) {
        self.client = ClientState::Commands;
        let Some(chunk) = self.chunk.take() else {
            return;
        };
        if chunk.lines == 0 {
            return;
        }
        let seen = chunk.size - chunk.remaining - chunk.left_out;
        let parsed = if chunk.remaining == 0 && chunk.left_out == 0 {
            Ok(format!("BDAT chunk: {} bytes", chunk.size))
        } else if chunk.left_out > 0 {
            Ok(format!(
                "BDAT chunk: {seen} of {} bytes, {} left out of the trace",
                chunk.size, chunk.left_out
            ))
        } else {
            let last = chunk.first + chunk.lines - 1;
            let kind = TraceErrorKind::Unfinished {
                what: "the BDAT chunk ends before the size its command announced",
            };
            Err(self.out.error(last, usize::MAX, kind, false))
        };
        let text = self.out.text(chunk.first);
        self.out.push(chunk.first, chunk.lines, text, parsed);
    }

    /// A line that is no command: the server will answer it (with a `500`).
    fn command_error(&mut self, index: usize, at: usize, kind: TraceErrorKind, secret: bool) {
        self.expect.push_back(Expect::Reply);
        let text = if secret {
            "AUTH <redacted>".to_owned()
        } else {
            self.out.text(index)
        };
        let error = self.out.error(index, at, kind, secret);
        self.out.push(index, 1, text, Err(error));
    }

    fn data_line(&mut self, index: usize, line: &TraceLine) {
        let limits = self.limits;
        let data = self.data.get_or_insert_with(|| DataSection {
            first: index,
            lines: 0,
            decoder: DataDecoder::new(limits),
            bytes: 0,
            left_out: 0,
            error: None,
        });
        data.lines += 1;
        let mut done = false;
        let mut failure = None;
        match line.content {
            Content::Gap(count) => data.left_out = data.left_out.saturating_add(count),
            Content::Bytes { .. } if data.error.is_none() => {
                let mut wire = Vec::with_capacity(line.bytes().len() + 2);
                wire.extend_from_slice(line.bytes());
                wire.extend_from_slice(b"\r\n");
                // The decoded bytes are only counted, never kept: a large message costs
                // one line's worth of memory.
                let mut decoded = Vec::new();
                let status = data.decoder.decode(&wire, &mut decoded);
                data.bytes += decoded.len() as u64;
                match status {
                    Ok(DataStatus::Done { .. }) => done = true,
                    Ok(DataStatus::NeedMore) => {}
                    Err(error) => failure = Some(TraceErrorKind::SmtpData(error)),
                }
            }
            // After an error the lines are only watched for the end.
            Content::Bytes { .. } => done = line.bytes() == b".",
        }
        if let Some(kind) = failure {
            let error = self.out.error(index, 0, kind, false);
            if let Some(data) = &mut self.data {
                data.error = Some(error);
            }
        }
        if done {
            self.end_data(true);
        }
    }

    /// Ends the data section: at its `.` line, or unseen when the server answers.
    fn end_data(&mut self, terminated: bool) {
        self.client = ClientState::Commands;
        let Some(data) = self.data.take() else {
            return;
        };
        let parsed = match data.error {
            Some(error) => Err(error),
            None if data.left_out > 0 => Ok(format!(
                "message data: {} bytes in {} lines, {} more left out of the trace",
                data.bytes, data.lines, data.left_out
            )),
            None if terminated => Ok(format!(
                "message data: {} bytes in {} lines",
                data.bytes, data.lines
            )),
            None => {
                let last = data.first + data.lines.saturating_sub(1);
                let kind = TraceErrorKind::Unfinished {
                    what: "the message data has no final `.` line before the server answers \
                           (or the transcript ends)",
                };
                Err(self.out.error(last, usize::MAX, kind, false))
            }
        };
        let text = self.out.text(data.first);
        self.out.push(data.first, data.lines, text, parsed);
    }

    fn server_line(&mut self, index: usize, line: &TraceLine) {
        match self.client {
            // The server answers only after the data's end: the `.` was left out.
            ClientState::Data => self.end_data(false),
            // Or after the whole chunk.
            ClientState::Chunk => self.end_chunk(),
            ClientState::Commands | ClientState::SaslResponse => {}
        }
        if let Content::Gap(count) = line.content {
            self.unfinished_reply("the reply is cut short by bytes left out of the trace");
            self.out
                .push(index, 1, self.out.text(index), Ok(left_out(count)));
            return;
        }
        self.server.push(index, line);
        loop {
            let Some(first) = self.server.first() else {
                return;
            };
            match parse_reply(&self.server.bytes, self.limits) {
                Ok(Parsed::Complete(reply, used)) => {
                    let summary = reply_summary(&reply);
                    let code = reply.code().get();
                    let lines = self.server.lines_in(used);
                    let text = self.out.text(first);
                    self.out.push(first, lines, text, Ok(summary));
                    self.server.take(used);
                    self.answered(code);
                }
                Ok(Parsed::Incomplete) => return,
                Err(error) => {
                    let at = error.offset().unwrap_or(0);
                    let (line, at) = self.server.locate(at).unwrap_or((first, 0));
                    let lines = self.server.lines.len();
                    let error = self
                        .out
                        .error(line, at, TraceErrorKind::SmtpReply(error), false);
                    let text = self.out.text(first);
                    self.out.push(first, lines, text, Err(error));
                    self.server.clear();
                    self.answered(0);
                    return;
                }
            }
        }
    }

    /// A reply arrived: it answers the oldest outstanding command (none for a greeting).
    fn answered(&mut self, code: u16) {
        match self.expect.pop_front() {
            Some(Expect::Data) if code == 354 => self.client = ClientState::Data,
            Some(Expect::Auth) if code == 334 => self.client = ClientState::SaslResponse,
            _ => {}
        }
    }

    fn unfinished_reply(&mut self, what: &'static str) {
        let Some(first) = self.server.first() else {
            return;
        };
        let last = self.server.lines.last().map_or(first, |&(_, index)| index);
        let lines = self.server.lines.len();
        let error = self
            .out
            .error(last, usize::MAX, TraceErrorKind::Unfinished { what }, false);
        let text = self.out.text(first);
        self.out.push(first, lines, text, Err(error));
        self.server.clear();
    }

    fn finish(&mut self) {
        match self.client {
            ClientState::Data => self.end_data(false),
            ClientState::Chunk => self.end_chunk(),
            ClientState::Commands | ClientState::SaslResponse => {}
        }
        self.unfinished_reply("the transcript ends inside a multi-line reply");
    }
}

fn left_out(count: u64) -> String {
    format!("{count} bytes left out of the trace")
}

/// `AUTH`, however written: its line may carry a secret.
fn is_auth(line: &[u8]) -> bool {
    line.len() >= 4
        && line[..4].eq_ignore_ascii_case(b"AUTH")
        && line.get(4).is_none_or(|&b| b == b' ')
}

/// The command line with a tracer's `<redacted>` initial response replaced by `=` (an
/// empty response, which parses), and whether it was.
fn with_redacted_response(line: &[u8]) -> (Vec<u8>, bool) {
    let mut wire = line.to_vec();
    let redacted = is_auth(line) && line.ends_with(b" <redacted>");
    if redacted {
        wire.truncate(line.len() - b"<redacted>".len());
        wire.push(b'=');
    }
    wire.extend_from_slice(b"\r\n");
    (wire, redacted)
}

/// A line after a `334`: what it shows and what it is.
fn sasl_response(line: &[u8], limits: &Limits) -> (&'static str, Result<String, TraceErrorKind>) {
    if line == b"<redacted>" {
        return (
            "<redacted>",
            Ok("SASL response (redacted in the trace)".to_owned()),
        );
    }
    let mut wire = line.to_vec();
    wire.extend_from_slice(b"\r\n");
    match parse_auth_response(&wire, limits) {
        Ok(Parsed::Complete(AuthResponse::Cancel, _)) => ("*", Ok("SASL cancel".to_owned())),
        Ok(Parsed::Complete(AuthResponse::Data(_), _)) => {
            ("<redacted>", Ok("SASL response".to_owned()))
        }
        Ok(Parsed::Incomplete) => (
            "<redacted>",
            Err(TraceErrorKind::Unfinished {
                what: "the SASL response line does not end",
            }),
        ),
        Err(error) => ("<redacted>", Err(TraceErrorKind::SmtpCommand(error))),
    }
}

fn reply_summary(reply: &Reply<'_>) -> String {
    let mut summary = format!("reply {}", reply.code());
    if let Some(enhanced) = reply.enhanced_code() {
        summary.push_str(&format!(" {enhanced}"));
    }
    if reply.line_count() > 1 {
        summary.push_str(&format!(" ({} lines)", reply.line_count()));
    }
    summary
}
