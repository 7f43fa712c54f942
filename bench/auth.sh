#!/usr/bin/env bash
# Benchmarks the release auth-server on loopback, bounded in time, against a release
# verify-emulator: GET /api/auth/protected against the same server's GET /healthz (32
# connections), and full SMS logins per second (send, verify, protected; the emulator runs with
# --fixed-code so the load generator knows the code without reading it back).
# Usage: bench/auth.sh [seconds-per-run]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
EMULATOR_PORT=4029
AUTH_PORT=8029
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
swift build -c release --product verify-emulator >/dev/null
swift build -c release --product auth-server >/dev/null
BIN="$(swift build -c release --show-bin-path)"
WORK="$(mktemp -d)"
trap 'kill $EMULATOR_PID $AUTH_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN/verify-emulator" --port $EMULATOR_PORT --db "$WORK/emulator.sqlite" --quiet --log-level warning \
    --fixed-code 424242 --max-send-attempts 0 >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
until curl -fs "http://127.0.0.1:$EMULATOR_PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done
(cd "$WORK" && exec env AUTH_SERVER_DEVELOPMENT=1 TWILIO_VERIFY_BASE_URL="http://127.0.0.1:$EMULATOR_PORT" PORT=$AUTH_PORT \
    SECRET_KEY="bench-Qz8r!Lp2Xw7#Mn4Tb6Yc1Hd5Jf0Gs-k3v9" DATABASE_PATH="$WORK/auth.sqlite" \
    SEND_LIMIT_PER_PHONE=100000 SEND_LIMIT_PER_IP=1000000 VERIFY_LIMIT_PER_PHONE=100000 VERIFY_LIMIT_PER_IP=1000000 \
    "$BIN/auth-server" >"$WORK/auth.log" 2>&1) &
AUTH_PID=$!
until curl -fs "http://127.0.0.1:$AUTH_PORT/healthz" >/dev/null 2>&1; do sleep 0.02; done

# One login to get a token for the protected-route run.
curl -fs -X POST "http://127.0.0.1:$AUTH_PORT/api/auth/send-verification" -H 'content-type: application/json' \
    -d '{"phone_number": "+14155550100"}' >/dev/null
TOKEN=$(curl -fs -X POST "http://127.0.0.1:$AUTH_PORT/api/auth/verify-code" -H 'content-type: application/json' \
    -d '{"phone_number": "+14155550100", "code": "424242"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

wrk -t2 -c32 -d3s "http://127.0.0.1:$AUTH_PORT/healthz" >/dev/null
wrk -t2 -c32 -d3s -s bench/protected.lua "http://127.0.0.1:$AUTH_PORT/api/auth/protected" -- "$TOKEN" >/dev/null
wrk -t2 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$AUTH_PORT/healthz" >"$WORK/trivial.txt"
wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/protected.lua "http://127.0.0.1:$AUTH_PORT/api/auth/protected" \
    -- "$TOKEN" >"$WORK/protected.txt"
wrk -t32 -c32 -d"${DURATION}s" --latency -s bench/login.lua "http://127.0.0.1:$AUTH_PORT" >"$WORK/login.txt"

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
trivial=$(rps "$WORK/trivial.txt")
protected=$(rps "$WORK/protected.txt")
ratio=$(awk -v a="$protected" -v b="$trivial" 'BEGIN {printf "%.2f", a / b}')
logins=$(awk -F'[= ]' '/^logins=/ {printf "%.0f", $2 / $6}' "$WORK/login.txt")
cat <<REPORT
auth-server benchmark ($(nproc) cores, release build, wrk on loopback, ${DURATION}s runs)
  GET /healthz (ceiling), 32 connections      : ${trivial} req/s  p50 $(pct "$WORK/trivial.txt" 50%)  p99 $(pct "$WORK/trivial.txt" 99%)
  GET /api/auth/protected, 32 connections     : ${protected} req/s  p50 $(pct "$WORK/protected.txt" 50%)  p99 $(pct "$WORK/protected.txt" 99%)
  protected over ceiling                      : ${ratio} (target >= 0.75, p99 < 10 ms)
  full logins (send, verify, protected), 32 conns : ${logins} logins/s  ($(grep '^logins=' "$WORK/login.txt"))
    request latency p50 $(pct "$WORK/login.txt" 50%)  p99 $(pct "$WORK/login.txt" 99%)
REPORT
grep -h "Non-2xx" "$WORK"/*.txt || true
