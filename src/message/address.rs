//! Mailboxes: an address with an optional display name.
//!
//! Addresses are checked before anything is built from them, so that no address can add a
//! header or a command: no white space, no control characters, no angle brackets, a local
//! part of RFC 5322 `dot-atom` characters and a domain of host-name labels or an address
//! literal. UTF-8 is allowed in both parts (RFC 6531/6532) and flagged, because the
//! server must then offer SMTPUTF8.

use core::fmt;
use core::str::FromStr;

use super::encoding::{decode_words, encode_words};
use super::error::{Field, MessageError, Problem};
use super::header::check_text;

/// RFC 5321 caps the forward path at 256 octets, angle brackets included.
const MAX_ADDRESS: usize = 254;
/// RFC 5321 section 4.5.3.1.1.
const MAX_LOCAL_PART: usize = 64;
/// A phrase word longer than this goes into encoded words, so the header can be folded.
const MAX_PLAIN_WORD: usize = 70;

/// An email address with an optional display name, as in `Jane Doe <jane@example.com>`.
///
/// ```
/// use mailwire::message::Mailbox;
///
/// let jane: Mailbox = "Jane Doe <jane@example.com>".parse().unwrap();
/// assert_eq!(jane.name(), Some("Jane Doe"));
/// assert_eq!(jane.address(), "jane@example.com");
///
/// let plain = Mailbox::new("jane@example.com").unwrap();
/// assert_eq!(plain.to_string(), "jane@example.com");
///
/// let quoted = Mailbox::with_name("Doe, Jane", "jane@example.com").unwrap();
/// assert_eq!(quoted.to_string(), "\"Doe, Jane\" <jane@example.com>");
///
/// assert!(Mailbox::new("jane@example.com>\r\nBcc: x@y").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mailbox {
    name: Option<String>,
    address: String,
}

impl Mailbox {
    /// A mailbox without display name, after checking the address.
    pub fn new(address: &str) -> Result<Self, MessageError> {
        check_address(address)
            .map_err(|problem| MessageError::invalid(Field::Address, address, problem))?;
        Ok(Mailbox {
            name: None,
            address: address.to_owned(),
        })
    }

    /// A mailbox with a display name. The name may be any text without line breaks or
    /// control characters; it is quoted or RFC 2047-encoded in headers as needed. An empty
    /// name means no name.
    pub fn with_name(name: &str, address: &str) -> Result<Self, MessageError> {
        check_text(name)
            .map_err(|problem| MessageError::invalid(Field::DisplayName, name, problem))?;
        let mut mailbox = Mailbox::new(address)?;
        mailbox.name = Some(name.to_owned()).filter(|name| !name.is_empty());
        Ok(mailbox)
    }

    /// The address (addr-spec), such as `jane@example.com`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The display name, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The domain: what follows the last `@` of the address.
    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
    }

    /// Whether the address has non-ASCII characters, so that sending to or from it needs
    /// the server's SMTPUTF8 extension (RFC 6531).
    pub fn needs_smtputf8(&self) -> bool {
        !self.address.is_ascii()
    }

    /// The key under which two mailboxes are the same recipient: the local part as written
    /// (it may be case-sensitive) and the domain in lower case (it never is).
    pub(crate) fn recipient_key(&self) -> (&str, String) {
        match self.address.rsplit_once('@') {
            Some((local, domain)) => (local, domain.to_lowercase()),
            None => (&self.address, String::new()),
        }
    }
}

/// Writes the mailbox as it appears in a header: the name quoted or RFC 2047-encoded as
/// needed, then the address in angle brackets; or the bare address when there is no name.
impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            None => f.write_str(&self.address),
            Some(name) => write!(f, "{} <{}>", phrase(name), self.address),
        }
    }
}

/// Parses `Name <address>`, `"Quoted, Name" <address>`, `=?UTF-8?Q?Encoded?= <address>`,
/// `<address>` or a bare `address`.
impl FromStr for Mailbox {
    type Err = MessageError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let Some((name, address)) = text
            .strip_suffix('>')
            .and_then(|inner| inner.rsplit_once('<'))
        else {
            return Mailbox::new(text);
        };
        let name = name.trim();
        let name = match name
            .strip_prefix('"')
            .and_then(|quoted| quoted.strip_suffix('"'))
        {
            Some(quoted) => unquote(quoted),
            None => decode_words(name),
        };
        Mailbox::with_name(&name, address)
    }
}

/// Removes quoted-pair escapes from the inside of a quoted string.
fn unquote(quoted: &str) -> String {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// RFC 5322 `atext`, widened to UTF-8 by RFC 6532.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// A display name as an RFC 5322 phrase: plain words when they are all atoms, a quoted
/// string when that suffices, RFC 2047 encoded words otherwise.
fn phrase(name: &str) -> String {
    let folds_well = name
        .split(' ')
        .all(|word| !word.is_empty() && word.len() <= MAX_PLAIN_WORD);
    // "=?" could be taken for an encoded word even inside quotes by lenient readers.
    let ascii = name.is_ascii() && !name.contains("=?") && !name.contains('\t');
    if ascii && folds_well && name.split(' ').all(|word| word.chars().all(is_atext)) {
        return name.to_owned();
    }
    if ascii && folds_well {
        let mut quoted = String::with_capacity(name.len() + 4);
        quoted.push('"');
        for c in name.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        return quoted;
    }
    encode_words(name)
}

/// Checks an addr-spec.
fn check_address(address: &str) -> Result<(), Problem> {
    if address.is_empty() {
        return Err(Problem::Empty);
    }
    for c in address.chars() {
        let problem = match c {
            '\r' | '\n' => Problem::LineBreak,
            '\0' => Problem::Nul,
            c if c.is_whitespace() => Problem::Whitespace,
            c if c.is_control() => Problem::Control,
            '<' | '>' => Problem::Forbidden(c),
            _ => continue,
        };
        return Err(problem);
    }
    if address.len() > MAX_ADDRESS {
        return Err(Problem::TooLong { max: MAX_ADDRESS });
    }
    let (local, domain) = address.rsplit_once('@').ok_or(Problem::MissingAt)?;
    if local.len() > MAX_LOCAL_PART {
        return Err(Problem::TooLong {
            max: MAX_LOCAL_PART,
        });
    }
    check_dot_separated(local, is_atext)?;
    if let Some(literal) = domain.strip_prefix('[') {
        // An address literal such as [192.0.2.1] or [IPv6:2001:db8::1]; its syntax is the
        // server's business, but it must stay printable ASCII without brackets inside.
        let inner = literal.strip_suffix(']').ok_or(Problem::Forbidden('['))?;
        if inner.is_empty() {
            return Err(Problem::BadDots);
        }
        match inner
            .chars()
            .find(|&c| !c.is_ascii_graphic() || matches!(c, '[' | ']' | '\\'))
        {
            Some(c) => Err(Problem::Forbidden(c)),
            None => Ok(()),
        }
    } else {
        check_dot_separated(domain, |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
        })
    }
}

/// Checks dot-separated labels: none empty, every character allowed.
fn check_dot_separated(text: &str, allowed: impl Fn(char) -> bool) -> Result<(), Problem> {
    for label in text.split('.') {
        if label.is_empty() {
            return Err(Problem::BadDots);
        }
        if let Some(c) = label.chars().find(|&c| !allowed(c)) {
            return Err(Problem::Forbidden(c));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(address: &str) -> Problem {
        match Mailbox::new(address) {
            Err(MessageError::InvalidField {
                field: Field::Address,
                problem,
                ..
            }) => problem,
            other => panic!("{address:?} gave {other:?}"),
        }
    }

    #[test]
    fn good_addresses() {
        for address in [
            "jane@example.com",
            "first.last+tag@sub.example.co.uk",
            "o'brien@example.ie",
            "a@localhost",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "weird!#$%&'*+-/=?^_`{|}~@example.com",
        ] {
            let mailbox = Mailbox::new(address).unwrap();
            assert_eq!(mailbox.address(), address);
            assert!(!mailbox.needs_smtputf8());
        }
    }

    #[test]
    fn utf8_addresses_are_allowed_and_flagged() {
        for address in ["jörg@example.de", "user@bücher.example", "用户@例子.广告"] {
            let mailbox = Mailbox::new(address).unwrap();
            assert!(mailbox.needs_smtputf8(), "{address}");
        }
    }

    #[test]
    fn bad_addresses_say_why() {
        assert_eq!(problem(""), Problem::Empty);
        assert_eq!(problem("jane.example.com"), Problem::MissingAt);
        assert_eq!(
            problem("jane@example.com\r\nRCPT TO:<x@y>"),
            Problem::LineBreak
        );
        assert_eq!(problem("jane@example.com\n"), Problem::LineBreak);
        assert_eq!(problem("ja\0ne@example.com"), Problem::Nul);
        assert_eq!(problem("jane doe@example.com"), Problem::Whitespace);
        assert_eq!(problem("jane\t@example.com"), Problem::Whitespace);
        assert_eq!(problem("ja\x1bne@example.com"), Problem::Control);
        assert_eq!(problem("jane@example.com>"), Problem::Forbidden('>'));
        assert_eq!(problem("<jane@example.com"), Problem::Forbidden('<'));
        assert_eq!(problem("a,b@example.com"), Problem::Forbidden(','));
        assert_eq!(problem("a@b@example.com"), Problem::Forbidden('@'));
        assert_eq!(problem("@example.com"), Problem::BadDots);
        assert_eq!(problem("jane@"), Problem::BadDots);
        assert_eq!(problem(".jane@example.com"), Problem::BadDots);
        assert_eq!(problem("ja..ne@example.com"), Problem::BadDots);
        assert_eq!(problem("jane@example..com"), Problem::BadDots);
        assert_eq!(problem("jane@example.com."), Problem::BadDots);
        assert_eq!(problem("jane@exa!mple.com"), Problem::Forbidden('!'));
        assert_eq!(problem("jane@[1.2.3.4"), Problem::Forbidden('['));
        assert_eq!(
            problem(&format!("{}@example.com", "a".repeat(65))),
            Problem::TooLong { max: 64 }
        );
        assert_eq!(
            problem(&format!("a@{}.com", "b".repeat(250))),
            Problem::TooLong { max: 254 }
        );
    }

    #[test]
    fn display_names_are_checked() {
        for (name, expected) in [
            ("Jane\r\nBcc: evil@example.com", Problem::LineBreak),
            ("Jane\0", Problem::Nul),
            ("Jane\x07", Problem::Control),
        ] {
            match Mailbox::with_name(name, "jane@example.com") {
                Err(MessageError::InvalidField {
                    field: Field::DisplayName,
                    problem,
                    ..
                }) => assert_eq!(problem, expected),
                other => panic!("{name:?} gave {other:?}"),
            }
        }
        assert_eq!(Mailbox::with_name("", "a@b").unwrap().name(), None);
    }

    #[test]
    fn names_are_written_plain_quoted_or_encoded() {
        let cases = [
            ("Jane Doe", "Jane Doe <jane@example.com>"),
            ("Doe, Jane", "\"Doe, Jane\" <jane@example.com>"),
            ("John Q. Public", "\"John Q. Public\" <jane@example.com>"),
            (
                "say \"hi\" \\o/",
                "\"say \\\"hi\\\" \\\\o/\" <jane@example.com>",
            ),
            ("Jürgen", "=?UTF-8?Q?J=C3=BCrgen?= <jane@example.com>"),
            ("=?x?", "=?UTF-8?B?PT94Pw==?= <jane@example.com>"),
        ];
        for (name, expected) in cases {
            let mailbox = Mailbox::with_name(name, "jane@example.com").unwrap();
            assert_eq!(mailbox.to_string(), expected);
        }
    }

    #[test]
    fn display_and_parse_roundtrip() {
        let names = [
            "Jane Doe",
            "Doe, Jane",
            "say \"hi\" \\o/",
            "Jürgen Müller",
            "山田 太郎",
            " spaced  out ",
            "<angle> brackets",
            &"very long name ".repeat(20),
            &"Ü".repeat(100),
        ];
        for name in names {
            let mailbox = Mailbox::with_name(name, "jane@example.com").unwrap();
            let written = mailbox.to_string();
            assert!(written.is_ascii(), "{written}");
            let parsed: Mailbox = written.parse().unwrap();
            assert_eq!(parsed, mailbox, "{written}");
        }
    }

    #[test]
    fn parsing_common_forms() {
        let bare: Mailbox = "  jane@example.com ".parse().unwrap();
        assert_eq!((bare.name(), bare.address()), (None, "jane@example.com"));
        let angled: Mailbox = "<jane@example.com>".parse().unwrap();
        assert_eq!(
            (angled.name(), angled.address()),
            (None, "jane@example.com")
        );
        let named: Mailbox = "Jane Doe <jane@example.com>".parse().unwrap();
        assert_eq!(named.name(), Some("Jane Doe"));
        assert!("Jane <jane@example.com".parse::<Mailbox>().is_err());
        assert!("Jane <>".parse::<Mailbox>().is_err());
        assert!("Ja\r\nne <jane@example.com>".parse::<Mailbox>().is_err());
    }

    #[test]
    fn recipient_key_ignores_domain_case_only() {
        let a = Mailbox::new("Jane@Example.COM").unwrap();
        let b = Mailbox::new("Jane@example.com").unwrap();
        let c = Mailbox::new("jane@example.com").unwrap();
        assert_eq!(a.recipient_key(), b.recipient_key());
        assert_ne!(a.recipient_key(), c.recipient_key());
    }
}
