//! Whole-message tests: what the builder writes, read back the way a receiving client
//! would.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::encoding::{decode_words, quoted_printable_decode};
use super::*;

/// Wed, 25 Nov 2026 01:10:02 +0000.
const GOLDEN_TIME: u64 = 1_795_569_002;

fn mailbox(text: &str) -> Mailbox {
    text.parse().unwrap()
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// A builder with the fields every test needs and nothing else.
fn minimal() -> MessageBuilder {
    MessageBuilder::new()
        .from(mailbox("jane@example.com"))
        .to(mailbox("bob@example.org"))
        .date(at(GOLDEN_TIME))
        .message_id("<fixed@example.com>")
}

fn built(builder: MessageBuilder) -> (Message, String) {
    let message = builder.build().unwrap();
    assert_wire_lines(message.as_bytes());
    let text = String::from_utf8(message.as_bytes().to_vec()).unwrap();
    (message, text)
}

/// Every line ends with CRLF, no bare CR or LF anywhere, no line over 998 octets.
fn assert_wire_lines(bytes: &[u8]) {
    assert!(bytes.ends_with(b"\r\n"), "message does not end with CRLF");
    for (index, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let content = line
            .strip_suffix(b"\r\n")
            .unwrap_or_else(|| panic!("line {index} does not end with CRLF: {line:?}"));
        assert!(
            !content.contains(&b'\r'),
            "bare CR in line {index}: {content:?}"
        );
        assert!(
            content.len() <= 998,
            "line {index} has {} octets",
            content.len()
        );
    }
}

/// Unfolds a header block into (name, value) pairs, values trimmed.
fn header_block(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            headers.last_mut().unwrap().1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    headers
        .into_iter()
        .map(|(name, value)| (name, value.trim().to_owned()))
        .collect()
}

/// The message's headers and body.
fn split_message(text: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (header_block(head), body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(found, _)| found.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The boundary parameter of a multipart Content-Type.
fn boundary_of(headers: &[(String, String)]) -> String {
    let content_type = header(headers, "Content-Type").unwrap();
    let (_, quoted) = content_type.split_once("boundary=\"").unwrap();
    quoted.strip_suffix('"').unwrap().to_owned()
}

/// The parts of a multipart body, each as its headers and content.
fn parts<'a>(body: &'a str, boundary: &str) -> Vec<(Vec<(String, String)>, &'a str)> {
    let inner = body
        .strip_prefix(&format!("--{boundary}\r\n"))
        .unwrap()
        .strip_suffix(&format!("\r\n--{boundary}--\r\n"))
        .unwrap();
    inner
        .split(&format!("\r\n--{boundary}\r\n"))
        .map(|part| {
            let (head, content) = part.split_once("\r\n\r\n").unwrap();
            (header_block(head), content)
        })
        .collect()
}

/// A reproducible byte stream (xorshift).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

#[test]
fn golden_multipart_message() {
    let message = MessageBuilder::new()
        .from(mailbox("Jane Doe <jane@example.com>"))
        .to(mailbox("bob@example.org"))
        .cc(Mailbox::with_name("Zoë", "zoe@example.net").unwrap())
        .bcc(mailbox("hidden@example.com"))
        .reply_to(mailbox("replies@example.com"))
        .subject("Quarterly report")
        .header("X-Mailer", "mailwire-test")
        .text_body("Hello Bob,\n\nThe report is attached.\n.\n-- \nJane\n")
        .attach(Attachment::new("report.csv", "text/csv", b"col1,col2\n1,2\n".to_vec()).unwrap())
        .date(at(GOLDEN_TIME))
        .message_id("<golden.1@example.com>")
        .boundary("=_golden_boundary")
        .build()
        .unwrap();
    let expected = "\
Date: Wed, 25 Nov 2026 01:10:02 +0000\r\n\
From: Jane Doe <jane@example.com>\r\n\
Reply-To: replies@example.com\r\n\
To: bob@example.org\r\n\
Cc: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.net>\r\n\
Subject: Quarterly report\r\n\
Message-ID: <golden.1@example.com>\r\n\
X-Mailer: mailwire-test\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"=_golden_boundary\"\r\n\
\r\n\
--=_golden_boundary\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n\
Hello Bob,\r\n\
\r\n\
The report is attached.\r\n\
.\r\n\
-- \r\n\
Jane\r\n\
\r\n\
--=_golden_boundary\r\n\
Content-Type: text/csv; name=\"report.csv\"\r\n\
Content-Disposition: attachment; filename=\"report.csv\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
Y29sMSxjb2wyCjEsMgo=\r\n\
--=_golden_boundary--\r\n";
    assert_eq!(String::from_utf8_lossy(message.as_bytes()), expected);
    assert_eq!(message.sender().address(), "jane@example.com");
    let recipients: Vec<&str> = message.recipients().iter().map(Mailbox::address).collect();
    assert_eq!(
        recipients,
        ["bob@example.org", "zoe@example.net", "hidden@example.com"]
    );
    assert_eq!(message.message_id(), "<golden.1@example.com>");
    assert!(!message.is_8bit());
    assert!(!message.needs_smtputf8());
}

#[test]
fn golden_single_part_message() {
    let (_, text) = built(minimal().text_body("Hi"));
    assert_eq!(
        text,
        "Date: Wed, 25 Nov 2026 01:10:02 +0000\r\n\
         From: jane@example.com\r\n\
         To: bob@example.org\r\n\
         Message-ID: <fixed@example.com>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 7bit\r\n\
         \r\n\
         Hi\r\n"
    );
}

#[test]
fn a_message_without_body_is_still_well_formed() {
    let (_, text) = built(minimal());
    assert!(
        text.ends_with("Content-Transfer-Encoding: 7bit\r\n\r\n"),
        "{text}"
    );
}

#[test]
fn non_ascii_subject_and_names_read_back_the_same() {
    let subject = "Grüße aus Köln – 日本語の件名 🎉 with a tail that goes on and on and on, \
                   long enough to need several encoded words and folded lines";
    let (message, text) = built(
        MessageBuilder::new()
            .date(at(GOLDEN_TIME))
            .from(Mailbox::with_name("Jürgen Müller-Lüdenscheidt", "juergen@example.com").unwrap())
            .to(Mailbox::with_name("山田 太郎", "taro@example.jp").unwrap())
            .cc(Mailbox::with_name("O'Brien, Seán \"the tester\"", "sean@example.ie").unwrap())
            .subject(subject),
    );
    assert!(text.is_ascii());
    assert!(!message.is_8bit());
    let (headers, _) = split_message(&text);
    assert_eq!(decode_words(header(&headers, "Subject").unwrap()), subject);

    let from: Mailbox = header(&headers, "From").unwrap().parse().unwrap();
    assert_eq!(from.name(), Some("Jürgen Müller-Lüdenscheidt"));
    assert_eq!(from.address(), "juergen@example.com");
    let to: Mailbox = header(&headers, "To").unwrap().parse().unwrap();
    assert_eq!(to.name(), Some("山田 太郎"));
    let cc: Mailbox = header(&headers, "Cc").unwrap().parse().unwrap();
    assert_eq!(cc.name(), Some("O'Brien, Seán \"the tester\""));

    // The subject took several lines, each within the recommended 78.
    let subject_lines = text
        .split("\r\n")
        .skip_while(|line| !line.starts_with("Subject:"))
        .take_while(|line| line.starts_with("Subject:") || line.starts_with(' '))
        .collect::<Vec<_>>();
    assert!(subject_lines.len() > 2, "{subject_lines:?}");
    for line in subject_lines {
        assert!(line.len() <= 78, "{line}");
    }
}

#[test]
fn long_plain_subjects_fold_and_long_words_get_encoded() {
    let subject = "Minutes of the meeting ".repeat(20);
    let subject = subject.trim_end();
    let (_, text) = built(minimal().subject(subject));
    let (headers, _) = split_message(&text);
    assert_eq!(header(&headers, "Subject"), Some(subject));
    assert!(text.split("\r\n").all(|line| line.len() <= 78));

    let url = format!("see https://example.com/{}", "x".repeat(2000));
    let (_, text) = built(minimal().subject(&url));
    let (headers, _) = split_message(&text);
    assert_eq!(decode_words(header(&headers, "Subject").unwrap()), url);
    assert!(text.split("\r\n").all(|line| line.len() <= 78));
}

#[test]
fn text_body_survives_quoted_printable_exactly() {
    let long_line = "0123456789 ".repeat(30);
    let body = format!(
        ".\n.leading dot\n..two dots\ntrailing spaces   \ntrailing tab\t\n{long_line}\n\
         non-ASCII: café, naïve, Grüße, 日本語, 🎉\nbare CR\rmixed\r\nends = equals =\n\
         From the start of a line\n\x00 NUL and \x7f DEL\nno final newline"
    );
    let (message, text) = built(minimal().text_body(&body));
    assert!(!message.is_8bit());
    let (headers, encoded) = split_message(&text);
    assert_eq!(
        header(&headers, "Content-Transfer-Encoding"),
        Some("quoted-printable")
    );
    for line in encoded.split("\r\n") {
        assert!(line.len() <= 76, "{line}");
        assert!(!line.starts_with('.'), "{line}");
    }
    let expected = body
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
        + "\r\n";
    assert_eq!(
        String::from_utf8(quoted_printable_decode(encoded.as_bytes())).unwrap(),
        expected
    );
}

#[test]
fn plain_ascii_text_stays_7bit_with_dots_intact() {
    let body = "Line one\r\n.\r\n.hidden\r\n\r\nLast line\r\n";
    let (_, text) = built(minimal().text_body(body));
    let (headers, content) = split_message(&text);
    assert_eq!(header(&headers, "Content-Transfer-Encoding"), Some("7bit"));
    assert_eq!(content, body);
}

#[test]
fn five_megabyte_attachment_roundtrips() {
    let data = noise(5 * 1024 * 1024, 0x5eed);
    let (message, text) =
        built(minimal().text_body("See attached.").attach(
            Attachment::new("blob.bin", "application/octet-stream", data.clone()).unwrap(),
        ));
    assert!(!message.is_8bit());
    let (headers, body) = split_message(&text);
    let boundary = boundary_of(&headers);
    let parts = parts(body, &boundary);
    assert_eq!(parts.len(), 2);
    let (text_headers, text_content) = &parts[0];
    assert_eq!(
        header(text_headers, "Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(*text_content, "See attached.\r\n");
    let (attachment_headers, encoded) = &parts[1];
    assert_eq!(
        header(attachment_headers, "Content-Transfer-Encoding"),
        Some("base64")
    );
    let lines: Vec<&str> = encoded.split("\r\n").collect();
    assert!(lines[..lines.len() - 1].iter().all(|line| line.len() == 76));
    assert!(lines.last().unwrap().len() <= 76);
    assert_eq!(STANDARD.decode(lines.concat()).unwrap(), data);
}

#[test]
fn every_line_is_crlf_and_short_whatever_goes_in() {
    let mut builder = minimal()
        .subject(&"ß".repeat(3000))
        .text_body(&format!("{}\n{}", "y".repeat(5000), "\u{e9}".repeat(3000)))
        .header("X-Long", &"word ".repeat(500))
        .header("X-Unicode", &"ü".repeat(1000))
        .attach(Attachment::new(&"ä".repeat(120), "application/pdf", noise(1000, 3)).unwrap())
        .attach(Attachment::new(&"n".repeat(250), "text/plain", Vec::new()).unwrap());
    for n in 0..60 {
        builder = builder
            .to(Mailbox::with_name(
                &format!("Recipient Nümber {n}"),
                &format!("r{n}@example.com"),
            )
            .unwrap())
            .cc(Mailbox::new(&format!("c{n}@example.com")).unwrap());
    }
    let (message, text) = built(builder);
    // Folding kept every header line within the recommended length.
    let (head, _) = text.split_once("\r\n\r\n").unwrap();
    for line in head.split("\r\n") {
        assert!(line.len() <= 78, "{} octets: {line}", line.len());
    }
    assert_eq!(message.recipients().len(), 121);
    let (headers, _) = split_message(&text);
    // The trailing space would be trimmed by readers, so the value went encoded.
    assert_eq!(
        decode_words(header(&headers, "X-Long").unwrap()),
        "word ".repeat(500)
    );
    assert_eq!(
        decode_words(header(&headers, "X-Unicode").unwrap()),
        "ü".repeat(1000)
    );
    let to_count = header(&headers, "To")
        .unwrap()
        .matches("@example.com>")
        .count();
    assert_eq!(to_count, 60);
}

#[test]
fn non_ascii_file_names_use_rfc_2231() {
    let (_, text) = built(
        minimal()
            .text_body("x")
            .attach(Attachment::new("Jahresübersicht.pdf", "application/pdf", vec![1]).unwrap()),
    );
    let (headers, body) = split_message(&text);
    let parts = parts(body, &boundary_of(&headers));
    let (part_headers, _) = &parts[1];
    assert_eq!(
        header(part_headers, "Content-Type"),
        Some("application/pdf; name*=UTF-8''Jahres%C3%BCbersicht.pdf")
    );
    assert_eq!(
        header(part_headers, "Content-Disposition"),
        Some("attachment; filename*=UTF-8''Jahres%C3%BCbersicht.pdf")
    );
}

#[test]
fn attachments_without_text_make_a_multipart_of_attachments() {
    let (_, text) = built(
        minimal()
            .attach(Attachment::new("a.txt", "text/plain", b"A".to_vec()).unwrap())
            .attach(Attachment::new("empty.bin", "application/octet-stream", vec![]).unwrap()),
    );
    let (headers, body) = split_message(&text);
    let parts = parts(body, &boundary_of(&headers));
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].1, "QQ==");
    assert_eq!(parts[1].1, "");
}

#[test]
fn bcc_is_envelope_only() {
    let (message, text) = built(
        MessageBuilder::new()
            .from(mailbox("jane@example.com"))
            .bcc(mailbox("Secret Person <secret@example.net>"))
            .subject("only bcc"),
    );
    assert!(!text.contains("secret"), "{text}");
    assert!(!text.to_ascii_lowercase().contains("bcc:"), "{text}");
    let (headers, _) = split_message(&text);
    assert_eq!(header(&headers, "To"), None);
    assert_eq!(
        message.recipients(),
        [mailbox("Secret Person <secret@example.net>")]
    );
}

#[test]
fn recipients_are_deduplicated_across_to_cc_and_bcc() {
    let message = minimal()
        .to(mailbox("Bob Again <bob@EXAMPLE.org>"))
        .cc(mailbox("carol@example.org"))
        .bcc(mailbox("carol@example.org"))
        .bcc(mailbox("dave@example.org"))
        .build()
        .unwrap();
    let addresses: Vec<&str> = message.recipients().iter().map(Mailbox::address).collect();
    assert_eq!(
        addresses,
        ["bob@example.org", "carol@example.org", "dave@example.org"]
    );
}

#[test]
fn utf8_addresses_need_smtputf8_and_8bit() {
    let message = minimal()
        .to(mailbox("jörg@bücher.example"))
        .build()
        .unwrap();
    assert!(message.needs_smtputf8());
    assert!(message.is_8bit());
    assert_wire_lines(message.as_bytes());

    let reply_only = minimal()
        .reply_to(mailbox("jörg@example.de"))
        .build()
        .unwrap();
    assert!(reply_only.needs_smtputf8(), "Reply-To is written in UTF-8");

    let ascii = minimal()
        .subject("Grüße")
        .text_body("Grüße")
        .build()
        .unwrap();
    assert!(!ascii.needs_smtputf8());
    assert!(!ascii.is_8bit());
}

#[test]
fn missing_sender_or_recipients_are_refused() {
    let no_from = MessageBuilder::new().to(mailbox("bob@example.org")).build();
    assert!(matches!(no_from, Err(MessageError::MissingFrom)));
    let no_recipient = MessageBuilder::new()
        .from(mailbox("jane@example.com"))
        .build();
    assert!(matches!(no_recipient, Err(MessageError::NoRecipients)));
    let reply_to_is_no_recipient = MessageBuilder::new()
        .from(mailbox("jane@example.com"))
        .reply_to(mailbox("bob@example.org"))
        .build();
    assert!(matches!(
        reply_to_is_no_recipient,
        Err(MessageError::NoRecipients)
    ));
}

/// Asserts that `result` failed on `field` with `problem`, and that the message says
/// which field in words.
fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, MessageError>,
    field: Field,
    problem: Problem,
    words: &str,
) {
    match result {
        Err(error @ MessageError::InvalidField { .. }) => {
            let text = error.to_string();
            let MessageError::InvalidField {
                field: found_field,
                problem: found_problem,
                ..
            } = error
            else {
                unreachable!()
            };
            assert_eq!((found_field, found_problem), (field, problem));
            assert!(text.contains(words), "{text:?} does not mention {words:?}");
            assert!(!text.contains('\r') && !text.contains('\n'), "{text:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn header_injection_is_refused_naming_the_field() {
    assert_refused(
        minimal().subject("Hi\r\nBcc: victim@example.com").build(),
        Field::Subject,
        Problem::LineBreak,
        "Subject",
    );
    assert_refused(
        minimal().subject("Hi\nX-Evil: 1").build(),
        Field::Subject,
        Problem::LineBreak,
        "Subject",
    );
    assert_refused(
        minimal().subject("nul\0byte").build(),
        Field::Subject,
        Problem::Nul,
        "Subject",
    );
    assert_refused(
        minimal()
            .header("X-Campaign", "spring\r\nBcc: victim@example.com")
            .build(),
        Field::Header("X-Campaign".into()),
        Problem::LineBreak,
        "X-Campaign",
    );
    assert_refused(
        minimal()
            .header("X-Evil\r\nBcc", "victim@example.com")
            .build(),
        Field::HeaderName,
        Problem::LineBreak,
        "header name",
    );
    assert_refused(
        Mailbox::new("bob@example.org\r\nBcc: victim@example.com"),
        Field::Address,
        Problem::LineBreak,
        "address",
    );
    assert_refused(
        "Bob\r\nBcc: victim@example.com <bob@example.org>".parse::<Mailbox>(),
        Field::DisplayName,
        Problem::LineBreak,
        "display name",
    );
    assert_refused(
        Attachment::new(
            "a.pdf\r\nContent-Type: text/html",
            "application/pdf",
            vec![],
        ),
        Field::Filename,
        Problem::LineBreak,
        "file name",
    );
    assert_refused(
        Attachment::new("a.pdf", "application/pdf\r\nX: y", vec![]),
        Field::ContentType,
        Problem::LineBreak,
        "content type",
    );
    assert_refused(
        minimal()
            .message_id("<a@b>\r\nBcc: victim@example.com")
            .build(),
        Field::MessageId,
        Problem::LineBreak,
        "Message-ID",
    );
    assert_refused(
        minimal()
            .attach(Attachment::new("a", "text/plain", vec![]).unwrap())
            .boundary("b\r\nX: y")
            .build(),
        Field::Boundary,
        Problem::LineBreak,
        "boundary",
    );
}

#[test]
fn builder_owned_headers_cannot_be_added() {
    for name in [
        "From",
        "to",
        "CC",
        "Bcc",
        "Date",
        "Message-Id",
        "MIME-Version",
        "Subject",
        "Reply-To",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
    ] {
        let result = minimal().header(name, "x").build();
        match result {
            Err(error @ MessageError::ReservedHeader { .. }) => {
                assert!(error.to_string().contains(name), "{error}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    // Others are fine, including ones that hold addresses.
    let (_, text) = built(
        minimal()
            .header("In-Reply-To", "<original@example.com>")
            .header("Sender", "assistant@example.com"),
    );
    assert!(text.contains("\r\nIn-Reply-To: <original@example.com>\r\n"));
}

#[test]
fn message_ids_are_checked_or_generated_from_the_sender_domain() {
    let (message, _) = built(minimal().message_id("bare@example.com"));
    assert_eq!(message.message_id(), "<bare@example.com>");
    for (id, problem) in [
        ("", Problem::Empty),
        ("<>", Problem::Empty),
        ("no-at-sign", Problem::MissingAt),
        ("@example.com", Problem::BadDots),
        ("a b@example.com", Problem::Whitespace),
        ("a<b@example.com", Problem::Forbidden('<')),
        ("ü@example.com", Problem::NonAscii),
    ] {
        assert_refused(
            minimal().message_id(id).build(),
            Field::MessageId,
            problem,
            "Message-ID",
        );
    }

    let generate = || {
        MessageBuilder::new()
            .from(mailbox("jane@mail.example.com"))
            .to(mailbox("bob@example.org"))
            .build()
            .unwrap()
    };
    let first = generate();
    let second = generate();
    assert_ne!(first.message_id(), second.message_id());
    for message in [&first, &second] {
        let id = message.message_id();
        assert!(
            id.starts_with('<') && id.ends_with("@mail.example.com>"),
            "{id}"
        );
        let text = std::str::from_utf8(message.as_bytes()).unwrap();
        assert!(text.contains(&format!("\r\nMessage-ID: {id}\r\n")));
    }
}

#[test]
fn boundaries_never_occur_in_the_parts() {
    let text_with_boundary = "this text mentions =_golden_boundary on purpose";
    assert_refused(
        minimal()
            .text_body(text_with_boundary)
            .attach(Attachment::new("a", "text/plain", vec![]).unwrap())
            .boundary("=_golden_boundary")
            .build(),
        Field::Boundary,
        Problem::AppearsInContent,
        "boundary",
    );
    assert_refused(
        minimal()
            .attach(Attachment::new("a", "text/plain", vec![]).unwrap())
            .boundary(&"b".repeat(71))
            .build(),
        Field::Boundary,
        Problem::TooLong { max: 70 },
        "boundary",
    );
    // A generated boundary is checked the same way.
    let (_, text) = built(
        minimal()
            .text_body(text_with_boundary)
            .attach(Attachment::new("a", "text/plain", b"x".to_vec()).unwrap()),
    );
    let (headers, body) = split_message(&text);
    let boundary = boundary_of(&headers);
    assert_eq!(body.matches(boundary.as_str()).count(), 3);
}

#[test]
fn date_comes_from_the_clock_unless_set() {
    let before = SystemTime::now();
    let message = MessageBuilder::new()
        .from(mailbox("jane@example.com"))
        .to(mailbox("bob@example.org"))
        .build()
        .unwrap();
    let after = SystemTime::now();
    let text = std::str::from_utf8(message.as_bytes()).unwrap();
    let (headers, _) = split_message(text);
    let date = header(&headers, "Date").unwrap();
    let seconds = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let candidates: Vec<String> = (seconds(before)..=seconds(after))
        .map(|s| format_date(at(s)))
        .collect();
    assert!(
        candidates.iter().any(|c| c == date),
        "{date} not in {candidates:?}"
    );
}
