//! The connection layer: TCP, TLS, STARTTLS, limits, timeouts and the transcript.
