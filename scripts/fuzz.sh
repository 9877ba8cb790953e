#!/usr/bin/env bash
# The decoder fuzz target: libFuzzer, coverage-guided, through
# cargo fuzz (installed when missing; stable Rust, no sanitizer).
#
#   bash scripts/fuzz.sh [RUNS [JOBS]]   # default 10000000 runs, 1 job
#
# Random and mutated bytes into every summary and state decoder, then every
# accessor and both round trips (churnkit_core::fuzz::check). Starts from the
# committed seed corpus fuzz/corpus/decoders/ and writes what it discovers to
# target/fuzz-corpus/ (not committed); a failing input is saved under
# fuzz/artifacts/decoders/ and the script exits non-zero. The test command
# runs the same check on the seed corpus and 48,000 mutations of it
# (core/tests/round_trip.rs, decoder_fuzz_target_short_run); the last long run
# is in docs/reliability.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_rust
RUNS="${1:-10000000}"
JOBS="${2:-1}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    log "cargo install cargo-fuzz"
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
mkdir -p target/fuzz-corpus
cd fuzz
log "cargo fuzz run decoders: $RUNS runs"
start=$(date +%s)
parallel=()
[ "$JOBS" -gt 1 ] && parallel=(-jobs="$JOBS" -workers="$JOBS")
cargo fuzz run --sanitizer none --release decoders ../target/fuzz-corpus corpus/decoders -- \
    -runs="$RUNS" -max_len=4096 -print_final_stats=1 "${parallel[@]}" 2>&1 | tee ../target/fuzz.log |
    grep -E '^(#[0-9]+ +(INITED|DONE|pulse)|stat::|==|SUMMARY|Done)' || true
status=${PIPESTATUS[0]}
log "fuzz: exit status $status in $(( $(date +%s) - start ))s (full log: target/fuzz.log)"
exit "$status"
