use super::whole_reply;
use crate::smtp::codec::{Capabilities, EhloError};

fn capabilities(wire: &[u8]) -> Capabilities {
    match Capabilities::from_ehlo(&whole_reply(wire)) {
        Ok(capabilities) => capabilities,
        Err(error) => panic!("EHLO should succeed: {error}"),
    }
}

#[test]
fn postfix_before_tls() {
    let caps = capabilities(
        b"250-localhost\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n\
          250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n\
          250-SMTPUTF8\r\n250 CHUNKING\r\n",
    );
    assert_eq!(
        caps,
        Capabilities {
            domain: "localhost".into(),
            size: Some(10_240_000),
            pipelining: true,
            eight_bit_mime: true,
            smtp_utf8: true,
            enhanced_status_codes: true,
            chunking: true,
            dsn: true,
            starttls: true,
            auth: vec![],
            other: vec![
                ("VRFY".into(), String::new()),
                ("ETRN".into(), String::new())
            ],
        }
    );
    assert!(!caps.supports_auth("PLAIN"));
}

#[test]
fn postfix_after_tls_offers_auth() {
    let caps = capabilities(
        b"250-localhost\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n\
          250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n\
          250-SMTPUTF8\r\n250 CHUNKING\r\n",
    );
    assert!(!caps.starttls);
    assert_eq!(caps.auth, ["PLAIN", "LOGIN"]);
    assert!(caps.supports_auth("login") && caps.supports_auth("PLAIN"));
    assert!(!caps.supports_auth("XOAUTH2"));
}

#[test]
fn legacy_auth_lines_merge_with_standard_ones() {
    let caps = capabilities(
        b"250-mail.example.com Hello\r\n250-AUTH=PLAIN LOGIN\r\n250-AUTH LOGIN plain CRAM-MD5\r\n\
          250 auth=xoauth2\r\n",
    );
    assert_eq!(caps.domain, "mail.example.com");
    assert_eq!(caps.auth, ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"]);
}

#[test]
fn keywords_in_any_case_and_size_without_a_number() {
    let caps = capabilities(b"250-mx\r\n250-size\r\n250-Pipelining\r\n250 starttls\r\n");
    assert_eq!(caps.size, Some(0));
    assert!(caps.pipelining && caps.starttls);
    let caps = capabilities(b"250-mx\r\n250 SIZE not-a-number\r\n");
    assert_eq!(caps.size, Some(0), "announced, but no usable limit");
    let caps = capabilities(b"250 mx\r\n");
    assert_eq!(caps.size, None);
    assert_eq!(caps.domain, "mx");
}

#[test]
fn garbage_lines_do_not_spoil_the_rest() {
    let caps = capabilities(
        b"250-mx.example.org\r\n250-   \r\n250-@@ weird  stuff \r\n250-X-EXPS GSSAPI NTLM\r\n\
          250-AUTH ??? PLAIN this-name-is-far-too-long-for-sasl\r\n250 8BITMIME\r\n",
    );
    assert!(caps.eight_bit_mime);
    assert_eq!(caps.auth, ["PLAIN"]);
    assert_eq!(
        caps.other,
        [
            ("@@".to_owned(), "weird  stuff".to_owned()),
            ("X-EXPS".to_owned(), "GSSAPI NTLM".to_owned())
        ]
    );
}

#[test]
fn only_a_refusal_is_an_error() {
    let reply = whole_reply(b"502 5.5.1 Error: command not implemented\r\n");
    let error = Capabilities::from_ehlo(&reply).unwrap_err();
    let EhloError::Refused(refusal) = &error;
    assert_eq!(refusal.code.get(), 502);
    let message = error.to_string();
    assert!(
        message.contains("502 5.5.1 Error: command not implemented") && message.contains("HELO"),
        "{message}"
    );
}

#[test]
fn a_server_announces_what_a_client_reads() {
    let caps = Capabilities {
        domain: "test.example".into(),
        size: Some(0),
        pipelining: true,
        starttls: true,
        auth: vec!["PLAIN".into(), "LOGIN".into()],
        other: vec![
            ("VRFY".into(), String::new()),
            ("X-FOO".into(), "a b".into()),
        ],
        ..Capabilities::default()
    };
    let mut wire = Vec::new();
    caps.to_reply().encode(&mut wire);
    assert_eq!(
        wire,
        b"250-test.example\r\n250-SIZE\r\n250-PIPELINING\r\n250-STARTTLS\r\n\
          250-AUTH PLAIN LOGIN\r\n250-VRFY\r\n250 X-FOO a b\r\n"
    );
    assert_eq!(capabilities(&wire), caps);
}

#[test]
fn a_flood_of_mechanisms_is_still_listed_once_each() {
    let names: Vec<String> = (0..40).map(|index| format!("M{index}")).collect();
    let line = names.join(" ");
    let wire = format!(
        "250-mx\r\n250-AUTH {line}\r\n250 AUTH={}\r\n",
        line.to_lowercase()
    );
    let caps = capabilities(wire.as_bytes());
    assert_eq!(caps.auth, names);
}
