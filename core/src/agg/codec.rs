//! Versioned binary encoding of aggregate states.
//!
//! Every encoded state starts with one format-version byte, then its fields
//! as LEB128 varints (zig-zag for signed values) and little-endian f64s. The
//! same bytes are Postgres' `serialfunc` output, a Postgres summary type's
//! binary form, and a DataFusion state column, so partial aggregates move
//! between processes (parallel workers, partitions, Citus nodes) unchanged.

use crate::error::{ChurnError, Result};

pub const FORMAT_VERSION: u8 = 1;

#[derive(Default, Debug)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer {
            buf: vec![FORMAT_VERSION],
        }
    }

    /// Reuse a buffer (cleared) to avoid an allocation per state.
    pub fn with_buffer(mut buf: Vec<u8>) -> Self {
        buf.clear();
        buf.push(FORMAT_VERSION);
        Writer { buf }
    }

    #[inline]
    pub fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    #[inline]
    pub fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64)
    }

    #[inline]
    pub fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// Start reading a state of type `what`; checks the format version.
    /// The type being read (errors name it: `activity: invalid input: ...`).
    pub fn what(&self) -> &'static str {
        self.what
    }

    pub fn new(what: &'static str, buf: &'a [u8]) -> Result<Self> {
        match buf.first() {
            None => Err(corrupt(what, "empty input")),
            Some(&FORMAT_VERSION) => Ok(Reader { buf, pos: 1, what }),
            Some(v) => Err(ChurnError::new(
                what,
                "input",
                format!(
                    "unsupported format version {v} (this churnkit reads version {FORMAT_VERSION})"
                ),
            )),
        }
    }

    fn err(&self, detail: &str) -> ChurnError {
        corrupt(self.what, detail)
    }

    pub fn u64(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = *self
                .buf
                .get(self.pos)
                .ok_or_else(|| self.err("truncated"))?;
            self.pos += 1;
            if shift == 63 && b > 1 {
                return Err(self.err("varint overflow"));
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                // one encoding per value: a trailing zero group is overlong,
                // so bytes that decode always re-encode to themselves
                if b == 0 && shift > 0 {
                    return Err(self.err("overlong varint"));
                }
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(self.err("varint overflow"));
            }
        }
    }

    pub fn i64(&mut self) -> Result<i64> {
        let u = self.u64()?;
        // zig-zag: (u >> 1) < 2^63 and (u & 1) is 0 or 1, so neither cast wraps
        #[allow(clippy::cast_possible_wrap)]
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    pub fn f64(&mut self) -> Result<f64> {
        let end = self
            .pos
            .checked_add(8)
            .ok_or_else(|| self.err("truncated"))?;
        let b = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| self.err("truncated"))?;
        self.pos = end;
        Ok(f64::from_le_bytes(b.try_into().expect("8 bytes")))
    }

    pub fn u8(&mut self) -> Result<u8> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.err("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    /// A length that must be plausible for the remaining input (each element
    /// takes at least `min_bytes` bytes), so corrupt input cannot request a
    /// huge allocation.
    pub fn len(&mut self, min_bytes: usize) -> Result<usize> {
        let n = self.u64()?;
        let remaining = (self.buf.len() - self.pos) as u64;
        if n.saturating_mul(min_bytes as u64) > remaining {
            return Err(self.err("length exceeds input"));
        }
        Ok(n as usize)
    }

    pub fn end(self) -> Result<()> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(self.err("trailing bytes"))
        }
    }
}

pub fn corrupt(what: &'static str, detail: &str) -> ChurnError {
    ChurnError::new(what, "input", format!("corrupt binary state ({detail})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut w = Writer::new();
        for v in [0u64, 1, 127, 128, u64::MAX] {
            w.u64(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            w.i64(v);
        }
        w.f64(-2.5);
        let b = w.finish();
        let mut r = Reader::new("t", &b).unwrap();
        for v in [0u64, 1, 127, 128, u64::MAX] {
            assert_eq!(r.u64().unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.i64().unwrap(), v);
        }
        assert_eq!(r.f64().unwrap(), -2.5);
        r.end().unwrap();
    }

    #[test]
    fn corrupt_input_is_an_error() {
        assert!(Reader::new("t", &[]).is_err());
        assert_eq!(
            Reader::new("t", &[9]).err().unwrap().to_string(),
            "t: invalid input: unsupported format version 9 (this churnkit reads version 1)"
        );
        let mut r = Reader::new("t", &[1, 0xff, 0xff]).unwrap();
        assert!(r.u64().is_err());
        let mut r = Reader::new(
            "t",
            &[
                1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
            ],
        )
        .unwrap();
        assert!(r.u64().is_err());
        let mut r = Reader::new("t", &[1, 100]).unwrap();
        assert!(r.len(1).is_err());
        // 0 written in two bytes: refused, so decoding is one-to-one
        let mut r = Reader::new("t", &[1, 0x80, 0x00]).unwrap();
        assert_eq!(
            r.u64().unwrap_err().to_string(),
            "t: invalid input: corrupt binary state (overlong varint)"
        );
    }
}
