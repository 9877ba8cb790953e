-- churnkit warehouse layer (docs/warehouse.md): the churn database,
-- the dashboard role, setup(), record_churn() and refresh().
--
-- Every function here is plpgsql with a fixed search_path. They run with the
-- caller's privileges, except setup() and refresh(), which are SECURITY
-- DEFINER (owned by the extension's owner) so that a data engineer in
-- churnkit_admin can run them without CREATE on schema churnkit: only the
-- extension's owner ever creates objects there (see "Least privilege"
-- below). Identifiers that come from the caller are always quoted with
-- format('%I') / %L, never concatenated.

-- ---------------------------------------------------------------------------
-- The churn database: a table the extension owns. Its rows are user data:
-- pg_extension_config_dump makes pg_dump dump them (the table itself is
-- created by CREATE EXTENSION on restore).
CREATE TABLE churn_events (
    account_id       bigint           NOT NULL,
    churned_at       timestamptz      NOT NULL,
    reason           text,
    detail           text,
    tenure_days      double precision CHECK (tenure_days >= 0),
    engagement_trend double precision,
    last_health_tier text CHECK (last_health_tier IN ('good', 'average', 'poor')),
    mrr_lost         double precision,
    recorded_at      timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, churned_at)
);
SELECT pg_catalog.pg_extension_config_dump('churnkit.churn_events', '');

COMMENT ON TABLE churn_events IS
    'churnkit churn database: one row per recorded churn (churnkit.record_churn); read through the view churnkit.churn_database';
COMMENT ON COLUMN churn_events.account_id IS 'the churned account';
COMMENT ON COLUMN churn_events.churned_at IS 'when the account churned';
COMMENT ON COLUMN churn_events.reason IS 'churn reason (a short category, e.g. price, product, competitor)';
COMMENT ON COLUMN churn_events.detail IS 'free-text detail of the churn';
COMMENT ON COLUMN churn_events.tenure_days IS 'days from signed_up_at to churned_at';
COMMENT ON COLUMN churn_events.engagement_trend IS
    'activity_trend of the account''s events over the 2 x 14 days before churned_at ((recent - prior) / prior; NULL when prior = 0)';
COMMENT ON COLUMN churn_events.last_health_tier IS 'health_tier of the account at churned_at (good, average, poor)';
COMMENT ON COLUMN churn_events.mrr_lost IS 'MRR of the account''s last paid month before churned_at';
COMMENT ON COLUMN churn_events.recorded_at IS 'when the churn was recorded';

-- ---------------------------------------------------------------------------
-- The dashboard role: reads the dashboard views, nothing else. Roles are
-- cluster-wide: created once, kept when the extension is dropped.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'churnkit_reader') THEN
        CREATE ROLE churnkit_reader NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA churnkit TO churnkit_reader;

-- ---------------------------------------------------------------------------
-- Least privilege (0.2.0, CHANGELOG.md).
-- * churnkit_admin: the data engineer's role (NOLOGIN; grant it to a login).
--   Its members run setup(), record_churn() and refresh(), read every view
--   and correct churn_events, and never get CREATE on schema churnkit.
-- * USAGE on schema churnkit for PUBLIC: every role may call the functions
--   (churnkit.health_tier(72)); the views are readable by churnkit_reader
--   and churnkit_admin only (and by their owner).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'churnkit_admin') THEN
        CREATE ROLE churnkit_admin NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA churnkit TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON churn_events TO churnkit_admin;

-- The role that called a SECURITY DEFINER function of churnkit: the role
-- set with SET ROLE, else the login (inside such a function current_user is
-- the extension's owner).
CREATE FUNCTION _invoker()
RETURNS name
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user
                ELSE pg_catalog.current_setting('role')::name END
$$;

-- ---------------------------------------------------------------------------
-- The input contract: one row per canonical column of each input.
--   family: what the source column may be and how it is cast
--     id        smallint, integer, bigint                      -> bigint
--     number    smallint, integer, bigint, real, double, numeric -> double precision
--     text      any string type (text, varchar, char, name, citext...) or an enum -> text
--     boolean   boolean
--     timestamp timestamptz, or timestamp / date read as UTC   -> timestamptz
--     month     date, timestamp, timestamptz (UTC), truncated to the month -> date
--   optional: the column may be absent from the source (then NULL)
-- input_contract() is generated from sql/input_contract.md (build.rs).

-- The base type of a type (domains resolved).
CREATE FUNCTION _base_type(t oid)
RETURNS oid
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
    WITH RECURSIVE d(oid, base, depth) AS (
        SELECT t.oid, t.typbasetype, 0 FROM pg_catalog.pg_type t WHERE t.oid = $1
        UNION ALL
        SELECT b.oid, b.typbasetype, d.depth + 1
        FROM d JOIN pg_catalog.pg_type b ON b.oid = d.base
        WHERE d.base <> 0 AND d.depth < 100
    )
    SELECT oid FROM d ORDER BY depth DESC LIMIT 1
$$;

-- The expression reading source column `col` (of type `typ`, a base type)
-- as the canonical type of `family`, or NULL when the type does not fit.
CREATE FUNCTION _cast_expression(col text, typ oid, family text)
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
    SELECT CASE family
        WHEN 'id' THEN CASE WHEN typ IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
            THEN format('%s::bigint', col) END
        WHEN 'number' THEN CASE WHEN typ IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype,
                                             'float4'::regtype, 'float8'::regtype, 'numeric'::regtype)
            THEN format('%s::double precision', col) END
        WHEN 'text' THEN CASE WHEN (SELECT t.typcategory IN ('S', 'E') FROM pg_catalog.pg_type t WHERE t.oid = typ)
            THEN format('%s::text', col) END
        WHEN 'boolean' THEN CASE WHEN typ = 'bool'::regtype THEN format('%s::boolean', col) END
        WHEN 'timestamp' THEN CASE typ
            WHEN 'timestamptz'::regtype THEN format('%s::timestamptz', col)
            WHEN 'timestamp'::regtype THEN format('(%s::timestamp AT TIME ZONE ''UTC'')', col)
            WHEN 'date'::regtype THEN format('(%s::timestamp AT TIME ZONE ''UTC'')', col)
            END
        WHEN 'month' THEN CASE typ
            WHEN 'timestamptz'::regtype THEN format('date_trunc(''month'', %s::timestamptz AT TIME ZONE ''UTC'')::date', col)
            WHEN 'timestamp'::regtype THEN format('date_trunc(''month'', %s::timestamp)::date', col)
            WHEN 'date'::regtype THEN format('date_trunc(''month'', %s::timestamp)::date', col)
            END
        END
$$;

CREATE FUNCTION _family_types(family text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
    SELECT CASE family
        WHEN 'id' THEN 'an integer (smallint, integer or bigint)'
        WHEN 'number' THEN 'a number (smallint, integer, bigint, real, double precision or numeric)'
        WHEN 'text' THEN 'a string (text, varchar, char) or an enum'
        WHEN 'boolean' THEN 'boolean'
        WHEN 'timestamp' THEN 'a timestamp (timestamptz, or timestamp / date read as UTC)'
        WHEN 'month' THEN 'a date (date, timestamp or timestamptz; truncated to the month)'
        END
$$;

-- The SELECT that maps source table `source` onto input `input`, after
-- validating every column of the contract. Errors (SQLSTATE 22023, like every
-- invalid argument of churnkit) name the argument, the table and the column.
CREATE FUNCTION _input_select(input text, source regclass, key_events text[] DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    kind_word text;
    shown text;
    c record;
    att record;
    expr text;
    cols text[] := '{}';
BEGIN
    SELECT cl.relname, cl.relkind, cl.relpersistence, n.nspname INTO rel
    FROM pg_catalog.pg_class cl JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
    WHERE cl.oid = source;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'setup: invalid %: relation with OID % does not exist', input, source::oid
            USING ERRCODE = '22023';
    END IF;
    shown := format('%I.%I', rel.nspname, rel.relname);
    kind_word := CASE rel.relkind
        WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'foreign table'
        WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' END;
    IF kind_word IS NULL THEN
        RAISE EXCEPTION 'setup: invalid %: % is not a table or view', input, shown
            USING ERRCODE = '22023',
                  HINT = 'Pass a table, view, materialized view or foreign table.';
    END IF;
    IF rel.relpersistence = 't' THEN
        RAISE EXCEPTION 'setup: invalid %: % is a temporary %', input, shown, kind_word
            USING ERRCODE = '22023',
                  HINT = 'The views of schema churnkit outlive this session: pass a permanent table.';
    END IF;
    IF rel.nspname = 'churnkit'
       AND (rel.relname IN ('input_events', 'input_accounts', 'input_mrr', 'input_tickets')
            OR rel.relname IN (SELECT w.name FROM churnkit.warehouse_views() w)) THEN
        RAISE EXCEPTION 'setup: invalid %: % is a view that churnkit.setup() creates', input, shown
            USING ERRCODE = '22023',
                  HINT = 'Pass your own table (or a view over it).';
    END IF;

    FOR c IN SELECT * FROM churnkit.input_contract() ic WHERE ic.input = _input_select.input ORDER BY ic.ordinal LOOP
        IF input = 'events' AND c.column_name = 'is_key_action' AND key_events IS NOT NULL THEN
            cols := cols || format('(src.%I::text = ANY (%L::text[])) AS is_key_action', 'event_name', key_events);
            CONTINUE;
        END IF;
        SELECT a.attname, a.atttypid, churnkit._base_type(a.atttypid) AS base INTO att
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = source AND a.attname = c.column_name AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            IF c.optional THEN
                cols := cols || format('NULL::%s AS %I',
                    CASE c.family WHEN 'id' THEN 'bigint' WHEN 'number' THEN 'double precision'
                                  WHEN 'text' THEN 'text' WHEN 'boolean' THEN 'boolean'
                                  WHEN 'timestamp' THEN 'timestamptz' WHEN 'month' THEN 'date' END,
                    c.column_name);
                CONTINUE;
            END IF;
            RAISE EXCEPTION 'setup: invalid %: % % has no column "%"', input, kind_word, shown, c.column_name
                USING ERRCODE = '22023',
                      DETAIL = format('The %s input needs the column %s: %s, %s.', input, c.column_name,
                                      churnkit._family_types(c.family), c.description),
                      HINT = CASE WHEN input = 'events' AND c.column_name = 'is_key_action'
                                  THEN 'Pass key_events => ARRAY[...] to derive is_key_action from event_name, or add the column.'
                                  ELSE 'Map your table onto the input contract with a view that renames the columns (see churnkit.input_contract()).'
                             END;
        END IF;
        expr := churnkit._cast_expression(format('src.%I', att.attname), att.base, c.family);
        IF expr IS NULL THEN
            RAISE EXCEPTION 'setup: invalid %: column "%" of % % has type %, expected %',
                    input, c.column_name, kind_word, shown, pg_catalog.format_type(att.atttypid, NULL),
                    churnkit._family_types(c.family)
                USING ERRCODE = '22023',
                      HINT = 'Map your table onto the input contract with a view that casts the column (see churnkit.input_contract()).';
        END IF;
        cols := cols || format('%s AS %I', expr, c.column_name);
    END LOOP;

    -- the role that calls setup() (a SECURITY DEFINER function: the
    -- current user is the extension's owner) owns the views: it must be
    -- able to read every input itself
    IF NOT pg_catalog.has_table_privilege(churnkit._invoker(), source, 'SELECT') THEN
        RAISE EXCEPTION 'setup: invalid %: permission denied for % %', input, kind_word, shown
            USING ERRCODE = '42501',
                  HINT = 'The role that runs setup() owns the views and needs SELECT on every input.';
    END IF;

    RETURN format(E'SELECT %s\nFROM %I.%I AS src', array_to_string(cols, E',\n       '), rel.nspname, rel.relname);
END
$$;

-- ---------------------------------------------------------------------------
-- setup(): wire the inputs and (re)create every view.
CREATE FUNCTION setup(
    events regclass,
    accounts regclass,
    mrr regclass DEFAULT NULL,
    tickets regclass DEFAULT NULL,
    key_events text[] DEFAULT NULL,
    materialize boolean DEFAULT false
)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
DECLARE
    v record;
    col record;
    g record;
    key text[];
    owner_ text := pg_catalog.quote_ident(churnkit._invoker());
    shown text;
    rel oid;
    kind "char";
    sel_events text;
    sel_accounts text;
    sel_mrr text;
    sel_tickets text;
    acls text[] := '{}';
    n_views integer := 0;
    n_mat integer := 0;
    mat_names text[] := '{}';
    sqlstate_ text;
    message_ text;
    detail_ text;
    hint_ text;
    sources text;
BEGIN
    -- 1. validate every argument before touching anything
    IF events IS NULL THEN
        RAISE EXCEPTION 'setup: invalid events: NULL (pass the events table)' USING ERRCODE = '22023';
    END IF;
    IF accounts IS NULL THEN
        RAISE EXCEPTION 'setup: invalid accounts: NULL (pass the accounts table)' USING ERRCODE = '22023';
    END IF;
    IF materialize IS NULL THEN
        RAISE EXCEPTION 'setup: invalid materialize: NULL (pass true or false)' USING ERRCODE = '22023';
    END IF;
    IF key_events IS NOT NULL THEN
        IF array_ndims(key_events) > 1 THEN
            RAISE EXCEPTION 'setup: invalid key_events: a list of event names has one dimension, got %', array_ndims(key_events)
                USING ERRCODE = '22023',
                      HINT = 'Pass ARRAY[''name'', ...] or ''{name,...}''.';
        END IF;
        IF cardinality(key_events) = 0 THEN
            RAISE EXCEPTION 'setup: invalid key_events: empty array'
                USING ERRCODE = '22023',
                      HINT = 'Pass the names of the key events, or NULL to read the column is_key_action.';
        END IF;
        IF array_position(key_events, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'setup: invalid key_events: contains NULL' USING ERRCODE = '22023';
        END IF;
    END IF;
    sel_events := churnkit._input_select('events', events, key_events);
    sel_accounts := churnkit._input_select('accounts', accounts);
    -- a missing optional input is an empty relation with the contract's
    -- columns (the same rule as `churnkit run`). MRR history is never
    -- invented from accounts.mrr: that is the current MRR, often 0 after a
    -- churn, so the churned MRR would disappear and NRR would look better.
    IF mrr IS NOT NULL THEN
        sel_mrr := churnkit._input_select('mrr', mrr);
    ELSE
        sel_mrr := $q$SELECT NULL::bigint AS account_id,
       NULL::date AS month,
       NULL::double precision AS mrr
WHERE false$q$;
    END IF;
    IF tickets IS NOT NULL THEN
        sel_tickets := churnkit._input_select('tickets', tickets);
    ELSE
        sel_tickets := $q$SELECT NULL::bigint AS account_id,
       NULL::timestamptz AS opened_at,
       NULL::timestamptz AS first_response_at,
       NULL::timestamptz AS resolved_at
WHERE false$q$;
    END IF;

    -- one setup at a time: a lock on the extension's own table, which a role
    -- without privileges on it cannot take (an advisory lock, which 0.1.0
    -- used, can be taken by any login and block setup() forever)
    LOCK TABLE churnkit.churn_events IN SHARE ROW EXCLUSIVE MODE;

    -- 2. drop the views of an earlier setup (dashboard views last-first,
    --    then the inputs), keeping their grants to restore them
    FOR v IN
        SELECT w.name, w.ordinal AS ord FROM churnkit.warehouse_views() w
        UNION ALL
        SELECT i.name, -i.ord FROM (VALUES ('input_tickets', 1), ('input_mrr', 2),
                                          ('input_accounts', 3), ('input_events', 4)) AS i(name, ord)
        ORDER BY ord DESC
    LOOP
        SELECT c.oid, c.relkind INTO rel, kind
        FROM pg_catalog.pg_class c
        WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relname = v.name;
        CONTINUE WHEN NOT FOUND;
        IF kind NOT IN ('v', 'm') THEN
            RAISE EXCEPTION 'setup: churnkit.% exists and is not a view', quote_ident(v.name)
                USING ERRCODE = '42809',
                      HINT = 'churnkit.setup() creates this view: drop or rename the object in schema churnkit.';
        END IF;
        SELECT acls || coalesce(array_agg(format('GRANT %s ON churnkit.%I TO %s%s', a.privilege_type, v.name,
                    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
                    CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)), '{}')
        INTO acls
        FROM pg_catalog.pg_class c
        CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) AS a
        LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
        WHERE c.oid = rel AND a.grantee <> c.relowner
          AND NOT (r.rolname IN ('churnkit_reader', 'churnkit_admin') AND a.privilege_type = 'SELECT');
        BEGIN
            EXECUTE format('DROP %s churnkit.%I', CASE kind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, v.name);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            GET STACKED DIAGNOSTICS message_ = MESSAGE_TEXT, detail_ = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'setup: %', message_
                USING ERRCODE = 'dependent_objects_still_exist', DETAIL = detail_,
                      HINT = 'setup() drops and recreates every churnkit view: drop the objects that depend on it first, and recreate them afterwards.';
        END;
    END LOOP;

    -- 3. the inputs
    -- every view is owned by the role that called setup() and reads the
    -- inputs with its privileges (row-level security included), as in 0.1.0
    EXECUTE 'CREATE VIEW churnkit.input_events AS ' || sel_events;
    EXECUTE 'CREATE VIEW churnkit.input_accounts AS ' || sel_accounts;
    EXECUTE 'CREATE VIEW churnkit.input_mrr AS ' || sel_mrr;
    EXECUTE 'CREATE VIEW churnkit.input_tickets AS ' || sel_tickets;
    FOR v IN SELECT unnest(ARRAY['input_events', 'input_accounts', 'input_mrr', 'input_tickets']) AS name LOOP
        EXECUTE format('ALTER VIEW churnkit.%I OWNER TO %s', v.name, owner_);
        EXECUTE format('GRANT SELECT ON churnkit.%I TO churnkit_admin', v.name);
    END LOOP;
    FOR v IN
        SELECT * FROM (VALUES
            ('input_events', 'events', events::oid,
             CASE WHEN key_events IS NOT NULL THEN format(' (is_key_action: event_name in %s)', key_events) END),
            ('input_accounts', 'accounts', accounts::oid, NULL),
            ('input_mrr', 'mrr', mrr::oid, CASE WHEN mrr IS NULL THEN 'none (empty)' END),
            ('input_tickets', 'tickets', tickets::oid, CASE WHEN tickets IS NULL THEN 'none (empty)' END)
        ) AS i(name, input, source, note)
    LOOP
        IF v.source IS NULL THEN
            shown := v.note;
        ELSE
            SELECT format('%I.%I', n.nspname, c.relname) INTO shown
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = v.source;
            shown := shown || coalesce(v.note, '');
        END IF;
        sources := concat_ws(', ', sources, format('%s = %s', v.input, shown));
        EXECUTE format('COMMENT ON VIEW churnkit.%I IS %L', v.name,
            format('churnkit input %s: %s, mapped onto the input contract by churnkit.setup()', v.input, shown));
        FOR col IN SELECT * FROM churnkit.input_contract() ic WHERE ic.input = v.input LOOP
            EXECUTE format('COMMENT ON COLUMN churnkit.%I.%I IS %L', v.name, col.column_name, col.description);
        END LOOP;
    END LOOP;

    -- 4. the dashboard views, in order, from the embedded view files
    FOR v IN SELECT * FROM churnkit.warehouse_views() ORDER BY ordinal LOOP
        kind := CASE WHEN materialize AND v.materializable THEN 'm' ELSE 'v' END;
        BEGIN
            EXECUTE format('CREATE %s churnkit.%I AS %s',
                CASE kind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, v.name, v.definition);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS sqlstate_ = RETURNED_SQLSTATE, message_ = MESSAGE_TEXT,
                                    detail_ = PG_EXCEPTION_DETAIL, hint_ = PG_EXCEPTION_HINT;
            RAISE EXCEPTION 'setup: creating view churnkit.% (from %) failed: %', v.name, v.source_file, message_
                USING ERRCODE = sqlstate_, DETAIL = detail_, HINT = hint_;
        END;
        EXECUTE format('ALTER %s churnkit.%I OWNER TO %s',
            CASE kind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, v.name, owner_);
        IF kind = 'm' THEN
            -- the row key: refresh() can then refresh CONCURRENTLY
            SELECT k.key INTO key FROM churnkit.warehouse_view_keys() k WHERE k.name = v.name;
            EXECUTE format('CREATE UNIQUE INDEX %I ON churnkit.%I (%s)', v.name || '_key', v.name,
                (SELECT string_agg(quote_ident(c), ', ') FROM unnest(key) AS c));
        END IF;
        EXECUTE format('COMMENT ON %s churnkit.%I IS %L',
            CASE kind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, v.name, v.description);
        FOR col IN
            SELECT d.column_name, d.description
            FROM unnest(v.columns, v.column_descriptions) AS d(column_name, description)
            JOIN pg_catalog.pg_attribute a
              ON a.attrelid = format('churnkit.%I', v.name)::regclass
             AND a.attname = d.column_name AND a.attnum > 0 AND NOT a.attisdropped
        LOOP
            EXECUTE format('COMMENT ON COLUMN churnkit.%I.%I IS %L', v.name, col.column_name, col.description);
        END LOOP;
        EXECUTE format('GRANT SELECT ON churnkit.%I TO churnkit_reader, churnkit_admin', v.name);
        n_views := n_views + 1;
        IF kind = 'm' THEN
            n_mat := n_mat + 1;
            mat_names := mat_names || v.name::text;
        END IF;
    END LOOP;

    -- 5. grants: the dashboard role, and whatever was granted on the old views
    GRANT USAGE ON SCHEMA churnkit TO churnkit_reader;
    FOR g IN SELECT DISTINCT s FROM unnest(acls) AS s LOOP
        EXECUTE g.s;
    END LOOP;

    RETURN format('churnkit.setup: %s; %s dashboard view%s%s, readable by churnkit_reader',
        sources, n_views, CASE WHEN n_views = 1 THEN '' ELSE 's' END,
        CASE WHEN n_mat > 0 THEN format(' (%s materialized: %s)', n_mat, array_to_string(mat_names, ', ')) ELSE '' END);
END
$$;
COMMENT ON FUNCTION setup(regclass, regclass, regclass, regclass, text[], boolean) IS
    'churnkit warehouse: validate the inputs and (re)create the input views and every dashboard view in schema churnkit';

-- ---------------------------------------------------------------------------
-- record_churn(): one row of the churn database, with what the inputs say
-- about the account at churned_at.
CREATE FUNCTION record_churn(
    account_id bigint,
    reason text,
    detail text DEFAULT NULL,
    churned_at timestamptz DEFAULT churnkit.as_of()
)
RETURNS churnkit.churn_events
LANGUAGE plpgsql VOLATILE
SET search_path = churnkit, pg_catalog, pg_temp
-- churnkit.as_of is set to churned_at below (set_config(..., true)); naming
-- it in a SET clause is what restores the caller's value when the call
-- returns (a SET LOCAL of a variable the SET clause does not name would
-- last until the end of the caller's transaction). The churned_at default
-- is evaluated by the caller, before this takes effect.
SET churnkit.as_of = ''
AS $$
DECLARE
    acc record;
    health record;
    lost double precision;
    result churnkit.churn_events;
BEGIN
    IF record_churn.account_id IS NULL THEN
        RAISE EXCEPTION 'record_churn: invalid account_id: NULL' USING ERRCODE = '22023';
    END IF;
    IF record_churn.churned_at IS NULL THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: NULL' USING ERRCODE = '22023';
    END IF;
    -- churnkit's time range, in core's words (core::time::check_timestamp):
    -- Postgres's own range goes 30 years further than churnkit computes
    IF NOT isfinite(record_churn.churned_at) THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: % is not a point in time', record_churn.churned_at
            USING ERRCODE = '22008';
    END IF;
    IF record_churn.churned_at > '294246-12-31 23:59:59.999999+00'::timestamptz THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: timestamp out of range (churnkit computes with 4714-11-24 BC to 294246-12-31 AD (UTC))'
            USING ERRCODE = '22008';
    END IF;
    IF to_regclass('churnkit.input_accounts') IS NULL OR to_regclass('churnkit.account_health') IS NULL
       OR to_regclass('churnkit.input_mrr') IS NULL THEN
        RAISE EXCEPTION 'record_churn: the warehouse is not set up'
            USING ERRCODE = '55000',
                  HINT = 'Run churnkit.setup(events => ..., accounts => ...) first.';
    END IF;

    SELECT a.signed_up_at, a.mrr INTO acc
    FROM churnkit.input_accounts a
    WHERE a.account_id = record_churn.account_id
    ORDER BY a.signed_up_at
    LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'record_churn: invalid account_id: account % is not in the accounts input', record_churn.account_id
            USING ERRCODE = '22023';
    END IF;
    -- a churn before the sign-up would be a negative tenure, which no
    -- lifetime statistic can use: refused here, so that it never reaches
    -- the views (churn_events also checks tenure_days >= 0)
    IF record_churn.churned_at < acc.signed_up_at THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: % is before account %''s sign-up (%)',
                record_churn.churned_at, record_churn.account_id, acc.signed_up_at
            USING ERRCODE = '22023';
    END IF;

    -- the account as the dashboards saw it at churned_at
    PERFORM pg_catalog.set_config('churnkit.as_of',
        pg_catalog.to_char(record_churn.churned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00"'), true);
    SELECT h.health_tier, h.activity_trend INTO health
    FROM churnkit.account_health h
    WHERE h.account_id = record_churn.account_id
    LIMIT 1;
    SELECT m.mrr INTO lost
    FROM churnkit.input_mrr m
    WHERE m.account_id = record_churn.account_id
      AND (m.month::timestamp AT TIME ZONE 'UTC') < record_churn.churned_at
    ORDER BY m.month DESC
    LIMIT 1;

    -- one churn per account and instant (churn_events' key): recording the
    -- same churn twice is refused by name, not by the key's raw error
    BEGIN
        INSERT INTO churnkit.churn_events AS e
            (account_id, churned_at, reason, detail, tenure_days, engagement_trend, last_health_tier, mrr_lost)
        VALUES (
            record_churn.account_id,
            record_churn.churned_at,
            record_churn.reason,
            record_churn.detail,
            extract(epoch FROM record_churn.churned_at - acc.signed_up_at)::double precision / 86400,
            health.activity_trend,
            health.health_tier,
            coalesce(lost, acc.mrr)
        )
        RETURNING e.* INTO result;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: account % already has a churn recorded at %',
                record_churn.account_id, record_churn.churned_at
            USING ERRCODE = '22023',
                  HINT = 'Each churn is recorded once; to correct it, UPDATE or DELETE its row of churnkit.churn_events.';
    END;
    RETURN result;
END
$$;
COMMENT ON FUNCTION record_churn(bigint, text, text, timestamptz) IS
    'churnkit churn database: record that an account churned (default: at churnkit.as_of()), with its tenure, engagement trend, last health tier and MRR lost computed from the inputs at that moment';

-- ---------------------------------------------------------------------------
-- refresh(): refresh the materialized dashboard views, in creation order.
-- Each view in its own subtransaction: a view that fails to refresh keeps
-- its previous rows and is reported by a WARNING naming it (SQLSTATE and
-- message of the failure); the others are refreshed all the same.
CREATE FUNCTION refresh()
RETURNS text[]
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
DECLARE
    v record;
    done text[] := '{}';
    failed text[] := '{}';
    state text;
    message text;
BEGIN
    -- a bad churnkit.as_of setting fails every view: an error, not warnings
    PERFORM churnkit.as_of();
    FOR v IN
        SELECT w.name,
               c.relispopulated AND EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                       WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL
                         AND 0 <> ALL (i.indkey::int2[])) AS keyed
        FROM churnkit.warehouse_views() w
        JOIN pg_catalog.pg_class c ON c.relname = w.name AND c.relnamespace = 'churnkit'::regnamespace
        WHERE c.relkind = 'm'
        ORDER BY w.ordinal
    LOOP
        BEGIN
            -- CONCURRENTLY (with the unique index setup() made): readers
            -- keep reading the old rows meanwhile, and an open reader
            -- transaction does not block the refresh
            EXECUTE format('REFRESH MATERIALIZED VIEW %s churnkit.%I',
                CASE WHEN v.keyed THEN 'CONCURRENTLY' ELSE '' END, v.name);
            done := done || v.name::text;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
            failed := failed || v.name::text;
            RAISE WARNING 'refresh: view churnkit.% was not refreshed (it keeps its previous rows): % (SQLSTATE %)',
                v.name, message, state;
        END;
    END LOOP;
    IF cardinality(failed) > 0 THEN
        RAISE WARNING 'refresh: % of % views not refreshed: %', cardinality(failed),
            cardinality(failed) + cardinality(done), array_to_string(failed, ', ');
    END IF;
    RETURN done;
END
$$;
COMMENT ON FUNCTION refresh() IS
    'churnkit warehouse: refresh the materialized dashboard views (setup(..., materialize => true)), each on its own; returns the names of the views refreshed (empty when every view is a plain view); a view that fails keeps its rows and is named in a WARNING';

-- setup, record_churn and refresh change the warehouse: not for everyone
-- (granted to churnkit_admin: GRANT churnkit_admin TO etl lets a data engineer run them)
REVOKE EXECUTE ON FUNCTION setup(regclass, regclass, regclass, regclass, text[], boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION record_churn(bigint, text, text, timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION refresh() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION setup(regclass, regclass, regclass, regclass, text[], boolean) TO churnkit_admin;
GRANT EXECUTE ON FUNCTION record_churn(bigint, text, text, timestamptz) TO churnkit_admin;
GRANT EXECUTE ON FUNCTION refresh() TO churnkit_admin;
