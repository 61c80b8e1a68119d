//! The few DER (X.690) encodings an X.509 certificate needs, written by hand so the crate
//! pulls in no certificate-building dependency.
//!
//! Every function returns one complete TLV (tag, length, value). Values are built inside
//! out: the caller encodes the parts, then wraps them in a [`sequence`].

use std::net::IpAddr;

use crate::calendar::civil_from_days;

const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;
const UTF8_STRING: u8 = 0x0c;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
/// `[2] IMPLICIT IA5String` and `[7] IMPLICIT OCTET STRING` in a GeneralName (RFC 5280
/// section 4.2.1.6).
const DNS_NAME: u8 = 0x82;
const IP_ADDRESS: u8 = 0x87;
/// `[0] IMPLICIT OCTET STRING`: the keyIdentifier of an AuthorityKeyIdentifier.
const KEY_IDENTIFIER: u8 = 0x80;

/// One TLV with a definite length in the shortest form, as DER requires.
pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let first = bytes
            .iter()
            .position(|&byte| byte != 0)
            .unwrap_or(bytes.len() - 1);
        let significant = bytes.get(first..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(value);
    out
}

/// `SEQUENCE { parts... }`.
pub(crate) fn sequence(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// `[n] EXPLICIT` around one encoded value.
pub(crate) fn explicit(number: u8, inner: &[u8]) -> Vec<u8> {
    tlv(0xa0 | (number & 0x1f), inner)
}

/// A non-negative INTEGER from its big-endian magnitude.
pub(crate) fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let first = magnitude
        .iter()
        .position(|&byte| byte != 0)
        .unwrap_or(magnitude.len());
    let trimmed = magnitude.get(first..).unwrap_or_default();
    let mut value = Vec::with_capacity(trimmed.len() + 1);
    // A leading 1 bit would make it negative in two's complement; zero is one 0 byte.
    if trimmed.first().is_none_or(|&byte| byte & 0x80 != 0) {
        value.push(0);
    }
    value.extend_from_slice(trimmed);
    tlv(INTEGER, &value)
}

/// `BOOLEAN`.
pub(crate) fn boolean(value: bool) -> Vec<u8> {
    tlv(BOOLEAN, &[if value { 0xff } else { 0 }])
}

/// `BIT STRING` of whole bytes (no unused bits).
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut value = Vec::with_capacity(bytes.len() + 1);
    value.push(0);
    value.extend_from_slice(bytes);
    tlv(BIT_STRING, &value)
}

/// A named-bit `BIT STRING` (such as KeyUsage) with bits numbered from the most
/// significant bit of the first byte; DER drops trailing zero bits.
pub(crate) fn named_bits(bits: &[u8]) -> Vec<u8> {
    let Some(&highest) = bits.iter().max() else {
        return tlv(BIT_STRING, &[0]);
    };
    let mut bytes = vec![0u8; usize::from(highest / 8) + 1];
    for &bit in bits {
        if let Some(byte) = bytes.get_mut(usize::from(bit / 8)) {
            *byte |= 0x80 >> (bit % 8);
        }
    }
    let unused = 7 - highest % 8;
    let mut value = vec![unused];
    value.extend_from_slice(&bytes);
    tlv(BIT_STRING, &value)
}

/// `OCTET STRING`.
pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, bytes)
}

/// `OBJECT IDENTIFIER` from its arcs (the first two at least).
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut value = Vec::new();
    let (first, second) = match arcs {
        [first, second, ..] => (*first, *second),
        _ => return tlv(OBJECT_IDENTIFIER, &[]),
    };
    base128(first * 40 + second, &mut value);
    for &arc in arcs.get(2..).unwrap_or_default() {
        base128(arc, &mut value);
    }
    tlv(OBJECT_IDENTIFIER, &value)
}

/// An OID arc in base 128, high bit set on every byte but the last.
fn base128(mut arc: u64, out: &mut Vec<u8>) {
    let mut groups = vec![(arc & 0x7f) as u8];
    arc >>= 7;
    while arc > 0 {
        groups.push(0x80 | (arc & 0x7f) as u8);
        arc >>= 7;
    }
    out.extend(groups.iter().rev());
}

/// A Name with a single common name: `SEQUENCE { SET { SEQUENCE { cn, UTF8String } } }`.
pub(crate) fn common_name(name: &str) -> Vec<u8> {
    const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
    let attribute = sequence(&[&oid(COMMON_NAME), &tlv(UTF8_STRING, name.as_bytes())]);
    sequence(&[&tlv(SET, &attribute)])
}

/// A certificate time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 section
/// 4.1.2.5), always in UTC with seconds.
pub(crate) fn time(unix_seconds: i64) -> Vec<u8> {
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let clock = format!(
        "{month:02}{day:02}{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    );
    if (1950..2050).contains(&year) {
        tlv(UTC_TIME, format!("{:02}{clock}", year % 100).as_bytes())
    } else {
        tlv(GENERALIZED_TIME, format!("{year:04}{clock}").as_bytes())
    }
}

/// One entry of a subjectAltName: a DNS name or an IP address.
pub(crate) enum AltName<'a> {
    Dns(&'a str),
    Ip(IpAddr),
}

/// `GeneralNames` for a subjectAltName extension.
pub(crate) fn general_names(names: &[AltName<'_>]) -> Vec<u8> {
    let entries: Vec<Vec<u8>> = names
        .iter()
        .map(|name| match name {
            AltName::Dns(dns) => tlv(DNS_NAME, dns.as_bytes()),
            AltName::Ip(IpAddr::V4(v4)) => tlv(IP_ADDRESS, &v4.octets()),
            AltName::Ip(IpAddr::V6(v6)) => tlv(IP_ADDRESS, &v6.octets()),
        })
        .collect();
    let parts: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    sequence(&parts)
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier }`.
pub(crate) fn authority_key_identifier(key_id: &[u8]) -> Vec<u8> {
    sequence(&[&tlv(KEY_IDENTIFIER, key_id)])
}

/// `Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }`: the
/// default is left out, as DER requires.
pub(crate) fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let critical = if critical { boolean(true) } else { Vec::new() };
    sequence(&[&oid(id), &critical, &octet_string(value)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_take_the_short_form_below_128_and_the_fewest_bytes_above() {
        assert_eq!(tlv(0x04, &[7; 3]), [0x04, 3, 7, 7, 7]);
        assert_eq!(tlv(0x04, &[0; 127])[..2], [0x04, 0x7f]);
        assert_eq!(tlv(0x04, &[0; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn integers_are_minimal_and_never_negative() {
        assert_eq!(unsigned_integer(&[]), [0x02, 1, 0]);
        assert_eq!(unsigned_integer(&[0, 0, 2]), [0x02, 1, 2]);
        assert_eq!(unsigned_integer(&[0x80]), [0x02, 2, 0, 0x80]);
        assert_eq!(unsigned_integer(&[0, 0x7f, 1]), [0x02, 2, 0x7f, 1]);
    }

    #[test]
    fn object_identifiers_match_their_published_encodings() {
        // ecdsa-with-SHA256 and id-kp-serverAuth, as every certificate carries them.
        assert_eq!(
            oid(&[1, 2, 840, 10045, 4, 3, 2]),
            [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]
        );
        assert_eq!(
            oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
            [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]
        );
    }

    #[test]
    fn key_usage_bits_drop_trailing_zeros() {
        // digitalSignature (bit 0): 7 unused bits.
        assert_eq!(named_bits(&[0]), [0x03, 2, 7, 0x80]);
        // keyCertSign (5) + cRLSign (6): 0000 0110, 1 unused bit.
        assert_eq!(named_bits(&[5, 6]), [0x03, 2, 1, 0x06]);
    }

    #[test]
    fn times_switch_from_utc_time_to_generalized_time_in_2050() {
        // 2026-12-05 01:02:03 UTC.
        assert_eq!(time(1_796_432_523), tlv(UTC_TIME, b"261205010203Z"));
        // 2050-01-01 00:00:00 UTC.
        assert_eq!(
            time(2_524_608_000),
            tlv(GENERALIZED_TIME, b"20500101000000Z")
        );
    }

    #[test]
    fn alt_names_use_the_implicit_tags_of_general_name() {
        let names = general_names(&[
            AltName::Dns("localhost"),
            AltName::Ip(IpAddr::from([127, 0, 0, 1])),
        ]);
        let mut expected = vec![0x30, 17, 0x82, 9];
        expected.extend_from_slice(b"localhost");
        expected.extend_from_slice(&[0x87, 4, 127, 0, 0, 1]);
        assert_eq!(names, expected);
    }
}
