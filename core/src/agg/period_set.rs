//! A set of period indices (days, weeks, months ...), kept as a sorted vector.
//!
//! Inserting in time order (the usual case: events arrive roughly sorted) is
//! an O(1) push; out-of-order inserts are a binary search. Merging two sets
//! is a linear merge. No allocation happens per row except when the set
//! grows.

use super::codec::{Reader, Writer};
use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodSet {
    items: Vec<i64>,
}

impl PeriodSet {
    pub fn new() -> Self {
        PeriodSet { items: Vec::new() }
    }

    #[inline]
    pub fn insert(&mut self, p: i64) {
        match self.items.last() {
            None => self.items.push(p),
            Some(&last) if p > last => self.items.push(p),
            Some(&last) if p == last => {}
            _ => {
                if let Err(pos) = self.items.binary_search(&p) {
                    self.items.insert(pos, p);
                }
            }
        }
    }

    pub fn merge(&mut self, other: &PeriodSet) {
        if other.items.is_empty() {
            return;
        }
        if self.items.is_empty() {
            self.items.extend_from_slice(&other.items);
            return;
        }
        if other.items[0] > *self.items.last().unwrap() {
            self.items.extend_from_slice(&other.items);
            return;
        }
        let mut out = Vec::with_capacity(self.items.len() + other.items.len());
        let (a, b) = (&self.items, &other.items);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => {
                    out.push(a[i]);
                    i += 1
                }
                std::cmp::Ordering::Greater => {
                    out.push(b[j]);
                    j += 1
                }
                std::cmp::Ordering::Equal => {
                    out.push(a[i]);
                    i += 1;
                    j += 1
                }
            }
        }
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
        self.items = out;
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn contains(&self, p: i64) -> bool {
        self.items.binary_search(&p).is_ok()
    }

    pub fn first(&self) -> Option<i64> {
        self.items.first().copied()
    }

    pub fn last(&self) -> Option<i64> {
        self.items.last().copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.items.iter().copied()
    }

    /// Largest element strictly below `p`.
    pub fn before(&self, p: i64) -> Option<i64> {
        let pos = self.items.partition_point(|&x| x < p);
        if pos == 0 { None } else { Some(self.items[pos - 1]) }
    }

    /// Delta-encoded: count, first, then gaps (all varints).
    pub fn encode(&self, w: &mut Writer) {
        w.u64(self.items.len() as u64);
        let mut prev = 0i64;
        for (i, &x) in self.items.iter().enumerate() {
            if i == 0 {
                w.i64(x);
            } else {
                w.u64(x.wrapping_sub(prev) as u64);
            }
            prev = x;
        }
    }

    pub fn decode(r: &mut Reader) -> Result<Self> {
        let n = r.len(1)?;
        let mut items = Vec::with_capacity(n);
        let mut prev = 0i64;
        for i in 0..n {
            let x = if i == 0 {
                r.i64()?
            } else {
                let gap = r.u64()?;
                let x = prev.wrapping_add(gap as i64);
                if gap == 0 || x <= prev {
                    return Err(super::codec::corrupt("period set", "not strictly increasing"));
                }
                x
            };
            items.push(x);
            prev = x;
        }
        Ok(PeriodSet { items })
    }

    pub fn from_sorted(items: Vec<i64>) -> Option<Self> {
        if items.windows(2).all(|w| w[0] < w[1]) { Some(PeriodSet { items }) } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_merge_encode() {
        let mut a = PeriodSet::new();
        for x in [5, 3, 9, 3, 5, 10, -4] {
            a.insert(x);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![-4, 3, 5, 9, 10]);
        let mut b = PeriodSet::new();
        for x in [1, 3, 11] {
            b.insert(x);
        }
        a.merge(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![-4, 1, 3, 5, 9, 10, 11]);
        assert_eq!(a.before(5), Some(3));
        assert_eq!(a.before(-4), None);
        let mut w = Writer::new();
        a.encode(&mut w);
        let buf = w.finish();
        let mut r = Reader::new("t", &buf).unwrap();
        assert_eq!(PeriodSet::decode(&mut r).unwrap(), a);
        let mut e = PeriodSet::new();
        e.insert(i64::MIN);
        e.insert(i64::MAX);
        let mut w = Writer::new();
        e.encode(&mut w);
        let buf = w.finish();
        assert_eq!(PeriodSet::decode(&mut Reader::new("t", &buf).unwrap()).unwrap(), e);
    }
}
