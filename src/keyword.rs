//! Fixed spellings found at the start of the input in any case, a word at a time: the
//! one such comparison both codecs use (IMAP for keywords, quoted strings and runs of
//! NILs, SMTP for EHLO keywords and SASL mechanism names).

/// A fixed spelling to find at the start of the input in any case with one to three word
/// comparisons, with no length to measure and no key to build: a keyword with the byte that
/// must follow it (`UID `, `FLAGS `), a quoted string body structures repeat
/// (`"charset"`), an EHLO keyword or a SASL mechanism name, or a run of NILs
/// (`" NIL NIL NIL)"`, see [`Spelled::leaving`]). Only letters are folded (the 0x20 bit set
/// at their places alone maps exactly the two cases of a letter onto one), so every other
/// byte must be as written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spelled {
    /// The bytes in lower case, zero past the end, as little-endian words.
    expected: [u64; 3],
    /// The case bit at each letter's place.
    fold: [u64; 3],
    /// Every bit of each byte of the pattern.
    mask: [u64; 3],
    /// How many bytes are compared.
    len: usize,
    /// How many of them a match takes from the input.
    taken: usize,
}

impl Spelled {
    /// The pattern `text` (at most twenty-four bytes), built at compile time.
    pub(crate) const fn new(text: &str) -> Spelled {
        let bytes = text.as_bytes();
        assert!(
            bytes.len() <= 24,
            "a spelled pattern is at most twenty-four bytes"
        );
        // Zero is what `first16` puts past the end of the input.
        let mut at = 0;
        while at < bytes.len() {
            assert!(bytes[at] != 0, "a spelled pattern holds no zero byte");
            at += 1;
        }
        let mut spelled = Spelled {
            expected: [0; 3],
            fold: [0; 3],
            mask: [0; 3],
            len: bytes.len(),
            taken: bytes.len(),
        };
        let mut index = 0;
        while index < bytes.len() {
            let byte = bytes[index];
            let (word, shift) = (index / 8, 8 * (index % 8));
            spelled.expected[word] |= (byte.to_ascii_lowercase() as u64) << shift;
            if byte.is_ascii_alphabetic() {
                spelled.fold[word] |= 0x20 << shift;
            }
            spelled.mask[word] |= 0xff << shift;
            index += 1;
        }
        spelled
    }

    /// The same spelling with its last `count` bytes compared but left in the input. A word
    /// such as NIL is only whole when the byte after it says so (a space before the next
    /// field, a closing parenthesis); comparing that byte with the word costs nothing, and
    /// leaving it lets the caller read on from it as the plain reader would:
    /// `Spelled::new(" NIL NIL NIL)").leaving(1)` takes three NIL fields and leaves the `)`.
    pub(crate) const fn leaving(self, count: usize) -> Spelled {
        assert!(count <= self.len, "a spelling leaves at most its own bytes");
        Spelled {
            taken: self.len - count,
            ..self
        }
    }

    /// How many bytes the pattern has.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether `word` holds the pattern's word `at`.
    #[inline(always)]
    fn word_matches(&self, word: u64, at: usize) -> bool {
        match (self.fold.get(at), self.mask.get(at), self.expected.get(at)) {
            (Some(fold), Some(mask), Some(expected)) => (word | fold) & mask == *expected,
            _ => false,
        }
    }

    /// Whether `head` (the first twenty-four bytes of the input, zeros past its end) begins
    /// with the pattern, all three words compared whatever the pattern's length: for a
    /// caller that picks the pattern by a look-up, one branch on the answer replaces a
    /// branch on how many words the pattern it got has.
    #[inline(always)]
    pub(crate) fn starts(&self, head: &[u8; 24]) -> bool {
        let word = |at: usize| {
            let mut bytes = [0; 8];
            if let Some(chunk) = head.get(8 * at..8 * at + 8) {
                bytes.copy_from_slice(chunk);
            }
            u64::from_le_bytes(bytes)
        };
        // `&`, not `&&`: the three comparisons cost less than the branches between them.
        self.word_matches(word(0), 0)
            & self.word_matches(word(1), 1)
            & self.word_matches(word(2), 2)
    }

    /// What follows the pattern (from the bytes it leaves on, if any) when `bytes` (the
    /// start of `input`, already in hand) begins with it. For patterns of at most sixteen
    /// bytes.
    #[inline(always)]
    pub(crate) fn strip<'a>(&self, bytes: &[u8; 16], input: &'a [u8]) -> Option<&'a [u8]> {
        let (low, high) = split_words(bytes);
        // A pattern of eight bytes or fewer has no second word to compare.
        let matches = self.word_matches(low, 0) && (self.len <= 8 || self.word_matches(high, 1));
        if matches && self.len <= 16 {
            input.get(self.taken..)
        } else {
            None
        }
    }

    /// What follows the pattern (from the bytes it leaves on, if any) when `input` begins
    /// with it, reading the words from `input` itself (which must hold all of them, bytes
    /// after the pattern included).
    #[inline(always)]
    pub(crate) fn strip_prefix<'a>(&self, input: &'a [u8]) -> Option<&'a [u8]> {
        let head = input.get(..self.len.div_ceil(8) * 8)?;
        for (at, word) in head.chunks_exact(8).enumerate() {
            if !self.word_matches(u64::from_le_bytes(word.try_into().ok()?), at) {
                return None;
            }
        }
        input.get(self.taken..)
    }
}

/// The first sixteen bytes of `input`, in place, or copied into `padded` (all zero) and
/// zero past its end when there are fewer: what [`Spelled::strip`] compares the start of
/// input of any length with (no pattern holds a zero byte, so none matches past the end).
#[inline(always)]
pub(crate) fn first16<'a>(input: &'a [u8], padded: &'a mut [u8; 16]) -> &'a [u8; 16] {
    match input.first_chunk::<16>() {
        Some(bytes) => bytes,
        None => {
            padded[..input.len()].copy_from_slice(input);
            padded
        }
    }
}

/// Sixteen bytes as two little-endian words.
#[inline(always)]
pub(crate) fn split_words(bytes: &[u8; 16]) -> (u64, u64) {
    let word = u128::from_le_bytes(*bytes);
    (word as u64, (word >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_patterns_match_in_any_case_and_nothing_else() {
        let patterns = [
            "UID ",
            "RFC822.SIZE ",
            "BODYSTRUCTURE ",
            "INTERNALDATE ",
            "X",
            "ENHANCEDSTATUSCODES\r\n",
            "PIPELINING\r\n",
        ];
        let inputs: [&[u8]; 13] = [
            b"EnhancedStatusCodes\r\n250 DSN\r\n",
            b"ENHANCEDSTATUSCODES\n250 DSN\r\n\r\n",
            b"pipelining\r\n250-DSN\r\n",
            b"uid 17 FLAGS (\\Seen)",
            b"Uid 17 FLAGS (\\Seen)",
            b"UID\x0017 FLAGS (\\Seen)",
            b"UIDNEXT 17 FLAGS ()",
            b"u\x09d 17 FLAGS (\\Seen)",
            b"rfc822.size 2000 ENVELOPE",
            b"RFC822\x0eSIZE 2000 ENVELOPE",
            b"RFC822.SIZE\x002000 ENVELOPE",
            b"BodyStructure (\"text\"",
            b"INTERNALDATE\"17-Jul-1996",
        ];
        for pattern in patterns {
            let spelled = Spelled::new(pattern);
            for input in inputs {
                let bytes = input.first_chunk::<16>().unwrap();
                let byte_wise = (input.len() >= pattern.len()
                    && input[..pattern.len()].eq_ignore_ascii_case(pattern.as_bytes()))
                .then(|| &input[pattern.len()..]);
                // (`strip` reads sixteen bytes: longer patterns are not for it.)
                if pattern.len() <= 16 {
                    assert_eq!(
                        spelled.strip(bytes, input),
                        byte_wise,
                        "{pattern:?} in {}",
                        input.escape_ascii()
                    );
                }
                // Reading the words from the input itself gives the same.
                assert_eq!(spelled.strip_prefix(input), byte_wise);
                // So does comparing all three words of the first twenty-four bytes.
                let mut head = [0; 24];
                let start = input.len().min(24);
                head[..start].copy_from_slice(&input[..start]);
                assert_eq!(spelled.starts(&head), byte_wise.is_some());
            }
        }
        // NIL runs, the byte that ends the last NIL compared and left in the input.
        let nil_inputs: [&[u8]; 9] = [
            b" NIL NIL NIL))\r\n",
            b" nil Nil NIL)(\"text\" ",
            b" NIL NIL NILS)) x\r\n",
            b" NIL NIL NIL ) x\r\n",
            b" NIL NIL NIL)",
            b" NIL \"alice\" \"x\")",
            b" NIL\t\"alice\" \"x\")",
            b" NILS \"alice\" \"x\")",
            b"  NIL \"alice\" \"x\")",
        ];
        for (pattern, left) in [(" NIL NIL NIL)", 1), (" NIL ", 1), (" NIL NIL", 0)] {
            let spelled = Spelled::new(pattern).leaving(left);
            for input in nil_inputs {
                // As many bytes as the words read, or the input too short to say.
                let byte_wise = (input.len() >= pattern.len().div_ceil(8) * 8
                    && input[..pattern.len()].eq_ignore_ascii_case(pattern.as_bytes()))
                .then(|| &input[pattern.len() - left..]);
                assert_eq!(
                    spelled.strip_prefix(input),
                    byte_wise,
                    "{pattern:?} in {}",
                    input.escape_ascii()
                );
                if let Some(bytes) = input.first_chunk::<16>() {
                    assert_eq!(spelled.strip(bytes, input), byte_wise);
                }
            }
        }
        assert_eq!(
            Spelled::new(" NIL NIL NIL)")
                .leaving(1)
                .strip_prefix(b" Nil nil NIL))\r\n"),
            Some(&b"))\r\n"[..])
        );
        let uid = Spelled::new("UID ");
        assert_eq!(
            uid.strip(b"uId 1 FLAGS ()\r\n", b"uId 1 FLAGS ()\r\n"),
            Some(&b"1 FLAGS ()\r\n"[..])
        );
    }
}
