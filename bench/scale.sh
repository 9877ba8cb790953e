#!/usr/bin/env bash
# One command for the scale run of BENCHMARKS.md (issue #10, item 3; not part
# of CI): `churnkit run` on ~100 M generated events in time order, with the
# memory limit of query execution (CHURNKIT_MEMORY_LIMIT, default: half the
# machine's memory). Prints and records (bench/scale.md) the wall time and the
# peak RSS of the job.
#
#   bash bench/scale.sh                       # 285,000 accounts x 365 days: ~100 M events
#   ACCOUNTS=30000 bash bench/scale.sh        # a smaller run
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ACCOUNTS="${ACCOUNTS:-285000}"
DAYS="${DAYS:-365}"
DATA="${DATA:-$ROOT/bench/data/scale-a$ACCOUNTS-d$DAYS}"
if [ "${SKIP_BUILD:-}" != 1 ]; then
    log "cargo build --release -p churnkit-cli"
    cargo build --release -q -p churnkit-cli
fi
BIN="$ROOT/target/release/churnkit"
if [ ! -f "$DATA/events.parquet" ]; then
    log "churnkit generate --accounts $ACCOUNTS --days $DAYS --order time"
    "$BIN" generate --accounts "$ACCOUNTS" --days "$DAYS" --order time --format parquet --out "$DATA" >/dev/null
fi
events=$("$BIN" sql --format csv --table "events=$DATA/events.parquet" "SELECT count(*) FROM events" | tail -1)
log "churnkit run on $events events (CHURNKIT_MEMORY_LIMIT=${CHURNKIT_MEMORY_LIMIT:-default})"
rm -rf "$DATA/out"
/usr/bin/time -v -o "$DATA/time.txt" "$BIN" run --quiet --as-of 2024-07-01T00:00:00Z \
    --events "$DATA/events.parquet" --accounts "$DATA/accounts.parquet" \
    --mrr "$DATA/mrr.parquet" --tickets "$DATA/tickets.parquet" --out "$DATA/out" | head -1
wall=$(grep 'Elapsed (wall clock)' "$DATA/time.txt" | awk '{print $NF}')
peak_kib=$(grep 'Maximum resident set size' "$DATA/time.txt" | awk '{print $NF}')
limit=$("$BIN" sql --format csv "SELECT 1" >/dev/null; echo "${CHURNKIT_MEMORY_LIMIT:-half of $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)}")
line="| $(date +%F) | $events | $ACCOUNTS | $DAYS | $limit | $wall | $((peak_kib / 1024)) |"
echo "$line"
if [ ! -f bench/scale.md ]; then
    printf '# churnkit run at scale (bench/scale.sh)\n\n2 cores, time-ordered generated events, Parquet in and out, every view and the report.\n\n| date | events | accounts | days | memory limit | wall (m:ss) | peak RSS MiB |\n|---|---|---|---|---|---|---|\n' > bench/scale.md
fi
echo "$line" >> bench/scale.md
