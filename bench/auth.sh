#!/usr/bin/env bash
# Benchmarks the release auth-server on loopback, bounded in time, against a release
# verify-emulator, on SQLite or on PostgreSQL:
#   - GET /api/auth/protected against the same server's GET /healthz (32 connections), with one
#     token repeated and with 20,000 distinct tokens in rotation (twice the verified-token cache,
#     so every request verifies a signature);
#   - full SMS logins per second (send, verify, protected; the emulator runs with --fixed-code so
#     the load generator knows the code without reading it back; each login from its own client
#     address through X-Forwarded-For, as behind a load balancer);
#   - on PostgreSQL also two replicas on the one database against one: the same loads split over
#     two servers (half the connections each, summed).
# Usage: bench/auth.sh [seconds-per-run] [sqlite|postgres]   (default 15 sqlite)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
BACKEND="${2:-sqlite}"
case "$BACKEND" in sqlite | postgres) ;; *) echo "usage: bench/auth.sh [seconds] [sqlite|postgres]" >&2; exit 2 ;; esac
TOKENS=20000
EMULATOR_PORT=4029
AUTH_PORT=8029
AUTH_PORT_B=8030
. bench/auth-setup.sh
start_release_stack
start_auth() { start_auth_server "$BIN/auth-server" "$1" "$2" "$DATABASE" $EMULATOR_PORT; } # port name
start_auth $AUTH_PORT auth
A="http://127.0.0.1:$AUTH_PORT"
B="http://127.0.0.1:$AUTH_PORT_B"

# One login to get a token for the one-token run.
curl -fs -X POST "$A/api/auth/send-verification" -H 'content-type: application/json' \
    -d '{"phone_number": "+14155550100"}' >/dev/null
TOKEN=$(curl -fs -X POST "$A/api/auth/verify-code" -H 'content-type: application/json' \
    -d '{"phone_number": "+14155550100", "code": "424242"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

wrk -t2 -c32 -d3s "$A/healthz" >/dev/null
wrk -t2 -c32 -d3s -s bench/protected.lua "$A/api/auth/protected" -- "$TOKEN" >/dev/null
# A ratio is measured in three rounds of ceiling then route, a third of the time each, so a shared
# machine's drift (other tenants' load comes and goes over minutes) falls on both sides alike;
# the report gives the mean req/s and the median of the three rounds' ratios.
ROUND="$(((DURATION + 2) / 3))s"
trivial_run() { wrk -t2 -c32 -d"$ROUND" --latency "$A/healthz"; }
protected_run() { wrk -t2 -c32 -d"$ROUND" --latency -s bench/protected.lua "$A/api/auth/protected" -- "$TOKEN"; }
many_trivial_run() { wrk -t2 -c32 -d"$ROUND" --latency -s bench/tokens.lua "$A/healthz" -- "$WORK/tokens.txt"; }
many_run() { wrk -t2 -c32 -d"$ROUND" --latency -s bench/tokens.lua "$A/api/auth/protected" -- "$WORK/tokens.txt"; }
paired() { # ceiling-run route-run name
    for round in 1 2 3; do
        "$1" >"$WORK/$3-ceiling.$round.txt"
        "$2" >"$WORK/$3.$round.txt"
    done
}
paired trivial_run protected_run protected
# the login run also collects the tokens for the many-token runs, topped up to $TOKENS
wrk -t32 -c32 -d"${DURATION}s" --latency -s bench/login.lua "$A" -- "$WORK/minted" >"$WORK/login.txt"
while [ "$(cat "$WORK"/minted.* | wc -l)" -lt $TOKENS ]; do
    wrk -t32 -c32 -d3s -s bench/login.lua "$A" -- "$WORK/minted" >/dev/null
done
awk -v n=$TOKENS 'NR <= n' "$WORK"/minted.* >"$WORK/tokens.txt"
# the same client script against /healthz: its ceiling, paying the same Lua per request
wrk -t2 -c32 -d3s -s bench/tokens.lua "$A/api/auth/protected" -- "$WORK/tokens.txt" >/dev/null  # warm-up
paired many_trivial_run many_run many

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
logins() { awk -F'[= ]' '/^logins=/ {printf "%.0f", $2 / $6}' "$1"; }
mean_rps() { for round in 1 2 3; do rps "$WORK/$1.$round.txt"; done | awk '{s += $1} END {printf "%.0f", s / NR}'; }
median_ratio() {
    for round in 1 2 3; do ratio "$(rps "$WORK/$1.$round.txt")" "$(rps "$WORK/$1-ceiling.$round.txt")"; echo; done \
        | sort -n | awk 'NR == 2'
}
each() { for round in 1 2 3; do "$@" "$round" | tr -d "\n"; echo; done | paste -sd/; }
p99s() { pct "$WORK/$1.$2.txt" 99%; }
ratios() { ratio "$(rps "$WORK/$1.$2.txt")" "$(rps "$WORK/$1-ceiling.$2.txt")"; }
trivial=$(mean_rps protected-ceiling)
protected=$(mean_rps protected)
many=$(mean_rps many)
many_trivial=$(mean_rps many-ceiling)
cat <<REPORT
auth-server benchmark on $BACKEND ($(nproc) cores, release build, wrk on loopback, ${DURATION}s per measure in 3 rounds)
  GET /healthz (ceiling), 32 connections          : ${trivial} req/s  p99 $(each p99s protected-ceiling)
  GET /api/auth/protected, one token              : ${protected} req/s  p99 $(each p99s protected)
    over ceiling, median of rounds                : $(median_ratio protected) ($(each ratios protected); target >= 0.75, p99 < 10 ms)
  GET /api/auth/protected, $TOKENS tokens in turn   : ${many} req/s  p99 $(each p99s many)
    GET /healthz with the same client script      : ${many_trivial} req/s  p99 $(each p99s many-ceiling)
    over that ceiling, median of rounds           : $(median_ratio many) ($(each ratios many); target >= 0.75)
  full logins (send, verify, protected), 32 conns : $(logins "$WORK/login.txt") logins/s  ($(grep '^logins=' "$WORK/login.txt"))
    request latency p50 $(pct "$WORK/login.txt" 50%)  p99 $(pct "$WORK/login.txt" 99%)
REPORT

if [ "$BACKEND" = postgres ]; then
    start_auth $AUTH_PORT_B auth-b
    wrk -t1 -c16 -d"${DURATION}s" -s bench/tokens.lua "$A/api/auth/protected" -- "$WORK/tokens.txt" >"$WORK/many-a.txt" &
    other=$!
    wrk -t1 -c16 -d"${DURATION}s" -s bench/tokens.lua "$B/api/auth/protected" -- "$WORK/tokens.txt" >"$WORK/many-b.txt"
    wait $other
    wrk -t16 -c16 -d"${DURATION}s" -s bench/login.lua "$A" -- "" 100 >"$WORK/login-a.txt" &
    other=$!
    wrk -t16 -c16 -d"${DURATION}s" -s bench/login.lua "$B" -- "" 200 >"$WORK/login-b.txt"
    wait $other
    many2=$(awk -v a="$(rps "$WORK/many-a.txt")" -v b="$(rps "$WORK/many-b.txt")" 'BEGIN {printf "%.2f", a + b}')
    logins2=$(($(logins "$WORK/login-a.txt") + $(logins "$WORK/login-b.txt")))
    cat <<REPORT
  two replicas on the one database (16 connections each, summed):
    GET /api/auth/protected, $TOKENS tokens       : ${many2} req/s  (one replica: ${many}; ratio $(ratio "$many2" "$many"))
    full logins                                   : ${logins2} logins/s  (one replica: $(logins "$WORK/login.txt"); ratio $(ratio "$logins2" "$(logins "$WORK/login.txt")"))
REPORT
fi
grep -h "Non-2xx\|unexpected=[1-9]" "$WORK"/*.txt || true
