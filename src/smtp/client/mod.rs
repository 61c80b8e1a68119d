//! The SMTP submission client: greeting, EHLO, STARTTLS, AUTH, then messages.
//!
//! The session follows RFC 5321 and RFC 6409: the client refuses to say anything but
//! EHLO and STARTTLS before TLS is up (unless plaintext was asked for by name), forgets
//! what the server said before TLS, logs in with PLAIN or LOGIN, checks every reply, and
//! resets a transaction the server refused so the next message starts clean.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mailwire::smtp::Error> {
//! use mailwire::sasl::Credentials;
//! use mailwire::smtp::{ClientBuilder, Envelope};
//!
//! let mut client = ClientBuilder::new("smtp.mail.me.com", 587)
//!     .credentials(Credentials::new("name@icloud.com", "app-specific").unwrap())
//!     .connect()
//!     .await?;
//! let envelope = Envelope::new("name@icloud.com", ["friend@example.org"]);
//! client.send_raw(&envelope, b"Subject: hi\r\n\r\nhello\r\n").await?;
//! client.quit().await?;
//! # Ok(()) }
//! ```

mod config;
mod error;
mod fallback;
mod session;
mod transaction;

pub use config::{ClientBuilder, PhaseTimeouts, default_limits};
pub use error::{Error, Phase, RecipientRejection};
pub use fallback::{FallbackError, FallbackReport, connect_with_fallback};
pub use session::Client;
pub use transaction::{Envelope, SendReport};
