#!/usr/bin/env python3
"""Release profile of the CLI: cold build time and runtime, two profiles compared.

    bash bench/build_profile.sh        # builds both profiles cold, then runs this script

bench/build_profile.sh builds `churnkit` cold (empty target directory, nothing
else running) once with the release profile of Cargo.toml ("previous") and
once with a candidate ("current"), recording each build's wall time; this script then
runs the DataFusion benchmarks of bench/bench.py (engagement and cohort
matrix through `churnkit sql`, `churnkit run` of every view) with both
binaries on the same generated data, alternating them, and writes the
medians and ratios to bench/build_profile.md. A candidate is worth taking
when it builds substantially faster and runs within 5 % of the previous one.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def timed(fn, repeat):
    runs = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), runs[-1][2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--previous", required=True, help="churnkit built with the previous profile")
    ap.add_argument("--current", required=True, help="churnkit built with the current profile")
    ap.add_argument("--previous-build", required=True, help="seconds of the previous profile's cold build")
    ap.add_argument("--current-build", required=True, help="seconds of the current profile's cold build")
    ap.add_argument("--previous-profile", default='lto = "thin"')
    ap.add_argument("--current-profile", default="see Cargo.toml [profile.release]")
    ap.add_argument("--accounts", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--data", default=os.path.join(bench.ROOT, "bench", "data"))
    ap.add_argument("--out", default=os.path.join(bench.ROOT, "bench", "build_profile.md"))
    a = ap.parse_args()

    data = os.path.join(a.data, f"a{a.accounts}-d{a.days}-s1.0-seed7")
    parquet = os.path.join(data, "parquet", "events.parquet")
    if not os.path.exists(parquet):
        for fmt in ("parquet", "csv"):
            subprocess.run([a.current, "generate", "--accounts", str(a.accounts), "--days", str(a.days), "--seed", "7",
                            "--format", fmt, "--out", os.path.join(data, fmt)], check=True)
    plan = [
        ("engagement per account (`churnkit sql`)", lambda: bench.datafusion(bench.DF_ENGAGEMENT_CHURNKIT, parquet)),
        ("cohort matrix (`churnkit sql`)", lambda: bench.datafusion(bench.DF_COHORT_CHURNKIT, parquet)),
        ("`churnkit run`, every view + report", lambda: bench.cli_run(os.path.dirname(parquet), os.path.join(data, "profile-run-out"))),
    ]
    rows = []
    for name, fn in plan:
        results = {}
        for binary in ("previous", "current"):
            bench.CHURNKIT = getattr(a, binary)
            fn()  # warm-up
        # alternate the binaries so drift of the machine hits both alike
        samples = {"previous": [], "current": []}
        outputs = {}
        for _ in range(a.repeat):
            for binary in ("previous", "current"):
                bench.CHURNKIT = getattr(a, binary)
                secs, _, out = fn()
                samples[binary].append(secs)
                outputs[binary] = out
        for binary in samples:
            results[binary] = statistics.median(samples[binary])
        if "churnkit sql" in name and outputs["previous"] != outputs["current"]:
            sys.exit(f"{name}: the two builds give different results: {outputs}")
        rows.append((name, results["previous"], results["current"]))
        print(f"{name}: previous {results['previous']:.3f} s, current {results['current']:.3f} s", file=sys.stderr)

    pb, cb = float(a.previous_build), float(a.current_build)
    lines = [
        "# Release profile of the CLI: build time and runtime",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `bash bench/build_profile.sh` on "
        f"{os.cpu_count()} cores, nothing else running: a cold `cargo build --release -p churnkit-cli` "
        "(empty target directory, dependencies already downloaded) per profile, then the DataFusion "
        f"benchmarks with both binaries, alternating, median of {a.repeat}, on the generated data set of "
        f"bench/bench.py ({a.accounts} accounts, {a.days} days).",
        "",
        "| profile | cold build |",
        "|---|---|",
        f"| previous: `{a.previous_profile}` | {pb / 60:.1f} min |",
        f"| current: `{a.current_profile}` | {cb / 60:.1f} min ({100 * (cb - pb) / pb:+.0f} %) |",
        "",
        "| benchmark | previous | current | current ÷ previous |",
        "|---|---|---|---|",
    ]
    for name, p, c in rows:
        lines.append(f"| {name} | {p:.3f} s | {c:.3f} s | {c / p:.3f} |")
    worst = max(c / p for _, p, c in rows)
    lines += ["", f"Slowest ratio: {worst:.3f} (target: ≤ 1.05)." , ""]
    open(a.out, "w").write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
