//! Panics of a library call turned into errors. The CLI's panic hook (see
//! `main.rs`) ends the process on any panic with one line; inside
//! [`catch`] it lets the panic unwind to the caller instead, silently, and
//! the caller reports a clear error. Used where a dependency may panic on
//! hostile input (the parquet crate on a malformed footer).

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Is the current thread inside [`catch`]? (Read by the panic hook.)
pub fn guarded() -> bool {
    GUARDED.with(Cell::get)
}

/// `f()`, or the panic's message when it panicked.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = GUARDED.with(|g| g.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    r.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string())
    })
}
