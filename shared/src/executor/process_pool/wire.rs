//! What crosses the pipes between the pool and a worker, and how it is
//! framed.
//!
//! Values travel as postcard, a compact binary serde format: a float is its
//! eight bytes, so NaN, the infinities, -0.0 and every subnormal come back
//! bit for bit, as they do from a worker thread. (JSON has no NaN: it wrote
//! `null`, and the value could not be read back.) Python's pickle is binary
//! for the same reason. The cost: postcard does not describe its own
//! structure, so a type that must guess what comes next —
//! `#[serde(untagged)]`, `#[serde(flatten)]`, `serde_json::Value` — cannot
//! be a task's argument or result.
//!
//! A frame is a length (a `u32`, little-endian) and that many bytes. The
//! worker's stdin carries nothing but frames. Its stdout also carries
//! whatever the task prints, so each reply frame starts with
//! [`REPLY_MARKER`]: the pool passes on every byte before it.

use super::super::TaskError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, Read, Write};

/// The byte that starts a reply on the worker's stdout: the ASCII record
/// separator, which no text a task prints contains by accident.
pub const REPLY_MARKER: u8 = 0x1e;

// ANCHOR: messages
/// One frame from the pool: run task `task` once for each of `args`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub task: String,
    pub args: Vec<Raw>,
}

/// One frame back: a result for each of the request's `args`, in order.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub results: Vec<Result<Raw, TaskError>>,
}

/// A value already serialised: the driver threads pass it on without
/// knowing its type; only the code that made the future decodes it.
pub type Raw = Vec<u8>;
// ANCHOR_END: messages

/// `value` as the bytes that cross the pipe.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Raw, postcard::Error> {
    postcard::to_stdvec(value)
}

/// The value `bytes` were encoded from.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    postcard::from_bytes(bytes)
}

fn invalid(err: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err.to_string())
}

/// Writes `message` as one frame (not flushed).
pub fn write_frame(
    out: &mut impl Write,
    message: &impl Serialize,
) -> io::Result<()> {
    let bytes = encode(message).map_err(invalid)?;
    let len = u32::try_from(bytes.len()).map_err(invalid)?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&bytes)
}

/// Reads one frame; `None` if the stream ended cleanly before it.
pub fn read_frame<T: DeserializeOwned>(
    input: &mut impl Read,
) -> io::Result<Option<T>> {
    let mut len = [0; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let mut bytes = vec![0; u32::from_le_bytes(len) as usize];
    input.read_exact(&mut bytes)?;
    decode(&bytes).map(Some).map_err(invalid)
}

/// Writes a reply frame: the marker, then the frame (not flushed).
pub fn write_reply(out: &mut impl Write, reply: &Reply) -> io::Result<()> {
    out.write_all(&[REPLY_MARKER])?;
    write_frame(out, reply)
}

/// Reads the next reply from a worker's stdout, handing `printed` every
/// byte the task printed before it; `None` if the worker closed its stdout.
pub fn read_reply(
    from: &mut impl BufRead,
    printed: &mut impl FnMut(&[u8]),
) -> io::Result<Option<Reply>> {
    loop {
        let buffered = from.fill_buf()?;
        if buffered.is_empty() {
            return Ok(None);
        }
        match buffered.iter().position(|&b| b == REPLY_MARKER) {
            Some(at) => {
                printed(&buffered[..at]);
                from.consume(at + 1);
                let reply = read_frame(from)?;
                return reply.map(Some).ok_or_else(|| invalid("a reply cut short"));
            }
            None => {
                let len = buffered.len();
                printed(buffered);
                from.consume(len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_found_after_what_the_task_printed() {
        let reply = Reply {
            results: vec![Ok(encode(&f64::NAN).unwrap()), Err(TaskError::Cancelled)],
        };
        let mut stream = b"a log line\nhalf a line".to_vec();
        write_reply(&mut stream, &reply).unwrap();
        let mut printed = Vec::new();
        let mut input = io::BufReader::with_capacity(4, stream.as_slice());
        let read = read_reply(&mut input, &mut |b| printed.extend_from_slice(b));
        let read = read.unwrap().expect("a reply");
        assert_eq!(printed, b"a log line\nhalf a line");
        let value: f64 = decode(read.results[0].as_ref().unwrap()).unwrap();
        assert!(value.is_nan());
        assert_eq!(read.results[1], Err(TaskError::Cancelled));
        assert!(read_reply(&mut input, &mut |_| {}).unwrap().is_none());
    }

    #[test]
    fn a_frame_cut_short_is_an_error_not_a_clean_end() {
        let mut stream = Vec::new();
        write_frame(&mut stream, &"hello").unwrap();
        stream.truncate(stream.len() - 1);
        assert!(read_frame::<String>(&mut stream.as_slice()).is_err());
        assert!(read_frame::<String>(&mut &b""[..]).unwrap().is_none());
    }
}
