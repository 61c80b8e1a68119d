//! How a connection is protected: implicit TLS, STARTTLS, or (only by name) plaintext.
//!
//! ```
//! use mailwire::security::Security;
//!
//! let mode: Security = "starttls".parse().unwrap();
//! assert_eq!(mode, Security::StartTls);
//! assert!(mode.is_encrypted());
//! assert!(!Security::Plaintext.is_encrypted());
//! ```

use core::fmt;
use core::str::FromStr;

/// How a client protects its connection to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Security {
    /// TLS from the first byte (SMTP port 465, IMAP port 993).
    ImplicitTls,
    /// Plain TCP upgraded with STARTTLS before anything else is said; the client stops if
    /// the server does not offer or refuses STARTTLS (SMTP port 587, IMAP port 143).
    #[default]
    StartTls,
    /// No encryption at all: passwords and mail travel in clear. Only for loopback test
    /// servers; a caller must name this mode to get it.
    Plaintext,
}

impl Security {
    /// True unless this is [`Security::Plaintext`].
    pub fn is_encrypted(self) -> bool {
        !matches!(self, Security::Plaintext)
    }

    /// The name used on command lines and in messages: `implicit`, `starttls` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Security::ImplicitTls => "implicit",
            Security::StartTls => "starttls",
            Security::Plaintext => "none",
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::ImplicitTls => "implicit TLS",
            Security::StartTls => "STARTTLS",
            Security::Plaintext => "plaintext (no TLS)",
        })
    }
}

/// The text given was not one of `implicit`, `starttls` or `none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSecurity(pub String);

impl fmt::Display for UnknownSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown TLS mode {:?}: use implicit, starttls or none",
            self.0
        )
    }
}

impl std::error::Error for UnknownSecurity {}

impl FromStr for Security {
    type Err = UnknownSecurity;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "implicit" | "tls" | "ssl" => Ok(Security::ImplicitTls),
            "starttls" => Ok(Security::StartTls),
            "none" | "plain" | "plaintext" => Ok(Security::Plaintext),
            _ => Err(UnknownSecurity(text.to_owned())),
        }
    }
}
