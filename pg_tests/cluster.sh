#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for tests (pg_regress, parity, docs).
#
#   eval "$(bash pg_tests/cluster.sh start)"   # start; exports the variables below
#   psql -c 'SELECT churnkit.health_tier(72)'   # plain psql / libpq clients just work
#   bash pg_tests/cluster.sh env                # print the exports again (needs CHURNKIT_PG_DIR)
#   bash pg_tests/cluster.sh stop               # stop it and delete its directory
#                                               # (uses CHURNKIT_PG_DIR, or: stop DIR)
#
# `start` prints ONLY shell `export` lines on stdout (progress goes to stderr):
#   PGHOST          the unix-socket directory of the server (inside CHURNKIT_PG_DIR)
#   PGPORT          the port (also listened on at 127.0.0.1 over TCP)
#   PGUSER          postgres (superuser, trust authentication)
#   PGDATABASE      churnkit: a database where `CREATE EXTENSION churnkit` has been
#                   run (when the extension is installed; otherwise a warning on
#                   stderr and an empty database)
#   CHURNKIT_PG_DIR the cluster's directory: data/, sock/, server.log
#
# Settings (environment):
#   PGPORT            port to use; default: the first free port from 54329 upwards
#                     (when PGPORT is given and busy, start fails)
#   CHURNKIT_PG_BIN   PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   CHURNKIT_PG_TMP   parent of the cluster directory (default /tmp; must be
#                     readable by the `postgres` user, so never under /root)
#   CHURNKIT_PG_KEEP  1 = `stop` keeps the directory (to read server.log)
#   CHURNKIT_PG_CRON  1 = start the server with pg_cron (Debian package
#                     postgresql-15-cron): shared_preload_libraries = 'pg_cron',
#                     cron.database_name = CHURNKIT_PG_CRON_DB, jobs connect over
#                     the cluster's unix socket (cron.host). When that database is
#                     `churnkit` (the default), `CREATE EXTENSION pg_cron` is run
#                     there too; another database (e.g. pg_regress's) creates
#                     the extension itself once it exists.
#   CHURNKIT_PG_CRON_DB  the database of pg_cron's jobs (default churnkit)
#   CHURNKIT_PG_AS_LIMIT_KB  start the server under `ulimit -v` of this many
#                     KiB (every backend inherits it), as an allocation-failure
#                     test needs (pg_tests/out_of_memory.sh); default unlimited
#
# The extension must already be installed (cargo pgrx install -p churnkit ...).
# Postgres refuses to run as root: when run as root the server runs as the
# `postgres` system user (runuser); otherwise as the current user.
set -euo pipefail

PG_BIN="${CHURNKIT_PG_BIN:-/usr/lib/postgresql/15/bin}"
PARENT="${CHURNKIT_PG_TMP:-/tmp}"

say() { printf 'cluster.sh: %s\n' "$*" >&2; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_env() {
    local dir="$1" port
    port="$(cat "$dir/port")"
    printf 'export PGHOST=%q\n' "$dir/sock"
    printf 'export PGPORT=%q\n' "$port"
    printf 'export PGUSER=postgres\n'
    printf 'export PGDATABASE=churnkit\n'
    printf 'export CHURNKIT_PG_DIR=%q\n' "$dir"
}

start() {
    local dir port tries=0 explicit=0
    [ -n "${PGPORT:-}" ] && explicit=1
    port="${PGPORT:-54329}"
    dir="$(mktemp -d "$PARENT/churnkit-pg.XXXXXX")"
    chmod 755 "$dir"
    mkdir -p "$dir/data" "$dir/sock"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir/data" "$dir/sock"
        touch "$dir/server.log" && chown postgres: "$dir/server.log"
    fi
    say "initdb $dir/data"
    if ! as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        return 1
    fi
    local cron_opts=""
    if [ "${CHURNKIT_PG_CRON:-0}" = 1 ]; then
        if [ ! -f "$("$PG_BIN/pg_config" --pkglibdir)/pg_cron.so" ]; then
            say "CHURNKIT_PG_CRON=1 but pg_cron is not installed (apt-get install postgresql-15-cron)"
            rm -rf "$dir"
            return 1
        fi
        cron_opts="-c shared_preload_libraries=pg_cron -c cron.database_name=${CHURNKIT_PG_CRON_DB:-churnkit} -c cron.host=$dir/sock"
    fi
    while :; do
        if port_busy "$port"; then
            if [ "$explicit" = 1 ]; then
                say "port $port is in use (PGPORT)"; rm -rf "$dir"; return 1
            fi
            port=$((port + 1)); tries=$((tries + 1))
            [ "$tries" -lt 100 ] || { say "no free port"; rm -rf "$dir"; return 1; }
            continue
        fi
        if as_pg bash -c 'ulimit -v "$1" && shift && exec "$@"' limit "${CHURNKIT_PG_AS_LIMIT_KB:-unlimited}" \
            "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC -c lc_messages=C $cron_opts" \
            start >/dev/null; then
            break
        fi
        # lost a race for the port (or another failure): try the next port
        tries=$((tries + 1))
        if [ "$explicit" = 1 ] || [ "$tries" -ge 100 ]; then
            tail -n 20 "$dir/server.log" >&2 || true
            rm -rf "$dir"
            return 1
        fi
        port=$((port + 1))
    done
    echo "$port" >"$dir/port"
    say "server up: socket $dir/sock, port $port"
    local psql=("$PG_BIN/psql" -X -q -h "$dir/sock" -p "$port" -U postgres -v ON_ERROR_STOP=1)
    "${psql[@]}" -d postgres -c 'CREATE DATABASE churnkit' >/dev/null
    if ! "${psql[@]}" -d churnkit -c 'CREATE EXTENSION churnkit' >/dev/null 2>"$dir/extension.log"; then
        say "warning: CREATE EXTENSION churnkit failed (is it installed?): $(cat "$dir/extension.log")"
    fi
    if [ "${CHURNKIT_PG_CRON:-0}" = 1 ] && [ "${CHURNKIT_PG_CRON_DB:-churnkit}" = churnkit ]; then
        "${psql[@]}" -d churnkit -c 'CREATE EXTENSION pg_cron' >/dev/null
    fi
    print_env "$dir"
}

stop() {
    local dir="${1:-${CHURNKIT_PG_DIR:-}}"
    [ -n "$dir" ] || { say "stop: no directory (set CHURNKIT_PG_DIR or pass it)"; return 1; }
    case "$(basename "$dir")" in
        churnkit-pg.*) ;;
        *) say "stop: $dir is not a cluster of cluster.sh"; return 1 ;;
    esac
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || say "pg_ctl stop failed"
    fi
    if [ "${CHURNKIT_PG_KEEP:-0}" = 1 ]; then
        say "kept $dir"
    else
        rm -rf "$dir"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    env)
        dir="${2:-${CHURNKIT_PG_DIR:-}}"
        [ -n "$dir" ] && [ -f "$dir/port" ] || { say "env: no running cluster"; exit 1; }
        print_env "$dir"
        ;;
    *) echo "usage: $0 start | stop [DIR] | env [DIR]" >&2; exit 2 ;;
esac
