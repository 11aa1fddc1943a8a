"""The window page of the demo's biggest window, as an engineer reads it in
Chromium: short at 1366 px (circuits folded by customer), the summary and the
actions before any section, and no sideways scroll at any width."""
import datetime

import peewee as pw
import pytest

from noc.models import RescheduleRequest, WindowCircuit

pytestmark = pytest.mark.browser

# The demo's biggest window (102 circuits of 26 customers) was 9,837 px tall at
# 1366 px with every circuit, notice and answer shown (issue 17 measured 9,400).
MAX_HEIGHT_1366 = 4000
# Every test starts its clock at the same instant (tests/helpers/clock.py), so a
# session cookie the demo site signed during an earlier test reads as signed in
# the future and is refused; moving on past it keeps the login.
PAST_EARLIER_LOGINS = datetime.timedelta(hours=2)


def open_page(demo_site, clock, language, width, path):
    """(context, page) at `path`, logged in; the caller closes the context."""
    context = demo_site.context(language, width)
    if clock.now() < clock.start + PAST_EARLIER_LOGINS:
        clock.move_to(clock.start + PAST_EARLIER_LOGINS)
    page = context.new_page()
    page.goto(demo_site.server.url + path)
    assert '/login' not in page.url
    return context, page


def biggest_window(demo_site):
    """(id, circuit count) of the demo window holding the most circuits."""
    count = pw.fn.COUNT(WindowCircuit.circuit)
    return demo_site.server.db(lambda: (
        WindowCircuit.select(WindowCircuit.window, count).group_by(WindowCircuit.window)
        .order_by(count.desc()).tuples().first()))


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_biggest_window_page_is_short_at_1366(demo_site, clock, language):
    window_id, circuits = biggest_window(demo_site)
    assert circuits > 100                       # the case the height is about
    context, page = open_page(demo_site, clock, language, 1366, f'/maintenance/{window_id}')
    try:
        height = page.evaluate('document.documentElement.scrollHeight')
        print(f'window {window_id} ({circuits} circuits), {language}, 1366 px: {height} px')
        assert height < MAX_HEIGHT_1366
        # Circuits are folded per customer, and each id links to its circuit.
        folds = page.locator('#circuits details')
        assert folds.count() > 10 and page.locator('#circuits details[open]').count() == 0
        folds.first.locator('summary').click()
        link = folds.first.locator('a.circuit').first
        assert link.is_visible()
        assert '/inventory/circuits/' in link.get_attribute('href')
    finally:
        context.close()


def test_summary_and_actions_come_before_the_sections(demo_site, clock):
    window_id, _ = biggest_window(demo_site)
    context, page = open_page(demo_site, clock, 'en', 1366, f'/maintenance/{window_id}')
    try:
        top = {name: page.locator(selector).first.bounding_box()['y'] for name, selector in {
            'summary': '#summary', 'actions': '#actions', 'request': '#open-requests',
            'contents': 'nav.toc', 'circuits': '#circuits', 'cancel': '#actions .danger'}.items()}
        assert top['summary'] < top['actions'] < top['request'] < top['contents'] \
            < top['circuits']
        # The red button is with the other actions, not below the circuits.
        assert top['cancel'] < top['contents']
        assert page.locator('#summary').inner_text().count('102 circuits') == 1
    finally:
        context.close()


@pytest.mark.parametrize('width', [360, 768, 1366])
@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_window_request_and_calendar_pages_do_not_scroll_sideways(demo_site, clock, language,
                                                                   width):
    window_id, _ = biggest_window(demo_site)
    request_id = demo_site.server.db(lambda: RescheduleRequest.select().first().id)
    for path in (f'/maintenance/{window_id}', f'/reschedules/{request_id}',
                 '/maintenance/calendar', '/maintenance/calendar?view=week'):
        context, page = open_page(demo_site, clock, language, width, path)
        try:
            for details in page.locator('details').all():      # the widest content shown
                details.evaluate('d => d.open = true')
            assert page.evaluate('document.documentElement.scrollWidth') <= width, path
        finally:
            context.close()
