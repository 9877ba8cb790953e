#!/usr/bin/env bash
# The README "test" command (also what CI runs, through .ci/run): install what
# is missing, then run every test of churnkit:
#   0. cargo fmt, cargo clippy -D warnings (every crate), cargo doc -D warnings
#   1. cargo tests: core unit + property tests, DataFusion SQL tests, CLI tests
#   2. build and install the Postgres extension (cargo pgrx install)
#   3. pg_tests/: SQL regression tests (pg_regress) against a real PG 15 server
#   4. tests/parity: the same generated arguments and data sets through
#      Postgres and DataFusion (scalar functions, aggregates)
#   5. tests/hostile: the hostile-input catalogue (SQL and command lines with
#      their expected SQLSTATE, NULL or value; no crash, no panic)
#      tests/docs: every example of docs/*.md, in both engines
#   6. tests/views: every warehouse view (sql/views/) in both engines
#   7. tests/warehouse: a BI client (SQLAlchemy + pandas) reading the views
#      as churnkit_reader; setup() vs `churnkit run`, view by view
#   and pg_tests/dump_restore.sh: a real pg_dump/pg_restore keeps the churn database;
#   pg_tests/update.sh: ALTER EXTENSION UPDATE from the frozen 0.1.0 loses
#   nothing and equals a fresh install; pg_tests/out_of_memory.sh: under a
#   memory limit a state that cannot grow is SQLSTATE 53200, no crash;
#   pg_tests/locks.sh: concurrent sessions, refresh() vs readers, setup();
#   pg_tests/sqlsmith.sh: 3000 random queries (sqlsmith) over a set-up
#   warehouse, no crash and no internal error in the server log
# Every suite runs even if an earlier one failed; the exit status is non-zero
# when any failed. Idempotent: nothing is installed twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

start=$(date +%s)
ensure_rust
ensure_python
ensure_postgres_build_deps
ensure_cargo_pgrx

passed=0
failed=0
failed_names=()
suite() {
    local name="$1"; shift
    local t0=$(date +%s)
    log "$name"
    if "$@"; then
        passed=$((passed + 1))
        log "$name: ok ($(( $(date +%s) - t0 ))s)"
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        log "$name: FAILED ($(( $(date +%s) - t0 ))s)"
    fi
}

suite "cargo fmt --check" cargo fmt --all -- --check
# lints are configuration ([workspace.lints] in Cargo.toml): any warning fails
suite "cargo clippy -D warnings (core, DataFusion UDFs, CLI)" cargo clippy --all-targets -- -D warnings
suite "cargo clippy -D warnings (the pgrx extension, pg15)" cargo clippy -p churnkit --all-targets --features pg15 -- -D warnings
suite "cargo doc, warnings denied" env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
suite "cargo test (core, DataFusion UDFs, CLI)" cargo test --no-fail-fast
suite "install the extension" install_extension
suite "pg_regress (pg_tests/)" bash pg_tests/run.sh
suite "dump/restore of the churn database (pg_tests/dump_restore.sh)" bash pg_tests/dump_restore.sh
suite "update 0.1.0 -> current, nothing lost (pg_tests/update.sh)" bash pg_tests/update.sh
suite "allocation failure is an ERROR, not a crash (pg_tests/out_of_memory.sh)" bash pg_tests/out_of_memory.sh
suite "locks: readers and refresh() never wait for each other (pg_tests/locks.sh)" bash pg_tests/locks.sh
suite "sqlsmith, 3000 random queries: no crash (pg_tests/sqlsmith.sh)" bash pg_tests/sqlsmith.sh 3000

# One live server for the cross-engine suites.
CLUSTER_ENV="$(bash pg_tests/cluster.sh start)"
eval "$CLUSTER_ENV"
trap 'bash "$ROOT/pg_tests/cluster.sh" stop >/dev/null 2>&1 || true' EXIT
export CHURNKIT_BIN="$ROOT/target/debug/churnkit"
suite "parity: scalar functions, Postgres vs DataFusion" python3 tests/parity/run_parity.py
suite "parity: aggregates, Postgres vs DataFusion" python3 tests/parity/run_parity_aggregates.py
suite "hostile-input catalogue, Postgres, DataFusion and the CLI (tests/hostile/)" python3 tests/hostile/run_catalogue.py
suite "docs examples in both engines" python3 tests/docs/check_docs.py
suite "warehouse views, Postgres vs DataFusion" python3 tests/views/run_views.py
suite "warehouse: a BI client as churnkit_reader (SQLAlchemy, pandas)" python3 tests/warehouse/bi_client.py
suite "warehouse: setup() vs churnkit run, every view" python3 tests/warehouse/run_vs_setup.py

log "total $(( $(date +%s) - start ))s"
[ "$failed" = 0 ] || printf 'failed suite: %s\n' "${failed_names[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
