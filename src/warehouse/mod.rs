//! The warehouse layer of docs/warehouse.md, Postgres side.
//!
//! * [`views`]: the shared view SQL of `sql/views/`, embedded at compile
//!   time by `build.rs` (a `NN_<view>.postgres.sql` override wins over the
//!   shared file), listed by `churnkit.warehouse_views()`;
//! * [`as_of`]: `churnkit.as_of()`, the reference time of the views;
//! * `warehouse.sql` (plpgsql): the `churnkit.churn_events` table, the
//!   `churnkit_reader` role, `churnkit.input_contract()`, `churnkit.setup(...)`,
//!   `churnkit.record_churn(...)` and `churnkit.refresh()`.
//!
//! # SQL API
//!
//! ```sql
//! churnkit.as_of() RETURNS timestamptz                      -- STABLE
//! churnkit.setup(events regclass, accounts regclass, mrr regclass DEFAULT NULL,
//!                tickets regclass DEFAULT NULL, key_events text[] DEFAULT NULL,
//!                materialize boolean DEFAULT false) RETURNS text
//! churnkit.record_churn(account_id bigint, reason text, detail text DEFAULT NULL,
//!                       churned_at timestamptz DEFAULT churnkit.as_of())
//!     RETURNS churnkit.churn_events
//! churnkit.refresh() RETURNS text[]                         -- the refreshed views
//! churnkit.input_contract() RETURNS TABLE (input, ordinal, column_name, family,
//!                                          optional, description)
//! churnkit.warehouse_views() RETURNS TABLE (ordinal, name, definition, description,
//!     materializable, columns, column_descriptions, source_file)
//! ```
//!
//! # Decisions
//!
//! * Errors of `setup` about its arguments (missing or mistyped column, not
//!   a table, temporary table, NULL, empty `key_events`) are SQLSTATE 22023
//!   like every invalid argument of churnkit, message
//!   `setup: invalid <argument>: ...` naming the table and the column, with a
//!   DETAIL (what the column must be) and a HINT. A source the caller may not
//!   SELECT is 42501; a user object depending on a churnkit view is 2BP01
//!   (setup never drops with CASCADE); an object of schema churnkit that has a
//!   view's name and is not a view is 42809. `record_churn` before any setup is
//!   55000; an unknown account 22023.
//! * Source types are cast to the canonical ones: ids from any integer type,
//!   numbers from any numeric type, text from any string type or an enum,
//!   timestamps from `timestamptz`, or `timestamp`/`date` read as UTC; the mrr
//!   month from a date or timestamp, truncated to the month. Domains are read
//!   as their base type. Optional columns (absent → NULL):
//!   `events.duration_seconds`, `events.is_key_action` (only with
//!   `key_events`, which then always wins), `accounts.seats_purchased`,
//!   `renewal_at`, `churned_at`, `churn_reason`, `tickets.resolved_at`.
//! * A missing optional input is an empty relation with the contract's
//!   columns (the rule of `churnkit run` too): no `mrr`, an empty
//!   `input_mrr` (never derived from `accounts.mrr`, the current MRR, often 0
//!   after a churn: the churned MRR would vanish); no `tickets`, an empty
//!   `input_tickets`. Their COMMENT says `none (empty)`.
//! * `setup` drops and recreates every view (dashboard views last-first,
//!   then the inputs) in one transaction, under a lock of churn_events (not
//!   an advisory lock: any login could take that one); grants
//!   made on the old views are granted again; `churnkit_reader` gets SELECT
//!   on every dashboard view. The views are ordinary objects of schema
//!   churnkit owned by the caller (not extension members), so `pg_dump`
//!   dumps them; `DROP EXTENSION churnkit` needs CASCADE once set up.
//! * `setup`, `record_churn` and `refresh` are not executable by PUBLIC:
//!   members of `churnkit_admin` run them; the other functions are for
//!   every role (USAGE on schema churnkit for PUBLIC).
//! * `record_churn` reads `account_health` (tier, trend) and `input_mrr`
//!   with `churnkit.as_of` set to `churned_at` for the call only (the
//!   function's SET clause names the setting, which scopes the change), so
//!   the values are those of `churn_database`'s derivation.
//! * `refresh` runs `REFRESH MATERIALIZED VIEW CONCURRENTLY` (setup gives
//!   every materialized view a unique index on its row key) in creation
//!   order, each view in its own subtransaction; with `materialize => true`, refresh after
//!   `record_churn` too (`customer_lifetime` reads `churn_database`).
//! * Scheduling: `SELECT cron.schedule('churnkit-refresh', '*/15 * * * *',
//!   'SELECT churnkit.refresh()')` in the database named by
//!   `cron.database_name` (server started with
//!   `shared_preload_libraries = 'pg_cron'`); Debian 12's pg_cron 1.4 takes
//!   cron syntax only (by the minute), pg_cron >= 1.5 also '30 seconds'.
//!   Tested by `pg_tests/sql/warehouse_cron.sql`.
//!
//! The plpgsql/SQL functions have a fixed `search_path` (`churnkit,
//! pg_catalog, pg_temp`: `pg_temp` last so that a temporary table cannot
//! capture a name); `setup` and `refresh` are SECURITY DEFINER (members of
//! `churnkit_admin` run them without CREATE on schema churnkit), the others
//! run as the caller. The Rust functions resolve
//! no names and have no `SET` clause (a GUC save/restore on every call of
//! the aggregates' transition functions would cost more than the call).

mod as_of;
mod views;

// churnkit.input_contract(), rendered by build.rs from sql/input_contract.md
include!(concat!(env!("OUT_DIR"), "/input_contract.rs"));

pgrx::extension_sql_file!(
    "warehouse.sql",
    name = "warehouse",
    requires = [
        as_of::as_of,
        views::warehouse_views,
        views::warehouse_view_keys
    ],
);
