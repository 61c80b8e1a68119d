//! Dates as IMAP writes them: `"17-Jul-1996 02:44:25 -0700"` and `1-Feb-1994`.

use std::fmt;

use super::core::owned_is_self;
use crate::imap::codec::error::EncodeError;

// IMAP and RFC 5322 share the English month abbreviations.
use crate::calendar::MONTHS;

/// A calendar date (SEARCH SINCE/BEFORE/ON ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// Four-digit year.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
}

impl Date {
    /// A date, checked for ranges (not for the length of each month).
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, EncodeError> {
        Date::checked(year, month, day).ok_or(EncodeError::Unrepresentable {
            what: "date",
            reason: "year, month or day is out of range",
        })
    }

    /// The ranges [`Date::new`] checks, without the error it builds: the parser's date
    /// readers call it once per date, where building an error no one reads would cost more
    /// than the check.
    #[inline(always)]
    pub(crate) const fn checked(year: u16, month: u8, day: u8) -> Option<Date> {
        if year <= 9999 && matches!(month, 1..=12) && matches!(day, 1..=31) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }
}

impl fmt::Display for Date {
    /// `1-Feb-1994`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS
            .get(usize::from(self.month).wrapping_sub(1))
            .unwrap_or(&"Jan");
        write!(f, "{}-{}-{:04}", self.day, month, self.year)
    }
}

/// A date and time with a zone offset (INTERNALDATE, APPEND).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The calendar date.
    pub date: Date,
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 60 (leap second).
    pub second: u8,
    /// Offset from UTC in minutes, -1439 to 1439.
    pub zone_minutes: i16,
}

impl DateTime {
    /// A date-time, checked for ranges.
    pub fn new(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        zone_minutes: i16,
    ) -> Result<Self, EncodeError> {
        DateTime::checked(date, hour, minute, second, zone_minutes).ok_or(
            EncodeError::Unrepresentable {
                what: "date-time",
                reason: "hour, minute, second or zone is out of range",
            },
        )
    }

    /// The ranges [`DateTime::new`] checks, without the error it builds (see
    /// [`Date::checked`]).
    #[inline(always)]
    pub(crate) const fn checked(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        zone_minutes: i16,
    ) -> Option<DateTime> {
        if hour <= 23 && minute <= 59 && second <= 60 && matches!(zone_minutes, -1439..=1439) {
            Some(DateTime {
                date,
                hour,
                minute,
                second,
                zone_minutes,
            })
        } else {
            None
        }
    }
}

impl fmt::Display for DateTime {
    /// `17-Jul-1996 02:44:25 -0700`, day padded with a space as the grammar asks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = MONTHS
            .get(usize::from(self.date.month).wrapping_sub(1))
            .unwrap_or(&"Jan");
        let sign = if self.zone_minutes < 0 { '-' } else { '+' };
        let zone = self.zone_minutes.unsigned_abs();
        write!(
            f,
            "{:>2}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}",
            self.date.day,
            month,
            self.date.year,
            self.hour,
            self.minute,
            self.second,
            sign,
            zone / 60,
            zone % 60
        )
    }
}

owned_is_self!(Date, DateTime);
