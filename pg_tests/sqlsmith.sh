#!/usr/bin/env bash
# A bounded sqlsmith run against a database with churnkit set up.
#
#   bash pg_tests/sqlsmith.sh [QUERIES [SEED]]     # default 3000 queries, seed 8
#
# On a throw-away cluster (pg_tests/cluster.sh): the data set of
# pg_tests/fixtures/app_data.sql wired with churnkit.setup(..., materialize
# => true), stored summaries of all three types in a table, then Debian's
# sqlsmith generates QUERIES random queries over everything a login can see
# (every churnkit function, aggregate, type, operator and view among them)
# with a statement timeout of 1 s, as a login of churnkit_reader. Errors of the queries are expected (that
# is what random SQL gives); what must not happen is a crash: the script
# fails when the server log shows a backend terminated by a signal, a PANIC,
# or an internal error (XX000) raised by churnkit (e.g. a Rust panic caught
# by pgrx; Postgres's own parser has a few elog()s sqlsmith reaches, which
# are counted, not failed), and when sqlsmith loses its connection. It prints the number of queries, of errors
# and the errors by SQLSTATE class; `CHURNKIT_SQLSMITH_LOG=FILE` keeps the
# server log's error lines.
#
# The README test command runs the default (about a minute); docs/reliability.md
# has the last long run: `bash pg_tests/sqlsmith.sh 40000`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
QUERIES="${1:-3000}"
SEED="${2:-8}"

say() { printf 'sqlsmith.sh: %s\n' "$*" >&2; }

if ! command -v sqlsmith >/dev/null 2>&1; then
    source "$HERE/../scripts/lib.sh"
    apt_install sqlsmith
fi

CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
cleanup() { bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT
[ "${CHURNKIT_PG_KEEP:-0}" = 1 ] && trap - EXIT
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 --no-psqlrc)

say "data set, setup(), stored summaries"
"${PSQL[@]}" -d churnkit -v fixture="$HERE/fixtures/app_data.sql" <<'SQL'
SET client_min_messages = warning;
\i :fixture
SELECT churnkit.setup(events => 'app.events', accounts => 'app.accounts', mrr => 'app.mrr',
                      tickets => 'app.tickets', key_events => ARRAY['export', 'invite'],
                      materialize => true) IS NOT NULL AS setup;
CREATE TABLE app.saved AS
SELECT a.plan,
       churnkit.engagement_agg(e.occurred_at, e.duration_seconds, e.event_name = 'export') AS engagement,
       churnkit.activity_agg(e.occurred_at, 'month') AS activity,
       churnkit.survival_agg(extract(epoch FROM e.occurred_at - a.signed_up_at) / 86400, a.churned_at IS NOT NULL) AS survival
FROM app.accounts a JOIN app.events e USING (account_id)
GROUP BY a.plan;
-- sqlsmith logs in as an analyst, not as the superuser (random calls of
-- pg_terminate_backend() and the like are then refused, as for a real user)
CREATE ROLE smith LOGIN IN ROLE churnkit_reader;
GRANT USAGE ON SCHEMA app TO smith;
GRANT SELECT ON ALL TABLES IN SCHEMA app TO smith;
ALTER DATABASE churnkit SET log_error_verbosity = 'verbose';
-- every statement is logged, to count those that reach churnkit
ALTER ROLE smith SET log_statement = 'all';
ALTER DATABASE churnkit SET statement_timeout = '1s';
ALTER DATABASE churnkit SET churnkit.as_of = '2024-07-01T00:00:00Z';
ALTER DATABASE churnkit SET search_path = churnkit, app, public;
SQL

log_start=$(stat -c %s "$CHURNKIT_PG_DIR/server.log")
say "sqlsmith: $QUERIES queries, seed $SEED"
out="$(mktemp)"
set +e
sqlsmith --target="host=$PGHOST port=$PGPORT dbname=churnkit user=smith" --exclude-catalog \
    --max-queries="$QUERIES" --seed="$SEED" --verbose >"$out" 2>&1
status=$?
set -e

# the server must still answer, and its log must show no crash
alive=ok
"${PSQL[@]}" -d churnkit -c 'SELECT 1' >/dev/null 2>&1 || alive="not answering"
say "sqlsmith exit status $status; last lines:"
tail -3 "$out" >&2
rm -f "$out"
fail=0
if [ "$alive" != ok ]; then say "FAIL: the server is $alive"; fail=1; fi
if [ "$status" != 0 ]; then say "FAIL: sqlsmith exited with $status"; fail=1; fi
# the log's entries (one per line prefix; statements span lines): the
# generated statements, those naming a churnkit object, the errors by
# SQLSTATE, and any crash or internal error
python3 "$HERE/sqlsmith_log.py" "$CHURNKIT_PG_DIR/server.log" "$log_start" "$QUERIES" "${CHURNKIT_SQLSMITH_LOG:-}" || fail=1
[ "$fail" = 0 ] && say "ok: $QUERIES queries, no crash, no internal error"
exit "$fail"
