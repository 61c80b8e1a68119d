//! The values of the IMAP protocol, apart from how they are parsed or written.
//!
//! Parsed values borrow from the input buffer (`'a`); [`IntoOwned`] turns them into values
//! that own their bytes (`'static`).
//!
//! ```
//! use mailwire::imap::codec::types::{AString, IString, IntoOwned, MailboxName};
//!
//! // The constructors pick the cheapest form that carries the value.
//! assert!(matches!(AString::from("INBOX"), AString::Atom(_)));
//! assert!(matches!(AString::from("Sent Messages"), AString::String(IString::Quoted(_))));
//! assert!(matches!(AString::from("line\r\nbreak"), AString::String(IString::Literal(_))));
//!
//! let mailbox: MailboxName<'static> = MailboxName::from_name("Entwürfe", false);
//! assert_eq!(mailbox.as_bytes(), b"Entw&APw-rfe");
//! assert_eq!(mailbox.name(false).unwrap(), "Entwürfe");
//! let _owned: MailboxName<'static> = mailbox.into_owned();
//! ```

mod attributes;
mod body;
mod capability;
mod code;
mod command;
mod core;
mod datetime;
mod envelope;
mod extension;
mod fetch;
mod flag;
mod flags;
mod mailbox;
mod raw;
mod response;
mod search;
mod sequence;
mod sort;
mod status;
mod stream;

pub use attributes::MailboxAttributes;
pub use body::{
    BodyExtension, BodyStructure, Disposition, ExtensionData, MultiPart, MultiPartExtension,
    Parameter, Parameters, SinglePart, SinglePartExtension, SinglePartKind,
};
pub use capability::Capability;
pub(crate) use code::BARE_CODES;
pub use code::Code;
pub(crate) use command::LIST_RETURN_OPTIONS;
pub use command::{
    AppendMessage, AuthenticateData, Command, CommandBody, FetchModifier, ListMailbox,
    ListReturnOption, Secret, SelectParameter, StoreKind,
};
pub use core::{AString, Atom, IString, IntoOwned, Literal, LiteralMode, NString, Tag, Text};
pub(crate) use core::{name_in, named};
pub use datetime::{Date, DateTime};
pub use envelope::{Address, AddressField, Envelope};
pub use extension::{
    ESearch, ExtensionValue, IdParameters, NamespaceDescription, QuotaResource, SearchReturnData,
    Thread,
};
pub use fetch::{FetchAttribute, FetchItem, FetchItems, Partial, Section, SectionText};
pub use flag::Flag;
pub use flags::{Flags, FlagsIntoIter};
pub use mailbox::{ListExtendedItem, ListItem, MailboxAttribute, MailboxName};
pub(crate) use raw::Bytes;
pub use raw::Raw;
pub use response::{Continue, Data, Greeting, GreetingKind, Response, Status, StatusKind};
pub(crate) use search::SEARCH_RETURN_OPTIONS;
pub use search::{SearchKey, SearchReturnOption};
pub use sequence::{SeqBound, SeqRange, SequenceSet};
pub(crate) use sort::{SORT_KEYS, THREAD_ALGORITHMS};
pub use sort::{SortCriterion, SortKey, ThreadAlgorithm};
pub use status::{StatusAttribute, StatusItem};
pub use stream::{FetchStreamNext, FetchStreamStart, StreamedItem, StreamedLiteral};

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading a name with [`named`] and writing a value with [`name_in`] are inverse for
    /// every entry of `table`, in any case the name is sent.
    fn reads_and_writes_alike<T: Clone + PartialEq + std::fmt::Debug>(table: &[(&'static str, T)]) {
        for (name, value) in table {
            for sent in [name.to_string(), name.to_ascii_lowercase()] {
                assert_eq!(named(table, &sent).as_ref(), Some(value), "{sent}");
            }
            assert_eq!(name_in(table, value), Some(*name), "{value:?}");
        }
    }

    #[test]
    fn every_name_table_reads_and_writes_each_entry_as_itself() {
        reads_and_writes_alike(&status::STATUS_NAMES);
        reads_and_writes_alike(&SORT_KEYS);
        reads_and_writes_alike(&THREAD_ALGORITHMS);
        reads_and_writes_alike(&SEARCH_RETURN_OPTIONS);
        reads_and_writes_alike(&LIST_RETURN_OPTIONS);
        reads_and_writes_alike(&BARE_CODES);
        reads_and_writes_alike(&mailbox::NAMED);
    }
}
