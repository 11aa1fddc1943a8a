"""Issue 17: nothing that mails customers happens on one click.

Every action that queues mail (confirm, start, complete, cancel, resend,
remind, revoke/reissue a customer's link, and a reschedule's move, split or
decline) answers a POST without confirmed=1 with a confirmation page that
says how many customers and contacts will be mailed, and queues nothing; the
confirmed POST acts, and queues as many as the page said.
"""
import datetime
import html

import pytest
from conftest import db
from helpers.maintenance_fixtures import build_network, confirmed, create
from helpers.maintenance_fixtures import settings as area_settings

from noc.core import i18n
from noc.maintenance import reschedule_commands
from noc.models import (
    AuditLog,
    Customer,
    MaintenanceWindow,
    OutboxMessage,
    RescheduleRequest,
    User,
)

pytestmark = pytest.mark.usefixtures('quick_password_hash')
H = datetime.timedelta(hours=1)


@pytest.fixture
def engineer(app, as_role):
    with db(app):
        build_network()
    return as_role('engineer')


def queued(app):
    """[(customer id, recipient)] of every outbox row, in order."""
    with db(app):
        return list(OutboxMessage.select(OutboxMessage.customer, OutboxMessage.recipient)
                    .order_by(OutboxMessage.id).tuples())


def text(response):
    return html.unescape(response.get_data(as_text=True))


def asks(response, customers, contacts, url):
    """The confirmation page: its counts, and a form posting confirmed=1 back to `url`."""
    page = text(response)
    assert response.status_code == 200 and 'Are you sure?' in page, page[:2000]
    assert 'name="confirmed" value="1"' in page and 'name="csrf_token"' in page
    assert f'action="{url}"' in page
    if contacts:
        # Each count with its own plural: '1 contact of 1 customer', '3 contacts of 2 customers'.
        people = (f'{contacts} contact{"s" * (contacts != 1)} of '
                  f'{customers} customer{"s" * (customers != 1)}')
        assert f'{people} will be mailed.' in page
    else:
        assert 'No customer will be mailed.' in page
    return page


def counts(rows):
    return len({customer for customer, _ in rows}), len(rows)


def check(app, browser, url, data, page_url, acted):
    """One unconfirmed POST queues nothing and asks; the confirmed one queues what
    the page announced. `acted()` says whether the action happened."""
    before = queued(app)
    response = browser.post_form(url, dict(data), page_url=page_url)
    assert queued(app) == before and not acted()
    page = text(response)
    with_confirmed = browser.post_form(url, {**data, 'confirmed': '1'}, page_url=page_url)
    assert with_confirmed.status_code == 302, text(with_confirmed)[:2000]
    assert acted()
    new = queued(app)[len(before):]
    customers, contacts = counts(new)
    asks(response, customers, contacts, url)
    return page, new


def status(app, window_id):
    with db(app):
        return MaintenanceWindow.get_by_id(window_id).status


@pytest.mark.dates
def test_the_lifecycle_actions_ask_first(app, engineer):
    with db(app):
        draft = create().id
    url = f'/maintenance/{draft}'
    _, new = check(app, engineer, f'{url}/confirm', {}, url,
                   lambda: status(app, draft) == 'CONFIRMED')
    assert new                                  # the window's customers were told
    # Days ahead: the confirmation of a start holds the time guard and its reason.
    page, new = check(app, engineer, f'{url}/start', {'override_reason': 'crew early'}, url,
                      lambda: status(app, draft) == 'IN-PROCESS')
    assert 'name="override_reason"' in page and 'it can be started at most' in page
    page, new = check(app, engineer, f'{url}/complete', {'override_reason': 'done early'}, url,
                      lambda: status(app, draft) == 'COMPLETED')
    assert 'cannot be completed before it starts' in page and len(new) == 3
    with db(app):
        entry = AuditLog.select().where(AuditLog.entity_id == draft).order_by(
            AuditLog.id.desc()).get()
    assert entry.action == 'complete' and 'done early' in entry.after_json


@pytest.mark.dates
def test_a_confirmed_start_without_the_reason_asks_again_and_acts_on_nothing(app, engineer):
    with db(app):
        window_id = confirmed().id
    url = f'/maintenance/{window_id}'
    before = queued(app)
    again = engineer.post_form(f'{url}/start', {'confirmed': '1'}, page_url=url)
    page = asks(again, 2, 3, f'{url}/start')
    with db(app):
        window = MaintenanceWindow.get_by_id(window_id)
        zone = User.get(User.username == "engineer").time_zone
    # The start in the one time format, in the reader's zone (not UTC).
    assert i18n.time_text(window.starts_at, zone) in page and 'role="alert"' in page
    assert queued(app) == before and status(app, window_id) == 'CONFIRMED'


@pytest.mark.dates
def test_cancelling_asks_first_and_keeps_the_reason(app, engineer):
    with db(app):
        window_id = confirmed().id
    url = f'/maintenance/{window_id}'
    page, new = check(app, engineer, f'{url}/cancel', {'reason': 'chuva forte'}, url,
                      lambda: status(app, window_id) == 'CANCELLED')
    assert 'name="reason" value="chuva forte"' in page and len(new) == 3


@pytest.mark.dates
def test_remind_resend_and_links_ask_first(app, engineer):
    with db(app):
        window = confirmed()
        first = OutboxMessage.select().where(OutboxMessage.window == window.id).order_by(
            OutboxMessage.id).first()
        acme = first.customer_id
    url = f'/maintenance/{window.id}'
    _, new = check(app, engineer, f'{url}/remind', {}, url, lambda: len(queued(app)) > 3)
    assert len(new) == 3
    # A queued message goes again in place: one contact of one customer.
    resend, before = f'/messages/{first.id}/resend', queued(app)
    asks(engineer.post_form(resend, {}, page_url=f'/messages/{first.id}'), 1, 1, resend)
    assert not _requeued(app, first.id)
    assert engineer.post_form(resend, {'confirmed': '1'},
                              page_url=f'/messages/{first.id}').status_code == 302
    assert _requeued(app, first.id) and queued(app) == before
    for action in ('revoke', 'new'):
        link = f'{url}/customers/{acme}/link/{action}'
        before = _audits(app)
        response = engineer.post_form(link, {}, page_url=url)
        asks(response, 0, 0, link)
        assert _audits(app) == before
        assert engineer.post_form(link, {'confirmed': '1'}, page_url=url).status_code == 302
        assert _audits(app) == before + 1


def _requeued(app, message_id):
    with db(app):
        return AuditLog.select().where((AuditLog.action == 'resend')
                                       & (AuditLog.entity_id == message_id)).exists()


def _audits(app):
    with db(app):
        return AuditLog.select().count()


@pytest.fixture
def reschedule(app):
    def make():
        with db(app):
            window = confirmed()
            start = window.starts_at + 20 * 24 * H
            customer = Customer.get(Customer.name.contains('Globex')).id
            return reschedule_commands.ask(window.id, customer,
                                           [(start, start + 3 * H),
                                            (start + 24 * H, start + 27 * H)],
                                           'Congelamento', 'page', settings=area_settings())
    return make


def state(app, request_id):
    with db(app):
        return RescheduleRequest.get_by_id(request_id).state


@pytest.mark.dates
@pytest.mark.parametrize('action', ['move', 'split', 'decline'])
def test_reschedule_decisions_ask_first(app, engineer, reschedule, action):
    request = reschedule()
    with db(app):
        proposal = RescheduleRequest.get_by_id(request.id).proposals[0].id
    url = f'/reschedules/{request.id}'
    data = {'reason': 'Equipe alocada'} if action == 'decline' else {'proposal': proposal}
    done = {'move': 'moved', 'split': 'split', 'decline': 'declined'}[action]
    if action != 'split':
        _, new = check(app, engineer, f'{url}/{action}', data, url,
                       lambda: state(app, request.id) == done)
        assert new
        return
    # A split tells the window's customers in more than one notice each: the page
    # counts the customers and contacts of the window, and nothing goes before.
    before = queued(app)
    response = engineer.post_form(f'{url}/split', data, page_url=url)
    asks(response, 2, 3, f'{url}/split')
    assert queued(app) == before and state(app, request.id) == 'open'
    assert engineer.post_form(f'{url}/split', {**data, 'confirmed': '1'},
                              page_url=url).status_code == 302
    assert state(app, request.id) == 'split'
