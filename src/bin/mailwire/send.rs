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

use crate::args::{Args, UsageError, host_security, password_as_argument, preset_only};
use crate::{Failure, explain, imap, redirect, terminal, trace};

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
  --save-copy            after sending, add the message to the Sent folder over IMAP with
                         the same login (not on iCloud, whose SMTP files a copy itself)
  --imap-host HOST       IMAP server for --save-copy (default: --host)
  --imap-port PORT       its port (default 993 implicit, 143 starttls)
  --imap-tls MODE        implicit (default) | starttls

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
    save_copy: bool,
    imap_host: Option<String>,
    imap_port: Option<u16>,
    imap_tls: Option<Security>,
}

fn parse(mut args: Args) -> Result<SendArgs, UsageError> {
    let mut parsed = SendArgs::default();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--host" => parsed.host = Some(args.value(&flag)?),
            "--port" => parsed.port = Some(args.number(&flag)?),
            "--tls" => {
                parsed.tls = Some(args.security(&flag)?);
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
            "--save-copy" => parsed.save_copy = true,
            "--imap-host" => parsed.imap_host = Some(args.value(&flag)?),
            "--imap-port" => parsed.imap_port = Some(args.number(&flag)?),
            "--imap-tls" => {
                parsed.imap_tls = Some(args.security(&flag)?);
            }
            "--password" => {
                return Err(password_as_argument());
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
    save_copy: Option<SaveCopy>,
}

/// Where `--save-copy` files the sent message.
enum SaveCopy {
    /// The provider's SMTP server files a copy itself (iCloud): saving one more would
    /// make a duplicate.
    ByProvider(&'static str),
    /// APPEND over IMAP.
    Imap(crate::imap::Plan),
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
                let security = host_security(args.tls, Security::StartTls, args.allow_plaintext)?;
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
                preset_only(args.port, args.tls, preset.name)?;
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
            Some(user) => Some(imap::credentials(user, args.password_env.as_deref())?),
        };
        let tls = imap::tls_config(args.ca_file.as_ref())?;

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

        let save_copy = if args.save_copy {
            Some(save_copy_plan(
                args,
                &target,
                preset,
                credentials.as_ref(),
                &tls,
            )?)
        } else {
            if args.imap_host.is_some() || args.imap_port.is_some() || args.imap_tls.is_some() {
                return Err(UsageError(
                    "--imap-host, --imap-port and --imap-tls go with --save-copy".to_owned(),
                )
                .into());
            }
            None
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
            save_copy,
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
        match &self.save_copy {
            None => Ok(()),
            Some(SaveCopy::ByProvider(name)) => {
                terminal::warn(&format!(
                    "note: {name} files a copy of each sent message in the Sent folder itself, \
                     so --save-copy added none (it would be a duplicate)"
                ));
                Ok(())
            }
            Some(SaveCopy::Imap(plan)) => save_copy(plan, &self.content, trace_on).await,
        }
    }
}

fn save_copy_plan(
    args: &SendArgs,
    target: &Target,
    preset: Option<&'static provider::Provider>,
    credentials: Option<&Credentials>,
    tls: &TlsConfig,
) -> Result<SaveCopy, Failure> {
    let smtp_provider = match target {
        Target::Preset(_) => preset,
        Target::Host { host, .. } => provider::for_host(host),
    };
    if let Some(provider) = smtp_provider.filter(|p| p.name == provider::ICLOUD.name) {
        return Ok(SaveCopy::ByProvider(provider.name));
    }
    let Some(credentials) = credentials else {
        return Err(UsageError(
            "--save-copy logs in to IMAP with the SMTP login: give --user".to_owned(),
        )
        .into());
    };
    let host = match (&args.imap_host, target) {
        (Some(host), _) => host.clone(),
        (None, Target::Host { host, .. }) => host.clone(),
        (None, Target::Preset(_)) => {
            return Err(UsageError("--save-copy needs --imap-host here".to_owned()).into());
        }
    };
    let security = args.imap_tls.unwrap_or(Security::ImplicitTls);
    if security == Security::Plaintext {
        return Err(UsageError(
            "--imap-tls none is not offered: the password would go in clear".to_owned(),
        )
        .into());
    }
    let port = args.imap_port.unwrap_or(match security {
        Security::ImplicitTls => 993,
        _ => 143,
    });
    let timeout = Duration::from_secs(args.timeout.unwrap_or(30));
    Ok(SaveCopy::Imap(crate::imap::Plan::new(
        host,
        port,
        security,
        credentials.clone(),
        tls.clone(),
        timeout,
    )))
}

/// The message as it was sent, with CRLF line ends (a raw message's bare LFs normalised by
/// the same codec that sent it), for APPEND.
fn sent_bytes(content: &Content) -> Result<Vec<u8>, Failure> {
    match content {
        Content::Built(message) => Ok(message.as_bytes().to_vec()),
        Content::Raw { bytes, .. } => {
            let failed = |e: &dyn std::fmt::Display| {
                Failure::Runtime(format!("sent, but the copy could not be made: {e}"))
            };
            let wire = smtp::codec::encode_data(bytes).map_err(|e| failed(&e))?;
            let limits =
                mailwire::limits::Limits::default().with_response_len(wire.len() as u64 + 1024);
            match smtp::codec::decode_data(&wire, &limits).map_err(|e| failed(&e))? {
                mailwire::Parsed::Complete(copy, _) => Ok(copy),
                mailwire::Parsed::Incomplete => Err(failed(&"the message did not end")),
            }
        }
    }
}

/// `--save-copy`: APPEND the sent message, marked seen, to the Sent folder found by role.
async fn save_copy(
    plan: &crate::imap::Plan,
    content: &Content,
    trace_on: bool,
) -> Result<(), Failure> {
    let bytes = sent_bytes(content)?;
    let not_saved = |e: &mailwire::imap::Error| {
        Failure::Runtime(format!(
            "sent, but no copy was saved: {}",
            crate::imap::explain(e)
        ))
    };
    let mut client = plan
        .connect(trace_on)
        .await
        .map_err(|failure| match failure {
            Failure::Runtime(text) => {
                Failure::Runtime(format!("sent, but no copy was saved: {text}"))
            }
            other => other,
        })?;
    let sent = client
        .find_role(mailwire::imap::MailboxRole::Sent)
        .await
        .map_err(|e| not_saved(&e))?
        .ok_or_else(|| {
            Failure::Runtime(format!(
                "sent, but no copy was saved: {} has no Sent folder (none marked \\Sent, none \
                 named Sent Messages, Sent Items or Sent)",
                client.server()
            ))
        })?;
    let options =
        mailwire::imap::AppendOptions::new().flags(vec![mailwire::imap::codec::types::Flag::Seen]);
    let appended = client
        .append(&sent.name, &bytes, &options)
        .await
        .map_err(|e| not_saved(&e))?;
    let _ = client.logout().await;
    terminal::say(&format!(
        "saved a copy in {}{}",
        sent.name,
        appended
            .uid
            .map(|uid| format!(" as UID {uid}"))
            .unwrap_or_default()
    ));
    Ok(())
}
