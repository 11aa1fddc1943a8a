"""Every redirect target read from the request goes through one check
(noc.web.redirects): hostile `next=` values never leave the site and never
cost a 500, through the real routes."""
import pytest
from conftest import PASSWORD, Browser, db

from noc.models import InboundMessage, RoutingAlert
from noc.web import redirects

HOSTILE = [
    '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example',
    '/\r\nSet-Cookie: x=1', '/x\rLocation: https://evil.example/',
    '//evil.example', '///evil.example', '/\\evil.example', '\\/evil.example',
    '/\\/evil.example', 'http:evil.example', 'http://evil.example/', 'https:/evil.example',
    'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' /x', 'evil.example',
    '%2F%2Fevil.example', '/%2F/evil.example', '/%2Fevil.example', '/%09/evil.example',
    '/%0d%0a/evil.example', '/%5Cevil.example', '/%255Cevil.example',
    '/%25252525252F', '/\x00/x', '/\x7f/x', '/\x85/x', '/\x9b/x',
    '/\u200b/evil.example', '/\u2028/evil.example', '/\u3000/evil.example',
    '/\uff0fevil.example', '/\uff3cevil.example', '/%EF%BC%8Fevil.example',
    '/\u2215evil.example', '/\ufe68evil.example', '/%E2%80%AE/x', '', '/' + 'a' * 3000,
]
SAFE = ['/', '/maintenance/?status=confirmed', '/routing/#alerts', '/inbox/?view=review',
        '/inventory/customers/?q=s%C3%A3o+paulo', '/prefixes/12']


@pytest.mark.parametrize('value', HOSTILE)
def test_hostile_targets_are_refused(value):
    assert not redirects.is_local_path(value)
    assert redirects.safe_next(value, '/fallback') == '/fallback'


@pytest.mark.parametrize('value', SAFE)
def test_paths_of_this_site_are_kept(value):
    assert redirects.safe_next(value, '/fallback') == value


def test_a_referer_counts_only_on_this_host():
    assert redirects.same_site_path('http://noc.example/messages?state=failed',
                                    'noc.example') == '/messages?state=failed'
    for url in ('https://evil.example/messages', 'http://noc.example\t/x',
                'javascript://noc.example/x', 'http://noc.example@evil.example/', None, ''):
        assert redirects.same_site_path(url, 'noc.example') is None, url


def _on_site(response):
    assert response.status_code == 302, response.status_code
    location = response.headers['Location']
    assert location.startswith('/') and not location.startswith(('//', '/\\'))
    assert not any(ord(c) < 0x21 or 0x7f <= ord(c) <= 0x9f for c in location)
    return location


@pytest.fixture
def targets(app):
    """A message to mark read and an alert to close."""
    with db(app):
        message = InboundMessage.create(message_key='k1', via='stdin', raw='x')
        alert = RoutingAlert.create(kind='rpki-source', source='x', code='rpki_refused',
                                    params={}, severity='error')
    return message.id, alert.id


def test_hostile_next_never_leaves_the_site_through_the_routes(app, as_role, targets):
    message_id, alert_id = targets
    engineer = as_role('engineer')
    token_page = f'/inbox/{message_id}'
    for value in HOSTILE:
        review = engineer.post_form(f'/inbox/{message_id}/review', {'next': value},
                                    page_url=token_page)
        assert _on_site(review) == '/inbox/'
        close = engineer.post_form(f'/routing/alerts/{alert_id}/close', {'next': value},
                                   page_url='/routing/')
        assert _on_site(close) == '/routing/#alerts'
    kept = engineer.post_form(f'/inbox/{message_id}/review', {'next': '/inbox/?view=review'},
                              page_url=token_page)
    assert _on_site(kept) == '/inbox/?view=review'


def test_hostile_next_after_login_and_language_choice(app, as_role):
    as_role('engineer')            # the user; each login below is a new browser
    for value in HOSTILE:
        browser = Browser(app)
        language = browser.post_form('/language/en', {'next': value}, page_url='/login')
        assert _on_site(language) == '/'
        login = browser.client.post('/login', query_string={'next': value}, data={
            'username': 'engineer', 'password': PASSWORD,
            'csrf_token': _token(browser)})
        assert _on_site(login) == '/'
    browser = Browser(app)
    response = browser.post_form('/login?next=/maintenance/%3Fstatus%3Dconfirmed',
                                 {'username': 'engineer', 'password': PASSWORD},
                                 page_url='/login')
    assert _on_site(response) == '/maintenance/?status=confirmed'


def _token(browser):
    from conftest import csrf_token
    return csrf_token(browser.get('/login').get_data(as_text=True))

