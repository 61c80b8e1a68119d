//! `mailwire demo`: a whole submission, offline, through a real SMTP server started in
//! this process, with the transcript shown as it happens.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailwire::message::{Attachment, Mailbox, MessageBuilder};
use mailwire::net::Direction;
use mailwire::sasl::Credentials;
use mailwire::security::Security;
use mailwire::smtp::ClientBuilder;
use mailwire::testing::demo::{demo_client_tls, demo_server_config};
use mailwire::testing::smtp::{SmtpServer, SmtpServerConfig};

use crate::args::{Args, UsageError};
use crate::{Failure, terminal, trace};

const USER: &str = "demo@mailwire.example";
const PASSWORD: &str = "demo-password";

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

async fn demo() -> Result<(), Failure> {
    let fail =
        |what: &str, error: &dyn std::fmt::Display| Failure::Runtime(format!("{what}: {error}"));
    let server = SmtpServer::start(
        SmtpServerConfig::starttls(demo_server_config()).with_user(USER, PASSWORD),
    )
    .await
    .map_err(|e| fail("cannot start the local demo server", &e))?;
    println!(
        "1. A local SMTP submission server listens on 127.0.0.1:{}: STARTTLS required, AUTH \
         PLAIN/LOGIN, a demo certificate (like iCloud's smtp.mail.me.com:587, but offline).",
        server.port()
    );

    let message = MessageBuilder::new()
        .from(Mailbox::with_name("Demo Sender", USER).map_err(|e| fail("sender", &e))?)
        .to(Mailbox::with_name("Zoë Friend", "friend@example.org").map_err(|e| fail("to", &e))?)
        .bcc(Mailbox::new("hidden@example.org").map_err(|e| fail("bcc", &e))?)
        .subject("Grüße from mailwire ✓")
        .text_body(
            "Hello!\n\nThis message went through STARTTLS and AUTH to a real SMTP server.\n\
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
        .map_err(|e| fail("the demo message", &e))?;
    println!(
        "2. Built a message: {} bytes, non-ASCII subject and names, an attachment, and a Bcc \
         that appears only in the envelope.",
        message.as_bytes().len()
    );

    println!("3. The SMTP session (C: client, S: server; AUTH is redacted):\n");
    let tracer = Arc::new(Mutex::new(trace::Tracer::to_stdout()));
    let hook = Arc::clone(&tracer);
    let mut client = ClientBuilder::new("localhost", server.port())
        .security(Security::StartTls)
        .tls(demo_client_tls())
        .credentials(Credentials::new(USER, PASSWORD).map_err(|e| fail("credentials", &e))?)
        .timeouts(mailwire::smtp::PhaseTimeouts::all(Duration::from_secs(10)))
        .transcript(move |direction: Direction, bytes: &[u8]| {
            if let Ok(mut tracer) = hook.lock() {
                tracer.record(direction, bytes);
            }
        })
        .connect()
        .await
        .map_err(|e| fail("connecting to the demo server", &e))?;
    let report = client
        .send(&message)
        .await
        .map_err(|e| fail("sending", &e))?;
    client.quit().await.map_err(|e| fail("QUIT", &e))?;

    let received = server
        .wait_for(1, Duration::from_secs(5))
        .await
        .map_err(|e| fail("the demo server", &e))?;
    let mail = received
        .first()
        .ok_or_else(|| Failure::Runtime("the demo server received nothing".to_owned()))?;
    println!();
    terminal::say(&format!(
        "4. The server accepted it ({}) for {} over {}; what it stored equals what was \
         built: {}.",
        report.reply,
        mail.recipients.join(", "),
        if mail.tls { "TLS" } else { "plaintext" },
        if mail.data == message.as_bytes() {
            "yes"
        } else {
            "NO"
        }
    ));
    server.shutdown().await;
    if mail.data != message.as_bytes() {
        return Err(Failure::Runtime(
            "the server stored different bytes than were sent".to_owned(),
        ));
    }
    println!(
        "\nNext, send through iCloud with an app-specific password (appleid.apple.com > \
         Sign-In and Security > App-Specific Passwords):\n\n  \
         export MAILWIRE_PASSWORD='xxxx-xxxx-xxxx-xxxx'\n  \
         echo hello | cargo run --features cli -- send --from you@icloud.com --to friend@example.org --subject hi --body-file -\n"
    );
    Ok(())
}
