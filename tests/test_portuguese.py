"""Complete Portuguese (issue 17): no raw code stands alone on a pt-BR page or
in a Portuguese notice.

A stored value (a status, an impact, a service, a state, a kind, a role, an
audit action) is shown by its label; a code may stand next to its label for
engineers ("Confirmada (CONFIRMED)"). The crawl follows the links of the
demo operator's console, logged in as the demo admin (pt-BR), and reads the
visible text of each page (tags, scripts and styles stripped); the notices
of every kind are composed for a Portuguese contact and their text and HTML
bodies read the same way (the .ics and the X-MAINTNOTE headers keep their
codes: that is what programs read).
"""
import email
import email.policy
import html
import re

import pytest
from conftest import Browser
from flask_babel import force_locale
from helpers.crawl import crawl
from helpers.crawl import demo_app as crawl_demo_app
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.maintenance_fixtures import settings as area_settings

from noc.core.db import bind, database
from noc.demo import inventory as demo
from noc.maintenance import notices, windows
from noc.models import (
    CircuitStatus,
    Impact,
    MessageKind,
    MessageState,
    OutboxMessage,
    RescheduleState,
    Role,
    Service,
    TokenKind,
    WindowStatus,
    audit,
    utcnow,
)
from noc.models.routing import PrefixState

# The vocabularies whose codes must not stand alone. Values that are also
# words a Portuguese page uses as they are (none so far) would be left out here.
VOCABULARIES = (WindowStatus, Impact, Service, CircuitStatus, MessageState, MessageKind,
                RescheduleState, PrefixState, Role, TokenKind)
AUDIT_ACTIONS = tuple(str(a) for a in audit.Action)

# The English subjects of mail sent to English-speaking contacts, shown as sent.
ENGLISH_SUBJECTS = ('Prefix request checked', 'Prefixes approved',
                    'Prefixes configured on our routers', 'Prefixes withdrawn',
                    'Prefixes rejected', 'Maintenance completed', 'Maintenance cancelled')
# Where a code is written on purpose, for an engineer to type or read verbatim,
# or a word that is data (a user name, a command, a subject as it was sent).
ALLOWED = (
    re.compile(r'"[A-Z0-9-]+ (NO-IMPACT|REDUCED-REDUNDANCY|DEGRADED|OUTAGE)"'),  # scope help
    re.compile(r'`[^`]*`'),                                 # a command in a source's name
    re.compile(r'\] (?:%s)' % '|'.join(map(re.escape, ENGLISH_SUBJECTS))),
    # The demo's user names, which are also role names.
    re.compile(r'(?<![\w-])(admin|engineer|viewer)(?= [A-Z0-9]| ·|$)'),
)


def _codes():
    """{code: [its labels in pt-BR]}, the labels that may stand beside it."""
    found = {}
    for choices in VOCABULARIES:
        for value, label in choices.CHOICES:
            found.setdefault(value, []).append(str(label))
    for action in AUDIT_ACTIONS:
        found.setdefault(action, []).append(str(audit.ACTION_LABELS.get(action, action)))
    return found


def visible_text(page):
    """The text a reader sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r'(?is)<(script|style|textarea|code|pre)\b.*?</\1>', ' ', page)
    page = re.sub(r'(?s)<[^>]*>', ' ', page)
    return re.sub(r'\s+', ' ', html.unescape(page))


def alone(text, codes):
    """[(code, the text around it)] for each code standing alone in `text`: as a
    whole word, with none of its labels just before it (a label (CODE) pair
    is for engineers)."""
    for pattern in ALLOWED:
        text = pattern.sub(' ', text)
    hits = []
    for code, labels in codes.items():
        for match in re.finditer(rf'(?<![\w/.@-]){re.escape(code)}(?![\w/@-]|\.\w)', text):
            before = text[max(0, match.start() - 60):match.start()]
            if any(label and label != code and label in before for label in labels):
                continue
            hits.append((code, text[max(0, match.start() - 50):match.end() + 50]))
    return hits


@pytest.fixture(scope='module')
def demo_app(tmp_path_factory):
    """The demo operator on SQLite, loaded once for the crawl."""
    app = crawl_demo_app('sqlite:///' + str(tmp_path_factory.mktemp('pt') / 'demo.db'))
    return app, database.obj


def test_no_code_stands_alone_on_the_portuguese_pages(demo_app):
    app, db = demo_app
    bind(db)
    browser = Browser(app)
    assert browser.login('admin', demo.DEMO_PASSWORD).status_code == 302
    with app.test_request_context(), force_locale('pt_BR'):
        codes = _codes()
    found = {}
    pages = crawl(browser)
    for url, page in pages:
        for code, around in alone(visible_text(page), codes):
            found.setdefault(url, []).append(f'{code}: …{around}…')
    customer_pages = [url for url, _ in pages if url.startswith('/c/')]
    assert len(pages) > 30 and customer_pages, [url for url, _ in pages]
    assert not found, '\n'.join(f'{url}\n  ' + '\n  '.join(hits) for url, hits in found.items())


def _bodies(raw):
    message = email.message_from_string(raw, policy=email.policy.default)
    text = message.get_body(('plain',)).get_content()
    page = message.get_body(('html',)).get_content()
    return text, visible_text(page)


def test_no_code_stands_alone_in_the_portuguese_notices(ctx):
    build_network()
    window = confirmed(segments='', impact='DEGRADED',
                       circuits='JAN-IPT-001 OUTAGE\nJAN-IPT-003 REDUCED-REDUNDANCY')
    grouped = windows.by_customer(window)
    start = OutboxMessage.select().count()
    for kind in notices.KINDS:
        notices.queue(window, kind, grouped, utcnow(), previous=window,
                      settings=area_settings())
    with force_locale('pt_BR'):
        codes = _codes()
    rows = [m for m in OutboxMessage.select().order_by(OutboxMessage.id).offset(start)
            if m.contact and m.contact.language == 'pt_BR']
    assert {m.kind for m in rows} == set(notices.KINDS)
    found = []
    for row in rows:
        for body in _bodies(row.raw):
            found += [f'{row.kind}: {code}: …{around}…' for code, around in alone(body, codes)]
    assert not found, '\n'.join(found)
