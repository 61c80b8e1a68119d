//! `mailwire decode`: parse a byte stream with the codecs and print what they see.

use std::io::Read;

use mailwire::Parsed;
use mailwire::imap::codec as imap;
use mailwire::limits::Limits;
use mailwire::smtp::codec;
use mailwire::trace::{ClientMessage, ImapClientReader};

use crate::args::{Args, UsageError};
use crate::{Failure, terminal};

pub const HELP: &str = "\
mailwire decode KIND [FILE|-]: parse a byte stream, print one parsed item per line

  KIND   smtp-reply     replies as a server sends them
         smtp-command   commands as a client sends them
         imap-response  responses as an IMAP server sends them (greeting included)
         imap-command   commands as an IMAP client sends them (with AUTHENTICATE
                        answers and IDLE's DONE)
         trace          a two-sided transcript of C: and S: lines (what --trace
                        prints), SMTP or IMAP: one line per command or response,
                        `S 12: <text> -> <what it parsed as>`; a failure shows the
                        line with a caret under the failing byte
  FILE   input file, or - (the default) for standard input

On bad input the exit status is 1 and the error names the byte offset.
";

/// The largest input read, so a stray device file cannot exhaust memory.
const MAX_INPUT: u64 = 1 << 30;

pub fn run(mut args: Args) -> Result<(), Failure> {
    let kind = args.next().ok_or_else(|| {
        UsageError(
            "decode needs a KIND: smtp-reply, smtp-command, imap-response, imap-command \
                 or trace"
                .to_owned(),
        )
    })?;
    let path = args.next().unwrap_or_else(|| "-".to_owned());
    if let Some(extra) = args.next() {
        return Err(UsageError(format!("unexpected argument {extra:?}")).into());
    }
    let mut input = Vec::new();
    let read = if path == "-" {
        std::io::stdin().take(MAX_INPUT).read_to_end(&mut input)
    } else {
        std::fs::File::open(&path).and_then(|file| file.take(MAX_INPUT).read_to_end(&mut input))
    };
    read.map_err(|e| Failure::Input(format!("cannot read {path}: {e}")))?;
    let limits = Limits::default();
    let mut out = std::io::stdout().lock();
    match kind.as_str() {
        "smtp-reply" => each(&input, &mut out, |rest, base| {
            match codec::parse_reply(rest, &limits) {
                Ok(Parsed::Complete(reply, used)) => {
                    Ok(Some((format_reply(&reply.to_owned()), used)))
                }
                Ok(Parsed::Incomplete) => Ok(None),
                Err(e) => Err(format!("byte {}: {e}", base + e.offset().unwrap_or(0))),
            }
        }),
        "smtp-command" => each(&input, &mut out, smtp_command_decoder(&limits)),
        "imap-response" => each(&input, &mut out, imap_response_decoder(&limits)),
        "imap-command" => each(&input, &mut out, imap_command_decoder(&limits)),
        "trace" => trace(&input, &mut out),
        other => Err(UsageError(format!(
            "unknown KIND {other:?}: use smtp-reply, smtp-command, imap-response, imap-command \
             or trace"
        ))
        .into()),
    }
}

/// A transcript: one line per entry, a failing one followed by its line and a caret under
/// the failing byte (unless the line may hold a password).
fn trace(input: &[u8], out: &mut impl std::io::Write) -> Result<(), Failure> {
    let report = mailwire::trace::decode_trace(input);
    let write_error = |e: std::io::Error| Failure::Runtime(e.to_string());
    for entry in &report.entries {
        // Texts and reasons echo the transcript, which a server wrote: escaped.
        let head = format!("{} {}: {}", entry.side, entry.line_no, entry.text);
        match &entry.parsed {
            Ok(summary) => writeln!(out, "{} -> {}", terminal::escape_control(&head), summary),
            Err(error) => {
                let reason = terminal::escape_control(&error.to_string()).into_owned();
                writeln!(
                    out,
                    "{} -> error: {reason}",
                    terminal::escape_control(&head)
                )
                .and_then(|()| match error.pointer() {
                    Some((line, column)) => {
                        writeln!(out, "    {line}\n    {}^", " ".repeat(column))
                    }
                    None => writeln!(out, "    (the line is not shown: it may hold a password)"),
                })
            }
        }
        .map_err(write_error)?;
    }
    if report.skipped_lines > 0 {
        terminal::warn(&format!(
            "note: {} input line(s) are neither C: nor S: lines and were not read (the first is \
             line {})",
            report.skipped_lines,
            report.first_skipped_line.unwrap_or(0)
        ));
    }
    if report.protocol.is_none() {
        return Err(Failure::Input(
            "no C: or S: line tells whether this is SMTP or IMAP; a transcript marks what the \
             client sent with `C: ` and what the server sent with `S: `"
                .to_owned(),
        ));
    }
    let failures = report.failures().count();
    if failures > 0 {
        return Err(Failure::Input(format!(
            "{failures} of {} entries did not parse (shown above)",
            report.entries.len()
        )));
    }
    Ok(())
}

/// One step of a decoder: the printed item and the bytes it used, `None` when the input
/// ends inside an item, or an error message naming the byte offset in the whole input.
type Step = Result<Option<(String, usize)>, String>;

fn each(
    input: &[u8],
    out: &mut impl std::io::Write,
    mut step: impl FnMut(&[u8], usize) -> Step,
) -> Result<(), Failure> {
    let mut offset = 0;
    while offset < input.len() {
        match step(&input[offset..], offset) {
            Ok(Some((item, used))) => {
                // The item echoes the input, which may be a server's or an attacker's.
                writeln!(out, "{}", terminal::escape_control(&item))
                    .map_err(|e| Failure::Runtime(e.to_string()))?;
                offset += used.max(1);
            }
            Ok(None) => {
                return Err(Failure::Input(format!(
                    "byte {offset}: the input ends in the middle of an item"
                )));
            }
            Err(message) => return Err(Failure::Input(message)),
        }
    }
    Ok(())
}

/// Client commands, and the SASL responses that follow an `AUTH` (RFC 4954): those carry
/// the password, so they are shown redacted, never as text (nor as an unknown command
/// whose error would quote them).
fn smtp_command_decoder(limits: &Limits) -> impl FnMut(&[u8], usize) -> Step + '_ {
    let mut in_auth = false;
    move |rest, base| match codec::parse_command(rest, limits) {
        Ok(Parsed::Complete(command, used)) => {
            in_auth = matches!(command, codec::Command::Auth { .. });
            Ok(Some((format!("{command:?}"), used)))
        }
        Ok(Parsed::Incomplete) => Ok(None),
        Err(_) if in_auth => match codec::parse_auth_response(rest, limits) {
            Ok(Parsed::Complete(response, used)) => {
                Ok(Some((format!("AuthResponse({response:?})"), used)))
            }
            Ok(Parsed::Incomplete) => Ok(None),
            Err(_) => Err(format!(
                "byte {base}: neither a command nor a SASL response (the line is not shown: \
                 inside AUTH it may hold a password)"
            )),
        },
        // A command error lies within the command that starts here.
        Err(e) => Err(format!("byte {base}: {e}")),
    }
}

/// One IMAP decoding attempt's outcome as a [`Step`].
fn imap_step<T: std::fmt::Debug>(
    result: Result<Parsed<T>, imap::DecodeError>,
    base: usize,
) -> Step {
    match result {
        Ok(Parsed::Complete(value, used)) => Ok(Some((format!("{value:?}"), used))),
        Ok(Parsed::Incomplete) => Ok(None),
        Err(mut error) => {
            // The codec counts from the message's start; the user counts from the file's.
            error.offset += base;
            Err(error.to_string())
        }
    }
}

/// Server responses; the stream may open with a greeting (which may be `PREAUTH`).
fn imap_response_decoder(limits: &Limits) -> impl FnMut(&[u8], usize) -> Step + '_ {
    let mut first = true;
    move |rest, base| {
        if std::mem::take(&mut first)
            && let Ok(greeting @ Parsed::Complete(..)) = imap::parse_greeting(rest, limits)
        {
            return imap_step(Ok(greeting), base);
        }
        imap_step(imap::parse_response(rest, limits), base)
    }
}

/// Client commands, and the lines that are not commands but answer one: AUTHENTICATE's
/// challenge responses (shown redacted: they may hold a password) and the DONE that ends
/// IDLE, told apart as the trace decoder does.
fn imap_command_decoder(limits: &Limits) -> impl FnMut(&[u8], usize) -> Step + '_ {
    let mut reader = ImapClientReader::new();
    move |rest, base| match reader.read(rest, limits) {
        Ok(Parsed::Complete(ClientMessage::Command(command), used)) => {
            Ok(Some((format!("{command:?}"), used)))
        }
        Ok(Parsed::Complete(ClientMessage::AuthenticateData(_), used)) => {
            Ok(Some(("AuthenticateData([redacted])".to_owned(), used)))
        }
        Ok(Parsed::Complete(ClientMessage::Done, used)) => Ok(Some(("Done".to_owned(), used))),
        Ok(Parsed::Complete(other, used)) => Ok(Some((format!("{other:?}"), used))),
        result => imap_step(result, base),
    }
}

fn format_reply(reply: &codec::OwnedReply) -> String {
    let mut text = reply.code.get().to_string();
    if let Some(enhanced) = reply.enhanced {
        text.push_str(&format!(" {enhanced}"));
    }
    text.push_str(&format!(" {:?}", reply.lines));
    text
}
