#!/usr/bin/env bash
# SQL-level regression tests of the churnkit extension (pg_regress).
#
#   cargo pgrx install -p churnkit --pg-config /usr/bin/pg_config   # first
#   bash pg_tests/run.sh                  # every test of pg_tests/schedule
#   bash pg_tests/run.sh cohort_period    # setup + the named tests only
#
# Starts a throw-away PostgreSQL 15 cluster with pg_tests/cluster.sh (as the
# `postgres` user when run as root; port from PGPORT, default the first free
# one from 54329; socket in the cluster's temp dir), runs pg_regress against
# it (database churnkit_regress, re-created by pg_regress), prints
# regression.diffs on failure, stops the cluster on exit. Exit status 0 when
# every test passes.
#
# The cluster runs pg_cron (CHURNKIT_PG_CRON=1 of cluster.sh, jobs in
# database churnkit_regress) for the scheduled-refresh test warehouse_cron:
# the Debian package postgresql-15-cron must be installed (scripts/test.sh
# installs it). Running only named tests without warehouse_cron does not need it.
#
# Expected output: pg_tests/expected/<test>.out. After an intended change,
# CHURNKIT_REGRESS_ACCEPT=1 copies the new results over the expected files
# (then READ the diff before committing it).
#
# Other scripts needing a live server: see pg_tests/cluster.sh
# (eval "$(bash pg_tests/cluster.sh start)" ... bash pg_tests/cluster.sh stop).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_REGRESS="${PG_REGRESS:-/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress}"

[ -x "$PG_REGRESS" ] || { echo "run.sh: pg_regress not found at $PG_REGRESS (apt-get install postgresql-server-dev-15)" >&2; exit 1; }
if [ ! -f "$("$PG_BIN/pg_config" --sharedir)/extension/churnkit.control" ]; then
    echo "run.sh: the extension is not installed: run 'cargo pgrx install -p churnkit --pg-config $PG_BIN/pg_config' first" >&2
    exit 1
fi

need_cron=1
if [ $# -gt 0 ]; then
    need_cron=0
    for t in "$@"; do [ "$t" = warehouse_cron ] && need_cron=1; done
fi
if [ -f "$("$PG_BIN/pg_config" --pkglibdir)/pg_cron.so" ]; then
    export CHURNKIT_PG_CRON=1 CHURNKIT_PG_CRON_DB=churnkit_regress
elif [ "$need_cron" = 1 ]; then
    echo "run.sh: pg_cron is not installed (apt-get install postgresql-15-cron): the test warehouse_cron needs it" >&2
    exit 1
fi

OUT="$(mktemp -d "${CHURNKIT_PG_TMP:-/tmp}/churnkit-regress.XXXXXX")"
CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)" || { rm -rf "$OUT"; exit 1; }
eval "$CLUSTER_ENV"
status=0
cleanup() {
    # keep the server log next to the results when something failed
    [ "$status" = 0 ] || cp "$CHURNKIT_PG_DIR/server.log" "$OUT/server.log" 2>/dev/null || true
    bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" || true
}
trap cleanup EXIT

if [ $# -gt 0 ]; then
    tests=(setup)
    for t in "$@"; do
        [ "$t" = setup ] || tests+=("$t")
    done
    sched=()
else
    tests=()
    sched=(--schedule="$HERE/schedule")
fi

"$PG_REGRESS" \
    --bindir="$PG_BIN" \
    --inputdir="$HERE" \
    --outputdir="$OUT" \
    --host="$PGHOST" --port="$PGPORT" --user=postgres \
    --dbname=churnkit_regress \
    "${sched[@]}" "${tests[@]}" || status=$?

if [ "$status" != 0 ]; then
    if [ -f "$OUT/regression.diffs" ]; then
        echo "==================== regression.diffs ====================" >&2
        cat "$OUT/regression.diffs" >&2
    fi
    if [ "${CHURNKIT_REGRESS_ACCEPT:-0}" = 1 ]; then
        for f in "$OUT"/results/*.out; do
            cp "$f" "$HERE/expected/$(basename "$f")"
            echo "run.sh: accepted $(basename "$f")" >&2
        done
    fi
    echo "run.sh: FAILED (results and server.log kept in $OUT)" >&2
    exit 1
fi
rm -rf "$OUT"
echo "run.sh: all pg_regress tests passed"
