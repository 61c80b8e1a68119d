//! A message body streamed into the caller's writer: the literal goes on piece by piece as
//! it arrives, so memory is bound by the framing limits, not by the message's size.

use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::command::Delivery;
use super::error::Error;
use super::fetch::{FetchQuery, fetch_claim};
use super::read::collect_within;
use super::session::Client;
use crate::imap::codec::types::{
    Data, FetchItem, IntoOwned, Response, Section, SequenceSet, StreamedItem,
};
use crate::imap::codec::{
    parse_fetch_stream_end, parse_fetch_stream_next, parse_fetch_stream_start,
};

const DURING: &str = "UID FETCH";

/// What [`Client::fetch_body_into`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyFetched {
    /// The bytes written into the writer.
    pub written: u64,
    /// The other items of the message's response (its UID among them).
    pub items: Vec<FetchItem<'static>>,
}

/// Where the pieces of a streamed response are going.
enum Sink {
    /// Our body's literal: into the writer.
    Body,
    /// Another literal of the same response (or of a response not ours): collected within
    /// the limits and read whole at its end.
    Collect(Vec<u8>),
}

impl Client {
    /// `UID FETCH uid (UID BODY.PEEK[section])`, with the section's bytes written into
    /// `writer` as they arrive; nothing of the body is held beyond one read. The writer is
    /// flushed at the end. `Ok(None)` when the server sent no such message (expunged, or a
    /// UID never used) or sent NIL for the section.
    ///
    /// A failing writer ends the call with the error; the rest of the response is then
    /// read and dropped before the next command.
    pub async fn fetch_body_into<W>(
        &mut self,
        uid: u32,
        section: &Section<'_>,
        writer: &mut W,
    ) -> Result<Option<BodyFetched>, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let section = section.clone().into_owned();
        let query = FetchQuery::new().uid().section(section.clone());
        let set = SequenceSet::single(uid);
        let body = self.fetch_command(&set, &query, true)?;
        let pending = self.send(body, fetch_claim(set, true, true)).await?;
        let mut found: Option<BodyFetched> = None;
        let mut sink: Option<Sink> = None;
        let mut head_items: Vec<FetchItem<'static>> = Vec::new();
        loop {
            match self.next_delivery(&pending, true).await? {
                Delivery::Response(Response::Data(Data::Fetch { items, .. })) => {
                    let mut rest = Vec::with_capacity(items.len());
                    let mut written = 0;
                    let mut had_body = false;
                    for item in items {
                        match item {
                            FetchItem::BodySection {
                                section: got, data, ..
                            } if got == section => {
                                had_body = true;
                                if let Some(data) = data {
                                    let bytes = data.as_bytes();
                                    self.write_body(writer, bytes).await?;
                                    written += bytes.len() as u64;
                                } else {
                                    had_body = false;
                                }
                            }
                            other => rest.push(other),
                        }
                    }
                    if had_body && found.is_none() {
                        found = Some(BodyFetched {
                            written,
                            items: rest,
                        });
                    }
                }
                Delivery::Response(_) => {}
                Delivery::StreamStart { head, size } => {
                    sink = Some(self.stream_start(
                        &head,
                        size,
                        &section,
                        sink,
                        &mut head_items,
                        found.is_some(),
                    )?);
                    if matches!(sink, Some(Sink::Body)) {
                        found = Some(BodyFetched {
                            written: 0,
                            items: Vec::new(),
                        });
                    }
                }
                Delivery::StreamData(bytes) => match sink.as_mut() {
                    Some(Sink::Body) => {
                        self.write_body(writer, &bytes).await?;
                        if let Some(found) = found.as_mut() {
                            found.written += bytes.len() as u64;
                        }
                    }
                    Some(Sink::Collect(whole)) => {
                        collect(self, whole, &bytes)?;
                    }
                    None => {
                        return Err(self.fail_protocol(
                            DURING,
                            "literal bytes before the start of their response".to_owned(),
                        ));
                    }
                },
                Delivery::StreamEnd { tail } => match sink.take() {
                    Some(Sink::Body) => {
                        let after = parse_fetch_stream_end(&tail, &self.limits)
                            .map_err(|e| self.fail_protocol(DURING, format!("{e}")))?;
                        if let Some(found) = found.as_mut() {
                            found.items.append(&mut head_items);
                            found
                                .items
                                .extend(after.into_iter().map(IntoOwned::into_owned));
                        }
                    }
                    Some(Sink::Collect(mut whole)) => {
                        collect(self, &mut whole, &tail)?;
                        self.route_collected(&whole)?;
                    }
                    None => {
                        return Err(self.fail_protocol(
                            DURING,
                            "the end of a literal that never started".to_owned(),
                        ));
                    }
                },
                Delivery::Done => break,
            }
        }
        let completion = self.wait(pending).await?;
        completion.ok(&self.server)?;
        writer
            .flush()
            .await
            .map_err(|source| self.writer_failed(source))?;
        Ok(found)
    }

    /// Where the pieces after a `StreamStart` go: our section's literal into the writer,
    /// anything else collected.
    fn stream_start(
        &mut self,
        head: &[u8],
        size: u64,
        section: &Section<'static>,
        previous: Option<Sink>,
        head_items: &mut Vec<FetchItem<'static>>,
        body_seen: bool,
    ) -> Result<Sink, Error> {
        match previous {
            // The framer hands out a second start for the piece between two literals of
            // one response.
            Some(Sink::Body) => match parse_fetch_stream_next(head, &self.limits) {
                Ok(next) => {
                    head_items.extend(next.items.into_iter().map(IntoOwned::into_owned));
                    Err(self.fail_protocol(
                        DURING,
                        format!(
                            "a second streamed literal of {size} bytes in the answer to a \
                             single-section FETCH"
                        ),
                    ))
                }
                Err(error) => Err(self.fail_protocol(DURING, format!("{error}"))),
            },
            Some(Sink::Collect(mut whole)) => {
                collect(self, &mut whole, head)?;
                Ok(Sink::Collect(whole))
            }
            None => match parse_fetch_stream_start(head, &self.limits) {
                Ok(start)
                    if !body_seen
                        && matches!(
                            &start.literal.item,
                            StreamedItem::BodySection { section: got, .. } if got == section
                        ) =>
                {
                    head_items.clear();
                    head_items.extend(start.items.into_iter().map(IntoOwned::into_owned));
                    Ok(Sink::Body)
                }
                // A literal of another item (an ENVELOPE string), of another message, or a
                // layout the stream parser refuses: read the response whole.
                _ => {
                    let mut whole = Vec::new();
                    collect(self, &mut whole, head)?;
                    Ok(Sink::Collect(whole))
                }
            },
        }
    }

    /// Parses a response collected from pieces and routes it as a whole one: ours comes
    /// back through the claim, a FETCH not ours becomes an event (within the events'
    /// bound).
    fn route_collected(&mut self, whole: &[u8]) -> Result<(), Error> {
        let parsed = crate::imap::codec::parse_response(whole, &self.limits)
            .map(|parsed| parsed.map(IntoOwned::into_owned));
        match parsed {
            Ok(crate::Parsed::Complete(response @ Response::Data(_), _)) => {
                self.route_read(response, whole.len() as u64, DURING)
            }
            Ok(_) => Err(self.fail_protocol(
                DURING,
                "a streamed response that is not FETCH data".to_owned(),
            )),
            Err(error) => Err(self.fail_protocol(DURING, format!("{error}"))),
        }
    }

    async fn write_body<W>(&mut self, writer: &mut W, bytes: &[u8]) -> Result<(), Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        match writer.write_all(bytes).await {
            Ok(()) => Ok(()),
            Err(source) => Err(self.writer_failed(source)),
        }
    }

    fn writer_failed(&mut self, source: std::io::Error) -> Error {
        Error::Local {
            during: "writing a fetched body",
            source,
        }
    }
}

/// Adds `bytes` to a response being collected, within the framing limits.
fn collect(client: &mut Client, whole: &mut Vec<u8>, bytes: &[u8]) -> Result<(), Error> {
    collect_within(whole, bytes, &client.limits).map_err(|what| client.fail_protocol(DURING, what))
}
