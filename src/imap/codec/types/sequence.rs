//! Sequence sets: `1:4,7,9:*`, and `$`, the saved result of a search (RFC 5182).

use std::fmt;

use super::core::owned_is_self;

/// One end of a range: a number, or `*` (the largest number in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqBound {
    /// A message sequence number or UID.
    Value(u32),
    /// `*`
    Largest,
}

/// A single number (`end` is `None`) or a range `start:end` (either order is allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeqRange {
    /// The first bound.
    pub start: SeqBound,
    /// The second bound, for a range.
    pub end: Option<SeqBound>,
}

/// A set of message numbers or UIDs.
///
/// ```
/// use mailwire::imap::codec::types::SequenceSet;
///
/// let set = SequenceSet::range(1, 4).and(SequenceSet::single(7)).and(SequenceSet::from_to_last(9));
/// assert_eq!(set.to_string(), "1:4,7,9:*");
/// assert_eq!(set.contains(3, 100), Some(true));
/// assert_eq!(set.contains(8, 100), Some(false));
/// assert_eq!(set.contains(100, 100), Some(true));
///
/// // `$` (SEARCHRES, RFC 5182) names what the last `SEARCH RETURN (SAVE)` found, which only
/// // the server knows: resolve it against that result before asking what it holds.
/// let saved = SequenceSet::saved();
/// assert_eq!(saved.to_string(), "$");
/// assert_eq!(saved.contains(3, 100), None);
/// let found = SequenceSet::single(3).and(SequenceSet::single(5));
/// assert_eq!(saved.resolve(&found).expand(100, 10), Some(vec![3, 5]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SequenceSet {
    /// The comma-separated numbers and ranges; empty in a set that is only `$`.
    pub ranges: Vec<SeqRange>,
    /// True when the set also holds `$` (RFC 5182): the messages the last
    /// `SEARCH RETURN (SAVE)` found. Only a client sends it; it is written last (`1:4,$`), the
    /// one place the grammar allows it besides standing alone.
    pub saved: bool,
}

impl SequenceSet {
    /// `n`
    pub fn single(n: u32) -> Self {
        SequenceSet::of(SeqRange {
            start: SeqBound::Value(n),
            end: None,
        })
    }

    /// `start:end`
    pub fn range(start: u32, end: u32) -> Self {
        SequenceSet::of(SeqRange {
            start: SeqBound::Value(start),
            end: Some(SeqBound::Value(end)),
        })
    }

    /// `start:*`
    pub fn from_to_last(start: u32) -> Self {
        SequenceSet::of(SeqRange {
            start: SeqBound::Value(start),
            end: Some(SeqBound::Largest),
        })
    }

    /// `1:*`, every message.
    pub fn all() -> Self {
        SequenceSet::from_to_last(1)
    }

    /// `$`: the result of the last `SEARCH RETURN (SAVE)` (SEARCHRES, RFC 5182). A client may
    /// send it wherever a command takes a set, pipelined right after the SEARCH.
    pub fn saved() -> Self {
        SequenceSet {
            ranges: Vec::new(),
            saved: true,
        }
    }

    fn of(range: SeqRange) -> Self {
        SequenceSet {
            ranges: vec![range],
            saved: false,
        }
    }

    /// This set followed by `other`'s parts (the union of both).
    pub fn and(mut self, other: SequenceSet) -> Self {
        self.ranges.extend(other.ranges);
        self.saved |= other.saved;
        self
    }

    /// True when the set holds nothing at all (no number, no range, no `$`); such a set
    /// cannot be written.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && !self.saved
    }

    /// This set with `$` replaced by `saved`, the result the server kept: what a server does
    /// before it acts on a set. A set without `$` comes back unchanged.
    pub fn resolve(&self, saved: &SequenceSet) -> SequenceSet {
        let mut resolved = SequenceSet {
            ranges: self.ranges.clone(),
            saved: false,
        };
        if self.saved {
            resolved.ranges.extend_from_slice(&saved.ranges);
            // A saved result never holds `$` itself; if a caller's does, it stays unresolved
            // rather than being dropped.
            resolved.saved = saved.saved;
        }
        resolved
    }

    /// Whether `n` is in the set, reading `*` as `largest`.
    ///
    /// `None` when the answer depends on `$`: `n` is in none of the numbers and ranges, and
    /// the set also holds the saved search result, which only the server knows
    /// ([`resolve`](Self::resolve) it first).
    pub fn contains(&self, n: u32, largest: u32) -> Option<bool> {
        let value = |bound: SeqBound| match bound {
            SeqBound::Value(v) => v,
            SeqBound::Largest => largest,
        };
        let in_ranges = self.ranges.iter().any(|range| {
            let start = value(range.start);
            let end = range.end.map_or(start, value);
            (start.min(end)..=start.max(end)).contains(&n)
        });
        match (in_ranges, self.saved) {
            (true, _) => Some(true),
            (false, false) => Some(false),
            (false, true) => None,
        }
    }

    /// The numbers in the set, in order of appearance, with `*` read as `largest`.
    ///
    /// `None` when the set spans more than `max` numbers, or when it holds `$`, whose
    /// numbers only the server knows ([`resolve`](Self::resolve) it first).
    pub fn expand(&self, largest: u32, max: usize) -> Option<Vec<u32>> {
        if self.saved {
            return None;
        }
        let mut numbers = Vec::new();
        for range in &self.ranges {
            let value = |bound: SeqBound| match bound {
                SeqBound::Value(v) => v,
                SeqBound::Largest => largest,
            };
            let start = value(range.start);
            let end = range.end.map_or(start, value);
            let (low, high) = (start.min(end), start.max(end));
            if numbers.len() + (high - low) as usize >= max {
                return None;
            }
            numbers.extend(low..=high);
        }
        Some(numbers)
    }
}

impl fmt::Display for SeqBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeqBound::Value(n) => write!(f, "{n}"),
            SeqBound::Largest => f.write_str("*"),
        }
    }
}

impl fmt::Display for SequenceSet {
    /// The set as IMAP writes it: `1:4,7,9:*`, `$`, `1:4,$`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, range) in self.ranges.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}", range.start)?;
            if let Some(end) = range.end {
                write!(f, ":{end}")?;
            }
        }
        if self.saved {
            if !self.ranges.is_empty() {
                f.write_str(",")?;
            }
            f.write_str("$")?;
        }
        Ok(())
    }
}

owned_is_self!(SequenceSet);
