//! `mailwire send`: build (or take) a message and submit it over SMTP.

use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailwire::message::{Attachment, Mailbox, Message, MessageBuilder};
use mailwire::net::{Direction, TlsConfig};
use mailwire::provider::{self, Endpoint};
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::{self, ClientBuilder, PhaseTimeouts};

use crate::args::{Args, UsageError};
use crate::{Failure, explain, redirect, terminal, trace};

pub const HELP: &str = "\
mailwire send: send one message over SMTP submission

  --host HOST            server (default: the provider preset for --from, e.g. iCloud)
  --port PORT            port (default 587 starttls, 465 implicit, 25 none)
  --tls MODE             implicit | starttls (default) | none
  --allow-plaintext      required with --tls none: password and mail go in clear
  --ca-file PEM          trust this root certificate too
  --user NAME            login name (default with a preset: the --from address)
  --password-env VAR     environment variable holding the password (default MAILWIRE_PASSWORD)
  --from ADDR            sender (\"Name <addr>\" or addr)
  --to/--cc/--bcc ADDR   recipients, repeatable (Bcc never appears in the headers)
  --subject TEXT         subject (non-ASCII is encoded)
  --body-file PATH|-     text body from a file or standard input
  --attach PATH          attachment, repeatable
  --raw FILE|-           send this ready message as is (line ends normalised)
  --helo NAME            name given in EHLO (default localhost)
  --timeout SECS         limit on the whole session and on each reply (default 300 in all)
  --trace                print the SMTP transcript on stderr (AUTH redacted)

The password is never taken as an argument. For iCloud, create an app-specific password
(appleid.apple.com > Sign-In and Security) and put it in MAILWIRE_PASSWORD.
";

#[derive(Default)]
struct SendArgs {
    host: Option<String>,
    port: Option<u16>,
    tls: Option<Security>,
    allow_plaintext: bool,
    ca_file: Option<PathBuf>,
    user: Option<String>,
    password_env: Option<String>,
    from: Option<String>,
    to: Vec<String>,
    cc: Vec<String>,
    bcc: Vec<String>,
    subject: Option<String>,
    body_file: Option<String>,
    attach: Vec<PathBuf>,
    raw: Option<String>,
    helo: Option<String>,
    timeout: Option<u64>,
    trace: bool,
}

fn parse(mut args: Args) -> Result<SendArgs, UsageError> {
    let mut parsed = SendArgs::default();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--host" => parsed.host = Some(args.value(&flag)?),
            "--port" => parsed.port = Some(args.number(&flag)?),
            "--tls" => {
                let text = args.value(&flag)?;
                parsed.tls = Some(text.parse().map_err(|e| UsageError(format!("{e}")))?);
            }
            "--allow-plaintext" => parsed.allow_plaintext = true,
            "--ca-file" => parsed.ca_file = Some(args.value(&flag)?.into()),
            "--user" => parsed.user = Some(args.value(&flag)?),
            "--password-env" => parsed.password_env = Some(args.value(&flag)?),
            "--from" => parsed.from = Some(args.value(&flag)?),
            "--to" => parsed.to.push(args.value(&flag)?),
            "--cc" => parsed.cc.push(args.value(&flag)?),
            "--bcc" => parsed.bcc.push(args.value(&flag)?),
            "--subject" => parsed.subject = Some(args.value(&flag)?),
            "--body-file" => parsed.body_file = Some(args.value(&flag)?),
            "--attach" => parsed.attach.push(args.value(&flag)?.into()),
            "--raw" => parsed.raw = Some(args.value(&flag)?),
            "--helo" => parsed.helo = Some(args.value(&flag)?),
            "--timeout" => parsed.timeout = Some(args.number(&flag)?),
            "--trace" => parsed.trace = true,
            "--password" => {
                return Err(UsageError(
                    "passwords are never taken as arguments (they end up in shell history and \
                     process lists): put it in an environment variable and name it with \
                     --password-env (default MAILWIRE_PASSWORD)"
                        .to_owned(),
                ));
            }
            other => return Err(UsageError(format!("unknown flag {other:?} for send"))),
        }
    }
    Ok(parsed)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let args = parse(args)?;
    let plan = Plan::from_args(&args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(plan.execute(args.trace))
}

/// How long one `send` may take without `--timeout`: someone is waiting at a terminal, and
/// RFC 5321's per-reply timeouts alone would let a stalling server keep them for an hour.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// Everything decided before the network is touched.
struct Plan {
    target: Target,
    credentials: Option<Credentials>,
    tls: TlsConfig,
    timeouts: Option<PhaseTimeouts>,
    deadline: Duration,
    helo: Option<String>,
    content: Content,
}

enum Target {
    /// A provider's endpoints, tried in order.
    Preset(Vec<Endpoint>),
    /// One server named on the command line.
    Host {
        host: String,
        port: u16,
        security: Security,
    },
}

enum Content {
    Built(Box<Message>),
    Raw {
        envelope: smtp::Envelope,
        bytes: Vec<u8>,
    },
}

fn mailbox(flag: &str, text: &str) -> Result<Mailbox, UsageError> {
    text.parse::<Mailbox>()
        .map_err(|e| UsageError(format!("{flag} {text:?}: {e}")))
}

fn read_input(what: &str, path: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let result = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| Failure::Input(format!("cannot read {what} {path:?}: {e}")))?;
    Ok(bytes)
}

impl Plan {
    fn from_args(args: &SendArgs) -> Result<Self, Failure> {
        let from_text = args
            .from
            .as_deref()
            .ok_or_else(|| UsageError("--from is required".to_owned()))?;
        let from = mailbox("--from", from_text)?;
        if args.to.is_empty() && args.cc.is_empty() && args.bcc.is_empty() {
            return Err(UsageError("give at least one --to, --cc or --bcc".to_owned()).into());
        }

        let preset = provider::for_address(from.address());
        let target = match (&args.host, preset) {
            (Some(host), _) => {
                let security = args.tls.unwrap_or(Security::StartTls);
                if security == Security::Plaintext && !args.allow_plaintext {
                    return Err(UsageError(
                        "--tls none sends the password and the mail in clear: add \
                         --allow-plaintext if that is really wanted (test servers only)"
                            .to_owned(),
                    )
                    .into());
                }
                let port = args.port.unwrap_or(match security {
                    Security::ImplicitTls => 465,
                    Security::Plaintext => 25,
                    _ => 587,
                });
                Target::Host {
                    host: host.clone(),
                    port,
                    security,
                }
            }
            (None, Some(preset)) => {
                if args.port.is_some() || args.tls.is_some() {
                    return Err(UsageError(format!(
                        "--port and --tls need --host; without it the {} preset is used",
                        preset.name
                    ))
                    .into());
                }
                Target::Preset(redirect::endpoints(preset.smtp)?)
            }
            (None, None) => {
                return Err(UsageError(format!(
                    "--host is required: no preset is known for {}",
                    from.address()
                ))
                .into());
            }
        };

        let user = args.user.clone().or_else(|| {
            preset
                .filter(|_| args.host.is_none())
                .map(|_| from.address().to_owned())
        });
        let credentials = match user {
            None => None,
            Some(user) => {
                let variable = args.password_env.as_deref().unwrap_or("MAILWIRE_PASSWORD");
                let password = std::env::var(variable).map_err(|_| {
                    Failure::Input(format!(
                        "no password: set the environment variable {variable} (for iCloud, an \
                         app-specific password)"
                    ))
                })?;
                Some(Credentials::new(user, password).map_err(|e| Failure::Input(e.to_string()))?)
            }
        };

        let mut tls = TlsConfig::webpki();
        if let Some(path) = &args.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                Failure::Input(format!("cannot read --ca-file {}: {e}", path.display()))
            })?;
            tls = tls
                .with_root_pem(&pem)
                .map_err(|e| Failure::Input(format!("--ca-file {}: {e}", path.display())))?;
        }

        let to: Vec<Mailbox> = args
            .to
            .iter()
            .map(|a| mailbox("--to", a))
            .collect::<Result<_, _>>()?;
        let cc: Vec<Mailbox> = args
            .cc
            .iter()
            .map(|a| mailbox("--cc", a))
            .collect::<Result<_, _>>()?;
        let bcc: Vec<Mailbox> = args
            .bcc
            .iter()
            .map(|a| mailbox("--bcc", a))
            .collect::<Result<_, _>>()?;

        let content = match &args.raw {
            Some(path) => {
                if args.subject.is_some() || args.body_file.is_some() || !args.attach.is_empty() {
                    return Err(UsageError(
                        "--raw sends a ready message: --subject, --body-file and --attach do \
                         not apply"
                            .to_owned(),
                    )
                    .into());
                }
                let bytes = read_input("--raw", path)?;
                let recipients = to
                    .iter()
                    .chain(&cc)
                    .chain(&bcc)
                    .map(|m| m.address().to_owned());
                Content::Raw {
                    envelope: smtp::Envelope::new(from.address(), recipients),
                    bytes,
                }
            }
            None => {
                let mut builder = MessageBuilder::new().from(from.clone());
                for m in to {
                    builder = builder.to(m);
                }
                for m in cc {
                    builder = builder.cc(m);
                }
                for m in bcc {
                    builder = builder.bcc(m);
                }
                if let Some(subject) = &args.subject {
                    builder = builder.subject(subject);
                }
                let body = match &args.body_file {
                    Some(path) => {
                        String::from_utf8(read_input("--body-file", path)?).map_err(|_| {
                            Failure::Input(format!(
                                "--body-file {path}: the body is not UTF-8 text"
                            ))
                        })?
                    }
                    None => String::new(),
                };
                builder = builder.text_body(&body);
                for path in &args.attach {
                    let attachment = Attachment::from_path(path)
                        .map_err(|e| Failure::Input(format!("--attach {}: {e}", path.display())))?;
                    builder = builder.attach(attachment);
                }
                Content::Built(Box::new(
                    builder.build().map_err(|e| Failure::Input(e.to_string()))?,
                ))
            }
        };

        Ok(Plan {
            target,
            credentials,
            tls,
            timeouts: args
                .timeout
                .map(|secs| PhaseTimeouts::all(Duration::from_secs(secs))),
            deadline: args.timeout.map_or(DEFAULT_DEADLINE, Duration::from_secs),
            helo: args.helo.clone(),
            content,
        })
    }

    async fn execute(self, trace_on: bool) -> Result<(), Failure> {
        let tracer = trace_on.then(|| Arc::new(Mutex::new(trace::Tracer::default())));
        let configure = |mut builder: ClientBuilder| {
            builder = builder.tls(self.tls.clone());
            if let Some(credentials) = &self.credentials {
                builder = builder.credentials(credentials.clone());
            }
            if let Some(timeouts) = self.timeouts {
                builder = builder.timeouts(timeouts);
            }
            builder = builder.deadline(self.deadline);
            if let Some(helo) = &self.helo {
                builder = builder.helo_name(helo.clone());
            }
            if let Some(tracer) = &tracer {
                let tracer = Arc::clone(tracer);
                builder = builder.transcript(move |direction: Direction, bytes: &[u8]| {
                    if let Ok(mut tracer) = tracer.lock() {
                        tracer.record(direction, bytes);
                    }
                });
            }
            builder
        };
        let (mut client, route) = match &self.target {
            Target::Preset(endpoints) => {
                let (client, report) = smtp::connect_with_fallback(endpoints, configure)
                    .await
                    .map_err(|e| Failure::Runtime(explain::fallback_error(&e)))?;
                if !report.failed.is_empty() {
                    for line in explain::fallback_notes(&report) {
                        terminal::warn(&format!("note: {line}"));
                    }
                }
                let used = report.used;
                (
                    client,
                    format!("{}:{} ({})", used.host, used.port, used.security),
                )
            }
            Target::Host {
                host,
                port,
                security,
            } => {
                let client = configure(ClientBuilder::new(host.clone(), *port))
                    .security(*security)
                    .connect()
                    .await
                    .map_err(|e| Failure::Runtime(explain::error(&e)))?;
                (client, format!("{host}:{port} ({security})"))
            }
        };
        let (sent, id) = match &self.content {
            Content::Built(message) => (client.send(message).await, Some(message.message_id())),
            Content::Raw { envelope, bytes } => (client.send_raw(envelope, bytes).await, None),
        };
        let sent = sent.map_err(|e| Failure::Runtime(explain::error(&e)))?;
        // The message is accepted: a failed QUIT does not change that.
        if let Err(error) = client.quit().await {
            terminal::warn(&format!(
                "note: QUIT failed after the message was accepted: {}",
                explain::error(&error)
            ));
        }
        terminal::say(&format!(
            "sent{} to {} recipient(s) via {route}: {}",
            id.map(|id| format!(" {id}")).unwrap_or_default(),
            sent.accepted.len(),
            sent.reply
        ));
        Ok(())
    }
}
