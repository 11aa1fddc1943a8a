"""A NOC engineer in Chromium: pastes a prefix list with a bad line, fixes it,
reads the verdicts with their reasons, approves the one that needs attention,
marks it configured and downloads the router prefix-list."""
import helpers.routing_fixtures as flow
import pytest
from conftest import make_app
from helpers.menu import menu_link
from helpers.routing_fixtures import build_isps, write_rpsl, write_vrps
from playwright.sync_api import expect

from noc.core.db import database, init_db
from noc.routing.irr import store as irr_store

from .conftest import LiveServer
from .test_maintenance_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def lab_server(tmp_path):
    app = make_app('sqlite:///' + str(tmp_path / 'janela.db'), prefixes={'lab': True})
    server = LiveServer(app)
    server.db(lambda: init_db(database.obj))

    def world():
        build_isps()
        flow.load_vrps('lab', write_vrps(tmp_path / 'vrps.json'))
        irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
    server.db(world)
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.thread.join(timeout=10)


def test_engineer_requests_checks_approves_and_downloads_the_filter(lab_server, page):
    username, password = lab_server.create_user('engineer', 'eng', 'en')
    log_in(page, lab_server, username, password)
    menu_link(page, 'Prefixes').click()
    page.get_by_role('link', name='New prefix request').click()
    page.select_option('#f-customer', label='Acme Provedor (ACME-1)')
    # The sessions' list follows the customer (static/picker.js refills it).
    expect(page.locator('#f-circuit')).to_have_attribute('aria-busy', 'false')
    page.locator('#f-circuit').select_option(index=1)
    page.fill('#f-prefixes', '192.0.2.0/24\n192.0.2.1/24\n3fff:100::/48')
    page.get_by_role('button', name='Submit the request').click()
    # The bad line is reported with its number; the text is kept to fix it.
    bad = page.locator('table', has_text='192.0.2.1/24')
    assert '2' in bad.inner_text() and 'host bits' in bad.inner_text().lower()
    assert '3fff:100::/48' in page.input_value('#f-prefixes')
    page.fill('#f-prefixes', '192.0.2.0/24\n3fff:100::/48')
    page.get_by_role('button', name='Submit the request').click()
    page.wait_for_url(lab_server.url + '/prefixes/requests/*')
    text = page.locator('main').inner_text()
    assert 'RPKI valid' in text and 'needs attention' in text
    # Approve the one that only the IRR supports, then mark both configured.
    page.get_by_label('3fff:100::/48').check()
    page.get_by_role('button', name='Approve').click()
    page.wait_for_load_state()
    page.get_by_label('192.0.2.0/24').check()
    page.get_by_label('3fff:100::/48').check()
    page.get_by_role('button', name='Mark configured').click()
    page.wait_for_load_state()
    assert page.locator('main').inner_text().count('configured') >= 2
    page.get_by_role('link', name='Prefix-lists of the customer').click()
    page.select_option('select[name=format]', 'juniper')
    with page.expect_download() as download:
        page.get_by_role('button', name='Download').click()
    content = open(download.value.path()).read()
    assert '192.0.2.0/24;' in content and '3fff:100::/48;' in content
