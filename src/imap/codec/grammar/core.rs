//! Numbers, atoms, strings, lists and line ends.

use std::borrow::Cow;

use super::chars::{self, ASTRING, ATOM, DIGIT, QUOTED_PLAIN};
use super::{PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{AString, IString, Literal, LiteralMode, Mailbox, NString};
use crate::scan::find_cr_or_lf;

/// Exactly one space.
#[inline(always)]
pub(crate) fn sp(input: &[u8]) -> PResult<'_, ()> {
    match input.first() {
        Some(b' ') => Ok((&input[1..], ())),
        _ => fail(input, "a space"),
    }
}

/// Any number of spaces (servers add stray ones before `)` and line ends).
#[inline(always)]
pub(crate) fn spaces(input: &[u8]) -> &[u8] {
    // Zero or one space is the rule; a run is the exception.
    match input {
        [b' ', rest @ ..] => match rest {
            [b' ', ..] => space_run(rest),
            _ => rest,
        },
        _ => input,
    }
}

#[cold]
fn space_run(input: &[u8]) -> &[u8] {
    let n = input.iter().take_while(|&&b| b == b' ').count();
    &input[n..]
}

/// One given byte.
#[inline(always)]
pub(crate) fn byte<'a>(input: &'a [u8], expected: u8, what: &'static str) -> PResult<'a, ()> {
    match input.first() {
        Some(&b) if b == expected => Ok((&input[1..], ())),
        _ => fail(input, what),
    }
}

/// A keyword, compared without regard to ASCII case.
#[inline]
pub(crate) fn keyword<'a>(input: &'a [u8], word: &'static str) -> PResult<'a, ()> {
    match input.get(..word.len()) {
        Some(head) if head.eq_ignore_ascii_case(word.as_bytes()) => Ok((&input[word.len()..], ())),
        _ => fail(input, word),
    }
}

/// True when `input` starts with `word` (any case) followed by something an atom cannot hold.
#[inline]
pub(crate) fn starts_with_word(input: &[u8], word: &str) -> bool {
    match input.get(..word.len()) {
        Some(head) if head.eq_ignore_ascii_case(word.as_bytes()) => !input
            .get(word.len())
            .is_some_and(|&b| chars::is(b, ASTRING)),
        _ => false,
    }
}

fn digits(input: &[u8]) -> PResult<'_, &[u8]> {
    let n = chars::run(input, DIGIT);
    if n == 0 {
        return fail(input, "a number");
    }
    Ok((&input[n..], &input[..n]))
}

/// `number64`: 1*DIGIT up to 2^63-1.
pub(crate) fn number64(input: &[u8]) -> PResult<'_, u64> {
    let (rest, text) = digits(input)?;
    let mut value: u64 = 0;
    for &d in text {
        value = match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
        {
            Some(v) if v <= i64::MAX as u64 => v,
            _ => return fatal(input, PErrorKind::NumberTooLarge),
        };
    }
    Ok((rest, value))
}

/// `number`: 1*DIGIT up to 2^32-1, read in one pass over the digits.
#[inline(always)]
pub(crate) fn number(input: &[u8]) -> PResult<'_, u32> {
    let mut value: u64 = 0;
    let mut len = 0;
    while let Some(&byte) = input.get(len) {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        // Eleven digits cannot fit; stopping there also keeps `value` from overflowing.
        if len == 10 {
            return fatal(input, PErrorKind::NumberTooLarge);
        }
        value = value * 10 + u64::from(digit);
        len += 1;
    }
    if len == 0 {
        return fail(input, "a number");
    }
    match u32::try_from(value) {
        Ok(v) => Ok((&input[len..], v)),
        Err(_) => fatal(input, PErrorKind::NumberTooLarge),
    }
}

/// `nz-number`.
pub(crate) fn nz_number(input: &[u8]) -> PResult<'_, u32> {
    let (rest, value) = number(input)?;
    if value == 0 {
        return fail(input, "a number greater than zero");
    }
    Ok((rest, value))
}

/// A number where servers have been seen sending `-1` (Dovecot and Exchange in body sizes,
/// SmarterMail with other negatives); a negative reads as 0.
#[inline(always)]
pub(crate) fn lenient_number(input: &[u8]) -> PResult<'_, u32> {
    if let Some(rest) = input.strip_prefix(b"-") {
        let (rest, _) = number(rest)?;
        return Ok((rest, 0));
    }
    number(input)
}

/// `atom`.
#[inline]
pub(crate) fn atom(input: &[u8]) -> PResult<'_, &str> {
    token(input, ATOM, "an atom")
}

/// A non-empty run of one character class, as text (every class is ASCII-only or checked).
#[inline]
pub(crate) fn token<'a>(input: &'a [u8], class: u8, what: &'static str) -> PResult<'a, &'a str> {
    let n = chars::run(input, class);
    if n == 0 {
        return fail(input, what);
    }
    match std::str::from_utf8(&input[..n]) {
        Ok(text) => Ok((&input[n..], text)),
        Err(_) => fail(input, what),
    }
}

/// `quoted`, with escapes removed; borrows when there are none.
#[inline(always)]
pub(crate) fn quoted(input: &[u8]) -> PResult<'_, Cow<'_, [u8]>> {
    let body = match input.strip_prefix(b"\"") {
        Some(body) => body,
        None => return fail(input, "a quoted string"),
    };
    let plain = chars::quoted_plain_len(body);
    match body.get(plain) {
        Some(b'"') => Ok((&body[plain + 1..], Cow::Borrowed(&body[..plain]))),
        Some(b'\\') => quoted_escaped(body, plain),
        _ => fail(&body[plain..], "the end of the quoted string"),
    }
}

/// The rest of a quoted string that holds escapes, from its first backslash at `plain`.
#[cold]
fn quoted_escaped(body: &[u8], plain: usize) -> PResult<'_, Cow<'_, [u8]>> {
    let mut owned = body[..plain].to_vec();
    let mut rest = &body[plain..];
    loop {
        match rest {
            [b'"', tail @ ..] => return Ok((tail, Cow::Owned(owned))),
            [b'\\', escaped @ (b'"' | b'\\'), tail @ ..] => {
                owned.push(*escaped);
                rest = tail;
            }
            [b'\\', ..] => return fail(rest, "\\\" or \\\\ after a backslash in a quoted string"),
            _ => {
                let n = chars::run(rest, QUOTED_PLAIN);
                if n == 0 {
                    return fail(rest, "the end of the quoted string");
                }
                owned.extend_from_slice(&rest[..n]);
                rest = &rest[n..];
            }
        }
    }
}

/// `literal` / `literal8`: `{N}`, `{N+}`, `{N-}` or `~{N}`, a line end, then N bytes.
pub(crate) fn literal(input: &[u8]) -> PResult<'_, Literal<'_>> {
    let (binary, rest) = match input.strip_prefix(b"~") {
        Some(rest) => (true, rest),
        None => (false, input),
    };
    let rest = match rest.strip_prefix(b"{") {
        Some(rest) => rest,
        None => return fail(input, "a literal"),
    };
    let (rest, size) = number64(rest)?;
    let (mode, rest) = match rest.first() {
        Some(b'+') => (LiteralMode::NonSync, &rest[1..]),
        Some(b'-') => (LiteralMode::Minus, &rest[1..]),
        _ => (LiteralMode::Sync, rest),
    };
    let rest = match rest {
        [b'}', b'\r', b'\n', tail @ ..] | [b'}', b'\n', tail @ ..] => tail,
        _ => return fail(rest, "`}` and a line end after the literal's size"),
    };
    match usize::try_from(size).ok().filter(|&n| n <= rest.len()) {
        Some(n) => Ok((
            &rest[n..],
            Literal {
                data: Cow::Borrowed(&rest[..n]),
                mode,
                binary,
            },
        )),
        None => fail(rest, "as many bytes as the literal announced"),
    }
}

/// True when `input` starts a quoted string, a literal or a literal8 (`~{`; a bare `~`
/// starts an atom such as `~/Mail`).
#[inline(always)]
pub(crate) fn starts_string(input: &[u8]) -> bool {
    matches!(input, [b'"' | b'{', ..] | [b'~', b'{', ..])
}

/// `string`: quoted or literal (literal8 is accepted too).
#[inline(always)]
pub(crate) fn string(input: &[u8]) -> PResult<'_, IString<'_>> {
    match input {
        [b'"', ..] => quoted(input).map(|(rest, value)| (rest, IString::Quoted(value))),
        [b'{', ..] | [b'~', b'{', ..] => {
            literal(input).map(|(rest, value)| (rest, IString::Literal(value)))
        }
        _ => fail(input, "a string"),
    }
}

/// `nil`.
#[inline(always)]
pub(crate) fn nil(input: &[u8]) -> PResult<'_, ()> {
    // NIL is the commonest value in envelopes and body structures: compare all three
    // letters at once (0x20 folds case; no other byte folds to these).
    match input {
        [a, b, c, rest @ ..]
            if u32::from_le_bytes([*a, *b, *c, 0]) | 0x0020_2020
                == u32::from_le_bytes(*b"nil\0")
                && !rest.first().is_some_and(|&next| chars::is(next, ASTRING)) =>
        {
            Ok((rest, ()))
        }
        _ => fail(input, "NIL"),
    }
}

/// `nstring`: a string or NIL.
#[inline(always)]
pub(crate) fn nstring(input: &[u8]) -> PResult<'_, NString<'_>> {
    if starts_string(input) {
        return string(input).map(|(rest, value)| (rest, Some(value)));
    }
    nil(input).map(|(rest, ())| (rest, None))
}

/// `astring`: 1*ASTRING-CHAR or a string.
#[inline(always)]
pub(crate) fn astring(input: &[u8]) -> PResult<'_, AString<'_>> {
    if starts_string(input) {
        return string(input).map(|(rest, value)| (rest, AString::String(value)));
    }
    token(input, ASTRING, "an atom or a string")
        .map(|(rest, value)| (rest, AString::unchecked_atom(value)))
}

/// `mailbox`.
#[inline]
pub(crate) fn mailbox(input: &[u8]) -> PResult<'_, Mailbox<'_>> {
    astring(input).map(|(rest, name)| (rest, Mailbox(name)))
}

/// A hierarchy delimiter: `"c"` (QUOTED-CHAR, possibly escaped) or NIL.
// Inlined: every LIST and LSUB response has one, and a call returns the result through
// memory.
#[inline]
pub(crate) fn delimiter(input: &[u8]) -> PResult<'_, Option<char>> {
    match input {
        [b'"', b'\\', c @ (b'"' | b'\\'), b'"', rest @ ..] => Ok((rest, Some(char::from(*c)))),
        [b'"', c, b'"', rest @ ..]
            if c.is_ascii() && !matches!(c, b'"' | b'\\' | b'\r' | b'\n' | 0) =>
        {
            Ok((rest, Some(char::from(*c))))
        }
        _ => nil(input).map(|(rest, ())| (rest, None)),
    }
}

/// Human-readable text up to the line end (8-bit bytes tolerated).
#[inline]
pub(crate) fn text(input: &[u8]) -> PResult<'_, &[u8]> {
    let n = find_cr_or_lf(input).unwrap_or(input.len());
    let text = &input[..n];
    // NUL may appear nowhere in IMAP but inside literals.
    if let Some(nul) = crate::scan::find_byte(0, text) {
        return fail(&input[nul..], "text without NUL");
    }
    Ok((&input[n..], text))
}

/// The end of a line (optional stray spaces, then CRLF or a bare LF). What follows is left
/// for the caller: one-shot parsing checks that the message ends there.
#[inline(always)]
pub(crate) fn line_end(input: &[u8]) -> PResult<'_, ()> {
    match spaces(input) {
        [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] => Ok((rest, ())),
        rest => fail(rest, "the end of the line"),
    }
}

/// A parenthesised list. Servers put extra spaces between items and before `)`, and some
/// leave the space out between parenthesised items, so any number of spaces separates items.
#[inline]
pub(crate) fn paren_list<'a, T>(
    input: &'a [u8],
    item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    paren_list_sized(input, 0, item)
}

/// [`paren_list`] that reserves room for `expected` items up front.
#[inline]
pub(crate) fn paren_list_sized<'a, T>(
    input: &'a [u8],
    expected: usize,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let (mut rest, ()) = byte(input, b'(', "`(`")?;
    let mut items = Vec::with_capacity(expected);
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, items));
        }
        let (tail, value) = item(rest)?;
        items.push(value);
        rest = tail;
    }
}

/// Items each preceded by a space, up to the end of the line or a `]` (`* CAPABILITY a b c`,
/// `[CAPABILITY a b]`); the list may be empty and a trailing space is tolerated.
pub(crate) fn space_list<'a, T>(
    input: &'a [u8],
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let after = spaces(rest);
        if after.len() == rest.len() || matches!(after.first(), None | Some(b'\r' | b'\n' | b']')) {
            return Ok((rest, items));
        }
        let (tail, value) = item(after)?;
        items.push(value);
        rest = tail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_refuse_overflow() {
        assert_eq!(number(b"4294967295 ").unwrap(), (&b" "[..], u32::MAX));
        assert!(matches!(number(b"4294967296"), Err(nom::Err::Failure(_))));
        assert!(matches!(
            number(b"99999999999999"),
            Err(nom::Err::Failure(_))
        ));
        assert_eq!(number64(b"9223372036854775807").unwrap().1, i64::MAX as u64);
        assert!(matches!(
            number64(b"9223372036854775808"),
            Err(nom::Err::Failure(_))
        ));
        assert_eq!(lenient_number(b"-1)").unwrap(), (&b")"[..], 0));
    }

    #[test]
    fn numbers_stop_at_the_first_non_digit() {
        assert_eq!(number(b"0").unwrap(), (&b""[..], 0));
        assert_eq!(number(b"0000000042)").unwrap(), (&b")"[..], 42));
        assert_eq!(number(b"17:").unwrap(), (&b":"[..], 17));
        // Eleven digits never fit, leading zeros or not.
        assert!(matches!(number(b"00000000001"), Err(nom::Err::Failure(_))));
        assert!(matches!(number(b"x1"), Err(nom::Err::Error(_))));
        assert!(matches!(number(b""), Err(nom::Err::Error(_))));
    }

    #[test]
    fn quoted_strings_borrow_unless_escaped() {
        let (rest, value) = quoted(b"\"Sent Messages\" x").unwrap();
        assert!(matches!(value, Cow::Borrowed(b"Sent Messages")));
        assert_eq!(rest, b" x");
        let (_, value) = quoted(br#""say \"hi\" \\o/""#).unwrap();
        assert_eq!(&*value, br#"say "hi" \o/"#);
        assert!(quoted(b"\"open\r\n").is_err());
        assert!(quoted(br#""bad \n escape""#).is_err());
    }

    #[test]
    fn literals_take_exactly_their_bytes() {
        let (rest, value) = literal(b"{5}\r\nab\0cd)").unwrap();
        assert_eq!((&*value.data, rest), (&b"ab\0cd"[..], &b")"[..]));
        let (_, value) = literal(b"~{2+}\nxy").unwrap();
        assert!(value.binary && value.mode == LiteralMode::NonSync);
        assert!(literal(b"{10}\r\nshort").is_err());
    }

    #[test]
    fn spaces_skip_none_one_or_a_run() {
        for (input, rest) in [
            (&b""[..], &b""[..]),
            (b"x ", b"x "),
            (b" x", b"x"),
            (b"  x", b"x"),
            (b"    ", b""),
        ] {
            assert_eq!(spaces(input), rest);
        }
    }

    #[test]
    fn lists_tolerate_stray_spaces() {
        let (rest, items) = paren_list(b"( 1 2  3 ) x", number).unwrap();
        assert_eq!((items, rest), (vec![1, 2, 3], &b" x"[..]));
        let (_, items) = space_list(b" a b \r\n", atom).unwrap();
        assert_eq!(items, ["a", "b"]);
    }
}
