//! SASL both ways. Whatever a client sends after `334` (SMTP) or `+` (IMAP) is read without
//! panic, as base64 or `*`, its data never shown by `Debug`; what the crate's encoders write
//! for credentials from the input (PLAIN's initial response, LOGIN's two answers, the SMTP
//! response line) decodes back to exactly those credentials with the crate's decoders; a
//! server's challenge round-trips; `decode_plain` reads any bytes without panic, takes
//! exactly the messages of three UTF-8 parts, and reads back what PLAIN's encoder wrote;
//! mechanism names compare without regard to case.
#![no_main]

#[path = "common/parts.rs"]
mod parts;

use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::types::{AuthenticateData, Continue};
use mailwire::imap::codec::{Parsed, parse_authenticate_data};
use mailwire::limits::Limits;
use mailwire::sasl::{
    Credentials, LoginExchange, Mechanism, check_mechanism_name, decode_plain,
    plain_initial_response, same_mechanism_name,
};
use mailwire::smtp::codec::{AuthResponse, auth_response_line, parse_auth_response};

use parts::Parts;

fn is_base64(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// The bytes an IMAP server decodes from a base64 line (the crate's AUTHENTICATE decoder).
fn imap_decoded(base64: &str) -> Option<Vec<u8>> {
    let line = format!("{base64}\r\n");
    match parse_authenticate_data(line.as_bytes(), &Limits::default()) {
        Ok(Parsed::Complete(AuthenticateData::Response(data), used)) => {
            assert_eq!(used, line.len());
            Some(data.expose().to_vec())
        }
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default().with_line_len(4096);

    // A client's SASL line, as an SMTP server reads it.
    match parse_auth_response(data, &limits) {
        Ok(Parsed::Complete(response, used)) => {
            assert!(used <= data.len() && data[..used].ends_with(b"\n"));
            match response {
                AuthResponse::Data(text) => {
                    assert!(is_base64(text), "{text:?}");
                    assert_eq!(format!("{response:?}"), "Data(<redacted>)");
                }
                AuthResponse::Cancel => assert!(data.starts_with(b"*")),
            }
        }
        Ok(Parsed::Incomplete) => assert!(!data[..data.len().min(4098)].contains(&b'\n')),
        Err(error) => {
            let _ = error.to_string();
        }
    }

    // The same, as an IMAP server reads it: the data decoded, and written again it reads
    // back the same.
    if let Ok(Parsed::Complete(answer, used)) = parse_authenticate_data(data, &limits) {
        assert!(used <= data.len());
        if let AuthenticateData::Response(secret) = &answer {
            assert_eq!(format!("{answer:?}"), "Response([redacted])");
            let again = Continue::challenge(secret.expose());
            let text = String::from_utf8(again.text.as_bytes().to_vec()).expect("base64 is ASCII");
            assert_eq!(imap_decoded(&text).as_deref(), Some(&secret.expose()[..]));
        }
    }

    // The input as a decoded PLAIN message, as a server reads it: three UTF-8 parts or
    // nothing, the parts exactly those between the NULs, the password never in `Debug`.
    let fields: Vec<&[u8]> = data.split(|&byte| byte == 0).collect();
    match decode_plain(data) {
        Some(message) => {
            assert_eq!(fields.len(), 3);
            assert_eq!(message.authzid().as_bytes(), fields[0]);
            assert_eq!(message.username().as_bytes(), fields[1]);
            assert_eq!(message.password().as_bytes(), fields[2]);
            // Debug never depends on the password: the same message with another password
            // shows alike. (Searching the text for the password would also find it across
            // the other fields and their quotes, where it is not the password.)
            let other = [fields[0], fields[1], b"another password"].join(&0u8);
            let other = decode_plain(&other).expect("the same parts with a plain password");
            assert_eq!(format!("{message:?}"), format!("{other:?}"));
        }
        None => assert!(
            fields.len() != 3
                || fields
                    .iter()
                    .any(|field| std::str::from_utf8(field).is_err())
        ),
    }

    // A server's challenge: what `Continue::challenge` writes, `Continue::base64` reads.
    let challenge = Continue::challenge(data);
    assert_eq!(challenge.base64().ok().as_deref(), Some(data));

    // Credentials from the input: the encoders' output decodes to them exactly.
    let mut parts = Parts::new(data);
    let (username, password) = (parts.text(), parts.text());
    match Credentials::new(username.clone(), password.clone()) {
        Ok(credentials) => {
            let initial = plain_initial_response(&credentials);
            let mut expected = vec![0];
            expected.extend_from_slice(username.as_bytes());
            expected.push(0);
            expected.extend_from_slice(password.as_bytes());
            let decoded = imap_decoded(&initial);
            assert_eq!(decoded.as_deref(), Some(&expected[..]));
            // What a server decodes from the encoder's response is the credentials.
            let message = decoded
                .as_deref()
                .and_then(decode_plain)
                .expect("PLAIN's encoder writes three UTF-8 parts");
            assert_eq!(
                (message.authzid(), message.username(), message.password()),
                ("", username.as_str(), password.as_str())
            );

            let mut line = Vec::new();
            auth_response_line(&initial, &mut line).expect("PLAIN's response is base64");
            assert_eq!(
                parse_auth_response(&line, &Limits::default()),
                Ok(Parsed::Complete(AuthResponse::Data(&initial), line.len()))
            );

            let mut login = LoginExchange::new(&credentials);
            let first = login.respond(b"VXNlcm5hbWU6").expect("first challenge");
            let second = login.respond(b"").expect("second challenge");
            assert!(login.is_complete());
            assert!(login.respond(b"UGFzc3dvcmQ6").is_err());
            assert_eq!(imap_decoded(&first).as_deref(), Some(username.as_bytes()));
            assert_eq!(imap_decoded(&second).as_deref(), Some(password.as_bytes()));

            // Debug never depends on the password: the same user with another password shows
            // alike. (Looking for the password in the text would also find it inside the
            // escaped user name, `\t` for a tab, where it is not the password.)
            let other = Credentials::new(username.clone(), "another password")
                .expect("the same user with a plain password");
            let mut other_login = LoginExchange::new(&other);
            let _ = other_login.respond(b"VXNlcm5hbWU6");
            let _ = other_login.respond(b"");
            assert_eq!(
                format!("{credentials:?} {login:?}"),
                format!("{other:?} {other_login:?}")
            );
        }
        Err(error) => {
            let bad = |part: &str| part.is_empty() || part.contains(['\0', '\r', '\n']);
            assert!(bad(&username) || bad(&password), "refused {error}");
            let shown = format!("{error} {error:?}");
            if password.len() >= 12 && !format!("{username:?}").contains(&password) {
                assert!(!shown.contains(&password), "{shown}");
            }
        }
    }

    // Mechanism names.
    let name = parts.bytes();
    if check_mechanism_name(name).is_ok() {
        assert!(same_mechanism_name(name, &name.to_ascii_lowercase()));
        assert!(same_mechanism_name(&name.to_ascii_uppercase(), name));
        let text = std::str::from_utf8(name).expect("names are ASCII");
        if let Some(mechanism) = Mechanism::from_name(text) {
            assert!(same_mechanism_name(mechanism.name().as_bytes(), name));
        }
    }
});
