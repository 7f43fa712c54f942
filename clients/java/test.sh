#!/usr/bin/env bash
# Compiles the Java helper and its tests with javac against Debian's JUnit 5 (apt-get install
# junit5) and runs them with JUnit's console launcher: no Maven, no network. Needs
# VERIFY_EMULATOR_BIN (the built emulator); RELEASE_TARBALL, when set, is started too.
set -euo pipefail
cd "$(dirname "$0")"
JUNIT=/usr/share/java
CLASSPATH="$JUNIT/junit-jupiter-api.jar:$JUNIT/junit-jupiter-params.jar:$JUNIT/opentest4j.jar:$JUNIT/junit-platform-commons.jar:$JUNIT/apiguardian-api.jar"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
javac -Xlint:all -Werror -d "$OUT/main" -cp "$CLASSPATH" $(find src/main/java -name '*.java')
javac -d "$OUT/test" -cp "$CLASSPATH:$OUT/main" $(find src/test/java -name '*.java')
VERIFY_EMULATOR_CACHE="$OUT/cache" java -Dscenarios="$PWD/../scenarios.json" \
    -jar "$JUNIT/junit-platform-console-standalone.jar" --class-path "$OUT/main:$OUT/test" --scan-class-path \
    --disable-banner --fail-if-no-tests "$@"
