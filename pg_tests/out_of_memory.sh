#!/usr/bin/env bash
# An allocation failure is a clean `out of memory` ERROR, never a crash
# (docs/reliability.md).
#
#   bash pg_tests/out_of_memory.sh      # once the extension is installed
#
# Starts a throw-away cluster (pg_tests/cluster.sh) whose postmaster runs
# under `ulimit -v` (every backend inherits the address-space limit). Then, while
# another session is connected, a `churnkit_reader` login with no table
# access runs the probe's queries: a survival_agg over 40 M distinct tenures
# and a window_funnel over 80 M rows. Each must fail with SQLSTATE 53200 and
# churnkit's message, the other session must still be connected and
# working, the postmaster must not have restarted (same start time, no
# "terminated by signal" in the server log). In 0.1.0 the first query
# aborted the backend ("memory allocation of 1610612736 bytes failed") and
# the postmaster restarted the whole cluster.
# Exit status 0 when all hold.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
LIMIT_KB="${CHURNKIT_OOM_LIMIT_KB:-1000000}"
say() { printf 'out_of_memory.sh: %s\n' "$*" >&2; }

CLUSTER_ENV="$(CHURNKIT_PG_AS_LIMIT_KB="$LIMIT_KB" bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
cleanup() {
    # bash sets WATCHER_PID for the coproc below and unsets it once the
    # coprocess has exited, which may be before this runs
    [ -n "${WATCHER_PID:-}" ] && kill "$WATCHER_PID" 2>/dev/null || true
    bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT

PSQL=("$PG_BIN/psql" -X -q --no-psqlrc -At)
failed=0
fail() { say "FAILED: $*"; failed=1; }

postmaster="$(head -1 "$CHURNKIT_PG_DIR/data/postmaster.pid")"
limit="$(awk '/^Max address space/ { print $5 }' "/proc/$postmaster/limits")"
[ "$limit" = "$((LIMIT_KB * 1024))" ] || fail "the postmaster runs without the address-space limit ($limit)"
say "postmaster $postmaster limited to $LIMIT_KB KiB of address space"
started="$("${PSQL[@]}" -c "SELECT pg_postmaster_start_time()")"
"${PSQL[@]}" -c "CREATE ROLE oom_reader LOGIN IN ROLE churnkit_reader" >/dev/null

# an unrelated session, connected through both queries: it keeps a
# temporary table, which a cluster restart would lose
coproc WATCHER { "${PSQL[@]}" -v ON_ERROR_STOP=1 2>&1; }

echo "CREATE TEMP TABLE still_here AS SELECT 42 AS answer; SELECT 'ready';" >&"${WATCHER[1]}"
read -r -t 30 ready <&"${WATCHER[0]}" || true
[ "$ready" = ready ] || fail "the watching session did not start ($ready)"

probe() {
    local name="$1" sql="$2" out
    out="$("${PSQL[@]}" -U oom_reader -v VERBOSITY=verbose -c "$sql" 2>&1 || true)"
    say "$name: $(echo "$out" | head -2 | tr '\n' ' ')"
    case "$out" in
        *"ERROR:  53200: "*"out of memory"*) ;;
        *) fail "$name: expected ERROR 53200 out of memory, got: $out" ;;
    esac
    echo "SELECT answer FROM still_here;" >&"${WATCHER[1]}"
    local answer=""
    read -r -t 30 answer <&"${WATCHER[0]}" || true
    [ "$answer" = 42 ] || fail "$name: the other session was lost (got '$answer')"
}

probe "survival_agg over 40 M tenures" \
    "SELECT churnkit.median_lifetime(churnkit.survival_agg(i, true)) FROM generate_series(1, 40000000) i"
probe "window_funnel over 80 M rows" \
    "SELECT churnkit.window_funnel(interval '1 day', timestamptz '2024-01-01' + i * interval '1 microsecond', ARRAY[i % 2 = 0, i % 3 = 0]) FROM generate_series(1, 80000000) i"

now="$("${PSQL[@]}" -c "SELECT pg_postmaster_start_time()")"
[ "$now" = "$started" ] || fail "the postmaster restarted ($started -> $now)"
if grep -E "terminated by signal|was terminated|server process .* exited with exit code" "$CHURNKIT_PG_DIR/server.log" >&2; then
    fail "a backend crashed (server.log above)"
fi
# the limited server still answers a churnkit query
[ "$("${PSQL[@]}" -c "SELECT churnkit.health_tier(72)")" = good ] || fail "the server does not answer after the errors"
echo '\q' >&"${WATCHER[1]}" || true

[ "$failed" = 0 ] && say "ok: both queries failed with SQLSTATE 53200, no backend crashed, the other session kept its state"
exit "$failed"
