#!/usr/bin/env bash
# Shows that retention keeps the database bounded under a long load: create+check cycles at full
# speed (32 connections) for the given seconds, against the release build, with the retention and
# the live windows (code expiry, send window) all set to RETENTION seconds so that the plateau is
# reached within a minute. Every 10 s it prints the database size (file + WAL) and the rows in the
# two growing tables. Then the same load with retention off, for comparison.
# Usage: bench/retention.sh [seconds]   (default 90; RETENTION=5)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-90}"
RETENTION="${RETENTION:-5}"
PORT=4018
ACCOUNT=AC00000000000000000000000000000000
TOKEN=emulator-auth-token
AUTH="Basic $(printf '%s:%s' "$ACCOUNT" "$TOKEN" | base64 -w0)"

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
swift build -c release --product verify-emulator >/dev/null
BIN="$(swift build -c release --show-bin-path)/verify-emulator"
WORK="$(mktemp -d)"
PID=""
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

rows() {
    python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(*(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("verification", "message")))
EOF
}

megabytes() {
    local total=0
    for file in "$1" "$1-wal"; do
        [[ -f "$file" ]] && total=$(( total + $(stat -c %s "$file") ))
    done
    awk -v b="$total" 'BEGIN { printf "%.1f", b / 1048576 }'
}

run() {
    local retention=$1 label=$2
    rm -f "$WORK"/state.sqlite*
    "$BIN" --port "$PORT" --db "$WORK/state.sqlite" --quiet --log-level warning --retention "$retention" \
        --code-expiry "$RETENTION" --send-window "$RETENTION" >"$WORK/server.log" 2>&1 &
    PID=$!
    until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.01; done
    local service
    service=$(curl -fs -u "$ACCOUNT:$TOKEN" -d FriendlyName=Bench -d CustomCodeEnabled=true \
        "http://127.0.0.1:$PORT/v2/Services" | sed -E 's/.*"sid":"(VA[0-9a-f]{32})".*/\1/')
    wrk -t 2 -c 32 -d "${DURATION}s" -s bench/cycle.lua "http://127.0.0.1:$PORT" -- "$service" "$AUTH" \
        >"$WORK/wrk.txt" &
    local load=$!
    echo "$label"
    printf '  %4s  %8s  %13s  %9s\n' "s" "MB" "verifications" "messages"
    for (( t = 10; t <= DURATION; t += 10 )); do
        sleep 10
        read -r verifications messages < <(rows "$WORK/state.sqlite")
        printf '  %4d  %8s  %13d  %9d\n' "$t" "$(megabytes "$WORK/state.sqlite")" "$verifications" "$messages"
    done
    wait "$load"
    echo "  $(grep 'Requests/sec' "$WORK/wrk.txt")"
    kill -TERM "$PID"; wait "$PID" || true
    PID=""
}

run "$RETENTION" "retention ${RETENTION} s (live windows ${RETENTION} s, pruned every 10 s):"
run 0 "retention off:"
