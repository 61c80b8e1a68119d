//! MAIL and RCPT: who a message is from and to, and the policy that may refuse them.

use super::reply::*;
use super::session::{End, MAX_RECIPIENTS, Session, Transaction};
use crate::smtp::codec::{OwnedReply, Parameter};

impl Session<'_> {
    pub(super) async fn mail(
        &mut self,
        reverse_path: &str,
        params: &[Parameter<'_>],
    ) -> Result<(), End> {
        if let Some(refusal) = self.not_ready(false) {
            return self.refuse(refusal).await;
        }
        if self.transaction.is_some() {
            return self
                .refuse_with(BAD_SEQUENCE, (5, 5, 1), "Error: nested MAIL command")
                .await;
        }
        let mut utf8 = false;
        let mut kept = Vec::with_capacity(params.len());
        for param in params {
            let keyword = param.keyword.to_ascii_uppercase();
            if let Some(refusal) = self.check_mail_parameter(&keyword, param.value, &mut utf8) {
                return self.refuse(refusal).await;
            }
            kept.push((keyword, param.value.map(str::to_owned)));
        }
        if !utf8 && !reverse_path.is_ascii() {
            return self.refuse(self.needs_smtputf8()).await;
        }
        self.transaction = Some(Transaction {
            sender: reverse_path.to_owned(),
            params: kept,
            recipients: Vec::new(),
            utf8,
            chunks: None,
        });
        self.say(OK, (2, 1, 0), "Ok").await
    }

    /// Accepts only the parameters of extensions the server announced (RFC 5321 section
    /// 4.1.1.11), so a client that uses one it was not offered is caught.
    fn check_mail_parameter(
        &self,
        keyword: &str,
        value: Option<&str>,
        utf8: &mut bool,
    ) -> Option<OwnedReply> {
        let config = self.config();
        match (keyword, value) {
            ("SIZE", _) if config.announced_size().is_some() => {
                let declared = value
                    .filter(|digits| digits.bytes().all(|byte| byte.is_ascii_digit()))
                    .and_then(|digits| digits.parse::<u64>().ok());
                match declared {
                    None => Some(self.reply(SYNTAX, (5, 5, 4), "Bad message size syntax")),
                    Some(size) if size > config.message_limit() => {
                        Some(self.reply(TOO_BIG, (5, 3, 4), "Message size exceeds fixed limit"))
                    }
                    Some(_) => None,
                }
            }
            ("BODY", Some(body)) if config.eight_bit_mime => {
                let known =
                    body.eq_ignore_ascii_case("7BIT") || body.eq_ignore_ascii_case("8BITMIME");
                (!known).then(|| self.reply(SYNTAX, (5, 5, 4), "Unsupported BODY type"))
            }
            ("SMTPUTF8", None) if config.smtp_utf8 => {
                *utf8 = true;
                None
            }
            // RFC 4954 section 5: the authenticated sender of a relayed message.
            ("AUTH", Some(_)) if config.auth_enabled() => None,
            _ => Some(self.reply(
                PARAMETER_UNRECOGNIZED,
                (5, 5, 4),
                format!("Unsupported option: {keyword}"),
            )),
        }
    }

    fn needs_smtputf8(&self) -> OwnedReply {
        self.reply(
            MAILBOX_NAME_NOT_ALLOWED,
            (5, 6, 7),
            "Error: non-ASCII address without MAIL FROM ... SMTPUTF8",
        )
    }

    pub(super) async fn rcpt(
        &mut self,
        forward_path: &str,
        params: &[Parameter<'_>],
    ) -> Result<(), End> {
        let Some(transaction) = &self.transaction else {
            return self
                .refuse_with(BAD_SEQUENCE, (5, 5, 1), "Error: need MAIL command")
                .await;
        };
        if let Some(param) = params.first() {
            let keyword = param.keyword.to_ascii_uppercase();
            return self
                .refuse_with(
                    PARAMETER_UNRECOGNIZED,
                    (5, 5, 4),
                    format!("Unsupported option: {keyword}"),
                )
                .await;
        }
        if !transaction.utf8 && !forward_path.is_ascii() {
            return self.refuse(self.needs_smtputf8()).await;
        }
        if transaction.recipients.len() >= MAX_RECIPIENTS {
            return self
                .say(TOO_MANY_RECIPIENTS, (4, 5, 3), "Error: too many recipients")
                .await;
        }
        if let Some(refusal) = self.recipient_refusal(forward_path) {
            return self.send(&refusal).await;
        }
        if let Some(transaction) = &mut self.transaction {
            transaction.recipients.push(forward_path.to_owned());
        }
        self.say(OK, (2, 1, 5), "Ok").await
    }

    fn recipient_refusal(&self, address: &str) -> Option<OwnedReply> {
        let config = self.config();
        let unknown = config
            .rejected_recipients
            .iter()
            .any(|rejected| rejected.eq_ignore_ascii_case(address));
        if unknown {
            return Some(self.reply(
                MAILBOX_UNAVAILABLE,
                (5, 1, 1),
                format!("<{address}>: Recipient address rejected: User unknown"),
            ));
        }
        if let Some(refusal) = self.unknown_local_recipient(address) {
            return Some(refusal);
        }
        config
            .recipient_policy
            .as_ref()
            .and_then(|policy| policy(address))
    }
}
