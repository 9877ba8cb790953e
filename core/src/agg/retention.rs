//! `retention(conditions boolean[])` with ClickHouse `retention()` semantics:
//! `r[1] = any(c1)`; `r[k] = any(c1) AND any(ck)`.

use super::codec::{Reader, Writer};
use super::state::State;
use crate::error::{ChurnError, Result};

const F: &str = "retention";
/// As in ClickHouse, at most 32 conditions.
pub const MAX_CONDITIONS: usize = 32;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionState {
    /// Number of conditions (0 until the first row).
    pub n: u8,
    /// Bit k set when condition k+1 held on at least one row.
    pub seen: u32,
}

impl RetentionState {
    pub fn new() -> Self {
        Self::default()
    }

    /// One row; NULL conditions count as false.
    #[inline]
    pub fn update<I: IntoIterator<Item = Option<bool>>>(
        &mut self,
        conditions: I,
        len: usize,
    ) -> Result<()> {
        self.check_len(len)?;
        for (k, c) in conditions.into_iter().enumerate() {
            if c == Some(true) {
                self.seen |= 1 << k;
            }
        }
        Ok(())
    }

    fn check_len(&mut self, len: usize) -> Result<()> {
        if len == 0 || len > MAX_CONDITIONS {
            return Err(ChurnError::new(
                F,
                "conditions",
                format!("has {len} elements (expected 1 to {MAX_CONDITIONS})"),
            ));
        }
        if self.n == 0 {
            self.n = len as u8;
        } else if self.n as usize != len {
            return Err(ChurnError::new(
                F,
                "conditions",
                format!(
                    "must have the same length on every row of a group (got {} and {len})",
                    self.n
                ),
            ));
        }
        Ok(())
    }

    /// The result array (empty for an empty group).
    pub fn finish(&self) -> Vec<i32> {
        let first = self.seen & 1 != 0;
        (0..self.n as usize)
            .map(|k| (first && self.seen & (1 << k) != 0) as i32)
            .collect()
    }
}

impl State for RetentionState {
    const NAME: &'static str = F;

    fn is_empty(&self) -> bool {
        self.n == 0
    }

    fn merge(&mut self, o: &RetentionState) -> Result<()> {
        if o.n != 0 {
            self.check_len(o.n as usize)?;
        }
        self.seen |= o.seen;
        Ok(())
    }

    fn write(&self, w: &mut Writer) {
        w.u8(self.n);
        w.u64(self.seen as u64);
    }

    fn decode(buf: &[u8]) -> Result<Self> {
        let mut r = Reader::new("retention state", buf)?;
        let n = r.u8()?;
        let seen = u32::try_from(r.u64()?)
            .map_err(|_| super::codec::corrupt("retention state", "overflow"))?;
        r.end()?;
        if n as usize > MAX_CONDITIONS {
            return Err(super::codec::corrupt(
                "retention state",
                "too many conditions",
            ));
        }
        Ok(RetentionState { n, seen })
    }

    fn heap_size(&self) -> usize {
        0
    }
}
