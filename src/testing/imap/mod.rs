//! An IMAP server over the in-memory [`MailStore`](crate::testing::mail::MailStore), for
//! testing mail clients: real clients (mailwire's own, mbsync, Python's imaplib) can log in,
//! list, select, fetch, search, store, copy, move, expunge, append and IDLE.
//!
//! It reads and writes through the crate's own IMAP codec, in both directions. Several
//! sessions on one store see each other's changes as RFC 3501 §7.4.1 allows, and IDLE
//! hears of a delivery within milliseconds. Modes ([`ServerMode`]) play a plain RFC server
//! or iCloud Mail. Lines, literals, messages, mailboxes, sessions and idle time are all
//! bounded, so a fuzzer can be pointed at it: [`ImapServer::serve_stream`] runs one session
//! over any byte stream.
//!
//! [`ServerMode`]: crate::testing::mail::ServerMode
//!
//! ```
//! use mailwire::net::{ConnectOptions, Connection};
//! use mailwire::testing::imap::{ImapServer, ImapServerConfig};
//! use mailwire::testing::mail::{MailStore, ServerMode};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let store = MailStore::new(ServerMode::Rfc);
//! store.add_user("alice", "secret").unwrap();
//! store.deliver("alice", "INBOX", b"Subject: hi\r\n\r\nhello\r\n").unwrap();
//! let server = ImapServer::start(ImapServerConfig::plaintext(), store).await.unwrap();
//!
//! let mut client = Connection::connect("127.0.0.1", server.port(), &ConnectOptions::default())
//!     .await
//!     .unwrap();
//! let greeting = client.read_line().await.unwrap();
//! assert!(greeting.starts_with(b"* OK [CAPABILITY IMAP4rev1 "));
//! client.write_all(b"a1 LOGIN alice secret\r\n").await.unwrap();
//! assert!(client.read_line().await.unwrap().starts_with(b"a1 OK [CAPABILITY "));
//! client.write_all(b"a2 UID FETCH 1 (FLAGS RFC822.SIZE)\r\n").await.unwrap();
//! // No mailbox is selected yet.
//! assert_eq!(client.read_line().await.unwrap(), b"a2 BAD No mailbox selected");
//! client.write_all(b"a3 EXAMINE INBOX\r\n").await.unwrap();
//! while !client.read_line().await.unwrap().starts_with(b"a3 ") {}
//! client.write_all(b"a4 UID FETCH 1 (FLAGS RFC822.SIZE)\r\n").await.unwrap();
//! assert_eq!(client.read_line().await.unwrap(), b"* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 22)");
//! assert_eq!(client.read_line().await.unwrap(), b"a4 OK FETCH completed");
//! server.shutdown().await;
//! # });
//! ```

mod append;
mod auth;
mod config;
mod conn;
mod fetch;
mod idle;
mod mailbox;
pub(crate) mod message;
mod misc;
mod search;
mod select;
mod server;
mod session;
mod store;
mod transfer;

pub use config::{ImapServerConfig, Security};
pub use server::ImapServer;
