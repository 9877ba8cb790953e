-- Least privilege (docs/warehouse.md): the churnkit_reader role reads the dashboard
-- views and nothing else; no function is SECURITY DEFINER; every SQL and
-- plpgsql function has a fixed search_path.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- 1. Functions: none is SECURITY DEFINER; every function that is not C
--    (plpgsql, SQL) has SET search_path = churnkit, pg_catalog, pg_temp
--    (record_churn also sets churnkit.as_of, to scope its own change); the C
--    functions (the Rust ones, which resolve no names) have no SET clause: a
--    GUC save/restore on every call would slow the aggregates' transition
--    functions down.
WITH members AS (
    SELECT p.*, l.lanname
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'churnkit'
)
SELECT count(*) AS functions,
       count(*) FILTER (WHERE prosecdef) AS security_definer,
       count(*) FILTER (WHERE prokind = 'a') AS aggregates,
       count(*) FILTER (WHERE prokind <> 'a' AND lanname = 'c') AS c_functions,
       count(*) FILTER (WHERE prokind <> 'a' AND lanname = 'c' AND proconfig IS NOT NULL) AS c_with_set_clause,
       count(*) FILTER (WHERE prokind <> 'a' AND lanname <> 'c') AS sql_plpgsql_functions,
       count(*) FILTER (WHERE prokind <> 'a' AND lanname <> 'c'
                        AND NOT coalesce('search_path=churnkit, pg_catalog, pg_temp' = ANY (proconfig), false)) AS without_fixed_search_path
FROM members;
SELECT p.oid::regprocedure AS function, l.lanname, p.provolatile, p.proconfig
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'churnkit'::regnamespace AND p.prokind <> 'a' AND l.lanname <> 'c'
ORDER BY p.oid::regprocedure::text;
-- every function of schema churnkit belongs to the extension
SELECT count(*) AS not_members FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');
-- the functions that change the warehouse are not executable by PUBLIC
SELECT p.oid::regprocedure AS function, has_function_privilege('churnkit_reader', p.oid, 'EXECUTE') AS reader_can_execute
FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace AND p.proname IN ('setup', 'record_churn', 'refresh', 'as_of', 'warehouse_views', 'health_tier')
ORDER BY p.oid::regprocedure::text;

-- 2. The role: created by the extension, cannot log in, no special power
SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
FROM pg_roles WHERE rolname = 'churnkit_reader';
SELECT has_schema_privilege('churnkit_reader', 'churnkit', 'USAGE') AS usage,
       has_schema_privilege('churnkit_reader', 'churnkit', 'CREATE') AS "create";

-- raw inputs in schema public (which everyone may use), wired by setup
SET churnkit.as_of = '2024-07-01 00:00:00+00';
CREATE TABLE public.wh_roles_accounts (
    account_id bigint, name text, signed_up_at timestamptz, plan text, mrr float8,
    seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text);
INSERT INTO public.wh_roles_accounts VALUES
    (1, 'Acme', '2024-01-01 00:00+00', 'pro', 100, 2, '2025-01-01 00:00+00', NULL, NULL),
    (2, 'Bolt', '2024-03-10 00:00+00', 'basic', 50, 5, '2024-07-20 00:00+00', '2024-06-30 00:00+00', 'price');
CREATE TABLE public.wh_roles_events (
    account_id bigint, user_id bigint, occurred_at timestamptz, event_name text, duration_seconds float8, is_key_action boolean);
INSERT INTO public.wh_roles_events
SELECT 1 + i % 2, 10 + i % 3, timestamptz '2024-03-15 10:00+00' + i * interval '1 day', 'login', 600, i % 4 = 0
FROM generate_series(0, 100) i;
CREATE TABLE public.wh_roles_mrr (account_id bigint, month date, mrr float8);
INSERT INTO public.wh_roles_mrr VALUES (1, '2024-05-01', 100), (1, '2024-06-01', 100), (2, '2024-05-01', 50), (2, '2024-06-01', 50);
CREATE TABLE public.wh_roles_tickets (account_id bigint, opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz);
INSERT INTO public.wh_roles_tickets VALUES (1, '2024-06-10 10:00+00', '2024-06-10 10:30+00', NULL);
SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts', 'public.wh_roles_mrr', 'public.wh_roles_tickets') IS NOT NULL AS set_up;
SELECT (churnkit.record_churn(2, 'price', 'secret detail', '2024-06-30 00:00+00')).account_id AS recorded;

-- 3. What churnkit_reader may do, object by object: SELECT on every
--    dashboard view, nothing on the inputs, the churn table or anything else
SELECT c.relname, c.relkind,
       (SELECT array_agg(a.privilege_type ORDER BY a.privilege_type)
        FROM aclexplode(c.relacl) a WHERE a.grantee = 'churnkit_reader'::regrole) AS reader_privileges,
       EXISTS (SELECT 1 FROM churnkit.warehouse_views() w WHERE w.name = c.relname) AS dashboard_view
FROM pg_class c
WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S')
ORDER BY dashboard_view DESC, c.relname;

-- 4. As a dashboard login that is a member of churnkit_reader
CREATE ROLE regress_churnkit_dashboard LOGIN IN ROLE churnkit_reader;
GRANT USAGE ON SCHEMA regress TO regress_churnkit_dashboard;
\c - regress_churnkit_dashboard
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'
SET churnkit.as_of = '2024-07-01 00:00:00+00';
SELECT current_user, pg_has_role('churnkit_reader', 'MEMBER') AS reader;
-- every dashboard view reads (the row counts show it is data, not an error)
SELECT w.name, regress.outcome(format('SELECT count(*) FROM churnkit.%I', w.name)) AS rows
FROM churnkit.warehouse_views() w ORDER BY w.ordinal;
SELECT account_id, name, health_tier FROM churnkit.account_health ORDER BY account_id;
-- the churn database only through the view churn_database
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.churn_database WHERE recorded $$);
-- the raw inputs, the input views and the churn table: permission denied
SELECT regress.outcome($$ SELECT count(*) FROM public.wh_roles_events $$);
SELECT regress.outcome($$ SELECT count(*) FROM public.wh_roles_accounts $$);
SELECT regress.outcome($$ SELECT count(*) FROM public.wh_roles_mrr $$);
SELECT regress.outcome($$ SELECT count(*) FROM public.wh_roles_tickets $$);
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.input_events $$);
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.input_accounts $$);
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.input_mrr $$);
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.input_tickets $$);
SELECT regress.outcome($$ SELECT detail FROM churnkit.churn_events $$);
-- no writing: not the churn table, not through record_churn, not the views
SELECT regress.run($$ INSERT INTO churnkit.churn_events (account_id, churned_at, reason) VALUES (1, now(), 'forged') $$);
SELECT regress.run($$ UPDATE churnkit.churn_events SET reason = 'forged' $$);
SELECT regress.run($$ DELETE FROM churnkit.churn_events $$);
SELECT regress.run($$ TRUNCATE churnkit.churn_events $$);
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'forged') $$);
SELECT regress.run($$ DELETE FROM churnkit.account_health $$);
-- no rewiring, refreshing or creating in schema churnkit
SELECT regress.outcome($$ SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.refresh() $$);
SELECT regress.run($$ CREATE VIEW churnkit.my_view AS SELECT 1 AS one $$);
SELECT regress.run($$ DROP VIEW churnkit.account_health $$);
SELECT regress.run($$ COMMENT ON VIEW churnkit.account_health IS 'mine' $$);
-- the functions are for everyone
SELECT churnkit.health_tier(72), churnkit.as_of();

\c - postgres
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'
-- even with EXECUTE on record_churn, the reader cannot write the churn table
GRANT EXECUTE ON FUNCTION churnkit.record_churn(bigint, text, text, timestamptz) TO regress_churnkit_dashboard;
SET ROLE regress_churnkit_dashboard;
SELECT regress.outcome($$ SELECT churnkit.record_churn(1, 'forged', NULL, '2024-06-01 00:00+00') $$);
RESET ROLE;
REVOKE EXECUTE ON FUNCTION churnkit.record_churn(bigint, text, text, timestamptz) FROM regress_churnkit_dashboard;
-- nothing was forged
SELECT account_id, reason, detail FROM churnkit.churn_events ORDER BY account_id;

-- 5. Least privilege that works (0.2.0, CHANGELOG.md). churnkit_admin: created by the
--    extension, cannot log in, no special power; its members run setup(),
--    record_churn() and refresh() without CREATE on schema churnkit, which
--    only the extension's owner has. PUBLIC has USAGE (the functions are for
--    every role), not CREATE.
SELECT rolname, rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
FROM pg_roles WHERE rolname = 'churnkit_admin';
SELECT r.rolname, has_schema_privilege(r.rolname, 'churnkit', 'USAGE') AS usage,
       has_schema_privilege(r.rolname, 'churnkit', 'CREATE') AS "create"
FROM (VALUES ('churnkit_admin'), ('churnkit_reader')) AS r(rolname);
SELECT (SELECT nspacl FROM pg_namespace WHERE nspname = 'churnkit')::text LIKE '%,=U/%' AS public_usage,
       (SELECT nspacl FROM pg_namespace WHERE nspname = 'churnkit')::text NOT LIKE '%,=UC/%' AS no_public_create;
-- only setup() and refresh() are SECURITY DEFINER (they create and refresh
-- the views as the extension's owner); everything else runs as the caller
SELECT p.oid::regprocedure AS function, p.prosecdef AS security_definer
FROM pg_proc p WHERE p.pronamespace = 'churnkit'::regnamespace AND p.prosecdef ORDER BY p.oid::regprocedure::text;

CREATE ROLE regress_churnkit_engineer LOGIN IN ROLE churnkit_admin;
CREATE ROLE regress_churnkit_nobody LOGIN;
GRANT USAGE ON SCHEMA regress TO regress_churnkit_engineer, regress_churnkit_nobody;
GRANT SELECT ON public.wh_roles_events, public.wh_roles_accounts, public.wh_roles_mrr TO regress_churnkit_engineer;
\c - regress_churnkit_engineer
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
SET churnkit.as_of = '2024-07-01 00:00:00+00';
-- an input the engineer may not read: 42501, nothing changed
SELECT regress.outcome($$ SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts', tickets => 'public.wh_roles_tickets') $$);
SELECT regress.outcome($$ SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts', 'public.wh_roles_mrr', materialize => true) $$);
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relkind
FROM pg_class c WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relname IN ('account_health', 'cohort_retention', 'input_events')
ORDER BY 1;
-- the materialized views have their row key, so refresh() runs CONCURRENTLY
SELECT indrelid::regclass AS view, pg_get_indexdef(indexrelid) AS key
FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'churnkit'::regnamespace AND relkind = 'm')
ORDER BY indrelid::regclass::text;
SELECT cardinality(churnkit.refresh()) AS refreshed;
SELECT (churnkit.record_churn(1, 'price', 'by the engineer', '2024-06-15 00:00+00')).reason AS recorded;
-- the engineer corrects the churn database
DELETE FROM churnkit.churn_events WHERE detail = 'by the engineer';
SELECT count(*) AS dashboard_rows FROM churnkit.account_health;
-- ... and cannot plant an object in schema churnkit
SELECT regress.run($$ CREATE FUNCTION churnkit.upper(varchar) RETURNS text LANGUAGE sql AS 'SELECT 1::text' $$);
SELECT regress.run($$ CREATE VIEW churnkit.planted AS SELECT 1 AS one $$);

-- a login without any privilege: the functions, nothing else, and it
-- cannot take the lock setup() takes
\c - regress_churnkit_nobody
SET client_min_messages = warning;
\set SHOW_CONTEXT never
SELECT churnkit.health_tier(72) AS tier, churnkit.engagement_score(600, 15, 30, 30) AS score;
SELECT regress.outcome($$ SELECT count(*) FROM churnkit.account_health $$);
SELECT regress.outcome($$ SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts') $$);
SELECT regress.outcome($$ SELECT churnkit.refresh() $$);
SELECT regress.run($$ LOCK TABLE churnkit.churn_events IN SHARE ROW EXCLUSIVE MODE $$);
SELECT regress.run($$ CREATE FUNCTION churnkit.upper(varchar) RETURNS text LANGUAGE sql AS 'SELECT 1::text' $$);

\c - postgres
SET client_min_messages = warning;
SELECT count(*) AS planted FROM pg_proc WHERE pronamespace = 'churnkit'::regnamespace AND proname = 'upper';
SELECT churnkit.setup('public.wh_roles_events', 'public.wh_roles_accounts') IS NOT NULL AS set_up_again;
REVOKE SELECT ON public.wh_roles_events, public.wh_roles_accounts, public.wh_roles_mrr FROM regress_churnkit_engineer;
REVOKE USAGE ON SCHEMA regress FROM regress_churnkit_engineer, regress_churnkit_nobody;
DROP ROLE regress_churnkit_engineer;
DROP ROLE regress_churnkit_nobody;

DELETE FROM churnkit.churn_events;
REVOKE USAGE ON SCHEMA regress FROM regress_churnkit_dashboard;
DROP ROLE regress_churnkit_dashboard;
