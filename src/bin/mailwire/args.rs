//! A small argument reader: the CLI's flags are few, so no parser crate is pulled in.

use std::collections::VecDeque;
use std::ffi::OsString;

/// A usage mistake: the CLI prints it with a pointer to `--help` and exits 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The words after the program name, consumed front to back.
pub struct Args {
    words: VecDeque<String>,
}

impl Args {
    pub fn new(raw: impl IntoIterator<Item = OsString>) -> Result<Self, UsageError> {
        let words = raw
            .into_iter()
            .map(|word| {
                word.into_string()
                    .map_err(|word| UsageError(format!("argument {word:?} is not valid UTF-8")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Args { words })
    }

    /// The next word, whatever it is.
    pub fn next(&mut self) -> Option<String> {
        self.words.pop_front()
    }

    /// The value that must follow `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, UsageError> {
        match self.words.pop_front() {
            Some(value) if !(value.starts_with("--") && value.len() > 2) => Ok(value),
            _ => Err(UsageError(format!("{flag} needs a value"))),
        }
    }

    /// The number that must follow `flag`.
    pub fn number<T: std::str::FromStr>(&mut self, flag: &str) -> Result<T, UsageError> {
        let text = self.value(flag)?;
        text.parse()
            .map_err(|_| UsageError(format!("{flag} needs a number, not {text:?}")))
    }
}

impl Args {
    /// True when `--help` or `-h` is among the remaining words.
    pub fn contains_help(&self) -> bool {
        self.words.iter().any(|w| w == "--help" || w == "-h")
    }
}
