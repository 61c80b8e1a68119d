//! The calendar date of an RFC 5322 `Date:` header, for SEARCH SENTBEFORE/SENTON/
//! SENTSINCE, and the instant of an internal date, for OLDER/YOUNGER.
//!
//! SENT* compare dates only, disregarding time and zone (RFC 3501 §6.4.4), so only the
//! day, month and year are read, leniently: the weekday is optional, two-digit years are
//! read as RFC 5322 §4.3 says, and anything else after the year is ignored.

use crate::calendar::{MONTHS, days_from_civil};
use crate::imap::codec::types::{Date, DateTime};

/// The date of a `Date:` value (`Tue, 1 Jul 2003 10:52:37 +0200`), `None` when it has none
/// that can be read.
pub(crate) fn header_date(value: &[u8]) -> Option<Date> {
    let text = std::str::from_utf8(value).ok()?;
    let mut words = text
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .skip_while(|word| !word.bytes().all(|b| b.is_ascii_digit()));
    let day: u8 = words.next()?.parse().ok()?;
    let month_name = words.next()?;
    let month = MONTHS
        .iter()
        .position(|name| {
            month_name
                .get(..3)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(name))
        })
        .and_then(|index| u8::try_from(index + 1).ok())?;
    let year_text = words.next()?;
    if !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: u16 = year_text.parse().ok()?;
    let year = match (year_text.len(), year) {
        (2, year) if year < 50 => 2000 + year,
        (2 | 3, year) => 1900 + year,
        (_, year) => year,
    };
    Date::checked(year, month, day)
}

/// Seconds since 1970-01-01 UTC of an internal date.
pub(crate) fn unix_seconds(at: &DateTime) -> i64 {
    let days = days_from_civil(
        i64::from(at.date.year),
        i64::from(at.date.month),
        i64::from(at.date.day),
    );
    days * 86_400 + i64::from(at.hour) * 3600 + i64::from(at.minute) * 60 + i64::from(at.second)
        - i64::from(at.zone_minutes) * 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> Option<Date> {
        Date::new(year, month, day).ok()
    }

    #[test]
    fn header_dates_read_as_senders_write_them() {
        let cases: [(&str, Option<Date>); 8] = [
            ("Tue, 1 Jul 2003 10:52:37 +0200", date(2003, 7, 1)),
            ("1 jul 2003 10:52:37 +0200", date(2003, 7, 1)),
            ("Fri, 21 Nov 97 09:55:06 -0600", date(1997, 11, 21)),
            ("Sat, 05 Dec 2026 01:00:00 +0000 (UTC)", date(2026, 12, 5)),
            ("Mon,  3 Feb 14 00:00 GMT", date(2014, 2, 3)),
            ("Thursday, 13 February 2025 12:00", date(2025, 2, 13)),
            ("yesterday", None),
            ("Tue, 41 Jul 2003", None),
        ];
        for (value, expected) in cases {
            assert_eq!(header_date(value.as_bytes()), expected, "{value}");
        }
    }

    #[test]
    fn internal_dates_count_seconds_in_utc() {
        let epoch = DateTime::new(Date::new(1970, 1, 1).unwrap(), 0, 0, 0, 0).unwrap();
        assert_eq!(unix_seconds(&epoch), 0);
        // 2026-12-05 01:00:00 +0100 is 00:00:00 UTC.
        let at = DateTime::new(Date::new(2026, 12, 5).unwrap(), 1, 0, 0, 60).unwrap();
        assert_eq!(unix_seconds(&at), 1_796_428_800);
        let leap = DateTime::new(Date::new(2000, 2, 29).unwrap(), 0, 0, 0, 0).unwrap();
        assert_eq!(unix_seconds(&leap), 951_782_400);
    }
}
