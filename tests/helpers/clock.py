"""The tests' clock: every test runs at one chosen instant, never at the machine's date.

Janela's rules hang on the date (ten days of notice, no start in the past,
freezes read in the customer's zone, reminders 48 hours ahead, times in each
contact's zone and its summer time), so a suite reading the machine's clock
passes on some days and fails on others. The autouse fixture ``clock`` moves
"now", with time-machine, to one instant at the start of every test; time
then runs on from there (``tick=True``), so timeouts and durations behave.
The instant is:

- ``DEFAULT_NOW`` below: Wednesday 17 June 2026, 13:00 UTC (10:00 in São
  Paulo, 14:00 summer time in Lisbon, 09:00 in Manaus). An ordinary working
  day, months from either change of Europe/Lisbon's summer time and from a
  year's end, so the everyday run tests the rules rather than the calendar's
  corners, which ``make test-dates`` covers. It lies before the day this
  clock was written, so the machine's clock stays on one side of it from then
  on (it matters only for what time-machine cannot reach, below);
- or the instant in ``$JANELA_TEST_NOW``, ISO 8601 with its UTC offset
  (``2027-03-28T00:30:00+00:00``): scripts/test-dates.sh runs the tests
  marked ``dates`` at each instant of its list.

The whole run travels there too, from pytest_configure on: collection (a
parametrization computed from "now" at import) and module- or session-scoped
fixtures see the tests' date, time running on from the start of the run. A
fixture wider than one test whose data depends on the exact instant wraps
that work in ``with at_test_now():``.

A test that needs time to pass uses the fixture's object::

    def test_reminder(ctx, clock):
        clock.shift(datetime.timedelta(hours=47))
        clock.move_to(window.starts_at)
        clock.now()         # an aware datetime in UTC

time-machine changes what Python asks (datetime, date.today, time.time,
time.localtime and the like) in this process and its threads, so the live
servers of the browser tests and the SMTP server travel too. It does not
reach other processes (PostgreSQL's now(), dovecot, IRRd, StayRTR,
redis-server, the flask CLI run as a subprocess, the circuit-maintenance-
parser oracle, Chromium) nor C code reading the clock itself (OpenSSL checking
a certificate). None of them has to agree with the tests' clock: Janela's
SQL never asks the database for the time; Chromium reads a cookie's expiry
against the Date header of the server that set it; redis-server's expiries
are durations; the VRPs served by StayRTR expire in 2100; test certificates
are made on the machine's clock. The tests talking to such processes
(markers external and browser, and the flask CLI's) pass with the machine's
clock months after the instant and months before it (DEFAULT_NOW, and
JANELA_TEST_NOW=2027-10-31T00:30:00+00:00, run on 7 December 2026). A test that
must share the machine's clock with such a process is marked ``real_clock``
(pytest.ini), with the reason beside it; none is today.
"""
import contextlib
import datetime
import os

import pytest
import time_machine

UTC = datetime.timezone.utc
ENVIRONMENT = 'JANELA_TEST_NOW'
DEFAULT_NOW = datetime.datetime(2026, 6, 17, 13, 0, tzinfo=UTC)


def start_instant():
    """The instant every test starts at: $JANELA_TEST_NOW, or DEFAULT_NOW."""
    text = os.environ.get(ENVIRONMENT, '').strip()
    if not text:
        return DEFAULT_NOW
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise pytest.UsageError(f'{ENVIRONMENT}={text!r}: expected ISO 8601 with a UTC '
                                'offset, e.g. 2027-03-28T00:30:00+00:00')
    return moment.astimezone(UTC)


def _travel(moment):
    # A Unix time, not a datetime: given a datetime in UTC or in a named zone,
    # time-machine also sets $TZ, which subprocesses would inherit.
    return time_machine.travel(moment.timestamp(), tick=True)


class Clock:
    """The running test's clock (the ``clock`` fixture)."""

    def __init__(self, traveller, start):
        self._traveller = traveller
        self.start = start            # the instant the test started at (aware, UTC)

    def now(self):
        return datetime.datetime.now(UTC)

    def shift(self, delta):
        """Jump forwards (or back, with a negative delta): a timedelta or seconds."""
        self._traveller.shift(delta)

    def move_to(self, moment):
        """Jump to an aware datetime; time runs on from there."""
        if moment.utcoffset() is None:
            raise ValueError(f'{moment!r}: give the clock an aware datetime')
        self._traveller.move_to(moment.timestamp())


@contextlib.contextmanager
def at_test_now():
    """Run the block from the tests' instant (for fixtures wider than one test)."""
    moment = start_instant()
    with _travel(moment) as traveller:
        yield Clock(traveller, moment)


_run = None         # the travel of the whole run, from pytest_configure


def pytest_configure(config):
    global _run
    _run = _travel(start_instant())
    _run.start()


def pytest_unconfigure(config):
    global _run
    if _run is not None:
        _run.stop()
        _run = None


@pytest.fixture(autouse=True)
def clock(request):
    """Every test starts at start_instant(); None for tests marked real_clock,
    which see the machine's clock for their whole length."""
    if request.node.get_closest_marker('real_clock'):
        _run.stop()
        try:
            yield None
        finally:
            _run.start()
        return
    with at_test_now() as running:
        yield running
