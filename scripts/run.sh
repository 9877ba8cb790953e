#!/usr/bin/env bash
# The README "run" command: install what is missing, build the `churnkit`
# CLI and run churnkit's main job on the embedded sample data.
# (Until the `demo` verb exists, the main job is `churnkit sql` over
# examples/accounts.csv with examples/health.sql.)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust
log "cargo build -p churnkit-cli"
(cd "$ROOT" && cargo build -q -p churnkit-cli)
log "churnkit sql --table accounts=examples/accounts.csv - < examples/health.sql"
"$ROOT/target/debug/churnkit" sql --table "accounts=$ROOT/examples/accounts.csv" - < "$ROOT/examples/health.sql"
