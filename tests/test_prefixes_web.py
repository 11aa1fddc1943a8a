"""Prefix tracking in the browser, on both engines: the request form (and its
refusals line by line), the decisions on the request page with their audit
rows and mails to the BGP contact, the prefix page's evidence and history,
router prefix-lists, and the routing data page with its chart and alerts.

RPKI data comes from a VRP file in rpki-client's JSON layout (written here,
and the real StayRTR export from the shared data); IRR data from an RPSL dump
loaded into Janela's own tables. No IRRd server is configured, so a new
request is checked as soon as it is stored.
"""
import datetime
import json
import re

import helpers.routing_fixtures as flow
import pytest
from conftest import db, prepared_app
from helpers.shared_data import path as shared_path

from noc.core.db import database
from noc.models import AuditLog, Circuit, Contact, Customer, CustomerAsn, OutboxMessage, Site
from noc.models.routing import PrefixHistory, PrefixRequest, RoutingAlert, TrackedPrefix
from noc.routing import alerts
from noc.routing.irr import store as irr_store
from noc.routing.rpki import snapshots

pytestmark = pytest.mark.usefixtures('quick_password_hash')
UTC = datetime.timezone.utc
FAR = int(datetime.datetime(2099, 1, 1, tzinfo=UTC).timestamp())

# What the request asks for, and what RPKI and the IRR below make of it:
#   192.0.2.0/24      ROA AS64500, route object in TC          -> accept
#   198.51.100.0/24   ROA of AS64501 only                      -> reject (RPKI invalid)
#   203.0.113.0/24    no ROA, route object in TC               -> attention
#   2001:db8:1::/48   ROA 2001:db8::/32-48 (loose maxLength)   -> accept, with a warning
REQUEST_TEXT = ('192.0.2.0/24\n'
                '198.51.100.0/24 AS64500\n'
                '203.0.113.0/24\n'
                '2001:db8:1::/48 AS64500\n')
RPSL = """route:  192.0.2.0/24
origin: AS64500
source: TC

route:  203.0.113.0/24
origin: AS64500
source: TC

as-set:  AS-ACME
members: AS64500
source:  TC
"""


def vrp_file(tmp_path, roas, name='vrps.json'):
    """A VRP export in rpki-client's JSON layout."""
    target = tmp_path / name
    target.write_text(json.dumps({
        'metadata': {'buildtime': '2026-01-01T00:00:00Z', 'vrps': len(roas)},
        'roas': [{'asn': asn, 'prefix': prefix, 'maxLength': length, 'ta': 'test',
                  'expires': FAR} for asn, prefix, length in roas]}))
    return str(target)


ROAS = [(64500, '192.0.2.0/24', 24), (64501, '198.51.100.0/24', 24),
        (64500, '2001:db8::/32', 48)]


@pytest.fixture
def app(db_url):
    """Lab mode (documentation prefixes and ASNs), and engineers decide every prefix."""
    yield prepared_app(db_url, prefixes={'lab': True, 'auto_approve': False})
    if not database.is_closed():
        database.close()


@pytest.fixture
def world(app, tmp_path):
    """An ISP with an IP transit session and a BGP contact, an enterprise
    customer without one, RPKI and IRR data loaded."""
    # Each test's database numbers its snapshots from 1 again; the process-wide
    # index cache is keyed by those ids, so another test's VRPs must not linger.
    snapshots._cache.update(key=None, index=None)
    with db(app):
        site = Site.create(code='BHZ01', name='BHZ01', city='Belo Horizonte', state='MG')
        acme = Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
        CustomerAsn.create(customer=acme, asn=64500)
        session = Circuit.create(circuit_id='JAN-IPT-001', customer=acme, service='ip-transit',
                                 a_site=site, bgp_asn=64500, bgp_as_set='AS-ACME')
        other = Circuit.create(circuit_id='JAN-IPT-002', customer=acme, service='ip-transit',
                               a_site=site, bgp_asn=64500)
        Contact.create(customer=acme, name='Bia Rede', email='bgp@acme.example.com',
                       role_bgp=True, language='en')
        Contact.create(customer=acme, name='Financeiro', email='fin@acme.example.com',
                       role_commercial=True)
        globex = Customer.create(account_id='GLOBEX-7', name='Globex Corp', kind='enterprise')
        l2 = Circuit.create(circuit_id='JAN-L2-009', customer=globex, service='l2-transport',
                            a_site=site)
        assert flow.load_vrps('test', vrp_file(tmp_path, ROAS)).good
        dump = tmp_path / 'tc.db'
        dump.write_text(RPSL)
        load, _ = irr_store.load_dump(str(dump), 'TC')
        assert load.status == 'good', load.error
        return dict(acme=acme.id, session=session.id, other=other.id, globex=globex.id,
                    l2=l2.id)


def submit(browser, world, text=REQUEST_TEXT, **extra):
    return browser.post_form('/prefixes/new', {'customer': world['acme'],
                                               'circuit': world['session'],
                                               'prefixes': text, 'note': 'new /24s', **extra})


def rows_by_prefix(app):
    with db(app):
        return {r.prefix: r for r in TrackedPrefix.select()}


def request_id(response):
    match = re.search(r'/prefixes/requests/(\d+)$', response.headers['Location'])
    assert match, response.headers.get('Location')
    return int(match.group(1))


def act(browser, req_id, action, prefixes, reason=''):
    return browser.post_form(f'/prefixes/requests/{req_id}/act',
                             {'action': action, 'prefix': prefixes, 'reason': reason},
                             page_url=f'/prefixes/requests/{req_id}')


def prefix_mails(app):
    with db(app):
        return list(OutboxMessage.select().where(OutboxMessage.kind == 'prefix')
                    .order_by(OutboxMessage.id))


# -- submitting ---------------------------------------------------------------

def test_an_engineer_submits_a_request_and_sees_the_verdicts_at_once(app, world, as_role):
    engineer = as_role('engineer')
    form = engineer.get('/prefixes/new').get_data(as_text=True)
    assert 'Acme Provedor — JAN-IPT-001' in form and 'JAN-L2-009' not in form
    response = submit(engineer, world)
    assert response.status_code == 302
    rows = rows_by_prefix(app)
    assert {p: (r.state, r.verdict, r.rpki_state, r.irr_state) for p, r in rows.items()} == {
        '192.0.2.0/24': ('checked', 'accept', 'valid', 'match'),
        '198.51.100.0/24': ('checked', 'reject', 'invalid', 'none'),
        '203.0.113.0/24': ('checked', 'attention', 'not-found', 'match'),
        '2001:db8:1::/48': ('checked', 'accept', 'valid', 'none'),
    }
    assert {r.origin for r in rows.values()} == {64500}       # the session's ASN by default
    with db(app):
        stored = PrefixRequest.get()
        assert (stored.as_set, stored.via, stored.note) == ('AS-ACME', 'web', 'new /24s')
        assert AuditLog.get(AuditLog.entity == 'prefix_request').entity_id == stored.id
    page = engineer.get(response.headers['Location']).get_data(as_text=True)
    assert 'Request PR-%d stored with 4 prefixes.' % stored.id in page
    assert 'RPKI invalid: the covering ROAs authorise other origins' in page
    assert 'class="finding error" data-code="rpki_invalid_as"' in page
    assert 'class="finding warning" data-code="rpki_loose"' in page
    assert 'Bia Rede' in page and 'Financeiro' not in page       # who gets the mails
    assert [m.recipient for m in prefix_mails(app)] == ['bgp@acme.example.com']


def test_with_an_irrd_server_configured_the_worker_checks_the_request(app, world, as_role):
    # Nothing listens there: a check from inside the request would hang or fail.
    app.config['NOC']['irr']['servers'] = ['127.0.0.1:9']
    engineer = as_role('engineer')
    response = submit(engineer, world)
    assert response.status_code == 302
    assert {r.state for r in rows_by_prefix(app).values()} == {'received'}
    page = engineer.get(response.headers['Location']).get_data(as_text=True)
    assert 'The worker checks the prefixes against RPKI and the IRR within a minute.' in page
    assert page.count('not checked yet') >= 4


def test_the_queue_shows_checked_prefixes_worst_first_and_filters(app, world, as_role):
    engineer = as_role('engineer')
    submit(engineer, world)
    page = engineer.get('/prefixes/').get_data(as_text=True)
    order = re.findall(r'<tr class="prefix verdict-(\w+)"', page)
    assert order == ['reject', 'attention', 'accept', 'accept']
    assert 'Recent requests' in page and 'checked: 4' in page
    only = engineer.get('/prefixes/?verdict=attention').get_data(as_text=True)
    assert '203.0.113.0/24' in only and '198.51.100.0/24' not in only
    other = engineer.get(f'/prefixes/?customer={world["globex"]}').get_data(as_text=True)
    assert 'No prefix matches.' in other
    for junk in ('?state=nonsense', '?customer=99999999999999999999999', '?page=-4',
                 '?verdict=%00'):
        assert engineer.get('/prefixes/' + junk).status_code == 200
    assert 'PR-' in engineer.get('/prefixes/requests/').get_data(as_text=True)


def test_bad_lines_are_listed_with_their_numbers_and_nothing_is_stored(app, world, as_role):
    engineer = as_role('engineer')
    text = '192.0.2.0/24\n192.0.2.0/33\n192.0.2.300/24\n10.0.0.0/8 AS64500\n'
    response = submit(engineer, world, text=text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    bad = dict(re.findall(r'<tr data-line="(\d+)"><td class="num">\d+</td><td><code>([^<]*)',
                          page))
    assert set(bad) == {'2', '3', '4'}
    assert bad['3'] == '192.0.2.300/24' and '192.0.2.300 is not an IP address' in page
    assert '10.0.0.0/8' in bad['4'] and 'RFC 1918' in page
    assert '192.0.2.0/24\n192.0.2.0/33\n192.0.2.300/24' in page   # the text is kept
    with db(app):
        assert PrefixRequest.select().count() == 0 and TrackedPrefix.select().count() == 0


def test_a_length_outside_the_limits_needs_the_noc_override(app, world, as_role):
    engineer = as_role('engineer')
    refused = submit(engineer, world, text='192.0.2.128/25')
    assert refused.status_code == 400 and 'longer than /24' in refused.get_data(as_text=True)
    accepted = submit(engineer, world, text='192.0.2.128/25', allow_length='1')
    assert accepted.status_code == 302
    row = rows_by_prefix(app)['192.0.2.128/25']
    assert row.length_override and row.rpki_state == 'invalid'   # the /24 ROA is too short
    page = engineer.get(f'/prefixes/{row.id}').get_data(as_text=True)
    assert 'VRPs of this origin with too short a maxLength' in page
    assert '192.0.2.0/24-24 AS64500' in page


def test_fields_are_checked_without_a_server_error(app, world, as_role):
    engineer = as_role('engineer')
    cases = [
        ({'customer': '', 'circuit': ''}, 'Choose the customer.'),
        ({'circuit': ''}, 'choose the BGP session'),
        ({'customer': world['globex'], 'circuit': world['l2']}, 'not IP transit'),
        ({'customer': world['globex']}, 'belongs to another customer'),
        ({'as_set': 'NOT A SET'}, 'is not an AS-SET name'),
        ({'as_set': 'AS-' + 'X' * 200}, 'at most 128 characters'),
        ({'prefixes': ''}, 'enter at least one prefix'),
        ({'prefixes': '192.0.2.0/24\n' * 33_000}, 'The text is too long'),
        ({'circuit': '99999999999999999999999', 'customer': 'x'}, 'Choose the customer.'),
    ]
    for fields, message in cases:
        data = {'customer': world['acme'], 'circuit': world['session'],
                'prefixes': '192.0.2.0/24', **fields}
        response = engineer.post_form('/prefixes/new', data)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    with db(app):
        assert PrefixRequest.select().count() == 0


# -- decisions ----------------------------------------------------------------

def test_approve_configure_and_reject_through_the_request_page(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    rows = rows_by_prefix(app)
    good, invalid = rows['192.0.2.0/24'], rows['198.51.100.0/24']
    mails_before = len(prefix_mails(app))

    assert act(engineer, req_id, 'approve', [good.id]).status_code == 302
    refused = act(engineer, req_id, 'approve', [invalid.id])
    assert refused.status_code == 400
    assert 'the verdict is reject: say why you approve it anyway' in refused.get_data(
        as_text=True)
    assert act(engineer, req_id, 'reject', [invalid.id], 'RPKI invalid: ROA names AS64501'
               ).status_code == 302
    assert act(engineer, req_id, 'configure', [good.id]).status_code == 302
    wrong = act(engineer, req_id, 'configure', [invalid.id])
    assert wrong.status_code == 400 and \
        '&#34;mark configured&#34; does not apply to a prefix in state &#34;rejected&#34;' in \
        wrong.get_data(as_text=True)

    rows = rows_by_prefix(app)
    assert rows['192.0.2.0/24'].state == 'configured'
    assert rows['198.51.100.0/24'].state == 'rejected'
    assert rows['198.51.100.0/24'].decision_reason == 'RPKI invalid: ROA names AS64501'
    assert rows['203.0.113.0/24'].state == 'checked'
    with db(app):
        logged = [(e.action, e.entity_id, e.username) for e in AuditLog.select().where(
            AuditLog.entity == 'tracked_prefix').order_by(AuditLog.id)]
    assert logged == [('approve', good.id, 'engineer'), ('reject', invalid.id, 'engineer'),
                      ('configure', good.id, 'engineer')]
    mails = prefix_mails(app)[mails_before:]
    assert [m.recipient for m in mails] == ['bgp@acme.example.com'] * 3
    assert [m.subject.split('] ')[1] for m in mails] == [
        'Prefixes approved', 'Prefixes rejected', 'Prefixes configured on our routers']
    assert all(f'[PR-{req_id}]' in m.subject for m in mails)


def test_every_prefix_the_action_applies_to_and_check_again(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    response = engineer.post_form(f'/prefixes/requests/{req_id}/act',
                                  {'action': 'reject', 'all': '1', 'reason': 'not ours'},
                                  page_url=f'/prefixes/requests/{req_id}')
    assert response.status_code == 302
    assert {r.state for r in rows_by_prefix(app).values()} == {'rejected'}
    again = engineer.post_form(f'/prefixes/requests/{req_id}/act',
                               {'action': 'recheck', 'all': '1'},
                               page_url=f'/prefixes/requests/{req_id}')
    assert again.status_code == 302
    # Checked again at once (no IRRd server to wait for).
    assert {r.state for r in rows_by_prefix(app).values()} == {'checked'}
    for data in ({'action': 'explode', 'all': '1'}, {'action': 'approve'},
                 {'action': 'withdraw', 'all': '1'},
                 {'action': 'approve', 'prefix': ['abc', '99999999999999999999999']}):
        refused = engineer.post_form(f'/prefixes/requests/{req_id}/act', data,
                                     page_url=f'/prefixes/requests/{req_id}')
        assert refused.status_code == 400, data
        assert 'The action was refused' in refused.get_data(as_text=True)


def test_a_prefix_of_another_request_cannot_be_acted_on_from_this_page(app, world, as_role):
    engineer = as_role('engineer')
    first = request_id(submit(engineer, world, text='192.0.2.0/24'))
    second = request_id(submit(engineer, world, text='203.0.113.0/24'))
    foreign = rows_by_prefix(app)['192.0.2.0/24']
    response = act(engineer, second, 'approve', [foreign.id])
    assert response.status_code == 400 and first != second
    assert rows_by_prefix(app)['192.0.2.0/24'].state == 'checked'


def test_a_viewer_reads_but_cannot_act(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    good = rows_by_prefix(app)['192.0.2.0/24']
    with db(app):
        alert_id = alerts.raise_source('rpki-source', 'x', 'rpki_refused',
                                       {'source': 'x', 'error': 'boom'}).id
    viewer = as_role('viewer')
    for url in ('/prefixes/', '/prefixes/requests/', f'/prefixes/requests/{req_id}',
                f'/prefixes/{good.id}', f'/prefixes/filters/{world["acme"]}', '/routing/',
                '/routing/rpki/test', '/'):
        assert viewer.get(url).status_code == 200, url
    page = viewer.get(f'/prefixes/requests/{req_id}').get_data(as_text=True)
    assert 'name="action"' not in page and 'type="checkbox" name="prefix"' not in page
    assert viewer.get('/prefixes/new').status_code == 403
    assert act(viewer, req_id, 'approve', [good.id]).status_code == 403
    assert viewer.post_form('/prefixes/new', {'customer': world['acme']},
                            page_url='/prefixes/').status_code == 403
    assert viewer.post_form(f'/routing/alerts/{alert_id}/close', {},
                            page_url='/routing/').status_code == 403
    assert rows_by_prefix(app)['192.0.2.0/24'].state == 'checked'
    with db(app):
        assert RoutingAlert.get_by_id(alert_id).closed_at is None


def test_posts_without_the_csrf_token_are_refused(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    good = rows_by_prefix(app)['192.0.2.0/24']
    response = engineer.client.post(f'/prefixes/requests/{req_id}/act',
                                    data={'action': 'approve', 'prefix': good.id})
    assert response.status_code == 400
    assert rows_by_prefix(app)['192.0.2.0/24'].state == 'checked'


# -- the prefix page ------------------------------------------------------------

def test_the_prefix_page_shows_evidence_history_and_alerts(app, world, as_role, tmp_path):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    rows = rows_by_prefix(app)
    invalid, loose, good = rows['198.51.100.0/24'], rows['2001:db8:1::/48'], rows['192.0.2.0/24']
    act(engineer, req_id, 'reject', [invalid.id], 'ROA of another AS')

    page = engineer.get(f'/prefixes/{invalid.id}').get_data(as_text=True)
    assert 'Covering VRPs of other origins' in page and '198.51.100.0/24-24 AS64501' in page
    history = re.findall(r'<tr class="event-(\w+)">', page)
    assert history == ['rejected', 'checked', 'submitted']
    assert 'ROA of another AS' in page

    page = engineer.get(f'/prefixes/{loose.id}').get_data(as_text=True)
    assert 'id="loose-max-length"' in page and '2001:db8::/32-48 AS64500' in page
    assert 'RFC 9319' in page

    page = engineer.get(f'/prefixes/{good.id}').get_data(as_text=True)
    assert '<tr data-source="TC"><td>TC</td><td><span class="tag match">AS64500</span>' in page
    assert 'AS64500 is a member of AS-ACME.' in page

    # The ROA changes origin: revalidation raises an alert shown on the prefix page.
    act(engineer, req_id, 'approve', [good.id])
    with db(app):
        moved = [(64499, '192.0.2.0/24', 24)] + ROAS[1:]
        assert flow.load_vrps('test', vrp_file(tmp_path, moved, 'moved.json')).good
        outcome = flow.revalidate()
        assert outcome.changed == 1
    page = engineer.get(f'/prefixes/{good.id}').get_data(as_text=True)
    assert '192.0.2.0/24 AS64500: RPKI valid → invalid' in page
    assert re.findall(r'<tr class="event-(\w+)">', page)[0] == 'revalidated'


def test_unknown_ids_are_not_found(app, world, as_role):
    viewer = as_role('viewer')
    for url in ('/prefixes/0', '/prefixes/99999999999999999999999', '/prefixes/requests/7',
                '/prefixes/requests/99999999999999999999999', '/prefixes/filters/12345',
                '/prefixes/filters/99999999999999999999999', '/routing/rpki/nothing',
                '/routing/rpki/' + 'x' * 300):
        assert viewer.get(url).status_code == 404, url
    engineer = as_role('engineer')
    assert engineer.post_form('/routing/alerts/424242/close', {},
                              page_url='/routing/').status_code == 404


def test_nul_bytes_and_odd_values_never_reach_the_database_raw(app, world, as_role):
    engineer = as_role('engineer')
    assert engineer.get('/routing/rpki/te%00st').status_code == 404
    for url in ('/prefixes/?customer=1%00', '/prefixes/?state=%00&verdict=%00',
                f'/prefixes/filters/{world["acme"]}?format=cis%00co&name=A%00B&session=%00'):
        assert engineer.get(url).status_code in (200, 400), url
    response = submit(engineer, world, text='192.0.2.0/24\x00\n', as_set='AS-ACME\x00',
                      note='a\x00b')
    assert response.status_code == 302
    with db(app):
        assert PrefixRequest.get().note == 'ab'


# -- prefix-lists -------------------------------------------------------------

def test_the_prefix_list_holds_the_configured_prefixes(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    rows = rows_by_prefix(app)
    ids = [rows['192.0.2.0/24'].id, rows['2001:db8:1::/48'].id]
    act(engineer, req_id, 'approve', ids)
    act(engineer, req_id, 'configure', ids)
    base = f'/prefixes/filters/{world["acme"]}'

    download = engineer.get(base + '?format=cisco&family=4&download=1')
    assert download.status_code == 200
    assert download.headers['Content-Type'].startswith('text/plain')
    assert download.headers['Content-Disposition'] == \
        'attachment; filename="JANELA-ACME-1-cisco.txt"'
    assert download.get_data(as_text=True) == ('no ip prefix-list JANELA-ACME-1\n'
                                               'ip prefix-list JANELA-ACME-1 permit '
                                               '192.0.2.0/24\n')
    both = engineer.get(base + '?format=juniper&download=1&name=ACME-IN').get_data(as_text=True)
    assert 'prefix-list ACME-IN {' in both and '2001:db8:1::/48;' in both
    assert '203.0.113.0/24' not in both                  # checked, not configured
    # BIRD's symbols allow no '-': the default name follows.
    bird = engineer.get(base + f'?format=bird&session={world["session"]}').get_data(as_text=True)
    assert 'JANELA_JAN_IPT_001_v4 = [' in bird
    empty = engineer.get(base + f'?format=plain&session={world["other"]}&download=1')
    assert empty.status_code == 200 and empty.get_data(as_text=True) == ''

    for query, message in (('?format=ios-xx', 'unknown format ios-xx'),
                           ('?format=cisco&family=5', 'Choose the address family'),
                           ('?format=cisco&name=bad%20name', 'may only contain letters'),
                           (f'?session={world["l2"]}', 'has no such BGP session'),
                           ('?session=99999999999999999999999', 'has no such BGP session')):
        response = engineer.get(base + query + '&download=1')
        assert response.status_code == 400, query
        assert message in response.get_data(as_text=True), query


# -- routing data ---------------------------------------------------------------

def test_the_routing_page_shows_sources_and_the_chart_after_revalidation(app, world, as_role):
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world))
    stayrtr = shared_path('rpki', 'stayrtr-test.rpki.json')
    with db(app):
        # As if loaded when StayRTR's export was new: old enough to be stale now.
        assert flow.load_vrps('stayrtr', stayrtr,
                              now=datetime.datetime(2023, 7, 28, tzinfo=UTC)).good
        refused = flow.load_vrps('broken', '/nonexistent/vrps.json')
        assert not refused.good
    page = engineer.get('/routing/').get_data(as_text=True)
    assert '<svg' not in page and 'No revalidation has run yet' in page
    test_row = re.search(r'<tr class="source" data-source="test">(.*?)</tr>', page, re.S)
    assert test_row and '>2</td>' in test_row.group(1) and '>1</td>' in test_row.group(1)
    stale_row = re.search(r'data-source="stayrtr">(.*?)</tr>', page, re.S).group(1)
    assert 'stale (older than 6 h)' in stale_row
    assert 'class="source problem" data-source="broken"' in page
    assert 'RPKI source broken: load refused' in page          # its alert
    assert '<tr class="source" data-source="TC">' in page
    assert 'No IRRd server configured' in page

    rows = rows_by_prefix(app)
    act(engineer, req_id, 'approve', [rows['192.0.2.0/24'].id, rows['2001:db8:1::/48'].id])
    act(engineer, req_id, 'approve', [rows['198.51.100.0/24'].id], 'customer insists')
    with db(app):
        flow.revalidate(now=datetime.datetime.now(UTC) - datetime.timedelta(hours=2))
        flow.revalidate()
    page = engineer.get('/routing/').get_data(as_text=True)
    assert '<svg' in page and page.count('<polyline') == 3
    assert 'class="series invalid"' in page and '<title id="chart-title">' in page
    numbers = re.findall(r'<td class="num">(\d+)</td><td class="num">(\d+)</td>'
                         r'<td class="num">(\d+)</td></tr>', page)
    assert numbers == [('2', '1', '0'), ('2', '1', '0')]

    history = engineer.get('/routing/rpki/broken').get_data(as_text=True)
    assert '/nonexistent/vrps.json' in history and 'refused' in history


def test_an_engineer_closes_an_alert(app, world, as_role):
    with db(app):
        flow.load_vrps('broken', '/nonexistent/vrps.json')
        alert = RoutingAlert.get(RoutingAlert.source == 'broken')
    engineer = as_role('engineer')
    dashboard = engineer.get('/').get_data(as_text=True)
    assert re.search(r'<strong>1</strong> Open routing alerts', dashboard)
    assert re.search(r'<strong>1</strong> Routing sources failing or stale', dashboard)
    response = engineer.post_form(f'/routing/alerts/{alert.id}/close',
                                  {'next': 'https://evil.example.com/'}, page_url='/routing/')
    assert response.status_code == 302
    assert response.headers['Location'].endswith('/routing/#alerts')
    with db(app):
        closed = RoutingAlert.get_by_id(alert.id)
        assert closed.closed_at is not None and closed.closed_by == 'engineer'
        entry = AuditLog.get(AuditLog.entity == 'routing_alert')
        assert (entry.action, entry.entity_id) == ('close', alert.id)
    page = engineer.get('/routing/').get_data(as_text=True)
    assert f'data-alert="{alert.id}"' not in page
    again = engineer.post_form(f'/routing/alerts/{alert.id}/close', {}, page_url='/routing/')
    assert again.status_code == 302
    with db(app):
        assert AuditLog.select().where(AuditLog.entity == 'routing_alert').count() == 1


def test_the_dashboard_counts_prefixes_waiting_for_a_decision(app, world, as_role):
    engineer = as_role('engineer')
    submit(engineer, world)
    page = engineer.get('/').get_data(as_text=True)
    assert re.search(r'<strong>4</strong> Prefixes waiting for a decision', page)
    assert re.search(r'<strong>0</strong> Open routing alerts', page)
    with db(app):
        assert PrefixHistory.select().count() == 8        # submitted and checked, each


def test_an_over_long_reason_is_refused_by_the_command_not_cut(app, world, as_role):
    from noc.core.limits import MAX_REASON
    engineer = as_role('engineer')
    req_id = request_id(submit(engineer, world, text='192.0.2.0/24'))
    row = rows_by_prefix(app)['192.0.2.0/24']
    refused = act(engineer, req_id, 'reject', [row.id], 'r' * (MAX_REASON + 1))
    assert refused.status_code == 400
    assert 'The reason is too long (at most 2000 characters).' in refused.get_data(as_text=True)
    assert rows_by_prefix(app)['192.0.2.0/24'].state == row.state
