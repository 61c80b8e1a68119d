//! The names an EHLO reply is read for: the keywords with a field of their own and the
//! well-known SASL mechanisms, the tables that list them and the look-ups that find a name
//! in them, each plain look-up beside the shortcut that must agree with it.

use super::ehlo::padded_start;
use crate::keyword::Spelled;
use crate::sasl;
use crate::scan::{below_marks, first_marked};

/// The SASL mechanisms servers announce most, kept as bits so that asking for one costs a
/// bit test. The others are found by reading the reply again.
pub(super) const WELL_KNOWN_MECHANISMS: [&str; 21] = [
    "PLAIN",
    "LOGIN",
    "XOAUTH2",
    "OAUTHBEARER",
    "CRAM-MD5",
    "NTLM",
    "GSSAPI",
    "XOAUTH",
    "PLAIN-CLIENTTOKEN",
    "ATOKEN",
    "WSTOKEN",
    "WETOKEN",
    "DIGEST-MD5",
    "SCRAM-SHA-1",
    "SCRAM-SHA-1-PLUS",
    "SCRAM-SHA-256",
    "SCRAM-SHA-256-PLUS",
    "EXTERNAL",
    "ANONYMOUS",
    "GS2-KRB5",
    "KERBEROS_V4",
];

/// The keywords with a field of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    Pipelining,
    EightBitMime,
    SmtpUtf8,
    EnhancedStatusCodes,
    Chunking,
    Dsn,
    StartTls,
    Size,
    Auth,
}

/// Each keyword with a field, as announced (and read in any case).
pub(super) const KEYWORDS: [(&str, Keyword); 9] = [
    ("PIPELINING", Keyword::Pipelining),
    ("SIZE", Keyword::Size),
    ("AUTH", Keyword::Auth),
    ("ENHANCEDSTATUSCODES", Keyword::EnhancedStatusCodes),
    ("8BITMIME", Keyword::EightBitMime),
    ("DSN", Keyword::Dsn),
    ("SMTPUTF8", Keyword::SmtpUtf8),
    ("CHUNKING", Keyword::Chunking),
    ("STARTTLS", Keyword::StartTls),
];

impl Keyword {
    /// The keyword that `keyword` (any case) names, if it has a field.
    pub(super) fn of(keyword: &[u8]) -> Option<Keyword> {
        KEYWORDS
            .iter()
            .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(keyword))
            .map(|&(_, known)| known)
    }
}

/// The position of `name` (any case) in [`WELL_KNOWN_MECHANISMS`].
pub(super) fn well_known_mechanism(name: &[u8]) -> Option<usize> {
    WELL_KNOWN_MECHANISMS
        .iter()
        .position(|known| sasl::same_mechanism_name(known.as_bytes(), name))
}

/// [`well_known_mechanism`] in one look-up and one comparison a word at a time: the
/// position of `name` (any case) in [`WELL_KNOWN_MECHANISMS`]. `name` starts `rest`, the
/// bytes to compare words from (the rest of its line, or `name` itself).
#[inline(always)]
pub(super) fn well_known_mechanism_indexed(name: &[u8], rest: &[u8]) -> Option<usize> {
    let index = MECHANISM_INDEX.find(fold3(name) ^ ((name.len() as u32) << 24))?;
    let spelled = SPELLED_MECHANISMS.get(index)?;
    if spelled.len() != name.len() {
        return None;
    }
    // The spelling is compared a word at a time, so the bytes after the name must be there
    // for a whole word: near the end of the bytes (or for a name given alone, as by a
    // client asking), the name is compared from a copy with zeros after it.
    let same = if rest.len() >= SPELLED_WORDS {
        spelled.strip_prefix(rest).is_some()
    } else {
        let mut padded = [0; SPELLED_WORDS];
        // (A name too long for the copy is longer than every spelling: it stays unequal.)
        if let Some(start) = padded.get_mut(..name.len()) {
            start.copy_from_slice(name);
        }
        spelled.strip_prefix(&padded).is_some()
    };
    same.then_some(index)
}

/// The bytes a [`Spelled`] mechanism name is compared in: three words.
const SPELLED_WORDS: usize = 24;

/// How many bytes at the start of `bytes` lie above the space (see [`name_run_plain`]),
/// read eight at a time: a name in a list is measured in one step where a byte-wise scan
/// takes one per byte. `None` when the run is longer than three words, longer than any
/// mechanism name; the end of `bytes` ends the run.
#[inline(always)]
pub(super) fn name_run(bytes: &[u8]) -> Option<usize> {
    for start in [0, 8, 16] {
        let rest = bytes.get(start..).unwrap_or_default();
        // Zero is below the space: the end of `bytes` ends the run.
        let word = padded_start::<8>(rest);
        let end = first_marked(below_marks(u64::from_le_bytes(word), b' ' + 1));
        if end < 8 {
            return Some(start + end);
        }
    }
    None
}

/// The plain definition [`name_run`] must agree with: the bytes up to the first one that
/// is a space or below it (CR, LF, a tab, a NUL), or to the end.
#[cfg(test)]
pub(super) fn name_run_plain(bytes: &[u8]) -> Option<usize> {
    let len = bytes
        .iter()
        .position(|&byte| byte <= b' ')
        .unwrap_or(bytes.len());
    (len < 24).then_some(len)
}

/// The keywords with a field, spelled for comparing at the start of a line.
pub(super) const SPELLED_KEYWORDS: [Spelled; KEYWORDS.len()] = {
    let mut spelled = [Spelled::new(""); KEYWORDS.len()];
    let mut index = 0;
    while index < KEYWORDS.len() {
        spelled[index] = Spelled::new(KEYWORDS[index].0);
        index += 1;
    }
    spelled
};

/// The start of each line the shortcut reads, by the position of its keyword in
/// [`KEYWORDS`]: a keyword without parameters with the CRLF that ends it (one comparison
/// takes the whole line), SIZE with the space before its number, AUTH alone (a space or the
/// legacy `=` follows).
pub(super) const LINE_STARTS: [(Spelled, Keyword); KEYWORDS.len()] = [
    (Spelled::new("PIPELINING\r\n"), Keyword::Pipelining),
    (Spelled::new("SIZE "), Keyword::Size),
    (Spelled::new("AUTH"), Keyword::Auth),
    (
        Spelled::new("ENHANCEDSTATUSCODES\r\n"),
        Keyword::EnhancedStatusCodes,
    ),
    (Spelled::new("8BITMIME\r\n"), Keyword::EightBitMime),
    (Spelled::new("DSN\r\n"), Keyword::Dsn),
    (Spelled::new("SMTPUTF8\r\n"), Keyword::SmtpUtf8),
    (Spelled::new("CHUNKING\r\n"), Keyword::Chunking),
    (Spelled::new("STARTTLS\r\n"), Keyword::StartTls),
];

/// [`WELL_KNOWN_MECHANISMS`], spelled for comparing where a name starts.
const SPELLED_MECHANISMS: [Spelled; WELL_KNOWN_MECHANISMS.len()] = {
    let mut spelled = [Spelled::new(""); WELL_KNOWN_MECHANISMS.len()];
    let mut index = 0;
    while index < WELL_KNOWN_MECHANISMS.len() {
        spelled[index] = Spelled::new(WELL_KNOWN_MECHANISMS[index]);
        index += 1;
    }
    spelled
};

/// Which keyword a line may start with, from its first three bytes.
pub(super) const KEYWORD_INDEX: NameIndex<16> = {
    let mut keys = [0; KEYWORDS.len()];
    let mut index = 0;
    while index < KEYWORDS.len() {
        keys[index] = fold3(KEYWORDS[index].0.as_bytes());
        index += 1;
    }
    NameIndex::new(&keys)
};

/// Which well-known mechanism a name may be, from its first three bytes and its length.
const MECHANISM_INDEX: NameIndex<64> = {
    let mut keys = [0; WELL_KNOWN_MECHANISMS.len()];
    let mut index = 0;
    while index < WELL_KNOWN_MECHANISMS.len() {
        let name = WELL_KNOWN_MECHANISMS[index].as_bytes();
        keys[index] = fold3(name) ^ ((name.len() as u32) << 24);
        index += 1;
    }
    NameIndex::new(&keys)
};

/// The first three bytes of `bytes` (zeros past its end) with the case bit of each set, as
/// one number: equal for two spellings of a word that differ only in case, which is all a
/// key of [`NameIndex`] needs (the candidate it gives is then compared exactly).
#[inline(always)]
const fn fold3(bytes: &[u8]) -> u32 {
    if let [first, second, third, ..] = *bytes {
        return u32::from_le_bytes([first, second, third, 0]) | FOLD3;
    }
    let mut key = 0;
    let mut index = 0;
    while index < bytes.len() {
        key |= (bytes[index] as u32 | 0x20) << (8 * index);
        index += 1;
    }
    key
}

/// The case bit of each of three bytes (see [`fold3`]).
pub(super) const FOLD3: u32 = 0x0020_2020;

/// A table that gives, in one multiplication, the only name of a fixed list that a key
/// (see [`fold3`]) can belong to: no two names of the list share a slot, and the
/// multiplier that spreads them so is searched for when the table is built, at compile
/// time. A word whose slot is empty is none of the names; any other word is the name in
/// its slot or none.
pub(super) struct NameIndex<const SLOTS: usize> {
    multiplier: u32,
    /// The position in the list plus one of the name in each slot; zero when empty.
    slots: [u8; SLOTS],
}

impl<const SLOTS: usize> NameIndex<SLOTS> {
    const SHIFT: u32 = 32 - SLOTS.trailing_zeros();

    const fn new(keys: &[u32]) -> Self {
        assert!(SLOTS.is_power_of_two() && keys.len() < SLOTS && keys.len() < 255);
        // Fibonacci hashing's multiplier, then the odd numbers after it.
        let mut multiplier: u32 = 0x9e37_79b9;
        'search: loop {
            let mut slots = [0; SLOTS];
            let mut index = 0;
            while index < keys.len() {
                let slot = (keys[index].wrapping_mul(multiplier) >> Self::SHIFT) as usize;
                if slots[slot] != 0 {
                    multiplier = multiplier.wrapping_add(2);
                    continue 'search;
                }
                slots[slot] = index as u8 + 1;
                index += 1;
            }
            return NameIndex { multiplier, slots };
        }
    }

    /// The position in the list of the only name that can have `key`.
    #[inline]
    pub(super) fn find(&self, key: u32) -> Option<usize> {
        let slot = (key.wrapping_mul(self.multiplier) >> Self::SHIFT) as usize;
        let entry = self.slots.get(slot).copied().unwrap_or(0);
        (entry as usize).checked_sub(1)
    }
}
