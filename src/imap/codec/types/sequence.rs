//! Sequence sets: `1:4,7,9:*`.

use std::fmt;

use super::core::IntoOwned;

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
/// assert!(set.contains(3, 100) && !set.contains(8, 100) && set.contains(100, 100));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SequenceSet {
    /// The comma-separated parts, never empty when parsed.
    pub ranges: Vec<SeqRange>,
}

impl SequenceSet {
    /// `n`
    pub fn single(n: u32) -> Self {
        SequenceSet {
            ranges: vec![SeqRange {
                start: SeqBound::Value(n),
                end: None,
            }],
        }
    }

    /// `start:end`
    pub fn range(start: u32, end: u32) -> Self {
        SequenceSet {
            ranges: vec![SeqRange {
                start: SeqBound::Value(start),
                end: Some(SeqBound::Value(end)),
            }],
        }
    }

    /// `start:*`
    pub fn from_to_last(start: u32) -> Self {
        SequenceSet {
            ranges: vec![SeqRange {
                start: SeqBound::Value(start),
                end: Some(SeqBound::Largest),
            }],
        }
    }

    /// `1:*`, every message.
    pub fn all() -> Self {
        SequenceSet::from_to_last(1)
    }

    /// This set followed by `other`'s parts.
    pub fn and(mut self, other: SequenceSet) -> Self {
        self.ranges.extend(other.ranges);
        self
    }

    /// True when `n` is in the set, reading `*` as `largest`.
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        let value = |bound: SeqBound| match bound {
            SeqBound::Value(v) => v,
            SeqBound::Largest => largest,
        };
        self.ranges.iter().any(|range| {
            let start = value(range.start);
            let end = range.end.map_or(start, value);
            (start.min(end)..=start.max(end)).contains(&n)
        })
    }

    /// The numbers in the set, in order of appearance, with `*` read as `largest`; `None`
    /// when the set spans more than `max` numbers.
    pub fn expand(&self, largest: u32, max: usize) -> Option<Vec<u32>> {
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
        Ok(())
    }
}

impl IntoOwned for SequenceSet {
    type Owned = SequenceSet;
    fn into_owned(self) -> SequenceSet {
        self
    }
}
