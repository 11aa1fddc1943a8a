"""Times at the ends of what Python can hold: no page, feed or API answer fails.

Windows and proposals stored (as an older Janela, or a row written by hand,
could have left them) at 9999-12-31T23:59Z and 0001-01-01T00:00Z are shown
to NOC users east and west of UTC (Tokyo, São Paulo), to the customer's page,
the customer's calendar feed and the API: each answers, never a 500.
"""
import datetime

import pytest
from conftest import Browser, create_user, db, prepared_app
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.maintenance_fixtures import settings as area_settings

from noc.accounts import tokens
from noc.core.db import database
from noc.maintenance import feeds, links, window_commands
from noc.models import (
    Contact,
    MaintenanceWindow,
    OutboxMessage,
    RescheduleProposal,
    RescheduleRequest,
    RescheduleVia,
)

UTC = datetime.timezone.utc
LATEST = datetime.datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
EARLIEST = datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC)
# (start, end) of the windows stored by hand.
PERIODS = {'last': (LATEST - datetime.timedelta(hours=2), LATEST),
           'first': (EARLIEST, EARLIEST + datetime.timedelta(hours=2)),
           'whole': (EARLIEST, LATEST)}

pytestmark = pytest.mark.usefixtures('quick_password_hash')


@pytest.fixture
def extreme(db_url):
    app = prepared_app(db_url)
    with db(app):
        net = build_network()
        # A contact east of UTC, whose notices read 9999-12-31T23:59Z in the year 10000.
        Contact.create(customer=net['acme'], name='Kenji', email='kenji@acme.example.com',
                       role_maintenance=True, language='en', time_zone='Asia/Tokyo',
                       notice_format='invitation')
        made = {}
        for name, (start, end) in PERIODS.items():
            window = confirmed(title_pt=f'Janela {name}')
            MaintenanceWindow.update(starts_at=start, ends_at=end).where(
                MaintenanceWindow.id == window.id).execute()
            made[name] = window.id
        request = RescheduleRequest.create(
            window=made['first'], customer=net['acme'].id, via=RescheduleVia.PAGE,
            requested_by='ana@acme.example.com', reason='Outra data',
            sequence=1, created_at=EARLIEST)
        for position, (start, end) in enumerate(PERIODS.values(), 1):
            RescheduleProposal.create(request=request, position=position, starts_at=start,
                                      ends_at=end)
        secret = area_settings().secret_key
        pages = [links.token(links.state(MaintenanceWindow.get_by_id(pk), net['acme'].id),
                             secret) for pk in made.values()]
        feed = feeds.issue(net['acme'], 'test').token
        api = tokens.create({'name': 'noc', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
        for zone in ('Asia/Tokyo', 'America/Sao_Paulo'):
            create_user('engineer', username=zone.split('/')[1].lower(), time_zone=zone)
    yield app, made, request.id, pages, feed, api
    if not database.is_closed():
        database.close()


def noc_urls(made, request_id):
    urls = ['/maintenance', '/maintenance?status=', '/reschedules/',
            f'/reschedules/{request_id}', '/']
    for pk in made.values():
        urls += [f'/maintenance/{pk}', f'/maintenance/{pk}/edit']
    # The calendar shows 1971 to 2999 (other days: today), where the window
    # from the year 1 to 9999 lies across every day.
    for day in ('', '9999-12-31', '0001-01-01', '2999-12-31', '1971-01-01'):
        urls += [f'/maintenance/calendar?date={day}',
                 f'/maintenance/calendar?view=week&date={day}']
    return urls


@pytest.mark.parametrize('zone', ['Asia/Tokyo', 'America/Sao_Paulo'])
def test_no_page_fails_on_the_first_or_last_representable_time(extreme, zone):
    app, made, request_id, pages, feed, api = extreme
    browser = Browser(app)
    assert browser.login(zone.split('/')[1].lower()).status_code == 302
    for url in noc_urls(made, request_id):
        response = browser.get(url)
        assert response.status_code < 500, (url, response.status_code)
    for pk in made.values():
        page = browser.get(f'/maintenance/{pk}').get_data(as_text=True)
        assert 'Janela' in page
    client = app.test_client()
    for token in pages:         # a link to a finished window answers 410 Gone
        for lang in ('', '?lang=en'):
            response = client.get(f'/c/{token}{lang}')
            assert response.status_code in (200, 410), (token, response.status_code)
    assert client.get(f'/c/{pages[0]}').status_code == 200    # the window in 9999
    response = client.get(f'/feeds/{feed}.ics')
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('BEGIN:VEVENT') >= 1
    headers = {'Authorization': f'Bearer {api}'}
    for path in ['/maintenance-windows', f'/reschedule-requests/{request_id}',
                 '/reschedule-requests'] + [f'/maintenance-windows/{pk}' for pk in made.values()]:
        response = client.get('/api/v1' + path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    body = client.get(f'/api/v1/maintenance-windows/{made["last"]}', headers=headers).get_json()
    assert body['ends_at'].startswith('9999-12-31T23:59')


def test_notices_of_a_window_at_either_end_are_written_in_every_contacts_zone(extreme):
    app, made, *_ = extreme
    with db(app):
        before = OutboxMessage.select().count()
        for name in ('last', 'first'):
            window_commands.cancel(made[name], 'test', 'Cabo rompido', area_settings())
        told = {m.recipient for m in OutboxMessage.select().where(OutboxMessage.id > 0)
                .order_by(OutboxMessage.id).offset(before)}
    assert {'kenji@acme.example.com', 'ana@acme.example.com'} <= told
