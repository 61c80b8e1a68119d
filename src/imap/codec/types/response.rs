//! What a server sends: the greeting, status responses, data and continuation requests.

use super::capability::Capability;
use super::code::Code;
use super::core::{AString, Tag, Text, owned_enum, owned_is_self, owned_struct};
use super::extension::{ESearch, IdParameters, NamespaceDescription, QuotaResource, Thread};
use super::fetch::FetchItem;
use super::flag::Flag;
use super::mailbox::{ListItem, MailboxName};
use super::raw::Raw;
use super::sequence::SequenceSet;
use super::status::StatusItem;

/// The first thing a server says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Greeting<'a> {
    /// OK, PREAUTH or BYE.
    pub kind: GreetingKind,
    /// A response code (`[CAPABILITY ...]`).
    pub code: Option<Code<'a>>,
    /// Human-readable text.
    pub text: Text<'a>,
}

owned_struct!(Greeting { kind, code, text });

/// The kind of greeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GreetingKind {
    /// `* OK`: log in next.
    Ok,
    /// `* PREAUTH`: already authenticated.
    PreAuth,
    /// `* BYE`: the server refuses the connection.
    Bye,
}

/// The condition of a status response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// `OK`
    Ok,
    /// `NO`
    No,
    /// `BAD`
    Bad,
    /// `PREAUTH` (only in a greeting)
    PreAuth,
    /// `BYE`
    Bye,
}

impl StatusKind {
    /// The keyword on the wire.
    pub fn name(self) -> &'static str {
        match self {
            StatusKind::Ok => "OK",
            StatusKind::No => "NO",
            StatusKind::Bad => "BAD",
            StatusKind::PreAuth => "PREAUTH",
            StatusKind::Bye => "BYE",
        }
    }
}

/// A status response: tagged (completes a command) or untagged (`* OK [UIDNEXT 5] ...`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Status<'a> {
    /// The command's tag, or `None` for `*`.
    pub tag: Option<Tag<'a>>,
    /// The condition.
    pub kind: StatusKind,
    /// A response code.
    pub code: Option<Code<'a>>,
    /// Human-readable text (may be empty: servers leave it out).
    pub text: Text<'a>,
}

owned_struct!(Status {
    tag,
    kind,
    code,
    text
});

/// A continuation request: `+ text`, `+ [code] text` or `+ base64`.
///
/// Whether the text is base64 depends on what the client sent (AUTHENTICATE), so the text is
/// kept as sent; [`Continue::base64`] decodes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Continue<'a> {
    /// A response code.
    pub code: Option<Code<'a>>,
    /// The text; empty for a bare `+`.
    pub text: Text<'a>,
}

owned_struct!(Continue { code, text });

impl Continue<'_> {
    /// A SASL challenge carrying `data`.
    pub fn challenge(data: &[u8]) -> Continue<'static> {
        use base64::Engine as _;
        Continue {
            code: None,
            text: Text::new(
                base64::engine::general_purpose::STANDARD
                    .encode(data)
                    .into_bytes(),
            ),
        }
    }

    /// The text decoded as a SASL challenge (strict base64).
    pub fn base64(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(self.text.as_bytes())
    }
}

/// Untagged data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Data<'a> {
    /// `* CAPABILITY ...`
    Capability(Vec<Capability<'a>>),
    /// `* LIST ...`
    List(ListItem<'a>),
    /// `* LSUB ...`
    Lsub(ListItem<'a>),
    /// `* STATUS mailbox (...)`
    Status {
        /// The mailbox.
        mailbox: MailboxName<'a>,
        /// Its status items.
        items: Vec<StatusItem<'a>>,
    },
    /// `* FLAGS (...)`
    Flags(Vec<Flag<'a>>),
    /// `* n EXISTS`
    Exists(u32),
    /// `* n RECENT`
    Recent(u32),
    /// `* n EXPUNGE`
    Expunge(u32),
    /// `* n FETCH (...)`
    Fetch {
        /// The message sequence number.
        seq: u32,
        /// The data items.
        items: Vec<FetchItem<'a>>,
    },
    /// `* SEARCH ...` with the RFC 7162 `(MODSEQ n)`.
    Search {
        /// Matching numbers.
        ids: Vec<u32>,
        /// Highest mod-sequence of the matches.
        modseq: Option<u64>,
    },
    /// `* ESEARCH ...`
    ESearch(ESearch<'a>),
    /// `* SORT ...`
    Sort {
        /// Numbers in sorted order.
        ids: Vec<u32>,
        /// Highest mod-sequence of the matches.
        modseq: Option<u64>,
    },
    /// `* THREAD ...`
    Thread(Vec<Thread>),
    /// `* ENABLED ...`
    Enabled(Vec<Capability<'a>>),
    /// `* ID (...)` or `* ID NIL`
    Id(IdParameters<'a>),
    /// `* NAMESPACE personal other shared` (each `None` for NIL)
    Namespace {
        /// The user's own namespaces.
        personal: Option<Vec<NamespaceDescription<'a>>>,
        /// Other users' namespaces.
        other: Option<Vec<NamespaceDescription<'a>>>,
        /// Shared namespaces.
        shared: Option<Vec<NamespaceDescription<'a>>>,
    },
    /// `* QUOTA root (...)`
    Quota {
        /// The quota root.
        root: AString<'a>,
        /// Usage and limits.
        resources: Vec<QuotaResource<'a>>,
    },
    /// `* QUOTAROOT mailbox root...`
    QuotaRoot {
        /// The mailbox asked about.
        mailbox: MailboxName<'a>,
        /// Its quota roots.
        roots: Vec<AString<'a>>,
    },
    /// `* VANISHED [(EARLIER)] uids` (RFC 7162)
    Vanished {
        /// True for `(EARLIER)`: a QRESYNC report, not a live expunge.
        earlier: bool,
        /// The UIDs gone.
        uids: SequenceSet,
    },
    /// An untagged response this codec does not know, kept as sent after `* `.
    Other(Raw<'a>),
}

owned_enum!(Data {
    Capability(list), List(item), Lsub(item), Status { mailbox, items }, Flags(flags),
    Exists(n), Recent(n), Expunge(n), Fetch { seq, items }, Search { ids, modseq },
    ESearch(esearch), Sort { ids, modseq }, Thread(threads), Enabled(list), Id(params),
    Namespace { personal, other, shared },
    Quota { root, resources },
    QuotaRoot { mailbox, roots },
    Vanished { earlier, uids },
    Other(raw),
});

/// Anything a server sends after its greeting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Response<'a> {
    /// A tagged or untagged status response.
    Status(Status<'a>),
    /// Untagged data.
    Data(Data<'a>),
    /// A continuation request.
    Continue(Continue<'a>),
}

owned_enum!(Response { Status(status), Data(data), Continue(request) });

owned_is_self!(GreetingKind, StatusKind);
