//! Flags and flag lists.

use super::chars::{self, ASTRING, ATOM};
use super::core::{byte, spaces, token};
use super::{PResult, fail};
use crate::imap::codec::types::{Atom, Flag, Flags};

/// `flag`, or `\*` (`flag-perm`), or `\Recent` (`flag-fetch`).
#[inline(always)]
pub(crate) fn flag(input: &[u8]) -> PResult<'_, Flag<'_>> {
    match input {
        [b'\\', b'*', rest @ ..] => Ok((rest, Flag::Wildcard)),
        [b'\\', rest @ ..] => match Flag::system_prefix(rest) {
            Some((known, len)) => Ok((rest.get(len..).unwrap_or_default(), known)),
            None => extension_flag(rest),
        },
        _ => match keyword_name(input) {
            Some((name, rest)) => Ok((rest, Flag::Keyword(Atom::unchecked(name)))),
            None => fail(input, "a flag"),
        },
    }
}

/// The keyword at the start of `input` (`$Junk`) and what follows it. The grammar makes it
/// an atom; Gmail puts a `]` in some (`OIB-Seen-[Gmail]/All`, net-imap issue 241), so it is
/// read as the astring characters, atom characters and `]`, which a flag list's `)` still
/// ends. They are ASCII, so the text is taken as one valid run of UTF-8: for a name of a
/// few bytes that is cheaper than `str::from_utf8`, which first sets up a word-at-a-time
/// check meant for long texts.
#[inline(always)]
fn keyword_name(input: &[u8]) -> Option<(&str, &[u8])> {
    let (name, rest) = input.split_at_checked(chars::run(input, ASTRING))?;
    let chunk = name.utf8_chunks().next()?;
    (chunk.valid().len() == name.len()).then_some((chunk.valid(), rest))
}

/// The name after a `\` that is not a system flag (or one too near the end of the input
/// to be read a word at a time).
#[inline(never)]
fn extension_flag(input: &[u8]) -> PResult<'_, Flag<'_>> {
    token(input, ATOM, "a flag name after `\\`").map(|(rest, name)| (rest, Flag::system(name)))
}

/// `flag-list`: `(\Seen $Junk)`, into a `Vec` or a [`Flags`], whichever the caller keeps.
#[inline(always)]
pub(crate) fn flag_list<'a, L: FlagList<'a>>(input: &'a [u8]) -> PResult<'a, L> {
    let (mut rest, ()) = byte(input, b'(', "`(`")?;
    let mut flags = L::empty();
    loop {
        rest = spaces(rest);
        if let [b')', tail @ ..] = rest {
            return Ok((tail, flags));
        }
        let (tail, flag) = flag(rest)?;
        flags.push_flag(flag);
        rest = tail;
    }
}

/// Where [`flag_list`] puts the flags it reads.
pub(crate) trait FlagList<'a> {
    /// An empty list.
    fn empty() -> Self;
    /// Adds `flag` at the end.
    fn push_flag(&mut self, flag: Flag<'a>);
}

impl<'a> FlagList<'a> for Flags<'a> {
    #[inline]
    fn empty() -> Self {
        Flags::new()
    }
    #[inline]
    fn push_flag(&mut self, flag: Flag<'a>) {
        self.push(flag);
    }
}

impl<'a> FlagList<'a> for Vec<Flag<'a>> {
    #[inline]
    fn empty() -> Self {
        Vec::new()
    }
    #[inline]
    fn push_flag(&mut self, flag: Flag<'a>) {
        // An empty list allocates nothing; any other gets room for four flags at once
        // rather than through the growth path.
        if self.capacity() == 0 {
            self.reserve_exact(4);
        }
        self.push(flag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `flag` made of `\name` before system flags were read a word at a time: the
    /// whole atom, then its name.
    fn flag_by_name(input: &[u8]) -> PResult<'_, Flag<'_>> {
        let rest = input.strip_prefix(b"\\").unwrap();
        extension_flag(rest)
    }

    #[test]
    fn system_flags_are_read_in_any_case_and_only_as_whole_names() {
        let names = [
            "Seen",
            "SEEN",
            "seen",
            "sEeN",
            "Answered",
            "answered",
            "Flagged",
            "FLAGGED",
            "Deleted",
            "deleted",
            "Draft",
            "DRAFT",
            "Recent",
            "recent",
            "Seenx",
            "Seen2",
            "Sen",
            "Drafts",
            "Delete",
            "Answer",
            "Answered.",
            "Flag",
            "Forwarded",
            "Junk",
            "S",
            "Seen%",
            "Seen]",
        ];
        let tails = ["", ")", " ", "))", ") UID 7)\r\n", " $Junk)", "x)", "\r\n"];
        for name in names {
            for tail in tails {
                let input = format!("\\{name}{tail}");
                assert_eq!(
                    flag(input.as_bytes()),
                    flag_by_name(input.as_bytes()),
                    "{input:?}"
                );
            }
        }
        assert_eq!(flag(b"\\SEEN)"), Ok((&b")"[..], Flag::Seen)));
        assert_eq!(
            flag(b"\\deleted $Junk)"),
            Ok((&b" $Junk)"[..], Flag::Deleted))
        );
        assert_eq!(flag(b"\\Draft)"), Ok((&b")"[..], Flag::Draft)));
        assert_eq!(
            flag(b"\\Seenx) UID 7"),
            Ok((&b") UID 7"[..], Flag::Extension(Atom::unchecked("Seenx"))))
        );
    }

    #[test]
    fn keywords_read_as_astring_tokens_do() {
        for input in [
            &b"$Junk NonJunk)"[..],
            b"NonJunk)",
            b"$Forwarded",
            b"x",
            b")",
            b" $Junk",
            b"\xc3\xa9t\xc3\xa9)",
            b"Junk\xc3\xa9)",
            b"OIB-Seen-[Gmail]/All)",
            b"a]b c",
            b"",
        ] {
            let by_token = token(input, ASTRING, "a flag")
                .ok()
                .map(|(rest, name)| (name, rest));
            assert_eq!(keyword_name(input), by_token, "{}", input.escape_ascii());
        }
    }

    #[test]
    fn a_fetch_flag_list_holds_what_a_vec_holds_and_fails_alike() {
        let lists: [&[u8]; 9] = [
            b"() UID 1",
            b"(\\Seen) UID 1",
            b"(\\Seen \\Answered) UID 1",
            b"(\\Seen $Junk NonJunk) UID 1",
            b"(  \\Flagged   \\Deleted \\Draft \\Recent $Forwarded \\X-Custom)\r\n",
            b"(\\Seen",
            b"(\\Seen \\)",
            b"(\\Seen \"quoted\")",
            b"\\Seen)",
        ];
        for input in lists {
            let in_vec: PResult<'_, Vec<Flag<'_>>> = flag_list(input);
            let in_flags: PResult<'_, Flags<'_>> = flag_list(input);
            match (in_vec, in_flags) {
                (Ok((vec_rest, vec)), Ok((flags_rest, flags))) => {
                    assert_eq!(vec_rest, flags_rest);
                    assert_eq!(flags, vec, "{:?}", String::from_utf8_lossy(input));
                }
                (vec, flags) => assert_eq!(vec.err(), flags.err()),
            }
        }
        let (_, flags): (_, Flags<'_>) = flag_list(b"(\\Seen $Junk NonJunk) UID 1").unwrap();
        assert_eq!(
            flags,
            [
                Flag::Seen,
                Flag::Keyword(Atom::unchecked("$Junk")),
                Flag::Keyword(Atom::unchecked("NonJunk")),
            ]
        );
    }
}
