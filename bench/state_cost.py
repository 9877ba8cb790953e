#!/usr/bin/env python3
"""Postgres cost of 0.2.0's hardening (docs/reliability.md) of the aggregate states, before and
after: the same queries on the same table, timed with churnkit 0.1.0's
release build and with the current one (see bench/state_cost.sh, which
builds and installs both and calls this once per build).

What changed on the per-row path: every timestamp is checked against
churnkit's range (two comparisons), and a state grows only through
try_reserve (a failed allocation is SQLSTATE 53200 instead of an abort).

  python3 bench/state_cost.py --label 0.1.0 --out RESULTS.json   # one build
  python3 bench/state_cost.py --report A.json B.json             # the table

Serial plans (max_parallel_workers_per_gather = 0); each query once to warm
up, then --repeat times; the median is kept. Ratios are of the same query
in the same session of runs, never absolute times.
"""
import argparse
import json
import statistics
import subprocess
import time

QUERIES = {
    "floor: count(*) GROUP BY account": "SELECT count(*) FROM (SELECT account_id, count(*) FROM bench_events GROUP BY 1) t",
    "engagement_agg per account": "SELECT count(*), sum(churnkit.active_days(s)) FROM (SELECT account_id, churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS s FROM bench_events GROUP BY 1) t",
    "cohort matrix (activity_agg + retention_counts)": "SELECT count(*) FROM (SELECT churnkit.cohort_start(a), churnkit.retention_counts(a) FROM (SELECT account_id, churnkit.activity_agg(occurred_at, 'month') AS a FROM bench_events GROUP BY 1) t GROUP BY 1) u",
    "window_funnel per account (3 steps, 7 days)": "SELECT sum(f) FROM (SELECT account_id, churnkit.window_funnel(interval '7 days', occurred_at, ARRAY[event_name = 'login', event_name = 'report', event_name = 'export']) AS f FROM bench_events GROUP BY 1) t",
    "activity_trend per account": "SELECT count(*) FROM (SELECT account_id, churnkit.activity_trend(occurred_at, timestamptz '2024-07-01', 14) FROM bench_events GROUP BY 1) t",
    "survival_agg over every event's age in whole days": "SELECT churnkit.median_lifetime(churnkit.survival_agg(floor(extract(epoch FROM timestamptz '2024-07-01' - occurred_at) / 86400), is_key_action)) FROM bench_events",
}

SETUP = """
DROP TABLE IF EXISTS bench_events;
CREATE TABLE bench_events AS
SELECT (i % %(accounts)s)::bigint AS account_id,
       timestamptz '2023-07-01' + (i::float8 / %(rows)s) * interval '365 days' AS occurred_at,
       (ARRAY['login', 'report', 'export', 'invite'])[1 + (i * 7919) %% 4] AS event_name,
       ((i * 104729) %% 900)::float8 AS duration_seconds,
       (i * 31) %% 5 = 0 AS is_key_action
FROM generate_series(1::bigint, %(rows)s) i;
"""


def psql(db, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def run(args):
    db = args.db
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"], check=True)
    subprocess.run(["psql", "-X", "-q", "-d", "postgres", "-c", f"CREATE DATABASE {db}"], check=True)
    psql(db, "CREATE EXTENSION churnkit")
    version = psql(db, "SELECT extversion FROM pg_extension WHERE extname = 'churnkit'")
    psql(db, SETUP.replace("%(accounts)s", str(args.accounts)).replace("%(rows)s", str(args.rows)).replace("%%", "%"))
    psql(db, "VACUUM ANALYZE bench_events")
    results = {"label": args.label, "version": version, "rows": args.rows, "accounts": args.accounts, "runs": {}}
    for name, q in QUERIES.items():
        timed = f"SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'; {q}"
        times, answer = [], None
        for k in range(args.repeat + 1):
            t0 = time.perf_counter()
            answer = psql(db, timed)
            dt = time.perf_counter() - t0
            if k > 0:
                times.append(dt)
        results["runs"][name] = {"median_s": statistics.median(times), "times": times, "result": answer}
        print(f"{args.label}: {name}: {statistics.median(times):.3f} s ({answer})", flush=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)


def report(paths):
    a, b = (json.load(open(p)) for p in paths)
    print(f"| query | {a['label']} ({a['version']}) s | {b['label']} ({b['version']}) s | {b['label']} ÷ {a['label']} | same result |")
    print("|---|---|---|---|---|")
    for name in QUERIES:
        ra, rb = a["runs"][name], b["runs"][name]
        print(f"| {name} | {ra['median_s']:.3f} | {rb['median_s']:.3f} | {rb['median_s'] / ra['median_s']:.3f} | {'yes' if ra['result'] == rb['result'] else 'NO: ' + ra['result'] + ' vs ' + rb['result']} |")
    fa, fb = a["runs"][list(QUERIES)[0]]["median_s"], b["runs"][list(QUERIES)[0]]["median_s"]
    print()
    print(f"{a['rows']:,} events over {a['accounts']:,} accounts; the floor query (no churnkit function) moved by {fb / fa:.3f} between the two runs: that is the noise.")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--label")
    ap.add_argument("--out")
    ap.add_argument("--db", default="churnkit_bench_state")
    ap.add_argument("--rows", type=int, default=6_000_000)
    ap.add_argument("--accounts", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--report", nargs=2)
    args = ap.parse_args()
    if args.report:
        report(args.report)
    else:
        run(args)
