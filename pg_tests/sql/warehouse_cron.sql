-- The pg_cron recipe of docs/warehouse.md (docs/warehouse.md): schedule
-- churnkit.refresh() with pg_cron, check that a run succeeded and that the
-- materialized views picked up new input rows.
--
-- Needs a server started with shared_preload_libraries = 'pg_cron' and
-- cron.database_name = this database (pg_tests/run.sh starts its cluster
-- that way: CHURNKIT_PG_CRON=1 of pg_tests/cluster.sh). Debian 12's pg_cron
-- (1.4) schedules by the minute, so this test waits up to ~1 minute for the
-- first run; pg_cron >= 1.5 also takes '30 seconds'.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

SELECT current_setting('shared_preload_libraries') AS preloaded,
       current_setting('cron.database_name') = current_database() AS cron_runs_here;
CREATE EXTENSION pg_cron;

CREATE SCHEMA wh_cron;
CREATE TABLE wh_cron.accounts (
    account_id bigint, name text, signed_up_at timestamptz, plan text, mrr float8,
    seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text);
INSERT INTO wh_cron.accounts VALUES
    (1, 'Acme', '2024-04-02 00:00+00', 'pro', 100, 2, NULL, NULL, NULL),
    (2, 'Bolt', '2024-04-20 00:00+00', 'basic', 50, 5, NULL, NULL, NULL);
CREATE TABLE wh_cron.events (
    account_id bigint, user_id bigint, occurred_at timestamptz, event_name text,
    duration_seconds float8, is_key_action boolean);
INSERT INTO wh_cron.events VALUES
    (1, 11, '2024-04-03 10:00+00', 'login', 60, false),
    (1, 11, '2024-05-03 10:00+00', 'login', 60, false),
    (2, 21, '2024-04-21 10:00+00', 'login', 60, false);
-- the job runs with the server's settings: as_of() = now()
SELECT churnkit.setup('wh_cron.events', 'wh_cron.accounts', materialize => true) IS NOT NULL AS set_up;
SELECT sum(cohort_size) FILTER (WHERE period = 0) AS accounts_in_cohorts,
       sum(retained) AS retained_cells
FROM churnkit.cohort_retention;

-- new input rows: not in the materialized view until a refresh
INSERT INTO wh_cron.accounts VALUES (3, 'Cato', '2024-05-05 00:00+00', 'pro', 80, 3, NULL, NULL, NULL);
INSERT INTO wh_cron.events VALUES
    (3, 31, '2024-05-06 10:00+00', 'login', 60, false),
    (3, 31, '2024-06-06 10:00+00', 'login', 60, false);
SELECT sum(cohort_size) FILTER (WHERE period = 0) AS accounts_in_cohorts FROM churnkit.cohort_retention;

-- the recipe
SELECT cron.schedule('churnkit-refresh', '* * * * *', 'SELECT churnkit.refresh()') > 0 AS scheduled;
SELECT jobname, schedule, command, database = current_database() AS this_database, username, active FROM cron.job;

-- wait for the first run to finish (at the next minute; at most 150 s)
DO $$
DECLARE
    waited integer := 0;
BEGIN
    WHILE NOT EXISTS (SELECT 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                      WHERE j.jobname = 'churnkit-refresh' AND d.status IN ('succeeded', 'failed')) LOOP
        IF waited >= 150 THEN
            RAISE EXCEPTION 'no run of churnkit-refresh finished within 150 s';
        END IF;
        PERFORM pg_sleep(1);
        waited := waited + 1;
    END LOOP;
END
$$;
SELECT d.status, d.return_message, d.command, d.end_time >= d.start_time AS finished
FROM cron.job_run_details d JOIN cron.job j USING (jobid)
WHERE j.jobname = 'churnkit-refresh' AND d.status IN ('succeeded', 'failed')
ORDER BY d.runid LIMIT 1;

-- the materialized data changed: account 3 is in a cohort now
SELECT sum(cohort_size) FILTER (WHERE period = 0) AS accounts_in_cohorts FROM churnkit.cohort_retention;

SELECT cron.unschedule('churnkit-refresh');
DROP EXTENSION pg_cron;
SELECT churnkit.setup('wh_cron.events', 'wh_cron.accounts') IS NOT NULL AS set_up_plain;
