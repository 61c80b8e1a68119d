//! The reply codes the server uses, checked when the crate compiles.

use crate::smtp::codec::{EnhancedCode, OwnedReply, ReplyCode};

const fn code(value: u16) -> ReplyCode {
    match ReplyCode::new(value) {
        Some(code) => code,
        None => panic!("not an SMTP reply code"),
    }
}

pub(super) const HELP: ReplyCode = code(214);
pub(super) const READY: ReplyCode = ReplyCode::SERVICE_READY;
pub(super) const CLOSING: ReplyCode = ReplyCode::CLOSING;
pub(super) const AUTHENTICATED: ReplyCode = ReplyCode::AUTH_SUCCEEDED;
pub(super) const OK: ReplyCode = ReplyCode::OK;
pub(super) const CANNOT_VERIFY: ReplyCode = code(252);
pub(super) const AUTH_CONTINUE: ReplyCode = ReplyCode::AUTH_CONTINUE;
pub(super) const START_MAIL_INPUT: ReplyCode = ReplyCode::START_MAIL_INPUT;
pub(super) const UNAVAILABLE: ReplyCode = code(421);
pub(super) const LOCAL_ERROR: ReplyCode = code(451);
pub(super) const TOO_MANY_RECIPIENTS: ReplyCode = code(452);
pub(super) const INSUFFICIENT_STORAGE: ReplyCode = code(452);
pub(super) const TLS_UNAVAILABLE: ReplyCode = code(454);
pub(super) const UNRECOGNIZED: ReplyCode = code(500);
pub(super) const SYNTAX: ReplyCode = code(501);
pub(super) const NOT_IMPLEMENTED: ReplyCode = code(502);
pub(super) const BAD_SEQUENCE: ReplyCode = code(503);
pub(super) const PARAMETER_NOT_IMPLEMENTED: ReplyCode = code(504);
pub(super) const ACCESS_DENIED: ReplyCode = code(530);
pub(super) const BAD_CREDENTIALS: ReplyCode = code(535);
pub(super) const MAILBOX_UNAVAILABLE: ReplyCode = code(550);
pub(super) const TOO_BIG: ReplyCode = code(552);
pub(super) const MAILBOX_NAME_NOT_ALLOWED: ReplyCode = code(553);
pub(super) const TRANSACTION_FAILED: ReplyCode = code(554);
pub(super) const PARAMETER_UNRECOGNIZED: ReplyCode = code(555);

/// An RFC 3463 enhanced status code `class.subject.detail`.
pub(super) type Enhanced = (u8, u16, u16);

/// A one-line reply; `enhanced` is left out when the server does not announce
/// ENHANCEDSTATUSCODES.
pub(super) fn reply(
    code: ReplyCode,
    enhanced: Option<Enhanced>,
    text: impl Into<String>,
) -> OwnedReply {
    let enhanced = enhanced.map(|(class, subject, detail)| EnhancedCode {
        class,
        subject,
        detail,
    });
    OwnedReply::new(code, enhanced, vec![text.into()])
}
