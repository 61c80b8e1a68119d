//! A command as it reads back after the encoder framed it for a given server.
//!
//! The encoder keeps every value but may change how a string is framed, for the server's
//! sake, and the parser records the frame it read:
//! - a literal is announced as the options allow (`{N+}` with LITERAL+, or LITERAL- and
//!   at most 4096 bytes; `{N}` otherwise), whatever mode the value asked for;
//! - a quoted string with 8-bit bytes goes out as a literal unless UTF8=ACCEPT is on.
//!
//! [`framed`] applies exactly those changes, so a round trip must give back `framed(value)`
//! and nothing else.

use std::borrow::Cow;

use mailwire::imap::codec::EncodeOptions;
use mailwire::imap::codec::types::{
    AString, Command, CommandBody, FetchAttribute, FetchItems, IString, IntoOwned, ListMailbox,
    Literal, LiteralMode, MailboxName, SearchKey, Secret, SectionText,
};

/// `command` as the encoder frames it under `options`.
pub fn framed(command: &Command<'_>, options: &EncodeOptions) -> Command<'static> {
    let mut command = command.to_static();
    body(&mut command.body, options);
    command
}

fn mode(options: &EncodeOptions, size: usize) -> LiteralMode {
    if options.literal_plus || (options.literal_minus && size <= 4096) {
        LiteralMode::NonSync
    } else {
        LiteralMode::Sync
    }
}

fn literal(value: &mut Literal<'static>, options: &EncodeOptions) {
    value.mode = mode(options, value.data.len());
}

fn string(value: &mut IString<'static>, options: &EncodeOptions) {
    match value {
        IString::Quoted(bytes) if !options.utf8_accept && !bytes.is_ascii() => {
            let data = std::mem::replace(bytes, Cow::Borrowed(&[]));
            let mode = mode(options, data.len());
            *value = IString::Literal(Literal {
                data,
                mode,
                binary: false,
            });
        }
        IString::Quoted(_) => {}
        IString::Literal(value) => literal(value, options),
    }
}

fn astring(value: &mut AString<'static>, options: &EncodeOptions) {
    if let AString::String(value) = value {
        string(value, options);
    }
}

fn mailbox(value: &mut MailboxName<'static>, options: &EncodeOptions) {
    astring(&mut value.0, options);
}

fn pattern(value: &mut ListMailbox<'static>, options: &EncodeOptions) {
    if let ListMailbox::String(value) = value {
        string(value, options);
    }
}

fn search_key(key: &mut SearchKey<'static>, options: &EncodeOptions) {
    use SearchKey as K;
    match key {
        K::Bcc(s) | K::Body(s) | K::Cc(s) | K::From(s) | K::Subject(s) | K::Text(s) | K::To(s) => {
            astring(s, options)
        }
        K::Header(name, value) => {
            astring(name, options);
            astring(value, options);
        }
        K::Not(inner) => search_key(inner, options),
        K::Or(left, right) => {
            search_key(left, options);
            search_key(right, options);
        }
        K::And(keys) => keys.iter_mut().for_each(|key| search_key(key, options)),
        _ => {}
    }
}

fn body(body: &mut CommandBody<'static>, options: &EncodeOptions) {
    use CommandBody as C;
    match body {
        C::Login { username, password } => {
            astring(username, options);
            let mut exposed = password.expose().clone();
            astring(&mut exposed, options);
            *password = Secret::new(exposed);
        }
        C::Select { mailbox: m, .. }
        | C::Examine { mailbox: m, .. }
        | C::Create { mailbox: m }
        | C::Delete { mailbox: m }
        | C::Subscribe { mailbox: m }
        | C::Unsubscribe { mailbox: m }
        | C::Status { mailbox: m, .. }
        | C::Copy { mailbox: m, .. }
        | C::Move { mailbox: m, .. }
        | C::GetQuotaRoot(m) => mailbox(m, options),
        C::Rename { from, to } => {
            mailbox(from, options);
            mailbox(to, options);
        }
        C::List {
            reference,
            patterns,
            ..
        } => {
            mailbox(reference, options);
            patterns.iter_mut().for_each(|p| pattern(p, options));
        }
        C::Lsub {
            reference,
            pattern: p,
        } => {
            mailbox(reference, options);
            pattern(p, options);
        }
        C::Append {
            mailbox: m,
            messages,
        } => {
            mailbox(m, options);
            for message in messages {
                literal(&mut message.message, options);
            }
        }
        C::Search {
            charset, criteria, ..
        } => {
            if let Some(charset) = charset {
                astring(charset, options);
            }
            criteria.iter_mut().for_each(|key| search_key(key, options));
        }
        C::Sort {
            charset, search, ..
        }
        | C::Thread {
            charset, search, ..
        } => {
            astring(charset, options);
            search.iter_mut().for_each(|key| search_key(key, options));
        }
        C::Fetch {
            items: FetchItems::Attributes(attributes),
            ..
        } => {
            for attribute in attributes {
                if let FetchAttribute::BodySection { section, .. } = attribute
                    && let Some(
                        SectionText::HeaderFields(fields) | SectionText::HeaderFieldsNot(fields),
                    ) = &mut section.text
                {
                    fields.iter_mut().for_each(|field| astring(field, options));
                }
            }
        }
        C::Id(Some(pairs)) => {
            for (name, value) in pairs {
                string(name, options);
                if let Some(value) = value {
                    string(value, options);
                }
            }
        }
        C::GetQuota(root) | C::SetQuota { root, .. } => astring(root, options),
        _ => {}
    }
}
