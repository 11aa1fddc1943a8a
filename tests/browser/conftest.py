"""Fixtures for the browser tests: Janela served over HTTP, and headless Chromium.

The browser is Debian's `chromium` package driven by Playwright; no browser
is ever downloaded. Without Chromium (or Playwright) the tests fail with a
message saying what to install: they are part of the normal run.
"""
import os
import shutil
import threading

import pytest

# tests/conftest.py, imported as `conftest` as the other test modules do (importing
# it as tests.conftest would load a second copy).
from conftest import PASSWORD, create_user, make_app
from werkzeug.serving import WSGIRequestHandler, make_server

from noc.core.db import bind, database, init_db

CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
                 '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']
# Seconds Playwright waits for a page or an element before failing.
TIMEOUT_MS = 10_000


def chromium_path():
    """Debian's Chromium, or the executable named in $CHROMIUM."""
    return (os.environ.get('CHROMIUM') or shutil.which('chromium')
            or '/usr/bin/chromium')


class QuietHandler(WSGIRequestHandler):
    """No line per request in the test output; errors are still logged by the app."""

    def log_request(self, code='-', size='-'):
        pass


class LiveServer:
    """The app on a fresh SQLite file, served on 127.0.0.1 in a thread."""

    def __init__(self, app):
        self.app = app
        # The database the app was made with: the process's one proxy follows
        # the last app made, so a server used after another is bound again.
        self.database = database.obj
        self.server = make_server('127.0.0.1', 0, app, threaded=True,
                                  request_handler=QuietHandler)
        self.url = f'http://127.0.0.1:{self.server.server_port}'
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name='janela-live-server', daemon=True)

    def stop(self):
        """Stop serving and close what the test's thread left open."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        if not database.is_closed():
            database.close()

    def db(self, work):
        """work() with the database open in this (the test's) thread."""
        bind(self.database)
        with self.app.app_context():
            database.connect(reuse_if_open=True)
            try:
                return work()
            finally:
                database.close()

    def create_user(self, role, username, language):
        self.db(lambda: create_user(role, username=username, language=language))
        return username, PASSWORD


@pytest.fixture
def live_server(tmp_path):
    app = make_app('sqlite:///' + str(tmp_path / 'janela.db'))
    server = LiveServer(app)
    server.db(lambda: init_db(database.obj))
    server.thread.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope='session')
def chromium():
    """One headless Chromium for the session (each test gets its own context)."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f'Chromium not found at {path}: the browser tests need Debian\'s '
                    '`chromium` package (apt-get install chromium) or $CHROMIUM naming '
                    'a Chromium executable. They never download a browser.', pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail('Playwright for Python is missing: pip install -r requirements-dev.txt',
                    pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path, headless=True,
                                                 args=CHROMIUM_ARGS)
        except Exception as exc:
            pytest.fail(f'Chromium at {path} did not start under Playwright: {exc}',
                        pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium, request):
    """A fresh browser context (cookies, storage) per test.

    The Accept-Language header follows the test's `language` parameter when
    it has one, so even the login page is in that language.
    """
    callspec = getattr(request.node, 'callspec', None)
    language = callspec.params.get('language') if callspec else None
    locale = {'pt_BR': 'pt-BR', 'en': 'en-US'}.get(language, 'en-US')
    context = chromium.new_context(locale=locale, viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


class DemoSite:
    """The demo operator served over HTTP, with the crawl's URLs and a logged-in
    browser context per language and viewport width (for the whole-site checks:
    pages that fit, axe, the gallery)."""

    USERS = {'pt_BR': 'admin', 'en': 'admin-en'}

    def __init__(self, server, urls, chromium):
        self.server = server
        self.urls = urls
        self.chromium = chromium

    def _storage_state(self, language):
        """Cookies of a session freshly logged in `language`. Not kept from one
        test to the next: each test restarts the clock at the same instant, so
        an earlier test's session would read as signed in the future."""
        context = self.chromium.new_context(
            locale={'pt_BR': 'pt-BR', 'en': 'en-US'}[language])
        try:
            page = context.new_page()
            page.goto(self.server.url + '/login')
            page.fill('#username', self.USERS[language])
            page.fill('#password', self.password(language))
            page.click('form button[type=submit] >> nth=0')
            page.wait_for_url(lambda url: '/login' not in url)
            return context.storage_state()
        finally:
            context.close()

    def password(self, language):
        from noc.demo import inventory as demo
        return demo.DEMO_PASSWORD if language == 'pt_BR' else PASSWORD

    def context(self, language, width, height=900):
        """A new logged-in browser context; the caller closes it."""
        # Every app of the process shares one database proxy, bound by the last
        # app made (a live_server test's since): the demo is served from its own.
        bind(self.server.database)
        context = self.chromium.new_context(
            locale={'pt_BR': 'pt-BR', 'en': 'en-US'}[language],
            viewport={'width': width, 'height': height},
            storage_state=self._storage_state(language))
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context


@pytest.fixture(scope='session')
def demo_site(chromium, tmp_path_factory):
    """The demo operator (SQLite) served on loopback for the session: the demo
    admin reads pt-BR, `admin-en` (also an admin) reads English."""
    from helpers.crawl import demo_app, demo_urls
    app = demo_app('sqlite:///' + str(tmp_path_factory.mktemp('demo-site') / 'demo.db'))
    server = LiveServer(app)
    server.create_user('admin', 'admin-en', 'en')
    urls = demo_urls(app)
    server.thread.start()
    try:
        yield DemoSite(server, urls, chromium)
    finally:
        server.stop()
