//! The selected mailbox as one session's client sees it, and telling that client about
//! other sessions' changes (EXPUNGE, FETCH FLAGS, EXISTS) when RFC 3501 §7.4.1 allows.

use tokio::io::{AsyncRead, AsyncWrite};

use super::session::{End, Session, Step};
use crate::imap::codec::types::{
    Data, FetchItem, Response, SeqBound, SequenceSet, Status, StatusKind, Tag, Text,
};

/// What the session has told the client about one message of the selected mailbox.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    pub(super) uid: u32,
    /// The mod-sequence of the flags the client was last told (or that it set itself).
    pub(super) modseq: u64,
}

/// The selected mailbox as this session's client sees it: its sequence numbers are the
/// positions in `view`, which change only when the client may be told (§7.4.1).
#[derive(Debug)]
pub(super) struct Selected {
    pub(super) id: u64,
    pub(super) read_only: bool,
    pub(super) view: Vec<Known>,
    /// The result of the last `SEARCH RETURN (SAVE)`, as UIDs (RFC 5182).
    pub(super) saved: Vec<u32>,
}

impl Selected {
    /// The sequence number of `uid` in the client's view.
    pub(super) fn seq_of(&self, uid: u32) -> Option<u32> {
        self.view
            .binary_search_by_key(&uid, |known| known.uid)
            .ok()
            .map(|index| index as u32 + 1)
    }

    /// The UIDs a client's set names, in order: sequence numbers read against the view,
    /// UIDs against the UIDs in it (`*` is the largest), `$` as the saved search result.
    pub(super) fn resolve(&self, set: &SequenceSet, uid: bool) -> Vec<u32> {
        let saved = if uid {
            uid_set(&self.saved)
        } else {
            uid_set(
                &self
                    .saved
                    .iter()
                    .filter_map(|uid| self.seq_of(*uid))
                    .collect::<Vec<_>>(),
            )
        };
        let set = set.resolve(&saved);
        let largest = if uid {
            self.view.last().map_or(0, |known| known.uid)
        } else {
            self.view.len() as u32
        };
        let ranges = Ranges::new(&set, largest);
        self.view
            .iter()
            .enumerate()
            .filter(|(index, known)| {
                ranges.contains(if uid { known.uid } else { *index as u32 + 1 })
            })
            .map(|(_, known)| known.uid)
            .collect()
    }

    /// True when a set of sequence numbers names one past the last message: RFC 3501
    /// §9 makes that a protocol error (`*` is always the last message).
    pub(super) fn out_of_range(&self, set: &SequenceSet) -> bool {
        let count = self.view.len() as u32;
        // In an empty mailbox even `*` names nothing there is (Dovecot answers alike).
        if count == 0 && !set.ranges.is_empty() {
            return true;
        }
        set.ranges.iter().any(|range| {
            [Some(range.start), range.end]
                .into_iter()
                .flatten()
                .any(|bound| matches!(bound, SeqBound::Value(n) if n > count))
        })
    }
}

/// A sequence set read against the largest number in use, as sorted disjoint ranges, so
/// that whether a number is in it costs a binary search however many parts the set has.
pub(super) struct Ranges(Vec<(u32, u32)>);

impl Ranges {
    pub(super) fn new(set: &SequenceSet, largest: u32) -> Ranges {
        let value = |bound: SeqBound| match bound {
            SeqBound::Value(n) => n,
            SeqBound::Largest => largest,
        };
        let mut ranges: Vec<(u32, u32)> = set
            .ranges
            .iter()
            .map(|range| {
                let start = value(range.start);
                let end = range.end.map_or(start, value);
                (start.min(end), start.max(end))
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Ranges(merged)
    }

    pub(super) fn contains(&self, n: u32) -> bool {
        let after = self.0.partition_point(|&(start, _)| start <= n);
        after > 0 && self.0[after - 1].1 >= n
    }
}

/// A sequence set of `numbers` (in any order), in runs: `1:3,7`.
pub(super) fn uid_set(numbers: &[u32]) -> SequenceSet {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    ordered_set(&sorted)
}

/// A sequence set of `numbers` kept in the order given (for COPYUID, whose two sets pair
/// up one by one).
pub(super) fn ordered_set(numbers: &[u32]) -> SequenceSet {
    let mut set: Option<SequenceSet> = None;
    let mut index = 0;
    while index < numbers.len() {
        let start = numbers[index];
        let mut end = start;
        while index + 1 < numbers.len() && Some(numbers[index + 1]) == end.checked_add(1) {
            index += 1;
            end = numbers[index];
        }
        let run = if start == end {
            SequenceSet::single(start)
        } else {
            SequenceSet::range(start, end)
        };
        set = Some(match set {
            Some(set) => set.and(run),
            None => run,
        });
        index += 1;
    }
    set.unwrap_or(SequenceSet {
        ranges: Vec::new(),
        saved: false,
    })
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    /// Answers NO when the selected mailbox was opened with EXAMINE and the command would
    /// change it (`action`: "expunge", "move"...); true when it did.
    pub(super) async fn refuse_read_only(
        &mut self,
        tag: &Tag<'_>,
        action: &str,
    ) -> Result<bool, End> {
        if !self
            .selected
            .as_ref()
            .is_some_and(|selected| selected.read_only)
        {
            return Ok(false);
        }
        let text = format!("The mailbox is read-only (EXAMINE); SELECT it to {action}");
        self.no(tag, None, &text).await?;
        Ok(true)
    }

    /// Tells the client about changes it has not seen, as far as it may be told now:
    /// EXPUNGE for messages gone (only when `expunges`), FETCH FLAGS for flags others
    /// changed, EXISTS for new messages. When the selected mailbox no longer exists, the
    /// session ends with BYE.
    pub(super) fn sync(&mut self, expunges: bool) -> Step {
        let Some(mut selected) = self.selected.take() else {
            return Ok(());
        };
        let mut responses: Vec<Response<'static>> = Vec::new();
        let gone = {
            let inner = self.store.lock();
            let mailbox = inner
                .account(self.account_name())
                .ok()
                .and_then(|account| account.mailbox_by_id(selected.id));
            match mailbox {
                None => true,
                Some(mailbox) => {
                    if expunges {
                        let mut index = selected.view.len();
                        while index > 0 {
                            index -= 1;
                            if mailbox.position(selected.view[index].uid).is_none() {
                                selected.view.remove(index);
                                responses.push(Response::Data(Data::Expunge(index as u32 + 1)));
                            }
                        }
                        let remaining: Vec<u32> =
                            selected.view.iter().map(|known| known.uid).collect();
                        selected
                            .saved
                            .retain(|uid| remaining.binary_search(uid).is_ok());
                    }
                    for (index, known) in selected.view.iter_mut().enumerate() {
                        let Some(position) = mailbox.position(known.uid) else {
                            continue;
                        };
                        let message = &mailbox.messages[position];
                        if message.modseq > known.modseq {
                            known.modseq = message.modseq;
                            let mut items = vec![
                                FetchItem::Uid(message.uid),
                                FetchItem::Flags(message.flags.iter().cloned().collect()),
                            ];
                            if self.condstore {
                                items.push(FetchItem::ModSeq(Some(message.modseq)));
                            }
                            responses.push(Response::Data(Data::Fetch {
                                seq: index as u32 + 1,
                                items,
                            }));
                        }
                    }
                    let last = selected.view.last().map_or(0, |known| known.uid);
                    let before = selected.view.len();
                    selected.view.extend(
                        mailbox
                            .messages
                            .iter()
                            .filter(|message| message.uid > last)
                            .map(|message| Known {
                                uid: message.uid,
                                modseq: message.modseq,
                            }),
                    );
                    if selected.view.len() != before {
                        responses.push(Response::Data(Data::Exists(selected.view.len() as u32)));
                    }
                    false
                }
            }
        };
        for response in &responses {
            self.push(response);
        }
        if gone {
            self.push(&Response::Status(Status {
                tag: None,
                kind: StatusKind::Bye,
                code: None,
                text: Text::from("The selected mailbox was deleted; reconnect"),
            }));
            return Err(End::Closed);
        }
        self.selected = Some(selected);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{ordered_set, uid_set};

    #[test]
    fn sets_are_written_in_runs_sorted_or_in_the_order_given() {
        assert_eq!(uid_set(&[7, 2, 3, 1, 3]).to_string(), "1:3,7");
        assert_eq!(uid_set(&[]).ranges, []);
        // COPYUID pairs source and destination one by one: the order stays.
        assert_eq!(ordered_set(&[5, 6, 2, 3, 9]).to_string(), "5:6,2:3,9");
        assert_eq!(
            ordered_set(&[u32::MAX - 1, u32::MAX, 1]).to_string(),
            format!("{}:{},1", u32::MAX - 1, u32::MAX)
        );
    }
}
