//! Files as the client's `AsyncRead` and `AsyncWrite`: a message goes from disk to the
//! wire (APPEND) and from the wire to disk (`fetch --out`) one buffer at a time.
//!
//! The tool runs one session on a current-thread runtime, so plain blocking file calls
//! inside `poll_*` hold up nothing else, and a local disk answers at once; that keeps the
//! CLI on the library's tokio features (no `fs`).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::Failure;

/// A file read for APPEND.
pub struct FileReader {
    file: File,
}

impl FileReader {
    /// The file at `path` and its length.
    pub fn open(path: &Path) -> Result<(Self, u64), Failure> {
        let failed =
            |e: std::io::Error| Failure::Input(format!("cannot read {}: {e}", path.display()));
        let file = File::open(path).map_err(failed)?;
        let len = file.metadata().map_err(failed)?.len();
        Ok((FileReader { file }, len))
    }
}

impl AsyncRead for FileReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let read = self.file.read(buf.initialize_unfilled())?;
        buf.advance(read);
        Poll::Ready(Ok(()))
    }
}

/// A file written by `fetch --out`.
pub struct FileWriter {
    file: BufWriter<File>,
}

impl FileWriter {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path) -> Result<Self, Failure> {
        let file = File::create(path)
            .map_err(|e| Failure::Input(format!("cannot write {}: {e}", path.display())))?;
        Ok(FileWriter {
            file: BufWriter::with_capacity(64 * 1024, file),
        })
    }
}

impl AsyncWrite for FileWriter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.file.write(buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.file.flush())
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.file.flush())
    }
}
