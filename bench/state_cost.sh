#!/usr/bin/env bash
# One command (not part of CI: two release builds): the Postgres cost of
# 0.2.0's state hardening (docs/reliability.md), churnkit 0.1.0 (commit bcd9d2f) against the
# current tree, same table, same cluster, alternating builds.
#
#   bash bench/state_cost.sh [--rows N] [--accounts N] [--repeat N]
#
# Builds both in release (0.1.0 in a git worktree under target/), installs
# each in turn into the Debian PostgreSQL 15 and runs bench/state_cost.py;
# prints the comparison table (paste it into BENCHMARKS.md) and leaves the
# current build installed (release).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ensure_python
ensure_postgres_build_deps
ensure_cargo_pgrx

OLD="$ROOT/target/bench-0.1.0"
[ -d "$OLD" ] || git worktree add --detach "$OLD" bcd9d2f >/dev/null
eval "$(bash pg_tests/cluster.sh start)"
trap 'bash "$ROOT/pg_tests/cluster.sh" stop >/dev/null 2>&1 || true' EXIT
out="$ROOT/target/state-cost"
mkdir -p "$out"
install_old() { (cd "$OLD" && cargo pgrx install --release -p churnkit --pg-config "$PG_CONFIG" >/dev/null); }
install_new() { cargo pgrx install --release -p churnkit --pg-config "$PG_CONFIG" >/dev/null; }
log "release builds (0.1.0 and current)"
install_old
install_new
# two rounds each, alternating, so that drift of the machine shows
for round in 1 2; do
    install_old
    python3 bench/state_cost.py --label "0.1.0" --out "$out/old-$round.json" "$@"
    install_new
    python3 bench/state_cost.py --label "0.2.0" --out "$out/new-$round.json" "$@"
done
for round in 1 2; do
    echo "round $round:"
    python3 bench/state_cost.py --report "$out/old-$round.json" "$out/new-$round.json"
done
