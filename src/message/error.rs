//! Why a message could not be built.

use core::fmt;
use std::io;
use std::path::PathBuf;

/// The part of a message that a [`MessageError`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    /// An email address (addr-spec).
    Address,
    /// The display name of an address.
    DisplayName,
    /// The Subject header.
    Subject,
    /// The name of an extra header.
    HeaderName,
    /// The value of the extra header with this name.
    Header(String),
    /// An attachment's file name.
    Filename,
    /// An attachment's content type.
    ContentType,
    /// The Message-ID.
    MessageId,
    /// The MIME multipart boundary.
    Boundary,
    /// A ready-made message given to [`Message::from_raw`](super::Message::from_raw).
    RawMessage,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Address => f.write_str("the email address"),
            Field::DisplayName => f.write_str("the display name"),
            Field::Subject => f.write_str("the Subject"),
            Field::HeaderName => f.write_str("the header name"),
            Field::Header(name) => write!(f, "the {} header", escaped_preview(name)),
            Field::Filename => f.write_str("the attachment file name"),
            Field::ContentType => f.write_str("the attachment content type"),
            Field::MessageId => f.write_str("the Message-ID"),
            Field::Boundary => f.write_str("the MIME boundary"),
            Field::RawMessage => f.write_str("the raw message"),
        }
    }
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is empty.
    Empty,
    /// The value contains CR or LF: it would end the header line and start a new one.
    LineBreak,
    /// The value contains a NUL character.
    Nul,
    /// The value contains a control character other than tab.
    Control,
    /// The value contains white space where none is allowed.
    Whitespace,
    /// The value contains this character, which has no place there.
    Forbidden(char),
    /// The value must be ASCII but is not.
    NonAscii,
    /// An address lacks the `@` between local part and domain.
    MissingAt,
    /// An address has an empty local part or domain, or dots at the start, at the end or
    /// twice in a row.
    BadDots,
    /// The value is longer than the limit, in bytes.
    TooLong {
        /// The largest length accepted.
        max: usize,
    },
    /// A content type is not of the form `type/subtype`.
    NotTypeSubtype,
    /// A content type is multipart/* or message/*, which cannot be sent as a base64
    /// attachment.
    CompositeType,
    /// A boundary occurs inside one of the parts it separates.
    AppearsInContent,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("is empty"),
            Problem::LineBreak => f.write_str(
                "contains a line break (CR or LF), which would let it forge headers; \
                 remove the line break",
            ),
            Problem::Nul => f.write_str("contains a NUL character; remove it"),
            Problem::Control => f.write_str("contains a control character; remove it"),
            Problem::Whitespace => f.write_str("contains white space; remove it"),
            Problem::Forbidden(c) => write!(f, "contains {:?}, which is not allowed there", c),
            Problem::NonAscii => f.write_str("contains non-ASCII characters; use ASCII only"),
            Problem::MissingAt => f.write_str("has no '@'; write it as name@example.com"),
            Problem::BadDots => f.write_str(
                "has an empty part (nothing before or after '@', or a '.' at the start, at \
                 the end or doubled)",
            ),
            Problem::TooLong { max } => write!(f, "is longer than {max} bytes; shorten it"),
            Problem::NotTypeSubtype => {
                f.write_str("is not of the form type/subtype, such as application/pdf")
            }
            Problem::CompositeType => f.write_str(
                "is a multipart or message type, which cannot be attached as base64; use \
                 application/octet-stream",
            ),
            Problem::AppearsInContent => {
                f.write_str("occurs inside the message content; choose another boundary")
            }
        }
    }
}

/// Why a message, address or attachment could not be made.
#[derive(Debug)]
#[non_exhaustive]
pub enum MessageError {
    /// No From address was given.
    MissingFrom,
    /// No To, Cc or Bcc recipient was given.
    NoRecipients,
    /// A value cannot be put into the message as given.
    InvalidField {
        /// Which value.
        field: Field,
        /// The value, escaped and shortened for display.
        value: String,
        /// What is wrong with it.
        problem: Problem,
    },
    /// An extra header has a name that the builder writes itself.
    ReservedHeader {
        /// The header name as given.
        name: String,
    },
    /// A header cannot be folded into lines of at most 998 bytes because it has a word
    /// longer than that.
    HeaderTooLong {
        /// Which header.
        field: Field,
    },
    /// An attachment file could not be read.
    ReadAttachment {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl MessageError {
    /// An [`InvalidField`](MessageError::InvalidField) error for `value`.
    pub(crate) fn invalid(field: Field, value: &str, problem: Problem) -> Self {
        MessageError::InvalidField {
            field,
            value: escaped_preview(value),
            problem,
        }
    }
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::MissingFrom => {
                f.write_str("the message has no From address; set one with .from(...)")
            }
            MessageError::NoRecipients => f.write_str(
                "the message has no recipient; add at least one with .to(...), .cc(...) or \
                 .bcc(...)",
            ),
            MessageError::InvalidField {
                field,
                value,
                problem,
            } => write!(f, "{field} \"{value}\" {problem}"),
            MessageError::ReservedHeader { name } => write!(
                f,
                "the header {} is written by the message builder itself; use the builder's \
                 own method for it instead of .header(...)",
                escaped_preview(name)
            ),
            MessageError::HeaderTooLong { field } => write!(
                f,
                "{field} has a word longer than 998 bytes, which no mail line may carry; \
                 break it up with spaces"
            ),
            MessageError::ReadAttachment { path, source } => write!(
                f,
                "could not read the attachment {}: {source}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for MessageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MessageError::ReadAttachment { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `value` with control characters escaped and cut to a length that fits an error line.
fn escaped_preview(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut preview: String = value
        .chars()
        .take(MAX_CHARS)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().nth(MAX_CHARS).is_some() {
        preview.push('…');
    }
    preview
}
