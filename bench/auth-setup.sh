# Sourced by bench/auth.sh, bench/auth-ab.sh and bench/oidc.sh (BACKEND set to sqlite or postgres first): the
# tools they need, a work folder removed on exit with every process started here, a release
# verify-emulator that answers every code with 424242, and an auth-server started with limits
# high enough for the load.
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
if [ "$BACKEND" = postgres ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
    [ "$BACKEND" = postgres ] && bash scripts/pg-cluster.sh stop "$WORK/pg" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

# Release builds of both servers (BIN: where they are), the emulator started on EMULATOR_PORT, and
# DATABASE: the auth server's database setting (a throwaway PostgreSQL cluster, or a SQLite file).
start_release_stack() {
    swift build -c release --product verify-emulator >/dev/null
    swift build -c release --product auth-server >/dev/null
    BIN="$(swift build -c release --show-bin-path)"
    start_emulator "$BIN/verify-emulator" "$EMULATOR_PORT"
    if [ "$BACKEND" = postgres ]; then
        DATABASE="DATABASE_URL=$(bash scripts/pg-cluster.sh start "$WORK/pg")"
    else
        DATABASE="DATABASE_PATH=$WORK/auth.sqlite"
    fi
}

start_emulator() { # binary port
    "$1" --port "$2" --db "$WORK/emulator.sqlite" --quiet --log-level warning \
        --fixed-code 424242 --max-send-attempts 0 >"$WORK/emulator.log" 2>&1 &
    PIDS+=($!)
    until curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do sleep 0.02; done
}

start_auth_server() { # binary port name database-setting emulator-port
    (cd "$WORK" && exec env AUTH_SERVER_DEVELOPMENT=1 TWILIO_VERIFY_BASE_URL="http://127.0.0.1:$5" \
        PORT="$2" TRUST_PROXY=1 SECRET_KEY="bench-Qz8r!Lp2Xw7#Mn4Tb6Yc1Hd5Jf0Gs-k3v9" "$4" \
        SEND_LIMIT_PER_PHONE=100000 SEND_LIMIT_PER_IP=1000000 VERIFY_LIMIT_PER_PHONE=100000 \
        VERIFY_LIMIT_PER_IP=1000000 "$1" >"$WORK/$3.log" 2>&1) &
    local pid=$!
    PIDS+=($pid)
    until curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do
        kill -0 $pid 2>/dev/null || { echo "bench: $1 did not start:" >&2; cat "$WORK/$3.log" >&2; exit 1; }
        sleep 0.02
    done
}
