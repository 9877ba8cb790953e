#!/usr/bin/env python3
"""Cross-engine parity of every aggregate and accessor.

Generates a small synthetic SaaS dataset with `churnkit generate` (fixed
seed), loads the CSV files into Postgres and registers the Parquet files in
DataFusion, runs the same queries in both engines and requires identical
results (floats to 1e-9, arrays element-wise). Queries are the same SQL text
in both engines, except where a dialect forces a variant (noted per query).
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines"))
from engines import CHURNKIT_BIN, EngineError, diff_results, run_df, run_pg  # noqa: E402

ACCOUNTS = os.environ.get("PARITY_ACCOUNTS", "300")
SEED = os.environ.get("PARITY_SEED", "20261123")

PER_ACCOUNT = """
WITH e AS (
  SELECT account_id,
         engagement_agg(occurred_at, duration_seconds, is_key_action) AS s,
         activity_agg(occurred_at, 'month') AS am,
         activity_agg(occurred_at, 'week') AS aw,
         retention(ARRAY[event_name = 'login', event_name = 'create_report', is_key_action]) AS r,
         activity_trend(occurred_at, '2024-06-01', 28) AS trend
  FROM events GROUP BY account_id)
"""

EPOCH = "date_part('epoch', {})"

QUERIES = {
    "engagement_agg + accessors": PER_ACCOUNT + """
SELECT account_id, active_days(s) AS days, active_minutes(s) AS minutes, key_actions(s) AS keys,
       date_part('epoch', last_active_at(s)) AS last_at, engagement_score(s, 600) AS score
FROM e ORDER BY account_id""",
    "activity_agg accessors": PER_ACCOUNT + """
SELECT account_id, date_part('epoch', cohort_start(am)) AS cohort_m, date_part('epoch', cohort_start(aw)) AS cohort_w,
       is_active(am, 0) AS m0, is_active(am, 1) AS m1, is_active(am, 3) AS m3, is_active(aw, 2) AS w2,
       lifecycle_state(am, '2024-03-01') AS mar, lifecycle_state(am, '2024-06-15') AS jun,
       lifecycle_state(aw, '2024-06-10') AS week
FROM e ORDER BY account_id""",
    "retention_counts (cohort matrix)": PER_ACCOUNT + """
SELECT date_part('epoch', cohort_start(am)) AS cohort, retention_counts(am) AS classic,
       retention_counts(am, 'unbounded') AS unbounded
FROM e GROUP BY 1 ORDER BY 1""",
    "retention + activity_trend": PER_ACCOUNT + """
SELECT account_id, r, trend FROM e ORDER BY account_id""",
    "window_funnel (every mode)": """
SELECT account_id,
       window_funnel(INTERVAL '7 days', occurred_at, ARRAY[event_name = 'login', event_name = 'create_report', event_name = 'export_data']) AS plain,
       window_funnel(INTERVAL '7 days', occurred_at, ARRAY[event_name = 'login', event_name = 'create_report', event_name = 'export_data'], 'strict_order') AS so,
       window_funnel(INTERVAL '1 day', occurred_at, ARRAY[event_name = 'login', event_name = 'search', event_name = 'create_report'], 'strict_deduplication') AS sd,
       window_funnel(INTERVAL '2 days', occurred_at, ARRAY[event_name = 'login', event_name = 'view_dashboard', event_name = 'search', event_name = 'invite_user'], 'strict_increase') AS si,
       window_funnel(INTERVAL '30 days', occurred_at, ARRAY[is_key_action, event_name = 'invite_user'], 'strict_order,strict_increase') AS combo
FROM events GROUP BY account_id ORDER BY account_id""",
    "survival_agg + accessors": """
WITH t AS (
  SELECT plan,
         survival_agg((date_part('epoch', coalesce(churned_at, CAST('2024-07-01' AS TIMESTAMP))) - date_part('epoch', signed_up_at)) / 86400,
                      churned_at IS NOT NULL) AS s
  FROM accounts GROUP BY plan)
SELECT plan, survival_at(s, 30) AS s30, survival_at(s, 90) AS s90, survival_at(s, 365) AS s365, median_lifetime(s) AS median
FROM t ORDER BY plan""",
}

# survival_curve is set-returning in Postgres and a list of structs in DataFusion
SURVIVAL_CURVE = {
    "pg": """
WITH t AS (SELECT survival_agg((date_part('epoch', coalesce(churned_at, CAST('2024-07-01' AS TIMESTAMP))) - date_part('epoch', signed_up_at)) / 86400,
                               churned_at IS NOT NULL) AS s FROM accounts)
SELECT c.days, c.at_risk, c.churned, c.survival FROM t, survival_curve(t.s) AS c ORDER BY c.days""",
    "df": """
WITH t AS (SELECT survival_agg((date_part('epoch', coalesce(churned_at, CAST('2024-07-01' AS TIMESTAMP))) - date_part('epoch', signed_up_at)) / 86400,
                               churned_at IS NOT NULL) AS s FROM accounts),
p AS (SELECT unnest(survival_curve(s)) AS c FROM t)
SELECT c['days'] AS days, c['at_risk'] AS at_risk, c['churned'] AS churned, c['survival'] AS survival FROM p ORDER BY 1""",
}

PG_SCHEMA = {
    "accounts": "account_id bigint, name text, signed_up_at timestamptz, plan text, mrr double precision, seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text",
    "events": "account_id bigint, user_id bigint, occurred_at timestamptz, event_name text, duration_seconds double precision, is_key_action boolean",
}


def main():
    failures = checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        for fmt in ("csv", "parquet"):
            subprocess.run([CHURNKIT_BIN, "generate", "--accounts", ACCOUNTS, "--days", "400", "--seed", SEED,
                            "--format", fmt, "--out", os.path.join(tmp, fmt)], check=True, capture_output=True)
        setup = "".join(
            f"DROP TABLE IF EXISTS {t}; CREATE TEMP TABLE {t} ({cols});\n"
            f"\\copy {t} FROM '{os.path.join(tmp, 'csv', t + '.csv')}' WITH (FORMAT csv, HEADER true)\n"
            for t, cols in PG_SCHEMA.items())
        tables = {t: os.path.join(tmp, "parquet", f"{t}.parquet") for t in PG_SCHEMA}
        queries = [(n, q, q) for n, q in QUERIES.items()] + [("survival_curve", SURVIVAL_CURVE["pg"], SURVIVAL_CURVE["df"])]
        for name, pg_sql, df_sql in queries:
            checks += 1
            try:
                _, pg_rows = run_pg(pg_sql, setup=setup)
                _, df_rows = run_df(df_sql, tables=tables)
            except EngineError as e:
                failures += 1
                print(f"FAIL parity {name}: {e}")
                continue
            diffs = diff_results(pg_rows, df_rows, ("postgres", "datafusion"))
            non_null = sum(1 for r in pg_rows for c in r if c is not None)
            if diffs or not pg_rows:
                failures += 1
                print(f"FAIL parity {name}: {len(pg_rows)} rows")
                for d in diffs:
                    print("   ", d)
            else:
                print(f"ok   parity {name}: {len(pg_rows)} rows, {non_null} non-NULL values identical")
    print(f"parity (aggregates): {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
