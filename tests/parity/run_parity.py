#!/usr/bin/env python3
"""Cross-engine parity of every scalar function.

Generates a few thousand argument rows from a fixed seed (boundaries, NULLs,
odd time zones and granularities included), sends the same SQL text through
PostgreSQL (the installed extension) and through DataFusion (`churnkit sql`),
and requires identical results (floats equal to 1e-9). Then runs every
documented error case in both engines and requires the same message, with
SQLSTATE 22023 in Postgres.

Needs a running server (PG* environment, see pg_tests/cluster.sh) and the
churnkit binary (CHURNKIT_BIN). Exit status 0 when every check passes.
"""

import csv
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines"))
from engines import EngineError, diff_results, run_df, run_pg  # noqa: E402

SEED = int(os.environ.get("PARITY_SEED", "20261123"))
ROWS = int(os.environ.get("PARITY_ROWS", "3000"))
DAY = 86_400_000_000
T2024 = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z in µs

GRANULARITIES = ["day", "week", "month", "quarter", "year", "Month", " week "]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "america/los_angeles"]
TIMES = [("09:00", "17:00"), ("08:30", "18:00"), ("00:00", "24:00"), ("22:00", "23:59:59")]

COLUMNS = [
    ("id", "bigint"),
    ("m", "double precision"), ("d", "double precision"), ("k", "double precision"), ("p", "double precision"),
    ("wt", "double precision"), ("wf", "double precision"), ("wd", "double precision"),
    ("tm", "double precision"), ("tr", "double precision"), ("ta", "double precision"),
    ("good2", "double precision"), ("score", "double precision"), ("good", "double precision"), ("poor", "double precision"),
    ("s1", "double precision"), ("s2", "double precision"), ("s3", "double precision"),
    ("w1", "double precision"), ("w2", "double precision"), ("w3", "double precision"),
    ("as_of_us", "bigint"), ("su_us", "bigint"), ("ren_us", "bigint"), ("last_us", "bigint"), ("churn_us", "bigint"),
    ("trend", "double precision"), ("onb", "integer"), ("rwin", "integer"), ("dorm", "integer"),
    ("a_us", "bigint"), ("b_us", "bigint"), ("gran", "text"), ("tz", "text"),
    ("prev", "double precision"), ("cur", "double precision"), ("was", "boolean"),
    ("start_us", "bigint"), ("end_us", "bigint"), ("ds", "text"), ("de", "text"), ("ds4", "text"),
]
TS_COLS = ["as_of_us", "su_us", "ren_us", "last_us", "churn_us", "a_us", "b_us", "start_us", "end_us"]


def gen_rows(rng):
    def maybe(v, p=0.15):
        return None if rng.random() < p else v

    def num(lo, hi, integral=0.5):
        v = rng.uniform(lo, hi)
        return float(round(v)) if rng.random() < integral else v

    rows = []
    for i in range(ROWS):
        p = float(rng.choice([1, 7, 28, 30, 31, 90, 365])) if rng.random() < 0.8 else num(0.5, 400, 0)
        d = min(p, float(rng.randint(0, int(p)))) if rng.random() < 0.9 else p
        good = rng.choice([70.0, 50.0, num(0, 100)])
        poor = rng.choice([min(40.0, good), good, num(0, good)])
        as_of = T2024 + rng.randint(-400, 400) * DAY + rng.choice([0, rng.randint(0, DAY - 1)])
        su = as_of - rng.choice([0, 1, 29, 30, 31, rng.randint(0, 900)]) * DAY + rng.choice([0, 0, 1, -1])
        ren = as_of + rng.choice([-1, 0, 1, 59, 60, 61, rng.randint(-100, 400)]) * DAY + rng.choice([0, 0, 1, -1])
        last = as_of - rng.choice([0, 1, 13, 14, 15, rng.randint(-5, 200)]) * DAY + rng.choice([0, 0, 1, -1])
        churn = as_of + rng.choice([-30, 0, 1, 30]) * DAY + rng.choice([0, 0, 1, -1])
        a = T2024 + rng.randint(-2000, 2000) * DAY + rng.randint(0, DAY - 1)
        b = a + rng.randint(-800, 800) * DAY + rng.randint(-DAY, DAY)
        start = T2024 + rng.randint(-1000, 1000) * DAY + rng.randint(0, DAY - 1)
        end = start + rng.choice([0, rng.randint(0, DAY), rng.randint(0, 30 * DAY), rng.randint(0, 800 * DAY)])
        ds, de = rng.choice(TIMES)
        prev = rng.choice([None, 0.0, 49.0, 100.0, num(0, 500)])
        cur = rng.choice([None, 0.0, 49.0, 100.0, prev if prev is not None else 0.0, num(0, 500)])
        rows.append({
            "id": i,
            "m": maybe(num(0, 3000)), "d": d, "k": num(0, 200), "p": p,
            "wt": num(0, 1), "wf": num(0.01, 1, 0), "wd": num(0, 1),
            "tm": num(1, 120), "tr": rng.choice([0.5, 1.0, num(0.05, 1, 0)]), "ta": num(0.1, 5, 0),
            "good2": rng.choice([40.0, 70.0, num(40, 100)]), "score": maybe(rng.choice([good, poor, num(0, 100), good - 1e-6, poor - 1e-6])), "good": good, "poor": poor,
            "s1": maybe(num(0, 100), 0.3), "s2": maybe(num(0, 100), 0.3), "s3": maybe(num(0, 100), 0.3),
            "w1": num(0, 5), "w2": num(0, 5), "w3": num(0.5, 5, 0),
            "as_of_us": as_of, "su_us": maybe(su, 0.03), "ren_us": maybe(ren, 0.3), "last_us": maybe(last, 0.1),
            "churn_us": maybe(churn, 0.7), "trend": maybe(rng.choice([-0.3, -0.31, -0.29, 0.0, num(-1, 1, 0)]), 0.3),
            "onb": rng.choice([0, 14, 30, 90]), "rwin": rng.choice([0, 30, 60, 120]), "dorm": rng.choice([0, 7, 14, 30]),
            "a_us": a, "b_us": maybe(b, 0.05), "gran": rng.choice(GRANULARITIES), "tz": rng.choice(ZONES),
            "prev": prev, "cur": cur, "was": rng.choice([True, False, None]),
            "start_us": start, "end_us": end, "ds": ds, "de": de, "ds4": rng.choice(["08:00", "09:30", "12:00", "16:59"]),
        })
    return rows


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([c for c, _ in COLUMNS])
        for r in rows:
            w.writerow(["" if r[c] is None else ("true" if r[c] is True else "false" if r[c] is False else repr(r[c]) if isinstance(r[c], float) else r[c]) for c, _ in COLUMNS])


def ts_select(to_ts):
    cols = []
    for c, _ in COLUMNS:
        cols.append(f'{to_ts(c)} AS "{c[:-3]}"' if c in TS_COLS else c)
    return "SELECT " + ", ".join(cols) + " FROM raw"


# The same SQL text in both engines (Postgres resolves the unqualified names
# through search_path = churnkit).
QUERIES = {
    "engagement_score": """SELECT id,
        engagement_score(m, d, k, p) AS s4,
        engagement_score(m, d, k, p, wt, wf, wd) AS s7,
        engagement_score(m, d, k, p, wt, wf, wd, tm, tr, ta) AS s10
        FROM args ORDER BY id""",
    "health_score": """SELECT id,
        health_score(ARRAY[s1, s2, s3], ARRAY[w1, w2, w3]) AS h3,
        health_score(ARRAY[s1], ARRAY[w3]) AS h1
        FROM args ORDER BY id""",
    "health_tier": """SELECT id, health_tier(score) AS t1, health_tier(score, good2) AS t2,
        health_tier(score, good, poor) AS t3 FROM args ORDER BY id""",
    "churn_risk_stage": """SELECT id,
        churn_risk_stage(as_of, su, ren, last, churn) AS r5,
        churn_risk_stage(as_of, su, ren, last, churn, trend) AS r6,
        churn_risk_stage(as_of, su, ren, last, churn, trend, onb) AS r7,
        churn_risk_stage(as_of, su, ren, last, churn, trend, onb, rwin) AS r8,
        churn_risk_stage(as_of, su, ren, last, churn, trend, onb, rwin, dorm) AS r9
        FROM args ORDER BY id""",
    "cohort_period": """SELECT id, cohort_period(a, b, gran) AS c3, cohort_period(a, b, gran, tz) AS c4,
        cohort_period(a, b, 'month') AS cm FROM args ORDER BY id""",
    "mrr_movement": """SELECT id, mrr_movement(prev, cur, was) AS mv FROM args ORDER BY id""",
    "business_hours_between": """SELECT id,
        business_hours_between(start, "end") AS b2,
        business_hours_between(start, "end", tz) AS b3,
        business_hours_between(start, "end", tz, ds4) AS b4,
        business_hours_between(start, "end", tz, ds, de) AS b5
        FROM args ORDER BY id""",
}

# The generated rows must reach every outcome, or the parity proves little.
COVERAGE = {
    "health_tier": {"good", "average", "poor"},
    "churn_risk_stage": {"churned", "lapsed", "onboarding", "dormant", "renewal_due", "declining", "active"},
    "mrr_movement": {"new", "expansion", "contraction", "churn", "reactivation", "retained"},
}

# Every error case of DESIGN §3.1, as expressions; both engines must fail with the same message.
ERRORS = [
    "engagement_score(10, 40, 0, 30)",
    "engagement_score(-1, 1, 0, 30)",
    "engagement_score(1, -1, 0, 30)",
    "engagement_score(1, 1, -5, 30)",
    "engagement_score(1, 0, 0, 0)",
    "engagement_score(1, 0, 0, -7)",
    "engagement_score(CAST('NaN' AS DOUBLE PRECISION), 1, 1, 30)",
    "engagement_score(CAST('Infinity' AS DOUBLE PRECISION), 1, 1, 30)",
    "engagement_score(600, 15, 30, 30, 0, 0, 0)",
    "engagement_score(600, 15, 30, 30, -0.3, 0.4, 0.3)",
    "engagement_score(600, 15, 30, 30, 0.3, -0.4, 0.3)",
    "engagement_score(600, 15, 30, 30, 0.3, 0.4, -0.3)",
    "engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 0, 0.5, 1)",
    "engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 1.5, 1)",
    "engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 0, 1)",
    "engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 0.5, -1)",
    "health_score(ARRAY[80.0, 60.0], ARRAY[1.0])",
    "health_score(ARRAY[80.0], ARRAY[-1.0])",
    "health_score(ARRAY[80.0, 60.0], ARRAY[1.0, NULL])",
    "health_score(ARRAY[80.0, NULL], ARRAY[0.0, 0.0])",
    "health_score(ARRAY[180.0], ARRAY[1.0])",
    "health_score(ARRAY[-1.0], ARRAY[1.0])",
    "health_tier(50, 40, 70)",
    "health_tier(CAST('NaN' AS DOUBLE PRECISION))",
    "health_tier(50, CAST('NaN' AS DOUBLE PRECISION), 40)",
    "churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, -1)",
    "churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, 30, -1)",
    "churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, 30, 60, -14)",
    "churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-30', NULL, CAST('NaN' AS DOUBLE PRECISION))",
    "cohort_period('2024-01-01', '2024-02-01', 'fortnight')",
    "cohort_period('2024-01-01', '2024-02-01', '')",
    "cohort_period('2024-01-01', '2024-02-01', 'month', 'Mars/Olympus_Mons')",
    "mrr_movement(-1, 10, false)",
    "mrr_movement(10, -1, true)",
    "mrr_movement(CAST('NaN' AS DOUBLE PRECISION), 10, true)",
    "business_hours_between('2024-01-02', '2024-01-01')",
    "business_hours_between('2024-01-01', '2024-01-02', 'Nowhere/City')",
    "business_hours_between('2024-01-01', '2024-01-02', 'UTC', '17:00', '09:00')",
    "business_hours_between('2024-01-01', '2024-01-02', 'UTC', '9am')",
    "business_hours_between('2024-01-01', '2024-01-02', 'UTC', '09:00', '25:00')",
]


def main():
    rng = random.Random(SEED)
    rows = gen_rows(rng)
    failures = 0
    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "raw.csv")
        write_csv(rows, path)
        os.chmod(tmp, 0o755)
        os.chmod(path, 0o644)
        cols = ", ".join(f"{c} {t}" for c, t in COLUMNS)
        pg_setup = (
            f"DROP TABLE IF EXISTS raw CASCADE; CREATE TEMP TABLE raw ({cols});\n"
            f"\\copy raw FROM '{path}' WITH (FORMAT csv, HEADER true)\n"
            "CREATE TEMP VIEW args AS "
            + ts_select(lambda c: f"(TIMESTAMPTZ '1970-01-01 00:00:00+00' + {c} * INTERVAL '1 microsecond')")
            + ";"
        )
        df_casts = ", ".join(
            f"CAST({c} AS {'DOUBLE' if t == 'double precision' else 'BIGINT' if t == 'bigint' else 'INT' if t == 'integer' else 'BOOLEAN' if t == 'boolean' else 'VARCHAR'}) AS {c}"
            for c, t in COLUMNS)
        df_setup = (f"CREATE VIEW raw AS SELECT {df_casts} FROM raw_csv; "
                    "CREATE VIEW args AS " + ts_select(lambda c: f"to_timestamp_micros({c})") + "; ")
        for name, q in QUERIES.items():
            checks += 1
            try:
                _, pg_rows = run_pg(q, setup=pg_setup)
                _, df_rows = run_df(df_setup + q, tables={"raw_csv": path})
            except EngineError as e:
                print(f"FAIL parity {name}: {e}")
                failures += 1
                continue
            diffs = diff_results(pg_rows, df_rows, ("postgres", "datafusion"))
            seen = {c for r in pg_rows for c in r[1:]}
            missing = COVERAGE.get(name, set()) - seen
            if missing:
                diffs.append(f"generated rows never produce {sorted(missing)}")
            non_null = sum(1 for r in pg_rows for c in r[1:] if c is not None)
            if diffs or len(pg_rows) != ROWS:
                failures += 1
                print(f"FAIL parity {name}: {len(pg_rows)} rows")
                for d in diffs:
                    print("   ", d)
            else:
                print(f"ok   parity {name}: {len(pg_rows)} rows, {non_null} non-NULL results identical")

    for expr in ERRORS:
        checks += 1
        sql = f"SELECT {expr} AS x"
        results = {}
        for engine, run in (("postgres", run_pg), ("datafusion", run_df)):
            try:
                _, r = run(sql)
                results[engine] = ("no error", r)
            except EngineError as e:
                results[engine] = (e.message, e.sqlstate)
        pg_msg, pg_state = results["postgres"]
        df_msg, _ = results["datafusion"]
        if pg_state == "22023" and pg_msg == df_msg and pg_msg.startswith(expr.split("(")[0] + ": invalid "):
            print(f"ok   error {expr}: {pg_msg}")
        else:
            failures += 1
            print(f"FAIL error {expr}:\n    postgres  : {pg_msg} (SQLSTATE {pg_state})\n    datafusion: {df_msg}")

    print(f"parity: {checks - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
