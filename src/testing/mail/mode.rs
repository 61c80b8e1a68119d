//! Which server the in-memory mail server plays: a plain RFC server, or one that behaves
//! like iCloud Mail.

/// How the in-memory mail server behaves; the store, the IMAP server and the SMTP server
/// share it.
///
/// ```
/// use mailwire::testing::mail::ServerMode;
///
/// assert_eq!(ServerMode::default(), ServerMode::Rfc);
/// assert_eq!(ServerMode::Icloud.folders()[1], "Sent Messages");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ServerMode {
    /// A plain RFC 9051/3501 server with the usual extensions and special-use folders
    /// `INBOX`, `Sent`, `Drafts`, `Trash`, `Junk` and `Archive`.
    #[default]
    Rfc,
    /// iCloud Mail's ways: its capability lists and folder names (`Sent Messages`,
    /// `Deleted Messages`, a `Notes` folder that cannot be selected), no MOVE, no LITERAL+,
    /// `FETCH RFC822` answered with nothing, its error wording, and its IDLE quirks.
    Icloud,
}

impl ServerMode {
    /// The folders a new account gets, INBOX first.
    pub fn folders(self) -> &'static [&'static str] {
        match self {
            ServerMode::Rfc => &["INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive"],
            ServerMode::Icloud => &[
                "INBOX",
                "Sent Messages",
                "Deleted Messages",
                "Drafts",
                "Junk",
                "Archive",
                "Notes",
            ],
        }
    }

    /// The folder that holds sent mail.
    pub fn sent_folder(self) -> &'static str {
        match self {
            ServerMode::Rfc => "Sent",
            ServerMode::Icloud => "Sent Messages",
        }
    }

    /// The name of the mode on the command line (`rfc`, `icloud`).
    pub fn name(self) -> &'static str {
        match self {
            ServerMode::Rfc => "rfc",
            ServerMode::Icloud => "icloud",
        }
    }
}

impl core::str::FromStr for ServerMode {
    type Err = String;

    /// `rfc` or `icloud`, in any case.
    fn from_str(text: &str) -> Result<Self, String> {
        if text.eq_ignore_ascii_case("rfc") {
            Ok(ServerMode::Rfc)
        } else if text.eq_ignore_ascii_case("icloud") {
            Ok(ServerMode::Icloud)
        } else {
            Err(format!(
                "unknown server mode `{text}`: use `rfc` or `icloud`"
            ))
        }
    }
}
