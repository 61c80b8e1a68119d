//! SEARCH and UID SEARCH, with ESEARCH's `RETURN (MIN MAX COUNT ALL SAVE)`.

use std::borrow::Cow;

use tokio::io::{AsyncRead, AsyncWrite};

use super::message::{self, SearchContext};
use super::session::{Session, Step, uid_set};
use crate::imap::codec::types::{
    AString, Code, Data, ESearch, IString, Response, SearchKey, SearchReturnData,
    SearchReturnOption, SequenceSet, Tag,
};

/// The charsets SEARCH takes (RFC 3501 requires US-ASCII; UTF-8 is what clients send).
const CHARSETS: [&str; 2] = ["UTF-8", "US-ASCII"];

fn uses_modseq(key: &SearchKey<'_>) -> bool {
    match key {
        SearchKey::ModSeq(_) => true,
        SearchKey::Not(inner) => uses_modseq(inner),
        SearchKey::Or(a, b) => uses_modseq(a) || uses_modseq(b),
        SearchKey::And(keys) => keys.iter().any(uses_modseq),
        _ => false,
    }
}

/// `key` with each `$` replaced by the saved result it stands for.
fn resolve_saved(key: &mut SearchKey<'_>, seqs: &SequenceSet, uids: &SequenceSet) {
    match key {
        SearchKey::Uid(set) => *set = set.resolve(uids),
        SearchKey::SequenceSet(set) => *set = set.resolve(seqs),
        SearchKey::Not(inner) => resolve_saved(inner, seqs, uids),
        SearchKey::Or(left, right) => {
            resolve_saved(left, seqs, uids);
            resolve_saved(right, seqs, uids);
        }
        SearchKey::And(keys) => keys
            .iter_mut()
            .for_each(|key| resolve_saved(key, seqs, uids)),
        _ => {}
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn search(
        &mut self,
        tag: &Tag<'_>,
        return_options: Option<&[SearchReturnOption<'_>]>,
        charset: Option<&AString<'_>>,
        criteria: &[SearchKey<'_>],
        uid: bool,
    ) -> Step {
        if let Some(charset) = charset
            && !CHARSETS
                .iter()
                .any(|known| charset.as_bytes().eq_ignore_ascii_case(known.as_bytes()))
        {
            let supported = CHARSETS.iter().map(|name| AString::from(*name)).collect();
            return self
                .no(
                    tag,
                    Some(Code::BadCharset(supported)),
                    "Unsupported charset",
                )
                .await;
        }
        let with_modseq = criteria.iter().any(uses_modseq);
        if with_modseq {
            self.condstore = true;
        }
        let Some(selected) = self.selected.as_ref() else {
            return self.bad(tag, "No mailbox selected").await;
        };
        let context = SearchContext {
            largest_seq: selected.view.len() as u32,
            largest_uid: selected.view.last().map_or(0, |known| known.uid),
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| {
                    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
                }),
        };
        // `$` (RFC 5182) names the last saved result, which only the session knows.
        let saved_uids = uid_set(&selected.saved);
        let saved_seqs = uid_set(
            &selected
                .saved
                .iter()
                .filter_map(|uid| selected.seq_of(*uid))
                .collect::<Vec<_>>(),
        );
        let criteria: Vec<SearchKey<'_>> = criteria
            .iter()
            .map(|key| {
                let mut key = key.clone();
                resolve_saved(&mut key, &saved_seqs, &saved_uids);
                key
            })
            .collect();
        let all: Vec<u32> = selected.view.iter().map(|known| known.uid).collect();
        let snapshots = self.snapshots(&all);
        let found: Vec<(u32, u32, u64)> = snapshots
            .iter()
            .filter(|snapshot| {
                let view = snapshot.view();
                criteria
                    .iter()
                    .all(|key| message::matches(key, &view, &context))
            })
            .map(|snapshot| (snapshot.seq, snapshot.uid, snapshot.modseq))
            .collect();
        let ids: Vec<u32> = found
            .iter()
            .map(|(seq, found_uid, _)| if uid { *found_uid } else { *seq })
            .collect();
        let modseq = with_modseq
            .then(|| found.iter().map(|(_, _, m)| *m).max())
            .flatten();
        match return_options {
            None => {
                self.push(&Response::Data(Data::Search { ids, modseq }));
            }
            Some(options) => {
                let saves = options
                    .iter()
                    .any(|option| matches!(option, SearchReturnOption::Save));
                if saves && let Some(selected) = self.selected.as_mut() {
                    selected.saved = found.iter().map(|(_, uid, _)| *uid).collect();
                }
                // `RETURN ()` means ALL (RFC 4731 §3.1).
                let asked =
                    |wanted: fn(&SearchReturnOption<'_>) -> bool| options.iter().any(wanted);
                let only_save = saves && options.len() == 1;
                if !only_save {
                    let mut data = Vec::new();
                    let count = ids.len() as u32;
                    if let (Some(min), true) = (
                        ids.iter().min(),
                        asked(|o| matches!(o, SearchReturnOption::Min)),
                    ) {
                        data.push(SearchReturnData::Min(*min));
                    }
                    if let (Some(max), true) = (
                        ids.iter().max(),
                        asked(|o| matches!(o, SearchReturnOption::Max)),
                    ) {
                        data.push(SearchReturnData::Max(*max));
                    }
                    let all = options.is_empty() || asked(|o| matches!(o, SearchReturnOption::All));
                    if !ids.is_empty() && all {
                        data.push(SearchReturnData::All(uid_set(&ids)));
                    }
                    if asked(|o| matches!(o, SearchReturnOption::Count)) {
                        data.push(SearchReturnData::Count(count));
                    }
                    if let Some(modseq) = modseq {
                        data.push(SearchReturnData::ModSeq(modseq));
                    }
                    self.push(&Response::Data(Data::ESearch(ESearch {
                        // RFC 4731 writes the tag as a string; tag characters never
                        // need escaping in one.
                        tag: Some(AString::String(IString::Quoted(Cow::Borrowed(
                            tag.as_str().as_bytes(),
                        )))),
                        uid,
                        data,
                    })));
                }
            }
        }
        self.done(tag, None, "SEARCH completed").await
    }
}
