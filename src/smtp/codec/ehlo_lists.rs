//! The lists [`Capabilities`](super::Capabilities) reads back from an EHLO reply when
//! asked: the SASL mechanisms offered and the extensions without a field of their own.

use std::borrow::Cow;
use std::collections::HashSet;

use super::ehlo::{Line, text};
use super::ehlo_names::{Keyword, WELL_KNOWN_MECHANISMS, well_known_mechanism};
use super::reply::ReplyLines;
use crate::sasl;
use crate::scan::find_byte;

/// The SASL mechanisms of [`Capabilities`](super::Capabilities); see
/// [`Capabilities::mechanisms`](super::Capabilities::mechanisms).
#[derive(Debug, Clone)]
pub struct Mechanisms<'c> {
    lines: ReplyLines<'c>,
    /// The rest of the list being read.
    names: &'c [u8],
    /// A second list to read after it (after `AUTH=NAME` come the parameters).
    then: &'c [u8],
    well_known_seen: u32,
    others_seen: SeenNames<'c>,
}

impl<'c> Mechanisms<'c> {
    /// The mechanisms announced in `lines`, the lines after the greeting.
    pub(super) fn new(lines: ReplyLines<'c>) -> Self {
        Mechanisms {
            lines,
            names: &[],
            then: &[],
            well_known_seen: 0,
            others_seen: SeenNames::default(),
        }
    }
}

impl<'c> Iterator for Mechanisms<'c> {
    type Item = Cow<'c, str>;

    fn next(&mut self) -> Option<Cow<'c, str>> {
        loop {
            if self.names.is_empty() {
                if !self.then.is_empty() {
                    self.names = core::mem::take(&mut self.then);
                    continue;
                }
                match Line::read(self.lines.next()?) {
                    Line::Known(Keyword::Auth, names) => self.names = names,
                    Line::LegacyAuth(first, names) => (self.names, self.then) = (first, names),
                    _ => {}
                }
                continue;
            }
            let (name, rest) = match find_byte(b' ', self.names) {
                Some(space) => (&self.names[..space], &self.names[space + 1..]),
                None => (self.names, &[][..]),
            };
            self.names = rest;
            if sasl::check_mechanism_name(name).is_err() {
                continue;
            }
            if let Some(index) = well_known_mechanism(name) {
                let bit = 1 << index;
                if self.well_known_seen & bit == 0 {
                    self.well_known_seen |= bit;
                    return WELL_KNOWN_MECHANISMS
                        .get(index)
                        .map(|&known| Cow::Borrowed(known));
                }
            } else if self.others_seen.first_time(name) {
                return Some(match text(name) {
                    Cow::Borrowed(name) if !name.bytes().any(|byte| byte.is_ascii_lowercase()) => {
                        Cow::Borrowed(name)
                    }
                    name => Cow::Owned(name.to_ascii_uppercase()),
                });
            }
        }
    }
}

/// Which names outside [`WELL_KNOWN_MECHANISMS`] were listed already: a look along the few
/// that real servers send, and a set once a hostile one sends thousands.
#[derive(Debug, Clone, Default)]
struct SeenNames<'c> {
    listed: Vec<&'c [u8]>,
    set: Option<HashSet<Vec<u8>>>,
}

impl<'c> SeenNames<'c> {
    const LINEAR_LIMIT: usize = 16;

    /// True when `name` (any case) was not seen before; remembers it.
    fn first_time(&mut self, name: &'c [u8]) -> bool {
        if let Some(set) = &mut self.set {
            return set.insert(name.to_ascii_uppercase());
        }
        if self
            .listed
            .iter()
            .any(|seen| sasl::same_mechanism_name(seen, name))
        {
            return false;
        }
        self.listed.push(name);
        if self.listed.len() > Self::LINEAR_LIMIT {
            self.set = Some(
                self.listed
                    .drain(..)
                    .map(<[u8]>::to_ascii_uppercase)
                    .collect(),
            );
        }
        true
    }
}

/// The extensions of [`Capabilities`](super::Capabilities) without a field; see
/// [`Capabilities::others`](super::Capabilities::others).
#[derive(Debug, Clone)]
pub struct OtherExtensions<'c> {
    lines: ReplyLines<'c>,
}

impl<'c> OtherExtensions<'c> {
    /// The extensions without a field announced in `lines`, the lines after the greeting.
    pub(super) fn new(lines: ReplyLines<'c>) -> Self {
        OtherExtensions { lines }
    }
}

impl<'c> Iterator for OtherExtensions<'c> {
    type Item = (Cow<'c, str>, Cow<'c, str>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Line::Other(keyword, params) = Line::read(self.lines.next()?) {
                let keyword = match text(keyword) {
                    Cow::Borrowed(keyword)
                        if !keyword.bytes().any(|byte| byte.is_ascii_lowercase()) =>
                    {
                        Cow::Borrowed(keyword)
                    }
                    keyword => Cow::Owned(keyword.to_ascii_uppercase()),
                };
                return Some((keyword, text(params)));
            }
        }
    }
}
