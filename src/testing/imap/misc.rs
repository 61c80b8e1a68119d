//! CAPABILITY, ID, ENABLE, NAMESPACE and the QUOTA look-ups: what the server says about
//! itself.

use tokio::io::{AsyncRead, AsyncWrite};

use super::session::{Session, Step};
use crate::imap::codec::types::{
    AString, Atom, Capability, Data, IString, MailboxName, NamespaceDescription, QuotaResource,
    Response, Tag,
};
use crate::security::Security;
use crate::testing::mail::ServerMode;

/// What a plain RFC server offers once logged in.
const RFC_AUTHENTICATED: &[&str] = &[
    "IMAP4rev1",
    "LITERAL+",
    "SASL-IR",
    "ID",
    "IDLE",
    "NAMESPACE",
    "UIDPLUS",
    "UNSELECT",
    "MOVE",
    "CONDSTORE",
    "ENABLE",
    "ESEARCH",
    "SPECIAL-USE",
    "LIST-STATUS",
    "LIST-EXTENDED",
    "CHILDREN",
];

/// What a plain RFC server offers before login (AUTH and STARTTLS added as they apply).
const RFC_GREETING: &[&str] = &[
    "IMAP4rev1",
    "LITERAL+",
    "SASL-IR",
    "ID",
    "IDLE",
    "NAMESPACE",
    "ENABLE",
];

/// iCloud's greeting list: a host and a build token first.
const ICLOUD_GREETING: &[&str] = &[
    "st11p00im-qukt0904",
    "2426B29",
    "XAPPLEPUSHSERVICE",
    "IMAP4",
    "IMAP4rev1",
    "SASL-IR",
    "AUTH=ATOKEN",
    "AUTH=PLAIN",
];

/// iCloud's list after login, without what this server does not do (SORT, ESORT,
/// CONTEXT=SORT): no LITERAL+, no MOVE, no SPECIAL-USE, as on iCloud.
const ICLOUD_AUTHENTICATED: &[&str] = &[
    "XAPPLEPUSHSERVICE",
    "IMAP4",
    "IMAP4rev1",
    "CONDSTORE",
    "ENABLE",
    "QRESYNC",
    "QUOTA",
    "XAPPLELITERAL",
    "NAMESPACE",
    "UIDPLUS",
    "UNSELECT",
    "ESEARCH",
    "WITHIN",
    "SASL-IR",
    "ID",
    "IDLE",
    "X-APPLE-REMOTE-LINKS",
    "LIST-STATUS",
];

/// The quota this server reports: the store's mailbox byte limit, in KiB.
const QUOTA_ROOT: &str = "";

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    /// True while LOGIN and AUTHENTICATE must wait for STARTTLS.
    pub(super) fn login_disabled(&self) -> bool {
        self.config.security == Security::StartTls && !self.conn.is_tls()
    }

    /// The capabilities for the session's state and mode.
    pub(super) fn capabilities(&self) -> Vec<Capability<'static>> {
        let names: Vec<&'static str> = match (self.mode, self.account.is_some()) {
            (ServerMode::Icloud, true) => ICLOUD_AUTHENTICATED.to_vec(),
            (ServerMode::Icloud, false) => {
                let mut names = ICLOUD_GREETING.to_vec();
                if self.login_disabled() {
                    names.retain(|name| !name.starts_with("AUTH="));
                    names.extend(["STARTTLS", "LOGINDISABLED"]);
                }
                names
            }
            (_, true) => RFC_AUTHENTICATED.to_vec(),
            (_, false) => {
                let mut names = RFC_GREETING.to_vec();
                if self.login_disabled() {
                    names.extend(["STARTTLS", "LOGINDISABLED"]);
                } else {
                    names.push("AUTH=PLAIN");
                }
                names
            }
        };
        names
            .into_iter()
            .filter_map(|name| Capability::new(name).ok())
            .collect()
    }

    pub(super) async fn capability(&mut self, tag: &Tag<'_>) -> Step {
        let capabilities = self.capabilities();
        self.push(&Response::Data(Data::Capability(capabilities)));
        self.done(tag, None, "CAPABILITY completed").await
    }

    pub(super) async fn id(&mut self, tag: &Tag<'_>) -> Step {
        let name = match self.mode {
            ServerMode::Icloud => "iCloud",
            _ => "mailwire",
        };
        let fields = vec![
            (IString::from("name"), Some(IString::from(name))),
            (
                IString::from("vendor"),
                Some(IString::from("mailwire test server")),
            ),
            (
                IString::from("version"),
                Some(IString::from(env!("CARGO_PKG_VERSION"))),
            ),
        ];
        self.push(&Response::Data(Data::Id(Some(fields))));
        self.done(tag, None, "ID completed").await
    }

    pub(super) async fn enable(&mut self, tag: &Tag<'_>, asked: &[Capability<'_>]) -> Step {
        let mut enabled = Vec::new();
        for capability in asked {
            // iCloud takes QRESYNC with a bare OK and no ENABLED, which clients must read
            // as "not enabled"; this server enables only CONDSTORE.
            if *capability == Capability::CondStore {
                self.condstore = true;
                enabled.push(Capability::CondStore);
            }
        }
        if !enabled.is_empty() {
            self.push(&Response::Data(Data::Enabled(enabled)));
        }
        self.done(tag, None, "ENABLE completed").await
    }

    pub(super) async fn namespace(&mut self, tag: &Tag<'_>) -> Step {
        let personal = NamespaceDescription {
            prefix: IString::from(""),
            delimiter: Some('/'),
            extensions: Vec::new(),
        };
        self.push(&Response::Data(Data::Namespace {
            personal: Some(vec![personal]),
            other: None,
            shared: None,
        }));
        self.done(tag, None, "NAMESPACE completed").await
    }

    fn quota_data(&self) -> Data<'static> {
        let used: u64 = self
            .with_account(|account| account.mailboxes.iter().map(|m| m.bytes).sum())
            .unwrap_or(0);
        let limit = self.store.limits().mailbox_bytes;
        Data::Quota {
            root: AString::from(QUOTA_ROOT),
            resources: vec![QuotaResource {
                name: Atom::unchecked("STORAGE"),
                usage: used.div_ceil(1024),
                limit: limit / 1024,
            }],
        }
    }

    pub(super) async fn quota_root(&mut self, tag: &Tag<'_>, mailbox: &MailboxName<'_>) -> Step {
        if self.mode != ServerMode::Icloud {
            return self.bad(tag, "Command not supported by this server").await;
        }
        self.push(&Response::Data(Data::QuotaRoot {
            mailbox: mailbox.clone(),
            roots: vec![AString::from(QUOTA_ROOT)],
        }));
        let quota = self.quota_data();
        self.push(&Response::Data(quota));
        self.done(tag, None, "GETQUOTAROOT completed").await
    }

    pub(super) async fn quota(&mut self, tag: &Tag<'_>) -> Step {
        if self.mode != ServerMode::Icloud {
            return self.bad(tag, "Command not supported by this server").await;
        }
        let quota = self.quota_data();
        self.push(&Response::Data(quota));
        self.done(tag, None, "GETQUOTA completed").await
    }
}
