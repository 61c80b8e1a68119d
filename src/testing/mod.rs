//! A scripted loopback server for protocol tests.
