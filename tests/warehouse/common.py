"""Helpers of the tests/warehouse suites: the scratch schema, superuser SQL, checks.

The suites load generated data into tables of a scratch schema (`app`) of the
server of the PG* environment variables and wire them with
`churnkit.setup()`. The schema carries a COMMENT marking it as this suites'
scratch schema; a schema of that name without the marker is never dropped.
Dropping the schema drops the views of schema churnkit built on it.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engines"))
sys.path.insert(0, os.path.join(HERE, "..", "views"))
from engines import CHURNKIT_BIN, ROOT, EngineError, diff_results, run_df, run_pg  # noqa: E402,F401
from run_views import ORDER, TYPES as DF_TYPES, df_order, load_views, pg_order  # noqa: E402,F401

SCHEMA = "app"
MARKER = "churnkit tests/warehouse scratch schema"


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def superuser(sql, as_of):
    """Run SQL as the superuser of the PG* variables (psql, search_path churnkit, public,
    TimeZone UTC) with churnkit.as_of set; (header, rows) of the last statement."""
    return run_pg(sql, setup=f"SET churnkit.as_of = {sql_literal(as_of)};")


def drop_scratch(as_of, role=None):
    """Drop the scratch schema (only when it has the marker) and the role of an earlier run."""
    drop_role = f"DROP ROLE IF EXISTS {role};" if role else ""
    superuser(f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {sql_literal(SCHEMA)}) THEN
                IF obj_description({sql_literal(SCHEMA)}::regnamespace, 'pg_namespace') IS DISTINCT FROM {sql_literal(MARKER)} THEN
                    RAISE EXCEPTION 'schema {SCHEMA} exists and is not the scratch schema of tests/warehouse: not dropping it';
                END IF;
                DROP SCHEMA {SCHEMA} CASCADE;
            END IF;
        END
        $$;
        {drop_role}
        SELECT 1;""", as_of)


def create_scratch(as_of, tables, csv_files, extra=()):
    """CREATE SCHEMA app (with the marker); for every name of `tables` (name -> column DDL)
    a table loaded from csv_files[name] (CSV with a header row) with \\copy; then the
    statements of `extra`."""
    script = [f"CREATE SCHEMA {SCHEMA};", f"COMMENT ON SCHEMA {SCHEMA} IS {sql_literal(MARKER)};"]
    for name, columns in tables.items():
        script.append(f"CREATE TABLE {SCHEMA}.{name} ({columns});")
        script.append(f"\\copy {SCHEMA}.{name} FROM {sql_literal(csv_files[name])} WITH (FORMAT csv, HEADER true)")
    script.append(f"ANALYZE {', '.join(f'{SCHEMA}.{n}' for n in tables)};")
    script += list(extra)
    script.append("SELECT 1;")
    superuser("\n".join(script), as_of)


class Checks:
    """One line per check: `ok   name` or `FAIL name: detail`; counts for the summary."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}", flush=True)
        return ok

    def summary(self, suite):
        print(f"{suite}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
