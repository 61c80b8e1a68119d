//! EHLO capabilities: what a server says it can do, read from its EHLO reply.
//!
//! The first line of a positive EHLO reply names the server; each following line starts
//! with a keyword (RFC 5321 section 4.1.1.1). Servers write keywords in any case, some
//! still send the pre-standard `AUTH=PLAIN LOGIN` beside or instead of `AUTH PLAIN LOGIN`,
//! and a few send lines that are not keywords at all: none of that makes the EHLO fail.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_reply, Capabilities, Parsed};
//!
//! let wire = b"250-smtp.example.com\r\n250-size\r\n250-AUTH=LOGIN\r\n250-AUTH PLAIN LOGIN\r\n\
//!              250 XCLIENT NAME ADDR\r\n";
//! let Parsed::Complete(reply, _) = parse_reply(wire, &Limits::default())? else {
//!     panic!("whole reply expected");
//! };
//! let capabilities = Capabilities::from_ehlo(&reply)?;
//! assert_eq!(capabilities.domain(), "smtp.example.com");
//! assert_eq!(capabilities.size, Some(0), "SIZE without a number: no fixed limit");
//! assert!(capabilities.supports_auth("plain"));
//! assert_eq!(capabilities.mechanisms().collect::<Vec<_>>(), ["LOGIN", "PLAIN"]);
//! assert_eq!(capabilities.other("xclient").as_deref(), Some("NAME ADDR"));
//!
//! // Borrowed from the reply's buffer until kept: a client keeps them for the connection.
//! let kept: Capabilities<'static> = capabilities.into_owned();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reading a reply allocates nothing: the extensions a client acts on become fields and
//! the well-known SASL mechanisms a set of bits, in one pass over the reply; the server's
//! name, the mechanism list and every other extension stay in the reply's bytes and are
//! read from there when asked for. [`Capabilities::into_owned`] copies those bytes once,
//! for a client that keeps the capabilities after the buffer has moved on.

use core::fmt;
use std::borrow::Cow;

use super::ehlo_lists::{Mechanisms, OtherExtensions};
use super::ehlo_names::{
    FOLD3, KEYWORD_INDEX, KEYWORDS, Keyword, LINE_STARTS, SPELLED_KEYWORDS, name_run,
    well_known_mechanism, well_known_mechanism_indexed,
};
use super::reply::{OwnedReply, Reply, ReplyCode, ReplyLines};
use crate::sasl::{self, MechanismNameError};
use crate::scan::{find_byte, find_byte_near};

/// The service extensions a server announced in its EHLO reply, borrowed from the reply.
///
/// The extensions this crate acts on are fields; the server's name, the SASL mechanisms and
/// every other line are read from the reply when asked for. A client keeps them with
/// [`Capabilities::into_owned`]. A server (or a test double) builds them with
/// [`Capabilities::new`] and announces them with [`Capabilities::to_reply`]; a client reads
/// the same capabilities back.
#[derive(Clone, Default)]
pub struct Capabilities<'a> {
    /// SIZE (RFC 1870): the largest message accepted, in bytes; `Some(0)` when the
    /// server announces SIZE without a fixed limit.
    pub size: Option<u64>,
    /// PIPELINING (RFC 2920): commands may be sent in groups without waiting.
    pub pipelining: bool,
    /// 8BITMIME (RFC 6152): 8-bit message bodies are accepted.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 (RFC 6531): UTF-8 addresses and headers are accepted.
    pub smtp_utf8: bool,
    /// ENHANCEDSTATUSCODES (RFC 2034): replies carry codes such as `5.7.8`.
    pub enhanced_status_codes: bool,
    /// CHUNKING (RFC 3030): BDAT may be used instead of DATA.
    pub chunking: bool,
    /// DSN (RFC 3461): delivery status notification parameters are accepted.
    pub dsn: bool,
    /// STARTTLS (RFC 3207): the connection can be upgraded to TLS.
    pub starttls: bool,
    /// The reply's bytes as received (or as written by [`Capabilities::new`] and the
    /// `add_` methods): lines with their codes and line ends, the greeting first.
    wire: Cow<'a, [u8]>,
    /// Where the lines after the greeting start in `wire`, and how many there are.
    body: (usize, usize),
    /// Bit `i` set when `WELL_KNOWN_MECHANISMS[i]` is offered.
    well_known: u32,
    /// Whether a mechanism outside `WELL_KNOWN_MECHANISMS` is offered: only then does a
    /// look-up of such a name read the reply again.
    other_mechanisms: bool,
}

/// The keywords whose parameters matter (bit `keyword as u32`): the others are noted alone.
const TAKES_PARAMETERS: u32 = 1 << Keyword::Size as u32 | 1 << Keyword::Auth as u32;

/// The pre-RFC 4954 announcement of mechanisms, `AUTH=PLAIN LOGIN`.
const LEGACY_AUTH: &str = "AUTH=";

impl Capabilities<'static> {
    /// Capabilities that announce nothing but the server's name, to be filled in by a
    /// server that will announce them with [`Capabilities::to_reply`]. (A client reads the
    /// name's first word: give a name without spaces.)
    ///
    /// ```
    /// use mailwire::smtp::codec::Capabilities;
    ///
    /// let mut capabilities = Capabilities::new("mx.example.org");
    /// capabilities.pipelining = true;
    /// capabilities.add_mechanism("PLAIN")?;
    /// capabilities.add_other("VRFY", "")?;
    /// let mut wire = Vec::new();
    /// capabilities.to_reply().encode(&mut wire);
    /// assert_eq!(wire, b"250-mx.example.org\r\n250-PIPELINING\r\n250-AUTH PLAIN\r\n250 VRFY\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(domain: &str) -> Self {
        let mut wire = b"250-".to_vec();
        wire.extend_from_slice(domain.as_bytes());
        wire.extend_from_slice(b"\r\n");
        Capabilities {
            wire: Cow::Owned(wire),
            body: (domain.len() + 6, 0),
            ..Capabilities::default()
        }
    }
}

impl<'a> Capabilities<'a> {
    /// Reads the capabilities from a reply to EHLO, borrowing from it.
    ///
    /// Fails only when the reply is not a 2xx: a server that refuses EHLO may still
    /// accept HELO.
    pub fn from_ehlo(reply: &Reply<'a>) -> Result<Self, EhloError> {
        let mut capabilities = Capabilities::from_greeting(reply)?;
        let wire = reply.raw();
        let mut at = capabilities.body.0;
        let mut alone = 0;
        while let Some(rest) = wire.get(at..).filter(|rest| !rest.is_empty()) {
            // Where the next line starts is found apart from what this one says, so that
            // reading on never waits for a keyword to be recognised.
            let taken = line_len(rest);
            if !capabilities.read_line_start(rest, &mut alone) {
                let (text, _) = split_line(rest);
                capabilities.read_line(text.get(4..).unwrap_or_default());
            }
            at += taken;
        }
        capabilities.note_alone(alone);
        Ok(capabilities)
    }

    /// What [`Capabilities::from_ehlo`] reads, read the plain way: every line split off by
    /// [`Reply::lines`] and cut into keyword and parameters, with no shortcut.
    #[cfg(test)]
    pub(super) fn from_ehlo_plain(reply: &Reply<'a>) -> Result<Self, EhloError> {
        let mut capabilities = Capabilities::from_greeting(reply)?;
        for text in reply.lines().skip(1) {
            capabilities.read_line(text);
        }
        Ok(capabilities)
    }

    /// Everything a reading notes, private parts included: the fast and the plain reader
    /// must agree on all of it.
    #[cfg(test)]
    pub(super) fn reading(&self) -> impl PartialEq + fmt::Debug + use<'a> {
        (
            self.domain().into_owned(),
            self.size,
            [
                self.pipelining,
                self.eight_bit_mime,
                self.smtp_utf8,
                self.enhanced_status_codes,
                self.chunking,
                self.dsn,
                self.starttls,
                self.other_mechanisms,
            ],
            self.well_known,
            self.body,
        )
    }

    /// The same capabilities, owning their text.
    pub fn into_owned(self) -> Capabilities<'static> {
        Capabilities {
            wire: Cow::Owned(self.wire.into_owned()),
            ..self
        }
    }

    /// The name the server gave for itself (first word of the reply's first line).
    pub fn domain(&self) -> Cow<'_, str> {
        // Read when asked for, not when the reply is: most clients never ask.
        let (greeting, _) = split_line(&self.wire);
        let text = greeting.get(4..).unwrap_or_default();
        let name = trim_spaces(text).split(|&byte| byte == b' ').next();
        String::from_utf8_lossy(name.unwrap_or_default())
    }

    /// True when the server offers the SASL mechanism `mechanism` (any case).
    pub fn supports_auth(&self, mechanism: &str) -> bool {
        // A client asks once per mechanism it could use, after every EHLO: the index answers
        // in one look-up where the list would be walked name by name.
        let name = mechanism.as_bytes();
        match well_known_mechanism_indexed(name, name) {
            Some(index) => self.well_known & (1 << index) != 0,
            None => {
                self.other_mechanisms
                    && self.mechanisms().any(|offered| {
                        sasl::same_mechanism_name(offered.as_bytes(), mechanism.as_bytes())
                    })
            }
        }
    }

    /// The SASL mechanisms offered (RFC 4954), upper-case, each once, in the order
    /// announced.
    pub fn mechanisms(&self) -> Mechanisms<'_> {
        Mechanisms::new(self.body_lines())
    }

    /// Every extension without a field of its own, in the order announced: its keyword
    /// upper-cased and the rest of its line (empty when there is none).
    pub fn others(&self) -> OtherExtensions<'_> {
        OtherExtensions::new(self.body_lines())
    }

    /// The rest of the line of the first extension announced with `keyword` (any case)
    /// that has no field of its own: `Some("")` for a keyword alone on its line, `None`
    /// when the server did not announce it.
    pub fn other(&self, keyword: &str) -> Option<Cow<'_, str>> {
        self.others()
            .find(|(announced, _)| announced.eq_ignore_ascii_case(keyword))
            .map(|(_, params)| params)
    }

    /// Adds a SASL mechanism to announce, unless it is offered already (in any case).
    ///
    /// Fails when `name` is not a mechanism name (see [`sasl::check_mechanism_name`]).
    pub fn add_mechanism(&mut self, name: &str) -> Result<(), MechanismNameError> {
        sasl::check_mechanism_name(name.as_bytes())?;
        if !self.supports_auth(name) {
            let line = format!("AUTH {}", name.to_ascii_uppercase());
            self.add_line(&line);
            self.note_mechanism(name.as_bytes());
        }
        Ok(())
    }

    /// Adds an extension without a field of its own to announce: `keyword`, then `params`
    /// unless empty.
    ///
    /// Fails unless `keyword` is an ehlo-keyword (a letter or digit, then letters, digits
    /// and `-`: RFC 5321 section 4.1.1.1) that has no field here, and `params` is printable
    /// ASCII words separated by single spaces: a client would read something else.
    pub fn add_other(&mut self, keyword: &str, params: &str) -> Result<(), ExtensionError> {
        let is_keyword = !keyword.is_empty()
            && keyword
                .bytes()
                .enumerate()
                .all(|(index, byte)| byte.is_ascii_alphanumeric() || (index > 0 && byte == b'-'));
        if !is_keyword {
            return Err(ExtensionError::NotAKeyword {
                keyword: keyword.to_owned(),
            });
        }
        // No keyword can hold the `=` of the legacy `AUTH=`: only the fields are left.
        if Keyword::of(keyword.as_bytes()).is_some() {
            return Err(ExtensionError::HasAField {
                keyword: keyword.to_owned(),
            });
        }
        let is_words = params.is_empty()
            || params
                .split(' ')
                .all(|word| !word.is_empty() && word.bytes().all(|byte| byte.is_ascii_graphic()));
        if !is_words {
            return Err(ExtensionError::BadParams {
                keyword: keyword.to_owned(),
            });
        }
        let mut line = keyword.to_ascii_uppercase();
        if !params.is_empty() {
            line.push(' ');
            line.push_str(params);
        }
        self.add_line(&line);
        Ok(())
    }

    /// The EHLO reply a server with these capabilities sends.
    pub fn to_reply(&self) -> OwnedReply {
        let mut lines = vec![self.domain().into_owned()];
        match self.size {
            Some(0) => lines.push("SIZE".to_owned()),
            Some(limit) => lines.push(format!("SIZE {limit}")),
            None => {}
        }
        let flags = [
            (self.pipelining, "PIPELINING"),
            (self.eight_bit_mime, "8BITMIME"),
            (self.smtp_utf8, "SMTPUTF8"),
            (self.enhanced_status_codes, "ENHANCEDSTATUSCODES"),
            (self.chunking, "CHUNKING"),
            (self.dsn, "DSN"),
            (self.starttls, "STARTTLS"),
        ];
        lines.extend(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, keyword)| (*keyword).to_owned()),
        );
        let mut mechanisms = self.mechanisms().peekable();
        if mechanisms.peek().is_some() {
            let mut line = "AUTH".to_owned();
            for name in mechanisms {
                line.push(' ');
                line.push_str(&name);
            }
            lines.push(line);
        }
        for (keyword, params) in self.others() {
            if params.is_empty() {
                lines.push(keyword.into_owned());
            } else {
                lines.push(format!("{keyword} {params}"));
            }
        }
        OwnedReply::new(ReplyCode::OK, None, lines)
    }

    /// The capabilities of a positive reply with only its greeting read: where the lines
    /// after it are.
    fn from_greeting(reply: &Reply<'a>) -> Result<Self, EhloError> {
        if !reply.code().is_positive_completion() {
            return Err(EhloError::Refused(reply.to_owned()));
        }
        Ok(Capabilities {
            wire: Cow::Borrowed(reply.raw()),
            body: (reply.first_line_len(), reply.line_count().saturating_sub(1)),
            ..Capabilities::default()
        })
    }

    /// The lines after the greeting, each without code and line end.
    fn body_lines(&self) -> ReplyLines<'_> {
        let (start, count) = self.body;
        ReplyLines::new(self.wire.get(start..).unwrap_or_default(), count)
    }

    /// Appends a line after the others (a server building its capabilities).
    fn add_line(&mut self, text: &str) {
        let wire = self.wire.to_mut();
        wire.extend_from_slice(b"250-");
        wire.extend_from_slice(text.as_bytes());
        wire.extend_from_slice(b"\r\n");
        self.body.1 += 1;
    }

    /// Takes in one line after the greeting (its text, without code and line end).
    fn read_line(&mut self, text: &[u8]) {
        match Line::read(text) {
            Line::Known(keyword, params) => self.read_keyword(keyword, params),
            Line::LegacyAuth(first, rest) => {
                self.read_mechanisms(first);
                self.read_mechanisms(rest);
            }
            Line::Other(..) | Line::Empty => {}
        }
    }

    #[inline(always)]
    fn read_keyword(&mut self, keyword: Keyword, params: &[u8]) {
        match keyword {
            Keyword::Size => self.size = Some(parse_size(params)),
            Keyword::Auth => self.read_mechanisms(params),
            flag => {
                if let Some(field) = self.flag_mut(flag) {
                    *field = true;
                }
            }
        }
    }

    /// The field of a keyword that is announced or not, and has no parameters.
    #[inline(always)]
    fn flag_mut(&mut self, keyword: Keyword) -> Option<&mut bool> {
        match keyword {
            Keyword::Pipelining => Some(&mut self.pipelining),
            Keyword::EightBitMime => Some(&mut self.eight_bit_mime),
            Keyword::SmtpUtf8 => Some(&mut self.smtp_utf8),
            Keyword::EnhancedStatusCodes => Some(&mut self.enhanced_status_codes),
            Keyword::Chunking => Some(&mut self.chunking),
            Keyword::Dsn => Some(&mut self.dsn),
            Keyword::StartTls => Some(&mut self.starttls),
            Keyword::Size | Keyword::Auth => None,
        }
    }

    /// Notes each mechanism of a space-separated list.
    fn read_mechanisms(&mut self, names: &[u8]) {
        for name in mechanism_names(names) {
            self.note_mechanism(name);
        }
    }

    /// Notes that the mechanism `name` (a valid name, any case) is offered.
    fn note_mechanism(&mut self, name: &[u8]) {
        match well_known_mechanism(name) {
            Some(index) => self.well_known |= 1 << index,
            None => self.other_mechanisms = true,
        }
    }

    /// The shortcut for the line shapes nearly every server sends: the code and its
    /// separator, then a keyword with a field alone on its line and ended by CRLF, SIZE and
    /// one space, AUTH and one space (or `=`), or a keyword without a field. Reads the line
    /// at the start of `rest` (the reply from that line on) as [`Capabilities::read_line`]
    /// would and returns true, or false for the plain reader to read it. A keyword alone
    /// on its line is noted in `alone` (bit `keyword as u32`) rather than in its field,
    /// which [`Capabilities::note_alone`] sets once the reply is read. What the shortcut
    /// notes before giving up on a line, the plain reader notes again, which changes
    /// nothing.
    #[inline(always)]
    fn read_line_start(&mut self, rest: &[u8], alone: &mut u32) -> bool {
        // The parser has checked the code and its separator: the text starts after them.
        let text = rest.get(4..).unwrap_or_default();
        // The first twenty-four bytes, read once for every comparison; zeros past the end
        // of the reply match no keyword.
        let head = &padded_start::<24>(text);
        let [first, second, third, ..] = *head;
        let index = KEYWORD_INDEX.find(u32::from_le_bytes([first, second, third, 0]) | FOLD3);
        if let Some(&(spelled, keyword)) = index.and_then(|index| LINE_STARTS.get(index))
            && spelled.starts(head)
        {
            let bit = 1 << keyword as u32;
            if bit & TAKES_PARAMETERS == 0 {
                // The keyword and its line end: the whole line.
                *alone |= bit;
                return true;
            }
            let after = text.get(spelled.len()..).unwrap_or_default();
            return match (keyword, after) {
                (Keyword::Size, digits) => {
                    let (size, len) = leading_number(digits);
                    let ends = matches!(digits.get(len..), Some([b'\r', b'\n', ..] | [b'\n', ..]));
                    match size.filter(|_| ends) {
                        Some(size) => self.size = Some(size),
                        None => return false,
                    }
                    true
                }
                (Keyword::Auth, [b' ' | b'=', names @ ..]) => self.read_mechanism_list(names),
                _ => false,
            };
        }
        // A keyword with a field in any other shape is left to the plain reader, as are the
        // lines it trims or drops (spaces first, nothing but the line end); a line of any
        // other keyword says nothing a field needs.
        let has_field = index
            .and_then(|index| SPELLED_KEYWORDS.get(index))
            .is_some_and(|keyword| keyword.starts(head));
        !has_field && !matches!(text.first(), None | Some(b' ' | b'\r' | b'\n'))
    }

    /// Sets the field of each keyword noted in `alone` by [`Capabilities::read_line_start`].
    fn note_alone(&mut self, alone: u32) {
        for (_, keyword) in KEYWORDS {
            if let Some(field) = self.flag_mut(keyword) {
                *field |= alone & (1 << keyword as u32) != 0;
            }
        }
    }

    /// The shortcut for a list of mechanism names, each followed by one space or the line
    /// end: notes each valid one and returns true at the end of the line, or false at
    /// anything else. A name is measured a word at a time ([`name_run`]); a well-known one
    /// is then valid by being spelled as the list spells it, so only the others are
    /// checked byte by byte, as the plain reader checks every name.
    fn read_mechanism_list(&mut self, names: &[u8]) -> bool {
        let mut rest = names;
        loop {
            let Some(len) = name_run(rest) else {
                return false;
            };
            let (name, after) = rest.split_at(len.min(rest.len()));
            // A name is noted only once the plain reader would read it whole.
            let next = match after {
                [b' ', next @ ..] => Some(next),
                [b'\r', b'\n', ..] | [b'\n', ..] => None,
                _ => return false,
            };
            match well_known_mechanism_indexed(name, rest) {
                Some(index) => self.well_known |= 1 << index,
                None => {
                    self.other_mechanisms |= sasl::check_mechanism_name(name).is_ok();
                }
            }
            match next {
                Some(next) => rest = next,
                None => return true,
            }
        }
    }
}

/// What one line after the greeting says, read the plain way: the line trimmed of spaces,
/// its keyword up to the first space and the rest trimmed as parameters.
pub(super) enum Line<'l> {
    /// A keyword with a field, and its parameters.
    Known(Keyword, &'l [u8]),
    /// `AUTH=`: the names after the `=` up to the first space, and those after it.
    LegacyAuth(&'l [u8], &'l [u8]),
    /// Any other keyword (as sent), and its parameters.
    Other(&'l [u8], &'l [u8]),
    /// Nothing but spaces.
    Empty,
}

impl<'l> Line<'l> {
    pub(super) fn read(text: &'l [u8]) -> Line<'l> {
        let line = trim_spaces(text);
        let (keyword, params) = match find_byte(b' ', line) {
            Some(space) => (&line[..space], trim_spaces(&line[space + 1..])),
            None => (line, &[][..]),
        };
        if keyword.is_empty() {
            return Line::Empty;
        }
        if let Some(known) = Keyword::of(keyword) {
            return Line::Known(known, params);
        }
        match keyword.split_at_checked(LEGACY_AUTH.len()) {
            Some((start, first)) if start.eq_ignore_ascii_case(LEGACY_AUTH.as_bytes()) => {
                Line::LegacyAuth(first, params)
            }
            _ => Line::Other(keyword, params),
        }
    }
}

/// The valid mechanism names of a space-separated list, as sent.
fn mechanism_names(names: &[u8]) -> impl Iterator<Item = &[u8]> {
    names
        .split(|&byte| byte == b' ')
        .filter(|name| sasl::check_mechanism_name(name).is_ok())
}

/// The first `N` bytes of `bytes`, zeros past its end: what is compared a word at a time
/// near the end of a reply, where fewer than `N` bytes are left.
#[inline(always)]
pub(super) fn padded_start<const N: usize>(bytes: &[u8]) -> [u8; N] {
    match bytes.first_chunk::<N>() {
        Some(start) => *start,
        None => {
            let mut padded = [0; N];
            padded
                .iter_mut()
                .zip(bytes)
                .for_each(|(to, from)| *to = *from);
            padded
        }
    }
}

/// The bytes the first line of `rest` takes with its line end (all of `rest` when it has
/// none).
#[inline(always)]
fn line_len(rest: &[u8]) -> usize {
    find_byte_near(b'\n', rest).map_or(rest.len(), |lf| lf + 1)
}

/// The first line of `rest` without its line end (a CR before the LF is part of the line
/// end), and the bytes it takes with its line end.
fn split_line(rest: &[u8]) -> (&[u8], usize) {
    let taken = line_len(rest);
    let line = rest.get(..taken).unwrap_or_default();
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    (line.strip_suffix(b"\r").unwrap_or(line), taken)
}

fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&byte| byte != b' ')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&byte| byte != b' ')
        .map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// The SIZE parameter; a missing or unreadable number means no announced limit.
fn parse_size(params: &[u8]) -> u64 {
    let word = params
        .split(|&byte| byte == b' ')
        .next()
        .unwrap_or_default();
    // What `str::parse` accepts: a `+`, then digits only.
    let digits = word.strip_prefix(b"+").unwrap_or(word);
    match leading_number(digits) {
        (Some(size), len) if len == digits.len() => size,
        _ => 0,
    }
}

/// The digits at the start of `bytes`: their value (`None` when it does not fit in 64
/// bits, or there are none) and how many there are.
fn leading_number(bytes: &[u8]) -> (Option<u64>, usize) {
    let mut value: u64 = 0;
    let mut len = 0;
    while let Some(digit) = bytes
        .get(len)
        .map(|byte| byte.wrapping_sub(b'0'))
        .filter(|&digit| digit < 10)
    {
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        len += 1;
    }
    // Nineteen digits always fit in 64 bits; more are read again, checking.
    let value = match len {
        0 => None,
        1..=19 => Some(value),
        _ => bytes
            .get(..len)
            .unwrap_or_default()
            .iter()
            .try_fold(0u64, |value, digit| {
                value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
            }),
    };
    (value, len)
}

/// Text from the reply as a string, each sequence that is not UTF-8 replaced.
pub(super) fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Equal when a client reads the same from both, however the replies were laid out.
impl PartialEq for Capabilities<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.domain() == other.domain()
            && self.size == other.size
            && self.pipelining == other.pipelining
            && self.eight_bit_mime == other.eight_bit_mime
            && self.smtp_utf8 == other.smtp_utf8
            && self.enhanced_status_codes == other.enhanced_status_codes
            && self.chunking == other.chunking
            && self.dsn == other.dsn
            && self.starttls == other.starttls
            && self.mechanisms().eq(other.mechanisms())
            && self.others().eq(other.others())
    }
}

impl Eq for Capabilities<'_> {}

impl fmt::Debug for Capabilities<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capabilities")
            .field("domain", &self.domain())
            .field("size", &self.size)
            .field("pipelining", &self.pipelining)
            .field("eight_bit_mime", &self.eight_bit_mime)
            .field("smtp_utf8", &self.smtp_utf8)
            .field("enhanced_status_codes", &self.enhanced_status_codes)
            .field("chunking", &self.chunking)
            .field("dsn", &self.dsn)
            .field("starttls", &self.starttls)
            .field("mechanisms", &self.mechanisms().collect::<Vec<_>>())
            .field("others", &self.others().collect::<Vec<_>>())
            .finish()
    }
}

/// Why a server's EHLO reply gives no capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EhloError {
    /// The server answered EHLO with an error.
    Refused(OwnedReply),
}

impl fmt::Display for EhloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EhloError::Refused(reply) => write!(
                f,
                "the server refused EHLO (\"{reply}\"); it may only understand the older HELO"
            ),
        }
    }
}

impl std::error::Error for EhloError {}

/// Why [`Capabilities::add_other`] refused an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtensionError {
    /// The keyword is empty or holds something other than letters, digits and `-`.
    NotAKeyword {
        /// The keyword as given.
        keyword: String,
    },
    /// The keyword has a field of its own in [`Capabilities`], or is AUTH.
    HasAField {
        /// The keyword as given.
        keyword: String,
    },
    /// The parameters are not printable ASCII words separated by single spaces.
    BadParams {
        /// The keyword they were given for.
        keyword: String,
    },
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtensionError::NotAKeyword { keyword } => write!(
                f,
                "\"{keyword}\" is not an EHLO keyword: use a letter or digit, then letters, \
                 digits and '-'"
            ),
            ExtensionError::HasAField { keyword } => write!(
                f,
                "{keyword} has its own field in Capabilities: set the field (or call \
                 add_mechanism for AUTH) instead"
            ),
            ExtensionError::BadParams { keyword } => write!(
                f,
                "the parameters of {keyword} must be printable ASCII words separated by single \
                 spaces"
            ),
        }
    }
}

impl std::error::Error for ExtensionError {}
