#!/usr/bin/env python3
"""The same data through Postgres `churnkit.setup()` and through `churnkit run`.

tests/views/run_views.py compares the view SQL of both engines on relations
that already have the contract's types. This test compares the two products
end to end, input mapping included: the same generated data set (`churnkit
generate --accounts 300 --days 240 --seed 11`, CSV and Parquet)

* loaded into Postgres tables of a scratch schema `app` with other types
  than the contract's, that setup() casts (integer and smallint ids,
  timestamp without time zone read as UTC, numeric money and durations,
  varchar, a timestamp month), wired with `churnkit.setup(...)` and read with
  `SELECT * FROM churnkit.<view> ORDER BY ...`, `churnkit.as_of` fixed;
* run through `churnkit run --as-of ... --out DIR` on the generated files
  with their own types, each view file read back with
  `churnkit sql --table v=DIR/<view>.<ext> "SELECT * FROM v ORDER BY ..."`;

must give the same rows in every view (floats to 1e-9, timestamps as
instants; the ORDER keys of tests/views/run_views.py). Cases:

  a. all four inputs, Parquet to `churnkit run`; the Parquet column types
     are the contract's (run_views.TYPES of the Postgres view types);
  a-csv. the same run with `--format csv`: every view equals the Parquet one;
  b. all four inputs, the CSV files to `churnkit run`;
  c. events and accounts only (mrr and tickets missing: empty relations in
     both), with key events: setup(key_events => ...) over the events table
     that has an is_key_action column (key_events wins), `churnkit run
     --key-events ...` over an events CSV without that column.

as_of is 2024-06-20 15:30 UTC, inside the generated history and not at
midnight: what happened after it must be ignored the same way by both.

Prints one line per case and view and `run_vs_setup: N passed, M failed`;
exits 1 on a failure. Needs the server of the PG* environment variables
(`eval "$(bash pg_tests/cluster.sh start)"`) with the churnkit extension
and the `churnkit` binary (CHURNKIT_BIN). Options: --keep.
"""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (CHURNKIT_BIN, DF_TYPES, SCHEMA, Checks, EngineError, create_scratch, df_order,  # noqa: E402
                    diff_results, drop_scratch, load_views, pg_order, run_df, run_pg, sql_literal, superuser)

AS_OF_PG = "2024-06-20 15:30:00+00"
AS_OF_RUN = "2024-06-20T15:30:00Z"
KEY_EVENTS = ["export_data", "invite_user"]  # the generator marks create_report too: the derivation shows

# Postgres source tables: the generator's columns with other types than the
# contract's (setup() casts them), so the mapping is compared too.
TABLES = {
    "events": "account_id integer, user_id integer, occurred_at timestamp, event_name varchar(40), "
              "duration_seconds numeric, is_key_action boolean",
    "accounts": "account_id integer, name varchar(80), signed_up_at timestamp, plan varchar(20), mrr numeric, "
                "seats_purchased smallint, renewal_at timestamptz, churned_at timestamp, churn_reason text",
    "mrr": "account_id bigint, month timestamp, mrr numeric(12, 2)",
    "tickets": "account_id smallint, opened_at timestamp, first_response_at timestamptz, resolved_at timestamp",
}


def churnkit_run(out, inputs, fmt="parquet", key_events=None):
    args = [CHURNKIT_BIN, "run", "--as-of", AS_OF_RUN, "--out", out, "--format", fmt, "--quiet"]
    for name, path in inputs.items():
        args += [f"--{name}", path]
    if key_events:
        args += ["--key-events", ",".join(key_events)]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise EngineError("churnkit run", (p.stderr or p.stdout).strip())
    return out


def setup(mrr=True, tickets=True, key_events=None):
    args = [f"events => '{SCHEMA}.events'", f"accounts => '{SCHEMA}.accounts'"]
    if mrr:
        args.append(f"mrr => '{SCHEMA}.mrr'")
    if tickets:
        args.append(f"tickets => '{SCHEMA}.tickets'")
    if key_events:
        args.append(f"key_events => ARRAY[{', '.join(sql_literal(k) for k in key_events)}]")
    _, rows = superuser(f"SELECT churnkit.setup({', '.join(args)});", AS_OF_PG)
    return rows[0][0]


def pg_rows(views):
    out = {}
    for v in views:
        out[v.name] = superuser(f"SELECT * FROM churnkit.{v.name} ORDER BY {pg_order(v)};", AS_OF_PG)
    return out


def file_rows(view, path):
    return run_df(f"SELECT * FROM v ORDER BY {df_order(view)}", tables={"v": path})


def compare(checks, case, views, expected, out_dir, ext, names=("postgres", "churnkit run"), allow_empty=()):
    """Every view of out_dir equal to `expected` (view -> (header, rows)); returns the rows read."""
    got = {}
    for v in views:
        path = os.path.join(out_dir, f"{v.name}.{ext}")
        try:
            header, rows = file_rows(v, path)
        except EngineError as e:
            checks.check(f"{case} {v.name}", False, str(e))
            continue
        got[v.name] = (header, rows)
        e_header, e_rows = expected[v.name]
        problems = []
        if header != e_header:
            problems.append(f"columns: {names[0]} {e_header} vs {names[1]} {header}")
        problems += diff_results(e_rows, rows, names)
        if not e_rows and v.name not in allow_empty:
            problems.append("no rows (the comparison would prove nothing)")
        checks.check(f"{case} {v.name}: {len(e_rows)} rows, same in {names[0]} and {names[1]}", not problems,
                     "\n     " + "\n     ".join(problems[:8]))
    return got


def parquet_types(views, out_dir):
    """(view -> [(column, Arrow type)]) of the Parquet files, through information_schema."""
    names = ", ".join(sql_literal(v.name) for v in views)
    _, rows = run_df(f"SELECT table_name, column_name, data_type FROM information_schema.columns "
                     f"WHERE table_name IN ({names}) ORDER BY table_name, ordinal_position",
                     tables={v.name: os.path.join(out_dir, f"{v.name}.parquet") for v in views})
    out = defaultdict(list)
    for table, column, type_ in rows:
        out[table].append((column, type_))
    return out


def pg_types():
    _, rows = superuser("""
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'churnkit'::regnamespace AND c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum;""", AS_OF_PG)
    out = defaultdict(list)
    for view, column, type_ in rows:
        out[view].append((column, re.sub(r"\(\d+\)", "", type_)))  # timestamp(6) with time zone: the type, not its typmod
    return out


def without_column(src, dst, column):
    with open(src, newline="") as f, open(dst, "w", newline="") as g:
        r = csv.reader(f)
        w = csv.writer(g, lineterminator="\n")
        header = next(r)
        keep = [i for i, c in enumerate(header) if c != column]
        w.writerow([header[i] for i in keep])
        for row in r:
            w.writerow([row[i] for i in keep])


def check_contract(checks):
    """Both engines print the same input contract (one source: sql/input_contract.md):
    Postgres' churnkit.input_contract(), `churnkit contract --format csv` and
    `churnkit sql "SELECT * FROM input_contract()"` give the same rows, in order."""
    cols = "input, ordinal, column_name, family, CAST(optional AS TEXT) AS optional, description"
    pg = run_pg(f"SELECT {cols} FROM churnkit.input_contract()")
    df = run_df(f"SELECT {cols} FROM input_contract()")
    p = subprocess.run([CHURNKIT_BIN, "contract", "--format", "csv"], capture_output=True, text=True, check=True)
    listed = list(csv.reader(p.stdout.splitlines()))
    verb = (listed[0], listed[1:])
    checks.check("the input contract has rows", len(pg[1]) >= 20, f"{len(pg[1])} rows")
    for name, got in (("churnkit sql input_contract()", df), ("churnkit contract", verb)):
        checks.check(f"input contract: Postgres = {name}", got == pg,
                     "\n".join(f"postgres {a}\n{name} {b}" for a, b in zip(pg[1], got[1]) if a != b)
                     or f"headers {pg[0]} vs {got[0]}, {len(pg[1])} vs {len(got[1])} rows")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", default="300")
    ap.add_argument("--days", default="240")
    ap.add_argument("--seed", default="11")
    ap.add_argument("--keep", action="store_true", help="keep the scratch schema and the data directory")
    args = ap.parse_args()

    views = load_views()
    checks = Checks()
    check_contract(checks)
    tmp = tempfile.mkdtemp(prefix="churnkit-run-vs-setup-")
    d = {k: os.path.join(tmp, k) for k in ("csv", "parquet")}
    files = {fmt: {n: os.path.join(d[fmt], f"{n}.{fmt}") for n in TABLES} for fmt in d}
    try:
        for fmt in d:
            subprocess.run([CHURNKIT_BIN, "generate", "--accounts", args.accounts, "--days", args.days, "--seed", args.seed,
                            "--format", fmt, "--out", d[fmt]], check=True, capture_output=True)
        events_no_key = os.path.join(tmp, "events_without_is_key_action.csv")
        without_column(files["csv"]["events"], events_no_key, "is_key_action")
        drop_scratch(AS_OF_PG)
        create_scratch(AS_OF_PG, TABLES, files["csv"])

        # a, a-csv, b: every input
        summary = setup()
        checks.check("setup with events, accounts, mrr, tickets (non-canonical source types)",
                     "mrr = app.mrr" in summary and "tickets = app.tickets" in summary, summary)
        pg_all = pg_rows(views)
        out_a = churnkit_run(os.path.join(tmp, "out_a"), files["parquet"])
        got_a = compare(checks, "a (parquet in, parquet out)", views, pg_all, out_a, "parquet")
        types_pg, types_file = pg_types(), parquet_types(views, out_a)
        for v in views:
            bad = [f"{c} {pt} vs {fc} {ft}" for (c, pt), (fc, ft) in zip(types_pg[v.name], types_file[v.name])
                   if c != fc or ft not in DF_TYPES.get(pt, ())]
            if len(types_pg[v.name]) != len(types_file[v.name]):
                bad.append(f"{len(types_pg[v.name])} columns in Postgres, {len(types_file[v.name])} in the file")
            checks.check(f"a {v.name}.parquet: the contract's column types", not bad, "; ".join(bad))
        out_a_csv = churnkit_run(os.path.join(tmp, "out_a_csv"), files["parquet"], fmt="csv")
        compare(checks, "a-csv (--format csv = --format parquet)", views, got_a, out_a_csv, "csv",
                names=("parquet", "csv"))
        out_b = churnkit_run(os.path.join(tmp, "out_b"), files["csv"])
        compare(checks, "b (csv in)", views, pg_all, out_b, "parquet")

        # c: events and accounts only, key events derived
        summary = setup(mrr=False, tickets=False, key_events=KEY_EVENTS)
        checks.check("setup with events and accounts only, key_events",
                     "mrr = none (empty)" in summary and "tickets = none (empty)" in summary, summary)
        pg_c = pg_rows(views)
        out_c = churnkit_run(os.path.join(tmp, "out_c"), {"events": events_no_key, "accounts": files["parquet"]["accounts"]},
                             key_events=KEY_EVENTS)
        compare(checks, "c (events + accounts, --key-events)", views, pg_c, out_c, "parquet",
                allow_empty=("mrr_movements", "support_sla"))
        # the derivation changed something (else c would not test it) and the optional views are empty
        ka = lambda rows: sum(int(r[4]) for r in rows[1])  # noqa: E731 -- key_actions_30d of account_engagement
        checks.check(f"c: key events derived (key actions in 30 days: {ka(pg_c['account_engagement'])} with "
                     f"{','.join(KEY_EVENTS)}, {ka(pg_all['account_engagement'])} with is_key_action); "
                     f"mrr_movements and support_sla empty",
                     pg_c["account_engagement"][0][4] == "key_actions_30d"
                     and ka(pg_c["account_engagement"]) != ka(pg_all["account_engagement"])
                     and not pg_c["mrr_movements"][1] and not pg_c["support_sla"][1],
                     "the key events did not change the key actions, or an optional view has rows")
    except Exception as e:  # noqa: BLE001 -- any error is a failed check, and the cleanup below runs
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else ""
        checks.check("run_vs_setup", False, f"{type(e).__name__}: {e} {detail or ''}".strip())
    finally:
        if args.keep:
            print(f"kept: schema {SCHEMA}, data {tmp}")
        else:
            try:
                drop_scratch(AS_OF_PG)
            except EngineError as e:
                checks.check("cleanup", False, str(e))
            shutil.rmtree(tmp, ignore_errors=True)
    return checks.summary("run_vs_setup")


if __name__ == "__main__":
    sys.exit(main())
