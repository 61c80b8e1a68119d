//! Server capabilities (`IMAP4rev1`, `IDLE`, `AUTH=PLAIN`, ...).

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use std::fmt;

use super::core::{Atom, name_in, owned_enum};

/// One capability a server advertises, or one a client ENABLEs.
///
/// Well-known names get their own variant (compared without regard to case); anything else
/// is kept as [`Capability::Other`], including the odd leading tokens iCloud sends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability<'a> {
    /// `IMAP4rev1`
    Imap4Rev1,
    /// `IMAP4rev2`
    Imap4Rev2,
    /// `IMAP4` (sent by iCloud and others next to IMAP4rev1)
    Imap4,
    /// `STARTTLS`
    StartTls,
    /// `LOGINDISABLED`
    LoginDisabled,
    /// `AUTH=<mechanism>`
    Auth(Atom<'a>),
    /// `SASL-IR` (RFC 4959)
    SaslIr,
    /// `IDLE` (RFC 2177)
    Idle,
    /// `ID` (RFC 2971)
    Id,
    /// `ENABLE` (RFC 5161)
    Enable,
    /// `NAMESPACE` (RFC 2342)
    Namespace,
    /// `MOVE` (RFC 6851)
    Move,
    /// `UIDPLUS` (RFC 4315)
    UidPlus,
    /// `UNSELECT` (RFC 3691)
    Unselect,
    /// `QUOTA` (RFC 9208)
    Quota,
    /// `CONDSTORE` (RFC 7162)
    CondStore,
    /// `QRESYNC` (RFC 7162)
    QResync,
    /// `LITERAL+` (RFC 7888)
    LiteralPlus,
    /// `LITERAL-` (RFC 7888)
    LiteralMinus,
    /// `ESEARCH` (RFC 4731)
    ESearch,
    /// `SORT` (RFC 5256)
    Sort,
    /// `THREAD=<algorithm>` (RFC 5256)
    Thread(Atom<'a>),
    /// `LIST-STATUS` (RFC 5819)
    ListStatus,
    /// `LIST-EXTENDED` (RFC 5258)
    ListExtended,
    /// `SPECIAL-USE` (RFC 6154)
    SpecialUse,
    /// `CHILDREN` (RFC 3348)
    Children,
    /// `UTF8=ACCEPT` (RFC 6855)
    Utf8Accept,
    /// `BINARY` (RFC 3516)
    Binary,
    /// `COMPRESS=<algorithm>` (RFC 4978)
    Compress(Atom<'a>),
    /// `OBJECTID` (RFC 8474)
    ObjectId,
    /// Any other capability, as sent.
    Other(Atom<'a>),
}

static SIMPLE: [(&str, Capability<'static>); 25] = [
    ("IMAP4rev1", Capability::Imap4Rev1),
    ("IMAP4rev2", Capability::Imap4Rev2),
    ("IMAP4", Capability::Imap4),
    ("STARTTLS", Capability::StartTls),
    ("LOGINDISABLED", Capability::LoginDisabled),
    ("SASL-IR", Capability::SaslIr),
    ("IDLE", Capability::Idle),
    ("ID", Capability::Id),
    ("ENABLE", Capability::Enable),
    ("NAMESPACE", Capability::Namespace),
    ("MOVE", Capability::Move),
    ("UIDPLUS", Capability::UidPlus),
    ("UNSELECT", Capability::Unselect),
    ("QUOTA", Capability::Quota),
    ("CONDSTORE", Capability::CondStore),
    ("QRESYNC", Capability::QResync),
    ("LITERAL+", Capability::LiteralPlus),
    ("LITERAL-", Capability::LiteralMinus),
    ("ESEARCH", Capability::ESearch),
    ("SORT", Capability::Sort),
    ("LIST-STATUS", Capability::ListStatus),
    ("LIST-EXTENDED", Capability::ListExtended),
    ("SPECIAL-USE", Capability::SpecialUse),
    ("CHILDREN", Capability::Children),
    ("BINARY", Capability::Binary),
];

fn strip_prefix_ignore_case<'s>(token: &'s str, prefix: &str) -> Option<&'s str> {
    match token.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => token.get(prefix.len()..),
        _ => None,
    }
}

impl<'a> Capability<'a> {
    /// Recognises a capability token. The parser has already checked its characters; for
    /// a name from elsewhere use [`Capability::new`].
    pub(crate) fn from_token(token: &'a str) -> Self {
        let simple = match Keyword::of(token.as_bytes()) {
            kw::IMAP4REV1 => Some(Capability::Imap4Rev1),
            kw::IMAP4REV2 => Some(Capability::Imap4Rev2),
            kw::IMAP4 => Some(Capability::Imap4),
            kw::STARTTLS => Some(Capability::StartTls),
            kw::LOGINDISABLED => Some(Capability::LoginDisabled),
            kw::SASL_IR => Some(Capability::SaslIr),
            kw::IDLE => Some(Capability::Idle),
            kw::ID => Some(Capability::Id),
            kw::ENABLE => Some(Capability::Enable),
            kw::NAMESPACE => Some(Capability::Namespace),
            kw::MOVE => Some(Capability::Move),
            kw::UIDPLUS => Some(Capability::UidPlus),
            kw::UNSELECT => Some(Capability::Unselect),
            kw::QUOTA => Some(Capability::Quota),
            kw::CONDSTORE => Some(Capability::CondStore),
            kw::QRESYNC => Some(Capability::QResync),
            kw::LITERAL_PLUS => Some(Capability::LiteralPlus),
            kw::LITERAL_MINUS => Some(Capability::LiteralMinus),
            kw::ESEARCH => Some(Capability::ESearch),
            kw::SORT => Some(Capability::Sort),
            kw::LIST_STATUS => Some(Capability::ListStatus),
            kw::LIST_EXTENDED => Some(Capability::ListExtended),
            kw::SPECIAL_USE => Some(Capability::SpecialUse),
            kw::CHILDREN => Some(Capability::Children),
            kw::BINARY => Some(Capability::Binary),
            _ => None,
        };
        if let Some(capability) = simple {
            return capability;
        }
        if token.eq_ignore_ascii_case("UTF8=ACCEPT") {
            return Capability::Utf8Accept;
        }
        if token.eq_ignore_ascii_case("OBJECTID") {
            return Capability::ObjectId;
        }
        let with_value = |prefix: &str| {
            strip_prefix_ignore_case(token, prefix)
                .filter(|value| !value.is_empty())
                .map(Atom::unchecked)
        };
        if let Some(mechanism) = with_value("AUTH=") {
            return Capability::Auth(mechanism);
        }
        if let Some(algorithm) = with_value("THREAD=") {
            return Capability::Thread(algorithm);
        }
        if let Some(algorithm) = with_value("COMPRESS=") {
            return Capability::Compress(algorithm);
        }
        Capability::Other(Atom::unchecked(token))
    }

    /// The capability named `name`, checked to be an atom.
    pub fn new(name: &'a str) -> Result<Self, crate::imap::codec::error::EncodeError> {
        Atom::new(name)?;
        Ok(Capability::from_token(name))
    }

    /// The authentication mechanism, if this is `AUTH=<mechanism>`.
    pub fn auth_mechanism(&self) -> Option<&str> {
        match self {
            Capability::Auth(mechanism) => Some(mechanism.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for Capability<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::Auth(mechanism) => write!(f, "AUTH={}", mechanism.as_str()),
            Capability::Thread(algorithm) => write!(f, "THREAD={}", algorithm.as_str()),
            Capability::Compress(algorithm) => write!(f, "COMPRESS={}", algorithm.as_str()),
            Capability::Utf8Accept => f.write_str("UTF8=ACCEPT"),
            Capability::ObjectId => f.write_str("OBJECTID"),
            Capability::Other(atom) => f.write_str(atom.as_str()),
            simple => f.write_str(name_in(&SIMPLE, simple).unwrap_or_default()),
        }
    }
}

owned_enum!(Capability {
    Auth(mechanism), Thread(algorithm), Compress(algorithm), Other(atom),
    Imap4Rev1, Imap4Rev2, Imap4, StartTls, LoginDisabled, SaslIr, Idle, Id, Enable, Namespace,
    Move, UidPlus, Unselect, Quota, CondStore, QResync, LiteralPlus, LiteralMinus, ESearch, Sort,
    ListStatus, ListExtended, SpecialUse, Children, Utf8Accept, Binary, ObjectId,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyword_match_reads_every_name_the_table_writes() {
        for (name, capability) in &SIMPLE {
            for sent in [name.to_string(), name.to_ascii_lowercase()] {
                assert_eq!(Capability::from_token(&sent), *capability, "{sent}");
            }
            assert_eq!(capability.to_string(), *name);
        }
    }

    #[test]
    fn well_known_names_are_recognised_in_any_case() {
        assert_eq!(Capability::from_token("imap4REV1"), Capability::Imap4Rev1);
        assert_eq!(
            Capability::from_token("AUTH=PLAIN").auth_mechanism(),
            Some("PLAIN")
        );
        assert_eq!(Capability::from_token("IDLE").to_string(), "IDLE");
        assert_eq!(
            Capability::from_token("XAPPLEPUSHSERVICE"),
            Capability::Other(Atom::unchecked("XAPPLEPUSHSERVICE"))
        );
        assert_eq!(
            Capability::from_token("AUTH="),
            Capability::Other(Atom::unchecked("AUTH="))
        );
    }
}
