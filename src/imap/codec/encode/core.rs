//! The writer and the pieces of syntax both directions share: strings, flags, sequence
//! sets, sections, ID parameters. The command and response encoders build on this module
//! and never on each other.

use std::borrow::Cow;
use std::ops::Range;

use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars::{self, ASTRING};
use crate::imap::codec::types::{
    AString, Atom, Capability, Date, DateTime, Flag, IString, IdParameters, Literal, LiteralMode,
    MailboxName, NString, Section, SectionText, SequenceSet, Tag, Text, name_in,
};

use super::EncodeOptions;

/// Bytes being written, and (for commands) where the client must wait for `+` and which
/// bytes are secret.
pub(crate) struct Writer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    waits: Vec<usize>,
    secrets: Vec<Range<usize>>,
    client: Option<EncodeOptions>,
}

/// What a command's writer hands back besides the bytes.
pub(crate) struct Marks {
    /// Offsets just after each synchronising literal's announcement.
    pub(crate) waits: Vec<usize>,
    /// Byte ranges that carry a secret (a password, an AUTHENTICATE response).
    pub(crate) secrets: Vec<Range<usize>>,
}

pub(crate) fn refuse(what: &'static str, reason: &'static str) -> EncodeError {
    EncodeError::Unrepresentable { what, reason }
}

impl<'o> Writer<'o> {
    pub(crate) fn server(out: &'o mut Vec<u8>) -> Self {
        Writer {
            out,
            waits: Vec::new(),
            secrets: Vec::new(),
            client: None,
        }
    }

    pub(crate) fn client(out: &'o mut Vec<u8>, options: EncodeOptions) -> Self {
        Writer {
            out,
            waits: Vec::new(),
            secrets: Vec::new(),
            client: Some(options),
        }
    }

    pub(crate) fn into_marks(self) -> Marks {
        Marks {
            waits: self.waits,
            secrets: self.secrets,
        }
    }

    /// Writes with `write` and marks what it wrote as secret, so that `Debug` and the
    /// redacted form of the command never show it.
    pub(crate) fn secret(
        &mut self,
        write: impl FnOnce(&mut Self) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        let start = self.out.len();
        write(self)?;
        let end = self.out.len();
        if end > start {
            self.secrets.push(start..end);
        }
        Ok(())
    }

    /// True when `bytes` are 8-bit and UTF8=ACCEPT is not known to be enabled: RFC 3501
    /// lets either side send them in a literal only. A response is always written so,
    /// for a server may send literals whatever the client enabled.
    fn only_in_a_literal(&self, bytes: &[u8]) -> bool {
        !self.client.is_some_and(|options| options.utf8_accept) && !bytes.is_ascii()
    }

    /// Refuses bytes that could go only in a literal, at a place where no literal can go.
    /// A response keeps such bytes where a server sent them (an unquoted 8-bit mailbox
    /// name): writing back what was read is the response encoder's promise.
    fn seven_bit_unless_utf8(&self, bytes: &[u8], what: &'static str) -> Result<(), EncodeError> {
        if self.client.is_some() && self.only_in_a_literal(bytes) {
            return Err(refuse(
                what,
                "it holds 8-bit bytes, which a command carries only in a literal until the \
                 server has enabled UTF8=ACCEPT",
            ));
        }
        Ok(())
    }

    /// Bytes kept as a peer sent them (an unknown parameter's value, say), written back
    /// unchanged. The caller checks them against the grammar of their position; this refuses
    /// what no position can carry outside a literal: CR, LF and NUL (so no literal hides in
    /// them either, for its announcement ends in CRLF), and in a command 8-bit bytes unless
    /// the server has enabled UTF8=ACCEPT.
    pub(crate) fn kept_raw(&mut self, bytes: &[u8], what: &'static str) -> Result<(), EncodeError> {
        if bytes.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(refuse(what, "it holds CR, LF or NUL"));
        }
        self.seven_bit_unless_utf8(bytes, what)?;
        self.raw(bytes);
        Ok(())
    }

    #[inline]
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    #[inline]
    pub(crate) fn sp(&mut self) {
        self.out.push(b' ');
    }

    #[inline]
    pub(crate) fn crlf(&mut self) {
        self.out.extend_from_slice(b"\r\n");
    }

    #[inline]
    pub(crate) fn number(&mut self, value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = value;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    /// A `number64` (RFC 9051; mod-sequences, quota limits): at most 2^63-1, which is all a
    /// reader that stores it signed, as many servers do, can hold.
    pub(crate) fn number64(&mut self, value: u64, what: &'static str) -> Result<(), EncodeError> {
        if value > i64::MAX as u64 {
            return Err(refuse(what, "it is larger than 2^63-1"));
        }
        self.number(value);
        Ok(())
    }

    /// Characters of `class`, non-empty, written bare.
    pub(crate) fn token(
        &mut self,
        value: &str,
        class: u8,
        what: &'static str,
    ) -> Result<(), EncodeError> {
        if value.is_empty() {
            return Err(refuse(what, "it is empty"));
        }
        if !value.bytes().all(|b| chars::is(b, class)) {
            return Err(refuse(
                what,
                "it holds a character that cannot be sent bare here",
            ));
        }
        self.raw(value.as_bytes());
        Ok(())
    }

    /// The name `value` has in `table`, the one place a known value's name is spelled.
    pub(crate) fn known_name<T: PartialEq>(
        &mut self,
        table: &[(&'static str, T)],
        value: &T,
        what: &'static str,
    ) -> Result<(), EncodeError> {
        let name = name_in(table, value).ok_or(refuse(what, "it is not known"))?;
        self.raw(name.as_bytes());
        Ok(())
    }

    pub(crate) fn atom(&mut self, value: &Atom<'_>, what: &'static str) -> Result<(), EncodeError> {
        self.token(value.as_str(), chars::ATOM, what)
    }

    pub(crate) fn tag(&mut self, tag: &Tag<'_>) -> Result<(), EncodeError> {
        self.token(tag.as_str(), chars::TAG, "tag")
    }

    pub(crate) fn quoted(&mut self, value: &[u8]) -> Result<(), EncodeError> {
        if value.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(refuse(
                "quoted string",
                "it holds CR, LF or NUL; send it as a literal",
            ));
        }
        // RFC 3501 quoted strings are 7-bit; 8-bit ones are allowed only once the client has
        // enabled UTF8=ACCEPT (RFC 6855). Until then the same string travels as a literal,
        // in commands and responses alike.
        if self.only_in_a_literal(value) {
            return self.literal(&Literal {
                data: Cow::Borrowed(value),
                mode: LiteralMode::Sync,
                binary: false,
            });
        }
        self.out.reserve(value.len() + 2);
        self.out.push(b'"');
        for &b in value {
            if b == b'"' || b == b'\\' {
                self.out.push(b'\\');
            }
            self.out.push(b);
        }
        self.out.push(b'"');
        Ok(())
    }

    pub(crate) fn literal(&mut self, literal: &Literal<'_>) -> Result<(), EncodeError> {
        let data = &literal.data[..];
        // Servers do send NUL inside literals and this codec reads them, so a response may
        // carry it back; a client must not send it.
        if !literal.binary && self.client.is_some() && data.contains(&0) {
            return Err(refuse(
                "literal",
                "it holds NUL, which only a literal8 (BINARY) may carry",
            ));
        }
        let size = data.len() as u64;
        // A client announces what the server accepts, whatever the value says: a `{N+}`
        // sent to a server without LITERAL+ would have it read the literal's bytes as
        // commands. `{N-}` is a form some peers send, never one a client needs.
        let mode = match self.client {
            Some(options) if options.allows_non_sync(size) => LiteralMode::NonSync,
            Some(_) => LiteralMode::Sync,
            None => literal.mode,
        };
        if literal.binary {
            self.out.push(b'~');
        }
        self.out.push(b'{');
        self.number(size);
        match mode {
            LiteralMode::Sync => {}
            LiteralMode::NonSync => self.out.push(b'+'),
            LiteralMode::Minus => self.out.push(b'-'),
        }
        self.raw(b"}\r\n");
        if mode == LiteralMode::Sync && self.client.is_some() {
            self.waits.push(self.out.len());
        }
        self.raw(data);
        Ok(())
    }

    pub(crate) fn string(&mut self, value: &IString<'_>) -> Result<(), EncodeError> {
        match value {
            IString::Quoted(bytes) => self.quoted(bytes),
            IString::Literal(literal) => self.literal(literal),
        }
    }

    pub(crate) fn nstring(&mut self, value: &NString<'_>) -> Result<(), EncodeError> {
        self.nil_or(value.as_ref(), Self::string)
    }

    /// `NIL` for `None`, else what `write` writes of the value: how IMAP says a value is
    /// absent wherever it may be.
    pub(crate) fn nil_or<T>(
        &mut self,
        value: Option<T>,
        write: impl FnOnce(&mut Self, T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        match value {
            Some(value) => write(self, value),
            None => {
                self.raw(b"NIL");
                Ok(())
            }
        }
    }

    pub(crate) fn astring(&mut self, value: &AString<'_>) -> Result<(), EncodeError> {
        match value {
            AString::Atom(text) => self.token(text, ASTRING, "atom"),
            AString::String(string) => self.string(string),
        }
    }

    pub(crate) fn mailbox(&mut self, mailbox: &MailboxName<'_>) -> Result<(), EncodeError> {
        self.astring(&mailbox.0)
    }

    /// Text after a status or continuation: anything but CR, LF and NUL.
    pub(crate) fn text(&mut self, text: &Text<'_>) -> Result<(), EncodeError> {
        if text
            .as_bytes()
            .iter()
            .any(|&b| matches!(b, b'\r' | b'\n' | 0))
        {
            return Err(refuse("response text", "it holds CR, LF or NUL"));
        }
        // Text ends its line, so `{5}` at its end would read as a literal's announcement and
        // a reader would wait for five bytes that never come.
        if crate::imap::codec::framing::ends_in_announcement(text.as_bytes()) {
            return Err(refuse(
                "response text",
                "it ends in what reads as a literal's announcement (`{N}`)",
            ));
        }
        self.raw(text.as_bytes());
        Ok(())
    }

    pub(crate) fn delimiter(&mut self, delimiter: Option<char>) -> Result<(), EncodeError> {
        match delimiter {
            None => self.raw(b"NIL"),
            Some(c) if c.is_ascii() && !matches!(c, '\r' | '\n' | '\0') => {
                self.out.push(b'"');
                if c == '"' || c == '\\' {
                    self.out.push(b'\\');
                }
                self.out.push(c as u8);
                self.out.push(b'"');
            }
            Some(_) => return Err(refuse("hierarchy delimiter", "it is not a 7-bit character")),
        }
        Ok(())
    }

    pub(crate) fn flag(&mut self, flag: &Flag<'_>) -> Result<(), EncodeError> {
        let name = match flag {
            Flag::Answered => "\\Answered",
            Flag::Flagged => "\\Flagged",
            Flag::Deleted => "\\Deleted",
            Flag::Seen => "\\Seen",
            Flag::Draft => "\\Draft",
            Flag::Recent => "\\Recent",
            Flag::Wildcard => "\\*",
            // As the parser reads them: an atom, or with Gmail's `]` (`OIB-Seen-[Gmail]/All`).
            Flag::Keyword(atom) => return self.token(atom.as_str(), ASTRING, "flag keyword"),
            Flag::Extension(atom) => {
                // `\Seen` would read back as the system flag, another value.
                if !matches!(Flag::system(atom.as_str()), Flag::Extension(_)) {
                    return Err(refuse("flag", "it is a system flag; use its own variant"));
                }
                self.out.push(b'\\');
                return self.atom(atom, "flag");
            }
        };
        self.raw(name.as_bytes());
        Ok(())
    }

    pub(crate) fn flag_list(&mut self, flags: &[Flag<'_>]) -> Result<(), EncodeError> {
        self.list(flags, Self::flag)
    }

    pub(crate) fn capability(&mut self, capability: &Capability<'_>) -> Result<(), EncodeError> {
        let what = "capability";
        let text = capability.to_string();
        // `Other("IDLE")` or `Other("AUTH=PLAIN")` would read back as another variant.
        if Capability::from_token(&text) != *capability {
            return Err(refuse(
                what,
                "its name is a known capability; use its own variant",
            ));
        }
        self.seven_bit_unless_utf8(text.as_bytes(), what)?;
        self.token(&text, chars::CAPABILITY, what)
    }

    /// `(a b c)` with `item` writing each element.
    pub(crate) fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        item: impl FnMut(&mut Self, T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.list_joined(items, b" ", item)
    }

    /// Items in parentheses with `between` between them: a space in most lists, nothing in
    /// address lists and namespaces (`(("a" NIL "b" "c")("d" NIL "e" "f"))`).
    pub(crate) fn list_joined<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        between: &[u8],
        mut item: impl FnMut(&mut Self, T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.out.push(b'(');
        for (index, value) in items.into_iter().enumerate() {
            if index > 0 {
                self.raw(between);
            }
            item(self, value)?;
        }
        self.out.push(b')');
        Ok(())
    }

    /// Each capability after a space: what follows CAPABILITY and ENABLED (data and the
    /// response code) and the ENABLE command.
    pub(crate) fn capabilities(
        &mut self,
        capabilities: &[Capability<'_>],
    ) -> Result<(), EncodeError> {
        for capability in capabilities {
            self.sp();
            self.capability(capability)?;
        }
        Ok(())
    }

    pub(crate) fn sequence_set(&mut self, set: &SequenceSet) -> Result<(), EncodeError> {
        if set.is_empty() {
            return Err(refuse("sequence set", "it is empty"));
        }
        if set.saved && self.client.is_none() {
            return Err(refuse(
                "sequence set",
                "`$` (a saved search result) is for commands; a server names the messages",
            ));
        }
        self.raw(set.to_string().as_bytes());
        Ok(())
    }

    /// `[part.TEXT]`, `[HEADER.FIELDS (...)]`: a section, in a FETCH command or response.
    pub(crate) fn section(&mut self, section: &Section<'_>) -> Result<(), EncodeError> {
        self.raw(b"[");
        self.part_path(&section.part)?;
        if let Some(text) = &section.text {
            if !section.part.is_empty() {
                self.raw(b".");
            }
            let header_list = |w: &mut Self, name: &[u8], fields: &[AString<'_>]| {
                w.raw(name);
                w.sp();
                w.list(fields, |w, field| w.astring(field))
            };
            match text {
                SectionText::Header => self.raw(b"HEADER"),
                SectionText::Text => self.raw(b"TEXT"),
                SectionText::Mime if !section.part.is_empty() => self.raw(b"MIME"),
                SectionText::Mime => return Err(refuse("section", "MIME needs a part number")),
                SectionText::HeaderFields(fields) => header_list(self, b"HEADER.FIELDS", fields)?,
                SectionText::HeaderFieldsNot(fields) => {
                    header_list(self, b"HEADER.FIELDS.NOT", fields)?
                }
            }
        }
        self.raw(b"]");
        Ok(())
    }

    /// `[1.2]`: the part path of a BINARY section.
    pub(crate) fn section_binary(&mut self, part: &[u32]) -> Result<(), EncodeError> {
        self.raw(b"[");
        self.part_path(part)?;
        self.raw(b"]");
        Ok(())
    }

    fn part_path(&mut self, part: &[u32]) -> Result<(), EncodeError> {
        for (index, &n) in part.iter().enumerate() {
            if n == 0 {
                return Err(refuse("section", "part numbers start at 1"));
            }
            if index > 0 {
                self.raw(b".");
            }
            self.number(u64::from(n));
        }
        Ok(())
    }

    /// `(name value ...)` or `NIL`: ID parameters (RFC 2971), sent by both sides.
    pub(crate) fn id_params(&mut self, params: &IdParameters<'_>) -> Result<(), EncodeError> {
        self.nil_or(params.as_ref(), |w, pairs| w.pairs(pairs))
    }

    /// `(name value name value ...)`: ID parameters and MIME parameters alike.
    pub(crate) fn pairs<'p>(
        &mut self,
        pairs: impl IntoIterator<Item = &'p (IString<'p>, NString<'p>)>,
    ) -> Result<(), EncodeError> {
        self.list(pairs, |w, (name, value)| {
            w.string(name)?;
            w.sp();
            w.nstring(value)
        })
    }

    pub(crate) fn date(&mut self, date: &Date) {
        self.raw(date.to_string().as_bytes());
    }

    pub(crate) fn date_time(&mut self, date_time: &DateTime) {
        self.out.push(b'"');
        self.raw(date_time.to_string().as_bytes());
        self.out.push(b'"');
    }
}
