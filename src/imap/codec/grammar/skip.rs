//! Reading past one value of unknown grammar, so unknown items can be kept instead of failing.

use super::core::{literal, quoted};
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

/// Where a value of unknown grammar stands, which decides what it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Within {
    /// A server's response: literals are read by count and `[...]` groups are whole values.
    Response,
    /// A client's command argument: no literal, for one would have to wait for the server's
    /// `+` in the middle of the argument; a `[` is an ordinary byte.
    CommandArgument,
}

/// The bytes of one value in a response: an atom or number, a string, a `[...]` group or a
/// balanced parenthesised list (iteratively, nested at most `max_depth` deep). Stops before
/// a space, `)` or line end at the outer level.
pub(crate) fn skip_value(input: &[u8], max_depth: usize) -> PResult<'_, &[u8]> {
    skip_value_within(input, max_depth, Within::Response)
}

/// [`skip_value`] with the rules of the place the value stands in.
pub(crate) fn skip_value_within(
    input: &[u8],
    max_depth: usize,
    within: Within,
) -> PResult<'_, &[u8]> {
    let command = within == Within::CommandArgument;
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
            Some(b'{') if command => return fail(rest, "an argument without a literal"),
            Some(b'{') => rest = literal(rest)?.0,
            Some(b'~') if !command && rest.get(1) == Some(&b'{') => rest = literal(rest)?.0,
            Some(b'[') if !command => match bracket_content_len(&rest[1..]) {
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
    fn a_command_argument_holds_no_literal_and_no_bracket_group() {
        let command = |input: &'static [u8]| skip_value_within(input, 8, Within::CommandArgument);
        // The same bytes, read where a response would hold them and where a command does.
        assert_eq!(
            skip_value(b"(a [b) c] d) x", 8).unwrap(),
            (&b" x"[..], &b"(a [b) c] d)"[..])
        );
        assert_eq!(
            command(b"(a [b) c] d) x").unwrap(),
            (&b" c] d) x"[..], &b"(a [b)"[..])
        );
        assert!(skip_value(b"(a {2}\r\nxy) x", 8).is_ok());
        assert!(command(b"(a {2}\r\nxy) x").is_err());
        assert!(command(b"(a ~{2}\r\nxy) x").is_err());
        assert_eq!(
            command(b"(\"(\" ((b))) x").unwrap(),
            (&b" x"[..], &b"(\"(\" ((b)))"[..])
        );
        assert!(matches!(
            skip_value_within(b"((((", 3, Within::CommandArgument),
            Err(nom::Err::Failure(_))
        ));
        assert!(command(b"(a\0)").is_err());
    }

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
}
