//! Writing commands and search criteria.
//!
//! Most of a command is built from typed values the writer spells itself. The exceptions
//! are values kept as a peer sent them (an unknown SELECT parameter's value, an unknown
//! FETCH attribute's section and argument) and names a variant of its own already covers
//! (`Other("MIN")`): those are written only when the parser reads them back as the same
//! value, whole, so nothing a caller or a peer put in them can end the line, announce a
//! literal or become another command.

use base64::Engine as _;

use super::core::{Writer, refuse};
use crate::imap::codec::command::fetch::{argument_list, attached_suffix, is_known_name};
use crate::imap::codec::command::sort::{is_known_sort_name, is_known_thread_name};
use crate::imap::codec::command::{
    list_return_option as read_list_return_option, search_return_option as read_search_return,
    select_parameter as read_select_parameter,
};
use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::PResult;
use crate::imap::codec::grammar::chars;
use crate::imap::codec::types::{
    AString, Atom, Command, CommandBody, FetchAttribute, FetchItems, FetchModifier, ListMailbox,
    ListReturnOption, MailboxName, Partial, Raw, SearchKey, SearchReturnOption, SelectParameter,
    SortCriterion, SortKey, StoreKind, ThreadAlgorithm,
};

/// What the parser sees of the bytes written since `start`: them, then `next` (what the
/// grammar puts after them), to be read back with the parser's reader for the position.
fn written_then(w: &Writer<'_>, start: usize, next: &[u8]) -> Vec<u8> {
    let mut seen = w.out[start..].to_vec();
    seen.extend_from_slice(next);
    seen
}

/// True when a reader took all of `seen` but `next`, and found `same` (the written value).
fn read_whole<T>(read: PResult<'_, T>, next: &[u8], same: impl FnOnce(&T) -> bool) -> bool {
    matches!(read, Ok((rest, value)) if rest == next && same(&value))
}

fn mailbox_command(
    w: &mut Writer<'_>,
    name: &[u8],
    mailbox: &MailboxName<'_>,
) -> Result<(), EncodeError> {
    w.raw(name);
    w.sp();
    w.mailbox(mailbox)
}

fn select_parameters(
    w: &mut Writer<'_>,
    parameters: &[SelectParameter<'_>],
) -> Result<(), EncodeError> {
    if parameters.is_empty() {
        return Ok(());
    }
    w.sp();
    w.list(parameters, select_parameter)
}

/// A parameter of SELECT or EXAMINE: an unknown one is written only as RFC 4466 has it (a
/// `tagged-ext-label`, then a number, a sequence set or one balanced parenthesised list)
/// and only when the parser reads it back as the same parameter.
fn select_parameter(
    w: &mut Writer<'_>,
    parameter: &SelectParameter<'_>,
) -> Result<(), EncodeError> {
    let what = "select parameter";
    let SelectParameter::Other { name, value } = parameter else {
        w.raw(b"CONDSTORE");
        return Ok(());
    };
    let start = w.out.len();
    w.atom(name, what)?;
    if let Some(value) = value {
        w.sp();
        w.kept_raw(value.as_bytes(), what)?;
    }
    // The parser counts nesting against its own limit; any depth the encoder is given is
    // written, and a receiver with a lower limit refuses it whole.
    let seen = written_then(w, start, b")");
    if !read_whole(read_select_parameter(&seen, usize::MAX), b")", |read| {
        read == parameter
    }) {
        return Err(refuse(
            what,
            "it must be a name (a letter, `-`, `_` or `.` first; not CONDSTORE), then \
             optionally a number, a sequence set or one balanced `(...)` without literals",
        ));
    }
    Ok(())
}

fn list_mailbox(w: &mut Writer<'_>, pattern: &ListMailbox<'_>) -> Result<(), EncodeError> {
    match pattern {
        ListMailbox::Token(token) => w.token(token, chars::LIST, "list pattern"),
        ListMailbox::String(string) => w.string(string),
    }
}

fn uid_prefix(w: &mut Writer<'_>, uid: bool) {
    if uid {
        w.raw(b"UID ");
    }
}

fn partial(w: &mut Writer<'_>, partial: &Option<Partial>) -> Result<(), EncodeError> {
    if let Some(partial) = partial {
        if partial.length == 0 {
            return Err(refuse("partial range", "its length must be at least 1"));
        }
        w.raw(b"<");
        w.number(u64::from(partial.offset));
        w.raw(b".");
        w.number(u64::from(partial.length));
        w.raw(b">");
    }
    Ok(())
}

fn fetch_attribute(w: &mut Writer<'_>, attribute: &FetchAttribute<'_>) -> Result<(), EncodeError> {
    let name: &[u8] = match attribute {
        FetchAttribute::Envelope => b"ENVELOPE",
        FetchAttribute::Flags => b"FLAGS",
        FetchAttribute::InternalDate => b"INTERNALDATE",
        FetchAttribute::Rfc822 => b"RFC822",
        FetchAttribute::Rfc822Header => b"RFC822.HEADER",
        FetchAttribute::Rfc822Size => b"RFC822.SIZE",
        FetchAttribute::Rfc822Text => b"RFC822.TEXT",
        FetchAttribute::Body => b"BODY",
        FetchAttribute::BodyStructure => b"BODYSTRUCTURE",
        FetchAttribute::Uid => b"UID",
        FetchAttribute::ModSeq => b"MODSEQ",
        FetchAttribute::EmailId => b"EMAILID",
        FetchAttribute::ThreadId => b"THREADID",
        FetchAttribute::GmailMessageId => b"X-GM-MSGID",
        FetchAttribute::GmailThreadId => b"X-GM-THRID",
        FetchAttribute::GmailLabels => b"X-GM-LABELS",
        FetchAttribute::SaveDate => b"SAVEDATE",
        FetchAttribute::Preview { lazy: false } => b"PREVIEW",
        FetchAttribute::Preview { lazy: true } => b"PREVIEW (LAZY)",
        FetchAttribute::Other {
            name,
            section,
            arguments,
        } => return other_fetch_attribute(w, name, section.as_ref(), arguments.as_ref()),
        FetchAttribute::BodySection {
            section: spec,
            partial: range,
            peek,
        } => {
            w.raw(if *peek { b"BODY.PEEK" } else { b"BODY" });
            w.section(spec)?;
            return partial(w, range);
        }
        FetchAttribute::Binary {
            section,
            partial: range,
            peek,
        } => {
            w.raw(if *peek { b"BINARY.PEEK" } else { b"BINARY" });
            w.section_binary(section)?;
            return partial(w, range);
        }
        FetchAttribute::BinarySize { section } => {
            w.raw(b"BINARY.SIZE");
            return w.section_binary(section);
        }
    };
    w.raw(name);
    Ok(())
}

fn has_argument(attribute: &FetchAttribute<'_>) -> bool {
    matches!(
        attribute,
        FetchAttribute::Preview { lazy: true }
            | FetchAttribute::Other {
                arguments: Some(_),
                ..
            }
    )
}

/// An unknown attribute, written only in a shape the parser reads back as the same
/// attribute: a name it does not know, then what it keeps raw, re-read to check it.
fn other_fetch_attribute(
    w: &mut Writer<'_>,
    name: &Atom<'_>,
    section: Option<&Raw<'_>>,
    arguments: Option<&Raw<'_>>,
) -> Result<(), EncodeError> {
    let what = "FETCH attribute";
    if name.as_str().contains(['[', '<']) {
        return Err(refuse(
            what,
            "its name holds `[` or `<`; put those in the section",
        ));
    }
    if is_known_name(name.as_str().as_bytes()) {
        return Err(refuse(
            what,
            "its name is a known attribute; use its own variant",
        ));
    }
    w.atom(name, what)?;
    if let Some(section) = section {
        match attached_suffix(section.as_bytes()) {
            Ok(([], Some(_))) => w.kept_raw(section.as_bytes(), what)?,
            _ => {
                return Err(refuse(
                    what,
                    "its section must be `[...]` and/or `<n>` or `<n.m>`",
                ));
            }
        }
    }
    if let Some(arguments) = arguments {
        match argument_list(arguments.as_bytes(), usize::MAX) {
            Ok(([], _)) => {
                w.sp();
                w.kept_raw(arguments.as_bytes(), what)?;
            }
            _ => {
                return Err(refuse(
                    what,
                    "its argument must be one balanced `(...)` without literals, CR, LF or NUL",
                ));
            }
        }
    }
    Ok(())
}

fn string_key(w: &mut Writer<'_>, name: &[u8], value: &AString<'_>) -> Result<(), EncodeError> {
    w.raw(name);
    w.sp();
    w.astring(value)
}

fn date_key(w: &mut Writer<'_>, name: &[u8], date: &crate::imap::codec::types::Date) {
    w.raw(name);
    w.sp();
    w.date(date);
}

fn number_key(w: &mut Writer<'_>, name: &[u8], value: u64) {
    w.raw(name);
    w.sp();
    w.number(value);
}

pub(crate) fn search_key(w: &mut Writer<'_>, key: &SearchKey<'_>) -> Result<(), EncodeError> {
    use SearchKey as K;
    let bare: &[u8] = match key {
        K::All => b"ALL",
        K::Answered => b"ANSWERED",
        K::Deleted => b"DELETED",
        K::Draft => b"DRAFT",
        K::Flagged => b"FLAGGED",
        K::New => b"NEW",
        K::Old => b"OLD",
        K::Recent => b"RECENT",
        K::Seen => b"SEEN",
        K::Unanswered => b"UNANSWERED",
        K::Undeleted => b"UNDELETED",
        K::Undraft => b"UNDRAFT",
        K::Unflagged => b"UNFLAGGED",
        K::Unseen => b"UNSEEN",
        K::Bcc(s) => return string_key(w, b"BCC", s),
        K::Body(s) => return string_key(w, b"BODY", s),
        K::Cc(s) => return string_key(w, b"CC", s),
        K::From(s) => return string_key(w, b"FROM", s),
        K::Subject(s) => return string_key(w, b"SUBJECT", s),
        K::Text(s) => return string_key(w, b"TEXT", s),
        K::To(s) => return string_key(w, b"TO", s),
        K::Header(name, value) => {
            string_key(w, b"HEADER", name)?;
            w.sp();
            return w.astring(value);
        }
        K::Keyword(flag) | K::Unkeyword(flag) => {
            w.raw(if matches!(key, K::Keyword(_)) {
                b"KEYWORD "
            } else {
                b"UNKEYWORD "
            });
            return w.atom(flag, "keyword");
        }
        K::Before(d) => {
            date_key(w, b"BEFORE", d);
            return Ok(());
        }
        K::On(d) => {
            date_key(w, b"ON", d);
            return Ok(());
        }
        K::Since(d) => {
            date_key(w, b"SINCE", d);
            return Ok(());
        }
        K::SentBefore(d) => {
            date_key(w, b"SENTBEFORE", d);
            return Ok(());
        }
        K::SentOn(d) => {
            date_key(w, b"SENTON", d);
            return Ok(());
        }
        K::SentSince(d) => {
            date_key(w, b"SENTSINCE", d);
            return Ok(());
        }
        K::Larger(n) => {
            number_key(w, b"LARGER", u64::from(*n));
            return Ok(());
        }
        K::Smaller(n) => {
            number_key(w, b"SMALLER", u64::from(*n));
            return Ok(());
        }
        K::ModSeq(n) => {
            w.raw(b"MODSEQ ");
            return w.number64(*n, "search criteria");
        }
        K::Older(n) | K::Younger(n) => {
            if *n == 0 {
                return Err(refuse(
                    "search criteria",
                    "OLDER and YOUNGER count from 1 second",
                ));
            }
            let name = if matches!(key, K::Older(_)) {
                b"OLDER" as &[u8]
            } else {
                b"YOUNGER"
            };
            number_key(w, name, u64::from(*n));
            return Ok(());
        }
        K::EmailId(id) | K::ThreadId(id) => {
            w.raw(if matches!(key, K::EmailId(_)) {
                b"EMAILID "
            } else {
                b"THREADID "
            });
            return w.atom(id, "object id");
        }
        K::Uid(set) => {
            w.raw(b"UID ");
            return w.sequence_set(set);
        }
        K::SequenceSet(set) => return w.sequence_set(set),
        K::Not(inner) => {
            w.raw(b"NOT ");
            return search_key(w, inner);
        }
        K::Or(left, right) => {
            w.raw(b"OR ");
            search_key(w, left)?;
            w.sp();
            return search_key(w, right);
        }
        K::And(keys) => {
            if keys.is_empty() {
                return Err(EncodeError::Unrepresentable {
                    what: "search criteria",
                    reason: "a parenthesised group needs at least one key",
                });
            }
            return w.list(keys, search_key);
        }
    };
    w.raw(bare);
    Ok(())
}

fn search_return_option(
    w: &mut Writer<'_>,
    option: &SearchReturnOption<'_>,
) -> Result<(), EncodeError> {
    let name: &[u8] = match option {
        SearchReturnOption::Min => b"MIN",
        SearchReturnOption::Max => b"MAX",
        SearchReturnOption::All => b"ALL",
        SearchReturnOption::Count => b"COUNT",
        SearchReturnOption::Save => b"SAVE",
        SearchReturnOption::Other(atom) => {
            let what = "search return option";
            let start = w.out.len();
            w.atom(atom, what)?;
            let seen = written_then(w, start, b")");
            if !read_whole(read_search_return(&seen), b")", |read| read == option) {
                return Err(refuse(
                    what,
                    "its name is a known option; use its own variant",
                ));
            }
            return Ok(());
        }
    };
    w.raw(name);
    Ok(())
}

fn sort_criterion(w: &mut Writer<'_>, criterion: &SortCriterion<'_>) -> Result<(), EncodeError> {
    if criterion.reverse {
        w.raw(b"REVERSE ");
    }
    match &criterion.key {
        SortKey::Other(name) => {
            if is_known_sort_name(name.as_str()) {
                return Err(refuse(
                    "sort key",
                    "its name is a known key or REVERSE; use the key's own variant",
                ));
            }
            w.atom(name, "sort key")
        }
        known => {
            w.raw(known.name().unwrap_or_default().as_bytes());
            Ok(())
        }
    }
}

/// `SP charset 1*(SP search-key)`, which SORT and THREAD end with.
fn charset_and_criteria(
    w: &mut Writer<'_>,
    command: &'static str,
    charset: &AString<'_>,
    search: &[SearchKey<'_>],
) -> Result<(), EncodeError> {
    w.sp();
    w.astring(charset)?;
    if search.is_empty() {
        return Err(refuse(command, "it needs at least one search criterion"));
    }
    for key in search {
        w.sp();
        search_key(w, key)?;
    }
    Ok(())
}

fn list_return_option(
    w: &mut Writer<'_>,
    option: &ListReturnOption<'_>,
) -> Result<(), EncodeError> {
    match option {
        ListReturnOption::Subscribed => w.raw(b"SUBSCRIBED"),
        ListReturnOption::Children => w.raw(b"CHILDREN"),
        ListReturnOption::SpecialUse => w.raw(b"SPECIAL-USE"),
        ListReturnOption::Status(attributes) => {
            w.raw(b"STATUS ");
            w.list(attributes, |w, attribute| {
                w.raw(attribute.name().as_bytes());
                Ok(())
            })?;
        }
        ListReturnOption::Other(atom) => {
            let what = "list return option";
            let start = w.out.len();
            w.atom(atom, what)?;
            let seen = written_then(w, start, b")");
            if !read_whole(read_list_return_option(&seen), b")", |read| read == option) {
                return Err(refuse(
                    what,
                    "its name is a known option; use its own variant",
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn command(w: &mut Writer<'_>, command: &Command<'_>) -> Result<(), EncodeError> {
    w.tag(&command.tag)?;
    w.sp();
    body(w, &command.body)?;
    w.crlf();
    Ok(())
}

fn body(w: &mut Writer<'_>, body: &CommandBody<'_>) -> Result<(), EncodeError> {
    use CommandBody as C;
    match body {
        C::Capability => w.raw(b"CAPABILITY"),
        C::Noop => w.raw(b"NOOP"),
        C::Logout => w.raw(b"LOGOUT"),
        C::StartTls => w.raw(b"STARTTLS"),
        C::Check => w.raw(b"CHECK"),
        C::Close => w.raw(b"CLOSE"),
        C::Expunge => w.raw(b"EXPUNGE"),
        C::Unselect => w.raw(b"UNSELECT"),
        C::Idle => w.raw(b"IDLE"),
        C::Namespace => w.raw(b"NAMESPACE"),
        C::Authenticate {
            mechanism,
            initial_response,
        } => {
            w.raw(b"AUTHENTICATE ");
            w.atom(mechanism, "SASL mechanism")?;
            if let Some(initial) = initial_response {
                w.sp();
                w.secret(|w| {
                    let data = initial.expose();
                    if data.is_empty() {
                        w.raw(b"=");
                    } else {
                        let encoded = base64::engine::general_purpose::STANDARD.encode(data);
                        w.raw(encoded.as_bytes());
                    }
                    Ok(())
                })?;
            }
        }
        C::Login { username, password } => {
            w.raw(b"LOGIN ");
            w.astring(username)?;
            w.sp();
            w.secret(|w| w.astring(password.expose()))?;
        }
        C::Select {
            mailbox,
            parameters,
        } => {
            mailbox_command(w, b"SELECT", mailbox)?;
            select_parameters(w, parameters)?;
        }
        C::Examine {
            mailbox,
            parameters,
        } => {
            mailbox_command(w, b"EXAMINE", mailbox)?;
            select_parameters(w, parameters)?;
        }
        C::Create { mailbox } => mailbox_command(w, b"CREATE", mailbox)?,
        C::Delete { mailbox } => mailbox_command(w, b"DELETE", mailbox)?,
        C::Subscribe { mailbox } => mailbox_command(w, b"SUBSCRIBE", mailbox)?,
        C::Unsubscribe { mailbox } => mailbox_command(w, b"UNSUBSCRIBE", mailbox)?,
        C::Rename { from, to } => {
            mailbox_command(w, b"RENAME", from)?;
            w.sp();
            w.mailbox(to)?;
        }
        C::List {
            selection,
            reference,
            patterns,
            return_options,
        } => {
            w.raw(b"LIST ");
            if !selection.is_empty() {
                w.list(selection, |w, option| {
                    w.atom(option, "list selection option")
                })?;
                w.sp();
            }
            w.mailbox(reference)?;
            w.sp();
            match patterns.as_slice() {
                [] => return Err(refuse("LIST command", "it needs a pattern")),
                [one] => list_mailbox(w, one)?,
                many => w.list(many, list_mailbox)?,
            }
            if !return_options.is_empty() {
                w.raw(b" RETURN ");
                w.list(return_options, list_return_option)?;
            }
        }
        C::Lsub { reference, pattern } => {
            mailbox_command(w, b"LSUB", reference)?;
            w.sp();
            list_mailbox(w, pattern)?;
        }
        C::Status {
            mailbox,
            attributes,
        } => {
            mailbox_command(w, b"STATUS", mailbox)?;
            w.sp();
            w.list(attributes, |w, attribute| {
                w.raw(attribute.name().as_bytes());
                Ok(())
            })?;
        }
        C::Append { mailbox, messages } => {
            mailbox_command(w, b"APPEND", mailbox)?;
            if messages.is_empty() {
                return Err(refuse("APPEND command", "it needs at least one message"));
            }
            // Each synchronising literal is a wait for `+`: the writer notes them all.
            for message in messages {
                if !message.flags.is_empty() {
                    w.sp();
                    w.flag_list(&message.flags)?;
                }
                if let Some(date) = &message.date {
                    w.sp();
                    w.date_time(date);
                }
                w.sp();
                w.literal(&message.message)?;
            }
        }
        C::UidExpunge(set) => {
            w.raw(b"UID EXPUNGE ");
            w.sequence_set(set)?;
        }
        C::Search {
            return_options,
            charset,
            criteria,
            uid,
        } => {
            uid_prefix(w, *uid);
            w.raw(b"SEARCH");
            if let Some(options) = return_options {
                w.raw(b" RETURN ");
                w.list(options, search_return_option)?;
            }
            if let Some(charset) = charset {
                w.raw(b" CHARSET ");
                w.astring(charset)?;
            }
            if criteria.is_empty() {
                return Err(refuse("SEARCH command", "it needs at least one criterion"));
            }
            for key in criteria {
                w.sp();
                search_key(w, key)?;
            }
        }
        C::Sort {
            criteria,
            charset,
            search,
            return_options,
            uid,
        } => {
            uid_prefix(w, *uid);
            w.raw(b"SORT");
            if let Some(options) = return_options {
                w.raw(b" RETURN ");
                w.list(options, search_return_option)?;
            }
            if criteria.is_empty() {
                return Err(refuse(
                    "SORT command",
                    "it needs at least one sort criterion",
                ));
            }
            w.sp();
            w.list(criteria, sort_criterion)?;
            charset_and_criteria(w, "SORT command", charset, search)?;
        }
        C::Thread {
            algorithm,
            charset,
            search,
            uid,
        } => {
            uid_prefix(w, *uid);
            w.raw(b"THREAD ");
            match algorithm {
                ThreadAlgorithm::Other(name) => {
                    if is_known_thread_name(name.as_str()) {
                        return Err(refuse(
                            "thread algorithm",
                            "its name is a known algorithm; use its own variant",
                        ));
                    }
                    w.atom(name, "thread algorithm")?;
                }
                known => w.raw(known.name().unwrap_or_default().as_bytes()),
            }
            charset_and_criteria(w, "THREAD command", charset, search)?;
        }
        C::Fetch {
            set,
            items,
            modifiers,
            uid,
        } => {
            uid_prefix(w, *uid);
            w.raw(b"FETCH ");
            w.sequence_set(set)?;
            w.sp();
            match items {
                FetchItems::All => w.raw(b"ALL"),
                FetchItems::Fast => w.raw(b"FAST"),
                FetchItems::Full => w.raw(b"FULL"),
                FetchItems::Attributes(list) => match list.as_slice() {
                    [] => return Err(refuse("FETCH command", "it needs at least one item")),
                    // Alone, an attribute's parenthesised argument could be read as the
                    // FETCH modifiers: the parentheses around it say whose it is.
                    [one] if !has_argument(one) => fetch_attribute(w, one)?,
                    many => w.list(many, fetch_attribute)?,
                },
            }
            if !modifiers.is_empty() {
                w.sp();
                w.list(modifiers, |w, modifier| match modifier {
                    FetchModifier::ChangedSince(n) => {
                        w.raw(b"CHANGEDSINCE ");
                        w.number64(*n, "FETCH modifier")
                    }
                    FetchModifier::Vanished => {
                        w.raw(b"VANISHED");
                        Ok(())
                    }
                })?;
            }
        }
        C::Store {
            set,
            kind,
            silent,
            flags,
            unchanged_since,
            uid,
        } => {
            uid_prefix(w, *uid);
            w.raw(b"STORE ");
            w.sequence_set(set)?;
            if let Some(modseq) = unchanged_since {
                w.raw(b" (UNCHANGEDSINCE ");
                w.number64(*modseq, "STORE modifier")?;
                w.raw(b")");
            }
            w.raw(match kind {
                StoreKind::Replace => b" FLAGS",
                StoreKind::Add => b" +FLAGS",
                StoreKind::Remove => b" -FLAGS",
            });
            if *silent {
                w.raw(b".SILENT");
            }
            w.sp();
            w.flag_list(flags)?;
        }
        C::Copy { set, mailbox, uid } | C::Move { set, mailbox, uid } => {
            uid_prefix(w, *uid);
            w.raw(if matches!(body, C::Copy { .. }) {
                b"COPY "
            } else {
                b"MOVE "
            });
            w.sequence_set(set)?;
            w.sp();
            w.mailbox(mailbox)?;
        }
        C::Id(params) => {
            w.raw(b"ID ");
            w.id_params(params)?;
        }
        C::Enable(capabilities) => {
            w.raw(b"ENABLE");
            if capabilities.is_empty() {
                return Err(refuse("ENABLE command", "it needs at least one capability"));
            }
            for capability in capabilities {
                w.sp();
                w.capability(capability)?;
            }
        }
        C::GetQuota(root) => {
            w.raw(b"GETQUOTA ");
            w.astring(root)?;
        }
        C::GetQuotaRoot(mailbox) => mailbox_command(w, b"GETQUOTAROOT", mailbox)?,
        C::SetQuota { root, limits } => {
            w.raw(b"SETQUOTA ");
            w.astring(root)?;
            w.sp();
            w.list(limits, |w, (name, limit)| {
                w.atom(name, "quota resource")?;
                w.sp();
                w.number64(*limit, "quota limit")
            })?;
        }
    }
    Ok(())
}
