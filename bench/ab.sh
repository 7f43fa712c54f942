#!/usr/bin/env bash
# A/B of two verify-emulator binaries on this machine, side by side: both run at once, and the
# create+check load alternates between them in short windows, so the machine's drift (it
# shares its host; its speed moves by 20% within minutes) weighs on both alike. Reports each
# binary's cycles/s and the ratio B/A. Bounded: ROUNDS x 2 windows of WINDOW seconds.
# Usage: bench/ab.sh BINARY_A BINARY_B   (e.g. a release build of main and of a branch)
set -euo pipefail
cd "$(dirname "$0")/.."
A="${1:?usage: bench/ab.sh BINARY_A BINARY_B}"
B="${2:?usage: bench/ab.sh BINARY_A BINARY_B}"
ROUNDS="${ROUNDS:-6}"
WINDOW="${WINDOW:-3}"
CONNECTIONS=32
ACCOUNT=AC00000000000000000000000000000000
TOKEN=emulator-auth-token
AUTH="Basic $(printf '%s:%s' "$ACCOUNT" "$TOKEN" | base64 -w0)"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

start() {  # binary port -> service SID
    "$1" --port "$2" --db "$WORK/$2.sqlite" --quiet --log-level warning >"$WORK/$2.log" 2>&1 &
    PIDS+=($!)
    until curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do sleep 0.01; done
    curl -fs -u "$ACCOUNT:$TOKEN" -d FriendlyName=Bench -d CustomCodeEnabled=true \
        "http://127.0.0.1:$2/v2/Services" | sed -E 's/.*"sid":"(VA[0-9a-f]{32})".*/\1/'
}
load() {  # port service seconds -> requests/s
    wrk -t 2 -c "$CONNECTIONS" -d "${3}s" -s bench/cycle.lua "http://127.0.0.1:$1" -- "$2" "$AUTH" |
        awk '/Requests\/sec/ {print $2}'
}
SA=$(start "$A" 4031)
SB=$(start "$B" 4032)
load 4031 "$SA" 2 >/dev/null
load 4032 "$SB" 2 >/dev/null
sum_a=0
sum_b=0
for round in $(seq "$ROUNDS"); do
    # alternate which goes first, so neither always gets the warmer machine
    if (( round % 2 )); then
        a=$(load 4031 "$SA" "$WINDOW"); b=$(load 4032 "$SB" "$WINDOW")
    else
        b=$(load 4032 "$SB" "$WINDOW"); a=$(load 4031 "$SA" "$WINDOW")
    fi
    sum_a=$(awk -v s="$sum_a" -v x="$a" 'BEGIN {print s + x}')
    sum_b=$(awk -v s="$sum_b" -v x="$b" 'BEGIN {print s + x}')
done
awk -v a="$sum_a" -v b="$sum_b" -v n="$ROUNDS" 'BEGIN {
    printf "A %.0f cycles/s, B %.0f cycles/s, B/A %.3f (%d rounds)\n", a / n / 2, b / n / 2, b / a, n }'
