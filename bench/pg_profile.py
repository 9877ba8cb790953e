#!/usr/bin/env python3
"""Profile one query in a Postgres backend with perf (not in CI).

    python3 bench/pg_profile.py OUT.perf "SELECT ..."     # PG* environment: the server

Opens a connection, attaches `perf record -g` to its backend, runs the query
(serial), and stops perf; `perf report -i OUT.perf --no-children` reads it.
Used for the Postgres rows of BENCHMARKS.md ("Reading the results").
"""
import signal
import subprocess
import sys
import time

import psycopg2

out, sql = sys.argv[1], sys.argv[2]
con = psycopg2.connect("")
cur = con.cursor()
cur.execute("SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'")
cur.execute("SELECT pg_backend_pid()")
pid = cur.fetchone()[0]
cur.execute(sql)  # warm-up: the table in shared buffers / the page cache
perf = subprocess.Popen(["perf", "record", "-F", "2000", "--call-graph", "dwarf,16384", "-o", out, "-p", str(pid)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.0)
t0 = time.perf_counter()
cur.execute(sql)
print(f"{time.perf_counter() - t0:.3f} s: {cur.fetchall()[:1]}", file=sys.stderr)
perf.send_signal(signal.SIGINT)
perf.wait()
