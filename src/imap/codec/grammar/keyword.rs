//! Matching protocol keywords without regard to case, in registers.
//!
//! A keyword of up to 24 bytes is folded to upper case into two integers; comparing those
//! is a couple of instructions, where comparing upper-cased copies in memory stalls the CPU
//! on every match.

use super::chars::{self, ATOM};
use crate::keyword::split_words;

/// A token folded to upper case, or a value no keyword has when the token is too long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keyword(u128, u64);

impl Keyword {
    const TOO_LONG: Keyword = Keyword(u128::MAX, u64::MAX);

    /// The key of `token`, byte by byte: the plain definition the word-wise readers below
    /// must agree with.
    #[inline]
    pub(crate) const fn of(token: &[u8]) -> Keyword {
        if token.len() > 24 {
            return Keyword::TOO_LONG;
        }
        let mut low: u128 = 0;
        let mut high: u64 = 0;
        let mut index = 0;
        while index < token.len() {
            let byte = token[index].to_ascii_uppercase();
            if index < 16 {
                low |= (byte as u128) << (8 * index);
            } else {
                high |= (byte as u64) << (8 * (index - 16));
            }
            index += 1;
        }
        Keyword(low, high)
    }

    /// The key of a keyword written at compile time (in any case).
    pub(crate) const fn new(keyword: &str) -> Keyword {
        assert!(keyword.len() <= 24, "keywords are at most 24 bytes");
        Keyword::of(keyword.as_bytes())
    }

    /// The key of the first `len` bytes of `input`, read eight or sixteen bytes at a time when
    /// `input` is long enough (it usually is: a keyword is followed by the rest of its line).
    #[inline]
    pub(crate) fn prefix(input: &[u8], len: usize) -> Keyword {
        if len > 24 {
            return Keyword::TOO_LONG;
        }
        // Most keywords (flags, response names) fit in one word: half the work.
        if len <= 8
            && let Some(word) = input.first_chunk::<8>()
        {
            let word = upper8(u64::from_le_bytes(*word)) & first_bytes(len);
            return Keyword(u128::from(word), 0);
        }
        let Some(low) = input.first_chunk::<16>() else {
            return Keyword::of(input.get(..len).unwrap_or(input));
        };
        if len <= 16 {
            return Keyword::of_first16(low, len);
        }
        match input.get(16..).and_then(|rest| rest.first_chunk::<8>()) {
            Some(high) => {
                let high = upper8(u64::from_le_bytes(*high)) & first_bytes(len - 16);
                Keyword(Keyword::of_first16(low, 16).0, high)
            }
            None => Keyword::of(input.get(..len).unwrap_or(input)),
        }
    }

    /// The key of the first `len` (at most 16) of sixteen bytes already in hand: the path
    /// of [`Keyword::prefix`] without its checks, for callers that found `len` in the same
    /// sixteen bytes.
    #[inline(always)]
    pub(crate) fn of_first16(bytes: &[u8; 16], len: usize) -> Keyword {
        let (low, high) = split_words(bytes);
        let low = upper8(low) & first_bytes(len);
        let high = upper8(high) & first_bytes(len.saturating_sub(8));
        Keyword(u128::from(low) | u128::from(high) << 64, 0)
    }

    /// The run of ASCII letters at the start of sixteen bytes: its length (16 when all are
    /// letters) and its key. One pass in registers both folds the case and finds where the
    /// letters stop, so a caller matching names made of letters (response names, mailbox
    /// attributes) needs no byte-by-byte scan to learn their length first. The second
    /// eight bytes are read only when the first eight are all letters.
    #[inline(always)]
    pub(crate) fn letters_of_first16(bytes: &[u8; 16]) -> (usize, Keyword) {
        let (low, high) = split_words(bytes);
        let (len, low) = letters_of8(low);
        if len < 8 {
            return (len, Keyword(u128::from(low), 0));
        }
        let (more, high) = letters_of8(high);
        (
            8 + more,
            Keyword(u128::from(low) | u128::from(high) << 64, 0),
        )
    }

    /// The atom at the start of `input`: its length and key (as [`Keyword::prefix`] of that
    /// length gives). Response names are letters only, so the letter run read in registers
    /// is the whole atom when the byte after it cannot go on one; otherwise the atom is
    /// measured byte by byte.
    #[inline(always)]
    pub(crate) fn leading_atom(input: &[u8]) -> (usize, Keyword) {
        if let Some(bytes) = input.first_chunk::<16>() {
            let (len, key) = Keyword::letters_of_first16(bytes);
            if bytes.get(len).is_some_and(|&next| !chars::is(next, ATOM)) {
                return (len, key);
            }
        }
        let len = chars::run(input, ATOM);
        (len, Keyword::prefix(input, len))
    }
}

/// Seven bits of every byte of a word.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
/// The eighth bit of every byte of a word.
const HIGH: u64 = !LOW7;

/// The high bit of each byte of `word` (little-endian) that is an ASCII letter.
#[inline(always)]
const fn letter_marks(word: u64) -> u64 {
    // Each letter as its lower-case self; each sum below stays within its byte (seven bits
    // plus less than 0x80), so a byte's high bit says "at least `a`" and "past `z`" for that
    // byte alone. A letter is also 7-bit (`!word`).
    let lower = (word | 0x2020_2020_2020_2020) & LOW7;
    let from_a = lower.wrapping_add(0x1f1f_1f1f_1f1f_1f1f);
    let past_z = lower.wrapping_add(0x0505_0505_0505_0505);
    from_a & !past_z & !word & HIGH
}

/// Eight bytes (a little-endian word) with each lower-case ASCII letter made upper case,
/// as [`u8::to_ascii_uppercase`] makes them one by one: the fold every key read from the
/// input goes through.
#[inline(always)]
const fn upper8(word: u64) -> u64 {
    upper_letters(word, letter_marks(word))
}

/// `word` with the letters `letters` marks (see [`letter_marks`]) made upper case: their
/// case is the 0x20 bit, two below the mark.
#[inline(always)]
const fn upper_letters(word: u64, letters: u64) -> u64 {
    word & !(letters >> 2)
}

/// The mask of the first `len` bytes of a little-endian word (every byte when `len` is eight
/// or more): what keeps a keyword's own bytes of a word read past its end.
#[inline(always)]
const fn first_bytes(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1 << (8 * len)) - 1
    }
}

/// The run of ASCII letters at the start of a little-endian word: its length in bytes and
/// the word folded to upper case with every byte from the first non-letter on cleared.
#[inline(always)]
fn letters_of8(word: u64) -> (usize, u64) {
    let letters = letter_marks(word);
    let len = (!letters & HIGH).trailing_zeros() as usize / 8;
    (len, upper_letters(word, letters) & first_bytes(len))
}

/// The keywords of IMAP this codec recognises.
pub(crate) mod kw {
    use super::Keyword;

    pub(crate) const ALL: Keyword = Keyword::new("ALL");
    pub(crate) const ANSWERED: Keyword = Keyword::new("ANSWERED");
    pub(crate) const APPEND: Keyword = Keyword::new("APPEND");
    pub(crate) const APPENDUID: Keyword = Keyword::new("APPENDUID");
    pub(crate) const ARCHIVE: Keyword = Keyword::new("ARCHIVE");
    pub(crate) const AUTHENTICATE: Keyword = Keyword::new("AUTHENTICATE");
    pub(crate) const BAD: Keyword = Keyword::new("BAD");
    pub(crate) const BADCHARSET: Keyword = Keyword::new("BADCHARSET");
    pub(crate) const BCC: Keyword = Keyword::new("BCC");
    pub(crate) const BEFORE: Keyword = Keyword::new("BEFORE");
    pub(crate) const BINARY: Keyword = Keyword::new("BINARY");
    pub(crate) const BINARY_PEEK: Keyword = Keyword::new("BINARY.PEEK");
    pub(crate) const BINARY_SIZE: Keyword = Keyword::new("BINARY.SIZE");
    pub(crate) const BODY: Keyword = Keyword::new("BODY");
    pub(crate) const BODY_PEEK: Keyword = Keyword::new("BODY.PEEK");
    pub(crate) const BODYSTRUCTURE: Keyword = Keyword::new("BODYSTRUCTURE");
    pub(crate) const BYE: Keyword = Keyword::new("BYE");
    pub(crate) const CAPABILITY: Keyword = Keyword::new("CAPABILITY");
    pub(crate) const CC: Keyword = Keyword::new("CC");
    pub(crate) const CHECK: Keyword = Keyword::new("CHECK");
    pub(crate) const CHILDREN: Keyword = Keyword::new("CHILDREN");
    pub(crate) const CLOSE: Keyword = Keyword::new("CLOSE");
    pub(crate) const CONDSTORE: Keyword = Keyword::new("CONDSTORE");
    pub(crate) const COPY: Keyword = Keyword::new("COPY");
    pub(crate) const COPYUID: Keyword = Keyword::new("COPYUID");
    pub(crate) const COUNT: Keyword = Keyword::new("COUNT");
    pub(crate) const CREATE: Keyword = Keyword::new("CREATE");
    pub(crate) const DELETE: Keyword = Keyword::new("DELETE");
    pub(crate) const DELETED: Keyword = Keyword::new("DELETED");
    pub(crate) const DRAFT: Keyword = Keyword::new("DRAFT");
    pub(crate) const DRAFTS: Keyword = Keyword::new("DRAFTS");
    pub(crate) const EMAILID: Keyword = Keyword::new("EMAILID");
    pub(crate) const ENABLE: Keyword = Keyword::new("ENABLE");
    pub(crate) const ENABLED: Keyword = Keyword::new("ENABLED");
    pub(crate) const ENVELOPE: Keyword = Keyword::new("ENVELOPE");
    pub(crate) const ESEARCH: Keyword = Keyword::new("ESEARCH");
    pub(crate) const EXAMINE: Keyword = Keyword::new("EXAMINE");
    pub(crate) const EXISTS: Keyword = Keyword::new("EXISTS");
    pub(crate) const EXPUNGE: Keyword = Keyword::new("EXPUNGE");
    pub(crate) const FAST: Keyword = Keyword::new("FAST");
    pub(crate) const FETCH: Keyword = Keyword::new("FETCH");
    pub(crate) const FLAGGED: Keyword = Keyword::new("FLAGGED");
    pub(crate) const FLAGS: Keyword = Keyword::new("FLAGS");
    pub(crate) const FROM: Keyword = Keyword::new("FROM");
    pub(crate) const FULL: Keyword = Keyword::new("FULL");
    pub(crate) const GETQUOTA: Keyword = Keyword::new("GETQUOTA");
    pub(crate) const GETQUOTAROOT: Keyword = Keyword::new("GETQUOTAROOT");
    pub(crate) const HASCHILDREN: Keyword = Keyword::new("HASCHILDREN");
    pub(crate) const HASNOCHILDREN: Keyword = Keyword::new("HASNOCHILDREN");
    pub(crate) const HEADER: Keyword = Keyword::new("HEADER");
    pub(crate) const HEADER_FIELDS: Keyword = Keyword::new("HEADER.FIELDS");
    pub(crate) const HEADER_FIELDS_NOT: Keyword = Keyword::new("HEADER.FIELDS.NOT");
    pub(crate) const HIGHESTMODSEQ: Keyword = Keyword::new("HIGHESTMODSEQ");
    pub(crate) const ID: Keyword = Keyword::new("ID");
    pub(crate) const IDLE: Keyword = Keyword::new("IDLE");
    pub(crate) const IMAP4: Keyword = Keyword::new("IMAP4");
    pub(crate) const IMAP4REV1: Keyword = Keyword::new("IMAP4REV1");
    pub(crate) const IMAP4REV2: Keyword = Keyword::new("IMAP4REV2");
    pub(crate) const IMPORTANT: Keyword = Keyword::new("IMPORTANT");
    pub(crate) const INTERNALDATE: Keyword = Keyword::new("INTERNALDATE");
    pub(crate) const JUNK: Keyword = Keyword::new("JUNK");
    pub(crate) const KEYWORD: Keyword = Keyword::new("KEYWORD");
    pub(crate) const LARGER: Keyword = Keyword::new("LARGER");
    pub(crate) const LIST: Keyword = Keyword::new("LIST");
    pub(crate) const LIST_EXTENDED: Keyword = Keyword::new("LIST-EXTENDED");
    pub(crate) const LIST_STATUS: Keyword = Keyword::new("LIST-STATUS");
    pub(crate) const LITERAL_PLUS: Keyword = Keyword::new("LITERAL+");
    pub(crate) const LITERAL_MINUS: Keyword = Keyword::new("LITERAL-");
    pub(crate) const LOGIN: Keyword = Keyword::new("LOGIN");
    pub(crate) const LOGINDISABLED: Keyword = Keyword::new("LOGINDISABLED");
    pub(crate) const LOGOUT: Keyword = Keyword::new("LOGOUT");
    pub(crate) const LSUB: Keyword = Keyword::new("LSUB");
    pub(crate) const MARKED: Keyword = Keyword::new("MARKED");
    pub(crate) const MAX: Keyword = Keyword::new("MAX");
    pub(crate) const MIME: Keyword = Keyword::new("MIME");
    pub(crate) const MIN: Keyword = Keyword::new("MIN");
    pub(crate) const MODIFIED: Keyword = Keyword::new("MODIFIED");
    pub(crate) const MODSEQ: Keyword = Keyword::new("MODSEQ");
    pub(crate) const MOVE: Keyword = Keyword::new("MOVE");
    pub(crate) const NAMESPACE: Keyword = Keyword::new("NAMESPACE");
    pub(crate) const NEW: Keyword = Keyword::new("NEW");
    pub(crate) const NO: Keyword = Keyword::new("NO");
    pub(crate) const NOINFERIORS: Keyword = Keyword::new("NOINFERIORS");
    pub(crate) const NONEXISTENT: Keyword = Keyword::new("NONEXISTENT");
    pub(crate) const NOOP: Keyword = Keyword::new("NOOP");
    pub(crate) const NOSELECT: Keyword = Keyword::new("NOSELECT");
    pub(crate) const NOT: Keyword = Keyword::new("NOT");
    pub(crate) const OK: Keyword = Keyword::new("OK");
    pub(crate) const OLD: Keyword = Keyword::new("OLD");
    pub(crate) const OLDER: Keyword = Keyword::new("OLDER");
    pub(crate) const ON: Keyword = Keyword::new("ON");
    pub(crate) const OR: Keyword = Keyword::new("OR");
    pub(crate) const PERMANENTFLAGS: Keyword = Keyword::new("PERMANENTFLAGS");
    pub(crate) const PREAUTH: Keyword = Keyword::new("PREAUTH");
    pub(crate) const PREVIEW: Keyword = Keyword::new("PREVIEW");
    pub(crate) const QRESYNC: Keyword = Keyword::new("QRESYNC");
    pub(crate) const QUOTA: Keyword = Keyword::new("QUOTA");
    pub(crate) const QUOTAROOT: Keyword = Keyword::new("QUOTAROOT");
    pub(crate) const RECENT: Keyword = Keyword::new("RECENT");
    pub(crate) const REMOTE: Keyword = Keyword::new("REMOTE");
    pub(crate) const RENAME: Keyword = Keyword::new("RENAME");
    pub(crate) const REVERSE: Keyword = Keyword::new("REVERSE");
    pub(crate) const RFC822: Keyword = Keyword::new("RFC822");
    pub(crate) const RFC822_HEADER: Keyword = Keyword::new("RFC822.HEADER");
    pub(crate) const RFC822_SIZE: Keyword = Keyword::new("RFC822.SIZE");
    pub(crate) const RFC822_TEXT: Keyword = Keyword::new("RFC822.TEXT");
    pub(crate) const SASL_IR: Keyword = Keyword::new("SASL-IR");
    pub(crate) const SAVEDATE: Keyword = Keyword::new("SAVEDATE");
    pub(crate) const SEARCH: Keyword = Keyword::new("SEARCH");
    pub(crate) const SEEN: Keyword = Keyword::new("SEEN");
    pub(crate) const SELECT: Keyword = Keyword::new("SELECT");
    pub(crate) const SENT: Keyword = Keyword::new("SENT");
    pub(crate) const SENTBEFORE: Keyword = Keyword::new("SENTBEFORE");
    pub(crate) const SENTON: Keyword = Keyword::new("SENTON");
    pub(crate) const SENTSINCE: Keyword = Keyword::new("SENTSINCE");
    pub(crate) const SETQUOTA: Keyword = Keyword::new("SETQUOTA");
    pub(crate) const SINCE: Keyword = Keyword::new("SINCE");
    pub(crate) const SMALLER: Keyword = Keyword::new("SMALLER");
    pub(crate) const SORT: Keyword = Keyword::new("SORT");
    pub(crate) const SPECIAL_USE: Keyword = Keyword::new("SPECIAL-USE");
    pub(crate) const STARTTLS: Keyword = Keyword::new("STARTTLS");
    pub(crate) const STATUS: Keyword = Keyword::new("STATUS");
    pub(crate) const STORE: Keyword = Keyword::new("STORE");
    pub(crate) const SUBJECT: Keyword = Keyword::new("SUBJECT");
    pub(crate) const SUBSCRIBE: Keyword = Keyword::new("SUBSCRIBE");
    pub(crate) const SUBSCRIBED: Keyword = Keyword::new("SUBSCRIBED");
    pub(crate) const TEXT: Keyword = Keyword::new("TEXT");
    pub(crate) const THREAD: Keyword = Keyword::new("THREAD");
    pub(crate) const THREADID: Keyword = Keyword::new("THREADID");
    pub(crate) const TO: Keyword = Keyword::new("TO");
    pub(crate) const TRASH: Keyword = Keyword::new("TRASH");
    pub(crate) const UID: Keyword = Keyword::new("UID");
    pub(crate) const UIDNEXT: Keyword = Keyword::new("UIDNEXT");
    pub(crate) const UIDPLUS: Keyword = Keyword::new("UIDPLUS");
    pub(crate) const UIDVALIDITY: Keyword = Keyword::new("UIDVALIDITY");
    pub(crate) const UNANSWERED: Keyword = Keyword::new("UNANSWERED");
    pub(crate) const UNDELETED: Keyword = Keyword::new("UNDELETED");
    pub(crate) const UNDRAFT: Keyword = Keyword::new("UNDRAFT");
    pub(crate) const UNFLAGGED: Keyword = Keyword::new("UNFLAGGED");
    pub(crate) const UNKEYWORD: Keyword = Keyword::new("UNKEYWORD");
    pub(crate) const UNMARKED: Keyword = Keyword::new("UNMARKED");
    pub(crate) const UNSEEN: Keyword = Keyword::new("UNSEEN");
    pub(crate) const UNSELECT: Keyword = Keyword::new("UNSELECT");
    pub(crate) const UNSUBSCRIBE: Keyword = Keyword::new("UNSUBSCRIBE");
    pub(crate) const VANISHED: Keyword = Keyword::new("VANISHED");
    pub(crate) const X_GM_LABELS: Keyword = Keyword::new("X-GM-LABELS");
    pub(crate) const X_GM_MSGID: Keyword = Keyword::new("X-GM-MSGID");
    pub(crate) const X_GM_THRID: Keyword = Keyword::new("X-GM-THRID");
    pub(crate) const YOUNGER: Keyword = Keyword::new("YOUNGER");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_folding_and_masks_agree_with_their_byte_wise_definitions() {
        // Every byte value at every place of a word, beside bytes that are letters on one
        // side only (`@` `[` `` ` `` `{`) and 8-bit bytes that are letters once masked.
        let neighbours = *b"@[`{aZ\xc1\xe1\xdb\x7f";
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = [0u8; 8];
                for (place, slot) in bytes.iter_mut().enumerate() {
                    *slot = neighbours[(usize::from(byte) + place) % neighbours.len()];
                }
                bytes[at] = byte;
                let word = u64::from_le_bytes(bytes);
                assert_eq!(
                    upper8(word).to_le_bytes(),
                    bytes.map(|b| b.to_ascii_uppercase()),
                    "{bytes:x?}"
                );
                let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                let key = Keyword::of(&bytes[..letters]).0 as u64;
                assert_eq!(letters_of8(word), (letters, key), "{bytes:x?}");
            }
        }
        for len in 0..=10 {
            let plain = (0..8).fold(0u64, |mask, at| match at < len {
                true => mask | 0xff << (8 * at),
                false => mask,
            });
            assert_eq!(first_bytes(len), plain, "{len}");
        }
    }

    #[test]
    fn keys_ignore_case_and_tell_words_apart() {
        assert_eq!(Keyword::of(b"fetch"), kw::FETCH);
        assert_eq!(Keyword::of(b"header.fields.not"), kw::HEADER_FIELDS_NOT);
        assert_eq!(Keyword::of(b"X-Gm-Labels"), kw::X_GM_LABELS);
        assert_ne!(Keyword::of(b"FETC"), kw::FETCH);
        assert_ne!(Keyword::of(b"FETCHX"), kw::FETCH);
        assert_eq!(Keyword::of(&[b'A'; 30]), Keyword::TOO_LONG);
        // The wide reader agrees with the byte-wise one at every length and position.
        let text = b"x-Gm-LaBeLs.zZ@`[{~AUTHENTICATIONfailed \xe1\xc1 tail of the line";
        for len in 0..=16 {
            let bytes = text.first_chunk::<16>().unwrap();
            assert_eq!(Keyword::of_first16(bytes, len), Keyword::of(&text[..len]));
        }
        // The letter run agrees with a byte-wise count and key, at every start (so every
        // neighbour of a letter: `@`, `[`, `` ` ``, `{`, digits, 8-bit bytes, the end).
        let mixed = b"HasNoChildren) Az@Z[a`z{0\xc3\xa9t\xe1\xc1Junk\x80ALLLETTERSSIXTEEN!";
        for start in 0..mixed.len() - 16 {
            let bytes = mixed[start..].first_chunk::<16>().unwrap();
            let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            assert_eq!(
                Keyword::letters_of_first16(bytes),
                (letters, Keyword::of(&bytes[..letters])),
                "{start}"
            );
        }
        // The leading atom agrees with the byte-wise reading wherever it starts.
        let line = b"LIST (\\Sent) \"/\" x\r\nX-GM-EXT-1 a\r\nOK]\r\nlsub ( ) NIL INBOX\r\n(x)";
        for start in 0..line.len() {
            let input = &line[start..];
            let len = chars::run(input, ATOM);
            assert_eq!(
                Keyword::leading_atom(input),
                (len, Keyword::of(&input[..len])),
                "{start}"
            );
        }
        for start in 0..text.len() {
            for len in 0..=text.len() - start {
                let input = &text[start..];
                assert_eq!(
                    Keyword::prefix(input, len),
                    Keyword::of(&input[..len]),
                    "{start} {len}"
                );
            }
        }
    }
}
