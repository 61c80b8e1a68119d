//! `mailwire demo`: the whole job, offline. An in-memory mail server (iCloud mode) starts
//! in this process; an IMAP session waits in IDLE; a message built here goes out through
//! SMTP (STARTTLS + AUTH), arrives in IDLE, is fetched back and compared byte for byte
//! with what was built. Both sessions' transcripts are shown, secrets redacted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailwire::imap::codec::types::SequenceSet;
use mailwire::imap::{self, Event, FetchQuery};
use mailwire::message::{Attachment, Mailbox, Message, MessageBuilder};
use mailwire::net::{Direction, TlsConfig};
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::{ClientBuilder, PhaseTimeouts};
use mailwire::testing::mail::{MailServer, MailServerConfig, ServerMode};

use crate::args::{Args, UsageError};
use crate::{Failure, terminal, trace};

const SENDER: &str = "demo@mailwire.test";
const SENDER_PASSWORD: &str = "demo-password";
const RECIPIENT: &str = "zoe@mailwire.test";
const RECIPIENT_PASSWORD: &str = "zoe-password";
/// How long any one step may take: everything is in this process, so a step that takes
/// longer is stuck.
const STEP: Duration = Duration::from_secs(10);

pub fn run(mut args: Args) -> Result<(), Failure> {
    if let Some(extra) = args.next() {
        return Err(UsageError(format!("demo takes no arguments, not {extra:?}")).into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(demo())
}

fn fail(what: &str, error: &dyn std::fmt::Display) -> Failure {
    Failure::Runtime(format!("{what}: {error}"))
}

/// A transcript hook that keeps a short, redacted transcript for printing afterwards.
fn collector() -> (
    Arc<Mutex<trace::Tracer>>,
    impl Fn(Direction, &[u8]) + Send + Sync + 'static,
) {
    let tracer = Arc::new(Mutex::new(trace::Tracer::collecting()));
    let hook = Arc::clone(&tracer);
    (tracer, move |direction: Direction, bytes: &[u8]| {
        if let Ok(mut tracer) = hook.lock() {
            tracer.record(direction, bytes);
        }
    })
}

fn take_lines(tracer: &Mutex<trace::Tracer>) -> Vec<String> {
    tracer
        .lock()
        .map(|mut tracer| tracer.take_lines())
        .unwrap_or_default()
}

fn build_message() -> Result<Message, Failure> {
    MessageBuilder::new()
        .from(Mailbox::with_name("Demo Sender", SENDER).map_err(|e| fail("sender", &e))?)
        .to(Mailbox::with_name("Zoë Friend", RECIPIENT).map_err(|e| fail("to", &e))?)
        .bcc(Mailbox::new("hidden@example.org").map_err(|e| fail("bcc", &e))?)
        .subject("Grüße from mailwire ✓")
        .text_body(
            "Hello!\n\nThis message went through STARTTLS and AUTH to a real SMTP server,\n\
             and came back over IMAP.\n\
             .A line starting with a dot is dot-stuffed on the wire,\n.\n\
             and a line holding only a dot does not end the message early.\n",
        )
        .attach(
            Attachment::new(
                "notes.txt",
                "text/plain",
                b"an attachment, base64 on the wire\n".to_vec(),
            )
            .map_err(|e| fail("attachment", &e))?,
        )
        .build()
        .map_err(|e| fail("the demo message", &e))
}

/// Where two byte strings first differ, told for a person.
fn first_difference(built: &[u8], fetched: &[u8]) -> String {
    let at = built
        .iter()
        .zip(fetched)
        .position(|(a, b)| a != b)
        .unwrap_or(built.len().min(fetched.len()));
    let byte = |bytes: &[u8]| {
        bytes
            .get(at)
            .map_or("the end".to_owned(), |b| format!("{b:#04x}"))
    };
    format!(
        "the fetched message differs from the one built at byte {at} (built: {}, fetched: \
         {}; {} bytes built, {} fetched)",
        byte(built),
        byte(fetched),
        built.len(),
        fetched.len()
    )
}

fn print_transcript(title: &str, lines: &[String]) {
    println!("\n{title}");
    for line in lines {
        println!("  {line}");
    }
}

async fn demo() -> Result<(), Failure> {
    let server = MailServer::start(
        MailServerConfig::new()
            .with_mode(ServerMode::Icloud)
            .with_user(SENDER, SENDER_PASSWORD)
            .with_user(RECIPIENT, RECIPIENT_PASSWORD),
    )
    .await
    .map_err(|e| fail("cannot start the local mail server", &e))?;
    let client_tls = server
        .client_tls()
        .ok_or_else(|| Failure::Runtime("the demo server has no CA to trust".to_owned()))?;
    let tls = TlsConfig::custom(client_tls);
    println!(
        "1. A mail server runs in this process, in iCloud mode: SMTP submission on {} \
         (STARTTLS required, like smtp.mail.me.com:587) and IMAP on {} (TLS, like \
         imap.mail.me.com:993), with a CA and certificate made just now. No account, no \
         network.",
        server.smtp_submission_addr(),
        server.imap_tls_addr()
    );

    let (imap_tracer, imap_hook) = collector();
    let mut imap = imap::ClientBuilder::new("localhost", server.imap_tls_addr().port())
        .tls(tls.clone())
        .credentials(
            Credentials::new(RECIPIENT, RECIPIENT_PASSWORD).map_err(|e| fail("credentials", &e))?,
        )
        .transcript(imap_hook)
        .connect()
        .await
        .map_err(|e| fail("connecting to the IMAP server", &e))?;
    let folders = imap
        .list("", "*")
        .await
        .map_err(|e| fail("IMAP LIST", &e))?;
    let names: Vec<&str> = folders.iter().map(|entry| entry.name.as_str()).collect();
    let inbox = imap
        .select("INBOX")
        .await
        .map_err(|e| fail("IMAP SELECT INBOX", &e))?;
    // The folder names are the server's words: escaped like everything else it says.
    terminal::say(&format!(
        "2. IMAP: {RECIPIENT} logged in over TLS; the folders are iCloud's: {}. INBOX holds \
         {} messages; IDLE starts, to be told of new mail.",
        names.join(", "),
        inbox.exists
    ));

    let message = build_message()?;
    println!(
        "3. Built a message: {} bytes, non-ASCII subject and names, an attachment, a line \
         holding only a dot, and a Bcc that appears only in the envelope.",
        message.as_bytes().len()
    );

    let (smtp_tracer, smtp_hook) = collector();
    let mut smtp = ClientBuilder::new("localhost", server.smtp_submission_addr().port())
        .security(Security::StartTls)
        .tls(tls)
        .credentials(
            Credentials::new(SENDER, SENDER_PASSWORD).map_err(|e| fail("credentials", &e))?,
        )
        .timeouts(PhaseTimeouts::all(STEP))
        .transcript(smtp_hook)
        .connect()
        .await
        .map_err(|e| fail("connecting to the SMTP server", &e))?;

    let mut idle = imap.idle().await.map_err(|e| fail("IMAP IDLE", &e))?;
    let started = Instant::now();
    // The push is awaited while the message is being sent: its latency is the server's,
    // not the time this demo took to turn from one session to the other.
    let send = async {
        let report = smtp.send(&message).await;
        (report, started.elapsed())
    };
    let arrival = async {
        loop {
            match idle.next_event(STEP).await {
                Ok(Some(Event::Exists(count))) if count > inbox.exists => {
                    return Ok((count, started.elapsed()));
                }
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(Failure::Runtime(format!(
                        "no EXISTS arrived in IDLE within {} s of sending",
                        STEP.as_secs()
                    )));
                }
                Err(e) => return Err(fail("IMAP IDLE", &e)),
            }
        }
    };
    let ((report, accepted_after), arrived) = tokio::join!(send, arrival);
    let report = report.map_err(|e| fail("sending", &e))?;
    let (exists, arrived_after) = arrived?;
    idle.done().await.map_err(|e| fail("IMAP DONE", &e))?;
    smtp.quit().await.map_err(|e| fail("SMTP QUIT", &e))?;
    terminal::say(&format!(
        "4. SMTP: sent with STARTTLS and AUTH PLAIN; the server answered {} after {} ms.",
        report.reply,
        accepted_after.as_millis()
    ));
    println!(
        "5. IDLE: `* {exists} EXISTS` arrived {} ms after the SMTP client began sending; \
         DONE ends IDLE.",
        arrived_after.as_millis()
    );

    // INBOX stays selected through IDLE, and the EXISTS count is the new message's
    // sequence number: one FETCH gets its UID and bytes, no second SELECT needed.
    let fetched = imap
        .fetch(
            &SequenceSet::single(exists),
            &FetchQuery::new().uid().body(&[]),
        )
        .await
        .map_err(|e| fail("IMAP FETCH", &e))?
        .collect()
        .await
        .map_err(|e| fail("IMAP FETCH", &e))?;
    let (uid, body) = fetched
        .iter()
        .find_map(|message| Some((message.uid()?, message.body(&[])?.to_vec())))
        .ok_or_else(|| {
            Failure::Runtime(format!(
                "FETCH {exists} (UID BODY.PEEK[]) returned no message with its UID"
            ))
        })?;
    println!(
        "6. IMAP: FETCH {exists} (UID BODY.PEEK[]) returned UID {uid} and {} bytes.",
        body.len()
    );
    let sent_copies = server
        .store()
        .messages(SENDER, ServerMode::Icloud.sent_folder())
        .map_or(0, |messages| messages.len());
    println!(
        "7. As iCloud does, the server filed a copy in {SENDER}'s \"Sent Messages\" ({} \
         message{}).",
        sent_copies,
        if sent_copies == 1 { "" } else { "s" }
    );
    imap.logout().await.map_err(|e| fail("IMAP LOGOUT", &e))?;
    server.shutdown().await;

    print_transcript(
        "The SMTP session (C: client, S: server; AUTH redacted, the message summarised):",
        &take_lines(&smtp_tracer),
    );
    print_transcript(
        "The IMAP session (LOGIN/AUTHENTICATE redacted, the fetched message summarised):",
        &take_lines(&imap_tracer),
    );
    println!();

    if body != message.as_bytes() {
        return Err(Failure::Runtime(first_difference(
            message.as_bytes(),
            &body,
        )));
    }
    println!(
        "matched: the fetched message is byte-identical to the one built ({} bytes)",
        body.len()
    );
    println!(
        "\nTo test other mail clients (Python, mbsync, a mail app) against this server, run it \
         on its own: cargo run --features cli -- serve --help\n\
         Next, send through iCloud with an app-specific password (appleid.apple.com > \
         Sign-In and Security > App-Specific Passwords):\n\n  \
         export MAILWIRE_PASSWORD='xxxx-xxxx-xxxx-xxxx'\n  \
         echo hello | cargo run --features cli -- send --from you@icloud.com --to friend@example.org --subject hi --body-file -\n"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn a_difference_names_its_offset_and_both_bytes() {
        assert_eq!(
            first_difference(b"abc", b"abd"),
            "the fetched message differs from the one built at byte 2 (built: 0x63, fetched: \
             0x64; 3 bytes built, 3 fetched)"
        );
        assert!(
            first_difference(b"abc", b"ab").contains("at byte 2 (built: 0x63, fetched: the end")
        );
    }
}
