//! Character classes of the IMAP grammar (RFC 3501 §9), looked up in one table.

use crate::scan::{below_marks, equal_byte_marks, first_marked};

/// `ATOM-CHAR`: any 7-bit character except `( ) { SP CTL % * " \ ]`.
pub(crate) const ATOM: u8 = 1;
/// `ASTRING-CHAR`: `ATOM-CHAR` or `]`.
pub(crate) const ASTRING: u8 = 1 << 1;
/// Tag characters: `ASTRING-CHAR` except `+`.
pub(crate) const TAG: u8 = 1 << 2;
/// `list-char`: `ATOM-CHAR`, `%`, `*` or `]`.
pub(crate) const LIST: u8 = 1 << 3;
/// Bytes that stand for themselves inside a quoted string as servers send them: anything but
/// `"`, `\`, CR, LF and NUL (8-bit bytes are tolerated).
pub(crate) const QUOTED_PLAIN: u8 = 1 << 4;
/// `DIGIT`.
pub(crate) const DIGIT: u8 = 1 << 5;
/// `TEXT-CHAR` as servers send it: anything but CR, LF and NUL.
pub(crate) const TEXT: u8 = 1 << 6;
/// A capability name as servers send it: anything but SP, CR, LF, NUL, `(`, `)`, `]` and
/// `{` (which would make a name ending in `{7}` read as a literal announcement).
pub(crate) const CAPABILITY: u8 = 1 << 7;

const fn build() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 256 {
        let b = byte as u8;
        let ctl = b < 0x20 || b == 0x7f;
        let seven_bit = b < 0x80;
        let atom_special = matches!(
            b,
            b'(' | b')' | b'{' | b' ' | b'%' | b'*' | b'"' | b'\\' | b']'
        );
        let mut class = 0u8;
        if seven_bit && !ctl && !atom_special {
            class |= ATOM | ASTRING | LIST;
            if b != b'+' {
                class |= TAG;
            }
        }
        if b == b']' {
            class |= ASTRING | TAG | LIST;
        }
        if b == b'%' || b == b'*' {
            class |= LIST;
        }
        if !matches!(b, b'"' | b'\\' | b'\r' | b'\n' | 0) {
            class |= QUOTED_PLAIN;
        }
        if b.is_ascii_digit() {
            class |= DIGIT;
        }
        if !matches!(b, b'\r' | b'\n' | 0) {
            class |= TEXT;
        }
        if !matches!(b, b' ' | b'\r' | b'\n' | 0 | b'(' | b')' | b']' | b'{') {
            class |= CAPABILITY;
        }
        table[byte] = class;
        byte += 1;
    }
    table
}

static TABLE: [u8; 256] = build();

/// True when `byte` belongs to `class`.
#[inline(always)]
pub(crate) fn is(byte: u8, class: u8) -> bool {
    TABLE[byte as usize] & class != 0
}

/// Length of the run of `class` bytes at the start of `input`.
#[inline(always)]
pub(crate) fn run(input: &[u8], class: u8) -> usize {
    input
        .iter()
        .position(|&b| TABLE[b as usize] & class == 0)
        .unwrap_or(input.len())
}

/// The high bit of each of eight bytes (little-endian) that may end a quoted string's plain
/// run: `"` and `\` exactly, and through one test any byte below 0x0e, which covers CR, LF
/// and NUL and also the other control bytes a quoted string may hold (the caller looks at
/// those again). Only the lowest mark is exact.
#[inline(always)]
pub(crate) fn quoted_stops(word: u64) -> u64 {
    equal_byte_marks(word, b'"') | equal_byte_marks(word, b'\\') | below_marks(word, 0x0e)
}

/// Length of the run of bytes at the start of `input` that stand for themselves inside a
/// quoted string (no `"`, `\`, CR, LF or NUL), eight bytes per step.
#[inline(always)]
pub(crate) fn quoted_plain_len(input: &[u8]) -> usize {
    let mut start = 0;
    // One pointer walks the words (`chunks_exact` knows each is eight bytes long).
    let mut words = input.chunks_exact(8);
    for word in &mut words {
        let marks = quoted_stops(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
        if marks != 0 {
            let at = start + first_marked(marks);
            return match input.get(at) {
                Some(&b) if b < 0x0e && is(b, QUOTED_PLAIN) => plain_after_control(input, at),
                _ => at,
            };
        }
        start += 8;
    }
    start + run(words.remainder(), QUOTED_PLAIN)
}

/// [`quoted_plain_len`] past a control byte a quoted string may hold (a tab, say).
#[cold]
fn plain_after_control(input: &[u8], at: usize) -> usize {
    match input.get(at..) {
        Some(rest) => at + run(rest, QUOTED_PLAIN),
        None => at,
    }
}

/// True when `value` can travel as a quoted string under RFC 3501 rules: 7-bit, no CR,
/// LF or NUL. (`"` and `\` are escaped.)
pub(crate) fn quotable(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b != 0 && b < 0x80 && b != b'\r' && b != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_rfc_3501() {
        assert!(is(b'a', ATOM) && is(b'.', ATOM) && is(b'+', ATOM));
        for b in *b"(){ %*\"\\]\x7f\x00\r\n\x80" {
            assert!(!is(b, ATOM), "{b:#x} is not an ATOM-CHAR");
        }
        assert!(is(b']', ASTRING) && !is(b']', ATOM));
        assert!(!is(b'+', TAG) && is(b']', TAG));
        assert!(is(b'%', LIST) && is(b'*', LIST) && !is(b'(', LIST));
        assert!(is(0xc3, QUOTED_PLAIN) && !is(b'"', QUOTED_PLAIN));
        assert_eq!(run(b"12a", DIGIT), 2);
        for special in *b"\"\\\r\n\0" {
            for at in 0..20 {
                let mut text = vec![b'x'; 20];
                text[at] = special;
                assert_eq!(quoted_plain_len(&text), at);
            }
        }
        assert_eq!(quoted_plain_len(&[0xc3; 19]), 19);
        // Control bytes other than CR, LF and NUL stand for themselves.
        let mut text = b"a\x01b\tc\x0bd\x0ce\x7ff\"".to_vec();
        assert_eq!(quoted_plain_len(&text), text.len() - 1);
        text.splice(3..3, *b"\r");
        assert_eq!(quoted_plain_len(&text), 3);
    }
}
