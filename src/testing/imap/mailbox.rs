//! The mailbox commands: LIST (special-use, LIST-EXTENDED selection, LIST-STATUS), LSUB,
//! STATUS, CREATE, DELETE, RENAME, SUBSCRIBE and UNSUBSCRIBE.

use std::borrow::Cow;

use tokio::io::{AsyncRead, AsyncWrite};

use super::session::{Session, Step};
use crate::imap::codec::types::{
    AString, Atom, Code, Data, Flag, IntoOwned, ListExtendedItem, ListItem, ListMailbox,
    ListReturnOption, MailboxAttribute, MailboxAttributes, MailboxName, Raw, Response,
    StatusAttribute, StatusItem, Tag,
};
use crate::imap::codec::utf7;
use crate::testing::mail::StoreError;
use crate::testing::mail::mailbox::Mailbox;
use crate::testing::mail::store::{Account, DELIMITER, normalise};

/// The LIST selection options this server knows (RFC 5258, RFC 6154).
const SELECTION_OPTIONS: [&str; 4] = ["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"];

/// `[TOOBIG]` (RFC 4469): a message or literal over the size the server takes.
pub(super) fn too_big() -> Code<'static> {
    Code::Other {
        name: Atom::unchecked("TOOBIG"),
        arguments: None,
    }
}

/// The response code that says why the store refused.
pub(super) fn store_code(error: &StoreError) -> Code<'static> {
    match error {
        StoreError::NoSuchMailbox(_) | StoreError::NotSelectable(_) => Code::NonExistent,
        StoreError::MailboxExists(_) => Code::AlreadyExists,
        StoreError::TooLarge { .. } => too_big(),
        StoreError::MailboxFull { .. } => Code::OverQuota,
        StoreError::TooManyMailboxes { .. } => Code::Limit,
        StoreError::HasChildren(_) => Code::HasChildren,
        _ => Code::CanNot,
    }
}

/// Whether `name` matches a LIST pattern: `*` matches anything, `%` anything but the
/// hierarchy delimiter (RFC 3501 §6.3.8). Dynamic programming over both, so a pattern of
/// many wildcards costs no more than its length times the name's.
pub(super) fn pattern_matches(pattern: &[char], name: &[char]) -> bool {
    // Every character but a wildcard consumes one of the name's, so a longer pattern
    // cannot match; this also bounds the work below by the name's length.
    let fixed = pattern.iter().filter(|c| !matches!(c, '*' | '%')).count();
    if fixed > name.len() {
        return false;
    }
    // matched[j]: the pattern so far matches the first j characters of the name.
    let mut matched = vec![false; name.len() + 1];
    matched[0] = true;
    for &p in pattern {
        let mut next = vec![false; name.len() + 1];
        match p {
            '*' | '%' => {
                // Reachable: some earlier end of a match, with no delimiter since for `%`.
                let mut reachable = false;
                for j in 0..=name.len() {
                    if j > 0 && p == '%' && name[j - 1] == DELIMITER {
                        reachable = false;
                    }
                    reachable |= matched[j];
                    next[j] = reachable;
                }
            }
            literal => {
                for j in 1..=name.len() {
                    next[j] = matched[j - 1] && name[j - 1] == literal;
                }
            }
        }
        matched = next;
    }
    matched[name.len()]
}

/// The pattern a client sent, joined to its reference and decoded, INBOX in one case.
fn full_pattern(reference: &MailboxName<'_>, pattern: &[u8]) -> Vec<char> {
    collapse(raw_pattern(reference, pattern))
}

/// A run of wildcards matches what its widest member does: `%%` is `%`, `%*` is `*`.
fn collapse(pattern: Vec<char>) -> Vec<char> {
    let mut collapsed: Vec<char> = Vec::with_capacity(pattern.len());
    for c in pattern {
        match (collapsed.last_mut(), c) {
            (Some(last @ ('*' | '%')), '*' | '%') => {
                if c == '*' {
                    *last = '*';
                }
            }
            _ => collapsed.push(c),
        }
    }
    collapsed
}

fn raw_pattern(reference: &MailboxName<'_>, pattern: &[u8]) -> Vec<char> {
    let decode = |bytes: &[u8]| {
        utf7::decode(bytes).unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
    };
    let joined = decode(reference.as_bytes()) + &decode(pattern);
    let head: String = joined.chars().take(5).collect();
    let joined = if head.eq_ignore_ascii_case("INBOX")
        && joined.chars().nth(5).is_none_or(|c| c == DELIMITER)
    {
        format!("INBOX{}", joined.chars().skip(5).collect::<String>())
    } else {
        joined
    };
    joined.chars().collect()
}

/// The STATUS items of `mailbox` for `attributes`, in the order asked.
pub(super) fn status_items(
    mailbox: &Mailbox,
    attributes: &[StatusAttribute],
) -> Vec<StatusItem<'static>> {
    attributes
        .iter()
        .filter_map(|attribute| {
            let value = match attribute {
                StatusAttribute::Messages => mailbox.messages.len() as u64,
                StatusAttribute::Recent => 0,
                StatusAttribute::UidNext => u64::from(mailbox.uid_next),
                StatusAttribute::UidValidity => u64::from(mailbox.uid_validity),
                StatusAttribute::Unseen => mailbox.unseen() as u64,
                StatusAttribute::HighestModSeq => mailbox.highest_modseq,
                StatusAttribute::Size => mailbox.bytes,
                StatusAttribute::Deleted => mailbox
                    .messages
                    .iter()
                    .filter(|message| message.has(&Flag::Deleted))
                    .count() as u64,
                _ => return None,
            };
            Some(StatusItem::Known(*attribute, value))
        })
        .collect()
}

/// One mailbox as LIST shows it.
fn list_item(account: &Account, mailbox: &Mailbox, subscribed: bool) -> ListItem<'static> {
    let mut attributes = MailboxAttributes::new();
    attributes.insert(if account.has_children(&mailbox.name) {
        MailboxAttribute::HasChildren
    } else {
        MailboxAttribute::HasNoChildren
    });
    if let Some(special) = &mailbox.special_use {
        attributes.insert(special.clone());
    }
    if subscribed {
        attributes.insert(MailboxAttribute::Subscribed);
    }
    ListItem {
        attributes,
        delimiter: Some(DELIMITER),
        mailbox: wire_name(&mailbox.name),
        extended: Vec::new(),
    }
}

/// A mailbox name as it goes out: modified UTF-7.
pub(super) fn wire_name(name: &str) -> MailboxName<'static> {
    MailboxName::from(name).into_owned()
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Session<'_, S> {
    pub(super) async fn list(
        &mut self,
        tag: &Tag<'_>,
        selection: &[Atom<'_>],
        reference: &MailboxName<'_>,
        patterns: &[ListMailbox<'_>],
        return_options: &[ListReturnOption<'_>],
    ) -> Step {
        let selects = |name: &str| selection.iter().any(|s| s.eq_ignore_case(name));
        let only_subscribed = selects("SUBSCRIBED");
        let only_special = selects("SPECIAL-USE");
        let recursive = selects("RECURSIVEMATCH");
        // RFC 5258 §3: an option the server does not know, or RECURSIVEMATCH with nothing
        // to recurse on, is BAD; answering as if it were not there would mislead.
        let unknown = selection.iter().any(|s| {
            !SELECTION_OPTIONS
                .iter()
                .any(|known| s.eq_ignore_case(known))
        }) || return_options
            .iter()
            .any(|option| matches!(option, ListReturnOption::Other(_)));
        if unknown {
            return self.bad(tag, "Unknown LIST option").await;
        }
        if recursive && !(only_subscribed || only_special) {
            return self
                .bad(tag, "RECURSIVEMATCH needs another selection option")
                .await;
        }
        let show_subscribed = only_subscribed
            || return_options
                .iter()
                .any(|option| matches!(option, ListReturnOption::Subscribed));
        let status: Option<&[StatusAttribute]> =
            return_options.iter().find_map(|option| match option {
                ListReturnOption::Status(attributes) => Some(attributes.as_slice()),
                _ => None,
            });
        if patterns.len() == 1 && patterns[0].as_bytes().is_empty() {
            // `LIST "" ""` asks for the delimiter and the root.
            self.push(&Response::Data(Data::List(ListItem {
                attributes: [MailboxAttribute::NoSelect].into_iter().collect(),
                delimiter: Some(DELIMITER),
                mailbox: MailboxName::from_wire(&b""[..]),
                extended: Vec::new(),
            })));
            return self.done(tag, None, "LIST completed").await;
        }
        let patterns: Vec<Vec<char>> = patterns
            .iter()
            .map(|pattern| full_pattern(reference, pattern.as_bytes()))
            .collect();
        let responses = self
            .with_account(|account| {
                let mut responses = Vec::new();
                for mailbox in &account.mailboxes {
                    let name: Vec<char> = mailbox.name.chars().collect();
                    if !patterns
                        .iter()
                        .any(|pattern| pattern_matches(pattern, &name))
                    {
                        continue;
                    }
                    let subscribed = account.subscribed.contains(&mailbox.name);
                    // RECURSIVEMATCH (RFC 5258 §3): a mailbox not subscribed itself is
                    // still listed when one under it is, and says so with CHILDINFO.
                    let subscribed_below = recursive
                        && only_subscribed
                        && account.subscribed.iter().any(|name| {
                            name.strip_prefix(mailbox.name.as_str())
                                .is_some_and(|rest| rest.starts_with(DELIMITER))
                        });
                    if (only_subscribed && !subscribed && !subscribed_below)
                        || (only_special && mailbox.special_use.is_none())
                    {
                        continue;
                    }
                    let mut item = list_item(account, mailbox, show_subscribed && subscribed);
                    if subscribed_below {
                        item.extended.push(ListExtendedItem {
                            tag: AString::from("CHILDINFO"),
                            value: Raw(Cow::Borrowed(&b"(\"SUBSCRIBED\")"[..])),
                        });
                    }
                    responses.push(Response::Data(Data::List(item)));
                    if let Some(attributes) = status.filter(|_| mailbox.selectable) {
                        responses.push(Response::Data(Data::Status {
                            mailbox: wire_name(&mailbox.name),
                            items: status_items(mailbox, attributes),
                        }));
                    }
                }
                responses
            })
            .unwrap_or_default();
        self.answer(tag, &responses, "LIST completed").await
    }

    pub(super) async fn lsub(
        &mut self,
        tag: &Tag<'_>,
        reference: &MailboxName<'_>,
        pattern: &ListMailbox<'_>,
    ) -> Step {
        let pattern = full_pattern(reference, pattern.as_bytes());
        let responses = self
            .with_account(|account| {
                account
                    .subscribed
                    .iter()
                    .filter(|name| pattern_matches(&pattern, &name.chars().collect::<Vec<_>>()))
                    .map(|name| {
                        let mut attributes = MailboxAttributes::new();
                        if account.mailbox(name).is_none() {
                            attributes.insert(MailboxAttribute::NoSelect);
                        }
                        Response::Data(Data::Lsub(ListItem {
                            attributes,
                            delimiter: Some(DELIMITER),
                            mailbox: wire_name(name),
                            extended: Vec::new(),
                        }))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        self.answer(tag, &responses, "LSUB completed").await
    }

    pub(super) async fn status(
        &mut self,
        tag: &Tag<'_>,
        mailbox: &MailboxName<'_>,
        attributes: &[StatusAttribute],
    ) -> Step {
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::NonExistent), "Invalid mailbox name")
                .await;
        };
        let items = self
            .with_account(|account| {
                account
                    .mailbox(&name)
                    .filter(|mailbox| mailbox.selectable)
                    .map(|mailbox| status_items(mailbox, attributes))
            })
            .flatten();
        let Some(items) = items else {
            return self
                .no(tag, Some(Code::NonExistent), "Mailbox doesn't exist")
                .await;
        };
        self.push(&Response::Data(Data::Status {
            mailbox: wire_name(&name),
            items,
        }));
        self.done(tag, None, "STATUS completed").await
    }

    /// Answers a store refusal with NO and the code that names it.
    pub(super) async fn refused(&mut self, tag: &Tag<'_>, error: &StoreError) -> Step {
        let text = error.to_string();
        self.no(tag, Some(store_code(error)), &text).await
    }

    pub(super) async fn create(&mut self, tag: &Tag<'_>, mailbox: &MailboxName<'_>) -> Step {
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::CanNot), "Invalid mailbox name")
                .await;
        };
        // A trailing delimiter says that the mailbox will hold others (RFC 3501 §6.3.3).
        let name = name.strip_suffix(DELIMITER).unwrap_or(&name).to_owned();
        let created = {
            let account = self.account_name().to_owned();
            self.store.lock().create(&account, &name)
        };
        match created {
            Ok(()) => {
                self.store.notify();
                self.done(tag, None, "CREATE completed").await
            }
            Err(error) => self.refused(tag, &error).await,
        }
    }

    pub(super) async fn delete(&mut self, tag: &Tag<'_>, mailbox: &MailboxName<'_>) -> Step {
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::NonExistent), "Invalid mailbox name")
                .await;
        };
        if name == "INBOX" {
            return self
                .no(tag, Some(Code::CanNot), "INBOX cannot be deleted")
                .await;
        }
        let deleted = {
            let mut inner = self.store.lock();
            match inner.account_mut(self.account_name()) {
                Err(error) => Err(error),
                Ok(account) => match account.mailbox(&name).map(|mailbox| mailbox.id) {
                    None => Err(StoreError::NoSuchMailbox(name.clone())),
                    Some(_) if account.has_children(&name) => {
                        Err(StoreError::HasChildren(name.clone()))
                    }
                    Some(id) => {
                        account.mailboxes.retain(|mailbox| mailbox.id != id);
                        account.subscribed.remove(&name);
                        Ok(id)
                    }
                },
            }
        };
        match deleted {
            Ok(id) => {
                if self
                    .selected
                    .as_ref()
                    .is_some_and(|selected| selected.id == id)
                {
                    self.selected = None;
                }
                self.store.notify();
                self.done(tag, None, "DELETE completed").await
            }
            Err(error) => self.refused(tag, &error).await,
        }
    }

    pub(super) async fn rename(
        &mut self,
        tag: &Tag<'_>,
        from: &MailboxName<'_>,
        to: &MailboxName<'_>,
    ) -> Step {
        let (Some(from), Some(to)) = (Self::decode_name(from), Self::decode_name(to)) else {
            return self
                .no(tag, Some(Code::NonExistent), "Invalid mailbox name")
                .await;
        };
        let renamed = {
            let account = self.account_name().to_owned();
            let mut inner = self.store.lock();
            rename_in(&mut inner, &account, &from, &to)
        };
        match renamed {
            Ok(()) => {
                self.store.notify();
                self.done(tag, None, "RENAME completed").await
            }
            Err(error) => self.refused(tag, &error).await,
        }
    }

    pub(super) async fn subscribe(
        &mut self,
        tag: &Tag<'_>,
        mailbox: &MailboxName<'_>,
        subscribe: bool,
    ) -> Step {
        let Some(name) = Self::decode_name(mailbox) else {
            return self
                .no(tag, Some(Code::NonExistent), "Invalid mailbox name")
                .await;
        };
        let limit = self.store.limits().mailboxes;
        let result = {
            let mut inner = self.store.lock();
            match inner.account_mut(self.account_name()) {
                Err(error) => Err(error),
                Ok(account) if subscribe => {
                    if account.mailbox(&name).is_none() {
                        Err(StoreError::NoSuchMailbox(name.clone()))
                    } else if account.subscribed.len() >= limit
                        && !account.subscribed.contains(&name)
                    {
                        Err(StoreError::TooManyMailboxes { limit })
                    } else {
                        account.subscribed.insert(name.clone());
                        Ok(())
                    }
                }
                Ok(account) => {
                    account.subscribed.remove(&name);
                    Ok(())
                }
            }
        };
        match result {
            Ok(()) if subscribe => self.done(tag, None, "SUBSCRIBE completed").await,
            Ok(()) => self.done(tag, None, "UNSUBSCRIBE completed").await,
            Err(error) => self.refused(tag, &error).await,
        }
    }
}

/// RENAME in the store: the mailbox and those under it move to the new name; INBOX
/// instead gives its messages to a new mailbox and stays, empty (RFC 3501 §6.3.5).
fn rename_in(
    inner: &mut crate::testing::mail::store::Inner,
    account_name: &str,
    from: &str,
    to: &str,
) -> Result<(), StoreError> {
    inner.check_name(to)?;
    let account = inner.account(account_name)?;
    if account.mailbox(from).is_none() {
        return Err(StoreError::NoSuchMailbox(from.to_owned()));
    }
    if account.mailbox(to).is_some() {
        return Err(StoreError::MailboxExists(normalise(to)));
    }
    if to.starts_with(&format!("{from}{DELIMITER}")) {
        return Err(StoreError::Refused(
            "a mailbox cannot be renamed to a name under itself",
        ));
    }
    // The new name's parents, if missing, come first.
    if let Some((parent, _)) = to.rsplit_once(DELIMITER)
        && inner.account(account_name)?.mailbox(parent).is_none()
    {
        inner.create(account_name, parent)?;
    }
    if from == "INBOX" {
        inner.create(account_name, to)?;
        let account = inner.account_mut(account_name)?;
        let Some(inbox) = account.mailbox_mut("INBOX") else {
            return Err(StoreError::NoSuchMailbox(from.to_owned()));
        };
        let messages = std::mem::take(&mut inbox.messages);
        let bytes = std::mem::take(&mut inbox.bytes);
        let keywords = inbox.keywords.clone();
        let uid_next = inbox.uid_next;
        inbox.next_modseq();
        if let Some(target) = account.mailbox_mut(to) {
            target.messages = messages;
            target.bytes = bytes;
            target.keywords = keywords;
            target.uid_next = uid_next;
        }
        return Ok(());
    }
    let account = inner.account_mut(account_name)?;
    let prefix = format!("{from}{DELIMITER}");
    let moved = |name: &str| -> Option<String> {
        if name == from {
            Some(to.to_owned())
        } else {
            name.strip_prefix(&prefix)
                .map(|rest| format!("{to}{DELIMITER}{rest}"))
        }
    };
    for mailbox in &mut account.mailboxes {
        if let Some(name) = moved(&mailbox.name) {
            mailbox.name = name;
        }
    }
    let subscribed = std::mem::take(&mut account.subscribed);
    account.subscribed = subscribed
        .into_iter()
        .map(|name| moved(&name).unwrap_or(name))
        .collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, name: &str) -> bool {
        pattern_matches(
            &pattern.chars().collect::<Vec<_>>(),
            &name.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn runs_of_wildcards_collapse_to_their_widest() {
        assert_eq!(
            collapse("a%%b%*%c**".chars().collect()),
            "a%b*c*".chars().collect::<Vec<_>>()
        );
    }

    #[test]
    fn list_wildcards_match_as_rfc_3501_says() {
        assert!(matches("*", "INBOX"));
        assert!(matches("*", "a/b/c"));
        assert!(matches("%", "Sent"));
        assert!(!matches("%", "a/b"));
        assert!(matches("a/%", "a/b"));
        assert!(!matches("a/%", "a/b/c"));
        assert!(matches("a/*", "a/b/c"));
        assert!(matches("S%", "Sent Messages"));
        assert!(!matches("S%", "Trash"));
        assert!(matches("%/%", "a/b"));
        assert!(matches("*b", "a/b"));
        assert!(!matches("%b", "a/b"));
        assert!(matches("Entwürfe", "Entwürfe"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("%%*%", "x/y"));
        assert!(!matches("abcdef", "abc"));
    }
}
