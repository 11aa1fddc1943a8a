"""The pages of the demo operator's console, found by following links.

One page of each kind (ids and query values don't make another kind), the
customer pages (each its own kind, up to a bound), nothing that is not an
HTML page or that acts (logout, downloads, feeds, the API). Shared by the
tests that look at every page: complete Portuguese, pages that fit, axe.
"""
import html
import re
from urllib.parse import urldefrag, urlsplit

from conftest import Browser, make_app

from helpers.clock import at_test_now
from noc.core.db import database, init_db
from noc.demo import inventory as demo
from noc.demo import maintenance as maintenance_demo
from noc.demo import routing as routing_demo

MAX_PAGES = 400
MAX_CUSTOMER_PAGES = 12
# A mail page's HTML part (…/html) is the message as sent, in its recipient's
# language, framed by its page: not a page of the console.
SKIP = re.compile(r'^/(logout|api/|static/|feeds?/|p/)|\.(ics|csv|eml|txt|json)(\?|$)'
                  r'|/download|/export|/html$|[?&]format=')     # format=: an export


def demo_app(database_url):
    """The demo operator (inventory, maintenance, routing) on `database_url`."""
    app = make_app(database_url, prefixes={'lab': True})
    with at_test_now(), app.test_request_context(), database.connection_context():
        init_db(database.obj)
        demo.load()
        maintenance_demo.load()
        routing_demo.load()
    return app


def links(page):
    """The same-site links of an HTML page; customer pages by their path."""
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page):
        href = urldefrag(html.unescape(href))[0]
        parts = urlsplit(href)
        if parts.path.startswith('/c/'):          # a customer page, on the app's base URL
            yield parts.path
        elif not (parts.scheme or parts.netloc) and href.startswith('/'):
            yield href


def shape(url):
    """One page of each kind: ids and query values don't make another kind."""
    if url.startswith('/c/'):                     # customer pages: each is its own
        return url, ()
    path = re.sub(r'\d+', 'N', urlsplit(url).path)
    query = urlsplit(url).query
    keys = sorted({pair.split('=')[0] for pair in query.split('&') if pair})
    return path, tuple(keys)


def crawl(browser, start='/', max_pages=MAX_PAGES):
    """[(url, html)] of the pages reachable from `start` with `browser` (a
    logged-in test client), one of each kind."""
    seen, queue, pages = set(), [start], []
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        if shape(url) in seen or SKIP.search(url) or (
                url.startswith('/c/')
                and sum(s[0].startswith('/c/') for s in seen) >= MAX_CUSTOMER_PAGES):
            continue
        seen.add(shape(url))
        response = browser.get(url)
        if response.status_code != 200 or 'text/html' not in response.content_type:
            response.close()                      # a streamed download ends here
            continue
        page = response.get_data(as_text=True)
        pages.append((url, page))
        queue.extend(links(page))
    return pages


def demo_urls(app, username='admin', password=demo.DEMO_PASSWORD):
    """The crawl's URLs for the demo admin, in the order they were found."""
    browser = Browser(app)
    assert browser.login(username, password).status_code == 302
    return [url for url, _ in crawl(browser)]
