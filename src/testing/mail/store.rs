//! The shared, in-memory mail store: accounts, their mailboxes and messages, and the
//! notification every session waits on.

use core::fmt;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use super::error::{StoreError, StoreLimits};
use super::mailbox::{Mailbox, clean_flags, flag_text, now};
use super::mode::ServerMode;
use crate::imap::codec::types::{DateTime, Flag, MailboxAttribute, Secret};

/// The hierarchy separator of mailbox names.
pub(crate) const DELIMITER: char = '/';

/// A copy of one stored message, for tests.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredMessage {
    /// Its UID in the mailbox.
    pub uid: u32,
    /// Its flags as IMAP writes them (`\Seen`, `$Junk`).
    pub flags: Vec<String>,
    /// The message bytes.
    pub data: Vec<u8>,
}

/// One account.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) name: String,
    /// Kept as the crate's `Secret`, so that no Debug of the store shows it.
    password: Secret<String>,
    /// INBOX first, then in creation order.
    pub(crate) mailboxes: Vec<Mailbox>,
    pub(crate) subscribed: BTreeSet<String>,
}

impl Account {
    pub(crate) fn mailbox(&self, name: &str) -> Option<&Mailbox> {
        let name = normalise(name);
        self.mailboxes.iter().find(|mailbox| mailbox.name == name)
    }

    pub(crate) fn mailbox_mut(&mut self, name: &str) -> Option<&mut Mailbox> {
        let name = normalise(name);
        self.mailboxes
            .iter_mut()
            .find(|mailbox| mailbox.name == name)
    }

    pub(crate) fn mailbox_by_id(&self, id: u64) -> Option<&Mailbox> {
        self.mailboxes.iter().find(|mailbox| mailbox.id == id)
    }

    pub(crate) fn mailbox_by_id_mut(&mut self, id: u64) -> Option<&mut Mailbox> {
        self.mailboxes.iter_mut().find(|mailbox| mailbox.id == id)
    }

    /// True when some mailbox sits under `name`.
    pub(crate) fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{name}{DELIMITER}");
        self.mailboxes
            .iter()
            .any(|mailbox| mailbox.name.starts_with(&prefix))
    }
}

/// INBOX in any case is INBOX (RFC 3501 §5.1); other names are taken as they are.
pub(crate) fn normalise(name: &str) -> String {
    if name.eq_ignore_ascii_case("INBOX") {
        "INBOX".to_owned()
    } else if let Some(rest) = name
        .get(..6)
        .filter(|head| head.eq_ignore_ascii_case("INBOX/"))
        .and(name.get(6..))
    {
        format!("INBOX/{rest}")
    } else {
        name.to_owned()
    }
}

/// Everything the store holds, behind one lock.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) mode: ServerMode,
    pub(crate) limits: StoreLimits,
    pub(crate) accounts: Vec<Account>,
    next_mailbox_id: u64,
    next_uid_validity: u32,
}

impl Inner {
    pub(crate) fn account(&self, name: &str) -> Result<&Account, StoreError> {
        self.accounts
            .iter()
            .find(|account| account.name == name)
            .ok_or_else(|| StoreError::NoSuchUser(name.to_owned()))
    }

    pub(crate) fn account_mut(&mut self, name: &str) -> Result<&mut Account, StoreError> {
        self.accounts
            .iter_mut()
            .find(|account| account.name == name)
            .ok_or_else(|| StoreError::NoSuchUser(name.to_owned()))
    }

    /// A fresh UIDVALIDITY: never the same twice in one store, so a mailbox deleted and
    /// created again tells clients that their UIDs no longer hold.
    fn uid_validity(&mut self) -> u32 {
        let value = self.next_uid_validity;
        self.next_uid_validity = self.next_uid_validity.wrapping_add(1).max(1);
        value
    }

    fn new_mailbox(&mut self, name: String) -> Mailbox {
        self.next_mailbox_id += 1;
        let uid_validity = self.uid_validity();
        Mailbox::new(self.next_mailbox_id, name, uid_validity)
    }

    /// Checks a mailbox name a client chose.
    pub(crate) fn check_name(&self, name: &str) -> Result<(), StoreError> {
        let invalid = |reason| StoreError::InvalidName {
            what: "mailbox name",
            reason,
        };
        if name.is_empty() {
            return Err(invalid("it is empty"));
        }
        if name.len() > self.limits.mailbox_name_len {
            return Err(invalid("it is longer than the store allows"));
        }
        if name.chars().any(|c| c.is_control()) {
            return Err(invalid("it holds control characters"));
        }
        if name.contains('%') || name.contains('*') {
            return Err(invalid("`%` and `*` are LIST wildcards"));
        }
        if name.starts_with(DELIMITER) || name.ends_with(DELIMITER) || name.contains("//") {
            return Err(invalid("a hierarchy level is empty"));
        }
        Ok(())
    }

    /// Creates `name` and any missing parents in `account`.
    pub(crate) fn create(&mut self, account: &str, name: &str) -> Result<(), StoreError> {
        let name = normalise(name);
        self.check_name(&name)?;
        let limit = self.limits.mailboxes;
        let existing = self.account(account)?;
        if existing.mailbox(&name).is_some() {
            return Err(StoreError::MailboxExists(name));
        }
        let mut missing: Vec<String> = Vec::new();
        let mut end = 0;
        for part in name.split(DELIMITER) {
            end += part.len();
            let path = &name[..end];
            if existing.mailbox(path).is_none() {
                missing.push(path.to_owned());
            }
            end += DELIMITER.len_utf8();
        }
        if existing.mailboxes.len() + missing.len() > limit {
            return Err(StoreError::TooManyMailboxes { limit });
        }
        let created: Vec<Mailbox> = missing
            .into_iter()
            .map(|path| self.new_mailbox(path))
            .collect();
        self.account_mut(account)?.mailboxes.extend(created);
        Ok(())
    }

    /// Adds a message to a mailbox within the limits.
    pub(crate) fn add_message(
        &mut self,
        account: &str,
        mailbox_id: u64,
        data: Arc<[u8]>,
        flags: Vec<Flag<'static>>,
        date: DateTime,
    ) -> Result<u32, StoreError> {
        let limits = self.limits;
        let mailbox = self
            .account_mut(account)?
            .mailbox_by_id_mut(mailbox_id)
            .ok_or_else(|| StoreError::NoSuchMailbox(String::new()))?;
        check_room(mailbox, &limits, data.len() as u64, 1, &flags)?;
        Ok(mailbox.push(data, flags, date))
    }
}

/// Refuses what would pass the store's limits for `count` more messages of `bytes` in all.
pub(crate) fn check_room(
    mailbox: &Mailbox,
    limits: &StoreLimits,
    bytes: u64,
    count: usize,
    flags: &[Flag<'_>],
) -> Result<(), StoreError> {
    if !mailbox.selectable {
        return Err(StoreError::NotSelectable(mailbox.name.clone()));
    }
    // UIDs only grow; a mailbox that has used them all takes no more.
    if u64::from(mailbox.uid_next) + count as u64 > u64::from(u32::MAX) {
        return Err(StoreError::MailboxFull {
            mailbox: mailbox.name.clone(),
            limit: "no UIDs left".into(),
        });
    }
    if mailbox.messages.len() + count > limits.mailbox_messages {
        return Err(StoreError::MailboxFull {
            mailbox: mailbox.name.clone(),
            limit: format!("at most {} messages", limits.mailbox_messages),
        });
    }
    if mailbox.bytes.saturating_add(bytes) > limits.mailbox_bytes {
        return Err(StoreError::MailboxFull {
            mailbox: mailbox.name.clone(),
            limit: format!("at most {} bytes", limits.mailbox_bytes),
        });
    }
    let new_keywords = flags
        .iter()
        .filter(|flag| match flag {
            Flag::Keyword(keyword) => !mailbox.keywords.contains(keyword.as_str()),
            _ => false,
        })
        .count();
    if mailbox.keywords.len() + new_keywords > limits.keywords {
        return Err(StoreError::MailboxFull {
            mailbox: mailbox.name.clone(),
            limit: format!("at most {} keywords", limits.keywords),
        });
    }
    Ok(())
}

struct Shared {
    inner: Mutex<Inner>,
    /// Bumped on every change; each IMAP session watches it to learn of others' changes
    /// at once (IDLE pushes, NOOP), without polling.
    changes: watch::Sender<u64>,
}

/// The in-memory mail store that the IMAP and SMTP test servers share.
///
/// Cloning it gives another handle on the same store. Every change (a delivery, a STORE
/// or EXPUNGE in any session) wakes the sessions that watch it, so IDLE sees new mail and
/// other sessions' changes within milliseconds.
///
/// ```
/// use mailwire::testing::mail::{MailStore, ServerMode};
///
/// let store = MailStore::new(ServerMode::Rfc);
/// store.add_user("alice@example.test", "app-password").unwrap();
/// assert_eq!(
///     store.check_login("alice@example.test", "app-password").as_deref(),
///     Some("alice@example.test")
/// );
/// let uid = store
///     .deliver("alice@example.test", "INBOX", b"Subject: hi\r\n\r\nhello\r\n")
///     .unwrap();
/// assert_eq!(uid, 1);
/// let inbox = store.messages("alice@example.test", "INBOX").unwrap();
/// assert_eq!(inbox[0].data, b"Subject: hi\r\n\r\nhello\r\n");
/// assert!(inbox[0].flags.is_empty());
/// ```
#[derive(Clone)]
pub struct MailStore {
    shared: Arc<Shared>,
}

impl fmt::Debug for MailStore {
    // Passwords and message contents are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        let accounts: Vec<&str> = inner.accounts.iter().map(|a| a.name.as_str()).collect();
        f.debug_struct("MailStore")
            .field("mode", &inner.mode)
            .field("accounts", &accounts)
            .field("limits", &inner.limits)
            .finish()
    }
}

impl MailStore {
    /// An empty store for `mode`, with [`StoreLimits::default`].
    pub fn new(mode: ServerMode) -> Self {
        Self::with_limits(mode, StoreLimits::default())
    }

    /// An empty store for `mode` with `limits`.
    pub fn with_limits(mode: ServerMode, limits: StoreLimits) -> Self {
        // UIDVALIDITY starts from the clock, as real servers do, so that a client that
        // saw another store on the same port does not mistake this one's UIDs for its own.
        let start = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |since| (since.as_secs() & 0x3fff_ffff) as u32)
            .max(1);
        let (changes, _) = watch::channel(0);
        MailStore {
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    mode,
                    limits,
                    accounts: Vec::new(),
                    next_mailbox_id: 0,
                    next_uid_validity: start,
                }),
                changes,
            }),
        }
    }

    /// The mode the store was made for.
    pub fn mode(&self) -> ServerMode {
        self.lock().mode
    }

    /// The limits the store keeps.
    pub fn limits(&self) -> StoreLimits {
        self.lock().limits
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every change is made whole under the lock before anything that can panic, so a
        // poisoned lock still guards consistent data.
        self.shared
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A receiver that changes whenever the store does.
    pub(crate) fn watch(&self) -> watch::Receiver<u64> {
        self.shared.changes.subscribe()
    }

    /// Tells every watching session that something changed.
    pub(crate) fn notify(&self) {
        self.shared.changes.send_modify(|version| {
            *version = version.wrapping_add(1);
        });
    }

    /// Adds an account with the mode's folders. Users log in with `name` (any string
    /// without CR, LF or NUL); in iCloud mode the part before `@` logs in too.
    pub fn add_user(&self, name: &str, password: &str) -> Result<(), StoreError> {
        if name.is_empty() || name.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(StoreError::InvalidName {
                what: "user name",
                reason: "it is empty or holds CR, LF or NUL",
            });
        }
        if password.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(StoreError::InvalidName {
                what: "password",
                reason: "it holds CR, LF or NUL",
            });
        }
        let mut inner = self.lock();
        if inner.accounts.iter().any(|account| account.name == name) {
            return Err(StoreError::UserExists(name.to_owned()));
        }
        let mode = inner.mode;
        let mut mailboxes = Vec::new();
        for folder in mode.folders() {
            let mut mailbox = inner.new_mailbox((*folder).to_owned());
            mailbox.special_use = special_use(mode, folder);
            mailbox.selectable = !(mode == ServerMode::Icloud && *folder == "Notes");
            mailboxes.push(mailbox);
        }
        let subscribed = mode
            .folders()
            .iter()
            .map(|folder| (*folder).to_owned())
            .collect();
        inner.accounts.push(Account {
            name: name.to_owned(),
            password: Secret::new(password.to_owned()),
            mailboxes,
            subscribed,
        });
        Ok(())
    }

    /// The account `name` logs in to with `password`, or `None`.
    pub fn check_login(&self, name: &str, password: &str) -> Option<String> {
        let inner = self.lock();
        let icloud = inner.mode == ServerMode::Icloud;
        inner
            .accounts
            .iter()
            .find(|account| {
                let named = account.name == name
                    || (icloud
                        && !name.contains('@')
                        && account.name.split_once('@').map(|(local, _)| local) == Some(name));
                named && account.password.expose() == password
            })
            .map(|account| account.name.clone())
    }

    /// The names of the accounts, in the order they were added.
    pub fn users(&self) -> Vec<String> {
        self.lock()
            .accounts
            .iter()
            .map(|account| account.name.clone())
            .collect()
    }

    /// Delivers a message to a user's mailbox (`"INBOX"` for mail from SMTP) and wakes
    /// every session watching the store. Returns the new UID.
    ///
    /// A NUL byte, which IMAP cannot send outside BINARY, is stored as 0x80, as Dovecot
    /// does, so that every FETCH of the message can be answered.
    ///
    /// Refused when the user or mailbox does not exist or the message or mailbox size
    /// limit would be passed.
    pub fn deliver(&self, account: &str, mailbox: &str, message: &[u8]) -> Result<u32, StoreError> {
        self.deliver_with(account, mailbox, message, &[], None)
    }

    /// Like [`deliver`](Self::deliver), with flags and an internal date (now when `None`).
    pub fn deliver_with(
        &self,
        account: &str,
        mailbox: &str,
        message: &[u8],
        flags: &[Flag<'_>],
        date: Option<DateTime>,
    ) -> Result<u32, StoreError> {
        let uid = {
            let mut inner = self.lock();
            let limit = inner.limits.message_size;
            if message.len() as u64 > limit {
                return Err(StoreError::TooLarge {
                    size: message.len() as u64,
                    limit,
                });
            }
            let id = inner
                .account(account)?
                .mailbox(mailbox)
                .ok_or_else(|| StoreError::NoSuchMailbox(mailbox.to_owned()))?
                .id;
            let data: Arc<[u8]> = if message.contains(&0) {
                message
                    .iter()
                    .map(|&byte| if byte == 0 { 0x80 } else { byte })
                    .collect()
            } else {
                Arc::from(message)
            };
            inner.add_message(
                account,
                id,
                data,
                clean_flags(flags),
                date.unwrap_or_else(now),
            )?
        };
        self.notify();
        Ok(uid)
    }

    /// A copy of what a mailbox holds, in UID order.
    pub fn messages(&self, account: &str, mailbox: &str) -> Result<Vec<StoredMessage>, StoreError> {
        let inner = self.lock();
        let mailbox = inner
            .account(account)?
            .mailbox(mailbox)
            .ok_or_else(|| StoreError::NoSuchMailbox(mailbox.to_owned()))?;
        Ok(mailbox
            .messages
            .iter()
            .map(|message| StoredMessage {
                uid: message.uid,
                flags: message.flags.iter().map(flag_text).collect(),
                data: message.data.to_vec(),
            })
            .collect())
    }

    /// The names of an account's mailboxes, INBOX first.
    pub fn mailboxes(&self, account: &str) -> Result<Vec<String>, StoreError> {
        let inner = self.lock();
        Ok(inner
            .account(account)?
            .mailboxes
            .iter()
            .map(|mailbox| mailbox.name.clone())
            .collect())
    }

    /// Creates a mailbox (and any missing parents, `/` separating levels).
    pub fn create_mailbox(&self, account: &str, name: &str) -> Result<(), StoreError> {
        self.lock().create(account, name)?;
        self.notify();
        Ok(())
    }

    /// Waits until `mailbox` holds at least `count` messages, for `within` at most, and
    /// returns them; on time-out, the error says how many there were.
    pub async fn wait_for_messages(
        &self,
        account: &str,
        mailbox: &str,
        count: usize,
        within: Duration,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let mut changes = self.watch();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            changes.borrow_and_update();
            let messages = self.messages(account, mailbox)?;
            if messages.len() >= count {
                return Ok(messages);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                _ => {
                    return Err(StoreError::WaitTimedOut {
                        mailbox: mailbox.to_owned(),
                        wanted: count,
                        found: messages.len(),
                        after: within,
                    });
                }
            }
        }
    }
}

/// The special-use attribute a mode gives a default folder.
fn special_use(mode: ServerMode, folder: &str) -> Option<MailboxAttribute<'static>> {
    match (mode, folder) {
        (ServerMode::Rfc, "Sent") | (ServerMode::Icloud, "Sent Messages") => {
            Some(MailboxAttribute::Sent)
        }
        (ServerMode::Rfc, "Trash") | (ServerMode::Icloud, "Deleted Messages") => {
            Some(MailboxAttribute::Trash)
        }
        (ServerMode::Rfc, "Drafts") => Some(MailboxAttribute::Drafts),
        (ServerMode::Rfc, "Junk") => Some(MailboxAttribute::Junk),
        (ServerMode::Rfc, "Archive") => Some(MailboxAttribute::Archive),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> MailStore {
        let store = MailStore::with_limits(
            ServerMode::Rfc,
            StoreLimits::default()
                .with_message_size(100)
                .with_mailbox_messages(2),
        );
        store.add_user("alice@example.test", "pw").unwrap();
        store
    }

    #[test]
    fn a_new_account_has_the_modes_folders_with_their_attributes() {
        let store = store();
        assert_eq!(
            store.mailboxes("alice@example.test").unwrap(),
            ["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"]
        );
        let inner = store.lock();
        let account = inner.account("alice@example.test").unwrap();
        assert_eq!(
            account.mailbox("Sent").unwrap().special_use,
            Some(MailboxAttribute::Sent)
        );
        assert_eq!(account.mailbox("inbox").unwrap().name, "INBOX");
    }

    #[test]
    fn debug_shows_accounts_but_no_password() {
        let store = store();
        let shown = format!("{store:?}");
        assert!(shown.contains("alice@example.test"), "{shown}");
        assert!(!shown.contains("\"pw\""), "{shown}");
        // The store's inside too: a crate-internal Debug is still a Debug someone prints.
        let inside = format!("{:?}", *store.lock());
        assert!(inside.contains("alice@example.test"), "{inside}");
        assert!(!inside.contains("\"pw\""), "{inside}");
    }

    #[test]
    fn deliveries_are_refused_past_the_limits_and_for_unknown_names() {
        let store = store();
        let user = "alice@example.test";
        assert_eq!(
            store.deliver(user, "INBOX", &[b'x'; 101]),
            Err(StoreError::TooLarge {
                size: 101,
                limit: 100
            })
        );
        assert_eq!(store.deliver(user, "INBOX", b"a\0"), Ok(1));
        assert_eq!(store.messages(user, "INBOX").unwrap()[0].data, b"a\x80");
        assert_eq!(store.deliver(user, "inbox", b"b"), Ok(2));
        assert!(matches!(
            store.deliver(user, "INBOX", b"c"),
            Err(StoreError::MailboxFull { .. })
        ));
        assert_eq!(
            store.deliver("bob", "INBOX", b"a"),
            Err(StoreError::NoSuchUser("bob".into()))
        );
        assert_eq!(
            store.deliver(user, "Nope", b"a"),
            Err(StoreError::NoSuchMailbox("Nope".into()))
        );
        assert_eq!(
            store.add_user(user, "x"),
            Err(StoreError::UserExists(user.into()))
        );
        assert!(store.add_user("bad\r\nname", "x").is_err());
    }

    #[test]
    fn a_mailbox_created_again_gets_a_new_uid_validity() {
        let store = store();
        let user = "alice@example.test";
        store.create_mailbox(user, "Projects/2026").unwrap();
        assert_eq!(
            store.mailboxes(user).unwrap()[6..],
            ["Projects", "Projects/2026"]
        );
        let validity = || {
            store
                .lock()
                .account(user)
                .unwrap()
                .mailbox("Projects/2026")
                .unwrap()
                .uid_validity
        };
        let first = validity();
        store
            .lock()
            .account_mut(user)
            .unwrap()
            .mailboxes
            .retain(|mailbox| mailbox.name != "Projects/2026");
        store.create_mailbox(user, "Projects/2026").unwrap();
        let second = validity();
        assert_ne!(first, second);
        assert!(matches!(
            store.create_mailbox(user, "Projects"),
            Err(StoreError::MailboxExists(_))
        ));
        assert!(store.create_mailbox(user, "a//b").is_err());
        assert!(store.create_mailbox(user, "a*").is_err());
    }

    #[tokio::test]
    async fn waiting_for_messages_times_out_with_what_was_there() {
        let store = store();
        store.deliver("alice@example.test", "INBOX", b"a").unwrap();
        let error = store
            .wait_for_messages("alice@example.test", "INBOX", 2, Duration::from_millis(20))
            .await
            .unwrap_err();
        assert!(matches!(
            error,
            StoreError::WaitTimedOut {
                found: 1,
                wanted: 2,
                ..
            }
        ));
    }
}
