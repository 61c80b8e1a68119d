//! The message builder's encoders, alone and together. RFC 2047 words, quoted-printable,
//! base64 lines and MIME parameters are 7-bit, keep to their line lengths and decode back
//! to their input; a mailbox written into a header reads back as the same mailbox; and a
//! whole message built from fuzzed parts (addresses, subject, text, an attachment, an extra
//! header) has no bare CR or LF, no line over 998 octets, and headers that parse back:
//! every line a field or a fold, the Subject decoding to the subject given.
#![no_main]

#[path = "common/parts.rs"]
mod parts;

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use mailwire::message::encoding::{
    MAX_ENCODED_LINE, MAX_ENCODED_WORD, base64_lines, decode_words, encode_words, mime_parameter,
    quoted_printable_decode, quoted_printable_encode,
};
use mailwire::message::{Attachment, Mailbox, MessageBuilder};

use parts::Parts;

/// Every line of `text` ends with CRLF, and no CR or LF stands anywhere else.
fn crlf_lines(text: &[u8]) -> Vec<&[u8]> {
    assert!(text.is_empty() || text.ends_with(b"\r\n"), "{text:?}");
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .expect("a line end");
        assert_eq!(&rest[end..end + 2], b"\r\n", "bare CR or LF in {text:?}");
        lines.push(&rest[..end]);
        rest = &rest[end + 2..];
    }
    lines
}

fn check_words(text: &str) {
    let encoded = encode_words(text);
    assert!(
        encoded.bytes().all(|b| (b' '..=b'~').contains(&b)),
        "{encoded:?}"
    );
    for word in encoded.split(' ') {
        assert!(word.len() <= MAX_ENCODED_WORD, "{word:?}");
    }
    assert_eq!(decode_words(&encoded), text);
}

fn check_quoted_printable(data: &[u8]) {
    let encoded = quoted_printable_encode(data);
    // The output ends without CRLF where the data does; the line check wants one.
    let mut whole = encoded.clone();
    if !whole.is_empty() && !whole.ends_with("\r\n") {
        whole.push_str("\r\n");
    }
    for line in crlf_lines(whole.as_bytes()) {
        assert!(line.len() <= MAX_ENCODED_LINE, "{line:?}");
        // RFC 2045: printable ASCII and tabs, none at the end of a line.
        assert!(
            line.iter()
                .all(|&b| (b' '..=b'~').contains(&b) || b == b'\t'),
            "{line:?}"
        );
        assert!(!line.ends_with(b" ") && !line.ends_with(b"\t"), "{line:?}");
        assert!(
            !line.starts_with(b"."),
            "a line starting with a dot: {line:?}"
        );
    }
    assert_eq!(quoted_printable_decode(encoded.as_bytes()), data);
}

fn check_base64(data: &[u8]) {
    let encoded = base64_lines(data);
    let lines = crlf_lines(encoded.as_bytes());
    assert_eq!(lines.len(), data.len().div_ceil(57));
    for line in lines {
        assert!(line.len() <= MAX_ENCODED_LINE);
        assert!(
            line.iter()
                .all(|&b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
    }
}

/// The header section's fields, unfolded: (name, value after the colon's space).
fn fields(header: &[u8]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in crlf_lines(header) {
        let text = std::str::from_utf8(line).expect("headers are UTF-8");
        if text.starts_with([' ', '\t']) {
            let (_, value) = fields.last_mut().expect("a fold follows a field");
            value.push_str(text);
            continue;
        }
        let (name, value) = text.split_once(':').expect("a field has a colon");
        assert!(!name.is_empty(), "{text:?}");
        assert!(name.bytes().all(|b| (b'!'..=b'~').contains(&b)), "{text:?}");
        fields.push((name.to_owned(), value.to_owned()));
    }
    // The space after the colon goes once the value is unfolded: a value whose first word
    // did not fit beside the name is folded right after the colon ("Subject:" CRLF
    // " word"), and unfolding gives "Subject: word" as if it had never been folded.
    for (_, value) in &mut fields {
        if value.starts_with(' ') {
            value.remove(0);
        }
    }
    fields
}

fuzz_target!(|data: &[u8]| {
    let mut parts = Parts::new(data);
    let flags = parts.bytes().first().copied().unwrap_or(0);
    let from_name = parts.text();
    let from_address = parts.text();
    let to_address = parts.text();
    let subject = parts.text();
    let text = parts.text();
    let file_name = parts.text();
    let content_type = parts.text();
    let attachment = parts.bytes().to_vec();
    let header_name = parts.text();
    let header_value = parts.text();

    // Each encoder alone.
    check_words(&subject);
    check_words(&from_name);
    check_quoted_printable(text.as_bytes());
    check_quoted_printable(&attachment);
    check_base64(&attachment);
    let parameter = mime_parameter("filename", &file_name);
    assert!(
        parameter
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) || b == b'\r' || b == b'\n')
    );
    if parameter.contains(['\r', '\n']) {
        crlf_lines(format!("{parameter}\r\n").as_bytes());
    }

    // A mailbox written as a header writes it reads back the same.
    let from = match Mailbox::with_name(&from_name, &from_address) {
        Ok(mailbox) => {
            let again: Mailbox = mailbox
                .to_string()
                .parse()
                .expect("a written mailbox parses");
            assert_eq!(again.address(), mailbox.address());
            assert_eq!(again.name(), mailbox.name(), "written as {mailbox}");
            Some(mailbox)
        }
        Err(error) => {
            let _ = error.to_string();
            Mailbox::new(&from_address).ok()
        }
    };
    let Some(from) = from else {
        return;
    };

    // The whole message.
    let mut builder = MessageBuilder::new()
        .from(from.clone())
        .subject(&subject)
        .text_body(&text)
        .date(UNIX_EPOCH + Duration::from_secs(u64::from(flags) * 86_400 * 97))
        .message_id("<fuzz.1@mailwire.test>");
    builder = match Mailbox::new(&to_address) {
        Ok(to) if flags & 1 == 0 => builder.to(to),
        Ok(to) => builder.cc(to),
        Err(_) => builder.to(from.clone()),
    };
    if flags & 2 != 0 {
        match Attachment::new(&file_name, &content_type, attachment) {
            Ok(attachment) => builder = builder.attach(attachment),
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
    if flags & 4 != 0 {
        builder = builder.header(&header_name, &header_value);
    }
    let message = match builder.build() {
        Ok(message) => message,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let bytes = message.as_bytes();
    for line in crlf_lines(bytes) {
        assert!(line.len() <= 998, "a line of {} octets", line.len());
    }
    if !message.is_8bit() {
        assert!(bytes.is_ascii());
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header section");
    let fields = fields(&bytes[..end + 2]);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if !subject.trim().is_empty() {
        let written = field("Subject").expect("a Subject");
        // Folding put CRLF before white space; unfolding took it away again.
        assert_eq!(decode_words(written), subject, "written as {written:?}");
    }
    let written_from: Mailbox = field("From").expect("a From").parse().expect("From parses");
    assert_eq!(written_from.address(), from.address());
    assert_eq!(message.sender().address(), from.address());
});
