-- churnkit regression tests: create the extension and pin every signature.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

CREATE EXTENSION churnkit;

-- the extension lives in schema churnkit and cannot be moved
SELECT e.extname, n.nspname AS schema, e.extrelocatable
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'churnkit';

-- every function, with argument names, types and defaults
\df churnkit.*

-- volatility (i immutable, s stable), strictness, parallel safety (s safe)
\x on
SELECT p.proname AS name,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result,
       p.provolatile AS volatile,
       p.proisstrict AS strict,
       p.proparallel AS parallel,
       p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') AS is_c
FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace
ORDER BY p.proname, p.pronargs;
\x off

-- every function belongs to the extension (dropped with it)
SELECT count(*) AS functions,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM pg_depend d
           WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
             AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'churnkit'))) AS members
FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace;

-- the reference value of the design (DESIGN.md §3.1, issue #2)
SELECT churnkit.engagement_score(600, 15, 30, 30);

-- Helper for the other test files: the value of a one-column query as text
-- ('NULL' for NULL), or 'ERROR <SQLSTATE>: <message>' when it fails. The
-- SQLSTATE of every churnkit error must be 22023; XX000 would be a Rust panic.
CREATE SCHEMA regress;
CREATE FUNCTION regress.outcome(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE q INTO r;
    RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END
$$;

SELECT regress.outcome($$ SELECT churnkit.engagement_score(600, 15, 30, 30) $$);
SELECT regress.outcome($$ SELECT churnkit.engagement_score(10, 40, 0, 30) $$);

-- as an analyst sees an error in psql
SELECT churnkit.engagement_score(10, 40, 0, 30);
\set VERBOSITY sqlstate
SELECT churnkit.engagement_score(10, 40, 0, 30);
\set VERBOSITY default

SELECT 1 AS alive;
