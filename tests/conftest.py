"""Fixtures: an app on a fresh database, on SQLite and on the real PostgreSQL.

The PostgreSQL database is created for the test session under a name of its
own and dropped at the end; no other database on the server is touched.
"""
import contextlib
import os
import re
import uuid

import jinja2
import peewee
import psycopg2
import pytest

from noc import create_app
from noc.core.db import database, init_db
from noc.models import ALL_MODELS

# Fixture modules of tests/helpers/, for every test module (tests/ is on the
# path through pytest.ini, so the package imports as `helpers`).
pytest_plugins = [
    'helpers.clock',             # clock (autouse): every test at one instant, not today
    'helpers.smtp_server',       # smtp_server: aiosmtpd on loopback
    'helpers.imap_server',       # imap_server: a private dovecot
    'helpers.redis_server',      # redis_url: a private redis-server
    'helpers.irrd_server',       # irrd_server: a real IRRd 4.5
    'helpers.stayrtr_server',    # stayrtr_server: StayRTR serving the shared VRPs
    'helpers.bare_database',     # bare: the database with no Flask app made
    'helpers.context_census',    # --context-census: tests run without an app context
]

PG_SERVER = os.environ.get('NOC_TEST_PG', 'postgresql://postgres@127.0.0.1:5432')
SECRET = 'test-secret-' + 'x' * 40
PASSWORD = 'correct-horse-battery'

# What a test needs beyond this process, read from the fixtures it uses, so
# that `make test-fast` can leave it out (markers: see pytest.ini). Tests
# that start such a server themselves carry the marker in their module.
POSTGRESQL_FIXTURES = {'pg_url', 'irrd_server'}          # IRRd keeps its data in PostgreSQL
EXTERNAL_FIXTURES = {'imap_server', 'irrd_server', 'stayrtr_server', 'redis_url'}
BROWSER_FIXTURES = {'chromium'}                          # tests/browser/conftest.py


def pytest_collection_modifyitems(items):
    for item in items:
        used = set(getattr(item, 'fixturenames', ()))
        params = getattr(getattr(item, 'callspec', None), 'params', {})
        # The engine fixture's postgresql half (and test_demo's shared demo database).
        on_postgresql = any(isinstance(value, str) and value == 'postgresql'
                            for value in params.values())
        if on_postgresql or used & POSTGRESQL_FIXTURES:
            item.add_marker(pytest.mark.postgresql)
        if used & EXTERNAL_FIXTURES:
            item.add_marker(pytest.mark.external)
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


def _pg_admin(sql):
    conn = psycopg2.connect(PG_SERVER + '/postgres')
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture(scope='session')
def pg_url():
    """A PostgreSQL database for this test session, dropped afterwards."""
    name = f'janela_test_{os.getpid()}_{uuid.uuid4().hex[:6]}'
    _pg_admin(f'CREATE DATABASE {name}')
    yield f'{PG_SERVER}/{name}'
    database.close() if not database.is_closed() else None
    _pg_admin(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')


def _empty(db):
    """Remove every row, keeping the schema (fast between tests)."""
    tables = [m._meta.table_name for m in ALL_MODELS]
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql('TRUNCATE ' + ', '.join(tables) + ' CASCADE')
    else:
        db.execute_sql('PRAGMA foreign_keys = OFF')
        for table in tables:
            db.execute_sql(f'DELETE FROM {table}')
        db.execute_sql('PRAGMA foreign_keys = ON')


_prepared = set()


class SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole session: every test makes its own
    app, whose Jinja environment would otherwise parse and compile each template
    it renders again. Keyed by template and source checksum, as Jinja does."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code and self.code[bucket.key][0] == bucket.checksum:
            bucket.bytecode_from_string(self.code[bucket.key][1])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = (bucket.checksum, bucket.bytecode_to_string())


TEMPLATE_CODE = SharedTemplateCode()


def make_app(url, **sections):
    overrides = {'app': {'secret_key': SECRET}, 'database': {'url': url},
                 'web': {'login_rate_limit': '1000 per minute'}}
    for section, values in sections.items():
        overrides.setdefault(section, {}).update(values)
    app = create_app(overrides, environ={})
    app.config.update(TESTING=True)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


@pytest.fixture(params=['sqlite', 'postgresql'])
def engine(request):
    return request.param


@pytest.fixture
def db_url(engine, tmp_path_factory, request):
    if engine == 'sqlite':
        return 'sqlite:///' + str(tmp_path_factory.mktemp('db') / 'janela.db')
    return request.getfixturevalue('pg_url')


def prepared_app(db_url, **sections):
    """An app on an empty, initialised database (schema made once per URL)."""
    app = make_app(db_url, **sections)
    with app.app_context():
        database.connect(reuse_if_open=True)
        if db_url not in _prepared:
            init_db(database.obj)
            _prepared.add(db_url)
        _empty(database.obj)
        database.close()
    return app


@pytest.fixture
def app(db_url):
    """The app on an empty, initialised database of the engine under test."""
    yield prepared_app(db_url)
    if not database.is_closed():
        database.close()


@pytest.fixture
def smtp_app(db_url, smtp_server):
    """The app delivering by SMTP to the test server on loopback."""
    yield prepared_app(db_url, mail={'backend': 'smtp', 'server': smtp_server.host,
                                     'port': smtp_server.port, 'timeout_seconds': 5})
    if not database.is_closed():
        database.close()


@pytest.fixture
def smtp_ctx(smtp_app):
    with smtp_app.test_request_context():
        database.connect(reuse_if_open=True)
        yield smtp_app
        database.close()


@pytest.fixture
def ctx(app):
    """An app context with an open connection, for domain tests."""
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        yield app
        database.close()


@pytest.fixture
def quick_password_hash(monkeypatch):
    """For tests whose users log in but nobody attacks them: a cheap hash."""
    from werkzeug.security import generate_password_hash

    import noc.accounts.users
    monkeypatch.setattr(noc.accounts.users, 'generate_password_hash',
                        lambda password: generate_password_hash(password, 'pbkdf2:sha256:1'))


@contextlib.contextmanager
def db(app):
    """Domain access beside the browser (English messages)."""
    with app.test_request_context(headers={'Accept-Language': 'en'}):
        database.connect(reuse_if_open=True)
        try:
            yield
        finally:
            database.close()


def create_user(role='admin', username=None, language='en', **kw):
    from noc.accounts import users
    return users.create_user({'username': username or role, 'password': PASSWORD,
                              'role': role, 'language': language, **kw}, actor=None)


def csrf_token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, 'no CSRF token in the page'
    return match.group(1)


class Browser:
    """A test client that logs in and posts forms with their CSRF token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post_form(self, url, data, page_url=None, **kw):
        token = csrf_token(self.client.get(page_url or url).get_data(as_text=True))
        return self.client.post(url, data={**data, 'csrf_token': token}, **kw)

    def login(self, username, password=PASSWORD):
        return self.post_form('/login', {'username': username, 'password': password})


@pytest.fixture
def as_role(app):
    """as_role('engineer') -> a logged-in Browser with a user of that role."""
    def make(role, language='en', username=None):
        with app.app_context():
            database.connect(reuse_if_open=True)
            create_user(role, username=username, language=language)
            database.close()
        browser = Browser(app)
        response = browser.login(username or role)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return browser
    return make
