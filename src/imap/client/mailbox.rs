//! Mailboxes: LIST (with LIST-STATUS and special-use returns where offered), STATUS,
//! CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, NAMESPACE and GETQUOTAROOT.
//!
//! Names are taken and returned as the text a user sees: the client encodes them in
//! modified UTF-7 (or sends UTF-8 once UTF8=ACCEPT is enabled) and decodes what the server
//! lists, keeping the wire form beside the text.

use super::command::{Claim, claim_data};
use super::error::Error;
use super::session::Client;
use crate::imap::codec::types::{
    Capability, CommandBody, Data, IntoOwned, ListMailbox, ListReturnOption, MailboxAttribute,
    MailboxAttributes, MailboxName, Response, StatusAttribute, StatusItem,
};
use crate::imap::codec::{EncodeError, utf7};
use crate::provider::ICLOUD;

/// What a mailbox is for: from its special-use attribute (RFC 6154) when the server gives
/// one, else from a well-known name (iCloud's `Sent Messages`, `Deleted Messages`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailboxRole {
    /// `INBOX`.
    Inbox,
    /// Sent mail (`\Sent`; `Sent Messages`, `Sent Items`, `Sent`).
    Sent,
    /// Deleted mail (`\Trash`; `Deleted Messages`, `Deleted Items`, `Trash`).
    Trash,
    /// Drafts (`\Drafts`; `Drafts`).
    Drafts,
    /// Spam (`\Junk`; `Junk`, `Spam`).
    Junk,
    /// Archived mail (`\Archive`; `Archive`).
    Archive,
    /// A virtual mailbox with every message (`\All`).
    All,
    /// A virtual mailbox with the flagged messages (`\Flagged`).
    Flagged,
    /// A virtual mailbox with the important messages (`\Important`, RFC 8457).
    Important,
}

impl MailboxRole {
    /// The role a special-use attribute gives.
    fn from_attribute(attribute: &MailboxAttribute<'_>) -> Option<Self> {
        Some(match attribute {
            MailboxAttribute::Sent => MailboxRole::Sent,
            MailboxAttribute::Trash => MailboxRole::Trash,
            MailboxAttribute::Drafts => MailboxRole::Drafts,
            MailboxAttribute::Junk => MailboxRole::Junk,
            MailboxAttribute::Archive => MailboxRole::Archive,
            MailboxAttribute::All => MailboxRole::All,
            MailboxAttribute::Flagged => MailboxRole::Flagged,
            MailboxAttribute::Important => MailboxRole::Important,
            _ => return None,
        })
    }

    /// The role a well-known folder name gives (in any case): iCloud's names, Outlook's,
    /// and the plain ones. Only a top-level name counts, or one directly under INBOX
    /// (servers that keep every folder there): `Projects/Archive` is just a folder.
    fn from_name(name: &str, delimiter: Option<char>) -> Option<Self> {
        if name.eq_ignore_ascii_case("INBOX") {
            return Some(MailboxRole::Inbox);
        }
        let leaf = match delimiter {
            Some(delimiter) => match name.split_once(delimiter) {
                None => name,
                Some((parent, leaf))
                    if parent.eq_ignore_ascii_case("INBOX") && !leaf.contains(delimiter) =>
                {
                    leaf
                }
                Some(_) => return None,
            },
            None => name,
        };
        const NAMES: [(&str, MailboxRole); 10] = [
            ("Sent Messages", MailboxRole::Sent),
            ("Sent Items", MailboxRole::Sent),
            ("Sent", MailboxRole::Sent),
            ("Deleted Messages", MailboxRole::Trash),
            ("Deleted Items", MailboxRole::Trash),
            ("Trash", MailboxRole::Trash),
            ("Drafts", MailboxRole::Drafts),
            ("Junk", MailboxRole::Junk),
            ("Spam", MailboxRole::Junk),
            ("Archive", MailboxRole::Archive),
        ];
        NAMES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(leaf))
            .map(|(_, role)| *role)
    }
}

/// A mailbox's counts, from STATUS or from a LIST-STATUS answer. A count the server did
/// not give is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailboxStatus {
    /// `MESSAGES`: how many messages.
    pub messages: Option<u32>,
    /// `RECENT`.
    pub recent: Option<u32>,
    /// `UIDNEXT`: the UID the next message will get (at least).
    pub uid_next: Option<u32>,
    /// `UIDVALIDITY`: UIDs are only comparable while this stays the same.
    pub uid_validity: Option<u32>,
    /// `UNSEEN`: how many messages lack `\Seen`.
    pub unseen: Option<u32>,
    /// `HIGHESTMODSEQ` (CONDSTORE).
    pub highest_modseq: Option<u64>,
    /// `SIZE` (RFC 8438): the mailbox's size in octets.
    pub size: Option<u64>,
    /// `DELETED` (RFC 9051): how many messages carry `\Deleted`.
    pub deleted: Option<u32>,
}

impl MailboxStatus {
    /// Reads the items of a `* STATUS` response; numbers out of range are left out rather
    /// than cut.
    fn from_items(items: &[StatusItem<'_>]) -> Self {
        let mut status = MailboxStatus::default();
        for item in items {
            let StatusItem::Known(attribute, value) = item else {
                continue;
            };
            let small = u32::try_from(*value).ok();
            match attribute {
                StatusAttribute::Messages => status.messages = small,
                StatusAttribute::Recent => status.recent = small,
                StatusAttribute::UidNext => status.uid_next = small,
                StatusAttribute::UidValidity => status.uid_validity = small,
                StatusAttribute::Unseen => status.unseen = small,
                StatusAttribute::HighestModSeq => status.highest_modseq = Some(*value),
                StatusAttribute::Size => status.size = Some(*value),
                StatusAttribute::Deleted => status.deleted = small,
                _ => {}
            }
        }
        status
    }
}

/// One mailbox of a LIST answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MailboxEntry {
    /// The name as a user sees it (`"Entwürfe"`), decoded from its wire form; a name the
    /// server wrote in broken modified UTF-7 is shown as its bytes, lossily.
    pub name: String,
    /// The name as the server sent it (modified UTF-7, or UTF-8 after UTF8=ACCEPT).
    pub wire: MailboxName<'static>,
    /// The hierarchy delimiter, `None` for a flat namespace.
    pub delimiter: Option<char>,
    /// The attributes as listed (`\HasNoChildren`, `\Sent`…).
    pub attributes: MailboxAttributes<'static>,
    /// What the mailbox is for: by special-use attribute first, by well-known name second.
    pub role: Option<MailboxRole>,
    /// False when SELECT cannot open it: `\Noselect`, `\NonExistent`, and iCloud's Notes
    /// folders (listed like mail folders, but refused with `NO [NONEXISTENT]`).
    pub selectable: bool,
    /// Its counts, when the server offers LIST-STATUS and gave them.
    pub status: Option<MailboxStatus>,
}

impl MailboxEntry {
    /// The role the mailbox's special-use attribute gives, ignoring its name.
    pub fn role_by_attribute(&self) -> Option<MailboxRole> {
        self.attributes
            .iter()
            .find_map(|attribute| MailboxRole::from_attribute(&attribute))
    }
}

/// The mailbox for `role` among `mailboxes`: one marked with the role's special-use
/// attribute first, else a selectable one with a well-known name (iCloud's Archive, Junk
/// and Drafts may carry no attribute). `None` when neither is there.
pub fn find_role(mailboxes: &[MailboxEntry], role: MailboxRole) -> Option<&MailboxEntry> {
    mailboxes
        .iter()
        .find(|mailbox| mailbox.role_by_attribute() == Some(role))
        .or_else(|| {
            mailboxes
                .iter()
                .find(|mailbox| mailbox.selectable && mailbox.role == Some(role))
        })
}

/// One namespace (RFC 2342): where a hierarchy of mailboxes starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Namespace {
    /// The prefix of its names (`""`, `"INBOX."`, `"#shared/"`), decoded.
    pub prefix: String,
    /// Its hierarchy delimiter, `None` for a flat one.
    pub delimiter: Option<char>,
}

/// The answer to NAMESPACE: the user's own namespaces, other users', and shared ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Namespaces {
    /// The user's own mailboxes.
    pub personal: Vec<Namespace>,
    /// Other users' mailboxes.
    pub other: Vec<Namespace>,
    /// Shared mailboxes.
    pub shared: Vec<Namespace>,
}

/// One resource of a quota root: usage against its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuotaUsage {
    /// `STORAGE` (in units of 1024 octets), `MESSAGE`…
    pub resource: String,
    /// What is used.
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}

/// One quota root and its resources.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quota {
    /// The quota root's name (`""` is common).
    pub root: String,
    /// Its resources.
    pub resources: Vec<QuotaUsage>,
}

/// The answer to GETQUOTAROOT: the roots a mailbox counts against, and their quotas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuotaRoots {
    /// The names of the quota roots of the mailbox.
    pub roots: Vec<String>,
    /// The quotas the server reported with them.
    pub quotas: Vec<Quota>,
}

/// Refuses text that cannot travel in a command: CR, LF and NUL would end or break the
/// line whatever the encoding, so they are refused before anything is sent.
pub(crate) fn check_text(what: &'static str, text: impl AsRef<[u8]>) -> Result<(), Error> {
    if text
        .as_ref()
        .iter()
        .any(|&b| matches!(b, b'\r' | b'\n' | 0))
    {
        return Err(Error::InvalidArgument {
            source: EncodeError::Unrepresentable {
                what,
                reason: "it contains CR, LF or NUL",
            },
        });
    }
    Ok(())
}

/// The status items asked for in STATUS and LIST-STATUS.
fn status_attributes(condstore: bool) -> Vec<StatusAttribute> {
    let mut attributes = vec![
        StatusAttribute::Messages,
        StatusAttribute::UidNext,
        StatusAttribute::UidValidity,
        StatusAttribute::Unseen,
    ];
    if condstore {
        attributes.push(StatusAttribute::HighestModSeq);
    }
    attributes
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Client {
    /// True when names travel as UTF-8 (UTF8=ACCEPT enabled), not modified UTF-7.
    pub(crate) fn utf8_names(&self) -> bool {
        self.enabled.contains(&Capability::Utf8Accept)
    }

    /// A mailbox name from the text a user typed, checked and encoded for this session.
    pub(crate) fn mailbox_name(&self, name: &str) -> Result<MailboxName<'static>, Error> {
        check_text("mailbox name", name)?;
        Ok(MailboxName::from_name(name, self.utf8_names()))
    }

    /// The text of a name the server sent.
    pub(crate) fn decode_name(&self, wire: &MailboxName<'_>) -> String {
        wire.name(self.utf8_names())
            .unwrap_or_else(|_| lossy(wire.as_bytes()))
    }

    /// `NotSupported` unless the server advertises `capability`.
    fn require(
        &self,
        capability: &Capability<'_>,
        name: &'static str,
        command: &'static str,
    ) -> Result<(), Error> {
        if self.has(capability) {
            return Ok(());
        }
        Err(Error::NotSupported {
            server: self.server.clone(),
            command,
            missing: name,
            why: "the server cannot answer it; ask without it",
        })
    }

    /// `LIST reference pattern`: the mailboxes whose names match `pattern` (`*` matches
    /// anything, `%` anything but the delimiter), names given and returned as text.
    ///
    /// Where the server offers them, the same command returns the special-use attributes
    /// (`RETURN (SPECIAL-USE)`) and each mailbox's counts (LIST-STATUS: MESSAGES, UIDNEXT,
    /// UIDVALIDITY, UNSEEN, and HIGHESTMODSEQ with CONDSTORE), so a folder pane takes one
    /// round trip.
    ///
    /// ```no_run
    /// # async fn demo(client: &mut mailwire::imap::Client) -> Result<(), mailwire::imap::Error> {
    /// use mailwire::imap::{MailboxRole, find_role};
    ///
    /// let mailboxes = client.list("", "*").await?;
    /// if let Some(sent) = find_role(&mailboxes, MailboxRole::Sent) {
    ///     println!("sent mail goes to {}", sent.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(
        &mut self,
        reference: &str,
        pattern: &str,
    ) -> Result<Vec<MailboxEntry>, Error> {
        check_text("LIST reference", reference)?;
        check_text("LIST pattern", pattern)?;
        let utf8 = self.utf8_names();
        let reference = if reference.is_empty() {
            MailboxName::from_wire(&b""[..])
        } else {
            MailboxName::from_name(reference, utf8)
        };
        // Wildcards are printable ASCII, which modified UTF-7 leaves alone.
        let encoded = if utf8 {
            pattern.to_owned()
        } else {
            utf7::encode(pattern)
        };
        let extended = self.has(&Capability::ListExtended) || self.has(&Capability::ListStatus);
        let mut return_options = Vec::new();
        if extended && self.has(&Capability::SpecialUse) {
            return_options.push(ListReturnOption::SpecialUse);
        }
        let with_status = self.has(&Capability::ListStatus);
        if with_status {
            return_options.push(ListReturnOption::Status(status_attributes(
                self.has(&Capability::CondStore),
            )));
        }
        let claim = claim_data(move |data| {
            matches!(data, Data::List(_)) || (with_status && matches!(data, Data::Status { .. }))
        });
        let completion = self
            .run_ok(
                CommandBody::List {
                    selection: Vec::new(),
                    reference,
                    patterns: vec![ListMailbox::new(&encoded).into_owned()],
                    return_options,
                },
                claim,
            )
            .await?;
        let icloud = self.provider.is_some_and(|p| p.name == ICLOUD.name);
        let mut mailboxes: Vec<MailboxEntry> = Vec::new();
        for response in completion.data {
            match response {
                Response::Data(Data::List(item)) => {
                    let name = self.decode_name(&item.mailbox);
                    let attributes = item.attributes;
                    let by_attribute = attributes
                        .iter()
                        .find_map(|attribute| MailboxRole::from_attribute(&attribute));
                    let role =
                        by_attribute.or_else(|| MailboxRole::from_name(&name, item.delimiter));
                    let notes = icloud && is_notes(&name, item.delimiter);
                    let selectable = !notes
                        && !attributes.contains(&MailboxAttribute::NoSelect)
                        && !attributes.contains(&MailboxAttribute::NonExistent);
                    mailboxes.push(MailboxEntry {
                        name,
                        wire: item.mailbox,
                        delimiter: item.delimiter,
                        attributes,
                        role,
                        selectable,
                        status: None,
                    });
                }
                Response::Data(Data::Status { mailbox, items }) => {
                    // LIST-STATUS sends each STATUS after its LIST; match by name anyway.
                    let status = MailboxStatus::from_items(&items);
                    if let Some(entry) = mailboxes
                        .iter_mut()
                        .rev()
                        .find(|entry| same_mailbox(&entry.wire, &mailbox))
                    {
                        entry.status = Some(status);
                    }
                }
                _ => {}
            }
        }
        Ok(mailboxes)
    }

    /// The mailbox for `role`: lists every mailbox and picks by special-use attribute
    /// first, by well-known name second ([`find_role`]).
    pub async fn find_role(&mut self, role: MailboxRole) -> Result<Option<MailboxEntry>, Error> {
        let mailboxes = self.list("", "*").await?;
        Ok(find_role(&mailboxes, role).cloned())
    }

    /// `STATUS mailbox (MESSAGES UIDNEXT UIDVALIDITY UNSEEN [HIGHESTMODSEQ])`: a mailbox's
    /// counts without selecting it (HIGHESTMODSEQ when the server offers CONDSTORE).
    pub async fn status(&mut self, mailbox: &str) -> Result<MailboxStatus, Error> {
        let name = self.mailbox_name(mailbox)?;
        let wanted = name.clone();
        let completion = self
            .run_ok(
                CommandBody::Status {
                    mailbox: name,
                    attributes: status_attributes(self.has(&Capability::CondStore)),
                },
                claim_data(move |data| {
                    matches!(data, Data::Status { mailbox, .. } if same_mailbox(mailbox, &wanted))
                }),
            )
            .await?;
        let mut status = MailboxStatus::default();
        for response in completion.data {
            if let Response::Data(Data::Status { items, .. }) = response {
                status = MailboxStatus::from_items(&items);
            }
        }
        Ok(status)
    }

    /// `CREATE mailbox`. A name ending in the delimiter asks for a folder meant to hold
    /// other folders; missing parents are created by most servers.
    pub async fn create(&mut self, mailbox: &str) -> Result<(), Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        self.run_ok(CommandBody::Create { mailbox }, no_claim())
            .await
            .map(drop)
    }

    /// `DELETE mailbox`: the mailbox and its messages are gone for good.
    pub async fn delete(&mut self, mailbox: &str) -> Result<(), Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        self.run_ok(CommandBody::Delete { mailbox }, no_claim())
            .await
            .map(drop)
    }

    /// `RENAME from to`. Renaming INBOX moves its messages into a new mailbox and leaves
    /// INBOX empty (RFC 3501 §6.3.5).
    pub async fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let from = self.mailbox_name(from)?;
        let to = self.mailbox_name(to)?;
        self.run_ok(CommandBody::Rename { from, to }, no_claim())
            .await
            .map(drop)
    }

    /// `SUBSCRIBE mailbox`: adds it to the subscribed set other clients show.
    pub async fn subscribe(&mut self, mailbox: &str) -> Result<(), Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        self.run_ok(CommandBody::Subscribe { mailbox }, no_claim())
            .await
            .map(drop)
    }

    /// `UNSUBSCRIBE mailbox`.
    pub async fn unsubscribe(&mut self, mailbox: &str) -> Result<(), Error> {
        let mailbox = self.mailbox_name(mailbox)?;
        self.run_ok(CommandBody::Unsubscribe { mailbox }, no_claim())
            .await
            .map(drop)
    }

    /// `NAMESPACE` (RFC 2342): where the user's, other users' and shared mailboxes live,
    /// and their delimiters. [`Error::NotSupported`] when the server offers neither
    /// NAMESPACE nor IMAP4rev2 (nothing is sent then).
    pub async fn namespace(&mut self) -> Result<Namespaces, Error> {
        if !self.has(&Capability::Imap4Rev2) {
            self.require(&Capability::Namespace, "NAMESPACE", "NAMESPACE")?;
        }
        let completion = self
            .run_ok(
                CommandBody::Namespace,
                claim_data(|data| matches!(data, Data::Namespace { .. })),
            )
            .await?;
        let mut namespaces = Namespaces::default();
        for response in completion.data {
            if let Response::Data(Data::Namespace {
                personal,
                other,
                shared,
            }) = response
            {
                let convert = |list: Option<
                    Vec<crate::imap::codec::types::NamespaceDescription<'static>>,
                >| {
                    list.unwrap_or_default()
                        .into_iter()
                        .map(|description| Namespace {
                            prefix: self.decode_name(&MailboxName::from_wire(
                                description.prefix.as_bytes(),
                            )),
                            delimiter: description.delimiter,
                        })
                        .collect()
                };
                namespaces = Namespaces {
                    personal: convert(personal),
                    other: convert(other),
                    shared: convert(shared),
                };
            }
        }
        Ok(namespaces)
    }

    /// `GETQUOTAROOT mailbox` (RFC 9208): the quota roots the mailbox counts against and
    /// their usage. [`Error::NotSupported`] when the server does not offer QUOTA (nothing
    /// is sent then).
    pub async fn get_quota_root(&mut self, mailbox: &str) -> Result<QuotaRoots, Error> {
        let name = self.mailbox_name(mailbox)?;
        self.require(&Capability::Quota, "QUOTA", "GETQUOTAROOT")?;
        let completion = self
            .run_ok(
                CommandBody::GetQuotaRoot(name),
                claim_data(|data| matches!(data, Data::QuotaRoot { .. } | Data::Quota { .. })),
            )
            .await?;
        let mut answer = QuotaRoots::default();
        for response in completion.data {
            match response {
                Response::Data(Data::QuotaRoot { roots, .. }) => {
                    answer
                        .roots
                        .extend(roots.iter().map(|root| lossy(root.as_bytes())));
                }
                Response::Data(Data::Quota { root, resources }) => answer.quotas.push(Quota {
                    root: lossy(root.as_bytes()),
                    resources: resources
                        .into_iter()
                        .map(|resource| QuotaUsage {
                            resource: resource.name.as_str().to_owned(),
                            usage: resource.usage,
                            limit: resource.limit,
                        })
                        .collect(),
                }),
                _ => {}
            }
        }
        Ok(answer)
    }
}

fn no_claim() -> Claim {
    super::command::claim_nothing()
}

/// True when two wire names name the same mailbox (INBOX in any case).
pub(crate) fn same_mailbox(a: &MailboxName<'_>, b: &MailboxName<'_>) -> bool {
    a.as_bytes() == b.as_bytes() || (a.is_inbox() && b.is_inbox())
}

/// iCloud's Notes folders: `Notes` and anything under it.
fn is_notes(name: &str, delimiter: Option<char>) -> bool {
    let top = match delimiter {
        Some(delimiter) => name.split(delimiter).next().unwrap_or(name),
        None => name,
    };
    top.eq_ignore_ascii_case("Notes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_come_from_well_known_names_at_the_top_or_under_inbox_only() {
        let role = |name| MailboxRole::from_name(name, Some('/'));
        assert_eq!(role("Sent Messages"), Some(MailboxRole::Sent));
        assert_eq!(role("deleted items"), Some(MailboxRole::Trash));
        assert_eq!(role("INBOX/Drafts"), Some(MailboxRole::Drafts));
        assert_eq!(role("inbox"), Some(MailboxRole::Inbox));
        assert_eq!(role("Projects/Archive"), None);
        assert_eq!(role("INBOX/a/Junk"), None);
        assert_eq!(role("Archived"), None);
        assert_eq!(
            MailboxRole::from_name("INBOX.Trash", Some('.')),
            Some(MailboxRole::Trash)
        );
    }

    #[test]
    fn status_items_out_of_range_are_left_out_not_cut() {
        let status = MailboxStatus::from_items(&[
            StatusItem::Known(StatusAttribute::Messages, 5),
            StatusItem::Known(StatusAttribute::Unseen, u64::from(u32::MAX) + 1),
            StatusItem::Known(StatusAttribute::HighestModSeq, u64::from(u32::MAX) + 1),
        ]);
        assert_eq!(status.messages, Some(5));
        assert_eq!(status.unseen, None);
        assert_eq!(status.highest_modseq, Some(u64::from(u32::MAX) + 1));
    }

    #[test]
    fn cr_lf_and_nul_are_refused_in_names() {
        for bad in ["a\rb", "a\nb", "a\0b"] {
            assert!(matches!(
                check_text("mailbox name", bad),
                Err(Error::InvalidArgument { .. })
            ));
        }
        assert!(check_text("mailbox name", "Entwürfe & 日本").is_ok());
    }
}
