//! Values kept exactly as sent, for grammar this codec does not interpret.

use std::borrow::Cow;
use std::fmt;

use super::core::owned_struct;

/// Bytes of one protocol value (an atom, a string, a parenthesised list ...) kept as sent,
/// so an unknown item survives parsing and is written back unchanged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Raw<'a>(pub Cow<'a, [u8]>);

impl Raw<'_> {
    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Raw({:?})", Bytes(&self.0))
    }
}

owned_struct!(Raw(0));

/// Debug-prints bytes as an escaped string, which reads better than a list of numbers.
pub(crate) struct Bytes<'a>(pub &'a [u8]);

impl fmt::Debug for Bytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 256;
        f.write_str("b\"")?;
        for &byte in self.0.iter().take(SHOWN) {
            write!(f, "{}", std::ascii::escape_default(byte))?;
        }
        if self.0.len() > SHOWN {
            write!(f, "\"... ({} bytes)", self.0.len())
        } else {
            f.write_str("\"")
        }
    }
}
