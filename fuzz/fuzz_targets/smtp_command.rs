//! Commands both ways: what a server parses encodes and parses back equal; what a client
//! encodes from arbitrary fields is exactly one line, or refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailwire::limits::Limits;
use mailwire::smtp::codec::{
    Command, Parameter, Parsed, auth_response_line, parse_auth_response, parse_command,
};

fn parse_side(data: &[u8]) {
    let limits = Limits::default().with_line_len(512);
    let mut rest = data;
    loop {
        match parse_command(rest, &limits) {
            Ok(Parsed::Complete(command, consumed)) => {
                assert!(consumed > 0 && consumed <= rest.len());
                let mut wire = Vec::new();
                command
                    .encode(&mut wire)
                    .unwrap_or_else(|error| panic!("parsed {command:?} does not encode: {error}"));
                let Ok(Parsed::Complete(reparsed, used)) = parse_command(&wire, &Limits::default())
                else {
                    panic!("encoded {wire:?} does not parse");
                };
                assert_eq!(used, wire.len());
                assert_eq!(reparsed, command);
                let _ = format!("{command:?}");
                rest = &rest[consumed..];
            }
            Ok(Parsed::Incomplete) => break,
            Err(error) => {
                let _ = error.to_string();
                break;
            }
        }
    }
    if let Ok(Parsed::Complete(response, _)) = parse_auth_response(data, &limits) {
        let _ = format!("{response:?}");
    }
}

/// One line ending in CRLF with no other CR or LF: nothing was smuggled.
fn assert_one_line(wire: &[u8]) {
    let body = wire.strip_suffix(b"\r\n").expect("commands end with CRLF");
    assert!(!body.contains(&b'\r') && !body.contains(&b'\n'), "{wire:?}");
    assert!(!body.contains(&0), "{wire:?}");
}

fn encode_side(data: &[u8]) {
    let Some((&selector, fields)) = data.split_first() else {
        return;
    };
    // 0xFF never occurs in UTF-8, so it separates the fields.
    let mut fields = fields.split(|&byte| byte == 0xff).map(core::str::from_utf8);
    let mut field = || fields.next().unwrap_or(Ok("")).unwrap_or("x");
    let (a, b, c, d) = (field(), field(), field(), field());
    let params = vec![
        Parameter {
            keyword: b,
            value: Some(c),
        },
        Parameter {
            keyword: d,
            value: None,
        },
    ];
    let command = match selector % 12 {
        0 => Command::Ehlo { domain: a },
        1 => Command::Helo { domain: a },
        2 => Command::MailFrom {
            reverse_path: a,
            params,
        },
        3 => Command::RcptTo {
            forward_path: a,
            params,
        },
        4 => Command::Auth {
            mechanism: a,
            initial_response: Some(b),
        },
        5 => Command::Auth {
            mechanism: a,
            initial_response: None,
        },
        6 => Command::Noop { argument: Some(a) },
        7 => Command::Vrfy { argument: a },
        8 => Command::Expn { argument: a },
        9 => Command::Help { argument: Some(a) },
        10 => Command::Bdat {
            size: a.len() as u64,
            last: b.is_empty(),
        },
        _ => {
            let mut out = b"before".to_vec();
            match auth_response_line(a, &mut out) {
                Ok(()) => assert_one_line(&out[6..]),
                Err(_) => assert_eq!(out, b"before"),
            }
            return;
        }
    };
    let mut out = b"before".to_vec();
    match command.encode(&mut out) {
        Ok(()) => {
            let wire = &out[6..];
            assert_one_line(wire);
            // What a client encodes, a server reads back as the same command.
            let Ok(Parsed::Complete(parsed, _)) = parse_command(wire, &Limits::default()) else {
                panic!("encoded {command:?} does not parse: {wire:?}");
            };
            assert_eq!(parsed, command);
        }
        Err(error) => {
            assert_eq!(out, b"before", "nothing written on error");
            let _ = error.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    parse_side(data);
    encode_side(data);
});
