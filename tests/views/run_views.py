#!/usr/bin/env python3
"""The warehouse views of sql/views/ in both engines: same rows, sane numbers.

1. Generates one synthetic SaaS data set with `churnkit generate` (CSV for
   Postgres, Parquet for DataFusion; same seed, same rows).
2. Postgres (the server of the PG* environment variables, e.g.
   `eval "$(bash pg_tests/cluster.sh start)"`; the database has the churnkit
   extension): a scratch schema with the input relations (input_events,
   input_accounts, input_mrr, input_tickets loaded with \\copy, an empty
   churn_events table) and an `as_of()` SQL function returning a fixed
   instant; search_path = <scratch>, churnkit, public; every view created in
   file order (CREATE VIEW name AS <file text>), with the COMMENTs of the
   file headers, then read.
3. DataFusion: `churnkit sql --as-of ... --table input_events=....parquet ...`
   with churn_events an empty table of the same columns, the same files as
   CREATE VIEW statements, then `SELECT * FROM view ORDER BY ...`.
4. Compares every view row by row (floats to 1e-9, timestamps as instants),
   the column names with the file header, and the column types between the
   engines; reads every view again in Postgres under a non-UTC session
   TimeZone (the views must not depend on it); checks the content (see
   `sanity_*`); and checks that rows recorded in churn_events win in
   churn_database, in both engines.

Prints one line per view and `views: N passed, M failed`; exits 1 on a failure.
Options: --keep (keep the scratch schema and data directory), --as-of TS,
--accounts N, --days D, --seed S; environment: CHURNKIT_BIN, PSQL.
"""

import argparse
import datetime
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines"))
from engines import CHURNKIT_BIN, ROOT, EngineError, _timestamp, diff_results, run_df, run_pg  # noqa: E402

VIEWS_DIR = os.path.join(ROOT, "sql", "views")
FILE_NAME = re.compile(r"^(\d\d)_([a-z][a-z0-9_]*?)(?:\.(postgres|datafusion))?\.sql$")
COLUMN_LINE = re.compile(r"^-- ([a-z_][a-z0-9_]*): (\S.*)$")

# The input contract (docs/warehouse.md), as Postgres and as DataFusion DDL.
INPUTS = {
    "input_accounts": ("accounts", "account_id bigint, name text, signed_up_at timestamptz, plan text, mrr double precision, "
                                   "seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text"),
    "input_events": ("events", "account_id bigint, user_id bigint, occurred_at timestamptz, event_name text, "
                               "duration_seconds double precision, is_key_action boolean"),
    "input_mrr": ("mrr", "account_id bigint, month date, mrr double precision"),
    "input_tickets": ("tickets", "account_id bigint, opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz"),
}
CHURN_EVENTS_PG = ("account_id bigint, churned_at timestamptz, reason text, detail text, tenure_days double precision, "
                   "engagement_trend double precision, last_health_tier text, mrr_lost double precision, recorded_at timestamptz")
# The optional inputs as empty DataFusion tables (what an engine registers when they are not given).
EMPTY_DF = {
    "input_mrr": "account_id BIGINT, month DATE, mrr DOUBLE PRECISION",
    "input_tickets": "account_id BIGINT, opened_at TIMESTAMP(6) WITH TIME ZONE, first_response_at TIMESTAMP(6) WITH TIME ZONE, "
                     "resolved_at TIMESTAMP(6) WITH TIME ZONE",
}
CHURN_EVENTS_DF = ("account_id BIGINT, churned_at TIMESTAMP(6) WITH TIME ZONE, reason VARCHAR, detail VARCHAR, "
                   "tenure_days DOUBLE PRECISION, engagement_trend DOUBLE PRECISION, last_health_tier VARCHAR, "
                   "mrr_lost DOUBLE PRECISION, recorded_at TIMESTAMP(6) WITH TIME ZONE")

# A deterministic order per view: (column, is_text). Text keys sort by code point in both
# engines (COLLATE "C" in Postgres; DataFusion compares bytes).
ORDER = {
    "account_engagement": [("account_id", False)],
    "support_sla": [("account_id", False), ("opened_at", False), ("first_response_at", False), ("resolved_at", False)],
    "account_health": [("account_id", False)],
    "accounts_needing_attention": [("rank", False)],
    "cohort_retention": [("cohort", False), ("period", False)],
    "user_lifecycle": [("month", False), ("state", True)],
    "onboarding_funnel": [("cohort", False), ("step", False)],
    "mrr_movements": [("month", False)],
    "churn_database": [("account_id", False)],
    "churn_reasons": [("reason", True)],
    "customer_lifetime": [("plan", True), ("days", False)],
    "saas_metrics": [("as_of", False)],
}

# Postgres type -> the DataFusion types that stand for it in the column contract.
TYPES = {
    "bigint": {"Int64"},
    "integer": {"Int32"},
    "double precision": {"Float64"},
    "text": {"Utf8", "Utf8View", "LargeUtf8"},
    "boolean": {"Boolean"},
    "date": {"Date32"},
    "timestamp with time zone": {'Timestamp(Microsecond, Some("UTC"))', 'Timestamp(µs, "UTC")'},
}

OTHER_TIME_ZONE = "America/St_Johns"  # UTC-02:30 in summer, -03:30 in winter, with DST


# ----------------------------------------------------------------------------- view files

class View:
    def __init__(self, number, name):
        self.number, self.name = number, name
        self.files = {}  # "shared" | "postgres" | "datafusion" -> path
        self.comment, self.columns = None, []  # from the header

    def sql(self, engine):
        """The file's text for CREATE VIEW name AS <text> (header comments included)."""
        path = self.files.get(engine) or self.files["shared"]
        return statement(read(path))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_header(text, path):
    """The leading block of '--' lines, up to the first blank line: the view's COMMENT, then
    '-- column: description' lines. Returns (comment, [(column, description)])."""
    lines = text.split("\n")
    block = []
    for line in lines:
        if not line.startswith("--"):
            break
        block.append(line)
    if not block or len(lines) <= len(block) or lines[len(block)].strip() != "":
        raise ValueError(f"{path}: the header (comment lines) must be followed by an empty line")
    comment = block[0][2:].strip()
    if not comment or COLUMN_LINE.match(block[0]):
        raise ValueError(f"{path}: the first header line must be the view's comment")
    columns = []
    for line in block[1:]:
        m = COLUMN_LINE.match(line)
        if not m:
            raise ValueError(f"{path}: not a '-- column: description' line: {line!r}")
        columns.append((m.group(1), m.group(2)))
    return comment, columns


def statement(text):
    return text.strip().rstrip(";").strip()


def load_views():
    views = {}
    for entry in sorted(os.listdir(VIEWS_DIR)):
        if not entry.endswith(".sql"):
            continue
        m = FILE_NAME.match(entry)
        if not m:
            raise ValueError(f"sql/views/{entry}: not NN_<view>[.postgres|.datafusion].sql")
        number, name, engine = m.group(1), m.group(2), m.group(3) or "shared"
        view = views.setdefault(number, View(number, name))
        if view.name != name:
            raise ValueError(f"sql/views/{entry}: number {number} is already view {view.name}")
        view.files[engine] = os.path.join(VIEWS_DIR, entry)
    ordered = [views[n] for n in sorted(views)]
    for view in ordered:
        if "shared" not in view.files and not {"postgres", "datafusion"} <= set(view.files):
            raise ValueError(f"view {view.name}: no file for every engine")
        headers = {engine: parse_header(read(path), path) for engine, path in view.files.items()}
        first = next(iter(headers.values()))
        for engine, header in headers.items():
            if header != first:
                raise ValueError(f"view {view.name}: the header of the {engine} file differs from the others")
        view.comment, view.columns = first
        for engine, path in view.files.items():
            body = statement(read(path))
            if ";" in re.sub(r"'[^']*'", "", re.sub(r"--[^\n]*", "", body)):
                raise ValueError(f"{path}: one SELECT statement, no ';'")
            if engine != "shared":
                # an override says why it exists, in a comment right after the header
                after = body.split("\n\n", 1)[1] if "\n\n" in body else ""
                if not re.match(r"--.*(override|engine)", after, re.I):
                    raise ValueError(f"{path}: an engine override must say why, in a comment after the header")
    names = [v.name for v in ordered]
    if sorted(names) != sorted(ORDER):
        raise ValueError(f"views {names} are not the views of the spec {sorted(ORDER)}")
    return ordered


def docs_problems(views):
    """docs/warehouse.md has a section per view whose comment line and column table are the
    file header, word for word."""
    path = os.path.join(ROOT, "docs", "warehouse.md")
    lines = read(path).split("\n")
    problems = {}
    for view in views:
        heading = f"### `{view.name}`"
        if heading not in lines:
            problems[view.name] = [f"docs/warehouse.md: no section {heading}"]
            continue
        start = lines.index(heading) + 1
        end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
        section = lines[start:end]
        rows = [re.match(r"^\| `([a-z0-9_]+)` \| (.*) \|$", l) for l in section]
        table = [(m.group(1), m.group(2)) for m in rows if m]
        msgs = []
        if view.comment not in section:
            msgs.append("docs/warehouse.md: the view's description differs from the file header")
        if table != view.columns:
            diff = [f"{a} != {b}" for a, b in zip(table, view.columns) if a != b][:3]
            msgs.append(f"docs/warehouse.md: the column table differs from the file header ({len(table)} vs {len(view.columns)} rows) {diff}")
        if msgs:
            problems[view.name] = msgs
    return problems


# ----------------------------------------------------------------------------- engines

def sql_literal(text):
    return "'" + text.replace("'", "''") + "'"


def pg_order(view):
    return ", ".join(f'{c} COLLATE "C"' if text else c for c, text in ORDER[view.name])


def df_order(view):
    return ", ".join(c for c, _ in ORDER[view.name])


class Postgres:
    def __init__(self, schema, csv_dir, as_of):
        self.schema, self.csv_dir, self.as_of = schema, csv_dir, as_of

    def path(self, time_zone="UTC"):
        return f"SET search_path = {self.schema}, churnkit, public; SET TimeZone = {sql_literal(time_zone)};"

    def create(self, views):
        s = self.schema
        script = [f"DROP SCHEMA IF EXISTS {s} CASCADE;", f"CREATE SCHEMA {s};"]
        for table, (stem, columns) in INPUTS.items():
            script.append(f"CREATE TABLE {s}.{table} ({columns});")
            script.append(f"\\copy {s}.{table} FROM '{os.path.join(self.csv_dir, stem + '.csv')}' WITH (FORMAT csv, HEADER true)")
        script.append(f"CREATE TABLE {s}.churn_events ({CHURN_EVENTS_PG});")
        script.append(f"CREATE FUNCTION {s}.as_of() RETURNS timestamptz LANGUAGE sql STABLE "
                      f"AS $$ SELECT TIMESTAMPTZ {sql_literal(self.as_of)} $$;")
        script.append(f"ANALYZE {s}.input_events; ANALYZE {s}.input_accounts; ANALYZE {s}.input_mrr; ANALYZE {s}.input_tickets;")
        script.append(self.path())
        for view in views:
            script.append(f"CREATE VIEW {view.name} AS\n{view.sql('postgres')};")
            script.append(f"COMMENT ON VIEW {view.name} IS {sql_literal(view.comment)};")
            for column, description in view.columns:
                script.append(f"COMMENT ON COLUMN {view.name}.{column} IS {sql_literal(description)};")
        script.append("SELECT 1;")
        run_pg("\n".join(script))

    def rows(self, view, time_zone="UTC"):
        return run_pg(f"SELECT * FROM {view.name} ORDER BY {pg_order(view)};", setup=self.path(time_zone))

    def types(self):
        _, rows = run_pg(f"""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = {sql_literal(self.schema)} AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum;""")
        out = defaultdict(list)
        for view, column, type_ in rows:
            out[view].append((column, re.sub(r"\(\d+\)", "", type_)))
        return out

    def comments(self):
        _, rows = run_pg(f"""
            SELECT c.relname, coalesce(a.attname, ''), d.description
            FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
            WHERE n.nspname = {sql_literal(self.schema)} AND c.relkind = 'v';""")
        return {(v, c): d for v, c, d in rows}

    def query(self, sql, time_zone="UTC"):
        return run_pg(sql, setup=self.path(time_zone))

    def drop(self):
        run_pg(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE; SELECT 1;")


class DataFusion:
    def __init__(self, parquet_dir, as_of):
        self.tables = {t: os.path.join(parquet_dir, stem + ".parquet") for t, (stem, _) in INPUTS.items()}
        self.options = ["--as-of", as_of]

    def script(self, views, churn_events=None, empty=()):
        """churn_events: None = empty table, else a SELECT giving its rows; empty: optional inputs
        to leave out (created as empty tables)."""
        if churn_events is None:
            lines = [f"CREATE TABLE churn_events ({CHURN_EVENTS_DF});"]
        else:
            lines = [f"CREATE TABLE churn_events AS {churn_events};"]
        lines += [f"CREATE TABLE {t} ({EMPTY_DF[t]});" for t in empty]
        lines += [f"CREATE VIEW {v.name} AS\n{v.sql('datafusion')};" for v in views]
        return "\n".join(lines)

    def rows(self, views, view, churn_events=None, empty=()):
        upto = views[: views.index(view) + 1]
        tables = {t: p for t, p in self.tables.items() if t not in empty}
        return run_df(self.script(upto, churn_events, empty) + f"\nSELECT * FROM {view.name} ORDER BY {df_order(view)}",
                      tables=tables, options=self.options)

    def types(self, views):
        names = ", ".join(sql_literal(v.name) for v in views)
        _, rows = run_df(self.script(views) + f"""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_name IN ({names}) ORDER BY table_name, ordinal_position""", tables=self.tables, options=self.options)
        out = defaultdict(list)
        for view, column, type_ in rows:
            out[view].append((column, type_))
        return out

    def query(self, views, sql):
        return run_df(self.script(views) + "\n" + sql, tables=self.tables, options=self.options)


# ----------------------------------------------------------------------------- sanity checks

def num(v):
    return None if v is None else float(v)


def truth(v):
    return None if v is None else v in ("t", "true")


def close(a, b, tol=1e-6):
    return a is not None and b is not None and abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def records(header, rows):
    return [dict(zip(header, r)) for r in rows]


class Sanity:
    """Content checks on the Postgres rows of every view (the rows are equal in DataFusion)."""

    def __init__(self, pg, results):
        self.pg, self.r = pg, results  # results: view name -> list of dict rows
        self.problems = defaultdict(list)
        self.facts = {}

    def check(self, view, condition, message):
        if not condition:
            self.problems[view].append(message)

    def inputs(self):
        q = lambda sql: self.pg.query(sql)[1]  # noqa: E731
        self.facts["accounts"] = {int(r[0]) for r in q("SELECT account_id FROM input_accounts WHERE signed_up_at < as_of();")}
        self.facts["churned"] = {int(r[0]) for r in q("SELECT account_id FROM input_accounts WHERE churned_at <= as_of();")}
        self.facts["active_accounts"] = {int(r[0]) for r in q("SELECT DISTINCT account_id FROM input_events WHERE occurred_at < as_of();")}
        self.facts["users"] = int(q("SELECT count(*) FROM (SELECT DISTINCT account_id, user_id FROM input_events WHERE occurred_at < as_of()) u;")[0][0])
        self.facts["tickets"] = int(q("SELECT count(*) FROM input_tickets WHERE opened_at < as_of();")[0][0])
        self.facts["signups"] = int(q("SELECT count(*) FROM input_accounts WHERE signed_up_at < as_of();")[0][0])
        self.facts["mrr_by_month"] = {r[0]: float(r[1]) for r in q(
            "SELECT month, sum(mrr) FROM input_mrr WHERE CAST(month AS TIMESTAMP) AT TIME ZONE 'UTC' < as_of() "
            "AND account_id IN (SELECT account_id FROM input_accounts WHERE signed_up_at < as_of()) GROUP BY month;")}
        self.facts["median_lifetime"] = num(q("""
            SELECT median_lifetime(survival_agg(
                     (date_part('epoch', coalesce(c.churned_at, as_of())) - date_part('epoch', a.signed_up_at)) / 86400,
                     c.account_id IS NOT NULL))
            FROM input_accounts a LEFT JOIN churn_database c ON c.account_id = a.account_id
            WHERE a.signed_up_at < as_of();""")[0][0])

    def run(self):
        self.inputs()
        for name in ORDER:
            try:
                getattr(self, name)(self.r[name])
            except Exception as e:  # a NULL where a number was expected, ...: a problem of that view
                self.problems[name].append(f"sanity check failed with {type(e).__name__}: {e}")
        return self.problems

    def account_engagement(self, rows):
        v = "account_engagement"
        ids = [int(r["account_id"]) for r in rows]
        self.check(v, set(ids) == self.facts["accounts"] and len(ids) == len(set(ids)), "one row per account signed up before as_of()")
        for r in rows:
            s, days = num(r["engagement_score"]), int(r["active_days_30d"])
            self.check(v, 0 <= s <= 100 and 0 <= days <= 30, f"score/days out of range: {r}")
            self.check(v, (int(r["events_30d"]) == 0) == (s == 0 and days == 0), f"no events <=> score 0: {r}")
            self.check(v, int(r["active_users_30d"]) <= int(r["events_30d"]), f"more users than events: {r}")
            if r["activity_trend"] is not None:
                self.check(v, num(r["activity_trend"]) >= -1, f"trend below -1: {r}")
        active = sum(1 for r in rows if int(r["events_30d"]) > 0)
        self.check(v, active > len(rows) / 2, f"only {active} of {len(rows)} accounts active in the last 30 days")

    def support_sla(self, rows):
        v = "support_sla"
        self.check(v, len(rows) == self.facts["tickets"], f"{len(rows)} rows for {self.facts['tickets']} tickets")
        for r in rows:
            m24, m2, sla, open_ = truth(r["met_24h"]), truth(r["met_2_business_hours"]), truth(r["sla_met"]), truth(r["open"])
            expected = False if False in (m24, m2) else (None if None in (m24, m2) else True)
            self.check(v, sla == expected, f"sla_met is not met_24h AND met_2_business_hours: {r}")
            self.check(v, open_ == (r["first_response_at"] is None), f"open <=> no response: {r}")
            if not open_:
                h, bh = num(r["hours_to_first_response"]), num(r["business_hours_to_first_response"])
                self.check(v, 0 <= bh <= h + 1e-9 and m24 == (h <= 24) and m2 == (bh <= 2), f"hours/rules inconsistent: {r}")
        met = [truth(r["sla_met"]) for r in rows if r["sla_met"] is not None]
        self.check(v, met and 0.2 < sum(met) / len(met) < 1, f"SLA met share {sum(met)}/{len(met)} is implausible")

    def account_health(self, rows):
        v = "account_health"
        ids = {int(r["account_id"]) for r in rows}
        self.check(v, ids == self.facts["accounts"] and len(rows) == len(ids), "every account appears once")
        stages = Counter(r["risk_stage"] for r in rows)
        self.check(v, set(stages) <= {"churned", "lapsed", "onboarding", "dormant", "renewal_due", "declining", "active"}, f"stages {stages}")
        self.check(v, stages["churned"] == len(self.facts["churned"]), f"{stages['churned']} churned stages vs {len(self.facts['churned'])} churned accounts")
        for r in rows:
            h = num(r["health_score"])
            tier = "good" if h >= 70 else ("poor" if h < 40 else "average")
            self.check(v, r["health_tier"] == tier, f"tier does not match score: {r}")
            for c in ("engagement_score", "seat_utilisation", "support_score"):
                self.check(v, r[c] is None or 0 <= num(r[c]) <= 100, f"{c} out of range: {r}")
            parts = [(num(r[c]), w) for c, w in (("engagement_score", .5), ("seat_utilisation", .25), ("support_score", .25)) if r[c] is not None]
            self.check(v, close(h, sum(x * w for x, w in parts) / sum(w for _, w in parts), 1e-9), f"health_score is not the weighted mean: {r}")
            self.check(v, (r["churned_at"] is not None) == (r["risk_stage"] == "churned"), f"churned_at <=> churned stage: {r}")
        self.facts["tiers"] = Counter(r["health_tier"] for r in rows if r["risk_stage"] != "churned")
        self.facts["stages"] = stages

    def accounts_needing_attention(self, rows):
        v = "accounts_needing_attention"
        health = {int(r["account_id"]): r for r in self.r["account_health"]}
        self.check(v, [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1)), "ranks are 1..n")
        mrr = [num(r["mrr_at_risk"]) for r in rows]
        self.check(v, all(a >= b for a, b in zip(mrr, mrr[1:])), "ranked by MRR at risk")
        expected = {
            i for i, h in health.items() if h["risk_stage"] != "churned" and (
                h["risk_stage"] in ("lapsed", "dormant", "declining")
                or (h["risk_stage"] == "renewal_due" and h["health_tier"] != "good")
                or h["health_tier"] == "poor"
                or (h["risk_stage"] == "onboarding" and num(h["engagement_score"]) < 40))}
        self.check(v, {int(r["account_id"]) for r in rows} == expected, "the accounts are exactly those of the rules")
        for r in rows:
            self.check(v, r["reason"] and not r["reason"].startswith(";"), f"no reason: {r}")
            h = health[int(r["account_id"])]
            if h["risk_stage"] == "lapsed":
                self.check(v, r["reason"].startswith("renewal date passed"), f"lapsed first: {r}")
        live = sum(1 for h in health.values() if h["risk_stage"] != "churned")
        self.check(v, 0 < len(rows) < live, f"{len(rows)} of {live} accounts need attention")

    def cohort_retention(self, rows):
        v = "cohort_retention"
        by_cohort = defaultdict(list)
        for r in rows:
            by_cohort[r["cohort"]].append(r)
        sizes = 0
        for cohort, rs in by_cohort.items():
            periods = [int(r["period"]) for r in rs]
            self.check(v, periods == list(range(len(rs))), f"cohort {cohort}: periods {periods} are not 0..n")
            self.check(v, num(rs[0]["retention_rate"]) == 1.0 and rs[0]["retained"] == rs[0]["cohort_size"], f"cohort {cohort}: period 0 rate is not 1")
            for r in rs:
                self.check(v, 0 <= int(r["retained"]) <= int(r["cohort_size"]) and close(num(r["retention_rate"]), int(r["retained"]) / int(r["cohort_size"])), f"rate: {r}")
            sizes += int(rs[0]["cohort_size"])
        self.check(v, sizes == len(self.facts["active_accounts"]), f"cohort sizes add up to {sizes}, not the {len(self.facts['active_accounts'])} active accounts")
        latest = sorted(by_cohort)[-1]
        self.check(v, len(by_cohort[latest]) == 1, "the latest cohort has only period 0")
        # retention decays: average rate of period 1 above that of period 6
        avg = lambda p: [num(r["retention_rate"]) for r in rows if int(r["period"]) == p]  # noqa: E731
        p1, p6 = avg(1), avg(6)
        self.check(v, p1 and p6 and sum(p1) / len(p1) > sum(p6) / len(p6), "retention does not decay from period 1 to 6")

    def user_lifecycle(self, rows):
        v = "user_lifecycle"
        months = sorted({r["month"] for r in rows})
        self.check(v, len(rows) == 4 * len(months), "four states for every month")
        self.check(v, {r["state"] for r in rows} == {"new", "returning", "resurrecting", "dormant"}, "states")
        new = sum(int(r["users"]) for r in rows if r["state"] == "new")
        self.check(v, new == self.facts["users"], f"{new} new users in total, but {self.facts['users']} users")
        self.check(v, all(int(r["users"]) >= 0 for r in rows), "negative counts")
        first = [r for r in rows if r["month"] == months[0]]
        self.check(v, all(int(r["users"]) == 0 for r in first if r["state"] != "new"), "only new users in the first month")

    def onboarding_funnel(self, rows):
        v = "onboarding_funnel"
        by_cohort = defaultdict(list)
        for r in rows:
            by_cohort[r["cohort"]].append(r)
        signups = 0
        for cohort, rs in by_cohort.items():
            self.check(v, [int(r["step"]) for r in rs] == [1, 2, 3], f"cohort {cohort}: steps")
            n = [int(r["accounts"]) for r in rs]
            self.check(v, n[0] >= n[1] >= n[2], f"cohort {cohort}: a funnel never grows: {n}")
            start = n[0] / num(rs[0]["conversion_from_start"]) if n[0] else None
            if start:
                signups += round(start)
                for r, prev in zip(rs, [start] + n):
                    self.check(v, close(num(r["conversion_from_start"]), int(r["accounts"]) / start), f"conversion_from_start: {r}")
                    self.check(v, r["conversion_from_previous"] is None if prev == 0 else close(num(r["conversion_from_previous"]), int(r["accounts"]) / prev), f"conversion_from_previous: {r}")
        self.check(v, signups <= self.facts["signups"], "more accounts than signups")

    def mrr_movements(self, rows):
        v = "mrr_movements"
        months = [datetime.date.fromisoformat(r["month"]) for r in rows]
        for a, b in zip(months, months[1:]):
            self.check(v, (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1, f"months not consecutive: {a} {b}")
        for r, nxt in zip(rows, rows[1:] + [None]):
            f = {k: num(x) for k, x in r.items() if k != "month"}
            self.check(v, close(f["ending_mrr"], f["starting_mrr"] + f["net_new_mrr"]), f"ending = starting + net new: {r}")
            self.check(v, close(f["net_new_mrr"], f["new_mrr"] + f["expansion_mrr"] + f["contraction_mrr"] + f["churned_mrr"] + f["reactivation_mrr"]), f"net new: {r}")
            self.check(v, f["contraction_mrr"] <= 0 and f["churned_mrr"] <= 0 and f["new_mrr"] >= 0 and f["expansion_mrr"] >= 0, f"signs: {r}")
            self.check(v, f["customers_end"] == f["customers_start"] + f["new_customers"] + f["reactivated_customers"] - f["churned_customers"], f"customers: {r}")
            self.check(v, close(f["ending_mrr"], self.facts["mrr_by_month"].get(r["month"], 0.0)), f"ending_mrr is not the month's input MRR: {r}")
            if nxt is not None:
                self.check(v, close(f["ending_mrr"], num(nxt["starting_mrr"])) and f["customers_end"] == num(nxt["customers_start"]),
                           f"ending of {r['month']} is not the start of {nxt['month']}")
            if f["starting_mrr"] > 0:
                self.check(v, close(f["nrr"], (f["starting_mrr"] + f["expansion_mrr"] + f["contraction_mrr"] + f["churned_mrr"]) / f["starting_mrr"]), f"nrr: {r}")
                self.check(v, f["grr"] <= 1 + 1e-12 and f["grr"] <= f["nrr"] + 1e-12, f"grr: {r}")
            else:
                self.check(v, r["nrr"] is None and r["grr"] is None and r["revenue_churn_rate"] is None, f"rates without a start: {r}")
        self.check(v, rows and num(rows[0]["starting_mrr"]) == 0, "the first month starts at 0")
        later = [num(r["nrr"]) for r in rows[6:] if r["nrr"] is not None]
        self.check(v, later and 0.85 < sum(later) / len(later) < 1.15, f"average NRR {later} is implausible")
        churn = [num(r["logo_churn_rate"]) for r in rows[6:] if r["logo_churn_rate"] is not None]
        self.check(v, churn and 0 <= sum(churn) / len(churn) < 0.1, f"monthly logo churn {churn} is implausible")

    def churn_database(self, rows):
        v = "churn_database"
        ids = [int(r["account_id"]) for r in rows]
        self.check(v, len(ids) == len(set(ids)) and set(ids) == self.facts["churned"], "one row per churned account")
        for r in rows:
            self.check(v, num(r["tenure_days"]) >= 0 and truth(r["recorded"]) is False, f"tenure / recorded: {r}")
            self.check(v, r["last_health_tier"] in ("good", "average", "poor"), f"tier: {r}")
            self.check(v, num(r["mrr_lost"]) > 0, f"mrr_lost: {r}")
        trends = [num(r["engagement_trend_before_churn"]) for r in rows if r["engagement_trend_before_churn"] is not None]
        self.check(v, trends and sum(trends) / len(trends) < 0, f"activity before churn should fall on average: {trends}")

    def churn_reasons(self, rows):
        v = "churn_reasons"
        self.check(v, sum(int(r["churned_accounts"]) for r in rows) == len(self.r["churn_database"]), "counts add up to churn_database")
        self.check(v, close(sum(num(r["share_of_churns"]) for r in rows), 1.0), "shares add up to 1")
        lost = sum(num(r["mrr_lost"]) for r in self.r["churn_database"])
        self.check(v, close(sum(num(r["mrr_lost"]) for r in rows), lost), "MRR lost adds up")

    def customer_lifetime(self, rows):
        v = "customer_lifetime"
        by_plan = defaultdict(list)
        for r in rows:
            by_plan[r["plan"]].append(r)
        self.check(v, "all" in by_plan and len(by_plan) >= 2, f"plans {sorted(by_plan)}")
        for plan, rs in by_plan.items():
            s = [num(r["survival"]) for r in rs]
            n = [int(r["at_risk"]) for r in rs]
            self.check(v, all(1 >= a >= b >= 0 for a, b in zip(s, s[1:])), f"{plan}: survival not decreasing")
            self.check(v, all(a >= b for a, b in zip(n, n[1:])), f"{plan}: at_risk not decreasing")
        self.check(v, int(by_plan["all"][0]["at_risk"]) == len(self.facts["accounts"]), "everybody is at risk at first")
        churns = sum(int(r["churned"]) for r in by_plan["all"])
        self.check(v, churns == len(self.r["churn_database"]), f"{churns} churns on the curve")

    def saas_metrics(self, rows):
        v = "saas_metrics"
        self.check(v, len(rows) == 1, "one row")
        if len(rows) != 1:
            return
        r = {k: num(x) if k != "as_of" else x for k, x in rows[0].items()}
        self.facts["saas"] = rows[0]
        self.check(v, close(r["arpa"], r["mrr"] / r["customers"]), "arpa = mrr / customers")
        self.check(v, close(r["ltv"], r["arpa"] * r["gross_margin"] / r["logo_churn_rate_monthly"]), "ltv = arpa x margin / churn")
        self.check(v, 0 < r["logo_churn_rate_monthly"] < 0.1 and 0.8 < r["nrr_last_month"] < 1.2 and r["grr_last_month"] <= 1, f"rates implausible: {rows[0]}")
        last = self.r["mrr_movements"][-1]
        self.check(v, close(r["mrr"], num(last["ending_mrr"])) and r["customers"] == num(last["customers_end"]), "mrr and customers of the last month")
        curve = [num(c["days"]) for c in self.r["customer_lifetime"] if c["plan"] == "all" and num(c["survival"]) <= 0.5]
        expected = min(curve) if curve else None
        self.check(v, r["median_lifetime_days"] == expected == self.facts["median_lifetime"] or
                   (r["median_lifetime_days"] is None and expected is None and self.facts["median_lifetime"] is None),
                   f"median lifetime {r['median_lifetime_days']} vs curve {expected} vs median_lifetime() {self.facts['median_lifetime']}")


# ----------------------------------------------------------------------------- recorded churns

def recorded_scenario(views, pg, df, results, as_of):
    """Rows of churn_events win over derived values (NULLs filled from the inputs), in both engines."""
    problems = []
    churned = next(r for r in results["churn_database"] if r["reason"] is not None)
    active = next(r for r in results["account_health"] if r["risk_stage"] == "active")
    t = lambda dt: f"TIMESTAMPTZ '{dt.isoformat()}'"  # noqa: E731
    active_churned_at = as_of - datetime.timedelta(days=10)
    columns = "account_id, churned_at, reason, detail, tenure_days, engagement_trend, last_health_tier, mrr_lost, recorded_at"
    values = [
        # a churn of the inputs, recorded with a reason, a detail and an MRR; tenure and tier left to the inputs
        f"({churned['account_id']}, {t(_timestamp(churned['churned_at']))}, 'price', 'moved to a cheaper tool', NULL, NULL, NULL, 123.5, {t(as_of)})",
        # an account the inputs still show as a customer, recorded as churned
        f"({active['account_id']}, {t(active_churned_at)}, NULL, 'closed the contract by phone', 42.0, -0.5, 'poor', NULL, {t(as_of)})",
        # a churn recorded for after as_of() is not a churn yet
        f"({active['account_id']}, {t(as_of + datetime.timedelta(days=300))}, 'price', NULL, NULL, NULL, NULL, NULL, {t(as_of)})",
    ]
    df_values = ", ".join(re.sub(r"TIMESTAMPTZ ('[^']*')", r"CAST(\1 AS TIMESTAMP(6) WITH TIME ZONE)", x) for x in values)
    df_events = (f"SELECT CAST(account_id AS BIGINT) AS account_id, churned_at, CAST(reason AS VARCHAR) AS reason, "
                 f"CAST(detail AS VARCHAR) AS detail, CAST(tenure_days AS DOUBLE PRECISION) AS tenure_days, "
                 f"CAST(engagement_trend AS DOUBLE PRECISION) AS engagement_trend, CAST(last_health_tier AS VARCHAR) AS last_health_tier, "
                 f"CAST(mrr_lost AS DOUBLE PRECISION) AS mrr_lost, recorded_at FROM (VALUES {df_values}) AS t({columns})")
    out = {}
    for name in ("churn_database", "churn_reasons"):
        v = next(x for x in views if x.name == name)
        # inside a transaction that psql never commits: the rows disappear afterwards
        pg_header, pg_rows = pg.query(f"BEGIN; INSERT INTO churn_events ({columns}) VALUES {', '.join(values)};\n"
                                      f"SELECT * FROM {v.name} ORDER BY {pg_order(v)};")
        _, df_rows = df.rows(views, v, churn_events=df_events)
        problems += [f"recorded churns, {v.name}: {d}" for d in diff_results(pg_rows, df_rows, ("postgres", "datafusion"))]
        out[name] = records(pg_header, pg_rows)
    by_id = {int(r["account_id"]): r for r in out["churn_database"]}
    a, b = by_id.get(int(churned["account_id"])), by_id.get(int(active["account_id"]))
    if not (a and truth(a["recorded"]) and a["reason"] == "price" and a["detail"] == "moved to a cheaper tool"
            and num(a["mrr_lost"]) == 123.5 and close(num(a["tenure_days"]), num(churned["tenure_days"]))
            and a["last_health_tier"] == churned["last_health_tier"]):
        problems.append(f"recorded churns: the recorded row must win, NULLs filled from the inputs: {a}")
    if not (b and truth(b["recorded"]) and num(b["tenure_days"]) == 42.0 and b["last_health_tier"] == "poor"
            and b["name"] == active["name"] and b["reason"] is None and _timestamp(b["churned_at"]) == active_churned_at):
        problems.append(f"recorded churns: a churn only in churn_events is a row: {b}")
    if len(out["churn_database"]) != len(results["churn_database"]) + 1:
        problems.append(f"recorded churns: {len(out['churn_database'])} rows, expected {len(results['churn_database']) + 1}")
    if sum(int(r["churned_accounts"]) for r in out["churn_reasons"]) != len(out["churn_database"]):
        problems.append("recorded churns: churn_reasons does not count the recorded churn")
    return problems


def without_optional_inputs(views, pg, df):
    """No MRR history and no tickets (empty input_mrr and input_tickets): every view still runs,
    gives the same rows in both engines, and saas_metrics falls back to input_accounts."""
    problems = defaultdict(list)
    out = {}
    for v in views:
        try:
            header, pg_rows = pg.query(f"BEGIN; TRUNCATE input_mrr, input_tickets;\n"
                                       f"SELECT * FROM {v.name} ORDER BY {pg_order(v)};")
            _, df_rows = df.rows(views, v, empty=("input_mrr", "input_tickets"))
        except EngineError as e:
            problems[v.name].append(f"without mrr and tickets: {e}")
            continue
        problems[v.name] += [f"without mrr and tickets: {d}" for d in diff_results(pg_rows, df_rows, ("postgres", "datafusion"))]
        out[v.name] = records(header, pg_rows)
    if len(out) == len(views):
        health = out["account_health"]
        live = [h for h in health if h["risk_stage"] != "churned" and num(h["mrr"]) > 0]
        s = out["saas_metrics"][0] if len(out["saas_metrics"]) == 1 else {}
        checks = [
            (not out["mrr_movements"] and not out["support_sla"], "mrr_movements and support_sla are empty"),
            (all(h["support_score"] is None for h in health), "no support_score"),
            (s.get("customers") == str(len(live)) and close(num(s.get("mrr")), sum(num(h["mrr"]) for h in live)),
             f"saas_metrics falls back to the accounts' MRR: {s}"),
            (s.get("logo_churn_rate_monthly") is None and s.get("ltv") is None, "no churn rate without MRR history"),
            (len(out["churn_database"]) > 0 and len(out["account_engagement"]) == len(health), "the other views still have rows"),
        ]
        problems["saas_metrics"] += [f"without mrr and tickets: {m}" for ok, m in checks if not ok]
    return problems


# ----------------------------------------------------------------------------- main

def fmt(value, spec=".0f", scale=1.0, unit=""):
    return "NULL" if value is None else f"{float(value) * scale:{spec}}{unit}"


def summary(results):
    """The headline numbers, for a human to judge."""
    s = results["saas_metrics"][0]
    tiers = Counter(r["health_tier"] for r in results["account_health"] if r["risk_stage"] != "churned")
    stages = Counter(r["risk_stage"] for r in results["account_health"])
    rates = defaultdict(list)
    for r in results["cohort_retention"]:
        rates[int(r["period"])].append(float(r["retention_rate"]))
    lines = [
        f"  saas_metrics: customers {s['customers']}, MRR {fmt(s['mrr'])}, ARPA {fmt(s['arpa'], '.1f')}, "
        f"logo churn {fmt(s['logo_churn_rate_monthly'], '.2f', 100, '%')}/month, "
        f"revenue churn {fmt(s['revenue_churn_rate_monthly'], '.2f', 100, '%')}/month, LTV {fmt(s['ltv'])}, "
        f"median lifetime {fmt(s['median_lifetime_days'])} days, NRR {fmt(s['nrr_last_month'], '.3f')}, GRR {fmt(s['grr_last_month'], '.3f')}",
        f"  health tiers (live accounts): {dict(tiers)}; risk stages: {dict(stages)}",
        "  average cohort retention by period: " + ", ".join(
            f"{p}: {sum(rates[p]) / len(rates[p]):.2f}" for p in (1, 3, 6, 12) if rates[p]),
    ]
    if results["mrr_movements"]:
        m = results["mrr_movements"][-1]
        lines.append(f"  mrr_movements {m['month']}: start {fmt(m['starting_mrr'])}, new +{fmt(m['new_mrr'])}, expansion +{fmt(m['expansion_mrr'])}, "
                     f"contraction {fmt(m['contraction_mrr'])}, churn {fmt(m['churned_mrr'])}, reactivation +{fmt(m['reactivation_mrr'])}, "
                     f"end {fmt(m['ending_mrr'])}")
    top = results["accounts_needing_attention"][:3]
    lines.append(f"  accounts needing attention: {len(results['accounts_needing_attention'])}; top: "
                 + "; ".join(f"#{r['rank']} {r['name']} ({fmt(r['mrr_at_risk'])}/month): {r['reason']}" for r in top))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--as-of", default=os.environ.get("VIEWS_AS_OF", "2024-07-01 00:00:00+00"),
                    help="the instant as_of() returns (default 2024-07-01 00:00:00+00, the end of the generated history)")
    ap.add_argument("--accounts", default="400")
    ap.add_argument("--days", default="500")
    ap.add_argument("--seed", default="11")
    ap.add_argument("--keep", action="store_true", help="keep the scratch schema and the data directory")
    args = ap.parse_args()

    try:
        views = load_views()
    except ValueError as e:
        print(f"FAIL sql/views: {e}")
        print("views: 0 passed, 1 failed")
        return 1
    as_of = _timestamp(args.as_of)
    if as_of is None:
        ap.error(f"--as-of {args.as_of!r} is not a timestamp")
    tmp = tempfile.mkdtemp(prefix="churnkit-views-")
    pg = Postgres(f"churnkit_views_{os.getpid()}", os.path.join(tmp, "csv"), as_of.isoformat())
    df = DataFusion(os.path.join(tmp, "parquet"), as_of.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    problems = defaultdict(list)
    for name, msgs in docs_problems(views).items():
        problems[name] += msgs
    results, row_counts = {}, {}
    try:
        for fmt in ("csv", "parquet"):
            subprocess.run([CHURNKIT_BIN, "generate", "--accounts", args.accounts, "--days", args.days, "--seed", args.seed,
                            "--format", fmt, "--out", os.path.join(tmp, fmt)], check=True, capture_output=True)
        pg.create(views)
        pg_types, df_types, comments = pg.types(), df.types(views), pg.comments()
        for view in views:
            p = problems[view.name]
            try:
                header, pg_rows = pg.rows(view)
                df_header, df_rows = df.rows(views, view)
                _, tz_rows = pg.rows(view, OTHER_TIME_ZONE)
            except EngineError as e:
                p.append(str(e))
                continue
            results[view.name], row_counts[view.name] = records(header, pg_rows), len(pg_rows)
            expected = [c for c, _ in view.columns]
            if header != expected or df_header != expected:
                p.append(f"columns: header {expected}, postgres {header}, datafusion {df_header}")
            p += [f"postgres vs datafusion: {d}" for d in diff_results(pg_rows, df_rows, ("postgres", "datafusion"))]
            if not pg_rows:
                p.append("no rows")
            # the column contract: the same types in both engines
            if len(pg_types[view.name]) != len(expected) or len(df_types[view.name]) != len(expected):
                p.append(f"columns: postgres {pg_types[view.name]}, datafusion {df_types[view.name]}")
            for (c, pt), (dc, dt) in zip(pg_types[view.name], df_types[view.name]):
                if c != dc or dt not in TYPES.get(pt, ()):
                    p.append(f"type of {c}: postgres {pt}, datafusion {dc} {dt}")
            if comments.get((view.name, "")) != view.comment or any(comments.get((view.name, c)) != d for c, d in view.columns):
                p.append("COMMENTs in Postgres differ from the header")
            # the views must not depend on the session's TimeZone
            p += [f"TimeZone {OTHER_TIME_ZONE} vs UTC: {d}" for d in diff_results(tz_rows, pg_rows, (OTHER_TIME_ZONE, "UTC"))]
        if len(results) == len(views):
            for name, msgs in Sanity(pg, results).run().items():
                problems[name] += msgs
            problems["churn_database"] += recorded_scenario(views, pg, df, results, as_of)
            for name, msgs in without_optional_inputs(views, pg, df).items():
                problems[name] += msgs
    except (EngineError, subprocess.CalledProcessError) as e:
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else e
        print(f"FAIL setup: {e} {detail or ''}".strip())
        print(f"views: 0 passed, {len(views)} failed")
        return 1
    finally:
        if args.keep:
            print(f"kept: schema {pg.schema} (SET search_path = {pg.schema}, churnkit, public), data {tmp}")
        else:
            try:
                pg.drop()
            except EngineError:
                pass
            shutil.rmtree(tmp, ignore_errors=True)

    failed = 0
    for view in views:
        msgs = problems[view.name]
        files = "+".join(sorted(os.path.basename(f).split(".", 1)[1] for f in view.files.values()))
        if msgs:
            failed += 1
            print(f"FAIL {view.number} {view.name}: {len(msgs)} problem(s)")
            for m in msgs[:12]:
                print("    ", m)
        else:
            print(f"ok   {view.number} {view.name}: {row_counts[view.name]} rows, same in both engines ({files})")
    if not failed:
        print(summary(results))
    print(f"views: {len(views) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
