//! How the [`Watcher`] brings its picture of the mailbox in line with the server after
//! (re)connecting: a full listing when UIDVALIDITY changed, otherwise the changes since the
//! last known HIGHESTMODSEQ (CONDSTORE) with the UIDs still there, or a plain listing; then
//! what differs is reported as removed, changed or new.

use super::{WatchEvent, Watcher, add_new, change_flags, known_of, no_connection};
use crate::imap::client::error::Error;
use crate::imap::client::fetch::{FetchQuery, FetchedMessage};
use crate::imap::client::session::Client;
use crate::imap::codec::types::{SearchKey, SearchReturnOption, SequenceSet};

/// UIDs per `UID FETCH` of new messages, and how many such commands are in flight at once.
const NEW_CHUNK: usize = 500;
const NEW_WINDOW: usize = 4;
/// The longest decimal UID with its separating space, to tell whether a plain `UID SEARCH
/// ALL` answer fits in one line.
const UID_WIDTH: usize = 11;

impl Watcher {
    /// What every listing and new-message fetch asks for.
    fn base_query(condstore: bool) -> FetchQuery {
        let query = FetchQuery::new().uid().flags();
        if condstore { query.modseq() } else { query }
    }

    /// Brings `messages` in line with the selected mailbox, reporting each difference.
    pub(super) async fn resync(&mut self) -> Result<(), Error> {
        let Some(client) = self.client.as_mut() else {
            return Err(no_connection(self.builder.server()));
        };
        // Whatever was pushed so far is covered by what the resync reads.
        client.take_events();
        self.raw.clear();
        self.fetch_new = false;
        let state = client.selected().cloned().unwrap_or_default();
        let condstore = client.has_capability("CONDSTORE") && state.highest_modseq.is_some();
        if self.started && state.uid_validity != self.uid_validity {
            let listed = listing(client, &Self::base_query(condstore), state.exists).await?;
            self.messages = listed.iter().filter_map(known_of).collect();
            self.messages.sort_by_key(|m| m.uid);
            self.messages.dedup_by_key(|m| m.uid);
            self.uid_validity = state.uid_validity;
            self.synced_modseq = state.highest_modseq;
            self.fetch_new = false;
            self.raw.clear();
            self.ready.push_back(WatchEvent::Resync {
                uid_validity: state.uid_validity,
                messages: self
                    .messages
                    .iter()
                    .map(|m| (m.uid, m.flags.clone()))
                    .collect(),
            });
            return Ok(());
        }
        let mut found = None;
        if let (true, Some(since)) = (self.started && condstore, self.synced_modseq) {
            if state.exists > 0 {
                let query = Self::base_query(true).changed_since(since);
                let changed = client
                    .uid_fetch(&SequenceSet::from_to_last(1), &query)
                    .await?
                    .collect()
                    .await?;
                found = uid_list(client, state.exists)
                    .await?
                    .map(|uids| (uids, changed));
            } else {
                found = Some((Vec::new(), Vec::new()));
            }
        }
        let (mut uids, listed) = match found {
            Some(found) => found,
            None => {
                let listed = listing(client, &Self::base_query(condstore), state.exists).await?;
                let uids = listed.iter().filter_map(FetchedMessage::uid).collect();
                (uids, listed)
            }
        };
        uids.sort_unstable();
        uids.dedup();
        // Removed: known, no longer listed.
        let mut kept = Vec::with_capacity(self.messages.len());
        for known in self.messages.drain(..) {
            if uids.binary_search(&known.uid).is_ok() {
                kept.push(known);
            } else {
                self.ready.push_back(WatchEvent::Removed { uid: known.uid });
            }
        }
        self.messages = kept;
        // Changed: a listed flag set that differs from the known one.
        let mut fresh = Vec::new();
        for message in listed {
            let Some(uid) = message.uid() else { continue };
            match self.messages.binary_search_by_key(&uid, |m| m.uid) {
                Ok(index) => {
                    if let Some(flags) = message.flags() {
                        change_flags(
                            &mut self.messages[index],
                            flags,
                            message.modseq(),
                            &mut self.ready,
                        );
                    }
                }
                Err(_) if uids.binary_search(&uid).is_ok() => fresh.push(message),
                Err(_) => {}
            }
        }
        // New: listed, not known.
        let new: Vec<u32> = uids
            .iter()
            .copied()
            .filter(|uid| self.messages.binary_search_by_key(uid, |m| m.uid).is_err())
            .collect();
        if !new.is_empty() {
            if self.query.is_empty() && fresh.len() == new.len() {
                for message in fresh {
                    self.add_new(message);
                }
            } else {
                self.fetch_uids(&new, condstore).await?;
            }
        }
        self.uid_validity = state.uid_validity;
        self.synced_modseq = state.highest_modseq;
        self.started = true;
        self.fetch_new = false;
        Ok(())
    }

    /// Fetches `uids` with the caller's query and reports each as new.
    async fn fetch_uids(&mut self, uids: &[u32], condstore: bool) -> Result<(), Error> {
        let query = self.new_query(condstore);
        let Self {
            client,
            messages,
            ready,
            ..
        } = self;
        let Some(client) = client.as_mut() else {
            return Ok(());
        };
        let mut stream = client
            .uid_fetch_pipelined(uids, &query, NEW_CHUNK, NEW_WINDOW)
            .await?;
        while let Some(message) = stream.next().await {
            add_new(messages, ready, message?);
        }
        Ok(())
    }
}

/// `UID FETCH 1:* (UID FLAGS…)`: every message with its flags (none in an empty mailbox,
/// which some servers refuse `1:*` for).
async fn listing(
    client: &mut Client,
    query: &FetchQuery,
    exists: u32,
) -> Result<Vec<FetchedMessage>, Error> {
    if exists == 0 {
        return Ok(Vec::new());
    }
    client
        .uid_fetch(&SequenceSet::from_to_last(1), query)
        .await?
        .collect()
        .await
}

/// Every UID in the selected mailbox: `UID SEARCH RETURN (ALL) ALL` with ESEARCH, plain
/// `UID SEARCH ALL` when its one-line answer fits the line limit, otherwise `None` (list
/// with FETCH instead).
async fn uid_list(client: &mut Client, exists: u32) -> Result<Option<Vec<u32>>, Error> {
    let esearch = client.has_capability("ESEARCH");
    if !esearch && (exists as usize).saturating_mul(UID_WIDTH) >= client.limits.line_len {
        return Ok(None);
    }
    let returning = esearch.then(|| vec![SearchReturnOption::All]);
    let found = client
        .search_returning(SearchKey::all(), true, returning)
        .await?;
    let mut uids = found.ids;
    if let Some(set) = found.all {
        // A set naming more UIDs than the mailbox holds is not believed.
        match set.expand(u32::MAX, exists as usize) {
            Some(listed) => uids.extend(listed),
            None => return Ok(None),
        }
    }
    Ok(Some(uids))
}
