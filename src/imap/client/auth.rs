//! Opening a session: the greeting, STARTTLS, capabilities and login.
//!
//! Capabilities come from the greeting's code, a `CAPABILITY` command, or a tagged OK's
//! code; they are forgotten after STARTTLS and after login, and nothing said before TLS
//! (capabilities, untagged data) is kept once TLS is up. With STARTTLS required, a PREAUTH
//! greeting or a server without STARTTLS is an error before anything else is sent.

use std::borrow::Cow;

use base64::Engine as _;

use super::command::claim_nothing;
use super::config::ClientBuilder;
use super::error::{Error, is_throttling};
use super::session::Client;
use crate::imap::codec::types::{
    AString, Atom, Capability, Code, CommandBody, GreetingKind, Secret, StatusKind,
};
use crate::net::Connection;
use crate::provider::UsernameStyle;
use crate::sasl::Credentials;
use crate::security::Security;

/// A login method this client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// AUTHENTICATE PLAIN (with SASL-IR when offered).
    Plain,
    /// LOGIN.
    Login,
}

pub(super) async fn connect(mut builder: ClientBuilder) -> Result<Client, Error> {
    let options = builder.connect_options();
    let connected = match builder.security {
        Security::ImplicitTls => {
            Connection::connect_tls(&builder.host, builder.port, &options).await
        }
        _ => Connection::connect(&builder.host, builder.port, &options).await,
    };
    let mut conn = connected.map_err(|source| Error::net("connecting", source))?;
    conn.set_transcript(builder.transcript.take());
    let mut client = Client::new(conn, &builder);

    let greeting = client.read_greeting().await?;
    match greeting.kind {
        GreetingKind::Bye => {
            client.break_connection("the server refused the connection (BYE greeting)");
            return Err(Error::Bye {
                server: client.server.clone(),
                text: greeting.text.to_str_lossy().into_owned(),
            });
        }
        GreetingKind::PreAuth if builder.security == Security::StartTls => {
            client.break_connection("PREAUTH greeting on a connection that needs STARTTLS");
            let _ = client.conn.shutdown().await;
            return Err(Error::PreauthWithoutTls {
                server: client.server.clone(),
            });
        }
        _ => {}
    }
    if let Some(Code::Capability(list)) = greeting.code {
        client.capabilities = Some(list);
    }
    if builder.security == Security::StartTls {
        client.starttls().await?;
    }
    if let Some(credentials) = builder.credentials.as_ref()
        && greeting.kind != GreetingKind::PreAuth
    {
        client.login(credentials).await?;
    }
    if client.capabilities.is_none() {
        client.refresh_capabilities().await?;
    }
    if let Some(fields) = builder.id.take()
        && client.has(&Capability::Id)
    {
        match client.id(&fields).await {
            // ID is a courtesy: a server that refuses it is still a server to use.
            Ok(_) | Err(Error::No { .. } | Error::Bad { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(client)
}

impl Client {
    /// STARTTLS: refused (before anything else is sent) when the server does not offer it;
    /// after the server's OK, TLS starts, and bytes that arrived after the OK break the
    /// connection. Everything learnt before TLS is forgotten.
    async fn starttls(&mut self) -> Result<(), Error> {
        if self.capabilities.is_none() {
            self.refresh_capabilities().await?;
        }
        if !self.has(&Capability::StartTls) {
            self.break_connection("the server does not offer STARTTLS");
            let _ = self.conn.shutdown().await;
            return Err(Error::StartTlsUnavailable {
                server: self.server.clone(),
            });
        }
        self.run_ok(CommandBody::StartTls, claim_nothing()).await?;
        if let Err(source) = self.conn.upgrade().await {
            self.break_connection(format!("{source}"));
            return Err(Error::net("STARTTLS", source));
        }
        self.forget_before_tls();
        self.refresh_capabilities().await
    }

    /// Logs in: AUTHENTICATE PLAIN (with SASL-IR when offered, else after the `+`) or
    /// LOGIN, the other when one is refused; for a provider that accepts two user-name
    /// forms (iCloud), the other form too. Throttling is reported as such at once.
    pub(super) async fn login(&mut self, credentials: &Credentials) -> Result<(), Error> {
        if self.capabilities.is_none() {
            self.refresh_capabilities().await?;
        }
        let mut methods = Vec::new();
        if self.has_capability("AUTH=PLAIN") {
            methods.push(Method::Plain);
        }
        if !self.has(&Capability::LoginDisabled) {
            methods.push(Method::Login);
        }
        if methods.is_empty() {
            let offered = self
                .capabilities
                .iter()
                .flatten()
                .filter_map(|c| c.auth_mechanism().map(str::to_owned))
                .collect();
            return Err(Error::LoginDisabled {
                server: self.server.clone(),
                offered,
            });
        }
        let sasl_ir = self.has(&Capability::SaslIr);
        let users = self.user_names(credentials.username());
        let before = self.capabilities.clone();
        let mut refusal = String::new();
        for user in &users {
            for &method in &methods {
                // What the server said before login may change with it.
                self.capabilities = None;
                let completion = match method {
                    Method::Plain => self.authenticate_plain(user, credentials, sasl_ir).await?,
                    Method::Login => {
                        let body = CommandBody::Login {
                            username: AString::from(user.as_str()),
                            password: Secret::new(AString::from(credentials.password())),
                        };
                        self.run(body, claim_nothing()).await?
                    }
                };
                let text = completion.text();
                match completion.kind {
                    StatusKind::Ok => {
                        if self.capabilities.is_none() {
                            self.refresh_capabilities().await?;
                        }
                        return Ok(());
                    }
                    _ if is_throttling(completion.code.as_ref(), &text) => {
                        return Err(Error::Throttled {
                            server: self.server.clone(),
                            command: completion.command,
                            text,
                        });
                    }
                    StatusKind::No => {
                        self.capabilities = before.clone();
                        refusal = text;
                    }
                    _ => {
                        self.capabilities = before.clone();
                        return Err(completion.ok(&self.server).err().unwrap_or_else(|| {
                            Error::Protocol {
                                server: self.server.clone(),
                                during: "login",
                                what: "an unexpected answer".to_owned(),
                            }
                        }));
                    }
                }
            }
        }
        Err(Error::WrongCredentials {
            server: self.server.clone(),
            users,
            text: refusal,
            hint: self.provider.map(|provider| provider.auth_failure_hint),
        })
    }

    /// The user names to try, in order: as given, then (for a provider that takes both)
    /// the other form.
    fn user_names(&self, username: &str) -> Vec<String> {
        let mut users = vec![username.to_owned()];
        let Some(provider) = self.provider else {
            return users;
        };
        if provider.imap_username != UsernameStyle::FullAddressThenLocalPart {
            return users;
        }
        let other = match username.split_once('@') {
            Some((local, _)) if !local.is_empty() => Some(local.to_owned()),
            Some(_) => None,
            None => provider
                .domains
                .first()
                .map(|domain| format!("{username}@{domain}")),
        };
        users.extend(other);
        users
    }

    async fn authenticate_plain(
        &mut self,
        user: &str,
        credentials: &Credentials,
        sasl_ir: bool,
    ) -> Result<super::command::Completion, Error> {
        let mut message = Vec::with_capacity(2 + user.len() + credentials.password().len());
        message.push(0);
        message.extend_from_slice(user.as_bytes());
        message.push(0);
        message.extend_from_slice(credentials.password().as_bytes());
        let mechanism = Atom::new("PLAIN").map_err(invalid)?;
        if sasl_ir {
            let body = CommandBody::Authenticate {
                mechanism,
                initial_response: Some(Secret::new(Cow::Owned(message))),
            };
            return self.run(body, claim_nothing()).await;
        }
        let body = CommandBody::Authenticate {
            mechanism,
            initial_response: None,
        };
        let pending = self.send(body, claim_nothing()).await?;
        if self.continuation(&pending).await?.is_some() {
            let mut line = base64::engine::general_purpose::STANDARD
                .encode(&message)
                .into_bytes();
            line.extend_from_slice(b"\r\n");
            message.fill(0);
            let written = self
                .write_continuation_line("AUTHENTICATE", &line, true)
                .await;
            line.fill(0);
            written?;
        }
        self.wait(pending).await
    }
}

fn invalid(source: crate::imap::codec::EncodeError) -> Error {
    Error::InvalidArgument { source }
}
