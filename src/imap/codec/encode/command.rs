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
    AString, Atom, Command, CommandBody, FetchAttribute, FetchItems, FetchModifier,
    LIST_RETURN_OPTIONS, ListMailbox, ListReturnOption, Partial, Raw, SEARCH_RETURN_OPTIONS,
    SORT_KEYS, SearchKey, SearchReturnOption, SelectParameter, SortCriterion, SortKey,
    StatusAttribute, StoreKind, THREAD_ALGORITHMS, ThreadAlgorithm,
};

/// Refuses what was written since `start` unless `reads_same`, given those bytes and the
/// `)` that closes the list they stand in, reads them back as the value written: what the
/// parser sees of a value kept as given, read with the parser's own reader for the position.
fn check_reads_back(
    w: &Writer<'_>,
    start: usize,
    reads_same: impl FnOnce(&[u8]) -> bool,
    what: &'static str,
    reason: &'static str,
) -> Result<(), EncodeError> {
    let mut seen = w.out[start..].to_vec();
    seen.push(b')');
    if reads_same(&seen) {
        Ok(())
    } else {
        Err(refuse(what, reason))
    }
}

/// True when a reader took all but the closing `)` and found what `same` looks for.
fn read_whole<T>(read: PResult<'_, T>, same: impl FnOnce(&T) -> bool) -> bool {
    matches!(read, Ok((b")", value)) if same(&value))
}

/// An option by a name of its own (`Other`), written only when the parser, reading it back
/// with `reads_same`, does not take the name for one of the known options.
fn other_option(
    w: &mut Writer<'_>,
    name: &Atom<'_>,
    what: &'static str,
    reads_same: impl FnOnce(&[u8]) -> bool,
) -> Result<(), EncodeError> {
    let start = w.out.len();
    w.atom(name, what)?;
    check_reads_back(
        w,
        start,
        reads_same,
        what,
        "its name is a known option; use its own variant",
    )
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
    check_reads_back(
        w,
        start,
        |seen| {
            read_whole(read_select_parameter(seen, usize::MAX), |read| {
                read == parameter
            })
        },
        what,
        "it must be a name (a letter, `-`, `_` or `.` first; not CONDSTORE), then \
         optionally a number, a sequence set or one balanced `(...)` without literals",
    )
}

fn list_mailbox(w: &mut Writer<'_>, pattern: &ListMailbox<'_>) -> Result<(), EncodeError> {
    match pattern {
        ListMailbox::Token(token) => w.token(token, chars::LIST, "list pattern"),
        ListMailbox::String(string) => w.string(string),
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

/// The name a search key is written with, and the space before its first argument if it
/// takes one; `None` for a bare sequence set and a parenthesised group, which have no name.
fn search_key_name(key: &SearchKey<'_>) -> Option<&'static [u8]> {
    use SearchKey as K;
    Some(match key {
        K::All => b"ALL",
        K::Answered => b"ANSWERED",
        K::Bcc(_) => b"BCC ",
        K::Before(_) => b"BEFORE ",
        K::Body(_) => b"BODY ",
        K::Cc(_) => b"CC ",
        K::Deleted => b"DELETED",
        K::Draft => b"DRAFT",
        K::Flagged => b"FLAGGED",
        K::From(_) => b"FROM ",
        K::Header(..) => b"HEADER ",
        K::Keyword(_) => b"KEYWORD ",
        K::Larger(_) => b"LARGER ",
        K::New => b"NEW",
        K::Not(_) => b"NOT ",
        K::Old => b"OLD",
        K::On(_) => b"ON ",
        K::Or(..) => b"OR ",
        K::Recent => b"RECENT",
        K::Seen => b"SEEN",
        K::SentBefore(_) => b"SENTBEFORE ",
        K::SentOn(_) => b"SENTON ",
        K::SentSince(_) => b"SENTSINCE ",
        K::Since(_) => b"SINCE ",
        K::Smaller(_) => b"SMALLER ",
        K::Subject(_) => b"SUBJECT ",
        K::Text(_) => b"TEXT ",
        K::To(_) => b"TO ",
        K::Uid(_) => b"UID ",
        K::Unanswered => b"UNANSWERED",
        K::Undeleted => b"UNDELETED",
        K::Undraft => b"UNDRAFT",
        K::Unflagged => b"UNFLAGGED",
        K::Unkeyword(_) => b"UNKEYWORD ",
        K::Unseen => b"UNSEEN",
        K::ModSeq(_) => b"MODSEQ ",
        K::Older(_) => b"OLDER ",
        K::Younger(_) => b"YOUNGER ",
        K::EmailId(_) => b"EMAILID ",
        K::ThreadId(_) => b"THREADID ",
        K::SequenceSet(_) | K::And(_) => return None,
    })
}

/// A search key: its name, then its arguments, each after a space.
pub(crate) fn search_key(w: &mut Writer<'_>, key: &SearchKey<'_>) -> Result<(), EncodeError> {
    use SearchKey as K;
    let Some(name) = search_key_name(key) else {
        return match key {
            K::And(keys) if keys.is_empty() => Err(refuse(
                "search criteria",
                "a parenthesised group needs at least one key",
            )),
            K::And(keys) => w.list(keys, search_key),
            K::SequenceSet(set) => w.sequence_set(set),
            _ => Ok(()),
        };
    };
    if let K::Older(0) | K::Younger(0) = key {
        return Err(refuse(
            "search criteria",
            "OLDER and YOUNGER count from 1 second",
        ));
    }
    w.raw(name);
    match key {
        K::Bcc(s) | K::Body(s) | K::Cc(s) | K::From(s) | K::Subject(s) | K::Text(s) | K::To(s) => {
            w.astring(s)
        }
        K::Header(field, value) => {
            w.astring(field)?;
            w.sp();
            w.astring(value)
        }
        K::Before(d)
        | K::On(d)
        | K::Since(d)
        | K::SentBefore(d)
        | K::SentOn(d)
        | K::SentSince(d) => {
            w.date(d);
            Ok(())
        }
        K::Larger(n) | K::Smaller(n) | K::Older(n) | K::Younger(n) => {
            w.number(u64::from(*n));
            Ok(())
        }
        K::ModSeq(n) => w.number64(*n, "search criteria"),
        K::Keyword(flag) | K::Unkeyword(flag) => w.atom(flag, "keyword"),
        K::EmailId(id) | K::ThreadId(id) => w.atom(id, "object id"),
        K::Uid(set) => w.sequence_set(set),
        K::Not(inner) => search_key(w, inner),
        K::Or(left, right) => {
            search_key(w, left)?;
            w.sp();
            search_key(w, right)
        }
        _ => Ok(()),
    }
}

fn search_return_option(
    w: &mut Writer<'_>,
    option: &SearchReturnOption<'_>,
) -> Result<(), EncodeError> {
    match option {
        SearchReturnOption::Other(atom) => other_option(w, atom, "search return option", |seen| {
            read_whole(read_search_return(seen), |read| read == option)
        }),
        known => w.known_name(&SEARCH_RETURN_OPTIONS, known, "search return option"),
    }
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
        known => w.known_name(&SORT_KEYS, known, "sort key"),
    }
}

/// `SP charset 1*(SP search-key)`, which SORT and THREAD end with.
fn charset_and_criteria(
    w: &mut Writer<'_>,
    command: &'static str,
    charset: &AString<'_>,
    keys: &[SearchKey<'_>],
) -> Result<(), EncodeError> {
    w.sp();
    w.astring(charset)?;
    criteria(w, command, keys)
}

/// `1*(SP search-key)`, which SEARCH, SORT and THREAD end with.
fn criteria(
    w: &mut Writer<'_>,
    command: &'static str,
    keys: &[SearchKey<'_>],
) -> Result<(), EncodeError> {
    if keys.is_empty() {
        return Err(refuse(command, "it needs at least one search criterion"));
    }
    for key in keys {
        w.sp();
        search_key(w, key)?;
    }
    Ok(())
}

/// `[SP "RETURN" SP (options)]` of SEARCH and SORT: nothing for `None`.
fn search_return_options(
    w: &mut Writer<'_>,
    options: Option<&[SearchReturnOption<'_>]>,
) -> Result<(), EncodeError> {
    match options {
        Some(options) => {
            w.raw(b" RETURN ");
            w.list(options, search_return_option)
        }
        None => Ok(()),
    }
}

/// `(MESSAGES UIDNEXT ...)`: what STATUS, or LIST's RETURN (STATUS ...), asks.
fn status_attributes(
    w: &mut Writer<'_>,
    attributes: &[StatusAttribute],
) -> Result<(), EncodeError> {
    w.list(attributes, |w, attribute| {
        w.raw(attribute.name().as_bytes());
        Ok(())
    })
}

fn list_return_option(
    w: &mut Writer<'_>,
    option: &ListReturnOption<'_>,
) -> Result<(), EncodeError> {
    match option {
        ListReturnOption::Status(attributes) => {
            w.raw(b"STATUS ");
            status_attributes(w, attributes)
        }
        ListReturnOption::Other(atom) => other_option(w, atom, "list return option", |seen| {
            read_whole(read_list_return_option(seen), |read| read == option)
        }),
        known => w.known_name(&LIST_RETURN_OPTIONS, known, "list return option"),
    }
}

pub(crate) fn command(w: &mut Writer<'_>, command: &Command<'_>) -> Result<(), EncodeError> {
    w.tag(&command.tag)?;
    w.sp();
    body(w, &command.body)?;
    w.crlf();
    Ok(())
}

/// The name a command is written with (after `UID ` for the UID forms), and the space
/// before its first argument when that argument always follows.
fn command_name(body: &CommandBody<'_>) -> &'static [u8] {
    use CommandBody as C;
    match body {
        C::Capability => b"CAPABILITY",
        C::Noop => b"NOOP",
        C::Logout => b"LOGOUT",
        C::StartTls => b"STARTTLS",
        C::Authenticate { .. } => b"AUTHENTICATE ",
        C::Login { .. } => b"LOGIN ",
        C::Select { .. } => b"SELECT ",
        C::Examine { .. } => b"EXAMINE ",
        C::Create { .. } => b"CREATE ",
        C::Delete { .. } => b"DELETE ",
        C::Rename { .. } => b"RENAME ",
        C::Subscribe { .. } => b"SUBSCRIBE ",
        C::Unsubscribe { .. } => b"UNSUBSCRIBE ",
        C::List { .. } => b"LIST ",
        C::Lsub { .. } => b"LSUB ",
        C::Status { .. } => b"STATUS ",
        C::Append { .. } => b"APPEND ",
        C::Check => b"CHECK",
        C::Close => b"CLOSE",
        C::Expunge => b"EXPUNGE",
        C::UidExpunge(_) => b"UID EXPUNGE ",
        C::Unselect => b"UNSELECT",
        C::Search { .. } => b"SEARCH",
        C::Sort { .. } => b"SORT",
        C::Thread { .. } => b"THREAD ",
        C::Fetch { .. } => b"FETCH ",
        C::Store { .. } => b"STORE ",
        C::Copy { .. } => b"COPY ",
        C::Move { .. } => b"MOVE ",
        C::Idle => b"IDLE",
        C::Namespace => b"NAMESPACE",
        C::Id(_) => b"ID ",
        C::Enable(_) => b"ENABLE",
        C::GetQuota(_) => b"GETQUOTA ",
        C::GetQuotaRoot(_) => b"GETQUOTAROOT ",
        C::SetQuota { .. } => b"SETQUOTA ",
    }
}

/// A command: `UID ` for the UID forms, its name, then its arguments.
fn body(w: &mut Writer<'_>, body: &CommandBody<'_>) -> Result<(), EncodeError> {
    use CommandBody as C;
    if let C::Search { uid: true, .. }
    | C::Sort { uid: true, .. }
    | C::Thread { uid: true, .. }
    | C::Fetch { uid: true, .. }
    | C::Store { uid: true, .. }
    | C::Copy { uid: true, .. }
    | C::Move { uid: true, .. } = body
    {
        w.raw(b"UID ");
    }
    w.raw(command_name(body));
    match body {
        C::Authenticate {
            mechanism,
            initial_response,
        } => {
            w.atom(mechanism, "SASL mechanism")?;
            let Some(initial) = initial_response else {
                return Ok(());
            };
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
            })
        }
        C::Login { username, password } => {
            w.astring(username)?;
            w.sp();
            w.secret(|w| w.astring(password.expose()))
        }
        C::Select {
            mailbox,
            parameters,
        }
        | C::Examine {
            mailbox,
            parameters,
        } => {
            w.mailbox(mailbox)?;
            select_parameters(w, parameters)
        }
        C::Create { mailbox }
        | C::Delete { mailbox }
        | C::Subscribe { mailbox }
        | C::Unsubscribe { mailbox }
        | C::GetQuotaRoot(mailbox) => w.mailbox(mailbox),
        C::Rename { from, to } => {
            w.mailbox(from)?;
            w.sp();
            w.mailbox(to)
        }
        C::List {
            selection,
            reference,
            patterns,
            return_options,
        } => {
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
            if return_options.is_empty() {
                return Ok(());
            }
            w.raw(b" RETURN ");
            w.list(return_options, list_return_option)
        }
        C::Lsub { reference, pattern } => {
            w.mailbox(reference)?;
            w.sp();
            list_mailbox(w, pattern)
        }
        C::Status {
            mailbox,
            attributes,
        } => {
            w.mailbox(mailbox)?;
            w.sp();
            status_attributes(w, attributes)
        }
        C::Append { mailbox, messages } => {
            w.mailbox(mailbox)?;
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
            Ok(())
        }
        C::UidExpunge(set) => w.sequence_set(set),
        C::Search {
            return_options,
            charset,
            criteria,
            ..
        } => {
            search_return_options(w, return_options.as_deref())?;
            if let Some(charset) = charset {
                w.raw(b" CHARSET ");
                w.astring(charset)?;
            }
            self::criteria(w, "SEARCH command", criteria)
        }
        C::Sort {
            criteria,
            charset,
            search,
            return_options,
            ..
        } => {
            search_return_options(w, return_options.as_deref())?;
            if criteria.is_empty() {
                return Err(refuse(
                    "SORT command",
                    "it needs at least one sort criterion",
                ));
            }
            w.sp();
            w.list(criteria, sort_criterion)?;
            charset_and_criteria(w, "SORT command", charset, search)
        }
        C::Thread {
            algorithm,
            charset,
            search,
            ..
        } => {
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
                known => w.known_name(&THREAD_ALGORITHMS, known, "thread algorithm")?,
            }
            charset_and_criteria(w, "THREAD command", charset, search)
        }
        C::Fetch {
            set,
            items,
            modifiers,
            ..
        } => {
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
            if modifiers.is_empty() {
                return Ok(());
            }
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
            })
        }
        C::Store {
            set,
            kind,
            silent,
            flags,
            unchanged_since,
            ..
        } => {
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
            w.flag_list(flags)
        }
        C::Copy { set, mailbox, .. } | C::Move { set, mailbox, .. } => {
            w.sequence_set(set)?;
            w.sp();
            w.mailbox(mailbox)
        }
        C::Id(params) => w.id_params(params),
        C::Enable(capabilities) if capabilities.is_empty() => {
            Err(refuse("ENABLE command", "it needs at least one capability"))
        }
        C::Enable(capabilities) => w.capabilities(capabilities),
        C::GetQuota(root) => w.astring(root),
        C::SetQuota { root, limits } => {
            w.astring(root)?;
            w.sp();
            w.list(limits, |w, (name, limit)| {
                w.atom(name, "quota resource")?;
                w.sp();
                w.number64(*limit, "quota limit")
            })
        }
        C::Capability
        | C::Noop
        | C::Logout
        | C::StartTls
        | C::Check
        | C::Close
        | C::Expunge
        | C::Unselect
        | C::Idle
        | C::Namespace => Ok(()),
    }
}
