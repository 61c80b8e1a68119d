//! A finished message: its bytes and its envelope.

use core::fmt;

use super::address::Mailbox;
use super::error::{Field, MessageError, Problem};
use crate::scan::next_line;

/// A message ready to send: the RFC 5322 bytes with CRLF line ends, plus the envelope
/// (who sends, who receives) and what the SMTP layer must ask of the server for it.
///
/// Made by [`MessageBuilder::build`](super::MessageBuilder::build) or taken as is with
/// [`Message::from_raw`].
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    bytes: Vec<u8>,
    sender: Mailbox,
    recipients: Vec<Mailbox>,
    message_id: String,
    smtputf8: bool,
    eight_bit: bool,
}

impl Message {
    /// Assembles a message from its parts; the builder has checked them.
    pub(crate) fn assembled(
        bytes: Vec<u8>,
        sender: Mailbox,
        recipients: Vec<Mailbox>,
        message_id: String,
        smtputf8: bool,
    ) -> Self {
        let eight_bit = bytes.iter().any(|&b| b >= 0x80);
        Message {
            bytes,
            sender,
            recipients: deduplicated(recipients),
            message_id,
            smtputf8,
            eight_bit,
        }
    }

    /// Takes a ready-made message (for instance a file in RFC 5322 format) to be sent to
    /// `recipients` from `sender`, keeping its bytes exactly.
    ///
    /// Nothing is rewritten: the SMTP layer turns bare line ends into CRLF and dot-stuffs
    /// when it sends. The Message-ID is read from the message's headers when it has one.
    ///
    /// ```
    /// use mailwire::message::{Mailbox, Message};
    ///
    /// let raw = b"From: a@example.com\r\nMessage-ID: <1@example.com>\r\n\r\nHi\r\n".to_vec();
    /// let sender = Mailbox::new("a@example.com").unwrap();
    /// let message = Message::from_raw(raw, sender, vec![Mailbox::new("b@example.org").unwrap()])
    ///     .unwrap();
    /// assert_eq!(message.message_id(), "<1@example.com>");
    /// assert!(!message.is_8bit());
    /// ```
    pub fn from_raw(
        bytes: Vec<u8>,
        sender: Mailbox,
        recipients: Vec<Mailbox>,
    ) -> Result<Self, MessageError> {
        if bytes.is_empty() {
            return Err(MessageError::invalid(Field::RawMessage, "", Problem::Empty));
        }
        if recipients.is_empty() {
            return Err(MessageError::NoRecipients);
        }
        let message_id = find_message_id(&bytes).unwrap_or_default();
        let smtputf8 = sender.needs_smtputf8() || recipients.iter().any(Mailbox::needs_smtputf8);
        Ok(Message::assembled(
            bytes, sender, recipients, message_id, smtputf8,
        ))
    }

    /// The message as it goes after SMTP `DATA` (before dot-stuffing).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The message bytes, giving up the envelope.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The envelope sender, for `MAIL FROM`.
    pub fn sender(&self) -> &Mailbox {
        &self.sender
    }

    /// The envelope recipients, for `RCPT TO`: To, Cc and Bcc in that order, each address
    /// once (the domain compared without regard to case).
    pub fn recipients(&self) -> &[Mailbox] {
        &self.recipients
    }

    /// Whether the server must offer SMTPUTF8 for this message: an envelope address is not
    /// ASCII (for a built message, also an address in Reply-To, since it is written in
    /// UTF-8 in the headers).
    pub fn needs_smtputf8(&self) -> bool {
        self.smtputf8
    }

    /// Whether the message has bytes above 0x7F, so it must be sent with
    /// `BODY=8BITMIME`. Built messages are 7-bit unless an address is in UTF-8.
    pub fn is_8bit(&self) -> bool {
        self.eight_bit
    }

    /// The Message-ID with its angle brackets, as in the header; empty for a raw message
    /// without one.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }
}

/// Shows the envelope and size, not the content.
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("sender", &self.sender.address())
            .field(
                "recipients",
                &self
                    .recipients
                    .iter()
                    .map(Mailbox::address)
                    .collect::<Vec<_>>(),
            )
            .field("message_id", &self.message_id)
            .field("len", &self.bytes.len())
            .field("smtputf8", &self.smtputf8)
            .field("eight_bit", &self.eight_bit)
            .finish()
    }
}

/// Keeps the first of each recipient.
fn deduplicated(recipients: Vec<Mailbox>) -> Vec<Mailbox> {
    let mut seen = std::collections::HashSet::new();
    recipients
        .into_iter()
        .filter(|mailbox| {
            let (local, domain) = mailbox.recipient_key();
            seen.insert((local.to_owned(), domain))
        })
        .collect()
}

/// The value of the first Message-ID header, unfolded and trimmed.
fn find_message_id(bytes: &[u8]) -> Option<String> {
    let mut rest = bytes;
    let mut found: Option<Vec<u8>> = None;
    loop {
        let (content, consumed) = match next_line(rest, usize::MAX) {
            Ok(Some(line)) => (line.content, line.consumed),
            // The last line has no line end.
            _ => (rest, rest.len()),
        };
        if content.is_empty() {
            // The blank line ending the header section, or the end of the message.
            break;
        }
        rest = rest.get(consumed..).unwrap_or_default();
        let continuation = content.first().is_some_and(|&b| b == b' ' || b == b'\t');
        match (&mut found, continuation) {
            (Some(value), true) => value.extend_from_slice(content),
            (Some(_), false) => break,
            (None, _) => {
                let value = split_header(content)
                    .filter(|(name, _)| name.eq_ignore_ascii_case(b"message-id"));
                if let Some((_, value)) = value {
                    found = Some(value.to_vec());
                }
            }
        }
    }
    let value = found?;
    Some(String::from_utf8_lossy(value.trim_ascii()).into_owned())
}

/// A header line's name and value.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = line.iter().position(|&b| b == b':')?;
    Some((line.get(..at)?.trim_ascii_end(), line.get(at + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(address: &str) -> Mailbox {
        Mailbox::new(address).unwrap()
    }

    #[test]
    fn raw_messages_keep_their_bytes() {
        let raw = b"Subject: caf\xc3\xa9\nMessage-ID:\n <folded@example.com>\n\n.\nbody\n".to_vec();
        let message = Message::from_raw(
            raw.clone(),
            mailbox("a@example.com"),
            vec![mailbox("b@example.org")],
        )
        .unwrap();
        assert_eq!(message.as_bytes(), raw.as_slice());
        assert_eq!(message.message_id(), "<folded@example.com>");
        assert!(message.is_8bit());
        assert!(!message.needs_smtputf8());
    }

    #[test]
    fn raw_message_id_is_only_read_from_the_header_section() {
        let raw = b"Subject: x\r\n\r\nMessage-ID: <in-body@example.com>\r\n".to_vec();
        let message = Message::from_raw(
            raw,
            mailbox("a@example.com"),
            vec![mailbox("b@example.org")],
        )
        .unwrap();
        assert_eq!(message.message_id(), "");
        assert!(!message.is_8bit());

        let raw = b"message-id: <last@example.com>".to_vec();
        let message = Message::from_raw(
            raw,
            mailbox("a@example.com"),
            vec![mailbox("b@example.org")],
        )
        .unwrap();
        assert_eq!(message.message_id(), "<last@example.com>");
    }

    #[test]
    fn raw_messages_need_content_and_recipients() {
        assert!(matches!(
            Message::from_raw(b"x".to_vec(), mailbox("a@example.com"), vec![]),
            Err(MessageError::NoRecipients)
        ));
        assert!(matches!(
            Message::from_raw(Vec::new(), mailbox("a@example.com"), vec![mailbox("b@c.d")]),
            Err(MessageError::InvalidField {
                field: Field::RawMessage,
                problem: Problem::Empty,
                ..
            })
        ));
    }

    #[test]
    fn raw_envelope_decides_smtputf8_and_recipients_are_deduplicated() {
        let message = Message::from_raw(
            b"x".to_vec(),
            mailbox("a@example.com"),
            vec![
                mailbox("b@Example.org"),
                mailbox("jörg@example.de"),
                mailbox("b@example.ORG"),
                mailbox("B@example.org"),
            ],
        )
        .unwrap();
        assert!(message.needs_smtputf8());
        let addresses: Vec<&str> = message.recipients().iter().map(Mailbox::address).collect();
        assert_eq!(
            addresses,
            ["b@Example.org", "jörg@example.de", "B@example.org"]
        );
    }
}
