//! `mailwire imap`: read and manage a mailbox over IMAP, a thin front over
//! `mailwire::imap::Client`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailwire::imap::{Client, ClientBuilder, Credentials, Deadlines, Error};
use mailwire::net::{Direction, TlsConfig};
use mailwire::provider::{self, ICLOUD};
use mailwire::security::Security;

use crate::args::{Args, UsageError, host_security, password_as_argument, preset_only};
use crate::{Failure, explain, imap_commands, redirect, trace};

pub const HELP: &str = "\
mailwire imap: read and manage mail over IMAP

  mailwire imap [FLAGS] COMMAND [ARGS]

Commands:
  capabilities                      what the server offers (after login)
  list                              every mailbox: name, role, messages, unseen
  status MAILBOX                    a mailbox's counts
  fetch MAILBOX [--uid SET | --last N] [--headers | --out DIR]
                                    one line per message (uid, flags, date, from, subject),
                                    or each header block, or each message into DIR/UID.eml
                                    (streamed); default --last 10
  search MAILBOX QUERY...           the UIDs of the messages matching every term:
                                    all seen unseen flagged unflagged answered unanswered
                                    deleted undeleted draft new recent
                                    from:TEXT to:TEXT cc:TEXT subject:TEXT body:TEXT text:TEXT
                                    header:NAME:TEXT since:YYYY-MM-DD before:DATE on:DATE
                                    larger:BYTES smaller:BYTES uid:SET; not:TERM negates
  move MAILBOX SET DEST             move messages by UID (COPY + expunge of exactly those
                                    where the server lacks MOVE)
  delete MAILBOX SET                flag \\Deleted and expunge exactly those UIDs
  append MAILBOX FILE               add the message in FILE (streamed, never held whole)
  create MAILBOX | rename FROM TO | remove-mailbox MAILBOX
  idle MAILBOX [--for SECS]         print what the server pushes as it comes
  watch MAILBOX [--for SECS]        print new, changed and removed messages by UID, staying
                                    in sync across lost connections (reconnects with backoff)

SET is a UID set: 7, 1:10, 3,5,9:*. Mailbox names are typed as text (Grüße, not &AMk-...).

Flags (before the command):
  --host HOST            server (default: the iCloud preset for an iCloud --user)
  --port PORT            port (default 993 implicit, 143 starttls or none)
  --tls MODE             implicit (default) | starttls | none
  --allow-plaintext      required with --tls none: the password goes in clear
  --ca-file PEM          trust this root certificate too
  --user NAME            login name (for iCloud, the address; the name part is tried too)
  --password-env VAR     environment variable holding the password (default MAILWIRE_PASSWORD)
  --timeout SECS         limit on connecting and on each response (default 30; a streamed
                         message body gets 300 or this, whichever is longer)
  --trace                print the IMAP transcript on stderr (login redacted)

Exit status: 0 done, 1 the server or a file refused, 2 a usage mistake.
";

/// The connection flags shared by every subcommand.
#[derive(Default)]
pub struct ConnectArgs {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tls: Option<Security>,
    pub allow_plaintext: bool,
    pub ca_file: Option<PathBuf>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    pub timeout: Option<u64>,
    pub trace: bool,
}

/// Reads one connection flag; `Ok(false)` when `flag` is not one.
fn connect_flag(parsed: &mut ConnectArgs, flag: &str, args: &mut Args) -> Result<bool, UsageError> {
    match flag {
        "--host" => parsed.host = Some(args.value(flag)?),
        "--port" => parsed.port = Some(args.number(flag)?),
        "--tls" => {
            parsed.tls = Some(args.security(flag)?);
        }
        "--allow-plaintext" => parsed.allow_plaintext = true,
        "--ca-file" => parsed.ca_file = Some(args.value(flag)?.into()),
        "--user" => parsed.user = Some(args.value(flag)?),
        "--password-env" => parsed.password_env = Some(args.value(flag)?),
        "--timeout" => parsed.timeout = Some(args.number(flag)?),
        "--trace" => parsed.trace = true,
        "--password" => {
            return Err(password_as_argument());
        }
        _ => return Ok(false),
    }
    Ok(true)
}

pub fn run(mut args: Args) -> Result<(), Failure> {
    let mut connect = ConnectArgs::default();
    let command = loop {
        let Some(word) = args.next() else {
            return Err(
                UsageError("name a command: mailwire imap list, fetch, …".to_owned()).into(),
            );
        };
        if !word.starts_with("--") {
            break word;
        }
        if !connect_flag(&mut connect, &word, &mut args)? {
            return Err(UsageError(format!("unknown flag {word:?} for imap")).into());
        }
    };
    // Connection flags may also follow the command: `mailwire imap list --trace`.
    let mut rest = Vec::new();
    while let Some(word) = args.next() {
        if !connect_flag(&mut connect, &word, &mut args)? {
            rest.push(word);
        }
    }
    let command = imap_commands::Command::parse(&command, rest)?;
    let plan = Plan::from_args(&connect)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start the async runtime: {e}")))?;
    if let imap_commands::Command::Watch { mailbox, seconds } = command {
        // The watcher connects (and reconnects) by itself.
        let builder = plan.builder(connect.trace);
        return runtime.block_on(imap_commands::watch(builder, mailbox, seconds));
    }
    runtime.block_on(async {
        let mut client = plan.connect(connect.trace).await?;
        let outcome = command.execute(&mut client).await;
        // The work is done (or failed): a failed LOGOUT changes neither.
        if client.is_usable() {
            let _ = client.logout().await;
        }
        outcome
    })
}

/// Default per-response deadline: someone is waiting at a terminal.
const DEFAULT_TIMEOUT: u64 = 30;

/// Everything decided before the network is touched.
pub struct Plan {
    host: String,
    port: u16,
    security: Security,
    preset: bool,
    credentials: Credentials,
    tls: TlsConfig,
    timeout: Duration,
}

impl Plan {
    pub fn from_args(args: &ConnectArgs) -> Result<Self, Failure> {
        let user = args.user.clone().ok_or_else(|| {
            UsageError("--user is required (for iCloud, your address)".to_owned())
        })?;
        let (host, port, security, preset) = match &args.host {
            Some(host) => {
                let security =
                    host_security(args.tls, Security::ImplicitTls, args.allow_plaintext)?;
                let port = args.port.unwrap_or(match security {
                    Security::ImplicitTls => 993,
                    _ => 143,
                });
                (host.clone(), port, security, false)
            }
            None => {
                let Some(preset) = provider::for_address(&user) else {
                    return Err(UsageError(format!(
                        "--host is required: no preset is known for {user}"
                    ))
                    .into());
                };
                preset_only(args.port, args.tls, preset.name)?;
                let endpoint = redirect::endpoints(preset.imap)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| Failure::Input(format!("{} has no IMAP server", preset.name)))?;
                (
                    endpoint.host.to_owned(),
                    endpoint.port,
                    endpoint.security,
                    true,
                )
            }
        };
        let credentials = credentials(user, args.password_env.as_deref())?;
        let tls = tls_config(args.ca_file.as_ref())?;
        let timeout = Duration::from_secs(args.timeout.unwrap_or(DEFAULT_TIMEOUT));
        Ok(Plan {
            host,
            port,
            security,
            preset,
            credentials,
            tls,
            timeout,
        })
    }

    /// A plan for another command's IMAP work (`send --save-copy`).
    pub fn new(
        host: String,
        port: u16,
        security: Security,
        credentials: Credentials,
        tls: TlsConfig,
        timeout: Duration,
    ) -> Self {
        Plan {
            host,
            port,
            security,
            preset: false,
            credentials,
            tls,
            timeout,
        }
    }

    /// The client's settings: what `connect` dials, and what `watch` dials again after
    /// each lost connection.
    pub fn builder(&self, trace_on: bool) -> ClientBuilder {
        let mut deadlines = Deadlines::default().with_response(self.timeout);
        deadlines = deadlines.with_literal(deadlines.literal.max(self.timeout));
        let mut builder = ClientBuilder::new(self.host.clone(), self.port)
            .security(self.security)
            .tls(self.tls.clone())
            .credentials(self.credentials.clone())
            .deadlines(deadlines)
            .connect_timeout(self.timeout);
        if self.preset {
            // A redirected preset (tests) dials loopback but must behave as iCloud.
            builder = builder.provider(Some(&ICLOUD));
        }
        if trace_on {
            let tracer = Arc::new(Mutex::new(trace::Tracer::default()));
            builder = builder.transcript(move |direction: Direction, bytes: &[u8]| {
                if let Ok(mut tracer) = tracer.lock() {
                    tracer.record(direction, bytes);
                }
            });
        }
        builder
    }

    /// Connects and logs in.
    pub async fn connect(&self, trace_on: bool) -> Result<Client, Failure> {
        self.builder(trace_on)
            .connect()
            .await
            .map_err(|e| failure(&e))
    }
}

/// `user` with the password from the environment variable `variable` (default
/// `MAILWIRE_PASSWORD`): never from an argument. Shared with `send`.
pub fn credentials(user: String, variable: Option<&str>) -> Result<Credentials, Failure> {
    let variable = variable.unwrap_or("MAILWIRE_PASSWORD");
    let password = std::env::var(variable).map_err(|_| {
        Failure::Input(format!(
            "no password: set the environment variable {variable} (for iCloud, an \
             app-specific password)"
        ))
    })?;
    Credentials::new(user, password).map_err(|e| Failure::Input(e.to_string()))
}

/// The web PKI roots, plus the CA in `--ca-file` where given. Shared with `send`.
pub fn tls_config(ca_file: Option<&PathBuf>) -> Result<TlsConfig, Failure> {
    let mut tls = TlsConfig::webpki();
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            Failure::Input(format!("cannot read --ca-file {}: {e}", path.display()))
        })?;
        tls = tls
            .with_root_pem(&pem)
            .map_err(|e| Failure::Input(format!("--ca-file {}: {e}", path.display())))?;
    }
    Ok(tls)
}

/// One IMAP error as the CLI prints it: the library's words, or the flag that fixes it.
pub fn explain(error: &Error) -> String {
    match error {
        Error::Net { during, source } => match explain::net_remedy(source, "IMAP") {
            Some(text) => format!("{text} (during {during})"),
            None => error.to_string(),
        },
        Error::StartTlsUnavailable { server } => explain::no_starttls(server, 993),
        _ => error.to_string(),
    }
}

/// An IMAP error as the tool's failure (exit 1).
pub fn failure(error: &Error) -> Failure {
    Failure::Runtime(explain(error))
}
