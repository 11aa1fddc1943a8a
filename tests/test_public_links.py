"""Links to Janela follow the address it serves on when app.base_url is empty,
and app.base_url when it is set (issue 17)."""
import html
import re

import pytest
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core import config
from noc.core.db import database
from noc.models import OutboxMessage, WindowCustomer


def serving_on_5123(app, base_url=''):
    app.config['NOC']['web'].update(host='127.0.0.1', port=5123)
    app.config['NOC']['app']['base_url'] = base_url


def window_with_notices(app):
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            build_network()
            window = confirmed()
            raws = [m.raw.replace('=\r\n', '') for m in OutboxMessage.select()]
            tokens = WindowCustomer.select().where(WindowCustomer.window == window).count()
            return window.id, raws, tokens
        finally:
            database.close()


def page_links(page):
    return re.findall(r'href="(https?://[^"]+/c/[^"]+)"', html.unescape(page))


def test_without_base_url_links_follow_web_port(app, as_role):
    serving_on_5123(app)
    window_id, raws, tokens = window_with_notices(app)
    assert tokens and raws
    with_links = [raw for raw in raws if '/c/' in raw]
    assert with_links, 'the notices carry the customer page link'
    assert all('http://127.0.0.1:5123/c/' in raw for raw in with_links)
    assert not any(':5000' in raw for raw in raws)

    engineer = as_role('engineer')
    page = engineer.get(f'/maintenance/{window_id}', base_url='http://localhost:5123')
    links = page_links(page.get_data(as_text=True))
    assert len(links) == tokens
    assert all(link.startswith('http://localhost:5123/c/') for link in links)


def test_a_set_base_url_wins_in_mail_and_on_pages(app, as_role):
    serving_on_5123(app, 'https://janela.example.net/')
    window_id, raws, _ = window_with_notices(app)
    with_links = [raw for raw in raws if '/c/' in raw]
    assert with_links and all('https://janela.example.net/c/' in raw for raw in with_links)
    assert not any(':5123' in raw for raw in raws)

    engineer = as_role('engineer')
    page = engineer.get(f'/maintenance/{window_id}', base_url='http://localhost:5123')
    links = page_links(page.get_data(as_text=True))
    assert links and all(link.startswith('https://janela.example.net/c/') for link in links)


@pytest.mark.parametrize('host, expected', [
    ('127.0.0.1', 'http://127.0.0.1:5123'),
    ('::1', 'http://[::1]:5123'),
])
def test_public_base_url_from_the_serve_address(host, expected):
    values = {'app': {'base_url': ''}, 'web': {'host': host, 'port': 5123}}
    assert config.public_base_url(values) == expected
    values['app']['base_url'] = 'https://janela.example.net/'
    assert config.public_base_url(values) == 'https://janela.example.net'
