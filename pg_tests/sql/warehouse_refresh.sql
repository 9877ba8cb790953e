-- churnkit.refresh(): refresh the materialized dashboard views of
-- setup(..., materialize => true) (docs/warehouse.md).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

SET churnkit.as_of = '2024-07-01 00:00:00+00';
CREATE SCHEMA wh_refresh;
CREATE TABLE wh_refresh.accounts (
    account_id bigint, name text, signed_up_at timestamptz, plan text, mrr float8,
    seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text);
INSERT INTO wh_refresh.accounts VALUES
    (1, 'Acme', '2024-04-02 00:00+00', 'pro', 100, 2, NULL, NULL, NULL),
    (2, 'Bolt', '2024-04-20 00:00+00', 'basic', 50, 5, NULL, NULL, NULL);
CREATE TABLE wh_refresh.events (
    account_id bigint, user_id bigint, occurred_at timestamptz, event_name text,
    duration_seconds float8, is_key_action boolean);
-- Acme: active in April, May and June; Bolt: April only
INSERT INTO wh_refresh.events VALUES
    (1, 11, '2024-04-03 10:00+00', 'login', 60, false),
    (1, 11, '2024-05-03 10:00+00', 'login', 60, false),
    (1, 11, '2024-06-03 10:00+00', 'export', 60, true),
    (2, 21, '2024-04-21 10:00+00', 'login', 60, false);

-- plain views: nothing to refresh
SELECT churnkit.setup('wh_refresh.events', 'wh_refresh.accounts') IS NOT NULL AS set_up;
SELECT churnkit.refresh();

-- materialized: refreshed in creation order (a materialized view may read
-- an earlier one), their names returned
SELECT churnkit.setup('wh_refresh.events', 'wh_refresh.accounts', materialize => true);
SELECT churnkit.refresh();
SELECT cohort, period, cohort_size, retained, retention_rate FROM churnkit.cohort_retention ORDER BY 1, 2;

-- new input rows: the materialized views keep their rows until refresh()
-- (the plain views see them at once)
INSERT INTO wh_refresh.accounts VALUES (3, 'Cato', '2024-05-05 00:00+00', 'pro', 80, 3, NULL, NULL, NULL);
INSERT INTO wh_refresh.events VALUES
    (3, 31, '2024-05-06 10:00+00', 'login', 60, false),
    (3, 31, '2024-06-06 10:00+00', 'login', 60, false),
    (2, 21, '2024-06-21 10:00+00', 'login', 60, false);
SELECT cohort, period, cohort_size, retained FROM churnkit.cohort_retention ORDER BY 1, 2;
SELECT count(*) AS accounts FROM churnkit.account_engagement;
SELECT churnkit.refresh();
SELECT cohort, period, cohort_size, retained FROM churnkit.cohort_retention ORDER BY 1, 2;

-- a refresh reads as_of() when it runs: the dashboard as of 2024-05-15
SET churnkit.as_of = '2024-05-15 00:00:00+00';
SELECT churnkit.refresh();
SELECT cohort, period, cohort_size, retained FROM churnkit.cohort_retention ORDER BY 1, 2;
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT churnkit.refresh();

-- a failing refresh (here: a bad as_of setting) keeps the old rows
SELECT sum(cohort_size) AS cohort_sizes FROM churnkit.cohort_retention;
SET churnkit.as_of = 'not a date';
SELECT regress.outcome($$ SELECT churnkit.refresh() $$);
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT sum(cohort_size) AS cohort_sizes FROM churnkit.cohort_retention;

-- 0.2.0 (CHANGELOG.md): one view that cannot be refreshed (a negative tenure that 0.1.0
-- let into churn_events: survival_agg refuses it) keeps its rows and is
-- named in a WARNING; every other view is refreshed all the same
INSERT INTO wh_refresh.events VALUES (1, 11, '2024-06-29 10:00+00', 'login', 60, false);
SELECT count(*) AS customer_lifetime_rows FROM churnkit.customer_lifetime;
ALTER TABLE churnkit.churn_events DROP CONSTRAINT churn_events_tenure_days_check;
INSERT INTO churnkit.churn_events (account_id, churned_at, reason, tenure_days)
SELECT account_id, signed_up_at - interval '30 days', 'bad 0.1.0 row', -30 FROM wh_refresh.accounts WHERE account_id = 2;
SELECT churnkit.refresh();
SELECT count(*) AS customer_lifetime_rows FROM churnkit.customer_lifetime;
DELETE FROM churnkit.churn_events WHERE reason = 'bad 0.1.0 row';
ALTER TABLE churnkit.churn_events ADD CONSTRAINT churn_events_tenure_days_check CHECK (tenure_days >= 0);
SELECT churnkit.refresh();

-- back to plain views: refresh() has nothing to do again
SELECT churnkit.setup('wh_refresh.events', 'wh_refresh.accounts') IS NOT NULL AS set_up;
SELECT churnkit.refresh();
RESET churnkit.as_of;
