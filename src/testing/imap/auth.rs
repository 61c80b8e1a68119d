//! STARTTLS, LOGIN and AUTHENTICATE PLAIN (with SASL-IR or after a `+`).

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::session::{End, Session, Step};
use crate::imap::codec::types::{
    AuthenticateData, Code, Continue, Response, StatusKind, Tag, Text,
};
use crate::imap::codec::{Parsed, parse_authenticate_data};
use crate::sasl::decode_plain;
use crate::security::Security;
use crate::testing::mail::ServerMode;

/// What the client answered to the `+` of AUTHENTICATE.
enum Answer {
    Data(Vec<u8>),
    Cancelled,
    Malformed,
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn starttls(&mut self, tag: &Tag<'_>) -> Step {
        let tls = match (&self.config.tls, self.config.security) {
            (Some(tls), Security::StartTls) if !self.conn.is_tls() && self.account.is_none() => {
                tls.clone()
            }
            _ => return self.bad(tag, "STARTTLS is not available now").await,
        };
        self.tagged(tag, StatusKind::Ok, None, "Begin TLS negotiation now")
            .await?;
        // Anything pipelined after STARTTLS is dropped unread by start_tls.
        self.conn.start_tls(tls, self.limits).await?;
        Ok(())
    }

    /// The refusal to log in before TLS, if it applies.
    async fn refuse_before_tls(&mut self, tag: &Tag<'_>) -> Result<bool, End> {
        if self.account.is_some() {
            self.bad(tag, "Already logged in").await?;
            return Ok(true);
        }
        if self.login_disabled() {
            self.no(
                tag,
                Some(Code::PrivacyRequired),
                "Log in after STARTTLS; plain-text login is disabled",
            )
            .await?;
            return Ok(true);
        }
        Ok(false)
    }

    pub(super) async fn login(&mut self, tag: &Tag<'_>, user: &[u8], password: &[u8]) -> Step {
        if self.refuse_before_tls(tag).await? {
            return Ok(());
        }
        let (Ok(user), Ok(password)) = (std::str::from_utf8(user), std::str::from_utf8(password))
        else {
            return self.failed(tag).await;
        };
        self.log_in(tag, "", user, password).await
    }

    pub(super) async fn authenticate(
        &mut self,
        tag: &Tag<'_>,
        mechanism: &str,
        initial: Option<Vec<u8>>,
    ) -> Step {
        if self.refuse_before_tls(tag).await? {
            return Ok(());
        }
        if !mechanism.eq_ignore_ascii_case("PLAIN") {
            return self
                .no(
                    tag,
                    Some(Code::CanNot),
                    "Unsupported authentication mechanism",
                )
                .await;
        }
        let answer = match initial {
            Some(data) => Answer::Data(data),
            None => self.challenge().await?,
        };
        let data = match answer {
            Answer::Data(data) => data,
            Answer::Cancelled => return self.bad(tag, "Authentication aborted").await,
            Answer::Malformed => return self.bad(tag, "Invalid base64 data").await,
        };
        match decode_plain(&data) {
            Some(message) => {
                let (authzid, user, password) =
                    (message.authzid(), message.username(), message.password());
                self.log_in(tag, authzid, user, password).await
            }
            None => self.failed(tag).await,
        }
    }

    async fn log_in(&mut self, tag: &Tag<'_>, authzid: &str, user: &str, password: &str) -> Step {
        if self.mode == ServerMode::Icloud && password.is_empty() {
            return self.parse_error(Some(tag), "empty password").await;
        }
        // Acting as another user is not something a test server grants.
        let account = self
            .store
            .check_login(user, password)
            .filter(|account| authzid.is_empty() || authzid == user || authzid == account);
        match account {
            Some(account) => {
                self.account = Some(account);
                let capabilities = self.capabilities();
                self.tagged(
                    tag,
                    StatusKind::Ok,
                    Some(Code::Capability(capabilities)),
                    "Logged in",
                )
                .await
            }
            None => self.failed(tag).await,
        }
    }

    async fn failed(&mut self, tag: &Tag<'_>) -> Step {
        self.no(
            tag,
            Some(Code::AuthenticationFailed),
            "Authentication failed: wrong user name or password",
        )
        .await
    }

    /// Sends the empty `+` of AUTHENTICATE PLAIN and reads the client's line.
    async fn challenge(&mut self) -> Result<Answer, End> {
        self.push(&Response::Continue(Continue {
            code: None,
            text: Text::from(""),
        }));
        self.conn.flush().await?;
        let deadline = Instant::now() + self.config.idle_timeout;
        loop {
            match parse_authenticate_data(&self.conn.inbox, &self.limits) {
                Ok(Parsed::Complete(data, used)) => {
                    let answer = match data {
                        AuthenticateData::Response(secret) => {
                            Answer::Data(secret.expose().to_vec())
                        }
                        AuthenticateData::Cancel => Answer::Cancelled,
                    };
                    self.conn.inbox.drain(..used);
                    return Ok(answer);
                }
                Ok(Parsed::Incomplete) => self.conn.fill(deadline).await?,
                Err(_) => {
                    // Not base64, or a line over the limit: drop that line (or what has
                    // come of it) and say so.
                    self.conn.drop_line();
                    return Ok(Answer::Malformed);
                }
            }
        }
    }
}
