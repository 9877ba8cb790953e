#!/usr/bin/env bash
# One command (not in CI): instructions per row of core's aggregate updates,
# churnkit 0.1.0 (commit bcd9d2f) against the current core, counted by
# callgrind (deterministic: the same binary and input give the same count,
# whatever else the machine does). 1 M seeded, unordered rows per state.
#
#   bash bench/hot_path.sh [ROWS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${1:-1000000}"
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
OLD="$ROOT/target/bench-0.1.0"
[ -d "$OLD" ] || git -C "$ROOT" worktree add --detach "$OLD" bcd9d2f >/dev/null
WORK="$ROOT/target/hot-path"
mkdir -p "$WORK"
build() { # name core-path
    rm -rf "$WORK/src-$1" && mkdir -p "$WORK/src-$1"
    cp -r "$ROOT/bench/hot_path/src" "$WORK/src-$1/"
    sed "s|path = \"../../core\"|path = \"$2\"|" "$ROOT/bench/hot_path/Cargo.toml" >"$WORK/src-$1/Cargo.toml"
    (cd "$WORK/src-$1" && CARGO_TARGET_DIR="$WORK/target-$1" cargo build --release -q)
}
build old "$OLD/core"
build new "$ROOT/core"
count() { # name which
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$WORK/target-$1/release/churnkit-hot-path" "$ROWS" "$2" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
printf '| state | 0.1.0 instructions/row | current instructions/row | change |\n|---|---|---|---|\n'
base_old="$(count old none)"; base_new="$(count new none)"
for w in engagement activity survival funnel trend; do
    o="$(count old "$w")"; n="$(count new "$w")"
    python3 -c "o=($o-$base_old)/$ROWS; n=($n-$base_new)/$ROWS; print(f'| $w | {o:.1f} | {n:.1f} | {n-o:+.1f} ({(n/o-1)*100:+.1f} %) |')"
done
