//! The warehouse layer of docs/warehouse.md, CLI side: the mirror of the
//! extension's `src/warehouse/`.
//!
//! * [`inputs`]: files mapped onto the input contract (`sql/input_contract.md`),
//!   as `churnkit.setup()` maps tables;
//! * [`views`]: the shared view SQL of `sql/views/`, embedded by
//!   `cli/build.rs`;
//! * [`as_of`]: the reference time of the views (`churnkit.as_of()`);
//! * [`run`]: `churnkit run`, every view over the inputs, written out.

pub mod as_of;
pub mod inputs;
pub mod run;
pub mod views;
