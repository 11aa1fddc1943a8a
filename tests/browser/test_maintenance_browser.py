"""An engineer plans a window over a ring in headless Chromium: the preview warns that
both legs of a redundant pair go down, the warning is acknowledged, the window is
saved and confirmed, and its page lists the notices queued for each contact."""
import os
import re

import pytest
from helpers.menu import menu_link
from playwright.sync_api import expect
from test_maintenance_web import at, build_network

from noc.models import MaintenanceWindow, OutboxMessage

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000  # as the browser context in conftest.py
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         'artifacts')

expect.set_options(timeout=TIMEOUT_MS)


def log_in(page, server, username, password):
    page.goto(server.url + '/login')
    page.fill('#username', username)
    page.fill('#password', password)
    page.get_by_role('button', name='Log in', exact=True).click()
    page.wait_for_url(server.url + '/')


def test_plan_acknowledge_save_confirm_and_see_the_notices(live_server, page):
    username, password = live_server.create_user('engineer', 'eng', 'en')
    live_server.db(build_network)
    log_in(page, live_server, username, password)

    menu_link(page, 'Windows').click()
    page.wait_for_url(live_server.url + '/maintenance')
    page.get_by_role('link', name='New window', exact=True).click()
    page.wait_for_url(live_server.url + '/maintenance/new')
    expect(page.locator('.with-zone .zone').first).to_have_text('America/Sao_Paulo')

    page.fill('#f-title_pt', 'Reemenda do anel BH')
    page.fill('#f-title_en', 'BH ring re-splice')
    page.fill('#f-starts_at', at(12, '23:30'))
    page.fill('#f-ends_at', at(13, '03:00'))
    page.fill('#f-outage_minutes', '45')
    page.select_option('#f-impact', 'OUTAGE')
    page.fill('#f-internal_notes', 'Equipe de emenda 3')
    page.fill('#f-segments', 'RING-BH')
    page.get_by_role('button', name='Check', exact=True).click()

    preview = page.locator('section.preview')
    expect(preview).to_be_visible()
    warning = preview.locator('li.finding.warning')
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text('both legs of redundancy group RG-ACME-1')
    acme = preview.locator('tr.customer', has_text='Acme Provedor')
    expect(acme).to_contain_text('Ana Souza')
    expect(acme.locator('li', has_text='Ana Souza').locator('.tag')).to_have_text('invitation')
    expect(acme.locator('li', has_text='Bruno Lopes').locator('.tag')).to_have_text(
        'plain notice')
    expect(preview.locator('tr.customer', has_text='Initech')).to_contain_text(
        'nobody will be told')
    # The typed values are still in the form.
    expect(page.locator('#f-starts_at')).to_have_value(at(12, '23:30'))
    expect(page.locator('#f-segments')).to_have_value('RING-BH')

    # Saving without the tick is refused, and nothing is stored.
    page.get_by_role('button', name='Save', exact=True).click()
    expect(page.locator('section.preview li.finding.warning')).to_have_count(1)
    assert live_server.db(lambda: MaintenanceWindow.select().count()) == 0

    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, 'maintenance-preview.png'), full_page=True)
    tick = page.locator('section.preview li.finding.warning input[name="ack"]')
    tick.check()
    # Enter in a field checks again (the tick kept); it does not save.
    page.fill('#f-outage_minutes', '40')
    with page.expect_navigation():
        page.locator('#f-outage_minutes').press('Enter')
    expect(page.locator('#f-outage_minutes')).to_have_value('40')
    expect(tick).to_be_checked()
    assert live_server.db(lambda: MaintenanceWindow.select().count()) == 0
    page.get_by_role('button', name='Save', exact=True).click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r'/maintenance/\d+$'))
    expect(page.locator('.flash.info')).to_contain_text('created as TENTATIVE')
    expect(page.locator('h1')).to_contain_text('Tentative')
    expect(page.locator('#notices tr.message')).to_have_count(0)

    # The acknowledgement given when saving carries over to the confirmation.
    confirm = page.locator('#confirm')
    expect(confirm.locator('input[name="ack"]')).to_be_checked()
    confirm.get_by_role('button', name='Confirm', exact=True).click()
    # Issue 17: first the confirmation page, who will be mailed; nothing queued yet.
    expect(page.locator('#confirm-audience')).to_have_text(
        '3 contacts of 2 customers will be mailed.')
    assert live_server.db(lambda: OutboxMessage.select().count()) == 0
    page.get_by_role('button', name='Yes, do it', exact=True).click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r'/maintenance/\d+$'))
    expect(page.locator('.flash.info')).to_contain_text('3 notices queued')
    expect(page.locator('h1')).to_contain_text('Confirmed')

    rows = page.locator('#notices tr.message')
    expect(rows).to_have_count(3)
    for recipient, method in (('ana@acme.example.com', 'REQUEST'),
                              ('noc@acme.example.com', 'plain notice'),
                              ('carla@globex.example.com', 'REQUEST')):
        row = page.locator(f'#notices tr.message[data-recipient="{recipient}"]')
        expect(row).to_contain_text('new')
        expect(row).to_contain_text('queued')
        expect(row.locator('td').nth(2)).to_have_text(method)
    page.screenshot(path=os.path.join(ARTIFACTS, 'maintenance-window.png'), full_page=True)

    def stored():
        window = MaintenanceWindow.get()
        return (window.status, window.title_en, window.internal_notes, window.outage_minutes,
                OutboxMessage.select().where(OutboxMessage.window == window).count())
    assert live_server.db(stored) == ('CONFIRMED', 'BH ring re-splice', 'Equipe de emenda 3',
                                      40, 3)

    # The calendar shows it on its local day.
    menu_link(page, 'Calendar').click()
    page.goto(f'{live_server.url}/maintenance/calendar?view=week&date={at(12, "")[:10]}')
    day = page.locator(f'td[data-date="{at(12, "")[:10]}"]')
    expect(day.locator('li.entry')).to_have_count(1)
    expect(day.locator('li.entry .time')).to_have_text('23:30–…')


def test_one_click_on_complete_mails_nobody(live_server, page):
    """Issue 17: a window days ahead, one click on "Complete the work": a
    confirmation page with the time guard, and nothing queued."""
    from helpers.maintenance_fixtures import confirmed
    live_server.db(build_network)
    window = live_server.db(confirmed)
    queued = live_server.db(lambda: OutboxMessage.select().count())
    username, password = live_server.create_user('engineer', 'eng', 'en')
    log_in(page, live_server, username, password)
    page.goto(f'{live_server.url}/maintenance/{window.id}')
    page.get_by_role('button', name='Complete the work', exact=True).click()
    expect(page.locator('h1')).to_have_text('Are you sure?')
    expect(page.locator('#confirm-audience')).to_have_text(
        '3 contacts of 2 customers will be mailed.')
    expect(page.locator('#confirm-guard')).to_contain_text('cannot be completed before')
    assert live_server.db(lambda: OutboxMessage.select().count()) == queued
    assert live_server.db(lambda: MaintenanceWindow.get_by_id(window.id).status) == \
        'CONFIRMED'
