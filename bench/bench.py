#!/usr/bin/env python3
"""churnkit benchmarks: one command, ratios measured in the same run.

    bash bench/run.sh                      # default: 50,000 accounts, >= 10M events
    bash bench/run.sh --accounts 5000      # a quick run

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
CHURNKIT = os.path.join(ROOT, "target", "release", "churnkit")
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


def datafusion(sql, parquet):
    secs, rss, out = child_peak_rss([CHURNKIT, "sql", "--format", "csv", "--table", f"events={parquet}", sql])
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


def duckdb(sql, parquet):
    code = ("import duckdb, sys; con = duckdb.connect(); con.execute(\"SET TimeZone='UTC'\"); "
            "print(','.join(str(x) for x in con.execute(sys.argv[1]).fetchone()))")
    secs, rss, out = child_peak_rss([sys.executable, "-c", code, sql.format(p=parquet)])
    return secs, rss, out.strip()


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    a = ap.parse_args()

    data = os.path.join(a.data, f"a{a.accounts}-d{a.days}-s{a.scale}-seed{a.seed}")
    parquet = os.path.join(data, "parquet", "events.parquet")
    if not os.path.exists(parquet):
        for fmt in ("parquet", "csv"):
            subprocess.run([CHURNKIT, "generate", "--accounts", str(a.accounts), "--days", str(a.days), "--scale", str(a.scale),
                            "--seed", str(a.seed), "--format", fmt, "--out", os.path.join(data, fmt)], check=True)
    csv_path = os.path.join(data, "csv", "events.csv")
    os.chmod(a.data, 0o755)

    print("loading Postgres ...", file=sys.stderr)
    load = (f"DROP TABLE IF EXISTS events; CREATE TABLE events (account_id bigint, user_id bigint, occurred_at timestamptz,"
            f" event_name text, duration_seconds double precision, is_key_action boolean);\n"
            f"\\copy events FROM '{csv_path}' WITH (FORMAT csv, HEADER true)\nVACUUM ANALYZE events;\nSELECT count(*), count(DISTINCT account_id) FROM events;")
    p = subprocess.run([PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=load, capture_output=True, text=True, check=True)
    events, accounts = map(int, p.stdout.strip().splitlines()[-1].split("|"))
    print(f"{events} events over {accounts} accounts", file=sys.stderr)

    R = {}
    plan = [
        ("pg_engagement_churnkit", lambda: pg(PG_ENGAGEMENT_CHURNKIT)),
        ("pg_engagement_plain", lambda: pg(PG_ENGAGEMENT_PLAIN)),
        ("pg_scan_floor", lambda: pg(PG_SCAN_FLOOR)),
        ("pg_cohort_churnkit", lambda: pg(PG_COHORT_CHURNKIT)),
        ("pg_cohort_plain", lambda: pg(PG_COHORT_PLAIN)),
        # Postgres's own defaults (max_parallel_workers_per_gather = 2, default
        # parallel costs): the plan each query gets on an untuned server
        ("pg_cohort_churnkit_pg_defaults", lambda: pg(PG_COHORT_CHURNKIT, 2)),
        ("pg_cohort_plain_pg_defaults", lambda: pg(PG_COHORT_PLAIN, 2)),
        ("pg_engagement_churnkit_2_workers", lambda: pg(PG_ENGAGEMENT_CHURNKIT, 2, "SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;")),
        ("pg_cohort_churnkit_2_workers", lambda: pg(PG_COHORT_CHURNKIT, 2, "SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;")),
        ("df_engagement_churnkit", lambda: datafusion(DF_ENGAGEMENT_CHURNKIT, parquet)),
        ("df_engagement_plain", lambda: datafusion(DF_ENGAGEMENT_PLAIN, parquet)),
        ("df_cohort_churnkit", lambda: datafusion(DF_COHORT_CHURNKIT, parquet)),
        ("df_cohort_plain", lambda: datafusion(DF_COHORT_PLAIN, parquet)),
        ("duckdb_engagement_plain", lambda: duckdb(DUCK_ENGAGEMENT, parquet)),
        ("duckdb_cohort_plain", lambda: duckdb(DUCK_COHORT, parquet)),
        ("cli_run_every_view", lambda: cli_run(os.path.dirname(parquet), os.path.join(data, "run-out"))),
        ("cli_run_every_view_csv_inputs", lambda: cli_run(os.path.dirname(csv_path), os.path.join(data, "run-out-csv"), "csv")),
        ("cli_demo_default", lambda: cli_demo(os.path.join(a.data, "demo-out"))),
    ]
    for name, fn in plan:
        print(f"{name} ...", file=sys.stderr)
        R[name] = measure(fn, a.repeat)
        print(f"  {R[name]['seconds']:.3f} s, {R[name]['peak_mib']:.0f} MiB, result {R[name]['result']}", file=sys.stderr)

    def ratio(slow, fast):
        return R[slow]["seconds"] / R[fast]["seconds"]

    ratios = [
        ("Postgres engagement: plain SQL ÷ engagement_agg", ratio("pg_engagement_plain", "pg_engagement_churnkit"), "≥ 2"),
        ("Postgres engagement: engagement_agg ÷ bare count(*) GROUP BY", ratio("pg_engagement_churnkit", "pg_scan_floor"), "≤ 2"),
        ("Postgres cohort matrix: plain SQL ÷ activity_agg + retention_counts", ratio("pg_cohort_plain", "pg_cohort_churnkit"), "≥ 3"),
        ("Postgres cohort matrix: plain SQL ÷ bare count(*) GROUP BY (the ceiling of the ratio above)", ratio("pg_cohort_plain", "pg_scan_floor"), "-"),
        ("Postgres cohort matrix with Postgres's default parallel settings: plain SQL ÷ churnkit", ratio("pg_cohort_plain_pg_defaults", "pg_cohort_churnkit_pg_defaults"), "≥ 3"),
        ("Postgres engagement_agg: 0 workers ÷ 2 workers",  ratio("pg_engagement_churnkit", "pg_engagement_churnkit_2_workers"), "≥ 1.6"),
        ("Postgres cohort: 0 workers ÷ 2 workers", ratio("pg_cohort_churnkit", "pg_cohort_churnkit_2_workers"), "≥ 1.6"),
        ("DataFusion engagement: plain SQL ÷ churnkit", ratio("df_engagement_plain", "df_engagement_churnkit"), "> 1"),
        ("DataFusion cohort: plain SQL ÷ churnkit", ratio("df_cohort_plain", "df_cohort_churnkit"), "> 1"),
        ("engagement: DuckDB plain ÷ churnkit on DataFusion", ratio("duckdb_engagement_plain", "df_engagement_churnkit"), "≥ 1"),
        ("cohort: DuckDB plain ÷ churnkit on DataFusion", ratio("duckdb_cohort_plain", "df_cohort_churnkit"), "≥ 1"),
    ]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    import duckdb as _duck
    meta = {"events": events, "accounts": accounts, "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 2**20, 1),
            "postgres": subprocess.run([PSQL, "-X", "-A", "-t", "-c", "SHOW server_version"], capture_output=True, text=True).stdout.strip(),
            "duckdb": _duck.__version__, "repeat": a.repeat,
            "command": " ".join(["bash bench/run.sh"] + sys.argv[1:]), "date": time.strftime("%Y-%m-%d")}
    with open(os.path.join(ROOT, "bench", "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": R, "ratios": ratios}, f, indent=1)
    write_markdown(a.out, meta, R, ratios)
    print(open(a.out).read())


def write_markdown(path, meta, R, ratios):
    lines = [
        "# churnkit benchmarks", "",
        f"Produced by `{meta['command']}` on {meta['date']}: {meta['cores']} cores ({meta['cpu']}), {meta['memory_gib']} GiB,",
        f"PostgreSQL {meta['postgres']}, DataFusion 55 (churnkit CLI, release build), DuckDB {meta['duckdb']}.",
        f"Data: {meta['events']:,} events over {meta['accounts']:,} accounts from the seeded generator",
        "(`churnkit generate`), in a Postgres table (loaded with COPY, VACUUM ANALYZE) and one Parquet file.",
        f"Each query ran once to warm up, then {meta['repeat']} times; the median is shown. Ratios compare",
        "runs of the same invocation, never absolute times across machines.", "",
        "## Ratios", "", "| comparison | ratio | target |", "|---|---|---|",
    ]
    for name, r, target in ratios:
        lines.append(f"| {name} | {r:.2f}× | {target} |")
    lines += ["", "## Runs", "", "| run | median s | peak RSS MiB | result |", "|---|---|---|---|"]
    for name, r in R.items():
        lines.append(f"| {name} | {r['seconds']:.3f} | {r['peak_mib']:.0f} | {r['result']} |")
    lines += ["", "Peak RSS: Postgres = the backend running the query (parallel workers not included);",
              "DataFusion = the `churnkit sql` process; DuckDB = the Python process running duckdb.",
              "`cli_run_every_view` = `churnkit run` on these events plus the generated accounts, mrr and tickets",
              "(all twelve views and report.html, Parquet out), from the Parquet files or (`_csv_inputs`) the same data as CSV;",
              "`cli_demo_default` = `churnkit demo` (generates",
              "the default 2000-account data set, then runs it). Their result is the first line they print.", ""]
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
