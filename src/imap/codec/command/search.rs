//! SEARCH criteria.

use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    astring, number, number64, nz_number, paren_list, sp, string,
};
use crate::imap::codec::grammar::datetime::date;
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::sequence::command_sequence_set;
use crate::imap::codec::grammar::{PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{Atom, SearchKey};

fn keyword_atom(input: &[u8]) -> PResult<'_, Atom<'_>> {
    crate::imap::codec::grammar::core::atom(input).map(|(rest, name)| (rest, Atom::unchecked(name)))
}

fn with_string<'a>(
    rest: &'a [u8],
    make: fn(crate::imap::codec::types::AString<'a>) -> SearchKey<'a>,
) -> PResult<'a, SearchKey<'a>> {
    let (rest, ()) = sp(rest)?;
    astring(rest).map(|(rest, value)| (rest, make(value)))
}

/// One `search-key`, nested at most `depth` levels (NOT, OR and parentheses each count one).
pub(crate) fn search_key(input: &[u8], depth: usize) -> PResult<'_, SearchKey<'_>> {
    if depth == 0 {
        return fatal(input, PErrorKind::TooDeep);
    }
    match input.first() {
        Some(b'(') => {
            let (rest, keys) = paren_list(input, |i| search_key(i, depth - 1))?;
            if keys.is_empty() {
                return fail(input, "a search key inside the parentheses");
            }
            return Ok((rest, SearchKey::And(keys)));
        }
        Some(b'0'..=b'9' | b'*' | b'$') => {
            return command_sequence_set(input)
                .map(|(rest, set)| (rest, SearchKey::SequenceSet(set)));
        }
        _ => {}
    }
    let name_len = chars::run(input, ATOM);
    let (name, rest) = input.split_at(name_len);
    let bare = |key: SearchKey<'static>| Ok((rest, key));
    use SearchKey as K;
    let with_string = |make| with_string(rest, make);
    let with_date = |make: fn(crate::imap::codec::types::Date) -> SearchKey<'static>| {
        let (rest, ()) = sp(rest)?;
        date(rest).map(|(rest, value)| (rest, make(value)))
    };
    let with_number = |make: fn(u32) -> SearchKey<'static>| {
        let (rest, ()) = sp(rest)?;
        number(rest).map(|(rest, value)| (rest, make(value)))
    };
    match Keyword::of(name) {
        kw::ALL => bare(K::All),
        kw::ANSWERED => bare(K::Answered),
        kw::DELETED => bare(K::Deleted),
        kw::DRAFT => bare(K::Draft),
        kw::FLAGGED => bare(K::Flagged),
        kw::NEW => bare(K::New),
        kw::OLD => bare(K::Old),
        kw::RECENT => bare(K::Recent),
        kw::SEEN => bare(K::Seen),
        kw::UNANSWERED => bare(K::Unanswered),
        kw::UNDELETED => bare(K::Undeleted),
        kw::UNDRAFT => bare(K::Undraft),
        kw::UNFLAGGED => bare(K::Unflagged),
        kw::UNSEEN => bare(K::Unseen),
        kw::BCC => with_string(K::Bcc),
        kw::BODY => with_string(K::Body),
        kw::CC => with_string(K::Cc),
        kw::FROM => with_string(K::From),
        kw::SUBJECT => with_string(K::Subject),
        kw::TEXT => with_string(K::Text),
        kw::TO => with_string(K::To),
        kw::HEADER => {
            let (rest, ()) = sp(rest)?;
            let (rest, field) = astring(rest)?;
            let (rest, ()) = sp(rest)?;
            let (rest, value) = astring(rest)?;
            Ok((rest, K::Header(field, value)))
        }
        kw::KEYWORD | kw::UNKEYWORD => {
            let unkeyword = name.len() == 9;
            let (rest, ()) = sp(rest)?;
            let (rest, flag) = keyword_atom(rest)?;
            Ok((
                rest,
                if unkeyword {
                    K::Unkeyword(flag)
                } else {
                    K::Keyword(flag)
                },
            ))
        }
        kw::BEFORE => with_date(K::Before),
        kw::ON => with_date(K::On),
        kw::SINCE => with_date(K::Since),
        kw::SENTBEFORE => with_date(K::SentBefore),
        kw::SENTON => with_date(K::SentOn),
        kw::SENTSINCE => with_date(K::SentSince),
        kw::LARGER => with_number(K::Larger),
        kw::SMALLER => with_number(K::Smaller),
        kw::OLDER | kw::YOUNGER => {
            let older = name.len() == 5;
            let (rest, ()) = sp(rest)?;
            let (rest, seconds) = nz_number(rest)?;
            Ok((
                rest,
                if older {
                    K::Older(seconds)
                } else {
                    K::Younger(seconds)
                },
            ))
        }
        kw::UID => {
            let (rest, ()) = sp(rest)?;
            command_sequence_set(rest).map(|(rest, set)| (rest, K::Uid(set)))
        }
        kw::NOT => {
            let (rest, ()) = sp(rest)?;
            search_key(rest, depth - 1).map(|(rest, key)| (rest, K::Not(Box::new(key))))
        }
        kw::OR => {
            let (rest, ()) = sp(rest)?;
            let (rest, left) = search_key(rest, depth - 1)?;
            let (rest, ()) = sp(rest)?;
            let (rest, right) = search_key(rest, depth - 1)?;
            Ok((rest, K::Or(Box::new(left), Box::new(right))))
        }
        kw::MODSEQ => {
            let (mut rest, ()) = sp(rest)?;
            // The optional entry name and type (`"/flags/\\draft" all`) are read and dropped.
            if rest.first() == Some(&b'"') {
                let (tail, _) = string(rest)?;
                let (tail, ()) = sp(tail)?;
                let (tail, _) = crate::imap::codec::grammar::core::atom(tail)?;
                let (tail, ()) = sp(tail)?;
                rest = tail;
            }
            number64(rest).map(|(rest, n)| (rest, K::ModSeq(n)))
        }
        kw::EMAILID | kw::THREADID => {
            let email = name.len() == 7;
            let (rest, ()) = sp(rest)?;
            let (rest, id) = keyword_atom(rest)?;
            Ok((
                rest,
                if email {
                    K::EmailId(id)
                } else {
                    K::ThreadId(id)
                },
            ))
        }
        _ => fail(input, "a search key"),
    }
}

/// `1*(SP search-key)`: the criteria that end SEARCH, SORT and THREAD, all of which must
/// match.
pub(crate) fn search_criteria(input: &[u8], depth: usize) -> PResult<'_, Vec<SearchKey<'_>>> {
    let mut criteria = Vec::new();
    let mut rest = input;
    while let [b' ', tail @ ..] = rest {
        if matches!(tail.first(), None | Some(b'\r' | b'\n' | b' ')) {
            break;
        }
        let (tail, key) = search_key(tail, depth)?;
        criteria.push(key);
        rest = tail;
    }
    if criteria.is_empty() {
        return fail(rest, "a search key");
    }
    Ok((rest, criteria))
}
