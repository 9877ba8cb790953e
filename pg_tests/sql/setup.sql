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

-- every function and aggregate, with argument names, types and defaults
\df churnkit.*

-- the summary types: variable-length, stored extended (compressible,
-- out-of-line when large), with text and binary input/output
SELECT t.typname, t.typlen, t.typstorage, t.typinput, t.typoutput, t.typreceive, t.typsend,
       obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t
WHERE t.typnamespace = 'churnkit'::regnamespace AND t.typtype = 'b' AND t.typelem = 0
ORDER BY t.typname;

-- the aggregates: internal state with combine, serialise and deserialise
-- functions (partial and parallel aggregation, Citus push-down), parallel safe
\x on
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
       a.aggserialfn, a.aggdeserialfn, a.aggtranstype::regtype, a.aggtransspace,
       a.aggfinalmodify, p.proparallel AS parallel, p.prorettype::regtype AS result
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'churnkit'::regnamespace
ORDER BY p.proname, p.pronargs, p.oid::regprocedure::text;
\x off

-- kind (f function, a aggregate), volatility (i immutable, s stable),
-- strictness, parallel safety (s safe)
\x on
SELECT p.proname AS name,
       p.prokind AS kind,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result,
       p.provolatile AS volatile,
       p.proisstrict AS strict,
       p.proparallel AS parallel,
       p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') AS is_c
FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace
ORDER BY p.proname, p.pronargs, p.oid::regprocedure::text;
\x off

-- every function, aggregate and type belongs to the extension (dropped with it)
SELECT count(*) AS functions,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM pg_depend d
           WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
             AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
             AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'churnkit'))) AS members
FROM pg_proc p
WHERE p.pronamespace = 'churnkit'::regnamespace;
SELECT count(*) AS types,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM pg_depend d
           WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
             AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')) AS members
FROM pg_type t
WHERE t.typnamespace = 'churnkit'::regnamespace AND t.typtype = 'b' AND t.typelem = 0;

-- the reference value of the design (docs/functions.md)
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

-- The same for a statement that returns no value (COPY, DO, DDL): 'OK', or
-- 'ERROR <SQLSTATE>: <message>'.
CREATE FUNCTION regress.run(q text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'OK';
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
