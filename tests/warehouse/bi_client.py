#!/usr/bin/env python3
"""A real BI client reads the warehouse views.

What a BI tool (Metabase, Superset, Tableau, a notebook) does against a
database where `churnkit.setup()` has run, as a login that is only a member
of `churnkit_reader`, with SQLAlchemy 2 (psycopg2 driver) and pandas:

1. Generates a small data set (`churnkit generate --accounts 150 --days 200
   --seed 11 --format csv`), loads it into tables of a scratch schema `app`
   (COPY), and runs `churnkit.setup(events => 'app.events', accounts =>
   'app.accounts', mrr => 'app.mrr', tickets => 'app.tickets')` as the
   superuser, with `churnkit.as_of` fixed.
2. Creates the LOGIN role `churnkit_bi_test` IN ROLE churnkit_reader (the
   test cluster trusts local connections: no password) and connects as it
   over TCP, pinning the dashboards' date the way a BI connection can
   (`options=-c churnkit.as_of=...`).
3. As that role: `inspect(engine).get_view_names(schema="churnkit")` lists
   the 12 dashboard views; `get_columns` of each gives the columns of the
   view file's header (sql/views/, parsed as tests/views/run_views.py does),
   in order, with the contract types (TYPES below) and the header's
   descriptions as column comments; `get_table_comment` is the header's
   first line; `pandas.read_sql` of each view returns those columns and as
   many rows as the superuser reads; the raw tables (app.events), the
   `churnkit.input_*` views and `churnkit.churn_events` are out of reach
   (SQLSTATE 42501), so is writing into `churn_events`.
4. `setup(..., materialize => true)`: the materialized views are found by
   `get_materialized_view_names` and read by the role too.

The role and the schema are dropped at the end, also on a failure (dropping
`app` drops the views of schema churnkit built on it). Prints one line per
check and `bi_client: N passed, M failed`; exits 1 on a failure.

Needs the server of the PG* environment variables (`eval "$(bash
pg_tests/cluster.sh start)"`: trust authentication, TCP on 127.0.0.1) with
the churnkit extension, the `churnkit` binary (CHURNKIT_BIN) and the Python
packages sqlalchemy, psycopg2-binary, pandas (scripts/lib.sh ensure_python).
Options: --keep (keep the schema, the role and the data directory).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CHURNKIT_BIN, SCHEMA, Checks, EngineError, create_scratch, drop_scratch, load_views, superuser  # noqa: E402

import pandas as pd  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import create_engine, inspect, text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402
from sqlalchemy.engine import URL  # noqa: E402

ROLE = "churnkit_bi_test"
AS_OF = "2024-07-01T00:00:00+00:00"  # no space: it goes into libpq options too

# The source tables: the input contract with its canonical types (the CSV
# columns of `churnkit generate`, in file order).
TABLES = {
    "events": "account_id bigint, user_id bigint, occurred_at timestamptz, event_name text, "
              "duration_seconds double precision, is_key_action boolean",
    "accounts": "account_id bigint, name text, signed_up_at timestamptz, plan text, mrr double precision, "
                "seats_purchased bigint, renewal_at timestamptz, churned_at timestamptz, churn_reason text",
    "mrr": "account_id bigint, month date, mrr double precision",
    "tickets": "account_id bigint, opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz",
}

# The column types of the views, the contract of docs/warehouse.md ("The
# columns are a contract for BI tools: stable names and types"): counts
# bigint, period and step integer, measures and rates double precision,
# instants timestamptz, months of user_lifecycle and mrr_movements date,
# text, flags boolean. A change here breaks dashboards: change it knowingly.
TYPES = {
    "account_engagement": "account_id bigint, events_30d bigint, active_days_30d bigint, active_minutes_30d float8, "
                          "key_actions_30d bigint, active_users_30d bigint, engagement_score float8, activity_trend float8, "
                          "first_active_at timestamptz, last_active_at timestamptz",
    "support_sla": "account_id bigint, opened_at timestamptz, first_response_at timestamptz, resolved_at timestamptz, "
                   "hours_to_first_response float8, business_hours_to_first_response float8, met_24h boolean, "
                   "met_2_business_hours boolean, sla_met boolean, open boolean",
    "account_health": "account_id bigint, name text, plan text, mrr float8, seats_purchased bigint, engagement_score float8, "
                      "seat_utilisation float8, support_score float8, health_score float8, health_tier text, risk_stage text, "
                      "activity_trend float8, last_active_at timestamptz, renewal_at timestamptz, churned_at timestamptz, "
                      "days_to_renewal bigint, days_since_last_activity bigint",
    "accounts_needing_attention": "rank bigint, account_id bigint, name text, plan text, mrr_at_risk float8, health_score float8, "
                                  "health_tier text, risk_stage text, reason text",
    "cohort_retention": "cohort timestamptz, period integer, cohort_size bigint, retained bigint, retention_rate float8",
    "user_lifecycle": "month date, state text, users bigint",
    "onboarding_funnel": "cohort timestamptz, step integer, step_name text, accounts bigint, conversion_from_start float8, "
                         "conversion_from_previous float8",
    "mrr_movements": "month date, starting_mrr float8, new_mrr float8, expansion_mrr float8, contraction_mrr float8, "
                     "churned_mrr float8, reactivation_mrr float8, net_new_mrr float8, ending_mrr float8, customers_start bigint, "
                     "new_customers bigint, churned_customers bigint, reactivated_customers bigint, customers_end bigint, "
                     "logo_churn_rate float8, revenue_churn_rate float8, nrr float8, grr float8",
    "churn_database": "account_id bigint, name text, plan text, churned_at timestamptz, reason text, detail text, tenure_days float8, "
                      "engagement_trend_before_churn float8, last_health_tier text, mrr_lost float8, recorded boolean",
    "churn_reasons": "reason text, churned_accounts bigint, share_of_churns float8, mrr_lost float8, avg_tenure_days float8, "
                     "avg_engagement_trend float8",
    "customer_lifetime": "plan text, days float8, at_risk bigint, churned bigint, survival float8",
    "saas_metrics": "as_of timestamptz, customers bigint, mrr float8, arpa float8, logo_churn_rate_monthly float8, "
                    "revenue_churn_rate_monthly float8, gross_margin float8, ltv float8, median_lifetime_days float8, "
                    "nrr_last_month float8, grr_last_month float8",
}

# SQLAlchemy's reflected type -> the contract's type name
SQLA_TYPES = [
    (postgresql.DOUBLE_PRECISION, "float8"),
    (sqlalchemy.BigInteger, "bigint"),
    (sqlalchemy.SmallInteger, "smallint"),
    (sqlalchemy.Integer, "integer"),
    (sqlalchemy.Boolean, "boolean"),
    (sqlalchemy.Date, "date"),
    (sqlalchemy.Text, "text"),
    (sqlalchemy.String, "varchar"),
    (sqlalchemy.Numeric, "numeric"),
]


def contract_type(t):
    if isinstance(t, sqlalchemy.DateTime):
        return "timestamptz" if t.timezone else "timestamp"
    for cls, name in SQLA_TYPES:
        if isinstance(t, cls):
            return name
    return f"other: {t!r}"


def load(csv_dir):
    create_scratch(AS_OF, TABLES, {n: os.path.join(csv_dir, n + ".csv") for n in TABLES}, extra=[
        # the schema is usable by everyone (like public): what keeps the BI
        # role out of the raw tables is the tables' own privileges
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC;",
        f"CREATE ROLE {ROLE} LOGIN IN ROLE churnkit_reader;",
    ])


def setup(materialize=False):
    _, rows = superuser(f"SELECT churnkit.setup(events => '{SCHEMA}.events', accounts => '{SCHEMA}.accounts', "
                        f"mrr => '{SCHEMA}.mrr', tickets => '{SCHEMA}.tickets', materialize => {str(materialize).lower()});", AS_OF)
    return rows[0][0]


def bi_engine():
    """The BI tool's connection: TCP, the role's name, no password (trust), the dashboards' date pinned."""
    url = URL.create("postgresql+psycopg2", username=ROLE, host="127.0.0.1",
                     port=int(os.environ.get("PGPORT", "5432")), database=os.environ.get("PGDATABASE", "churnkit"))
    return create_engine(url, connect_args={"options": f"-c churnkit.as_of={AS_OF}"})


def denied(engine, sql):
    """(True, message) when `sql` fails with SQLSTATE 42501 (insufficient privilege)."""
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
            conn.rollback()
    except sqlalchemy.exc.DBAPIError as e:
        code = getattr(e.orig, "pgcode", None)
        return code == "42501", f"{code}: {str(e.orig).strip().splitlines()[0]}"
    return False, "no error"


def parse_types(spec):
    return [tuple(c.strip().split(" ", 1)) for c in spec.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", action="store_true", help="keep the schema, the role and the data directory")
    args = ap.parse_args()

    views = load_views()
    expected = {v.name: v for v in views}
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="churnkit-bi-")
    engine = None
    try:
        subprocess.run([CHURNKIT_BIN, "generate", "--accounts", "150", "--days", "200", "--seed", "11",
                        "--format", "csv", "--out", tmp], check=True, capture_output=True)
        drop_scratch(AS_OF, ROLE)
        load(tmp)
        checks.check("setup as the superuser", "12 dashboard views" in setup(), "setup did not create 12 views")
        counts = {}
        for v in views:
            _, rows = superuser(f"SELECT count(*) FROM churnkit.{v.name};", AS_OF)
            counts[v.name] = int(rows[0][0])

        engine = bi_engine()
        with engine.connect() as conn:
            who, reader, as_of = conn.execute(text(
                "SELECT current_user, pg_has_role('churnkit_reader', 'MEMBER'), churnkit.as_of() = CAST(:a AS timestamptz)"),
                {"a": AS_OF}).one()
        checks.check(f"connected as {who}, a member of churnkit_reader, as_of pinned", who == ROLE and reader and as_of,
                     f"{who} reader={reader} as_of={as_of}")

        insp = inspect(engine)
        listed = insp.get_view_names(schema="churnkit")
        missing = sorted(set(expected) - set(listed))
        others = sorted(set(listed) - set(expected))
        checks.check(f"get_view_names(schema='churnkit'): the 12 dashboard views"
                     + (f" (and, visible in the catalog but not readable: {', '.join(others)})" if others else ""),
                     not missing, f"missing {missing}")

        for v in views:
            cols = insp.get_columns(v.name, schema="churnkit")
            got = [(c["name"], contract_type(c["type"])) for c in cols]
            names = [c for c, _ in v.columns]
            problems = []
            if [n for n, _ in got] != names:
                problems.append(f"columns {[n for n, _ in got]} != header {names}")
            contract = parse_types(TYPES[v.name])
            if got != contract:
                problems.append(f"types {[f'{n} {t}' for n, t in got if (n, t) not in contract]} differ from the contract "
                                f"{[f'{n} {t}' for n, t in contract if (n, t) not in got]}")
            descriptions = dict(v.columns)
            wrong = [c["name"] for c in cols if c.get("comment") != descriptions.get(c["name"])]
            if wrong:
                problems.append(f"column comments differ from the header: {wrong}")
            comment = insp.get_table_comment(v.name, schema="churnkit").get("text")
            if comment != v.comment:
                problems.append(f"view comment {comment!r} != header {v.comment!r}")
            checks.check(f"get_columns/get_table_comment {v.name}: {len(cols)} columns, types, comments",
                         not problems, "; ".join(problems))

        for v in views:
            with engine.connect() as conn:
                df = pd.read_sql(text(f"SELECT * FROM churnkit.{v.name}"), conn)
            names = [c for c, _ in v.columns]
            # instants arrive as time-zone-aware datetimes (UTC), numbers as numbers
            bad = [f"{c} {df[c].dtype}" for c, t in parse_types(TYPES[v.name]) if c in df and df[c].notna().any() and not (
                (t == "timestamptz" and isinstance(df[c].dtype, pd.DatetimeTZDtype) and str(df[c].dtype.tz) == "UTC")
                or (t in ("bigint", "integer", "float8") and pd.api.types.is_numeric_dtype(df[c]))
                or t in ("text", "date", "boolean"))]
            checks.check(f"pandas.read_sql {v.name}: {len(df)} rows (superuser: {counts[v.name]})",
                         list(df.columns) == names and len(df) == counts[v.name] and len(df) > 0 and not bad,
                         f"columns {list(df.columns)}, rows {len(df)} vs {counts[v.name]}, dtypes {bad}")

        for what, sql in [
            (f"reading the raw table {SCHEMA}.events", f"SELECT count(*) FROM {SCHEMA}.events"),
            ("reading the input view churnkit.input_events", "SELECT count(*) FROM churnkit.input_events"),
            ("reading the input view churnkit.input_mrr", "SELECT count(*) FROM churnkit.input_mrr"),
            ("reading the churn table churnkit.churn_events", "SELECT count(*) FROM churnkit.churn_events"),
            ("INSERT INTO churnkit.churn_events",
             "INSERT INTO churnkit.churn_events (account_id, churned_at, reason) VALUES (1, now(), 'forged')"),
            ("EXECUTE churnkit.setup()", "SELECT churnkit.setup(NULL, NULL)"),
            ("EXECUTE churnkit.refresh()", "SELECT churnkit.refresh()"),
        ]:
            ok, msg = denied(engine, sql)
            checks.check(f"{what}: permission denied ({msg})", ok, msg)

        # materialized views: a BI tool lists them separately
        setup(materialize=True)
        insp = inspect(engine)
        plain, mat = insp.get_view_names(schema="churnkit"), insp.get_materialized_view_names(schema="churnkit")
        bad = []
        for name in mat:
            with engine.connect() as conn:
                df = pd.read_sql(text(f"SELECT * FROM churnkit.{name}"), conn)
            if len(df) != counts[name]:
                bad.append(f"{name}: {len(df)} rows vs {counts[name]}")
        checks.check(f"materialize => true: {len(mat)} materialized views listed by get_materialized_view_names, "
                     f"readable with the same rows",
                     set(expected) <= set(plain) | set(mat) and len(mat) > 0 and not bad,
                     f"plain {plain}, materialized {mat}, {bad}")
    except Exception as e:  # noqa: BLE001 -- any error is a failed check, and the cleanup below runs
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else ""
        checks.check("bi_client", False, f"{type(e).__name__}: {e} {detail or ''}".strip())
    finally:
        if engine is not None:
            engine.dispose()
        if args.keep:
            print(f"kept: schema {SCHEMA}, role {ROLE}, data {tmp}")
        else:
            try:
                drop_scratch(AS_OF, ROLE)
            except EngineError as e:
                checks.check("cleanup", False, str(e))
            shutil.rmtree(tmp, ignore_errors=True)

    return checks.summary("bi_client")


if __name__ == "__main__":
    sys.exit(main())
