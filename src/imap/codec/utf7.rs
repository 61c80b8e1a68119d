//! Modified UTF-7 mailbox names (RFC 3501 §5.1.3), strict in both directions.
//!
//! Printable ASCII stands for itself, `&` is written `&-`, and everything else travels as
//! UTF-16 in a base64 variant (`,` for `/`, no padding) between `&` and `-`.
//!
//! ```
//! use mailwire::imap::codec::utf7;
//!
//! assert_eq!(utf7::encode("~peter/mail/日本語/台北"), "~peter/mail/&ZeVnLIqe-/&U,BTFw-");
//! assert_eq!(utf7::decode(b"Tom &- Jerry").unwrap(), "Tom & Jerry");
//! // Printable ASCII must not be base64-encoded, so this is refused:
//! assert!(utf7::decode(b"&AGEAYgBj-").is_err());
//! ```

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Why bytes are not a canonical modified UTF-7 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Utf7Error {
    /// A byte outside printable ASCII appears outside a base64 run.
    NotPrintable {
        /// Its offset.
        offset: usize,
    },
    /// A base64 run holds a character outside the alphabet or never ends with `-`.
    BadBase64 {
        /// Offset of the run's `&`.
        offset: usize,
    },
    /// A base64 run decodes to something other than whole, valid UTF-16, has leftover bits
    /// set, encodes printable ASCII, or directly follows another run.
    NotCanonical {
        /// Offset of the run's `&`.
        offset: usize,
    },
    /// A name said to be UTF-8 (UTF8=ACCEPT) is not.
    NotUtf8,
}

impl fmt::Display for Utf7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Utf7Error::NotPrintable { offset } => write!(
                f,
                "mailbox name has a byte that is not printable ASCII at offset {offset} (not modified UTF-7)"
            ),
            Utf7Error::BadBase64 { offset } => {
                write!(
                    f,
                    "mailbox name has a broken modified-base64 run at offset {offset}"
                )
            }
            Utf7Error::NotCanonical { offset } => write!(
                f,
                "mailbox name has a modified-base64 run at offset {offset} that no correct encoder writes"
            ),
            Utf7Error::NotUtf8 => f.write_str("mailbox name is not UTF-8"),
        }
    }
}

impl std::error::Error for Utf7Error {}

fn printable(c: u32) -> bool {
    (0x20..=0x7e).contains(&c)
}

/// Encodes a Unicode mailbox name in modified UTF-7.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if printable(c as u32) {
            flush(&mut pending, &mut out);
            out.push(c);
            if c == '&' {
                out.push('-');
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn flush(units: &mut Vec<u16>, out: &mut String) {
    if units.is_empty() {
        return;
    }
    out.push('&');
    let mut bits: u32 = 0;
    let mut count = 0u32;
    for unit in units.drain(..) {
        bits = (bits << 16) | u32::from(unit);
        count += 16;
        while count >= 6 {
            count -= 6;
            out.push(char::from(ALPHABET[((bits >> count) & 0x3f) as usize]));
        }
        bits &= (1 << count) - 1;
    }
    if count > 0 {
        out.push(char::from(
            ALPHABET[((bits << (6 - count)) & 0x3f) as usize],
        ));
    }
    out.push('-');
}

fn sextet(byte: u8) -> Option<u32> {
    match byte {
        b'A'..=b'Z' => Some(u32::from(byte - b'A')),
        b'a'..=b'z' => Some(u32::from(byte - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 52),
        b'+' => Some(62),
        b',' => Some(63),
        _ => None,
    }
}

/// Decodes a modified UTF-7 mailbox name, refusing anything a correct encoder would not
/// have written (so `encode(decode(x)) == x` whenever decoding succeeds).
pub fn decode(input: &[u8]) -> Result<String, Utf7Error> {
    let mut out = String::with_capacity(input.len());
    let mut index = 0;
    // End of the previous base64 run, to refuse two runs back to back.
    let mut last_run_end = None;
    while let Some(&byte) = input.get(index) {
        if byte != b'&' {
            if !printable(u32::from(byte)) {
                return Err(Utf7Error::NotPrintable { offset: index });
            }
            out.push(char::from(byte));
            index += 1;
            continue;
        }
        let start = index;
        if input.get(index + 1) == Some(&b'-') {
            out.push('&');
            index += 2;
            continue;
        }
        if last_run_end == Some(start) {
            return Err(Utf7Error::NotCanonical { offset: start });
        }
        index += 1;
        let mut bits: u32 = 0;
        let mut count = 0u32;
        let mut units: Vec<u16> = Vec::new();
        loop {
            match input.get(index) {
                Some(b'-') => break,
                Some(&c) => match sextet(c) {
                    Some(value) => {
                        bits = (bits << 6) | value;
                        count += 6;
                        if count >= 16 {
                            count -= 16;
                            units.push(((bits >> count) & 0xffff) as u16);
                            bits &= (1 << count) - 1;
                        }
                    }
                    None => return Err(Utf7Error::BadBase64 { offset: start }),
                },
                None => return Err(Utf7Error::BadBase64 { offset: start }),
            }
            index += 1;
        }
        index += 1;
        last_run_end = Some(index);
        // Leftover bits must be fewer than one sextet and all zero.
        if units.is_empty() || count >= 6 || bits != 0 {
            return Err(Utf7Error::NotCanonical { offset: start });
        }
        for decoded in char::decode_utf16(units.iter().copied()) {
            match decoded {
                Ok(c) if !printable(c as u32) => out.push(c),
                _ => return Err(Utf7Error::NotCanonical { offset: start }),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3501_example_round_trips() {
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        let name = decode(wire.as_bytes()).unwrap();
        assert_eq!(name, "~peter/mail/台北/日本語");
        assert_eq!(encode(&name), wire);
    }

    #[test]
    fn ampersand_and_astral_characters() {
        assert_eq!(encode("A&B"), "A&-B");
        assert_eq!(encode("😀"), "&2D3eAA-");
        assert_eq!(decode(b"&2D3eAA-").unwrap(), "😀");
        assert_eq!(encode("\u{1}"), "&AAE-");
    }

    #[test]
    fn non_canonical_input_is_refused() {
        use Utf7Error::{BadBase64, NotCanonical, NotPrintable};
        for (input, refusal) in [
            (&b"a\x80"[..], NotPrintable { offset: 1 }),
            (b"&ZeVn", BadBase64 { offset: 0 }),
            (b"&Ze/n-", BadBase64 { offset: 0 }),
            // Leftover bits set.
            (b"&ZeVnLB-", NotCanonical { offset: 0 }),
            // A whole extra sextet of padding.
            (b"&ZeVnLAA-", NotCanonical { offset: 0 }),
            // An unpaired surrogate.
            (b"&2D0-", NotCanonical { offset: 0 }),
            // Two runs back to back must have been one.
            (b"&ZeU-&Zyw-", NotCanonical { offset: 5 }),
        ] {
            assert_eq!(decode(input), Err(refusal), "{}", input.escape_ascii());
        }
        assert_eq!(decode(b"&ZeVnLA-").unwrap(), "日本");
    }
}
