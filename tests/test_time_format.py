"""One way to write a time: 24-hour, with the zone's offset, the same in both
languages, on every page and in every mail (issue 17)."""
import datetime
import re

import pytest
from flask_babel import force_locale
from helpers.maintenance_fixtures import build_network, confirmed, local

from noc.core.db import database
from noc.core.i18n import in_zone, time_text
from noc.maintenance import notices

UTC = datetime.timezone.utc
INSTANT = datetime.datetime(2026, 12, 9, 5, 0, tzinfo=UTC)     # 02:00 in São Paulo
TWELVE_HOUR = re.compile(r'\b\d{1,2}:\d\d\s?(AM|PM|a\.\s?m\.|p\.\s?m\.)(?!\w)', re.IGNORECASE)


@pytest.mark.parametrize('language, weekday', [('en', 'Wed'), ('pt_BR', 'qua.')])
def test_the_filter_writes_24_hours_and_the_zone_in_both_languages(app, language, weekday):
    localtime = app.jinja_env.filters['localtime']
    with app.test_request_context(), force_locale(language):
        assert localtime(INSTANT) == '2026-12-09 02:00 UTC-03:00'
        assert localtime(INSTANT, 'medium') == '2026-12-09 02:00 UTC-03:00'
        assert localtime(INSTANT, 'full') == f'{weekday} 2026-12-09 02:00 UTC-03:00'
        assert localtime(INSTANT.replace(hour=17)) == '2026-12-09 14:00 UTC-03:00'
    assert notices.when(INSTANT, 'America/Sao_Paulo', language) == \
        f'{weekday} 2026-12-09 02:00 UTC-03:00'
    assert notices.when(INSTANT, 'Asia/Kolkata', language).endswith('10:30 UTC+05:30')


def test_the_clocks_now_and_the_edges_of_the_calendar(clock):
    now = clock.now()
    expected = in_zone(now, 'America/Sao_Paulo').strftime('%Y-%m-%d %H:%M')
    assert time_text(now, 'America/Sao_Paulo') == expected + ' UTC-03:00'
    assert time_text(now.replace(tzinfo=None), 'UTC') == now.strftime('%Y-%m-%d %H:%M UTC')
    # A zone that cannot hold the moment: the moment in UTC, never an error.
    last = datetime.datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    assert time_text(last, 'Asia/Tokyo', 'en', weekday=True) == 'Fri 9999-12-31 23:30 UTC'
    first = datetime.datetime(1, 1, 1, 0, 30, tzinfo=UTC)
    assert time_text(first, 'America/Sao_Paulo') == '0001-01-01 00:30 UTC'


def test_english_pages_show_no_am_pm_and_the_dashboard_shows_the_zone(app, as_role):
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            build_network()
            # Starting within the dashboard's week (an emergency) and late in
            # the day: 12-hour English would write it with PM.
            soon = confirmed(segments='SPAN-A', starts_at=local(2, 15), ends_at=local(2, 17),
                             emergency='on', emergency_reason='Cabo rompido')
            later = confirmed()
        finally:
            database.close()
    engineer = as_role('engineer', language='en')
    pages = {}
    for url in ('/', '/maintenance', f'/maintenance/{soon.id}', f'/maintenance/{later.id}',
                '/messages', '/inventory/customers/'):
        response = engineer.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
        assert not TWELVE_HOUR.search(pages[url]), (url, TWELVE_HOUR.search(pages[url]))
    dashboard = pages['/']
    assert soon.reference in dashboard
    assert re.search(r'\d{4}-\d\d-\d\d 15:00 UTC-03:00', dashboard), 'the next window, with its zone'
    assert re.search(r'Wed|Thu|Fri|Sat|Sun|Mon|Tue', pages[f'/maintenance/{soon.id}'])
    assert 'UTC-03:00' in pages['/maintenance']
