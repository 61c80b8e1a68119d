//! A raw IMAP client for transcript tests of the in-memory IMAP server: send a line, read
//! the lines back up to the tagged one.

use std::time::Duration;

use mailwire::net::{ConnectOptions, Connection};
use mailwire::testing::demo::demo_client_tls;
use mailwire::testing::imap::{ImapServer, ImapServerConfig};
use mailwire::testing::mail::{MailStore, ServerMode};

/// The user every test logs in as, and the password.
pub const USER: &str = "alice@example.test";
pub const PASSWORD: &str = "app-password";

/// How long a test waits for one line.
pub const WAIT: Duration = Duration::from_secs(5);

/// A store for `mode` with [`USER`].
pub fn store(mode: ServerMode) -> MailStore {
    let store = MailStore::new(mode);
    store
        .add_user(USER, PASSWORD)
        .expect("the test user is valid");
    store
}

/// A plain-text server on `store`.
pub async fn server(store: &MailStore) -> ImapServer {
    ImapServer::start(ImapServerConfig::plaintext(), store.clone())
        .await
        .expect("the IMAP server starts")
}

/// A client connection and its transcript.
pub struct Raw {
    pub connection: Connection,
}

impl Raw {
    /// Connects in clear to `port` and returns the client and the greeting.
    pub async fn plain(port: u16) -> (Raw, String) {
        // Trusting the demo CA lets a test start TLS later with STARTTLS.
        let options = ConnectOptions::default().with_tls(demo_client_tls());
        let connection = Connection::connect("127.0.0.1", port, &options)
            .await
            .expect("connects");
        let mut raw = Raw { connection };
        let greeting = raw.line().await;
        (raw, greeting)
    }

    /// Connects with implicit TLS (demo certificate) and returns the client and greeting.
    pub async fn tls(port: u16) -> (Raw, String) {
        let options = ConnectOptions::default().with_tls(demo_client_tls());
        let connection = Connection::connect_tls("localhost", port, &options)
            .await
            .expect("connects with TLS");
        let mut raw = Raw { connection };
        let greeting = raw.line().await;
        (raw, greeting)
    }

    /// Connects in clear and logs in as [`USER`].
    pub async fn logged_in(port: u16) -> Raw {
        let (mut raw, _) = Raw::plain(port).await;
        let login = raw.run(&format!("l1 LOGIN {USER} {PASSWORD}")).await;
        assert!(login.last().unwrap().starts_with("l1 OK"), "{login:?}");
        raw
    }

    /// One line from the server, without CRLF.
    pub async fn line(&mut self) -> String {
        let line = tokio::time::timeout(WAIT, self.connection.read_line())
            .await
            .expect("the server answers in time")
            .expect("the connection holds");
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Sends `bytes` as they are.
    pub async fn send(&mut self, bytes: &[u8]) {
        self.connection.write_all(bytes).await.expect("sends");
    }

    /// Sends `command` (CRLF added) and returns every line up to and including the one
    /// tagged with the command's tag.
    pub async fn run(&mut self, command: &str) -> Vec<String> {
        let tag = command.split(' ').next().unwrap_or_default().to_owned();
        self.send(format!("{command}\r\n").as_bytes()).await;
        self.until(&tag).await
    }

    /// Lines up to and including the one tagged `tag`.
    pub async fn until(&mut self, tag: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await;
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return lines;
            }
        }
    }
}

/// The UIDVALIDITY of `mailbox`, asked with STATUS.
pub async fn validity(client: &mut Raw, mailbox: &str) -> String {
    let status = client
        .run(&format!("v0 STATUS \"{mailbox}\" (UIDVALIDITY)"))
        .await;
    let start = status[0].find("UIDVALIDITY ").expect("STATUS answers") + 12;
    status[0][start..].trim_end_matches(')').to_owned()
}

/// Delivers a small message with `subject` to [`USER`]'s `mailbox`.
pub fn deliver(store: &MailStore, mailbox: &str, subject: &str) -> u32 {
    let message = format!(
        "From: Bob <bob@example.test>\r\nTo: {USER}\r\nSubject: {subject}\r\n\r\nHello about {subject}.\r\n"
    );
    store
        .deliver(USER, mailbox, message.as_bytes())
        .expect("the store takes the message")
}
