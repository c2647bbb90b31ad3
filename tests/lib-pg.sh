# lib-pg.sh -- a private PostgreSQL cluster for a test: initdb and pg_ctl from Debian's
# postgresql (found with pg_config --bindir, else /usr/lib/postgresql/*/bin), in a
# temporary folder, listening only on a Unix socket there, trust authentication for the
# superuser "stacklab". PostgreSQL refuses to run as root: as root the cluster runs as
# an unprivileged uid (65534) through setpriv.
#   . "$(dirname "$0")/lib-pg.sh"
#   pg_start DIR || skip...    sets PG_URL (postgresql://stacklab@/stacklab?host=DIR/sock)
#   pg_stop                    (also from an EXIT trap: pg_stop is idempotent)
pg_bindir() {
    d=$(pg_config --bindir 2>/dev/null)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

# Runs a command as the cluster's owner.
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
    else
        "$@"
    fi
}

# pg_start DIR: DIR (created) holds the cluster (DIR/data) and its socket (DIR/sock).
# Returns 1 with PG_WHY set when PostgreSQL is not installed or would not start.
pg_start() {
    PG_DIR=$1
    PG_BIN=$(pg_bindir) || { PG_WHY="no PostgreSQL (initdb) installed"; return 1; }
    mkdir -p "$PG_DIR/sock" || return 1
    if [ "$(id -u)" -eq 0 ]; then
        chown -R 65534:65534 "$PG_DIR"
        chmod o+x "$(dirname "$PG_DIR")"    # the test's own folder: uid 65534 must pass
    fi
    chmod 0755 "$PG_DIR"
    if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U stacklab --auth=trust -E UTF8 \
            --no-locale > "$PG_DIR/initdb.log" 2>&1; then
        PG_WHY="initdb failed: $(tail -3 "$PG_DIR/initdb.log")"; return 1
    fi
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR/sock' -c fsync=off -c max_connections=100" \
            start > "$PG_DIR/pg_ctl.log" 2>&1; then
        PG_WHY="pg_ctl start failed: $(tail -3 "$PG_DIR/server.log")"; return 1
    fi
    PG_STARTED=1
    pg_as "$PG_BIN/createdb" -h "$PG_DIR/sock" -U stacklab stacklab > /dev/null 2>&1 || {
        PG_WHY="createdb failed"; pg_stop; return 1; }
    PG_URL="postgresql://stacklab@/stacklab?host=$PG_DIR/sock"
    export PG_URL
    return 0
}

pg_stop() {
    [ "${PG_STARTED:-0}" -eq 1 ] || return 0
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
    PG_STARTED=0
}
