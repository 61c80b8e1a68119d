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

/// The bytes of one value: an atom or number, a string, a `[...]` group or a balanced
/// parenthesised list (iteratively, nested at most `max_depth` deep). Stops before a space,
/// `)` or line end at the outer level.
pub(crate) fn skip_value(input: &[u8], max_depth: usize) -> PResult<'_, &[u8]> {
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
            Some(b'{') => rest = literal(rest)?.0,
            Some(b'~') if rest.get(1) == Some(&b'{') => rest = literal(rest)?.0,
            Some(b'[') => match bracket_content_len(&rest[1..]) {
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
}
