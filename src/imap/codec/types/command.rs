//! What a client sends: commands and the lines that answer continuation requests.

use std::borrow::Cow;
use std::fmt;

use super::capability::Capability;
use super::core::{
    AString, Atom, IString, IntoOwned, Literal, LiteralMode, Tag, owned_enum, owned_is_self,
    owned_struct,
};
use super::datetime::DateTime;
use super::extension::IdParameters;
use super::fetch::FetchItems;
use super::flag::Flag;
use super::mailbox::MailboxName;
use super::raw::Raw;
use super::search::{SearchKey, SearchReturnOption};
use super::sequence::SequenceSet;
use super::sort::{SortCriterion, ThreadAlgorithm};
use super::status::StatusAttribute;

/// A value that must never be shown: `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret itself, for the code that must send it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: IntoOwned> IntoOwned for Secret<T> {
    type Owned = Secret<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        Secret(self.0.into_owned())
    }
}

/// A command: a tag and what it asks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Command<'a> {
    /// The tag the server echoes in its completion.
    pub tag: Tag<'a>,
    /// The command.
    pub body: CommandBody<'a>,
}

owned_struct!(Command { tag, body });

/// A LIST pattern: `%` and `*` are wildcards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListMailbox<'a> {
    /// Sent bare (`*`, `INBOX.%`).
    Token(Cow<'a, str>),
    /// Sent as a string.
    String(IString<'a>),
}

impl<'a> ListMailbox<'a> {
    /// The cheapest form that carries `pattern`.
    pub fn new(pattern: &'a str) -> Self {
        let bare = !pattern.is_empty()
            && pattern.bytes().all(|b| {
                crate::imap::codec::grammar::chars::is(b, crate::imap::codec::grammar::chars::LIST)
            });
        if bare {
            ListMailbox::Token(Cow::Borrowed(pattern))
        } else {
            ListMailbox::String(IString::from(pattern))
        }
    }

    /// The pattern as sent.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            ListMailbox::Token(token) => token.as_bytes(),
            ListMailbox::String(string) => string.as_bytes(),
        }
    }
}

owned_enum!(ListMailbox { Token(token), String(string) });

/// A LIST RETURN option (RFC 5258, RFC 5819, RFC 6154).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListReturnOption<'a> {
    /// `SUBSCRIBED`
    Subscribed,
    /// `CHILDREN`
    Children,
    /// `SPECIAL-USE`
    SpecialUse,
    /// `STATUS (...)` (LIST-STATUS)
    Status(Vec<StatusAttribute>),
    /// Another option.
    Other(Atom<'a>),
}

/// The options without arguments this codec knows, by name: what LIST RETURN reads and
/// writes besides `STATUS (...)`.
pub(crate) static LIST_RETURN_OPTIONS: [(&str, ListReturnOption<'static>); 3] = [
    ("SUBSCRIBED", ListReturnOption::Subscribed),
    ("CHILDREN", ListReturnOption::Children),
    ("SPECIAL-USE", ListReturnOption::SpecialUse),
];

owned_enum!(ListReturnOption { Subscribed, Children, SpecialUse, Status(list), Other(atom) });

/// A SELECT/EXAMINE parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SelectParameter<'a> {
    /// `CONDSTORE` (RFC 7162)
    CondStore,
    /// Another parameter (QRESYNC's list is kept as sent).
    Other {
        /// Its name.
        name: Atom<'a>,
        /// Its value.
        value: Option<Raw<'a>>,
    },
}

owned_enum!(SelectParameter { CondStore, Other { name, value } });

/// A FETCH modifier (RFC 7162).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FetchModifier {
    /// `CHANGEDSINCE n`
    ChangedSince(u64),
    /// `VANISHED` (QRESYNC, with UID FETCH)
    Vanished,
}

/// How STORE changes flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKind {
    /// `FLAGS`: replace.
    Replace,
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
}

owned_is_self!(FetchModifier, StoreKind);

/// One message of an APPEND: its flags, internal date and bytes.
///
/// ```
/// use mailwire::imap::codec::types::{AppendMessage, CommandBody, Flag, MailboxName};
///
/// let message = AppendMessage::new(&b"Subject: hi\r\n\r\nhello\r\n"[..]).with_flags(vec![Flag::Seen]);
/// let append = CommandBody::append(MailboxName::from("Sent"), message);
/// assert!(matches!(append, CommandBody::Append { messages, .. } if messages.len() == 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppendMessage<'a> {
    /// Flags to set (`()` and none at all mean the same).
    pub flags: Vec<Flag<'a>>,
    /// The internal date to set; the server picks the time of arrival when `None`.
    pub date: Option<DateTime>,
    /// The message, sent as a literal (a literal8, `~{N}`, when `binary` is set, RFC 3516).
    pub message: Literal<'a>,
}

owned_struct!(AppendMessage {
    flags,
    date,
    message
});

impl<'a> AppendMessage<'a> {
    /// A message with no flags and no date, sent as a synchronising literal.
    pub fn new(message: impl Into<Cow<'a, [u8]>>) -> Self {
        AppendMessage {
            flags: Vec::new(),
            date: None,
            message: Literal {
                data: message.into(),
                mode: LiteralMode::Sync,
                binary: false,
            },
        }
    }

    /// This message with `flags` set on arrival.
    pub fn with_flags(mut self, flags: Vec<Flag<'a>>) -> Self {
        self.flags = flags;
        self
    }

    /// This message with `date` as its internal date.
    pub fn with_date(mut self, date: DateTime) -> Self {
        self.date = Some(date);
        self
    }
}

/// The command itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandBody<'a> {
    /// `CAPABILITY`
    Capability,
    /// `NOOP`
    Noop,
    /// `LOGOUT`
    Logout,
    /// `STARTTLS`
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]` (SASL-IR, RFC 4959)
    Authenticate {
        /// The SASL mechanism.
        mechanism: Atom<'a>,
        /// The initial response, decoded (an empty one is sent as `=`).
        initial_response: Option<Secret<Cow<'a, [u8]>>>,
    },
    /// `LOGIN user password`
    Login {
        /// The user name.
        username: AString<'a>,
        /// The password.
        password: Secret<AString<'a>>,
    },
    /// `SELECT mailbox [(params)]`
    Select {
        /// The mailbox.
        mailbox: MailboxName<'a>,
        /// CONDSTORE and friends.
        parameters: Vec<SelectParameter<'a>>,
    },
    /// `EXAMINE mailbox [(params)]`
    Examine {
        /// The mailbox.
        mailbox: MailboxName<'a>,
        /// CONDSTORE and friends.
        parameters: Vec<SelectParameter<'a>>,
    },
    /// `CREATE mailbox`
    Create {
        /// The mailbox.
        mailbox: MailboxName<'a>,
    },
    /// `DELETE mailbox`
    Delete {
        /// The mailbox.
        mailbox: MailboxName<'a>,
    },
    /// `RENAME from to`
    Rename {
        /// The existing name.
        from: MailboxName<'a>,
        /// The new name.
        to: MailboxName<'a>,
    },
    /// `SUBSCRIBE mailbox`
    Subscribe {
        /// The mailbox.
        mailbox: MailboxName<'a>,
    },
    /// `UNSUBSCRIBE mailbox`
    Unsubscribe {
        /// The mailbox.
        mailbox: MailboxName<'a>,
    },
    /// `LIST [(selection)] reference pattern(s) [RETURN (options)]`
    List {
        /// LIST-EXTENDED selection options (`SUBSCRIBED`, `SPECIAL-USE`).
        selection: Vec<Atom<'a>>,
        /// The reference name.
        reference: MailboxName<'a>,
        /// One pattern, or several (written in parentheses).
        patterns: Vec<ListMailbox<'a>>,
        /// RETURN options.
        return_options: Vec<ListReturnOption<'a>>,
    },
    /// `LSUB reference pattern`
    Lsub {
        /// The reference name.
        reference: MailboxName<'a>,
        /// The pattern.
        pattern: ListMailbox<'a>,
    },
    /// `STATUS mailbox (attributes)`
    Status {
        /// The mailbox.
        mailbox: MailboxName<'a>,
        /// What to report.
        attributes: Vec<StatusAttribute>,
    },
    /// `APPEND mailbox [(flags)] [date-time] literal ...`: one message, or several in one
    /// command with MULTIAPPEND (RFC 3502), which the server stores all or none of.
    Append {
        /// The target mailbox.
        mailbox: MailboxName<'a>,
        /// The messages, in order; never empty.
        messages: Vec<AppendMessage<'a>>,
    },
    /// `CHECK`
    Check,
    /// `CLOSE`
    Close,
    /// `EXPUNGE`
    Expunge,
    /// `UID EXPUNGE set` (RFC 4315)
    UidExpunge(SequenceSet),
    /// `UNSELECT` (RFC 3691)
    Unselect,
    /// `[UID] SEARCH [RETURN (...)] [CHARSET c] criteria`
    Search {
        /// ESEARCH return options; `Some(empty)` is `RETURN ()`.
        return_options: Option<Vec<SearchReturnOption<'a>>>,
        /// The charset of the strings.
        charset: Option<AString<'a>>,
        /// The criteria; all must match.
        criteria: Vec<SearchKey<'a>>,
        /// True for UID SEARCH.
        uid: bool,
    },
    /// `[UID] SORT [RETURN (...)] (criteria) charset search-criteria` (RFC 5256; RETURN is
    /// ESORT, RFC 5267, and is answered with ESEARCH).
    Sort {
        /// What to order by, most significant first; never empty.
        criteria: Vec<SortCriterion<'a>>,
        /// The charset of the strings in `search` (mandatory, unlike SEARCH's).
        charset: AString<'a>,
        /// Which messages: all must match; never empty.
        search: Vec<SearchKey<'a>>,
        /// ESORT return options; `Some(empty)` is `RETURN ()`.
        return_options: Option<Vec<SearchReturnOption<'a>>>,
        /// True for UID SORT.
        uid: bool,
    },
    /// `[UID] THREAD algorithm charset search-criteria` (RFC 5256)
    Thread {
        /// How to group messages into threads.
        algorithm: ThreadAlgorithm<'a>,
        /// The charset of the strings in `search` (mandatory).
        charset: AString<'a>,
        /// Which messages: all must match; never empty.
        search: Vec<SearchKey<'a>>,
        /// True for UID THREAD.
        uid: bool,
    },
    /// `[UID] FETCH set items [(modifiers)]`
    Fetch {
        /// Which messages.
        set: SequenceSet,
        /// What to fetch.
        items: FetchItems<'a>,
        /// CHANGEDSINCE, VANISHED.
        modifiers: Vec<FetchModifier>,
        /// True for UID FETCH.
        uid: bool,
    },
    /// `[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] (flags)`
    Store {
        /// Which messages.
        set: SequenceSet,
        /// Replace, add or remove.
        kind: StoreKind,
        /// True for `.SILENT`: no untagged FETCH back.
        silent: bool,
        /// The flags.
        flags: Vec<Flag<'a>>,
        /// RFC 7162 UNCHANGEDSINCE.
        unchanged_since: Option<u64>,
        /// True for UID STORE.
        uid: bool,
    },
    /// `[UID] COPY set mailbox`
    Copy {
        /// Which messages.
        set: SequenceSet,
        /// The target.
        mailbox: MailboxName<'a>,
        /// True for UID COPY.
        uid: bool,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851)
    Move {
        /// Which messages.
        set: SequenceSet,
        /// The target.
        mailbox: MailboxName<'a>,
        /// True for UID MOVE.
        uid: bool,
    },
    /// `IDLE` (RFC 2177); end it with `DONE`.
    Idle,
    /// `NAMESPACE` (RFC 2342)
    Namespace,
    /// `ID (...)` or `ID NIL` (RFC 2971)
    Id(IdParameters<'a>),
    /// `ENABLE capabilities` (RFC 5161)
    Enable(Vec<Capability<'a>>),
    /// `GETQUOTA root` (RFC 9208)
    GetQuota(AString<'a>),
    /// `GETQUOTAROOT mailbox` (RFC 9208)
    GetQuotaRoot(MailboxName<'a>),
    /// `SETQUOTA root (resource limit ...)` (RFC 9208)
    SetQuota {
        /// The quota root.
        root: AString<'a>,
        /// Resource names and limits.
        limits: Vec<(Atom<'a>, u64)>,
    },
}

impl<'a> CommandBody<'a> {
    /// `SEARCH` (or `UID SEARCH`) for `key`, adding `CHARSET UTF-8` when a string needs it.
    pub fn search(key: SearchKey<'a>, uid: bool) -> Self {
        let charset = key.needs_utf8().then(|| AString::from("UTF-8"));
        let criteria = key.into_criteria();
        CommandBody::Search {
            return_options: None,
            charset,
            criteria,
            uid,
        }
    }

    /// `SORT` (or `UID SORT`) of the messages matching `key` by `criteria`, in charset
    /// UTF-8, which every server that sorts supports (RFC 5256).
    pub fn sort(criteria: Vec<SortCriterion<'a>>, key: SearchKey<'a>, uid: bool) -> Self {
        CommandBody::Sort {
            criteria,
            charset: AString::from("UTF-8"),
            search: key.into_criteria(),
            return_options: None,
            uid,
        }
    }

    /// `THREAD` (or `UID THREAD`) of the messages matching `key` with `algorithm`, in
    /// charset UTF-8, which every server that threads supports (RFC 5256).
    pub fn thread(algorithm: ThreadAlgorithm<'a>, key: SearchKey<'a>, uid: bool) -> Self {
        CommandBody::Thread {
            algorithm,
            charset: AString::from("UTF-8"),
            search: key.into_criteria(),
            uid,
        }
    }

    /// `APPEND mailbox ...` of one message.
    pub fn append(mailbox: MailboxName<'a>, message: AppendMessage<'a>) -> Self {
        CommandBody::Append {
            mailbox,
            messages: vec![message],
        }
    }

    /// `LOGIN user password`.
    pub fn login(username: &'a str, password: &'a str) -> Self {
        CommandBody::Login {
            username: AString::from(username),
            password: Secret::new(AString::from(password)),
        }
    }

    /// Gives the command a tag.
    pub fn tag(self, tag: Tag<'a>) -> Command<'a> {
        Command { tag, body: self }
    }
}

owned_enum!(CommandBody {
    Capability, Noop, Logout, StartTls, Check, Close, Expunge, Unselect, Idle, Namespace,
    Authenticate { mechanism, initial_response },
    Login { username, password },
    Select { mailbox, parameters },
    Examine { mailbox, parameters },
    Create { mailbox },
    Delete { mailbox },
    Rename { from, to },
    Subscribe { mailbox },
    Unsubscribe { mailbox },
    List { selection, reference, patterns, return_options },
    Lsub { reference, pattern },
    Status { mailbox, attributes },
    Append { mailbox, messages },
    UidExpunge(set),
    Search { return_options, charset, criteria, uid },
    Sort { criteria, charset, search, return_options, uid },
    Thread { algorithm, charset, search, uid },
    Fetch { set, items, modifiers, uid },
    Store { set, kind, silent, flags, unchanged_since, uid },
    Copy { set, mailbox, uid },
    Move { set, mailbox, uid },
    Id(params), Enable(list), GetQuota(root), GetQuotaRoot(mailbox),
    SetQuota { root, limits },
});

/// A line a client sends during AUTHENTICATE, after a `+` challenge.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuthenticateData<'a> {
    /// The decoded response.
    Response(Secret<Cow<'a, [u8]>>),
    /// `*`: the client gives up.
    Cancel,
}

owned_enum!(AuthenticateData { Response(data), Cancel });
