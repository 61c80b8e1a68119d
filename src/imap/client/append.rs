//! APPEND: a message added to a mailbox with its flags and date, from bytes or streamed
//! from an `AsyncRead` of known length (never held whole).
//!
//! The literal is synchronising (the client waits for the server's `+`) unless the server
//! advertises LITERAL+ (or LITERAL- for up to 4096 bytes): iCloud has neither. A NO instead
//! of the `+` ends the command cleanly, with nothing of the message sent.

use tokio::io::{AsyncRead, AsyncReadExt};

use super::command::claim_nothing;
use super::error::Error;
use super::session::Client;
use crate::imap::codec::EncodeError;
use crate::imap::codec::encode_command;
use crate::imap::codec::types::{AppendMessage, Code, Command, CommandBody, DateTime, Flag, Tag};

const COMMAND: &str = "APPEND";
/// How much of a message is read from the caller's reader per write.
const CHUNK: usize = 64 * 1024;

/// The flags and internal date an appended message gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppendOptions {
    flags: Vec<Flag<'static>>,
    date: Option<DateTime>,
}

impl AppendOptions {
    /// No flags; the server sets the date of arrival.
    pub fn new() -> Self {
        AppendOptions::default()
    }

    /// These flags set on arrival (`\Seen` for a sent copy, `\Draft`…).
    pub fn flags(mut self, flags: Vec<Flag<'static>>) -> Self {
        self.flags = flags;
        self
    }

    /// This internal date instead of the time of arrival.
    pub fn date(mut self, date: DateTime) -> Self {
        self.date = Some(date);
        self
    }
}

/// What the server said of an appended message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Appended {
    /// The mailbox's UIDVALIDITY, when the server said (`APPENDUID`, UIDPLUS).
    pub uid_validity: Option<u32>,
    /// The new message's UID, when the server said (`APPENDUID`, UIDPLUS).
    pub uid: Option<u32>,
}

impl Client {
    /// `APPEND mailbox (flags) "date" {n}` with `message` as the literal. `mailbox` is the
    /// name as text (encoded to modified UTF-7 here). A message holding NUL, or a name
    /// holding CR, LF or NUL, is refused before anything is sent.
    pub async fn append(
        &mut self,
        mailbox: &str,
        message: &[u8],
        options: &AppendOptions,
    ) -> Result<Appended, Error> {
        if message.contains(&0) {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "APPEND message",
                    reason: "it holds NUL, which a message literal cannot carry",
                },
            });
        }
        self.append_from(mailbox, message, message.len() as u64, options)
            .await
    }

    /// [`append`](Self::append) with the message read from `reader`, which must give
    /// exactly `len` bytes: they are written as they are read, never held whole. A reader
    /// that ends early or fails leaves the literal unfinishable, so the connection is then
    /// marked unusable and the error is [`Error::Local`].
    pub async fn append_from<R>(
        &mut self,
        mailbox: &str,
        reader: R,
        len: u64,
        options: &AppendOptions,
    ) -> Result<Appended, Error>
    where
        R: AsyncRead + Unpin,
    {
        let (head, waits) = self.append_head(mailbox, options)?;
        let pending = self.begin_command(COMMAND, claim_nothing()).await?;
        // The head: the tag, then the encoded command up to the message's literal, waiting
        // for `+` after any literal of the mailbox name.
        let mut start = 0;
        let mut refused = false;
        let tag_line = format!("{} ", pending.tag);
        if let Err(source) = self.conn.write_all(tag_line.as_bytes()).await {
            return Err(self.fail_net(COMMAND, source));
        }
        for end in waits.iter().copied().chain(std::iter::once(head.len())) {
            if let Err(source) = self.conn.write_all(&head[start..end]).await {
                return Err(self.fail_net(COMMAND, source));
            }
            start = end;
            if end < head.len() && self.continuation(&pending).await?.is_none() {
                refused = true;
                break;
            }
        }
        if !refused {
            let non_sync = self.encode_options().allows_non_sync(len);
            let announcement = format!("{{{len}{}}}\r\n", if non_sync { "+" } else { "" });
            if let Err(source) = self.conn.write_all(announcement.as_bytes()).await {
                return Err(self.fail_net(COMMAND, source));
            }
            if !non_sync && self.continuation(&pending).await?.is_none() {
                refused = true;
            }
        }
        if !refused {
            self.stream_literal(reader, len).await?;
            self.write_continuation_line(COMMAND, b"\r\n", false)
                .await?;
        }
        let completion = self.wait(pending).await?.ok(&self.server)?;
        let mut appended = Appended::default();
        if let Some(Code::AppendUid { uid_validity, uids }) = &completion.code {
            appended.uid_validity = Some(*uid_validity);
            appended.uid = uids.expand(0, 1).and_then(|uids| uids.first().copied());
        }
        Ok(appended)
    }

    /// The command's bytes after the tag and before the message's announcement, and the
    /// offsets in them after which the server's `+` must be awaited (a mailbox name sent
    /// as a literal). The codec writes it: an APPEND of an empty literal, whose
    /// announcement and closing line end are then cut off.
    fn append_head(
        &self,
        mailbox: &str,
        options: &AppendOptions,
    ) -> Result<(Vec<u8>, Vec<usize>), Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        let mut message = AppendMessage::new(&b""[..]).with_flags(options.flags.clone());
        if let Some(date) = options.date {
            message = message.with_date(date);
        }
        let command = Command {
            tag: Tag::new("X").map_err(|source| Error::InvalidArgument { source })?,
            body: CommandBody::append(mailbox, message),
        };
        let encoded = encode_command(&command, &self.encode_options())
            .map_err(|source| Error::InvalidArgument { source })?;
        let bytes = encoded.as_bytes();
        let cut = [&b"{0}\r\n\r\n"[..], &b"{0+}\r\n\r\n"[..]]
            .iter()
            .find(|suffix| bytes.ends_with(suffix))
            .map(|suffix| suffix.len());
        let (Some(cut), Some(rest)) = (cut, bytes.strip_prefix(b"X ")) else {
            return Err(Error::InvalidArgument {
                source: EncodeError::Unrepresentable {
                    what: "APPEND command",
                    reason: "the codec wrote it in an unexpected form",
                },
            });
        };
        let head = rest[..rest.len().saturating_sub(cut)].to_vec();
        let mut waits = Vec::new();
        let mut offset = 0;
        for segment in encoded.segments() {
            offset += segment.bytes.len();
            // Offsets in `head`: after the two bytes of the placeholder tag.
            let at = offset.saturating_sub(2);
            if segment.wait_for_continuation && at < head.len() {
                waits.push(at);
            }
        }
        Ok((head, waits))
    }

    /// Writes exactly `len` bytes from `reader`, a chunk at a time.
    async fn stream_literal<R>(&mut self, reader: R, len: u64) -> Result<(), Error>
    where
        R: AsyncRead + Unpin,
    {
        let mut reader = reader.take(len);
        let mut buffer = vec![0; CHUNK.min(usize::try_from(len).unwrap_or(CHUNK)).max(1)];
        let mut sent = 0u64;
        while sent < len {
            let read = match reader.read(&mut buffer).await {
                Ok(0) => {
                    self.break_connection("an APPEND's message ended before its announced size");
                    return Err(Error::Local {
                        during: "reading the message to APPEND",
                        source: std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            format!("the message ended after {sent} of its {len} bytes"),
                        ),
                    });
                }
                Ok(read) => read,
                Err(source) => {
                    self.break_connection("reading an APPEND's message failed");
                    return Err(Error::Local {
                        during: "reading the message to APPEND",
                        source,
                    });
                }
            };
            if let Err(source) = self.conn.write_all(&buffer[..read]).await {
                return Err(self.fail_net(COMMAND, source));
            }
            sent += read as u64;
        }
        Ok(())
    }
}
