#!/usr/bin/env bash
# The churn database survives pg_dump / pg_restore (docs/warehouse.md).
#
#   cargo pgrx install -p churnkit --pg-config /usr/lib/postgresql/15/bin/pg_config   # first
#   bash pg_tests/dump_restore.sh
#
# On a throw-away cluster (pg_tests/cluster.sh): generates a small SaaS data
# set in SQL (schema app), wires it with churnkit.setup(..., materialize =>
# true), records the churns with churnkit.record_churn(...), stores
# aggregate summaries (engagement_summary, activity, survival_summary) in a
# user table, then runs a real `pg_dump --format=custom` and `pg_restore`
# into a new database and proves that:
#   * every row of churnkit.churn_events is back (the table is marked with
#     pg_extension_config_dump: its rows are dumped with the extension), and
#     it is still the extension's configuration table (a second dump keeps
#     the rows too);
#   * the summaries stored in the user table read back identical, and their
#     accessors give the same values;
#   * every dashboard view (plain and materialized) gives the same rows as
#     before the dump, with its COMMENTs and its grant to churnkit_reader;
#   * refresh() and record_churn() work in the restored database.
# Exit status 0 when all hold.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"

say() { printf 'dump_restore.sh: %s\n' "$*" >&2; }

CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
WORK="$(mktemp -d "${CHURNKIT_PG_TMP:-/tmp}/churnkit-dump.XXXXXX")"
chmod 755 "$WORK"
cleanup() {
    bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" || true
    [ "${CHURNKIT_DUMP_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# Every session (psql, pg_dump, pg_restore: libpq reads PGOPTIONS) sees the
# same reference time, so views and the REFRESH of the materialized views
# run by pg_restore give reproducible rows; no parallel plans (float sums in
# one order).
export PGOPTIONS="-c churnkit.as_of=2024-07-01T00:00:00Z -c max_parallel_workers_per_gather=0 -c TimeZone=UTC -c extra_float_digits=1"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 --no-psqlrc)

say "generating data and wiring the warehouse in database churnkit"
"${PSQL[@]}" -d churnkit -v fixture="$HERE/fixtures/app_data.sql" <<'SQL'
SET client_min_messages = warning;
\i :fixture

SELECT churnkit.setup(events => 'app.events', accounts => 'app.accounts', mrr => 'app.mrr',
                      tickets => 'app.tickets', key_events => ARRAY['export', 'invite'],
                      materialize => true) AS setup \gset
\echo :setup

-- the churn database: every churn up to the as_of date, with a free-text
-- detail that exercises quoting in the dump
SELECT count(*) AS recorded
FROM app.accounts a,
     LATERAL churnkit.record_churn(a.account_id, a.churn_reason,
         format(E'account %s said: "it''s too %s"\n\ttab, backslash \\ and ünïcödé', a.account_id, coalesce(a.churn_reason, '?')),
         a.churned_at) AS r
WHERE a.churned_at <= churnkit.as_of() \gset
\echo recorded :recorded churns

-- summaries kept in a user table
CREATE TABLE app.saved_summaries AS
SELECT a.plan,
       churnkit.engagement_agg(e.occurred_at, e.duration_seconds, e.event_name = 'export') AS engagement,
       churnkit.activity_agg(e.occurred_at, 'month') AS activity
FROM app.accounts a JOIN app.events e USING (account_id)
GROUP BY a.plan;
ALTER TABLE app.saved_summaries ADD COLUMN survival churnkit.survival_summary;
UPDATE app.saved_summaries s
SET survival = (SELECT churnkit.survival_agg(
                    extract(epoch FROM least(coalesce(a.churned_at, 'infinity'), '2024-07-01') - a.signed_up_at)::float8 / 86400,
                    a.churned_at <= '2024-07-01')
                FROM app.accounts a WHERE a.plan = s.plan);
SQL

# What must survive: one line per item, "name<TAB>value".
fingerprint() {
    "${PSQL[@]}" -d "$1" -At -F $'\t' <<'SQL'
SET client_min_messages = warning;
ANALYZE;
CREATE TEMP TABLE fp (item text, value text);
INSERT INTO fp
SELECT 'churn_events', count(*) || ' rows ' || md5(coalesce(string_agg(e::text, E'\n' ORDER BY e.account_id, e.churned_at), ''))
FROM churnkit.churn_events e;
INSERT INTO fp
SELECT 'saved ' || t.type, count(*) || ' rows ' || md5(string_agg(t.value, E'\n' ORDER BY t.plan))
FROM app.saved_summaries s,
     LATERAL (VALUES ('engagement_summary', s.plan, s.engagement::text),
                     ('activity', s.plan, s.activity::text),
                     ('survival_summary', s.plan, s.survival::text)) AS t(type, plan, value)
GROUP BY t.type;
INSERT INTO fp
SELECT 'summary accessors', string_agg(format('%s: %s active days, %s minutes, %s key actions, cohort %s, median %s, S(180) %s',
           plan, churnkit.active_days(engagement), round(churnkit.active_minutes(engagement)::numeric, 6),
           churnkit.key_actions(engagement), churnkit.cohort_start(activity),
           churnkit.median_lifetime(survival), round(churnkit.survival_at(survival, 180)::numeric, 9)), '; ' ORDER BY plan)
FROM app.saved_summaries;
DO $$
DECLARE
    v record;
    r text;
BEGIN
    FOR v IN SELECT w.name FROM churnkit.warehouse_views() w ORDER BY w.ordinal LOOP
        -- rows as text, long decimals cut to 9 places (sums in another order)
        EXECUTE format($q$SELECT count(*) || ' rows ' || md5(coalesce(string_agg(
                    regexp_replace(t::text, '(\d+\.\d{9})\d+', '\1', 'g'), E'\n'
                    ORDER BY regexp_replace(t::text, '(\d+\.\d{9})\d+', '\1', 'g')), ''))
                FROM churnkit.%I t$q$, v.name) INTO r;
        INSERT INTO fp VALUES ('view ' || v.name, r);
        INSERT INTO fp
        SELECT 'view ' || v.name || ' kind, comment, reader',
               c.relkind::text || ', ' || md5(coalesce(obj_description(c.oid, 'pg_class'), '<none>')) || ', '
               || (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                     AND col_description(c.oid, a.attnum) IS NOT NULL) || ' column comments, '
               || has_table_privilege('churnkit_reader', c.oid, 'SELECT')
        FROM pg_class c WHERE c.oid = format('churnkit.%I', v.name)::regclass;
    END LOOP;
END
$$;
INSERT INTO fp
SELECT 'input views', string_agg(c.relname || ' -> ' || regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g'), '; ' ORDER BY c.relname)
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relname LIKE 'input\_%';
SELECT * FROM fp ORDER BY item;
SQL
}

# pg_dump writes the summaries in their text form (COPY): it must read back
# as the same value
"${PSQL[@]}" -d churnkit -At -F $'\t' >"$WORK/roundtrip.txt" <<'SQL'
SELECT 'engagement_summary', bool_and((engagement::text)::churnkit.engagement_summary::text = engagement::text) FROM app.saved_summaries;
SELECT 'activity', bool_and((activity::text)::churnkit.activity::text = activity::text) FROM app.saved_summaries;
SELECT 'survival_summary', bool_and((survival::text)::churnkit.survival_summary::text = survival::text) FROM app.saved_summaries;
SQL
roundtrip_failed=0
while IFS=$'\t' read -r type ok; do
    if [ "$ok" != t ]; then
        say "FAILED: the text form of $type does not read back as the same value (text -> $type -> text changes it), so pg_dump/pg_restore changes stored summaries"
        roundtrip_failed=1
    fi
done <"$WORK/roundtrip.txt"

fingerprint churnkit >"$WORK/before.txt"
churns="$(awk -F'\t' '$1 == "churn_events" { print $2 }' "$WORK/before.txt")"
say "before the dump: churn_events $churns; $(grep -c '^view [a-z_]*	' "$WORK/before.txt") views"
case "$churns" in
    "0 rows"*) say "FAILED: no churn recorded before the dump"; exit 1 ;;
esac

say "pg_dump --format=custom"
"$PG_BIN/pg_dump" --format=custom --file="$WORK/churnkit.dump" churnkit
"$PG_BIN/pg_restore" --list "$WORK/churnkit.dump" >"$WORK/toc.txt"
# the extension and the rows of its configuration table are in the dump
grep -q 'EXTENSION - churnkit' "$WORK/toc.txt" || { say "FAILED: no CREATE EXTENSION churnkit in the dump"; exit 1; }
grep -q 'TABLE DATA churnkit churn_events' "$WORK/toc.txt" || { say "FAILED: no data of churnkit.churn_events in the dump"; cat "$WORK/toc.txt" >&2; exit 1; }

say "pg_restore into a new database churnkit_restored"
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE churnkit_restored'
"$PG_BIN/pg_restore" --exit-on-error --dbname=churnkit_restored "$WORK/churnkit.dump"

fingerprint churnkit_restored >"$WORK/after.txt"
if ! diff -u "$WORK/before.txt" "$WORK/after.txt" >"$WORK/diff.txt"; then
    say "FAILED: the restored database differs:"
    cat "$WORK/diff.txt" >&2
    exit 1
fi

say "the restored warehouse works: refresh(), record_churn(), churn_database, a second dump"
"${PSQL[@]}" -d churnkit_restored -At <<'SQL' >"$WORK/checks.txt"
SET client_min_messages = warning;
-- still the extension's configuration table
SELECT 'config table: ' || ('churnkit.churn_events'::regclass = ANY (extconfig)) FROM pg_extension WHERE extname = 'churnkit';
SELECT 'refreshed: ' || array_to_string(churnkit.refresh(), ',');
SELECT 'recorded after restore: ' || (churnkit.record_churn(1, 'restored', NULL, '2024-06-30 12:00+00')).account_id;
SELECT 'churn_database recorded rows: ' || count(*) FILTER (WHERE recorded) FROM churnkit.churn_database;
SELECT 'setup again: ' || (churnkit.setup(events => 'app.events', accounts => 'app.accounts', key_events => ARRAY['export']) IS NOT NULL);
SQL
cat "$WORK/checks.txt" >&2
grep -qx 'config table: true' "$WORK/checks.txt" || { say "FAILED: churn_events is no longer a configuration table of the extension"; exit 1; }
grep -qx 'refreshed: .*cohort_retention.*' "$WORK/checks.txt" || { say "FAILED: refresh() refreshed nothing"; exit 1; }
grep -qx 'recorded after restore: 1' "$WORK/checks.txt" || { say "FAILED: record_churn after restore"; exit 1; }
grep -qx 'setup again: true' "$WORK/checks.txt" || { say "FAILED: setup after restore"; exit 1; }

# a second generation: dump the restored database, restore again
"$PG_BIN/pg_dump" --format=custom --file="$WORK/again.dump" churnkit_restored
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE churnkit_again'
"$PG_BIN/pg_restore" --exit-on-error --dbname=churnkit_again "$WORK/again.dump"
n_restored="$("${PSQL[@]}" -d churnkit_restored -At -c 'SELECT count(*) FROM churnkit.churn_events')"
n_again="$("${PSQL[@]}" -d churnkit_again -At -c 'SELECT count(*) FROM churnkit.churn_events')"
if [ "$n_restored" != "$n_again" ]; then
    say "FAILED: second dump/restore: $n_restored churn rows became $n_again"
    exit 1
fi

[ "$roundtrip_failed" = 0 ] || exit 1
say "ok: churn_events ($churns), summaries and $(grep -c '^view [a-z_]*	' "$WORK/before.txt") views identical after pg_dump/pg_restore; $n_again churn rows after a second round"
