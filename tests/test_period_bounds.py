"""Times are bounded: a window, and a period a customer proposes, lies between
now and `maintenance.max_days_ahead` days ahead, at most `max_duration_hours`
long (rules.period_problems), from every way in: the form, the API, the CLI,
the customer page and the API's reschedule requests."""
import datetime

import pytest
from conftest import db
from helpers.bare_database import maintenance_settings
from helpers.maintenance_fixtures import build_network
from test_maintenance_web import count, field_error, text, window_form
from test_reschedule_commands import world  # noqa: F401 (the fixture)
from test_windows_cli import run

from noc.maintenance import reschedule_commands, reschedules, rules
from noc.models import MaintenanceWindow, RescheduleRequest

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 6, 17, 13, 0, tzinfo=UTC)
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SETTINGS = maintenance_settings()           # max_days_ahead 1826, max_duration_hours 12

pytestmark = pytest.mark.usefixtures('quick_password_hash')


def test_the_defaults_are_five_years_ahead_and_twelve_hours_long():
    assert (SETTINGS.max_days_ahead, SETTINGS.max_duration_hours) == (1826, 12)
    assert SETTINGS.rules['max_days_ahead'] == 1826


@pytest.mark.parametrize('start, end, expected', [
    (NOW + DAY, NOW + DAY + 2 * H, {}),
    (NOW + 1826 * DAY - 2 * H, NOW + 1826 * DAY, {}),                 # the last accepted
    (NOW + 1826 * DAY - H, NOW + 1826 * DAY + H, {'ends_at': '1826 days ahead'}),
    (NOW + 1900 * DAY, NOW + 1900 * DAY + H, {'starts_at': '1826 days ahead',
                                                'ends_at': '1826 days ahead'}),
    (datetime.datetime(9999, 12, 31, 20, tzinfo=UTC),
     datetime.datetime(9999, 12, 31, 22, tzinfo=UTC), {'starts_at': 'days ahead',
                                                        'ends_at': 'days ahead'}),
    (datetime.datetime(2020, 3, 1, 1, tzinfo=UTC),
     datetime.datetime(2020, 3, 1, 3, tzinfo=UTC), {'starts_at': 'in the past'}),
    (NOW + DAY, NOW + DAY + 13 * H, {'ends_at': 'at most 12 hours'}),
    (NOW + DAY, NOW + 3650 * DAY, {'ends_at': 'at most 12 hours'}),   # ten years long
    (NOW + DAY, NOW + DAY, {'ends_at': 'after the start'}),
    (None, NOW, {'starts_at': 'is required'}),
    (NOW + DAY, datetime.datetime(2026, 7, 1), {'ends_at': 'is required'}),   # naive
])
def test_period_problems_names_each_field_and_what_is_accepted(start, end, expected):
    found = rules.period_problems(start, end, NOW, SETTINGS)
    assert set(found) == set(expected), found
    for field, words in expected.items():
        assert words in str(found[field]), found
    # The rules' own dict of settings reads the same.
    assert set(rules.period_problems(start, end, NOW, SETTINGS.rules)) == set(expected)


def test_a_smaller_setting_moves_the_bound():
    tight = maintenance_settings(max_days_ahead=30)
    assert 'ends_at' in rules.period_problems(NOW + 30 * DAY, NOW + 31 * DAY, NOW, tight)
    assert rules.period_problems(NOW + 29 * DAY, NOW + 29 * DAY + H, NOW, tight) == {}


@pytest.mark.parametrize('engine', ['sqlite'])
def test_the_form_refuses_a_window_past_the_horizon(app, engineer_net):
    far = window_form(starts_at='2033-01-10T23:00', ends_at='2033-01-11T03:00')
    page = text(engineer_net.post_form('/maintenance/new', {**far, 'action': 'save'}))
    assert '1826 days ahead' in (field_error(page, 'starts_at') or ''), page[:3000]
    assert '1826 days ahead' in (field_error(page, 'ends_at') or '')
    assert count(app) == 0


@pytest.fixture
def engineer_net(app, as_role):
    with db(app):
        build_network()
    return as_role('engineer')


@pytest.mark.parametrize('engine', ['sqlite'])
def test_the_cli_refuses_a_window_past_the_horizon(app):
    with db(app):
        build_network()
    result = run(app.test_cli_runner(), 'window', 'create', '--title', 'Longe',
                 '--start', '9999-12-30 10:00', '--end', '9999-12-30 12:00',
                 '--circuit', 'JAN-IPT-004', '--zone', 'Asia/Tokyo')
    assert result.exit_code == 1 and 'starts_at' in result.output, result.output
    assert '1826' in result.output and 'Traceback' not in result.output
    with db(app):
        assert MaintenanceWindow.select().count() == 0


@pytest.mark.parametrize('engine', ['sqlite'])
def test_a_calendar_counter_past_the_horizon_opens_no_request(world):  # noqa: F811
    # A COUNTER's periods meet the customer page's rules, the window's bounds
    # among them: past max_days_ahead it is refused and no request is opened.
    far = datetime.datetime(2040, 1, 10, 10, tzinfo=UTC)
    carla = world.contacts['carla']
    with pytest.raises(reschedules.RescheduleRefused) as refused:
        reschedule_commands.counter(world.window.id, carla.id, (far, far + 2 * H), '',
                                    sequence=world.window.sequence, settings=SETTINGS)
    assert '1826' in str(refused.value)
    assert RescheduleRequest.select().count() == 0
    assert MaintenanceWindow.get_by_id(world.window.id).starts_at == world.window.starts_at
