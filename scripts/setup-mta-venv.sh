#!/usr/bin/env bash
# The venv an MTA's pipe user runs (tests/test_postfix_e2e.py): Janela's
# requirements on the system's /usr/bin/python3, as the Postfix recipe
# (deploy/postfix/) prescribes. .venv may come from an interpreter under
# root's home, which a user other than root cannot run. Idempotent: a marker
# holding requirements.txt's checksum skips the work once it is done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-mta
MARKER=$VENV/.installed-mta
PYTHON=${MTA_PYTHON:-/usr/bin/python3}
WANT="$(sha256sum requirements.txt | cut -d' ' -f1) $PYTHON"

if [ -x "$VENV/bin/python" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$WANT" ]; then
  exit 0
fi

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt
# Prove the install is usable before writing the marker.
"$VENV/bin/python" -c 'import flask, peewee, psycopg2, icalendar, numpy'
echo "$WANT" > "$MARKER"
echo "setup-mta-venv: requirements installed in $VENV ($PYTHON)"
