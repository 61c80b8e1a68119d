//! The in-memory mail store behind the test mail server: accounts, mailboxes, messages.
//!
//! A [`MailStore`] is shared by the IMAP server ([`crate::testing::imap`]) and the SMTP
//! server: a delivery or a change made in one session is seen at once by every other,
//! which is what lets a test send a message and watch it arrive in IDLE. A
//! [`ServerMode`] picks between a plain RFC server and one that behaves like iCloud Mail.
//! Everything is bounded by [`StoreLimits`].
//!
//! ```
//! use std::time::Duration;
//! use mailwire::testing::mail::{MailStore, ServerMode, StoreError};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let store = MailStore::new(ServerMode::Icloud);
//! store.add_user("alice@icloud.com", "app-password").unwrap();
//! // iCloud takes the name part alone too.
//! assert_eq!(store.check_login("alice", "app-password").as_deref(), Some("alice@icloud.com"));
//! assert_eq!(store.check_login("alice", "wrong"), None);
//!
//! let waiter = {
//!     let store = store.clone();
//!     tokio::spawn(async move {
//!         store
//!             .wait_for_messages("alice@icloud.com", "INBOX", 1, Duration::from_secs(5))
//!             .await
//!     })
//! };
//! store.deliver("alice@icloud.com", "INBOX", b"Subject: hi\r\n\r\nhello\r\n").unwrap();
//! let arrived = waiter.await.unwrap().unwrap();
//! assert_eq!(arrived[0].uid, 1);
//!
//! // Notes is listed but holds no mail.
//! assert!(matches!(
//!     store.deliver("alice@icloud.com", "Notes", b"x"),
//!     Err(StoreError::NotSelectable(_))
//! ));
//! # });
//! ```

mod error;
pub(crate) mod mailbox;
mod mode;
mod server;
pub(crate) mod store;

pub use error::{StoreError, StoreLimits};
pub use mode::ServerMode;
pub use server::{MailServer, MailServerConfig};
pub use store::{MailStore, StoredMessage};
