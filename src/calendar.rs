//! Calendar arithmetic every layer that reads or writes a date shares: the RFC 5322 `Date`
//! header of [`message`](crate::message), IMAP's dates (`INTERNALDATE`, SEARCH dates) and
//! the certificate validity dates `net` reports. It sits at the crate's base so that the
//! codecs and the connection depend on no layer above them; it needs no calendar crate, so
//! the codec layer keeps its short dependency list.
//!
//! Mail dates are always written in UTC (`+0000`): the sender's zone is nobody's business
//! and the recipient's client converts for display.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use mailwire::message::format_date;
//!
//! let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400);
//! assert_eq!(format_date(leap_day), "Tue, 29 Feb 2000 00:00:00 +0000");
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// The English month abbreviations, January first, as both RFC 5322 and IMAP write them.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `time` as an RFC 5322 date-time in UTC, such as
/// `Wed, 25 Nov 2026 01:10:02 +0000`. Fractions of a second are dropped; times before
/// 1970 are handled too.
pub fn format_date(time: SystemTime) -> String {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            // Round toward the past, so that 0.5 s before the epoch is 23:59:59.
            let duration = before.duration();
            let whole = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
            let partial = i64::from(duration.subsec_nanos() > 0);
            whole.saturating_add(partial).saturating_neg()
        }
    };
    format_unix_seconds(seconds)
}

/// Formats seconds since 1970-01-01T00:00:00Z as an RFC 5322 date-time in UTC.
pub(crate) fn format_unix_seconds(seconds: i64) -> String {
    // Some 35 million years either way: beyond any clock, and small enough that the
    // calendar arithmetic cannot overflow.
    const LIMIT: i64 = (1 << 40) * SECONDS_PER_DAY;
    let seconds = seconds.clamp(-LIMIT, LIMIT);
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = (days.rem_euclid(7) + 4) % 7;
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[weekday as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60,
    )
}

/// Proleptic Gregorian (year, month 1..=12, day 1..=31) of a day counted from 1970-01-01.
///
/// `days` must stay within about ±2^50 so the arithmetic cannot overflow.
/// Howard Hinnant's `civil_from_days`: shift the year to start in March so that the leap
/// day ends it, then split into 400-year eras of 146 097 days.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a proleptic Gregorian (year, month 1..=12, day 1..=31): the
/// inverse of [`civil_from_days`] (Howard Hinnant's `days_from_civil`).
#[cfg(feature = "testing")]
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The calendar walked one year and one month at a time: slow, obvious, and written
    /// without the era arithmetic it checks.
    fn walk_calendar(mut days: i64) -> (i64, i64, i64) {
        let is_leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let year_len = |y: i64| if is_leap(y) { 366 } else { 365 };
        let mut year = 1970;
        while days < 0 {
            year -= 1;
            days += year_len(year);
        }
        while days >= year_len(year) {
            days -= year_len(year);
            year += 1;
        }
        let month_lens = [
            31,
            if is_leap(year) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let mut month = 1;
        for len in month_lens {
            if days < len {
                break;
            }
            days -= len;
            month += 1;
        }
        (year, month, days + 1)
    }

    #[cfg(feature = "testing")]
    #[test]
    fn days_from_civil_inverts_civil_from_days() {
        for days in (-800_000..800_000)
            .step_by(97)
            .chain([0, -1, 11_016, 47_541])
        {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(
                days_from_civil(year, month, day),
                days,
                "{year}-{month}-{day}"
            );
        }
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
    }

    #[test]
    fn known_dates() {
        // Expected strings checked against GNU `date -u -d @SECONDS`.
        let cases = [
            (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (1_798_675_200, "Thu, 31 Dec 2026 00:00:00 +0000"),
            (1_795_569_002, "Wed, 25 Nov 2026 01:10:02 +0000"),
            (68_169_600, "Tue, 29 Feb 1972 00:00:00 +0000"),
            (1_330_473_600, "Wed, 29 Feb 2012 00:00:00 +0000"),
            (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 +0000"),
            (253_402_300_799, "Fri, 31 Dec 9999 23:59:59 +0000"),
            (-1, "Wed, 31 Dec 1969 23:59:59 +0000"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(format_unix_seconds(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn system_times_on_both_sides_of_the_epoch() {
        assert_eq!(
            format_date(UNIX_EPOCH + Duration::from_millis(951_782_400_999)),
            "Tue, 29 Feb 2000 00:00:00 +0000"
        );
        assert_eq!(
            format_date(UNIX_EPOCH - Duration::from_millis(500)),
            "Wed, 31 Dec 1969 23:59:59 +0000"
        );
        assert_eq!(
            format_date(UNIX_EPOCH - Duration::from_secs(86_400 * 365)),
            "Wed, 01 Jan 1969 00:00:00 +0000"
        );
    }

    #[test]
    fn era_arithmetic_matches_walking_the_calendar() {
        // Every day from 1900 to 2101 (leap rules of 1900, 2000 and 2100 included), and a
        // stride through four centuries either side.
        for days in -25_567..=47_846 {
            assert_eq!(civil_from_days(days), walk_calendar(days), "day {days}");
        }
        for days in (-200_000..200_000).step_by(997) {
            assert_eq!(civil_from_days(days), walk_calendar(days), "day {days}");
        }
    }

    #[test]
    fn weekdays_cycle_from_a_known_thursday() {
        for week in -100..100 {
            let thursday = week * 7 * SECONDS_PER_DAY;
            assert!(format_unix_seconds(thursday).starts_with("Thu, "));
            assert!(format_unix_seconds(thursday + SECONDS_PER_DAY).starts_with("Fri, "));
        }
    }

    #[test]
    fn absurd_clocks_do_not_panic() {
        let _ = format_unix_seconds(i64::MAX);
        let _ = format_unix_seconds(i64::MIN);
    }
}
