//! Any command value, every free-form field (atoms, strings, literals, `Other` names, `Raw`
//! values) built from the fuzz bytes: whatever the encoder accepts is exactly one command.
//! A server framing the bytes sees a synchronising literal exactly where the encoder waits
//! for `+` and one message ending at the last byte, and the parser reads the bytes back as
//! the value itself, as the options frame it (see `common/framed.rs`).
#![no_main]

#[path = "common/framed.rs"]
mod framed;

use std::borrow::Cow;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use mailwire::imap::codec::framing::{Frame, Framer};
use mailwire::imap::codec::types::{
    AString, AppendMessage, Atom, Capability, Command, CommandBody, Date, DateTime, FetchAttribute,
    FetchItems, FetchModifier, Flag, IString, IntoOwned, ListMailbox, ListReturnOption, Literal,
    LiteralMode, MailboxName, Partial, Raw, SearchKey, SearchReturnOption, Secret, Section,
    SectionText, SelectParameter, SeqBound, SeqRange, SequenceSet, SortCriterion, SortKey,
    StatusAttribute, StoreKind, Tag, ThreadAlgorithm,
};
use mailwire::imap::codec::{EncodeOptions, Parsed, encode_command, parse_command};
use mailwire::limits::Limits;

use framed::framed;

/// Pieces that end lines, announce literals, open or close groups or change a name's
/// meaning, so the fuzzer meets them more often than byte by byte.
const PIECES: &[&[u8]] = &[
    b"\r\n",
    b"\r",
    b"\n",
    b"\0",
    b"{5}\r\n",
    b"{0}",
    b"{3+}\r\n",
    b"~{",
    b"(",
    b")",
    b"[",
    b"]",
    b"<",
    b">",
    b"\"",
    b"\\",
    b" ",
    b"*",
    b"%",
    b"&",
    b"&-",
    b"-",
    b".",
    b":",
    b",",
    b"$",
    b"NIL",
    "ü".as_bytes(),
    b"\xff",
    b"1",
    b"0",
    b"A2 DELETE INBOX",
];

/// Names a typed variant covers, names the grammar treats specially, and ordinary ones.
const NAMES: &[&str] = &[
    "CONDSTORE",
    "condstore",
    "QRESYNC",
    "X-P",
    "MIN",
    "all",
    "SAVE",
    "PARTIAL",
    "CHILDREN",
    "STATUS",
    "SUBSCRIBED",
    "SPECIAL-USE",
    "RETURN",
    "Seen",
    "recent",
    "IMAP4rev1",
    "AUTH=PLAIN",
    "auth=",
    "IDLE",
    "UTF8=ACCEPT",
    "BODY",
    "BODY.PEEK",
    "BINARY",
    "X-GM-LABELS",
    "PREVIEW",
    "LAZY",
    "X-SNIPPET",
    "NIL",
    "INBOX",
    "inbox",
    "REFERENCES",
    "ARRIVAL",
    "REVERSE",
    "1X",
    "_x",
    ".a:1",
    "STORAGE",
    "PLAIN",
    "Entwürfe",
];

fn bytes(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for _ in 0..u.int_in_range(0..=8)? {
        if u.ratio(1, 2)? {
            out.extend_from_slice(u.choose(PIECES)?);
        } else {
            out.push(u.arbitrary()?);
        }
    }
    Ok(out)
}

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(if u.ratio(1, 2)? {
        (*u.choose(NAMES)?).to_owned()
    } else {
        String::from_utf8_lossy(&bytes(u)?).into_owned()
    })
}

fn list<T>(
    u: &mut Unstructured<'_>,
    max: u32,
    mut item: impl FnMut(&mut Unstructured<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut items = Vec::new();
    for _ in 0..u.int_in_range(0..=max)? {
        items.push(item(u)?);
    }
    Ok(items)
}

fn atom(u: &mut Unstructured<'_>) -> Result<Atom<'static>> {
    Ok(Atom::new(text(u)?).unwrap_or_else(|_| Atom::new("X").expect("an atom")))
}

fn number(u: &mut Unstructured<'_>) -> Result<u32> {
    if u.ratio(3, 4)? {
        u.int_in_range(0..=5)
    } else {
        u.arbitrary()
    }
}

fn literal(u: &mut Unstructured<'_>) -> Result<Literal<'static>> {
    Ok(Literal {
        data: Cow::Owned(bytes(u)?),
        mode: *u.choose(&[LiteralMode::Sync, LiteralMode::NonSync, LiteralMode::Minus])?,
        binary: u.arbitrary()?,
    })
}

fn istring(u: &mut Unstructured<'_>) -> Result<IString<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => IString::Quoted(Cow::Owned(bytes(u)?)),
        1 => IString::Literal(literal(u)?),
        _ => IString::new(bytes(u)?),
    })
}

fn astring(u: &mut Unstructured<'_>) -> Result<AString<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => AString::Atom(Cow::Owned(text(u)?)),
        1 => AString::String(istring(u)?),
        _ => AString::new(bytes(u)?),
    })
}

fn mailbox(u: &mut Unstructured<'_>) -> Result<MailboxName<'static>> {
    Ok(match u.int_in_range(0..=3)? {
        0 => MailboxName(astring(u)?),
        1 => MailboxName::from(text(u)?.as_str()).into_owned(),
        2 => MailboxName::from_name(&text(u)?, u.arbitrary()?),
        _ => MailboxName::from_wire(bytes(u)?),
    })
}

fn raw(u: &mut Unstructured<'_>) -> Result<Option<Raw<'static>>> {
    Ok(if u.arbitrary()? {
        Some(Raw(Cow::Owned(bytes(u)?)))
    } else {
        None
    })
}

fn sequence_set(u: &mut Unstructured<'_>) -> Result<SequenceSet> {
    let bound = |u: &mut Unstructured<'_>| -> Result<SeqBound> {
        Ok(if u.ratio(1, 4)? {
            SeqBound::Largest
        } else {
            SeqBound::Value(number(u)?)
        })
    };
    let ranges = list(u, 3, |u| {
        Ok(SeqRange {
            start: bound(u)?,
            end: if u.arbitrary()? {
                Some(bound(u)?)
            } else {
                None
            },
        })
    })?;
    Ok(SequenceSet {
        ranges,
        saved: u.arbitrary()?,
    })
}

fn date(u: &mut Unstructured<'_>) -> Result<Date> {
    let fallback = || Date::new(2024, 3, 1).expect("a date");
    Ok(Date::new(u.arbitrary()?, u.arbitrary()?, u.arbitrary()?).unwrap_or_else(|_| fallback()))
}

fn date_time(u: &mut Unstructured<'_>) -> Result<Option<DateTime>> {
    if !u.arbitrary()? {
        return Ok(None);
    }
    let date = date(u)?;
    Ok(DateTime::new(
        date,
        u.arbitrary()?,
        u.arbitrary()?,
        u.arbitrary()?,
        u.arbitrary()?,
    )
    .ok())
}

fn flag(u: &mut Unstructured<'_>) -> Result<Flag<'static>> {
    Ok(match u.int_in_range(0..=8)? {
        0 => Flag::Seen,
        1 => Flag::Answered,
        2 => Flag::Flagged,
        3 => Flag::Deleted,
        4 => Flag::Draft,
        5 => Flag::Recent,
        6 => Flag::Wildcard,
        7 => Flag::Keyword(atom(u)?),
        _ => Flag::Extension(atom(u)?),
    })
}

fn capability(u: &mut Unstructured<'_>) -> Result<Capability<'static>> {
    Ok(match u.int_in_range(0..=6)? {
        0 => {
            let name = text(u)?;
            Capability::new(&name)
                .map(IntoOwned::into_owned)
                .unwrap_or(Capability::Idle)
        }
        1 => Capability::Auth(atom(u)?),
        2 => Capability::Thread(atom(u)?),
        3 => Capability::Compress(atom(u)?),
        4 => Capability::Utf8Accept,
        5 => Capability::CondStore,
        _ => Capability::Other(atom(u)?),
    })
}

fn search_key(u: &mut Unstructured<'_>, depth: u32) -> Result<SearchKey<'static>> {
    use SearchKey as K;
    let last = if depth == 0 { 38 } else { 41 };
    Ok(match u.int_in_range(0..=last)? {
        0 => K::All,
        1 => K::Answered,
        2 => K::Bcc(astring(u)?),
        3 => K::Before(date(u)?),
        4 => K::Body(astring(u)?),
        5 => K::Cc(astring(u)?),
        6 => K::Deleted,
        7 => K::Draft,
        8 => K::Flagged,
        9 => K::From(astring(u)?),
        10 => K::Header(astring(u)?, astring(u)?),
        11 => K::Keyword(atom(u)?),
        12 => K::Larger(number(u)?),
        13 => K::New,
        14 => K::Old,
        15 => K::On(date(u)?),
        16 => K::Recent,
        17 => K::Seen,
        18 => K::SentBefore(date(u)?),
        19 => K::SentOn(date(u)?),
        20 => K::SentSince(date(u)?),
        21 => K::Since(date(u)?),
        22 => K::Smaller(number(u)?),
        23 => K::Subject(astring(u)?),
        24 => K::Text(astring(u)?),
        25 => K::To(astring(u)?),
        26 => K::Uid(sequence_set(u)?),
        27 => K::Unanswered,
        28 => K::Undeleted,
        29 => K::Undraft,
        30 => K::Unflagged,
        31 => K::Unkeyword(atom(u)?),
        32 => K::Unseen,
        33 => K::SequenceSet(sequence_set(u)?),
        34 => K::ModSeq(u.arbitrary()?),
        35 => K::Older(number(u)?),
        36 => K::Younger(number(u)?),
        37 => K::EmailId(atom(u)?),
        38 => K::ThreadId(atom(u)?),
        39 => K::Not(Box::new(search_key(u, depth - 1)?)),
        40 => K::Or(
            Box::new(search_key(u, depth - 1)?),
            Box::new(search_key(u, depth - 1)?),
        ),
        _ => K::And(list(u, 3, |u| search_key(u, depth - 1))?),
    })
}

fn search(u: &mut Unstructured<'_>) -> Result<Vec<SearchKey<'static>>> {
    list(u, 3, |u| search_key(u, 3))
}

fn search_return(u: &mut Unstructured<'_>) -> Result<Option<Vec<SearchReturnOption<'static>>>> {
    if !u.arbitrary()? {
        return Ok(None);
    }
    list(u, 3, |u| {
        Ok(match u.int_in_range(0..=5)? {
            0 => SearchReturnOption::Min,
            1 => SearchReturnOption::Max,
            2 => SearchReturnOption::All,
            3 => SearchReturnOption::Count,
            4 => SearchReturnOption::Save,
            _ => SearchReturnOption::Other(atom(u)?),
        })
    })
    .map(Some)
}

fn part(u: &mut Unstructured<'_>) -> Result<Vec<u32>> {
    list(u, 3, number)
}

fn partial(u: &mut Unstructured<'_>) -> Result<Option<Partial>> {
    Ok(if u.arbitrary()? {
        Some(Partial {
            offset: number(u)?,
            length: number(u)?,
        })
    } else {
        None
    })
}

fn section(u: &mut Unstructured<'_>) -> Result<Section<'static>> {
    let part = part(u)?;
    let text = match u.int_in_range(0..=5)? {
        0 => None,
        1 => Some(SectionText::Header),
        2 => Some(SectionText::Text),
        3 => Some(SectionText::Mime),
        4 => Some(SectionText::HeaderFields(list(u, 3, astring)?)),
        _ => Some(SectionText::HeaderFieldsNot(list(u, 3, astring)?)),
    };
    Ok(Section { part, text })
}

fn fetch_attribute(u: &mut Unstructured<'_>) -> Result<FetchAttribute<'static>> {
    use FetchAttribute as A;
    Ok(match u.int_in_range(0..=21)? {
        0 => A::Envelope,
        1 => A::Flags,
        2 => A::InternalDate,
        3 => A::Rfc822,
        4 => A::Rfc822Header,
        5 => A::Rfc822Size,
        6 => A::Rfc822Text,
        7 => A::Body,
        8 => A::BodyStructure,
        9 => A::Uid,
        10 => A::ModSeq,
        11 => A::EmailId,
        12 => A::ThreadId,
        13 => A::GmailMessageId,
        14 => A::GmailThreadId,
        15 => A::GmailLabels,
        16 => A::SaveDate,
        17 => A::Preview {
            lazy: u.arbitrary()?,
        },
        18 => A::BodySection {
            section: section(u)?,
            partial: partial(u)?,
            peek: u.arbitrary()?,
        },
        19 => A::Binary {
            section: part(u)?,
            partial: partial(u)?,
            peek: u.arbitrary()?,
        },
        20 => A::BinarySize { section: part(u)? },
        _ => A::Other {
            name: atom(u)?,
            section: raw(u)?,
            arguments: raw(u)?,
        },
    })
}

fn select_parameters(u: &mut Unstructured<'_>) -> Result<Vec<SelectParameter<'static>>> {
    list(u, 2, |u| {
        Ok(if u.ratio(1, 4)? {
            SelectParameter::CondStore
        } else {
            SelectParameter::Other {
                name: atom(u)?,
                value: raw(u)?,
            }
        })
    })
}

fn status_attributes(u: &mut Unstructured<'_>) -> Result<Vec<StatusAttribute>> {
    list(u, 3, |u| {
        Ok(*u.choose(&[
            StatusAttribute::Messages,
            StatusAttribute::Recent,
            StatusAttribute::UidNext,
            StatusAttribute::UidValidity,
            StatusAttribute::Unseen,
            StatusAttribute::HighestModSeq,
            StatusAttribute::Size,
            StatusAttribute::Deleted,
        ])?)
    })
}

fn pattern(u: &mut Unstructured<'_>) -> Result<ListMailbox<'static>> {
    Ok(match u.int_in_range(0..=2)? {
        0 => ListMailbox::Token(Cow::Owned(text(u)?)),
        1 => ListMailbox::String(istring(u)?),
        _ => ListMailbox::new(&text(u)?).into_owned(),
    })
}

fn list_command(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    Ok(CommandBody::List {
        selection: list(u, 2, atom)?,
        reference: mailbox(u)?,
        patterns: list(u, 2, pattern)?,
        return_options: list(u, 2, |u| {
            Ok(match u.int_in_range(0..=4)? {
                0 => ListReturnOption::Subscribed,
                1 => ListReturnOption::Children,
                2 => ListReturnOption::SpecialUse,
                3 => ListReturnOption::Status(status_attributes(u)?),
                _ => ListReturnOption::Other(atom(u)?),
            })
        })?,
    })
}

fn sort_criterion(u: &mut Unstructured<'_>) -> Result<SortCriterion<'static>> {
    let key = match u.int_in_range(0..=9)? {
        0 => SortKey::Arrival,
        1 => SortKey::Cc,
        2 => SortKey::Date,
        3 => SortKey::From,
        4 => SortKey::Size,
        5 => SortKey::Subject,
        6 => SortKey::To,
        7 => SortKey::DisplayFrom,
        8 => SortKey::DisplayTo,
        _ => SortKey::Other(atom(u)?),
    };
    Ok(SortCriterion {
        reverse: u.arbitrary()?,
        key,
    })
}

fn fetch(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    let items = match u.int_in_range(0..=3)? {
        0 => FetchItems::All,
        1 => FetchItems::Fast,
        2 => FetchItems::Full,
        _ => FetchItems::Attributes(list(u, 3, fetch_attribute)?),
    };
    Ok(CommandBody::Fetch {
        set: sequence_set(u)?,
        items,
        modifiers: list(u, 2, |u| {
            Ok(if u.arbitrary()? {
                FetchModifier::ChangedSince(u.arbitrary()?)
            } else {
                FetchModifier::Vanished
            })
        })?,
        uid: u.arbitrary()?,
    })
}

fn body(u: &mut Unstructured<'_>) -> Result<CommandBody<'static>> {
    use CommandBody as C;
    Ok(match u.int_in_range(0..=39)? {
        0 => C::Capability,
        1 => C::Noop,
        2 => C::Logout,
        3 => C::StartTls,
        4 => C::Authenticate {
            mechanism: atom(u)?,
            initial_response: if u.arbitrary()? {
                Some(Secret::new(Cow::Owned(bytes(u)?)))
            } else {
                None
            },
        },
        5 => C::Login {
            username: astring(u)?,
            password: Secret::new(astring(u)?),
        },
        6 => C::Select {
            mailbox: mailbox(u)?,
            parameters: select_parameters(u)?,
        },
        7 => C::Examine {
            mailbox: mailbox(u)?,
            parameters: select_parameters(u)?,
        },
        8 => C::Create {
            mailbox: mailbox(u)?,
        },
        9 => C::Delete {
            mailbox: mailbox(u)?,
        },
        10 => C::Rename {
            from: mailbox(u)?,
            to: mailbox(u)?,
        },
        11 => C::Subscribe {
            mailbox: mailbox(u)?,
        },
        12 => C::Unsubscribe {
            mailbox: mailbox(u)?,
        },
        13 => list_command(u)?,
        14 => C::Lsub {
            reference: mailbox(u)?,
            pattern: pattern(u)?,
        },
        15 => C::Status {
            mailbox: mailbox(u)?,
            attributes: status_attributes(u)?,
        },
        16 => C::Append {
            mailbox: mailbox(u)?,
            messages: list(u, 2, |u| {
                Ok(AppendMessage {
                    flags: list(u, 2, flag)?,
                    date: date_time(u)?,
                    message: literal(u)?,
                })
            })?,
        },
        17 => C::Check,
        18 => C::Close,
        19 => C::Expunge,
        20 => C::UidExpunge(sequence_set(u)?),
        21 => C::Unselect,
        22 => C::Search {
            return_options: search_return(u)?,
            charset: if u.arbitrary()? {
                Some(astring(u)?)
            } else {
                None
            },
            criteria: search(u)?,
            uid: u.arbitrary()?,
        },
        23 => C::Sort {
            criteria: list(u, 2, sort_criterion)?,
            charset: astring(u)?,
            search: search(u)?,
            return_options: search_return(u)?,
            uid: u.arbitrary()?,
        },
        24 => C::Thread {
            algorithm: match u.int_in_range(0..=3)? {
                0 => ThreadAlgorithm::OrderedSubject,
                1 => ThreadAlgorithm::References,
                2 => ThreadAlgorithm::Refs,
                _ => ThreadAlgorithm::Other(atom(u)?),
            },
            charset: astring(u)?,
            search: search(u)?,
            uid: u.arbitrary()?,
        },
        25 => fetch(u)?,
        26 => C::Store {
            set: sequence_set(u)?,
            kind: *u.choose(&[StoreKind::Replace, StoreKind::Add, StoreKind::Remove])?,
            silent: u.arbitrary()?,
            flags: list(u, 3, flag)?,
            unchanged_since: u.arbitrary()?,
            uid: u.arbitrary()?,
        },
        27 => C::Copy {
            set: sequence_set(u)?,
            mailbox: mailbox(u)?,
            uid: u.arbitrary()?,
        },
        28 => C::Move {
            set: sequence_set(u)?,
            mailbox: mailbox(u)?,
            uid: u.arbitrary()?,
        },
        29 => C::Idle,
        30 => C::Namespace,
        31 => C::Id(if u.arbitrary()? {
            Some(list(u, 2, |u| {
                let name = istring(u)?;
                let value = if u.arbitrary()? {
                    Some(istring(u)?)
                } else {
                    None
                };
                Ok((name, value))
            })?)
        } else {
            None
        }),
        32 => C::Enable(list(u, 2, capability)?),
        33 => C::GetQuota(astring(u)?),
        34 => C::GetQuotaRoot(mailbox(u)?),
        35 => C::SetQuota {
            root: astring(u)?,
            limits: list(u, 2, |u| Ok((atom(u)?, u.arbitrary()?)))?,
        },
        // The commands whose values are most free-form, once more.
        36 => C::Select {
            mailbox: MailboxName::from("INBOX"),
            parameters: select_parameters(u)?,
        },
        37 => fetch(u)?,
        38 => list_command(u)?,
        _ => C::Login {
            username: astring(u)?,
            password: Secret::new(astring(u)?),
        },
    })
}

fn command(u: &mut Unstructured<'_>) -> Result<Command<'static>> {
    let tag = Tag::new(text(u)?).unwrap_or_else(|_| Tag::new("a1").expect("a tag"));
    Ok(body(u)?.tag(tag))
}

/// Every kind of server the existing round-trip target writes for, with and without
/// UTF8=ACCEPT.
fn options() -> [EncodeOptions; 6] {
    let plain = EncodeOptions::default();
    let plus = plain.with_literal_plus(true);
    let minus = plain.with_literal_minus(true);
    [
        plain,
        plus,
        minus,
        plain.with_utf8_accept(true),
        plus.with_utf8_accept(true),
        minus.with_utf8_accept(true),
    ]
}

fn check(command: &Command<'_>) {
    // Limits wide enough for anything the fuzzer builds: a refusal here would hide a framing
    // error behind a limit.
    let limits = Limits::default()
        .with_line_len(1 << 20)
        .with_literal_len(1 << 24)
        .with_response_len(1 << 26)
        .with_nesting_depth(1 << 16);
    for options in options() {
        let Ok(written) = encode_command(command, &options) else {
            continue;
        };
        let bytes = written.as_bytes();
        let shown = || {
            format!(
                "{command:?} with {options:?} written as {:?}",
                String::from_utf8_lossy(bytes)
            )
        };
        // A server framing the command meets a synchronising literal exactly where the
        // encoder waits for `+`, and the command's end at the last byte.
        let segments: Vec<_> = written.segments().collect();
        let mut framer = Framer::commands(limits);
        let mut sent = 0;
        for (index, segment) in segments.iter().enumerate() {
            let _ = format!("{segment:?}");
            sent += segment.bytes.len();
            let frame = framer
                .poll(&bytes[..sent])
                .unwrap_or_else(|e| panic!("{e}: {}", shown()));
            if segment.wait_for_continuation {
                assert!(
                    matches!(frame, Frame::LiteralAnnounced { .. }),
                    "{frame:?} at a wait: {}",
                    shown()
                );
                framer.accept_literal();
            } else {
                assert_eq!(index + 1, segments.len(), "{}", shown());
                assert_eq!(frame, Frame::Message { len: bytes.len() }, "{}", shown());
            }
        }
        assert_eq!(sent, bytes.len(), "{}", shown());
        let _ = (written.redacted(), format!("{written:?}"));
        // The parser reads one command, all of it, and it is the value.
        match parse_command(bytes, &limits) {
            Ok(Parsed::Complete(again, consumed)) => {
                assert_eq!(consumed, bytes.len(), "{}", shown());
                assert_eq!(again, framed(command, &options), "{}", shown());
            }
            other => panic!("{other:?}: {}", shown()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(command) = command(&mut u) {
        check(&command);
    }
});
