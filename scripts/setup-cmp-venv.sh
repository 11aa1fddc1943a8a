#!/usr/bin/env bash
# Separate venv for Network to Code's circuit-maintenance-parser, our test
# oracle for maintenance notices. It pins icalendar<6, which clashes with the
# project's icalendar, so it cannot live in .venv. Idempotent: a marker file
# naming the pinned version skips the work once it is done.
set -euo pipefail
cd "$(dirname "$0")/.."

PIN='circuit-maintenance-parser==2.12.0'
VENV=.venv-cmp
MARKER=$VENV/.installed-cmp
PYTHON=${PYTHON:-python3}

# Done already for this pin? (A new pin re-installs.)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$PIN" ]; then
  exit 0
fi

test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$PIN"
# Prove the install is usable before writing the marker.
"$VENV/bin/python" -c 'import circuit_maintenance_parser.parser'
echo "$PIN" > "$MARKER"
echo "setup-cmp-venv: $PIN installed in $VENV"
