//! A minimal RFC 5322 message builder.
