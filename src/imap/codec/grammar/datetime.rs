//! `date-time` and `date`.

use super::core::{byte, sp};
use super::{PResult, fail};
use crate::imap::codec::types::{Date, DateTime};

fn fixed_digits(input: &[u8], n: usize) -> PResult<'_, u32> {
    match input.get(..n) {
        Some(text) if text.iter().all(u8::is_ascii_digit) => {
            let value = text
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
            Ok((&input[n..], value))
        }
        _ => fail(input, "digits of a date"),
    }
}

fn month(input: &[u8]) -> PResult<'_, u8> {
    // The three letters folded to lower case in one integer (0x20 folds ASCII letters; a
    // byte that is not a letter folds to no month's value).
    let key = match input {
        [a, b, c, ..] => u32::from_le_bytes([*a, *b, *c, 0]) | 0x0020_2020,
        _ => return fail(input, "a month name"),
    };
    const fn name(month: &[u8; 3]) -> u32 {
        u32::from_le_bytes([month[0], month[1], month[2], 0]) | 0x0020_2020
    }
    let month = match key {
        k if k == name(b"jan") => 1,
        k if k == name(b"feb") => 2,
        k if k == name(b"mar") => 3,
        k if k == name(b"apr") => 4,
        k if k == name(b"may") => 5,
        k if k == name(b"jun") => 6,
        k if k == name(b"jul") => 7,
        k if k == name(b"aug") => 8,
        k if k == name(b"sep") => 9,
        k if k == name(b"oct") => 10,
        k if k == name(b"nov") => 11,
        k if k == name(b"dec") => 12,
        _ => return fail(input, "a month name (Jan, Feb, ...)"),
    };
    Ok((&input[3..], month))
}

/// `date-text`: day (1 or 2 digits, or space-padded), month name, four-digit year.
fn date_text(input: &[u8]) -> PResult<'_, Date> {
    let rest = input.strip_prefix(b" ").unwrap_or(input);
    let (rest, day) = match fixed_digits(rest, 2) {
        Ok(found) => found,
        Err(_) => fixed_digits(rest, 1)?,
    };
    let (rest, ()) = byte(rest, b'-', "`-` in a date")?;
    let (rest, month) = month(rest)?;
    let (rest, ()) = byte(rest, b'-', "`-` in a date")?;
    let (rest, year) = fixed_digits(rest, 4)?;
    match Date::new(year as u16, month, day as u8) {
        Ok(date) => Ok((rest, date)),
        Err(_) => fail(input, "a valid date"),
    }
}

/// `date`: a date, bare or quoted (SEARCH keys).
pub(crate) fn date(input: &[u8]) -> PResult<'_, Date> {
    match input.strip_prefix(b"\"") {
        Some(inner) => {
            let (rest, value) = date_text(inner)?;
            let (rest, ()) = byte(rest, b'"', "`\"` after a date")?;
            Ok((rest, value))
        }
        None => date_text(input),
    }
}

/// A `date-time` of the usual fixed width (two-digit or space-padded day), read by position;
/// `None` for anything else, which [`date_time`] then reads field by field (and reports).
#[inline]
fn date_time_fixed(input: &[u8]) -> Option<(&[u8], DateTime)> {
    let (b, rest) = input.split_first_chunk::<28>()?;
    let punctuation = [
        (0, b'"'),
        (3, b'-'),
        (7, b'-'),
        (12, b' '),
        (15, b':'),
        (18, b':'),
        (21, b' '),
        (27, b'"'),
    ];
    if punctuation.iter().any(|&(at, expected)| b[at] != expected) {
        return None;
    }
    let digit = |at: usize| {
        let d = b[at].wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    let two = |at: usize| Some(digit(at)? * 10 + digit(at + 1)?);
    let day = match b[1] {
        b' ' => digit(2)?,
        _ => two(1)?,
    };
    let (_, month) = month(&b[4..7]).ok()?;
    let year = two(8)? * 100 + two(10)?;
    let sign = match b[22] {
        b'+' => 1i16,
        b'-' => -1i16,
        _ => return None,
    };
    let zone = sign * (two(23)? as i16 * 60 + two(25)? as i16);
    let (hour, minute, second) = (two(13)?, two(16)?, two(19)?);
    // The ranges `Date::new` and `DateTime::new` check, without building their errors (the
    // year has four digits, the month came from its name).
    let in_range = (1..=31).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60
        && (-1439..=1439).contains(&zone);
    in_range.then_some((
        rest,
        DateTime {
            date: Date {
                year: year as u16,
                month,
                day: day as u8,
            },
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            zone_minutes: zone,
        },
    ))
}

/// `date-time`: `"dd-Mon-yyyy hh:mm:ss +zzzz"`.
pub(crate) fn date_time(input: &[u8]) -> PResult<'_, DateTime> {
    match date_time_fixed(input) {
        Some(found) => Ok(found),
        None => date_time_fields(input),
    }
}

/// `date-time` read field by field: any width the grammar and servers allow. Kept out of
/// [`date_time`] so that the usual case saves and restores no registers for it.
#[cold]
#[inline(never)]
fn date_time_fields(input: &[u8]) -> PResult<'_, DateTime> {
    let (rest, ()) = byte(input, b'"', "a quoted date-time")?;
    let (rest, day) = date_text(rest)?;
    let (rest, ()) = sp(rest)?;
    let (rest, hour) = fixed_digits(rest, 2)?;
    let (rest, ()) = byte(rest, b':', "`:` in a time")?;
    let (rest, minute) = fixed_digits(rest, 2)?;
    let (rest, ()) = byte(rest, b':', "`:` in a time")?;
    let (rest, second) = fixed_digits(rest, 2)?;
    let (rest, ()) = sp(rest)?;
    let (sign, rest) = match rest.first() {
        Some(b'+') => (1i16, &rest[1..]),
        Some(b'-') => (-1i16, &rest[1..]),
        _ => return fail(rest, "a zone (+hhmm or -hhmm)"),
    };
    let (rest, zone_hours) = fixed_digits(rest, 2)?;
    let (rest, zone_minutes) = fixed_digits(rest, 2)?;
    let (rest, ()) = byte(rest, b'"', "`\"` after a date-time")?;
    let zone = sign * (zone_hours as i16 * 60 + zone_minutes as i16);
    match DateTime::new(day, hour as u8, minute as u8, second as u8, zone) {
        Ok(value) => Ok((rest, value)),
        Err(_) => fail(input, "a valid date-time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imap::codec::types::MONTHS;

    #[test]
    fn rfc_3501_date_times() {
        let (_, value) = date_time(b"\"17-Jul-1996 02:44:25 -0700\"").unwrap();
        assert_eq!(value.to_string(), "17-Jul-1996 02:44:25 -0700");
        let (_, value) = date_time(b"\" 7-Feb-1994 21:52:25 -0800\"").unwrap();
        assert_eq!(value.to_string(), " 7-Feb-1994 21:52:25 -0800");
        assert_eq!(date(b"1-Feb-1994").unwrap().1.to_string(), "1-Feb-1994");
        assert!(date_time(b"\"17-Foo-1996 02:44:25 -0700\"").is_err());
        for (index, name) in MONTHS.iter().enumerate() {
            for written in [name.to_string(), name.to_uppercase(), name.to_lowercase()] {
                let text = format!("3-{written}-2024");
                assert_eq!(date(text.as_bytes()).unwrap().1.month as usize, index + 1);
            }
        }
        // Bytes that fold onto letters only when they are letters.
        assert!(date(b"3-J\x01n-2024").is_err() && date(b"3-\x0aan-2024").is_err());
        assert!(date_time(b"\"17-Jul-1996 25:44:25 -0700\"").is_err());
        // The fixed-width reader takes the usual forms itself.
        for usual in [
            &b"\"17-Jul-1996 02:44:25 -0700\""[..],
            b"\" 7-Feb-1994 21:52:25 +0800\"",
            b"\"31-dec-2024 23:59:60 +1359\"",
        ] {
            let (_, fast) = date_time_fixed(usual).unwrap();
            assert_eq!(fast, date_time_fields(usual).unwrap().1);
        }
        // The fixed-width reader and the field-by-field one agree, byte by byte spoilt.
        let good = *b"\" 7-Feb-1994 21:52:25 -0800\" rest";
        for at in 0..28 {
            for bad in [
                b'x',
                b' ',
                b'0',
                b'9',
                b'-',
                b'+',
                b'"',
                b'\r',
                b'/',
                b':',
                b'?',
                0xb0,
                0x39 + 0x80,
            ] {
                let mut text = good;
                text[at] = bad;
                let slow = date_time_fields(&text).map(|(rest, v)| (rest.to_vec(), v));
                let either = date_time(&text).map(|(rest, v)| (rest.to_vec(), v));
                assert_eq!(either.is_ok(), slow.is_ok(), "{}", text.escape_ascii());
                if let (Ok(either), Ok(slow)) = (either, slow) {
                    assert_eq!(either, slow);
                }
            }
        }
    }
}
