#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `scripts/pg-cluster.sh start DIR` runs initdb into
# DIR as an unprivileged user, starts it on a free loopback port (and a socket in DIR) and prints
# its DATABASE_URL; `scripts/pg-cluster.sh stop DIR` stops it and `resume DIR` starts it again on
# the same port (the outage tests). Debian's postgresql package
# provides the binaries (scripts/test.sh installs it when missing).
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pg-cluster: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    # from /, since the unprivileged owner may not enter the caller's folder
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "${1:-}" in
start)
    dir=${2:?usage: pg-cluster.sh start DIR}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        # the unprivileged owner must be able to reach DIR: let it through (not list) the folders above
        parent=$(dirname "$dir")
        while [ "$parent" != / ]; do chmod o+x "$parent"; parent=$(dirname "$parent"); done
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U auth --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=600" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgres://auth@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
resume)
    # the same cluster again, on the same port (after stop)
    dir=${2:?usage: pg-cluster.sh resume DIR}
    port=$(cat "$dir/port")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=600" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    dir=${2:?usage: pg-cluster.sh stop DIR}
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: pg-cluster.sh start DIR | stop DIR | resume DIR" >&2
    exit 2
    ;;
esac
