//! FETCH and UID FETCH: typed items, delivered as a stream as the responses arrive, and a
//! pipelined sync of a large UID set that keeps several chunks in flight.
//!
//! Bodies are only ever asked for with `BODY.PEEK[section]` (never `RFC822`, which iCloud
//! answers with no data at all); a large body goes into the caller's writer with
//! [`Client::fetch_body_into`]. A FETCH response that is not an answer to the request (a
//! flag change by another client: only FLAGS when more was asked, or a message outside the
//! set) becomes an [`Event`](super::Event), never a message of the stream.

use std::collections::VecDeque;

use super::command::{Claim, Delivery, Pending};
use super::error::Error;
use super::session::Client;
use crate::imap::codec::EncodeError;
use crate::imap::codec::types::{
    AString, BodyStructure, CommandBody, Data, DateTime, Envelope, FetchAttribute, FetchItem,
    FetchItems, FetchModifier, Flag, Partial, Response, Section, SectionText, SequenceSet,
};

/// What a FETCH asks for: built item by item, so that only what this client can read
/// safely goes out (bodies as `BODY.PEEK`, never `RFC822`).
///
/// ```
/// use mailwire::imap::FetchQuery;
///
/// let query = FetchQuery::new()
///     .flags()
///     .envelope()
///     .size()
///     .header_fields(&["Subject", "List-Id"])
///     .unwrap();
/// assert!(!query.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchQuery {
    attributes: Vec<FetchAttribute<'static>>,
    changed_since: Option<u64>,
}

impl FetchQuery {
    /// A query asking for nothing yet (a UID FETCH still answers with UIDs).
    pub fn new() -> Self {
        FetchQuery::default()
    }

    /// True when no item was asked for.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    fn with(mut self, attribute: FetchAttribute<'static>) -> Self {
        if !self.attributes.contains(&attribute) {
            self.attributes.push(attribute);
        }
        self
    }

    /// `UID`
    pub fn uid(self) -> Self {
        self.with(FetchAttribute::Uid)
    }

    /// `FLAGS`
    pub fn flags(self) -> Self {
        self.with(FetchAttribute::Flags)
    }

    /// `INTERNALDATE`: when the server received the message.
    pub fn internal_date(self) -> Self {
        self.with(FetchAttribute::InternalDate)
    }

    /// `RFC822.SIZE`: the message's size in bytes.
    pub fn size(self) -> Self {
        self.with(FetchAttribute::Rfc822Size)
    }

    /// `ENVELOPE`: date, subject, addresses, Message-ID, parsed by the server.
    pub fn envelope(self) -> Self {
        self.with(FetchAttribute::Envelope)
    }

    /// `BODYSTRUCTURE`: the MIME tree.
    pub fn body_structure(self) -> Self {
        self.with(FetchAttribute::BodyStructure)
    }

    /// `MODSEQ` (CONDSTORE): the message's mod-sequence.
    pub fn modseq(self) -> Self {
        self.with(FetchAttribute::ModSeq)
    }

    /// `BODY.PEEK[HEADER]`: the whole header, without setting `\Seen`.
    pub fn header(self) -> Self {
        self.section(Section {
            part: Vec::new(),
            text: Some(SectionText::Header),
        })
    }

    /// `BODY.PEEK[HEADER.FIELDS (names)]`: only these header fields. A name that is not a
    /// header field name (empty, or holding a space, a colon or a control character) is
    /// refused with [`Error::InvalidArgument`].
    pub fn header_fields(self, names: &[&str]) -> Result<Self, Error> {
        let mut fields = Vec::with_capacity(names.len());
        for name in names {
            let valid =
                !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':');
            if !valid {
                return Err(Error::InvalidArgument {
                    source: EncodeError::Unrepresentable {
                        what: "header field name",
                        reason: "a field name is printable ASCII without spaces or colons",
                    },
                });
            }
            fields.push(AString::new(name.as_bytes().to_vec()));
        }
        if fields.is_empty() {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "HEADER.FIELDS",
                    reason: "it needs at least one field name",
                },
            });
        }
        Ok(self.section(Section {
            part: Vec::new(),
            text: Some(SectionText::HeaderFields(fields)),
        }))
    }

    /// `BODY.PEEK[part]`: the whole message for an empty `part`, else that MIME part
    /// (`[1, 2]` is part 1.2), without setting `\Seen`.
    pub fn body(self, part: &[u32]) -> Self {
        self.section(Section {
            part: part.to_vec(),
            text: None,
        })
    }

    /// `BODY.PEEK[part]<offset.length>`: at most `length` bytes from `offset`.
    pub fn body_partial(self, part: &[u32], offset: u32, length: u32) -> Self {
        self.with(FetchAttribute::BodySection {
            section: Section {
                part: part.to_vec(),
                text: None,
            },
            partial: Some(Partial { offset, length }),
            peek: true,
        })
    }

    /// `BODY.PEEK[section]` for any section.
    pub fn section(self, section: Section<'static>) -> Self {
        self.with(FetchAttribute::BodySection {
            section,
            partial: None,
            peek: true,
        })
    }

    /// `BINARY.PEEK[part]` (RFC 3516): the part with its transfer encoding undone by the
    /// server. Sent only when the server advertises BINARY; otherwise the FETCH is refused
    /// before anything is written.
    pub fn binary(self, part: &[u32]) -> Self {
        self.with(FetchAttribute::Binary {
            section: part.to_vec(),
            partial: None,
            peek: true,
        })
    }

    /// `(CHANGEDSINCE modseq)` (CONDSTORE): only messages changed after `modseq`.
    pub fn changed_since(mut self, modseq: u64) -> Self {
        self.changed_since = Some(modseq);
        self
    }

    /// True when an answer must carry more than flags: a response with only FLAGS (and
    /// UID, MODSEQ) is then a flag change, not an answer.
    fn wants_more_than_flags(&self) -> bool {
        self.attributes.iter().any(|attribute| {
            !matches!(
                attribute,
                FetchAttribute::Flags | FetchAttribute::Uid | FetchAttribute::ModSeq
            )
        })
    }
}

/// One message of a FETCH answer: its number and the items the server sent, with typed
/// accessors for the usual ones.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchedMessage {
    /// The message sequence number.
    pub seq: u32,
    /// Every item, as the server sent them.
    pub items: Vec<FetchItem<'static>>,
}

impl FetchedMessage {
    /// `UID`, when sent (always for UID FETCH).
    pub fn uid(&self) -> Option<u32> {
        self.items.iter().find_map(|item| match item {
            FetchItem::Uid(uid) => Some(*uid),
            _ => None,
        })
    }

    /// `FLAGS`, when asked for.
    pub fn flags(&self) -> Option<&[Flag<'static>]> {
        self.items.iter().find_map(|item| match item {
            FetchItem::Flags(flags) => Some(flags.as_slice()),
            _ => None,
        })
    }

    /// `INTERNALDATE`, when asked for.
    pub fn internal_date(&self) -> Option<&DateTime> {
        self.items.iter().find_map(|item| match item {
            FetchItem::InternalDate(date) => Some(date),
            _ => None,
        })
    }

    /// `RFC822.SIZE`, when asked for.
    pub fn size(&self) -> Option<u64> {
        self.items.iter().find_map(|item| match item {
            FetchItem::Rfc822Size(size) => Some(*size),
            _ => None,
        })
    }

    /// `ENVELOPE`, when asked for.
    pub fn envelope(&self) -> Option<&Envelope<'static>> {
        self.items.iter().find_map(|item| match item {
            FetchItem::Envelope(envelope) => Some(&**envelope),
            _ => None,
        })
    }

    /// `BODYSTRUCTURE`, when asked for.
    pub fn body_structure(&self) -> Option<&BodyStructure<'static>> {
        self.items.iter().find_map(|item| match item {
            FetchItem::BodyStructure(body) | FetchItem::Body(body) => Some(&**body),
            _ => None,
        })
    }

    /// `MODSEQ`; `None` when not sent or when the server has none for the message.
    pub fn modseq(&self) -> Option<u64> {
        self.items.iter().find_map(|item| match item {
            FetchItem::ModSeq(modseq) => *modseq,
            _ => None,
        })
    }

    /// The bytes of the first `BODY[section]` (any origin) or `BINARY[part]` answer for
    /// `section`; `None` when absent or NIL.
    pub fn section(&self, section: &Section<'_>) -> Option<&[u8]> {
        self.items.iter().find_map(|item| match item {
            FetchItem::BodySection {
                section: got, data, ..
            } if got == section => data.as_ref().map(|data| data.as_bytes()),
            FetchItem::Binary {
                section: part,
                data,
                ..
            } if section.text.is_none() && *part == section.part => {
                data.as_ref().map(|data| data.as_bytes())
            }
            _ => None,
        })
    }

    /// The bytes of `BODY[part]`: the whole message for an empty `part`.
    pub fn body(&self, part: &[u32]) -> Option<&[u8]> {
        self.section(&Section {
            part: part.to_vec(),
            text: None,
        })
    }

    /// The bytes of the header section (`BODY[HEADER]` or `BODY[HEADER.FIELDS (...)]`).
    pub fn header(&self) -> Option<&[u8]> {
        self.items.iter().find_map(|item| match item {
            FetchItem::BodySection { section, data, .. }
                if section.part.is_empty()
                    && matches!(
                        section.text,
                        Some(SectionText::Header | SectionText::HeaderFields(_))
                    ) =>
            {
                data.as_ref().map(|data| data.as_bytes())
            }
            _ => None,
        })
    }
}

/// The claim of a FETCH: a `* n FETCH` that answers it (its message in the set, and more
/// than a flag change when more was asked).
pub(super) fn fetch_claim(set: SequenceSet, uid: bool, more_than_flags: bool) -> Claim {
    Box::new(move |response| {
        let Response::Data(Data::Fetch { seq, items }) = response else {
            return false;
        };
        let number = if uid {
            let found = items.iter().find_map(|item| match item {
                FetchItem::Uid(uid) => Some(*uid),
                _ => None,
            });
            match found {
                Some(uid) => uid,
                None => return false,
            }
        } else {
            *seq
        };
        // `$` cannot be checked here: the server alone knows it.
        if set.contains(number, u32::MAX) == Some(false) {
            return false;
        }
        !more_than_flags
            || items.iter().any(|item| {
                !matches!(
                    item,
                    FetchItem::Flags(_) | FetchItem::Uid(_) | FetchItem::ModSeq(_)
                )
            })
    })
}

impl Client {
    /// The FETCH command for `query` over `set`, refused before anything is sent when it
    /// asks for what the server lacks (BINARY, CHANGEDSINCE without CONDSTORE).
    pub(super) fn fetch_command(
        &self,
        set: &SequenceSet,
        query: &FetchQuery,
        uid: bool,
    ) -> Result<CommandBody<'static>, Error> {
        if set.is_empty() {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "FETCH",
                    reason: "the set of messages is empty",
                },
            });
        }
        let binary = query
            .attributes
            .iter()
            .any(|attribute| matches!(attribute, FetchAttribute::Binary { .. }));
        if binary && !self.has_capability("BINARY") {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "FETCH BINARY",
                    reason: "the server does not advertise BINARY: fetch BODY.PEEK instead",
                },
            });
        }
        if query.changed_since.is_some() && !self.has_capability("CONDSTORE") {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "FETCH CHANGEDSINCE",
                    reason: "the server does not advertise CONDSTORE",
                },
            });
        }
        let mut attributes = query.attributes.clone();
        if uid && attributes.is_empty() {
            attributes.push(FetchAttribute::Uid);
        } else if attributes.is_empty() {
            attributes.push(FetchAttribute::Flags);
        }
        let modifiers = query
            .changed_since
            .map(FetchModifier::ChangedSince)
            .into_iter()
            .collect();
        Ok(CommandBody::Fetch {
            set: set.clone(),
            items: FetchItems::Attributes(attributes),
            modifiers,
            uid,
        })
    }

    async fn start_fetch(
        &mut self,
        set: &SequenceSet,
        query: &FetchQuery,
        uid: bool,
    ) -> Result<Pending, Error> {
        let body = self.fetch_command(set, query, uid)?;
        let claim = fetch_claim(set.clone(), uid, query.wants_more_than_flags());
        self.send(body, claim).await
    }

    /// `FETCH set items`: the answers come out of the returned [`FetchStream`] one message
    /// at a time as they arrive. Read it to its end (or drop it: the rest is then read and
    /// routed before the next command).
    pub async fn fetch(
        &mut self,
        set: &SequenceSet,
        query: &FetchQuery,
    ) -> Result<FetchStream<'_>, Error> {
        let pending = self.start_fetch(set, query, false).await?;
        Ok(FetchStream::new(self, VecDeque::from([pending]), None))
    }

    /// `UID FETCH set items`, as [`fetch`](Self::fetch); every message carries its UID.
    pub async fn uid_fetch(
        &mut self,
        set: &SequenceSet,
        query: &FetchQuery,
    ) -> Result<FetchStream<'_>, Error> {
        let pending = self.start_fetch(set, query, true).await?;
        Ok(FetchStream::new(self, VecDeque::from([pending]), None))
    }

    /// `UID FETCH` of many UIDs in chunks of `chunk` UIDs, with up to `window` chunk
    /// commands in flight at once: the next chunk is written while the server still
    /// answers the earlier ones, so a sync is bound by the server's pace, not by round
    /// trips. Messages come out in the order the chunks complete, each once.
    pub async fn uid_fetch_pipelined(
        &mut self,
        uids: &[u32],
        query: &FetchQuery,
        chunk: usize,
        window: usize,
    ) -> Result<FetchStream<'_>, Error> {
        let chunks = uid_chunks(uids, chunk.max(1));
        // Checked before anything is sent, so a refusal leaves nothing in flight.
        if let Some(first) = chunks.first() {
            self.fetch_command(first, query, true)?;
        }
        let mut stream = FetchStream::new(
            self,
            VecDeque::new(),
            Some(Pipeline {
                chunks: chunks.into(),
                query: query.clone(),
                window: window.max(1),
            }),
        );
        stream.fill_window().await?;
        Ok(stream)
    }

    /// The connection's read buffer's allocated size in bytes: with streamed bodies it
    /// stays within the framing limits whatever the size of the messages read.
    pub fn buffer_allocated(&self) -> usize {
        self.conn.buffer_allocated()
    }
}

/// Sorted, de-duplicated `uids` cut into sets of at most `chunk` UIDs, each written as
/// ranges of consecutive UIDs.
fn uid_chunks(uids: &[u32], chunk: usize) -> Vec<SequenceSet> {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .chunks(chunk)
        .filter_map(super::search::set_of)
        .collect()
}

struct Pipeline {
    chunks: VecDeque<SequenceSet>,
    query: FetchQuery,
    window: usize,
}

/// The answers of a FETCH, one message at a time as the server sends them (see
/// [`Client::fetch`]). Holds the client until dropped.
pub struct FetchStream<'c> {
    client: &'c mut Client,
    pending: VecDeque<Pending>,
    pipeline: Option<Pipeline>,
    failed: bool,
}

impl core::fmt::Debug for FetchStream<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FetchStream")
            .field("in_flight", &self.pending.len())
            .field(
                "chunks_left",
                &self.pipeline.as_ref().map_or(0, |p| p.chunks.len()),
            )
            .finish_non_exhaustive()
    }
}

impl<'c> FetchStream<'c> {
    fn new(client: &'c mut Client, pending: VecDeque<Pending>, pipeline: Option<Pipeline>) -> Self {
        FetchStream {
            client,
            pending,
            pipeline,
            failed: false,
        }
    }

    /// Sends chunk commands until `window` are in flight or none are left.
    async fn fill_window(&mut self) -> Result<(), Error> {
        let Some(pipeline) = self.pipeline.as_mut() else {
            return Ok(());
        };
        while self.pending.len() < pipeline.window {
            let Some(set) = pipeline.chunks.pop_front() else {
                break;
            };
            let pending = self.client.start_fetch(&set, &pipeline.query, true).await?;
            self.pending.push_back(pending);
        }
        Ok(())
    }

    /// The next message, `None` once every command completed OK. A NO or BAD ends the
    /// stream with its error (messages already handed out stay valid).
    pub async fn next(&mut self) -> Option<Result<FetchedMessage, Error>> {
        if self.failed {
            return None;
        }
        let result = self.advance().await;
        if matches!(result, Some(Err(_))) {
            self.failed = true;
        }
        result
    }

    async fn advance(&mut self) -> Option<Result<FetchedMessage, Error>> {
        loop {
            let pending = self.pending.front()?;
            let delivery = match self.client.next_delivery(pending, false).await {
                Ok(delivery) => delivery,
                Err(error) => return Some(Err(error)),
            };
            match delivery {
                Delivery::Response(Response::Data(Data::Fetch { seq, items })) => {
                    return Some(Ok(FetchedMessage { seq, items }));
                }
                // A claim takes only FETCH data; nothing else arrives here.
                Delivery::Response(_) => {}
                Delivery::Done => {
                    let pending = self.pending.pop_front()?;
                    let completion = match self.client.wait(pending).await {
                        Ok(completion) => completion,
                        Err(error) => return Some(Err(error)),
                    };
                    if let Err(error) = completion.ok(&self.client.server) {
                        return Some(Err(error));
                    }
                    if let Err(error) = self.fill_window().await {
                        return Some(Err(error));
                    }
                }
                // Not asked for with `streams` off.
                Delivery::StreamStart { .. }
                | Delivery::StreamData(_)
                | Delivery::StreamEnd { .. } => {
                    let what = "a streamed literal handed to a FETCH that collects".to_owned();
                    return Some(Err(self.client.fail_protocol("FETCH", what)));
                }
            }
        }
    }

    /// Every message left, collected (for small answers; prefer [`next`](Self::next)).
    pub async fn collect(mut self) -> Result<Vec<FetchedMessage>, Error> {
        let mut messages = Vec::new();
        while let Some(message) = self.next().await {
            messages.push(message?);
        }
        Ok(messages)
    }
}
