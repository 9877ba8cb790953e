-- Equality, ordering and hashing for the summary types (0.2.0, CHANGELOG.md): so that
-- DISTINCT, UNION, GROUP BY, ORDER BY, IN and hash joins work on a column
-- of summaries. Two summaries are equal when their binary encodings are:
-- binary input accepts exactly one encoding per value, so that is equality
-- of the values. The order is that of the encodings' bytes: consistent (a
-- btree and a sort can use it), with no other meaning.
DO $ops$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['engagement_summary', 'activity', 'survival_summary'] LOOP
        EXECUTE format($f$
CREATE FUNCTION %1$s_cmp(a %1$s, b %1$s) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT CASE WHEN churnkit.%1$s_send(a) < churnkit.%1$s_send(b) THEN -1
                WHEN churnkit.%1$s_send(a) > churnkit.%1$s_send(b) THEN 1 ELSE 0 END';
CREATE FUNCTION %1$s_eq(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) = churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_ne(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) <> churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_lt(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) < churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_le(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) <= churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_gt(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) > churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_ge(a %1$s, b %1$s) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT churnkit.%1$s_send(a) >= churnkit.%1$s_send(b)';
CREATE FUNCTION %1$s_hash(a %1$s) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS 'SELECT pg_catalog.hashtext(pg_catalog.encode(churnkit.%1$s_send(a), ''base64''))';
CREATE OPERATOR = (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = %1$s, RIGHTARG = %1$s, FUNCTION = %1$s_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR CLASS %1$s_ops DEFAULT FOR TYPE %1$s USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 %1$s_cmp(%1$s, %1$s);
CREATE OPERATOR CLASS %1$s_hash_ops DEFAULT FOR TYPE %1$s USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 %1$s_hash(%1$s);
$f$, t);
    END LOOP;
END
$ops$;
