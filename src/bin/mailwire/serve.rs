//! `mailwire serve`: the in-memory mail server (SMTP submission + IMAP) on loopback, until
//! interrupted. What it prints on stdout is read by scripts and tests: keep its form.

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use mailwire::testing::mail::{MailServer, MailServerConfig, ServerMode};
use mailwire::testing::server_config_from_pem;

use crate::Failure;
use crate::args::{Args, UsageError};

pub const HELP: &str = "\
mailwire serve: an in-memory mail server (SMTP submission + IMAP) for tests

  --listen IP[:PORT]     address to listen on (default 127.0.0.1); with PORT, the four
                         services take PORT, PORT+1, PORT+2, PORT+3 in the order printed,
                         otherwise ports the system picks
  --user NAME:PASSWORD   an account, repeatable (default demo@mailwire.test:demo-password)
  --mode MODE            rfc (default) | icloud (iCloud's folders, capabilities, quirks)
  --tls-cert FILE        certificate chain (PEM, leaf first) to present, with --tls-key;
                         default: a fresh CA and certificate made at start
  --tls-key FILE         its private key (PEM)
  --ca-out FILE          write the generated CA certificate here instead of printing it

Mail submitted for an account lands in its INBOX, where IMAP reads it; everything is
kept in memory and gone when the server stops. It prints, one per line:

  mode rfc
  smtp-submission 127.0.0.1:PORT starttls
  smtp-tls 127.0.0.1:PORT
  imap-tls 127.0.0.1:PORT
  imap-starttls 127.0.0.1:PORT
  user NAME                      (one per account)
  ca-file FILE                   (with --ca-out; otherwise the CA's PEM block, unless
                                 --tls-cert gave the certificate)
  ready

and serves until SIGINT or SIGTERM. Passwords given with --user are never printed; the
default account's, public in this help, is shown on stderr.
";

const DEFAULT_USER: (&str, &str) = ("demo@mailwire.test", "demo-password");

#[derive(Default)]
struct ServeArgs {
    listen: Option<SocketAddr>,
    listen_ip: Option<IpAddr>,
    users: Vec<(String, String)>,
    mode: ServerMode,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    ca_out: Option<PathBuf>,
}

/// `NAME:PASSWORD`, split at the first colon (a name holds none; a password may).
fn user(value: &str) -> Result<(String, String), UsageError> {
    let Some((name, password)) = value.split_once(':') else {
        return Err(UsageError(
            "--user needs NAME:PASSWORD, with a colon between the name and the password".to_owned(),
        ));
    };
    if name.is_empty() {
        return Err(UsageError(
            "--user needs a name before the colon".to_owned(),
        ));
    }
    if value.contains(['\r', '\n', '\0']) {
        return Err(UsageError(
            "--user cannot hold CR, LF or NUL: no client could send them".to_owned(),
        ));
    }
    // The name is printed on its own `user` line, which scripts read: an escape sequence
    // or a tab in it would reach their terminal or split their fields.
    if name.chars().any(char::is_control) {
        return Err(UsageError(
            "--user: the name cannot hold control characters (tab, escape...)".to_owned(),
        ));
    }
    // `--user bob:$PASSWORD` with the variable unset would make an account nobody means;
    // and mailwire's clients (like iCloud) refuse an empty password anyway.
    if password.is_empty() {
        return Err(UsageError(format!(
            "--user {name:?} needs a password after the colon"
        )));
    }
    Ok((name.to_owned(), password.to_owned()))
}

fn parse(mut args: Args) -> Result<ServeArgs, UsageError> {
    let mut parsed = ServeArgs::default();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--listen" => {
                let value = args.value(&flag)?;
                if let Ok(addr) = value.parse::<SocketAddr>() {
                    parsed.listen = Some(addr);
                } else if let Ok(ip) = value.parse::<IpAddr>() {
                    parsed.listen_ip = Some(ip);
                } else {
                    return Err(UsageError(format!(
                        "--listen needs an IP address, optionally with a port (127.0.0.1, \
                         127.0.0.1:2525, [::1]:2525), not {value:?}"
                    )));
                }
            }
            "--user" => parsed.users.push(user(&args.value(&flag)?)?),
            "--mode" => {
                parsed.mode = args
                    .value(&flag)?
                    .parse()
                    .map_err(|error: String| UsageError(format!("--mode: {error}")))?;
            }
            "--tls-cert" => parsed.tls_cert = Some(args.value(&flag)?.into()),
            "--tls-key" => parsed.tls_key = Some(args.value(&flag)?.into()),
            "--ca-out" => parsed.ca_out = Some(args.value(&flag)?.into()),
            other => return Err(UsageError(format!("unknown flag {other:?} for serve"))),
        }
    }
    match (&parsed.tls_cert, &parsed.tls_key) {
        (Some(_), None) => return Err(UsageError("--tls-cert needs --tls-key".to_owned())),
        (None, Some(_)) => return Err(UsageError("--tls-key needs --tls-cert".to_owned())),
        _ => {}
    }
    if parsed.tls_cert.is_some() && parsed.ca_out.is_some() {
        return Err(UsageError(
            "--ca-out writes the generated CA; with --tls-cert the certificate and its CA are \
             already yours"
                .to_owned(),
        ));
    }
    // Addresses differ only in case for nobody: SMTP delivers to `BOB@` and `bob@` alike.
    let mut names: Vec<String> = parsed
        .users
        .iter()
        .map(|(name, _)| name.to_lowercase())
        .collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(UsageError(format!(
            "--user {:?} is given twice (in any case): each account once",
            twice[0]
        )));
    }
    Ok(parsed)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let args = parse(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(serve(args))
}

fn read(path: &PathBuf, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::Input(format!("cannot read the {what} {}: {e}", path.display())))
}

async fn serve(args: ServeArgs) -> Result<(), Failure> {
    let mut config = MailServerConfig::new().with_mode(args.mode);
    if let Some(addr) = args.listen {
        config = config.with_listen(addr.ip());
        if addr.port() != 0 {
            config = config.with_base_port(addr.port());
        }
    } else if let Some(ip) = args.listen_ip {
        config = config.with_listen(ip);
    }
    let default_user = args.users.is_empty();
    let users = if default_user {
        vec![(DEFAULT_USER.0.to_owned(), DEFAULT_USER.1.to_owned())]
    } else {
        args.users
    };
    for (name, password) in &users {
        config = config.with_user(name, password);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let tls = server_config_from_pem(&read(cert, "certificate file")?, &read(key, "key file")?)
            .map_err(|e| Failure::Input(format!("--tls-cert/--tls-key: {e}")))?;
        config = config.with_tls(tls, None);
    }
    // Signal handlers first: a SIGTERM that comes right after `ready` must stop the
    // server cleanly, not kill the process with the default action.
    let stop = Stop::install()?;
    let server = MailServer::start(config)
        .await
        .map_err(|e| Failure::Runtime(format!("cannot start the mail server: {e}")))?;

    let mut out = format!("mode {}\n", server.mode().name());
    out.push_str(&format!(
        "smtp-submission {} starttls\n",
        server.smtp_submission_addr()
    ));
    out.push_str(&format!("smtp-tls {}\n", server.smtp_tls_addr()));
    out.push_str(&format!("imap-tls {}\n", server.imap_tls_addr()));
    out.push_str(&format!("imap-starttls {}\n", server.imap_starttls_addr()));
    for (name, _) in server.users() {
        out.push_str(&format!("user {name}\n"));
    }
    match (&args.ca_out, server.ca_pem()) {
        (Some(path), Some(ca)) => {
            std::fs::write(path, ca).map_err(|e| {
                Failure::Runtime(format!("cannot write the CA to {}: {e}", path.display()))
            })?;
            out.push_str(&format!("ca-file {}\n", path.display()));
        }
        (None, Some(ca)) => out.push_str(ca),
        _ => {}
    }
    out.push_str("ready\n");
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::Runtime(format!("cannot write to standard output: {e}")))?;
    drop(stdout);
    if default_user {
        eprintln!(
            "mailwire serve: account {} with password {} (choose others with --user \
             NAME:PASSWORD)",
            DEFAULT_USER.0, DEFAULT_USER.1
        );
    }

    let signal = stop.wait().await;
    server.shutdown().await;
    eprintln!("mailwire serve: stopped on {signal}");
    Ok(())
}

/// SIGINT and SIGTERM, listened for from the start.
struct Stop {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Stop {
    fn install() -> Result<Stop, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind| {
                signal(kind).map_err(|e| {
                    Failure::Runtime(format!("cannot listen for signals to stop on: {e}"))
                })
            };
            Ok(Stop {
                terminate: listen(SignalKind::terminate())?,
                interrupt: listen(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    /// Waits for one and names it.
    async fn wait(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(words: &[&str]) -> Result<ServeArgs, UsageError> {
        parse(Args::new(words.iter().map(Into::into)).unwrap())
    }

    fn refusal(words: &[&str]) -> String {
        match parsed(words) {
            Ok(_) => panic!("{words:?} was taken"),
            Err(UsageError(message)) => message,
        }
    }

    #[test]
    fn users_split_at_the_first_colon() {
        let args = parsed(&["--user", "a@b.test:pw:with:colons", "--user", "c:d"]).unwrap();
        assert_eq!(
            args.users,
            [
                ("a@b.test".to_owned(), "pw:with:colons".to_owned()),
                ("c".to_owned(), "d".to_owned())
            ]
        );
    }

    #[test]
    fn users_without_a_colon_or_with_line_breaks_are_usage_errors() {
        assert!(refusal(&["--user", "alice"]).contains("NAME:PASSWORD"));
        assert!(refusal(&["--user", ":pw"]).contains("name before the colon"));
        for bad in ["a\r\nb:pw", "a:p\nw", "a:pw\0"] {
            assert!(
                refusal(&["--user", bad]).contains("CR, LF or NUL"),
                "{bad:?}"
            );
        }
        assert!(refusal(&["--user", "a:1", "--user", "a:2"]).contains("twice"));
    }

    #[test]
    fn users_with_an_empty_password_control_characters_or_twice_in_any_case_are_refused() {
        // An unset variable in `--user bob:$PASSWORD` is caught, not served.
        assert!(refusal(&["--user", "bob:"]).contains("needs a password after the colon"));
        // The name goes out on a `user` line: no escape sequences, no tabs.
        for bad in ["a\x1b[2Jb:pw", "a\tb:pw", "a\u{7f}:pw", "a\u{85}b:pw"] {
            let message = refusal(&["--user", bad]);
            assert!(message.contains("control characters"), "{bad:?}: {message}");
        }
        // A password may hold anything a client can send, a tab included.
        assert!(parsed(&["--user", "a:p\tw"]).is_ok());
        let message = refusal(&[
            "--user",
            "Bob@x.test:secret-one",
            "--user",
            "bob@X.test:secret-two",
        ]);
        assert!(message.contains("twice"), "{message}");
        assert!(!message.contains("secret"), "no password in {message}");
    }

    #[test]
    fn listen_takes_an_ip_with_or_without_a_port() {
        let args = parsed(&["--listen", "127.0.0.1"]).unwrap();
        assert_eq!(args.listen_ip, Some(IpAddr::from([127, 0, 0, 1])));
        let args = parsed(&["--listen", "[::1]:2525"]).unwrap();
        assert_eq!(args.listen, Some("[::1]:2525".parse().unwrap()));
        assert!(refusal(&["--listen", "localhost"]).contains("IP address"));
        assert!(refusal(&["--listen"]).contains("needs a value"));
    }

    #[test]
    fn modes_certificates_and_unknown_flags_are_checked() {
        assert_eq!(
            parsed(&["--mode", "ICLOUD"]).unwrap().mode,
            ServerMode::Icloud
        );
        assert!(refusal(&["--mode", "gmail"]).contains("rfc"));
        assert!(refusal(&["--tls-cert", "c.pem"]).contains("--tls-key"));
        assert!(refusal(&["--tls-key", "k.pem"]).contains("--tls-cert"));
        assert!(
            refusal(&[
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem",
                "--ca-out",
                "ca.pem"
            ])
            .contains("--ca-out")
        );
        assert!(refusal(&["--password", "x"]).contains("unknown flag"));
    }
}
