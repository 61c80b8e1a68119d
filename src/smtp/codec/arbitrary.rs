//! `arbitrary` values for SMTP (feature `arbitrary`): commands and replies a fuzzer can turn
//! into valid traffic.
//!
//! Every [`Command`] and [`OwnedReply`] made here is one the encoder accepts and the parser
//! reads back as the same value, so a fuzzer that starts from them tests the meaning of the
//! protocol (a client, a server, a proxy) instead of spending its time on lines the first
//! syntax check throws away. Sizes are bounded (a few parameters, a few reply lines, fields
//! of at most 64 bytes) so each value is cheap to make.
//!
//! A command's strings borrow from the fuzzer's input: each field is the longest run of the
//! input its grammar allows, or a realistic value (`me@example.com`, `SIZE=1200`) when that
//! run is empty. A reply owns its text.
//!
//! A user's fuzz target, in `fuzz/fuzz_targets/` of their crate (this one's
//! `smtp_arbitrary_roundtrip` is the same):
//!
//! ```
//! use arbitrary::{Arbitrary, Unstructured};
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_command, parse_reply, Command, OwnedReply, Parsed};
//!
//! // libfuzzer_sys::fuzz_target!(|data: &[u8]| { ... }) around this:
//! let data = b"\x03\x10 fuzzer bytes \x00\xff ...";
//! let mut input = Unstructured::new(data);
//! let command = Command::arbitrary(&mut input).expect("generation never fails");
//! let mut wire = Vec::new();
//! command.encode(&mut wire).expect("every generated command encodes");
//! let Ok(Parsed::Complete(parsed, used)) = parse_command(&wire, &Limits::default()) else {
//!     panic!("{command:?} was written as {:?}, which does not parse", String::from_utf8_lossy(&wire));
//! };
//! assert_eq!((parsed, used), (command, wire.len()));
//!
//! let reply = OwnedReply::arbitrary(&mut input).expect("generation never fails");
//! let mut wire = Vec::new();
//! reply.encode(&mut wire);
//! let Ok(Parsed::Complete(parsed, _)) = parse_reply(&wire, &Limits::default()) else {
//!     panic!("{reply:?} does not parse back");
//! };
//! assert_eq!(parsed.to_owned(), reply);
//! ```

use ::arbitrary::{Arbitrary, Result, Unstructured};

use super::command::{Command, Parameter};
use super::reply::{EnhancedCode, OwnedReply, ReplyCode};
use crate::sasl::MAX_MECHANISM_NAME_LEN;

/// The longest field taken from the input, in bytes.
const MAX_FIELD: usize = 64;
/// Most ESMTP parameters on one MAIL or RCPT.
const MAX_PARAMS: usize = 4;
/// Most lines in one reply.
const MAX_LINES: usize = 5;

const DOMAINS: &[&str] = &[
    "client.example.org",
    "[192.0.2.1]",
    "[IPv6:2001:db8::1]",
    "localhost",
    "bücher.example",
];
const ADDRESSES: &[&str] = &[
    "me@example.com",
    "friend@example.net",
    "\"odd.name\"@example.org",
    "postmaster",
    "jörg@bücher.example",
    "a+tag@sub.example.com",
];
const KEYWORDS: &[&str] = &[
    "SIZE", "BODY", "SMTPUTF8", "NOTIFY", "ORCPT", "RET", "ENVID", "AUTH", "X-FOO",
];
const VALUES: &[&str] = &[
    "1200",
    "8BITMIME",
    "FAILURE,DELAY",
    "rfc822;a@b",
    "HDRS",
    "<>",
    "QQ+2B",
];
const ARGUMENTS: &[&str] = &["postmaster", "Smith, John", "list@example.com", "DATA"];
const MECHANISMS: &[&str] = &["PLAIN", "LOGIN", "XOAUTH2", "SCRAM-SHA-256", "CRAM-MD5"];
const BASE64: &[&str] = &["=", "AGFsaWNlAHNlY3JldA==", "dXNlcg==", "YQ"];
const TEXTS: &[&str] = &[
    "mx.example.com ESMTP ready",
    "Ok: queued as 4AB2C",
    "PIPELINING",
    "SIZE 35882577",
    "AUTH PLAIN LOGIN",
    "Authentication failed",
    "Gr\u{fc}\u{df}e",
    "",
];

/// The longest run at the start of the next `0..=MAX_FIELD` input bytes that is UTF-8 and
/// made of characters `allowed` accepts: a field taken from the input as it is, so that
/// what the fuzzer varies reaches the wire.
fn borrowed_run<'a>(u: &mut Unstructured<'a>, allowed: impl Fn(char) -> bool) -> Result<&'a str> {
    let len = u.int_in_range(0..=MAX_FIELD)?;
    let bytes = u.bytes(len.min(u.len()))?;
    let text = match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => core::str::from_utf8(bytes.get(..error.valid_up_to()).unwrap_or_default())
            .unwrap_or_default(),
    };
    let end = text
        .char_indices()
        .find(|&(_, c)| !allowed(c))
        .map_or(text.len(), |(at, _)| at);
    Ok(text.get(..end).unwrap_or_default())
}

/// A field: half the time a run of the input (see [`borrowed_run`]), else one of `pool`,
/// which is also the fallback when the run is not `valid`.
fn field<'a>(
    u: &mut Unstructured<'a>,
    pool: &[&'static str],
    allowed: impl Fn(char) -> bool,
    valid: impl Fn(&str) -> bool,
) -> Result<&'a str> {
    if u.arbitrary::<bool>()? {
        let run = borrowed_run(u, allowed)?;
        if valid(run) {
            return Ok(run);
        }
    }
    Ok(u.choose(pool)?)
}

fn is_control(c: char) -> bool {
    c < ' ' || c == '\u{7f}'
}

fn domain<'a>(u: &mut Unstructured<'a>) -> Result<&'a str> {
    field(
        u,
        DOMAINS,
        |c| !is_control(c) && c != ' ',
        |run| !run.is_empty(),
    )
}

fn path<'a>(u: &mut Unstructured<'a>, may_be_empty: bool) -> Result<&'a str> {
    if may_be_empty && u.ratio(1, 8)? {
        return Ok("");
    }
    field(
        u,
        ADDRESSES,
        |c| !is_control(c) && !matches!(c, ' ' | '<' | '>'),
        // A leading `@` starts a source route, which a server drops.
        |run| !run.is_empty() && !run.starts_with('@'),
    )
}

fn parameters<'a>(u: &mut Unstructured<'a>) -> Result<Vec<Parameter<'a>>> {
    let count = u.int_in_range(0..=MAX_PARAMS)?;
    let mut params = Vec::with_capacity(count);
    for _ in 0..count {
        let keyword = field(
            u,
            KEYWORDS,
            |c| c.is_ascii_alphanumeric() || c == '-',
            |run| run.starts_with(|c: char| c.is_ascii_alphanumeric()),
        )?;
        let value = if u.arbitrary::<bool>()? {
            Some(field(
                u,
                VALUES,
                |c| !is_control(c) && !matches!(c, ' ' | '='),
                |run| !run.is_empty(),
            )?)
        } else {
            None
        };
        params.push(Parameter { keyword, value });
    }
    Ok(params)
}

/// Text a server ignores or looks up: no control characters, no spaces at either end (a
/// server trims them).
fn argument<'a>(u: &mut Unstructured<'a>) -> Result<&'a str> {
    if u.arbitrary::<bool>()? {
        let run = borrowed_run(u, |c| !is_control(c))?.trim_matches(' ');
        if !run.is_empty() {
            return Ok(run);
        }
    }
    Ok(u.choose(ARGUMENTS)?)
}

fn optional_argument<'a>(u: &mut Unstructured<'a>) -> Result<Option<&'a str>> {
    if u.arbitrary::<bool>()? {
        argument(u).map(Some)
    } else {
        Ok(None)
    }
}

fn mechanism<'a>(u: &mut Unstructured<'a>) -> Result<&'a str> {
    field(
        u,
        MECHANISMS,
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
        |run| (1..=MAX_MECHANISM_NAME_LEN).contains(&run.len()),
    )
}

fn initial_response<'a>(u: &mut Unstructured<'a>) -> Result<Option<&'a str>> {
    if !u.arbitrary::<bool>()? {
        return Ok(None);
    }
    field(
        u,
        BASE64,
        |c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='),
        |run| !run.is_empty(),
    )
    .map(Some)
}

/// The verbs, one per variant, so that a fuzzer's first byte picks any of them alike.
const VERBS: usize = 14;

impl<'a> Arbitrary<'a> for Command<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.choose_index(VERBS)? {
            0 => Command::Helo { domain: domain(u)? },
            1 => Command::Ehlo { domain: domain(u)? },
            2 => Command::MailFrom {
                reverse_path: path(u, true)?,
                params: parameters(u)?,
            },
            3 => Command::RcptTo {
                forward_path: path(u, false)?,
                params: parameters(u)?,
            },
            4 => Command::Data,
            5 => Command::Bdat {
                size: u.arbitrary()?,
                last: u.arbitrary()?,
            },
            6 => Command::Rset,
            7 => Command::Noop {
                argument: optional_argument(u)?,
            },
            8 => Command::Quit,
            9 => Command::StartTls,
            10 => Command::Auth {
                mechanism: mechanism(u)?,
                initial_response: initial_response(u)?,
            },
            11 => Command::Vrfy {
                argument: argument(u)?,
            },
            12 => Command::Expn {
                argument: argument(u)?,
            },
            _ => Command::Help {
                argument: optional_argument(u)?,
            },
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, None)
    }
}

impl<'a> Arbitrary<'a> for ReplyCode {
    /// A code a server can send and a client reads: 2xx to 5xx, second digit 0 to 5.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let class = u.int_in_range(2..=5u16)?;
        let subject = u.int_in_range(0..=5u16)?;
        let detail = u.int_in_range(0..=9u16)?;
        Ok(ReplyCode::new(class * 100 + subject * 10 + detail).unwrap_or(ReplyCode::OK))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (3, Some(6))
    }
}

impl<'a> Arbitrary<'a> for EnhancedCode {
    /// A class of 2, 4 or 5 and a subject and detail of one to three digits.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(EnhancedCode {
            class: *u.choose(&[2, 4, 5])?,
            subject: u.int_in_range(0..=999)?,
            detail: u.int_in_range(0..=999)?,
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (5, Some(5))
    }
}

/// A line of reply text: no CR or LF (the encoder would write them as spaces).
fn reply_text(u: &mut Unstructured<'_>) -> Result<String> {
    if u.arbitrary::<bool>()? {
        return Ok((*u.choose(TEXTS)?).to_owned());
    }
    let text: &str = u.arbitrary()?;
    Ok(text
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .take(MAX_FIELD)
        .collect())
}

impl<'a> Arbitrary<'a> for OwnedReply {
    /// One to five lines; an enhanced code only where its class can match the reply code's
    /// (not on 3xx), as a client reads one only then.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let code = ReplyCode::arbitrary(u)?;
        let enhanced = if code.class() != 3 && u.arbitrary::<bool>()? {
            let enhanced = EnhancedCode::arbitrary(u)?;
            Some(EnhancedCode {
                class: code.class(),
                ..enhanced
            })
        } else {
            None
        };
        let count = u.int_in_range(1..=MAX_LINES)?;
        let mut lines = Vec::with_capacity(count);
        for _ in 0..count {
            lines.push(reply_text(u)?);
        }
        // Without an enhanced code, first text that looks like one would be read as one.
        if let (None, Some(first)) = (enhanced, lines.first_mut())
            && EnhancedCode::parse_prefix(first.as_bytes())
                .is_some_and(|(looks_like, _)| looks_like.class == code.class())
        {
            first.insert(0, '#');
        }
        Ok(OwnedReply::new(code, enhanced, lines))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (4, None)
    }
}
