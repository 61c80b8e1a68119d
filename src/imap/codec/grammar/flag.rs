//! Flags and flag lists.

use super::chars::{self, ATOM};
use super::core::{atom, paren_list, paren_list_sized, token};
use super::{PResult, fail};
use crate::imap::codec::types::{Atom, Flag};

/// `flag`, or `\*` (`flag-perm`), or `\Recent` (`flag-fetch`).
#[inline]
pub(crate) fn flag(input: &[u8]) -> PResult<'_, Flag<'_>> {
    match input {
        [b'\\', b'*', rest @ ..] => Ok((rest, Flag::Wildcard)),
        [b'\\', rest @ ..] => {
            let n = chars::run(rest, ATOM);
            if let Some(known) = Flag::system_bytes(rest, n) {
                return Ok((&rest[n..], known));
            }
            token(rest, ATOM, "a flag name after `\\`")
                .map(|(rest, name)| (rest, Flag::system(name)))
        }
        _ => match atom(input) {
            Ok((rest, name)) => Ok((rest, Flag::Keyword(Atom::unchecked(name)))),
            Err(_) => fail(input, "a flag"),
        },
    }
}

/// `flag-list`: `(\Seen $Junk)`.
#[inline]
pub(crate) fn flag_list(input: &[u8]) -> PResult<'_, Vec<Flag<'_>>> {
    // An empty list allocates nothing; any other gets room for four flags at once rather
    // than through the growth path.
    match input {
        [b'(', b')', ..] => paren_list(input, flag),
        _ => paren_list_sized(input, 4, flag),
    }
}
