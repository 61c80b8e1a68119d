//! Limits on what a peer may make this library hold in memory.
//!
//! Every buffer that grows with network input is bounded by one of these numbers, and the
//! same numbers serve SMTP and IMAP.
//!
//! ```
//! use mailwire::limits::Limits;
//!
//! let limits = Limits::default().with_line_len(8192);
//! assert_eq!(limits.line_len, 8192);
//! ```

/// Bounds on lines, replies, literals and messages read from a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest line accepted from a peer, in bytes without CRLF. RFC 5321 allows 512 for a
    /// reply line and 1000 for a text line; real servers send longer, so the default is
    /// generous but finite.
    pub line_len: usize,
    /// Most lines in one multi-line SMTP reply.
    pub reply_lines: usize,
    /// Largest IMAP literal announced by a peer, in bytes.
    pub literal_len: u64,
    /// Largest single answer read from a peer, in bytes: an SMTP reply with all its lines,
    /// an IMAP response with its literals. It bounds what the peer makes this side hold,
    /// never the mail this side sends. Code playing the server reads the client's side
    /// under the same bound: an IMAP command with its literals, SMTP message data. The IMAP
    /// client counts each untagged response it holds at its size plus what holding it
    /// costs, so a flood of tiny responses cannot take many times this in memory.
    pub response_len: u64,
    /// Deepest nesting of parenthesised lists (IMAP BODYSTRUCTURE and friends).
    pub nesting_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            line_len: 64 * 1024,
            reply_lines: 512,
            literal_len: 256 * 1024 * 1024,
            response_len: 512 * 1024 * 1024,
            nesting_depth: 64,
        }
    }
}

impl Limits {
    /// Returns these limits with another line length.
    pub fn with_line_len(mut self, bytes: usize) -> Self {
        self.line_len = bytes;
        self
    }

    /// Returns these limits with another bound on lines per SMTP reply.
    pub fn with_reply_lines(mut self, lines: usize) -> Self {
        self.reply_lines = lines;
        self
    }

    /// Returns these limits with another literal size bound.
    pub fn with_literal_len(mut self, bytes: u64) -> Self {
        self.literal_len = bytes;
        self
    }

    /// Returns these limits with another bound on one whole answer read from a peer.
    pub fn with_response_len(mut self, bytes: u64) -> Self {
        self.response_len = bytes;
        self
    }

    /// Returns these limits with another nesting depth bound.
    pub fn with_nesting_depth(mut self, depth: usize) -> Self {
        self.nesting_depth = depth;
        self
    }
}
