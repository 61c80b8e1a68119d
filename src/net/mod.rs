//! The connection layer: TCP, TLS, STARTTLS, limits, timeouts and the transcript.
//!
//! This is the only module that touches sockets and TLS. One [`Connection`] type serves
//! SMTP and IMAP: protocol code parses from [`Connection::buffered`], asks for more with
//! [`Connection::fill`], and writes with [`Connection::write_all`]. Every wait is under a
//! timeout, every response under a deadline of its own however its bytes trickle in
//! ([`Connection::begin_response`], on by default), the buffer never grows past the
//! [`Limits`](crate::limits::Limits), and [`Connection::upgrade`] (STARTTLS) refuses to
//! run, and breaks the connection, if the server sent anything after its go-ahead.
//!
//! ```
//! use mailwire::net::{ConnectOptions, Connection, Direction, TranscriptLog};
//! use tokio::io::AsyncWriteExt;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! let port = listener.local_addr().unwrap().port();
//! tokio::spawn(async move {
//!     let (mut socket, _) = listener.accept().await.unwrap();
//!     socket.write_all(b"220 mail.example.org ESMTP\r\n").await.unwrap();
//! });
//!
//! let mut connection = Connection::connect("127.0.0.1", port, &ConnectOptions::default())
//!     .await
//!     .unwrap();
//! let log = TranscriptLog::new();
//! connection.set_transcript(Some(log.hook()));
//! assert_eq!(connection.read_line().await.unwrap(), b"220 mail.example.org ESMTP");
//! assert_eq!(log.bytes(Direction::Received), b"220 mail.example.org ESMTP\r\n");
//! assert!(!connection.is_tls());
//! # });
//! ```

mod buffer;
mod connect;
mod connection;
mod error;
mod options;
pub(crate) mod stream;
mod tls;
mod transcript;

pub use connection::{Connection, MAX_BUFFER};
pub use error::{ConnectAttempt, NetError, TlsFailure};
pub use options::{ConnectOptions, Timeouts};
pub use tls::TlsConfig;
pub use transcript::{Direction, Transcript, TranscriptEntry, TranscriptLog};
