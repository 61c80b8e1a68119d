//! `mailwire decode`: parse a byte stream with the codecs and print what they see.

use std::io::Read;

use mailwire::smtp::codec::{self, Parsed};

use crate::Failure;
use crate::args::{Args, UsageError};

pub const HELP: &str = "\
mailwire decode KIND [FILE|-]: parse a byte stream, print one parsed item per line

  KIND   smtp-reply     replies as a server sends them
         smtp-command   commands as a client sends them
  FILE   input file, or - (the default) for standard input

On bad input the exit status is 1 and the error names the byte offset.
";

/// The largest input read, so a stray device file cannot exhaust memory.
const MAX_INPUT: u64 = 1 << 30;

pub fn run(mut args: Args) -> Result<(), Failure> {
    let kind = args
        .next()
        .ok_or_else(|| UsageError("decode needs a KIND: smtp-reply or smtp-command".to_owned()))?;
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
    let limits = mailwire::limits::Limits::default();
    let mut out = std::io::stdout().lock();
    match kind.as_str() {
        "smtp-reply" => each(&input, &mut out, |rest| {
            match codec::parse_reply(rest, &limits) {
                Ok(Parsed::Complete(reply, used)) => {
                    Ok(Some((format_reply(&reply.to_owned()), used)))
                }
                Ok(Parsed::Incomplete) => Ok(None),
                Err(e) => Err((e.offset().unwrap_or(0), e.to_string())),
            }
        }),
        "smtp-command" => each(&input, &mut out, |rest| {
            match codec::parse_command(rest, &limits) {
                Ok(Parsed::Complete(command, used)) => Ok(Some((format!("{command:?}"), used))),
                Ok(Parsed::Incomplete) => Ok(None),
                // A command error lies within the command that starts here.
                Err(e) => Err((0, e.to_string())),
            }
        }),
        other => Err(UsageError(format!(
            "unknown KIND {other:?}: use smtp-reply or smtp-command"
        ))
        .into()),
    }
}

/// One step of a decoder: the printed item and the bytes it used, `None` when the input
/// ends inside an item, or the offset (within `rest`) and reason of an error.
type Step = Result<Option<(String, usize)>, (usize, String)>;

fn each(
    input: &[u8],
    out: &mut impl std::io::Write,
    mut step: impl FnMut(&[u8]) -> Step,
) -> Result<(), Failure> {
    let mut offset = 0;
    while offset < input.len() {
        match step(&input[offset..]) {
            Ok(Some((item, used))) => {
                writeln!(out, "{item}").map_err(|e| Failure::Runtime(e.to_string()))?;
                offset += used.max(1);
            }
            Ok(None) => {
                return Err(Failure::Input(format!(
                    "byte {offset}: the input ends in the middle of an item"
                )));
            }
            Err((at, reason)) => {
                return Err(Failure::Input(format!("byte {}: {reason}", offset + at)));
            }
        }
    }
    Ok(())
}

fn format_reply(reply: &codec::OwnedReply) -> String {
    let mut text = reply.code.get().to_string();
    if let Some(enhanced) = reply.enhanced {
        text.push_str(&format!(" {enhanced}"));
    }
    text.push_str(&format!(" {:?}", reply.lines));
    text
}
