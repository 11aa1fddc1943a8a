"""The console's menu (issue 17): five sections, the current section and page
marked (aria-current) on every page of the demo crawl, in both languages, and
the Admin section only for admins; and the front page, where the console
starts, leading with what needs a person."""
import datetime
import re

import pytest
from conftest import Browser, create_user
from helpers.crawl import crawl
from helpers.crawl import demo_app as crawl_demo_app
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core.db import bind, database
from noc.demo import inventory as demo
from noc.models import MaintenanceWindow, MessageState, OutboxMessage, WindowStatus, utcnow
from noc.web import navigation

# Where each page belongs, by its address: written out here rather than read
# from noc/web/navigation.py, so a wrong mapping there fails.
EXPECTED = (
    (r'^/$|^/preferences', None),
    (r'^/maintenance/calendar', ('maintenance', 'calendar')),
    (r'^/maintenance', ('maintenance', 'windows')),
    (r'^/(reschedules|requests)/', ('maintenance', 'reschedules')),
    (r'^/inventory/(customers|contacts|circuits|sites|segments)/', ('inventory', 1)),
    (r'^/prefixes/(requests/|new)', ('routing', 'prefix-requests')),
    (r'^/prefixes/', ('routing', 'prefixes')),
    (r'^/routing/', ('routing', 'routing-data')),
    (r'^/inbox/', ('mail', 'received')),
    (r'^/messages', ('mail', 'outbox')),
    (r'^/mail/capture', ('mail', 'capture')),
    (r'^/admin/users/', ('admin', 'users')),
    (r'^/admin/audit/', ('admin', 'audit')),
    (r'^/admin/tokens/', ('admin', 'tokens')),
)
LABELS = {
    'pt_BR': {'maintenance': 'Manutenção', 'inventory': 'Inventário', 'routing': 'Roteamento',
              'mail': 'E-mail', 'admin': 'Administração', 'windows': 'Janelas',
              'calendar': 'Calendário', 'reschedules': 'Pedidos de reagendamento',
              'outbox': 'Caixa de saída', 'prefix-requests': 'Pedidos de prefixos'},
    'en': {'maintenance': 'Maintenance', 'inventory': 'Inventory', 'routing': 'Routing',
           'mail': 'Mail', 'admin': 'Admin', 'windows': 'Windows', 'calendar': 'Calendar',
           'reschedules': 'Reschedule requests', 'outbox': 'Outbox',
           'prefix-requests': 'Prefix requests'},
}


def expected(url):
    """(section, item) the page at `url` belongs to, or None for no section."""
    path = url.split('?')[0]
    for pattern, where in EXPECTED:
        match = re.search(pattern, path)
        if match:
            if where and isinstance(where[1], int):
                return where[0], match.group(where[1])
            return where
    raise AssertionError(f'no expectation for {url}: add it to EXPECTED')


def marked(page):
    """(section key, section label, item key, item label) marked in the main menu."""
    menu = page.split('<nav class="main"')[1].split('</nav>')[0]
    sections = re.findall(r'<li class="section section-([\w-]+) current">\s*<details[^>]*>\s*'
                          r'<summary aria-current="true">([^<]+)</summary>', menu)
    items = re.findall(r'class="item-([\w-]+)" aria-current="page">([^<]+)</a>', menu)
    assert len(sections) <= 1 and len(items) <= 1, (sections, items)
    if not sections:
        assert not items, items
        return None
    assert len(items) == 1, f'section {sections} marked without its page'
    return sections[0] + items[0]


@pytest.fixture(scope='module')
def demo_console(tmp_path_factory):
    """The demo operator with an English-speaking admin beside the demo's, and
    its crawl's URLs."""
    app = crawl_demo_app('sqlite:///' + str(tmp_path_factory.mktemp('nav') / 'demo.db'))
    with app.app_context(), database.connection_context():
        create_user('admin', username='admin-en', language='en')
    browser = Browser(app)
    assert browser.login('admin', demo.DEMO_PASSWORD).status_code == 302
    urls = [url for url, _ in crawl(browser) if not url.startswith('/c/')]
    return app, database.obj, urls


def logged_in(app, language):
    """A browser logged in (within the test: sessions follow the test's clock)."""
    browser = Browser(app)
    login = ('admin', demo.DEMO_PASSWORD) if language == 'pt_BR' else ('admin-en',)
    assert browser.login(*login).status_code == 302
    return browser


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_every_page_marks_its_section_and_page(demo_console, language):
    app, db, urls = demo_console
    bind(db)
    browser = logged_in(app, language)
    assert len(urls) > 30 and {expected(url) and expected(url)[0] for url in urls} == {
        None, 'maintenance', 'inventory', 'routing', 'mail', 'admin'}, urls
    wrong = []
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        want, found = expected(url), marked(page)
        if want is None:
            if found:
                wrong.append(f'{url}: marks {found}, expected nothing')
            continue
        labels = LABELS[language]
        if not found or (found[0], found[2]) != want or found[1].strip() != labels[want[0]] or (
                want[1] in labels and found[3].strip() != labels[want[1]]):
            wrong.append(f'{url}: marks {found}, expected {want}')
            continue
        # The section's pages under the header, the current one marked there too.
        subnav = page.split('<nav class="subnav')[1].split('</nav>')[0]
        assert re.search(r'aria-current="page">' + re.escape(found[3]), subnav), url
    assert not wrong, '\n'.join(wrong)


def test_admin_section_only_for_admins(as_role):
    viewer = as_role('viewer').get('/').get_data(as_text=True)
    admin = as_role('admin', username='boss').get('/').get_data(as_text=True)
    assert 'section-admin' not in viewer and 'section-inventory' in viewer
    assert 'section-admin' in admin
    assert re.findall(r'class="item-(\w[\w-]*)"', admin.split('section-admin')[1])[:3] == [
        'users', 'audit', 'tokens']


def test_endpoints_without_a_section_and_blueprint_fallbacks():
    assert navigation.current('dashboard.index') == (None, None)
    assert navigation.current(None) == (None, None)
    assert navigation.current('inventory.edit', {'kind': 'sites', 'row_id': 3}) == (
        'inventory', 'sites')
    assert navigation.current('answers.remind', {'window_id': 1}) == ('maintenance', 'windows')
    assert navigation.current('outbox.capture_show', {'name': 'x'}) == ('mail', 'capture')
    assert navigation.current('outbox.show', {'message_id': 1}) == ('mail', 'outbox')


def attention(page):
    """The front page's "Needs attention" section, which must come first."""
    assert page.index('id="attention"') < page.index('id="next-windows"')
    return page.split('id="attention"')[1].split('</section>')[0]


def test_the_front_page_leads_with_what_needs_attention(app, as_role):
    engineer = as_role('engineer')
    calm = attention(engineer.get('/').get_data(as_text=True))
    assert 'Nothing needs attention now.' in calm and 'class="cards"' not in calm
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        build_network()
        window = confirmed()
        # The work began and ran past its planned end without being completed.
        hour = datetime.timedelta(hours=1)
        MaintenanceWindow.update(status=WindowStatus.IN_PROCESS, starts_at=utcnow() - 3 * hour,
                                 ends_at=utcnow() - hour).where(
            MaintenanceWindow.id == window.id).execute()
        OutboxMessage.update(state=MessageState.FAILED).execute()
        reference = window.reference
        database.close()
    page = engineer.get('/').get_data(as_text=True)
    first = attention(page)
    assert 'Nothing needs attention' not in first
    assert f'data-reference="{reference}"' in first.split('id="overrunning"')[1]
    assert re.search(r'class="messages-failed alarm">.*?<strong>[1-9]', first, re.S)
    # Counts that need nobody stay below, in the overview.
    assert 'messages-queued' not in first and 'inventory-circuits' not in first
    assert 'Times in America/Sao_Paulo.' in page
