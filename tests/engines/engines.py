"""Run SQL in both engines and compare results.

Postgres: psql against the server described by the usual PG* environment
variables (pg_tests/cluster.sh exports them), with `search_path` set to
`churnkit, public` so the same unqualified SQL text runs in both engines, and
TimeZone UTC. DataFusion: the `churnkit sql` binary (CHURNKIT_BIN, default
target/debug/churnkit) with every churnkit function registered.
"""

import csv
import datetime
import io
import math
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHURNKIT_BIN = os.environ.get("CHURNKIT_BIN", os.path.join(ROOT, "target", "debug", "churnkit"))
PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")

PG_PRELUDE = "SET search_path = churnkit, public; SET TimeZone = 'UTC'; SET extra_float_digits = 1;"


class EngineError(Exception):
    def __init__(self, engine, message, sqlstate=None):
        super().__init__(f"{engine}: {message}")
        self.engine = engine
        self.message = message
        self.sqlstate = sqlstate


def _rows(text):
    rows = list(csv.reader(io.StringIO(text)))
    return (rows[0], rows[1:]) if rows else ([], [])


def run_pg(sql, setup=""):
    """Run SQL (may hold several statements); return (header, rows) of the last one as strings
    (NULL = None). Raises EngineError with the SQLSTATE on an error."""
    script = "\\set ON_ERROR_STOP 1\n\\set VERBOSITY verbose\n\\pset null '<NULL>'\n" + PG_PRELUDE + "\n" + setup + "\n\\pset format csv\n" + sql + "\n"
    p = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1"], input=script, capture_output=True, text=True)
    if p.returncode != 0:
        m = re.search(r"ERROR:\s+([0-9A-Z]{5}):\s+(.*)", p.stderr)
        if m:
            raise EngineError("postgres", m.group(2).strip(), m.group(1))
        raise EngineError("postgres", p.stderr.strip())
    # only the last statement may return rows: SET and DDL print nothing with -q
    header, rows = _rows(p.stdout)
    return header, [[None if c == "<NULL>" else c for c in r] for r in rows]


def run_df(sql, tables=None, options=()):
    """Run SQL with `churnkit sql --format csv`; return (header, rows) with NULL = None.
    `options` are more `churnkit sql` options (e.g. ["--as-of", "2024-07-01T00:00:00Z"]); the SQL
    is passed on stdin, so it may be long (a whole set of views).
    Raises EngineError on an error (message without the DataFusion prefix)."""
    args = [CHURNKIT_BIN, "sql", "--format", "csv", *options]
    for name, path in (tables or {}).items():
        args += ["--table", f"{name}={path}"]
    args.append("-")
    p = subprocess.run(args, input=sql, capture_output=True, text=True)
    if p.returncode != 0:
        err = p.stderr.strip().splitlines()
        line = next((l for l in err if l.startswith("churnkit: error:")), err[-1] if err else "")
        msg = line.removeprefix("churnkit: error:").strip()
        msg = re.sub(r"^(Execution error|Error during planning|Optimizer rule '.*?' failed\ncaused by\n): ", "", msg)
        raise EngineError("datafusion", msg)
    header, rows = _rows(p.stdout)
    # the CSV writer cannot tell NULL from ''; churnkit never returns '' so treat it as NULL
    return header, [[None if c == "" else c for c in r] for r in rows]


def _num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return v


def _array(s):
    """'{1,2,NULL}' (Postgres) or '[1, 2, ]' (DataFusion CSV) as a list of strings (NULL = None)."""
    if len(s) >= 2 and s[0] + s[-1] in ("{}", "[]"):
        inner = s[1:-1].strip()
        if not inner:
            return []
        return [None if x.strip() in ("", "NULL", "null") else x.strip() for x in inner.split(",")]
    return None


_TS = re.compile(r"^(-?\d{4,6}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)?$")


def _timestamp(s):
    """Postgres '2024-06-03 10:00:00+00' and DataFusion '2024-06-03T10:00:00Z' as one UTC datetime."""
    m = _TS.match(s)
    if not m:
        return None
    zone = m.group(3) or "+00:00"
    if zone == "Z":
        zone = "+00:00"
    elif len(zone) == 3:
        zone += ":00"
    try:
        return datetime.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{zone}").astimezone(datetime.timezone.utc)
    except ValueError:
        return None


def same_value(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    ta, tb = _timestamp(a), _timestamp(b)
    if ta is not None and tb is not None:
        return ta == tb
    la, lb = _array(a), _array(b)
    if la is not None and lb is not None:
        return len(la) == len(lb) and all(same_value(x, y, tol) for x, y in zip(la, lb))
    if a.lower() in ("t", "true") and b.lower() in ("t", "true"):
        return True
    if a.lower() in ("f", "false") and b.lower() in ("f", "false"):
        return True
    x, y = _num(a), _num(b)
    if x is None or y is None:
        return False
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= tol * max(1.0, abs(x), abs(y))


def diff_results(left, right, names=("left", "right"), tol=1e-9, limit=10):
    """Compare two row lists cell by cell; return a list of difference descriptions."""
    out = []
    if len(left) != len(right):
        out.append(f"row count: {names[0]} {len(left)} vs {names[1]} {len(right)}")
    for i, (l, r) in enumerate(zip(left, right)):
        if len(l) != len(r) or not all(same_value(a, b, tol) for a, b in zip(l, r)):
            out.append(f"row {i}: {names[0]} {l} vs {names[1]} {r}")
            if len(out) >= limit:
                break
    return out
