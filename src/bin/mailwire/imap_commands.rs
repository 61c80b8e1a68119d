//! The subcommands of `mailwire imap`: each one a few calls on the client, its output one
//! line per item, server text escaped by [`terminal`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use mailwire::imap::codec::encode_response;
use mailwire::imap::codec::types::{
    Data, Flag, IString, Response, SearchKey, Section, SequenceSet,
};
use mailwire::imap::{
    AppendOptions, Client, ClientBuilder, Event, FetchQuery, MailboxEntry, WatchEvent, Watcher,
};

use crate::args::UsageError;
use crate::imap::failure;
use crate::imap_files::{FileReader, FileWriter};
use crate::{Failure, imap_ops, imap_query, terminal};

/// UIDs per `UID FETCH` of `fetch`'s summaries and headers, and such commands in flight.
const FETCH_CHUNK: usize = 500;
const FETCH_WINDOW: usize = 4;

/// Which messages `fetch` reads.
pub enum Which {
    Uids(SequenceSet),
    Last(u32),
}

/// What `fetch` prints or writes.
pub enum Output {
    Summary,
    Headers,
    Files(PathBuf),
}

/// One parsed subcommand.
pub enum Command {
    Capabilities,
    List,
    Status(String),
    Fetch {
        mailbox: String,
        which: Which,
        output: Output,
    },
    Append {
        mailbox: String,
        file: PathBuf,
    },
    Create(String),
    Rename(String, String),
    RemoveMailbox(String),
    Idle {
        mailbox: String,
        seconds: Option<u64>,
    },
    Watch {
        mailbox: String,
        seconds: Option<u64>,
    },
    Search {
        mailbox: String,
        key: SearchKey<'static>,
    },
    Move {
        mailbox: String,
        set: SequenceSet,
        dest: String,
    },
    Delete {
        mailbox: String,
        set: SequenceSet,
    },
}

/// A UID set from the command line, read by the codec's own grammar.
pub fn uid_set(text: &str) -> Result<SequenceSet, UsageError> {
    match text.parse::<SequenceSet>() {
        Ok(set) if !set.saved => Ok(set),
        Ok(_) => Err(UsageError(format!(
            "{text:?}: `$` (a saved search) means nothing here; give UIDs such as 1:10,15"
        ))),
        Err(e) => Err(UsageError(format!(
            "{text:?} is not a UID set like 7, 1:10 or 3,5,9:* ({e})"
        ))),
    }
}

/// Takes exactly `n` positional words for `command`.
fn positional(
    command: &str,
    words: &mut Vec<String>,
    n: usize,
    usage: &str,
) -> Result<Vec<String>, UsageError> {
    if let Some(flag) = words.iter().find(|w| w.starts_with("--") && w.len() > 2) {
        return Err(UsageError(format!(
            "unknown flag {flag:?} for imap {command}"
        )));
    }
    if words.len() != n {
        return Err(UsageError(format!(
            "usage: mailwire imap {command} {usage}"
        )));
    }
    Ok(std::mem::take(words))
}

impl Command {
    pub fn parse(command: &str, mut words: Vec<String>) -> Result<Self, UsageError> {
        let one = |words: &mut Vec<String>, usage| -> Result<String, UsageError> {
            Ok(positional(command, words, 1, usage)?.remove(0))
        };
        Ok(match command {
            "capabilities" => {
                positional(command, &mut words, 0, "")?;
                Command::Capabilities
            }
            "list" => {
                positional(command, &mut words, 0, "")?;
                Command::List
            }
            "status" => Command::Status(one(&mut words, "MAILBOX")?),
            "create" => Command::Create(one(&mut words, "MAILBOX")?),
            "remove-mailbox" => Command::RemoveMailbox(one(&mut words, "MAILBOX")?),
            "rename" => {
                let mut names = positional(command, &mut words, 2, "FROM TO")?;
                let to = names.remove(1);
                Command::Rename(names.remove(0), to)
            }
            "append" => {
                let mut names = positional(command, &mut words, 2, "MAILBOX FILE")?;
                let file = names.remove(1).into();
                Command::Append {
                    mailbox: names.remove(0),
                    file,
                }
            }
            "fetch" => parse_fetch(words)?,
            "search" => {
                if let Some(flag) = words.iter().find(|w| w.starts_with("--") && w.len() > 2) {
                    return Err(UsageError(format!("unknown flag {flag:?} for imap search")));
                }
                if words.is_empty() {
                    return Err(UsageError(
                        "usage: mailwire imap search MAILBOX TERM...".to_owned(),
                    ));
                }
                let mailbox = words.remove(0);
                Command::Search {
                    key: imap_query::parse(&words)?,
                    mailbox,
                }
            }
            "move" => {
                let mut names = positional(command, &mut words, 3, "MAILBOX SET DEST")?;
                let dest = names.remove(2);
                let set = uid_set(&names.remove(1))?;
                Command::Move {
                    mailbox: names.remove(0),
                    set,
                    dest,
                }
            }
            "delete" => {
                let mut names = positional(command, &mut words, 2, "MAILBOX SET")?;
                let set = uid_set(&names.remove(1))?;
                Command::Delete {
                    mailbox: names.remove(0),
                    set,
                }
            }
            "idle" | "watch" => {
                let (mailbox, seconds) = mailbox_for(command, words)?;
                if command == "idle" {
                    Command::Idle { mailbox, seconds }
                } else {
                    Command::Watch { mailbox, seconds }
                }
            }
            other => return Err(UsageError(format!("unknown imap command {other:?}"))),
        })
    }

    pub async fn execute(self, client: &mut Client) -> Result<(), Failure> {
        match self {
            Command::Capabilities => {
                for capability in client.capabilities() {
                    terminal::say(&capability.to_string());
                }
                Ok(())
            }
            Command::List => list(client).await,
            Command::Status(mailbox) => {
                let status = client.status(&mailbox).await.map_err(|e| failure(&e))?;
                let fields = [
                    ("messages", status.messages.map(u64::from)),
                    ("unseen", status.unseen.map(u64::from)),
                    ("uidnext", status.uid_next.map(u64::from)),
                    ("uidvalidity", status.uid_validity.map(u64::from)),
                    ("highestmodseq", status.highest_modseq),
                ];
                for (name, value) in fields {
                    if let Some(value) = value {
                        terminal::say(&format!("{name} {value}"));
                    }
                }
                Ok(())
            }
            Command::Create(mailbox) => {
                client.create(&mailbox).await.map_err(|e| failure(&e))?;
                terminal::say(&format!("created {mailbox}"));
                Ok(())
            }
            Command::RemoveMailbox(mailbox) => {
                client.delete(&mailbox).await.map_err(|e| failure(&e))?;
                terminal::say(&format!("removed {mailbox}"));
                Ok(())
            }
            Command::Rename(from, to) => {
                client.rename(&from, &to).await.map_err(|e| failure(&e))?;
                terminal::say(&format!("renamed {from} to {to}"));
                Ok(())
            }
            Command::Append { mailbox, file } => append(client, &mailbox, &file).await,
            Command::Fetch {
                mailbox,
                which,
                output,
            } => fetch(client, &mailbox, which, output).await,
            Command::Idle { mailbox, seconds } => idle(client, &mailbox, seconds).await,
            // Run by `imap::run` before any connection: the watcher makes its own.
            Command::Watch { .. } => Err(Failure::Runtime(
                "watch runs without a connection of the caller's".to_owned(),
            )),
            Command::Search { mailbox, key } => imap_ops::search(client, &mailbox, key).await,
            Command::Move { mailbox, set, dest } => {
                imap_ops::move_to(client, &mailbox, &set, &dest).await
            }
            Command::Delete { mailbox, set } => imap_ops::delete(client, &mailbox, &set).await,
        }
    }
}

/// `MAILBOX [--for SECS]`, as `idle` and `watch` take them.
fn mailbox_for(command: &str, words: Vec<String>) -> Result<(String, Option<u64>), UsageError> {
    let mut seconds = None;
    let mut rest = Vec::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        if word == "--for" {
            let text = words
                .next()
                .ok_or_else(|| UsageError("--for needs a number of seconds".to_owned()))?;
            seconds = Some(text.parse().map_err(|_| {
                UsageError(format!("--for needs a number of seconds, not {text:?}"))
            })?);
        } else {
            rest.push(word);
        }
    }
    let mailbox = positional(command, &mut rest, 1, "MAILBOX [--for SECS]")?.remove(0);
    Ok((mailbox, seconds))
}

fn parse_fetch(words: Vec<String>) -> Result<Command, UsageError> {
    let mut which = None;
    let mut output = Output::Summary;
    let mut mailbox = None;
    let mut words = words.into_iter();
    let usage = || {
        UsageError(
            "usage: mailwire imap fetch MAILBOX [--uid SET | --last N] [--headers | --out DIR]"
                .to_owned(),
        )
    };
    while let Some(word) = words.next() {
        match word.as_str() {
            "--uid" | "--last" if which.is_some() => {
                return Err(UsageError("give either --uid or --last, once".to_owned()));
            }
            "--uid" => {
                let text = words
                    .next()
                    .ok_or_else(|| UsageError("--uid needs a set".to_owned()))?;
                which = Some(Which::Uids(uid_set(&text)?));
            }
            "--last" => {
                let text = words
                    .next()
                    .ok_or_else(|| UsageError("--last needs a number".to_owned()))?;
                let n = text.parse().ok().filter(|&n: &u32| n > 0).ok_or_else(|| {
                    UsageError(format!("--last needs a number above 0, not {text:?}"))
                })?;
                which = Some(Which::Last(n));
            }
            "--headers" | "--out" if !matches!(output, Output::Summary) => {
                return Err(UsageError(
                    "give either --headers or --out, once".to_owned(),
                ));
            }
            "--headers" => output = Output::Headers,
            "--out" => {
                let dir = words
                    .next()
                    .ok_or_else(|| UsageError("--out needs a directory".to_owned()))?;
                output = Output::Files(dir.into());
            }
            flag if flag.starts_with("--") && flag.len() > 2 => {
                return Err(UsageError(format!("unknown flag {flag:?} for imap fetch")));
            }
            _ if mailbox.is_none() => mailbox = Some(word),
            _ => return Err(usage()),
        }
    }
    Ok(Command::Fetch {
        mailbox: mailbox.ok_or_else(usage)?,
        which: which.unwrap_or(Which::Last(10)),
        output,
    })
}

fn flags_text(flags: &[Flag<'_>]) -> String {
    let words: Vec<String> = flags
        .iter()
        .map(|flag| match flag {
            Flag::Answered => "\\Answered".to_owned(),
            Flag::Flagged => "\\Flagged".to_owned(),
            Flag::Deleted => "\\Deleted".to_owned(),
            Flag::Seen => "\\Seen".to_owned(),
            Flag::Draft => "\\Draft".to_owned(),
            Flag::Recent => "\\Recent".to_owned(),
            Flag::Wildcard => "\\*".to_owned(),
            Flag::Keyword(atom) => atom.as_str().to_owned(),
            Flag::Extension(atom) => format!("\\{}", atom.as_str()),
        })
        .collect();
    format!("({})", words.join(" "))
}

fn nstring(value: &Option<IString<'_>>) -> String {
    value
        .as_ref()
        .map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
        .unwrap_or_default()
}

async fn list(client: &mut Client) -> Result<(), Failure> {
    let mailboxes: Vec<MailboxEntry> = client.list("", "*").await.map_err(|e| failure(&e))?;
    for entry in mailboxes {
        let role = entry
            .role
            .map(|role| format!("{role:?}").to_lowercase())
            .unwrap_or_else(|| "-".to_owned());
        // Without LIST-STATUS the counts take one STATUS each.
        let status = match (&entry.status, entry.selectable) {
            (Some(status), _) => Some(status.clone()),
            (None, true) => client.status(&entry.name).await.ok(),
            (None, false) => None,
        };
        let counts = match status {
            Some(status) => format!(
                "{} messages, {} unseen",
                status.messages.map_or("?".to_owned(), |n| n.to_string()),
                status.unseen.map_or("?".to_owned(), |n| n.to_string())
            ),
            None => "not selectable".to_owned(),
        };
        terminal::say(&format!("{}  {role}  {counts}", entry.name));
    }
    Ok(())
}

/// The UIDs `which` names in the selected mailbox, in order.
async fn uids_of(client: &mut Client, which: &Which) -> Result<Vec<u32>, Failure> {
    let query = FetchQuery::new().uid();
    let mut stream = match which {
        Which::Uids(set) => client.uid_fetch(set, &query).await,
        Which::Last(n) => {
            let exists = client.selected().map_or(0, |state| state.exists);
            if exists == 0 {
                return Ok(Vec::new());
            }
            let first = exists.saturating_sub(n - 1).max(1);
            client
                .fetch(&SequenceSet::range(first, exists), &query)
                .await
        }
    }
    .map_err(|e| failure(&e))?;
    let mut uids = Vec::new();
    while let Some(message) = stream.next().await {
        let message = message.map_err(|e| failure(&e))?;
        if let Some(uid) = message.uid() {
            uids.push(uid);
        }
    }
    uids.sort_unstable();
    uids.dedup();
    Ok(uids)
}

async fn fetch(
    client: &mut Client,
    mailbox: &str,
    which: Which,
    output: Output,
) -> Result<(), Failure> {
    // Read-only: fetching must not change anything (bodies are read with BODY.PEEK).
    client.examine(mailbox).await.map_err(|e| failure(&e))?;
    let uids = uids_of(client, &which).await?;
    if uids.is_empty() {
        terminal::warn("note: no such messages");
        return Ok(());
    }
    match output {
        Output::Files(dir) => fetch_into_files(client, &uids, &dir).await,
        Output::Summary | Output::Headers => {
            let headers = matches!(output, Output::Headers);
            let query = if headers {
                FetchQuery::new().uid().header()
            } else {
                FetchQuery::new().uid().flags().internal_date().envelope()
            };
            // The library's chunked UID FETCH writes runs of UIDs as ranges and keeps
            // each command line short, however many messages were named.
            let mut stream = client
                .uid_fetch_pipelined(&uids, &query, FETCH_CHUNK, FETCH_WINDOW)
                .await
                .map_err(|e| failure(&e))?;
            while let Some(message) = stream.next().await {
                let message = message.map_err(|e| failure(&e))?;
                let uid = message.uid().map_or("?".to_owned(), |uid| uid.to_string());
                if headers {
                    terminal::say(&format!("== UID {uid}"));
                    let header = message.header().unwrap_or_default();
                    for line in header.split(|&b| b == b'\n') {
                        let line = terminal::line_text(line);
                        if !line.is_empty() {
                            terminal::say(&line);
                        }
                    }
                } else {
                    let flags = message.flags().map(flags_text).unwrap_or_default();
                    let date = message
                        .internal_date()
                        .map(|d| d.to_string().trim_start().to_owned())
                        .unwrap_or_default();
                    let (from, subject) = message
                        .envelope()
                        .map(|envelope| {
                            let from = envelope
                                .from()
                                .first()
                                .map(|a| format!("{}@{}", nstring(&a.mailbox), nstring(&a.host)))
                                .unwrap_or_default();
                            (from, nstring(&envelope.subject))
                        })
                        .unwrap_or_default();
                    terminal::say(&format!("{uid}  {flags}  {date}  {from}  {subject}"));
                }
            }
            Ok(())
        }
    }
}

async fn fetch_into_files(
    client: &mut Client,
    uids: &[u32],
    dir: &std::path::Path,
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Input(format!("cannot create --out {}: {e}", dir.display())))?;
    let progress = std::io::stderr().is_terminal();
    let whole = Section {
        part: Vec::new(),
        text: None,
    };
    let mut written_total = 0u64;
    for (index, &uid) in uids.iter().enumerate() {
        let path = dir.join(format!("{uid}.eml"));
        let mut file = FileWriter::create(&path)?;
        let fetched = client
            .fetch_body_into(uid, &whole, &mut file)
            .await
            .map_err(|e| failure(&e))?;
        match fetched {
            Some(fetched) => {
                written_total += fetched.written;
                if progress {
                    eprint!(
                        "\r{}/{} messages, {} bytes",
                        index + 1,
                        uids.len(),
                        written_total
                    );
                }
            }
            None => {
                drop(file);
                let _ = std::fs::remove_file(&path);
                terminal::warn(&format!("note: UID {uid} is gone"));
            }
        }
    }
    if progress {
        eprintln!();
    }
    terminal::say(&format!(
        "wrote {} message(s), {written_total} bytes, into {}",
        uids.len(),
        dir.display()
    ));
    Ok(())
}

async fn append(client: &mut Client, mailbox: &str, path: &std::path::Path) -> Result<(), Failure> {
    let (reader, len) = FileReader::open(path)?;
    let appended = client
        .append_from(mailbox, reader, len, &AppendOptions::new())
        .await
        .map_err(|e| failure(&e))?;
    match appended.uid {
        Some(uid) => terminal::say(&format!("appended {len} bytes to {mailbox} as UID {uid}")),
        None => terminal::say(&format!("appended {len} bytes to {mailbox}")),
    }
    Ok(())
}

/// An event as the server wrote it (`* 3 EXISTS`), through the codec's own encoder.
fn event_line(event: Event) -> String {
    let response = match event {
        Event::Exists(n) => Response::Data(Data::Exists(n)),
        Event::Recent(n) => Response::Data(Data::Recent(n)),
        Event::Expunge(n) => Response::Data(Data::Expunge(n)),
        Event::Fetch { seq, items } => Response::Data(Data::Fetch { seq, items }),
        Event::Flags(flags) => Response::Data(Data::Flags(flags)),
        Event::Status(status) => Response::Status(status),
        Event::Other(data) => Response::Data(data),
        Event::Alert(text) => return format!("alert: {text}"),
        Event::Bye(text) => return format!("bye: {text}"),
        Event::Vanished { earlier, uids } => {
            return format!("vanished{} {uids}", if earlier { " (earlier)" } else { "" });
        }
        Event::Capabilities(list) => {
            let names: Vec<String> = list.iter().map(ToString::to_string).collect();
            return format!("capabilities {}", names.join(" "));
        }
        other => return format!("{other:?}"),
    };
    let mut out = Vec::new();
    match encode_response(&response, &mut out) {
        Ok(()) => terminal::line_text(&out),
        Err(_) => format!("{response:?}"),
    }
}

async fn idle(client: &mut Client, mailbox: &str, seconds: Option<u64>) -> Result<(), Failure> {
    client.select(mailbox).await.map_err(|e| failure(&e))?;
    terminal::warn(&format!(
        "idling in {mailbox}{}",
        seconds.map(|s| format!(" for {s} s")).unwrap_or_default()
    ));
    let until = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut idle = client.idle().await.map_err(|e| failure(&e))?;
    loop {
        let wait = match until {
            Some(until) => until.saturating_duration_since(Instant::now()),
            None => Duration::from_secs(3600),
        };
        if wait.is_zero() {
            break;
        }
        match idle.next_event(wait).await.map_err(|e| failure(&e))? {
            Some(event) => terminal::say(&event_line(event)),
            None if until.is_some() => break,
            None => {}
        }
    }
    for event in idle.done().await.map_err(|e| failure(&e))? {
        terminal::say(&event_line(event));
    }
    Ok(())
}

/// What the watcher reports, one line each: `new 7 (\Seen) Subject`, `changed 7 (\Flagged)`,
/// `removed 7`, `resync uidvalidity N: M messages`; reconnects go to stderr.
fn watch_line(event: WatchEvent) -> Option<String> {
    Some(match event {
        WatchEvent::New {
            uid,
            flags,
            message,
        } => {
            let subject = message
                .envelope()
                .map(|envelope| nstring(&envelope.subject))
                .unwrap_or_default();
            format!("new {uid} {} {subject}", flags_text(&flags))
        }
        WatchEvent::Changed { uid, flags, .. } => {
            format!("changed {uid} {}", flags_text(&flags))
        }
        WatchEvent::Removed { uid } => format!("removed {uid}"),
        WatchEvent::Resync {
            uid_validity,
            messages,
        } => format!(
            "resync uidvalidity {}: {} messages",
            uid_validity.map_or_else(|| "unknown".to_owned(), |v| v.to_string()),
            messages.len()
        ),
        WatchEvent::Reconnecting {
            error,
            attempt,
            delay,
        } => {
            terminal::warn(&format!(
                "connection lost ({}); reconnecting in {:.1} s (attempt {attempt})",
                error,
                delay.as_secs_f64()
            ));
            return None;
        }
        other => format!("{other:?}"),
    })
}

/// `watch`: a [`Watcher`] on `mailbox` until interrupted or `seconds` have passed.
pub async fn watch(
    builder: ClientBuilder,
    mailbox: String,
    seconds: Option<u64>,
) -> Result<(), Failure> {
    terminal::warn(&format!(
        "watching {mailbox}{}",
        seconds.map(|s| format!(" for {s} s")).unwrap_or_default()
    ));
    let query = FetchQuery::new().envelope();
    let mut watcher = Watcher::new(builder, mailbox).fetch_new(query);
    let until = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    loop {
        let event = match until {
            Some(until) => {
                let left = until.saturating_duration_since(Instant::now());
                // Time is up: the watcher is dropped mid-wait, and nothing follows it.
                match tokio::time::timeout(left, watcher.next()).await {
                    Ok(event) => event,
                    Err(_) => return Ok(()),
                }
            }
            None => watcher.next().await,
        };
        let event = event.map_err(|e| failure(&e))?;
        if let Some(line) = watch_line(event) {
            terminal::say(&line);
        }
    }
}
