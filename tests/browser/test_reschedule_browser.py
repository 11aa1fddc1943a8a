"""End to end: a notice goes out through the real SMTP server, the customer's
Outlook "propose new time" (iTIP COUNTER) comes back through the real IMAP
server, the engineer moves the window to it in Chromium, and the updated
invitation (SEQUENCE+1, the new times) reaches the SMTP server."""
import datetime
import email

import icalendar
import pytest
from conftest import make_app
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.menu import menu_link
from playwright.sync_api import expect

from browser.conftest import LiveServer
from browser.test_maintenance_browser import log_in
from noc.core.db import database, init_db
from noc.models import RescheduleRequest
from noc.worker import Worker

pytestmark = pytest.mark.browser


@pytest.fixture
def mail_server(tmp_path, smtp_server, imap_server):
    app = make_app('sqlite:///' + str(tmp_path / 'janela.db'),
                   mail={'backend': 'smtp', 'server': smtp_server.host,
                         'port': smtp_server.port, 'timeout_seconds': 5},
                   inbound={'imap_host': imap_server.host, 'imap_port': imap_server.port,
                            'imap_security': 'none', 'imap_username': imap_server.username,
                            'imap_password': imap_server.password})
    server = LiveServer(app)
    server.db(lambda: init_db(database.obj))
    server.thread.start()
    yield server
    server.server.shutdown()
    server.thread.join(timeout=10)
    server.server.server_close()


def invitation_to(smtp_server, address):
    [message] = [m for m in smtp_server.messages if address in m.rcpt_tos]
    parsed = email.message_from_bytes(message.raw)
    part = next(p for p in parsed.walk() if p.get_content_type() == 'text/calendar')
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return part, calendar, calendar.walk('VEVENT')[0]


def test_counter_by_imap_accepted_in_the_browser_updates_everyone(mail_server, smtp_server,
                                                                  imap_server, page):
    app = mail_server.app
    username, password = mail_server.create_user('engineer', 'eng', 'en')
    net = mail_server.db(build_network)
    window = mail_server.db(lambda: confirmed(segments='', circuits='JAN-IPT-003'))  # Globex
    carla = net['contacts']['carla']

    # 1. The notice goes out through SMTP.
    smtp_server.clear()
    assert Worker(app, 'e2e').run_once().get('sent') == 1
    _, calendar, event = invitation_to(smtp_server, carla.email)
    assert str(calendar['method']) == 'REQUEST'
    sequence = int(event['sequence'])

    # 2. Carla proposes a new time from Outlook; the COUNTER lands in the mailbox.
    start = event.decoded('dtstart') + datetime.timedelta(days=4)
    imap_server.append(mail.outlook_counter(
        uid=str(event['uid']), sequence=sequence, attendee=carla.email,
        attendee_name=carla.name, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
        original_starts_at=event.decoded('dtstart'), original_ends_at=event.decoded('dtend'),
        comment='Our change freeze that week', summary=str(event['summary'])))
    done = Worker(app, 'e2e').run_once()
    assert done.get('mail_new') == 1
    assert imap_server.messages('INBOX') == []
    request = mail_server.db(lambda: RescheduleRequest.get())
    assert request.via == 'calendar'

    # 3. The engineer sees it in the queue and moves the window in Chromium.
    log_in(page, mail_server, username, password)
    menu_link(page, 'Reschedule requests').click()
    row = page.locator(f'tr[data-request="{request.id}"]')
    expect(row).to_contain_text(window.reference)
    expect(row).to_contain_text('Globex')
    row.get_by_role('link', name=f'#{request.id}').click()
    expect(page.locator('dd.pre')).to_contain_text('Our change freeze that week')
    move = page.locator('article.proposal .option.move')
    expect(move.locator('li.finding.error')).to_have_count(0)
    for tick in move.locator('input[name="ack"]').all():
        tick.check()
    move.get_by_role('button', name='Move the window here').click()
    page.get_by_role('button', name='Yes, do it', exact=True).click()   # issue 17
    expect(page.locator('h1 .badge')).to_have_text('window moved')

    # 4. The update reaches the SMTP server: REQUEST, SEQUENCE+1, the new times.
    smtp_server.clear()
    assert Worker(app, 'e2e').run_once().get('sent') == 1
    part, calendar, event = invitation_to(smtp_server, carla.email)
    assert part.get_param('method') == 'REQUEST' == str(calendar['method'])
    assert int(event['sequence']) == sequence + 1
    assert event.decoded('dtstart') == start
    assert event.decoded('dtend') == start + datetime.timedelta(hours=3)
