#!/usr/bin/env python3
"""churnkit benchmarks: one command, ratios measured in the same run.

    bash bench/run.sh                      # default: 20,000 accounts, 7 M events, three row orders
    bash bench/run.sh --accounts 2000 --orders time   # a quick run

Data comes from the seeded generator (`churnkit generate`), loaded into a real
PostgreSQL table and written as a Parquet file. Each query runs once to warm
caches, then REPEAT times; the median is reported. Peak memory is the peak
RSS of the process that ran the query (Postgres: the backend, read from
/proc/PID/status VmHWM on a fresh connection; parallel workers are separate
processes and not included; DataFusion/DuckDB: the whole client process).
Results go to BENCHMARKS.md (and bench/results.json).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHURNKIT = os.environ.get("CHURNKIT_BIN", os.path.join(ROOT, "target", "release", "churnkit"))
PSQL = "/usr/lib/postgresql/15/bin/psql"


def child_peak_rss(args, **kw):
    """Run a process with os.wait4 to get its own peak RSS (MiB) and wall time."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({p.returncode}): {err.decode().strip()[-2000:]}")
    return secs, ru.ru_maxrss / 1024.0, out.decode()


# ---------------------------------------------------------------- Postgres

PG_ENGAGEMENT_CHURNKIT = """
SELECT count(*), round(sum(churnkit.engagement_score(s, 366))::numeric, 6)
FROM (SELECT account_id, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS s
      FROM events GROUP BY account_id) t"""

PG_ENGAGEMENT_PLAIN = """
SELECT count(*), round(sum(churnkit.engagement_score(minutes, days, keys, 366))::numeric, 6)
FROM (SELECT account_id,
             sum(coalesce(duration_seconds, 0)) / 60.0 AS minutes,
             count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date) AS days,
             count(*) FILTER (WHERE is_key_action) AS keys,
             min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events GROUP BY account_id) t"""

PG_SCAN_FLOOR = """
SELECT count(*) FROM (SELECT account_id, count(*) FROM events GROUP BY account_id) t"""

PG_COHORT_CHURNKIT = """
SELECT count(*), sum(r[1]), sum(cardinality(r))
FROM (SELECT churnkit.cohort_start(a) AS cohort, churnkit.retention_counts(a) AS r
      FROM (SELECT account_id, churnkit.activity_agg(occurred_at, 'month') AS a FROM events GROUP BY account_id) c
      GROUP BY 1) t"""

PG_COHORT_PLAIN = """
WITH first_seen AS (
    SELECT account_id, date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC') AS cohort
    FROM events GROUP BY account_id),
active AS (
    SELECT DISTINCT account_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC') AS month FROM events),
matrix AS (
    SELECT f.cohort,
           (extract(year FROM a.month) - extract(year FROM f.cohort)) * 12
             + extract(month FROM a.month) - extract(month FROM f.cohort) AS period,
           count(*) AS customers
    FROM first_seen f JOIN active a USING (account_id)
    GROUP BY 1, 2)
SELECT count(DISTINCT cohort), sum(customers) FILTER (WHERE period = 0), count(*) FROM matrix"""


FUNNEL_NAMES = ("login", "create_report", "export_data")
FUNNEL_LEVELS = ("count(*), count(*) FILTER (WHERE l = 1), count(*) FILTER (WHERE l = 2), "
                 "count(*) FILTER (WHERE l = 3)")

PG_FUNNEL_CHURNKIT = f"""
SELECT {FUNNEL_LEVELS}
FROM (SELECT account_id, churnkit.window_funnel(interval '7 days', occurred_at,
             ARRAY[event_name = 'login', event_name = 'create_report', event_name = 'export_data']) AS l
      FROM events GROUP BY account_id) t"""

# The same levels in plain SQL (ClickHouse windowFunnel semantics, default
# mode): a step-2 event continues the chain of the latest step-1 event at or
# before it (events ordered by time, then step) if within 7 days of it; a
# step-3 event continues the latest valid step-2 chain the same way.
PLAIN_FUNNEL = """
WITH e AS (
    SELECT account_id, occurred_at AS t,
           CASE event_name WHEN 'login' THEN 1 WHEN 'create_report' THEN 2 ELSE 3 END AS step
    FROM {events} WHERE event_name IN ('login', 'create_report', 'export_data')),
c1 AS (
    SELECT account_id, t, step, max(t) FILTER (WHERE step = 1) OVER w AS s1
    FROM e WINDOW w AS (PARTITION BY account_id ORDER BY t, step ROWS UNBOUNDED PRECEDING)),
c2 AS (
    SELECT account_id, t, step, s1,
           max(CASE WHEN step = 2 AND t <= s1 + INTERVAL '7 days' THEN s1 END) OVER w AS s2
    FROM c1 WINDOW w AS (PARTITION BY account_id ORDER BY t, step ROWS UNBOUNDED PRECEDING)),
lv AS (
    SELECT account_id,
           max(CASE WHEN step = 3 AND t <= s2 + INTERVAL '7 days' THEN 3
                    WHEN step = 2 AND t <= s1 + INTERVAL '7 days' THEN 2
                    WHEN step = 1 THEN 1 ELSE 0 END) AS l
    FROM c2 GROUP BY account_id),
accounts AS (SELECT DISTINCT account_id FROM {events})
SELECT {levels} FROM accounts a LEFT JOIN lv USING (account_id)"""

PG_FUNNEL_PLAIN = PLAIN_FUNNEL.format(events="events", levels=FUNNEL_LEVELS)

# ClickHouse's retention() example: active in a month, and in each later one
RET_MONTHS = ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01")


def month_conds(ts, fmt):
    return [fmt.format(ts=ts, a=a, b=b) for a, b in zip(RET_MONTHS, RET_MONTHS[1:])]


PG_RET_CONDS = month_conds("occurred_at", "{ts} >= '{a}T00:00:00Z' AND {ts} < '{b}T00:00:00Z'")
PG_RETENTION_CHURNKIT = f"""
SELECT count(*), sum(r[1]), sum(r[2]), sum(r[3])
FROM (SELECT account_id, churnkit.retention(ARRAY[{', '.join(PG_RET_CONDS)}]) AS r FROM events GROUP BY account_id) t"""

PLAIN_RETENTION = """
SELECT count(*), sum(c1), sum(c1 * c2), sum(c1 * c3)
FROM (SELECT account_id, max(CASE WHEN {0} THEN 1 ELSE 0 END) AS c1, max(CASE WHEN {1} THEN 1 ELSE 0 END) AS c2,
             max(CASE WHEN {2} THEN 1 ELSE 0 END) AS c3
      FROM {events} GROUP BY account_id) t"""
PG_RETENTION_PLAIN = PLAIN_RETENTION.format(*PG_RET_CONDS, events="events")


def pg(sql, workers=0, extra=""):
    # the backend reads its own peak RSS (VmHWM) after the query
    script = (f"SET max_parallel_workers_per_gather = {workers}; SET work_mem = '256MB'; {extra}\n"
              "\\timing on\n" + sql.strip() + ";\n\\timing off\n"
              "SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\\s+\\d+ kB');\n")
    p = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=script, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    ms = float(re.search(r"Time: ([0-9.]+) ms", p.stdout).group(1))
    hwm = re.search(r"VmHWM:\s+(\d+) kB", p.stdout)
    result = p.stdout.splitlines()[0].strip().replace("|", ",")  # psql -A separates with |
    return ms / 1000.0, (int(hwm.group(1)) / 1024.0 if hwm else float("nan")), result


# --------------------------------------------------------------- DataFusion

DF_ENGAGEMENT_CHURNKIT = """
SELECT count(*), round(sum(engagement_score(s, 366)), 6)
FROM (SELECT account_id, engagement_agg(occurred_at, duration_seconds, is_key_action) AS s
      FROM events GROUP BY account_id) t"""

DF_ENGAGEMENT_PLAIN = """
SELECT count(*), round(sum(engagement_score(minutes, days, keys, 366)), 6)
FROM (SELECT account_id,
             sum(coalesce(duration_seconds, 0)) / 60.0 AS minutes,
             count(DISTINCT date_trunc('day', occurred_at)) AS days,
             count(*) FILTER (WHERE is_key_action) AS keys,
             min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events GROUP BY account_id) t"""

DF_COHORT_CHURNKIT = """
SELECT count(*), sum(r[1]), sum(cardinality(r))
FROM (SELECT cohort_start(a) AS cohort, retention_counts(a) AS r
      FROM (SELECT account_id, activity_agg(occurred_at, 'month') AS a FROM events GROUP BY account_id) c
      GROUP BY 1) t"""

DF_COHORT_PLAIN = """
WITH first_seen AS (
    SELECT account_id, date_trunc('month', min(occurred_at)) AS cohort FROM events GROUP BY account_id),
active AS (
    SELECT DISTINCT account_id, date_trunc('month', occurred_at) AS month FROM events),
matrix AS (
    SELECT f.cohort,
           (date_part('year', a.month) - date_part('year', f.cohort)) * 12
             + date_part('month', a.month) - date_part('month', f.cohort) AS period,
           count(*) AS customers
    FROM first_seen f JOIN active a ON f.account_id = a.account_id
    GROUP BY 1, 2)
SELECT count(DISTINCT cohort), sum(CASE WHEN period = 0 THEN customers END), count(*) FROM matrix"""


DF_FUNNEL_CHURNKIT = """
SELECT count(*), sum(CASE WHEN l = 1 THEN 1 ELSE 0 END), sum(CASE WHEN l = 2 THEN 1 ELSE 0 END),
       sum(CASE WHEN l = 3 THEN 1 ELSE 0 END)
FROM (SELECT account_id, window_funnel(INTERVAL '7 days', occurred_at,
             make_array(event_name = 'login', event_name = 'create_report', event_name = 'export_data')) AS l
      FROM events GROUP BY account_id) t"""

DF_RETENTION_CHURNKIT = f"""
SELECT count(*), sum(r[1]), sum(r[2]), sum(r[3])
FROM (SELECT account_id, retention(make_array({', '.join(PG_RET_CONDS)})) AS r FROM events GROUP BY account_id) t"""


def datafusion(sql, parquet):
    tables = ["--table", f"events={parquet}"] if parquet else []
    secs, rss, out = child_peak_rss([CHURNKIT, "sql", "--format", "csv", *tables, sql])
    return secs, rss, out.strip().splitlines()[-1]


DUCK_ENGAGEMENT = """
SELECT count(*), round(sum(score), 6) FROM (
  SELECT 100 * (0.3 * least(1, minutes / 366 / 30) + 0.4 * least(1, days / 366 / 0.5) + 0.3 * least(1, keys / 366 / 1)) AS score
  FROM (SELECT account_id,
               sum(coalesce(duration_seconds, 0)) / 60.0 AS minutes,
               count(DISTINCT date_trunc('day', occurred_at)) AS days,
               count(*) FILTER (WHERE is_key_action) AS keys,
               min(occurred_at) AS first_at, max(occurred_at) AS last_at
        FROM read_parquet('{p}') GROUP BY account_id) m) t"""

DUCK_COHORT = """
WITH first_seen AS (
    SELECT account_id, date_trunc('month', min(occurred_at)) AS cohort FROM read_parquet('{p}') GROUP BY account_id),
active AS (
    SELECT DISTINCT account_id, date_trunc('month', occurred_at) AS month FROM read_parquet('{p}')),
matrix AS (
    SELECT f.cohort, date_diff('month', f.cohort, a.month) AS period, count(*) AS customers
    FROM first_seen f JOIN active a USING (account_id) GROUP BY 1, 2)
SELECT count(DISTINCT cohort), sum(customers) FILTER (WHERE period = 0), count(*) FROM matrix"""


DUCK_FUNNEL = PLAIN_FUNNEL.format(events="read_parquet('{p}')", levels=FUNNEL_LEVELS)
DUCK_RETENTION = PLAIN_RETENTION.format(*PG_RET_CONDS, events="read_parquet('{p}')")

# ClickHouse (chdb, in process, the same Parquet file), UTC
CH_FILE = "file('{p}', Parquet)"
CH_ENGAGEMENT = f"""
SELECT count(), round(sum(score), 6) FROM (
  SELECT 100 * (0.3 * least(1, minutes / 366 / 30) + 0.4 * least(1, days / 366 / 0.5) + 0.3 * least(1, keys / 366 / 1)) AS score
  FROM (SELECT account_id,
               sum(coalesce(duration_seconds, 0)) / 60.0 AS minutes,
               uniqExact(toDate(occurred_at, 'UTC')) AS days,
               countIf(is_key_action) AS keys,
               min(occurred_at) AS first_at, max(occurred_at) AS last_at
        FROM {CH_FILE} GROUP BY account_id))"""

CH_COHORT = f"""
WITH first_seen AS (
    SELECT account_id, toStartOfMonth(min(occurred_at), 'UTC') AS cohort FROM {CH_FILE} GROUP BY account_id),
active AS (
    SELECT DISTINCT account_id, toStartOfMonth(occurred_at, 'UTC') AS month FROM {CH_FILE}),
matrix AS (
    SELECT f.cohort AS cohort, dateDiff('month', f.cohort, a.month) AS period, count() AS customers
    FROM first_seen f JOIN active a USING (account_id) GROUP BY 1, 2)
SELECT uniqExact(cohort), sumIf(customers, period = 0), count() FROM matrix"""

# windowFunnel takes unsigned timestamps: microseconds since 1970, the window in µs
CH_FUNNEL = f"""
SELECT count(), countIf(l = 1), countIf(l = 2), countIf(l = 3)
FROM (SELECT account_id, windowFunnel(604800000000)(toUInt64(toUnixTimestamp64Micro(occurred_at)),
             event_name = 'login', event_name = 'create_report', event_name = 'export_data') AS l
      FROM {CH_FILE} GROUP BY account_id)"""

CH_RET_CONDS = month_conds("occurred_at", "{ts} >= toDateTime64('{a} 00:00:00', 6, 'UTC') AND {ts} < toDateTime64('{b} 00:00:00', 6, 'UTC')")
CH_RETENTION = f"""
SELECT count(), sum(r[1]), sum(r[2]), sum(r[3])
FROM (SELECT account_id, retention({', '.join(CH_RET_CONDS)}) AS r FROM {CH_FILE} GROUP BY account_id)"""


def clickhouse(sql, parquet):
    code = ("import chdb, sys; r = chdb.query(sys.argv[1], 'CSV'); "
            "print(str(r).strip().splitlines()[-1].replace('\"', ''))")
    secs, rss, out = child_peak_rss([sys.executable, "-c", code, sql.format(p=parquet)])
    return secs, rss, out.strip()


def duckdb(sql, parquet):
    code = ("import duckdb, sys; con = duckdb.connect(); con.execute(\"SET TimeZone='UTC'\"); con.execute('SET enable_progress_bar = false'); "
            "print(','.join(str(x) for x in con.execute(sys.argv[1]).fetchone()))")
    secs, rss, out = child_peak_rss([sys.executable, "-c", code, sql.format(p=parquet)])
    return secs, rss, out.strip().splitlines()[-1]


# ------------------------------------------------------- the ETL job (#4)

def cli_run(data_dir, out, ext="parquet"):
    """`churnkit run` on the four generated inputs: every view + report.html."""
    args = [CHURNKIT, "run", "--quiet", "--as-of", "2024-07-01T00:00:00Z", "--out", out]
    for t in ("events", "accounts", "mrr", "tickets"):
        args += [f"--{t}", os.path.join(data_dir, f"{t}.{ext}")]
    secs, rss, out_text = child_peak_rss(args)
    return secs, rss, out_text.strip().splitlines()[0]


def cli_demo(out):
    """`churnkit demo`: generate the default data set (2000 accounts, 540 days) and run it."""
    secs, rss, out_text = child_peak_rss([CHURNKIT, "demo", "--quiet", "--out", out])
    return secs, rss, out_text.strip().splitlines()[0]


def measure(fn, repeat):
    fn()  # warm-up (file cache, shared buffers)
    runs = [fn() for _ in range(repeat)]
    return {"seconds": statistics.median(r[0] for r in runs), "all_seconds": [round(r[0], 4) for r in runs],
            "peak_mib": max(r[1] for r in runs), "result": runs[-1][2]}


ORDERS = ("account", "time", "random")
ORDER_TEXT = {"account": "each account's events together (in time order)",
              "time": "in time order, accounts interleaved (an append-only event table)",
              "random": "in no order (rows shuffled)"}


def plan_of(parquet, data, order):
    """(name, function) of every run on one data set."""
    par = "SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;"
    plan = [
        ("pg_engagement_churnkit", lambda: pg(PG_ENGAGEMENT_CHURNKIT)),
        ("pg_engagement_plain", lambda: pg(PG_ENGAGEMENT_PLAIN)),
        ("pg_scan_floor", lambda: pg(PG_SCAN_FLOOR)),
        ("pg_cohort_churnkit", lambda: pg(PG_COHORT_CHURNKIT)),
        ("pg_cohort_plain", lambda: pg(PG_COHORT_PLAIN)),
        ("pg_funnel_churnkit", lambda: pg(PG_FUNNEL_CHURNKIT)),
        ("pg_funnel_plain", lambda: pg(PG_FUNNEL_PLAIN)),
        ("pg_retention_churnkit", lambda: pg(PG_RETENTION_CHURNKIT)),
        ("pg_retention_plain", lambda: pg(PG_RETENTION_PLAIN)),
        ("pg_engagement_churnkit_2_workers", lambda: pg(PG_ENGAGEMENT_CHURNKIT, 2, par)),
        ("pg_cohort_churnkit_2_workers", lambda: pg(PG_COHORT_CHURNKIT, 2, par)),
        ("df_engagement_churnkit", lambda: datafusion(DF_ENGAGEMENT_CHURNKIT, parquet)),
        ("df_engagement_plain", lambda: datafusion(DF_ENGAGEMENT_PLAIN, parquet)),
        ("df_cohort_churnkit", lambda: datafusion(DF_COHORT_CHURNKIT, parquet)),
        ("df_cohort_plain", lambda: datafusion(DF_COHORT_PLAIN, parquet)),
        ("df_funnel_churnkit", lambda: datafusion(DF_FUNNEL_CHURNKIT, parquet)),
        ("df_retention_churnkit", lambda: datafusion(DF_RETENTION_CHURNKIT, parquet)),
        ("duckdb_engagement_plain", lambda: duckdb(DUCK_ENGAGEMENT, parquet)),
        ("duckdb_cohort_plain", lambda: duckdb(DUCK_COHORT, parquet)),
        ("duckdb_funnel_plain", lambda: duckdb(DUCK_FUNNEL, parquet)),
        ("duckdb_retention_plain", lambda: duckdb(DUCK_RETENTION, parquet)),
        ("clickhouse_engagement_plain", lambda: clickhouse(CH_ENGAGEMENT, parquet)),
        ("clickhouse_cohort_plain", lambda: clickhouse(CH_COHORT, parquet)),
        ("clickhouse_windowFunnel", lambda: clickhouse(CH_FUNNEL, parquet)),
        ("clickhouse_retention", lambda: clickhouse(CH_RETENTION, parquet)),
    ]
    if order == "time":
        # the ETL job on the generator's default layout
        plan += [
            ("cli_run_every_view", lambda: cli_run(os.path.dirname(parquet), os.path.join(data, "run-out"))),
            ("cli_run_every_view_csv_inputs",
             lambda: cli_run(os.path.join(data, "csv"), os.path.join(data, "run-out-csv"), "csv")),
            ("cli_demo_default", lambda: cli_demo(os.path.join(data, "demo-out"))),
        ]
    return plan


# (comparison, slower run, faster run, target): slower ÷ faster, per order
RATIOS = [
    ("DataFusion cohort matrix: DuckDB plain SQL ÷ churnkit", "duckdb_cohort_plain", "df_cohort_churnkit", "≥ 2"),
    ("DataFusion cohort matrix: ClickHouse plain SQL ÷ churnkit", "clickhouse_cohort_plain", "df_cohort_churnkit", "≥ 2"),
    ("DataFusion engagement: DuckDB plain SQL ÷ churnkit", "duckdb_engagement_plain", "df_engagement_churnkit", "≥ 2"),
    ("DataFusion engagement: ClickHouse plain SQL ÷ churnkit", "clickhouse_engagement_plain", "df_engagement_churnkit", "≥ 2"),
    ("funnel: ClickHouse windowFunnel ÷ window_funnel on DataFusion", "clickhouse_windowFunnel", "df_funnel_churnkit", "≥ 1 (aim 1.5)"),
    ("funnel: DuckDB plain SQL ÷ window_funnel on DataFusion", "duckdb_funnel_plain", "df_funnel_churnkit", "-"),
    ("funnel: Postgres plain SQL ÷ window_funnel (serial)", "pg_funnel_plain", "pg_funnel_churnkit", "-"),
    ("retention: ClickHouse retention ÷ retention on DataFusion", "clickhouse_retention", "df_retention_churnkit", "-"),
    ("retention: DuckDB plain SQL ÷ retention on DataFusion", "duckdb_retention_plain", "df_retention_churnkit", "-"),
    ("retention: Postgres plain SQL ÷ retention (serial)", "pg_retention_plain", "pg_retention_churnkit", "-"),
    ("DataFusion engagement: plain SQL ÷ churnkit", "df_engagement_plain", "df_engagement_churnkit", "> 1"),
    ("DataFusion cohort: plain SQL ÷ churnkit", "df_cohort_plain", "df_cohort_churnkit", "> 1"),
    ("Postgres engagement: plain SQL ÷ engagement_agg (serial)", "pg_engagement_plain", "pg_engagement_churnkit", "≥ 2 (time order)"),
    ("Postgres engagement: engagement_agg ÷ bare count(*) GROUP BY", "pg_engagement_churnkit", "pg_scan_floor", "≤ 1.5"),
    ("Postgres cohort matrix: plain SQL ÷ activity_agg + retention_counts (serial)", "pg_cohort_plain", "pg_cohort_churnkit", "≥ 2.5 (time order)"),
    ("Postgres cohort matrix: activity_agg + retention_counts ÷ bare count(*) GROUP BY", "pg_cohort_churnkit", "pg_scan_floor", "≤ 1.5"),
    ("Postgres cohort matrix: plain SQL ÷ bare count(*) GROUP BY (the ceiling of the plain ÷ churnkit ratio)", "pg_cohort_plain", "pg_scan_floor", "-"),
    ("Postgres engagement_agg: 0 workers ÷ 2 workers", "pg_engagement_churnkit", "pg_engagement_churnkit_2_workers", "≥ 1.7"),
    ("Postgres cohort: 0 workers ÷ 2 workers", "pg_cohort_churnkit", "pg_cohort_churnkit_2_workers", "≥ 1.7"),
]

# runs that must give the same first line (same data, same question)
SAME_RESULT = [
    ("pg_engagement_churnkit", "pg_engagement_plain", "df_engagement_churnkit", "df_engagement_plain", "duckdb_engagement_plain", "clickhouse_engagement_plain"),
    ("pg_cohort_churnkit", "pg_cohort_plain", "df_cohort_churnkit", "df_cohort_plain", "duckdb_cohort_plain", "clickhouse_cohort_plain"),
    ("pg_funnel_churnkit", "pg_funnel_plain", "df_funnel_churnkit", "duckdb_funnel_plain", "clickhouse_windowFunnel"),
    ("pg_retention_churnkit", "pg_retention_plain", "df_retention_churnkit", "duckdb_retention_plain", "clickhouse_retention"),
]


# ----------------------------------------- survival_agg in any order (#10, item 4)

SURVIVAL_ORDERS = ("increasing", "decreasing", "shuffled")
SURVIVAL_TEXT = {"increasing": "tenures increasing (newest customers first)",
                 "decreasing": "tenures decreasing (sign-up order: oldest customers first)",
                 "shuffled": "tenures in no order (a multiplicative permutation)"}


def survival_customer(order, i, n):
    """Customer k (0..n-1) at row i in a row order, no sort needed: tenure k / 10 days, churned unless k % 3 = 0."""
    return {"increasing": f"{i}", "decreasing": f"({n} - 1 - {i})",
            # i -> i * 7919 mod n permutes 0..n-1 when n is not a multiple of 7919 (a prime)
            "shuffled": f"(({i} * 7919) % {n})"}[order]


def survival_plan(order, n):
    pg_k = survival_customer(order, "i", n)
    df_k = survival_customer(order, "value", n)
    pg_t, df_t = f"{pg_k} / 10.0", f"{df_k} / 10.0"
    # the median lifetime and S(t) at the middle tenure, in thousandths (integers: engines print floats differently)
    mid = n / 20.0
    pg_sql = (f"SELECT floor(churnkit.median_lifetime(s) * 1000)::bigint, floor(churnkit.survival_at(s, {mid}) * 1e9)::bigint "
              f"FROM (SELECT churnkit.survival_agg(t, c) AS s FROM "
              f"(SELECT ({pg_t})::float8 AS t, {pg_k} % 3 <> 0 AS c FROM generate_series(0::bigint, {n - 1}) i) x) y")
    df_sql = (f"SELECT CAST(floor(median_lifetime(s) * 1000) AS BIGINT), CAST(floor(survival_at(s, {mid}) * 1e9) AS BIGINT) "
              f"FROM (SELECT survival_agg(t, c) AS s FROM "
              f"(SELECT CAST({df_t} AS DOUBLE) AS t, {df_k} % 3 <> 0 AS c FROM range({n})) x) y")
    # the floor: the engine only reading and hashing the same tenures
    pg_floor = f"SELECT count(DISTINCT t) FROM (SELECT ({pg_t})::float8 AS t FROM generate_series(0::bigint, {n - 1}) i) x"
    df_floor = f"SELECT count(DISTINCT t) FROM (SELECT CAST({df_t} AS DOUBLE) AS t FROM range({n})) x"
    return [
        ("pg_survival_agg", lambda: pg(pg_sql)),
        ("pg_survival_floor_count_distinct", lambda: pg(pg_floor)),
        ("df_survival_agg", lambda: datafusion(df_sql, None)),
        ("df_survival_floor_count_distinct", lambda: datafusion(df_floor, None)),
    ]


def load_postgres(csv_path):
    load = (f"DROP TABLE IF EXISTS events; CREATE TABLE events (account_id bigint, user_id bigint, occurred_at timestamptz,"
            f" event_name text, duration_seconds double precision, is_key_action boolean);\n"
            f"\\copy events FROM '{csv_path}' WITH (FORMAT csv, HEADER true)\nVACUUM ANALYZE events;\n"
            "SELECT count(*), count(DISTINCT account_id) FROM events;")
    p = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=load, capture_output=True, text=True, check=True)
    return tuple(map(int, p.stdout.strip().splitlines()[-1].split("|")))


def checkpoint(R, S=None):
    """Every finished run, so a failure late in the script loses no measurement."""
    with open(os.path.join(ROOT, "bench", "results.partial.json"), "w") as f:
        json.dump({"runs": R, "survival": S}, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--orders", default=",".join(ORDERS), help="comma-separated: account, time, random")
    ap.add_argument("--only", default="", help="a regular expression: run only the matching runs (for profiling)")
    ap.add_argument("--survival-rows", type=int, default=1_000_000, help="customers of the survival_agg runs (0: skip)")
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    a = ap.parse_args()
    assert a.survival_rows % 7919 != 0, "--survival-rows: not a multiple of 7919 (the shuffle's multiplier)"
    orders = [o for o in a.orders.split(",") if o]
    assert all(o in ORDERS for o in orders), orders

    R, meta_data, mismatches = {}, {}, []
    for order in orders:
        data = os.path.join(a.data, f"a{a.accounts}-d{a.days}-s{a.scale}-seed{a.seed}-{order}")
        parquet = os.path.join(data, "parquet", "events.parquet")
        csv_path = os.path.join(data, "csv", "events.csv")
        if not os.path.exists(parquet) or not os.path.exists(csv_path):
            for fmt in ("parquet", "csv"):
                subprocess.run([CHURNKIT, "generate", "--accounts", str(a.accounts), "--days", str(a.days), "--scale", str(a.scale),
                                "--seed", str(a.seed), "--order", order, "--format", fmt, "--out", os.path.join(data, fmt)],
                               check=True, stdout=subprocess.DEVNULL)
        os.chmod(a.data, 0o755)
        print(f"[{order}] loading Postgres ...", file=sys.stderr)
        events, accounts = load_postgres(csv_path)
        meta_data[order] = {"events": events, "accounts": accounts, "parquet_mib": round(os.path.getsize(parquet) / 2**20, 1)}
        print(f"[{order}] {events} events over {accounts} accounts", file=sys.stderr)
        R[order] = {}
        for name, fn in plan_of(parquet, data, order):
            if a.only and not re.search(a.only, name):
                continue
            print(f"[{order}] {name} ...", file=sys.stderr)
            R[order][name] = measure(fn, a.repeat)
            checkpoint(R)
            r = R[order][name]
            print(f"  {r['seconds']:.3f} s, {r['peak_mib']:.0f} MiB, result {r['result']}", file=sys.stderr)
        for group in SAME_RESULT:
            got = {n: R[order][n]["result"] for n in group if n in R[order]}
            if len(set(got.values())) > 1:
                print(f"[{order}] RESULTS DIFFER: {got}", file=sys.stderr)
                mismatches.append((order, got))

    S = {}
    if a.survival_rows:
        for order in SURVIVAL_ORDERS:
            S[order] = {}
            for name, fn in survival_plan(order, a.survival_rows):
                if a.only and not re.search(a.only, name):
                    continue
                print(f"[survival {order}] {name} ...", file=sys.stderr)
                S[order][name] = measure(fn, a.repeat)
                checkpoint(R, S)
                r = S[order][name]
                print(f"  {r['seconds']:.3f} s, {r['peak_mib']:.0f} MiB, result {r['result']}", file=sys.stderr)
        # the same customers in every order and engine: one answer
        got = {f"{n} ({o})": S[o][n]["result"] for o in SURVIVAL_ORDERS for n in ("pg_survival_agg", "df_survival_agg")
               if n in S[o]}
        if len(set(got.values())) > 1:
            print(f"[survival] RESULTS DIFFER: {got}", file=sys.stderr)
            mismatches.append(("survival", got))

    ratios = []
    for label, slow, fast, target in RATIOS:
        per = {o: (R[o][slow]["seconds"] / R[o][fast]["seconds"] if slow in R[o] and fast in R[o] else None) for o in orders}
        ratios.append((label, per, target))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    import duckdb as _duck
    import chdb as _chdb
    meta = {"data": meta_data, "orders": orders, "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 2**20, 1),
            "postgres": subprocess.run([PSQL, "-X", "-A", "-t", "-c", "SHOW server_version"], capture_output=True, text=True).stdout.strip(),
            "duckdb": _duck.__version__, "chdb": _chdb.__version__, "repeat": a.repeat,
            "command": " ".join(["bash bench/run.sh"] + sys.argv[1:]), "date": time.strftime("%Y-%m-%d"),
            "mismatches": mismatches, "survival_rows": a.survival_rows}
    if a.only:
        print(json.dumps({"runs": R, "survival": S, "ratios": ratios}, indent=1))
        return
    with open(os.path.join(ROOT, "bench", "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": R, "survival": S, "ratios": ratios}, f, indent=1)
    write_markdown(a.out, meta, R, ratios, S)
    print(open(a.out).read())
    if mismatches:
        raise SystemExit(f"results differ: {mismatches}")


def write_markdown(path, meta, R, ratios, S):
    orders = meta["orders"]
    first = meta["data"][orders[0]]
    lines = [
        "# churnkit benchmarks", "",
        f"Produced by `{meta['command']}` on {meta['date']}: {meta['cores']} cores ({meta['cpu']}), {meta['memory_gib']} GiB,",
        f"PostgreSQL {meta['postgres']}, DataFusion 55 (churnkit CLI, release build), DuckDB {meta['duckdb']},",
        f"ClickHouse through chdb {meta['chdb']} (in process, on the same Parquet file).",
        f"Data: {first['events']:,} events over {first['accounts']:,} accounts from the seeded generator",
        "(`churnkit generate`), the same rows in three physical orders (`--order`):",
        "", "| order | rows | Parquet MiB |", "|---|---|---|",
    ]
    for o in orders:
        lines.append(f"| {o}: {ORDER_TEXT[o]} | {meta['data'][o]['events']:,} | {meta['data'][o]['parquet_mib']} |")
    lines += [
        "", "Each data set is a Postgres table (loaded with COPY in that order, VACUUM ANALYZE) and one Parquet file.",
        f"Each query ran once to warm up, then {meta['repeat']} times; the median is shown. Ratios compare",
        "runs of the same invocation (slower ÷ faster: above 1 = churnkit ahead), never absolute times across machines.",
        ("Every group of runs answering the same question gave the same result (checked by the script)."
         if not meta["mismatches"] else f"**RESULTS DIFFER** (a bug to fix before reading on): {meta['mismatches']}"), "",
        "## Ratios", "", "| comparison | " + " | ".join(orders) + " | target |", "|---|" + "---|" * len(orders) + "---|",
    ]
    for name, per, target in ratios:
        cells = [f"{per[o]:.2f}×" if per.get(o) is not None else "–" for o in orders]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")
    names = list(dict.fromkeys(n for o in orders for n in R[o]))
    lines += ["", "## Runs", "", "median seconds / peak RSS MiB per order; result = the first line of the answer", "",
              "| run | " + " | ".join(orders) + " | result |", "|---|" + "---|" * len(orders) + "---|"]
    for n in names:
        cells = [f"{R[o][n]['seconds']:.3f} / {R[o][n]['peak_mib']:.0f}" if n in R[o] else "–" for o in orders]
        result = next(R[o][n]["result"] for o in orders if n in R[o])
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {result} |")
    lines += ["", "Peak RSS: Postgres = the backend running the query (parallel workers not included);",
              "DataFusion = the `churnkit sql` process; DuckDB and ClickHouse = the Python process running duckdb / chdb.",
              "Postgres runs are serial (`max_parallel_workers_per_gather = 0`) unless named `_2_workers`.",
              "`cli_run_every_view` = `churnkit run` on these events plus the generated accounts, mrr and tickets",
              "(all twelve views and report.html, Parquet out), from the Parquet files or (`_csv_inputs`) the same data as CSV;",
              "`cli_demo_default` = `churnkit demo` (generates",
              "the default 2000-account data set, then runs it). Their result is the first line they print.", ""]
    if S:
        so = [o for o in SURVIVAL_ORDERS if o in S]
        lines += ["## survival_agg in any order", "",
                  f"`survival_agg(tenure_days, churned)` over {meta['survival_rows']:,} customers with distinct tenures",
                  "(two in three churned), generated in the query (`generate_series` / `range`), in three row orders:",
                  "; ".join(f"{o} = {SURVIVAL_TEXT[o]}" for o in so) + ".",
                  "The floor is `count(DISTINCT t)` over the same tenures in the same engine. Median seconds / peak RSS MiB.", "",
                  "| run | " + " | ".join(so) + " | result |", "|---|" + "---|" * len(so) + "---|"]
        for n in dict.fromkeys(n for o in so for n in S[o]):
            cells = [f"{S[o][n]['seconds']:.3f} / {S[o][n]['peak_mib']:.0f}" if n in S[o] else "–" for o in so]
            lines.append(f"| {n} | " + " | ".join(cells) + f" | {next(S[o][n]['result'] for o in so if n in S[o])} |")
        lines += ["", "| ratio | " + " | ".join(so) + " |", "|---|" + "---|" * len(so)]
        for eng, label in (("pg", "Postgres"), ("df", "DataFusion")):
            base = S["increasing"].get(f"{eng}_survival_agg") if "increasing" in S else None
            if base:
                cells = [f"{S[o][f'{eng}_survival_agg']['seconds'] / base['seconds']:.2f}×" if f"{eng}_survival_agg" in S[o] else "–" for o in so]
                lines.append(f"| {label}: survival_agg ÷ survival_agg on increasing tenures | " + " | ".join(cells) + " |")
            cells = [f"{S[o][f'{eng}_survival_agg']['seconds'] / S[o][f'{eng}_survival_floor_count_distinct']['seconds']:.2f}×"
                     if f"{eng}_survival_agg" in S[o] and f"{eng}_survival_floor_count_distinct" in S[o] else "–" for o in so]
            lines.append(f"| {label}: survival_agg ÷ count(DISTINCT) floor | " + " | ".join(cells) + " |")
        lines.append("")
    # the hand-written analysis below the tables is kept across runs
    try:
        old = open(path).read()
        i = old.find("\n## Reading the results")
        if i >= 0:
            lines.append(old[i + 1:].rstrip("\n"))
            lines.append("")
    except FileNotFoundError:
        pass
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
