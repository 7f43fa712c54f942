#!/usr/bin/env bash
# The HTTPS proxy's cost: create+check cycles through the proxy (CONNECT, TLS with the local
# CA's leaf, keep-alive) versus direct plain HTTP, on one emulator, alternating in short windows
# so the machine's drift weighs on both alike; then the mean time to open a fresh tunnel
# (CONNECT + TLS handshake + one request). With a second binary (the build before the proxy
# existed), also start-up time to /readyz and idle memory of both, the proxy unused.
# Usage: bench/proxy.sh BINARY [BASE_BINARY]   (release builds: swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:?usage: bench/proxy.sh BINARY [BASE_BINARY]}"
BASE="${2:-}"
ROUNDS="${ROUNDS:-6}"
WINDOW="${WINDOW:-3}"
CONNECTIONS="${CONNECTIONS:-16}"
ACCOUNT=AC00000000000000000000000000000000
TOKEN=emulator-auth-token
command -v go >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go; }
WORK="$(mktemp -d)"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
GOCACHE="$WORK/gocache" GO111MODULE=off go build -o "$WORK/load" bench/proxy_load.go

PORT=4041
"$BIN" --port "$PORT" --db "$WORK/bench.sqlite" --data-dir "$WORK/data" --quiet --log-level warning \
    --max-send-attempts 0 >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.01; done
SERVICE=$(curl -fs -u "$ACCOUNT:$TOKEN" -d FriendlyName=Bench -d CustomCodeEnabled=true \
    "http://127.0.0.1:$PORT/v2/Services" | sed -E 's/.*"sid":"(VA[0-9a-f]{32})".*/\1/')
load() {  # mode seconds -> cycles/s
    "$WORK/load" -mode "$1" -d "$2" -c "$CONNECTIONS" -emulator "http://127.0.0.1:$PORT" \
        -ca "$WORK/data/ca/ca.pem" -service "$SERVICE"
}
load direct 2 >/dev/null
load proxy 2 >/dev/null
sum_direct=0
sum_proxy=0
for round in $(seq "$ROUNDS"); do
    if (( round % 2 )); then
        d=$(load direct "$WINDOW"); p=$(load proxy "$WINDOW")
    else
        p=$(load proxy "$WINDOW"); d=$(load direct "$WINDOW")
    fi
    sum_direct=$((sum_direct + d))
    sum_proxy=$((sum_proxy + p))
done
handshake=$("$WORK/load" -mode proxy -handshakes 200 -emulator "http://127.0.0.1:$PORT" -ca "$WORK/data/ca/ca.pem")
awk -v d="$sum_direct" -v p="$sum_proxy" -v n="$ROUNDS" -v h="$handshake" -v c="$CONNECTIONS" 'BEGIN {
    printf "direct %.0f cycles/s, proxy %.0f cycles/s, proxy/direct %.3f (%d rounds, %d clients); fresh tunnel %.2f ms\n",
        d / n, p / n, p / d, n, c, h }'

[ -n "$BASE" ] || exit 0
# start-up (process start to /readyz answering) and idle RSS, 10 starts each, alternating
startup() {  # binary -> "milliseconds rss_kb"
    local port=4042 started pid ms rss
    started=$(date +%s%N)
    # the data folder by its variable, which a build from before the proxy ignores; a process
    # that exits (a flag it does not know) fails the run instead of being waited for
    VERIFY_EMULATOR_DATA_DIR="$WORK/data" "$1" --port "$port" --db "$WORK/start.sqlite" --quiet \
        --log-level warning >/dev/null 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { echo "$1 exited at start" >&2; exit 1; }
        sleep 0.002
    done
    ms=$(( ($(date +%s%N) - started) / 1000000 ))
    sleep 1
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$WORK"/start.sqlite*
    echo "$ms $rss"
}
startup "$BIN" >/dev/null
startup "$BASE" >/dev/null
for i in $(seq 10); do
    echo "new $(startup "$BIN")"
    echo "base $(startup "$BASE")"
done | awk '{ ms[$1] += $2; rss[$1] += $3; n[$1]++ } END {
    printf "start-up to /readyz: base %.0f ms, new %.0f ms (+%.1f); idle RSS: base %.1f MB, new %.1f MB (+%.2f)\n",
        ms["base"] / n["base"], ms["new"] / n["new"], ms["new"] / n["new"] - ms["base"] / n["base"],
        rss["base"] / n["base"] / 1024, rss["new"] / n["new"] / 1024, (rss["new"] / n["new"] - rss["base"] / n["base"]) / 1024 }'
