"""The NOC pages render under their Content-Security-Policy in headless Chromium
with no violation reported, and an injected inline script is refused."""
import pytest
from helpers import maintenance_fixtures as mf

from browser.test_maintenance_browser import log_in

pytestmark = pytest.mark.browser


def test_noc_pages_report_no_csp_violation(live_server, page):
    username, password = live_server.create_user('admin', 'adm', 'en')

    def window():
        mf.build_network()
        return mf.create().id
    window_id = live_server.db(window)
    messages = []
    page.on('console', lambda message: messages.append(message.text))
    log_in(page, live_server, username, password)
    for path in ('/', '/maintenance', f'/maintenance/{window_id}', '/maintenance/calendar',
                 '/inventory/circuits/', '/inbox/', '/messages', '/prefixes/', '/routing/',
                 '/admin/users/', '/admin/audit/'):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert response.headers['content-security-policy'].startswith("default-src 'self'")
        # The style sheet applied: the header bar is not unstyled.
        assert page.evaluate("getComputedStyle(document.querySelector('header.top'))"
                             ".display") != 'inline', path
    violations = [text for text in messages if 'Content Security Policy' in text]
    assert violations == []
    # The check sees a violation when there is one.
    with pytest.raises(Exception):       # noqa: B017 (Playwright raises its own Error)
        page.add_script_tag(content='window.injected = 1')
    assert page.evaluate('window.injected') is None
    assert any('Content Security Policy' in text for text in messages)
