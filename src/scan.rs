//! Byte scanning and line splitting shared by the SMTP and IMAP codecs.
//!
//! Both protocols are line-oriented with CRLF endings, and both must refuse a peer that
//! never ends its line. The splitter here is the one place that knows how to find a line
//! end quickly and how to stop looking once a limit is passed.
//!
//! ```
//! use mailwire::scan::{next_line, LineError};
//!
//! let line = next_line(b"250 OK\r\nrest", 512).unwrap().unwrap();
//! assert_eq!(line.content, b"250 OK");
//! assert_eq!(line.consumed, 8);
//! assert!(next_line(b"250 partial", 512).unwrap().is_none());
//! assert!(matches!(next_line(&[b'x'; 600], 512), Err(LineError::TooLong { .. })));
//! ```

use core::fmt;

/// Position of the first `needle` in `haystack`.
///
/// `memchr` under a name of our own: callers in both codecs search for one byte, and the
/// vectorised search comes from the crate nom links anyway.
#[inline]
pub fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    memchr::memchr(needle, haystack)
}

/// Position of the first CR or LF in `haystack`.
#[inline]
pub fn find_cr_or_lf(haystack: &[u8]) -> Option<usize> {
    memchr::memchr2(b'\r', b'\n', haystack)
}

/// [`find_byte`] for a search that usually ends within sixteen bytes, as the end of a
/// short protocol line does (`250-PIPELINING\r\n`): those bytes are tested two words at a
/// time in registers, and only a longer search pays for the call into the vectorised one.
/// A reader that walks lines one after another waits for each line's end before it can
/// start on the next: this keeps that wait short.
#[inline(always)]
pub(crate) fn find_byte_near(needle: u8, haystack: &[u8]) -> Option<usize> {
    let Some((head, rest)) = haystack.split_first_chunk::<16>() else {
        return find_byte(needle, haystack);
    };
    let word = u128::from_le_bytes(*head);
    let in_low = first_marked(equal_byte_marks(word as u64, needle));
    if in_low < 8 {
        return Some(in_low);
    }
    let in_high = first_marked(equal_byte_marks((word >> 64) as u64, needle));
    if in_high < 8 {
        return Some(8 + in_high);
    }
    find_byte(needle, rest).map(|at| 16 + at)
}

/// One in the lowest bit of every byte of a word.
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
/// One in the highest bit of every byte of a word.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` (eight bytes, little-endian) equal to `byte`.
///
/// Parsers test eight bytes at once for the few bytes that end a token. Only the lowest
/// mark is exact: a borrow out of a matching byte may mark the byte above it too, so
/// callers take [`first_marked`] and nothing else.
#[inline(always)]
pub(crate) const fn equal_byte_marks(word: u64, byte: u8) -> u64 {
    below_marks(word ^ (LOW_BITS * byte as u64), 1)
}

/// The high bit of each byte of `word` (eight bytes, little-endian) whose value is below
/// `limit`, which must be at most 0x80 (past that the high bit of the byte itself would
/// read as a mark). Only the lowest mark is exact, as for [`equal_byte_marks`].
#[inline(always)]
pub(crate) const fn below_marks(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(LOW_BITS * limit as u64) & !word & HIGH_BITS
}

/// The index of the lowest marked byte of `marks` (8 when none is).
#[inline(always)]
pub(crate) const fn first_marked(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

/// One line found at the start of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// The line without its ending.
    pub content: &'a [u8],
    /// Bytes taken from the buffer, ending included.
    pub consumed: usize,
    /// True when the line ended with a bare LF instead of CRLF.
    pub bare_lf: bool,
}

/// Why a line could not be taken from a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineError {
    /// No line end within `limit` bytes: the peer is sending an endless line.
    TooLong {
        /// The limit in force, in bytes without the line ending.
        limit: usize,
    },
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::TooLong { limit } => write!(
                f,
                "line longer than {limit} bytes without a line end; the peer is not speaking \
                 the protocol or the line limit is too low"
            ),
        }
    }
}

impl std::error::Error for LineError {}

/// Takes the first line of `buf`, accepting CRLF or a bare LF as its end.
///
/// Returns `Ok(None)` when more bytes are needed, and an error as soon as the buffer holds
/// more than `max_len` bytes (plus the ending) with no LF, so a caller never buffers an
/// endless line.
#[inline]
pub fn next_line(buf: &[u8], max_len: usize) -> Result<Option<Line<'_>>, LineError> {
    // The ending may be CRLF, so a line of max_len content bytes needs max_len + 2 bytes.
    let window = &buf[..buf.len().min(max_len.saturating_add(2))];
    match find_byte(b'\n', window) {
        Some(lf) => {
            let crlf = lf > 0 && buf[lf - 1] == b'\r';
            let end = if crlf { lf - 1 } else { lf };
            if end > max_len {
                return Err(LineError::TooLong { limit: max_len });
            }
            Ok(Some(Line {
                content: &buf[..end],
                consumed: lf + 1,
                bare_lf: !crlf,
            }))
        }
        // Past max_len content bytes, only the CR of a CRLF may still come.
        None => match window.get(max_len) {
            None => Ok(None),
            Some(b'\r') if window.len() == max_len + 1 => Ok(None),
            Some(_) => Err(LineError::TooLong { limit: max_len }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_agrees_with_a_plain_scan_at_every_offset() {
        for len in 0..70 {
            for at in 0..=len {
                let mut data = vec![0x8a_u8; len];
                if at < len {
                    data[at] = b'\n';
                }
                let plain = data.iter().position(|&b| b == b'\n');
                assert_eq!(find_byte(b'\n', &data), plain, "{len} {at}");
                assert_eq!(find_cr_or_lf(&data), plain, "{len} {at}");
                assert_eq!(find_byte_near(b'\n', &data), plain, "{len} {at}");
                // Bytes beside LF all around it, and a second LF after the first: only
                // the first may be found.
                let mut mixed: Vec<u8> = (0..len)
                    .map(|index| [0x0b, 0x09, 0x8a, 0x00, 0xff, 0x0b ^ 0x80][index % 6])
                    .collect();
                if at < len {
                    mixed[at] = b'\n';
                    if let Some(after) = mixed.get_mut(at + 1 + at % 9) {
                        *after = b'\n';
                    }
                }
                let plain = mixed.iter().position(|&b| b == b'\n');
                assert_eq!(find_byte_near(b'\n', &mixed), plain, "{len} {at}");
            }
        }
    }

    /// Words whose bytes are drawn from `values`, all of them at every one of the eight
    /// places for the first bytes and a pseudo-random mix of the rest.
    fn words_of(values: &[u8]) -> Vec<[u8; 8]> {
        let mut words = Vec::new();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..20_000 {
            let mut word = [0u8; 8];
            for byte in &mut word {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = values[(state % values.len() as u64) as usize];
            }
            if round < 8 * values.len() {
                word[round % 8] = values[round / 8];
            }
            words.push(word);
        }
        words
    }

    #[test]
    fn word_marks_find_the_first_byte_a_byte_wise_test_finds() {
        // Bytes next to the ones looked for, so a stray borrow or carry would show.
        let values = [
            0, 1, 0x0d, 0x0e, 0x1f, b' ', b'!', b'"', b'[', b'\\', b']', 0x7f, 0x80, 0xa2, 0xff,
        ];
        for word in words_of(&values) {
            let value = u64::from_le_bytes(word);
            for byte in values {
                let plain = word.iter().position(|&b| b == byte).unwrap_or(8);
                assert_eq!(
                    first_marked(equal_byte_marks(value, byte)),
                    plain,
                    "{word:x?} {byte:#x}"
                );
            }
            for limit in [1, 0x0e, b' ', 0x80] {
                let plain = word.iter().position(|&b| b < limit).unwrap_or(8);
                assert_eq!(
                    first_marked(below_marks(value, limit)),
                    plain,
                    "{word:x?} < {limit:#x}"
                );
            }
        }
    }

    #[test]
    fn find_cr_or_lf_finds_the_first_of_either() {
        assert_eq!(find_cr_or_lf(b"abcdefghij\nkl\r"), Some(10));
        assert_eq!(find_cr_or_lf(b"abcdefghijklmno\r\n"), Some(15));
        assert_eq!(find_cr_or_lf(b"\r"), Some(0));
        assert_eq!(find_cr_or_lf(b"no line end here at all"), None);
        // 0x8A and 0x8D differ from LF and CR only in the high bit.
        assert_eq!(
            find_cr_or_lf(&[0x8a, 0x8d, 0x0b, 0x0c, 0x8a, 0x8d, 0, 0, b'\n']),
            Some(8)
        );
    }

    #[test]
    fn lines_end_with_crlf_or_bare_lf() {
        let line = next_line(b"a\r\nb", 10).unwrap().unwrap();
        assert_eq!(
            (line.content, line.consumed, line.bare_lf),
            (&b"a"[..], 3, false)
        );
        let line = next_line(b"a\nb", 10).unwrap().unwrap();
        assert_eq!(
            (line.content, line.consumed, line.bare_lf),
            (&b"a"[..], 2, true)
        );
        let line = next_line(b"\r\n", 10).unwrap().unwrap();
        assert_eq!(line.content, b"");
    }

    #[test]
    fn the_limit_counts_content_not_the_ending() {
        assert!(next_line(b"12345\r\n", 5).unwrap().is_some());
        assert!(next_line(b"12345\n", 5).unwrap().is_some());
        assert_eq!(
            next_line(b"123456\r\n", 5),
            Err(LineError::TooLong { limit: 5 })
        );
        assert_eq!(next_line(b"12345\r", 5), Ok(None));
        assert_eq!(
            next_line(b"1234567", 5),
            Err(LineError::TooLong { limit: 5 })
        );
        // A sixth content byte can only be the CR of CRLF; anything else is over the limit.
        assert_eq!(
            next_line(b"123456", 5),
            Err(LineError::TooLong { limit: 5 })
        );
        assert_eq!(
            next_line(b"12345\rx", 5),
            Err(LineError::TooLong { limit: 5 })
        );
    }
}
