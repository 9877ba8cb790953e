//! churnkit for PostgreSQL: thin pgrx wrappers over `churnkit-core`.
//!
//! Every rule, default and message lives in core. The wrappers here only
//! convert Postgres datums to core types, call core, and raise a core
//! [`churnkit_core::ChurnError`] as SQLSTATE 22023 with its `Display` text
//! (see [`error`]). All objects are created in schema `churnkit`
//! (`schema = churnkit` in churnkit.control).

::pgrx::pg_module_magic!(name, version);

mod cache;
mod error;
mod scalar;
