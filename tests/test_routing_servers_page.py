"""The Routing data page says which IRRd server failed, and since when."""
from conftest import db

from noc.routing import alerts


def test_a_failing_irrd_server_shows_with_its_error(app, as_role):
    app.config['NOC']['irr']['servers'] = ['irr.example.net', '127.0.0.1:4343']
    viewer = as_role('viewer')
    with db(app):
        alerts.raise_source('irr-source', 'irr.example.net:43', 'irr_unreachable',
                            {'source': 'irr.example.net:43', 'error': 'connection refused'})
    page = viewer.get('/routing/').get_data(as_text=True)
    failing, fine = page.split('127.0.0.1:4343')
    assert 'irr.example.net' in failing and 'failing since' in failing
    assert 'connection refused' in failing
    assert 'no failure recorded' in fine.split('</li>')[0]
