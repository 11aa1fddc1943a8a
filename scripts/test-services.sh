#!/usr/bin/env bash
# Install and start what the test suite needs on this machine, when missing:
# Debian's Chromium (browser tests), the local PostgreSQL server and Dovecot
# (IMAP tests; tests/helpers/imap_server.py runs its own instance on a free port, so
# the system-wide service is neither started nor needed here); the routing
# peers: StayRTR (serves VRPs over RTR and HTTP), rtr-tools (rtrlib's
# rpki-rov, an independent RFC 6811 oracle), bgpq4 (the reference for
# prefix-list formats) and redis-server (IRRd's own Redis, started by
# tests/helpers/irrd_server.py; IRRd itself is set up by scripts/setup-irrd.sh);
# Debian's Postfix, unconfigured and not started (tests/helpers/postfix_server.py
# runs a private instance), and the venv its pipe user runs
# (scripts/setup-mta-venv.sh, from the system's python3 and its venv module).
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_ready=
apt_install() {
  if [ -z "$apt_ready" ]; then as_root apt-get update -qq; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
dpkg -s dovecot-imapd >/dev/null 2>&1 || missing+=(dovecot-imapd)
command -v stayrtr >/dev/null || missing+=(stayrtr)
command -v rpki-rov >/dev/null || missing+=(rtr-tools)
command -v bgpq4 >/dev/null || missing+=(bgpq4)
command -v redis-server >/dev/null || missing+=(redis-server)
dpkg -s postfix >/dev/null 2>&1 || missing+=(postfix)
/usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-services: installing ${missing[*]}"
  # Postfix asks what kind of mail server this is: none, the tests run their own.
  echo 'postfix postfix/main_mailer_type select No configuration' | as_root debconf-set-selections
  apt_install "${missing[@]}"
fi

# PostgreSQL on 127.0.0.1:5432 with trust authentication for local tests.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "test-services: starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

# A freshly installed server asks for passwords on TCP; the tests connect as
# postgres over loopback without one, as on the project's machines.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  echo "test-services: allowing trust authentication on loopback in $hba"
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  sleep 1
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null
fi

# The venv the Postfix test's pipe user runs.
bash "$(dirname "$0")/setup-mta-venv.sh"
