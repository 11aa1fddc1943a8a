#!/usr/bin/env bash
# The date-sensitive tests (marker `dates`, SQLite, nothing outside pytest's
# process) once at each instant below: the tests' clock (tests/helpers/clock.py)
# starts every test there, whatever the machine's date. Exits non-zero if any
# run fails, naming the instants that did. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

INSTANTS=(
  # A week, Monday to Sunday: windows 10 to 40 days ahead land on every weekday.
  2026-12-07T13:00:00+00:00
  2026-12-08T13:00:00+00:00
  2026-12-09T13:00:00+00:00
  2026-12-10T13:00:00+00:00
  2026-12-11T13:00:00+00:00
  2026-12-12T13:00:00+00:00
  2026-12-13T13:00:00+00:00
  # Europe/Lisbon's summer time starts (01:00 UTC) and ends (01:00 UTC) half an
  # hour later: the test's day, and its contacts' notices, cross the change.
  2027-03-28T00:30:00+00:00
  2027-10-31T00:30:00+00:00
  # 23:30 in São Paulo: already the next day in UTC.
  2026-12-07T23:30:00-03:00
  # New Year's Eve there: already next year in UTC (references, freezes, feeds).
  2026-12-31T23:30:00-03:00
)

# The marker chooses the tests; collecting only the modules that use it saves
# importing the whole suite at every instant.
mapfile -t modules < <(grep -l 'mark\.dates' tests/test_*.py)

failed=()
for instant in "${INSTANTS[@]}"; do
  echo "test-dates: JANELA_TEST_NOW=$instant"
  if ! JANELA_TEST_NOW=$instant "$PYTHON" -m pytest -q -p no:cacheprovider \
       -m 'dates and not postgresql and not external and not browser' "${modules[@]}" "$@"; then
    failed+=("$instant")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-dates: FAILED at ${failed[*]}" >&2
  exit 1
fi
echo "test-dates: passed at all ${#INSTANTS[@]} instants"
