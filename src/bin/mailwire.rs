//! The mailwire command-line tool.
fn main() {}
