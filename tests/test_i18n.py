"""Each user reads Janela in their language, with dates in their time zone."""
import datetime

from noc.db import database
from noc.models import Site

UTC = datetime.timezone.utc


def _site(app, when):
    with app.app_context():
        database.connect(reuse_if_open=True)
        site = Site.create(code='BHZ01', name='BH', city='Belo Horizonte', state='MG')
        Site.update(created_at=when, updated_at=when).where(Site.id == site.id).execute()
        database.close()
    return site


def _as(as_role, app, username, language, zone):
    browser = as_role('viewer', language=language, username=username)
    with app.app_context():
        database.connect(reuse_if_open=True)
        from noc.models import User
        User.update(time_zone=zone).where(User.username == username).execute()
        database.close()
    return browser


def test_dates_in_the_users_time_zone(as_role, app):
    site = _site(app, datetime.datetime(2026, 3, 10, 15, 30, tzinfo=UTC))
    tokyo = _as(as_role, app, 'tokyo', 'en', 'Asia/Tokyo')
    page = tokyo.get(f'/inventory/sites/{site.id}').get_data(as_text=True)
    assert '3/11/26' in page and '12:30' in page          # 15:30 UTC = 00:30 next day JST
    sao_paulo = _as(as_role, app, 'sp', 'pt_BR', 'America/Sao_Paulo')
    page = sao_paulo.get(f'/inventory/sites/{site.id}').get_data(as_text=True)
    assert '10/03/2026' in page and '12:30' in page        # 15:30 UTC = 12:30 BRT


def test_language_per_user(as_role, app):
    english = as_role('viewer', language='en', username='ana')
    portuguese = as_role('viewer', language='pt_BR', username='joao')
    assert 'Customers' in english.get('/').get_data(as_text=True)
    page = portuguese.get('/').get_data(as_text=True)
    assert 'Clientes' in page and 'Customers' not in page


def test_login_page_language_follows_browser_then_choice(app):
    client = app.test_client()
    page = client.get('/login', headers={'Accept-Language': 'en-US,en;q=0.9'})
    assert 'Log in to Janela' in page.get_data(as_text=True)
    page = client.get('/login', headers={'Accept-Language': 'pt-BR,pt;q=0.9'})
    assert 'Entrar no Janela' in page.get_data(as_text=True)


def test_form_errors_in_the_users_language(as_role):
    browser = as_role('engineer', language='pt_BR')
    response = browser.post_form('/inventory/sites/new', {'code': '', 'name': '', 'kind': 'pop',
                                                          'city': '', 'state': 'MG'})
    assert response.status_code == 400
    assert 'é obrigatório' in response.get_data(as_text=True)
