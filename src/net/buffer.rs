//! The read buffer: bytes received and not yet consumed, never more than a limit.

/// Bytes read per call when the buffer has room; also its first allocation.
const CHUNK: usize = 16 * 1024;
/// Below this much free tail space, move the unread bytes to the front (or grow).
const MIN_ROOM: usize = 4 * 1024;
/// An emptied buffer larger than this gives its memory back.
const SHRINK_ABOVE: usize = 256 * 1024;

/// `data[start..end]` holds the unread bytes; `data[end..]` is room for the next read.
#[derive(Default)]
pub(crate) struct ReadBuffer {
    data: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReadBuffer {
    pub(crate) fn unread(&self) -> &[u8] {
        self.data.get(self.start..self.end).unwrap_or(&[])
    }

    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n.min(self.len());
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.data.len() > SHRINK_ABOVE {
                self.data = Vec::new();
            }
        }
    }

    /// Room for the next read, at most `limit - len()` bytes; `None` when the unread bytes
    /// already reach `limit`.
    pub(crate) fn room(&mut self, limit: usize) -> Option<&mut [u8]> {
        let unread = self.len();
        if unread >= limit {
            return None;
        }
        if self.data.len() - self.end < MIN_ROOM && self.start > 0 {
            self.data.copy_within(self.start..self.end, 0);
            self.start = 0;
            self.end = unread;
        }
        if self.data.len() - self.end < MIN_ROOM && self.data.len() < limit {
            let grown = self.data.len().saturating_mul(2).max(CHUNK).min(limit);
            self.data.reserve_exact(grown - self.data.len());
            self.data.resize(grown, 0);
        }
        let room_end = self.end + (limit - unread).min(self.data.len() - self.end);
        self.data.get_mut(self.end..room_end)
    }

    /// Marks `n` bytes of the last [`room`](Self::room) as filled.
    pub(crate) fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.data.len());
    }

    /// The bytes just committed, for the transcript.
    pub(crate) fn last(&self, n: usize) -> &[u8] {
        self.data
            .get(self.end.saturating_sub(n)..self.end)
            .unwrap_or(&[])
    }

    pub(crate) fn allocated(&self) -> usize {
        self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(buffer: &mut ReadBuffer, bytes: &[u8], limit: usize) -> usize {
        let room = buffer.room(limit).expect("room");
        let n = room.len().min(bytes.len());
        room[..n].copy_from_slice(&bytes[..n]);
        buffer.commit(n);
        n
    }

    #[test]
    fn never_holds_more_than_the_limit() {
        let mut buffer = ReadBuffer::default();
        let limit = 40_000;
        let mut total = 0;
        while let Some(room) = buffer.room(limit) {
            let n = room.len();
            assert!(n > 0);
            buffer.commit(n);
            total += n;
        }
        assert_eq!(total, limit);
        assert_eq!(buffer.len(), limit);
        assert!(buffer.allocated() <= limit);
    }

    #[test]
    fn consumed_bytes_make_room_again() {
        let mut buffer = ReadBuffer::default();
        assert_eq!(push(&mut buffer, b"220 hello\r\n250", 12), 12);
        assert_eq!(buffer.unread(), b"220 hello\r\n2");
        assert!(buffer.room(12).is_none());
        buffer.consume(11);
        assert_eq!(buffer.unread(), b"2");
        assert_eq!(push(&mut buffer, b"50 ok", 12), 5);
        assert_eq!(buffer.unread(), b"250 ok");
        assert_eq!(buffer.last(5), b"50 ok");
        buffer.consume(100);
        assert_eq!(buffer.len(), 0);
    }

    #[test]
    fn compacts_instead_of_growing_when_the_front_is_free() {
        let mut buffer = ReadBuffer::default();
        let limit = 1 << 20;
        let filled = buffer.room(limit).unwrap().len();
        buffer.commit(filled);
        buffer.consume(filled - 10);
        let room = buffer.room(limit).unwrap().len();
        assert_eq!(buffer.unread().len(), 10);
        assert_eq!(room, CHUNK - 10);
        assert_eq!(buffer.allocated(), CHUNK);
    }
}
