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
--     keeps its rows and is named in a WARNING, the others are refreshed.
--
-- The update test (pg_tests/update.sh) proves that after this script the
-- extension's objects equal a fresh 0.2.0 install, and that recorded churns
-- and stored summaries read back unchanged.

\echo Use "ALTER EXTENSION churnkit UPDATE TO '0.2.0'" to load this file. \quit

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
    IF record_churn.churned_at IS NULL OR NOT isfinite(record_churn.churned_at) THEN
        RAISE EXCEPTION 'record_churn: invalid churned_at: %', coalesce(record_churn.churned_at::text, 'NULL')
            USING ERRCODE = '22023';
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
LANGUAGE plpgsql VOLATILE
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
        SELECT w.name
        FROM churnkit.warehouse_views() w
        JOIN pg_catalog.pg_class c ON c.relname = w.name AND c.relnamespace = 'churnkit'::regnamespace
        WHERE c.relkind = 'm'
        ORDER BY w.ordinal
    LOOP
        BEGIN
            EXECUTE format('REFRESH MATERIALIZED VIEW churnkit.%I', v.name);
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

