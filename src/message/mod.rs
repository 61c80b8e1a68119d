//! A minimal RFC 5322 message builder: From, To, Cc, Bcc, Reply-To, Subject, Date,
//! Message-ID, a plain-text body and attachments.
//!
//! The output is always 7-bit clean unless an address itself is UTF-8: non-ASCII subjects
//! and display names become RFC 2047 encoded words, text goes as quoted-printable when it
//! is not short plain ASCII, attachments go as base64 in a multipart/mixed message. Every
//! line ends with CRLF and none is longer than 998 octets. Every value that could add a
//! header (a CR or LF in a subject, address, header or file name) is refused with an
//! error naming the field. Bcc recipients are in the envelope only, never in a header.
//!
//! The result is a [`Message`]: the bytes plus the envelope (`MAIL FROM`, `RCPT TO`) and
//! what the server must support to take it (SMTPUTF8, 8BITMIME). Dot-stuffing is the
//! SMTP layer's job.
//!
//! ```
//! use mailwire::message::{Attachment, Mailbox, MessageBuilder};
//!
//! let message = MessageBuilder::new()
//!     .from("Jürgen Müller <juergen@example.com>".parse().unwrap())
//!     .to(Mailbox::new("team@example.org").unwrap())
//!     .subject("Grüße aus Köln")
//!     .text_body("Hallo!\nAnbei der Bericht.\n")
//!     .attach(Attachment::new("bericht.pdf", "application/pdf", b"%PDF-1.7".to_vec()).unwrap())
//!     .build()
//!     .unwrap();
//!
//! let text = std::str::from_utf8(message.as_bytes()).unwrap();
//! let subject = text.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap();
//! assert!(subject.starts_with("=?UTF-8?"));
//! assert_eq!(mailwire::message::encoding::decode_words(subject), "Grüße aus Köln");
//! assert!(text.contains("\r\nContent-Type: multipart/mixed; boundary="));
//! assert!(text.lines().all(|line| line.len() <= 998));
//! assert_eq!(message.sender().address(), "juergen@example.com");
//! assert!(!message.is_8bit());
//! ```

mod address;
mod attachment;
mod builder;
pub mod encoding;
mod error;
mod header;
mod mail;
mod unique;

#[cfg(test)]
mod tests;

pub use crate::calendar::format_date;
pub use address::Mailbox;
pub use attachment::{Attachment, guess_content_type};
pub use builder::MessageBuilder;
pub use error::{Field, MessageError, Problem};
pub use mail::Message;
