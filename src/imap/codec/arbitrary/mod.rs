//! `arbitrary` values for IMAP (feature `arbitrary`): commands and responses a fuzzer can
//! turn into valid traffic.
//!
//! Every [`Command<'static>`](Command) made here is one [`encode_command`] accepts with
//! [`EncodeOptions::default()`] (synchronising literals, no UTF8=ACCEPT) and
//! [`parse_command`] reads back as the same value; every [`Response<'static>`](Response) is
//! one [`encode_response`] accepts and [`parse_response`] reads back alike, and every
//! [`Greeting<'static>`](Greeting) one [`encode_greeting`] and [`parse_greeting`] agree on. They cover every
//! command, every kind of untagged data (FETCH with ENVELOPE, BODYSTRUCTURE and body
//! sections, LIST, STATUS, SEARCH and ESEARCH, CAPABILITY, ...), status responses with
//! every response code, and continuation requests, in each of the forms a value can take
//! (atom, quoted string, literal; 8-bit and NUL bytes in literals, where the grammar allows
//! them). Sizes are bounded: lists of a few items, strings of a few dozen bytes, nesting at
//! most four deep, so each value is cheap to make and to parse.
//!
//! A user's fuzz target, in `fuzz/fuzz_targets/` of their crate (this crate's
//! `imap_arbitrary_roundtrip` is the same):
//!
//! ```
//! use arbitrary::{Arbitrary, Unstructured};
//! use mailwire::imap::codec::types::{Command, Response};
//! use mailwire::imap::codec::{encode_command, encode_response, parse_command, parse_response};
//! use mailwire::imap::codec::{EncodeOptions, Parsed};
//! use mailwire::limits::Limits;
//!
//! // libfuzzer_sys::fuzz_target!(|data: &[u8]| { ... }) around this:
//! let data = b"\x07\x10 fuzzer bytes \x00\xff ...";
//! let mut input = Unstructured::new(data);
//!
//! let command = Command::arbitrary(&mut input).expect("generation never fails");
//! let wire = encode_command(&command, &EncodeOptions::default()).expect("always encodes");
//! let Ok(Parsed::Complete(parsed, _)) = parse_command(wire.as_bytes(), &Limits::default()) else {
//!     panic!("{command:?} was written as {wire:?}, which does not parse");
//! };
//! assert_eq!(parsed, command);
//!
//! let response = Response::arbitrary(&mut input).expect("generation never fails");
//! let mut wire = Vec::new();
//! encode_response(&response, &mut wire).expect("always encodes");
//! let Ok(Parsed::Complete(parsed, _)) = parse_response(&wire, &Limits::default()) else {
//!     panic!("{response:?} does not parse back");
//! };
//! assert_eq!(parsed, response);
//! ```
//!
//! [`encode_command`]: super::encode_command
//! [`encode_response`]: super::encode_response
//! [`encode_greeting`]: super::encode_greeting
//! [`parse_greeting`]: super::parse_greeting
//! [`parse_command`]: super::parse_command
//! [`parse_response`]: super::parse_response
//! [`EncodeOptions::default()`]: super::EncodeOptions

mod commands;
mod responses;

use std::borrow::Cow;

use ::arbitrary::{Result, Unstructured};

use super::grammar::chars;
use super::types::{
    AString, Atom, Capability, Date, DateTime, Flag, IString, Literal, LiteralMode, MailboxName,
    NString, SeqBound, SeqRange, SequenceSet, Tag, Text,
};

#[cfg(doc)]
use super::types::{Command, Greeting, Response};

/// Longest string made, in bytes.
const MAX_STRING: usize = 24;
/// Most items in a list.
const MAX_ITEMS: usize = 4;
/// Deepest nesting of search keys, body structures and extension values.
const MAX_DEPTH: usize = 4;

/// Which side writes the value: a command (client) or a response (server). A client's
/// literals are announced `{N}` whatever their mode says, and may not carry NUL outside a
/// literal8; a server writes a literal as its mode says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// The bytes of `class` below 0x80, in order.
fn class_bytes(class: u8) -> Vec<u8> {
    (0u8..0x80).filter(|&b| chars::is(b, class)).collect()
}

/// `1..=max` bytes of `class`.
fn class_string(u: &mut Unstructured<'_>, class: u8, max: usize) -> Result<String> {
    let allowed = class_bytes(class);
    let len = u.int_in_range(1..=max.max(1))?;
    let mut text = String::with_capacity(len);
    for _ in 0..len {
        text.push(char::from(*u.choose(&allowed)?));
    }
    Ok(text)
}

/// A word from `pool`, or (one time in three) `1..=max` bytes of `class`.
fn word(u: &mut Unstructured<'_>, pool: &[&str], class: u8, max: usize) -> Result<String> {
    if u.ratio(1, 3)? {
        class_string(u, class, max)
    } else {
        Ok((*u.choose(pool)?).to_owned())
    }
}

const ATOMS: &[&str] = &[
    "IMAP4rev1",
    "FOO",
    "X-Thing",
    "$Junk",
    "NonJunk",
    "a1",
    "Entw&APw-rfe",
    "~user",
    "x.y",
];

/// An atom: ATOM-CHARs only.
fn atom(u: &mut Unstructured<'_>) -> Result<Atom<'static>> {
    let text = word(u, ATOMS, chars::ATOM, 12)?;
    Ok(Atom::new(text).unwrap_or_else(|_| Atom::unchecked("X")))
}

/// An atom for which `accept` holds, or `fallback` (which must be one).
fn atom_where(
    u: &mut Unstructured<'_>,
    accept: impl Fn(&str) -> bool,
    fallback: &'static str,
) -> Result<Atom<'static>> {
    let candidate = atom(u)?;
    Ok(if accept(candidate.as_str()) {
        candidate
    } else {
        Atom::unchecked(fallback)
    })
}

/// A tag: ASTRING-CHARs but `+`.
fn tag(u: &mut Unstructured<'_>) -> Result<Tag<'static>> {
    let text = word(u, &["a1", "A0001", "x", "tag.7", "]"], chars::TAG, 8)?;
    Ok(Tag::new(text).unwrap_or_else(|_| Tag::unchecked("a1")))
}

/// Bytes for a quoted string: 7-bit, no CR, LF or NUL (8-bit bytes go in a literal until
/// UTF8=ACCEPT, and every response writes them so).
fn quoted_bytes(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    const POOL: &[&str] = &[
        "",
        "hello world",
        "a \"quoted\" \\ word",
        "INBOX",
        "NIL",
        "{3}",
    ];
    if u.arbitrary::<bool>()? {
        return Ok(u.choose(POOL)?.as_bytes().to_vec());
    }
    let len = u.int_in_range(0..=MAX_STRING)?;
    let mut bytes = Vec::with_capacity(len);
    for _ in 0..len {
        let b = u.int_in_range(1u8..=0x7f)?;
        bytes.push(if matches!(b, b'\r' | b'\n') { b' ' } else { b });
    }
    Ok(bytes)
}

/// Any bytes, for a literal; NUL only where `nul` allows it.
fn literal_bytes(u: &mut Unstructured<'_>, nul: bool) -> Result<Vec<u8>> {
    const POOL: &[&[u8]] = &[
        b"",
        b"line\r\nbreak",
        "Entwürfe".as_bytes(),
        b"Subject: hi\r\n\r\nhello\r\n",
        b"\xff\xfe 8-bit",
    ];
    let mut bytes = if u.arbitrary::<bool>()? {
        u.choose(POOL)?.to_vec()
    } else {
        let len = u.int_in_range(0..=MAX_STRING)?;
        u.bytes(len.min(u.len()))?.to_vec()
    };
    if !nul {
        for b in &mut bytes {
            if *b == 0 {
                *b = b'0';
            }
        }
    }
    Ok(bytes)
}

/// A literal as `side` writes one. A literal8 (`~{N}`) only where `binary` allows it.
fn literal(u: &mut Unstructured<'_>, side: Side, binary: bool) -> Result<Literal<'static>> {
    let binary = binary && u.ratio(1, 4)?;
    let mode = match side {
        Side::Client => LiteralMode::Sync,
        Side::Server => {
            *u.choose(&[LiteralMode::Sync, LiteralMode::NonSync, LiteralMode::Minus])?
        }
    };
    // A client sends NUL only in a literal8; a server's literals may carry it.
    let nul = binary || side == Side::Server;
    Ok(Literal {
        data: Cow::Owned(literal_bytes(u, nul)?),
        mode,
        binary,
    })
}

/// A quoted string or a literal.
fn istring(u: &mut Unstructured<'_>, side: Side) -> Result<IString<'static>> {
    Ok(if u.arbitrary::<bool>()? {
        IString::Quoted(Cow::Owned(quoted_bytes(u)?))
    } else {
        IString::Literal(literal(u, side, true)?)
    })
}

fn nstring(u: &mut Unstructured<'_>, side: Side) -> Result<NString<'static>> {
    Ok(if u.ratio(1, 4)? {
        None
    } else {
        Some(istring(u, side)?)
    })
}

/// An astring: an atom of ASTRING-CHARs, or a string.
fn astring(u: &mut Unstructured<'_>, side: Side) -> Result<AString<'static>> {
    if u.arbitrary::<bool>()? {
        let text = word(
            u,
            &["INBOX", "user@example.com", "UTF-8", "Sent]", "x"],
            chars::ASTRING,
            MAX_STRING,
        )?;
        return Ok(AString::Atom(Cow::Owned(text)));
    }
    istring(u, side).map(AString::String)
}

fn mailbox(u: &mut Unstructured<'_>, side: Side) -> Result<MailboxName<'static>> {
    const NAMES: &[&str] = &[
        "INBOX",
        "Sent Messages",
        "Entwürfe",
        "a/b/c",
        "[Gmail]/All Mail",
    ];
    if u.ratio(1, 3)? {
        let name = u.choose(NAMES)?;
        return Ok(MailboxName::from_name(name, false));
    }
    astring(u, side).map(MailboxName)
}

/// Response text: no CR, LF or NUL, not starting with `[` (which would read as a code),
/// not only spaces (which read as stray spaces before the line end) and not ending in `}`
/// (which could announce a literal).
fn text(u: &mut Unstructured<'_>) -> Result<Text<'static>> {
    const POOL: &[&str] = &[
        "",
        "done",
        "LOGIN completed",
        "Parse Error (took 0 ms)",
        "Grüße aus Köln",
        "text with ] and [ inside",
    ];
    if u.arbitrary::<bool>()? {
        return Ok(Text::new(u.choose(POOL)?.as_bytes().to_vec()));
    }
    let len = u.int_in_range(0..=MAX_STRING)?;
    let mut bytes: Vec<u8> = u
        .bytes(len.min(u.len()))?
        .iter()
        .map(|&b| {
            if matches!(b, b'\r' | b'\n' | 0) {
                b' '
            } else {
                b
            }
        })
        .collect();
    if let Some(first @ (b'[' | b' ')) = bytes.first_mut() {
        *first = b'(';
    }
    // A line ending `{N}` announces a literal to whoever frames it, so the text would not
    // read back as the end of its response.
    while bytes.last() == Some(&b'}') {
        bytes.pop();
    }
    Ok(Text::new(bytes))
}

/// A flag. `wildcard` allows `\*`, which only PERMANENTFLAGS carries.
fn flag(u: &mut Unstructured<'_>, wildcard: bool) -> Result<Flag<'static>> {
    Ok(match u.choose_index(if wildcard { 9 } else { 8 })? {
        0 => Flag::Answered,
        1 => Flag::Flagged,
        2 => Flag::Deleted,
        3 => Flag::Seen,
        4 => Flag::Draft,
        5 => Flag::Recent,
        6 => Flag::Keyword(atom(u)?),
        7 => Flag::Extension(atom_where(
            u,
            |name| matches!(Flag::system(name), Flag::Extension(_)),
            "Important",
        )?),
        _ => Flag::Wildcard,
    })
}

fn flags(u: &mut Unstructured<'_>, wildcard: bool) -> Result<Vec<Flag<'static>>> {
    let count = u.int_in_range(0..=MAX_ITEMS)?;
    (0..count).map(|_| flag(u, wildcard)).collect()
}

fn nz_u32(u: &mut Unstructured<'_>) -> Result<u32> {
    Ok(match u.choose_index(3)? {
        0 => u.int_in_range(1..=20)?,
        1 => u32::MAX,
        _ => u.int_in_range(1..=u32::MAX)?,
    })
}

/// A number64 (RFC 9051): mod-sequences, sizes, quota figures: 0 to 2^63-1.
fn number64(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(match u.choose_index(3)? {
        0 => u.int_in_range(0..=1000)?,
        1 => i64::MAX as u64,
        _ => u.int_in_range(0..=i64::MAX as u64)?,
    })
}

fn seq_bound(u: &mut Unstructured<'_>) -> Result<SeqBound> {
    Ok(if u.ratio(1, 4)? {
        SeqBound::Largest
    } else {
        SeqBound::Value(nz_u32(u)?)
    })
}

/// A sequence set; `$` (a saved search result) only where `saved` allows it (commands).
fn sequence_set(u: &mut Unstructured<'_>, saved: bool) -> Result<SequenceSet> {
    let saved = saved && u.ratio(1, 5)?;
    let count = u.int_in_range(usize::from(!saved)..=MAX_ITEMS)?;
    let mut ranges = Vec::with_capacity(count);
    for _ in 0..count {
        ranges.push(SeqRange {
            start: seq_bound(u)?,
            end: if u.arbitrary::<bool>()? {
                Some(seq_bound(u)?)
            } else {
                None
            },
        });
    }
    Ok(SequenceSet { ranges, saved })
}

fn date(u: &mut Unstructured<'_>) -> Result<Date> {
    let year = u.int_in_range(0..=9999)?;
    let month = u.int_in_range(1..=12)?;
    let day = u.int_in_range(1..=31)?;
    Ok(Date::checked(year, month, day).unwrap_or(Date {
        year: 2024,
        month: 1,
        day: 1,
    }))
}

fn date_time(u: &mut Unstructured<'_>) -> Result<DateTime> {
    let date = date(u)?;
    let hour = u.int_in_range(0..=23)?;
    let minute = u.int_in_range(0..=59)?;
    let second = u.int_in_range(0..=60)?;
    let zone = u.int_in_range(-1439..=1439)?;
    Ok(
        DateTime::checked(date, hour, minute, second, zone).unwrap_or(DateTime {
            date,
            hour: 0,
            minute: 0,
            second: 0,
            zone_minutes: 0,
        }),
    )
}

/// A capability, of every variant: a known name, a name with a value, or another name
/// (never one that reads back as a known variant).
fn capability(u: &mut Unstructured<'_>) -> Result<Capability<'static>> {
    use Capability as C;
    const SIMPLE: [Capability<'static>; 27] = [
        C::Imap4Rev1,
        C::Imap4Rev2,
        C::Imap4,
        C::StartTls,
        C::LoginDisabled,
        C::SaslIr,
        C::Idle,
        C::Id,
        C::Enable,
        C::Namespace,
        C::Move,
        C::UidPlus,
        C::Unselect,
        C::Quota,
        C::CondStore,
        C::QResync,
        C::LiteralPlus,
        C::LiteralMinus,
        C::ESearch,
        C::Sort,
        C::ListStatus,
        C::ListExtended,
        C::SpecialUse,
        C::Children,
        C::Utf8Accept,
        C::Binary,
        C::ObjectId,
    ];
    Ok(match u.choose_index(SIMPLE.len() + 4)? {
        index if index < SIMPLE.len() => SIMPLE[index].clone(),
        index if index == SIMPLE.len() => C::Auth(atom(u)?),
        index if index == SIMPLE.len() + 1 => C::Thread(atom(u)?),
        index if index == SIMPLE.len() + 2 => C::Compress(atom(u)?),
        _ => {
            let name = atom(u)?;
            let text = name.as_str().to_owned();
            if Capability::from_token(&text) == C::Other(name.clone()) {
                C::Other(name)
            } else {
                C::Other(Atom::unchecked("XAPPLEPUSHSERVICE"))
            }
        }
    })
}

fn capabilities(u: &mut Unstructured<'_>, min: usize) -> Result<Vec<Capability<'static>>> {
    let count = u.int_in_range(min..=MAX_ITEMS + 2)?;
    (0..count).map(|_| capability(u)).collect()
}

/// `count` values from `make`, with `count` in `min..=MAX_ITEMS`.
fn list_of<T>(
    u: &mut Unstructured<'_>,
    min: usize,
    mut make: impl FnMut(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let count = u.int_in_range(min..=MAX_ITEMS.max(min))?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        items.push(make(u)?);
    }
    Ok(items)
}

fn option_of<T>(
    u: &mut Unstructured<'_>,
    make: impl FnOnce(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.arbitrary::<bool>()? {
        Some(make(u)?)
    } else {
        None
    })
}

/// An `objectid` (RFC 8474): letters, digits, `_` and `-`.
fn object_id(u: &mut Unstructured<'_>) -> Result<Atom<'static>> {
    const IDS: &[&str] = &["M6d99ac3275bb4e", "T64b478a75b7ea9", "a_b-c", "0"];
    if u.arbitrary::<bool>()? {
        return Ok(Atom::unchecked(u.choose(IDS)?));
    }
    let allowed: Vec<u8> = (b'0'..=b'z')
        .filter(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .chain([b'-'])
        .collect();
    let len = u.int_in_range(1..=16)?;
    let mut id = String::with_capacity(len);
    for _ in 0..len {
        id.push(char::from(*u.choose(&allowed)?));
    }
    Ok(Atom::new(id).unwrap_or_else(|_| Atom::unchecked("id")))
}
