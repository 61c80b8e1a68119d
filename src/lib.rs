//! mailwire: SMTP and IMAP on the wire.
//!
//! Three layers, each usable alone:
//!
//! - **Codecs** ([`smtp::codec`], [`imap::codec`], pure, no I/O): bytes in, values out, and back, for both
//!   directions of each protocol, so clients, servers, proxies and fuzzers share them.
//!   Parsers borrow from the input, never panic, and bound every allocation by
//!   [`limits::Limits`]. Those that read a stream answer with the one [`Parsed`] type of
//!   both protocols: the item and the bytes it took, or "read more".
//!   `default-features = false` builds this layer alone (nom and base64 are its only
//!   dependencies). Feature `arbitrary` adds `arbitrary::Arbitrary` for the commands and
//!   responses of both protocols (`smtp::codec::arbitrary`, `imap::codec::arbitrary`):
//!   values the encoders always accept and the parsers read back equal, for fuzzers.
//! - **Connection** (`mailwire::net`, feature `client`): TCP with a timeout on every wait,
//!   implicit TLS or STARTTLS through rustls (an upgrade refuses bytes that arrived before
//!   it), bounded reads, and a transcript hook that never sees a password.
//! - **Clients** (`mailwire::smtp::Client`, feature `client`): the protocol's state machine with
//!   typed methods and errors that say which server, which step, and what to try.
//!
//! Around them: [`message`] builds RFC 5322 messages, [`sasl`] speaks PLAIN and LOGIN,
//! [`provider`] knows iCloud's settings and fallbacks (`docs/icloud.md` in the repository
//! says which of iCloud's behaviours mailwire handles, and how), and [`trace`] reads a
//! two-sided `C:`/`S:` transcript (or the CLI's `--trace` output) back through the codecs,
//! naming the byte where a line fails (codec layer, no features needed).
//!
//! For tests and fuzzers:
//!
//! - `mailwire::testing` (feature `testing`): a scripted server that misbehaves on purpose
//!   and an SMTP test server, on loopback;
//! - `mailwire::testing::MailServer`: a mail server in a box, SMTP submission and IMAP over
//!   one in-memory store, with generated TLS certificates, in `rfc` or `icloud` mode (what
//!   `mailwire serve` and `mailwire demo` run);
//! - `mailwire::testing::mail`: that store (`MailStore`: users, mailboxes, delivery, waiting
//!   for mail) and the server's configuration and mode;
//! - `mailwire::testing::imap`: the IMAP server alone, on a port or over any stream (one
//!   session per fuzz input);
//! - feature `arbitrary`: `arbitrary::Arbitrary` for SMTP and IMAP commands and responses
//!   (`smtp::codec::arbitrary`, `imap::codec::arbitrary`), only values the encoders accept
//!   and the parsers read back equal, so a fuzzer can start from valid traffic.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{encode_data, parse_reply, Parsed};
//!
//! // A server's reply, parsed without copying.
//! let wire = b"250-smtp.example.org\r\n250 2.0.0 Ok: queued as 4AB2C\r\n";
//! let Parsed::Complete(reply, used) = parse_reply(wire, &Limits::default())? else {
//!     unreachable!("the whole reply is there");
//! };
//! assert_eq!((reply.code().get(), used), (250, wire.len()));
//!
//! // Message data for DATA: line ends made CRLF, leading dots doubled, one final dot.
//! let data = encode_data(b"Subject: hi\n\n.hidden\nbye")?;
//! assert_eq!(data, b"Subject: hi\r\n\r\n..hidden\r\nbye\r\n.\r\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
#![cfg_attr(
    feature = "client",
    doc = r#"
Sending through iCloud (an app-specific password is required). `mailwire::smtp` holds
everything a send needs, the login, TLS and message types included, so one import does;
`ClientBuilder::new(host, port)` reaches any other server:

```no_run
# async fn send() -> Result<(), Box<dyn std::error::Error>> {
use mailwire::provider::ICLOUD;
use mailwire::smtp::{connect_with_fallback, Credentials, Mailbox, MessageBuilder};

let password = std::env::var("MAILWIRE_PASSWORD")?;
let credentials = Credentials::new("name@icloud.com", password)?;
// Port 587 with STARTTLS, then 465 with implicit TLS, as Apple advises.
let (mut client, _route) =
    connect_with_fallback(ICLOUD.smtp, |b| b.credentials(credentials.clone())).await?;
let message = MessageBuilder::new()
    .from(Mailbox::new("name@icloud.com")?)
    .to(Mailbox::new("friend@example.org")?)
    .subject("Hello")
    .text_body("Sent with mailwire.")
    .build()?;
client.send(&message).await?;
client.quit().await?;
# Ok(()) }
```
"#
)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod calendar;
pub mod imap;
mod keyword;
pub mod limits;
pub mod message;
mod parsed;
pub mod provider;
pub mod sasl;
pub mod scan;
pub mod security;
pub mod smtp;
pub mod text;
pub mod trace;

pub use parsed::Parsed;

#[cfg(feature = "client")]
pub mod net;

#[cfg(feature = "testing")]
pub mod testing;

/// The README's examples, compiled as doc tests so they cannot rot.
#[cfg(all(doctest, feature = "client"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
