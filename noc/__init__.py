"""Janela: maintenance windows, rescheduling and prefix tracking for a fibre NOC."""
import datetime
import os

from flask import Flask

from noc.core import config as config_module
from noc.core import limiter_storage
from noc.core.db import bind, database, open_database, retry_lost_connection
from noc.core.extensions import babel, csrf, limiter, login_manager, mailer

TEMPLATES_DIR = os.path.join(config_module.PROJECT_DIR, 'templates')
STATIC_DIR = os.path.join(config_module.PROJECT_DIR, 'static')


def create_app(overrides=None, environ=None):
    """Build the app. `overrides` is {section: {key: value}}, as in config.toml."""
    settings = config_module.load(overrides, environ)
    app = Flask(__name__, template_folder=TEMPLATES_DIR, static_folder=STATIC_DIR,
                instance_path=os.path.join(config_module.PROJECT_DIR, 'instance'))
    app.config['NOC'] = settings
    web = settings['web']
    app.config.update(
        SECRET_KEY=settings['app']['secret_key'],
        SESSION_COOKIE_SECURE=web['session_cookie_secure'],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE='Lax',
        REMEMBER_COOKIE_SECURE=web['session_cookie_secure'],
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=datetime.timedelta(
            minutes=web['session_lifetime_minutes']),
        RATELIMIT_STORAGE_URI=limiter_storage.storage_uri(web['rate_limit_storage_uri']),
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(os.path.dirname(__file__),
                                                   'translations'),
    )
    if web['trusted_proxies']:
        # Behind nginx every client would otherwise be 127.0.0.1 to the login
        # rate limit, and every request plain http to the cookie settings.
        from werkzeug.middleware.proxy_fix import ProxyFix
        count = web['trusted_proxies']
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_database(app, settings['database']['url'])
    _init_extensions(app)
    _register_blueprints(app)
    from noc.cli import noc_cli
    app.cli.add_command(noc_cli)
    return app


def _init_database(app, url):
    bind(open_database(url))
    # PostgreSQL: a request whose pooled connection died before it wrote runs again.
    app.full_dispatch_request = retry_lost_connection(app.full_dispatch_request)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()


def _init_extensions(app):
    from noc.core import i18n
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=i18n.select_time_zone)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    from noc.mail import transport
    transport.configure(app)
    mailer.init_app(app)
    i18n.register_filters(app)


def _register_blueprints(app):
    from noc.web import dashboard, errors, headers, navigation, public, search, vocabulary
    from noc.web.accounts import admin, api_tokens, auth
    from noc.web.inventory import views as inventory
    from noc.web.mail import inbox, outbox
    from noc.web.maintenance import answers as window_answers
    from noc.web.maintenance import feeds, reschedules
    from noc.web.maintenance import views as maintenance
    from noc.web.routing import prefixes
    from noc.web.routing import sources as routing_status
    for module in (auth, dashboard, errors, inventory, admin, outbox, feeds, maintenance,
                   public, reschedules, inbox, window_answers, prefixes, routing_status,
                   api_tokens, search, vocabulary, navigation, headers):
        module.register(app)
    from noc import api
    api.register(app)
