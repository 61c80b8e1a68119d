use crate::limits::Limits;
use crate::smtp::codec::{
    AuthResponse, Command, CommandError, Parameter, Parsed, auth_response_line,
    parse_auth_response, parse_command,
};

fn encoded(command: &Command<'_>) -> String {
    let mut out = Vec::new();
    match command.encode(&mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(error) => panic!("{command:?} should encode: {error}"),
    }
}

fn parsed(line: &[u8]) -> Command<'_> {
    match parse_command(line, &Limits::default()) {
        Ok(Parsed::Complete(command, consumed)) => {
            assert_eq!(consumed, line.len());
            command
        }
        other => panic!(
            "{:?} should parse: {other:?}",
            String::from_utf8_lossy(line)
        ),
    }
}

fn parse_error(line: &[u8]) -> CommandError {
    match parse_command(line, &Limits::default()) {
        Err(error) => error,
        other => panic!(
            "{:?} should not parse: {other:?}",
            String::from_utf8_lossy(line)
        ),
    }
}

#[test]
fn a_submission_session_encodes_word_for_word() {
    let session = [
        (
            Command::Ehlo {
                domain: "client.example.org",
            },
            "EHLO client.example.org\r\n",
        ),
        (Command::StartTls, "STARTTLS\r\n"),
        (
            Command::Auth {
                mechanism: "PLAIN",
                initial_response: Some("AHVzZXIAcGFzcw=="),
            },
            "AUTH PLAIN AHVzZXIAcGFzcw==\r\n",
        ),
        (
            Command::MailFrom {
                reverse_path: "user@icloud.com",
                params: vec![
                    Parameter {
                        keyword: "SIZE",
                        value: Some("1024"),
                    },
                    Parameter {
                        keyword: "BODY",
                        value: Some("8BITMIME"),
                    },
                    Parameter {
                        keyword: "SMTPUTF8",
                        value: None,
                    },
                ],
            },
            "MAIL FROM:<user@icloud.com> SIZE=1024 BODY=8BITMIME SMTPUTF8\r\n",
        ),
        (
            Command::RcptTo {
                forward_path: "jörg@bücher.example",
                params: vec![Parameter {
                    keyword: "NOTIFY",
                    value: Some("FAILURE,DELAY"),
                }],
            },
            "RCPT TO:<jörg@bücher.example> NOTIFY=FAILURE,DELAY\r\n",
        ),
        (Command::Data, "DATA\r\n"),
        (
            Command::Bdat {
                size: 4096,
                last: false,
            },
            "BDAT 4096\r\n",
        ),
        (
            Command::Bdat {
                size: 0,
                last: true,
            },
            "BDAT 0 LAST\r\n",
        ),
        (Command::Rset, "RSET\r\n"),
        (Command::Noop { argument: None }, "NOOP\r\n"),
        (
            Command::Noop {
                argument: Some("still there?"),
            },
            "NOOP still there?\r\n",
        ),
        (
            Command::Vrfy {
                argument: "John Smith",
            },
            "VRFY John Smith\r\n",
        ),
        (Command::Expn { argument: "staff" }, "EXPN staff\r\n"),
        (Command::Help { argument: None }, "HELP\r\n"),
        (
            Command::Helo {
                domain: "[192.0.2.1]",
            },
            "HELO [192.0.2.1]\r\n",
        ),
        (Command::Quit, "QUIT\r\n"),
    ];
    for (command, wire) in session {
        assert_eq!(encoded(&command), wire);
    }
    assert_eq!(
        encoded(&Command::MailFrom {
            reverse_path: "",
            params: vec![]
        }),
        "MAIL FROM:<>\r\n",
        "the null sender of bounces"
    );
}

#[test]
fn anything_that_would_break_the_line_is_refused_before_writing() {
    let refused: [(Command<'_>, &str); 15] = [
        (
            Command::RcptTo {
                forward_path: "@relay.example:user@host",
                params: vec![],
            },
            "recipient address",
        ),
        (Command::Expn { argument: "   " }, "argument"),
        (
            Command::Noop {
                argument: Some("trailing "),
            },
            "argument",
        ),
        (
            Command::Ehlo {
                domain: "a\r\nQUIT",
            },
            "domain",
        ),
        (
            Command::Ehlo {
                domain: "two words",
            },
            "domain",
        ),
        (Command::Ehlo { domain: "" }, "domain"),
        (
            Command::MailFrom {
                reverse_path: "a@b\0",
                params: vec![],
            },
            "sender address",
        ),
        (
            Command::RcptTo {
                forward_path: "a@b> NOTIFY=NEVER",
                params: vec![],
            },
            "recipient address",
        ),
        (
            Command::RcptTo {
                forward_path: "",
                params: vec![],
            },
            "recipient address",
        ),
        (
            Command::RcptTo {
                forward_path: "a@b",
                params: vec![Parameter {
                    keyword: "-X",
                    value: None,
                }],
            },
            "parameter keyword",
        ),
        (
            Command::MailFrom {
                reverse_path: "a@b",
                params: vec![Parameter {
                    keyword: "SIZE",
                    value: Some("1 2"),
                }],
            },
            "parameter value",
        ),
        (
            Command::MailFrom {
                reverse_path: "a@b",
                params: vec![Parameter {
                    keyword: "X",
                    value: Some(""),
                }],
            },
            "parameter value",
        ),
        (Command::Vrfy { argument: "x\ny" }, "argument"),
        (
            Command::Auth {
                mechanism: "PLAIN LOGIN",
                initial_response: None,
            },
            "SASL mechanism",
        ),
        (
            Command::Auth {
                mechanism: "PLAIN",
                initial_response: Some("secret\r\n"),
            },
            "initial response",
        ),
    ];
    for (command, field) in refused {
        let mut out = b"EHLO earlier\r\n".to_vec();
        let error = command.encode(&mut out).expect_err("must be refused");
        assert_eq!(out, b"EHLO earlier\r\n", "{command:?} wrote before failing");
        let message = error.to_string();
        assert!(message.contains(field), "{command:?}: {message}");
    }
}

#[test]
fn refusals_name_the_byte_except_in_secrets() {
    let error = Command::RcptTo {
        forward_path: "a\rb",
        params: vec![],
    }
    .encode(&mut Vec::new())
    .unwrap_err();
    assert_eq!(
        error,
        CommandError::ForbiddenByte {
            field: "recipient address",
            byte: b'\r',
            position: 1
        }
    );
    assert!(error.to_string().contains("carriage return"));
    let error = Command::Auth {
        mechanism: "PLAIN",
        initial_response: Some("hunter2!"),
    }
    .encode(&mut Vec::new())
    .unwrap_err();
    assert!(!error.to_string().contains('!'), "{error}");
    assert!(!format!("{error:?}").contains("hunter2"));
}

#[test]
fn debug_output_never_shows_sasl_data() {
    let command = Command::Auth {
        mechanism: "PLAIN",
        initial_response: Some("AHVzZXIAcGFzcw=="),
    };
    let debug = format!("{command:?}");
    assert!(
        debug.contains("PLAIN") && !debug.contains("AHVz"),
        "{debug}"
    );
    let debug = format!("{:?}", AuthResponse::Data("cGFzcw=="));
    assert!(!debug.contains("cGFzcw"), "{debug}");
}

#[test]
fn servers_read_commands_as_clients_really_send_them() {
    assert_eq!(
        parsed(b"ehlo Client.Example\r\n"),
        Command::Ehlo {
            domain: "Client.Example"
        }
    );
    assert_eq!(
        parsed(b"MAIL FROM: <a@b.example> size=10 BODY=8BITMIME\r\n"),
        Command::MailFrom {
            reverse_path: "a@b.example",
            params: vec![
                Parameter {
                    keyword: "size",
                    value: Some("10")
                },
                Parameter {
                    keyword: "BODY",
                    value: Some("8BITMIME")
                },
            ],
        }
    );
    assert_eq!(
        parsed(b"mail from:<>\n"),
        Command::MailFrom {
            reverse_path: "",
            params: vec![]
        }
    );
    assert_eq!(
        parsed("RCPT TO:<用户@例子.广告> \r\n".as_bytes()),
        Command::RcptTo {
            forward_path: "用户@例子.广告",
            params: vec![]
        }
    );
    assert_eq!(
        parsed(b"RCPT TO:<@relay.example,@hop.example:user@final.example>\r\n"),
        Command::RcptTo {
            forward_path: "user@final.example",
            params: vec![]
        },
        "source routes are accepted and ignored"
    );
    assert!(matches!(
        parse_error(b"RCPT TO:<@relay.example>\r\n"),
        CommandError::ForbiddenByte { byte: b'@', .. }
    ));
    assert_eq!(
        parsed(b"RCPT TO:postmaster\r\n"),
        Command::RcptTo {
            forward_path: "postmaster",
            params: vec![]
        }
    );
    assert_eq!(
        parsed(b"bdat 100 last\r\n"),
        Command::Bdat {
            size: 100,
            last: true
        }
    );
    assert_eq!(
        parsed(b"AUTH login\r\n"),
        Command::Auth {
            mechanism: "login",
            initial_response: None
        }
    );
    assert_eq!(
        parsed(b"AUTH PLAIN =\r\n"),
        Command::Auth {
            mechanism: "PLAIN",
            initial_response: Some("=")
        }
    );
    assert_eq!(parsed(b"NOOP   \r\n"), Command::Noop { argument: None });
    assert_eq!(parsed(b"StartTLS\r\n"), Command::StartTls);
}

#[test]
fn an_unknown_verb_is_shown_with_its_control_bytes_escaped() {
    // A peer's verb carrying a terminal escape, a carriage return and a bidi override: the
    // error keeps what was sent, and its message shows each as an escape, never raw.
    let error = parse_error(b"\x1b[2J\rX\xe2\x80\xae hi\r\n");
    assert_eq!(
        error,
        CommandError::UnknownCommand {
            verb: "\u{1b}[2J\rX\u{202e}".into()
        }
    );
    let shown = error.to_string();
    assert_eq!(
        shown,
        "\"\\u{1b}[2J\\rX\\u{202e}\" is not an SMTP command this server knows"
    );
    assert!(
        !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{shown:?}"
    );
}

#[test]
fn malformed_commands_are_refused_with_reasons() {
    assert_eq!(
        parse_error(b"XYZZY plugh\r\n"),
        CommandError::UnknownCommand {
            verb: "XYZZY".into()
        }
    );
    assert!(matches!(
        parse_error(b"DATA now\r\n"),
        CommandError::Syntax {
            command: "DATA",
            ..
        }
    ));
    assert!(matches!(
        parse_error(b"MAIL TO:<a@b>\r\n"),
        CommandError::Syntax {
            command: "MAIL",
            ..
        }
    ));
    assert!(matches!(
        parse_error(b"MAIL FROM:<a@b\r\n"),
        CommandError::Syntax {
            command: "MAIL",
            ..
        }
    ));
    assert!(matches!(
        parse_error(b"RCPT TO:<a b@c>\r\n"),
        CommandError::ForbiddenByte { byte: b' ', .. }
    ));
    assert!(matches!(
        parse_error(b"RCPT TO:<>\r\n"),
        CommandError::Empty { .. }
    ));
    assert!(matches!(
        parse_error(b"BDAT -1\r\n"),
        CommandError::BadNumber { .. }
    ));
    assert!(matches!(
        parse_error(b"BDAT 99999999999999999999\r\n"),
        CommandError::BadNumber { .. }
    ));
    assert!(matches!(
        parse_error(b"AUTH PLAIN a b\r\n"),
        CommandError::Syntax { .. }
    ));
    assert_eq!(
        parse_error(b"QUIT\xff\r\n"),
        CommandError::NotUtf8 { offset: 4 }
    );
    let limits = Limits::default().with_line_len(16);
    assert_eq!(
        parse_command(b"NOOP this line never ends", &limits),
        Err(CommandError::LineTooLong { limit: 16 })
    );
    assert_eq!(parse_command(b"QUI", &limits), Ok(Parsed::Incomplete));
}

#[test]
fn parse_then_encode_gives_the_canonical_line_back() {
    for (received, canonical) in [
        (&b"ehlo x\n"[..], "EHLO x\r\n"),
        (b"Mail From: <a@b> Size=5\r\n", "MAIL FROM:<a@b> Size=5\r\n"),
        (b"rcpt to:c@d\r\n", "RCPT TO:<c@d>\r\n"),
        (b"bdat 7\r\n", "BDAT 7\r\n"),
        (b"auth plain AA==\r\n", "AUTH plain AA==\r\n"),
        (b"help  mail \r\n", "HELP mail\r\n"),
        (b"vrfy  postmaster\r\n", "VRFY postmaster\r\n"),
    ] {
        let command = parsed(received);
        let wire = encoded(&command);
        assert_eq!(wire, canonical);
        assert_eq!(parsed(wire.as_bytes()), command);
    }
}

#[test]
fn sasl_response_lines_both_ways() {
    let mut out = Vec::new();
    auth_response_line("dXNlcg==", &mut out).unwrap();
    auth_response_line("", &mut out).unwrap();
    auth_response_line("*", &mut out).unwrap();
    assert_eq!(out, b"dXNlcg==\r\n\r\n*\r\n");
    assert!(auth_response_line("pass word", &mut out).is_err());
    assert_eq!(out.len(), 15, "nothing written on error");

    let limits = Limits::default();
    assert_eq!(
        parse_auth_response(b"dXNlcg==\r\nnext", &limits),
        Ok(Parsed::Complete(AuthResponse::Data("dXNlcg=="), 10))
    );
    assert_eq!(
        parse_auth_response(b"*\r\n", &limits),
        Ok(Parsed::Complete(AuthResponse::Cancel, 3))
    );
    assert_eq!(
        parse_auth_response(b"dXNl", &limits),
        Ok(Parsed::Incomplete)
    );
    assert!(parse_auth_response(b"not base64!\r\n", &limits).is_err());
}

#[test]
fn auth_mechanisms_follow_the_one_set_of_sasl_name_rules() {
    use crate::sasl::{MAX_MECHANISM_NAME_LEN, check_mechanism_name};

    let longest = "SCRAM-SHA-256-PLUS-X";
    assert_eq!(longest.len(), MAX_MECHANISM_NAME_LEN);
    for name in ["PLAIN", "login", "KERBEROS_V4", longest] {
        let auth = Command::Auth {
            mechanism: name,
            initial_response: None,
        };
        assert_eq!(encoded(&auth), format!("AUTH {name}\r\n"));
        assert_eq!(parsed(format!("AUTH {name}\r\n").as_bytes()), auth);
    }
    let field = "SASL mechanism";
    let refused = [
        ("", CommandError::Empty { field }),
        (
            "SCRAM-SHA-256-PLUS-XY",
            CommandError::TooLong {
                field,
                length: 21,
                limit: 20,
            },
        ),
        (
            "CRAM=MD5",
            CommandError::ForbiddenByte {
                field,
                byte: b'=',
                position: 4,
            },
        ),
        (
            "PLAIN\r\nQUIT",
            CommandError::ForbiddenByte {
                field,
                byte: b'\r',
                position: 5,
            },
        ),
    ];
    for (name, expected) in refused {
        assert!(check_mechanism_name(name.as_bytes()).is_err(), "{name:?}");
        let auth = Command::Auth {
            mechanism: name,
            initial_response: None,
        };
        assert_eq!(
            auth.encode(&mut Vec::new()),
            Err(expected.clone()),
            "{name:?}"
        );
    }
    // A server reads what no client may send the same way.
    assert_eq!(
        parse_error(b"AUTH SCRAM-SHA-256-PLUS-XY\r\n"),
        CommandError::TooLong {
            field,
            length: 21,
            limit: 20
        }
    );
    assert_eq!(
        parse_error(b"AUTH CRAM=MD5\r\n"),
        CommandError::ForbiddenByte {
            field,
            byte: b'=',
            position: 4
        }
    );
}
