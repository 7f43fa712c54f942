#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (Debian packages, a Python
# venv with the official twilio SDK), checks formatting, runs the Swift tests, then drives
# the built binaries with the official twilio SDK, a browser and the README's own samples.
# Tests write only to temporary folders (and the build folder); nothing lands in the tree.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

missing=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
# the auth server's QR codes (authenticator-app set-up)
dpkg -s libqrencode-dev >/dev/null 2>&1 || missing+=(libqrencode-dev)
# the live inbox's browser test: headless Chromium driven by selenium
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# decodes the authenticator-app QR code from the browser's pixels, as a phone camera would
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
# the README's JSON-log sample reads the log with jq
command -v jq >/dev/null 2>&1 || missing+=(jq)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
# the no-code-change proxy suite: a Go app on the standard library, and curl
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# the Java helper's suite: javac against Debian's JUnit 5 and its console launcher
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || missing+=(junit5)
# the Node helper's suite (node --test) and its README sample (npm install of the folder)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# the auth server's PostgreSQL backend: a throwaway cluster of the test run's own
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

log "swift format lint"
swift format lint --strict --recursive Sources Tests Plugins Package.swift

log "swift build and test"
swift build --build-tests
swift test 2>&1 | tee .build/swift-test.log
grep -q "passed after" .build/swift-test.log

log "the auth server's Swift suite again, on PostgreSQL (a throwaway cluster)"
pg_dir=$(mktemp -d)
trap 'bash scripts/pg-cluster.sh stop "$pg_dir/cluster" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
AUTH_TEST_DATABASE_URL=$(bash scripts/pg-cluster.sh start "$pg_dir/cluster")
export AUTH_TEST_DATABASE_URL
swift test --skip-build --filter AuthServerTests 2>&1 | tee .build/swift-test-postgres.log
grep -q "passed after" .build/swift-test-postgres.log

log "python venv for the twilio SDK suite"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r Tests/compat/requirements.txt
# the project's Python helper (clients/python): every suite below starts its emulators with it
.venv/bin/pip install --quiet --disable-pip-version-check ./clients/python

log "release tarball (scripts/release.sh): static-stdlib binaries and their checksum"
release_dir="$(mktemp -d)"
RELEASE_TARBALL="$(bash scripts/release.sh "$release_dir")"
export RELEASE_TARBALL

# every emulator the suites start keeps its local CA here, not under the user's home
VERIFY_EMULATOR_DATA_DIR="$(mktemp -d)/verify-emulator-data"
export VERIFY_EMULATOR_DATA_DIR

log "the Node, Go and Java test helpers (clients/), each running clients/scenarios.json"
emulator_bin="$(swift build --show-bin-path)/verify-emulator"
test -z "$(gofmt -l clients/go)" || { echo "gofmt: $(gofmt -l clients/go)"; exit 1; }
(cd clients/node && VERIFY_EMULATOR_BIN="$emulator_bin" node --test test/*.test.js)
(cd clients/go && go vet ./... && VERIFY_EMULATOR_BIN="$emulator_bin" GOFLAGS=-mod=mod GOPROXY=off go test -count=1 ./...)
VERIFY_EMULATOR_BIN="$emulator_bin" bash clients/java/test.sh --disable-ansi-colors --details=summary

log "official twilio SDK compatibility suite and the inbox in headless Chromium"
VERIFY_EMULATOR_BIN="$(swift build --show-bin-path)/verify-emulator" \
    AUTH_SERVER_BIN="$(swift build --show-bin-path)/auth-server" \
    AUTH_LOGIN_BIN="$(swift build --show-bin-path)/auth-login" \
    PYTHONDONTWRITEBYTECODE=1 .venv/bin/python -m pytest -q -p no:cacheprovider Tests/compat

log "the same SDK suites on an older major of the twilio package (7.x)"
if [ ! -x .venv-twilio7/bin/python ]; then
    python3 -m venv .venv-twilio7
fi
.venv-twilio7/bin/pip install --quiet --disable-pip-version-check -r Tests/compat/requirements-twilio7.txt
.venv-twilio7/bin/pip install --quiet --disable-pip-version-check ./clients/python
VERIFY_EMULATOR_BIN="$(swift build --show-bin-path)/verify-emulator" \
    PYTHONDONTWRITEBYTECODE=1 .venv-twilio7/bin/python -m pytest -q -p no:cacheprovider \
    Tests/compat/test_verify_sdk.py Tests/compat/test_rate_limits_sdk.py Tests/compat/test_faults_sdk.py \
    Tests/compat/test_totp_sdk.py Tests/compat/test_push_sdk.py Tests/compat/test_resources_sdk.py \
    Tests/compat/test_paging_sdk.py Tests/compat/test_parallel_workers.py Tests/compat/test_outcomes_sdk.py \
    "Tests/compat/test_proxy.py::test_official_sdk_with_no_base_url_reaches_the_emulator"
