-- churnkit.setup(): validation of the inputs, the input views, every
-- dashboard view from sql/views/ with its COMMENTs, weird table names,
-- key_events, rewiring, materialize, grants (docs/warehouse.md).
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- before any setup: no view, and record_churn says what to do
SELECT count(*) AS views FROM pg_class WHERE relnamespace = 'churnkit'::regnamespace AND relkind IN ('v', 'm');
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'price') $$);

-- the dashboard views built into this version (the files of sql/views/,
-- embedded at compile time), in creation order
SELECT ordinal, name, materializable, cardinality(columns) AS described_columns, source_file
FROM churnkit.warehouse_views() ORDER BY ordinal;
-- the input contract
SELECT * FROM churnkit.input_contract();

-- Inputs with other types than the canonical ones (they are cast): integer
-- ids, a domain, an enum, varchar, numeric, timestamp without time zone
-- (read as UTC), date, a month as a mid-month timestamptz. as_of: 2024-07-01.
SET churnkit.as_of = '2024-07-01 00:00:00+00';
CREATE SCHEMA wh_setup;
CREATE DOMAIN wh_setup.user_ref AS integer CHECK (VALUE > 0);
CREATE TYPE wh_setup.plan_kind AS ENUM ('basic', 'pro');
CREATE TABLE wh_setup.accounts (
    account_id integer PRIMARY KEY, name varchar(40), signed_up_at date, plan wh_setup.plan_kind,
    mrr numeric(10, 2), seats_purchased smallint, renewal_at timestamp, churned_at timestamptz,
    churn_reason text, notes text);
INSERT INTO wh_setup.accounts VALUES
    (1, 'Acme', '2024-01-01', 'pro', 100, 2, '2025-01-01 00:00', NULL, NULL, 'busy'),
    (2, 'Bolt', '2024-03-10', 'basic', 50, 5, '2024-07-20 00:00', NULL, NULL, NULL),
    (3, 'Cato', '2024-02-01', 'pro', 80, 3, NULL, '2024-05-15 10:00+00', 'price', NULL),
    (4, 'Dory', '2024-06-20', 'basic', 30, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE wh_setup.events (
    account_id bigint, user_id wh_setup.user_ref, occurred_at timestamp, event_name text,
    duration_seconds integer, is_key_action boolean, payload text);
-- Acme: two users every day of June, an hour each, key actions
INSERT INTO wh_setup.events
SELECT 1, u, d + interval '10 hours', 'export', 3600, true
FROM generate_series(timestamp '2024-06-01', '2024-06-30', interval '1 day') d, (VALUES (11), (12)) AS users(u);
-- Bolt: 10 logins in the 14 days before 2024-06-17, 2 exports after: trend -0.8
INSERT INTO wh_setup.events
SELECT 2, 21, d + interval '9 hours', 'login', 600, false
FROM generate_series(timestamp '2024-06-03', '2024-06-12', interval '1 day') d;
INSERT INTO wh_setup.events VALUES
    (2, 22, '2024-06-20 15:00', 'export', 60, true),
    (2, 22, '2024-06-25 15:00', 'export', NULL, true);
-- Cato: active in April, then churned in May
INSERT INTO wh_setup.events
SELECT 3, 31, d + interval '14 hours', 'login', 300, false
FROM generate_series(timestamp '2024-04-01', '2024-04-20', interval '1 day') d;
-- after as_of: ignored by every view
INSERT INTO wh_setup.events VALUES (1, 11, '2024-07-02 10:00', 'export', 3600, true);
CREATE TABLE wh_setup.mrr (account_id integer, month timestamptz, mrr real);
INSERT INTO wh_setup.mrr
SELECT 1, m + interval '14 days', 100 FROM generate_series(timestamptz '2024-01-01', '2024-06-01', interval '1 month') m;
INSERT INTO wh_setup.mrr VALUES (2, '2024-03-01', 50), (2, '2024-04-01', 60), (2, '2024-05-01', 60), (2, '2024-06-01', 60);
INSERT INTO wh_setup.mrr
SELECT 3, m, 80 FROM generate_series(timestamptz '2024-02-01', '2024-05-01', interval '1 month') m;
-- no resolved_at column: optional
CREATE TABLE wh_setup.tickets (account_id integer, opened_at timestamptz, first_response_at timestamptz);
INSERT INTO wh_setup.tickets VALUES
    (2, '2024-06-10 10:00+00', '2024-06-10 10:30+00'),
    (2, '2024-06-14 16:00+00', '2024-06-17 10:00+00'),
    (1, '2024-06-28 12:00+00', NULL);

-- 1. Errors name the argument, the table and the column; SQLSTATE 22023
--    (an invalid argument, like every churnkit function). Nothing is created.
CREATE TABLE wh_setup.events_no_time AS SELECT account_id, user_id, event_name, is_key_action FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_no_time', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.events_text_time AS SELECT account_id, user_id, occurred_at::text AS occurred_at, event_name, is_key_action FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_text_time', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.events_uuid AS SELECT gen_random_uuid() AS account_id, user_id, occurred_at, event_name, is_key_action FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_uuid', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.events_int_key AS SELECT account_id, user_id, occurred_at, event_name, is_key_action::int AS is_key_action FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_int_key', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.events_float_id AS SELECT account_id::float8 AS account_id, user_id, occurred_at, event_name, is_key_action FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_float_id', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.events_no_key AS SELECT account_id, user_id, occurred_at, event_name FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_no_key', 'wh_setup.accounts') $$);
CREATE TABLE wh_setup.accounts_text_mrr AS SELECT account_id, name, signed_up_at, plan, mrr::text AS mrr FROM wh_setup.accounts;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts_text_mrr') $$);
CREATE TABLE wh_setup.accounts_no_plan AS SELECT account_id, name, signed_up_at, mrr FROM wh_setup.accounts;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts_no_plan') $$);
CREATE VIEW wh_setup.mrr_no_month AS SELECT account_id, mrr FROM wh_setup.mrr;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', mrr => 'wh_setup.mrr_no_month') $$);
CREATE VIEW wh_setup.mrr_text_month AS SELECT account_id, month::text AS month, mrr FROM wh_setup.mrr;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', mrr => 'wh_setup.mrr_text_month') $$);
CREATE VIEW wh_setup.tickets_no_response AS SELECT account_id, opened_at FROM wh_setup.tickets;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', tickets => 'wh_setup.tickets_no_response') $$);
CREATE SEQUENCE wh_setup.a_sequence;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.a_sequence', 'wh_setup.accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.accounts_pkey', 'wh_setup.accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.setup(NULL, 'wh_setup.accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', NULL) $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', materialize => NULL) $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', key_events => '{}') $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', key_events => ARRAY['export', NULL]) $$);
-- 0.2.0 (CHANGELOG.md): a two-dimensional array is 22023 (0.1.0: 0A000 from deep inside)
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', key_events => '{{a},{b}}') $$);
CREATE TEMP TABLE events_for_now AS SELECT * FROM wh_setup.events;
SELECT regress.outcome($$ SELECT churnkit.setup('events_for_now', 'wh_setup.accounts') $$) LIKE 'ERROR 22023: setup: invalid events: pg\_temp\_%.events\_for\_now is a temporary table' AS temporary_refused;
DROP TABLE events_for_now;
-- a table that does not exist: the regclass argument itself fails (42P01)
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.no_such_table', 'wh_setup.accounts') $$);
-- dropped columns are not columns
ALTER TABLE wh_setup.events_text_time DROP COLUMN occurred_at;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_text_time', 'wh_setup.accounts') $$);
-- as a data engineer sees the error in psql: message, detail, hint, SQLSTATE
\set VERBOSITY verbose
SELECT churnkit.setup('wh_setup.events_no_time', 'wh_setup.accounts');
SELECT churnkit.setup('wh_setup.events_no_key', 'wh_setup.accounts');
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts_text_mrr');
\set VERBOSITY default
-- nothing was created by the failed calls
SELECT count(*) AS views FROM pg_class WHERE relnamespace = 'churnkit'::regnamespace AND relkind IN ('v', 'm');

-- 2. setup: a one-line summary
SELECT churnkit.setup(events => 'wh_setup.events', accounts => 'wh_setup.accounts',
                      mrr => 'wh_setup.mrr', tickets => 'wh_setup.tickets');
-- the input views: canonical names and types, whatever the source types
SELECT c.relname AS input, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       col_description(c.oid, a.attnum) AS comment
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relname LIKE 'input\_%'
ORDER BY c.relname, a.attnum;
SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relname LIKE 'input\_%' ORDER BY 1;
-- timestamp and date read as UTC, the month truncated, the missing column NULL
SELECT * FROM churnkit.input_accounts ORDER BY account_id;
SELECT account_id, user_id, occurred_at, event_name, duration_seconds, is_key_action
FROM churnkit.input_events WHERE occurred_at IN ('2024-06-01 10:00+00', '2024-06-25 15:00+00', '2024-07-02 10:00+00')
ORDER BY 1, 2, 3;
SELECT * FROM churnkit.input_mrr WHERE account_id = 1 ORDER BY month;
SELECT * FROM churnkit.input_tickets ORDER BY account_id, opened_at;

-- every dashboard view: a view of schema churnkit whose COMMENT is the first
-- line of its file, every column described by the file's header, and no
-- header line naming a column the view does not have
SELECT w.ordinal, w.name, c.relkind,
       obj_description(c.oid, 'pg_class') = w.description AS comment_is_header,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS columns,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
          AND col_description(c.oid, a.attnum) IS NOT NULL) AS described,
       (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
          AND col_description(c.oid, a.attnum) IS NULL) AS undescribed,
       (SELECT array_agg(x) FROM unnest(w.columns) AS x
          WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = x)) AS unknown_in_header
FROM churnkit.warehouse_views() w
LEFT JOIN pg_class c ON c.relnamespace = 'churnkit'::regnamespace AND c.relname = w.name
ORDER BY w.ordinal;
-- the descriptions as a BI tool reads them (pg_description): every one is
-- the text of its header line
SELECT count(*) AS descriptions,
       count(*) FILTER (WHERE d.description = coalesce(h.description, w.description)) AS equal_to_header
FROM churnkit.warehouse_views() w
JOIN pg_class c ON c.relnamespace = 'churnkit'::regnamespace AND c.relname = w.name
JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
LEFT JOIN unnest(w.columns, w.column_descriptions) AS h(column_name, description) ON h.column_name = a.attname;
SELECT d.objsubid, a.attname, d.description
FROM pg_description d
LEFT JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
WHERE d.classoid = 'pg_class'::regclass AND d.objoid = 'churnkit.cohort_retention'::regclass
  AND d.objsubid IN (0, 1)
ORDER BY d.objsubid;
-- the views are not members of the extension (setup creates them), and the
-- caller of setup owns them
SELECT count(*) AS views,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
           AND d.objid = c.oid AND d.deptype = 'e')) AS extension_members,
       count(*) FILTER (WHERE c.relowner = current_user::regrole) AS owned_by_caller
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relkind IN ('v', 'm');
-- and they read the inputs: one row per account that signed up before as_of
SELECT account_id, events_30d, active_days_30d, active_minutes_30d, key_actions_30d, active_users_30d,
       round(engagement_score::numeric, 6) AS engagement_score, activity_trend, first_active_at, last_active_at
FROM churnkit.account_engagement ORDER BY account_id;

-- 3. no mrr input: an empty input_mrr, never derived from accounts.mrr
--    (the current MRR, 0 for most churned accounts); no tickets input: an
--    empty input_tickets. Both have the contract's columns and say
--    'none (empty)' in their COMMENT
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts');
SELECT (SELECT count(*) FROM churnkit.input_mrr) AS mrr_rows, (SELECT count(*) FROM churnkit.input_tickets) AS tickets;
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.oid IN ('churnkit.input_mrr'::regclass, 'churnkit.input_tickets'::regclass) AND a.attnum > 0 ORDER BY c.relname, a.attnum;
SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c WHERE c.oid IN ('churnkit.input_mrr'::regclass, 'churnkit.input_tickets'::regclass) ORDER BY 1;
-- the views without MRR history: no mrr_movements; saas_metrics counts the
-- accounts that have not churned with an MRR > 0 (1, 2 and 4) and has no
-- churn rates; churn_database's mrr_lost is accounts.mrr
SELECT count(*) AS mrr_movements FROM churnkit.mrr_movements;
SELECT customers, mrr, arpa, logo_churn_rate_monthly, revenue_churn_rate_monthly, ltv, nrr_last_month, grr_last_month
FROM churnkit.saas_metrics;
SELECT account_id, churned_at, mrr_lost FROM churnkit.churn_database ORDER BY account_id;

-- 4. key_events: is_key_action = event_name = ANY (key_events); the events
--    table needs no is_key_action column, and key_events wins over one
SELECT churnkit.setup(events => 'wh_setup.events_no_key', accounts => 'wh_setup.accounts',
                      key_events => ARRAY['export', 'invite']);
SELECT event_name, is_key_action, count(*) FROM churnkit.input_events GROUP BY 1, 2 ORDER BY 1, 2;
SELECT account_id, key_actions_30d FROM churnkit.account_engagement ORDER BY 1;
SELECT churnkit.setup(events => 'wh_setup.events', accounts => 'wh_setup.accounts', key_events => ARRAY['login']);
SELECT event_name, is_key_action, count(*) FROM churnkit.input_events GROUP BY 1, 2 ORDER BY 1, 2;
SELECT account_id, key_actions_30d FROM churnkit.account_engagement ORDER BY 1;

-- 5. Names are identifiers, never SQL: a schema and tables named like
--    injections work as names and drop nothing; key event names with quotes
--    are values
CREATE TABLE wh_setup.victim (id integer);
INSERT INTO wh_setup.victim VALUES (1);
CREATE SCHEMA "wh ""setup"" --";
CREATE TABLE "wh ""setup"" --"."x""; DROP TABLE wh_setup.victim; --" AS SELECT * FROM wh_setup.events;
CREATE TABLE "wh ""setup"" --"."Accounts'); DELETE FROM wh_setup.victim; --" AS SELECT * FROM wh_setup.accounts;
SELECT churnkit.setup(
    events => format('%I.%I', 'wh "setup" --', 'x"; DROP TABLE wh_setup.victim; --')::regclass,
    accounts => (SELECT c.oid FROM pg_class c WHERE c.relname = 'Accounts''); DELETE FROM wh_setup.victim; --')::regclass,
    key_events => ARRAY['export', 'it''s', 'a"b', '''); DROP TABLE wh_setup.victim; --']);
SELECT * FROM wh_setup.victim;
SELECT count(*) AS events, count(*) FILTER (WHERE is_key_action) AS key_actions FROM churnkit.input_events;
SELECT count(*) AS accounts FROM churnkit.input_accounts;
SELECT obj_description('churnkit.input_events'::regclass, 'pg_class');
SELECT pg_get_viewdef('churnkit.input_events');
-- the dashboard views read the renamed inputs too
SELECT count(*) AS accounts FROM churnkit.account_engagement;

-- 6. Rewiring: setup with other tables recreates every view on them
CREATE TABLE wh_setup.events_2 AS SELECT * FROM wh_setup.events WHERE account_id = 2;
CREATE TABLE wh_setup.accounts_2 AS SELECT * FROM wh_setup.accounts WHERE account_id IN (2, 4);
SELECT churnkit.setup('wh_setup.events_2', 'wh_setup.accounts_2');
SELECT account_id, events_30d, key_actions_30d FROM churnkit.account_engagement ORDER BY 1;
SELECT pg_get_viewdef('churnkit.input_events') LIKE '%wh_setup.events_2%' AS reads_events_2;
-- nothing depends on the earlier inputs any more
DROP TABLE "wh ""setup"" --"."x""; DROP TABLE wh_setup.victim; --";
DROP TABLE "wh ""setup"" --"."Accounts'); DELETE FROM wh_setup.victim; --";
DROP SCHEMA "wh ""setup"" --";
-- the views setup creates cannot be its inputs
SELECT regress.outcome($$ SELECT churnkit.setup('churnkit.input_events', 'wh_setup.accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'churnkit.account_health') $$);
-- a failing setup changes nothing (one transaction): still wired to events_2
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events_no_time', 'wh_setup.accounts') $$);
SELECT pg_get_viewdef('churnkit.input_events') LIKE '%wh_setup.events_2%' AS reads_events_2;
SELECT count(*) AS accounts FROM churnkit.account_engagement;

-- 7. Grants on the views survive setup; churnkit_reader's SELECT on every
--    dashboard view is granted again (and never on an input view)
CREATE ROLE regress_churnkit_bi NOLOGIN;
GRANT SELECT ON churnkit.account_engagement TO regress_churnkit_bi;
GRANT SELECT ON churnkit.input_accounts TO regress_churnkit_bi;
REVOKE SELECT ON churnkit.account_engagement FROM churnkit_reader;
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts');
SELECT has_table_privilege('regress_churnkit_bi', 'churnkit.account_engagement', 'SELECT') AS bi_engagement,
       has_table_privilege('regress_churnkit_bi', 'churnkit.input_accounts', 'SELECT') AS bi_input,
       has_table_privilege('churnkit_reader', 'churnkit.account_engagement', 'SELECT') AS reader_engagement;
SELECT c.relname, has_table_privilege('churnkit_reader', c.oid, 'SELECT') AS reader_can_select
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relkind IN ('v', 'm', 'r')
ORDER BY c.relkind, c.relname;
REVOKE ALL ON churnkit.account_engagement, churnkit.input_accounts FROM regress_churnkit_bi;
DROP ROLE regress_churnkit_bi;

-- 8. A user's object that depends on a churnkit view stops setup with a
--    clear error (2BP01), and nothing is dropped
CREATE VIEW wh_setup.my_report AS SELECT account_id FROM churnkit.account_engagement;
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts') $$);
\set VERBOSITY verbose
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts');
\set VERBOSITY default
SELECT count(*) FROM wh_setup.my_report;
DROP VIEW wh_setup.my_report;

-- 9. materialize => true: the heavy views become MATERIALIZED VIEWs of the
--    same names (with the same comments); materialize => false makes them
--    plain views again
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', materialize => true);
SELECT w.name, w.materializable, c.relkind, obj_description(c.oid, 'pg_class') = w.description AS comment_is_header,
       has_table_privilege('churnkit_reader', c.oid, 'SELECT') AS reader_can_select
FROM churnkit.warehouse_views() w JOIN pg_class c ON c.relnamespace = 'churnkit'::regnamespace AND c.relname = w.name
ORDER BY w.ordinal;
-- a view that fails to build names its file (here: the materialized views
-- are computed at creation, with a bad as_of setting); nothing changes
SET churnkit.as_of = 'garbage';
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts', materialize => true) $$);
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT count(*) FILTER (WHERE c.relkind = 'm') AS materialized FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace;
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts');
SELECT count(*) FILTER (WHERE c.relkind = 'm') AS materialized, count(*) FILTER (WHERE c.relkind = 'v') AS plain
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace;

-- 10. an object of schema churnkit with a view's name that is not a view is
--     never dropped
DROP VIEW churnkit.account_engagement CASCADE;
CREATE TABLE churnkit.account_engagement (x integer);
SELECT regress.outcome($$ SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts') $$);
DROP TABLE churnkit.account_engagement;
SELECT churnkit.setup('wh_setup.events', 'wh_setup.accounts') IS NOT NULL AS set_up;

RESET churnkit.as_of;
