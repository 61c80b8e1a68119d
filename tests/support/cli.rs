//! What the `mailwire` command line tests share: a loopback CA for stand-ins of a
//! provider's servers, and the checks of what the tool printed.

use std::path::PathBuf;
use std::sync::Arc;

use super::certs::TestCa;

/// A CA for loopback stand-ins of a provider's servers: their TLS for `localhost`, and the
/// CA's PEM in a scratch file named after `file` and this process, for `--ca-file`.
pub fn loopback_ca(file: &str) -> (Arc<rustls::ServerConfig>, PathBuf) {
    let ca = TestCa::new();
    let path = std::env::temp_dir().join(format!("mailwire-cli-{}-{file}", std::process::id()));
    std::fs::write(&path, ca.pem()).unwrap();
    (ca.leaf(&["localhost"]).server_config(), path)
}

/// Output bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Bytes a terminal acts on: C0 controls (ESC, BEL, CR…), DEL, C1 controls and bidi
/// overrides. Only the line feeds that end the CLI's own lines may appear.
pub fn raw_terminal_controls(output: &str) -> Vec<char> {
    output
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}
