//! A set of period indices (days, weeks, months ...).
//!
//! Dense sets — the usual case: a customer's active days within a few years —
//! are a bitmap over a window of periods, so an insert is a shift and an OR
//! whatever the order in which events arrive. A set spanning at most
//! [`INLINE_PERIODS`] periods (a year of days, 32 years of months) keeps its
//! bitmap inside the set itself: no allocation, and an insert touches only
//! the memory of the state it belongs to (a group's state is one random
//! memory access when the rows of the groups are interleaved, a heap bitmap
//! would be a second). A wider set moves its bitmap to the heap; one whose
//! span would exceed [`MAX_BITMAP_PERIODS`] (outlier timestamps decades
//! apart) switches to a sorted vector. No allocation happens per row except
//! when the set grows. The representation is internal: equality, iteration
//! and the binary encoding only see the set's elements.

use super::alloc::{StateAlloc, StateVec};
use super::codec::{Reader, Writer};
use super::OutOfMemoryExt as _;
use super::{grow, OutOfMemory};
use crate::error::Result;

/// Widest span kept as a bitmap: 2^16 periods (~180 years of days) = 8 KiB.
pub const MAX_BITMAP_PERIODS: i64 = 1 << 16;

/// Words of the bitmap kept inside the set.
const INLINE_WORDS: usize = 6;

/// Widest span kept inside the set, without allocating: 384 periods (a year
/// of days, 7 years of weeks, 32 years of months).
#[allow(clippy::cast_possible_wrap)] // 6 words
pub const INLINE_PERIODS: i64 = 64 * INLINE_WORDS as i64;

#[derive(Debug, Clone)]
enum Repr {
    /// Bit `i` of word `w` set = period `base + 64 * w + i` is in the set
    /// (`base` is any period; meaningless while the set is empty). `alloc`
    /// is where the bitmap goes if the set outgrows the words.
    Inline {
        base: i64,
        words: [u64; INLINE_WORDS],
        alloc: StateAlloc,
    },
    /// As `Inline`, on the heap; `base` is a multiple of 64.
    Bits {
        base: i64,
        words: StateVec<u64>,
    },
    Sorted(StateVec<i64>),
}

#[derive(Debug, Clone)]
pub struct PeriodSet {
    repr: Repr,
    len: usize,
}

impl Default for PeriodSet {
    fn default() -> Self {
        PeriodSet::new_in(StateAlloc::current())
    }
}

impl PartialEq for PeriodSet {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for PeriodSet {}

#[inline]
fn word_base(p: i64) -> i64 {
    p.div_euclid(64) * 64
}

/// `p`'s bit in a bitmap starting at `base` of `bits` bits, if it has one.
#[inline(always)]
fn bit_of(p: i64, base: i64, bits: i64) -> Option<(usize, u64)> {
    let off = p.wrapping_sub(base);
    // p >= base: `off` is the true offset when it is below 2^63
    if p >= base && (0..bits).contains(&off) {
        Some(((off >> 6) as usize, 1u64 << (off & 63)))
    } else {
        None
    }
}

/// Smallest element of a bitmap starting at `base`.
fn first_bit(base: i64, words: &[u64]) -> Option<i64> {
    words
        .iter()
        .enumerate()
        .find(|(_, &w)| w != 0)
        .map(|(i, &w)| base + (super::len_as_i64(i) * 64 + i64::from(w.trailing_zeros())))
}

/// Largest element of a bitmap starting at `base`.
fn last_bit(base: i64, words: &[u64]) -> Option<i64> {
    words
        .iter()
        .enumerate()
        .rev()
        .find(|(_, &w)| w != 0)
        .map(|(i, &w)| base + (super::len_as_i64(i) * 64 + 63 - i64::from(w.leading_zeros())))
}

impl PeriodSet {
    /// A copy in the current allocator; [`OutOfMemory`] instead of an abort.
    pub fn try_clone(&self) -> std::result::Result<Self, OutOfMemory> {
        let repr = match &self.repr {
            Repr::Inline { base, words, .. } => Repr::Inline {
                base: *base,
                words: *words,
                alloc: StateAlloc::current(),
            },
            Repr::Bits { base, words } => Repr::Bits {
                base: *base,
                words: super::alloc::try_clone_vec(words)?,
            },
            Repr::Sorted(items) => Repr::Sorted(super::alloc::try_clone_vec(items)?),
        };
        Ok(PeriodSet {
            repr,
            len: self.len,
        })
    }

    pub fn new() -> Self {
        Self::default()
    }

    /// An empty set whose memory (once it outgrows its inline words) comes
    /// from `alloc`.
    pub fn new_in(alloc: StateAlloc) -> Self {
        PeriodSet {
            repr: Repr::Inline {
                base: 0,
                words: [0; INLINE_WORDS],
                alloc,
            },
            len: 0,
        }
    }

    /// Bytes the set holds on the heap (0 while its bitmap is inline).
    pub fn heap_size(&self) -> usize {
        match &self.repr {
            Repr::Inline { .. } => 0,
            Repr::Bits { words, .. } => words.capacity() * size_of::<u64>(),
            Repr::Sorted(items) => items.capacity() * size_of::<i64>(),
        }
    }

    /// Add `p`; [`OutOfMemory`] when the set had to grow and could not (the
    /// set is then unchanged).
    #[inline]
    pub fn insert(&mut self, p: i64) -> std::result::Result<(), OutOfMemory> {
        let slot = match &mut self.repr {
            Repr::Inline { base, words, .. } if self.len != 0 => {
                bit_of(p, *base, INLINE_PERIODS).map(|(w, mask)| (&mut words[w], mask))
            }
            Repr::Bits { base, words } if !words.is_empty() => {
                let bits = super::len_as_i64(words.len()) * 64;
                bit_of(p, *base, bits).map(|(w, mask)| (&mut words[w], mask))
            }
            _ => None,
        };
        match slot {
            Some((word, mask)) => {
                if *word & mask == 0 {
                    *word |= mask;
                    self.len += 1;
                }
                Ok(())
            }
            None => self.insert_slow(p),
        }
    }

    #[cold]
    fn insert_slow(&mut self, p: i64) -> std::result::Result<(), OutOfMemory> {
        match &mut self.repr {
            Repr::Inline { base, words, alloc } => {
                if self.len == 0 {
                    *base = p;
                    *words = [0; INLINE_WORDS];
                    words[0] = 1;
                    self.len = 1;
                    return Ok(());
                }
                let first = first_bit(*base, words.as_slice()).unwrap_or(*base);
                let last = last_bit(*base, words.as_slice()).unwrap_or(*base);
                let (lo, hi) = (first.min(p), last.max(p));
                if (hi as i128 - lo as i128) < INLINE_PERIODS as i128 {
                    // still fits inline: move the window so that the spare
                    // room lies on the side the set grew
                    let new_base = if p < first {
                        (hi as i128 - (INLINE_PERIODS as i128 - 1)).max(i64::MIN as i128) as i64
                    } else {
                        lo
                    };
                    let old = std::mem::replace(words, [0; INLINE_WORDS]);
                    let old_base = *base;
                    *base = new_base;
                    for x in (Iter::Bits {
                        base: old_base,
                        words: &old,
                        w: 0,
                        cur: old[0],
                    }) {
                        let (w, mask) = bit_of(x, new_base, INLINE_PERIODS)
                            .expect("the new window covers the old elements");
                        words[w] |= mask;
                    }
                    let (w, mask) =
                        bit_of(p, new_base, INLINE_PERIODS).expect("the new window covers p");
                    words[w] |= mask;
                    self.len += 1;
                    return Ok(());
                }
                // outgrown: the bitmap moves to the heap (or becomes a
                // sorted vector when the span is too wide for a bitmap)
                let alloc = alloc.same();
                let mut spilled = if (hi as i128 - lo as i128) < MAX_BITMAP_PERIODS as i128 {
                    let wbase = word_base(lo);
                    let n = ((word_base(hi) as i128 - wbase as i128) / 64 + 1) as usize;
                    let mut w: StateVec<u64> = StateVec::new_in(alloc);
                    grow(&mut w, n)?;
                    w.resize(n, 0);
                    PeriodSet {
                        repr: Repr::Bits {
                            base: wbase,
                            words: w,
                        },
                        len: 0,
                    }
                } else {
                    let mut items: StateVec<i64> = StateVec::new_in(alloc);
                    grow(&mut items, self.len + 1)?;
                    PeriodSet {
                        repr: Repr::Sorted(items),
                        len: 0,
                    }
                };
                // no allocation below: the room is there
                for x in self.iter().chain(std::iter::once(p)) {
                    spilled.insert(x)?;
                }
                *self = spilled;
                Ok(())
            }
            Repr::Bits { base, words } => {
                if words.is_empty() {
                    grow(words, 1)?;
                    *base = word_base(p);
                    words.push(0);
                } else {
                    let lo = (*base as i128).min(word_base(p) as i128);
                    let hi =
                        (*base as i128 + words.len() as i128 * 64).max(word_base(p) as i128 + 64);
                    if hi - lo > MAX_BITMAP_PERIODS as i128 {
                        let mut items: StateVec<i64> = StateVec::new_in(words.allocator().same());
                        grow(&mut items, self.len + 1)?;
                        items.extend(self.iter());
                        items.push(p);
                        items.sort_unstable();
                        items.dedup();
                        self.len = items.len();
                        self.repr = Repr::Sorted(items);
                        return Ok(());
                    }
                    // room for the whole new span first: the set is
                    // unchanged when that fails
                    let span = ((hi - lo) / 64) as usize;
                    grow(words, span - words.len())?;
                    if lo < *base as i128 {
                        let extra = ((*base as i128 - lo) / 64) as usize;
                        words.splice(0..0, std::iter::repeat_n(0, extra));
                        *base = lo as i64;
                    }
                    let need = ((hi - *base as i128) / 64) as usize;
                    if words.len() < need {
                        words.resize(need, 0);
                    }
                }
                self.insert(p)
            }
            Repr::Sorted(items) => match items.last() {
                Some(&last) if p > last => {
                    grow(items, 1)?;
                    items.push(p);
                    self.len += 1;
                    Ok(())
                }
                _ => {
                    if let Err(pos) = items.binary_search(&p) {
                        grow(items, 1)?;
                        items.insert(pos, p);
                        self.len += 1;
                    }
                    Ok(())
                }
            },
        }
    }

    pub fn merge(&mut self, other: &PeriodSet) -> std::result::Result<(), OutOfMemory> {
        if other.len == 0 {
            return Ok(());
        }
        if let (
            Repr::Bits { base, words },
            Repr::Bits {
                base: ob,
                words: ow,
            },
        ) = (&mut self.repr, &other.repr)
        {
            if !words.is_empty()
                && *ob >= *base
                && *ob as i128 + ow.len() as i128 * 64 <= *base as i128 + words.len() as i128 * 64
            {
                let shift = ((ob - *base) / 64) as usize;
                let mut len = self.len;
                for (i, &w) in ow.iter().enumerate() {
                    let mine = &mut words[shift + i];
                    len += (w & !*mine).count_ones() as usize;
                    *mine |= w;
                }
                self.len = len;
                return Ok(());
            }
        }
        // general case: grow to cover the other's extremes, then insert
        if let (Some(f), Some(l)) = (other.first(), other.last()) {
            self.insert(f)?;
            self.insert(l)?;
        }
        for p in other.iter() {
            self.insert(p)?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, p: i64) -> bool {
        let (base, words) = match &self.repr {
            Repr::Inline { base, words, .. } => (*base, words.as_slice()),
            Repr::Bits { base, words } => (*base, words.as_slice()),
            Repr::Sorted(items) => return items.binary_search(&p).is_ok(),
        };
        bit_of(p, base, super::len_as_i64(words.len()) * 64)
            .is_some_and(|(w, mask)| words[w] & mask != 0)
    }

    pub fn first(&self) -> Option<i64> {
        self.iter().next()
    }

    pub fn last(&self) -> Option<i64> {
        match &self.repr {
            Repr::Inline { base, words, .. } => last_bit(*base, words),
            Repr::Bits { base, words } => last_bit(*base, words),
            Repr::Sorted(items) => items.last().copied(),
        }
    }

    /// Elements in increasing order.
    pub fn iter(&self) -> Iter<'_> {
        let (base, words) = match &self.repr {
            Repr::Inline { base, words, .. } => (*base, words.as_slice()),
            Repr::Bits { base, words } => (*base, words.as_slice()),
            Repr::Sorted(items) => return Iter::Sorted(items.iter()),
        };
        Iter::Bits {
            base,
            words,
            w: 0,
            cur: words.first().copied().unwrap_or(0),
        }
    }

    /// Largest element strictly below `p`.
    pub fn before(&self, p: i64) -> Option<i64> {
        self.iter().take_while(|&x| x < p).last()
    }

    /// Delta-encoded: count, first, then gaps (all varints).
    pub fn encode(&self, w: &mut Writer) {
        w.u64(self.len as u64);
        let mut prev = 0i64;
        for (i, x) in self.iter().enumerate() {
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
        let mut s = PeriodSet::new();
        let mut prev = 0i64;
        for i in 0..n {
            let x = if i == 0 {
                r.i64()?
            } else {
                let gap = r.u64()?;
                let x = prev as i128 + gap as i128;
                if gap == 0 || x > i64::MAX as i128 {
                    return Err(super::codec::corrupt(
                        r.what(),
                        "periods not strictly increasing",
                    ));
                }
                x as i64
            };
            s.insert(x).map_err(|e| e.named(r.what()))?;
            prev = x;
        }
        Ok(s)
    }

    /// The set of strictly increasing `items`; `Ok(None)` when they are not.
    pub fn from_sorted(items: Vec<i64>) -> std::result::Result<Option<Self>, OutOfMemory> {
        if !items.windows(2).all(|w| w[0] < w[1]) {
            return Ok(None);
        }
        let mut s = PeriodSet::new();
        for x in items {
            s.insert(x)?;
        }
        Ok(Some(s))
    }
}

pub enum Iter<'a> {
    Bits {
        base: i64,
        words: &'a [u64],
        w: usize,
        cur: u64,
    },
    Sorted(std::slice::Iter<'a, i64>),
}

impl Iterator for Iter<'_> {
    type Item = i64;

    #[inline]
    fn next(&mut self) -> Option<i64> {
        match self {
            Iter::Bits {
                base,
                words,
                w,
                cur,
            } => loop {
                if *cur != 0 {
                    let b = cur.trailing_zeros() as i64;
                    *cur &= *cur - 1;
                    return Some(*base + (super::len_as_i64(*w) * 64 + b));
                }
                *w += 1;
                if *w >= words.len() {
                    return None;
                }
                *cur = words[*w];
            },
            Iter::Sorted(it) => it.next().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(a: &PeriodSet) {
        let mut w = Writer::new();
        a.encode(&mut w);
        let buf = w.finish();
        let mut r = Reader::new("t", &buf).unwrap();
        assert_eq!(&PeriodSet::decode(&mut r).unwrap(), a);
    }

    #[test]
    fn insert_merge_encode() {
        let mut a = PeriodSet::new();
        for x in [5, 3, 9, 3, 5, 10, -4, 200, -130] {
            a.insert(x).unwrap();
        }
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![-130, -4, 3, 5, 9, 10, 200]
        );
        assert_eq!(a.len(), 7);
        assert_eq!((a.first(), a.last()), (Some(-130), Some(200)));
        let mut b = PeriodSet::new();
        for x in [1, 3, 11] {
            b.insert(x).unwrap();
        }
        a.merge(&b).unwrap();
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![-130, -4, 1, 3, 5, 9, 10, 11, 200]
        );
        assert_eq!(a.len(), 9);
        assert_eq!(a.before(5), Some(3));
        assert_eq!(a.before(-130), None);
        assert!(a.contains(200) && !a.contains(201) && !a.contains(-1000));
        round_trip(&a);
    }

    #[test]
    fn sparse_sets_switch_to_sorted() {
        let mut e = PeriodSet::new();
        e.insert(i64::MAX).unwrap();
        e.insert(i64::MIN).unwrap();
        e.insert(0).unwrap();
        e.insert(0).unwrap();
        assert_eq!(e.iter().collect::<Vec<_>>(), vec![i64::MIN, 0, i64::MAX]);
        assert_eq!(e.len(), 3);
        round_trip(&e);
        let mut dense = PeriodSet::new();
        dense.insert(1).unwrap();
        dense.merge(&e).unwrap();
        assert_eq!(
            dense.iter().collect::<Vec<_>>(),
            vec![i64::MIN, 0, 1, i64::MAX]
        );
        let mut far = PeriodSet::new();
        far.insert(0).unwrap();
        far.insert(MAX_BITMAP_PERIODS * 2).unwrap();
        assert_eq!(far.len(), 2);
        assert_eq!(far.last(), Some(MAX_BITMAP_PERIODS * 2));
    }

    /// A set within [`INLINE_PERIODS`] stays inline whatever the order of
    /// its inserts (no heap); one step wider moves to the heap; the elements
    /// are those of a `BTreeSet` throughout, at the ends of `i64` too.
    #[test]
    #[allow(
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation
    )]
    fn inline_sets_in_any_order() {
        let mut x: u64 = 99;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for (lo, span) in [
            (0i64, INLINE_PERIODS),
            (-1000, 365),
            (i64::MIN, INLINE_PERIODS),
            (i64::MAX - INLINE_PERIODS + 1, INLINE_PERIODS),
        ] {
            for _ in 0..20 {
                let mut s = PeriodSet::new();
                let mut t = std::collections::BTreeSet::new();
                for _ in 0..300 {
                    let p = lo + i64::try_from(next(span as u64)).unwrap();
                    s.insert(p).unwrap();
                    t.insert(p);
                    assert_eq!(s.len(), t.len());
                }
                assert_eq!(s.heap_size(), 0, "{lo} {span}");
                assert!(s.iter().eq(t.iter().copied()));
                assert_eq!(
                    (s.first(), s.last()),
                    (t.first().copied(), t.last().copied())
                );
                assert!(t.iter().all(|&p| s.contains(p)));
                round_trip(&s);
                // one period beyond the inline span: on the heap, same elements
                let beyond = if lo > 0 {
                    t.last().unwrap() - INLINE_PERIODS
                } else {
                    t.first().unwrap() + INLINE_PERIODS
                };
                s.insert(beyond).unwrap();
                t.insert(beyond);
                assert!(s.heap_size() > 0);
                assert!(s.iter().eq(t.iter().copied()));
                assert_eq!(s.len(), t.len());
                round_trip(&s);
            }
        }
        // far apart: sorted, never a huge bitmap
        let mut s = PeriodSet::new();
        for p in [5, i64::MAX, 3, i64::MIN, 4] {
            s.insert(p).unwrap();
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), [i64::MIN, 3, 4, 5, i64::MAX]);
        assert!(s.heap_size() <= 16 * 8);
    }

    #[test]
    fn matches_a_btreeset() {
        let mut x: u64 = 12345;
        let mut s = PeriodSet::new();
        let mut t = std::collections::BTreeSet::new();
        for i in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let p = if i % 1000 == 999 {
                i64::try_from(x % 1_000_000).unwrap() - 500_000
            } else {
                i64::try_from(x % 3000).unwrap() - 1500
            };
            s.insert(p).unwrap();
            t.insert(p);
            if i % 997 == 0 {
                assert_eq!(s.len(), t.len());
            }
        }
        assert!(s.iter().eq(t.iter().copied()));
        assert_eq!(s.len(), t.len());
    }
}
