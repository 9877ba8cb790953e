#!/usr/bin/env bash
# Locks (docs/reliability.md), with real concurrent sessions:
#   1. a reader's open transaction does not block refresh() (0.1.0: plain
#      REFRESH MATERIALIZED VIEW waited for it, and every later reader queued
#      behind the refresh);
#   2. a refresh() in progress does not block readers;
#   3. a login without any privilege cannot block setup() (0.1.0: any login
#      could hold pg_advisory_lock(hashtext('churnkit.setup')) forever).
# Every wait is bounded by lock_timeout: a blocked step fails the test
# instead of hanging it.
#
#   bash pg_tests/locks.sh      # once the extension is installed
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
say() { printf 'locks.sh: %s\n' "$*" >&2; }

CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
cleanup() { bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

export PGOPTIONS="-c churnkit.as_of=2024-07-01T00:00:00Z"
PSQL=("$PG_BIN/psql" -X -q --no-psqlrc -At -v ON_ERROR_STOP=1)
failed=0
fail() { say "FAILED: $*"; failed=1; }

"${PSQL[@]}" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE TABLE public.accounts AS
SELECT a::bigint AS account_id, 'Account ' || a AS name,
       timestamptz '2024-01-01 00:00+00' + a * interval '1 day' AS signed_up_at,
       'pro' AS plan, 100::float8 AS mrr
FROM generate_series(1, 30) a;
CREATE TABLE public.events AS
SELECT a.account_id, a.account_id * 10 AS user_id, a.signed_up_at + d * interval '1 day' AS occurred_at,
       'login' AS event_name, 60::float8 AS duration_seconds, d % 3 = 0 AS is_key_action
FROM public.accounts a, generate_series(0, 100, 4) d;
SELECT churnkit.setup('public.events', 'public.accounts', materialize => true);
CREATE ROLE bi LOGIN IN ROLE churnkit_reader;
CREATE ROLE nobody LOGIN;
SQL

# a session kept open in the background, fed line by line
start_session() {
    local name="$1" user="$2"
    eval "coproc $name { \"\${PSQL[@]}\" -U $user 2>&1; }"
}
stop_session() { # fd-in pid
    [ -n "$1" ] && { echo '\q' >&"$1"; } 2>/dev/null || true
    wait "$2" 2>/dev/null || true
}
ask() { # session fd-in fd-out sql -> first line of the answer
    local in="$1" out="$2" sql="$3" line=""
    echo "$sql" >&"$in"
    read -r -t 30 line <&"$out" || line="<no answer in 30 s>"
    echo "$line"
}

# 1. a reader inside an open transaction
start_session READER bi
r="$(ask "${READER[1]}" "${READER[0]}" "BEGIN; SELECT count(*) > 0 FROM churnkit.cohort_retention;")"
[ "$r" = t ] || fail "the reader could not read cohort_retention ($r)"
out="$("${PSQL[@]}" -c "SET lock_timeout = '5s'" -c "SELECT cardinality(churnkit.refresh())" 2>&1)" \
    || fail "refresh() was blocked by a reader's open transaction: $out"
[ "$out" = 5 ] || fail "refresh() refreshed '$out' views, not 5"
say "1. refresh() with a reader's transaction open: $out views refreshed"
ask "${READER[1]}" "${READER[0]}" "COMMIT; SELECT 'committed';" >/dev/null
stop_session "${READER[1]}" "$READER_PID"

# 2. a refresh in progress (its transaction held open) and a reader
start_session ADMIN postgres
r="$(ask "${ADMIN[1]}" "${ADMIN[0]}" "BEGIN; SELECT cardinality(churnkit.refresh());")"
[ "$r" = 5 ] || fail "the refresh in the open transaction answered '$r'"
out="$("${PSQL[@]}" -U bi -c "SET lock_timeout = '5s'" -c "SELECT count(*) > 0 FROM churnkit.cohort_retention" 2>&1)" \
    || fail "a reader was blocked by a refresh in progress: $out"
say "2. a reader during a refresh: $out"
ask "${ADMIN[1]}" "${ADMIN[0]}" "COMMIT; SELECT 'committed';" >/dev/null
stop_session "${ADMIN[1]}" "$ADMIN_PID"

# 3. a login without privileges tries to hold setup()'s lock
start_session NOBODY nobody
r="$(ask "${NOBODY[1]}" "${NOBODY[0]}" "SELECT pg_advisory_lock(hashtext('churnkit.setup')); SELECT 'holding';")"
r2=""
read -r -t 5 r2 <&"${NOBODY[0]}" || true
case "$r $r2" in *holding*) ;; *) fail "the advisory lock was not taken ($r $r2)" ;; esac
r="$(ask "${NOBODY[1]}" "${NOBODY[0]}" "BEGIN; LOCK TABLE churnkit.churn_events IN SHARE ROW EXCLUSIVE MODE;")"
case "$r" in *"permission denied"*) ;; *) fail "a login without privileges could lock churn_events ($r)" ;; esac
out="$("${PSQL[@]}" -c "SET lock_timeout = '5s'" -c "SELECT churnkit.setup('public.events', 'public.accounts', materialize => true) IS NOT NULL" 2>&1)" \
    || fail "setup() was blocked by a login without privileges: $out"
say "3. setup() while a login without privileges holds the advisory lock: $out"

stop_session "${NOBODY[1]:-}" "${NOBODY_PID:-}"
[ "$failed" = 0 ] && say "ok: readers and refresh() never wait for each other; nobody can block setup()"
exit "$failed"
