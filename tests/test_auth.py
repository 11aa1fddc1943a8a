"""Logging in and out, roles, rate limit, lockout, cookies, users and the audit log."""
import pytest
from conftest import PASSWORD, Browser, create_user, csrf_token, make_app

from noc.core.db import database
from noc.models import AuditLog, LoginAddress, User


def _user(app, role='engineer', **kw):
    with app.app_context():
        database.connect(reuse_if_open=True)
        user = create_user(role, **kw)
        database.close()
    return user


def test_login_logout(app):
    _user(app)
    browser = Browser(app)
    assert browser.get('/').status_code == 302            # anonymous: to the login page
    response = browser.login('engineer')
    assert response.status_code == 302 and response.location == '/'
    assert browser.get('/').status_code == 200
    token = csrf_token(browser.get('/').get_data(as_text=True))
    assert browser.client.post('/logout', data={'csrf_token': token}).status_code == 302
    assert browser.get('/').status_code == 302


def test_wrong_password_is_refused_without_saying_which_part(app):
    _user(app)
    browser = Browser(app)
    wrong_password = browser.login('engineer', 'not-the-password')
    unknown_user = browser.login('nobody', 'not-the-password')
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert 'Usuário ou senha incorretos.' in wrong_password.get_data(as_text=True)  # pt_BR default
    assert browser.get('/').status_code == 302


def test_passwords_are_hashed(app):
    user = _user(app)
    assert PASSWORD not in user.password_hash and user.password_hash.startswith(('scrypt:', 'pbkdf2:'))


def test_login_without_csrf_token_is_refused(app):
    _user(app)
    client = app.test_client()
    response = client.post('/login', data={'username': 'engineer', 'password': PASSWORD})
    assert response.status_code in (400, 401)
    assert client.get('/').status_code == 302


def test_open_redirect_after_login_is_refused(app):
    _user(app)
    browser = Browser(app)
    response = browser.post_form('/login?next=//evil.example.com/',
                                 {'username': 'engineer', 'password': PASSWORD})
    assert response.location == '/'


def test_login_rate_limit(db_url):
    app = make_app(db_url, web={'login_rate_limit': '3 per minute'})
    with app.app_context():
        database.connect(reuse_if_open=True)
        from noc.core.db import init_db
        init_db(database.obj)
        database.close()
    browser = Browser(app)
    codes = [browser.login('nobody', 'x').status_code for _ in range(4)]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_address_lockout_after_repeated_failures(app):
    app.config['NOC']['web']['lockout_attempts'] = 3
    _user(app)
    browser = Browser(app)
    for _ in range(3):
        assert browser.login('engineer', 'guess').status_code == 401
    assert browser.login('engineer').status_code == 401      # right password, locked
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert AuditLog.select().where(AuditLog.action == 'lock').count() == 1
        LoginAddress.update(locked_until=None).execute()
        database.close()
    assert browser.login('engineer').status_code == 302


def test_session_cookie_flags(db_url):
    app = make_app(db_url, web={'session_cookie_secure': True})
    assert app.config['SESSION_COOKIE_SECURE'] is True
    assert app.config['SESSION_COOKIE_HTTPONLY'] is True
    assert app.config['SESSION_COOKIE_SAMESITE'] == 'Lax'


def test_session_cookie_is_httponly_on_login(app):
    _user(app)
    browser = Browser(app)
    response = browser.login('engineer')
    cookie = response.headers.get('Set-Cookie', '')
    assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie


@pytest.mark.parametrize('role, path, allowed', [
    ('viewer', '/inventory/circuits/', True),
    ('viewer', '/inventory/circuits/new', False),
    ('viewer', '/inventory/sites/import', False),
    ('viewer', '/admin/users/', False),
    ('viewer', '/admin/audit/', False),
    ('engineer', '/inventory/circuits/new', True),
    ('engineer', '/inventory/sites/import', True),
    ('engineer', '/admin/users/', False),
    ('engineer', '/admin/audit/', False),
    ('admin', '/admin/users/', True),
    ('admin', '/admin/audit/', True),
    ('admin', '/admin/users/new', True),
])
def test_roles_are_enforced(as_role, role, path, allowed):
    browser = as_role(role)
    assert browser.get(path).status_code == (200 if allowed else 403)


def test_every_view_requires_a_role(app):
    """No page is open to anonymous users except login, language, health, favicon, static,
    the customers' calendar feeds and the customer pages (the signed token in
    the URL is their key)."""
    public = {'auth.login', 'auth.choose_language', 'dashboard.health', 'dashboard.favicon',
              'static', 'feeds.public_feed', 'api.openapi', 'api.docs', 'api.docs_asset'}
    from noc import api
    assert api.PUBLIC == {'api.openapi', 'api.docs', 'api.docs_asset'}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in public or (rule.endpoint.startswith('public.')
                                       and rule.rule.startswith('/c/<token>')):
            continue
        if rule.endpoint.startswith('api.'):
            continue        # the API blueprint asks every request for a bearer token
        assert getattr(view, 'required_role', None) or rule.endpoint in (
            'auth.logout', 'auth.preferences'), f'{rule.endpoint} has no role check'


def test_admin_creates_user_and_change_is_audited(as_role, app):
    admin = as_role('admin')
    response = admin.post_form('/admin/users/new', {
        'username': 'Maria', 'full_name': 'Maria Souza', 'email': 'maria@example.net',
        'role': 'engineer', 'language': 'pt_BR', 'time_zone': 'America/Bahia',
        'password': 'long-enough-password'})
    assert response.status_code == 302
    with app.app_context():
        database.connect(reuse_if_open=True)
        maria = User.get(User.username == 'maria')
        assert maria.role == 'engineer' and maria.time_zone == 'America/Bahia'
        entry = AuditLog.get((AuditLog.entity == 'user') & (AuditLog.entity_key == 'maria'))
        assert entry.username == 'admin' and 'long-enough-password' not in (entry.after_json or '')
        database.close()
    assert Browser(app).login('maria', 'long-enough-password').status_code == 302


def test_bad_user_form_names_the_field(as_role):
    admin = as_role('admin')
    response = admin.post_form('/admin/users/new', {
        'username': 'x y', 'role': 'engineer', 'language': 'en', 'time_zone': 'Nowhere/City',
        'password': 'short'})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'is not a time zone' in page and 'at least 10 characters' in page
    assert 'is not accepted' in page


def test_admin_cannot_demote_themselves(as_role, app):
    admin = as_role('admin')
    with app.app_context():
        database.connect(reuse_if_open=True)
        me = User.get(User.username == 'admin')
        database.close()
    response = admin.post_form(f'/admin/users/{me.id}', {
        'username': 'admin', 'role': 'viewer', 'language': 'en', 'time_zone': 'UTC',
        'active': '1'})
    assert response.status_code == 400
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert User.get_by_id(me.id).role == 'admin'
        database.close()


def test_audit_log_filters(as_role, app):
    admin = as_role('admin')
    admin.post_form('/inventory/sites/new', {'code': 'BHZ01', 'name': 'BH Centro', 'kind': 'pop',
                                             'city': 'Belo Horizonte', 'state': 'MG'})
    admin.post_form('/inventory/sites/new', {'code': 'UDI01', 'name': 'Uberlândia', 'kind': 'pop',
                                             'city': 'Uberlândia', 'state': 'MG'})
    page = admin.get('/admin/audit/?entity=sites&key=BHZ').get_data(as_text=True)
    assert 'BHZ01' in page and 'UDI01' not in page and 'BH Centro' in page
    page = admin.get('/admin/audit/?user=nobody').get_data(as_text=True)
    assert 'BHZ01' not in page


def test_preferences_change_language_and_password(as_role, app):
    browser = as_role('engineer')
    response = browser.post_form('/preferences', {
        'full_name': 'Eng', 'language': 'pt_BR', 'time_zone': 'America/Manaus',
        'current_password': PASSWORD, 'new_password': 'another-long-password'})
    assert response.status_code == 302
    page = browser.get('/').get_data(as_text=True)
    assert 'Clientes' in page and 'Sair' in page
    assert Browser(app).login('engineer', 'another-long-password').status_code == 302


def test_preferences_refuse_wrong_current_password(as_role, app):
    browser = as_role('engineer')
    response = browser.post_form('/preferences', {
        'full_name': '', 'language': 'en', 'time_zone': 'UTC',
        'current_password': 'wrong', 'new_password': 'another-long-password'})
    assert response.status_code == 400
    assert Browser(app).login('engineer').status_code == 302
