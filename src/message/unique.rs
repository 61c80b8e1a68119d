//! Unique tokens for Message-IDs and MIME boundaries, from std alone.
//!
//! Uniqueness comes from three sources together: the clock in nanoseconds, a process-wide
//! counter (two messages in the same nanosecond), and a hash keyed by std's per-process
//! random `RandomState` over the process id and the caller's salt (two processes, or two
//! machines, in the same nanosecond).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Parts of one unique token.
pub(crate) struct Token {
    pub(crate) nanos: u128,
    pub(crate) count: u64,
    pub(crate) random: u64,
}

/// A fresh token; `salt` (such as the sender's address) adds to the randomness.
pub(crate) fn token(salt: &str) -> Token {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(nanos);
    hasher.write_u64(count);
    hasher.write_u32(std::process::id());
    hasher.write(salt.as_bytes());
    Token {
        nanos,
        count,
        random: hasher.finish(),
    }
}

/// A Message-ID, angle brackets included: `<time.counter.random@domain>`.
///
/// `domain` is used when it can stand in a msg-id as it is (an ASCII host name); otherwise
/// a placeholder domain keeps the id valid.
pub(crate) fn message_id(domain: &str, salt: &str) -> String {
    let Token {
        nanos,
        count,
        random,
    } = token(salt);
    let usable = !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    let domain = if usable { domain } else { "mailwire.invalid" };
    format!("<{nanos:x}.{count:x}.{random:016x}@{domain}>")
}

/// A multipart boundary. It starts with `=_`, which cannot occur in quoted-printable or
/// base64 text, so it can only collide with a 7bit part; the builder checks that too.
pub(crate) fn boundary(salt: &str) -> String {
    // Short enough for `Content-Type: multipart/mixed; boundary="..."` to fit 78 columns;
    // it only needs to be unique within its message, and the clock is in `random`.
    let Token { count, random, .. } = token(salt);
    format!("=_mailwire_{random:016x}.{count:x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn message_ids_differ_even_in_a_tight_loop() {
        let ids: HashSet<String> = (0..10_000)
            .map(|_| message_id("example.com", "a@example.com"))
            .collect();
        assert_eq!(ids.len(), 10_000);
    }

    #[test]
    fn message_ids_are_valid_msg_ids() {
        let id = message_id("example.com", "a@example.com");
        assert!(id.starts_with('<') && id.ends_with("@example.com>"), "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_graphic()), "{id}");
        let odd = message_id("bücher.example", "x");
        assert!(odd.ends_with("@mailwire.invalid>"), "{odd}");
        let literal = message_id("[192.0.2.1]", "x");
        assert!(literal.ends_with("@mailwire.invalid>"), "{literal}");
    }

    #[test]
    fn boundaries_are_legal_and_distinct() {
        let a = boundary("x");
        let b = boundary("x");
        assert_ne!(a, b);
        // RFC 2046: 1 to 70 characters from bchars, not ending in space.
        for boundary in [a, b] {
            assert!(boundary.len() <= 70);
            assert!(
                boundary
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=?".contains(&c))
            );
        }
    }
}
