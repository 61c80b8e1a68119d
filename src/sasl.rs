//! SASL mechanisms shared by SMTP and IMAP: PLAIN (RFC 4616) and LOGIN.
//!
//! Everything here is pure: the protocol layers put the strings on the wire. Both protocols
//! carry SASL data in base64, so every function takes and returns base64 text.
//!
//! The password never shows up in `Debug` output of any type in this module, nor in an
//! error. The strings returned by [`plain_initial_response`] and [`LoginExchange::respond`]
//! *do* carry the password (base64 is not encryption): send them, never log them.
//!
//! ```
//! use mailwire::sasl::{Credentials, LoginExchange, Mechanism, plain_initial_response};
//!
//! let credentials = Credentials::new("tim", "tanstaaftanstaaf").unwrap();
//! assert_eq!(plain_initial_response(&credentials), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
//!
//! // AUTH LOGIN: the server prompts "Username:" then "Password:", in base64.
//! let mut login = LoginExchange::new(&credentials);
//! assert_eq!(login.respond(b"VXNlcm5hbWU6").unwrap(), "dGlt");
//! assert_eq!(login.respond(b"UGFzc3dvcmQ6").unwrap(), "dGFuc3RhYWZ0YW5zdGFhZg==");
//! assert!(login.respond(b"").is_err());
//!
//! assert_eq!(Mechanism::Plain.name(), "PLAIN");
//! assert!(!format!("{credentials:?}").contains("tanstaaf"));
//! ```

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// What [`Debug`](fmt::Debug) prints in place of a secret.
const REDACTED: &str = "<redacted>";

/// A username and password for PLAIN or LOGIN.
///
/// Both are checked on construction so that they can always be put on the wire: neither may
/// be empty or contain NUL (the PLAIN separator), CR or LF.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    username: String,
    password: String,
}

impl Credentials {
    /// Checks and keeps a username and password.
    ///
    /// ```
    /// use mailwire::sasl::{CredentialPart, Credentials, SaslError};
    ///
    /// assert!(Credentials::new("name@icloud.com", "abcd-efgh-ijkl-mnop").is_ok());
    /// assert!(matches!(
    ///     Credentials::new("name", "pass\r\nQUIT"),
    ///     Err(SaslError::InvalidCredentials { part: CredentialPart::Password, .. })
    /// ));
    /// ```
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Result<Self, SaslError> {
        let username = username.into();
        let password = password.into();
        check_part(&username, CredentialPart::Username)?;
        check_part(&password, CredentialPart::Password)?;
        Ok(Credentials { username, password })
    }

    /// The username (authentication identity).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password in clear.
    ///
    /// Handle with care: do not log it, print it or keep copies of it longer than needed.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &format_args!("{REDACTED}"))
            .finish()
    }
}

fn check_part(value: &str, part: CredentialPart) -> Result<(), SaslError> {
    let problem = if value.is_empty() {
        Some(CredentialProblem::Empty)
    } else if value.contains('\0') {
        Some(CredentialProblem::Nul)
    } else if value.contains(['\r', '\n']) {
        Some(CredentialProblem::LineBreak)
    } else {
        None
    };
    match problem {
        Some(problem) => Err(SaslError::InvalidCredentials { part, problem }),
        None => Ok(()),
    }
}

/// A SASL mechanism this crate can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// PLAIN (RFC 4616): one message carrying username and password.
    Plain,
    /// LOGIN (draft-murchison-sasl-login): username and password answered to two prompts.
    Login,
}

impl Mechanism {
    /// The mechanism's registered name, as servers advertise it.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
        }
    }

    /// The mechanism a server advertises under `name` (any letter case), if this crate
    /// knows it.
    ///
    /// ```
    /// use mailwire::sasl::Mechanism;
    ///
    /// assert_eq!(Mechanism::from_name("login"), Some(Mechanism::Login));
    /// assert_eq!(Mechanism::from_name("XOAUTH2"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        [Mechanism::Plain, Mechanism::Login]
            .into_iter()
            .find(|mechanism| same_mechanism_name(mechanism.name().as_bytes(), name.as_bytes()))
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The longest a SASL mechanism name may be, in bytes (RFC 4422 section 3.1).
pub const MAX_MECHANISM_NAME_LEN: usize = 20;

/// Checks that `name` can be a SASL mechanism name: 1 to 20 letters, digits, `-` or `_`
/// (RFC 4422 section 3.1).
///
/// The RFC writes names in upper case, but servers announce them in any case and
/// compare them without regard to it, so lower-case letters are accepted here; compare
/// names with [`same_mechanism_name`], and write them out upper-case as this crate does.
/// Both protocols' codecs check names with this one function, whether they read them
/// from a peer (an EHLO or CAPABILITY list, an AUTH command) or write them.
///
/// ```
/// use mailwire::sasl::{MechanismNameError, check_mechanism_name};
///
/// assert_eq!(check_mechanism_name(b"SCRAM-SHA-256-PLUS"), Ok(()));
/// assert_eq!(check_mechanism_name(b"xoauth2"), Ok(()));
/// assert_eq!(
///     check_mechanism_name(b"PLAIN\r\nQUIT"),
///     Err(MechanismNameError::ForbiddenByte { byte: b'\r', position: 5 })
/// );
/// ```
pub fn check_mechanism_name(name: &[u8]) -> Result<(), MechanismNameError> {
    let (run, valid) = leading_mechanism_name(name);
    if valid && run.len() == name.len() {
        Ok(())
    } else if name.is_empty() {
        Err(MechanismNameError::Empty)
    } else if name.len() > MAX_MECHANISM_NAME_LEN {
        Err(MechanismNameError::TooLong { length: name.len() })
    } else {
        Err(MechanismNameError::ForbiddenByte {
            byte: name.get(run.len()).copied().unwrap_or_default(),
            position: run.len(),
        })
    }
}

/// The bytes a mechanism name is made of (RFC 4422's `mech-char`, in either case).
const fn is_mechanism_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// [`is_mechanism_char`] for every byte, looked up in one step where names are read.
const MECHANISM_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_mechanism_char(byte as u8);
        byte += 1;
    }
    table
};

/// The run of bytes at the start of `bytes` that can belong to a mechanism name, and
/// whether that run is a name (1 to [`MAX_MECHANISM_NAME_LEN`] bytes): a list of names is
/// read in one pass, each name checked as it is found.
pub(crate) fn leading_mechanism_name(bytes: &[u8]) -> (&[u8], bool) {
    let len = bytes
        .iter()
        .position(|&byte| !MECHANISM_CHARS[usize::from(byte)])
        .unwrap_or(bytes.len());
    let run = bytes.get(..len).unwrap_or_default();
    (run, (1..=MAX_MECHANISM_NAME_LEN).contains(&len))
}

/// True when `a` and `b` name the same SASL mechanism: names are compared without
/// regard to the case of their letters.
pub fn same_mechanism_name(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Why a string cannot be a SASL mechanism name (see [`check_mechanism_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MechanismNameError {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_MECHANISM_NAME_LEN`].
    TooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The name holds a byte other than a letter, a digit, `-` or `_`.
    ForbiddenByte {
        /// The offending byte.
        byte: u8,
        /// Its offset within the name.
        position: usize,
    },
}

impl fmt::Display for MechanismNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MechanismNameError::Empty => f.write_str("the SASL mechanism name is empty"),
            MechanismNameError::TooLong { length } => write!(
                f,
                "the SASL mechanism name is {length} bytes long; at most \
                 {MAX_MECHANISM_NAME_LEN} are allowed"
            ),
            MechanismNameError::ForbiddenByte { byte, position } => write!(
                f,
                "the SASL mechanism name has byte 0x{byte:02x} at position {position}; only \
                 letters, digits, '-' and '_' are allowed"
            ),
        }
    }
}

impl std::error::Error for MechanismNameError {}

/// The PLAIN initial response: base64 of `NUL username NUL password`, with an empty
/// authorization identity (act as the user who logs in).
///
/// The result carries the password: send it, never log it.
pub fn plain_initial_response(credentials: &Credentials) -> String {
    let mut message =
        Vec::with_capacity(2 + credentials.username.len() + credentials.password.len());
    message.push(0);
    message.extend_from_slice(credentials.username.as_bytes());
    message.push(0);
    message.extend_from_slice(credentials.password.as_bytes());
    let response = STANDARD.encode(&message);
    // The clear copy held the password: don't leave it to linger in freed memory longer
    // than the allocator does anyway.
    message.fill(0);
    response
}

/// A PLAIN message as a server reads it (RFC 4616): the identity to act as, the user who
/// logs in, and the password. `Debug` does not show the password.
///
/// ```
/// use mailwire::sasl::decode_plain;
///
/// let message = decode_plain(b"\0tim\0tanstaaftanstaaf").unwrap();
/// assert_eq!(message.authzid(), "");
/// assert_eq!(message.username(), "tim");
/// assert_eq!(message.password(), "tanstaaftanstaaf");
/// assert!(!format!("{message:?}").contains("tanstaaf"));
/// // Two parts, four parts, or bytes that are not UTF-8 are not a PLAIN message.
/// assert!(decode_plain(b"tim\0secret").is_none());
/// assert!(decode_plain(b"\0tim\0pw\0more").is_none());
/// assert!(decode_plain(b"\0tim\0\xff").is_none());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PlainMessage {
    authzid: String,
    username: String,
    password: String,
}

impl PlainMessage {
    /// The authorization identity (empty: act as the user who logs in).
    pub fn authzid(&self) -> &str {
        &self.authzid
    }

    /// The authentication identity: who logs in.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password in clear: compare it, never log it.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for PlainMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainMessage")
            .field("authzid", &self.authzid)
            .field("username", &self.username)
            .field("password", &format_args!("{REDACTED}"))
            .finish()
    }
}

/// Reads a decoded PLAIN message, `authzid NUL authcid NUL password` (RFC 4616), as a
/// server receives it; `None` when it does not have exactly three UTF-8 parts.
pub fn decode_plain(message: &[u8]) -> Option<PlainMessage> {
    let mut parts = message.split(|&byte| byte == 0);
    let authzid = parts.next()?;
    let username = parts.next()?;
    let password = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).ok();
    Some(PlainMessage {
        authzid: text(authzid)?,
        username: text(username)?,
        password: text(password)?,
    })
}

/// The client side of an AUTH LOGIN exchange.
///
/// Servers word their prompts differently (`Username:`, `User Name`, `login:`, or nothing
/// useful at all), so the prompts' text is not interpreted: the first challenge is answered
/// with the username, the second with the password, and a third is an error.
#[derive(Clone)]
pub struct LoginExchange {
    credentials: Credentials,
    answered: u8,
}

impl LoginExchange {
    /// Starts an exchange for `credentials`.
    pub fn new(credentials: &Credentials) -> Self {
        LoginExchange {
            credentials: credentials.clone(),
            answered: 0,
        }
    }

    /// Answers the next server challenge (base64 text, as sent after `334 ` or `+ `).
    ///
    /// The challenge's content is not checked: an empty or undecodable challenge is answered
    /// like any other, because servers in the field send all sorts. The returned base64
    /// string is the username for the first challenge and the password for the second.
    pub fn respond(&mut self, challenge_base64: &[u8]) -> Result<String, SaslError> {
        // The prompt is deliberately ignored; it is taken only to make call sites read like
        // the protocol.
        let _ = challenge_base64;
        let answer = match self.answered {
            0 => &self.credentials.username,
            1 => &self.credentials.password,
            _ => {
                return Err(SaslError::TooManyChallenges {
                    mechanism: Mechanism::Login,
                });
            }
        };
        self.answered += 1;
        Ok(STANDARD.encode(answer.as_bytes()))
    }

    /// Whether both the username and the password have been sent.
    pub fn is_complete(&self) -> bool {
        self.answered >= 2
    }
}

impl fmt::Debug for LoginExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginExchange")
            .field("credentials", &self.credentials)
            .field("answered", &self.answered)
            .finish()
    }
}

/// Which half of a [`Credentials`] pair was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialPart {
    /// The username.
    Username,
    /// The password.
    Password,
}

impl fmt::Display for CredentialPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CredentialPart::Username => "username",
            CredentialPart::Password => "password",
        })
    }
}

/// Why a username or password cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialProblem {
    /// It is empty; PLAIN requires at least one character.
    Empty,
    /// It contains NUL, which PLAIN uses as its separator.
    Nul,
    /// It contains CR or LF, which cannot be sent inside a command line.
    LineBreak,
}

/// What went wrong in a SASL exchange. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaslError {
    /// A username or password cannot be sent with SASL.
    InvalidCredentials {
        /// Which one was refused.
        part: CredentialPart,
        /// What is wrong with it.
        problem: CredentialProblem,
    },
    /// The server kept sending challenges after the mechanism had nothing left to answer.
    TooManyChallenges {
        /// The mechanism being run.
        mechanism: Mechanism,
    },
}

impl fmt::Display for SaslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslError::InvalidCredentials { part, problem } => match problem {
                CredentialProblem::Empty => write!(f, "the {part} is empty; enter a {part}"),
                CredentialProblem::Nul => write!(
                    f,
                    "the {part} contains a NUL character, which SASL cannot carry; check \
                     that it was copied correctly"
                ),
                CredentialProblem::LineBreak => write!(
                    f,
                    "the {part} contains a line break, which cannot be sent to the server; \
                     check that it was copied without a trailing newline"
                ),
            },
            SaslError::TooManyChallenges { mechanism } => write!(
                f,
                "the server sent another AUTH {mechanism} challenge after the username and \
                 password were both sent; the server is misbehaving, try another mechanism"
            ),
        }
    }
}

impl std::error::Error for SaslError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> Vec<u8> {
        STANDARD.decode(text).unwrap()
    }

    #[test]
    fn plain_matches_rfc_4616_example() {
        // RFC 4616 section 4: "C: a002 AUTHENTICATE "PLAIN" {20+}" with the message
        // <NUL>tim<NUL>tanstaaftanstaaf.
        let credentials = Credentials::new("tim", "tanstaaftanstaaf").unwrap();
        let response = plain_initial_response(&credentials);
        assert_eq!(response, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        assert_eq!(decode(&response), b"\0tim\0tanstaaftanstaaf");
    }

    #[test]
    fn plain_carries_utf8_unchanged() {
        let credentials = Credentials::new("jörg@example.org", "pässwörd").unwrap();
        let response = plain_initial_response(&credentials);
        assert_eq!(decode(&response), "\0jörg@example.org\0pässwörd".as_bytes());
    }

    #[test]
    fn login_answers_the_usual_prompts_in_order() {
        let credentials = Credentials::new("name@icloud.com", "abcd-efgh-ijkl-mnop").unwrap();
        let mut login = LoginExchange::new(&credentials);
        // S: 334 VXNlcm5hbWU6   ("Username:")
        let first = login.respond(b"VXNlcm5hbWU6").unwrap();
        assert_eq!(decode(&first), b"name@icloud.com");
        assert!(!login.is_complete());
        // S: 334 UGFzc3dvcmQ6   ("Password:")
        let second = login.respond(b"UGFzc3dvcmQ6").unwrap();
        assert_eq!(decode(&second), b"abcd-efgh-ijkl-mnop");
        assert!(login.is_complete());
        // S: 334 ... once more: the exchange has nothing left to say.
        assert_eq!(
            login.respond(b"VXNlcm5hbWU6"),
            Err(SaslError::TooManyChallenges {
                mechanism: Mechanism::Login
            })
        );
        // And stays finished.
        assert!(login.respond(b"").is_err());
    }

    #[test]
    fn login_answers_in_order_whatever_the_prompt_says() {
        let credentials = Credentials::new("user", "secret").unwrap();
        let mut login = LoginExchange::new(&credentials);
        // S: 334            (empty challenge)
        assert_eq!(decode(&login.respond(b"").unwrap()), b"user");
        // S: 334 garbage    (not even base64)
        assert_eq!(decode(&login.respond(b"garbage").unwrap()), b"secret");
        assert!(login.respond(b"\xff\x00=").is_err());
    }

    #[test]
    fn login_prompts_swapped_are_still_answered_in_order() {
        // A server that asks "Password:" first is broken; answering by position keeps the
        // behaviour predictable instead of guessing from the text.
        let credentials = Credentials::new("user", "secret").unwrap();
        let mut login = LoginExchange::new(&credentials);
        assert_eq!(login.respond(b"UGFzc3dvcmQ6").unwrap(), "dXNlcg==");
        assert_eq!(login.respond(b"VXNlcm5hbWU6").unwrap(), "c2VjcmV0");
    }

    #[test]
    fn credentials_refuse_what_cannot_go_on_the_wire() {
        let cases = [
            ("", "pw", CredentialPart::Username, CredentialProblem::Empty),
            (
                "user",
                "",
                CredentialPart::Password,
                CredentialProblem::Empty,
            ),
            (
                "us\0er",
                "pw",
                CredentialPart::Username,
                CredentialProblem::Nul,
            ),
            (
                "user",
                "p\0w",
                CredentialPart::Password,
                CredentialProblem::Nul,
            ),
            (
                "user\r\n",
                "pw",
                CredentialPart::Username,
                CredentialProblem::LineBreak,
            ),
            (
                "user",
                "pw\n",
                CredentialPart::Password,
                CredentialProblem::LineBreak,
            ),
            (
                "user",
                "p\rw",
                CredentialPart::Password,
                CredentialProblem::LineBreak,
            ),
        ];
        for (username, password, part, problem) in cases {
            assert_eq!(
                Credentials::new(username, password),
                Err(SaslError::InvalidCredentials { part, problem }),
                "{username:?} / {password:?}"
            );
        }
    }

    #[test]
    fn errors_name_the_part_but_never_the_secret() {
        let error = Credentials::new("user", "hunter2\n").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("password"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let credentials = Credentials::new("tim", "tanstaaftanstaaf").unwrap();
        let debug = format!("{credentials:?}");
        assert_eq!(
            debug,
            r#"Credentials { username: "tim", password: <redacted> }"#
        );
        let pretty = format!("{credentials:#?}");
        assert!(!pretty.contains("tanstaaf"), "{pretty}");

        let mut login = LoginExchange::new(&credentials);
        login.respond(b"").unwrap();
        let debug = format!("{login:?}");
        assert!(debug.contains("tim"), "{debug}");
        assert!(debug.contains(REDACTED), "{debug}");
        assert!(!debug.contains("tanstaaf"), "{debug}");
        // Nor in its base64 form.
        assert!(!debug.contains("dGFuc3RhYWZ0YW5zdGFhZg"), "{debug}");
    }

    #[test]
    fn mechanism_name_rules() {
        for name in [
            "PLAIN",
            "login",
            "CRAM-MD5",
            "SCRAM-SHA-256-PLUS",
            "KERBEROS_V4",
            "X",
        ] {
            assert_eq!(check_mechanism_name(name.as_bytes()), Ok(()), "{name}");
        }
        assert_eq!(check_mechanism_name(b""), Err(MechanismNameError::Empty));
        assert_eq!(
            check_mechanism_name(b"THIS-NAME-IS-21-BYTES"),
            Err(MechanismNameError::TooLong { length: 21 })
        );
        assert_eq!(
            check_mechanism_name(&[b'A'; MAX_MECHANISM_NAME_LEN]),
            Ok(())
        );
        for (name, byte, position) in [
            (&b"PLAIN LOGIN"[..], b' ', 5),
            (b"AUTH=PLAIN", b'=', 4),
            (b"PLAIN\r\n", b'\r', 5),
            (b"\0PLAIN", 0, 0),
            (b"PL\xc3\x84IN", 0xc3, 2),
            (b"???", b'?', 0),
        ] {
            assert_eq!(
                check_mechanism_name(name),
                Err(MechanismNameError::ForbiddenByte { byte, position }),
                "{name:?}"
            );
        }
        let message = check_mechanism_name(b"A B").unwrap_err().to_string();
        assert!(
            message.contains("0x20") && message.contains("position 1"),
            "{message}"
        );
    }

    #[test]
    fn mechanism_names_match_in_any_case() {
        assert!(same_mechanism_name(b"cram-md5", b"CRAM-MD5"));
        assert!(same_mechanism_name(b"XOAuth2", b"xoauth2"));
        assert!(!same_mechanism_name(b"PLAIN", b"PLAIN-CLIENTTOKEN"));
        assert!(!same_mechanism_name(b"SCRAM-SHA-1", b"SCRAM_SHA_1"));
    }

    #[test]
    fn mechanism_names() {
        assert_eq!(Mechanism::Plain.to_string(), "PLAIN");
        assert_eq!(Mechanism::Login.to_string(), "LOGIN");
        assert_eq!(Mechanism::from_name("Plain"), Some(Mechanism::Plain));
        assert_eq!(Mechanism::from_name("CRAM-MD5"), None);
    }
}
