-- churnkit.record_churn() and the churn database churnkit.churn_events
-- (docs/warehouse.md): tenure, engagement trend before churn, last health tier and
-- MRR lost, computed from the inputs at churned_at.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- the table: owned by the extension, its rows dumped by pg_dump
SELECT c.relname, c.relkind,
       c.oid = ANY (e.extconfig) AS dumped_config_table,
       EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refobjid = e.oid AND d.deptype = 'e') AS extension_member
FROM pg_class c, pg_extension e
WHERE c.oid = 'churnkit.churn_events'::regclass AND e.extname = 'churnkit';
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS "default", col_description(a.attrelid, a.attnum) IS NOT NULL AS described
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = 'churnkit.churn_events'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'churnkit.churn_events'::regclass ORDER BY 1;

SET churnkit.as_of = '2024-07-01 00:00:00+00';
CREATE SCHEMA wh_churn;
CREATE TABLE wh_churn.accounts (
    account_id bigint, name text, signed_up_at timestamptz, plan text, mrr float8,
    seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text);
INSERT INTO wh_churn.accounts VALUES
    (1, 'Acme', '2024-01-01 00:00+00', 'pro', 100, 2, '2025-01-01 00:00+00', NULL, NULL),
    (2, 'Bolt', '2024-03-10 00:00+00', 'basic', 50, 5, '2024-07-20 00:00+00', NULL, NULL),
    (3, 'Cato', '2024-02-01 00:00+00', 'pro', 80, 3, NULL, '2024-05-15 10:00+00', 'price'),
    (4, 'Dory', '2024-06-20 00:00+00', 'basic', 30, NULL, NULL, NULL, NULL);
CREATE TABLE wh_churn.events (
    account_id bigint, user_id bigint, occurred_at timestamptz, event_name text,
    duration_seconds float8, is_key_action boolean);
-- Acme: two users every day of June, an hour each, key actions
INSERT INTO wh_churn.events
SELECT 1, u, d + interval '10 hours', 'export', 3600, true
FROM generate_series(timestamptz '2024-06-01', '2024-06-30', interval '1 day') d, (VALUES (11), (12)) AS users(u);
-- Bolt: 10 logins 06-03 .. 06-12, 2 exports on 06-20 and 06-25
INSERT INTO wh_churn.events
SELECT 2, 21, d + interval '9 hours', 'login', 600, false
FROM generate_series(timestamptz '2024-06-03', '2024-06-12', interval '1 day') d;
INSERT INTO wh_churn.events VALUES
    (2, 22, '2024-06-20 15:00+00', 'export', 60, true),
    (2, 22, '2024-06-25 15:00+00', 'export', NULL, true);
-- Cato: one login a day 04-01 .. 04-20
INSERT INTO wh_churn.events
SELECT 3, 31, d + interval '14 hours', 'login', 300, false
FROM generate_series(timestamptz '2024-04-01', '2024-04-20', interval '1 day') d;
-- paid months: Acme expanded to 150 in June, Bolt to 60 in April, Cato 80
CREATE TABLE wh_churn.mrr (account_id bigint, month date, mrr float8);
INSERT INTO wh_churn.mrr
SELECT 1, m, CASE WHEN m >= '2024-06-01' THEN 150 ELSE 100 END
FROM generate_series(timestamp '2024-01-01', '2024-06-01', interval '1 month') m;
INSERT INTO wh_churn.mrr VALUES (2, '2024-03-01', 50), (2, '2024-04-01', 60), (2, '2024-05-01', 60), (2, '2024-06-01', 60);
INSERT INTO wh_churn.mrr
SELECT 3, m, 80 FROM generate_series(timestamp '2024-02-01', '2024-05-01', interval '1 month') m;

SELECT churnkit.setup('wh_churn.events', 'wh_churn.accounts', mrr => 'wh_churn.mrr') IS NOT NULL AS set_up;

-- Acme churns now (churned_at defaults to as_of()): 182 days of tenure
-- (2024-01-01 .. 07-01), flat activity (28 events in each 14-day window),
-- good health (engagement 100, both seats used), MRR of June: 150
SELECT account_id, churned_at, reason, detail, tenure_days, engagement_trend, last_health_tier, mrr_lost,
       recorded_at IS NOT NULL AS has_recorded_at
FROM churnkit.record_churn(1, 'competitor', 'moved to a rival');
-- Bolt churned at 2024-06-30 12:00: tenure 112.5 days; activity -0.8
-- (2 events in [06-16 12:00, 06-30 12:00) vs 10 in the 14 days before);
-- engagement 37.37 and 2 of 5 seats: health (37.37 x 0.5 + 40 x 0.25) / 0.75
-- = 38.2: poor; MRR of June: 60
SELECT account_id, churned_at, reason, detail, round(tenure_days::numeric, 6) AS tenure_days, engagement_trend,
       last_health_tier, mrr_lost
FROM churnkit.record_churn(2, 'product', E'missing "SSO"\nasked twice', '2024-06-30 12:00+00');
-- the same as account_health said at that moment
SET churnkit.as_of = '2024-06-30 12:00:00+00';
SELECT health_tier, round(health_score::numeric, 6) AS health_score, activity_trend
FROM churnkit.account_health WHERE account_id = 2;
SET churnkit.as_of = '2024-07-01 00:00:00+00';
-- Cato, at its churn in the accounts input (2024-05-15 10:00): no event in
-- the last 14 days, 4 in the 14 before: trend -1; MRR of May: 80
SELECT account_id, churned_at, reason, detail, round(tenure_days::numeric, 6) AS tenure_days, engagement_trend,
       last_health_tier, mrr_lost
FROM churnkit.record_churn(3, 'price', NULL, '2024-05-15 10:00+00');
-- Dory has no paid month in the mrr input: MRR lost = accounts.mrr; no
-- event ever: no trend; no reason given
SELECT account_id, churned_at, reason, tenure_days, engagement_trend, last_health_tier, mrr_lost
FROM churnkit.record_churn(4, NULL, 'trial ended', '2024-06-25 00:00+00');

-- record_churn leaves the caller's as_of setting alone, also within the
-- caller's transaction and statement (it reads the views at churned_at)
SHOW churnkit.as_of;
BEGIN;
SELECT (churnkit.record_churn(3, 'again', NULL, '2024-05-20 00:00+00')).account_id AS recorded,
       current_setting('churnkit.as_of') AS as_of_setting;
SHOW churnkit.as_of;
ROLLBACK;
-- every churn of the accounts input in one statement: the filter on as_of()
-- sees the caller's value after each call
BEGIN;
SELECT count(*) AS recorded
FROM wh_churn.accounts a, LATERAL churnkit.record_churn(a.account_id, 'bulk', NULL, a.signed_up_at + interval '100 days') r
WHERE a.signed_up_at + interval '100 days' <= churnkit.as_of();
ROLLBACK;
RESET churnkit.as_of;
SELECT (churnkit.record_churn(4, 'twice', NULL, '2024-06-26 00:00+00')).account_id AS recorded;
SELECT coalesce(current_setting('churnkit.as_of', true), '') AS as_of_setting, churnkit.as_of() = now() AS as_of_is_now;
SET churnkit.as_of = '2024-07-01 00:00:00+00';

-- errors: unknown account, NULL arguments, a churn recorded twice
SELECT regress.outcome($$ SELECT churnkit.record_churn(99, 'price') $$);
SELECT regress.outcome($$ SELECT churnkit.record_churn(NULL, 'price') $$);
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'price', NULL, NULL) $$);
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'price', NULL, 'infinity') $$);
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'price', NULL, '2024-07-01 00:00+00') $$);
-- 0.2.0 (CHANGELOG.md): a churn before the account's sign-up (a negative tenure) is
-- refused, by record_churn and by the table itself
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'price', NULL, '1999-12-31 00:00+00') $$);
SELECT regress.outcome($$ INSERT INTO churnkit.churn_events (account_id, churned_at, tenure_days) VALUES (1, '1999-12-31', -30) $$);

-- the churn database
SELECT account_id, churned_at, reason, detail, round(tenure_days::numeric, 6) AS tenure_days, engagement_trend,
       last_health_tier, mrr_lost
FROM churnkit.churn_events ORDER BY account_id, churned_at;
-- read through the view churn_database: recorded rows win over the values
-- derived from the inputs
SELECT * FROM churnkit.churn_database ORDER BY account_id, churned_at;

-- rows are kept when setup rewires the warehouse
SELECT churnkit.setup('wh_churn.events', 'wh_churn.accounts') IS NOT NULL AS set_up;
SELECT count(*) AS churn_events FROM churnkit.churn_events;
-- ... and the caller's own transaction decides (a rolled-back churn is gone)
BEGIN;
SELECT (churnkit.record_churn(2, 'oops', NULL, '2024-06-01 00:00+00')).account_id AS recorded;
ROLLBACK;
SELECT count(*) AS churn_events FROM churnkit.churn_events;

DELETE FROM churnkit.churn_events;
RESET churnkit.as_of;
