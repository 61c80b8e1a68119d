//! The writer and the pieces of syntax both directions share.

use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars::{self, ASTRING};
use crate::imap::codec::types::{
    AString, Atom, Capability, Date, DateTime, Flag, IString, Literal, LiteralMode, Mailbox,
    NString, SequenceSet, Tag, Text,
};

use super::EncodeOptions;

/// Bytes being written, and (for commands) where the client must wait for `+`.
pub(crate) struct Writer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    waits: Vec<usize>,
    client: Option<EncodeOptions>,
}

fn refuse(what: &'static str, reason: &'static str) -> EncodeError {
    EncodeError::Unrepresentable { what, reason }
}

impl<'o> Writer<'o> {
    pub(crate) fn server(out: &'o mut Vec<u8>) -> Self {
        Writer {
            out,
            waits: Vec::new(),
            client: None,
        }
    }

    pub(crate) fn client(out: &'o mut Vec<u8>, options: EncodeOptions) -> Self {
        Writer {
            out,
            waits: Vec::new(),
            client: Some(options),
        }
    }

    pub(crate) fn into_waits(self) -> Vec<usize> {
        self.waits
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
        let mode = match (literal.mode, self.client) {
            (LiteralMode::Sync, Some(options))
                if options.literal_plus || (options.literal_minus && size <= 4096) =>
            {
                LiteralMode::NonSync
            }
            (mode, _) => mode,
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
        match value {
            Some(string) => self.string(string),
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

    pub(crate) fn mailbox(&mut self, mailbox: &Mailbox<'_>) -> Result<(), EncodeError> {
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
        let text = capability.to_string();
        self.token(&text, chars::CAPABILITY, "capability")
    }

    /// `(a b c)` with `item` writing each element.
    pub(crate) fn list<T>(
        &mut self,
        items: &[T],
        mut item: impl FnMut(&mut Self, &T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.out.push(b'(');
        for (index, value) in items.iter().enumerate() {
            if index > 0 {
                self.sp();
            }
            item(self, value)?;
        }
        self.out.push(b')');
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

    pub(crate) fn date(&mut self, date: &Date) {
        self.raw(date.to_string().as_bytes());
    }

    pub(crate) fn date_time(&mut self, date_time: &DateTime) {
        self.out.push(b'"');
        self.raw(date_time.to_string().as_bytes());
        self.out.push(b'"');
    }
}
