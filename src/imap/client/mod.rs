//! The IMAP client: connect, log in, and run commands with deadlines, cancel safety and
//! no unilateral data lost.
//!
//! A [`Client`] is opened by a [`ClientBuilder`]: implicit TLS by default (port 993),
//! STARTTLS when asked (a PREAUTH greeting or a server without STARTTLS is then an error,
//! never a quiet plaintext session), plaintext only when asked for by name. Login uses
//! AUTHENTICATE PLAIN (SASL-IR when offered) or LOGIN, falls back from one to the other,
//! and for iCloud tries the other user-name form too. Errors ([`Error`]) say which server,
//! which command, and what to do; throttling is told apart from a wrong password.
//!
//! What the server says on its own during any command (new mail, expunges, flag changes,
//! alerts) updates the [`MailboxState`] and is kept as [`Event`]s for
//! [`Client::take_events`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use mailwire::imap::{ClientBuilder, Credentials};
//!
//! let password = std::env::var("MAILWIRE_PASSWORD")?;
//! let mut client = ClientBuilder::new("imap.mail.me.com", 993)
//!     .credentials(Credentials::new("name@icloud.com", password)?)
//!     .connect()
//!     .await?;
//! println!("IDLE offered: {}", client.has_capability("IDLE"));
//! client.enable(&["CONDSTORE"]).await?;
//! for event in client.noop().await? {
//!     println!("{event:?}");
//! }
//! client.logout().await?;
//! # Ok(()) }
//! ```

// An `Error` holds the `NetError` it wraps by value, so callers can match on it
// (`Error::Net { source: NetError::BufferedBeforeTls { .. }, .. }`); errors end a call, so
// the few extra bytes on the error path cost nothing that matters.
#![allow(
    clippy::result_large_err,
    reason = "the wrapped NetError is kept by value for matching"
)]

mod append;
mod auth;
mod basic;
mod body;
mod command;
mod config;
mod error;
mod fetch;
mod idle;
mod mailbox;
mod names;
mod raw;
mod read;
mod search;
mod select;
mod session;
mod state;
mod store;
mod transfer;
mod watch;

pub use append::{AppendOptions, Appended};
pub use body::BodyFetched;
pub use config::{ClientBuilder, Deadlines};
pub use error::Error;
pub use fetch::{FetchQuery, FetchStream, FetchedMessage};
pub use idle::{Idle, KEEPALIVES_KEPT};
pub use mailbox::{
    MailboxEntry, MailboxRole, MailboxStatus, Namespace, Namespaces, Quota, QuotaRoots, QuotaUsage,
    find_role,
};
pub use raw::Reply;
pub use search::SearchResult;
pub use session::Client;
pub use state::{Event, MailboxState};
pub use store::{FlagChange, StoreResult, StoredFlags};
pub use transfer::{CopyUid, Expunged, MoveResult};
pub use watch::{Backoff, WatchEvent, Watcher};

#[allow(unused_imports)]
pub(crate) use command::{
    Claim, Completion, Delivery, Pending, STREAM_LITERALS_ABOVE, claim_data, claim_nothing,
};
#[allow(unused_imports)]
pub(crate) use names::command_name;

#[cfg(all(test, feature = "testing"))]
mod tests;
