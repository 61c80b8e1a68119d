//! Presets for mail providers, iCloud first, with the fallbacks their own troubleshooting
//! advice gives.
//!
//! ```
//! use mailwire::provider::{self, ICLOUD};
//! use mailwire::security::Security;
//!
//! let icloud = provider::for_address("someone@me.com").unwrap();
//! assert_eq!(icloud.name, "iCloud Mail");
//! assert_eq!(icloud.smtp[0].host, "smtp.mail.me.com");
//! assert_eq!((icloud.smtp[0].port, icloud.smtp[0].security), (587, Security::StartTls));
//! assert_eq!((icloud.smtp[1].port, icloud.smtp[1].security), (465, Security::ImplicitTls));
//! assert_eq!(ICLOUD.imap[0].port, 993);
//! assert!(provider::for_address("someone@example.org").is_none());
//! ```

use crate::security::Security;

/// One way to reach a provider's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name to dial; TLS certificates are checked against it.
    pub host: &'static str,
    /// TCP port.
    pub port: u16,
    /// How the connection is protected.
    pub security: Security,
    /// Why a client would try this endpoint, in the provider's own advice, for reports.
    pub advice: &'static str,
}

/// What a provider wants as the login name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsernameStyle {
    /// The whole address, `name@domain`.
    FullAddress,
    /// The full address first; the part before `@` as a last resort.
    FullAddressThenLocalPart,
}

/// A mail provider's published client settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    /// Human name, for messages.
    pub name: &'static str,
    /// Address domains served by this provider.
    pub domains: &'static [&'static str],
    /// SMTP submission endpoints, the published default first, then the fallbacks.
    pub smtp: &'static [Endpoint],
    /// IMAP endpoints, the published default first.
    pub imap: &'static [Endpoint],
    /// Login name expected by SMTP.
    pub smtp_username: UsernameStyle,
    /// Login name expected by IMAP.
    pub imap_username: UsernameStyle,
    /// Host name suffixes that identify this provider's servers (sharded hosts included).
    pub host_suffixes: &'static [&'static str],
    /// What to tell a user whose password is refused.
    pub auth_failure_hint: &'static str,
}

/// Apple's iCloud Mail: submission on 587 with STARTTLS, 465 with implicit TLS when 587
/// fails, IMAP on 993 with implicit TLS, an app-specific password required.
/// `docs/icloud.md` in the repository lists iCloud's known behaviours and what mailwire
/// does about each.
pub const ICLOUD: Provider = Provider {
    name: "iCloud Mail",
    domains: &["icloud.com", "me.com", "mac.com"],
    smtp: &[
        Endpoint {
            host: "smtp.mail.me.com",
            port: 587,
            security: Security::StartTls,
            advice: "iCloud's published setting: port 587 with STARTTLS",
        },
        Endpoint {
            host: "smtp.mail.me.com",
            port: 465,
            security: Security::ImplicitTls,
            advice: "iCloud's advice: if you cannot send over 587, try 465 with SSL",
        },
    ],
    imap: &[Endpoint {
        host: "imap.mail.me.com",
        port: 993,
        security: Security::ImplicitTls,
        advice: "iCloud's published setting: port 993 with SSL",
    }],
    smtp_username: UsernameStyle::FullAddress,
    imap_username: UsernameStyle::FullAddressThenLocalPart,
    host_suffixes: &["mail.me.com"],
    auth_failure_hint: "iCloud accepts only an app-specific password here, and the account \
                        needs two-factor authentication: create one at appleid.apple.com \
                        (Sign-In and Security > App-Specific Passwords); the normal Apple \
                        Account password is refused",
};

/// Every provider this library knows.
pub const ALL: &[Provider] = &[ICLOUD];

/// The provider that serves `address` (by its domain, in any case), if known.
pub fn for_address(address: &str) -> Option<&'static Provider> {
    let domain = address.rsplit_once('@')?.1;
    ALL.iter().find(|provider| {
        provider
            .domains
            .iter()
            .any(|known| known.eq_ignore_ascii_case(domain))
    })
}

/// The provider whose servers answer at `host` (sharded hosts such as
/// `p42-imap.mail.me.com` included), if known.
pub fn for_host(host: &str) -> Option<&'static Provider> {
    let host = host.trim_end_matches('.').as_bytes();
    ALL.iter().find(|provider| {
        provider.host_suffixes.iter().any(|suffix| {
            let suffix = suffix.as_bytes();
            // Bytes, not str slicing: a non-ASCII host must not split a character.
            host.len() >= suffix.len()
                && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && (host.len() == suffix.len() || host[host.len() - suffix.len() - 1] == b'.')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icloud_addresses_in_any_case_find_icloud() {
        for address in ["a@icloud.com", "a@ME.COM", "first.last@Mac.com"] {
            assert_eq!(for_address(address), Some(&ICLOUD), "{address}");
        }
        assert_eq!(for_address("a@notme.com"), None);
        assert_eq!(for_address("no-at-sign"), None);
    }

    #[test]
    fn sharded_icloud_hosts_are_recognised_but_lookalikes_are_not() {
        assert_eq!(for_host("p42-imap.mail.me.com"), Some(&ICLOUD));
        assert_eq!(for_host("smtp.mail.me.com."), Some(&ICLOUD));
        assert_eq!(for_host("evilmail.me.com"), None);
        assert_eq!(for_host("mail.me.com.example"), None);
        assert_eq!(for_host("localhost"), None);
        assert_eq!(for_host("éééééééééé"), None);
        assert_eq!(for_host("é.mail.me.com"), Some(&ICLOUD));
    }
}
