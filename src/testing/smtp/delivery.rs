//! Where an accepted message goes: the store's mailboxes for its accounts, `received()` for
//! everyone else.

use super::reply::*;
use super::server::ReceivedMail;
use super::session::Session;
use crate::imap::codec::types::Flag;
use crate::smtp::codec::OwnedReply;
use crate::testing::mail::{MailStore, ServerMode, StoreError};

/// The store's account an address names: the same name, or the same in another case
/// (domains are case-blind, and few servers keep local parts apart by case).
fn account_for<'a>(accounts: &'a [String], address: &str) -> Option<&'a String> {
    accounts
        .iter()
        .find(|account| *account == address)
        .or_else(|| {
            accounts
                .iter()
                .find(|account| account.eq_ignore_ascii_case(address))
        })
}

/// The domain of an address, after its last `@`.
fn domain(address: &str) -> Option<&str> {
    address.rsplit_once('@').map(|(_, domain)| domain)
}

impl Session<'_> {
    /// With a store, a recipient in one of its accounts' domains that names no account is
    /// refused at RCPT, as a real server refuses an unknown local user; other domains are
    /// accepted (an authenticated client may send anywhere) and kept for `received()`.
    pub(super) fn unknown_local_recipient(&self, address: &str) -> Option<OwnedReply> {
        let store = self.config().store.as_ref()?;
        let wanted = domain(address)?;
        let accounts = store.users();
        let local_domain = accounts
            .iter()
            .filter_map(|account| domain(account))
            .any(|known| known.eq_ignore_ascii_case(wanted));
        (local_domain && account_for(&accounts, address).is_none()).then(|| {
            self.reply(
                MAILBOX_UNAVAILABLE,
                (5, 1, 1),
                format!(
                    "<{address}>: Recipient address rejected: User unknown in virtual mailbox \
                     table"
                ),
            )
        })
    }

    /// Files a complete message and returns its queue id, or the reply refusing it when
    /// no recipient could take it.
    ///
    /// With several recipients, one whose mailbox is full does not stop the others: the
    /// message is accepted for them, as a real server accepts it and bounces the one.
    pub(super) fn file(&self, mail: ReceivedMail) -> Result<u64, OwnedReply> {
        let Some(store) = self.config().store.as_ref() else {
            return Ok(self.shared.keep(mail));
        };
        let accounts = store.users();
        let mut local: Vec<&String> = Vec::new();
        let mut remote = Vec::new();
        for recipient in &mail.recipients {
            match account_for(&accounts, recipient) {
                Some(account) if !local.contains(&account) => local.push(account),
                Some(_) => {}
                None => remote.push(recipient.clone()),
            }
        }
        let mut delivered = 0usize;
        let mut first_failure = None;
        for account in &local {
            match store.deliver(account, "INBOX", &mail.data) {
                Ok(_) => delivered += 1,
                Err(error) => {
                    first_failure.get_or_insert((*account, error));
                }
            }
        }
        if let Some((account, error)) =
            first_failure.filter(|_| delivered == 0 && remote.is_empty())
        {
            return Err(self.store_refusal(account, &error));
        }
        if store.mode() == ServerMode::Icloud {
            self.file_sent_copy(store, &accounts, &mail);
        }
        if remote.is_empty() {
            return Ok(self.shared.next_queue_id());
        }
        Ok(self.shared.keep(ReceivedMail {
            recipients: remote,
            ..mail
        }))
    }

    /// iCloud puts what its users submit in their `Sent Messages`, already read: the
    /// account that authenticated, else the sender's if it is one. A copy that does not
    /// fit is not a reason to refuse the message itself.
    fn file_sent_copy(&self, store: &MailStore, accounts: &[String], mail: &ReceivedMail) {
        let sender = self
            .authenticated_as
            .as_ref()
            .and_then(|user| account_for(accounts, user))
            .or_else(|| account_for(accounts, &mail.sender));
        if let Some(account) = sender {
            let _ = store.deliver_with(
                account,
                ServerMode::Icloud.sent_folder(),
                &mail.data,
                &[Flag::Seen],
                None,
            );
        }
    }

    /// The reply for a message the store would not take for `account`.
    fn store_refusal(&self, account: &str, error: &StoreError) -> OwnedReply {
        match error {
            StoreError::TooLarge { .. } => self.reply(
                TOO_BIG,
                (5, 3, 4),
                "Error: message size exceeds fixed maximum message size",
            ),
            StoreError::MailboxFull { .. } => self.reply(
                INSUFFICIENT_STORAGE,
                (4, 2, 2),
                format!("<{account}>: Mailbox full"),
            ),
            error => self.reply(
                LOCAL_ERROR,
                (4, 3, 0),
                format!("Error: the message could not be filed for <{account}>: {error}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::account_for;

    #[test]
    fn addresses_name_accounts_exactly_first_then_in_any_case() {
        let accounts = ["Bob@Example.test".to_owned(), "bob@example.test".to_owned()];
        assert_eq!(
            account_for(&accounts, "bob@example.test"),
            Some(&accounts[1])
        );
        assert_eq!(
            account_for(&accounts, "BOB@EXAMPLE.TEST"),
            Some(&accounts[0])
        );
        assert_eq!(account_for(&accounts, "alice@example.test"), None);
    }
}
