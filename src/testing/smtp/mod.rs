//! A small but real SMTP submission server on loopback, for testing mail-sending code.
//!
//! [`SmtpServer`] speaks the protocol through the crate's own codec: EHLO/HELO, STARTTLS
//! (RFC 3207), AUTH PLAIN and LOGIN (RFC 4954), MAIL/RCPT/DATA with dot-stuffing undone,
//! BDAT (RFC 3030) when asked, RSET, NOOP, VRFY and QUIT, with pipelined commands answered
//! in order. It keeps every message it accepts as a [`ReceivedMail`], or, with a
//! [`MailStore`](crate::testing::mail::MailStore) behind it
//! ([`SmtpServerConfig::with_store`]), files it in the recipients' mailboxes where the IMAP
//! server reads them. [`SmtpServer::serve_stream`] runs one session over any stream, for
//! fuzzing. What it offers,
//! requires and refuses is set in [`SmtpServerConfig`]: TLS mode, accounts, SIZE, which
//! extensions are announced, recipients to refuse, a reply to give every message instead
//! of accepting it, limits and timeouts. Replies follow Postfix's wording.
//!
//! Every read and write has a timeout, every buffer a bound, and no input makes it panic.
//! For a server that misbehaves on purpose, use [`Script`](super::Script) instead.
//!
//! ```
//! use mailwire::net::{ConnectOptions, Connection};
//! use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let server = SmtpServer::start(SmtpServerConfig::plaintext()).await.unwrap();
//! let mut client = Connection::connect("127.0.0.1", server.port(), &ConnectOptions::default())
//!     .await
//!     .unwrap();
//! assert_eq!(
//!     client.read_line().await.unwrap(),
//!     b"220 localhost ESMTP mailwire test server"
//! );
//! for (command, reply) in [
//!     (&b"HELO client.example\r\n"[..], &b"250 localhost"[..]),
//!     (b"MAIL FROM:<alice@example.org>\r\n", b"250 2.1.0 Ok"),
//!     (b"RCPT TO:<bob@example.net>\r\n", b"250 2.1.5 Ok"),
//!     (b"DATA\r\n", b"354 End data with <CR><LF>.<CR><LF>"),
//!     (b"Subject: hi\r\n\r\n..a line that starts with a dot\r\n.\r\n", b"250 2.0.0 Ok: queued as 1"),
//!     (b"QUIT\r\n", b"221 2.0.0 Bye"),
//! ] {
//!     client.write_all(command).await.unwrap();
//!     assert_eq!(client.read_line().await.unwrap(), reply);
//! }
//!
//! let mail = &server.received()[0];
//! assert_eq!(mail.sender, "alice@example.org");
//! assert_eq!(mail.recipients, ["bob@example.net"]);
//! assert_eq!(mail.data, b"Subject: hi\r\n\r\n.a line that starts with a dot\r\n");
//! # });
//! ```

mod auth;
mod config;
mod delivery;
mod envelope;
mod reply;
mod server;
mod session;
mod transfer;
mod wire;

pub use config::{Security, SmtpServerConfig};
pub use server::{ReceivedMail, SmtpServer, WaitTimeout};
