//! Numbers, atoms, strings, lists and line ends.

use std::borrow::Cow;

use super::chars::{self, ASTRING, ATOM, QUOTED_PLAIN};
use super::{PError, PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{AString, IString, Literal, LiteralMode, MailboxName, NString};
use crate::scan::find_cr_or_lf;

/// Exactly one space.
#[inline(always)]
pub(crate) fn sp(input: &[u8]) -> PResult<'_, ()> {
    match input.first() {
        Some(b' ') => Ok((&input[1..], ())),
        _ => fail(input, "a space"),
    }
}

/// The input after exactly one space: where a value starts that follows its name.
#[inline(always)]
pub(crate) fn after_sp(input: &[u8]) -> Result<&[u8], nom::Err<PError<'_>>> {
    sp(input).map(|(rest, ())| rest)
}

/// One space, then what `parse` reads, made a value by `make`: how most values follow the
/// word that names them (`UID 17`, `[UIDNEXT 4392]`).
#[inline(always)]
pub(crate) fn spaced<'a, T, U>(
    input: &'a [u8],
    parse: fn(&'a [u8]) -> PResult<'a, T>,
    make: fn(T) -> U,
) -> PResult<'a, U> {
    let (rest, value) = parse(after_sp(input)?)?;
    Ok((rest, make(value)))
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

/// `number64`: 1*DIGIT up to 2^63-1.
#[inline(always)]
pub(crate) fn number64(input: &[u8]) -> PResult<'_, u64> {
    decimal(input, i64::MAX as u64)
}

/// `number`: 1*DIGIT up to 2^32-1.
#[inline(always)]
pub(crate) fn number(input: &[u8]) -> PResult<'_, u32> {
    let (rest, value) = decimal(input, u64::from(u32::MAX))?;
    // `decimal` has checked the bound, so nothing is cut off.
    Ok((rest, value as u32))
}

/// The value of the decimal digits at the start of `input`, at most `max`, read in one
/// pass. A run of more digits than `max` has cannot fit whatever its leading zeros;
/// stopping there keeps the sum from overflowing (`max` is at most 2^63-1, so one more
/// digit still fits in 64 bits), so no digit needs an overflow check of its own.
#[inline(always)]
fn decimal(input: &[u8], max: u64) -> PResult<'_, u64> {
    let max_digits = max.ilog10() as usize + 1;
    let mut value: u64 = 0;
    let mut len = 0;
    while let Some(&byte) = input.get(len) {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        if len == max_digits {
            return fatal(input, PErrorKind::NumberTooLarge);
        }
        value = value * 10 + u64::from(digit);
        len += 1;
    }
    if len == 0 {
        return fail(input, "a number");
    }
    if value > max {
        return fatal(input, PErrorKind::NumberTooLarge);
    }
    Ok((&input[len..], value))
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
    match input.strip_prefix(b"-") {
        Some(rest) => number(rest).map(|(rest, _)| (rest, 0)),
        None => number(input),
    }
}

/// [`lenient_number`] for a `number64` (RFC822.SIZE, body lines).
#[inline(always)]
pub(crate) fn lenient_number64(input: &[u8]) -> PResult<'_, u64> {
    match input.strip_prefix(b"-") {
        Some(rest) => number64(rest).map(|(rest, _)| (rest, 0)),
        None => number64(input),
    }
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
    quoted_rest(body, plain, |_| true)
}

/// `quoted` as servers that forget to escape `"` write it (iCloud in ENVELOPE strings,
/// MailCore2 issue 1967): a `"` ends the string only where `closes` accepts what follows
/// it, and any other `"` is kept as part of the value. Everything else is read as
/// [`quoted`] reads it (escapes, and never CR, LF or NUL), so the value stays inside the
/// line the framer delimited. Only for places where what follows a string is known, and
/// only after the strict reading failed: a well-formed string reads the same either way.
#[cold]
pub(crate) fn quoted_lenient(
    input: &[u8],
    closes: fn(&[u8]) -> bool,
) -> PResult<'_, Cow<'_, [u8]>> {
    match input.strip_prefix(b"\"") {
        Some(body) => quoted_rest(body, 0, closes),
        None => fail(input, "a quoted string"),
    }
}

/// The body of a quoted string from `plain` on, `body[..plain]` being plain bytes already
/// read: the one reader behind [`quoted`]'s slow path and [`quoted_lenient`].
fn quoted_rest(
    body: &[u8],
    plain: usize,
    closes: impl Fn(&[u8]) -> bool,
) -> PResult<'_, Cow<'_, [u8]>> {
    let mut owned = body[..plain].to_vec();
    let mut rest = &body[plain..];
    loop {
        match rest {
            [b'"', tail @ ..] if closes(tail) => return Ok((tail, Cow::Owned(owned))),
            [b'"', tail @ ..] => {
                owned.push(b'"');
                rest = tail;
            }
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

/// A literal's announcement, `{N}`, `{N+}`, `{N-}` or `~{N}` and its line end: what comes
/// before the bytes, which a streamed literal's start ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Announced {
    pub(crate) size: u64,
    pub(crate) mode: LiteralMode,
    /// True for a literal8.
    pub(crate) binary: bool,
}

/// A literal's announcement through its line end.
#[inline(always)]
pub(crate) fn literal_announcement(input: &[u8]) -> PResult<'_, Announced> {
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
    match rest {
        [b'}', b'\r', b'\n', tail @ ..] | [b'}', b'\n', tail @ ..] => {
            Ok((tail, Announced { size, mode, binary }))
        }
        _ => fail(rest, "`}` and a line end after the literal's size"),
    }
}

/// `literal` / `literal8`: `{N}`, `{N+}`, `{N-}` or `~{N}`, a line end, then N bytes.
pub(crate) fn literal(input: &[u8]) -> PResult<'_, Literal<'_>> {
    let (rest, announced) = literal_announcement(input)?;
    match usize::try_from(announced.size)
        .ok()
        .filter(|&n| n <= rest.len())
    {
        Some(n) => Ok((
            &rest[n..],
            Literal {
                data: Cow::Borrowed(&rest[..n]),
                mode: announced.mode,
                binary: announced.binary,
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

/// NIL, or what `parser` reads: the grammar's `nil / value` for a value other than a
/// string (for a string, see [`nstring`]).
#[inline(always)]
pub(crate) fn nil_or<'a, T>(
    input: &'a [u8],
    parser: impl FnOnce(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Option<T>> {
    match nil(input) {
        Ok((rest, ())) => Ok((rest, None)),
        Err(_) => parser(input).map(|(rest, value)| (rest, Some(value))),
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
pub(crate) fn mailbox(input: &[u8]) -> PResult<'_, MailboxName<'_>> {
    astring(input).map(|(rest, name)| (rest, MailboxName(name)))
}

/// `mailbox` as servers send it in LIST and STATUS answers: an astring, or a bare name with
/// 8-bit bytes (`Entwürfe`, `Входящие`) that the grammar wants in a string. Such a name is
/// kept as the literal it stands for (RFC 3501 carries 8-bit bytes in literals only), which
/// is how it is written back, so it reads back as the same value.
/// The bytes it may hold are those of an atom and any 8-bit byte: never a space, CR, LF,
/// NUL, quote, brace or parenthesis.
pub(crate) fn mailbox_8bit(input: &[u8]) -> PResult<'_, MailboxName<'_>> {
    if starts_string(input) {
        return mailbox(input);
    }
    let len = input
        .iter()
        .position(|&b| b < 0x80 && !chars::is(b, ASTRING))
        .unwrap_or(input.len());
    let (name, rest) = input.split_at(len);
    if name.is_ascii() {
        return mailbox(input);
    }
    let name = IString::Literal(Literal {
        data: Cow::Borrowed(name),
        mode: LiteralMode::Sync,
        binary: false,
    });
    Ok((rest, MailboxName(AString::String(name))))
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
        _ => no_delimiter(input),
    }
}

/// NIL where a delimiter goes, or `""`, which some servers send for a flat namespace and
/// which means the same.
#[inline(never)]
fn no_delimiter(input: &[u8]) -> PResult<'_, Option<char>> {
    match input {
        [b'"', b'"', rest @ ..] => Ok((rest, None)),
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

/// NIL, or a parenthesised list whose items `item` reads and keeps where they belong (a
/// part's parameters, an envelope's addresses); `what` names the two for an error. The
/// list is looked for first: where this is used, it is the commoner.
#[inline(always)]
pub(crate) fn nil_or_items<'a>(
    input: &'a [u8],
    what: &'static str,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, ()>,
) -> PResult<'a, ()> {
    let Some(mut rest) = input.strip_prefix(b"(") else {
        return nil(input).or_else(|_| fail(input, what));
    };
    loop {
        rest = spaces(rest);
        if let Some(tail) = rest.strip_prefix(b")") {
            return Ok((tail, ()));
        }
        (rest, ()) = item(rest)?;
    }
}

/// A parenthesised list whose items may be lists again (extension data of unknown
/// shape), at most `depth` levels deep: `item` reads one item given the levels left below
/// this list.
pub(crate) fn nested_list<'a, T>(
    input: &'a [u8],
    depth: usize,
    item: fn(&'a [u8], usize) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    if depth == 0 {
        return fatal(input, PErrorKind::TooDeep);
    }
    paren_list(input, |rest| item(rest, depth - 1))
}

/// Items each preceded by a space, up to the end of the line or a `]` (`* CAPABILITY a b c`,
/// `[CAPABILITY a b]`); the list may be empty and a trailing space is tolerated.
pub(crate) fn space_list<'a, T>(
    input: &'a [u8],
    item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    spaced_items(input, true, item)
}

/// [`space_list`] up to the end of the line only, for items that may start with `]` (an
/// astring may: `* QUOTAROOT INBOX ]root`).
pub(crate) fn space_list_to_line_end<'a, T>(
    input: &'a [u8],
    item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    spaced_items(input, false, item)
}

fn spaced_items<'a, T>(
    input: &'a [u8],
    bracket_ends: bool,
    mut item: impl FnMut(&'a [u8]) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let after = spaces(rest);
        let ends = match after.first() {
            None | Some(b'\r' | b'\n') => true,
            Some(b']') => bracket_ends,
            Some(_) => false,
        };
        if after.len() == rest.len() || ends {
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

    /// `decimal` agrees with reading the whole run of digits as a wider integer, at the
    /// edges of both bounds: as many digits as the bound has and one more, with and without
    /// leading zeros, the bound itself and one past it.
    #[test]
    fn decimal_agrees_with_a_wide_reading_at_the_edges() {
        fn plain(input: &[u8], max: u64) -> Result<(&[u8], u64), bool> {
            let len = input.iter().take_while(|b| b.is_ascii_digit()).count();
            let digits = &input[..len];
            match std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse::<u128>().ok())
            {
                None => Err(false),
                Some(_) if len > max.to_string().len() => Err(true),
                Some(value) if value > u128::from(max) => Err(true),
                Some(value) => Ok((&input[len..], value as u64)),
            }
        }
        for max in [u64::from(u32::MAX), i64::MAX as u64] {
            let width = max.to_string().len();
            let mut inputs: Vec<String> = Vec::new();
            for len in [1, 2, width - 1, width, width + 1, width + 2] {
                inputs.push("9".repeat(len));
                inputs.push("0".repeat(len));
                inputs.push(format!("{}1", "0".repeat(len - 1)));
            }
            for value in [max - 1, max, max + 1] {
                inputs.push(value.to_string());
                inputs.push(format!("0{value}"));
                inputs.push(format!("{value}9"));
            }
            inputs.push(String::new());
            inputs.push("x1".to_string());
            for digits in inputs {
                for tail in ["", ")", " x", "1"] {
                    let input = format!("{digits}{tail}");
                    let got = match decimal(input.as_bytes(), max) {
                        Ok(found) => Ok(found),
                        Err(nom::Err::Failure(_)) => Err(true),
                        Err(_) => Err(false),
                    };
                    assert_eq!(got, plain(input.as_bytes(), max), "{input:?} up to {max}");
                }
            }
        }
    }

    #[test]
    fn number_and_number64_read_the_same_digits_alike() {
        for input in [
            &b"0"[..],
            b"7)",
            b"0000000042 x",
            b"4294967295",
            b"4294967296",
            b"00000000001",
            b"x",
            b"",
            b"-1",
        ] {
            let narrow = number(input).map(|(rest, n)| (rest, u64::from(n)));
            match number64(input) {
                Ok((rest, wide))
                    if wide <= u64::from(u32::MAX) && input.len() - rest.len() <= 10 =>
                {
                    assert_eq!(narrow, Ok((rest, wide)), "{}", input.escape_ascii());
                }
                Ok(_) => assert!(
                    matches!(narrow, Err(nom::Err::Failure(_))),
                    "{}",
                    input.escape_ascii()
                ),
                Err(error) => assert_eq!(narrow.unwrap_err(), error, "{}", input.escape_ascii()),
            }
        }
        // Twenty digits never fit a number64, leading zeros or not; negatives read as 0
        // where tolerated.
        assert!(matches!(
            number64(b"00000000000000000001"),
            Err(nom::Err::Failure(_))
        ));
        assert_eq!(number64(b"0000000000000000001)").unwrap(), (&b")"[..], 1));
        assert_eq!(lenient_number64(b"-1)").unwrap(), (&b")"[..], 0));
        assert_eq!(
            lenient_number64(b"12345678901234 ").unwrap(),
            (&b" "[..], 12_345_678_901_234)
        );
    }

    #[test]
    fn an_8bit_mailbox_reads_as_a_mailbox_does_unless_it_holds_8bit_bytes() {
        for input in [
            &b"INBOX\r\n"[..],
            b"\"Sent Items\" (",
            b"{3}\r\nabc rest",
            b"a]b x",
            b"~/Mail x",
            b"NIL\r\n",
            b" x",
            b"(x",
            b"",
        ] {
            assert_eq!(
                mailbox_8bit(input),
                mailbox(input),
                "{}",
                input.escape_ascii()
            );
        }
        let (rest, name) = mailbox_8bit("Entwürfe (\r\n".as_bytes()).unwrap();
        assert_eq!(
            (name.as_bytes(), rest),
            ("Entwürfe".as_bytes(), &b" (\r\n"[..])
        );
        assert_eq!(
            name,
            MailboxName(AString::String(IString::Literal(Literal {
                data: Cow::Borrowed("Entwürfe".as_bytes()),
                mode: LiteralMode::Sync,
                binary: false,
            })))
        );
        let (rest, name) = mailbox_8bit(b"\xd0\x92x]y\")z").unwrap();
        assert_eq!((name.as_bytes(), rest), (&b"\xd0\x92x]y"[..], &b"\")z"[..]));
    }

    #[test]
    fn an_empty_delimiter_reads_as_nil() {
        assert_eq!(delimiter(b"\"\" INBOX").unwrap(), (&b" INBOX"[..], None));
        assert_eq!(delimiter(b"NIL INBOX").unwrap(), (&b" INBOX"[..], None));
        assert_eq!(
            delimiter(b"\"/\" INBOX").unwrap(),
            (&b" INBOX"[..], Some('/'))
        );
        assert!(delimiter(b"\"ab\" INBOX").is_err());
        assert!(delimiter(b"\" INBOX").is_err());
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
