//! The flag list of a FETCH response (`FLAGS (\Seen $Junk)`).
//!
//! ```
//! use mailwire::imap::codec::types::{Flag, Flags};
//!
//! let flags: Flags<'static> = [Flag::Seen, Flag::Answered].into_iter().collect();
//! assert_eq!(flags.len(), 2);
//! assert!(flags.contains(&Flag::Seen));
//! assert_eq!(flags.first(), Some(&Flag::Seen));
//! assert_eq!(flags, vec![Flag::Seen, Flag::Answered]);
//! assert_eq!(flags.into_vec(), vec![Flag::Seen, Flag::Answered]);
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use super::core::IntoOwned;
use super::flag::Flag;

/// How many flags a [`Flags`] holds without allocating. Most messages carry none, one or
/// two (`\Seen`, `\Seen \Answered`); a third would make every `FetchItem` larger, since a
/// flag takes 32 bytes and the item holds the list in place.
const INLINE: usize = 2;

/// The flags of one message, in the order the server sent them.
///
/// Up to two flags are kept in place, so the usual lists cost no allocation; longer lists
/// live on the heap. It reads as a slice of [`Flag`] (`len`, `get`, `iter`, `contains`,
/// indexing, ...), and compares and hashes like one, whichever way it is stored.
///
/// A plain `Vec` would be simpler; the storage in place stays because FETCH responses
/// carrying the usual metadata parse measurably faster with it (the IMAP benchmark's docs
/// give the figures and how to measure them again).
#[derive(Clone)]
pub struct Flags<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    /// The first `len` entries are the flags; the others are filler, never read.
    Inline {
        len: InlineLen,
        items: [Flag<'a>; INLINE],
    },
    Heap(Vec<Flag<'a>>),
}

/// The length of an inline list. An enum rather than a number so that the compiler knows
/// it never passes the array's length (no bounds checks, no panic path).
#[derive(Clone, Copy)]
enum InlineLen {
    Zero,
    One,
    Two,
}

impl InlineLen {
    fn get(self) -> usize {
        match self {
            InlineLen::Zero => 0,
            InlineLen::One => 1,
            InlineLen::Two => 2,
        }
    }
}

/// What fills the unused inline slots: a flag without data, so it costs nothing to write
/// or drop.
const FILLER: Flag<'static> = Flag::Seen;

impl<'a> Flags<'a> {
    /// An empty list (no allocation).
    pub const fn new() -> Self {
        Flags(Repr::Inline {
            len: InlineLen::Zero,
            items: [FILLER, FILLER],
        })
    }

    /// Adds `flag` at the end.
    #[inline]
    pub fn push(&mut self, flag: Flag<'a>) {
        match &mut self.0 {
            Repr::Inline { len, items } => match *len {
                InlineLen::Zero => {
                    items[0] = flag;
                    *len = InlineLen::One;
                }
                InlineLen::One => {
                    items[1] = flag;
                    *len = InlineLen::Two;
                }
                InlineLen::Two => self.spill(flag),
            },
            Repr::Heap(list) => list.push(flag),
        }
    }

    /// Moves a full inline list to the heap, with `flag` after it.
    #[cold]
    fn spill(&mut self, flag: Flag<'a>) {
        if let Repr::Inline { items, .. } = &mut self.0 {
            // Room for a few more: a list that outgrows two usually stops at three or four.
            let mut list = Vec::with_capacity(2 * INLINE);
            list.extend(items.iter_mut().map(|item| std::mem::replace(item, FILLER)));
            list.push(flag);
            self.0 = Repr::Heap(list);
        }
    }

    /// The flags as a slice.
    #[inline]
    pub fn as_slice(&self) -> &[Flag<'a>] {
        match &self.0 {
            Repr::Inline { len, items } => items.get(..len.get()).unwrap_or_default(),
            Repr::Heap(list) => list,
        }
    }

    /// The flags as a `Vec` (allocates unless the list already lives on the heap).
    pub fn into_vec(self) -> Vec<Flag<'a>> {
        self.into_iter().collect()
    }
}

impl Default for Flags<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Deref for Flags<'a> {
    type Target = [Flag<'a>];
    #[inline]
    fn deref(&self) -> &[Flag<'a>] {
        self.as_slice()
    }
}

impl<'a> AsRef<[Flag<'a>]> for Flags<'a> {
    fn as_ref(&self) -> &[Flag<'a>] {
        self.as_slice()
    }
}

impl fmt::Debug for Flags<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl PartialEq for Flags<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Flags<'_> {}

impl<'a> PartialEq<Vec<Flag<'a>>> for Flags<'a> {
    fn eq(&self, other: &Vec<Flag<'a>>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<'a> PartialEq<[Flag<'a>]> for Flags<'a> {
    fn eq(&self, other: &[Flag<'a>]) -> bool {
        self.as_slice() == other
    }
}

impl<'a, const N: usize> PartialEq<[Flag<'a>; N]> for Flags<'a> {
    fn eq(&self, other: &[Flag<'a>; N]) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Hash for Flags<'_> {
    /// Hashes as the slice does, so a list hashes the same inline or on the heap.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<'a> From<Vec<Flag<'a>>> for Flags<'a> {
    /// Keeps the `Vec` as the storage (no copy).
    fn from(list: Vec<Flag<'a>>) -> Self {
        Flags(Repr::Heap(list))
    }
}

impl<'a, const N: usize> From<[Flag<'a>; N]> for Flags<'a> {
    fn from(list: [Flag<'a>; N]) -> Self {
        list.into_iter().collect()
    }
}

impl<'a> From<Flags<'a>> for Vec<Flag<'a>> {
    fn from(flags: Flags<'a>) -> Self {
        flags.into_vec()
    }
}

impl<'a> FromIterator<Flag<'a>> for Flags<'a> {
    fn from_iter<I: IntoIterator<Item = Flag<'a>>>(iter: I) -> Self {
        let mut flags = Flags::new();
        flags.extend(iter);
        flags
    }
}

impl<'a> Extend<Flag<'a>> for Flags<'a> {
    fn extend<I: IntoIterator<Item = Flag<'a>>>(&mut self, iter: I) {
        for flag in iter {
            self.push(flag);
        }
    }
}

impl<'a, 'b> IntoIterator for &'b Flags<'a> {
    type Item = &'b Flag<'a>;
    type IntoIter = std::slice::Iter<'b, Flag<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a> IntoIterator for Flags<'a> {
    type Item = Flag<'a>;
    type IntoIter = FlagsIntoIter<'a>;
    fn into_iter(self) -> FlagsIntoIter<'a> {
        FlagsIntoIter(match self.0 {
            Repr::Inline { len, items } => Stored::Inline(items.into_iter().take(len.get())),
            Repr::Heap(list) => Stored::Heap(list.into_iter()),
        })
    }
}

/// The flags of a [`Flags`], by value.
#[derive(Debug)]
pub struct FlagsIntoIter<'a>(Stored<'a>);

#[derive(Debug)]
enum Stored<'a> {
    Inline(std::iter::Take<std::array::IntoIter<Flag<'a>, INLINE>>),
    Heap(std::vec::IntoIter<Flag<'a>>),
}

impl<'a> Iterator for FlagsIntoIter<'a> {
    type Item = Flag<'a>;
    fn next(&mut self) -> Option<Flag<'a>> {
        match &mut self.0 {
            Stored::Inline(iter) => iter.next(),
            Stored::Heap(iter) => iter.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Stored::Inline(iter) => iter.size_hint(),
            Stored::Heap(iter) => iter.size_hint(),
        }
    }
}

impl ExactSizeIterator for FlagsIntoIter<'_> {}

impl IntoOwned for Flags<'_> {
    type Owned = Flags<'static>;
    fn into_owned(self) -> Flags<'static> {
        match self.0 {
            Repr::Inline { len, items } => {
                let [first, second] = items;
                Flags(Repr::Inline {
                    len,
                    items: [first.into_owned(), second.into_owned()],
                })
            }
            Repr::Heap(list) => Flags(Repr::Heap(list.into_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::codec::types::{Atom, FetchItem};
    use std::collections::hash_map::DefaultHasher;

    fn keyword(name: &str) -> Flag<'_> {
        Flag::Keyword(Atom::unchecked(name))
    }

    fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    fn lists() -> Vec<Vec<Flag<'static>>> {
        vec![
            vec![],
            vec![Flag::Seen],
            vec![Flag::Seen, Flag::Answered],
            vec![Flag::Seen, keyword("$Junk"), keyword("NonJunk")],
            vec![
                Flag::Deleted,
                Flag::Extension(Atom::unchecked("Custom")),
                keyword("$Forwarded"),
                Flag::Flagged,
                Flag::Draft,
            ],
        ]
    }

    #[test]
    fn a_fetch_item_is_no_larger_for_holding_flags_in_place() {
        assert_eq!(size_of::<FetchItem<'static>>(), 96);
        assert_eq!(size_of::<Flags<'static>>(), 72);
    }

    #[test]
    fn pushed_flags_keep_their_order_in_place_and_on_the_heap() {
        for list in lists() {
            let mut flags = Flags::new();
            for flag in list.iter().cloned() {
                flags.push(flag);
            }
            assert_eq!(flags.len(), list.len());
            assert_eq!(flags.is_empty(), list.is_empty());
            assert_eq!(flags.as_slice(), list.as_slice());
            assert_eq!(
                flags.iter().collect::<Vec<_>>(),
                list.iter().collect::<Vec<_>>()
            );
            for (index, flag) in list.iter().enumerate() {
                assert_eq!(flags.get(index), Some(flag));
                assert!(flags.contains(flag));
            }
            assert_eq!(flags.get(list.len()), None);
            let stored_in_place = matches!(flags.0, Repr::Inline { .. });
            assert_eq!(stored_in_place, list.len() <= INLINE, "{list:?}");
        }
    }

    #[test]
    fn a_list_equals_and_hashes_as_its_vec_however_stored() {
        for list in lists() {
            let collected: Flags<'_> = list.iter().cloned().collect();
            let wrapped = Flags::from(list.clone());
            assert!(matches!(wrapped.0, Repr::Heap(_)));
            assert_eq!(collected, wrapped);
            assert_eq!(collected, list);
            assert_eq!(hash_of(&collected), hash_of(&wrapped));
            assert_eq!(hash_of(&collected), hash_of(&list));
            assert_eq!(format!("{collected:?}"), format!("{list:?}"));
            assert_eq!(collected.clone().into_vec(), list);
            assert_eq!(Vec::from(wrapped), list);
            assert_eq!(collected.into_iter().len(), list.len());
        }
        let seen: Flags<'_> = [Flag::Seen].into();
        assert_ne!(seen, Flags::from(vec![Flag::Answered]));
        assert_ne!(seen, Flags::new());
        assert_eq!(seen, [Flag::Seen]);
    }

    #[test]
    fn an_owned_list_keeps_every_flag() {
        let text = String::from("$Junk NonJunk $Phishing");
        let names: Vec<&str> = text.split(' ').collect();
        for count in 0..=names.len() {
            let borrowed: Flags<'_> = names[..count].iter().map(|name| keyword(name)).collect();
            let expected: Vec<Flag<'static>> = borrowed
                .iter()
                .cloned()
                .map(IntoOwned::into_owned)
                .collect();
            let owned: Flags<'static> = borrowed.into_owned();
            assert_eq!(owned, expected);
            assert_eq!(owned.len(), count);
        }
    }

    #[test]
    fn fetched_flags_are_written_back_as_they_came() {
        use crate::imap::codec::types::{Data, Response};
        use crate::imap::codec::{Parsed, encode_response, parse_response};
        use crate::limits::Limits;

        for (wire, expected) in [
            ("* 1 FETCH (FLAGS ())\r\n", vec![]),
            ("* 2 FETCH (FLAGS (\\Seen))\r\n", vec![Flag::Seen]),
            (
                "* 3 FETCH (FLAGS (\\Seen \\Answered))\r\n",
                vec![Flag::Seen, Flag::Answered],
            ),
            (
                "* 4 FETCH (FLAGS (\\Seen $Junk NonJunk \\Flagged \\X-Custom))\r\n",
                vec![
                    Flag::Seen,
                    keyword("$Junk"),
                    keyword("NonJunk"),
                    Flag::Flagged,
                    Flag::Extension(Atom::unchecked("X-Custom")),
                ],
            ),
        ] {
            let Ok(Parsed::Complete(response, _)) =
                parse_response(wire.as_bytes(), &Limits::default())
            else {
                panic!("{wire:?} does not parse");
            };
            let Response::Data(Data::Fetch { items, .. }) = &response else {
                panic!("{wire:?} is not a FETCH: {response:?}");
            };
            assert_eq!(items.as_slice(), [FetchItem::Flags(expected.into())]);
            let mut out = Vec::new();
            encode_response(&response.into_owned(), &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), wire);
        }
    }
}
