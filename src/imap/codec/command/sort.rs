//! SORT (RFC 5256, ESORT RFC 5267, display sorting RFC 5957) and THREAD (RFC 5256).

use super::search::search_criteria;
use super::{arg, search_return_options};
use crate::imap::codec::grammar::core::{astring, atom, paren_list, sp};
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{
    AString, Atom, CommandBody, SORT_KEYS, SearchKey, SortCriterion, SortKey, THREAD_ALGORITHMS,
    ThreadAlgorithm, named,
};

/// The key a sort-key name stands for; `Other` for a name this codec does not know.
pub(crate) fn sort_key(name: &str) -> SortKey<'_> {
    named(&SORT_KEYS, name).unwrap_or(SortKey::Other(Atom::unchecked(name)))
}

/// The algorithm a thread-alg name stands for; `Other` for a name this codec does not know.
pub(crate) fn thread_algorithm(name: &str) -> ThreadAlgorithm<'_> {
    named(&THREAD_ALGORITHMS, name).unwrap_or(ThreadAlgorithm::Other(Atom::unchecked(name)))
}

/// `sort-criterion = ["REVERSE" SP] sort-key`.
fn sort_criterion(input: &[u8]) -> PResult<'_, SortCriterion<'_>> {
    let (rest, name) = atom(input)?;
    if Keyword::of(name.as_bytes()) == kw::REVERSE {
        let (rest, name) = arg(rest, atom)?;
        if Keyword::of(name.as_bytes()) == kw::REVERSE {
            return fail(input, "a sort key after REVERSE");
        }
        return Ok((rest, SortCriterion::reverse(sort_key(name))));
    }
    Ok((rest, SortCriterion::new(sort_key(name))))
}

/// `charset = atom / quoted` (astring here, as in SEARCH), then the search criteria.
fn charset_and_criteria(
    input: &[u8],
    depth: usize,
) -> PResult<'_, (AString<'_>, Vec<SearchKey<'_>>)> {
    let (rest, charset) = arg(input, astring)?;
    let (rest, search) = search_criteria(rest, depth)?;
    Ok((rest, (charset, search)))
}

/// After `[UID] SORT`: `[SP "RETURN" SP (...)] SP "(" sort-criterion *(SP ...) ")" SP charset
/// 1*(SP search-key)`.
pub(crate) fn sort(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (rest, return_options) = search_return_options(input)?;
    let (rest, ()) = sp(rest)?;
    let (after, criteria) = paren_list(rest, sort_criterion)?;
    if criteria.is_empty() {
        return fail(rest, "at least one sort criterion");
    }
    let (rest, (charset, search)) = charset_and_criteria(after, depth)?;
    Ok((
        rest,
        CommandBody::Sort {
            criteria,
            charset,
            search,
            return_options,
            uid,
        },
    ))
}

/// After `[UID] THREAD`: `SP thread-alg SP charset 1*(SP search-key)`.
pub(crate) fn thread(input: &[u8], uid: bool, depth: usize) -> PResult<'_, CommandBody<'_>> {
    let (rest, name) = arg(input, atom)?;
    let algorithm = thread_algorithm(name);
    let (rest, (charset, search)) = charset_and_criteria(rest, depth)?;
    Ok((
        rest,
        CommandBody::Thread {
            algorithm,
            charset,
            search,
            uid,
        },
    ))
}

/// True for the names SORT reads as something else than [`SortKey::Other`].
pub(crate) fn is_known_sort_name(name: &str) -> bool {
    Keyword::of(name.as_bytes()) == kw::REVERSE || !matches!(sort_key(name), SortKey::Other(_))
}

/// True for the names THREAD reads as something else than [`ThreadAlgorithm::Other`].
pub(crate) fn is_known_thread_name(name: &str) -> bool {
    !matches!(thread_algorithm(name), ThreadAlgorithm::Other(_))
}
