//! churnkit-core: every formula, classification and aggregate state of
//! churnkit, in pure Rust. The Postgres extension (`src/`) and the DataFusion
//! UDFs (`datafusion_udfs/`) only convert types and map [`ChurnError`] onto
//! their engine's error.

// the states' allocator, the one piece that needs unsafe code, is its own
// crate (core/alloc, churnkit-alloc)
#![forbid(unsafe_code)]

pub mod agg;
pub mod error;
pub mod fuzz;
pub mod scalar;
pub mod time;

pub use error::{ChurnError, ErrorKind, Result};
