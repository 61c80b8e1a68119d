//! SMTP submission: the sans-IO codec and (feature `client`) the client.

#![cfg_attr(
    feature = "client",
    doc = r#"
With the `client` feature this module is the one import a send needs. Besides the
client's own types ([`ClientBuilder`], [`Client`], [`Envelope`], [`Error`]…) it
re-exports, from where they live, what a send takes as input: the login
([`Credentials`], [`Mechanism`] from [`sasl`](crate::sasl)), the TLS mode and trust
([`Security`] from [`security`](crate::security), [`TlsConfig`] from
[`net`](crate::net)), a transcript hook ([`Transcript`], [`Direction`]) and the message
([`MessageBuilder`], [`Mailbox`], [`Attachment`], [`Message`] from
[`message`](crate::message)).

```no_run
# async fn send() -> Result<(), Box<dyn std::error::Error>> {
use mailwire::smtp::{ClientBuilder, Credentials, Envelope, Security};

let mut client = ClientBuilder::new("smtp.example.org", 465)
    .security(Security::ImplicitTls)
    .credentials(Credentials::new("me@example.org", std::env::var("MAILWIRE_PASSWORD")?)?)
    .connect()
    .await?;
let envelope = Envelope::new("me@example.org", ["you@example.org"]);
client
    .send_raw(&envelope, b"Subject: hi\r\n\r\nHello!\r\n")
    .await?;
client.quit().await?;
# Ok(()) }
```
"#
)]

pub mod codec;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "client")]
pub use client::*;

// Not a prelude to glob-import: these names stay in the module of the protocol they serve,
// where they cannot collide with IMAP's.
#[cfg(feature = "client")]
pub use crate::message::{Attachment, Mailbox, Message, MessageBuilder};
#[cfg(feature = "client")]
pub use crate::net::{Direction, TlsConfig, Transcript};
#[cfg(feature = "client")]
pub use crate::sasl::{Credentials, Mechanism};
#[cfg(feature = "client")]
pub use crate::security::Security;
