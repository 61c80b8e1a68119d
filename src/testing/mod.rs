//! A scripted loopback server for protocol tests.
//!
//! A [`Script`] is the server's side of a conversation: what to send, what the client must
//! send back, when to start TLS, and how to misbehave (stall, inject bytes before TLS,
//! send an endless line, close early). A [`ScriptedServer`] plays it on 127.0.0.1 and
//! reports what the client sent, so a test reads as a transcript in and an expectation
//! out.
//!
//! ```
//! use mailwire::net::{ConnectOptions, Connection};
//! use mailwire::testing::{Mode, Script, ScriptedServer};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let script = Script::new(Mode::Plain)
//!     .send(b"220 mail.example.org ESMTP\r\n")
//!     .expect_prefix("EHLO ")
//!     .send(b"250 mail.example.org\r\n");
//! let server = ScriptedServer::start(script).await.unwrap();
//!
//! let mut client = Connection::connect("127.0.0.1", server.port(), &ConnectOptions::default())
//!     .await
//!     .unwrap();
//! assert_eq!(client.read_line().await.unwrap(), b"220 mail.example.org ESMTP");
//! client.write_all(b"EHLO client.example\r\n").await.unwrap();
//! assert_eq!(client.read_line().await.unwrap(), b"250 mail.example.org");
//! drop(client);
//!
//! let log = server.finish().await.unwrap();
//! assert_eq!(log.received_unredacted(), b"EHLO client.example\r\n");
//! assert!(log.expectations.iter().all(|e| e.matched));
//! assert!(!log.tls_established);
//! # });
//! ```

mod accept;
mod certgen;
mod certs;
mod conn;
pub mod demo;
pub mod imap;
mod log;
pub mod mail;
mod script;
mod server;
pub mod smtp;

pub use certgen::{CertError, GeneratedTls};
pub use certs::server_config_from_pem;
pub use conn::ServerConn;
pub use log::{ExpectRecord, Failure, ScriptError, ServerLog};
pub use mail::MailServer;
pub use script::{HandlerFuture, Mode, Script};
pub use server::ScriptedServer;
