#!/usr/bin/env bash
# A bounded sqlsmith run against a database with churnkit set up (issue #8).
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
python3 - "$CHURNKIT_PG_DIR/server.log" "$log_start" "$QUERIES" "${CHURNKIT_SQLSMITH_LOG:-}" <<'PY' || fail=1
import collections, re, sys
path, start, queries, keep = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "rb") as f:
    f.seek(start)
    text = f.read().decode(errors="replace")
entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[)", text)
generated = [e for e in entries if re.search(r"statement: (select|with|insert|update|delete|merge)\b", e, re.I)
             and "sqlsmith" not in e and "pg_catalog.pg_" not in e and " from pg_" not in e]
churnkit = [e for e in generated if "churnkit." in e]
objects = collections.Counter(m for e in churnkit for m in set(re.findall(r"churnkit\.([a-z_]+)", e)))
errors = [e for e in entries if re.search(r"\] ERROR:  [0-9A-Z]{5}:", e)]
states = collections.Counter(re.search(r"ERROR:  ([0-9A-Z]{5})", e).group(1) for e in errors)
ours = [e for e in errors if re.search(r"ERROR:  (22023|22008|53200): [a-z_]+: ", e)]
crashes = [e for e in entries if re.search(r"terminated by signal|PANIC:|was terminated|exited with exit code [1-9]", e)]
# XX000 raised by Postgres's own C code (sqlsmith reaches a few elog()s of
# the parser, e.g. "failed to find conversion function from unknown to
# text") is counted, not failed; one from churnkit (a Rust file, or no C
# location) fails the run
internal_pg = [e for e in errors if "ERROR:  XX000" in e and re.search(r"LOCATION:  \w+, [\w./-]+\.c:\d+", e)]
internal = [e for e in errors if "ERROR:  XX000" in e and e not in internal_pg]
if keep:
    open(keep, "w").write("\n".join(errors))
print(f"sqlsmith.sh: {queries} queries: {len(generated)} generated statements logged, {len(churnkit)} naming churnkit "
      f"objects ({len(objects)} distinct: {', '.join(f'{k} {v}' for k, v in objects.most_common(12))}); "
      f"{len(errors)} errors, {len(ours)} of them churnkit's own (function: invalid argument), "
      f"{len(internal_pg)} internal errors of Postgres's own C code; by SQLSTATE: "
      + ", ".join(f"{k} {v}" for k, v in states.most_common(8)), file=sys.stderr)
for e in (crashes + internal)[:20]:
    print("sqlsmith.sh: FAIL:", e[:2000], file=sys.stderr)
sys.exit(1 if crashes or internal else 0)
PY
[ "$fail" = 0 ] && say "ok: $QUERIES queries, no crash, no internal error"
exit "$fail"
