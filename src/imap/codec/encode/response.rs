//! Writing greetings, status responses, data and continuation requests.
//!
//! What a response keeps as a peer sent it (an unknown code's arguments, an unknown item's
//! value, a whole unknown response) and names a known variant already covers (`Other`
//! spelled `ALERT`) are written only when the parser reads the bytes back as the same value:
//! so no such value can end the line, start another response or come back as another one.

use super::body::{fetch_item, object_id};
use super::core::Writer;
use crate::imap::codec::error::EncodeError;
use crate::imap::codec::grammar::chars;
use crate::imap::codec::grammar::skip::skip_value;
use crate::imap::codec::response::data::{search_return_data, tagged_ext_val};
use crate::imap::codec::response::status::code as read_code;
use crate::imap::codec::types::{
    AString, BARE_CODES, Code, Continue, Data, ESearch, ExtensionValue, Greeting, GreetingKind,
    ListItem, MailboxAttribute, NamespaceDescription, Response, SearchReturnData, Status,
    StatusAttribute, StatusItem, StatusKind, Text, Thread,
};
use crate::limits::Limits;

pub(crate) fn greeting(w: &mut Writer<'_>, greeting: &Greeting<'_>) -> Result<(), EncodeError> {
    w.raw(match greeting.kind {
        GreetingKind::Ok => b"* OK",
        GreetingKind::PreAuth => b"* PREAUTH",
        GreetingKind::Bye => b"* BYE",
    });
    resp_text(w, greeting.code.as_ref(), &greeting.text)?;
    w.crlf();
    Ok(())
}

pub(crate) fn response(w: &mut Writer<'_>, response: &Response<'_>) -> Result<(), EncodeError> {
    match response {
        Response::Status(value) => status(w, value)?,
        Response::Continue(value) => continuation(w, value)?,
        Response::Data(value) => {
            w.raw(b"* ");
            data(w, value)?;
        }
    }
    w.crlf();
    Ok(())
}

fn status(w: &mut Writer<'_>, status: &Status<'_>) -> Result<(), EncodeError> {
    match &status.tag {
        // Only OK, NO and BAD complete a command (RFC 9051 `response-tagged`); a tagged
        // PREAUTH or BYE would be refused by every reader, this codec's included.
        Some(_) if matches!(status.kind, StatusKind::PreAuth | StatusKind::Bye) => {
            return Err(EncodeError::Unrepresentable {
                what: "status response",
                reason: "PREAUTH and BYE are untagged; only OK, NO and BAD carry a tag",
            });
        }
        Some(tag) => w.tag(tag)?,
        None => w.raw(b"*"),
    }
    w.sp();
    w.raw(status.kind.name().as_bytes());
    resp_text(w, status.code.as_ref(), &status.text)
}

fn continuation(w: &mut Writer<'_>, request: &Continue<'_>) -> Result<(), EncodeError> {
    w.raw(b"+");
    if request.code.is_none() && request.text.as_bytes().is_empty() {
        w.sp();
        return Ok(());
    }
    resp_text(w, request.code.as_ref(), &request.text)
}

/// ` [code] text`, leaving out what is empty.
fn resp_text(
    w: &mut Writer<'_>,
    code: Option<&Code<'_>>,
    text: &Text<'_>,
) -> Result<(), EncodeError> {
    if let Some(code) = code {
        w.sp();
        self::code(w, code)?;
    } else if !text.as_bytes().is_empty() && text.as_bytes().iter().all(|&b| b == b' ') {
        // Readers take spaces before the line end for stray ones: `* OK   ` is an OK with
        // no text, not one whose text is two spaces.
        return Err(EncodeError::Unrepresentable {
            what: "response text",
            reason: "it is only spaces, which read back as no text; send it empty",
        });
    }
    if !text.as_bytes().is_empty() {
        w.sp();
        w.text(text)?;
    }
    Ok(())
}

/// Refuses what was written since `start` unless `reads_same` holds for those bytes: the
/// check every value kept as a peer sent it passes.
fn reads_back(
    w: &Writer<'_>,
    start: usize,
    reads_same: impl FnOnce(&[u8]) -> bool,
    what: &'static str,
    reason: &'static str,
) -> Result<(), EncodeError> {
    if reads_same(w.out.get(start..).unwrap_or_default()) {
        Ok(())
    } else {
        Err(EncodeError::Unrepresentable { what, reason })
    }
}

pub(crate) fn code(w: &mut Writer<'_>, code: &Code<'_>) -> Result<(), EncodeError> {
    let start = w.out.len();
    w.raw(b"[");
    match code {
        Code::BadCharset(list) if !list.is_empty() => {
            w.raw(b"BADCHARSET ");
            w.list(list, |w, charset| w.astring(charset))?;
        }
        Code::Capability(list) => {
            w.raw(b"CAPABILITY");
            w.capabilities(list)?;
        }
        Code::PermanentFlags(flags) => {
            w.raw(b"PERMANENTFLAGS ");
            w.flag_list(flags)?;
        }
        Code::UidNext(n) => number_code(w, "UIDNEXT", u64::from(*n))?,
        Code::UidValidity(n) => number_code(w, "UIDVALIDITY", u64::from(*n))?,
        Code::Unseen(n) => number_code(w, "UNSEEN", u64::from(*n))?,
        Code::HighestModSeq(n) => number_code(w, "HIGHESTMODSEQ", *n)?,
        Code::Modified(set) => {
            w.raw(b"MODIFIED ");
            w.sequence_set(set)?;
        }
        Code::AppendUid { uid_validity, uids } => {
            number_code(w, "APPENDUID", u64::from(*uid_validity))?;
            w.sp();
            w.sequence_set(uids)?;
        }
        Code::CopyUid {
            uid_validity,
            source,
            destination,
        } => {
            number_code(w, "COPYUID", u64::from(*uid_validity))?;
            w.sp();
            w.sequence_set(source)?;
            w.sp();
            w.sequence_set(destination)?;
        }
        Code::Other { name, arguments } => {
            w.atom(name, "response code")?;
            if let Some(arguments) = arguments {
                let bytes = arguments.as_bytes();
                if bytes.iter().any(|&b| matches!(b, b']' | b'\r' | b'\n' | 0)) {
                    return Err(EncodeError::Unrepresentable {
                        what: "response code",
                        reason: "its arguments hold `]`, CR, LF or NUL",
                    });
                }
                w.sp();
                w.raw(bytes);
            }
            w.raw(b"]");
            // `Other` spelled `ALERT`, or `UIDNEXT` with a number, reads as the known code.
            return reads_back(
                w,
                start,
                |seen| matches!(read_code(seen), Ok(([], read)) if read == *code),
                "response code",
                "its name is a known code that reads back as that code; use the code's own \
                 variant",
            );
        }
        bare => w.known_name(&BARE_CODES, bare, "response code")?,
    }
    w.raw(b"]");
    Ok(())
}

/// `NAME n`. Every number here is read back as a `number` or a `number64`, so one past
/// 2^63-1 is refused rather than written for no reader to take.
fn number_code(w: &mut Writer<'_>, name: &'static str, value: u64) -> Result<(), EncodeError> {
    w.raw(name.as_bytes());
    w.sp();
    w.number64(value, name)
}

fn status_item(w: &mut Writer<'_>, item: &StatusItem<'_>) -> Result<(), EncodeError> {
    match item {
        StatusItem::Known(StatusAttribute::MailboxId | StatusAttribute::AppendLimit, _) => {
            return Err(EncodeError::Unrepresentable {
                what: "status item",
                reason: "MAILBOXID and APPENDLIMIT take StatusItem::MailboxId and \
                         StatusItem::AppendLimit, not a number",
            });
        }
        StatusItem::Known(attribute, value) => number_code(w, attribute.name(), *value)?,
        StatusItem::MailboxId(id) => {
            w.raw(b"MAILBOXID (");
            object_id(w, id.as_str())?;
            w.raw(b")");
        }
        StatusItem::AppendLimit(None) => w.raw(b"APPENDLIMIT NIL"),
        StatusItem::AppendLimit(Some(limit)) => number_code(w, "APPENDLIMIT", *limit)?,
        StatusItem::Other(name, value) => {
            // A known attribute's name, or a value that reads as another kind (an atom of
            // digits reads as a number), would come back as another item.
            if StatusAttribute::from_name(name.as_str()).is_some() {
                return Err(EncodeError::Unrepresentable {
                    what: "status item",
                    reason: "its name is a known attribute; use StatusItem::Known",
                });
            }
            if !extension_value_reads_alike(value) {
                return Err(EncodeError::Unrepresentable {
                    what: "status item",
                    reason: "its value reads back as another kind of value (an atom that is a \
                             number or a sequence set, a set that is one number)",
                });
            }
            w.atom(name, "status item")?;
            w.sp();
            extension_value(w, value)?;
        }
    }
    Ok(())
}

/// True when `value` written out reads back as the same kind: the parser takes a word of
/// digits for a number and one of digits, `:`, `,` and `*` for a sequence set.
fn extension_value_reads_alike(value: &ExtensionValue<'_>) -> bool {
    match value {
        ExtensionValue::Number(_) | ExtensionValue::String(AString::String(_)) => true,
        ExtensionValue::SequenceSet(set) => !set.to_string().bytes().all(|b| b.is_ascii_digit()),
        ExtensionValue::String(AString::Atom(text)) => matches!(
            tagged_ext_val(text.as_bytes(), 1),
            Ok(([], ExtensionValue::String(AString::Atom(read)))) if read == *text
        ),
        ExtensionValue::List(list) => list.iter().all(extension_value_reads_alike),
    }
}

/// A `tagged-ext-val`, in the form [`ExtensionValue`] reads back alike.
fn extension_value(w: &mut Writer<'_>, value: &ExtensionValue<'_>) -> Result<(), EncodeError> {
    match value {
        ExtensionValue::Number(n) => w.number64(*n, "extension value"),
        ExtensionValue::SequenceSet(set) => w.sequence_set(set),
        ExtensionValue::String(value) => w.astring(value),
        ExtensionValue::List(list) => w.list(list, extension_value),
    }
}

fn list_item(w: &mut Writer<'_>, item: &ListItem<'_>) -> Result<(), EncodeError> {
    w.sp();
    w.list(item.attributes.iter(), |w, attribute| {
        match attribute.backslash_name() {
            Some(name) => {
                w.raw(b"\\");
                w.token(name, chars::ATOM, "mailbox attribute")
            }
            None => match &attribute {
                crate::imap::codec::types::MailboxAttribute::Keyword(atom) => {
                    w.atom(atom, "mailbox attribute")
                }
                _ => Ok(()),
            },
        }
        .and_then(|()| match &attribute {
            // `Extension("Sent")` would read back as `\Sent`, another value.
            MailboxAttribute::Extension(atom)
                if !matches!(
                    MailboxAttribute::backslashed(atom.as_str()),
                    MailboxAttribute::Extension(_)
                ) =>
            {
                Err(EncodeError::Unrepresentable {
                    what: "mailbox attribute",
                    reason: "it is a known attribute; use its own variant",
                })
            }
            _ => Ok(()),
        })
    })?;
    w.sp();
    w.delimiter(item.delimiter)?;
    w.sp();
    w.mailbox(&item.mailbox)?;
    if !item.extended.is_empty() {
        w.sp();
        w.list(&item.extended, |w, extended| {
            w.astring(&extended.tag)?;
            w.sp();
            let value = extended.value.as_bytes();
            // One value, as the parser skips it: a space or line end inside would split it.
            if !matches!(skip_value(value, usize::MAX), Ok(([], _))) {
                return Err(EncodeError::Unrepresentable {
                    what: "LIST extended item",
                    reason: "its value is not one value (a word, a string or a balanced list)",
                });
            }
            w.raw(value);
            Ok(())
        })?;
    }
    Ok(())
}

/// The numbers of SEARCH and SORT data, each after a space, then RFC 7162's `(MODSEQ n)`.
fn numbers(w: &mut Writer<'_>, ids: &[u32], modseq: Option<u64>) -> Result<(), EncodeError> {
    for id in ids {
        w.sp();
        w.number(u64::from(*id));
    }
    if let Some(modseq) = modseq {
        w.raw(b" (MODSEQ ");
        w.number64(modseq, "mod-sequence")?;
        w.raw(b")");
    }
    Ok(())
}

/// What follows ESEARCH: `(TAG ...)`, `UID` and the returned data, each after a space.
fn esearch(w: &mut Writer<'_>, value: &ESearch<'_>) -> Result<(), EncodeError> {
    if let Some(tag) = &value.tag {
        w.raw(b" (TAG ");
        w.astring(tag)?;
        w.raw(b")");
    }
    if value.uid {
        w.raw(b" UID");
    }
    let uid_unflagged = !value.uid;
    for (index, item) in value.data.iter().enumerate() {
        w.sp();
        match item {
            SearchReturnData::Min(n) => number_code(w, "MIN", u64::from(*n))?,
            SearchReturnData::Max(n) => number_code(w, "MAX", u64::from(*n))?,
            SearchReturnData::Count(n) => number_code(w, "COUNT", u64::from(*n))?,
            SearchReturnData::ModSeq(n) => number_code(w, "MODSEQ", *n)?,
            SearchReturnData::All(set) => {
                w.raw(b"ALL ");
                w.sequence_set(set)?;
            }
            SearchReturnData::Other(name, value) => {
                let start = w.out.len();
                w.atom(name, "search return data")?;
                w.sp();
                w.raw(value.as_bytes());
                // `UID` where the list starts, unless the flag went before it, reads as
                // the flag.
                let uid_flag = index == 0 && uid_unflagged && name.eq_ignore_case("UID");
                reads_back(
                    w,
                    start,
                    |seen| {
                        !uid_flag
                            && matches!(search_return_data(seen, usize::MAX), Ok(([], read)) if read == *item)
                    },
                    "search return data",
                    "its name is a known one (or UID first), or its value is not one value (a \
                     word, a string or a balanced list)",
                )?;
            }
        }
    }
    Ok(())
}

fn thread(w: &mut Writer<'_>, thread: &Thread) {
    w.raw(b"(");
    for (index, id) in thread.members.iter().enumerate() {
        if index > 0 {
            w.sp();
        }
        w.number(u64::from(*id));
    }
    if !thread.members.is_empty() && !thread.children.is_empty() {
        w.sp();
    }
    for child in &thread.children {
        self::thread(w, child);
    }
    w.raw(b")");
}

fn namespace(
    w: &mut Writer<'_>,
    value: &Option<Vec<NamespaceDescription<'_>>>,
) -> Result<(), EncodeError> {
    w.nil_or(value.as_deref(), |w, list| {
        w.list_joined(list, b"", |w, description| {
            w.raw(b"(");
            w.string(&description.prefix)?;
            w.sp();
            w.delimiter(description.delimiter)?;
            for (name, values) in &description.extensions {
                w.sp();
                w.string(name)?;
                w.sp();
                w.list(values, |w, value| w.string(value))?;
            }
            w.raw(b")");
            Ok(())
        })
    })
}

/// The name untagged data is written with (after the number for EXISTS, RECENT, EXPUNGE
/// and FETCH), and the space before its first argument when that argument always follows.
fn data_name(data: &Data<'_>) -> &'static [u8] {
    match data {
        Data::Capability(_) => b"CAPABILITY",
        Data::List(_) => b"LIST",
        Data::Lsub(_) => b"LSUB",
        Data::Status { .. } => b"STATUS ",
        Data::Flags(_) => b"FLAGS ",
        Data::Exists(_) => b"EXISTS",
        Data::Recent(_) => b"RECENT",
        Data::Expunge(_) => b"EXPUNGE",
        Data::Fetch { .. } => b"FETCH ",
        Data::Search { .. } => b"SEARCH",
        Data::ESearch(_) => b"ESEARCH",
        Data::Sort { .. } => b"SORT",
        Data::Thread(_) => b"THREAD",
        Data::Enabled(_) => b"ENABLED",
        Data::Id(_) => b"ID ",
        Data::Namespace { .. } => b"NAMESPACE ",
        Data::Quota { .. } => b"QUOTA ",
        Data::QuotaRoot { .. } => b"QUOTAROOT ",
        Data::Vanished { earlier: false, .. } => b"VANISHED ",
        Data::Vanished { earlier: true, .. } => b"VANISHED (EARLIER) ",
        Data::Other(_) => b"",
    }
}

/// Untagged data after `* `: the message number where it comes first, the name, then the
/// arguments.
fn data(w: &mut Writer<'_>, data: &Data<'_>) -> Result<(), EncodeError> {
    if let Data::Exists(n) | Data::Recent(n) | Data::Expunge(n) | Data::Fetch { seq: n, .. } = data
    {
        w.number(u64::from(*n));
        w.sp();
    }
    w.raw(data_name(data));
    match data {
        Data::Capability(list) | Data::Enabled(list) => w.capabilities(list),
        Data::List(item) | Data::Lsub(item) => list_item(w, item),
        Data::Status { mailbox, items } => {
            w.mailbox(mailbox)?;
            w.sp();
            w.list(items, status_item)
        }
        Data::Flags(flags) => w.flag_list(flags),
        Data::Exists(_) | Data::Recent(_) | Data::Expunge(_) => Ok(()),
        Data::Fetch { items, .. } => w.list(items, fetch_item),
        Data::Search { ids, modseq } | Data::Sort { ids, modseq } => numbers(w, ids, *modseq),
        Data::ESearch(value) => esearch(w, value),
        Data::Thread(threads) => {
            if !threads.is_empty() {
                w.sp();
            }
            for value in threads {
                thread(w, value);
            }
            Ok(())
        }
        Data::Id(params) => w.id_params(params),
        Data::Namespace {
            personal,
            other,
            shared,
        } => {
            namespace(w, personal)?;
            w.sp();
            namespace(w, other)?;
            w.sp();
            namespace(w, shared)
        }
        Data::Quota { root, resources } => {
            w.astring(root)?;
            w.sp();
            w.list(resources, |w, resource| {
                w.atom(&resource.name, "quota resource")?;
                w.sp();
                w.number64(resource.usage, "quota usage")?;
                w.sp();
                w.number64(resource.limit, "quota limit")
            })
        }
        Data::QuotaRoot { mailbox, roots } => {
            w.mailbox(mailbox)?;
            for root in roots {
                w.sp();
                w.astring(root)?;
            }
            Ok(())
        }
        Data::Vanished { uids, .. } => w.sequence_set(uids),
        Data::Other(raw) => {
            // Read back whole, as a client would: a line end inside would start another
            // response, a known name would make it another kind.
            let mut alone = Vec::with_capacity(raw.as_bytes().len() + 4);
            alone.extend_from_slice(b"* ");
            alone.extend_from_slice(raw.as_bytes());
            alone.extend_from_slice(b"\r\n");
            // Whatever limits it was read under, one line of its own length is within these.
            let limits =
                Limits::default().with_line_len(alone.len().max(Limits::default().line_len));
            let same = matches!(
                crate::imap::codec::parse_response(&alone, &limits),
                Ok(crate::Parsed::Complete(Response::Data(Data::Other(read)), used))
                    if used == alone.len() && read == *raw
            );
            if !same {
                return Err(EncodeError::Unrepresentable {
                    what: "untagged response",
                    reason: "it does not read back as the same unknown response (it holds a line \
                             end or NUL, ends like a literal's announcement, or starts with a \
                             known name)",
                });
            }
            w.raw(raw.as_bytes());
            Ok(())
        }
    }
}
