//! SEARCH criteria.

use super::{arg, only_arg};
use crate::imap::codec::grammar::chars::{self, ATOM};
use crate::imap::codec::grammar::core::{
    astring, atom, number, number64, nz_number, paren_list, sp, string,
};
use crate::imap::codec::grammar::datetime::date;
use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::imap::codec::grammar::sequence::command_sequence_set;
use crate::imap::codec::grammar::{PErrorKind, PResult, fail, fatal};
use crate::imap::codec::types::{Atom, SearchKey};

fn keyword_atom(input: &[u8]) -> PResult<'_, Atom<'_>> {
    atom(input).map(|(rest, name)| (rest, Atom::unchecked(name)))
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
    let inner = |input| search_key(input, depth - 1);
    let bare = |key: SearchKey<'static>| Ok((rest, key));
    use SearchKey as K;
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
        kw::BCC => only_arg(rest, astring, K::Bcc),
        kw::BODY => only_arg(rest, astring, K::Body),
        kw::CC => only_arg(rest, astring, K::Cc),
        kw::FROM => only_arg(rest, astring, K::From),
        kw::SUBJECT => only_arg(rest, astring, K::Subject),
        kw::TEXT => only_arg(rest, astring, K::Text),
        kw::TO => only_arg(rest, astring, K::To),
        kw::HEADER => {
            let (rest, field) = arg(rest, astring)?;
            let (rest, value) = arg(rest, astring)?;
            Ok((rest, K::Header(field, value)))
        }
        kw::KEYWORD => only_arg(rest, keyword_atom, K::Keyword),
        kw::UNKEYWORD => only_arg(rest, keyword_atom, K::Unkeyword),
        kw::BEFORE => only_arg(rest, date, K::Before),
        kw::ON => only_arg(rest, date, K::On),
        kw::SINCE => only_arg(rest, date, K::Since),
        kw::SENTBEFORE => only_arg(rest, date, K::SentBefore),
        kw::SENTON => only_arg(rest, date, K::SentOn),
        kw::SENTSINCE => only_arg(rest, date, K::SentSince),
        kw::LARGER => only_arg(rest, number, K::Larger),
        kw::SMALLER => only_arg(rest, number, K::Smaller),
        kw::OLDER => only_arg(rest, nz_number, K::Older),
        kw::YOUNGER => only_arg(rest, nz_number, K::Younger),
        kw::UID => only_arg(rest, command_sequence_set, K::Uid),
        kw::NOT => only_arg(rest, inner, |key| K::Not(Box::new(key))),
        kw::OR => {
            let (rest, left) = arg(rest, inner)?;
            let (rest, right) = arg(rest, inner)?;
            Ok((rest, K::Or(Box::new(left), Box::new(right))))
        }
        kw::MODSEQ => {
            let (mut rest, ()) = sp(rest)?;
            // The optional entry name and type (`"/flags/\\draft" all`) are read and dropped.
            if rest.first() == Some(&b'"') {
                let (tail, _) = string(rest)?;
                let (tail, _) = arg(tail, atom)?;
                let (tail, ()) = sp(tail)?;
                rest = tail;
            }
            number64(rest).map(|(rest, n)| (rest, K::ModSeq(n)))
        }
        kw::EMAILID => only_arg(rest, keyword_atom, K::EmailId),
        kw::THREADID => only_arg(rest, keyword_atom, K::ThreadId),
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
