#!/usr/bin/env python3
"""The server log of a sqlsmith run (pg_tests/sqlsmith.sh), read from a byte
offset: the generated statements, those naming churnkit objects, the errors
by SQLSTATE, and any crash or internal error of churnkit. Exit status 1 when
there is a crash or an internal error raised by churnkit (XX000 from a Rust
file or without a C location); XX000 raised by Postgres's own C code (a few
parser elog()s sqlsmith reaches) is counted, not failed.

    python3 pg_tests/sqlsmith_log.py SERVER_LOG OFFSET QUERIES [KEEP_ERRORS_FILE]
"""
import collections, re, sys
path, start, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3]
keep = sys.argv[4] if len(sys.argv) > 4 else ""
with open(path, "rb") as f:
    f.seek(start)
    text = f.read().decode(errors="replace")
# one entry per log line prefix; a statement spans lines, and the LOCATION,
# DETAIL, STATEMENT ... lines of an error belong to it
PREFIX = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[\d+\] "
entries = []
for e in re.split(r"\n(?=" + PREFIX + ")", text):
    if entries and re.match(PREFIX + r"(LOCATION|DETAIL|HINT|CONTEXT|STATEMENT|QUERY):  ", e):
        entries[-1] += "\n" + e
    else:
        entries.append(e)
generated = [e for e in entries if re.search(r"statement: (select|with|insert|update|delete|merge)\b", e, re.I)
             and "sqlsmith" not in e and "pg_catalog.pg_" not in e and " from pg_" not in e]
churnkit = [e for e in generated if "churnkit." in e]
objects = collections.Counter(m for e in churnkit for m in set(re.findall(r"churnkit\.([a-z_]+)", e)))
errors = [e for e in entries if re.search(r"\] ERROR:  [0-9A-Z]{5}:", e)]
states = collections.Counter(re.search(r"ERROR:  ([0-9A-Z]{5})", e).group(1) for e in errors)
ours = [e for e in errors if re.search(r"ERROR:  (22023|22008|53200): [a-z_]+: ", e)]
crashes = [e for e in entries if re.search(r"terminated by signal|PANIC:|was terminated|exited with exit code [1-9]", e)]
# XX000 raised by Postgres's own C code (sqlsmith reaches a few elog()s of
# the parser, e.g. "failed to find conversion function from unknown to
# text") is counted, not failed; one from churnkit (a Rust file, or no C
# location) fails the run
internal_pg = [e for e in errors if "ERROR:  XX000" in e and re.search(r"LOCATION:  \w+, [\w./-]+\.c:\d+", e)]
internal = [e for e in errors if "ERROR:  XX000" in e and e not in internal_pg]
if keep:
    open(keep, "w").write("\n".join(errors))
print(f"sqlsmith.sh: {queries} queries: {len(generated)} generated statements logged, {len(churnkit)} naming churnkit "
      f"objects ({len(objects)} distinct: {', '.join(f'{k} {v}' for k, v in objects.most_common(12))}); "
      f"{len(errors)} errors, {len(ours)} of them churnkit's own (function: invalid argument), "
      f"{len(internal_pg)} internal errors of Postgres's own C code; by SQLSTATE: "
      + ", ".join(f"{k} {v}" for k, v in states.most_common(8)), file=sys.stderr)
for e in (crashes + internal)[:20]:
    print("sqlsmith.sh: FAIL:", e[:2000], file=sys.stderr)
sys.exit(1 if crashes or internal else 0)
