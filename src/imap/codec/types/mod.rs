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

pub use attributes::MailboxAttributes;
pub use body::{
    BodyExtension, BodyStructure, Disposition, ExtensionData, MultiPart, MultiPartExtension,
    Parameter, Parameters, SinglePart, SinglePartExtension, SinglePartKind,
};
pub use capability::Capability;
pub(crate) use code::BARE_CODES;
pub use code::Code;
pub use command::{
    AppendMessage, AuthenticateData, Command, CommandBody, FetchModifier, ListMailbox,
    ListReturnOption, Secret, SelectParameter, StoreKind,
};
pub use core::{AString, Atom, IString, IntoOwned, Literal, LiteralMode, NString, Tag, Text};
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
pub use search::{SearchKey, SearchReturnOption};
pub use sequence::{SeqBound, SeqRange, SequenceSet};
pub use sort::{SortCriterion, SortKey, ThreadAlgorithm};
pub use status::{StatusAttribute, StatusItem};
