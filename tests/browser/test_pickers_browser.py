"""The pickers in headless Chromium: an engineer finds circuits by typing into the
window's scope (keyboard and mouse), a prefix request's sessions follow the chosen
customer, and with JavaScript off the same forms still check and save."""
import pytest
from conftest import PASSWORD
from playwright.sync_api import expect
from test_maintenance_web import at, build_network

from browser.test_maintenance_browser import TIMEOUT_MS, log_in
from noc.models import MaintenanceWindow

pytestmark = pytest.mark.browser


def _when(page):
    page.fill('#f-title_pt', 'Troca de placa')
    page.fill('#f-starts_at', at(12, '01:00'))
    page.fill('#f-ends_at', at(12, '03:00'))


def _engineer_at(live_server, page, path):
    """The small network of the maintenance tests, an engineer logged in at `path`."""
    username, password = live_server.create_user('engineer', 'eng', 'en')
    live_server.db(build_network)
    log_in(page, live_server, username, password)
    page.goto(live_server.url + path)


def _options(page):
    return page.locator('.picker-list [role="option"]')


def test_type_and_pick_circuits_into_the_window_scope(live_server, page):
    _engineer_at(live_server, page, '/maintenance/new')
    _when(page)
    scope = page.locator('#f-circuits')
    scope.fill('JAN-IPT-004 DEGRADED')
    box = page.get_by_role('combobox', name='Search circuits to add: id, customer, site or city')
    expect(box).to_have_attribute('aria-expanded', 'false')

    box.press_sequentially('jan-ipt-00')
    expect(_options(page)).to_have_count(4)
    expect(box).to_have_attribute('aria-expanded', 'true')
    listbox = page.locator('#' + box.get_attribute('aria-controls'))
    expect(listbox).to_have_attribute('role', 'listbox')
    box.press('ArrowDown')
    box.press('ArrowDown')
    second = _options(page).nth(1)
    expect(second).to_have_attribute('aria-selected', 'true')
    expect(box).to_have_attribute('aria-activedescendant', second.get_attribute('id'))
    box.press('Enter')
    # Appended on its own line; the impact typed on another line stays.
    expect(scope).to_have_value('JAN-IPT-004 DEGRADED\nJAN-IPT-002')
    expect(box).to_have_attribute('aria-expanded', 'false')
    expect(box).to_have_value('')

    box.press_sequentially('globex')        # a customer's name finds its circuit
    _options(page).filter(has_text='JAN-IPT-003').click()
    expect(scope).to_have_value('JAN-IPT-004 DEGRADED\nJAN-IPT-002\nJAN-IPT-003')

    box.press_sequentially('JAN-IPT-004')   # already there: not added twice
    expect(_options(page)).to_have_count(1)
    box.press('ArrowDown')
    box.press('Enter')
    expect(scope).to_have_value('JAN-IPT-004 DEGRADED\nJAN-IPT-002\nJAN-IPT-003')

    box.press_sequentially('jan')
    expect(box).to_have_attribute('aria-expanded', 'true')
    box.press('Escape')
    expect(box).to_have_attribute('aria-expanded', 'false')
    expect(page.locator('.picker-list').first).to_be_hidden()

    page.get_by_role('button', name='Check', exact=True).click()
    preview = page.locator('section.preview')
    expect(preview).to_be_visible()
    for customer in ('Acme Provedor', 'Globex Corp', 'Initech'):
        expect(preview.locator('tr.customer', has_text=customer)).to_have_count(1)


def test_prefix_request_sessions_follow_the_chosen_customer(live_server, page):
    _engineer_at(live_server, page, '/prefixes/new')
    sessions = page.locator('#f-circuit option:not([value=""])')
    expect(sessions).to_have_count(4)
    box = page.get_by_role('combobox', name='Search customers: name or account id')
    box.press_sequentially('glob')
    expect(_options(page)).to_have_count(1)
    box.press('ArrowDown')
    box.press('Enter')
    expect(page.locator('#f-customer option:checked')).to_have_text('Globex Corp (GLOBEX-7)')
    expect(sessions).to_have_count(1)
    expect(sessions).to_contain_text('JAN-IPT-003')


def test_without_javascript_the_window_form_checks_and_saves(live_server, chromium):
    username, _ = live_server.create_user('engineer', 'eng', 'en')
    live_server.db(build_network)
    context = chromium.new_context(java_script_enabled=False, locale='en-US')
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        log_in(page, live_server, username, PASSWORD)
        page.goto(live_server.url + '/maintenance/new?circuits=JAN-IPT-003')
        expect(page.locator('[role="combobox"]')).to_have_count(0)     # nothing enhanced
        expect(page.locator('#f-circuits')).to_have_value('JAN-IPT-003')
        _when(page)
        page.get_by_role('button', name='Check', exact=True).click()
        preview = page.locator('section.preview')
        expect(preview.locator('tr.customer', has_text='Globex Corp')).to_have_count(1)
        page.get_by_role('button', name='Save', exact=True).click()
        expect(page.locator('.flash')).to_contain_text('created as TENTATIVE')
    finally:
        context.close()
    windows = live_server.db(lambda: [w.title_pt for w in MaintenanceWindow.select()])
    assert windows == ['Troca de placa']


def test_a_plain_input_is_its_own_combobox(live_server, page):
    """As on the lists' filters: the field itself searches, and a pick replaces its value."""
    _engineer_at(live_server, page, '/inventory/segments/new')
    parent = page.locator('#f-parent')
    expect(parent).to_have_attribute('role', 'combobox')
    parent.press_sequentially('ring')
    expect(_options(page)).to_have_count(1)
    parent.press('ArrowDown')
    parent.press('Enter')
    expect(parent).to_have_value('RING-BH')
    expect(parent).to_have_attribute('aria-expanded', 'false')
