//! The message builder: collects addresses, subject, text and attachments, checks them all,
//! and writes the message.

use std::time::SystemTime;

use super::address::Mailbox;
use super::attachment::Attachment;
use super::encoding::{base64_lines, mime_parameter, quoted_printable_encode};
use super::error::{Field, MessageError, Problem};
use super::header::{PREFERRED_LINE, check_header_name, check_text, unstructured, write_header};
use super::mail::Message;
use super::unique;
use crate::calendar::format_date;
use crate::scan::{find_byte, find_cr_or_lf};

/// RFC 2046 section 5.1.1.
const MAX_BOUNDARY: usize = 70;
/// RFC 5322 allows longer ids, but nobody needs them and they must fit a header line.
const MAX_MESSAGE_ID: usize = 250;
/// Attempts at a generated boundary that collides with content before giving up; a
/// collision takes a 64-bit random value guessed by the author of the text, so more than
/// one attempt is already paranoia.
const BOUNDARY_ATTEMPTS: usize = 8;

/// Builds a message step by step; [`build`](MessageBuilder::build) checks everything and
/// writes it.
///
/// ```
/// use mailwire::message::{Mailbox, MessageBuilder};
///
/// let message = MessageBuilder::new()
///     .from(Mailbox::with_name("Jane Doe", "jane@example.com").unwrap())
///     .to(Mailbox::new("bob@example.org").unwrap())
///     .bcc(Mailbox::new("archive@example.com").unwrap())
///     .subject("Lunch?")
///     .text_body("Noon at the usual place.\n")
///     .build()
///     .unwrap();
/// let text = String::from_utf8(message.as_bytes().to_vec()).unwrap();
/// assert!(text.contains("\r\nSubject: Lunch?\r\n"));
/// assert!(!text.contains("archive@")); // Bcc is envelope only.
/// assert_eq!(message.recipients().len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageBuilder {
    from: Option<Mailbox>,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    bcc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    subject: Option<String>,
    text: Option<String>,
    attachments: Vec<Attachment>,
    headers: Vec<(String, String)>,
    date: Option<SystemTime>,
    message_id: Option<String>,
    boundary: Option<String>,
}

impl MessageBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        MessageBuilder::default()
    }

    /// Sets the author and envelope sender (replacing any earlier one).
    pub fn from(mut self, mailbox: Mailbox) -> Self {
        self.from = Some(mailbox);
        self
    }

    /// Adds a To recipient.
    pub fn to(mut self, mailbox: Mailbox) -> Self {
        self.to.push(mailbox);
        self
    }

    /// Adds a Cc recipient.
    pub fn cc(mut self, mailbox: Mailbox) -> Self {
        self.cc.push(mailbox);
        self
    }

    /// Adds a Bcc recipient: it receives the message but appears in no header.
    pub fn bcc(mut self, mailbox: Mailbox) -> Self {
        self.bcc.push(mailbox);
        self
    }

    /// Adds a Reply-To address.
    pub fn reply_to(mut self, mailbox: Mailbox) -> Self {
        self.reply_to.push(mailbox);
        self
    }

    /// Sets the subject; non-ASCII text is written as RFC 2047 encoded words. Checked by
    /// [`build`](MessageBuilder::build): no line breaks or control characters.
    pub fn subject(mut self, subject: &str) -> Self {
        self.subject = Some(subject.to_owned());
        self
    }

    /// Sets the plain-text body. Line ends of any kind (CRLF, LF, CR) become CRLF and the
    /// text ends with one; otherwise it arrives exactly as given.
    pub fn text_body(mut self, text: &str) -> Self {
        self.text = Some(text.to_owned());
        self
    }

    /// Adds an attachment; the message becomes multipart/mixed with the text first.
    pub fn attach(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }

    /// Adds an extra header, such as `In-Reply-To` or `X-Mailer`. Checked by
    /// [`build`](MessageBuilder::build): the name must be printable ASCII without `:` or
    /// space and not one the builder writes itself (From, To, Cc, Bcc, Reply-To, Subject,
    /// Date, Message-ID, MIME-Version, Content-*); the value must have no line breaks or
    /// control characters. Non-ASCII values are written as RFC 2047 encoded words.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the Date instead of taking the system clock at build time.
    pub fn date(mut self, time: SystemTime) -> Self {
        self.date = Some(time);
        self
    }

    /// Sets the Message-ID (with or without angle brackets) instead of generating one.
    pub fn message_id(mut self, id: &str) -> Self {
        self.message_id = Some(id.to_owned());
        self
    }

    /// Sets the multipart boundary instead of generating one, for reproducible output.
    /// [`build`](MessageBuilder::build) refuses it if it occurs in any part.
    pub fn boundary(mut self, boundary: &str) -> Self {
        self.boundary = Some(boundary.to_owned());
        self
    }

    /// Checks everything and writes the message.
    ///
    /// Fails without a From address, without any To, Cc or Bcc recipient, or when a value
    /// would break the message; the error names the field.
    pub fn build(self) -> Result<Message, MessageError> {
        let from = self.from.ok_or(MessageError::MissingFrom)?;
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            return Err(MessageError::NoRecipients);
        }
        if let Some(subject) = &self.subject {
            check_text(subject)
                .map_err(|problem| MessageError::invalid(Field::Subject, subject, problem))?;
        }
        for (name, value) in &self.headers {
            check_header_name(name)?;
            check_text(value).map_err(|problem| {
                MessageError::invalid(Field::Header(name.clone()), value, problem)
            })?;
        }
        let message_id = match &self.message_id {
            Some(id) => checked_message_id(id)?,
            None => unique::message_id(from.domain(), from.address()),
        };
        let date = format_date(self.date.unwrap_or_else(SystemTime::now));

        let text = self.text.as_deref().map(TextPart::new);
        let mut out = Vec::with_capacity(
            1024 + text.as_ref().map_or(0, |t| t.content.len())
                + self
                    .attachments
                    .iter()
                    .map(|a| a.data().len() / 3 * 4 * 78 / 76 + 512)
                    .sum::<usize>(),
        );
        let owned = |name: &str| Field::Header(name.to_owned());
        write_header(&mut out, "Date", &date, || owned("Date"))?;
        write_header(&mut out, "From", &from.to_string(), || owned("From"))?;
        for (name, list) in [
            ("Reply-To", &self.reply_to),
            ("To", &self.to),
            ("Cc", &self.cc),
        ] {
            if !list.is_empty() {
                write_header(&mut out, name, &address_list(list), || owned(name))?;
            }
        }
        if let Some(subject) = &self.subject {
            write_header(&mut out, "Subject", &unstructured(subject), || {
                Field::Subject
            })?;
        }
        write_header(&mut out, "Message-ID", &message_id, || Field::MessageId)?;
        for (name, value) in &self.headers {
            write_header(&mut out, name, &unstructured(value), || owned(name))?;
        }
        out.extend_from_slice(b"MIME-Version: 1.0\r\n");

        if self.attachments.is_empty() {
            let text = text.unwrap_or_else(|| TextPart::new(""));
            text.write_headers(&mut out);
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&text.content);
        } else {
            let mut parts = Vec::with_capacity(self.attachments.len() + 1);
            if let Some(text) = text {
                let mut part = Vec::with_capacity(text.content.len() + 128);
                text.write_headers(&mut part);
                part.extend_from_slice(b"\r\n");
                part.extend_from_slice(&text.content);
                parts.push(part);
            }
            for attachment in &self.attachments {
                parts.push(attachment_part(attachment)?);
            }
            let boundary = match &self.boundary {
                Some(boundary) => checked_boundary(boundary, &parts)?,
                None => generated_boundary(from.address(), &parts)?,
            };
            let content_type = format!("multipart/mixed; boundary=\"{boundary}\"");
            write_header(&mut out, "Content-Type", &content_type, || Field::Boundary)?;
            out.extend_from_slice(b"\r\n");
            for (index, part) in parts.iter().enumerate() {
                // The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1),
                // so a part's own final line break survives.
                if index > 0 {
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"--");
                out.extend_from_slice(boundary.as_bytes());
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(part);
            }
            out.extend_from_slice(b"\r\n--");
            out.extend_from_slice(boundary.as_bytes());
            out.extend_from_slice(b"--\r\n");
        }

        let smtputf8 = [&from]
            .into_iter()
            .chain(&self.to)
            .chain(&self.cc)
            .chain(&self.bcc)
            .chain(&self.reply_to)
            .any(|mailbox| mailbox.needs_smtputf8());
        let recipients = self.to.into_iter().chain(self.cc).chain(self.bcc).collect();
        Ok(Message::assembled(
            out, from, recipients, message_id, smtputf8,
        ))
    }
}

/// The text body, normalised and encoded.
struct TextPart {
    transfer_encoding: &'static str,
    content: Vec<u8>,
}

impl TextPart {
    fn new(text: &str) -> Self {
        let normalised = crlf_line_ends(text.as_bytes());
        if is_plain_7bit(&normalised) {
            TextPart {
                transfer_encoding: "7bit",
                content: normalised,
            }
        } else {
            TextPart {
                transfer_encoding: "quoted-printable",
                content: quoted_printable_encode(&normalised).into_bytes(),
            }
        }
    }

    fn write_headers(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"Content-Type: text/plain; charset=utf-8\r\n");
        out.extend_from_slice(b"Content-Transfer-Encoding: ");
        out.extend_from_slice(self.transfer_encoding.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}

/// `text` with every CRLF, bare LF and bare CR made CRLF, ending with CRLF unless empty.
fn crlf_line_ends(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32 + 2);
    let mut rest = text;
    while let Some(at) = find_cr_or_lf(rest) {
        let (line, ending) = rest.split_at(at);
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
        let ending_len = if ending.starts_with(b"\r\n") { 2 } else { 1 };
        rest = ending.get(ending_len..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Whether CRLF-normalised text can go as 7bit as it is: printable ASCII and tabs only,
/// and lines no longer than RFC 5322 recommends (longer ones are better served by
/// quoted-printable's soft breaks than by risking the 998 limit).
fn is_plain_7bit(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n').all(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.len() <= PREFERRED_LINE
            && line
                .iter()
                .all(|&b| (b' '..=b'~').contains(&b) || b == b'\t')
    })
}

/// `To:`-style list: mailboxes separated by `, `, where the header can fold.
fn address_list(mailboxes: &[Mailbox]) -> String {
    mailboxes
        .iter()
        .map(Mailbox::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One attachment as a MIME part: headers, blank line, base64 lines (the last one's CRLF
/// left to the boundary delimiter).
fn attachment_part(attachment: &Attachment) -> Result<Vec<u8>, MessageError> {
    let encoded = base64_lines(attachment.data());
    let mut part = Vec::with_capacity(encoded.len() + 256);
    let content_type = format!(
        "{}; {}",
        attachment.content_type(),
        mime_parameter("name", attachment.filename())
    );
    let disposition = format!(
        "attachment; {}",
        mime_parameter("filename", attachment.filename())
    );
    write_header(&mut part, "Content-Type", &content_type, || Field::Filename)?;
    write_header(&mut part, "Content-Disposition", &disposition, || {
        Field::Filename
    })?;
    part.extend_from_slice(b"Content-Transfer-Encoding: base64\r\n\r\n");
    part.extend_from_slice(
        encoded
            .strip_suffix("\r\n")
            .unwrap_or(encoded.as_str())
            .as_bytes(),
    );
    Ok(part)
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, tail)) = needle.split_first() else {
        return true;
    };
    let mut rest = haystack;
    while let Some(at) = find_byte(first, rest) {
        let after = rest.get(at + 1..).unwrap_or_default();
        if after.starts_with(tail) {
            return true;
        }
        rest = after;
    }
    false
}

/// RFC 2046 `bcharsnospace`.
fn is_boundary_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"'()+_,-./:=?".contains(&byte)
}

fn checked_boundary(boundary: &str, parts: &[Vec<u8>]) -> Result<String, MessageError> {
    let invalid = |problem| Err(MessageError::invalid(Field::Boundary, boundary, problem));
    if boundary.is_empty() {
        return invalid(Problem::Empty);
    }
    if boundary.len() > MAX_BOUNDARY {
        return invalid(Problem::TooLong { max: MAX_BOUNDARY });
    }
    if let Some(c) = boundary
        .chars()
        .find(|&c| !c.is_ascii() || !is_boundary_char(c as u8))
    {
        return invalid(match c {
            '\r' | '\n' => Problem::LineBreak,
            ' ' => Problem::Whitespace,
            c => Problem::Forbidden(c),
        });
    }
    if parts.iter().any(|part| contains(part, boundary.as_bytes())) {
        return invalid(Problem::AppearsInContent);
    }
    Ok(boundary.to_owned())
}

fn generated_boundary(salt: &str, parts: &[Vec<u8>]) -> Result<String, MessageError> {
    let mut last = String::new();
    for _ in 0..BOUNDARY_ATTEMPTS {
        last = unique::boundary(salt);
        if !parts.iter().any(|part| contains(part, last.as_bytes())) {
            return Ok(last);
        }
    }
    Err(MessageError::invalid(
        Field::Boundary,
        &last,
        Problem::AppearsInContent,
    ))
}

/// A caller's Message-ID with angle brackets: `left@right` of printable ASCII.
fn checked_message_id(id: &str) -> Result<String, MessageError> {
    let invalid = |problem| MessageError::invalid(Field::MessageId, id, problem);
    let inner = id
        .strip_prefix('<')
        .and_then(|inner| inner.strip_suffix('>'))
        .unwrap_or(id);
    check_text(inner).map_err(invalid)?;
    if inner.is_empty() {
        return Err(invalid(Problem::Empty));
    }
    if inner.len() > MAX_MESSAGE_ID {
        return Err(invalid(Problem::TooLong {
            max: MAX_MESSAGE_ID,
        }));
    }
    if let Some(c) = inner
        .chars()
        .find(|&c| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '\\'))
    {
        return Err(invalid(match c {
            ' ' | '\t' => Problem::Whitespace,
            c if !c.is_ascii() => Problem::NonAscii,
            c => Problem::Forbidden(c),
        }));
    }
    match inner.split_once('@') {
        Some((left, right)) if !left.is_empty() && !right.is_empty() => Ok(format!("<{inner}>")),
        Some(_) => Err(invalid(Problem::BadDots)),
        None => Err(invalid(Problem::MissingAt)),
    }
}
