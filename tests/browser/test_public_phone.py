"""The customer page on a phone (360 px), in Chromium (issue 17): Acknowledge
and "ask for another date" come before the circuit list, a refused request's
error is on the screen the page opens on, and the page has a skip link and a
favicon like the console's."""
import datetime

import pytest

from noc.maintenance import links
from noc.models import MaintenanceWindow, WindowCustomer, WindowStatus

pytestmark = pytest.mark.browser

PHONE = {'width': 360, 'height': 740}


def biggest_customer_page(demo_site):
    """The customer page, in English, of the customer with the most circuits in the
    demo's confirmed window that has not acknowledged it yet."""
    def find():
        window = (MaintenanceWindow.select()
                  .where(MaintenanceWindow.status == WindowStatus.CONFIRMED,
                         ~MaintenanceWindow.emergency)
                  .order_by(MaintenanceWindow.id).first())
        rows = [row for row in WindowCustomer.select().where(WindowCustomer.window == window)
                if row.acknowledged_at is None and not row.link_revoked_at]
        row = max(rows, key=lambda r: r.customer.circuits.count())
        token = links.token(row, demo_site.server.app.config['SECRET_KEY'])
        return f'{demo_site.server.url}/c/{token}?lang=en', window
    return demo_site.server.db(find)


@pytest.fixture
def phone(demo_site):
    context = demo_site.chromium.new_context(viewport=PHONE, locale='en-US')
    try:
        yield context.new_page()
    finally:
        context.close()


def top(page, selector):
    return page.locator(selector).first.bounding_box()['y']


def test_the_actions_come_before_the_circuits(demo_site, phone):
    url, _ = biggest_customer_page(demo_site)
    phone.goto(url)
    assert phone.locator('li.circuit').count() > 1
    first_circuit = top(phone, 'li.circuit')
    assert top(phone, '#acknowledgement button[type=submit]') < first_circuit
    assert top(phone, '#ask form') < first_circuit
    assert top(phone, '#ask button[type=submit]') < first_circuit
    assert phone.evaluate('document.documentElement.scrollWidth') <= PHONE['width']


def test_a_refused_request_shows_its_error_on_the_screen_it_opens(demo_site, phone):
    url, window = biggest_customer_page(demo_site)
    phone.goto(url)
    start = window.starts_at + datetime.timedelta(days=7)
    phone.fill('#start1', start.strftime('%Y-%m-%dT%H:%M'))
    phone.fill('#end1', (start - datetime.timedelta(hours=2)).strftime('%Y-%m-%dT%H:%M'))
    phone.fill('#reason', 'Our team is at another site that night.')
    with phone.expect_navigation():
        phone.locator('#ask button[type=submit]').click()
    alert = phone.locator('#ask-refused')
    assert alert.get_attribute('role') == 'alert'
    errors = phone.locator('#ask .field-error')
    assert errors.count() >= 1
    for element in (alert, errors.first):
        box = element.bounding_box()
        assert 0 <= box['y'] and box['y'] + box['height'] <= PHONE['height'], box
    # What was typed is kept, so the person corrects it rather than starting again.
    assert phone.input_value('#reason') == 'Our team is at another site that night.'
    assert phone.evaluate('document.documentElement.scrollWidth') <= PHONE['width']


def test_skip_link_and_favicon(demo_site, phone):
    url, _ = biggest_customer_page(demo_site)
    phone.goto(url)
    phone.keyboard.press('Tab')
    skip = phone.locator('a.skip-link')
    assert skip.evaluate('a => a === document.activeElement')
    assert skip.get_attribute('href') == '#content'
    assert phone.locator('main#content').count() == 1
    assert skip.bounding_box()['y'] >= 0                     # shown when it has the focus
    icon = phone.locator('link[rel=icon]').get_attribute('href')
    assert phone.request.get(demo_site.server.url + icon).status == 200
