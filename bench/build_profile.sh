#!/usr/bin/env bash
# Cold release builds of the CLI with the release profile of Cargo.toml
# ("previous") and a candidate profile ("current": environment overrides,
# default CARGO_PROFILE_RELEASE_LTO=false), timed, then their runtimes
# compared (bench/build_profile.py -> bench/build_profile.md). Not part of
# CI: two cold release builds take most of an hour on 2 cores. Run it on a
# quiet machine, e.g.
#   bash bench/build_profile.sh
#   CANDIDATE="CARGO_PROFILE_RELEASE_OPT_LEVEL=2" bash bench/build_profile.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_rust
ensure_python
WORK="${CHURNKIT_PROFILE_WORK:-/tmp/churnkit-build-profile}"
CANDIDATE="${CANDIDATE:-CARGO_PROFILE_RELEASE_LTO=false}"
mkdir -p "$WORK"
cargo fetch -q
build() { # name, then environment overrides of [profile.release]
    local name="$1"; shift
    rm -rf "$WORK/target-$name"
    local start; start="$(date +%s)"
    env "$@" CARGO_TARGET_DIR="$WORK/target-$name" cargo build --release -q -p churnkit-cli
    echo $(( $(date +%s) - start )) >"$WORK/$name.seconds"
    log "$name profile: $(cat "$WORK/$name.seconds") s"
}
build previous
# shellcheck disable=SC2086 # CANDIDATE is a list of VAR=value words
build current $CANDIDATE
python3 bench/build_profile.py \
    --previous "$WORK/target-previous/release/churnkit" --current "$WORK/target-current/release/churnkit" \
    --previous-build "$(cat "$WORK/previous.seconds")" --current-build "$(cat "$WORK/current.seconds")" \
    --previous-profile "Cargo.toml [profile.release]" --current-profile "$CANDIDATE" "$@"
