# Shared helpers of scripts/run.sh and scripts/test.sh: install what is
# missing (and only that), idempotently, on a Debian machine where Rust and
# the PostgreSQL 15 server may or may not be present. Sourced, not executed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# the PostgreSQL 15 server-dev pg_config (not /usr/bin/pg_config, which picks
# the newest server-dev installed, whatever its version)
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
PGRX_VERSION="0.18.0"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-get update once per run, only when something must be installed.
_apt_updated=0
apt_install() {
    if [ "$_apt_updated" = 0 ]; then
        log "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _apt_updated=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        if [ -x "$HOME/.cargo/bin/cargo" ]; then
            export PATH="$HOME/.cargo/bin:$PATH"
        else
            echo "cargo not found: install Rust (https://rustup.rs) first" >&2
            exit 1
        fi
    fi
}

# Python packages of the test suites, pinned (tests/warehouse/bi_client.py
# reads the views the way a BI tool does: SQLAlchemy 2 + psycopg2 + pandas).
PYTHON_TEST_PACKAGES=(sqlalchemy==2.0.58 psycopg2-binary==2.9.13 pandas==2.3.3 numpy==2.4.6)

ensure_python() {
    command -v python3 >/dev/null 2>&1 || apt_install python3
    # installed only when an import fails or a version differs from the pin
    if ! python3 - "${PYTHON_TEST_PACKAGES[@]}" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
modules = {"sqlalchemy": "sqlalchemy", "psycopg2-binary": "psycopg2", "pandas": "pandas", "numpy": "numpy"}
for pin in sys.argv[1:]:
    name, wanted = pin.split("==")
    __import__(modules[name])
    assert version(name) == wanted, pin
PY
    then
        python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
        log "pip install ${PYTHON_TEST_PACKAGES[*]}"
        # Debian's own python3 refuses pip installs outside a venv (PEP 668)
        # without --break-system-packages; other Pythons do not know the flag
        local extra=() help
        help="$(python3 -m pip install --help 2>/dev/null || true)"
        case "$help" in *--break-system-packages*) extra=(--break-system-packages) ;; esac
        python3 -m pip install -q --disable-pip-version-check "${extra[@]}" "${PYTHON_TEST_PACKAGES[@]}"
    fi
}

# Debian packages needed to build and test the Postgres extension.
ensure_postgres_build_deps() {
    local missing=()
    [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
    [ -x /usr/lib/postgresql/15/bin/psql ] || missing+=(postgresql-client-15)
    [ -f /usr/include/postgresql/15/server/postgres.h ] || missing+=(postgresql-server-dev-15)
    [ -x /usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress ] || missing+=(postgresql-server-dev-15)
    # pg_cron: the scheduled churnkit.refresh() recipe (pg_tests/sql/warehouse_cron.sql)
    [ -f /usr/lib/postgresql/15/lib/pg_cron.so ] || missing+=(postgresql-15-cron)
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || missing+=(libclang-dev)
    command -v sudo >/dev/null 2>&1 || missing+=(sudo)
    command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
    if [ ${#missing[@]} -gt 0 ]; then
        # shellcheck disable=SC2207
        missing=($(printf '%s\n' "${missing[@]}" | sort -u))
        apt_install "${missing[@]}"
    fi
    id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

ensure_cargo_pgrx() {
    if ! cargo pgrx --version 2>/dev/null | grep -q "$PGRX_VERSION"; then
        log "cargo install cargo-pgrx $PGRX_VERSION"
        cargo install cargo-pgrx --version "$PGRX_VERSION" --locked
    fi
    local cfg="${PGRX_HOME:-$HOME/.pgrx}/config.toml"
    if ! grep -q '^pg15 *= *"'"$PG_CONFIG"'"' "$cfg" 2>/dev/null; then
        log "cargo pgrx init --pg15 $PG_CONFIG"
        cargo pgrx init --pg15 "$PG_CONFIG"
    fi
}

# Build the extension and install it into the Debian PostgreSQL 15.
install_extension() {
    log "cargo pgrx install (PostgreSQL 15)"
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(--sudo)
    (cd "$ROOT" && cargo pgrx install -p churnkit "${sudo[@]}" --pg-config "$PG_CONFIG")
    # The install scripts of released versions, frozen in sql/ (cargo pgrx
    # writes the current version's and copies the upgrade scripts
    # sql/churnkit--A--B.sql itself), so that CREATE EXTENSION churnkit
    # VERSION '0.1.0' and ALTER EXTENSION churnkit UPDATE work.
    local ext_dir
    ext_dir="$("$PG_CONFIG" --sharedir)/extension"
    as_root install -m 644 "$ROOT"/sql/churnkit--[0-9]*.[0-9]*.[0-9]*.sql "$ext_dir/"
}
