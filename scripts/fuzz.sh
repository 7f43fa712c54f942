#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, from the Swift toolchain) of both servers' parsers of
# untrusted input, each for a bounded time. Not part of scripts/test.sh: the instrumented build
# takes several minutes (it goes to .build-fuzz). The committed seeds and every crashing input
# ever found live in Tests/Fixtures/fuzz/TARGET/ and are replayed by the Swift tests; a new crash
# lands there as crash-… (libFuzzer's artifact), so it becomes a regression test once committed.
# Leak detection is off: LeakSanitizer reports the once-initialised globals Swift keeps for the
# life of the process (seen here: AcceptedKeys' tables), which are not leaks.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default 60, every target)
#   targets: twilio-form control-body twilio-date auth-json dot-env
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(twilio-form control-body twilio-date auth-json dot-env)

FLAGS=(-c debug --scratch-path .build-fuzz --product verify-fuzz
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
swift build "${FLAGS[@]}" >/dev/null
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)/verify-fuzz"

status=0
for target in "${TARGETS[@]}"; do
    seeds="Tests/Fixtures/fuzz/$target"
    corpus=".build-fuzz/corpus/$target"
    mkdir -p "$corpus" "$seeds"
    echo "== $target: ${SECONDS_PER_TARGET}s"
    # the first folder is the working corpus (written to); the seeds are read only
    if ! ASAN_OPTIONS=detect_leaks=0 FUZZ_TARGET="$target" "$BIN" "$corpus" "$seeds" -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 \
        -timeout=5 -rss_limit_mb=2048 -detect_leaks=0 -artifact_prefix="$seeds/" -print_final_stats=1 \
        >".build-fuzz/$target.log" 2>&1; then
        status=1
        echo "   CRASH: see .build-fuzz/$target.log; the input is in $seeds/"
    fi
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" ".build-fuzz/$target.log" \
        | sed 's/^/   /'
    grep -E "cov: [0-9]+" ".build-fuzz/$target.log" | tail -1 | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/   \1/'
done
exit $status
