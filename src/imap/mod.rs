//! IMAP4rev1: the sans-IO codec (responses, commands, framing, modified UTF-7).
//!
//! ```
//! use mailwire::imap::codec::{parse_response, types::{Response, Data}, Parsed};
//! use mailwire::limits::Limits;
//!
//! let parsed = parse_response(b"* 23 EXISTS\r\n", &Limits::default()).unwrap();
//! assert!(matches!(parsed, Parsed::Complete(Response::Data(Data::Exists(23)), 13)));
//! ```

pub mod codec;
