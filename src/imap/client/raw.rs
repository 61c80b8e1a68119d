//! Any command the codec can write, for what the typed methods do not cover yet.

use super::error::Error;
use super::session::Client;
use crate::imap::codec::types::{Code, CommandBody, Data, Response};

/// How a command sent with [`Client::execute`] ended: its tagged OK's code and text, and
/// the untagged data that answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reply {
    /// The tagged OK's response code (`[APPENDUID 38505 3955]`), if any.
    pub code: Option<Code<'static>>,
    /// The tagged OK's text.
    pub text: String,
    /// The untagged data that came with it (`* LIST`, `* STATUS`, `* SEARCH`…), in order.
    pub data: Vec<Data<'static>>,
}

impl Client {
    /// Sends `body` and waits for its completion: a NO or BAD becomes its [`Error`].
    ///
    /// For commands without a typed method. Untagged data comes back in [`Reply::data`],
    /// except what concerns the mailbox's messages (EXISTS, RECENT, EXPUNGE, FETCH,
    /// VANISHED, FLAGS), which updates the selected mailbox's state and stays an event as
    /// always. The selected mailbox itself is not tracked through this method: a SELECT
    /// sent here leaves [`selected`](Self::selected) as it was.
    pub async fn execute(&mut self, body: CommandBody<'_>) -> Result<Reply, Error> {
        let claim = super::command::claim_data(|data| {
            !matches!(
                data,
                Data::Exists(_)
                    | Data::Recent(_)
                    | Data::Expunge(_)
                    | Data::Fetch { .. }
                    | Data::Vanished { .. }
                    | Data::Flags(_)
            )
        });
        let completion = self.run_ok(body, claim).await?;
        let text = completion.text();
        Ok(Reply {
            code: completion.code,
            text,
            data: completion
                .data
                .into_iter()
                .filter_map(|response| match response {
                    Response::Data(data) => Some(data),
                    _ => None,
                })
                .collect(),
        })
    }
}
