//! What a command family works with: claims, the handle of a command in flight, its
//! completion, and the pieces a streaming command reads.

use std::sync::Arc;

use super::error::Error;
use crate::imap::codec::types::{Code, Data, Response, StatusKind, Text};

/// Literals larger than this are handed out in pieces (to a streaming command) or
/// collected piece by piece, never held by the framer whole.
pub(crate) const STREAM_LITERALS_ABOVE: u64 = 64 * 1024;

/// Decides whether an untagged response belongs to a command (`* LIST` to LIST, `* n
/// FETCH` to FETCH…). What no command claims becomes an [`Event`].
pub(crate) type Claim = Box<dyn FnMut(&Response<'_>) -> bool + Send>;

/// A claim that takes nothing: everything untagged becomes an event.
pub(crate) fn claim_nothing() -> Claim {
    Box::new(|_| false)
}

/// A claim that takes untagged data for which `take` is true.
pub(crate) fn claim_data(mut take: impl FnMut(&Data<'_>) -> bool + Send + 'static) -> Claim {
    Box::new(move |response| matches!(response, Response::Data(data) if take(data)))
}

/// A command sent and not yet completed. Dropping it abandons the command: its responses
/// are then read and routed before the next command is written.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) tag: String,
    pub(crate) command: &'static str,
    /// Held only so that dropping the handle marks the command abandoned.
    pub(super) _alive: Arc<()>,
}

/// How a command ended, with the untagged responses its claim took, in order.
#[derive(Debug, Clone)]
pub(crate) struct Completion {
    /// The command's name, for errors.
    pub(crate) command: &'static str,
    /// OK, NO or BAD.
    pub(crate) kind: StatusKind,
    /// The tagged response's code.
    pub(crate) code: Option<Code<'static>>,
    /// The tagged response's text.
    pub(crate) text: Text<'static>,
    /// The claimed untagged responses.
    pub(crate) data: Vec<Response<'static>>,
}

impl Completion {
    /// True for a tagged OK.
    pub(crate) fn is_ok(&self) -> bool {
        self.kind == StatusKind::Ok
    }

    /// The tagged text, lossily decoded.
    pub(crate) fn text(&self) -> String {
        self.text.to_str_lossy().into_owned()
    }

    /// This completion when it is an OK, else the error for its NO or BAD.
    pub(crate) fn ok(self, server: &str) -> Result<Self, Error> {
        if self.is_ok() {
            return Ok(self);
        }
        let text = self.text();
        Err(Error::refused(
            server,
            self.command,
            self.kind,
            self.code,
            text,
        ))
    }
}

/// One step of reading for a command that streams ([`Client::next_delivery`]).
#[derive(Debug)]
pub(crate) enum Delivery {
    /// An untagged response the command claimed.
    Response(Response<'static>),
    /// The start of a message whose large literal follows in pieces: the bytes up to and
    /// including the literal's announcement (`* 3 FETCH (UID 9 BODY[] {250000}\r\n`).
    StreamStart {
        /// The message's bytes so far.
        head: Vec<u8>,
        /// The literal's size.
        size: u64,
    },
    /// Bytes of that literal.
    StreamData(Vec<u8>),
    /// The rest of that message, after its literal, through its line end.
    StreamEnd {
        /// The bytes.
        tail: Vec<u8>,
    },
    /// The command completed: [`Client::wait`] returns how.
    Done,
}
