//! EHLO capabilities: what a server says it can do, read from its EHLO reply.
//!
//! The first line of a positive EHLO reply names the server; each following line starts
//! with a keyword (RFC 5321 section 4.1.1.1). Servers write keywords in any case, some
//! still send the pre-standard `AUTH=PLAIN LOGIN` beside or instead of `AUTH PLAIN LOGIN`,
//! and a few send lines that are not keywords at all: none of that makes the EHLO fail.
//!
//! ```
//! use mailwire::limits::Limits;
//! use mailwire::smtp::codec::{parse_reply, Capabilities, Parsed};
//!
//! let wire = b"250-smtp.example.com\r\n250-size\r\n250-AUTH=LOGIN\r\n250 AUTH PLAIN LOGIN\r\n";
//! let Parsed::Complete(reply, _) = parse_reply(wire, &Limits::default())? else {
//!     panic!("whole reply expected");
//! };
//! let capabilities = Capabilities::from_ehlo(&reply)?;
//! assert_eq!(capabilities.domain, "smtp.example.com");
//! assert_eq!(capabilities.size, Some(0), "SIZE without a number: no fixed limit");
//! assert_eq!(capabilities.auth, ["LOGIN", "PLAIN"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use std::collections::HashSet;

use super::reply::{OwnedReply, Reply, ReplyCode};

/// SASL mechanism names are at most 20 characters (RFC 4422 section 3.1).
const MAX_MECHANISM_LEN: usize = 20;

/// The service extensions a server announced in its EHLO reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// The name the server gave for itself (first word of the first line).
    pub domain: String,
    /// SIZE (RFC 1870): the largest message accepted, in bytes; `Some(0)` when the
    /// server announces SIZE without a fixed limit.
    pub size: Option<u64>,
    /// PIPELINING (RFC 2920): commands may be sent in groups without waiting.
    pub pipelining: bool,
    /// 8BITMIME (RFC 6152): 8-bit message bodies are accepted.
    pub eight_bit_mime: bool,
    /// SMTPUTF8 (RFC 6531): UTF-8 addresses and headers are accepted.
    pub smtp_utf8: bool,
    /// ENHANCEDSTATUSCODES (RFC 2034): replies carry codes such as `5.7.8`.
    pub enhanced_status_codes: bool,
    /// CHUNKING (RFC 3030): BDAT may be used instead of DATA.
    pub chunking: bool,
    /// DSN (RFC 3461): delivery status notification parameters are accepted.
    pub dsn: bool,
    /// STARTTLS (RFC 3207): the connection can be upgraded to TLS.
    pub starttls: bool,
    /// SASL mechanisms (RFC 4954), upper-case, each once, in the order announced.
    pub auth: Vec<String>,
    /// Every other line: its keyword upper-cased, and the rest of the line.
    pub other: Vec<(String, String)>,
}

impl Capabilities {
    /// Reads the capabilities from a reply to EHLO.
    ///
    /// Fails only when the reply is not a 2xx: a server that refuses EHLO may still
    /// accept HELO.
    pub fn from_ehlo(reply: &Reply<'_>) -> Result<Self, EhloError> {
        if !reply.code().is_positive_completion() {
            return Err(EhloError::Refused(reply.to_owned()));
        }
        let mut lines = reply.lines();
        let greeting = lines.next().unwrap_or_default();
        let domain = greeting
            .split(|&byte| byte == b' ')
            .find(|word| !word.is_empty())
            .unwrap_or_default();
        let mut capabilities = Capabilities {
            domain: String::from_utf8_lossy(domain).into_owned(),
            ..Capabilities::default()
        };
        let mut seen_mechanisms = SeenMechanisms::default();
        for line in lines {
            capabilities.add_line(line, &mut seen_mechanisms);
        }
        Ok(capabilities)
    }

    fn add_line(&mut self, line: &[u8], seen_mechanisms: &mut SeenMechanisms) {
        let line = trim_spaces(line);
        let (keyword, params) = match line.iter().position(|&byte| byte == b' ') {
            Some(space) => (&line[..space], trim_spaces(&line[space + 1..])),
            None => (line, &[][..]),
        };
        if keyword.is_empty() {
            return;
        }
        if keyword.len() >= 5 && keyword[..5].eq_ignore_ascii_case(b"AUTH=") {
            // The pre-RFC 4954 form: `AUTH=PLAIN LOGIN`.
            self.add_mechanisms(&keyword[5..], seen_mechanisms);
            self.add_mechanisms(params, seen_mechanisms);
            return;
        }
        let is = |name: &str| keyword.eq_ignore_ascii_case(name.as_bytes());
        if is("PIPELINING") {
            self.pipelining = true;
        } else if is("8BITMIME") {
            self.eight_bit_mime = true;
        } else if is("SMTPUTF8") {
            self.smtp_utf8 = true;
        } else if is("ENHANCEDSTATUSCODES") {
            self.enhanced_status_codes = true;
        } else if is("CHUNKING") {
            self.chunking = true;
        } else if is("DSN") {
            self.dsn = true;
        } else if is("STARTTLS") {
            self.starttls = true;
        } else if is("AUTH") {
            self.add_mechanisms(params, seen_mechanisms);
        } else if is("SIZE") {
            self.size = Some(parse_size(params));
        } else {
            self.other.push((
                String::from_utf8_lossy(keyword).to_ascii_uppercase(),
                String::from_utf8_lossy(params).into_owned(),
            ));
        }
    }

    fn add_mechanisms(&mut self, names: &[u8], seen: &mut SeenMechanisms) {
        for name in names.split(|&byte| byte == b' ') {
            let valid = !name.is_empty()
                && name.len() <= MAX_MECHANISM_LEN
                && name
                    .iter()
                    .all(|&byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
            if valid && seen.first_time(name, &self.auth) {
                self.auth
                    .push(String::from_utf8_lossy(name).to_ascii_uppercase());
            }
        }
    }

    /// True when the server offers the SASL mechanism `mechanism` (any case).
    pub fn supports_auth(&self, mechanism: &str) -> bool {
        self.auth
            .iter()
            .any(|offered| offered.eq_ignore_ascii_case(mechanism))
    }

    /// The EHLO reply a server with these capabilities sends.
    pub fn to_reply(&self) -> OwnedReply {
        let mut lines = vec![self.domain.clone()];
        let flags = [
            (self.pipelining, "PIPELINING"),
            (self.eight_bit_mime, "8BITMIME"),
            (self.smtp_utf8, "SMTPUTF8"),
            (self.enhanced_status_codes, "ENHANCEDSTATUSCODES"),
            (self.chunking, "CHUNKING"),
            (self.dsn, "DSN"),
            (self.starttls, "STARTTLS"),
        ];
        match self.size {
            Some(0) => lines.push("SIZE".to_owned()),
            Some(limit) => lines.push(format!("SIZE {limit}")),
            None => {}
        }
        lines.extend(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, keyword)| (*keyword).to_owned()),
        );
        if !self.auth.is_empty() {
            lines.push(format!("AUTH {}", self.auth.join(" ")));
        }
        for (keyword, params) in &self.other {
            if params.is_empty() {
                lines.push(keyword.clone());
            } else {
                lines.push(format!("{keyword} {params}"));
            }
        }
        OwnedReply::new(ReplyCode::OK, None, lines)
    }
}

/// Which mechanisms are listed already: a look along the short list real servers send,
/// and a set once a hostile one sends thousands.
#[derive(Default)]
struct SeenMechanisms {
    set: Option<HashSet<Vec<u8>>>,
}

impl SeenMechanisms {
    const LINEAR_LIMIT: usize = 16;

    /// True when `name` (any case) is not in `listed` yet; `listed` holds upper-case names.
    fn first_time(&mut self, name: &[u8], listed: &[String]) -> bool {
        if self.set.is_none() && listed.len() < Self::LINEAR_LIMIT {
            return !listed
                .iter()
                .any(|known| known.as_bytes().eq_ignore_ascii_case(name));
        }
        let set = self.set.get_or_insert_with(|| {
            listed
                .iter()
                .map(|known| known.as_bytes().to_vec())
                .collect()
        });
        set.insert(name.to_ascii_uppercase())
    }
}

fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&byte| byte != b' ')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&byte| byte != b' ')
        .map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// The SIZE parameter; a missing or unreadable number means no announced limit.
fn parse_size(params: &[u8]) -> u64 {
    let number = params
        .split(|&byte| byte == b' ')
        .next()
        .unwrap_or_default();
    core::str::from_utf8(number)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0)
}

/// Why a server's EHLO reply gives no capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EhloError {
    /// The server answered EHLO with an error.
    Refused(OwnedReply),
}

impl fmt::Display for EhloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EhloError::Refused(reply) => write!(
                f,
                "the server refused EHLO (\"{reply}\"); it may only understand the older HELO"
            ),
        }
    }
}

impl std::error::Error for EhloError {}
