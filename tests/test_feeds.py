"""Customers' calendar feeds: what they show, who sees them, and that old addresses die."""
import datetime
import html
import json
import re

import icalendar
import pytest
from conftest import db
from helpers.maintenance_fixtures import settings as area_settings
from test_resend import ACTOR, build_inventory, make_window

from noc.maintenance import feeds, window_commands
from noc.models import AuditLog, CalendarFeed, Customer, utcnow

# The users here log in, nobody attacks them: a cheap hash keeps the suite fast.
pytestmark = pytest.mark.usefixtures('quick_password_hash')


def build_windows():
    """Windows of every kind a feed must show or leave out; {name: window}."""
    now = utcnow()
    made = {
        # ACME and OUTRA circuits together: each customer sees only its own.
        'shared': make_window(['ACME-C1', 'ACME-C2 DEGRADED', 'OUT-C1'], days=12),
        'tentative': make_window(['ACME-C1'], days=14, confirm=False),
        'cancelled': make_window(['ACME-C2'], days=16),
        'never_published': make_window(['ACME-C2'], days=18, confirm=False),
        'other_only': make_window(['OUT-C1'], days=20),
        'running': make_window(['ACME-C1'], days=22),
    }
    settings = area_settings()
    window_commands.cancel(made['cancelled'].id, ACTOR, 'weather', settings)
    window_commands.cancel(made['never_published'].id, ACTOR, 'draft dropped', settings)
    window_commands.start(made['running'].id, ACTOR, settings,
                          override_reason='running early for the feed')
    # Finished work: ten days ago (shown) and two hundred days ago (gone).
    for name, days in (('recent_done', 10), ('old_done', 200)):
        then = now - datetime.timedelta(days=days + 12)
        made[name] = make_window(['ACME-C1'], days=12, now=then)
        window_commands.complete(made[name].id, ACTOR, settings,
                                 now=then + datetime.timedelta(days=12, hours=4))
    return made


def events(ics):
    return {str(e['UID']): e for e in icalendar.Calendar.from_ical(ics).walk('VEVENT')}


def object_ids(event):
    values = event.get('X-MAINTNOTE-OBJECT-ID')
    return sorted(str(v) for v in (values if isinstance(values, list) else [values]))


@pytest.mark.dates
def test_feed_shows_only_the_customers_published_windows_and_circuits(ctx):
    inventory = build_inventory()
    made = build_windows()
    ics = feeds.feed_ics(inventory['acme'], settings=area_settings())
    found = events(ics)
    shown = {'shared', 'cancelled', 'running', 'recent_done'}
    assert set(found) == {made[name].uid for name in shown}
    assert 'BEGIN:VCALENDAR' in ics and 'METHOD' not in ics
    assert 'OUT-C1' not in ics and 'OUT-REF-9' not in ics and 'OUT-2' not in ics

    shared = found[made['shared'].uid]
    # The customer's own ids, each with its impact.
    assert object_ids(shared) == ['ACME-C2', 'ACME-REF-1']
    impacts = {str(v): v.params['X-MAINTNOTE-OBJECT-IMPACT']
               for v in shared['X-MAINTNOTE-OBJECT-ID']}
    assert impacts == {'ACME-REF-1': 'OUTAGE', 'ACME-C2': 'DEGRADED'}
    assert str(shared['X-MAINTNOTE-ACCOUNT']) == 'ACME-1'
    assert str(shared['X-MAINTNOTE-MAINTENANCE-ID']) == made['shared'].reference
    # ACME reads English: summary and description in it.
    assert str(shared['SUMMARY']) == f'{made["shared"].reference} {made["shared"].title_en}'
    assert str(shared['DESCRIPTION']) == made['shared'].description_en
    assert str(shared['STATUS']) == 'CONFIRMED'
    assert int(shared['SEQUENCE']) == made['shared'].sequence
    # Times in UTC, never floating.
    for event in found.values():
        for name in ('DTSTART', 'DTEND', 'DTSTAMP'):
            assert event.decoded(name).utcoffset() == datetime.timedelta(0), name
    assert shared.decoded('DTSTART') == made['shared'].starts_at
    assert re.search(r'^DTSTART:\d{8}T\d{6}Z\r$', ics, re.M)

    cancelled = found[made['cancelled'].uid]
    assert str(cancelled['STATUS']) == 'CANCELLED'
    assert str(cancelled['X-MAINTNOTE-STATUS']) == 'CANCELLED'
    assert int(cancelled['SEQUENCE']) == 1
    assert str(found[made['running'].uid]['X-MAINTNOTE-STATUS']) == 'IN-PROCESS'
    assert str(found[made['recent_done'].uid]['X-MAINTNOTE-STATUS']) == 'COMPLETED'


def test_feed_speaks_the_customers_language(ctx):
    inventory = build_inventory()
    made = build_windows()
    found = events(feeds.feed_ics(inventory['outra'], settings=area_settings()))
    assert set(found) == {made['shared'].uid, made['other_only'].uid}
    shared = found[made['shared'].uid]
    assert object_ids(shared) == ['OUT-REF-9']
    assert str(shared['SUMMARY']) == f'{made["shared"].reference} {made["shared"].title_pt}'
    assert str(shared['DESCRIPTION']) == made['shared'].description_pt


def test_issue_revoke_and_reissue(ctx):
    inventory = build_inventory()
    acme, outra = inventory['acme'], inventory['outra']
    assert feeds.active(acme) is None
    first = feeds.issue(acme, ACTOR)
    assert len(first.token) >= 43 and feeds.find(first.token).id == first.id
    assert feeds.active(acme).id == first.id and feeds.active(outra) is None
    second = feeds.issue(acme, ACTOR)
    assert second.token != first.token
    assert feeds.find(first.token) is None and feeds.find(second.token).id == second.id
    assert CalendarFeed.select().where((CalendarFeed.customer == acme)
                                       & CalendarFeed.revoked_at.is_null()).count() == 1
    assert feeds.revoke(acme, ACTOR) == 1
    assert feeds.find(second.token) is None and feeds.active(acme) is None
    assert feeds.revoke(acme, ACTOR) == 0
    for bad in ('', 'x', '../' * 20, second.token + 'x' * 40, None):
        assert feeds.find(bad) is None
    log = list(AuditLog.select().where(AuditLog.entity == 'calendar_feed').order_by(AuditLog.id))
    assert [e.action for e in log] == ['issue', 'issue', 'revoke']
    assert json.loads(log[1].before_json) == {'feeds': [first.id]}
    # The token is a password: it is not written to the log.
    assert all(first.token not in (e.before_json or '') + (e.after_json or '')
               and second.token not in (e.before_json or '') + (e.after_json or '')
               for e in log)


# The web side: the public address and the buttons on the customer page.

def customer_page(app, browser, customer_id):
    return browser.get(f'/inventory/customers/{customer_id}')


def test_public_feed_needs_no_login_and_dies_with_its_token(app, as_role):
    with db(app):
        inventory = build_inventory()
        made = build_windows()
        acme_id = inventory['acme'].id
        token = feeds.issue(inventory['acme'], ACTOR).token
    client = app.test_client()
    response = client.get(f'/feeds/{token}.ics')
    assert response.status_code == 200
    assert response.headers['Content-Type'] == 'text/calendar; charset=utf-8'
    assert response.headers['Cache-Control'] == 'private, max-age=300'
    assert 'Set-Cookie' not in response.headers
    body = response.get_data(as_text=True)
    assert set(events(body)) == {made[n].uid for n in ('shared', 'cancelled', 'running',
                                                       'recent_done')}
    assert client.get('/feeds/' + 'A' * 43 + '.ics').status_code == 404
    assert client.get('/feeds/nothing.ics').status_code == 404

    engineer = as_role('engineer')
    page = html.unescape(customer_page(app, engineer, acme_id).get_data(as_text=True))
    assert f'webcal://localhost/feeds/{token}.ics' in page
    assert f'http://localhost/feeds/{token}.ics' in page
    assert 'breaks the old one' in page
    response = engineer.post_form(f'/customers/{acme_id}/feed', {},
                                  page_url=f'/inventory/customers/{acme_id}')
    assert response.status_code == 302
    assert response.headers['Location'].startswith(f'/inventory/customers/{acme_id}')
    assert client.get(f'/feeds/{token}.ics').status_code == 404     # re-issued: old is dead
    page = html.unescape(customer_page(app, engineer, acme_id).get_data(as_text=True))
    new_token = re.search(r'webcal://localhost/feeds/([A-Za-z0-9_-]+)\.ics',
                          page).group(1)
    assert new_token != token and client.get(f'/feeds/{new_token}.ics').status_code == 200
    response = engineer.post_form(f'/customers/{acme_id}/feed/revoke', {},
                                  page_url=f'/inventory/customers/{acme_id}')
    assert response.status_code == 302
    assert client.get(f'/feeds/{new_token}.ics').status_code == 404
    page = html.unescape(customer_page(app, engineer, acme_id).get_data(as_text=True))
    assert 'webcal://' not in page and 'no calendar feed' in page


def test_feed_url_follows_base_url_and_only_engineers_change_it(app, as_role):
    app.config['NOC']['app']['base_url'] = 'https://janela.example.net/'
    with db(app):
        inventory = build_inventory()
        acme_id, site_id = inventory['acme'].id, inventory['circuits']['ACME-C1'].a_site_id
        token = feeds.issue(inventory['acme'], ACTOR).token
    viewer = as_role('viewer')
    page = customer_page(app, viewer, acme_id).get_data(as_text=True)
    assert f'webcal://janela.example.net/feeds/{token}.ics' in page
    assert f'https://janela.example.net/feeds/{token}.ics' in page
    assert f'/customers/{acme_id}/feed' not in page               # no buttons for a viewer
    for url in (f'/customers/{acme_id}/feed', f'/customers/{acme_id}/feed/revoke'):
        assert viewer.post_form(url, {}, page_url=f'/inventory/customers/{acme_id}') \
            .status_code == 403
    assert app.test_client().get(f'/feeds/{token}.ics').status_code == 200
    # Other kinds of rows have no feed section.
    assert 'calendar-feed' not in viewer.get(f'/inventory/sites/{site_id}').get_data(as_text=True)
    # An unknown customer is not found; anonymous users are sent to log in.
    engineer = as_role('engineer')
    assert engineer.post_form('/customers/999999/feed', {},
                              page_url=f'/inventory/customers/{acme_id}').status_code == 404
    assert app.test_client().post(f'/customers/{acme_id}/feed').status_code in (400, 302)
    with db(app):
        assert feeds.active(Customer.get_by_id(acme_id)).token == token
