"""GET /search/<kind>: the pickers' rows, for logged-in people only, bounded, never a 500."""
import pytest

from noc.core.db import database
from noc.core.text import search_key
from noc.models import Circuit, CircuitStatus, Customer, CustomerKind, Segment, SegmentKind, Service, Site


def _site(code, name, city):
    return Site.create(code=code, name=name, city=city, state='MG',
                       search_text=search_key(code, name, city))


def _customer(account_id, name):
    return Customer.create(account_id=account_id, name=name, kind=CustomerKind.ISP,
                           search_text=search_key(account_id, name))


def _circuit(code, customer, site, service=Service.IP_TRANSIT, **kw):
    return Circuit.create(circuit_id=code, customer=customer, service=service, a_site=site,
                          search_text=search_key(code, kw.get('customer_ref', '')), **kw)


@pytest.fixture(name='rows')
def picker_rows(app):
    """Two customers, two sites, a ring and four circuits, search text filled as
    the inventory commands fill it."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        bh = _site('BHZ01', 'Data center Centro', 'Belo Horizonte')
        araxa = _site('AXA01', 'PoP Araxá', 'Araxá')
        acme = _customer('CLI-000001', 'Acme Provedor')
        globex = _customer('CLI-000002', 'Globex Telecom')
        Segment.create(code='RING-METRO-BH', name='Anel metropolitano', kind=SegmentKind.RING,
                       search_text=search_key('RING-METRO-BH', 'Anel metropolitano'))
        made = {
            'acme1': _circuit('JAN-IPT-00001', acme, bh, bgp_asn=64500),
            'acme2': _circuit('JAN-L2-00002', acme, araxa, service=Service.L2_TRANSPORT),
            'globex': _circuit('JAN-IPT-00003', globex, araxa, customer_ref='GX 100%'),
            'old': _circuit('JAN-IPT-00004', acme, bh, status=CircuitStatus.DECOMMISSIONED),
        }
        ids = {name: c.id for name, c in made.items()} | {'acme': acme.id}
        database.close()
    return ids


def _values(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [hit['value'] for hit in response.get_json()]


def test_circuits_by_code_prefix_first_then_substring(as_role, rows):
    viewer = as_role('viewer')
    hits = viewer.get('/search/circuits?q=jan-ipt').get_json()
    assert [h['value'] for h in hits] == ['JAN-IPT-00001', 'JAN-IPT-00003', 'JAN-IPT-00004']
    first = hits[0]
    assert first['id'] == rows['acme1']
    assert first['label'] == 'JAN-IPT-00001 — Acme Provedor — BHZ01 Belo Horizonte/MG'
    assert first['url'] == f'/inventory/circuits/{rows["acme1"]}'
    # "0003" starts no code, but is inside one.
    assert _values(viewer.get('/search/circuits?q=0003')) == ['JAN-IPT-00003']
    # A whole code names its row alone.
    assert _values(viewer.get('/search/circuits?q=jan-ipt-00001')) == ['JAN-IPT-00001']


def test_circuits_by_site_city_customer_and_reference(as_role, rows):
    viewer = as_role('viewer')
    assert _values(viewer.get('/search/circuits?q=araxa')) == ['JAN-IPT-00003', 'JAN-L2-00002']
    assert _values(viewer.get('/search/circuits?q=AXA01')) == ['JAN-IPT-00003', 'JAN-L2-00002']
    assert _values(viewer.get('/search/circuits?q=globex')) == ['JAN-IPT-00003']
    # A LIKE wildcard typed is a character searched for, not "anything".
    assert _values(viewer.get('/search/circuits?q=100%25')) == ['JAN-IPT-00003']
    assert _values(viewer.get('/search/circuits?q=_')) == []


def test_other_kinds(as_role, rows):
    viewer = as_role('viewer')
    assert _values(viewer.get('/search/sites?q=belo')) == ['BHZ01']
    assert _values(viewer.get('/search/segments?q=metro')) == ['RING-METRO-BH']
    assert _values(viewer.get('/search/customers?q=acme')) == ['CLI-000001']
    assert _values(viewer.get('/search/customers?q=cli-000002')) == ['CLI-000002']


def test_sessions_are_a_customers_live_ip_transit_circuits(as_role, rows):
    viewer = as_role('viewer')
    assert _values(viewer.get('/search/sessions?q=')) == ['JAN-IPT-00001', 'JAN-IPT-00003']
    by_id = viewer.get(f'/search/sessions?customer={rows["acme"]}').get_json()
    assert [h['value'] for h in by_id] == ['JAN-IPT-00001']
    assert by_id[0]['label'].endswith(' · AS64500')
    assert _values(viewer.get('/search/sessions?customer=CLI-000002')) == ['JAN-IPT-00003']
    assert _values(viewer.get('/search/sessions?customer=NOBODY')) == []
    assert _values(viewer.get('/search/sessions?customer=%C2%B2')) == []     # "²" is no id


def test_limit_bounds_the_list(as_role, rows):
    viewer = as_role('viewer')
    assert _values(viewer.get('/search/circuits?q=jan&limit=2')) == ['JAN-IPT-00001',
                                                                    'JAN-IPT-00003']
    assert len(_values(viewer.get('/search/circuits?q=&limit=50'))) == 4


@pytest.mark.parametrize('query, field', [
    ('limit=0', 'limit'), ('limit=51', 'limit'), ('limit=abc', 'limit'),
    ('limit=99999999999999999999999', 'limit'), ('limit=-1', 'limit'), ('limit=%C2%B2', 'limit'),
    ('q=' + 'x' * 101, 'q'), ('customer=' + '9' * 41, 'customer'),
])
def test_bad_input_is_a_400_naming_the_field(as_role, rows, query, field):
    response = as_role('viewer').get(f'/search/circuits?{query}')
    assert response.status_code == 400
    body = response.get_json()
    assert body['field'] == field and body['accepted']


def test_unknown_kind_names_the_kinds(as_role, rows):
    response = as_role('viewer').get('/search/contacts?q=a')
    assert response.status_code == 400
    assert 'circuits' in response.get_json()['accepted']


def test_hostile_text_is_never_a_500(as_role, rows):
    viewer = as_role('viewer')
    for text in ('%00', "'", '\\', '%FF', '\U0010ffff', 'ÿ' * 100, '%5C%25'):
        assert viewer.get(f'/search/circuits?q={text}').status_code == 200


def test_logged_in_only(app, rows):
    response = app.test_client().get('/search/circuits?q=jan')
    assert response.status_code in (302, 401)
    assert b'JAN-IPT' not in response.data


def test_pt_br_errors_are_portuguese(as_role, rows):
    response = as_role('viewer', language='pt_BR').get('/search/circuits?limit=0')
    assert response.get_json()['accepted'] == 'um número inteiro de 1 a 50'
