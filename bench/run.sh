#!/usr/bin/env bash
# Benchmarks the release build of verify-emulator on loopback, bounded in time:
#   start-up to first served request, idle memory, GET /healthz req/s (the ceiling on this
#   machine) and create+check verification cycles/s with p50/p99 latency, 32 connections.
# The two loads alternate in ROUNDS windows (default 3) that add up to the given seconds each,
# so a drift in this machine's speed during the run (it shares its host) weighs on both alike.
# Then the same two loads again with the server pinned to CPU 0 and wrk to CPU 1 (taskset), the
# ceiling without any Lua callback: the client's cost never takes the server's CPU there, so
# that ratio is the server's own (on a machine with fewer than 2 CPUs this part is skipped).
# Usage: bench/run.sh [seconds-per-load]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS=32
THREADS=2
PORT=4019
ACCOUNT=AC00000000000000000000000000000000
TOKEN=emulator-auth-token
AUTH="Basic $(printf '%s:%s' "$ACCOUNT" "$TOKEN" | base64 -w0)"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
swift build -c release --product verify-emulator >/dev/null
BIN="$(swift build -c release --show-bin-path)/verify-emulator"
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# Start-up: from exec to the first 200 from /healthz, best of 5 fresh starts.
best_ms=999999
for _ in 1 2 3 4 5; do
    rm -f "$WORK"/state.sqlite*
    start_ns=$(date +%s%N)
    "$BIN" --port "$PORT" --db "$WORK/state.sqlite" --quiet >"$WORK/startup.log" 2>&1 &
    PID=$!
    until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.002; done
    ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
    (( ms < best_ms )) && best_ms=$ms
    kill -TERM "$PID"; wait "$PID" || true
done

rm -f "$WORK"/state.sqlite*
"$BIN" --port "$PORT" --db "$WORK/state.sqlite" --quiet --log-level warning >"$WORK/server.log" 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.01; done
sleep 1
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

# A service with custom codes, so the cycle script can check without reading the outbox.
SERVICE=$(curl -fs -u "$ACCOUNT:$TOKEN" -d FriendlyName=Bench -d CustomCodeEnabled=true \
    "http://127.0.0.1:$PORT/v2/Services" | sed -E 's/.*"sid":"(VA[0-9a-f]{32})".*/\1/')

# Warm up both paths briefly, then measure.
wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -s bench/trivial.lua "http://127.0.0.1:$PORT/healthz" >/dev/null
wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -s bench/cycle.lua "http://127.0.0.1:$PORT" -- "$SERVICE" "$AUTH" >/dev/null

WINDOW=$(( (DURATION + ROUNDS - 1) / ROUNDS ))
for round in $(seq "$ROUNDS"); do
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WINDOW}s" --latency -s bench/trivial.lua \
        "http://127.0.0.1:$PORT/healthz" >"$WORK/trivial.$round.txt"
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WINDOW}s" --latency -s bench/cycle.lua \
        "http://127.0.0.1:$PORT" -- "$SERVICE" "$AUTH" >"$WORK/cycle.$round.txt"
done
sleep 2
after_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
# what an operator's Prometheus would scrape now (the pinned rounds below add to it)
curl -fs "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics.txt"

# Pinned: every thread of the server on CPU 0, wrk on CPU 1, a plain ceiling (no script).
pinned=false
if (( $(nproc) >= 2 )) && command -v taskset >/dev/null; then
    pinned=true
    taskset -a -p -c 0 "$PID" >/dev/null
    for round in $(seq "$ROUNDS"); do
        taskset -c 1 wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WINDOW}s" --latency \
            "http://127.0.0.1:$PORT/healthz" >"$WORK/plain-pinned.$round.txt"
        taskset -c 1 wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WINDOW}s" --latency -s bench/cycle.lua \
            "http://127.0.0.1:$PORT" -- "$SERVICE" "$AUTH" >"$WORK/cycle-pinned.$round.txt"
    done
fi

# Requests over seconds, summed over the rounds.
rps() { awk '/requests in/ {n += $1; sub(/s,?$/, "", $4); t += $4} END {printf "%.0f", n / t}' "$WORK/$1".*.txt; }
# A latency percentile in ms: the median of the rounds' for p50, the worst round's for p99.
pct() {
    awk -v p="$2" '$1 == p {v = $2 + 0; if ($2 ~ /us$/) v /= 1000; else if ($2 ~ /[0-9]s$/) v *= 1000; print v}' \
        "$WORK/$1".*.txt | sort -g | awk -v p="$2" '{v[NR] = $1} END {printf "%.2fms", p == "99%" ? v[NR] : v[int((NR + 1) / 2)]}'
}
errors() { awk '/Non-2xx|Socket errors/ {print FILENAME ": " $0}' "$WORK/$1".*.txt; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
trivial_rps=$(rps trivial)
cycle_rps=$(rps cycle)
cycles=$(awk -v r="$cycle_rps" 'BEGIN {printf "%.0f", r / 2}')
ratio=$(awk -v c="$cycles" -v t="$trivial_rps" 'BEGIN {printf "%.3f", c / t}')

cat <<REPORT
verify-emulator benchmark ($(nproc) cores, ${CONNECTIONS} connections, ${THREADS} wrk threads, ${ROUNDS} alternating rounds of ${WINDOW}s per load, release build, WAL SQLite file)
  start-up to first served request : ${best_ms} ms (best of 5)
  idle resident memory             : $(mb "$idle_kb") MB after start, $(mb "$after_kb") MB idle after the load
  GET /healthz (ceiling)           : ${trivial_rps} req/s  p50 $(pct trivial 50%)  p99 $(pct trivial 99%)
  create+check cycles              : ${cycles} cycles/s (${cycle_rps} req/s)  p50 $(pct cycle 50%)  p99 $(pct cycle 99%)
  cycles/s over ceiling req/s      : ${ratio} (target >= 0.25)
REPORT
if $pinned; then
    plain_rps=$(rps plain-pinned)
    pinned_rps=$(rps cycle-pinned)
    pinned_cycles=$(awk -v r="$pinned_rps" 'BEGIN {printf "%.0f", r / 2}')
    cat <<PINNED
  pinned (server on CPU 0, wrk on CPU 1, ${ROUNDS} rounds of ${WINDOW}s each):
    GET /healthz, no Lua callback  : ${plain_rps} req/s  p99 $(pct plain-pinned 99%)
    create+check cycles            : ${pinned_cycles} cycles/s (${pinned_rps} req/s)  p99 $(pct cycle-pinned 99%)
    cycles/s over plain ceiling    : $(awk -v c="$pinned_cycles" -v t="$plain_rps" 'BEGIN {printf "%.3f", c / t}')
PINNED
    errors plain-pinned
    errors cycle-pinned
fi
echo "  GET /metrics after the alternating rounds (counters and histogram counts):"
grep -v '^#' "$WORK/metrics.txt" | grep -v '_bucket\|_sum' | sed 's/^/    /'
errors trivial
errors cycle
grep -h "unexpected" "$WORK"/cycle.*.txt | head -3 || true
