//! Attachments: a file name, a content type and the bytes, sent as base64.

use core::fmt;
use std::path::Path;

use super::error::{Field, MessageError, Problem};
use super::header::check_text;

/// Longest file name accepted, in bytes (the usual file-system limit).
const MAX_FILENAME: usize = 255;

/// A file attached to a message.
///
/// ```
/// use mailwire::message::Attachment;
///
/// let report = Attachment::new("report.pdf", "application/pdf", b"%PDF-1.7".to_vec()).unwrap();
/// assert_eq!(report.content_type(), "application/pdf");
/// assert!(Attachment::new("x.txt\r\nBcc: evil@example.com", "text/plain", vec![]).is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    filename: String,
    content_type: String,
    data: Vec<u8>,
}

impl Attachment {
    /// An attachment named `filename` (without directories) of type `content_type`
    /// (`type/subtype`, such as `application/pdf`).
    ///
    /// The file name may be any text without line breaks, control characters or path
    /// separators; non-ASCII names are written with RFC 2231. multipart/* and message/*
    /// types are refused, since they cannot be sent as base64.
    pub fn new(filename: &str, content_type: &str, data: Vec<u8>) -> Result<Self, MessageError> {
        check_filename(filename)
            .map_err(|problem| MessageError::invalid(Field::Filename, filename, problem))?;
        let content_type = check_content_type(content_type)
            .map_err(|problem| MessageError::invalid(Field::ContentType, content_type, problem))?;
        Ok(Attachment {
            filename: filename.to_owned(),
            content_type,
            data,
        })
    }

    /// Reads the file at `path`, naming the attachment after it and guessing its content
    /// type from its extension with [`guess_content_type`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, MessageError> {
        let path = path.as_ref();
        let filename = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Check the name before reading a possibly large file for nothing.
        check_filename(&filename)
            .map_err(|problem| MessageError::invalid(Field::Filename, &filename, problem))?;
        let data = std::fs::read(path).map_err(|source| MessageError::ReadAttachment {
            path: path.to_owned(),
            source,
        })?;
        Attachment::new(&filename, guess_content_type(&filename), data)
    }

    /// The file name as given.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The content type, in lower case.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The content.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

/// Shows the name, type and size, not the content.
impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

fn check_filename(filename: &str) -> Result<(), Problem> {
    if filename.is_empty() {
        return Err(Problem::Empty);
    }
    check_text(filename)?;
    if let Some(separator) = filename.chars().find(|&c| c == '/' || c == '\\') {
        return Err(Problem::Forbidden(separator));
    }
    if filename.len() > MAX_FILENAME {
        return Err(Problem::TooLong { max: MAX_FILENAME });
    }
    Ok(())
}

/// RFC 2045 `token`: printable ASCII without space and `tspecials`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
}

/// Checks `type/subtype` and returns it in lower case.
fn check_content_type(content_type: &str) -> Result<String, Problem> {
    check_text(content_type)?;
    if !content_type.is_ascii() {
        return Err(Problem::NonAscii);
    }
    let (kind, subtype) = content_type
        .split_once('/')
        .ok_or(Problem::NotTypeSubtype)?;
    if !is_token(kind) || !is_token(subtype) {
        return Err(Problem::NotTypeSubtype);
    }
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/") || lower.starts_with("message/") {
        return Err(Problem::CompositeType);
    }
    Ok(lower)
}

/// Content types by file extension, for the files people usually attach.
const TYPES: &[(&str, &str)] = &[
    ("7z", "application/x-7z-compressed"),
    ("avif", "image/avif"),
    ("bmp", "image/bmp"),
    ("csv", "text/csv"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("gif", "image/gif"),
    ("gz", "application/gzip"),
    ("heic", "image/heic"),
    ("htm", "text/html"),
    ("html", "text/html"),
    ("ics", "text/calendar"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("json", "application/json"),
    ("key", "application/vnd.apple.keynote"),
    ("m4a", "audio/mp4"),
    ("md", "text/markdown"),
    ("mov", "video/quicktime"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("numbers", "application/vnd.apple.numbers"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("pages", "application/vnd.apple.pages"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("rtf", "application/rtf"),
    ("svg", "image/svg+xml"),
    ("tar", "application/x-tar"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("txt", "text/plain"),
    ("vcf", "text/vcard"),
    ("wav", "audio/wav"),
    ("webp", "image/webp"),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xml", "application/xml"),
    ("zip", "application/zip"),
];

/// A content type for `filename` from its extension (any letter case), or
/// `application/octet-stream` when the extension is unknown.
///
/// ```
/// use mailwire::message::guess_content_type;
///
/// assert_eq!(guess_content_type("Holiday.JPG"), "image/jpeg");
/// assert_eq!(guess_content_type("data.bin"), "application/octet-stream");
/// ```
pub fn guess_content_type(filename: &str) -> &'static str {
    const DEFAULT: &str = "application/octet-stream";
    let Some((_, extension)) = filename.rsplit_once('.') else {
        return DEFAULT;
    };
    let extension = extension.to_ascii_lowercase();
    TYPES
        .binary_search_by(|(known, _)| known.cmp(&extension.as_str()))
        .ok()
        .and_then(|index| TYPES.get(index))
        .map_or(DEFAULT, |(_, content_type)| content_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_of(result: Result<Attachment, MessageError>, field: Field) -> Problem {
        match result {
            Err(MessageError::InvalidField {
                field: found,
                problem,
                ..
            }) if found == field => problem,
            other => panic!("expected an error about {field:?}, got {other:?}"),
        }
    }

    #[test]
    fn type_table_is_sorted_for_binary_search() {
        assert!(TYPES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (extension, content_type) in TYPES {
            assert_eq!(guess_content_type(&format!("f.{extension}")), *content_type);
            assert!(check_content_type(content_type).is_ok());
        }
        assert_eq!(guess_content_type("archive.tar.gz"), "application/gzip");
        assert_eq!(guess_content_type("README"), "application/octet-stream");
        assert_eq!(guess_content_type(".hidden"), "application/octet-stream");
    }

    #[test]
    fn filenames_that_could_break_headers_are_refused() {
        let cases = [
            ("", Problem::Empty),
            ("a.txt\r\nContent-Type: text/html", Problem::LineBreak),
            ("a.txt\n", Problem::LineBreak),
            ("a\0.txt", Problem::Nul),
            ("a\x1b.txt", Problem::Control),
            ("../etc/passwd", Problem::Forbidden('/')),
            ("C:\\boot.ini", Problem::Forbidden('\\')),
        ];
        for (filename, expected) in cases {
            let result = Attachment::new(filename, "text/plain", Vec::new());
            assert_eq!(
                problem_of(result, Field::Filename),
                expected,
                "{filename:?}"
            );
        }
        assert!(Attachment::new("Jahresübersicht 2026.pdf", "application/pdf", vec![]).is_ok());
    }

    #[test]
    fn content_types_are_checked_and_lowercased() {
        let ok = Attachment::new("a.pdf", "Application/PDF", vec![]).unwrap();
        assert_eq!(ok.content_type(), "application/pdf");
        let cases = [
            ("pdf", Problem::NotTypeSubtype),
            ("application/", Problem::NotTypeSubtype),
            ("application/pdf; name=x", Problem::NotTypeSubtype),
            ("text/plain\r\nBcc: x@y", Problem::LineBreak),
            ("multipart/mixed", Problem::CompositeType),
            ("message/rfc822", Problem::CompositeType),
            ("bild/jpég", Problem::NonAscii),
        ];
        for (content_type, expected) in cases {
            let result = Attachment::new("a", content_type, Vec::new());
            assert_eq!(
                problem_of(result, Field::ContentType),
                expected,
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn from_path_names_and_types_the_file() {
        let dir = std::env::temp_dir().join(format!("mailwire-attach-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("Notes.TXT");
        std::fs::write(&path, b"hello").unwrap();
        let attachment = Attachment::from_path(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(attachment.filename(), "Notes.TXT");
        assert_eq!(attachment.content_type(), "text/plain");
        assert_eq!(attachment.data(), b"hello");

        let missing = Attachment::from_path(dir.join("missing.pdf")).unwrap_err();
        assert!(matches!(missing, MessageError::ReadAttachment { .. }));
        assert!(missing.to_string().contains("missing.pdf"), "{missing}");
    }

    #[test]
    fn debug_shows_size_not_content() {
        let attachment = Attachment::new("a.bin", "application/octet-stream", vec![7; 1000]);
        let debug = format!("{:?}", attachment.unwrap());
        assert!(debug.contains("len: 1000"), "{debug}");
        assert!(!debug.contains("7, 7"), "{debug}");
    }
}
