#!/usr/bin/env python3
"""Record reference outputs of the tools users compare churnkit with.

* ClickHouse `windowFunnel()` (all modes) and `retention()`, through chdb
  (embedded ClickHouse, PyPI `chdb`), on generated event sequences with ties,
  out-of-order rows and repeated steps;
* Kaplan–Meier survival through lifelines (PyPI `lifelines`), with censoring
  and tied tenures.

Writes tests/reference/*.json, which the Rust tests (core/tests/reference.rs)
and the engine tests replay. The references are committed, so CI does not
need chdb or lifelines; run this script (pip install chdb lifelines) to
re-record them, e.g. for a newer ClickHouse.
"""

import csv
import json
import os
import random
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261123
MODES = ["", "strict_order", "strict_deduplication", "strict_increase",
         "strict_order,strict_increase", "strict_deduplication,strict_increase",
         "strict_order,strict_deduplication", "strict_order,strict_deduplication,strict_increase"]


def gen_sequences(rng, n):
    seqs = []
    for i in range(n):
        steps = rng.choice([1, 2, 3, 4])
        length = rng.randint(0, 14)
        t = 0
        events = []
        for _ in range(length):
            t += rng.choice([0, 0, 1, 1, 2, 3, 5, 8])  # ties are common
            kind = rng.random()
            if kind < 0.15:
                conds = [False] * steps  # matches no step
            elif kind < 0.25:
                conds = [rng.random() < 0.5 for _ in range(steps)]  # several steps at once
            else:
                k = min(steps - 1, int(rng.random() ** 1.3 * steps))
                conds = [j == k for j in range(steps)]
            events.append([t, conds])
        rng.shuffle(events)  # out-of-order rows
        seqs.append({"id": i, "steps": steps, "window": rng.choice([0, 1, 2, 3, 5, 10, 100]), "events": events})
    return seqs


def clickhouse_funnels(seqs):
    import chdb
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for steps in (1, 2, 3, 4):
            group = [s for s in seqs if s["steps"] == steps]
            path = os.path.join(tmp, f"ev{steps}.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                for s in group:
                    for t, conds in s["events"]:
                        w.writerow([s["id"], t] + [int(c) for c in conds])
            cols = ", ".join(f"c{j} UInt8" for j in range(steps))
            conds = ", ".join(f"c{j} = 1" for j in range(steps))
            for window in sorted({s["window"] for s in group}):
                ids = [s["id"] for s in group if s["window"] == window]
                if not ids:
                    continue
                for mode in MODES:
                    params = ", ".join([str(window)] + [f"'{m}'" for m in mode.split(",") if m])
                    q = (f"SELECT id, windowFunnel({params})(ts, {conds}) AS level "
                         f"FROM file('{path}', CSV, 'id UInt32, ts UInt64, {cols}') "
                         f"WHERE id IN ({', '.join(map(str, ids))}) GROUP BY id ORDER BY id")
                    res = chdb.query(q, "CSV")
                    got = {int(r[0]): int(r[1]) for r in csv.reader(str(res).splitlines())}
                    for s in group:
                        if s["window"] == window:
                            # a sequence with no rows has no group in ClickHouse: level 0
                            out.append({"id": s["id"], "mode": mode, "expected": got.get(s["id"], 0)})
    return out


def clickhouse_retention(seqs):
    import chdb
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for steps in (2, 3, 4):  # ClickHouse's retention() needs 2 to 32 conditions
            group = [s for s in seqs if s["steps"] == steps]
            path = os.path.join(tmp, f"r{steps}.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                for s in group:
                    for t, conds in s["events"]:
                        w.writerow([s["id"]] + [int(c) for c in conds])
            cols = ", ".join(f"c{j} UInt8" for j in range(steps))
            conds = ", ".join(f"c{j} = 1" for j in range(steps))
            q = (f"SELECT id, retention({conds}) FROM file('{path}', CSV, 'id UInt32, {cols}') GROUP BY id ORDER BY id")
            res = chdb.query(q, "JSONCompact")
            for row in json.loads(str(res))["data"]:
                out.append({"id": int(row[0]), "expected": [int(x) for x in row[1]]})
    return out


def gen_survival(rng, n):
    sets = []
    for i in range(n):
        size = rng.randint(1, 60)
        rows = []
        for _ in range(size):
            tenure = rng.choice([rng.randint(0, 30), rng.randint(0, 400), rng.choice([30, 60, 90, 365])])
            if rng.random() < 0.1:
                tenure += rng.choice([0.5, 0.25])
            rows.append([tenure, rng.random() < 0.6])
        sets.append({"id": i, "rows": rows})
    return sets


def lifelines_km(sets):
    from lifelines import KaplanMeierFitter
    out = []
    for s in sets:
        kmf = KaplanMeierFitter()
        kmf.fit([r[0] for r in s["rows"]], event_observed=[r[1] for r in s["rows"]])
        sf = kmf.survival_function_
        timeline = [float(t) for t in sf.index]
        surv = [float(v) for v in sf.iloc[:, 0]]
        et = kmf.event_table
        at_risk = {float(t): int(v) for t, v in et["at_risk"].items()}
        median = float(kmf.median_survival_time_)
        probes = sorted({0.0, 1.0, 15.5, 30.0, 90.0, 180.0, 365.0, 1000.0} | set(timeline))
        out.append({
            "id": s["id"],
            "timeline": timeline,
            "survival": surv,
            "at_risk": [at_risk.get(t) for t in timeline],
            "median": None if median == float("inf") else median,
            "probes": [[p, float(kmf.predict(p))] for p in probes],
        })
    return out


def main():
    import chdb
    import lifelines
    rng = random.Random(SEED)
    seqs = gen_sequences(rng, 400)
    funnel = {"tool": f"chdb {chdb.__version__} (ClickHouse {chdb.query('SELECT version()', 'CSV').data().strip()})",
              "sequences": seqs, "results": clickhouse_funnels(seqs), "retention": clickhouse_retention(seqs)}
    with open(os.path.join(HERE, "clickhouse.json"), "w") as f:
        json.dump(funnel, f, separators=(",", ":"))
    sets = gen_survival(rng, 150)
    km = {"tool": f"lifelines {lifelines.__version__}", "sets": sets, "results": lifelines_km(sets)}
    with open(os.path.join(HERE, "lifelines.json"), "w") as f:
        json.dump(km, f, separators=(",", ":"))
    print(f"recorded {len(funnel['results'])} funnel results, {len(funnel['retention'])} retention results, {len(km['results'])} survival curves")


if __name__ == "__main__":
    main()
