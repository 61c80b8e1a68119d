//! Response codes: the bracketed part of a status response (`[UIDNEXT 4392]`).

use super::capability::Capability;
use super::core::{AString, Atom, owned_enum};
use super::flag::Flag;
use super::raw::Raw;
use super::sequence::SequenceSet;

/// A response code (RFC 3501 §7.1, RFC 4315, RFC 5530, RFC 7162 and others).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code<'a> {
    /// `ALERT`: show the text to the user.
    Alert,
    /// `BADCHARSET`, optionally with the charsets the server supports.
    BadCharset(Vec<AString<'a>>),
    /// `CAPABILITY ...`
    Capability(Vec<Capability<'a>>),
    /// `PARSE`: a message's headers could not be parsed.
    Parse,
    /// `PERMANENTFLAGS (...)`
    PermanentFlags(Vec<Flag<'a>>),
    /// `READ-ONLY`
    ReadOnly,
    /// `READ-WRITE`
    ReadWrite,
    /// `TRYCREATE`: the target mailbox does not exist but may be created.
    TryCreate,
    /// `UIDNEXT n`
    UidNext(u32),
    /// `UIDVALIDITY n`
    UidValidity(u32),
    /// `UNSEEN n`
    Unseen(u32),
    /// `APPENDUID uidvalidity uids` (RFC 4315)
    AppendUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// UIDs given to the appended messages.
        uids: SequenceSet,
    },
    /// `COPYUID uidvalidity source destination` (RFC 4315)
    CopyUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// UIDs of the messages copied.
        source: SequenceSet,
        /// UIDs they received in the target, in the same order.
        destination: SequenceSet,
    },
    /// `UIDNOTSTICKY` (RFC 4315)
    UidNotSticky,
    /// `HIGHESTMODSEQ n` (RFC 7162)
    HighestModSeq(u64),
    /// `NOMODSEQ` (RFC 7162)
    NoModSeq,
    /// `MODIFIED set` (RFC 7162)
    Modified(SequenceSet),
    /// `CLOSED` (RFC 7162)
    Closed,
    /// `UNAVAILABLE` (RFC 5530): temporary failure, try again later.
    Unavailable,
    /// `AUTHENTICATIONFAILED` (RFC 5530)
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED` (RFC 5530)
    AuthorizationFailed,
    /// `EXPIRED` (RFC 5530)
    Expired,
    /// `PRIVACYREQUIRED` (RFC 5530)
    PrivacyRequired,
    /// `CONTACTADMIN` (RFC 5530)
    ContactAdmin,
    /// `NOPERM` (RFC 5530)
    NoPerm,
    /// `INUSE` (RFC 5530)
    InUse,
    /// `EXPUNGEISSUED` (RFC 5530)
    ExpungeIssued,
    /// `CORRUPTION` (RFC 5530)
    Corruption,
    /// `SERVERBUG` (RFC 5530)
    ServerBug,
    /// `CLIENTBUG` (RFC 5530)
    ClientBug,
    /// `CANNOT` (RFC 5530)
    CanNot,
    /// `LIMIT` (RFC 5530)
    Limit,
    /// `OVERQUOTA` (RFC 5530)
    OverQuota,
    /// `ALREADYEXISTS` (RFC 5530)
    AlreadyExists,
    /// `NONEXISTENT` (RFC 5530)
    NonExistent,
    /// `COMPRESSIONACTIVE` (RFC 4978)
    CompressionActive,
    /// `USEATTR` (RFC 6154)
    UseAttr,
    /// `HASCHILDREN` (RFC 9051)
    HasChildren,
    /// Any other code, with its arguments kept as sent.
    Other {
        /// The code's name.
        name: Atom<'a>,
        /// Everything between the name's trailing space and `]`, if anything.
        arguments: Option<Raw<'a>>,
    },
}

/// Codes that take no argument, by name.
pub(crate) static BARE_CODES: [(&str, Code<'static>); 30] = [
    ("ALERT", Code::Alert),
    ("PARSE", Code::Parse),
    ("READ-ONLY", Code::ReadOnly),
    ("READ-WRITE", Code::ReadWrite),
    ("TRYCREATE", Code::TryCreate),
    ("UIDNOTSTICKY", Code::UidNotSticky),
    ("NOMODSEQ", Code::NoModSeq),
    ("CLOSED", Code::Closed),
    ("UNAVAILABLE", Code::Unavailable),
    ("AUTHENTICATIONFAILED", Code::AuthenticationFailed),
    ("AUTHORIZATIONFAILED", Code::AuthorizationFailed),
    ("EXPIRED", Code::Expired),
    ("PRIVACYREQUIRED", Code::PrivacyRequired),
    ("CONTACTADMIN", Code::ContactAdmin),
    ("NOPERM", Code::NoPerm),
    ("INUSE", Code::InUse),
    ("EXPUNGEISSUED", Code::ExpungeIssued),
    ("CORRUPTION", Code::Corruption),
    ("SERVERBUG", Code::ServerBug),
    ("CLIENTBUG", Code::ClientBug),
    ("CANNOT", Code::CanNot),
    ("LIMIT", Code::Limit),
    ("OVERQUOTA", Code::OverQuota),
    ("ALREADYEXISTS", Code::AlreadyExists),
    ("NONEXISTENT", Code::NonExistent),
    ("COMPRESSIONACTIVE", Code::CompressionActive),
    ("USEATTR", Code::UseAttr),
    ("HASCHILDREN", Code::HasChildren),
    // BADCHARSET without a list is written bare, so it is found here too.
    ("BADCHARSET", Code::BadCharset(Vec::new())),
    ("CAPABILITY", Code::Capability(Vec::new())),
];

owned_enum!(Code {
    BadCharset(list), Capability(list), PermanentFlags(list), Other { name, arguments },
    UidNext(n), UidValidity(n), Unseen(n), HighestModSeq(n), Modified(set),
    AppendUid { uid_validity, uids }, CopyUid { uid_validity, source, destination },
    Alert, Parse, ReadOnly, ReadWrite, TryCreate, UidNotSticky, NoModSeq, Closed, Unavailable,
    AuthenticationFailed, AuthorizationFailed, Expired, PrivacyRequired, ContactAdmin, NoPerm,
    InUse, ExpungeIssued, Corruption, ServerBug, ClientBug, CanNot, Limit, OverQuota,
    AlreadyExists, NonExistent, CompressionActive, UseAttr, HasChildren,
});
