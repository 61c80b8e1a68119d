//! Cutting one fuzz input into fields: they are separated by the byte 0x1F (ASCII's unit
//! separator), which no protocol keyword holds, so dictionary words land inside fields and
//! seeds stay readable.

/// The input's fields, in order; missing ones read as empty.
pub struct Parts<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Parts<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Parts { rest: Some(data) }
    }

    /// The next field (empty once the input is used up).
    pub fn bytes(&mut self) -> &'a [u8] {
        let Some(rest) = self.rest else {
            return &[];
        };
        match rest.iter().position(|&b| b == 0x1f) {
            Some(at) => {
                self.rest = Some(&rest[at + 1..]);
                &rest[..at]
            }
            None => {
                self.rest = None;
                rest
            }
        }
    }

    /// The next field as text (invalid UTF-8 replaced, so every input gives some text).
    pub fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}
