#!/usr/bin/env bash
# The README "run" command: install what is missing, build the `churnkit`
# CLI and run churnkit's main job: `churnkit demo`, which generates the
# default synthetic SaaS data set (2000 accounts, 540 days) into
# target/churnkit-demo/data, runs every warehouse view of sql/views/ on it
# (`churnkit run`), writes the views and report.html into
# target/churnkit-demo, and prints the accounts needing attention and the
# path of the report. Deterministic: the same files every time.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust
log "cargo build -p churnkit-cli"
(cd "$ROOT" && cargo build -q -p churnkit-cli)
log "churnkit demo --out target/churnkit-demo"
"$ROOT/target/debug/churnkit" demo --out "$ROOT/target/churnkit-demo"
