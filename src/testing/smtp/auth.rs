//! AUTH PLAIN and AUTH LOGIN (RFC 4954, RFC 4616), server side.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::time::Instant;

use super::reply::*;
use super::session::{End, Session};
use crate::scan::next_line;
use crate::smtp::codec::{AuthResponse, CommandError, Parsed, parse_auth_response};

/// `Username:` and `Password:` in base64: the prompts of AUTH LOGIN.
const LOGIN_USERNAME_PROMPT: &str = "VXNlcm5hbWU6";
const LOGIN_PASSWORD_PROMPT: &str = "UGFzc3dvcmQ6";

/// What the client answered to a `334` challenge.
enum Answer {
    /// Decoded bytes.
    Data(Vec<u8>),
    /// `*`: the client gave up.
    Cancelled,
    /// Not base64.
    Malformed,
}

/// Decodes SASL base64, where `=` stands for an empty response (RFC 4954 section 4).
fn decode(base64: &str) -> Option<Vec<u8>> {
    if base64 == "=" {
        return Some(Vec::new());
    }
    STANDARD.decode(base64).ok()
}

/// The parts of a PLAIN message: `authzid NUL authcid NUL password` (RFC 4616).
fn plain_credentials(message: &[u8]) -> Option<(String, String, String)> {
    let message = crate::sasl::decode_plain(message)?;
    Some((
        message.authzid().to_owned(),
        message.username().to_owned(),
        message.password().to_owned(),
    ))
}

impl Session<'_> {
    pub(super) async fn auth(
        &mut self,
        mechanism: &str,
        initial_response: Option<&str>,
    ) -> Result<(), End> {
        if !self.config().auth_enabled() {
            return self
                .refuse_with(BAD_SEQUENCE, (5, 5, 1), "Error: authentication not enabled")
                .await;
        }
        if let Some(refusal) = self.not_ready(true) {
            return self.refuse(refusal).await;
        }
        if self.authenticated_as.is_some() {
            return self
                .refuse_with(BAD_SEQUENCE, (5, 5, 1), "Error: already authenticated")
                .await;
        }
        if self.transaction.is_some() {
            return self
                .refuse_with(
                    BAD_SEQUENCE,
                    (5, 5, 1),
                    "Error: MAIL transaction in progress",
                )
                .await;
        }
        let offered = self
            .config()
            .mechanisms
            .iter()
            .any(|offered| offered.eq_ignore_ascii_case(mechanism));
        let initial = initial_response.map(|base64| match decode(base64) {
            Some(bytes) => Answer::Data(bytes),
            None => Answer::Malformed,
        });
        let credentials = if offered && mechanism.eq_ignore_ascii_case("PLAIN") {
            self.plain(initial).await?
        } else if offered && mechanism.eq_ignore_ascii_case("LOGIN") {
            self.login(initial).await?
        } else {
            return self
                .refuse_with(
                    PARAMETER_NOT_IMPLEMENTED,
                    (5, 5, 4),
                    "Error: unsupported authentication mechanism",
                )
                .await;
        };
        let Some((authzid, user, password)) = credentials else {
            // The exchange already ended with its reply.
            return Ok(());
        };
        let account = self.config().login(&user, &password);
        // Acting for another user is not something a submission test server grants.
        if let Some(account) = account.filter(|_| authzid.is_empty() || authzid == user) {
            self.authenticated_as = Some(account);
            self.say(AUTHENTICATED, (2, 7, 0), "Authentication successful")
                .await
        } else {
            self.refuse_with(
                BAD_CREDENTIALS,
                (5, 7, 8),
                "Authentication credentials invalid",
            )
            .await
        }
    }

    /// PLAIN, with the credentials in the initial response or after an empty challenge.
    async fn plain(
        &mut self,
        initial: Option<Answer>,
    ) -> Result<Option<(String, String, String)>, End> {
        let answer = match initial {
            Some(answer) => answer,
            None => self.challenge("").await?,
        };
        let Some(message) = self.answered(answer).await? else {
            return Ok(None);
        };
        match plain_credentials(&message) {
            Some(credentials) => Ok(Some(credentials)),
            None => {
                self.refuse_with(
                    BAD_CREDENTIALS,
                    (5, 7, 8),
                    "Authentication credentials invalid",
                )
                .await?;
                Ok(None)
            }
        }
    }

    /// LOGIN: the user name (or the initial response), then the password.
    async fn login(
        &mut self,
        initial: Option<Answer>,
    ) -> Result<Option<(String, String, String)>, End> {
        let answer = match initial {
            Some(answer) => answer,
            None => self.challenge(LOGIN_USERNAME_PROMPT).await?,
        };
        let Some(user) = self.answered(answer).await? else {
            return Ok(None);
        };
        let answer = self.challenge(LOGIN_PASSWORD_PROMPT).await?;
        let Some(password) = self.answered(answer).await? else {
            return Ok(None);
        };
        match (String::from_utf8(user), String::from_utf8(password)) {
            (Ok(user), Ok(password)) => Ok(Some((String::new(), user, password))),
            _ => {
                self.refuse_with(
                    BAD_CREDENTIALS,
                    (5, 7, 8),
                    "Authentication credentials invalid",
                )
                .await?;
                Ok(None)
            }
        }
    }

    /// The decoded answer, or `None` after telling the client why there is none.
    async fn answered(&mut self, answer: Answer) -> Result<Option<Vec<u8>>, End> {
        match answer {
            Answer::Data(bytes) => Ok(Some(bytes)),
            Answer::Cancelled => {
                self.refuse_with(SYNTAX, (5, 0, 0), "Authentication aborted")
                    .await?;
                Ok(None)
            }
            Answer::Malformed => {
                self.refuse_with(SYNTAX, (5, 5, 2), "Error: invalid base64 data")
                    .await?;
                Ok(None)
            }
        }
    }

    /// Sends `334 challenge` and reads the client's answer line.
    async fn challenge(&mut self, challenge: &str) -> Result<Answer, End> {
        self.say(AUTH_CONTINUE, None, challenge).await?;
        let limits = self.config().limits;
        let deadline = Instant::now() + self.config().idle_timeout;
        loop {
            let (answer, consumed) = match parse_auth_response(self.wire.unread(), &limits) {
                Ok(Parsed::Complete(AuthResponse::Cancel, consumed)) => {
                    (Answer::Cancelled, consumed)
                }
                Ok(Parsed::Complete(AuthResponse::Data(base64), consumed)) => {
                    let answer = decode(base64).map_or(Answer::Malformed, Answer::Data);
                    (answer, consumed)
                }
                Ok(Parsed::Incomplete) => {
                    self.wire.fill_until(deadline).await?;
                    continue;
                }
                Err(CommandError::LineTooLong { .. }) => return Err(End::LineTooLong),
                Err(_) => {
                    // A whole line that is not base64: skip it and say so.
                    let skipped = next_line(self.wire.unread(), limits.line_len)
                        .ok()
                        .flatten()
                        .map_or(0, |line| line.consumed);
                    (Answer::Malformed, skipped)
                }
            };
            self.wire.consume(consumed);
            return Ok(answer);
        }
    }
}
