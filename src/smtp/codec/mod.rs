//! SMTP codec: replies, EHLO capabilities, commands and DATA, both directions, no I/O.
