#!/usr/bin/env bash
# A real IRRd 4.5 for the tests (tests/helpers/irrd_server.py) in its own virtual
# environment, .venv-irrd: IRRd pins every dependency (SQLAlchemy 1.4 among
# them), which would clash with the project's .venv. Idempotent: a marker
# naming the pin skips the work once it is done; a new pin re-installs.
#
# The venv is built from Debian's /usr/bin/python3, not from whatever python3
# comes first on PATH: run as root, IRRd refuses to start without `user` and
# `group` and drops to that user, who cannot read a Python under /root.
set -euo pipefail
cd "$(dirname "$0")/.."
# The user IRRd drops to must read the venv whatever the caller's umask.
umask 022

PIN='irrd==4.5.4'
VENV=.venv-irrd
MARKER=$VENV/.installed-irrd
PYTHON=/usr/bin/python3

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ -x "$VENV/bin/irrd" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$PIN" ]; then
  exit 0
fi

# venv for the interpreter; a compiler and Python headers because pip builds
# datrie and py-radix-sr from source; redis-server, which IRRd needs to run.
missing=()
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
command -v gcc >/dev/null || missing+=(gcc)
dpkg -s python3-dev >/dev/null 2>&1 || missing+=(python3-dev)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-irrd: installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# A venv left by another interpreter (or half-made) is rebuilt from scratch.
if [ -e "$VENV" ] && [ "$(readlink -f "$VENV/bin/python3" 2>/dev/null)" != "$(readlink -f "$PYTHON")" ]; then
  rm -rf "$VENV"
fi
test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
echo "setup-irrd: installing $PIN into $VENV (a few minutes the first time)"
log=$(mktemp)
if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "$PIN" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "setup-irrd: pip could not install $PIN" >&2
  exit 1
fi
rm -f "$log"
# Prove the install is usable before writing the marker.
"$VENV/bin/python" -c 'import irrd.daemon.main, irrd.scripts.load_database'
test -x "$VENV/bin/irrd_database_upgrade"
echo "$PIN" > "$MARKER"
echo "setup-irrd: $PIN installed in $VENV"
