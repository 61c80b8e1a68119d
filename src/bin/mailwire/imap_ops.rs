//! `search`, `move` and `delete`: the subcommands that act on messages by UID.

use mailwire::imap::codec::types::{Flag, SearchKey, SequenceSet};
use mailwire::imap::{Client, FlagChange};

use crate::imap::failure;
use crate::{Failure, terminal};

/// `search MAILBOX QUERY`: the matching UIDs, one per line, lowest first.
pub async fn search(
    client: &mut Client,
    mailbox: &str,
    key: SearchKey<'static>,
) -> Result<(), Failure> {
    client.examine(mailbox).await.map_err(|e| failure(&e))?;
    let found = client.uid_search(key).await.map_err(|e| failure(&e))?;
    let mut uids: Vec<u32> = found.iter().collect();
    uids.sort_unstable();
    uids.dedup();
    for uid in &uids {
        terminal::say(&uid.to_string());
    }
    terminal::warn(&format!("{} message(s) match", uids.len()));
    Ok(())
}

/// `move MAILBOX SET DEST`.
pub async fn move_to(
    client: &mut Client,
    mailbox: &str,
    set: &SequenceSet,
    dest: &str,
) -> Result<(), Failure> {
    client.select(mailbox).await.map_err(|e| failure(&e))?;
    let moved = client.uid_move(set, dest).await.map_err(|e| failure(&e))?;
    let how = if moved.by_copy {
        " (the server has no MOVE: copied, then exactly those expunged)"
    } else {
        ""
    };
    let count = moved.expunged.seqs.len()
        + moved
            .expunged
            .vanished
            .iter()
            .map(|set| set.expand(u32::MAX, 1 << 20).map_or(0, |uids| uids.len()))
            .sum::<usize>();
    terminal::say(&format!(
        "moved {count} message(s) from {mailbox} to {dest}{how}"
    ));
    Ok(())
}

/// `delete MAILBOX SET`: `\Deleted` on exactly `set`, then UID EXPUNGE of exactly `set`,
/// so no other message someone marked `\Deleted` goes with them.
pub async fn delete(client: &mut Client, mailbox: &str, set: &SequenceSet) -> Result<(), Failure> {
    client.select(mailbox).await.map_err(|e| failure(&e))?;
    if !client.has_capability("UIDPLUS") {
        // Checked before anything is flagged: a plain EXPUNGE would remove every message
        // marked \Deleted, not only these.
        return Err(Failure::Runtime(format!(
            "{}: the server lacks UIDPLUS, so it cannot expunge only these messages; nothing \
             was changed",
            client.server()
        )));
    }
    client
        .uid_store(set, FlagChange::add(vec![Flag::Deleted]).silent())
        .await
        .map_err(|e| failure(&e))?;
    let expunged = client.uid_expunge(set).await.map_err(|e| failure(&e))?;
    let count = expunged.seqs.len()
        + expunged
            .vanished
            .iter()
            .map(|set| set.expand(u32::MAX, 1 << 20).map_or(0, |uids| uids.len()))
            .sum::<usize>();
    terminal::say(&format!("deleted {count} message(s) from {mailbox}"));
    Ok(())
}
