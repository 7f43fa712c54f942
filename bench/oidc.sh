#!/usr/bin/env bash
# Benchmarks the release auth-server as an OpenID Connect provider on loopback, on SQLite or
# PostgreSQL, beside its GET /healthz ceiling:
#   - code exchanges per second: one signed-in browser (single sign-on) asks /oauth/authorize
#     for a code and the confidential client (bcrypt secret, HTTP Basic) exchanges it at
#     /oauth/token for an access token, a refresh token and an RS256 ID token;
#   - introspections per second (RFC 7662) of one access token by that client.
# The client is registered in OAUTH_CLIENTS_FILE (`file`, looked up in memory) or through the
# admin API (`admin`, read from the database on each request).
# Usage: bench/oidc.sh [seconds-per-run] [sqlite|postgres] [file|admin]   (default 10 sqlite file)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
BACKEND="${2:-sqlite}"
REGISTRY="${3:-file}"
case "$BACKEND/$REGISTRY" in
sqlite/file | sqlite/admin | postgres/file | postgres/admin) ;;
*) echo "usage: bench/oidc.sh [seconds] [sqlite|postgres] [file|admin]" >&2; exit 2 ;;
esac
EMULATOR_PORT=4031
AUTH_PORT=8031
. bench/auth-setup.sh
start_release_stack
A="http://127.0.0.1:$AUTH_PORT"
CALLBACK="https://bench.example.com/callback"
SECRET="$(openssl rand -hex 32)"
export ISSUER="$A" BCRYPT_COST=4
if [ "$REGISTRY" = file ]; then
    HASH="$(printf '%s\n' "$SECRET" | "$BIN/auth-server" hash-client-secret)"
    cat >"$WORK/clients.json" <<CLIENTS
{"clients": [{"client_id": "bench", "client_secret_hash": "$HASH", "redirect_uris": ["$CALLBACK"]}]}
CLIENTS
    export OAUTH_CLIENTS_FILE="$WORK/clients.json"
    start_auth_server "$BIN/auth-server" $AUTH_PORT auth "$DATABASE" $EMULATOR_PORT
else
    export ADMIN_TOKEN="$(openssl rand -hex 32)"
    start_auth_server "$BIN/auth-server" $AUTH_PORT auth "$DATABASE" $EMULATOR_PORT
    curl -fs -o /dev/null -X POST "$A/api/admin/clients" -H "Authorization: Bearer $ADMIN_TOKEN" \
        -H 'content-type: application/json' \
        -d "{\"client_id\": \"bench\", \"client_secret\": \"$SECRET\", \"redirect_uris\": [\"$CALLBACK\"]}"
fi
BASIC="$(printf 'bench:%s' "$SECRET" | base64 -w0)"

# a browser signed in once: an account, the login form with its CSRF token, the session cookie
curl -fs -X POST "$A/api/accounts/register" -H 'content-type: application/json' \
    -d '{"username": "bench", "email": "bench@example.com", "password": "correct-horse-battery"}' >/dev/null
JAR="$WORK/cookies.txt"
CSRF=$(curl -fs -c "$JAR" "$A/login" | sed -nE 's/.*name="csrf_token" value="([^"]+)".*/\1/p' | head -1)
curl -fs -b "$JAR" -c "$JAR" -o /dev/null -X POST "$A/login" \
    --data-urlencode "csrf_token=$CSRF" --data-urlencode login=bench --data-urlencode password=correct-horse-battery
COOKIE="auth_session=$(awk '$6 == "auth_session" {print $7}' "$JAR")"
# one exchange by hand: its access token is the one introspected
LOCATION=$(curl -fs -o /dev/null -w '%{redirect_url}' -H "Cookie: $COOKIE" \
    "$A/oauth/authorize?response_type=code&client_id=bench&scope=openid&redirect_uri=$CALLBACK")
CODE=$(printf '%s' "$LOCATION" | sed -nE 's/.*[?&]code=([^&]+).*/\1/p')
ACCESS=$(curl -fs -X POST "$A/oauth/token" -H "Authorization: Basic $BASIC" \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
    --data-urlencode "redirect_uri=$CALLBACK" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')

wrk -t2 -c32 -d3s "$A/healthz" >/dev/null   # warm-up
wrk -t2 -c32 -d"${DURATION}s" --latency "$A/healthz" >"$WORK/ceiling.txt"
wrk -t16 -c16 -d"${DURATION}s" --latency -s bench/code.lua "$A" -- "$COOKIE" "$BASIC" "$CALLBACK" >"$WORK/code.txt"
wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/introspect.lua "$A/oauth/introspect" -- "$ACCESS" "$BASIC" \
    >"$WORK/introspect.txt"

rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
cat <<REPORT
auth-server OpenID Connect benchmark on $BACKEND, client from $REGISTRY ($(nproc) cores, release build, wrk on loopback, ${DURATION}s each)
  GET /healthz (ceiling), 32 connections               : $(rps "$WORK/ceiling.txt") req/s  p99 $(pct "$WORK/ceiling.txt" 99%)
  code exchanges (authorize + token), 16 connections   : $(awk -F'[= ]' '/^exchanges=/ {printf "%.0f", $2 / $6}' "$WORK/code.txt") exchanges/s  p99 $(pct "$WORK/code.txt" 99%)  ($(grep '^exchanges=' "$WORK/code.txt"))
  POST /oauth/introspect, one token, 32 connections    : $(rps "$WORK/introspect.txt") req/s  p99 $(pct "$WORK/introspect.txt" 99%)  ($(grep '^unexpected=' "$WORK/introspect.txt"))
REPORT
grep -h "Non-2xx" "$WORK/introspect.txt" || true   # code.lua counts its own (its 302s are expected)
