//! A small argument reader: the CLI's flags are few, so no parser crate is pulled in.

use std::collections::VecDeque;
use std::ffi::OsString;

use mailwire::security::Security;

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

    /// The TLS mode that must follow `flag` (`implicit`, `starttls` or `none`).
    pub fn security(&mut self, flag: &str) -> Result<Security, UsageError> {
        let text = self.value(flag)?;
        text.parse().map_err(|e| UsageError(format!("{e}")))
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

/// `--password` refused: a password on the command line ends up in shell history and
/// process lists.
pub fn password_as_argument() -> UsageError {
    UsageError(
        "passwords are never taken as arguments (they end up in shell history and process \
         lists): put it in an environment variable and name it with --password-env (default \
         MAILWIRE_PASSWORD)"
            .to_owned(),
    )
}

/// The TLS mode for a server named with `--host`: `--tls`, else `default`. A password
/// in clear is refused unless `--allow-plaintext` says it is meant.
pub fn host_security(
    tls: Option<Security>,
    default: Security,
    allow_plaintext: bool,
) -> Result<Security, UsageError> {
    let security = tls.unwrap_or(default);
    if security == Security::Plaintext && !allow_plaintext {
        return Err(UsageError(
            "--tls none sends the password and the mail in clear: add --allow-plaintext if \
             that is really wanted (test servers only)"
                .to_owned(),
        ));
    }
    Ok(security)
}

/// Refuses `--port` and `--tls` without `--host`: the provider's preset decides both.
pub fn preset_only(
    port: Option<u16>,
    tls: Option<Security>,
    preset: &str,
) -> Result<(), UsageError> {
    if port.is_some() || tls.is_some() {
        return Err(UsageError(format!(
            "--port and --tls need --host; without it the {preset} preset is used"
        )));
    }
    Ok(())
}
