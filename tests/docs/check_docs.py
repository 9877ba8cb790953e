#!/usr/bin/env python3
"""Execute every example of docs/*.md in both engines and compare with the doc.

An example is a fenced ```sql block followed (after optional blank lines) by
either
  * a Markdown table: the expected result (header = column names, `NULL` = SQL
    NULL, numbers compared to 1e-9), or
  * a ```text block whose first line is `ERROR:  <message>`: the expected error
    (Postgres must raise it with SQLSTATE 22023, DataFusion with the same text).
The info string may restrict an example to one engine: ```sql postgres or
```sql datafusion. A ```sql block with no result after it is not run (use that
for setup snippets that need real tables). Postgres runs with
search_path = churnkit, public and TimeZone UTC, so the unqualified names of
the docs run unchanged in both engines.
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engines"))
from engines import ROOT, EngineError, diff_results, run_df, run_pg  # noqa: E402


def parse_examples(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    examples = []
    while i < len(lines):
        m = re.match(r"^```sql\s*(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        engines = {m.group(1)} if m.group(1) else {"postgres", "datafusion"}
        start = i + 1
        j = start
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        sql = "\n".join(lines[start:j]).strip()
        k = j + 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        expected = None
        if k < len(lines) and lines[k].startswith("|"):
            table = []
            while k < len(lines) and lines[k].startswith("|"):
                table.append(lines[k])
                k += 1
            cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in table]
            header, body = cells[0], [r for r in cells[2:]]
            body = [[None if c == "NULL" else c.replace("\\|", "|") for c in r] for r in body]
            expected = ("rows", header, body)
        elif k < len(lines) and lines[k].startswith("```text") and k + 1 < len(lines) and lines[k + 1].startswith("ERROR:"):
            expected = ("error", lines[k + 1][len("ERROR:"):].strip())
        if expected:
            examples.append({"file": os.path.relpath(path, ROOT), "line": start, "sql": sql, "engines": engines, "expected": expected})
        i = j + 1
    return examples


def check(ex):
    problems = []
    for engine in sorted(ex["engines"]):
        run = run_pg if engine == "postgres" else run_df
        try:
            header, rows = run(ex["sql"])
            got = ("rows", header, rows)
        except EngineError as e:
            got = ("error", e.message, e.sqlstate)
        kind = ex["expected"][0]
        if kind == "rows":
            if got[0] != "rows":
                problems.append(f"{engine}: error {got[1]}")
                continue
            if [h.lower() for h in got[1]] != [h.lower() for h in ex["expected"][1]]:
                problems.append(f"{engine}: columns {got[1]} != {ex['expected'][1]}")
            for d in diff_results(ex["expected"][2], got[2], ("doc", engine)):
                problems.append(f"{engine}: {d}")
        else:
            if got[0] != "error":
                problems.append(f"{engine}: expected error, got rows {got[2]}")
            elif got[1] != ex["expected"][1]:
                problems.append(f"{engine}: error '{got[1]}' != doc '{ex['expected'][1]}'")
            elif engine == "postgres" and got[2] != "22023":
                problems.append(f"postgres: SQLSTATE {got[2]}, expected 22023")
    return problems


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    passed = failed = 0
    for f in files:
        for ex in parse_examples(f):
            problems = check(ex)
            where = f"{ex['file']}:{ex['line']}"
            if problems:
                failed += 1
                print(f"FAIL {where}\n  {ex['sql']}")
                for p in problems:
                    print("   ", p)
            else:
                passed += 1
                print(f"ok   {where} ({', '.join(sorted(ex['engines']))})")
    if passed + failed == 0:
        print("no examples found")
        return 1
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
