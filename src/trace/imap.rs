//! IMAP transcripts: each side's lines joined again, cut into messages by the codec's
//! framing (a literal's bytes span lines), each message parsed as a greeting, response or
//! command; AUTHENTICATE's lines and IDLE's DONE on the client side.

use super::imap_client::{ClientMessage, ImapClientReader};
use super::lines::{Content, TraceLine};
use super::{Out, Pending, Side, TraceErrorKind, variant_name};
use crate::Parsed;
use crate::imap::codec::types::{AuthenticateData, Command, CommandBody, Response};
use crate::imap::codec::{
    DecodeError, EncodeOptions, encode_command, framing, parse_command, parse_greeting,
    parse_response,
};
use crate::limits::Limits;

/// One side's reading state.
#[derive(Default)]
struct SideState {
    pending: Pending,
    /// Bytes were left out of the trace: lines are skipped until one starts a message.
    lost: bool,
    /// The lines skipped so far: (first index, count).
    skipped: Option<(usize, usize)>,
}

struct Decoder<'o, 'a> {
    out: &'o mut Out<'a>,
    limits: &'o Limits,
    client: SideState,
    server: SideState,
    greeted: bool,
    reader: ImapClientReader,
}

pub(super) fn decode(out: &mut Out<'_>, limits: &Limits) {
    let lines = out.lines;
    let mut decoder = Decoder {
        out,
        limits,
        client: SideState::default(),
        server: SideState::default(),
        greeted: false,
        reader: ImapClientReader::new(),
    };
    for (index, line) in lines.iter().enumerate() {
        decoder.line(index, line);
    }
    for side in [Side::Client, Side::Server] {
        decoder.end_skipping(side);
        let state = decoder.state(side);
        if let Some(first) = state.pending.first() {
            let last = state
                .pending
                .lines
                .last()
                .map_or(first, |&(_, index)| index);
            let lines = state.pending.lines.len();
            let kind = TraceErrorKind::Unfinished {
                what: "the transcript ends inside this message (a literal announces more \
                       bytes than follow?)",
            };
            let error = decoder.out.error(last, usize::MAX, kind, false);
            let text = decoder.out.text(first);
            decoder.out.push(first, lines, text, Err(error));
        }
    }
}

impl Decoder<'_, '_> {
    fn state(&mut self, side: Side) -> &mut SideState {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    fn line(&mut self, index: usize, line: &TraceLine) {
        let side = line.side;
        if let Content::Gap(count) = line.content {
            self.end_skipping(side);
            let state = self.state(side);
            let cut = state
                .pending
                .first()
                .map(|first| (first, state.pending.lines.len()));
            state.pending.clear();
            state.lost = true;
            if let Some((first, lines)) = cut {
                let text = self.out.text(first);
                let summary = "message cut short: bytes of it were left out of the trace";
                self.out.push(first, lines, text, Ok(summary.to_owned()));
            }
            let summary = format!("{count} bytes left out of the trace");
            self.out.push(index, 1, self.out.text(index), Ok(summary));
            return;
        }
        let bytes = line.bytes();
        let limits = self.limits;
        let state = self.state(side);
        if state.lost && state.pending.is_empty() {
            if !starts_message(side, bytes, limits) {
                let skipped = state.skipped.get_or_insert((index, 0));
                skipped.1 += 1;
                return;
            }
            state.lost = false;
            self.end_skipping(side);
        }
        let state = self.state(side);
        if side == Side::Client && state.pending.is_empty() && bytes == b"<redacted>" {
            let summary = "SASL response (redacted in the trace)".to_owned();
            self.out
                .push(index, 1, "<redacted>".to_owned(), Ok(summary));
            return;
        }
        match redacted_initial_response(side, bytes) {
            Some(wire) => state.pending.push_bytes(index, &wire),
            None => state.pending.push(index, line),
        }
        self.take_messages(side);
    }

    fn end_skipping(&mut self, side: Side) {
        if let Some((first, count)) = self.state(side).skipped.take() {
            let summary = format!(
                "{count} lines skipped: they follow bytes left out of the trace, up to the next \
                 line that starts a message"
            );
            let text = self.out.text(first);
            self.out.push(first, count, text, Ok(summary));
        }
    }

    fn take_messages(&mut self, side: Side) {
        let limits = self.limits;
        let commands = side == Side::Client;
        loop {
            let pending = &self.state(side).pending;
            let Some(first) = pending.first() else {
                return;
            };
            match framing::first_message(&pending.bytes, limits, commands) {
                Ok(None) => return,
                Ok(Some(len)) => {
                    self.message(side, first, len);
                    self.state(side).pending.take(len);
                }
                Err(error) => {
                    let lines = pending.lines.len();
                    let secret = commands && may_hold_secret(&pending.bytes);
                    let error = self.decode_error(side, error, secret);
                    let text = self.shown(first, secret);
                    self.out.push(first, lines, text, Err(error));
                    self.state(side).pending.clear();
                    return;
                }
            }
        }
    }

    /// The message in the first `len` pending bytes of `side`, which starts on line `first`.
    fn message(&mut self, side: Side, first: usize, len: usize) {
        let limits = self.limits;
        let out = &*self.out;
        let (text, parsed, lines) = match side {
            Side::Server => {
                let message = &self.server.pending.bytes[..len];
                let greeting = !std::mem::replace(&mut self.greeted, true);
                let parsed = server_message(message, greeting, limits);
                (out.text(first), parsed, self.server.pending.lines_in(len))
            }
            Side::Client => {
                let message = &self.client.pending.bytes[..len];
                let (text, parsed) = client_message(out, &mut self.reader, message, first, limits);
                (text, parsed, self.client.pending.lines_in(len))
            }
        };
        let parsed = match parsed {
            Ok(summary) => Ok(summary),
            Err((error, secret)) => Err(self.decode_error(side, error, secret)),
        };
        self.out.push(first, lines, text, parsed);
    }

    /// Line `index`'s text, unless it may hold a secret.
    fn shown(&self, index: usize, secret: bool) -> String {
        shown(self.out, index, secret)
    }

    /// A codec error (offset within the pending bytes of `side`) as a transcript error.
    fn decode_error(&self, side: Side, mut error: DecodeError, secret: bool) -> super::TraceError {
        let pending = match side {
            Side::Client => &self.client.pending,
            Side::Server => &self.server.pending,
        };
        let fallback = pending.first().unwrap_or(0);
        let (line, at) = pending
            .locate(error.offset)
            .unwrap_or((fallback, usize::MAX));
        // The codec counts from the message's start; the reader counts from the file's.
        error.offset = self.out.lines[line].input_offset(at);
        self.out
            .error(line, at, TraceErrorKind::Imap(error), secret)
    }
}

fn server_message(
    message: &[u8],
    greeting: bool,
    limits: &Limits,
) -> Result<String, (DecodeError, bool)> {
    if greeting && let Ok(Parsed::Complete(greeting, _)) = parse_greeting(message, limits) {
        let kind = format!("{:?}", greeting.kind).to_ascii_uppercase();
        return Ok(format!("greeting {kind}"));
    }
    match parse_response(message, limits) {
        Ok(Parsed::Complete(response, _)) => Ok(match response {
            Response::Status(status) => format!(
                "status {} {}",
                status.tag.as_ref().map_or("*", |tag| tag.as_str()),
                status.kind.name()
            ),
            Response::Data(data) => format!("data {}", variant_name(&data)),
            Response::Continue(_) => "continuation request".to_owned(),
        }),
        Ok(Parsed::Incomplete) => Err((
            DecodeError::new(
                message.len(),
                crate::imap::codec::DecodeErrorKind::Syntax {
                    expected: "a whole response",
                },
            ),
            false,
        )),
        Err(error) => Err((error, false)),
    }
}

/// True when `line` could begin a message of `side` (after bytes were lost, the next such
/// line is where reading picks up again).
fn starts_message(side: Side, line: &[u8], limits: &Limits) -> bool {
    let mut wire = line.to_vec();
    wire.extend_from_slice(b"\r\n");
    match side {
        Side::Server => parse_response(&wire, limits).is_ok(),
        Side::Client => parse_command(&wire, limits).is_ok(),
    }
}

/// A client line ` … AUTHENTICATE MECH <redacted>` as the tracer writes it, with the
/// initial response made `=` (empty) so that it parses.
fn redacted_initial_response(side: Side, line: &[u8]) -> Option<Vec<u8>> {
    let kept = line.strip_suffix(b" <redacted>")?;
    if side != Side::Client || !contains_word(kept, b" AUTHENTICATE ") {
        return None;
    }
    let mut wire = kept.to_vec();
    wire.extend_from_slice(b" =");
    Some(wire)
}

/// LOGIN and AUTHENTICATE lines carry secrets: an error on one does not quote it.
fn may_hold_secret(message: &[u8]) -> bool {
    let line = message.split(|&b| b == b'\n').next().unwrap_or_default();
    contains_word(line, b" LOGIN ") || contains_word(line, b" AUTHENTICATE ")
}

fn contains_word(haystack: &[u8], word: &[u8]) -> bool {
    haystack
        .windows(word.len())
        .any(|window| window.eq_ignore_ascii_case(word))
}

/// A client message: a command, or a line answering AUTHENTICATE or ending IDLE. Returns
/// what to show and what it parsed as (or the error and whether the line may hold a secret).
fn client_message(
    out: &Out<'_>,
    reader: &mut ImapClientReader,
    message: &[u8],
    first: usize,
    limits: &Limits,
) -> (String, Result<String, (DecodeError, bool)>) {
    let error = match reader.read(message, limits) {
        Ok(Parsed::Complete(ClientMessage::Command(command), _)) => {
            let summary = format!("command {}", variant_name(&command.body));
            return (command_text(out, &command, first), Ok(summary));
        }
        Ok(Parsed::Complete(ClientMessage::AuthenticateData(AuthenticateData::Cancel), _)) => {
            return ("*".to_owned(), Ok("SASL cancel".to_owned()));
        }
        Ok(Parsed::Complete(ClientMessage::AuthenticateData(_), _)) => {
            return ("<redacted>".to_owned(), Ok("SASL response".to_owned()));
        }
        Ok(Parsed::Complete(ClientMessage::Done, _)) => {
            return (out.text(first), Ok("DONE (ends IDLE)".to_owned()));
        }
        Err(error) => error,
        // Framing found the whole message, so the parser cannot ask for more.
        Ok(_) => DecodeError::new(
            message.len(),
            crate::imap::codec::DecodeErrorKind::Syntax {
                expected: "a whole command",
            },
        ),
    };
    let secret = reader.in_authenticate() || may_hold_secret(message);
    (shown(out, first, secret), Err((error, secret)))
}

/// A command's first line as shown: a LOGIN password or AUTHENTICATE's initial response
/// replaced by `<redacted>`.
fn command_text(out: &Out<'_>, command: &Command<'_>, first: usize) -> String {
    let secret = matches!(
        command.body,
        CommandBody::Login { .. } | CommandBody::Authenticate { .. }
    );
    if !secret {
        return out.text(first);
    }
    let name = variant_name(&command.body).to_ascii_uppercase();
    let fallback = format!("{} {name} <redacted>", command.tag.as_str());
    let Ok(encoded) = encode_command(command, &EncodeOptions::default()) else {
        return fallback;
    };
    let redacted = encoded.redacted();
    let line = redacted.split(|&b| b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(line).into_owned()
}

/// Line `index`'s text, unless it may hold a secret.
fn shown(out: &Out<'_>, index: usize, secret: bool) -> String {
    if secret {
        "<not shown: it may hold a password>".to_owned()
    } else {
        out.text(index)
    }
}
