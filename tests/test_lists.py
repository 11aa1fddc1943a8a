"""List pages: sortable columns (whitelisted, stable, kept with filters and pages),
circuit search by site and city, and filters reachable in the page."""
import datetime
import html
import re

import pytest
from test_inventory_web import listed, seed

pytestmark = pytest.mark.usefixtures('quick_password_hash')


@pytest.fixture
def viewer(app, as_role):
    seed(app)
    return as_role('viewer')


def _body(response):
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_circuits_sort_by_customer_both_ways_on_both_engines(viewer):
    # Customer names: Banco Exemplo (FLN-L2-0001) before Provedor Gaúcho (the two POA-IPT).
    up = listed(viewer.get('/inventory/circuits/?sort=customer&dir=asc'), 'circuits')
    down = listed(viewer.get('/inventory/circuits/?sort=customer&dir=desc'), 'circuits')
    # Ties (the two Gaúcho circuits) are ordered by id, the same way as the column.
    assert up == ['FLN-L2-0001', 'POA-IPT-0001', 'POA-IPT-0002']
    assert down == ['POA-IPT-0002', 'POA-IPT-0001', 'FLN-L2-0001']
    # The export of a sorted list (its link keeps the sort) holds every row.
    export = viewer.get('/inventory/circuits/?sort=customer&dir=desc&format=csv')
    assert export.status_code == 200
    assert sorted(line.split(',')[0] for line in export.get_data(as_text=True).lstrip('\ufeff')
                  .splitlines()[1:] if line[:1].isupper()) == \
        ['FLN-L2-0001', 'POA-IPT-0001', 'POA-IPT-0002']


def test_sites_sort_by_city_on_both_engines(viewer):
    rows = listed(viewer.get('/inventory/sites/?sort=city&dir=desc'), 'sites')
    assert rows == ['POA-01', 'FLN-DC', 'CXS-01']      # Porto Alegre, Florianópolis, Caxias


@pytest.mark.parametrize('engine', ['sqlite'], indirect=True)
@pytest.mark.parametrize('query', ['sort=nonsense', 'sort=notes&dir=up', 'dir=sideways',
                                   'sort=id;drop table circuit', 'sort=&dir='])
def test_a_bad_sort_gives_the_default_order(viewer, query):
    assert listed(viewer.get('/inventory/circuits/?' + query), 'circuits') == \
        ['FLN-L2-0001', 'POA-IPT-0001', 'POA-IPT-0002']


@pytest.mark.parametrize('engine', ['sqlite'], indirect=True)
def test_headers_link_their_sort_with_aria_and_keep_the_filters(viewer):
    body = _body(viewer.get('/inventory/circuits/?service=ip-transit&sort=bandwidth_mbps'
                            '&dir=desc&page=1'))
    header = re.search(r'<th scope="col"[^>]*aria-sort="descending"[^>]*>(.*?)</th>', body, re.S)
    assert header and 'sort=bandwidth_mbps' in header.group(1) and '▼' in header.group(1)
    # Clicking it again flips the direction; the filter stays, the page goes.
    link = re.search(r'href="([^"]*sort=bandwidth_mbps[^"]*)"', header.group(1)).group(1)
    assert 'dir=asc' in link and 'service=ip-transit' in link and 'page=' not in link
    # The other sortable headers say they are not sorted; the filter form keeps the sort.
    assert 'aria-sort="none"' in body
    assert re.search(r'<input type="hidden" name="sort" value="bandwidth_mbps">', body)


@pytest.mark.parametrize('engine', ['sqlite'], indirect=True)
@pytest.mark.parametrize('text, expected', [
    ('cxs-01', ['POA-IPT-0002']),                          # a site code (A end)
    ('caxias', ['POA-IPT-0002']),                          # a city, any case
    ('florianopolis', ['FLN-L2-0001']),                    # a city, without accents
    ('porto alegre', ['FLN-L2-0001', 'POA-IPT-0001']),     # Z end counts too
    ('banco', ['FLN-L2-0001']),                            # the customer's name
])
def test_circuit_search_covers_sites_cities_and_customers(viewer, text, expected):
    assert listed(viewer.get('/inventory/circuits/', query_string={'q': text}),
                  'circuits') == expected


@pytest.mark.parametrize('engine', ['sqlite'], indirect=True)
def test_circuit_filters_are_in_the_page(viewer):
    body = _body(viewer.get('/inventory/circuits/'))
    form = body[body.index('<form method="get"'):]
    form = form[:form.index('</form>')]
    for name in ('q', 'service', 'status', 'site', 'segment', 'customer', 'group'):
        assert re.search(rf'name="{name}"', form), name
    assert re.search(r'name="customer"[^>]*data-search="/search/customers"', form)
    # Typed into the box, a site code filters as the query string does.
    assert listed(viewer.get('/inventory/circuits/?site=fln-dc'), 'circuits') == ['FLN-L2-0001']


# Maintenance windows -----------------------------------------------------------

def _windows(app, clock):
    """Three upcoming windows: MW-A outage in 3 days, MW-B no impact in 1 day,
    MW-C degraded in 2 days (references in the order of their ids)."""
    from conftest import db

    from noc.models import Impact, MaintenanceWindow
    now = clock.now()
    with db(app):
        for reference, days, impact in (('MW-A', 3, Impact.OUTAGE), ('MW-B', 1, Impact.NO_IMPACT),
                                        ('MW-C', 2, Impact.DEGRADED)):
            starts = now + datetime.timedelta(days=days)
            MaintenanceWindow.create(reference=reference, uid=reference, title_pt=reference,
                                     title_en=reference, starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=2), impact=impact)


def _references(response):
    return re.findall(r'<tr data-reference="([^"]+)"', _body(response))


def test_windows_sort_by_impact_severity_and_by_time_on_both_engines(app, as_role, clock):
    _windows(app, clock)
    viewer = as_role('viewer')
    assert _references(viewer.get('/maintenance')) == ['MW-B', 'MW-C', 'MW-A']   # soonest first
    assert _references(viewer.get('/maintenance?sort=impact&dir=desc')) == ['MW-A', 'MW-C', 'MW-B']
    assert _references(viewer.get('/maintenance?sort=reference&dir=desc')) == \
        ['MW-C', 'MW-B', 'MW-A']
    assert _references(viewer.get('/maintenance?sort=when&dir=desc')) == ['MW-A', 'MW-C', 'MW-B']
    # A sort the list does not offer is the default order, not an error.
    assert _references(viewer.get('/maintenance?sort=title_pt')) == ['MW-B', 'MW-C', 'MW-A']


# Every list, every column ----------------------------------------------------

def _sortable_lists():
    from noc.web.accounts.admin import USER_SORTS
    from noc.web.inventory.ordering import SORTS as INVENTORY
    from noc.web.mail.inbox import SORTS as INBOX
    from noc.web.mail.outbox import LIST_SORTS as OUTBOX
    from noc.web.maintenance.filters import SORTS as WINDOWS
    from noc.web.maintenance.reschedules import QUEUE_SORTS as RESCHEDULES
    from noc.web.routing.prefixes import QUEUE_SORTS, REQUEST_SORTS
    lists = {f'/inventory/{kind}/': columns for kind, columns in INVENTORY.items()}
    lists.update({'/maintenance': WINDOWS, '/maintenance?past=1': WINDOWS,
                  '/prefixes/': QUEUE_SORTS, '/prefixes/requests/': REQUEST_SORTS,
                  '/messages': OUTBOX, '/inbox/': INBOX, '/admin/users/': USER_SORTS,
                  '/reschedules/?state=all': RESCHEDULES})
    return lists


def test_every_sortable_column_of_every_list_answers_on_both_engines(app, as_role):
    seed(app)
    admin = as_role('admin')
    for url, columns in _sortable_lists().items():
        joiner = '&' if '?' in url else '?'
        for column in columns:
            for direction in ('asc', 'desc'):
                body = _body(admin.get(f'{url}{joiner}sort={column}&dir={direction}'))
                state = 'ascending' if direction == 'asc' else 'descending'
                assert re.search(rf'<th scope="col"[^>]*aria-sort="{state}"', body), (url, column)


@pytest.mark.parametrize('engine', ['sqlite'], indirect=True)
def test_pages_keep_the_sort_and_never_overlap(db_url):
    from conftest import Browser, create_user, db, prepared_app

    from noc.inventory import commands
    from noc.inventory.entities import ENTITIES
    app = prepared_app(db_url, web={'page_size': 10})
    seed(app)
    with db(app):
        create_user('viewer')
        # Gaúcho: 2 + 11 circuits, all tied on the customer's name; Banco: 1.
        for n in range(11):
            commands.create(ENTITIES['circuits'], {
                'circuit_id': f'POA-L2-{n:04d}', 'customer': 'C-1001',
                'service': 'l2-transport', 'a_site': 'POA-01'}, 'test')
    viewer = Browser(app)
    viewer.login('viewer')
    first = viewer.get('/inventory/circuits/?sort=customer&dir=desc')
    following = re.search(r'<a rel="next" href="([^"]+)"', _body(first)).group(1)
    assert 'sort=customer' in following and 'dir=desc' in following
    page1, page2 = listed(first, 'circuits'), listed(viewer.get(following), 'circuits')
    assert len(page1) == 10 and len(page2) == 4 and not set(page1) & set(page2)
    # The tie is broken by id, in the column's direction: the newest circuit first.
    assert page1[0] == 'POA-L2-0010' and page2[-1] == 'FLN-L2-0001'
