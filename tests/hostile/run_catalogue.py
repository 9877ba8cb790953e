#!/usr/bin/env python3
"""Run the hostile-input catalogue (tests/hostile/cases.py, see docs/reliability.md) in
Postgres, in DataFusion (`churnkit sql`) and through the CLI.

Every case must give its expected outcome (SQLSTATE and message prefix, NULL,
or a value) and, whatever it gives, must not crash: after every Postgres case
the connection must still work, and at the end the server log must show no
backend terminated by a signal; no DataFusion or CLI case may print a panic or
exit with a status other than 0, 1 or 2. The catalogue must also cover every
function of schema churnkit, in each engine that has it.

Postgres cases run in a database of their own (created and dropped here), each
in a transaction that is rolled back, so the catalogue changes nothing else.

Needs a running server (PG* environment, pg_tests/cluster.sh) and the churnkit
binary (CHURNKIT_BIN). `--show` prints every outcome; `--only pg|df|cli` runs
one part. Exit status 0 when every case holds.
"""

import argparse
import csv
import io
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "engines"))
import psycopg2  # noqa: E402
import psycopg2.extensions  # noqa: E402

from cases import CASES, GOOD, NULL, Bytes, Cli, Err, Pg, Sql, Val  # noqa: E402
from engines import CHURNKIT_BIN, same_value  # noqa: E402

MIN_US = -210_866_803_200_000_000  # 4714-11-24 00:00:00 BC UTC
MAX_US = 9_223_371_244_799_999_999  # 294246-12-31 23:59:59.999999 UTC

PG_SUBST = {
    "{inf}": "CAST('infinity' AS TIMESTAMPTZ)",
    "{ninf}": "CAST('-infinity' AS TIMESTAMPTZ)",
    "{min}": "CAST('4714-11-24 00:00:00+00 BC' AS TIMESTAMPTZ)",
    "{max}": "CAST('294246-12-31 23:59:59.999999+00' AS TIMESTAMPTZ)",
    "{future}": "CAST('294247-01-01 00:00:00+00' AS TIMESTAMPTZ)",
    # Postgres itself has no instant before churnkit's first one: {past} cases are DataFusion's
    "{past}": None,
}
DF_SUBST = {
    "{inf}": "to_timestamp_micros(9223372036854775807)",
    "{ninf}": "to_timestamp_micros(-9223372036854775807 - 1)",
    "{min}": f"to_timestamp_micros({MIN_US})",
    "{max}": f"to_timestamp_micros({MAX_US})",
    "{future}": f"to_timestamp_micros({MAX_US + 1})",
    "{past}": f"to_timestamp_micros({MIN_US - 1})",
}

# Functions of schema churnkit that are not for users to call (type I/O, aggregate support,
# operators' support) are left out of the coverage check.
SUPPORT = re.compile(r"(_in|_out|_recv|_send|_trans|_final|_combine|_serialize|_deserialize|_cmp|_eq|_ne|_lt|_le|_gt|_ge|_hash)$")

FIXTURE = """
CREATE SCHEMA hostile;
CREATE TABLE hostile.accounts (account_id bigint PRIMARY KEY, name text, signed_up_at timestamptz, plan text,
                               mrr double precision, seats_purchased integer);
INSERT INTO hostile.accounts VALUES (1, 'a', '2024-01-01', 'pro', 100, 5), (2, 'b', '2024-01-15', 'basic', 20, 1),
                                    (3, 'c', '2024-02-01', 'pro', 100, 3);
CREATE TABLE hostile.events (account_id bigint, user_id bigint, occurred_at timestamptz, event_name text,
                             duration_seconds double precision, is_key_action boolean);
INSERT INTO hostile.events SELECT 1 + i % 3, i % 7, '2024-02-01'::timestamptz + i * interval '5 hours', 'login', 60, i % 4 = 0
FROM generate_series(1, 200) AS i;
CREATE TABLE hostile.events_text (account_id bigint, user_id bigint, occurred_at text, event_name text,
                                  duration_seconds double precision, is_key_action boolean);
CREATE TABLE hostile."ev; DROP TABLE hostile.accounts; --" AS TABLE hostile.events;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hostile_nobody') THEN CREATE ROLE hostile_nobody; END IF;
END $$;
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
SELECT churnkit.setup('hostile.events', 'hostile.accounts', materialize => true);
"""


def expand(sql, subst):
    for k, v in subst.items():
        if k in sql:
            if v is None:
                return None
            sql = sql.replace(k, v)
    return sql


def engine_sql(case, engine):
    text = case.pg if engine == "pg" else case.df
    if text is None:
        return None
    if text == "same":
        text = case.sql
    return expand(text, PG_SUBST if engine == "pg" else DF_SUBST)


def expected(case, engine):
    if engine == "df" and getattr(case, "expect_df", "same") != "same":
        return case.expect_df
    return case.expect


def check(exp, outcome, engine):
    """outcome: ('value', text|None) or ('error', sqlstate, message). Return None when it holds."""
    if isinstance(exp, Err):
        if outcome[0] != "error":
            return f"expected an error {exp.sqlstate} {exp.prefix!r}, got value {outcome[1]!r}"
        _, state, msg = outcome
        if engine == "pg" and exp.sqlstate and state != exp.sqlstate:
            return f"expected SQLSTATE {exp.sqlstate}, got {state}: {msg}"
        if not msg.startswith(exp.prefix):
            return f"expected a message starting {exp.prefix!r}, got {msg!r}"
        return None
    if outcome[0] == "error":
        return f"expected {exp!r}, got error {outcome[1]}: {outcome[2]}"
    if exp is NULL:
        return None if outcome[1] is None else f"expected NULL, got {outcome[1]!r}"
    assert isinstance(exp, Val)
    if outcome[1] is None or not same_value(outcome[1], exp.text):
        return f"expected {exp.text!r}, got {outcome[1]!r}"
    return None


# ---------------------------------------------------------------- Postgres
class PgRunner:
    def __init__(self):
        self.db = f"churnkit_hostile_{os.getpid()}"
        admin = psycopg2.connect(dbname=os.environ.get("PGDATABASE", "postgres"))
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.db}")
            c.execute(f"CREATE DATABASE {self.db}")
        admin.close()
        self.log = os.path.join(os.environ["CHURNKIT_PG_DIR"], "server.log") if os.environ.get("CHURNKIT_PG_DIR") else None
        self.log_start = os.path.getsize(self.log) if self.log and os.path.exists(self.log) else 0
        self.connect()
        with self.conn.cursor() as c:
            c.execute("CREATE EXTENSION churnkit")
            c.execute(FIXTURE)
        self.conn.commit()

    def connect(self):
        self.conn = psycopg2.connect(dbname=self.db)
        with self.conn.cursor() as c:
            c.execute("SET search_path = churnkit, public; SET TimeZone = 'UTC'; SET extra_float_digits = 1;"
                      " SET statement_timeout = '60s'")
        self.conn.commit()

    def run(self, sql, setup="", copy=None):
        """-> ('value', text|None) | ('error', sqlstate, message) | ('crash', message)"""
        try:
            with self.conn.cursor() as c:
                try:
                    if setup:
                        c.execute(setup)
                    if copy:
                        typ, data = copy
                        c.execute(f"CREATE TEMP TABLE hostile_bytes (s churnkit.{typ})")
                        c.copy_expert("COPY hostile_bytes FROM STDIN (FORMAT binary)", io.BytesIO(data))
                    c.execute(sql)
                    rows = c.fetchall() if c.description else [("<no rows>",)]
                    if len(rows) != 1:
                        return ("value", f"<{len(rows)} rows>")
                    v = rows[0][0]
                    if isinstance(v, bool):
                        v = "true" if v else "false"
                    return ("value", None if v is None else str(v))
                except psycopg2.Error as e:
                    if self.conn.closed or isinstance(e, (psycopg2.OperationalError, psycopg2.InterfaceError)) and not e.pgcode:
                        raise
                    msg = (e.diag.message_primary or str(e)).strip()
                    return ("error", e.pgcode, msg)
                finally:
                    if not self.conn.closed:
                        self.conn.rollback()
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
            out = ("crash", str(e).strip())
            self.connect()
            return out
        finally:
            pass

    def alive(self):
        try:
            with self.conn.cursor() as c:
                c.execute("SELECT 1")
            self.conn.rollback()
            return True
        except psycopg2.Error:
            self.connect()
            return False

    def server_log_problems(self):
        if not self.log or not os.path.exists(self.log):
            return []
        with open(self.log, errors="replace") as f:
            f.seek(self.log_start)
            text = f.read()
        return [l for l in text.splitlines() if re.search(r"terminated by signal|PANIC:|server process .* was terminated", l)]

    def functions(self):
        with self.conn.cursor() as c:
            c.execute("SELECT DISTINCT p.proname FROM pg_proc p WHERE p.pronamespace = 'churnkit'::regnamespace")
            names = {r[0] for r in c.fetchall()}
        self.conn.rollback()
        return {n for n in names if not SUPPORT.search(n) and not n.startswith("_")}

    def close(self):
        self.conn.close()
        admin = psycopg2.connect(dbname=os.environ.get("PGDATABASE", "postgres"))
        admin.autocommit = True
        with admin.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.db}")
        admin.close()


def pgcopy(hexstr):
    data = bytes.fromhex(hexstr)
    return (b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0) + struct.pack("!hi", 1, len(data)) + data
            + struct.pack("!h", -1))


# ---------------------------------------------------------------- DataFusion and the CLI
def run_df(sql):
    p = subprocess.run([CHURNKIT_BIN, "sql", "--format", "csv", sql], capture_output=True, text=True, timeout=300)
    if "panic" in (p.stderr + p.stdout).lower() or p.returncode not in (0, 1, 2):
        return ("crash", f"exit {p.returncode}: {p.stderr.strip()[-500:]}")
    if p.returncode != 0:
        line = next((l for l in p.stderr.splitlines() if l.startswith("churnkit: error:")), p.stderr.strip())
        msg = line.removeprefix("churnkit: error:").strip()
        while True:
            stripped = re.sub(r"^(Execution error|Error during planning|Arrow error|External error): ", "", msg)
            if stripped == msg:
                break
            msg = stripped
        return ("error", "", msg)
    rows = list(csv.reader(io.StringIO(p.stdout)))[1:]
    if len(rows) != 1 or len(rows[0]) != 1:
        return ("value", f"<{len(rows)} rows>")
    v = rows[0][0]
    return ("value", None if v == "" else v)


def run_cli(case, tmp):
    d = tempfile.mkdtemp(dir=tmp)
    for name, content in case.files.items():
        with open(os.path.join(d, name), "w", encoding="latin-1") as f:
            f.write(content)
    args = [a.replace("{dir}", d) for a in case.args]
    p = subprocess.run([CHURNKIT_BIN, *args], capture_output=True, text=True, timeout=300, cwd=d)
    if "panic" in (p.stderr + p.stdout).lower() or p.returncode not in (0, 1, 2):
        return f"crash: exit {p.returncode}: {p.stderr.strip()[-500:]}", p
    if p.returncode != case.exit:
        return f"expected exit {case.exit}, got {p.returncode}: {p.stderr.strip()[-300:]}", p
    if case.stderr and case.stderr not in p.stderr:
        return f"expected stderr to contain {case.stderr!r}, got {p.stderr.strip()[-300:]!r}", p
    if p.returncode == 1 and len([l for l in p.stderr.splitlines() if l.strip()]) != 1:
        return f"an error is one line on stderr, got {p.stderr!r}", p
    if p.returncode != 0 and os.path.isdir(os.path.join(d, "out")) and os.listdir(os.path.join(d, "out")):
        return "a failed run left files in --out", p
    return None, p


def label(case):
    if isinstance(case, Cli):
        changed = {k: v[:60] for k, v in case.files.items() if GOOD.get(k) != v}
        return "churnkit " + " ".join(case.args) + (f"  files {changed}" if changed else "")
    if isinstance(case, Bytes):
        return f"{case.type} X'{case.hex[:40]}' -> {case.accessor}"
    return case.sql[:160]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true", help="print every outcome")
    ap.add_argument("--only", choices=["pg", "df", "cli"])
    a = ap.parse_args()
    failures = []
    counts = {"pg": 0, "df": 0, "cli": 0}
    covered = {"pg": set(), "df": set()}

    def record(engine, case, outcome, problem):
        counts[engine] += 1
        if a.show or problem:
            shown = outcome if isinstance(outcome, str) else " ".join(str(x) for x in outcome)
            print(f"{'FAIL' if problem else 'ok  '} [{engine}] {label(case)}\n       -> {shown}" + (f"\n       !! {problem}" if problem else ""))
        if problem:
            failures.append((engine, label(case), problem))

    def names_in(sql):
        return set(re.findall(r"([a-z_]+)\s*\(", sql))

    if a.only in (None, "pg"):
        pg = PgRunner()
        try:
            for case in CASES:
                if isinstance(case, Cli):
                    continue
                if isinstance(case, Bytes):
                    sql = f"SELECT ({case.accessor.format(s='s')})::text FROM hostile_bytes"
                    out = pg.run(sql, copy=(case.type, pgcopy(case.hex)))
                    exp = case.expect
                elif isinstance(case, Pg):
                    sql = case.sql
                    out = pg.run(sql, setup=case.setup)
                    exp = case.expect
                else:
                    sql = engine_sql(case, "pg")
                    if sql is None:
                        continue
                    out = pg.run(f"SELECT (q.x)::text FROM ({sql}) AS q(x)")
                    exp = expected(case, "pg")
                covered["pg"] |= names_in(sql)
                if out[0] == "crash" or not pg.alive():
                    problem = f"the server connection was lost: {out}"
                elif out[0] == "error" and out[1] == "XX000":
                    problem = f"internal error (XX000): {out[2]}"
                else:
                    problem = check(exp, out, "pg")
                record("pg", case, out, problem)
            for l in pg.server_log_problems():
                failures.append(("pg", "server log", l))
                print(f"FAIL [pg] server log: {l}")
            missing = pg.functions() - covered["pg"]
            if missing:
                failures.append(("pg", "coverage", f"no case calls {sorted(missing)}"))
                print(f"FAIL [pg] coverage: no case calls {sorted(missing)}")
            pg_functions = pg.functions()
        finally:
            pg.close()
    else:
        pg_functions = None

    if a.only in (None, "df"):
        for case in CASES:
            if isinstance(case, (Cli, Pg)):
                continue
            if isinstance(case, Bytes):
                accessor = case.accessor_df or case.accessor
                sql = f"SELECT {accessor.format(s=f'X{chr(39)}{case.hex}{chr(39)}')}"
                sql = expand(sql, DF_SUBST)
                exp = case.expect
            else:
                sql = engine_sql(case, "df")
                if sql is None:
                    continue
                exp = expected(case, "df")
            covered["df"] |= names_in(sql)
            out = run_df(sql)
            problem = f"crash: {out[1]}" if out[0] == "crash" else check(exp, out, "df")
            record("df", case, out, problem)
        out = run_df("SELECT string_agg(routine_name, ',') FROM information_schema.routines")
        df_functions = set((out[1] or "").split(","))
        if pg_functions is not None:
            missing = (pg_functions & df_functions) - covered["df"]
            if missing:
                failures.append(("df", "coverage", f"no case calls {sorted(missing)}"))
                print(f"FAIL [df] coverage: no case calls {sorted(missing)}")

    if a.only in (None, "cli"):
        with tempfile.TemporaryDirectory() as tmp:
            for case in CASES:
                if not isinstance(case, Cli):
                    continue
                problem, p = run_cli(case, tmp)
                record("cli", case, f"exit {p.returncode}: {p.stderr.strip()[-200:]}", problem)

    print(f"hostile catalogue: {counts['pg']} Postgres cases, {counts['df']} DataFusion cases, {counts['cli']} CLI cases; "
          f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
