//! Responses: status responses with every response code, continuation requests, and every
//! kind of untagged data with the FETCH items, envelopes and body structures it carries.

use std::borrow::Cow;

use ::arbitrary::{Arbitrary, Result, Unstructured};

use super::commands::{NUMBERED_STATUS, STATUS_ATTRIBUTES, section};
use super::{
    MAX_DEPTH, MAX_ITEMS, Side, astring, atom, atom_where, capabilities, date_time, flags, istring,
    list_of, mailbox, nstring, number64, nz_u32, object_id, option_of, sequence_set, tag, text,
};
use crate::imap::codec::response::fetch::item_named;
use crate::imap::codec::types::{
    AString, Address, AddressField, BARE_CODES, BodyExtension, BodyStructure, Code, Continue, Data,
    Disposition, ESearch, Envelope, ExtensionData, ExtensionValue, FetchItem, Flags, Greeting,
    GreetingKind, IString, IdParameters, ListExtendedItem, ListItem, MailboxAttribute,
    MailboxAttributes, MultiPart, MultiPartExtension, NamespaceDescription, Parameters,
    QuotaResource, Raw, Response, SearchReturnData, SinglePart, SinglePartExtension,
    SinglePartKind, Status, StatusAttribute, StatusItem, StatusKind, Thread,
};

const SIDE: Side = Side::Server;

impl<'a> Arbitrary<'a> for Response<'static> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.choose_index(8)? {
            0 | 1 => Response::Status(status(u)?),
            2 => Response::Continue(Continue {
                code: option_of(u, code)?,
                text: text(u)?,
            }),
            _ => Response::Data(data(u)?),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, None)
    }
}

impl<'a> Arbitrary<'a> for Greeting<'static> {
    /// `* OK`, `* PREAUTH` or `* BYE`, with any response code and text.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Greeting {
            kind: *u.choose(&[GreetingKind::Ok, GreetingKind::PreAuth, GreetingKind::Bye])?,
            code: option_of(u, code)?,
            text: text(u)?,
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, None)
    }
}

fn status(u: &mut Unstructured<'_>) -> Result<Status<'static>> {
    let tag = option_of(u, tag)?;
    // PREAUTH and BYE are untagged only.
    let kinds: &[StatusKind] = match tag {
        Some(_) => &[StatusKind::Ok, StatusKind::No, StatusKind::Bad],
        None => &[
            StatusKind::Ok,
            StatusKind::No,
            StatusKind::Bad,
            StatusKind::PreAuth,
            StatusKind::Bye,
        ],
    };
    Ok(Status {
        tag,
        kind: *u.choose(kinds)?,
        code: option_of(u, code)?,
        text: text(u)?,
    })
}

/// The number of [`Code`] kinds [`code`] makes: the bare ones, then those with arguments.
pub(super) const CODE_KINDS: usize = 28 + 11;

/// A response code, of every variant.
fn code(u: &mut Unstructured<'_>) -> Result<Code<'static>> {
    // The first 28 entries of the table are the codes without arguments.
    let bare = 28;
    let index = u.choose_index(CODE_KINDS)?;
    if let Some((_, code)) = BARE_CODES.get(index).filter(|_| index < bare) {
        return Ok(code.clone());
    }
    Ok(match index - bare {
        0 => Code::BadCharset(list_of(u, 0, |u| astring(u, SIDE))?),
        1 => Code::Capability(capabilities(u, 0)?),
        2 => Code::PermanentFlags(flags(u, true)?),
        3 => Code::UidNext(u.arbitrary()?),
        4 => Code::UidValidity(u.arbitrary()?),
        5 => Code::Unseen(u.arbitrary()?),
        6 => Code::AppendUid {
            uid_validity: nz_u32(u)?,
            uids: sequence_set(u, false)?,
        },
        7 => Code::CopyUid {
            uid_validity: nz_u32(u)?,
            source: sequence_set(u, false)?,
            destination: sequence_set(u, false)?,
        },
        8 => Code::HighestModSeq(number64(u)?),
        9 => Code::Modified(sequence_set(u, false)?),
        _ => {
            let name = atom_where(
                u,
                |name| {
                    !name.contains('[')
                        && !BARE_CODES
                            .iter()
                            .any(|(known, _)| known.eq_ignore_ascii_case(name))
                        && ![
                            "PERMANENTFLAGS",
                            "UIDNEXT",
                            "UIDVALIDITY",
                            "UNSEEN",
                            "HIGHESTMODSEQ",
                            "MODIFIED",
                            "APPENDUID",
                            "COPYUID",
                        ]
                        .iter()
                        .any(|known| known.eq_ignore_ascii_case(name))
                },
                "WEBALERT",
            )?;
            const ARGUMENTS: &[&str] = &["", "url=https://example.com/x", "1 2 (3)", "[x"];
            let arguments = option_of(u, |u| {
                Ok(Raw(Cow::Owned(u.choose(ARGUMENTS)?.as_bytes().to_vec())))
            })?;
            Code::Other { name, arguments }
        }
    })
}

/// The number of [`Data`] variants [`data`] makes.
pub(super) const DATA_KINDS: usize = 21;

fn data(u: &mut Unstructured<'_>) -> Result<Data<'static>> {
    Ok(match u.choose_index(DATA_KINDS)? {
        0 => Data::Capability(capabilities(u, 0)?),
        1 => Data::List(list_item(u)?),
        2 => Data::Lsub(list_item(u)?),
        3 => Data::Status {
            mailbox: mailbox(u, SIDE)?,
            items: list_of(u, 0, status_item)?,
        },
        4 => Data::Flags(flags(u, true)?),
        5 => Data::Exists(u.arbitrary()?),
        6 => Data::Recent(u.arbitrary()?),
        7 => Data::Expunge(u.arbitrary()?),
        8 => Data::Fetch {
            seq: u.arbitrary()?,
            items: list_of(u, 0, fetch_item)?,
        },
        9 => Data::Search {
            ids: list_of(u, 0, |u| u.arbitrary())?,
            modseq: option_of(u, number64)?,
        },
        10 => Data::ESearch(esearch(u)?),
        11 => Data::Sort {
            ids: list_of(u, 0, |u| u.arbitrary())?,
            modseq: option_of(u, number64)?,
        },
        12 => Data::Thread(list_of(u, 0, |u| thread(u, MAX_DEPTH))?),
        13 => Data::Enabled(capabilities(u, 0)?),
        14 => Data::Id(id_parameters(u, SIDE)?),
        15 => Data::Namespace {
            personal: namespace(u)?,
            other: namespace(u)?,
            shared: namespace(u)?,
        },
        16 => Data::Quota {
            root: astring(u, SIDE)?,
            resources: list_of(u, 0, |u| {
                Ok(QuotaResource {
                    name: atom(u)?,
                    usage: number64(u)?,
                    limit: number64(u)?,
                })
            })?,
        },
        17 => Data::QuotaRoot {
            mailbox: mailbox(u, SIDE)?,
            roots: list_of(u, 0, |u| astring(u, SIDE))?,
        },
        18 => Data::Vanished {
            earlier: u.arbitrary()?,
            uids: sequence_set(u, false)?,
        },
        19 => Data::Fetch {
            seq: u.arbitrary()?,
            items: list_of(u, 1, message_fetch_item)?,
        },
        _ => Data::Other(other_data(u)?),
    })
}

/// Untagged data of a kind this codec does not know, kept as sent: a name no response
/// has, then text that does not end as a literal's announcement would.
fn other_data(u: &mut Unstructured<'_>) -> Result<Raw<'static>> {
    const POOL: &[&str] = &[
        "XAPPLEPUSHSERVICE aps-version 2",
        "METADATA INBOX (/private/comment \"x\")",
        "X-UNKNOWN",
        "7 XFOO (a b)",
    ];
    if u.arbitrary::<bool>()? {
        return Ok(Raw(Cow::Owned(u.choose(POOL)?.as_bytes().to_vec())));
    }
    let name = super::class_string(u, crate::imap::codec::grammar::chars::ATOM, 10)?;
    let mut raw = format!("X{}", name.replace('[', "")).into_bytes();
    let rest = text(u)?;
    if !rest.as_bytes().is_empty() {
        raw.push(b' ');
        raw.extend_from_slice(rest.as_bytes());
    }
    while raw.last() == Some(&b'}') {
        raw.pop();
    }
    Ok(Raw(Cow::Owned(raw)))
}

fn list_item(u: &mut Unstructured<'_>) -> Result<ListItem<'static>> {
    let mut attributes = MailboxAttributes::new();
    for _ in 0..u.int_in_range(0..=MAX_ITEMS)? {
        attributes.insert(mailbox_attribute(u)?);
    }
    let delimiter = option_of(u, |u| {
        let byte = u.int_in_range(1u8..=0x7f)?;
        Ok(char::from(if matches!(byte, b'\r' | b'\n') {
            b'/'
        } else {
            byte
        }))
    })?;
    const VALUES: &[&str] = &[
        "(\"Sent\")",
        "(SUBSCRIBED)",
        "42",
        "\"x\"",
        "NIL",
        "((a) b)",
    ];
    let extended = list_of(u, 0, |u| {
        Ok(ListExtendedItem {
            tag: astring(u, SIDE)?,
            value: Raw(Cow::Owned(u.choose(VALUES)?.as_bytes().to_vec())),
        })
    })?;
    Ok(ListItem {
        attributes,
        delimiter,
        mailbox: mailbox(u, SIDE)?,
        extended,
    })
}

fn mailbox_attribute(u: &mut Unstructured<'_>) -> Result<MailboxAttribute<'static>> {
    use MailboxAttribute as M;
    let known = [
        M::NoInferiors,
        M::NoSelect,
        M::Marked,
        M::Unmarked,
        M::HasChildren,
        M::HasNoChildren,
        M::NonExistent,
        M::Subscribed,
        M::Remote,
        M::All,
        M::Archive,
        M::Drafts,
        M::Flagged,
        M::Junk,
        M::Sent,
        M::Trash,
        M::Important,
    ];
    let index = u.choose_index(known.len() + 2)?;
    if let Some(attribute) = known.get(index) {
        return Ok(attribute.clone());
    }
    Ok(if index == known.len() {
        MailboxAttribute::Extension(atom_where(
            u,
            |name| {
                matches!(
                    MailboxAttribute::backslashed(name),
                    MailboxAttribute::Extension(_)
                )
            },
            "XList",
        )?)
    } else {
        MailboxAttribute::Keyword(atom(u)?)
    })
}

fn status_item(u: &mut Unstructured<'_>) -> Result<StatusItem<'static>> {
    Ok(match u.choose_index(4)? {
        0 => StatusItem::Known(
            *u.choose(&STATUS_ATTRIBUTES[..NUMBERED_STATUS])?,
            number64(u)?,
        ),
        1 => StatusItem::MailboxId(object_id(u)?),
        2 => StatusItem::AppendLimit(option_of(u, number64)?),
        _ => StatusItem::Other(
            atom_where(
                u,
                |name| StatusAttribute::from_name(name).is_none(),
                "X-SIZE",
            )?,
            extension_value(u, MAX_DEPTH)?,
        ),
    })
}

/// A `tagged-ext-val`: a number, a sequence set that is not just a number, an astring
/// that is not a number or a set, or a list of them.
fn extension_value(u: &mut Unstructured<'_>, depth: usize) -> Result<ExtensionValue<'static>> {
    let kinds = if depth == 0 { 3 } else { 4 };
    Ok(match u.choose_index(kinds)? {
        0 => ExtensionValue::Number(number64(u)?),
        1 => {
            let set = sequence_set(u, false)?;
            if set.to_string().bytes().all(|b| b.is_ascii_digit()) {
                ExtensionValue::SequenceSet(crate::imap::codec::types::SequenceSet::all())
            } else {
                ExtensionValue::SequenceSet(set)
            }
        }
        2 => ExtensionValue::String(match astring(u, SIDE)? {
            AString::Atom(text)
                if text
                    .bytes()
                    .all(|b| matches!(b, b'0'..=b'9' | b':' | b',' | b'*')) =>
            {
                AString::Atom(Cow::Borrowed("x"))
            }
            other => other,
        }),
        _ => ExtensionValue::List(list_of(u, 0, |u| extension_value(u, depth - 1))?),
    })
}

fn esearch(u: &mut Unstructured<'_>) -> Result<ESearch<'static>> {
    Ok(ESearch {
        tag: option_of(u, |u| astring(u, SIDE))?,
        uid: u.arbitrary()?,
        data: list_of(u, 0, |u| {
            Ok(match u.choose_index(6)? {
                0 => SearchReturnData::Min(u.arbitrary()?),
                1 => SearchReturnData::Max(u.arbitrary()?),
                2 => SearchReturnData::All(sequence_set(u, false)?),
                3 => SearchReturnData::Count(u.arbitrary()?),
                4 => SearchReturnData::ModSeq(number64(u)?),
                _ => {
                    let name = atom_where(
                        u,
                        |name| {
                            !["MIN", "MAX", "ALL", "COUNT", "MODSEQ", "UID"]
                                .iter()
                                .any(|known| known.eq_ignore_ascii_case(name))
                        },
                        "PARTIAL",
                    )?;
                    const VALUES: &[&str] = &["(1:100 3,5)", "42", "\"x\"", "NIL"];
                    let value = Raw(Cow::Owned(u.choose(VALUES)?.as_bytes().to_vec()));
                    SearchReturnData::Other(name, value)
                }
            })
        })?,
    })
}

fn thread(u: &mut Unstructured<'_>, depth: usize) -> Result<Thread> {
    let members = list_of(u, 0, |u| u.arbitrary())?;
    let children = if depth == 0 {
        Vec::new()
    } else {
        list_of(u, 0, |u| thread(u, depth - 1))?
    };
    Ok(Thread { members, children })
}

/// ID parameters (RFC 2971), which both sides send: NIL or name-value pairs.
pub(super) fn id_parameters(u: &mut Unstructured<'_>, side: Side) -> Result<IdParameters<'static>> {
    option_of(u, |u| {
        list_of(u, 0, |u| Ok((istring(u, side)?, nstring(u, side)?)))
    })
}

fn namespace(u: &mut Unstructured<'_>) -> Result<Option<Vec<NamespaceDescription<'static>>>> {
    option_of(u, |u| {
        list_of(u, 0, |u| {
            Ok(NamespaceDescription {
                prefix: istring(u, SIDE)?,
                delimiter: option_of(u, |u| Ok(*u.choose(&['/', '.', '"', '\\'])?))?,
                extensions: list_of(u, 0, |u| {
                    Ok((istring(u, SIDE)?, list_of(u, 0, |u| istring(u, SIDE))?))
                })?,
            })
        })
    })
}

/// The number of [`FetchItem`] variants [`fetch_item`] makes.
pub(super) const FETCH_ITEM_KINDS: usize = 22;

fn fetch_item(u: &mut Unstructured<'_>) -> Result<FetchItem<'static>> {
    use FetchItem as F;
    Ok(match u.choose_index(FETCH_ITEM_KINDS)? {
        0 => F::Uid(u.arbitrary()?),
        1 => F::Flags(Flags::from(flags(u, false)?)),
        2 => F::InternalDate(date_time(u)?),
        3 => F::Rfc822Size(number64(u)?),
        4 => F::Envelope(Box::new(envelope(u)?)),
        5 => F::Body(Box::new(body_structure(u, MAX_DEPTH)?)),
        6 => F::BodyStructure(Box::new(body_structure(u, MAX_DEPTH)?)),
        7 => F::BodySection {
            section: section(u, SIDE)?,
            origin: option_of(u, |u| u.arbitrary())?,
            data: nstring(u, SIDE)?,
        },
        8 => F::Binary {
            section: list_of(u, 0, nz_u32)?,
            origin: option_of(u, |u| u.arbitrary())?,
            data: nstring(u, SIDE)?,
        },
        9 => F::BinarySize {
            section: list_of(u, 0, nz_u32)?,
            size: u.arbitrary()?,
        },
        10 => F::Rfc822(nstring(u, SIDE)?),
        11 => F::Rfc822Header(nstring(u, SIDE)?),
        12 => F::Rfc822Text(nstring(u, SIDE)?),
        13 => F::ModSeq(option_of(u, number64)?),
        14 => F::EmailId(object_id(u)?),
        15 => F::ThreadId(option_of(u, object_id)?),
        16 => F::GmailMessageId(number64(u)?),
        17 => F::GmailThreadId(number64(u)?),
        18 => F::GmailLabels(list_of(u, 0, gmail_label)?),
        19 => F::Preview(nstring(u, SIDE)?),
        20 => F::SaveDate(option_of(u, date_time)?),
        _ => {
            let base = atom_where(
                u,
                |name| !name.contains(['[', '<']) && item_named(name.as_bytes()).is_none(),
                "X-SPAM-SCORE",
            )?;
            const SUFFIXES: &[&str] = &["", "", "[]", "[1.2 x]", "<5>", "[HEADER]<0>"];
            let name = format!("{}{}", base.as_str(), u.choose(SUFFIXES)?);
            const VALUES: &[&str] = &["42", "(a (b \"c\") ())", "\"x\"", "NIL", "{3}\r\nabc"];
            F::Other {
                name: Cow::Owned(name),
                value: Raw(Cow::Owned(u.choose(VALUES)?.as_bytes().to_vec())),
            }
        }
    })
}

/// The items a server sends most: what a whole message fetch answers.
fn message_fetch_item(u: &mut Unstructured<'_>) -> Result<FetchItem<'static>> {
    Ok(match u.choose_index(4)? {
        0 => FetchItem::Envelope(Box::new(envelope(u)?)),
        1 => FetchItem::BodyStructure(Box::new(body_structure(u, MAX_DEPTH)?)),
        2 => FetchItem::BodySection {
            section: section(u, SIDE)?,
            origin: None,
            data: nstring(u, SIDE)?,
        },
        _ => FetchItem::Uid(nz_u32(u)?),
    })
}

fn gmail_label(u: &mut Unstructured<'_>) -> Result<AString<'static>> {
    Ok(if u.ratio(1, 3)? {
        let name = u.choose(&["Inbox", "Important", "Sent", "Starred"])?;
        AString::Atom(Cow::Owned(format!("\\{name}")))
    } else {
        astring(u, SIDE)?
    })
}

fn address(u: &mut Unstructured<'_>) -> Result<Address<'static>> {
    Ok(Address {
        name: nstring(u, SIDE)?,
        adl: nstring(u, SIDE)?,
        mailbox: nstring(u, SIDE)?,
        host: nstring(u, SIDE)?,
    })
}

pub(super) fn envelope(u: &mut Unstructured<'_>) -> Result<Envelope<'static>> {
    let mut envelope = Envelope::default();
    envelope.date = nstring(u, SIDE)?;
    envelope.subject = nstring(u, SIDE)?;
    envelope.in_reply_to = nstring(u, SIDE)?;
    envelope.message_id = nstring(u, SIDE)?;
    for field in AddressField::ALL {
        let list = list_of(u, 0, address)?;
        envelope.set_addresses(field, list);
    }
    Ok(envelope)
}

fn parameters(u: &mut Unstructured<'_>) -> Result<Parameters<'static>> {
    let mut params = Parameters::new();
    for _ in 0..u.int_in_range(0..=3)? {
        params.push(istring(u, SIDE)?, nstring(u, SIDE)?);
    }
    Ok(params)
}

fn body_extension(u: &mut Unstructured<'_>, depth: usize) -> Result<BodyExtension<'static>> {
    let kinds = if depth == 0 { 2 } else { 3 };
    Ok(match u.choose_index(kinds)? {
        0 => BodyExtension::String(nstring(u, SIDE)?),
        1 => BodyExtension::Number(number64(u)?),
        _ => BodyExtension::List(list_of(u, 0, |u| body_extension(u, depth - 1))?),
    })
}

/// Extension data: the fields are present in order (disposition, language, location, then
/// extensions), each only when the ones before it are, as the wire has them.
fn extension_data(u: &mut Unstructured<'_>, depth: usize) -> Result<ExtensionData<'static>> {
    let present = u.int_in_range(0..=4)?;
    let mut data = ExtensionData::default();
    if present >= 1 {
        data.disposition = Some(option_of(u, |u| {
            Ok(Box::new(Disposition {
                kind: istring(u, SIDE)?,
                params: parameters(u)?,
            }))
        })?);
    }
    if present >= 2 {
        data.language = Some(list_of(u, 0, |u| istring(u, SIDE))?);
    }
    if present >= 3 {
        data.location = Some(nstring(u, SIDE)?);
    }
    if present >= 4 {
        data.extensions = list_of(u, 1, |u| body_extension(u, depth))?;
    }
    Ok(data)
}

/// A string of any form whose content is `name` in some case: the media type a part's kind
/// requires.
fn named_string(u: &mut Unstructured<'_>, names: &[&str]) -> Result<IString<'static>> {
    let name = *u.choose(names)?;
    let name = if u.arbitrary::<bool>()? {
        name.to_ascii_lowercase()
    } else {
        name.to_owned()
    };
    Ok(if u.ratio(1, 4)? {
        IString::Literal(crate::imap::codec::types::Literal {
            data: Cow::Owned(name.into_bytes()),
            mode: crate::imap::codec::types::LiteralMode::Sync,
            binary: false,
        })
    } else {
        IString::Quoted(Cow::Owned(name.into_bytes()))
    })
}

/// A body structure `depth` levels deep at most: single parts of each kind (basic, text,
/// an enclosed message) and multiparts, with and without extension data.
pub(super) fn body_structure(
    u: &mut Unstructured<'_>,
    depth: usize,
) -> Result<BodyStructure<'static>> {
    let multipart = depth > 1 && u.ratio(1, 3)?;
    if multipart {
        let parts = list_of(u, 0, |u| body_structure(u, depth - 1))?;
        let extension = option_of(u, |u| {
            Ok(MultiPartExtension {
                params: parameters(u)?,
                more: extension_data(u, depth)?,
            })
        })?;
        return Ok(BodyStructure::Multi(MultiPart {
            parts,
            media_subtype: named_string(u, &["MIXED", "ALTERNATIVE", "RELATED", "X-Y"])?,
            extension,
        }));
    }
    let (media_type, media_subtype, kind) = match u.choose_index(if depth > 1 { 3 } else { 2 })? {
        0 => (
            named_string(u, &["APPLICATION", "IMAGE", "AUDIO", "X-ODD"])?,
            named_string(u, &["OCTET-STREAM", "PNG", "PDF"])?,
            SinglePartKind::Basic,
        ),
        1 => (
            named_string(u, &["TEXT"])?,
            named_string(u, &["PLAIN", "HTML"])?,
            SinglePartKind::Text {
                lines: number64(u)?,
            },
        ),
        _ => (
            named_string(u, &["MESSAGE"])?,
            named_string(u, &["RFC822", "GLOBAL"])?,
            SinglePartKind::Message {
                envelope: Box::new(envelope(u)?),
                body: Box::new(body_structure(u, depth - 1)?),
                lines: number64(u)?,
            },
        ),
    };
    let extension = option_of(u, |u| {
        Ok(SinglePartExtension {
            md5: nstring(u, SIDE)?,
            more: extension_data(u, depth)?,
        })
    })?;
    Ok(BodyStructure::Single(SinglePart {
        media_type,
        media_subtype,
        params: parameters(u)?,
        id: nstring(u, SIDE)?,
        description: nstring(u, SIDE)?,
        encoding: nstring(u, SIDE)?,
        size: u.arbitrary()?,
        kind,
        extension,
    }))
}
