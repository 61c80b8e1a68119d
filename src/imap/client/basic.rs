//! Commands any state allows: CAPABILITY, NOOP, ID, ENABLE, LOGOUT.

use super::command::{claim_data, claim_nothing};
use super::error::Error;
use super::mailbox::check_text;
use super::session::Client;
use super::state::Event;
use crate::imap::codec::types::{Capability, CommandBody, Data, IString, IntoOwned};

impl Client {
    /// The server's capabilities as last learnt (after login: the authenticated ones).
    pub fn capabilities(&self) -> &[Capability<'static>] {
        self.capabilities.as_deref().unwrap_or_default()
    }

    /// True when the server advertises `name` (`"IDLE"`, `"AUTH=PLAIN"`), in any case.
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities()
            .iter()
            .any(|capability| capability.to_string().eq_ignore_ascii_case(name))
    }

    /// True when the server confirmed `name` enabled (an untagged `ENABLED`; CONDSTORE also
    /// by the OK to `ENABLE CONDSTORE`).
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled
            .iter()
            .any(|capability| capability.to_string().eq_ignore_ascii_case(name))
    }

    /// Asks the server for its capabilities again (`CAPABILITY`).
    pub async fn refresh_capabilities(&mut self) -> Result<(), Error> {
        let completion = self
            .run_ok(
                CommandBody::Capability,
                claim_data(|data| matches!(data, Data::Capability(_))),
            )
            .await?;
        // Routing already took the list in; a server that answers with none has none.
        if self.capabilities.is_none() && completion.data.is_empty() {
            self.capabilities = Some(Vec::new());
        }
        Ok(())
    }

    /// `NOOP`: gives the server a chance to report changes; returns every event queued so
    /// far, those it brought included.
    pub async fn noop(&mut self) -> Result<Vec<Event>, Error> {
        self.run_ok(CommandBody::Noop, claim_nothing()).await?;
        Ok(self.take_events())
    }

    /// `ID` (RFC 2971): tells the server who this client is and returns what the server
    /// says of itself (empty for `ID NIL`). A name or value holding CR, LF or NUL is
    /// refused with [`Error::InvalidArgument`] before anything is sent.
    pub async fn id(
        &mut self,
        fields: &[(String, String)],
    ) -> Result<Vec<(String, Option<String>)>, Error> {
        // A literal could carry CR and LF, but no ID field means them: a line break here
        // is a caller's value gone wrong (or an attempt to smuggle a second command).
        for (name, value) in fields {
            check_text("ID field name", name)?;
            check_text("ID field value", value)?;
        }
        let parameters = (!fields.is_empty()).then(|| {
            fields
                .iter()
                .map(|(name, value)| {
                    (
                        IString::from(name.as_str()).into_owned(),
                        Some(IString::from(value.as_str()).into_owned()),
                    )
                })
                .collect()
        });
        let completion = self
            .run_ok(
                CommandBody::Id(parameters),
                claim_data(|data| matches!(data, Data::Id(_))),
            )
            .await?;
        let mut answer = Vec::new();
        for response in completion.data {
            if let crate::imap::codec::types::Response::Data(Data::Id(Some(pairs))) = response {
                for (name, value) in pairs {
                    answer.push((
                        String::from_utf8_lossy(name.as_bytes()).into_owned(),
                        value.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                    ));
                }
            }
        }
        Ok(answer)
    }

    /// `ENABLE` (RFC 5161) of `names` (`"CONDSTORE"`, `"QRESYNC"`, `"UTF8=ACCEPT"`);
    /// returns what the server confirmed. QRESYNC and UTF8=ACCEPT count as on only when
    /// the server's `ENABLED` names them (iCloud answers OK without it); CONDSTORE also
    /// when the server advertises it and answered OK, since any CONDSTORE command enables
    /// it there.
    pub async fn enable(&mut self, names: &[&str]) -> Result<Vec<Capability<'static>>, Error> {
        let mut list = Vec::with_capacity(names.len());
        for name in names {
            let capability =
                Capability::new(name).map_err(|source| Error::InvalidArgument { source })?;
            list.push(capability.into_owned());
        }
        let asked_condstore = list.contains(&Capability::CondStore);
        let completion = self
            .run_ok(
                CommandBody::Enable(list),
                claim_data(|data| matches!(data, Data::Enabled(_))),
            )
            .await?;
        let mut confirmed = Vec::new();
        for response in completion.data {
            if let crate::imap::codec::types::Response::Data(Data::Enabled(list)) = response {
                confirmed.extend(list);
            }
        }
        if asked_condstore
            && self.has(&Capability::CondStore)
            && !self.enabled.contains(&Capability::CondStore)
        {
            self.enabled.push(Capability::CondStore);
            confirmed.push(Capability::CondStore);
        }
        Ok(confirmed)
    }

    /// `LOGOUT`: the server's BYE and OK are read, then TLS is closed and the connection
    /// shut down. Events still queued are returned.
    pub async fn logout(mut self) -> Result<Vec<Event>, Error> {
        match self.run_ok(CommandBody::Logout, claim_nothing()).await {
            // A server may close right after its BYE, without the tagged OK.
            Ok(_) | Err(Error::Bye { .. }) => {}
            Err(error) => return Err(error),
        }
        self.selected = None;
        self.break_connection("logged out");
        // The server may already have closed its side after its OK.
        let _ = self.conn.shutdown().await;
        Ok(self
            .take_events()
            .into_iter()
            .filter(|event| !matches!(event, Event::Bye(_)))
            .collect())
    }
}
