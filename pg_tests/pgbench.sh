#!/usr/bin/env bash
# A pgbench mixed load on churnkit, outside the test command:
#
#   bash pg_tests/pgbench.sh [CLIENTS [SECONDS]]     # default 8 clients, 60 s
#
# On a throw-away cluster: the data set of pg_tests/fixtures/app_data.sql
# wired with churnkit.setup(..., materialize => true), then pgbench runs four
# scripts at once, by weight:
#   read     (60)  the dashboards: account_health, accounts_needing_attention,
#                  cohort_retention, saas_metrics (as churnkit_reader)
#   event    (30)  INSERT one product event into app.events
#   churn     (8)  churnkit.record_churn(random account, 'pgbench', ...)
#   refresh   (2)  churnkit.refresh()
# and checks that no client was aborted (pgbench aborts a client on any
# error), that the server log shows no crash, and that every write is there:
# the events with event_name 'pgbench' and the churns with reason 'pgbench'
# are counted back against pgbench's transactions of their scripts. The
# last results are in docs/reliability.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
CLIENTS="${1:-8}"
SECONDS_="${2:-60}"

say() { printf 'pgbench.sh: %s\n' "$*" >&2; }

CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
WORK="$(mktemp -d)"
cleanup() { bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 --no-psqlrc -d churnkit)

say "data set and setup(materialize => true)"
"${PSQL[@]}" -v fixture="$HERE/fixtures/app_data.sql" <<'SQL'
SET client_min_messages = warning;
\i :fixture
SELECT churnkit.setup(events => 'app.events', accounts => 'app.accounts', mrr => 'app.mrr',
                      tickets => 'app.tickets', key_events => ARRAY['export', 'invite'],
                      materialize => true) IS NOT NULL AS setup;
ALTER DATABASE churnkit SET churnkit.as_of = '2024-07-01T00:00:00Z';
CREATE ROLE bench_reader LOGIN IN ROLE churnkit_reader;
SQL
before="$("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM app.events), (SELECT count(*) FROM churnkit.churn_events)")"

cat >"$WORK/read.sql" <<'SQL'
\set acc random(1, 240)
SET ROLE bench_reader;
SELECT health_tier, risk_stage FROM churnkit.account_health WHERE account_id = :acc;
SELECT count(*) FROM churnkit.accounts_needing_attention;
SELECT count(*) FROM churnkit.cohort_retention;
SELECT customers, mrr FROM churnkit.saas_metrics;
RESET ROLE;
SQL
cat >"$WORK/event.sql" <<'SQL'
\set acc random(1, 240)
\set user random(1, 1000)
INSERT INTO app.events (account_id, user_id, occurred_at, event_name, duration_seconds)
VALUES (:acc, :user, timestamptz '2024-06-30 00:00:00+00' - random() * interval '30 days', 'pgbench', random() * 600);
SQL
cat >"$WORK/churn.sql" <<'SQL'
\set acc random(1, 240)
SELECT (churnkit.record_churn(:acc, 'pgbench', 'load test', clock_timestamp())).account_id;
SQL
cat >"$WORK/refresh.sql" <<'SQL'
SELECT cardinality(churnkit.refresh());
SQL

log_start=$(stat -c %s "$CHURNKIT_PG_DIR/server.log")
say "pgbench: $CLIENTS clients, $SECONDS_ s"
set +e
"$PG_BIN/pgbench" -n -c "$CLIENTS" -j 2 -T "$SECONDS_" -d churnkit \
    -f "$WORK/read.sql@60" -f "$WORK/event.sql@30" -f "$WORK/churn.sql@8" -f "$WORK/refresh.sql@2" >"$WORK/out" 2>&1
status=$?
set -e
grep -E '^(number of|latency|tps|SQL script| - [0-9]+ transactions|pgbench: error)' "$WORK/out" >&2 || true

after="$("${PSQL[@]}" -At -c "SELECT (SELECT count(*) FROM app.events WHERE event_name = 'pgbench'), (SELECT count(*) FROM churnkit.churn_events WHERE reason = 'pgbench')")"
# transactions per script, in the order given
mapfile -t per_script < <(grep -E '^ - [0-9]+ transactions' "$WORK/out" | awk '{print $2}')
failed_tx="$(grep -E '^number of failed transactions' "$WORK/out" | awk '{print $5}')"
events_tx="${per_script[1]:-?}"; churn_tx="${per_script[2]:-?}"
events_in="${after%%|*}"; churns_in="${after##*|}"
log_part="$(tail -c +"$((log_start + 1))" "$CHURNKIT_PG_DIR/server.log")"
crashes="$(grep -E 'terminated by signal|PANIC:|was terminated' <<<"$log_part" || true)"
errors="$(grep -c 'ERROR:' <<<"$log_part" || true)"

fail=0
[ "$status" = 0 ] || { say "FAIL: pgbench exited with $status"; tail -5 "$WORK/out" >&2; fail=1; }
[ -z "$crashes" ] || { say "FAIL: crash in the server log: $crashes"; fail=1; }
[ "$errors" = 0 ] || { say "FAIL: $errors errors in the server log:"; grep 'ERROR:' <<<"$log_part" | sort | uniq -c | head >&2; fail=1; }
[ "$events_in" = "$events_tx" ] || { say "FAIL: $events_tx event transactions but $events_in events stored"; fail=1; }
[ "$churns_in" = "$churn_tx" ] || { say "FAIL: $churn_tx record_churn transactions but $churns_in churns stored"; fail=1; }
say "$CLIENTS clients, $SECONDS_ s: $(grep -E '^number of transactions actually processed' "$WORK/out" | awk '{print $6}') transactions (read ${per_script[0]:-?}, event $events_tx, churn $churn_tx, refresh ${per_script[3]:-?}), ${failed_tx:-0} failed, $errors server errors; counted back: $events_in events, $churns_in churns (before: $before)"
[ "$fail" = 0 ] && say "ok"
exit "$fail"
