//! Reading past one value of unknown grammar, so unknown items can be kept instead of failing.

use super::core::{byte, literal, quoted};
use super::{PErrorKind, PResult, fail, fatal};

/// The length of what a bracketed group holds (`[1.2]`, `[ALERT]`, `BODY[...]`): the bytes
/// up to its `]`, or `None` when a line end or NUL comes first, for a group never spans
/// lines.
pub(crate) fn bracket_content_len(input: &[u8]) -> Option<usize> {
    input
        .iter()
        .position(|&b| matches!(b, b']' | b'\r' | b'\n' | 0))
        .filter(|&end| input[end] == b']')
}

/// What a value read by [`skip_value`] or [`argument_list`] may hold besides atoms,
/// quoted strings and parenthesised lists.
#[derive(Clone, Copy)]
struct Holds {
    /// Literals (`{3}` and its bytes, `~{3}` too). A command's argument may hold none: its
    /// bytes would go out before the server's `+` asked for them.
    literals: bool,
    /// `[...]` groups (`BODY[1.2]`), taken whole, so a `)` inside closes no list. Nothing
    /// in a command's argument is grouped so; there `[` is a byte like any other.
    brackets: bool,
}

/// The bytes of one value: an atom or number, a string, a `[...]` group or a balanced
/// parenthesised list (iteratively, nested at most `max_depth` deep). Stops before a space,
/// `)` or line end at the outer level.
pub(crate) fn skip_value(input: &[u8], max_depth: usize) -> PResult<'_, &[u8]> {
    let holds = Holds {
        literals: true,
        brackets: true,
    };
    skip(input, max_depth, holds)
}

/// A command's balanced parenthesised argument (`(CHANGEDSINCE 12)`), nested at most
/// `max_depth` deep, with quoted strings but no literal and no CR, LF or NUL. Its own
/// parentheses are always allowed: `max_depth` bounds what it holds.
pub(crate) fn argument_list(input: &[u8], max_depth: usize) -> PResult<'_, &[u8]> {
    let (_, ()) = byte(input, b'(', "`(`")?;
    let holds = Holds {
        literals: false,
        brackets: false,
    };
    skip(input, max_depth.max(1), holds)
}

/// [`skip_value`] taking only what `holds` allows.
fn skip(input: &[u8], max_depth: usize, holds: Holds) -> PResult<'_, &[u8]> {
    let mut rest = input;
    let mut depth = 0usize;
    loop {
        match rest.first() {
            None | Some(b'\r' | b'\n') => {
                if depth > 0 {
                    return fail(rest, "`)` to close the list");
                }
                break;
            }
            Some(b' ') if depth == 0 => break,
            Some(b')') if depth == 0 => break,
            Some(b'(') => {
                depth += 1;
                if depth > max_depth {
                    return fatal(rest, PErrorKind::TooDeep);
                }
                rest = &rest[1..];
            }
            Some(b')') => {
                depth -= 1;
                rest = &rest[1..];
                if depth == 0 {
                    break;
                }
            }
            Some(b'"') => rest = quoted(rest)?.0,
            Some(b'{') if !holds.literals => return fail(rest, "a value without a literal"),
            Some(b'{') => rest = literal(rest)?.0,
            Some(b'~') if holds.literals && rest.get(1) == Some(&b'{') => {
                rest = literal(rest)?.0;
            }
            Some(b'[') if holds.brackets => match bracket_content_len(&rest[1..]) {
                Some(len) => rest = &rest[len + 2..],
                None => return fail(rest, "`]`"),
            },
            Some(0) => return fail(rest, "a value without NUL"),
            Some(_) => rest = &rest[1..],
        }
    }
    let consumed = input.len() - rest.len();
    if consumed == 0 {
        return fail(input, "a value");
    }
    Ok((rest, &input[..consumed]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_one_value_of_any_shape() {
        assert_eq!(
            skip_value(b"abc def", 8).unwrap(),
            (&b" def"[..], &b"abc"[..])
        );
        assert_eq!(
            skip_value(b"(a (\"x)\" {2}\r\nxy)) ) rest", 8).unwrap(),
            (&b" ) rest"[..], &b"(a (\"x)\" {2}\r\nxy))"[..])
        );
        assert!(matches!(skip_value(b"((((", 3), Err(nom::Err::Failure(_))));
        assert!(skip_value(b"(a b\r\n", 3).is_err());
    }

    /// A command's argument is one balanced list with no literal, CR, LF or NUL, where `[`
    /// groups nothing; its own parentheses are allowed whatever the depth bound.
    #[test]
    fn an_argument_list_holds_no_literal_and_groups_no_brackets() {
        assert_eq!(
            argument_list(b"(a \"b)\" (c)) rest", 2),
            Ok((&b" rest"[..], &b"(a \"b)\" (c))"[..]))
        );
        assert_eq!(
            argument_list(b"(a [b) c])", 8),
            Ok((&b" c])"[..], &b"(a [b)"[..]))
        );
        assert_eq!(
            skip_value(b"(a [b) c]) x", 8),
            Ok((&b" x"[..], &b"(a [b) c])"[..]))
        );
        for refused in [
            &b"(a {3}\r\nabc)"[..],
            b"(a ~{3}\r\nabc)",
            b"(a\r\n)",
            b"(a\0)",
            b"(a",
            b"a)",
        ] {
            assert!(
                matches!(argument_list(refused, 8), Err(nom::Err::Error(_))),
                "{}",
                refused.escape_ascii()
            );
        }
        assert!(argument_list(b"(x)", 0).is_ok());
        assert!(argument_list(b"((x))", 2).is_ok());
        assert!(matches!(
            argument_list(b"((x))", 1),
            Err(nom::Err::Failure(_))
        ));
    }
}
