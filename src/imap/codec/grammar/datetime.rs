//! `date-time` and `date`.

use super::core::{byte, sp};
use super::{PResult, fail};
use crate::calendar::MONTHS;
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

/// Three letters folded to lower case in one integer: 0x20 folds ASCII letters, and no byte
/// that is not a letter folds onto one.
const fn month_key(name: [u8; 3]) -> u32 {
    u32::from_le_bytes([name[0], name[1], name[2], 0]) | 0x0020_2020
}

/// The key of each month's name, January first.
const MONTH_KEYS: [u32; 12] = {
    let mut keys = [0; 12];
    let mut index = 0;
    while index < 12 {
        let name = MONTHS[index].as_bytes();
        keys[index] = month_key([name[0], name[1], name[2]]);
        index += 1;
    }
    keys
};

/// A month's name, in any case: its number, 1 to 12.
fn month(input: &[u8]) -> PResult<'_, u8> {
    let Some((name, rest)) = input.split_first_chunk::<3>() else {
        return fail(input, "a month name");
    };
    let key = month_key(*name);
    match MONTH_KEYS.iter().position(|&month| month == key) {
        Some(index) => Ok((rest, index as u8 + 1)),
        None => fail(input, "a month name (Jan, Feb, ...)"),
    }
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
    match Date::checked(year as u16, month, day as u8) {
        Some(date) => Ok((rest, date)),
        None => fail(input, "a valid date"),
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

/// What eight bytes of a fixed-width `date-time` must hold, for a check a word at a time:
/// `9` is a digit, `?` any byte (checked elsewhere), anything else itself.
#[derive(Clone, Copy)]
struct WordShape {
    /// The bits compared: the high nibble of a digit, all of a fixed byte.
    mask: u64,
    /// Their values: `3` (0x30..=0x3f) for a digit, the byte itself for a fixed one.
    expected: u64,
    /// 6 added to each digit carries out of its high nibble exactly when it is past `9`.
    add: u64,
    /// The high nibble of each digit.
    digits: u64,
}

impl WordShape {
    const fn new(template: &[u8; 8]) -> WordShape {
        let mut shape = WordShape {
            mask: 0,
            expected: 0,
            add: 0,
            digits: 0,
        };
        let mut at = 0;
        while at < 8 {
            let shift = 8 * at;
            match template[at] {
                b'9' => {
                    shape.mask |= 0xf0 << shift;
                    shape.expected |= 0x30 << shift;
                    shape.add |= 0x06 << shift;
                    shape.digits |= 0xf0 << shift;
                }
                b'?' => {}
                byte => {
                    shape.mask |= 0xff << shift;
                    shape.expected |= (byte as u64) << shift;
                }
            }
            at += 1;
        }
        shape
    }

    /// Zero when `word` has the shape. A digit's byte is at most 0x3f once its high nibble
    /// is checked, so adding 6 carries into no other byte when the word has the shape.
    #[inline(always)]
    fn mismatch(self, word: u64) -> u64 {
        ((word & self.mask) ^ self.expected)
            | ((word.wrapping_add(self.add) & self.digits) ^ (self.expected & self.digits))
    }
}

/// Each byte of `word` holding the two-digit number whose tens are in that byte's low nibble
/// and whose units are in the next byte's (meaningful where both are digits). No byte
/// carries into another: a byte is at most 15 * 10 + 15.
#[inline(always)]
fn pairs(word: u64) -> u64 {
    let nibbles = word & 0x0f0f_0f0f_0f0f_0f0f;
    nibbles.wrapping_mul(10).wrapping_add(nibbles >> 8)
}

/// The byte at `index` of a little-endian word, as a number.
#[inline(always)]
fn byte_at(word: u64, index: u32) -> u32 {
    (word >> (8 * index)) as u8 as u32
}

/// A `date-time` of the usual fixed width (two-digit or space-padded day), read by position
/// with the year, time and zone checked and read a word at a time; `None` for anything
/// else, which [`date_time`] then reads field by field (and reports).
#[inline]
fn date_time_fixed(input: &[u8]) -> Option<(&[u8], DateTime)> {
    // `"dd-Mon-yyyy hh:mm:ss +zzzz"`: the year and hour, the minute to the zone's first
    // digit, and (overlapping) the zone to the closing quote.
    const YEAR_HOUR: WordShape = WordShape::new(b"9999 99:");
    const MINUTE_ZONE: WordShape = WordShape::new(b"99:99 ?9");
    const ZONE_QUOTE: WordShape = WordShape::new(b"???9999\"");
    let (b, rest) = input.split_first_chunk::<28>()?;
    let word = |at: usize| {
        b.get(at..at + 8)
            .and_then(|w| w.first_chunk::<8>())
            .copied()
    };
    let (year_hour, minute_zone, zone_quote) = (
        u64::from_le_bytes(word(8)?),
        u64::from_le_bytes(word(16)?),
        u64::from_le_bytes(word(20)?),
    );
    let mismatch = YEAR_HOUR.mismatch(year_hour)
        | MINUTE_ZONE.mismatch(minute_zone)
        | ZONE_QUOTE.mismatch(zone_quote);
    if mismatch != 0 || b[0] != b'"' || b[3] != b'-' || b[7] != b'-' {
        return None;
    }
    let digit = |at: usize| {
        let d = b[at].wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    let day = match b[1] {
        b' ' => digit(2)?,
        _ => digit(1)? * 10 + digit(2)?,
    };
    let (_, month) = month(&b[4..7]).ok()?;
    let sign = match b[22] {
        b'+' => 1i16,
        b'-' => -1i16,
        _ => return None,
    };
    let (year_hour, minute_zone, zone_quote) =
        (pairs(year_hour), pairs(minute_zone), pairs(zone_quote));
    let year = byte_at(year_hour, 0) * 100 + byte_at(year_hour, 2);
    let (hour, minute, second) = (
        byte_at(year_hour, 5),
        byte_at(minute_zone, 0),
        byte_at(minute_zone, 3),
    );
    let zone = sign * (byte_at(zone_quote, 3) as i16 * 60 + byte_at(zone_quote, 5) as i16);
    // Every field has two or four digits, so none is cut by the narrowing.
    let date = Date::checked(year as u16, month, day as u8)?;
    let value = DateTime::checked(date, hour as u8, minute as u8, second as u8, zone)?;
    Some((rest, value))
}

/// `date-time`: `"dd-Mon-yyyy hh:mm:ss +zzzz"`.
pub(crate) fn date_time(input: &[u8]) -> PResult<'_, DateTime> {
    match date_time_fixed(input) {
        Some(found) => Ok(found),
        None => date_time_fields(input),
    }
}

/// `date-time` read field by field: any width the grammar and servers allow. The rare
/// path, kept apart from [`date_time`]'s fixed-width reading so that the usual case stays
/// small.
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
    match DateTime::checked(day, hour as u8, minute as u8, second as u8, zone) {
        Some(value) => Ok((rest, value)),
        None => fail(input, "a valid date-time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for good in [
            *b"\" 7-Feb-1994 21:52:25 -0800\" rest",
            *b"\"17-Jul-2024 09:44:60 +1359\" rest",
        ] {
            spoil_each_byte(good);
        }
    }

    /// The fixed-width reader and the field-by-field one agree on `good` with any one of
    /// its date-time bytes spoilt.
    fn spoil_each_byte(good: [u8; 33]) {
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
