//! SEARCH and UID SEARCH from the codec's typed query, with ESEARCH (RFC 4731) when the
//! server offers it.

use super::command::Claim;
use super::error::Error;
use super::mailbox::check_text;
use super::session::Client;
use crate::imap::codec::types::{
    AString, Capability, CommandBody, Data, Response, SearchKey, SearchReturnData,
    SearchReturnOption, SeqBound, SequenceSet,
};

/// What a SEARCH found: the matching message numbers (or UIDs), and what ESEARCH adds.
///
/// A plain `* SEARCH` answer fills [`ids`](Self::ids); an ESEARCH answer fills
/// [`all`](Self::all) (its compact form, which may span millions of numbers without
/// costing memory) and the MIN, MAX and COUNT asked for. [`iter`](Self::iter) walks the
/// matches whichever form the server chose.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SearchResult {
    /// True when the numbers are UIDs (UID SEARCH).
    pub uid: bool,
    /// The matches of a plain `* SEARCH` answer, as listed.
    pub ids: Vec<u32>,
    /// The matches of an ESEARCH answer (`ALL 1:4,9`); `None` when nothing matched or when
    /// ALL was not asked for.
    pub all: Option<SequenceSet>,
    /// The lowest match (ESEARCH `MIN`).
    pub min: Option<u32>,
    /// The highest match (ESEARCH `MAX`).
    pub max: Option<u32>,
    /// How many matched (ESEARCH `COUNT`).
    pub count: Option<u32>,
    /// The highest mod-sequence of the matches, when the query used MODSEQ (CONDSTORE):
    /// `* SEARCH 2 5 (MODSEQ 917)` or ESEARCH `MODSEQ 917`.
    pub highest_modseq: Option<u64>,
    /// True when the server answered with ESEARCH.
    pub extended: bool,
}

impl SearchResult {
    /// The matches in the order the server gave them, from either form, without
    /// expanding ranges into memory.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let ranges = self.all.iter().flat_map(|set| set.ranges.iter());
        self.ids.iter().copied().chain(ranges.flat_map(|range| {
            // A `*` has no place in a search result; read it as the largest number so a
            // broken server costs a long walk, never memory.
            let value = |bound: SeqBound| match bound {
                SeqBound::Value(n) => n,
                SeqBound::Largest => u32::MAX,
            };
            let start = value(range.start);
            let end = range.end.map_or(start, value);
            start.min(end)..=start.max(end)
        }))
    }

    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.count == Some(0) || self.iter().next().is_none()
    }

    /// The matches as one sequence set (`1:4,9`), ready for the next command; `None` when
    /// nothing matched.
    pub fn to_set(&self) -> Option<SequenceSet> {
        if let Some(all) = &self.all {
            return Some(all.clone()).filter(|set| !set.is_empty());
        }
        set_of(&self.ids)
    }

    fn take(&mut self, data: Data<'static>, tag: &str) {
        match data {
            Data::Search { ids, modseq } => {
                self.ids.extend(ids);
                if modseq.is_some() {
                    self.highest_modseq = modseq;
                }
            }
            Data::ESearch(esearch) => {
                if esearch
                    .tag
                    .as_ref()
                    .is_some_and(|t| !t.as_bytes().eq_ignore_ascii_case(tag.as_bytes()))
                {
                    return;
                }
                self.extended = true;
                self.uid |= esearch.uid;
                for item in esearch.data {
                    match item {
                        SearchReturnData::Min(n) => self.min = Some(n),
                        SearchReturnData::Max(n) => self.max = Some(n),
                        SearchReturnData::Count(n) => self.count = Some(n),
                        SearchReturnData::All(set) => self.all = Some(set),
                        SearchReturnData::ModSeq(n) => self.highest_modseq = Some(n),
                        SearchReturnData::Other(..) => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// The smallest sequence set holding `numbers` (sorted, runs as ranges); `None` for none.
pub(crate) fn set_of(numbers: &[u32]) -> Option<SequenceSet> {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut set: Option<SequenceSet> = None;
    let mut runs = sorted.into_iter().peekable();
    while let Some(start) = runs.next() {
        let mut end = start;
        // `checked_add` is `None` at u32::MAX, as `peek` is at the end: compare only
        // real numbers, or the largest UID a server can send would loop for ever.
        while let (Some(&next), Some(follows)) = (runs.peek(), end.checked_add(1)) {
            if next != follows {
                break;
            }
            end = next;
            runs.next();
        }
        let part = if start == end {
            SequenceSet::single(start)
        } else {
            SequenceSet::range(start, end)
        };
        set = Some(match set {
            Some(set) => set.and(part),
            None => part,
        });
    }
    set
}

/// Refuses strings a query must not carry (CR, LF, NUL), before any byte is sent: a
/// literal could carry them, but no header or body search means them.
pub(crate) fn check_key(key: &SearchKey<'_>) -> Result<(), Error> {
    key.find_string(&mut |s: &AString<'_>| check_text("search string", s.as_bytes()).err())
        .map_or(Ok(()), Err)
}

impl Client {
    /// `SEARCH`: the message numbers of the selected mailbox's messages that match `key`.
    ///
    /// With ESEARCH advertised the answer comes compact (`RETURN (MIN MAX COUNT ALL)`);
    /// a string outside ASCII adds `CHARSET UTF-8`. Strings holding CR, LF or NUL are
    /// refused with [`Error::InvalidArgument`] before anything is sent.
    pub async fn search(&mut self, key: SearchKey<'_>) -> Result<SearchResult, Error> {
        let returning = self.default_returning();
        self.search_returning(key, false, returning).await
    }

    /// `UID SEARCH`: as [`search`](Self::search), with UIDs.
    pub async fn uid_search(&mut self, key: SearchKey<'_>) -> Result<SearchResult, Error> {
        let returning = self.default_returning();
        self.search_returning(key, true, returning).await
    }

    /// `[UID] SEARCH RETURN (options)` (ESEARCH, RFC 4731): only what `returning` asks for
    /// (`COUNT` alone, `SAVE` for a following command's `$`). With `None`, a plain
    /// SEARCH. Asking for return options of a server without ESEARCH is refused with
    /// [`Error::NotSupported`] before anything is sent.
    pub async fn search_returning(
        &mut self,
        key: SearchKey<'_>,
        uid: bool,
        returning: Option<Vec<SearchReturnOption<'_>>>,
    ) -> Result<SearchResult, Error> {
        check_key(&key)?;
        if returning.is_some() && !self.has(&Capability::ESearch) {
            return Err(Error::NotSupported {
                server: self.server.clone(),
                command: if uid { "UID SEARCH" } else { "SEARCH" },
                missing: "ESEARCH",
                why: "search without return options instead",
            });
        }
        let mut body = CommandBody::search(key, uid);
        if let CommandBody::Search { return_options, .. } = &mut body {
            *return_options = returning;
        }
        let tag = self.next_tag();
        let completion = self.run_ok(body, claim_search(tag.clone())).await?;
        let mut result = SearchResult {
            uid,
            ..SearchResult::default()
        };
        for response in completion.data {
            if let Response::Data(data) = response {
                result.take(data, &tag);
            }
        }
        Ok(result)
    }

    /// `RETURN (MIN MAX COUNT ALL)` where ESEARCH is offered: everything a plain SEARCH
    /// gives, in a compact form.
    fn default_returning(&self) -> Option<Vec<SearchReturnOption<'static>>> {
        self.has(&Capability::ESearch).then(|| {
            vec![
                SearchReturnOption::Min,
                SearchReturnOption::Max,
                SearchReturnOption::Count,
                SearchReturnOption::All,
            ]
        })
    }
}

/// Takes `* SEARCH`, and the `* ESEARCH` of command `tag` (or with no tag): an ESEARCH
/// naming another command's tag is that command's.
fn claim_search(tag: String) -> Claim {
    Box::new(move |response| match response {
        Response::Data(Data::Search { .. }) => true,
        Response::Data(Data::ESearch(esearch)) => esearch
            .tag
            .as_ref()
            .is_none_or(|t| t.as_bytes().eq_ignore_ascii_case(tag.as_bytes())),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_the_smallest_set_and_walk_back_the_same() {
        let set = set_of(&[9, 3, 1, 2, 4, 4, 11, 10]).unwrap();
        assert_eq!(set.to_string(), "1:4,9:11");
        assert_eq!(set_of(&[]), None);
        assert_eq!(
            set_of(&[u32::MAX, u32::MAX - 1]).unwrap().to_string(),
            "4294967294:4294967295"
        );
        let result = SearchResult {
            all: Some(set),
            ..SearchResult::default()
        };
        assert_eq!(result.iter().collect::<Vec<_>>(), [1, 2, 3, 4, 9, 10, 11]);
    }

    #[test]
    fn a_search_string_with_a_line_break_is_refused() {
        let key = SearchKey::subject("x") & SearchKey::header("Subject", "a\r\nb");
        assert!(matches!(
            check_key(&key),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(check_key(&SearchKey::subject("Grüße")).is_ok());
    }
}
