#!/usr/bin/env bash
# A/B of two auth-server binaries on this machine, side by side, on full SMS logins (send,
# verify, protected): both run at once against one release verify-emulator, each on a database
# of its own (two SQLite files, or two databases in one PostgreSQL cluster), and the login load
# alternates between them in short windows, so the machine's drift (it shares its host; its
# speed moves by 20% within minutes) weighs on both alike. Reports each binary's logins/s and
# the ratio B/A. Bounded: ROUNDS x 2 windows of WINDOW seconds.
# Usage: bench/auth-ab.sh BINARY_A BINARY_B [sqlite|postgres]
#   e.g. a release auth-server of main and of a branch (or of the build before a change)
set -euo pipefail
cd "$(dirname "$0")/.."
A="${1:?usage: bench/auth-ab.sh BINARY_A BINARY_B [sqlite|postgres]}"
B="${2:?usage: bench/auth-ab.sh BINARY_A BINARY_B [sqlite|postgres]}"
BACKEND="${3:-sqlite}"
case "$BACKEND" in sqlite | postgres) ;; *) echo "usage: bench/auth-ab.sh BINARY_A BINARY_B [sqlite|postgres]" >&2; exit 2 ;; esac
for binary in "$A" "$B"; do [ -x "$binary" ] || { echo "bench/auth-ab.sh: no executable at $binary" >&2; exit 2; }; done
ROUNDS="${ROUNDS:-6}"
WINDOW="${WINDOW:-4}"
CONNECTIONS=32
EMULATOR_PORT=4033
. bench/auth-setup.sh
swift build -c release --product verify-emulator >/dev/null
start_emulator "$(swift build -c release --show-bin-path)/verify-emulator" $EMULATOR_PORT
if [ "$BACKEND" = postgres ]; then
    CLUSTER="$(bash scripts/pg-cluster.sh start "$WORK/pg")"
    for name in a b; do psql "$CLUSTER" -qc "CREATE DATABASE bench_$name" >/dev/null; done
fi
start() { # binary port name
    local database="DATABASE_PATH=$WORK/$3.sqlite"
    [ "$BACKEND" = postgres ] && database="DATABASE_URL=${CLUSTER/\/postgres\?//bench_$3?}"
    start_auth_server "$1" "$2" "$3" "$database" $EMULATOR_PORT
}
# logins/s of one window; the number shift keeps each window's phones apart from the others'
load() { # port shift seconds
    wrk -t$CONNECTIONS -c$CONNECTIONS -d"${3}s" -s bench/login.lua "http://127.0.0.1:$1" -- "" "$2" |
        awk -F'[= ]' '/^logins=/ {printf "%.1f", $2 / $6} /^unexpected=[1-9]/ {print "unexpected answers" > "/dev/stderr"}'
}
start "$A" 8031 a
start "$B" 8032 b
load 8031 0 2 >/dev/null
load 8032 50 2 >/dev/null
sum_a=0
sum_b=0
for round in $(seq "$ROUNDS"); do
    # alternate which goes first, so neither always gets the warmer machine
    if ((round % 2)); then
        a=$(load 8031 $((round * 100)) "$WINDOW"); b=$(load 8032 $((round * 100 + 50)) "$WINDOW")
    else
        b=$(load 8032 $((round * 100 + 50)) "$WINDOW"); a=$(load 8031 $((round * 100)) "$WINDOW")
    fi
    echo "  round $round: A $a  B $b logins/s"
    sum_a=$(awk -v s="$sum_a" -v x="$a" 'BEGIN {print s + x}')
    sum_b=$(awk -v s="$sum_b" -v x="$b" 'BEGIN {print s + x}')
done
awk -v a="$sum_a" -v b="$sum_b" -v n="$ROUNDS" -v backend="$BACKEND" 'BEGIN {
    printf "%s: A %.0f logins/s, B %.0f logins/s, B/A %.3f (%d rounds)\n", backend, a / n, b / n, b / a, n }'
