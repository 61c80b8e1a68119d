//! NUL may travel in a literal8 only (RFC 3516); a client that puts it in another literal
//! sends something a server may not accept and this codec will not write.

use crate::imap::codec::types::{
    AString, CommandBody, FetchAttribute, FetchItems, IString, ListMailbox, MailboxName, SearchKey,
    SectionText,
};

fn in_string<'c>(value: &'c IString<'_>) -> Option<&'c [u8]> {
    match value {
        IString::Literal(literal) if !literal.binary && literal.data.contains(&0) => {
            Some(&literal.data)
        }
        _ => None,
    }
}

fn in_astring<'c>(value: &'c AString<'_>) -> Option<&'c [u8]> {
    match value {
        AString::String(string) => in_string(string),
        AString::Atom(_) => None,
    }
}

fn in_mailbox<'c>(value: &'c MailboxName<'_>) -> Option<&'c [u8]> {
    in_astring(&value.0)
}

fn in_search_key<'c>(key: &'c SearchKey<'_>) -> Option<&'c [u8]> {
    key.find_string(&mut in_astring)
}

fn in_fetch_items<'c>(items: &'c FetchItems<'_>) -> Option<&'c [u8]> {
    let FetchItems::Attributes(attributes) = items else {
        return None;
    };
    attributes.iter().find_map(|attribute| match attribute {
        FetchAttribute::BodySection { section, .. } => match &section.text {
            Some(SectionText::HeaderFields(fields) | SectionText::HeaderFieldsNot(fields)) => {
                fields.iter().find_map(in_astring)
            }
            _ => None,
        },
        _ => None,
    })
}

/// The data of the first literal that holds NUL without being a literal8, if any.
pub(crate) fn literal_with_nul<'c>(body: &'c CommandBody<'_>) -> Option<&'c [u8]> {
    use CommandBody as C;
    match body {
        C::Login { username, password } => {
            in_astring(username).or_else(|| in_astring(password.expose()))
        }
        C::Select { mailbox, .. }
        | C::Examine { mailbox, .. }
        | C::Create { mailbox }
        | C::Delete { mailbox }
        | C::Subscribe { mailbox }
        | C::Unsubscribe { mailbox }
        | C::Status { mailbox, .. }
        | C::Copy { mailbox, .. }
        | C::Move { mailbox, .. }
        | C::GetQuotaRoot(mailbox) => in_mailbox(mailbox),
        C::Rename { from, to } => in_mailbox(from).or_else(|| in_mailbox(to)),
        C::List {
            reference,
            patterns,
            ..
        } => in_mailbox(reference).or_else(|| {
            patterns.iter().find_map(|pattern| match pattern {
                ListMailbox::String(string) => in_string(string),
                ListMailbox::Token(_) => None,
            })
        }),
        C::Lsub { reference, pattern } => in_mailbox(reference).or_else(|| match pattern {
            ListMailbox::String(string) => in_string(string),
            ListMailbox::Token(_) => None,
        }),
        C::Append { mailbox, messages } => in_mailbox(mailbox).or_else(|| {
            messages.iter().find_map(|append| {
                let literal = &append.message;
                (!literal.binary && literal.data.contains(&0)).then_some(&literal.data[..])
            })
        }),
        C::Search {
            charset, criteria, ..
        } => charset
            .as_ref()
            .and_then(in_astring)
            .or_else(|| criteria.iter().find_map(in_search_key)),
        C::Sort {
            charset, search, ..
        }
        | C::Thread {
            charset, search, ..
        } => in_astring(charset).or_else(|| search.iter().find_map(in_search_key)),
        C::Fetch { items, .. } => in_fetch_items(items),
        C::Id(Some(pairs)) => pairs.iter().find_map(|(name, value)| {
            in_string(name).or_else(|| value.as_ref().and_then(in_string))
        }),
        C::GetQuota(root) | C::SetQuota { root, .. } => in_astring(root),
        _ => None,
    }
}
