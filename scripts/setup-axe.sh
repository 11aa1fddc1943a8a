#!/usr/bin/env bash
# axe-core for the accessibility browser test (tests/browser/test_axe.py),
# installed from the npm registry with `npm ci` against the committed lockfile
# (tests/axe/package-lock.json: the version and its integrity hash) into
# tests/axe/node_modules, which git ignores: axe itself is never committed.
# Idempotent: a marker holding the lockfile's checksum skips the work once it is
# done; a new pin (a changed lockfile) re-installs.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=tests/axe
AXE=$DIR/node_modules/axe-core/axe.min.js
MARKER=$DIR/node_modules/.installed-axe

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

sum=$(sha256sum "$DIR/package-lock.json" | cut -d' ' -f1)
if [ -s "$AXE" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$sum" ]; then
  exit 0
fi

# Debian's npm (it brings Node.js) when there is none.
if ! command -v npm >/dev/null; then
  echo "setup-axe: installing npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm
fi

echo "setup-axe: installing axe-core from $DIR/package-lock.json"
log=$(mktemp)
if ! (cd "$DIR" && npm ci --no-audit --no-fund --ignore-scripts) >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "setup-axe: npm ci could not install axe-core" >&2
  exit 1
fi
rm -f "$log"
# Prove the install is usable before writing the marker.
test -s "$AXE"
echo "$sum" > "$MARKER"
echo "setup-axe: axe-core $(node -p "require('./$DIR/node_modules/axe-core/package.json').version" 2>/dev/null || echo '?') installed in $DIR/node_modules"
