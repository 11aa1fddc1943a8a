"""Screenshots of the console's main pages for review: `make gallery`.

Loads the demo operator into a temporary SQLite database (as `make run`
does, at today's date), serves it on loopback, logs in as the demo admin
(pt-BR) and as an English-speaking admin, and writes a full-page PNG of
each main page at 1366 and 360 px in both languages into gallery/
(git-ignored), named like gallery/pt_BR-360-maintenance-3.png.

The pages are those of the tests' crawl (tests/helpers/crawl.py), one of
each kind; by default only the main kinds (MAIN below), with --all every
kind the crawl finds. Needs the dev requirements (Playwright) and Debian's
chromium; no browser is downloaded.
"""
import argparse
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / 'tests')]

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from noc import create_app  # noqa: E402
from noc.core.db import database, init_db  # noqa: E402
from noc.models import Role  # noqa: E402

WIDTHS = (1366, 360)
LANGUAGES = ('pt_BR', 'en')
LOCALES = {'pt_BR': 'pt-BR', 'en': 'en-US'}
ENGLISH_ADMIN = 'gallery-en'
# The main kinds of page, as the crawl's shapes (numbers as N).
MAIN = re.compile(r'''^/(
    |maintenance(/N(/edit)?|/new|/calendar)?
    |reschedules/(N)?
    |inventory/(customers|contacts|circuits|sites|segments)/(N)?
    |prefixes/(N|new|requests/|requests/N|filters/N)?
    |routing/
    |inbox/(N)?
    |messages(/N)?
    |mail/capture
    |admin/(users/|audit/|tokens/)
    |preferences
    |c/.*
  )$''', re.X)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, code='-', size='-'):
        pass


def demo_app(folder):
    """The demo operator on a SQLite file in `folder`, with an English admin."""
    from noc.accounts import users
    from noc.demo import inventory as demo
    from noc.demo import maintenance as maintenance_demo
    from noc.demo import routing as routing_demo
    password = secrets.token_urlsafe(16)
    app = create_app({'app': {'secret_key': secrets.token_hex(32)},
                      'database': {'url': f'sqlite:///{folder}/gallery.db'},
                      'web': {'login_rate_limit': '1000 per minute'},
                      'mail': {'capture_dir': f'{folder}/mail'},
                      'prefixes': {'lab': True}}, environ={})
    with app.test_request_context(), database.connection_context():
        init_db(database.obj)
        demo.load()
        maintenance_demo.load()
        routing_demo.load()
        users.create_user({'username': ENGLISH_ADMIN, 'password': password, 'role': Role.ADMIN,
                           'language': 'en'}, actor=None)
    return app, {'pt_BR': ('admin', demo.DEMO_PASSWORD), 'en': (ENGLISH_ADMIN, password)}


def page_urls(app, login, every):
    """The crawl's URLs (one page of each kind), main kinds only unless `every`."""
    from conftest import Browser
    from helpers.crawl import crawl, shape
    browser = Browser(app)
    assert browser.login(*login).status_code == 302, 'the demo admin could not log in'
    urls = [url for url, _ in crawl(browser)]
    if every:
        return urls
    # One page per main path (its first variant: no second page, no filter), one customer page.
    chosen = {}
    for url in urls:
        path = 'c' if url.startswith('/c/') else shape(url)[0]
        if MAIN.match(shape(url)[0]):
            chosen.setdefault(path, url)
    return list(chosen.values())


def file_name(language, width, url):
    slug = re.sub(r'[^A-Za-z0-9]+', '-', url).strip('-') or 'dashboard'
    return f'{language}-{width}-{slug[:80]}.png'


def logged_in_state(chromium, base, language, login):
    context = chromium.new_context(locale=LOCALES[language])
    page = context.new_page()
    page.goto(base + '/login')
    page.fill('#username', login[0])
    page.fill('#password', login[1])
    page.click('form button[type=submit] >> nth=0')
    page.wait_for_url(lambda url: '/login' not in url)
    state = context.storage_state()
    context.close()
    return state


def shoot_menu(page, base, path):
    """The menu open on the windows page: the phone menu, or a section's dropdown."""
    page.goto(base + '/maintenance', wait_until='load')
    phone = page.locator('details.menu > summary')
    (phone if phone.is_visible() else page.locator('nav.main summary').first).click()
    page.screenshot(path=str(path))
    return 1


def shoot(base, urls, logins, out):
    from playwright.sync_api import sync_playwright
    chromium_path = os.environ.get('CHROMIUM') or '/usr/bin/chromium'
    written = 0
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=['--no-sandbox', '--disable-gpu'])
        for language in LANGUAGES:
            state = logged_in_state(chromium, base, language, logins[language])
            for width in WIDTHS:
                context = chromium.new_context(locale=LOCALES[language], storage_state=state,
                                               viewport={'width': width, 'height': 900})
                page = context.new_page()
                for url in urls:
                    page.goto(base + url, wait_until='load')
                    page.screenshot(path=str(out / file_name(language, width, url)),
                                    full_page=True)
                    written += 1
                written += shoot_menu(page, base, out / file_name(language, width, 'menu'))
                context.close()
        chromium.close()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--all', action='store_true', help='every kind of page the crawl finds')
    parser.add_argument('--out', default=str(ROOT / 'gallery'), help='folder for the PNGs')
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='janela-gallery-') as folder:
        app, logins = demo_app(folder)
        urls = page_urls(app, logins['pt_BR'], args.all)
        server = make_server('127.0.0.1', 0, app, threaded=True, request_handler=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            written = shoot(f'http://127.0.0.1:{server.server_port}', urls, logins, out)
        finally:
            server.shutdown()
    print(f'{written} screenshots of {len(urls)} pages in {out} '
          f'({time.monotonic() - started:.0f} s)')


if __name__ == '__main__':
    main()
