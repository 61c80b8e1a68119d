//! What one account holds: mailboxes, their messages, and the counters IMAP reports
//! (UIDVALIDITY, UIDNEXT, MODSEQ).

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::imap::codec::types::{Date, DateTime, Flag, MailboxAttribute};
use crate::testing::imap::message::ParsedMessage;

/// One message in a mailbox.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) uid: u32,
    /// System flags and keywords, each once; never `\Recent` or `\*`.
    pub(crate) flags: Vec<Flag<'static>>,
    pub(crate) internal_date: DateTime,
    /// The mod-sequence of the last change to this message (RFC 7162).
    pub(crate) modseq: u64,
    pub(crate) data: Arc<[u8]>,
    /// The message read for FETCH and SEARCH: made on first use, outside any lock if the
    /// caller holds a clone, and shared by copies of the message.
    pub(crate) parsed: Arc<OnceLock<ParsedMessage>>,
}

impl Message {
    pub(crate) fn has(&self, flag: &Flag<'_>) -> bool {
        self.flags.iter().any(|own| same_flag(own, flag))
    }

    pub(crate) fn size(&self) -> u64 {
        self.data.len() as u64
    }
}

/// Flags compare ignoring case (RFC 3501 §2.3.2: keywords are case-insensitive).
pub(crate) fn same_flag(a: &Flag<'_>, b: &Flag<'_>) -> bool {
    match (a, b) {
        (Flag::Keyword(a), Flag::Keyword(b)) | (Flag::Extension(a), Flag::Extension(b)) => {
            a.as_str().eq_ignore_ascii_case(b.as_str())
        }
        (a, b) => a == b,
    }
}

/// A flag as a test reads it: `\Seen`, `$Junk`.
pub(crate) fn flag_text(flag: &Flag<'_>) -> String {
    match flag {
        Flag::Answered => "\\Answered".into(),
        Flag::Flagged => "\\Flagged".into(),
        Flag::Deleted => "\\Deleted".into(),
        Flag::Seen => "\\Seen".into(),
        Flag::Draft => "\\Draft".into(),
        Flag::Recent => "\\Recent".into(),
        Flag::Wildcard => "\\*".into(),
        Flag::Keyword(atom) => atom.as_str().to_owned(),
        Flag::Extension(atom) => format!("\\{}", atom.as_str()),
    }
}

/// The flags a message may carry, as the store keeps them: `\Recent` and `\*` are not
/// message flags, and unknown `\`-flags cannot be set (RFC 3501 §2.3.2).
pub(crate) fn storable(flag: &Flag<'_>) -> bool {
    !matches!(flag, Flag::Recent | Flag::Wildcard | Flag::Extension(_))
}

/// One mailbox.
#[derive(Debug, Clone)]
pub(crate) struct Mailbox {
    /// Stays the same across renames, so a session keeps its selection.
    pub(crate) id: u64,
    /// The name in Unicode, hierarchy separated by `/`; INBOX is always `INBOX`.
    pub(crate) name: String,
    pub(crate) uid_validity: u32,
    pub(crate) uid_next: u32,
    pub(crate) highest_modseq: u64,
    /// In UID order.
    pub(crate) messages: Vec<Message>,
    pub(crate) special_use: Option<MailboxAttribute<'static>>,
    /// False for iCloud's Notes: listed, but SELECT answers `NO [NONEXISTENT]`.
    pub(crate) selectable: bool,
    pub(crate) bytes: u64,
    /// Keywords ever set here, for FLAGS and PERMANENTFLAGS.
    pub(crate) keywords: BTreeSet<String>,
}

impl Mailbox {
    pub(crate) fn new(id: u64, name: String, uid_validity: u32) -> Self {
        Mailbox {
            id,
            name,
            uid_validity,
            uid_next: 1,
            highest_modseq: 1,
            messages: Vec::new(),
            special_use: None,
            selectable: true,
            bytes: 0,
            keywords: BTreeSet::new(),
        }
    }

    /// The index of the message with `uid`.
    pub(crate) fn position(&self, uid: u32) -> Option<usize> {
        self.messages
            .binary_search_by_key(&uid, |message| message.uid)
            .ok()
    }

    /// The next mod-sequence, taken.
    pub(crate) fn next_modseq(&mut self) -> u64 {
        self.highest_modseq += 1;
        self.highest_modseq
    }

    pub(crate) fn unseen(&self) -> usize {
        self.messages
            .iter()
            .filter(|message| !message.has(&Flag::Seen))
            .count()
    }

    /// Adds a message (limits checked by the caller) and returns its UID.
    pub(crate) fn push(
        &mut self,
        data: Arc<[u8]>,
        flags: Vec<Flag<'static>>,
        internal_date: DateTime,
    ) -> u32 {
        let uid = self.uid_next;
        self.uid_next = self.uid_next.saturating_add(1);
        let modseq = self.next_modseq();
        for flag in &flags {
            if let Flag::Keyword(keyword) = flag {
                self.keywords.insert(keyword.as_str().to_owned());
            }
        }
        self.bytes += data.len() as u64;
        self.messages.push(Message {
            uid,
            flags,
            internal_date,
            modseq,
            data,
            parsed: Arc::default(),
        });
        uid
    }

    /// Adds a copy of `message` (COPY, MOVE), sharing its bytes and analysis, and returns
    /// its UID here.
    pub(crate) fn push_copy(&mut self, message: Message) -> u32 {
        let parsed = message.parsed.clone();
        let uid = self.push(message.data, message.flags, message.internal_date);
        if let Some(copy) = self.messages.last_mut() {
            copy.parsed = parsed;
        }
        uid
    }

    /// Removes the messages whose UIDs `remove` holds; returns the UIDs removed, in order.
    pub(crate) fn remove(&mut self, remove: impl Fn(&Message) -> bool) -> Vec<u32> {
        let mut removed = Vec::new();
        let mut bytes = self.bytes;
        self.messages.retain(|message| {
            if remove(message) {
                removed.push(message.uid);
                bytes -= message.size();
                false
            } else {
                true
            }
        });
        self.bytes = bytes;
        if !removed.is_empty() {
            self.next_modseq();
        }
        removed
    }
}

/// The flags a message may be stored with, deduplicated, in a fixed order.
pub(crate) fn clean_flags(flags: &[Flag<'_>]) -> Vec<Flag<'static>> {
    let mut clean: Vec<Flag<'static>> = Vec::with_capacity(flags.len());
    for flag in flags.iter().filter(|flag| storable(flag)) {
        if !clean.iter().any(|own| same_flag(own, flag)) {
            clean.push(crate::imap::codec::types::IntoOwned::into_owned(
                flag.clone(),
            ));
        }
    }
    clean
}

/// Now, as an IMAP date-time in UTC.
pub(crate) fn now() -> DateTime {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    date_time_from_unix(i64::try_from(seconds).unwrap_or(0))
}

/// Seconds since 1970 as an IMAP date-time in UTC.
pub(crate) fn date_time_from_unix(seconds: i64) -> DateTime {
    const DAY: i64 = 86_400;
    let days = seconds.div_euclid(DAY);
    let second_of_day = seconds.rem_euclid(DAY);
    let (year, month, day) = crate::calendar::civil_from_days(days);
    let date = Date {
        year: u16::try_from(year.clamp(1, 9999)).unwrap_or(1970),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    };
    DateTime {
        date,
        hour: (second_of_day / 3600) as u8,
        minute: (second_of_day % 3600 / 60) as u8,
        second: (second_of_day % 60) as u8,
        zone_minutes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_imap_date_times() {
        let leap_day = date_time_from_unix(951_782_400 + 3_723);
        assert_eq!(leap_day.to_string(), "29-Feb-2000 01:02:03 +0000");
    }

    #[test]
    fn flags_are_kept_once_and_recent_never() {
        let flags = clean_flags(&[
            Flag::Seen,
            Flag::keyword("$Junk").unwrap(),
            Flag::keyword("$junk").unwrap(),
            Flag::Recent,
            Flag::Seen,
        ]);
        assert_eq!(flags, [Flag::Seen, Flag::keyword("$Junk").unwrap()]);
    }
}
