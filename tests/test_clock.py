"""The tests' clock (tests/helpers/clock.py): every test starts at one instant,
time runs on from there, a test can move it, and real_clock tests keep the
machine's time."""
import datetime
import os

import pytest
import time_machine
from helpers.clock import DEFAULT_NOW, ENVIRONMENT, start_instant

pytestmark = pytest.mark.dates     # the clock itself, at each instant of test-dates

UTC = datetime.timezone.utc
COLLECTED_AT = datetime.datetime.now(UTC)      # while pytest collects this module


def test_the_test_starts_at_the_instant_and_time_runs_on(clock):
    first = datetime.datetime.now(UTC)
    assert clock.start == start_instant()
    assert clock.start <= first < clock.start + datetime.timedelta(hours=1)
    assert clock.start <= clock.now() and first <= datetime.datetime.now(UTC)
    assert datetime.date.fromtimestamp(clock.start.timestamp()) == datetime.date.today()


def test_collection_happened_on_the_tests_date_too():
    assert start_instant() <= COLLECTED_AT < start_instant() + datetime.timedelta(days=1)


def test_shift_and_move_to(clock):
    clock.shift(datetime.timedelta(days=3))
    assert datetime.timedelta(days=3) <= clock.now() - clock.start < datetime.timedelta(days=4)
    clock.shift(-3600)
    assert clock.now() - clock.start < datetime.timedelta(days=3)
    lisbon = datetime.timezone(datetime.timedelta(hours=1))
    clock.move_to(datetime.datetime(2027, 3, 28, 0, 59, 30, tzinfo=lisbon))
    assert datetime.datetime(2027, 3, 27, 23, 59, 30, tzinfo=UTC) <= datetime.datetime.now(UTC)
    with pytest.raises(ValueError, match='aware'):
        clock.move_to(datetime.datetime(2027, 3, 28))


def test_moving_the_clock_leaves_the_time_zone_of_subprocesses_alone(clock):
    # time-machine sets $TZ when given a datetime in UTC or a named zone; the
    # clock gives it Unix times, so subprocesses keep the machine's zone.
    before = os.environ.get('TZ')
    clock.move_to(datetime.datetime(2027, 10, 31, 0, 30, tzinfo=UTC))
    assert os.environ.get('TZ') == before


@pytest.mark.real_clock     # the marker under test
def test_real_clock_tests_see_the_machines_time(clock):
    assert clock is None
    assert not time_machine.escape_hatch.is_travelling()


def test_the_instant_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert start_instant() == DEFAULT_NOW
    assert DEFAULT_NOW.weekday() == 2        # documented as a Wednesday
    monkeypatch.setenv(ENVIRONMENT, '2026-12-07T23:30:00-03:00')
    assert start_instant() == datetime.datetime(2026, 12, 8, 2, 30, tzinfo=UTC)
    for wrong in ('2026-12-07T23:30:00', 'tomorrow'):
        monkeypatch.setenv(ENVIRONMENT, wrong)
        with pytest.raises(pytest.UsageError, match='UTC offset'):
            start_instant()
