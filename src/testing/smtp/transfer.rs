//! DATA and BDAT: taking the message itself, in bounded memory.

use super::reply::*;
use super::server::ReceivedMail;
use super::session::{End, Session};
use crate::smtp::codec::{DataDecoder, DataError, DataStatus, OwnedReply};

impl Session<'_> {
    /// Why the message of the current transaction may not be sent now, if it may not.
    fn not_ready_for_data(&self, command: &str) -> Option<OwnedReply> {
        match &self.transaction {
            None => Some(self.reply(BAD_SEQUENCE, (5, 5, 1), "Error: need MAIL command")),
            Some(transaction) if transaction.recipients.is_empty() => {
                Some(self.reply(TRANSACTION_FAILED, (5, 5, 1), "Error: no valid recipients"))
            }
            Some(transaction) if command == "DATA" && transaction.chunks.is_some() => {
                Some(self.reply(BAD_SEQUENCE, (5, 5, 1), "Error: DATA after BDAT"))
            }
            Some(_) => None,
        }
    }

    pub(super) async fn data(&mut self) -> Result<(), End> {
        if let Some(refusal) = self.not_ready_for_data("DATA") {
            return self.refuse(refusal).await;
        }
        self.say(START_MAIL_INPUT, None, "End data with <CR><LF>.<CR><LF>")
            .await?;
        let limit = self.config().message_limit();
        // The decoder un-stuffs and finds the end; the size limit is kept here, so that a
        // message too large is read to its end (and dropped) rather than cut off in the
        // middle, where the rest of it would be read as commands.
        let decoder_limits = self.config().limits.with_response_len(u64::MAX);
        let mut decoder = DataDecoder::new(&decoder_limits);
        let mut body = Vec::new();
        let mut too_large = false;
        loop {
            let mut discarded = Vec::new();
            let sink = if too_large { &mut discarded } else { &mut body };
            match decoder.decode(self.wire.unread(), sink) {
                Ok(DataStatus::Done { consumed }) => {
                    self.wire.consume(consumed);
                    break;
                }
                Ok(DataStatus::NeedMore) => {
                    let all = self.wire.unread().len();
                    self.wire.consume(all);
                }
                Err(error) => return Err(End::Say(self.data_refusal(&error))),
            }
            if body.len() as u64 > limit {
                too_large = true;
                body = Vec::new();
            }
            self.wire.fill().await?;
        }
        if too_large || body.len() as u64 > limit {
            self.transaction = None;
            return self.say_too_big().await;
        }
        self.accept_message(body).await
    }

    /// The reply before hanging up on data that cannot be read further: after a bare CR
    /// or LF, or an endless line, the server can no longer tell where the data ends.
    fn data_refusal(&self, error: &DataError) -> OwnedReply {
        let text = match error {
            DataError::BareLineFeed { .. } | DataError::BareCarriageReturn { .. } => {
                format!("Error: {error} (bare CR or LF is how SMTP smuggling starts)")
            }
            error => format!("Error: {error}"),
        };
        self.reply(UNRECOGNIZED, (5, 5, 2), text)
    }

    async fn say_too_big(&mut self) -> Result<(), End> {
        self.say(
            TOO_BIG,
            (5, 3, 4),
            "Error: message size exceeds fixed maximum message size",
        )
        .await
    }

    /// `BDAT size [LAST]` (RFC 3030): the chunk is read in full whatever the answer, so
    /// its bytes are never taken for commands.
    pub(super) async fn bdat(&mut self, size: u64, last: bool) -> Result<(), End> {
        let refusal = if self.config().chunking {
            self.not_ready_for_data("BDAT")
        } else {
            Some(self.reply(
                NOT_IMPLEMENTED,
                (5, 5, 1),
                "Error: BDAT without CHUNKING announced",
            ))
        };
        let limit = self.config().message_limit();
        let mut chunks = match (&refusal, self.transaction.as_mut()) {
            (None, Some(transaction)) => Some(transaction.chunks.take().unwrap_or_default()),
            _ => None,
        };
        let mut remaining = size;
        while remaining > 0 {
            if self.wire.unread().is_empty() {
                self.wire.fill().await?;
            }
            let unread = self.wire.unread();
            let take = usize::try_from(remaining)
                .unwrap_or(usize::MAX)
                .min(unread.len());
            if let Some(body) = &mut chunks {
                if body.len() as u64 + take as u64 > limit {
                    chunks = None;
                } else {
                    body.extend_from_slice(unread.get(..take).unwrap_or_default());
                }
            }
            self.wire.consume(take);
            remaining -= take as u64;
        }
        if let Some(refusal) = refusal {
            return self.refuse(refusal).await;
        }
        let Some(body) = chunks else {
            // RFC 3030: after a failed chunk the client sends no more of this message.
            self.transaction = None;
            return self.say_too_big().await;
        };
        if last {
            return self.accept_message(body).await;
        }
        if let Some(transaction) = &mut self.transaction {
            transaction.chunks = Some(body);
        }
        self.say(OK, (2, 0, 0), format!("Ok: {size} octets received"))
            .await
    }

    /// Ends the transaction with a complete message: kept and queued, or refused as the
    /// configuration says.
    async fn accept_message(&mut self, data: Vec<u8>) -> Result<(), End> {
        let Some(transaction) = self.transaction.take() else {
            return self
                .refuse_with(BAD_SEQUENCE, (5, 5, 1), "Error: need MAIL command")
                .await;
        };
        if let Some(refusal) = self.config().data_reply.clone() {
            return self.send(&refusal).await;
        }
        let mail = ReceivedMail {
            sender: transaction.sender,
            recipients: transaction.recipients,
            data,
            authenticated_as: self.authenticated_as.clone(),
            tls: self.wire.is_tls(),
            params: transaction.params,
        };
        // Kept (or filed in the store) before the reply leaves, so a client that has read
        // "queued" finds the message in `received()` or its mailbox.
        let id = match self.file(mail) {
            Ok(id) => id,
            Err(refusal) => return self.send(&refusal).await,
        };
        self.say(OK, (2, 0, 0), format!("Ok: queued as {id}")).await
    }
}
