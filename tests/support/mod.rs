//! Helpers shared by integration tests (`mod support;`).
#![allow(dead_code)]

pub mod certs;
pub mod cli;
pub mod hostile;
pub mod imap;
pub mod servers;
