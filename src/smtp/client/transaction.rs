//! One mail transaction: MAIL FROM, RCPT TO for each recipient, DATA.

use super::error::{Error, Phase, RecipientRejection};
use super::session::Client;
use crate::message::Message;
use crate::smtp::codec::{Command, DataEncoder, OwnedReply, Parameter};

/// Who a message is from and to, as told to the server (not the headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The reverse path for `MAIL FROM`; empty for a bounce (`<>`).
    pub sender: String,
    /// The forward paths, one `RCPT TO` each.
    pub recipients: Vec<String>,
}

impl Envelope {
    /// An envelope from `sender` to `recipients`.
    pub fn new(
        sender: impl Into<String>,
        recipients: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Envelope {
            sender: sender.into(),
            recipients: recipients.into_iter().map(Into::into).collect(),
        }
    }

    /// The envelope a built message implies: its From, and its To, Cc and Bcc.
    pub fn of(message: &Message) -> Self {
        Envelope {
            sender: message.sender().address().to_owned(),
            recipients: message
                .recipients()
                .iter()
                .map(|mailbox| mailbox.address().to_owned())
                .collect(),
        }
    }

    fn needs_smtputf8(&self) -> bool {
        !self.sender.is_ascii() || self.recipients.iter().any(|r| !r.is_ascii())
    }
}

/// What the server said about a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendReport {
    /// Recipients the server accepted.
    pub accepted: Vec<String>,
    /// Recipients the server refused (only with partial delivery allowed).
    pub rejected: Vec<RecipientRejection>,
    /// The final reply, which usually names the queue id.
    pub reply: OwnedReply,
    /// Bytes of message data sent, dot-stuffing included.
    pub size: u64,
}

/// Message data ready to go: encoded, its flags known, nothing sent yet.
struct Prepared {
    data: Vec<u8>,
    eight_bit: bool,
    smtputf8: bool,
}

impl Client {
    /// Sends a built message to all its recipients (To, Cc and Bcc).
    pub async fn send(&mut self, message: &Message) -> Result<SendReport, Error> {
        self.send_raw(&Envelope::of(message), message.as_bytes())
            .await
    }

    /// Sends ready message bytes to the envelope's recipients. Line ends are normalised
    /// to CRLF and lines starting with `.` are dot-stuffed; everything is checked before
    /// the first byte of the transaction is sent.
    pub async fn send_raw(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
    ) -> Result<SendReport, Error> {
        self.bounded(Phase::MailFrom, async |client: &mut Self| {
            let prepared = client.prepare(envelope, message)?;
            client.transaction(envelope, prepared).await
        })
        .await
    }

    fn prepare(&self, envelope: &Envelope, message: &[u8]) -> Result<Prepared, Error> {
        if envelope.recipients.is_empty() {
            return Err(Error::NoRecipients);
        }
        let mut data = Vec::with_capacity(message.len() + message.len() / 32 + 8);
        let mut encoder = DataEncoder::new();
        encoder
            .encode_chunk(message, &mut data)
            .and_then(|()| encoder.finish(&mut data))
            .map_err(|source| Error::InvalidMessage { source })?;
        let prepared = Prepared {
            eight_bit: !message.is_ascii(),
            smtputf8: envelope.needs_smtputf8(),
            data,
        };
        let caps = &self.capabilities;
        if let Some(limit) = caps.size.filter(|&limit| limit > 0) {
            // The terminating ".\r\n" is not part of the message's size.
            let size = prepared.data.len().saturating_sub(3) as u64;
            if size > limit {
                return Err(Error::MessageTooLarge {
                    server: self.server.clone(),
                    size,
                    limit,
                });
            }
        }
        if prepared.eight_bit && !caps.eight_bit_mime {
            return Err(Error::ExtensionMissing {
                server: self.server.clone(),
                extension: "8BITMIME",
                reason: "the message has 8-bit bytes".to_owned(),
            });
        }
        if prepared.smtputf8 && !caps.smtp_utf8 {
            return Err(Error::ExtensionMissing {
                server: self.server.clone(),
                extension: "SMTPUTF8",
                reason: "an address is not ASCII".to_owned(),
            });
        }
        Ok(prepared)
    }

    async fn transaction(
        &mut self,
        envelope: &Envelope,
        prepared: Prepared,
    ) -> Result<SendReport, Error> {
        // Every command of the transaction is encoded (and so checked) before any is sent.
        let size_value = (prepared.data.len().saturating_sub(3)).to_string();
        let mut params = Vec::new();
        if self.capabilities.size.is_some() {
            params.push(Parameter {
                keyword: "SIZE",
                value: Some(size_value.as_str()),
            });
        }
        if prepared.eight_bit {
            params.push(Parameter {
                keyword: "BODY",
                value: Some("8BITMIME"),
            });
        }
        if prepared.smtputf8 {
            params.push(Parameter {
                keyword: "SMTPUTF8",
                value: None,
            });
        }
        let mut mail = Vec::new();
        Command::MailFrom {
            reverse_path: &envelope.sender,
            params,
        }
        .encode(&mut mail)
        .map_err(|source| Error::InvalidInput {
            field: "sender",
            source,
        })?;
        let mut rcpts = Vec::with_capacity(envelope.recipients.len());
        for recipient in &envelope.recipients {
            let mut line = Vec::new();
            Command::RcptTo {
                forward_path: recipient,
                params: Vec::new(),
            }
            .encode(&mut line)
            .map_err(|source| Error::InvalidInput {
                field: "recipient",
                source,
            })?;
            rcpts.push(line);
        }

        let pipelined = self.pipelining && self.capabilities.pipelining;
        let mail_reply;
        let mut rcpt_replies = Vec::with_capacity(rcpts.len());
        if pipelined {
            // MAIL and every RCPT go in one write; DATA waits for their replies so that a
            // refused recipient never leaves a half-sent message behind.
            let mut batch = mail;
            for line in &rcpts {
                batch.extend_from_slice(line);
            }
            self.write_plain(Phase::MailFrom, &batch).await?;
            mail_reply = self
                .read_reply(Phase::MailFrom, self.timeouts.mail_from)
                .await?;
            for _ in &rcpts {
                rcpt_replies.push(
                    self.read_reply(Phase::RcptTo, self.timeouts.rcpt_to)
                        .await?,
                );
            }
        } else {
            self.write_plain(Phase::MailFrom, &mail).await?;
            mail_reply = self
                .read_reply(Phase::MailFrom, self.timeouts.mail_from)
                .await?;
            if mail_reply.code.is_positive_completion() {
                for line in &rcpts {
                    self.write_plain(Phase::RcptTo, line).await?;
                    rcpt_replies.push(
                        self.read_reply(Phase::RcptTo, self.timeouts.rcpt_to)
                            .await?,
                    );
                }
            }
        }

        if !mail_reply.code.is_positive_completion() {
            return self.abandon(Phase::MailFrom, mail_reply).await;
        }
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        for (recipient, reply) in envelope.recipients.iter().zip(rcpt_replies) {
            if reply.code.is_positive_completion() {
                accepted.push(recipient.clone());
            } else {
                rejected.push(RecipientRejection {
                    recipient: recipient.clone(),
                    reply,
                });
            }
        }
        if accepted.is_empty() || (!rejected.is_empty() && !self.allow_partial_delivery) {
            self.rset_after_failure().await;
            return Err(Error::RecipientsRejected {
                server: self.server.clone(),
                accepted,
                rejected,
            });
        }

        self.send_command(Phase::Data, &Command::Data).await?;
        let go_ahead = self
            .read_reply(Phase::Data, self.timeouts.data_start)
            .await?;
        if go_ahead.code.get() != 354 {
            return self.abandon(Phase::Data, go_ahead).await;
        }
        for block in prepared.data.chunks(64 * 1024) {
            self.conn
                .write_all(block)
                .await
                .map_err(|source| Error::Net {
                    phase: Phase::DataEnd,
                    source,
                })?;
        }
        self.conn.flush().await.map_err(|source| Error::Net {
            phase: Phase::DataEnd,
            source,
        })?;
        let reply = self
            .read_reply(Phase::DataEnd, self.timeouts.data_end)
            .await?;
        let reply = self.expect_positive(Phase::DataEnd, reply)?;
        Ok(SendReport {
            accepted,
            rejected,
            reply,
            size: prepared.data.len().saturating_sub(3) as u64,
        })
    }

    /// Ends a refused transaction with RSET and reports the refusal.
    async fn abandon<T>(&mut self, phase: Phase, reply: OwnedReply) -> Result<T, Error> {
        self.rset_after_failure().await;
        Err(self.rejected(phase, reply))
    }

    /// RSET after a failed transaction, so the next one starts clean. Its own failure is
    /// not the caller's news (the refusal is), but it leaves the session unusable.
    async fn rset_after_failure(&mut self) {
        if self.broken.is_some() {
            return;
        }
        if let Err(error) = self.rset().await {
            self.broken = Some(format!("RSET after a refused transaction failed: {error}"));
        }
    }
}
