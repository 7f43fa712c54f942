#!/usr/bin/env bash
# Builds a downloadable release: static-stdlib Linux binaries of every executable
# (verify-emulator, auth-server, auth-login) in dist/verify-emulator-VERSION-linux-ARCH.tar.gz,
# with README.md, LICENSE, .env.example and the example fixtures, and a SHA-256 file beside it,
# so a CI job downloads two files instead of compiling Swift for six minutes.
#   bash scripts/release.sh [OUTPUT_DIR]      (default: dist)
# The binaries carry the Swift runtime and Foundation; from the system they need libsqlite3 and
# libqrencode (Debian/Ubuntu: apt-get install libsqlite3-0 libqrencode4) besides glibc, libstdc++
# and zlib, which every Debian and Ubuntu has.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-dist}"
VERSION="$(tr -d ' \r\n' < VERSION)"
ARCH="$(uname -m)"
NAME="verify-emulator-$VERSION-linux-$ARCH"
PRODUCTS=(verify-emulator auth-server auth-login)
FLAGS=(-c release --static-swift-stdlib)

if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
    echo "release.sh: warning: the working tree has changes; --version will name $(git rev-parse --short=12 HEAD), which does not hold them" >&2
fi
for product in "${PRODUCTS[@]}"; do
    echo "== swift build ${FLAGS[*]} --product $product" >&2
    swift build "${FLAGS[@]}" --product "$product" >&2
done
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/$NAME/bin" "$STAGE/$NAME/fixtures"
for product in "${PRODUCTS[@]}"; do
    cp "$BIN/$product" "$STAGE/$NAME/bin/$product"
    strip "$STAGE/$NAME/bin/$product"
    # a binary that cannot start (a missing library, the wrong runtime) fails the release here
    "$STAGE/$NAME/bin/$product" --version >&2
done
cp README.md LICENSE .env.example "$STAGE/$NAME/"
cp fixtures/*.json "$STAGE/$NAME/fixtures/"

mkdir -p "$OUT"
tar -C "$STAGE" --owner=0 --group=0 --numeric-owner -czf "$OUT/$NAME.tar.gz" "$NAME"
(cd "$OUT" && sha256sum "$NAME.tar.gz" > "$NAME.tar.gz.sha256")
echo "$OUT/$NAME.tar.gz"
