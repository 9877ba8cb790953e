//! `churnkit-alloc`: where aggregate states keep their memory. Besides the
//! pgrx extension, the one crate of churnkit with `unsafe` code (an
//! allocator is an unsafe trait); `churnkit-core`, `datafusion-churnkit` and
//! the CLI forbid it.
//!
//! Every growable collection of a state is a [`StateVec`]: a vector whose
//! allocator is a [`StateAlloc`], chosen when the vector is made. By default
//! that is Rust's global allocator (DataFusion, the CLI, tests). An engine
//! can run code that makes states under [`with_state_alloc`] with its own
//! allocator: the Postgres adapter passes one that allocates in the
//! aggregate's memory context (`MemoryContextAllocExtended(...,
//! MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM)`), so the executor's memory
//! accounting (hash aggregation's spill decision, `work_mem`) sees the
//! states, and a failed allocation comes back as [`OutOfMemory`], an
//! ERROR, never an abort.
//!
//! A vector remembers its allocator, so it grows and is freed where it was
//! made whatever runs later. A clone is made by the allocator current at
//! the time of the clone (a state copied into a longer-lived aggregate
//! context lives there, not in the shorter-lived one it was copied from).

use std::alloc::Layout;
use std::cell::Cell;
use std::ffi::c_void;
use std::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator, Global};

/// A growable vector of an aggregate state.
pub type StateVec<T> = allocator_api2::vec::Vec<T, StateAlloc>;

/// An empty [`StateVec`] in the current allocator.
#[inline]
pub fn state_vec<T>() -> StateVec<T> {
    StateVec::new_in(StateAlloc::current())
}

/// A [`StateVec`] of `items`, in the current allocator (for tests and
/// hand-made states; panics when memory runs out, like `Vec::from`).
pub fn state_vec_from<T: Clone>(items: &[T]) -> StateVec<T> {
    let mut v = state_vec();
    v.extend_from_slice(items);
    v
}

/// `v.push(x)` where [`grow`] made the room: no capacity check, no
/// allocation (the hot path of states that keep every row).
#[inline(always)]
pub fn push_within_capacity<T>(v: &mut StateVec<T>, x: T) {
    let len = v.len();
    assert!(len < v.capacity(), "push_within_capacity without room");
    // SAFETY: len < capacity, so the slot is allocated and unused; it is
    // written before the length covers it
    unsafe {
        v.as_mut_ptr().add(len).write(x);
        v.set_len(len + 1);
    }
}

/// Ask the CPU to bring the memory of `value` (every cache line of it) into
/// its cache, without waiting: for a state an aggregate will update a few
/// rows later, when the rows of many groups are interleaved (the state's
/// memory is then rarely cached, and fetching several at once hides most of
/// the wait). A hint only: no effect on any value, a no-op on CPUs without
/// the instruction.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let p = (value as *const T).cast::<i8>();
        let mut off = 0;
        while off < size_of::<T>().max(1) {
            // SAFETY: a prefetch reads nothing the program sees and never
            // faults; the address lies within (or one cache line of) a live
            // reference, and `wrapping_add` forms it without UB
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(off)) };
            off += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// A copy of `v` in the current allocator, or [`OutOfMemory`]
/// (`Clone` would abort when memory runs out).
pub fn try_clone_vec<T: Clone>(v: &StateVec<T>) -> Result<StateVec<T>, OutOfMemory> {
    let mut c = state_vec();
    grow(&mut c, v.len())?;
    c.extend_from_slice(v);
    Ok(c)
}

/// An engine's allocator: `alloc(ctx, size)` returns memory aligned to at
/// least [`EngineHooks::align`] bytes or null; `free(ctx, ptr)` releases it.
#[derive(Debug)]
pub struct EngineHooks {
    pub alloc: unsafe fn(ctx: *mut c_void, size: usize) -> *mut u8,
    pub free: unsafe fn(ctx: *mut c_void, ptr: *mut u8),
    pub align: usize,
}

type Engine = Option<(&'static EngineHooks, *mut c_void)>;

/// Rust's global allocator, or an engine's allocator and its context.
#[derive(Debug)]
pub struct StateAlloc {
    engine: Engine,
}

impl PartialEq for StateAlloc {
    fn eq(&self, other: &Self) -> bool {
        match (self.engine, other.engine) {
            (None, None) => true,
            (Some((h, c)), Some((oh, oc))) => std::ptr::eq(h, oh) && c == oc,
            _ => false,
        }
    }
}

// SAFETY: an engine allocator is only installed by a single-threaded engine
// (a Postgres backend) for the duration of a call; DataFusion's states, which
// move between threads, always use the global allocator.
unsafe impl Send for StateAlloc {}
// SAFETY: as for Send: an engine allocator is never shared between threads.
unsafe impl Sync for StateAlloc {}

thread_local! {
    static CURRENT: Cell<Engine> = const { Cell::new(None) };
}

impl StateAlloc {
    pub const GLOBAL: StateAlloc = StateAlloc { engine: None };

    /// An engine's allocator for `ctx`.
    pub fn engine(hooks: &'static EngineHooks, ctx: *mut c_void) -> Self {
        StateAlloc {
            engine: Some((hooks, ctx)),
        }
    }

    /// The allocator states made now use.
    #[inline]
    pub fn current() -> Self {
        StateAlloc {
            engine: CURRENT.with(Cell::get),
        }
    }

    /// This very allocator (unlike `clone`, which gives the current one):
    /// for a new collection that replaces one of a state.
    pub fn same(&self) -> Self {
        StateAlloc {
            engine: self.engine,
        }
    }

    pub fn is_global(&self) -> bool {
        self.engine.is_none()
    }
}

impl Default for StateAlloc {
    fn default() -> Self {
        Self::current()
    }
}

impl Clone for StateAlloc {
    /// The allocator current now (see the module's documentation): a cloned
    /// vector lives where states are being made.
    fn clone(&self) -> Self {
        Self::current()
    }
}

/// Run `f` with states made in `alloc`; the previous allocator is back
/// afterwards, also when `f` unwinds.
pub fn with_state_alloc<R>(alloc: StateAlloc, f: impl FnOnce() -> R) -> R {
    struct Restore(Engine);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(alloc.engine)));
    f()
}

// SAFETY: memory comes from the global allocator or from the engine's hooks,
// which return blocks of the requested size and alignment (or null, an
// AllocError) that stay valid until deallocated through the same allocator.
unsafe impl Allocator for StateAlloc {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        match self.engine {
            None => Global.allocate(layout),
            Some((hooks, ctx)) => {
                if layout.align() > hooks.align {
                    return Err(AllocError);
                }
                if layout.size() == 0 {
                    // a dangling, aligned pointer: never passed to `free`
                    let p = NonNull::new(layout.align() as *mut u8).ok_or(AllocError)?;
                    return Ok(NonNull::slice_from_raw_parts(p, 0));
                }
                // SAFETY: the hooks' contract
                let p = unsafe { (hooks.alloc)(ctx, layout.size()) };
                NonNull::new(p)
                    .map(|p| NonNull::slice_from_raw_parts(p, layout.size()))
                    .ok_or(AllocError)
            }
        }
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        match self.engine {
            // SAFETY: made by `Global.allocate` with this layout
            None => unsafe { Global.deallocate(ptr, layout) },
            Some((hooks, ctx)) => {
                if layout.size() != 0 {
                    // SAFETY: made by `hooks.alloc`
                    unsafe { (hooks.free)(ctx, ptr.as_ptr()) }
                }
            }
        }
    }
}

/// A collection of an aggregate state could not grow: the allocation
/// failed. States grow only through [`grow`], so a failed allocation is this
/// error (SQLSTATE 53200 in Postgres, a DataFusion error) instead of Rust's
/// abort, which would take the whole Postgres cluster down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory {
    /// The size the collection needed, in bytes.
    pub bytes: usize,
}

/// Room in `v` for `additional` more elements without another allocation,
/// or [`OutOfMemory`]. Amortised like `push` (the capacity doubles).
#[inline(always)]
pub fn grow<T>(v: &mut StateVec<T>, additional: usize) -> Result<(), OutOfMemory> {
    if v.capacity() - v.len() >= additional {
        Ok(())
    } else {
        grow_slow(v, additional)
    }
}

#[cold]
#[inline(never)]
fn grow_slow<T>(v: &mut StateVec<T>, additional: usize) -> Result<(), OutOfMemory> {
    v.try_reserve(additional).map_err(|_| OutOfMemory {
        bytes: v
            .len()
            .saturating_add(additional)
            .max(v.capacity().saturating_mul(2))
            .saturating_mul(std::mem::size_of::<T>()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static LIVE: AtomicUsize = AtomicUsize::new(0);

    unsafe fn counting_alloc(_ctx: *mut c_void, size: usize) -> *mut u8 {
        LIVE.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the layout has a non-zero size (core never allocates 0 bytes)
        unsafe { std::alloc::alloc(Layout::from_size_align(size, 16).unwrap()) }
    }
    unsafe fn counting_free(_ctx: *mut c_void, ptr: *mut u8) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
        // the size is not known here: leak it in the test (the count is what matters)
        let _ = ptr;
    }
    unsafe fn failing_alloc(_ctx: *mut c_void, _size: usize) -> *mut u8 {
        std::ptr::null_mut()
    }

    static COUNTING: EngineHooks = EngineHooks {
        alloc: counting_alloc,
        free: counting_free,
        align: 16,
    };
    static FAILING: EngineHooks = EngineHooks {
        alloc: failing_alloc,
        free: counting_free,
        align: 16,
    };

    #[test]
    fn a_vector_grows_and_is_freed_by_the_allocator_it_was_made_with() {
        let engine = StateAlloc::engine(&COUNTING, std::ptr::null_mut());
        let mut v: StateVec<u64> = with_state_alloc(engine, state_vec);
        assert_eq!(StateAlloc::current(), StateAlloc::GLOBAL);
        for i in 0..1000 {
            super::grow(&mut v, 1).unwrap();
            v.push(i);
        }
        assert!(LIVE.load(Ordering::SeqCst) >= 1);
        // a clone outside the engine's calls is Rust's
        let c = v.clone();
        assert!(c.allocator().is_global());
        drop(v);
        assert_eq!(LIVE.load(Ordering::SeqCst), 0);
        assert_eq!(c.len(), 1000);
    }

    #[test]
    fn a_failed_engine_allocation_is_out_of_memory() {
        let engine = StateAlloc::engine(&FAILING, std::ptr::null_mut());
        let mut v: StateVec<u64> = with_state_alloc(engine, state_vec);
        let e = super::grow(&mut v, 10).unwrap_err();
        assert_eq!(e.bytes, 80);
        assert!(v.is_empty());
    }

    #[test]
    fn the_allocator_is_restored_when_the_call_unwinds() {
        let engine = StateAlloc::engine(&FAILING, std::ptr::null_mut());
        let r = std::panic::catch_unwind(|| with_state_alloc(engine, || panic!("boom")));
        assert!(r.is_err());
        assert_eq!(StateAlloc::current(), StateAlloc::GLOBAL);
    }
}
