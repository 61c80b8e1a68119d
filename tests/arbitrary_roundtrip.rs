//! The `arbitrary` feature's promise, checked on many inputs: every generated SMTP command
//! and reply, IMAP command, response and greeting is accepted by the crate's encoder and
//! parses back to an equal value; and the generators reach every variant.
//!
//! The inputs are deterministic pseudo-random buffers (xorshift), so a failure names a seed
//! that reproduces it.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use mailwire::Parsed;
use mailwire::imap::codec as imap;
use mailwire::limits::Limits;
use mailwire::smtp::codec as smtp;

/// Buffers per type.
const ROUNDS: u64 = 20_000;

/// A small xorshift64 generator: the same seed gives the same bytes on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A buffer of 16 to 2,063 bytes.
    fn buffer(&mut self) -> Vec<u8> {
        let len = 16 + (self.next() % 2048) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Runs `check` on a value made from each of [`ROUNDS`] buffers, the seed in every message.
fn for_each_buffer(kind: &str, mut check: impl FnMut(u64, &[u8])) {
    for seed in 1..=ROUNDS {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let buffer = rng.buffer();
        check(seed, &buffer);
    }
    eprintln!("{kind}: {ROUNDS} values round-tripped");
}

fn smtp_command_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let command = smtp::Command::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    command
        .encode(&mut wire)
        .map_err(|e| format!("{command:?} refused by the encoder: {e}"))?;
    match smtp::parse_command(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {
            Ok(variant_name(&format!("{command:?}")))
        }
        other => Err(format!(
            "{command:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

fn smtp_reply_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let reply = smtp::OwnedReply::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    reply.encode(&mut wire);
    match smtp::parse_reply(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed.to_owned() == reply && used == wire.len() => {
            let lines = if reply.lines.len() > 1 {
                "multi"
            } else {
                "single"
            };
            let enhanced = if reply.enhanced.is_some() {
                "+enhanced"
            } else {
                ""
            };
            Ok(format!("{}xx {lines}{enhanced}", reply.code.class()))
        }
        other => Err(format!(
            "{reply:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

fn imap_command_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let command = imap::types::Command::<'static>::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let written = imap::encode_command(&command, &imap::EncodeOptions::default())
        .map_err(|e| format!("{command:?} refused by the encoder: {e}"))?;
    let wire = written.as_bytes();
    match imap::parse_command(wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len() => {
            Ok(variant_name(&format!("{:?}", command.body)))
        }
        other => Err(format!(
            "{command:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(wire)
        )),
    }
}

fn imap_response_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let response =
        imap::types::Response::<'static>::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    imap::encode_response(&response, &mut wire)
        .map_err(|e| format!("{response:?} refused by the encoder: {e}"))?;
    match imap::parse_response(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == response && used == wire.len() => {
            Ok(match &response {
                imap::types::Response::Data(data) => {
                    format!("Data::{}", variant_name(&format!("{data:?}")))
                }
                imap::types::Response::Status(status) => format!("Status::{:?}", status.kind),
                imap::types::Response::Continue(_) => "Continue".to_owned(),
            })
        }
        other => Err(format!(
            "{response:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

fn imap_greeting_round_trip(data: &[u8]) -> Result<String, String> {
    let mut u = Unstructured::new(data);
    let greeting =
        imap::types::Greeting::<'static>::arbitrary(&mut u).map_err(|e| e.to_string())?;
    let mut wire = Vec::new();
    imap::encode_greeting(&greeting, &mut wire)
        .map_err(|e| format!("{greeting:?} refused by the encoder: {e}"))?;
    match imap::parse_greeting(&wire, &Limits::default()) {
        Ok(Parsed::Complete(parsed, used)) if parsed == greeting && used == wire.len() => {
            Ok(format!("{:?}", greeting.kind))
        }
        other => Err(format!(
            "{greeting:?} written as {:?} reads back as {other:?}",
            String::from_utf8_lossy(&wire)
        )),
    }
}

/// The variant's name at the start of a `Debug` form: `MailFrom { .. }` gives `MailFrom`.
fn variant_name(debug: &str) -> String {
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Round-trips [`ROUNDS`] values, failing on the first mismatch with its seed, and counts
/// the kinds seen.
fn round_trips(kind: &str, check: fn(&[u8]) -> Result<String, String>) -> BTreeMap<String, u32> {
    let mut seen = BTreeMap::new();
    for_each_buffer(kind, |seed, buffer| match check(buffer) {
        Ok(variant) => *seen.entry(variant).or_insert(0) += 1,
        Err(message) => panic!("{kind}, seed {seed}: {message}"),
    });
    seen
}

fn assert_reached(kind: &str, seen: &BTreeMap<String, u32>, expected: &[&str]) {
    let missing: Vec<_> = expected
        .iter()
        .filter(|name| !seen.contains_key(**name))
        .collect();
    assert!(
        missing.is_empty(),
        "{kind}: never generated {missing:?}; seen {seen:?}"
    );
    assert_eq!(
        seen.len(),
        expected.len(),
        "{kind}: generated kinds the test does not list: {seen:?}"
    );
}

#[test]
fn every_smtp_command_round_trips() {
    round_trips("SMTP command", smtp_command_round_trip);
}

#[test]
fn every_smtp_reply_round_trips() {
    round_trips("SMTP reply", smtp_reply_round_trip);
}

#[test]
fn every_imap_command_round_trips() {
    round_trips("IMAP command", imap_command_round_trip);
}

#[test]
fn every_imap_response_round_trips() {
    round_trips("IMAP response", imap_response_round_trip);
}

#[test]
fn every_imap_greeting_round_trips() {
    let kinds = round_trips("IMAP greeting", imap_greeting_round_trip);
    assert_reached("IMAP greeting", &kinds, &["Ok", "PreAuth", "Bye"]);
}

#[test]
fn every_smtp_verb_and_reply_shape_is_generated() {
    let commands = round_trips("SMTP command", smtp_command_round_trip);
    assert_reached(
        "SMTP command",
        &commands,
        &[
            "Helo", "Ehlo", "MailFrom", "RcptTo", "Data", "Bdat", "Rset", "Noop", "Quit",
            "StartTls", "Auth", "Vrfy", "Expn", "Help",
        ],
    );
    let replies = round_trips("SMTP reply", smtp_reply_round_trip);
    let mut shapes = Vec::new();
    for class in 2..=5 {
        for lines in ["single", "multi"] {
            shapes.push(format!("{class}xx {lines}"));
            if class != 3 {
                shapes.push(format!("{class}xx {lines}+enhanced"));
            }
        }
    }
    let shapes: Vec<&str> = shapes.iter().map(String::as_str).collect();
    assert_reached("SMTP reply", &replies, &shapes);
}

/// Every kind a value holds, as `Kind::Variant`: the command or response itself and the
/// search keys, FETCH attributes and items, response codes and body structures inside.
fn imap_kinds(seen: &mut BTreeMap<String, u32>, kind: String) {
    *seen.entry(kind).or_insert(0) += 1;
}

fn search_key_kinds(seen: &mut BTreeMap<String, u32>, key: &imap::types::SearchKey<'_>) {
    use imap::types::SearchKey as K;
    imap_kinds(
        seen,
        format!("SearchKey::{}", variant_name(&format!("{key:?}"))),
    );
    match key {
        K::Not(inner) => search_key_kinds(seen, inner),
        K::Or(left, right) => {
            search_key_kinds(seen, left);
            search_key_kinds(seen, right);
        }
        K::And(keys) => keys.iter().for_each(|key| search_key_kinds(seen, key)),
        _ => {}
    }
}

fn body_kinds(seen: &mut BTreeMap<String, u32>, body: &imap::types::BodyStructure<'_>) {
    use imap::types::{BodyStructure, SinglePartKind};
    match body {
        BodyStructure::Single(part) => {
            let kind = match &part.kind {
                SinglePartKind::Basic => "Basic",
                SinglePartKind::Text { .. } => "Text",
                SinglePartKind::Message { body, .. } => {
                    body_kinds(seen, body);
                    "Message"
                }
            };
            imap_kinds(seen, format!("Body::{kind}"));
        }
        BodyStructure::Multi(part) => {
            imap_kinds(seen, "Body::Multi".to_owned());
            part.parts.iter().for_each(|part| body_kinds(seen, part));
        }
    }
}

fn code_kinds(seen: &mut BTreeMap<String, u32>, code: Option<&imap::types::Code<'_>>) {
    if let Some(code) = code {
        imap_kinds(
            seen,
            format!("Code::{}", variant_name(&format!("{code:?}"))),
        );
    }
}

fn command_kinds(data: &[u8], seen: &mut BTreeMap<String, u32>) {
    use imap::types::{CommandBody as C, FetchItems};
    let mut u = Unstructured::new(data);
    let Ok(command) = imap::types::Command::<'static>::arbitrary(&mut u) else {
        return;
    };
    imap_kinds(
        seen,
        format!("Command::{}", variant_name(&format!("{:?}", command.body))),
    );
    match &command.body {
        C::Search { criteria: keys, .. }
        | C::Sort { search: keys, .. }
        | C::Thread { search: keys, .. } => {
            keys.iter().for_each(|key| search_key_kinds(seen, key));
        }
        C::Fetch { items, .. } => match items {
            FetchItems::Attributes(list) => {
                for attribute in list {
                    let name = variant_name(&format!("{attribute:?}"));
                    imap_kinds(seen, format!("FetchAttribute::{name}"));
                }
            }
            other => imap_kinds(seen, format!("FetchItems::{other:?}")),
        },
        _ => {}
    }
}

fn response_kinds(data: &[u8], seen: &mut BTreeMap<String, u32>) {
    use imap::types::{Data, FetchItem, Response as R};
    let mut u = Unstructured::new(data);
    let Ok(response) = imap::types::Response::<'static>::arbitrary(&mut u) else {
        return;
    };
    match &response {
        R::Status(status) => {
            let tagged = if status.tag.is_some() { "tagged " } else { "" };
            imap_kinds(seen, format!("Status::{tagged}{:?}", status.kind));
            code_kinds(seen, status.code.as_ref());
        }
        R::Continue(request) => {
            imap_kinds(seen, "Continue".to_owned());
            code_kinds(seen, request.code.as_ref());
        }
        R::Data(data) => {
            imap_kinds(
                seen,
                format!("Data::{}", variant_name(&format!("{data:?}"))),
            );
            if let Data::Fetch { items, .. } = data {
                for item in items {
                    imap_kinds(
                        seen,
                        format!("FetchItem::{}", variant_name(&format!("{item:?}"))),
                    );
                    match item {
                        FetchItem::Body(body) | FetchItem::BodyStructure(body) => {
                            body_kinds(seen, body)
                        }
                        FetchItem::Envelope(envelope) if !envelope.from().is_empty() => {
                            imap_kinds(seen, "Envelope with addresses".to_owned())
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn expect_kinds(seen: &BTreeMap<String, u32>, prefix: &str, names: &[&str]) {
    let expected: Vec<String> = names
        .iter()
        .map(|name| format!("{prefix}::{name}"))
        .collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|name| !seen.contains_key(*name))
        .collect();
    assert!(missing.is_empty(), "never generated {missing:?}");
    let extra: Vec<&String> = seen
        .keys()
        .filter(|name| name.starts_with(&format!("{prefix}::")) && !expected.contains(name))
        .collect();
    assert!(
        extra.is_empty(),
        "generated kinds the test does not list: {extra:?}"
    );
}

#[test]
fn every_imap_command_and_response_kind_is_generated() {
    let mut seen = BTreeMap::new();
    for_each_buffer("IMAP kinds", |_, buffer| {
        command_kinds(buffer, &mut seen);
        response_kinds(buffer, &mut seen);
    });
    // Every CommandBody variant: 36.
    let commands = [
        "Capability",
        "Noop",
        "Logout",
        "StartTls",
        "Authenticate",
        "Login",
        "Select",
        "Examine",
        "Create",
        "Delete",
        "Rename",
        "Subscribe",
        "Unsubscribe",
        "List",
        "Lsub",
        "Status",
        "Append",
        "Check",
        "Close",
        "Expunge",
        "UidExpunge",
        "Unselect",
        "Search",
        "Sort",
        "Thread",
        "Fetch",
        "Store",
        "Copy",
        "Move",
        "Idle",
        "Namespace",
        "Id",
        "Enable",
        "GetQuota",
        "GetQuotaRoot",
        "SetQuota",
    ];
    assert_eq!(commands.len(), 36);
    expect_kinds(&seen, "Command", &commands);
    // Every SearchKey variant: 42.
    let keys = [
        "All",
        "Answered",
        "Bcc",
        "Before",
        "Body",
        "Cc",
        "Deleted",
        "Draft",
        "Flagged",
        "From",
        "Header",
        "Keyword",
        "Larger",
        "New",
        "Not",
        "Old",
        "On",
        "Or",
        "Recent",
        "Seen",
        "SentBefore",
        "SentOn",
        "SentSince",
        "Since",
        "Smaller",
        "Subject",
        "Text",
        "To",
        "Uid",
        "Unanswered",
        "Undeleted",
        "Undraft",
        "Unflagged",
        "Unkeyword",
        "Unseen",
        "SequenceSet",
        "And",
        "ModSeq",
        "Older",
        "Younger",
        "EmailId",
        "ThreadId",
    ];
    assert_eq!(keys.len(), 42);
    expect_kinds(&seen, "SearchKey", &keys);
    // Every FetchAttribute variant (PREVIEW with and without LAZY is one): 22, and the
    // three macros.
    let attributes = [
        "Envelope",
        "Flags",
        "InternalDate",
        "Rfc822",
        "Rfc822Header",
        "Rfc822Size",
        "Rfc822Text",
        "Body",
        "BodyStructure",
        "Uid",
        "BodySection",
        "Binary",
        "BinarySize",
        "ModSeq",
        "EmailId",
        "ThreadId",
        "GmailMessageId",
        "GmailThreadId",
        "GmailLabels",
        "Preview",
        "SaveDate",
        "Other",
    ];
    assert_eq!(attributes.len(), 22);
    expect_kinds(&seen, "FetchAttribute", &attributes);
    expect_kinds(&seen, "FetchItems", &["All", "Fast", "Full"]);
    // Every Data variant: 20.
    let data = [
        "Capability",
        "List",
        "Lsub",
        "Status",
        "Flags",
        "Exists",
        "Recent",
        "Expunge",
        "Fetch",
        "Search",
        "ESearch",
        "Sort",
        "Thread",
        "Enabled",
        "Id",
        "Namespace",
        "Quota",
        "QuotaRoot",
        "Vanished",
        "Other",
    ];
    assert_eq!(data.len(), 20);
    expect_kinds(&seen, "Data", &data);
    // Status responses: five kinds untagged, three tagged; and continuation requests.
    expect_kinds(
        &seen,
        "Status",
        &[
            "Ok",
            "No",
            "Bad",
            "PreAuth",
            "Bye",
            "tagged Ok",
            "tagged No",
            "tagged Bad",
        ],
    );
    assert!(seen.contains_key("Continue"));
    // Every FetchItem variant: 22.
    let items = [
        "Uid",
        "Flags",
        "InternalDate",
        "Rfc822Size",
        "Envelope",
        "Body",
        "BodyStructure",
        "BodySection",
        "Binary",
        "BinarySize",
        "Rfc822",
        "Rfc822Header",
        "Rfc822Text",
        "ModSeq",
        "EmailId",
        "ThreadId",
        "GmailMessageId",
        "GmailThreadId",
        "GmailLabels",
        "Preview",
        "SaveDate",
        "Other",
    ];
    assert_eq!(items.len(), 22);
    expect_kinds(&seen, "FetchItem", &items);
    // Every response Code variant: 39.
    let codes = [
        "Alert",
        "BadCharset",
        "Capability",
        "Parse",
        "PermanentFlags",
        "ReadOnly",
        "ReadWrite",
        "TryCreate",
        "UidNext",
        "UidValidity",
        "Unseen",
        "AppendUid",
        "CopyUid",
        "UidNotSticky",
        "HighestModSeq",
        "NoModSeq",
        "Modified",
        "Closed",
        "Unavailable",
        "AuthenticationFailed",
        "AuthorizationFailed",
        "Expired",
        "PrivacyRequired",
        "ContactAdmin",
        "NoPerm",
        "InUse",
        "ExpungeIssued",
        "Corruption",
        "ServerBug",
        "ClientBug",
        "CanNot",
        "Limit",
        "OverQuota",
        "AlreadyExists",
        "NonExistent",
        "CompressionActive",
        "UseAttr",
        "HasChildren",
        "Other",
    ];
    assert_eq!(codes.len(), 39);
    expect_kinds(&seen, "Code", &codes);
    // Body structures: each kind of single part, and multiparts, nested.
    expect_kinds(&seen, "Body", &["Basic", "Text", "Message", "Multi"]);
    assert!(seen.contains_key("Envelope with addresses"));
}

/// The inputs kept for the `imap_arbitrary_roundtrip` fuzz target (its seeds, and the
/// inputs that once broke it), read as the target reads them: a command, a response and a
/// greeting from one stream of bytes, each round-tripping.
#[test]
fn the_imap_fuzz_seeds_round_trip() {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds/imap_arbitrary_roundtrip");
    let mut read = 0;
    for entry in std::fs::read_dir(&directory).expect("the fuzz seeds") {
        let path = entry.expect("a seed").path();
        let data = std::fs::read(&path).expect("a seed's bytes");
        let name = path.display();
        let mut u = Unstructured::new(&data);
        let limits = Limits::default();
        read += 1;
        let Ok(command) = imap::types::Command::<'static>::arbitrary(&mut u) else {
            continue;
        };
        let written = imap::encode_command(&command, &imap::EncodeOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {command:?} refused by the encoder: {e}"));
        let wire = written.as_bytes();
        assert!(
            matches!(imap::parse_command(wire, &limits),
                Ok(Parsed::Complete(parsed, used)) if parsed == command && used == wire.len()),
            "{name}: {command:?} written as {:?} does not read back",
            String::from_utf8_lossy(wire)
        );
        let Ok(response) = imap::types::Response::<'static>::arbitrary(&mut u) else {
            continue;
        };
        let mut wire = Vec::new();
        imap::encode_response(&response, &mut wire)
            .unwrap_or_else(|e| panic!("{name}: {response:?} refused by the encoder: {e}"));
        let back = imap::parse_response(&wire, &limits);
        assert!(
            matches!(&back, Ok(Parsed::Complete(parsed, used)) if *parsed == response && *used == wire.len()),
            "{name}: {response:?} written as {:?} reads back as {back:?}",
            String::from_utf8_lossy(&wire)
        );
        let Ok(greeting) = imap::types::Greeting::<'static>::arbitrary(&mut u) else {
            continue;
        };
        let mut wire = Vec::new();
        imap::encode_greeting(&greeting, &mut wire)
            .unwrap_or_else(|e| panic!("{name}: {greeting:?} refused by the encoder: {e}"));
        let back = imap::parse_greeting(&wire, &limits);
        assert!(
            matches!(&back, Ok(Parsed::Complete(parsed, used)) if *parsed == greeting && *used == wire.len()),
            "{name}: {greeting:?} written as {:?} reads back as {back:?}",
            String::from_utf8_lossy(&wire)
        );
    }
    assert!(read >= 5, "only {read} seeds in {}", directory.display());
}
