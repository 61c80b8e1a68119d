//! The mailwire command-line tool: send mail, decode protocol streams, run the demo.

#![forbid(unsafe_code)]

mod args;
mod decode;
mod demo;
mod explain;
mod imap;
mod imap_commands;
mod imap_files;
mod imap_ops;
mod imap_query;
mod redirect;
mod send;
mod serve;
mod terminal;
mod trace;

use std::process::ExitCode;

use args::{Args, UsageError};

const HELP: &str = "\
mailwire: SMTP and IMAP on the wire

  mailwire demo                     send a message and read it back through a local server,
                                    offline
  mailwire serve [FLAGS]            run an in-memory SMTP + IMAP server (mailwire serve --help)
  mailwire send [FLAGS]             send a message (mailwire send --help)
  mailwire imap [FLAGS] COMMAND     read and manage mail over IMAP (mailwire imap --help)
  mailwire decode KIND [FILE|-]     parse a protocol byte stream (mailwire decode --help)
";

/// Why the tool stopped: usage mistakes exit 2, everything else 1.
pub enum Failure {
    Usage(UsageError),
    Input(String),
    Runtime(String),
}

impl From<UsageError> for Failure {
    fn from(error: UsageError) -> Self {
        Failure::Usage(error)
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(error)) => {
            terminal::warn(&format!("mailwire: {error} (see mailwire --help)"));
            ExitCode::from(2)
        }
        Err(Failure::Input(message) | Failure::Runtime(message)) => {
            // Server text (a refusal's reply) is in here: the terminal sees it escaped.
            terminal::warn(&format!("mailwire: {message}"));
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), Failure> {
    let mut args = Args::new(std::env::args_os().skip(1))?;
    let command = args.next();
    let wants_help = |args: &Args| args.contains_help();
    match command.as_deref() {
        None | Some("--help" | "-h" | "help") => {
            print!("{HELP}");
            Ok(())
        }
        Some("send") if wants_help(&args) => {
            print!("{}", send::HELP);
            Ok(())
        }
        Some("decode") if wants_help(&args) => {
            print!("{}", decode::HELP);
            Ok(())
        }
        Some("serve") if wants_help(&args) => {
            print!("{}", serve::HELP);
            Ok(())
        }
        Some("imap") if wants_help(&args) => {
            print!("{}", imap::HELP);
            Ok(())
        }
        Some("send") => send::run(args),
        Some("imap") => imap::run(args),
        Some("decode") => decode::run(args),
        Some("demo") => demo::run(args),
        Some("serve") => serve::run(args),
        Some("--version" | "-V") => {
            println!("mailwire {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(other) => Err(UsageError(format!("unknown command {other:?}")).into()),
    }
}
