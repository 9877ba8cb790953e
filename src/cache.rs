//! Last-value caches for parsed / validated parameters.
//!
//! A parameter argument is usually a constant, sometimes a column with few
//! distinct values. Each wrapper keeps the last key it parsed and the parsed
//! value in a backend-local (thread-local) slot, so a repeated key costs one
//! comparison and no allocation. Errors are never cached: an invalid key is
//! parsed again (and raised) every time.

use std::cell::RefCell;
use std::thread::LocalKey;

/// The last string key(s) and the value parsed from them.
pub(crate) struct StrMemo<const N: usize, V> {
    keys: [String; N],
    value: Option<V>,
}

impl<const N: usize, V: Copy> StrMemo<N, V> {
    pub(crate) fn new() -> Self {
        StrMemo {
            keys: std::array::from_fn(|_| String::new()),
            value: None,
        }
    }

    fn get(&self, keys: &[&str; N]) -> Option<V> {
        let v = self.value?;
        self.keys.iter().zip(keys).all(|(a, b)| a == b).then_some(v)
    }

    fn put(&mut self, keys: &[&str; N], v: V) {
        for (slot, k) in self.keys.iter_mut().zip(keys) {
            slot.clear(); // keeps the capacity: no allocation once warm
            slot.push_str(k);
        }
        self.value = Some(v);
    }
}

/// The value for `keys`: cached, or parsed with `parse` (and then cached).
pub(crate) fn str_memo<const N: usize, V: Copy>(
    slot: &'static LocalKey<RefCell<StrMemo<N, V>>>,
    keys: [&str; N],
    parse: impl FnOnce() -> churnkit_core::Result<V>,
) -> churnkit_core::Result<V> {
    if let Some(v) = slot.with(|m| m.try_borrow().ok().and_then(|m| m.get(&keys))) {
        return Ok(v);
    }
    let v = parse()?;
    slot.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.put(&keys, v);
        }
    });
    Ok(v)
}

/// The last `Copy` key (e.g. the bit patterns of numeric parameters) and the
/// value validated from it.
pub(crate) type CopyMemo<K, V> = Option<(K, V)>;

/// The value for `key`: cached, or built with `build` (and then cached).
pub(crate) fn copy_memo<K: Copy + PartialEq + 'static, V: Copy + 'static>(
    slot: &'static LocalKey<RefCell<CopyMemo<K, V>>>,
    key: K,
    build: impl FnOnce() -> churnkit_core::Result<V>,
) -> churnkit_core::Result<V> {
    let cached = slot.with(|m| match m.try_borrow().ok().and_then(|m| *m) {
        Some((k, v)) if k == key => Some(v),
        _ => None,
    });
    if let Some(v) = cached {
        return Ok(v);
    }
    let v = build()?;
    slot.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            *m = Some((key, v));
        }
    });
    Ok(v)
}
