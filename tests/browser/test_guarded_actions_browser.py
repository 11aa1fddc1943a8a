"""Issue 17: one click mails nobody. In headless Chromium an engineer clicks
each action that mails customers or changes what they see, once: confirm,
start, complete, cancel, remind, send again, revoke and reissue a customer's
link, and a reschedule request's move, split and decline. Each click lands on
the confirmation page naming who would be mailed, and nothing was queued,
audited or changed. The buttons are found by the form's action, not by their
wording, so the page's layout may change freely.
"""
import datetime

import pytest
from helpers.maintenance_fixtures import build_network, confirmed, create
from helpers.maintenance_fixtures import settings as area_settings
from playwright.sync_api import expect

from browser.test_maintenance_browser import log_in
from noc.maintenance import reschedule_commands
from noc.models import AuditLog, Customer, MaintenanceWindow, OutboxMessage, RescheduleRequest

pytestmark = pytest.mark.browser
H = datetime.timedelta(hours=1)


def _footprint():
    """What a click must not change: every outbox row and audit entry, every
    window's status and every request's state."""
    return (list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.state).tuples()),
            AuditLog.select().count(),
            list(MaintenanceWindow.select(MaintenanceWindow.id,
                                          MaintenanceWindow.status).tuples()),
            list(RescheduleRequest.select(RescheduleRequest.id,
                                          RescheduleRequest.state).tuples()))


def _reschedule():
    window = confirmed()
    start = window.starts_at + 20 * 24 * H
    customer = Customer.get(Customer.name.contains('Globex')).id
    return reschedule_commands.ask(window.id, customer,
                                   [(start, start + 3 * H), (start + 24 * H, start + 27 * H)],
                                   'Congelamento', 'page', settings=area_settings())


def _first_message(window):
    return OutboxMessage.select().where(OutboxMessage.window == window.id).order_by(
        OutboxMessage.id).first()


# (what is set up, the page the button is on, the end of the form's action,
# what to type first)
ACTIONS = {
    'confirm': (lambda: create(), lambda w: f'/maintenance/{w.id}', '/confirm', {}),
    'start': (confirmed, lambda w: f'/maintenance/{w.id}', '/start', {}),
    'complete': (confirmed, lambda w: f'/maintenance/{w.id}', '/complete', {}),
    'cancel': (confirmed, lambda w: f'/maintenance/{w.id}', '/cancel',
               {'textarea[name=reason], input[name=reason]': 'chuva forte'}),
    'remind': (confirmed, lambda w: f'/maintenance/{w.id}', '/remind', {}),
    'resend': (confirmed, lambda w: f'/messages/{_first_message(w).id}', '/resend', {}),
    'revoke': (confirmed, lambda w: f'/maintenance/{w.id}', '/link/revoke', {}),
    'new link': (confirmed, lambda w: f'/maintenance/{w.id}', '/link/new', {}),
    'move': (_reschedule, lambda r: f'/reschedules/{r.id}', '/move', {}),
    'split': (_reschedule, lambda r: f'/reschedules/{r.id}', '/split', {}),
    'decline': (_reschedule, lambda r: f'/reschedules/{r.id}', '/decline',
                {'textarea[name=reason]': 'Equipe alocada'}),
}


@pytest.mark.parametrize('action', list(ACTIONS))
def test_one_click_queues_nothing(live_server, page, action):
    setup, where, ending, typed = ACTIONS[action]
    live_server.db(build_network)
    subject = live_server.db(setup)
    url = live_server.db(lambda: where(subject))
    username, password = live_server.create_user('engineer', 'eng', 'en')
    log_in(page, live_server, username, password)
    before = live_server.db(_footprint)            # (the login is audited too)
    page.goto(live_server.url + url)
    form = page.locator(f'form[method=post][action$="{ending}"]').first
    # A collapsed section (<details>) is opened as a person would before clicking.
    form.evaluate('f => { for (let d = f.closest("details"); d; '
                  'd = d.parentElement && d.parentElement.closest("details")) d.open = true; }')
    for selector, value in typed.items():
        form.locator(selector).first.fill(value)
    form.locator('button[type=submit]').first.click()
    expect(page.locator('h1')).to_have_text('Are you sure?')
    expect(page.locator('form input[name=confirmed][value="1"]')).to_have_count(1)
    expect(page.locator('#confirm-audience')).to_be_visible()
    assert live_server.db(_footprint) == before
