use super::{Rng, whole_reply};
use crate::smtp::codec::{Capabilities, EhloError};

fn capabilities(wire: &[u8]) -> Capabilities<'_> {
    match Capabilities::from_ehlo(&whole_reply(wire)) {
        Ok(capabilities) => capabilities,
        Err(error) => panic!("EHLO should succeed: {error}"),
    }
}

fn mechanisms(caps: &Capabilities<'_>) -> Vec<String> {
    caps.mechanisms().map(|name| name.into_owned()).collect()
}

fn others(caps: &Capabilities<'_>) -> Vec<(String, String)> {
    caps.others()
        .map(|(keyword, params)| (keyword.into_owned(), params.into_owned()))
        .collect()
}

#[test]
fn postfix_before_tls() {
    let caps = capabilities(
        b"250-localhost\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n\
          250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n\
          250-SMTPUTF8\r\n250 CHUNKING\r\n",
    );
    let mut expected = Capabilities::new("localhost");
    expected.size = Some(10_240_000);
    expected.pipelining = true;
    expected.eight_bit_mime = true;
    expected.smtp_utf8 = true;
    expected.enhanced_status_codes = true;
    expected.chunking = true;
    expected.dsn = true;
    expected.starttls = true;
    expected.add_other("VRFY", "").unwrap();
    expected.add_other("ETRN", "").unwrap();
    assert_eq!(caps, expected);
    assert_eq!(caps.domain(), "localhost");
    assert!(mechanisms(&caps).is_empty());
    assert_eq!(
        others(&caps),
        [
            ("VRFY".to_owned(), String::new()),
            ("ETRN".to_owned(), String::new())
        ]
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
    assert_eq!(mechanisms(&caps), ["PLAIN", "LOGIN"]);
    assert!(caps.supports_auth("login") && caps.supports_auth("PLAIN"));
    assert!(!caps.supports_auth("XOAUTH2"));
}

#[test]
fn legacy_auth_lines_merge_with_standard_ones() {
    let caps = capabilities(
        b"250-mail.example.com Hello\r\n250-AUTH=PLAIN LOGIN\r\n250-AUTH LOGIN plain CRAM-MD5\r\n\
          250 auth=xoauth2\r\n",
    );
    assert_eq!(caps.domain(), "mail.example.com");
    assert_eq!(mechanisms(&caps), ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"]);
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
    assert_eq!(caps.domain(), "mx");
}

#[test]
fn garbage_lines_do_not_spoil_the_rest() {
    let caps = capabilities(
        b"250-mx.example.org\r\n250-   \r\n250-@@ weird  stuff \r\n250-X-EXPS GSSAPI NTLM\r\n\
          250-AUTH ??? PLAIN this-name-is-far-too-long-for-sasl\r\n250 8BITMIME\r\n",
    );
    assert!(caps.eight_bit_mime);
    assert_eq!(mechanisms(&caps), ["PLAIN"]);
    assert_eq!(
        others(&caps),
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
    let mut caps = Capabilities::new("test.example");
    caps.size = Some(0);
    caps.pipelining = true;
    caps.starttls = true;
    caps.add_mechanism("PLAIN").unwrap();
    caps.add_other("VRFY", "").unwrap();
    caps.add_mechanism("login").unwrap();
    caps.add_other("X-FOO", "a b").unwrap();
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
    assert_eq!(mechanisms(&caps), names);
}

#[test]
fn capabilities_outlive_the_buffer_they_were_read_from() {
    let kept = {
        let wire = b"250-smtp.gmail.com at your service, [203.0.113.7]\r\n250-SIZE 35882577\r\n\
                     250-8BITMIME\r\n250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER \
                     XOAUTH\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250-CHUNKING\r\n\
                     250 SMTPUTF8\r\n"
            .to_vec();
        let reply = whole_reply(&wire);
        Capabilities::from_ehlo(&reply).unwrap().into_owned()
    };
    assert_eq!(kept.domain(), "smtp.gmail.com");
    assert_eq!(kept.size, Some(35_882_577));
    assert!(kept.eight_bit_mime && kept.enhanced_status_codes && kept.pipelining);
    assert!(kept.chunking && kept.smtp_utf8 && !kept.starttls && !kept.dsn);
    assert_eq!(
        mechanisms(&kept),
        [
            "LOGIN",
            "PLAIN",
            "XOAUTH2",
            "PLAIN-CLIENTTOKEN",
            "OAUTHBEARER",
            "XOAUTH"
        ]
    );
    assert!(kept.supports_auth("oauthbearer") && !kept.supports_auth("CRAM-MD5"));
}

#[test]
fn icloud_and_exchange_replies_keep_unknown_mechanisms_and_extensions() {
    let icloud = capabilities(
        b"250-p42-icloudmta-asmtp-us-west-1.icloud-mail-production.svc.kube.k8s.cloud.apple.com\r\n\
          250-PIPELINING\r\n250-SIZE 28311552\r\n250-ETRN\r\n\
          250-AUTH LOGIN PLAIN ATOKEN WSTOKEN WETOKEN\r\n\
          250-AUTH=LOGIN PLAIN ATOKEN WSTOKEN WETOKEN\r\n250-ENHANCEDSTATUSCODES\r\n\
          250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n",
    );
    assert_eq!(
        mechanisms(&icloud),
        ["LOGIN", "PLAIN", "ATOKEN", "WSTOKEN", "WETOKEN"]
    );
    assert_eq!(icloud.other("etrn").as_deref(), Some(""));
    assert_eq!(icloud.size, Some(28_311_552));

    let exchange = capabilities(
        b"250-EXCH042.corp.example.org Hello [192.0.2.7]\r\n250-SIZE 37748736\r\n\
          250-PIPELINING\r\n250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-AUTH NTLM LOGIN X-ACME-SSO\r\n\
          250-X-EXPS GSSAPI NTLM\r\n250-8BITMIME\r\n250-BINARYMIME\r\n250-CHUNKING\r\n\
          250-XRDST\r\n250 XEXCH50\r\n",
    );
    assert_eq!(exchange.domain(), "EXCH042.corp.example.org");
    assert_eq!(mechanisms(&exchange), ["NTLM", "LOGIN", "X-ACME-SSO"]);
    assert!(exchange.supports_auth("x-acme-sso") && !exchange.supports_auth("X-ACME"));
    assert_eq!(exchange.other("X-EXPS").as_deref(), Some("GSSAPI NTLM"));
    assert_eq!(
        others(&exchange),
        [
            ("X-EXPS".to_owned(), "GSSAPI NTLM".to_owned()),
            ("BINARYMIME".to_owned(), String::new()),
            ("XRDST".to_owned(), String::new()),
            ("XEXCH50".to_owned(), String::new())
        ]
    );
    assert_eq!(exchange.other("VRFY"), None);
}

#[test]
fn the_shortcut_and_the_plain_reader_agree_on_odd_lines() {
    // Shapes the shortcut leaves to the plain reader, or reads itself, one per line.
    let cases: &[&[u8]] = &[
        b"250-mx\r\n250 ENHANCEDSTATUSCODES\r\n",
        b"250-mx\r\n250 enhancedstatuscodes\r\n",
        b"250-mx\r\n250-PIPELINING\n250-Size 100\n250 auth plain\n",
        b"250-mx\r\n250-PIPELINING  \r\n250-  DSN\r\n250 STARTTLS now\r\n",
        b"250-mx\r\n250-PIPELININGX\r\n250-DSNX\r\n250 SIZEX 5\r\n",
        b"250-mx\r\n250-SIZE +100\r\n250 AUTH\r\n",
        b"250-mx\r\n250-SIZE 99999999999999999999999\r\n250 SIZE\r\n",
        b"250-mx\r\n250-SIZE 100 200\r\n250 SIZE 100x\r\n",
        b"250-mx\r\n250-AUTH PLAIN\rLOGIN\r\n250 AUTH =PLAIN\r\n",
        b"250-mx\r\n250-AUTH PLAIN  LOGIN \r\n250 AUTH=\r\n",
        b"250-mx\r\n250-AUTH=PLAIN\tX LOGIN\r\n250 AUTH CRAM-MD5\r\r\n",
        b"250-mx\r\n250-PIPELINING\r\r\n250-\r\n250 \r\n",
        b"250-mx\r\n250-\xff\xfe\r\n250 DSN\r\n",
        b"250-mx\r\n250\r\n",
        b"250 mx\r\n",
        b"250-mx\r\n250-AUTH PLAIN XOAUTH2X plainx PLAIN-CLIENTTOKENS\r\n250 DS\r\n",
        b"250-mx\r\n250 AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n",
        // Names the word-wise measure ends early, and ones past any name's length.
        b"250-mx\r\n250-AUTH PLAIN X\xffY LOGIN\r\n250 AUTH PLAIN\x00 LOGIN\r\n",
        b"250-mx\r\n250-AUTH ABCDEFGHIJKLMNOPQRSTU PLAIN\r\n250 AUTH ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n",
        b"250-mx\r\n250-AUTH X-ACME_SSO-20 ABCDEFGHIJKLMNOPQRST\r\n250 AUTH=login\r\n",
    ];
    for wire in cases {
        let reply = whole_reply(wire);
        let fast = Capabilities::from_ehlo(&reply).unwrap();
        let plain = Capabilities::from_ehlo_plain(&reply).unwrap();
        let shown = String::from_utf8_lossy(wire);
        assert_eq!(fast.reading(), plain.reading(), "{shown}");
        assert_eq!(fast, plain, "{shown}");
    }
    let caps = capabilities(b"250-mx\r\n250 ENHANCEDSTATUSCODES\r\n");
    assert!(
        caps.enhanced_status_codes,
        "a short last line is still read"
    );
    let caps = capabilities(b"250-mx\r\n250-SIZE +100\r\n250 AUTH\r\n");
    assert_eq!(caps.size, Some(100));
    let caps = capabilities(b"250-mx\r\n250 SIZE 99999999999999999999999\r\n");
    assert_eq!(
        caps.size,
        Some(0),
        "a limit past 64 bits is no usable limit"
    );
}

#[test]
fn the_shortcut_and_the_plain_reader_agree_on_random_replies() {
    const KEYWORDS: [&str; 14] = [
        "PIPELINING",
        "SIZE",
        "AUTH",
        "AUTH=",
        "ENHANCEDSTATUSCODES",
        "8BITMIME",
        "DSN",
        "SMTPUTF8",
        "CHUNKING",
        "STARTTLS",
        "VRFY",
        "X-EXPS",
        "SIZ",
        "PIPELININGS",
    ];
    const PARAMS: [&str; 12] = [
        "",
        " ",
        " 10240000",
        " +5",
        " 18446744073709551616",
        " PLAIN LOGIN",
        " login  Plain-ClientToken ",
        " XOAUTH2 X-UNKNOWN-1 x-unknown-1",
        " SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1",
        "PLAIN",
        "\tX",
        " GSSAPI\rNTLM",
    ];
    const ENDS: [&str; 4] = ["\r\n", "\n", " \r\n", "\r\r\n"];
    let mut rng = Rng(0x5eed_e410);
    for _ in 0..4000 {
        let mut wire = b"250-mx.example.org greets you\r\n".to_vec();
        let lines = rng.below(8);
        for index in 0..=lines {
            let keyword = KEYWORDS[rng.below(KEYWORDS.len())];
            let keyword: String = keyword
                .chars()
                .map(|c| {
                    if rng.below(3) == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            let separator = if index == lines { " " } else { "-" };
            let params = PARAMS[rng.below(PARAMS.len())];
            let end = ENDS[rng.below(ENDS.len())];
            wire.extend_from_slice(format!("250{separator}{keyword}{params}{end}").as_bytes());
        }
        let reply = whole_reply(&wire);
        let fast = Capabilities::from_ehlo(&reply).unwrap();
        let plain = Capabilities::from_ehlo_plain(&reply).unwrap();
        let shown = String::from_utf8_lossy(&wire);
        assert_eq!(fast.reading(), plain.reading(), "{shown}");
        assert_eq!(fast, plain, "{shown}");
        // The set of bits and the plain reading of the mechanism list agree.
        for name in super::super::ehlo_names::WELL_KNOWN_MECHANISMS
            .iter()
            .chain(&["X-UNKNOWN-1", "x-unknown-1", "X-UNKNOWN"])
        {
            let listed = fast
                .mechanisms()
                .any(|offered| offered.eq_ignore_ascii_case(name));
            assert_eq!(fast.supports_auth(name), listed, "{name} in {shown}");
        }
    }
}

#[test]
fn well_known_mechanisms_are_found_by_index_as_by_name() {
    use super::super::ehlo_names::{
        WELL_KNOWN_MECHANISMS, well_known_mechanism, well_known_mechanism_indexed,
    };
    let mut names: Vec<String> = Vec::new();
    for known in WELL_KNOWN_MECHANISMS {
        names.push(known.to_owned());
        names.push(known.to_ascii_lowercase());
        names.push(format!("{known}X"));
        names.push(known[..known.len() - 1].to_owned());
        names.push(known.replace('-', "_"));
    }
    names.extend(
        [
            "",
            "A",
            "PL",
            "PLAINPLAINPLAINPLAINPLAIN",
            "X-UNKNOWN",
            "pLaIn",
        ]
        .map(String::from),
    );
    for name in &names {
        let plain = well_known_mechanism(name.as_bytes());
        // As in an AUTH line (bytes after the name), and on its own.
        let line = format!("{name} LOGIN PLAIN XOAUTH2 OAUTHBEARER\r\n");
        assert_eq!(
            well_known_mechanism_indexed(name.as_bytes(), line.as_bytes()),
            plain,
            "{name}"
        );
        assert_eq!(
            well_known_mechanism_indexed(name.as_bytes(), name.as_bytes()),
            plain,
            "{name}"
        );
    }
}

#[test]
fn each_line_start_spells_its_keyword() {
    use super::super::ehlo_names::{KEYWORDS, LINE_STARTS};
    for ((name, keyword), (start, started)) in KEYWORDS.iter().zip(LINE_STARTS) {
        assert_eq!(*keyword, started, "{name}");
        let line = format!("{name}\r\n{}", " ".repeat(24));
        let mut head = [0; 24];
        head.copy_from_slice(&line.as_bytes()[..24]);
        // A line of the keyword alone starts with it, but for SIZE, whose start needs the
        // space before the number.
        assert_eq!(start.starts(&head), *name != "SIZE", "{name}");
        assert!(start.len() <= name.len() + 2, "{name}");
    }
}

#[test]
fn a_name_is_measured_a_word_at_a_time_as_byte_by_byte() {
    use super::super::ehlo_names::{name_run, name_run_plain};
    // Bytes that end a name (space, CR, LF, tab, NUL) and bytes just above or beside them
    // (`!`, 8-bit bytes with the low bits of a space or a line end), at every place of up
    // to three words and past the end of the input.
    let values = *b"A- !\r\n\t\x00\x21\xa0\x8a\x8d\xff_z9";
    let mut rng = Rng(0x0a17_4e5a);
    for _ in 0..20_000 {
        let len = rng.below(30);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(4) {
                0 => values[rng.below(values.len())],
                _ => b"PLAINLOGIN-XOAUTH2"[rng.below(17)],
            })
            .collect();
        assert_eq!(
            name_run(&bytes),
            name_run_plain(&bytes),
            "{}",
            bytes.escape_ascii()
        );
    }
    assert_eq!(name_run(b"PLAIN LOGIN\r\n"), Some(5));
    assert_eq!(name_run(b"XOAUTH2\r\n250 DSN\r\n"), Some(7));
    assert_eq!(
        name_run(b"PLAIN-CLIENTTOKEN"),
        Some(17),
        "the end of the input ends it"
    );
    assert_eq!(
        name_run(&[b'A'; 24]),
        None,
        "longer than any mechanism name"
    );
}

#[test]
fn a_server_refuses_what_a_client_would_read_otherwise() {
    use crate::sasl::MechanismNameError;
    use crate::smtp::codec::ExtensionError;

    let mut caps = Capabilities::new("mx.example.org");
    assert_eq!(
        caps.add_mechanism("PLAIN LOGIN"),
        Err(MechanismNameError::ForbiddenByte {
            byte: b' ',
            position: 5
        })
    );
    assert!(matches!(
        caps.add_other("AUTH", "PLAIN"),
        Err(ExtensionError::HasAField { .. })
    ));
    assert!(matches!(
        caps.add_other("size", ""),
        Err(ExtensionError::HasAField { .. })
    ));
    assert!(matches!(
        caps.add_other("X FOO", ""),
        Err(ExtensionError::NotAKeyword { .. })
    ));
    assert!(matches!(
        caps.add_other("-X", ""),
        Err(ExtensionError::NotAKeyword { .. })
    ));
    let error = caps.add_other("XCLIENT", "NAME\r\nRCPT").unwrap_err();
    assert!(matches!(error, ExtensionError::BadParams { .. }));
    assert!(error.to_string().contains("XCLIENT"), "{error}");
    assert!(matches!(
        caps.add_other("XCLIENT", "NAME  ADDR"),
        Err(ExtensionError::BadParams { .. })
    ));
    caps.add_mechanism("plain").unwrap();
    caps.add_mechanism("PLAIN").unwrap();
    caps.add_mechanism("X-SSO").unwrap();
    caps.add_mechanism("x-sso").unwrap();
    caps.add_other("xclient", "NAME ADDR").unwrap();
    assert_eq!(mechanisms(&caps), ["PLAIN", "X-SSO"]);
    assert_eq!(caps.other("XCLIENT").as_deref(), Some("NAME ADDR"));
    let mut wire = Vec::new();
    caps.to_reply().encode(&mut wire);
    assert_eq!(
        wire,
        b"250-mx.example.org\r\n250-AUTH PLAIN X-SSO\r\n250 XCLIENT NAME ADDR\r\n"
    );
    assert_eq!(capabilities(&wire), caps);
}

#[test]
fn debug_reads_like_the_reply() {
    let caps = capabilities(b"250-mx\r\n250-AUTH PLAIN X-SSO\r\n250 VRFY\r\n");
    let debug = format!("{caps:?}");
    assert!(debug.contains(r#"domain: "mx""#), "{debug}");
    assert!(
        debug.contains(r#"mechanisms: ["PLAIN", "X-SSO"]"#),
        "{debug}"
    );
    assert!(debug.contains(r#"others: [("VRFY", "")]"#), "{debug}");
}
