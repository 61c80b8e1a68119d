//! The small query language of `mailwire imap search`, read into the codec's typed
//! [`SearchKey`]: each word is one term, every term must match.
//!
//! | term | key |
//! | --- | --- |
//! | `all` `seen` `unseen` `flagged` `unflagged` `answered` `unanswered` `deleted` `undeleted` `draft` `new` `recent` | the flag keys |
//! | `from:TEXT` `to:TEXT` `cc:TEXT` `subject:TEXT` `body:TEXT` `text:TEXT` | substring keys |
//! | `header:NAME:TEXT` | `HEADER NAME TEXT` |
//! | `since:YYYY-MM-DD` `before:…` `on:…` | internal date keys |
//! | `larger:N` `smaller:N` | size in bytes |
//! | `uid:SET` | `UID SET` |
//! | `not:TERM` | `NOT TERM` |

use mailwire::imap::codec::types::{AString, Date, SearchKey};

use crate::args::UsageError;
use crate::imap_commands::uid_set;

/// Every term of `words`, all of which must match.
pub fn parse(words: &[String]) -> Result<SearchKey<'static>, UsageError> {
    let mut keys = words.iter().map(|word| term(word));
    let first = keys
        .next()
        .ok_or_else(|| UsageError("search needs a query, e.g. unseen or from:ann".to_owned()))??;
    keys.try_fold(first, |all, key| Ok(all.and(key?)))
}

fn text(value: &str) -> AString<'static> {
    AString::new(value.as_bytes().to_vec())
}

fn date(term: &str, value: &str) -> Result<Date, UsageError> {
    let bad = || UsageError(format!("{term:?}: the date must be YYYY-MM-DD"));
    let mut parts = value.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let (y, m, d) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    Date::new(y, m, d).map_err(|e| UsageError(format!("{term:?}: {e}")))
}

fn number(term: &str, value: &str) -> Result<u32, UsageError> {
    value
        .parse()
        .map_err(|_| UsageError(format!("{term:?}: a number of bytes, please")))
}

fn term(word: &str) -> Result<SearchKey<'static>, UsageError> {
    let key = match word.to_ascii_lowercase().as_str() {
        "all" => Some(SearchKey::All),
        "seen" => Some(SearchKey::Seen),
        "unseen" => Some(SearchKey::Unseen),
        "flagged" => Some(SearchKey::Flagged),
        "unflagged" => Some(SearchKey::Unflagged),
        "answered" => Some(SearchKey::Answered),
        "unanswered" => Some(SearchKey::Unanswered),
        "deleted" => Some(SearchKey::Deleted),
        "undeleted" => Some(SearchKey::Undeleted),
        "draft" => Some(SearchKey::Draft),
        "new" => Some(SearchKey::New),
        "recent" => Some(SearchKey::Recent),
        _ => None,
    };
    if let Some(key) = key {
        return Ok(key);
    }
    let Some((name, value)) = word.split_once(':') else {
        return Err(UsageError(format!(
            "{word:?} is not a search term (see mailwire imap --help)"
        )));
    };
    if value.is_empty() {
        return Err(UsageError(format!("{word:?}: nothing after the colon")));
    }
    Ok(match name.to_ascii_lowercase().as_str() {
        "from" => SearchKey::From(text(value)),
        "to" => SearchKey::To(text(value)),
        "cc" => SearchKey::Cc(text(value)),
        "subject" => SearchKey::Subject(text(value)),
        "body" => SearchKey::Body(text(value)),
        "text" => SearchKey::Text(text(value)),
        "header" => {
            let (field, value) = value
                .split_once(':')
                .ok_or_else(|| UsageError(format!("{word:?}: header:NAME:TEXT")))?;
            SearchKey::Header(text(field), text(value))
        }
        "since" => SearchKey::Since(date(word, value)?),
        "before" => SearchKey::Before(date(word, value)?),
        "on" => SearchKey::On(date(word, value)?),
        "larger" => SearchKey::Larger(number(word, value)?),
        "smaller" => SearchKey::Smaller(number(word, value)?),
        "uid" => SearchKey::Uid(uid_set(value)?),
        "not" => SearchKey::Not(Box::new(term(value)?)),
        _ => {
            return Err(UsageError(format!(
                "{word:?} is not a search term (see mailwire imap --help)"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailwire::imap::codec::types::{Command, CommandBody, Tag};
    use mailwire::imap::codec::{EncodeOptions, encode_command};

    /// The query as it goes on the wire, after `UID SEARCH`.
    fn wire(words: &[&str]) -> String {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        let key = parse(&words).unwrap();
        let command = Command {
            tag: Tag::new("a").unwrap(),
            body: CommandBody::search(key, true),
        };
        let encoded = encode_command(&command, &EncodeOptions::default()).unwrap();
        let bytes: Vec<u8> = encoded.into_bytes();
        let line = String::from_utf8(bytes).unwrap();
        line.trim_end()
            .strip_prefix("a UID SEARCH ")
            .unwrap()
            .to_owned()
    }

    #[test]
    fn each_term_becomes_its_typed_key() {
        assert_eq!(wire(&["unseen"]), "UNSEEN");
        assert_eq!(
            wire(&["from:ann", "subject:hello world", "since:2026-01-01"]),
            "FROM ann SUBJECT \"hello world\" SINCE 1-Jan-2026"
        );
        assert_eq!(wire(&["uid:1:10", "not:seen"]), "UID 1:10 NOT SEEN");
        assert_eq!(
            wire(&["header:X-Tag:a1", "larger:100"]),
            "HEADER X-Tag a1 LARGER 100"
        );
    }

    #[test]
    fn mistakes_are_usage_errors_naming_the_term() {
        for (words, says) in [
            (&["since:2026-13-01"][..], "since:2026-13-01"),
            (&["since:yesterday"][..], "YYYY-MM-DD"),
            (&["unread"][..], "not a search term"),
            (&["uid:1,"][..], "UID set"),
            (&["subject:"][..], "nothing after"),
            (&[][..], "needs a query"),
        ] {
            let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            let error = parse(&words).unwrap_err();
            assert!(error.0.contains(says), "{words:?}: {}", error.0);
        }
    }
}
