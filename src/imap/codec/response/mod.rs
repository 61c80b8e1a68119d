//! Parsers for what a server sends.

pub(crate) mod body;
pub(crate) mod data;
pub(crate) mod envelope;
pub(crate) mod fetch;
pub(crate) mod status;
pub(crate) mod stream;

use crate::imap::codec::grammar::keyword::{Keyword, kw};
use crate::keyword::Spelled;
use std::borrow::Cow;

use self::data::{
    capability_data, esearch_data, flags_data, id_params, list_data, namespace_data, numbers_data,
    quota_data, quota_root_data, status_data, thread_data, vanished_data,
};
use self::fetch::{fetch_items, fetch_items_opened};
use self::status::{glued_status_kind, resp_text, resp_text_after_space, status_kind};
use crate::imap::codec::grammar::chars::{self, ATOM, TAG};
use crate::imap::codec::grammar::core::{line_end, number, sp, token};
use crate::imap::codec::grammar::{PResult, fail};
use crate::imap::codec::types::{
    Continue, Data, Greeting, GreetingKind, Raw, Response, Status, StatusKind, Tag,
};

/// `greeting`: `* OK|PREAUTH|BYE resp-text`.
pub(crate) fn greeting(input: &[u8]) -> PResult<'_, Greeting<'_>> {
    let rest = match input.strip_prefix(b"* ") {
        Some(rest) => rest,
        None => return fail(input, "`* ` to start the greeting"),
    };
    let word_len = chars::run(rest, ATOM);
    let (kind, glued) = match status_kind(&rest[..word_len]) {
        Some(kind) => (kind, None),
        None => match glued_status_kind(rest) {
            Some((kind, after)) => (kind, Some(after)),
            None => return fail(rest, "OK, PREAUTH or BYE"),
        },
    };
    let kind = match kind {
        StatusKind::Ok => GreetingKind::Ok,
        StatusKind::PreAuth => GreetingKind::PreAuth,
        StatusKind::Bye => GreetingKind::Bye,
        _ => return fail(rest, "OK, PREAUTH or BYE"),
    };
    let (rest, (code, text)) = match glued {
        None => resp_text(&rest[word_len..])?,
        Some(after) => resp_text_after_space(after)?,
    };
    Ok((rest, Greeting { kind, code, text }))
}

/// One complete response.
pub(crate) fn response(input: &[u8], depth: usize) -> PResult<'_, Response<'_>> {
    match input {
        [b'+', rest @ ..] => {
            continuation(rest).map(|(rest, value)| (rest, Response::Continue(value)))
        }
        [b'*', b' ', rest @ ..] => untagged(rest, depth),
        _ => tagged(input),
    }
}

fn continuation(input: &[u8]) -> PResult<'_, Continue<'_>> {
    if let Ok((rest, ())) = line_end(input) {
        return Ok((
            rest,
            Continue {
                code: None,
                text: Default::default(),
            },
        ));
    }
    let (rest, (code, text)) = resp_text(input)?;
    Ok((rest, Continue { code, text }))
}

fn tagged(input: &[u8]) -> PResult<'_, Response<'_>> {
    let (rest, tag) = token(input, TAG, "a tag, `*` or `+`")?;
    let (rest, ()) = sp(rest)?;
    let word_len = chars::run(rest, ATOM);
    let (kind, (rest, (code, text))) = match status_kind(&rest[..word_len]) {
        Some(kind @ (StatusKind::Ok | StatusKind::No | StatusKind::Bad)) => {
            (kind, resp_text(&rest[word_len..])?)
        }
        _ => match glued_status_kind(rest) {
            Some((kind @ (StatusKind::Ok | StatusKind::No | StatusKind::Bad), after)) => {
                (kind, resp_text_after_space(after)?)
            }
            _ => return fail(rest, "OK, NO or BAD after the tag"),
        },
    };
    Ok((
        rest,
        Response::Status(Status {
            tag: Some(Tag::unchecked(tag)),
            kind,
            code,
            text,
        }),
    ))
}

fn untagged(input: &[u8], depth: usize) -> PResult<'_, Response<'_>> {
    if let Some(b'0'..=b'9') = input.first() {
        return numbered(input, depth);
    }
    let (word_len, name) = Keyword::leading_atom(input);
    let rest = &input[word_len..];
    let kind = match name {
        kw::OK => Some(StatusKind::Ok),
        kw::NO => Some(StatusKind::No),
        kw::BAD => Some(StatusKind::Bad),
        kw::BYE => Some(StatusKind::Bye),
        kw::PREAUTH => Some(StatusKind::PreAuth),
        _ => None,
    };
    if let Some(kind) = kind {
        let (rest, (code, text)) = resp_text(rest)?;
        return Ok((
            rest,
            Response::Status(Status {
                tag: None,
                kind,
                code,
                text,
            }),
        ));
    }
    // LIST and LSUB come by the thousand in one reply: their item goes straight into the
    // response, not through the `Data` every other kind is built in first (each step is a
    // copy of the whole value).
    match name {
        kw::LIST => {
            let (rest, item) = list_data(rest, depth)?;
            return Ok((rest, Response::Data(Data::List(item))));
        }
        kw::LSUB => {
            let (rest, item) = list_data(rest, depth)?;
            return Ok((rest, Response::Data(Data::Lsub(item))));
        }
        _ => {}
    }
    let data = match name {
        kw::CAPABILITY => capability_data(rest).map(|(r, list)| (r, Data::Capability(list))),
        kw::ENABLED => capability_data(rest).map(|(r, list)| (r, Data::Enabled(list))),
        kw::STATUS => status_data(rest, depth),
        kw::FLAGS => flags_data(rest),
        kw::SEARCH => {
            numbers_data(rest).map(|(r, (ids, modseq))| (r, Data::Search { ids, modseq }))
        }
        kw::SORT => numbers_data(rest).map(|(r, (ids, modseq))| (r, Data::Sort { ids, modseq })),
        kw::ESEARCH => esearch_data(rest, depth).map(|(r, value)| (r, Data::ESearch(value))),
        kw::THREAD => thread_data(rest, depth).map(|(r, threads)| (r, Data::Thread(threads))),
        kw::ID => {
            let (rest, ()) = sp(rest)?;
            let (rest, params) = id_params(rest)?;
            let (rest, ()) = line_end(rest)?;
            Ok((rest, Data::Id(params)))
        }
        kw::NAMESPACE => namespace_data(rest),
        kw::QUOTA => quota_data(rest),
        kw::QUOTAROOT => quota_root_data(rest),
        kw::VANISHED => vanished_data(rest),
        _ => return unknown_untagged(input),
    }?;
    Ok((data.0, Response::Data(data.1)))
}

/// An untagged response whose keyword is none this codec knows: a status keyword glued to
/// its code (`* OK[ALERT] text`) read as the status it is, else [`other`].
#[cold]
#[inline(never)]
fn unknown_untagged(input: &[u8]) -> PResult<'_, Response<'_>> {
    if let Some((kind, after)) = glued_status_kind(input) {
        let (rest, (code, text)) = resp_text_after_space(after)?;
        let status = Status {
            tag: None,
            kind,
            code,
            text,
        };
        return Ok((rest, Response::Status(status)));
    }
    other(input).map(|(rest, data)| (rest, Response::Data(data)))
}

/// An untagged response of unknown kind: everything up to the line end, kept as sent.
/// (Framing guarantees the message ends with its line end.)
fn other(input: &[u8]) -> PResult<'_, Data<'_>> {
    let body = match input.strip_suffix(b"\n") {
        Some(body) => body.strip_suffix(b"\r").unwrap_or(body),
        None => return fail(input, "the end of the line"),
    };
    if body.is_empty() {
        return fail(input, "a response");
    }
    Ok((&[], Data::Other(Raw(Cow::Borrowed(body)))))
}

fn numbered(input: &[u8], depth: usize) -> PResult<'_, Response<'_>> {
    let (rest, n) = number(input)?;
    let (rest, ()) = sp(rest)?;
    // `FETCH (` in any case, compared whole: no name to measure for the usual response.
    const FETCH_OPEN: Spelled = Spelled::new("FETCH (");
    if let Some(after) = rest
        .first_chunk::<16>()
        .and_then(|bytes| FETCH_OPEN.strip(bytes, rest))
    {
        let (rest, items) = fetch_items_opened(after, depth)?;
        let (rest, ()) = line_end(rest)?;
        return Ok((rest, Response::Data(Data::Fetch { seq: n, items })));
    }
    let (word_len, name) = Keyword::leading_atom(rest);
    let after = &rest[word_len..];
    // FETCH comes by the thousand: its items go straight into the response (see LIST).
    if name == kw::FETCH {
        let (rest, items) = fetch_items(after, depth)?;
        let (rest, ()) = line_end(rest)?;
        return Ok((rest, Response::Data(Data::Fetch { seq: n, items })));
    }
    let data = match name {
        kw::EXISTS => line_end(after).map(|(r, ())| (r, Data::Exists(n))),
        kw::RECENT => line_end(after).map(|(r, ())| (r, Data::Recent(n))),
        kw::EXPUNGE => line_end(after).map(|(r, ())| (r, Data::Expunge(n))),
        _ => other(input),
    }?;
    Ok((data.0, Response::Data(data.1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::codec::types::FetchItem;

    /// `FETCH (` compared whole reads as the name measured does, in any case and however
    /// near the end of the input; anything else goes the measured way.
    #[test]
    fn fetch_responses_read_alike_however_the_name_is_found() {
        let expected = Response::Data(Data::Fetch {
            seq: 12,
            items: vec![FetchItem::Uid(40007), FetchItem::Rfc822Size(2000)],
        });
        for wire in [
            "12 FETCH (UID 40007 RFC822.SIZE 2000)\r\n",
            "12 fetch (UID 40007 RFC822.SIZE 2000)\r\n",
            "12 Fetch ( UID 40007 RFC822.SIZE 2000 )\r\n",
            "12 FETCH (UID 40007 rfc822.size 2000)\n",
        ] {
            assert_eq!(
                untagged(wire.as_bytes(), 8),
                Ok((&b""[..], expected.clone())),
                "{wire:?}"
            );
        }
        let short = Response::Data(Data::Fetch {
            seq: 3,
            items: vec![FetchItem::Uid(7)],
        });
        assert_eq!(untagged(b"3 FETCH (UID 7)\r\n", 8), Ok((&b""[..], short)));
        for wrong in [
            &b"12 FETCH(UID 1)\r\n"[..],
            b"12 FETCH  (UID 1)\r\n",
            b"12 FETCHES (UID 1)\r\n",
            b"12 FETCH (UID 1 FLAGS (\\Seen)\r\n",
        ] {
            let parsed = untagged(wrong, 8);
            assert!(
                !matches!(parsed, Ok((_, Response::Data(Data::Fetch { .. })))),
                "{}: {parsed:?}",
                wrong.escape_ascii()
            );
        }
    }
}
