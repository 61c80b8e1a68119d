//! SASL mechanisms shared by SMTP and IMAP.
