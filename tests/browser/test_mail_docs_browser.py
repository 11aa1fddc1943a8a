"""In Chromium: a received message's HTML part shows in its frame with no script run
and nothing loaded from elsewhere; the API docs page draws Swagger UI from this site
alone, under the app's policy, with no violation."""
from email.message import EmailMessage

import pytest

from browser.test_maintenance_browser import log_in
from noc.inbound import receive as inbound

pytestmark = pytest.mark.browser

HOSTILE = ('<p id="said" style="color: #b42318">Olá</p><img src="https://tracker.example/p.gif">'
           '<script>document.getElementById("said").textContent = "SCRIPT RAN"</script>')


def _received():
    message = EmailMessage()
    message['From'] = 'Ana <ana@acme.example>'
    message['To'] = 'noc@janela.example.net'
    message['Subject'] = 'Sobre a janela'
    message['Message-ID'] = '<browser-1@acme.example>'
    message.set_content('Olá')
    message.add_alternative(HOSTILE, subtype='html')
    return inbound.receive(message.as_bytes(), 'stdin')[0].id


def test_the_html_part_shows_framed_and_inert(live_server, page):
    username, password = live_server.create_user('viewer', 'vera', 'en')
    message_id = live_server.db(_received)
    fetched, messages = [], []
    page.on('requestfinished', lambda request: fetched.append(request.url))
    page.on('console', lambda message: messages.append(message.text))
    log_in(page, live_server, username, password)
    page.goto(f'{live_server.url}/inbox/{message_id}')
    frame = page.frame_locator('iframe.mail-html')
    # The part reached the frame (the session's cookie went with it), and its script did not run.
    assert frame.locator('#said').text_content() == 'Olá'
    assert page.locator('iframe.mail-html').get_attribute('sandbox') == ''
    # The remote image was refused by the part's policy, never fetched.
    assert any('img-src data:' in text for text in messages), messages
    assert not [url for url in fetched if 'tracker.example' in url]
    assert page.get_by_role('link', name='Reply').get_attribute('href').startswith(
        'mailto:ana@acme.example?subject=Re%3A%20Sobre%20a%20janela')


def test_swagger_ui_draws_from_this_site_alone(live_server, page):
    messages, elsewhere = [], []
    page.on('console', lambda message: messages.append(message.text))
    page.on('request', lambda request: elsewhere.append(request.url)
            if not request.url.startswith(live_server.url) else None)
    page.goto(f'{live_server.url}/api/v1/docs')
    page.locator('#swagger-ui .opblock').first.wait_for()
    assert page.locator('#swagger-ui .opblock').count() >= 40
    assert page.locator('#api-operations').is_hidden()       # the plain list, once drawn
    assert elsewhere == []
    assert [text for text in messages if 'Content Security Policy' in text] == []
