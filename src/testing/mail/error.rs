//! What the store refuses, and the limits it keeps.

use core::fmt;

/// Bounds on what one account of a [`MailStore`](super::MailStore) may hold, so that a
/// client (or a fuzzer) pointed at the server cannot make it grow without end.
///
/// ```
/// use mailwire::testing::mail::StoreLimits;
///
/// let limits = StoreLimits::default().with_message_size(1 << 20);
/// assert_eq!(limits.message_size, 1 << 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreLimits {
    /// Largest message, in bytes (default 50 MiB).
    pub message_size: u64,
    /// Most messages in one mailbox (default 100 000).
    pub mailbox_messages: usize,
    /// Most bytes in one mailbox (default 1 GiB).
    pub mailbox_bytes: u64,
    /// Most mailboxes in one account (default 1000).
    pub mailboxes: usize,
    /// Longest mailbox name, in bytes of UTF-8 (default 1024).
    pub mailbox_name_len: usize,
    /// Most keywords (flags without `\`) one mailbox may hold (default 256).
    pub keywords: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            message_size: 50 << 20,
            mailbox_messages: 100_000,
            mailbox_bytes: 1 << 30,
            mailboxes: 1000,
            mailbox_name_len: 1024,
            keywords: 256,
        }
    }
}

impl StoreLimits {
    /// These limits with another largest message size.
    pub fn with_message_size(mut self, bytes: u64) -> Self {
        self.message_size = bytes;
        self
    }

    /// These limits with another number of messages per mailbox.
    pub fn with_mailbox_messages(mut self, count: usize) -> Self {
        self.mailbox_messages = count;
        self
    }

    /// These limits with another number of bytes per mailbox.
    pub fn with_mailbox_bytes(mut self, bytes: u64) -> Self {
        self.mailbox_bytes = bytes;
        self
    }

    /// These limits with another number of mailboxes per account.
    pub fn with_mailboxes(mut self, count: usize) -> Self {
        self.mailboxes = count;
        self
    }
}

/// Why the store refused a change or a look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreError {
    /// No account has this name.
    NoSuchUser(String),
    /// The account has no mailbox of this name.
    NoSuchMailbox(String),
    /// The account already exists.
    UserExists(String),
    /// A mailbox of this name already exists.
    MailboxExists(String),
    /// The mailbox exists but holds no messages (iCloud's Notes, a `\Noselect` parent).
    NotSelectable(String),
    /// A user or mailbox name the store does not take.
    InvalidName {
        /// What was named (`user name`, `mailbox name`).
        what: &'static str,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The message is larger than the store takes.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The largest size taken.
        limit: u64,
    },
    /// The mailbox would pass its message count or byte limit.
    MailboxFull {
        /// The mailbox.
        mailbox: String,
        /// Which limit, in words.
        limit: String,
    },
    /// The account has as many mailboxes as it may.
    TooManyMailboxes {
        /// The limit.
        limit: usize,
    },
    /// The mailbox has mailboxes under it and cannot be deleted before them.
    HasChildren(String),
    /// [`MailStore::wait_for_messages`](super::MailStore::wait_for_messages) gave up.
    WaitTimedOut {
        /// The mailbox waited on.
        mailbox: String,
        /// How many messages were awaited.
        wanted: usize,
        /// How many there were.
        found: usize,
        /// How long it waited.
        after: std::time::Duration,
    },
    /// INBOX cannot be deleted, and the mailbox names a rename needs are taken.
    Refused(&'static str),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NoSuchUser(user) => write!(
                f,
                "no account `{user}` in the mail store; add it with MailStore::add_user"
            ),
            StoreError::NoSuchMailbox(mailbox) => write!(
                f,
                "no mailbox `{mailbox}` in this account; create it first or check the name"
            ),
            StoreError::UserExists(user) => {
                write!(f, "the account `{user}` already exists in the mail store")
            }
            StoreError::MailboxExists(mailbox) => {
                write!(f, "a mailbox named `{mailbox}` already exists")
            }
            StoreError::NotSelectable(mailbox) => {
                write!(f, "the mailbox `{mailbox}` cannot hold messages")
            }
            StoreError::InvalidName { what, reason } => write!(f, "invalid {what}: {reason}"),
            StoreError::TooLarge { size, limit } => write!(
                f,
                "the message is {size} bytes, more than the {limit} bytes the store takes; \
                 raise StoreLimits::message_size to accept it"
            ),
            StoreError::MailboxFull { mailbox, limit } => write!(
                f,
                "the mailbox `{mailbox}` is full ({limit}); expunge messages or raise \
                 StoreLimits"
            ),
            StoreError::TooManyMailboxes { limit } => write!(
                f,
                "the account already has {limit} mailboxes, the most StoreLimits allows"
            ),
            StoreError::HasChildren(mailbox) => write!(
                f,
                "the mailbox `{mailbox}` has mailboxes under it; delete those first"
            ),
            StoreError::WaitTimedOut {
                mailbox,
                wanted,
                found,
                after,
            } => write!(
                f,
                "the mailbox `{mailbox}` held {found} of the {wanted} messages awaited within \
                 {after:?}; check the sender's transcript for a refused command"
            ),
            StoreError::Refused(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for StoreError {}
