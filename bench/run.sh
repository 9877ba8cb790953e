#!/usr/bin/env bash
# One command for the benchmarks of BENCHMARKS.md (not part of CI: it takes minutes
# and a release build). Installs what is missing, builds churnkit in release,
# installs the extension (release), starts a throw-away PostgreSQL 15, runs
# bench/bench.py and writes BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ensure_python
ensure_postgres_build_deps
ensure_cargo_pgrx
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install -q duckdb==2.0.1
python3 -c 'import chdb' 2>/dev/null || python3 -m pip install -q chdb==4.4.0
log "cargo build --release -p churnkit-cli"
cargo build --release -q -p churnkit-cli
log "cargo pgrx install --release"
cargo pgrx install -p churnkit --release --pg-config "$PG_CONFIG" >/dev/null
eval "$(bash pg_tests/cluster.sh start)"
trap 'bash "$ROOT/pg_tests/cluster.sh" stop >/dev/null 2>&1 || true' EXIT
python3 bench/bench.py "$@"
