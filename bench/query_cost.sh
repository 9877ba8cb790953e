#!/usr/bin/env bash
# One command (not in CI): the whole Postgres query's cost of churnkit 0.1.0
# (commit bcd9d2f) against the current tree, counted in instructions by
# callgrind, so that two builds compare exactly on a noisy machine.
#
#   bash bench/query_cost.sh [ROWS]        # default 400000 events
#
# For each build (release), installed in turn into the Debian PostgreSQL 15:
# a throw-away data directory with the extension and ROWS seeded events over
# 2,000 accounts, then `postgres --single` under callgrind runs each query
# once; the count of a query minus the count of the floor query (the same
# scan and GROUP BY, no churnkit function) is churnkit's part, and the
# table gives both builds' counts per row and the ratio of the whole query.
# Leaves the current build installed (release).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ensure_postgres_build_deps
ensure_cargo_pgrx
command -v valgrind >/dev/null || apt_install valgrind
ROWS="${1:-400000}"
PG_BIN=/usr/lib/postgresql/15/bin
OLD="$ROOT/target/bench-0.1.0"
[ -d "$OLD" ] || git worktree add --detach "$OLD" bcd9d2f >/dev/null
WORK="$(mktemp -d /tmp/churnkit-query-cost.XXXXXX)"
chmod 755 "$WORK"
chown postgres "$WORK"
trap 'rm -rf "$WORK"' EXIT

as_pg() { runuser -u postgres -- "$@"; }

QUERIES=(
    "floor|SELECT account_id, count(*) FROM e GROUP BY account_id"
    "engagement_agg|SELECT account_id, churnkit.active_days(churnkit.engagement_agg(ts, d, k)) FROM e GROUP BY account_id"
    "activity_agg (month)|SELECT account_id, churnkit.cohort_start(churnkit.activity_agg(ts, 'month')) FROM e GROUP BY account_id"
    "window_funnel (3 steps)|SELECT account_id, churnkit.window_funnel(interval '7 days', ts, ARRAY[k, d > 300, d > 600]) FROM e GROUP BY account_id"
    "activity_trend|SELECT account_id, churnkit.activity_trend(ts, timestamptz '2025-01-01', 14) FROM e GROUP BY account_id"
    "survival_agg|SELECT account_id % 7, churnkit.median_lifetime(churnkit.survival_agg(d, k)) FROM e GROUP BY 1"
)

measure() { # label
    local dir="$WORK/$1"
    as_pg "$PG_BIN/initdb" -D "$dir" -A trust -U postgres >/dev/null
    # (single-user mode: one statement a line)
    as_pg "$PG_BIN/postgres" --single -D "$dir" -c max_parallel_workers_per_gather=0 postgres >"$dir.load.log" 2>&1 <<SQL
CREATE EXTENSION churnkit;
CREATE TABLE e AS SELECT (i * 7919) % 2000 AS account_id, timestamptz '2024-01-01' + ((i * 104729) % 31536000) * interval '1 second' AS ts, ((i * 31) % 1200)::float8 AS d, (i % 5 = 0) AS k FROM generate_series(1::bigint, $ROWS) i;
VACUUM ANALYZE e;
SQL
    if grep -q "ERROR:" "$dir.load.log"; then cat "$dir.load.log" >&2; exit 1; fi
    local q name sql n out
    for q in "${QUERIES[@]}"; do
        name="${q%%|*}"; sql="${q#*|}"
        out="$(echo "$sql;" | as_pg valgrind --tool=callgrind --callgrind-out-file=/dev/null \
            "$PG_BIN/postgres" --single -D "$dir" -c max_parallel_workers_per_gather=0 -c work_mem=256MB postgres 2>&1)"
        if grep -q "ERROR:" <<<"$out"; then echo "$name: $out" >&2; exit 1; fi
        n="$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$out")"
        echo "$1|$name|$n" >>"$WORK/counts"
    done
}

log "0.1.0 (release)"
(cd "$OLD" && cargo pgrx install --release -p churnkit --pg-config "$PG_CONFIG" >/dev/null)
measure old
log "current (release)"
cargo pgrx install --release -p churnkit --pg-config "$PG_CONFIG" >/dev/null
measure new
python3 - "$WORK/counts" "$ROWS" <<'PY'
import sys
rows = int(sys.argv[2])
c = {}
for line in open(sys.argv[1]):
    label, name, n = line.strip().split("|")
    c[(label, name)] = int(n)
names = [n for (l, n) in c if l == "old"]
print(f"| query ({rows:,} events) | 0.1.0 instructions/row | current instructions/row | whole query, current / 0.1.0 |")
print("|---|---|---|---|")
for n in names:
    o, w = c[("old", n)], c[("new", n)]
    fo, fw = c[("old", "floor")], c[("new", "floor")]
    part = "" if n == "floor" else f"{(o - fo) / rows:.1f} | {(w - fw) / rows:.1f}"
    if n == "floor":
        part = f"{o / rows:.1f} (all of it) | {w / rows:.1f}"
    print(f"| {n} | {part} | {w / o:.4f} |")
PY
