#!/usr/bin/env bash
# The update test: churnkit 0.1.0 -> the current version with
# ALTER EXTENSION churnkit UPDATE loses nothing and ends where a fresh
# install does.
#
#   bash scripts/test.sh          # installs the extension and runs this
#   bash pg_tests/update.sh       # once the extension is installed
#
# On a throw-away cluster (pg_tests/cluster.sh):
#   1. database `upd`: CREATE EXTENSION churnkit VERSION '0.1.0' (the frozen
#      install script sql/churnkit--0.1.0.sql), a small SaaS data set,
#      setup(..., materialize => true), churns recorded with record_churn(),
#      summaries of all three types stored in a user table — among them
#      values only 0.1.0 could write (activity_agg('-infinity'), which 0.1.0
#      itself could not read back from text);
#   2. ALTER EXTENSION churnkit UPDATE;
#   3. the churns, the stored summaries (text form, binary form and accessor
#      results) and every view read back unchanged; refresh() and
#      record_churn() work;
#   4. every object of the extension (functions with their definitions,
#      aggregates, types, operators, tables with columns and constraints,
#      comments, privileges) equals that of database `fresh`, where
#      CREATE EXTENSION churnkit installed the current version directly.
# Exit status 0 when all hold.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
say() { printf 'update.sh: %s\n' "$*" >&2; }

CLUSTER_ENV="$(bash "$HERE/cluster.sh" start)"
eval "$CLUSTER_ENV"
WORK="$(mktemp -d "${CHURNKIT_PG_TMP:-/tmp}/churnkit-update.XXXXXX")"
cleanup() {
    bash "$HERE/cluster.sh" stop "$CHURNKIT_PG_DIR" >/dev/null 2>&1 || true
    [ "${CHURNKIT_UPDATE_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

export PGOPTIONS="-c churnkit.as_of=2024-07-01T00:00:00Z -c max_parallel_workers_per_gather=0 -c TimeZone=UTC -c extra_float_digits=1"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 --no-psqlrc)
failed=0
fail() { say "FAILED: $*"; failed=1; }

current="$("${PSQL[@]}" -d churnkit -Atc "SELECT default_version FROM pg_available_extensions WHERE name = 'churnkit'")"
say "current version $current; updating from 0.1.0"
"${PSQL[@]}" -d churnkit -c "CREATE DATABASE upd" -c "CREATE DATABASE fresh"
"${PSQL[@]}" -d fresh -c "CREATE EXTENSION churnkit"

say "0.1.0: data, setup(), churns, stored summaries"
"${PSQL[@]}" -d upd <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION churnkit VERSION '0.1.0';
CREATE SCHEMA app;
CREATE TABLE app.accounts AS
SELECT a::bigint AS account_id, 'Account ' || a AS name,
       timestamptz '2023-01-01 00:00:00+00' + ((a * 37) % 400) * interval '1 day' AS signed_up_at,
       (ARRAY['basic', 'pro', 'enterprise'])[1 + a % 3] AS plan,
       (ARRAY[49, 199, 999])[1 + a % 3]::numeric AS mrr,
       (ARRAY[3, 10, 40])[1 + a % 3] AS seats_purchased,
       timestamptz '2023-01-01 00:00:00+00' + ((a * 37) % 400 + 365) * interval '1 day' AS renewal_at,
       CASE WHEN a % 5 = 0 THEN timestamptz '2023-01-01 00:00:00+00' + ((a * 37) % 400 + 40 + a % 90) * interval '1 day' END AS churned_at,
       CASE WHEN a % 5 = 0 THEN (ARRAY['price', 'product', NULL])[1 + (a / 5) % 3] END AS churn_reason
FROM generate_series(1, 80) a;
CREATE TABLE app.events AS
SELECT ac.account_id, ac.account_id * 10 + u AS user_id,
       d + ((ac.account_id * 7 + u) % 600) * interval '1 minute' AS occurred_at,
       (ARRAY['login', 'report', 'export'])[1 + (ac.account_id + u + extract(doy FROM d)::int) % 3] AS event_name,
       ((ac.account_id * 13 + u) % 900)::float8 AS duration_seconds
FROM app.accounts ac
CROSS JOIN LATERAL generate_series(ac.signed_up_at,
    least(coalesce(ac.churned_at, 'infinity'), timestamptz '2024-07-01 00:00:00+00') - interval '1 second',
    interval '1 day') AS d
CROSS JOIN LATERAL generate_series(1, 1 + ac.account_id::int % 2) AS u
WHERE (ac.account_id * 31 + extract(doy FROM d)::int * 7 + u) % 5 < 2;
CREATE TABLE app.mrr AS
SELECT ac.account_id, m::date AS month, ac.mrr
FROM app.accounts ac
CROSS JOIN LATERAL generate_series(date_trunc('month', ac.signed_up_at),
    least(coalesce(ac.churned_at, 'infinity'), timestamptz '2024-07-01 00:00:00+00') - interval '1 microsecond',
    interval '1 month') AS m;
SELECT churnkit.setup(events => 'app.events', accounts => 'app.accounts', mrr => 'app.mrr',
                      key_events => ARRAY['export'], materialize => true);
SELECT count(*) FROM app.accounts a, LATERAL churnkit.record_churn(a.account_id, a.churn_reason, 'said: "it''s ' || a.account_id || '"', a.churned_at) r
WHERE a.churned_at <= churnkit.as_of();
CREATE TABLE app.saved AS
SELECT a.plan,
       churnkit.engagement_agg(e.occurred_at, e.duration_seconds, e.event_name = 'export') AS engagement,
       churnkit.activity_agg(e.occurred_at, 'week') AS activity,
       churnkit.survival_agg(extract(epoch FROM e.occurred_at - a.signed_up_at)::float8 / 86400, e.event_name = 'export') AS survival
FROM app.accounts a JOIN app.events e USING (account_id)
GROUP BY a.plan;
-- values only 0.1.0 wrote: engagement_agg and activity_agg(..., 'week') over
-- '-infinity' and 'infinity' (0.1.0 took them as the ends of i64); written
-- here in their text form, since the library loaded is already the new one
INSERT INTO app.saved VALUES ('infinity',
    '{"active_days":["-290308-12-21","+294247-01-10"],"active_seconds":2.0,"events":2,"first_active_at":"-290308-12-21T19:59:05.224192Z","key_actions":2,"last_active_at":"+294247-01-10T04:00:54.775807Z","version":1}',
    '{"granularity":"week","periods":["-290308-12-15","+294247-01-04"],"version":1}',
    '{"tenures":[[0.0,1,0]],"version":1}');
SQL

# What must read back unchanged: one line per item.
fingerprint() {
    "${PSQL[@]}" -d upd -At -F $'\t' <<'SQL'
SET client_min_messages = warning;
SELECT 'churn_events', count(*) || ' rows ' || md5(string_agg(e::text, E'\n' ORDER BY e.account_id, e.churned_at)) FROM churnkit.churn_events e;
SELECT 'saved text', md5(string_agg(format('%s|%s|%s|%s', plan, engagement, activity, survival), E'\n' ORDER BY plan)) FROM app.saved;
SELECT 'saved binary', md5(string_agg(format('%s|%s|%s|%s', plan, churnkit.engagement_summary_send(engagement),
        churnkit.activity_send(activity), churnkit.survival_summary_send(survival)), E'\n' ORDER BY plan)) FROM app.saved;
SELECT 'saved accessors ' || plan, format('%s %s %s %s %s %s', churnkit.active_days(engagement), churnkit.key_actions(engagement),
        round(churnkit.active_minutes(engagement)::numeric, 6), churnkit.is_active(activity, 1),
        churnkit.median_lifetime(survival), round(churnkit.survival_at(survival, 30)::numeric, 9))
FROM app.saved ORDER BY plan;
SELECT 'cohort_start ' || plan, churnkit.cohort_start(activity) FROM app.saved WHERE plan <> 'infinity' ORDER BY plan;
SQL
}

# every view's rows (long decimals cut to 9 places: sums in another order)
views() {
    "${PSQL[@]}" -d upd -At -F $'\t' <<'SQL'
SET client_min_messages = warning;
CREATE TEMP TABLE fp (item text, value text);
DO $$
DECLARE v record; r text;
BEGIN
    FOR v IN SELECT w.name FROM churnkit.warehouse_views() w ORDER BY w.ordinal LOOP
        EXECUTE format($q$SELECT count(*) || ' rows ' || md5(coalesce(string_agg(
                    regexp_replace(t::text, '(\d+\.\d{9})\d+', '\1', 'g'), E'\n'
                    ORDER BY regexp_replace(t::text, '(\d+\.\d{9})\d+', '\1', 'g')), ''))
                FROM churnkit.%I t$q$, v.name) INTO r;
        INSERT INTO fp VALUES ('view ' || v.name, r);
    END LOOP;
END
$$;
SELECT * FROM fp ORDER BY item;
SQL
}

fingerprint >"$WORK/before.txt"
views >"$WORK/before.views"
"${PSQL[@]}" -d upd -c "ALTER EXTENSION churnkit UPDATE" 2>"$WORK/update.log" || { cat "$WORK/update.log" >&2; fail "ALTER EXTENSION churnkit UPDATE"; }
version="$("${PSQL[@]}" -d upd -Atc "SELECT extversion FROM pg_extension WHERE extname = 'churnkit'")"
[ "$version" = "$current" ] || fail "after the update the extension is at $version, not $current"
fingerprint >"$WORK/after.txt"
views >"$WORK/after.views"
if ! diff -u "$WORK/before.txt" "$WORK/after.txt" >&2; then fail "churns or stored summaries changed across the update"; fi
if ! diff -u "$WORK/before.views" "$WORK/after.views" >&2; then fail "a view gives other rows after the update"; fi
[ "$(grep -c '^churn_events	[1-9]' "$WORK/after.txt")" = 1 ] || fail "no churn was recorded (the test proves nothing)"
[ "$(grep -c '^view [a-z_]*	[0-9]* rows' "$WORK/after.views")" -ge 12 ] || fail "fewer than 12 views were read"

# the views recomputed by the new version give the same rows
"${PSQL[@]}" -d upd -Atc "SELECT churnkit.refresh()" >/dev/null || fail "refresh() after the update"
views >"$WORK/refreshed.views"
if ! diff -u "$WORK/before.views" "$WORK/refreshed.views" >&2; then fail "a view refreshed by the new version gives other rows"; fi

# what 0.1.0 wrote and could not read back from text reads back now
"${PSQL[@]}" -d upd -At >"$WORK/text.txt" <<'SQL' || fail "a stored summary's text form does not read back"
SELECT bool_and((engagement::text)::churnkit.engagement_summary::text = engagement::text
            AND (activity::text)::churnkit.activity::text = activity::text
            AND (survival::text)::churnkit.survival_summary::text = survival::text) FROM app.saved;
SQL
[ "$(cat "$WORK/text.txt")" = t ] || fail "text round trip of the stored summaries"

# the warehouse functions work after the update
"${PSQL[@]}" -d upd -At >"$WORK/functions.txt" 2>&1 <<'SQL' || fail "refresh() / record_churn() after the update: $(cat "$WORK/functions.txt")"
SELECT cardinality(churnkit.refresh());
SELECT (churnkit.record_churn(1, 'price', 'after the update', '2024-06-30')).tenure_days > 0;
DO $$ BEGIN
    PERFORM churnkit.record_churn(2, 'price', NULL, '2000-01-01');
    RAISE EXCEPTION 'record_churn accepted a churn before the sign-up';
EXCEPTION WHEN invalid_parameter_value THEN NULL;
END $$;
SQL

# every object of the extension, described; the same in both databases
objects() {
    "${PSQL[@]}" -d "$1" -At <<'SQL'
SET client_min_messages = warning;
WITH members AS (
    SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS what
    FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
    WHERE e.extname = 'churnkit' AND d.deptype = 'e'
)
SELECT m.what || ' :: ' || coalesce(CASE m.classid
    WHEN 'pg_proc'::regclass THEN
        (SELECT concat_ws(' | ', pg_get_functiondef(p.oid) , p.proacl::text, obj_description(p.oid, 'pg_proc'),
                (SELECT format('agg %s %s %s %s %s %s %s %s', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                               a.aggdeserialfn, a.aggtranstype::regtype, a.aggtransspace, a.agginitval)
                 FROM pg_aggregate a WHERE a.aggfnoid = p.oid))
         FROM pg_proc p WHERE p.oid = m.objid AND p.prokind <> 'a'
         UNION ALL
         SELECT concat_ws(' | ', p.proname, pg_get_function_arguments(p.oid), p.proparallel, obj_description(p.oid, 'pg_proc'),
                format('agg %s %s %s %s %s %s %s %s', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                       a.aggdeserialfn, a.aggtranstype::regtype, a.aggtransspace, a.agginitval))
         FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid WHERE p.oid = m.objid)
    WHEN 'pg_type'::regclass THEN
        (SELECT concat_ws(' | ', t.typinput, t.typoutput, t.typreceive, t.typsend, t.typstorage, t.typlen,
                obj_description(t.oid, 'pg_type')) FROM pg_type t WHERE t.oid = m.objid)
    WHEN 'pg_class'::regclass THEN
        (SELECT concat_ws(' | ', c.relkind, c.relacl::text, obj_description(c.oid, 'pg_class'),
                (SELECT string_agg(format('%s %s %s %s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                          col_description(c.oid, a.attnum)), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                (SELECT string_agg(format('%s %s %s', co.conname, pg_get_constraintdef(co.oid), co.convalidated), ', ' ORDER BY co.conname)
                 FROM pg_constraint co WHERE co.conrelid = c.oid))
         FROM pg_class c WHERE c.oid = m.objid)
    WHEN 'pg_operator'::regclass THEN
        (SELECT concat_ws(' | ', o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest, o.oprjoin, o.oprcanhash, o.oprcanmerge)
         FROM pg_operator o WHERE o.oid = m.objid)
    END, '')
FROM members m
UNION ALL
SELECT 'schema churnkit :: ' || coalesce(nspacl::text, '') FROM pg_namespace WHERE nspname = 'churnkit'
ORDER BY 1;
SQL
}
objects fresh >"$WORK/fresh.objects"
objects upd >"$WORK/upd.objects"
n="$(wc -l <"$WORK/fresh.objects")"
[ "$n" -gt 80 ] || fail "only $n extension objects listed in the fresh install"
if ! diff -u "$WORK/fresh.objects" "$WORK/upd.objects" >"$WORK/objects.diff"; then
    cat "$WORK/objects.diff" >&2
    fail "after ALTER EXTENSION UPDATE the extension's objects differ from a fresh install"
fi

if [ "$failed" = 0 ]; then
    say "ok: 0.1.0 -> $current keeps $(grep '^churn_events' "$WORK/after.txt" | cut -f2 | cut -d' ' -f1) churns, $(grep -c '^saved accessors' "$WORK/after.txt") stored summary rows and every view; $n objects equal a fresh install"
fi
exit "$failed"
