-- churnkit 0.1.0 -> 0.2.0 (ALTER EXTENSION churnkit UPDATE TO '0.2.0').
--
-- What changes in SQL objects (CHANGELOG.md has the whole list; the C
-- functions keep their SQL signatures, their new behaviour comes with the
-- new shared library):
--   * record_churn() refuses a churned_at before the account's sign-up
--     (22023): a negative tenure broke refresh() and customer_lifetime /
--     saas_metrics for every reader;
--   * churn_events checks tenure_days >= 0 (a row of 0.1.0 that breaks the
--     rule is kept: the constraint is then left NOT VALID, with a WARNING
--     naming the rows to fix);
--   * refresh() refreshes each materialized view on its own: one that fails
--     keeps its rows and is named in a WARNING, the others are refreshed;
--     CONCURRENTLY where setup() gave the view its row key (a unique
--     index), so readers and refresh() never wait for each other;
--   * least privilege: the role churnkit_admin (its members run setup(),
--     record_churn() and refresh(), correct churn_events, read every view,
--     without CREATE on schema churnkit); setup() and refresh() are
--     SECURITY DEFINER; setup() serialises on a lock of churn_events that a
--     role without privileges cannot take (not an advisory lock any login
--     could hold); USAGE on schema churnkit for PUBLIC (the functions are
--     for every role, the views stay churnkit_reader's and churnkit_admin's).
--     Views made by a 0.1.0 setup() keep working; run setup() again to give
--     them their row keys and churnkit_admin's grants;
--   * the summary types get =, <>, <, <=, >, >= and default btree and hash
--     operator classes (DISTINCT, UNION, GROUP BY on a summary).
--   * input_contract() describes events.is_key_action in words that fit both
--     engines (the contract is now generated from sql/input_contract.md for
--     Postgres and the CLI alike).
--
-- The update test (pg_tests/update.sh) proves that after this script the
-- extension's objects equal a fresh 0.2.0 install, and that recorded churns
-- and stored summaries read back unchanged.

\echo Use "ALTER EXTENSION churnkit UPDATE TO '0.2.0'" to load this file. \quit

-- Least privilege (0.2.0).
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

CREATE  FUNCTION "warehouse_view_keys"() RETURNS TABLE (
	"name" TEXT,  /* & '_ str */
	"key" TEXT[]  /* Vec < & '_ str > */
)
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'warehouse_view_keys_wrapper';

-- The input contract, rendered from sql/input_contract.md by build.rs (a
-- fresh install gets the same text): one description changed.
CREATE OR REPLACE FUNCTION input_contract()
RETURNS TABLE (input text, ordinal integer, column_name text, family text, optional boolean, description text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = churnkit, pg_catalog, pg_temp
AS $$
    SELECT * FROM (VALUES
        ('events',   1, 'account_id',        'id',        false, 'the account of the event'),
        ('events',   2, 'user_id',           'id',        false, 'the user of the account who acted'),
        ('events',   3, 'occurred_at',       'timestamp', false, 'when the event happened'),
        ('events',   4, 'event_name',        'text',      false, 'what happened'),
        ('events',   5, 'duration_seconds',  'number',    true,  'active time of the event in seconds (NULL: unknown)'),
        ('events',   6, 'is_key_action',     'boolean',   false, 'whether the event is a key action (or derived: event_name in key_events)'),
        ('accounts', 1, 'account_id',        'id',        false, 'the account'),
        ('accounts', 2, 'name',              'text',      false, 'account name'),
        ('accounts', 3, 'signed_up_at',      'timestamp', false, 'when the account signed up'),
        ('accounts', 4, 'plan',              'text',      false, 'current plan'),
        ('accounts', 5, 'mrr',               'number',    false, 'current monthly recurring revenue'),
        ('accounts', 6, 'seats_purchased',   'id',        true,  'seats paid for (NULL: not seat-based)'),
        ('accounts', 7, 'renewal_at',        'timestamp', true,  'next renewal date (NULL: none)'),
        ('accounts', 8, 'churned_at',        'timestamp', true,  'when the account churned (NULL: still a customer)'),
        ('accounts', 9, 'churn_reason',      'text',      true,  'why the account churned'),
        ('mrr',      1, 'account_id',        'id',        false, 'the account'),
        ('mrr',      2, 'month',             'month',     false, 'a paid month (first day of the month)'),
        ('mrr',      3, 'mrr',               'number',    false, 'MRR of the account in that month'),
        ('tickets',  1, 'account_id',        'id',        false, 'the account that opened the ticket'),
        ('tickets',  2, 'opened_at',         'timestamp', false, 'when the ticket was opened'),
        ('tickets',  3, 'first_response_at', 'timestamp', false, 'first response of support (NULL: none yet)'),
        ('tickets',  4, 'resolved_at',       'timestamp', true,  'when the ticket was resolved (NULL: open)')
    ) AS c(input, ordinal, column_name, family, optional, description)
    ORDER BY 1, 2
$$;

CREATE OR REPLACE FUNCTION _input_select(input text, source regclass, key_events text[] DEFAULT NULL)
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

CREATE OR REPLACE FUNCTION setup(
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

CREATE OR REPLACE FUNCTION record_churn(
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

ALTER TABLE churn_events
    ADD CONSTRAINT churn_events_tenure_days_check CHECK (tenure_days >= 0) NOT VALID;
DO $$
DECLARE
    bad bigint;
BEGIN
    SELECT count(*) INTO bad FROM churnkit.churn_events WHERE tenure_days < 0;
    IF bad = 0 THEN
        ALTER TABLE churnkit.churn_events VALIDATE CONSTRAINT churn_events_tenure_days_check;
    ELSE
        RAISE WARNING 'churnkit 0.2.0: % row(s) of churnkit.churn_events have a churned_at before the sign-up (tenure_days < 0); they are kept, and the check churn_events_tenure_days_check stays NOT VALID until they are fixed', bad
            USING HINT = 'SELECT * FROM churnkit.churn_events WHERE tenure_days < 0; fix or delete them, then ALTER TABLE churnkit.churn_events VALIDATE CONSTRAINT churn_events_tenure_days_check';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION refresh()
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

GRANT EXECUTE ON FUNCTION setup(regclass, regclass, regclass, regclass, text[], boolean) TO churnkit_admin;
GRANT EXECUTE ON FUNCTION record_churn(bigint, text, text, timestamptz) TO churnkit_admin;
GRANT EXECUTE ON FUNCTION refresh() TO churnkit_admin;

-- Equality, ordering and hashing for the summary types (0.2.0): so that
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
