"""Inventory over the JSON API: customers, contacts, circuits (and the NOC's sites
and segments) through the same domain functions as the inventory pages, each
provider token confined to its own customer, every answer as documented."""
import pytest
from conftest import db, prepared_app
from helpers.routing_fixtures import build_isps

from noc.accounts import tokens
from noc.api.docs import DOCUMENT
from noc.api.json_schema import violations
from noc.models import (
    AuditLog,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    RedundancyGroup,
    Segment,
    Site,
)

PROBLEM = 'application/problem+json'
HUGE = 2 ** 70


@pytest.fixture
def api(db_url):
    app = prepared_app(db_url)
    with db(app):
        world = build_isps()
        made = {
            'acme': tokens.create({'name': 'acme', 'kind': 'provider',
                                   'customer': world['acme']}, 'admin'),
            'globex': tokens.create({'name': 'globex', 'kind': 'provider',
                                     'customer': world['globex']}, 'admin'),
            'viewer': tokens.create({'name': 'v', 'kind': 'noc', 'role': 'viewer'}, 'admin'),
            'engineer': tokens.create({'name': 'e', 'kind': 'noc', 'role': 'engineer'},
                                      'admin'),
        }
        Customer.update(notes='pays late').where(Customer.id == world['acme'].id).execute()
    client = app.test_client()

    def call(method, path, who=None, **kw):
        headers = {'Accept-Language': 'en', **kw.pop('headers', {})}
        if who:
            headers['Authorization'] = f'Bearer {made[who][1]}'
        return client.open('/api/v1' + path, method=method, headers=headers, **kw)
    call.app = app
    call.world = world
    call.actor = {who: f'api:{token.prefix}' for who, (token, _) in made.items()}
    return call


def conforms(name, body):
    """The answer holds to the documented schema (types, required fields, enums)."""
    found = violations({'$ref': f'#/components/schemas/{name}'}, body, '')
    assert found == [], found
    return body


def page(name, response):
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    for item in body['items']:
        conforms(name, item)
    return body


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body['status'] == status
    return body


def fields(response, status=422):
    return {e['field'] for e in problem(response, status).get('errors', [])}


def counts(api):
    with db(api.app):
        return {model.__name__: model.select().count()
                for model in (Customer, CustomerAsn, Contact, Circuit, CircuitSegment, Site,
                              Segment, RedundancyGroup, AuditLog)}


def audit_rows(api):
    with db(api.app):
        return [(a.username, a.action, a.entity, a.entity_id)
                for a in AuditLog.select().order_by(AuditLog.id)]


def ids(api):
    w = api.world
    return {'acme': w['acme'].id, 'globex': w['globex'].id,
            'acme_contact': w['contacts']['acme_bgp'].id,
            'globex_contact': w['contacts']['globex_bgp'].id,
            'acme_circuit': w['circuits']['acme'].id,
            'globex_circuit': w['circuits']['globex'].id}


NEW_CUSTOMER = {'account_id': 'INITECH-3', 'name': 'Initech Telecom', 'kind': 'isp',
                'asns': [64510, 64511], 'notice_language': 'en',
                'time_zone': 'America/Manaus',
                'freezes': [{'starts_on': '2026-12-20', 'ends_on': '2027-01-05',
                             'reason': 'Holidays, all of them'}],
                'notes': 'signed in May'}


# Reading ------------------------------------------------------------------------

def test_noc_tokens_list_filter_and_read_every_kind(api):
    customers = page('Customer', api('GET', '/customers', 'viewer'))
    assert [c['account_id'] for c in customers['items']] == ['ACME-1', 'GLOBEX-7']
    acme = customers['items'][0]
    assert (acme['asns'], acme['notes'], acme['kind']) == ([64500], 'pays late', 'isp')
    one = api('GET', '/customers?account_id=GLOBEX-7', 'viewer').get_json()
    assert [c['id'] for c in one['items']] == [ids(api)['globex']]
    contacts = page('Contact', api('GET', '/contacts?customer=ACME-1', 'viewer'))
    assert {c['email'] for c in contacts['items']} == {'bgp@acme.example.com',
                                                      'ana@acme.example.com'}
    bgp = page('Contact', api('GET', '/contacts?role=bgp', 'viewer'))
    assert {c['customer'] for c in bgp['items']} == {'ACME-1', 'GLOBEX-7'}
    transit = page('Circuit', api('GET', '/circuits?service=ip-transit', 'viewer'))
    assert [c['circuit_id'] for c in transit['items']] == ['JAN-IPT-001', 'JAN-IPT-003']
    by_key = api('GET', '/circuits?circuit_id=jan-ipt-001', 'viewer').get_json()
    assert [c['circuit_id'] for c in by_key['items']] == ['JAN-IPT-001']
    circuit = conforms('Circuit', api('GET', f'/circuits/{ids(api)["acme_circuit"]}',
                                      'viewer').get_json())
    assert (circuit['customer'], circuit['bgp_asn'], circuit['bgp_as_set'],
            circuit['a_site'], circuit['segments']) == ('ACME-1', 64500, 'AS-ACME',
                                                         'BHZ01', [])
    sites = page('Site', api('GET', '/sites', 'viewer'))
    assert [s['code'] for s in sites['items']] == ['BHZ01']
    assert page('Segment', api('GET', '/segments', 'viewer'))['total'] == 0


def test_pages_and_bad_filters(api):
    paged = api('GET', '/contacts?per_page=2&page=2', 'viewer').get_json()
    assert (paged['total'], paged['page'], len(paged['items'])) == (3, 2, 1)
    assert fields(api('GET', '/customers?kind=bank&q=' + 'x' * 201, 'viewer'), 400) \
        == {'kind', 'q'}
    assert fields(api('GET', '/contacts?role=boss&delivery=now', 'viewer'), 400) \
        == {'role', 'delivery'}
    assert fields(api('GET', '/circuits?status=dead', 'viewer'), 400) == {'status'}
    for query in ('q=%25_%5C', 'q=%C2%85', 'site=%E2%80%A8', 'circuit_id=%FF'):
        assert api('GET', f'/circuits?{query}', 'viewer').status_code == 200
    for query in ('q=%00', 'customer=%00', 'site=%00%00'):
        problem(api('GET', f'/circuits?{query}', 'viewer'), 400)


def test_a_provider_reads_only_its_own_rows(api):
    n = ids(api)
    customers = page('Customer', api('GET', '/customers', 'acme'))
    assert [c['account_id'] for c in customers['items']] == ['ACME-1']
    assert 'notes' not in customers['items'][0]       # the NOC's own words
    contacts = page('Contact', api('GET', '/contacts', 'acme'))
    assert {c['customer'] for c in contacts['items']} == {'ACME-1'} and contacts['total'] == 2
    circuits = page('Circuit', api('GET', '/circuits', 'acme'))
    assert [c['circuit_id'] for c in circuits['items']] == ['JAN-IPT-001', 'JAN-L2-009']
    assert not {'notes', 'segments'} & set(circuits['items'][0])
    own = api('GET', f'/customers/{n["acme"]}', 'acme').get_json()
    assert own['account_id'] == 'ACME-1' and 'notes' not in own
    assert api('GET', f'/contacts/{n["acme_contact"]}', 'acme').status_code == 200
    assert api('GET', f'/circuits/{n["acme_circuit"]}', 'acme').status_code == 200


@pytest.mark.parametrize('path,key', [('customers', 'globex'), ('contacts', 'globex_contact'),
                                      ('circuits', 'globex_circuit')])
def test_another_customers_row_reads_like_a_missing_one(api, path, key):
    row_id = ids(api)[key]
    assert api('GET', f'/{path}/{row_id}', 'globex').status_code == 200
    hidden = problem(api('GET', f'/{path}/{row_id}', 'acme'), 404)
    missing = problem(api('GET', f'/{path}/{row_id + 1000}', 'acme'), 404)
    assert hidden['detail'].replace(str(row_id), 'N') \
        == missing['detail'].replace(str(row_id + 1000), 'N')
    assert set(hidden) == set(missing)


def test_a_provider_filtering_for_another_customer_finds_nothing(api):
    for path in ('/contacts?customer=GLOBEX-7', '/circuits?customer=GLOBEX-7',
                 '/circuits?circuit_id=JAN-IPT-003', '/customers?account_id=GLOBEX-7',
                 '/circuits?q=globex', '/contacts?q=globex', '/customers?q=globex'):
        body = api('GET', path, 'acme').get_json()
        assert (body['total'], body['items']) == (0, []), path
    assert api('GET', '/contacts?customer=ACME-1', 'acme').get_json()['total'] == 2


def test_sites_and_segments_are_for_noc_tokens(api):
    site = api.world['site'].id
    for path in ('/sites', '/segments', f'/sites/{site}', f'/segments/{site}'):
        problem(api('GET', path, 'acme'), 403)
    assert api('GET', f'/sites/{site}', 'viewer').get_json()['code'] == 'BHZ01'


def test_huge_zero_and_odd_ids_are_404_not_errors(api):
    for path in ('customers', 'contacts', 'circuits', 'sites', 'segments'):
        for row_id in (HUGE, 2 ** 63, 0, '-1', 'x'):
            for who in ('viewer', 'acme'):
                status = api('GET', f'/{path}/{row_id}', who).status_code
                assert status in ((403, 404) if path in ('sites', 'segments') else (404,))
            assert api('PATCH', f'/{path}/{row_id}', 'engineer', json={}).status_code == 404
            assert api('DELETE', f'/{path}/{row_id}', 'engineer').status_code == 404


# Writing ------------------------------------------------------------------------

def test_an_engineer_creates_changes_and_deletes_a_customer_with_audit(api):
    made = api('POST', '/customers', 'engineer', json=NEW_CUSTOMER)
    assert made.status_code == 201, made.get_data(as_text=True)
    body = conforms('Customer', made.get_json())
    assert made.headers['Location'].endswith(f'/api/v1/customers/{body["id"]}')
    assert {k: body[k] for k in NEW_CUSTOMER} == NEW_CUSTOMER
    # Found by the search box and by its ASN, as rows made by the form are.
    assert api('GET', '/customers?q=initech', 'viewer').get_json()['total'] == 1
    assert api('GET', '/customers?q=AS64511', 'viewer').get_json()['total'] == 1
    changed = api('PATCH', f'/customers/{body["id"]}', 'engineer',
                  json={'name': 'Initech Fibra', 'asns': [64510], 'freezes': []})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    after = conforms('Customer', changed.get_json())
    assert (after['name'], after['asns'], after['freezes'], after['time_zone']) \
        == ('Initech Fibra', [64510], [], 'America/Manaus')
    assert api('PATCH', f'/customers/{body["id"]}', 'engineer', json={}).status_code == 200
    assert api('DELETE', f'/customers/{body["id"]}', 'engineer').status_code == 204
    assert api('GET', f'/customers/{body["id"]}', 'viewer').status_code == 404
    actor = api.actor['engineer']
    assert [row for row in audit_rows(api) if row[2] == 'customer'] == [
        (actor, 'create', 'customer', body['id']), (actor, 'update', 'customer', body['id']),
        (actor, 'delete', 'customer', body['id'])]     # nothing for the empty change
    with db(api.app):
        assert not CustomerAsn.select().where(CustomerAsn.asn == 64510).exists()


def test_new_rows_take_the_forms_defaults(api):
    made = api('POST', '/customers', 'engineer', json={'account_id': 'TINY-9', 'name': 'Tiny'})
    body = made.get_json()
    assert (body['kind'], body['notice_language'], body['time_zone'], body['asns']) \
        == ('isp', 'pt_BR', 'America/Sao_Paulo', [])
    contact = api('POST', '/contacts', 'engineer', json={
        'customer': 'TINY-9', 'name': 'Zé', 'email': 'ze@Tiny.Example'}).get_json()
    assert (contact['roles'], contact['notice_format'], contact['email']) \
        == ([], 'invitation', 'ze@tiny.example')


def test_contacts_are_created_changed_and_deleted_with_audit(api):
    made = api('POST', '/contacts', 'engineer', json={
        'customer': 'GLOBEX-7', 'name': 'Night shift', 'email': 'night@globex.example.com',
        'phone': '+55 31 4000-0000', 'roles': ['maintenance', 'technical'],
        'language': 'en', 'time_zone': 'Europe/Lisbon', 'notice_format': 'plain'})
    assert made.status_code == 201, made.get_data(as_text=True)
    contact = conforms('Contact', made.get_json())
    assert contact['customer'] == 'GLOBEX-7' and contact['roles'] == ['maintenance',
                                                                      'technical']
    assert api('GET', f'/contacts/{contact["id"]}', 'globex').status_code == 200
    assert api('GET', f'/contacts/{contact["id"]}', 'acme').status_code == 404
    moved = api('PATCH', f'/contacts/{contact["id"]}', 'engineer',
                json={'roles': ['bgp'], 'phone': ''}).get_json()
    assert (moved['roles'], moved['phone'], moved['notice_format']) == (['bgp'], '', 'plain')
    assert api('DELETE', f'/contacts/{contact["id"]}', 'engineer').status_code == 204
    actor = api.actor['engineer']
    assert [r for r in audit_rows(api) if r[2] == 'contact'] == [
        (actor, 'create', 'contact', contact['id']),
        (actor, 'update', 'contact', contact['id']),
        (actor, 'delete', 'contact', contact['id'])]


def test_circuits_ride_segments_and_refuse_deletion_of_what_they_use(api):
    site = api('POST', '/sites', 'engineer', json={
        'code': 'poa01', 'name': 'Porto Alegre 1', 'kind': 'datacenter',
        'city': 'Porto Alegre', 'state': 'RS'})
    assert site.status_code == 201, site.get_data(as_text=True)
    assert conforms('Site', site.get_json())['code'] == 'POA01'
    ring = api('POST', '/segments', 'engineer', json={
        'code': 'RING-SUL', 'name': 'Anel Sul', 'kind': 'ring', 'a_site': 'POA01',
        'length_km': 120.5})
    assert conforms('Segment', ring.get_json())['length_km'] == 120.5
    made = api('POST', '/circuits', 'engineer', json={
        'circuit_id': 'jan-ipt-100', 'customer': 'ACME-1', 'service': 'ip-transit',
        'bandwidth_mbps': 10000.0, 'a_site': 'POA01', 'z_site': 'BHZ01',
        'segments': ['RING-SUL'], 'redundancy_group': 'acme-sul', 'bgp_asn': 64500,
        'bgp_as_set': 'AS-ACME', 'customer_ref': 'Link Sul', 'notes': 'core'})
    assert made.status_code == 201, made.get_data(as_text=True)
    circuit = conforms('Circuit', made.get_json())
    assert (circuit['circuit_id'], circuit['bandwidth_mbps'], circuit['segments'],
            circuit['redundancy_group']) == ('JAN-IPT-100', 10000, ['RING-SUL'], 'ACME-SUL')
    assert api('GET', '/circuits?segment=ring-sul', 'viewer').get_json()['total'] == 1
    assert api('GET', '/circuits?group=ACME-SUL', 'acme').get_json()['total'] == 1
    # The provider sees its circuit, not the network under it.
    seen = api('GET', f'/circuits/{circuit["id"]}', 'acme').get_json()
    assert seen['customer_ref'] == 'Link Sul' and 'segments' not in seen
    cleared = api('PATCH', f'/circuits/{circuit["id"]}', 'engineer',
                  json={'bandwidth_mbps': None, 'z_site': None, 'bgp_as_set': None})
    assert cleared.status_code == 200, cleared.get_data(as_text=True)
    assert [cleared.get_json()[k] for k in ('bandwidth_mbps', 'z_site', 'bgp_as_set',
                                            'segments')] == [None, None, None, ['RING-SUL']]
    before = counts(api)
    refused = problem(api('DELETE', f'/segments/{ring.get_json()["id"]}', 'engineer'), 409)
    assert 'still used by 1 circuit' in refused['detail']
    assert refused['errors'][0]['field'] == 'code'
    assert problem(api('DELETE', f'/customers/{ids(api)["acme"]}', 'engineer'), 409)['errors'] \
        == [{'field': 'account_id', 'message': 'still used by 3 circuits'}]
    assert counts(api) == before
    groups = [r for r in audit_rows(api) if r[2] == 'redundancy_group']
    assert [r[:2] for r in groups] == [(api.actor['engineer'], 'create')]


def test_deleting_a_customer_without_circuits_takes_its_contacts(api):
    made = api('POST', '/customers', 'engineer', json={'account_id': 'GONE-1', 'name': 'Gone'})
    customer = made.get_json()['id']
    contact = api('POST', '/contacts', 'engineer', json={
        'customer': 'GONE-1', 'name': 'Last', 'email': 'last@gone.example'}).get_json()['id']
    assert api('DELETE', f'/customers/{customer}', 'engineer').status_code == 204
    assert api('GET', f'/contacts/{contact}', 'viewer').status_code == 404
    deleted = {(r[2], r[3]) for r in audit_rows(api) if r[1] == 'delete'}
    assert deleted == {('customer', customer), ('contact', contact)}


def test_providers_and_viewers_cannot_write(api):
    n = ids(api)
    site = api.world['site'].id
    segment = api('POST', '/segments', 'engineer', json={
        'code': 'RING-BH', 'name': 'Anel BH', 'kind': 'ring', 'a_site': 'BHZ01'}).get_json()['id']
    before, log = counts(api), audit_rows(api)
    attempts = [('POST', '/customers', NEW_CUSTOMER),
                ('POST', '/contacts', {'customer': 'ACME-1', 'name': 'X', 'email': 'x@a.example'}),
                ('POST', '/circuits', {'circuit_id': 'X-1', 'customer': 'ACME-1',
                                       'a_site': 'BHZ01'}),
                ('POST', '/sites', {'code': 'X', 'name': 'X', 'city': 'X', 'state': 'SP'}),
                ('POST', '/segments', {'code': 'X', 'name': 'X', 'kind': 'ring',
                                       'a_site': 'BHZ01'}),
                ('PATCH', f'/sites/{site}', {'name': 'mine'}), ('DELETE', f'/sites/{site}', None),
                ('PATCH', f'/segments/{segment}', {'name': 'mine'}),
                ('DELETE', f'/segments/{segment}', None)]
    for name in ('customers', 'contacts', 'circuits'):
        for key in ('acme', 'globex'):
            row = n[key if name == 'customers' else f'{key}_{name[:-1]}']
            attempts += [('PATCH', f'/{name}/{row}', {'notes': 'mine'} if name != 'contacts'
                          else {'name': 'mine'}), ('DELETE', f'/{name}/{row}', None)]
    for method, path, body in attempts:
        for who in ('acme', 'viewer'):
            problem(api(method, path, who, json=body), 403)
    assert counts(api) == before and audit_rows(api) == log


# Bad input ----------------------------------------------------------------------

@pytest.mark.parametrize('path,body,wrong', [
    ('/customers', {'account_id': 7, 'name': ['x'], 'kind': 'bank', 'asns': 'AS1',
                    'time_zone': 'Mars/Olympus', 'colour': 'red'},
     {'account_id', 'name', 'kind', 'asns', 'time_zone', 'colour'}),
    ('/customers', {'account_id': 'A', 'name': ' ', 'asns': [1, 1, True],
                    'freezes': [{'starts_on': '2026-13-01', 'ends_on': 5, 'reason': 'a;b'},
                                {'starts_on': '2026-01-01', 'until': '2026-01-02'}],
                    'notes': 'x' * 5001},
     {'name', 'asns[2]', 'freezes[0].starts_on', 'freezes[0].ends_on', 'freezes[0].reason',
      'freezes[1].until', 'freezes[1].ends_on', 'notes'}),
    ('/customers', {'account_id': 'A', 'name': 'A', 'asns': [0, 4294967296, 2.5]},
     {'asns[0]', 'asns[1]', 'asns[2]'}),
    ('/contacts', {'customer': None, 'email': 'not-an-address', 'roles': ['boss'],
                   'language': 'pt-BR', 'id': 3},
     {'customer', 'name', 'email', 'roles[0]', 'language', 'id'}),
    ('/circuits', {'circuit_id': 'has space', 'customer': 'ACME-1', 'a_site': 'BHZ01',
                   'bandwidth_mbps': 0, 'bgp_asn': '64500', 'bgp_as_set': 'ACME',
                   'segments': ['a;b'], 'service': None},
     {'circuit_id', 'bandwidth_mbps', 'bgp_asn', 'bgp_as_set', 'segments[0]', 'service'}),
    ('/customers', {'account_id': 'A', 'name': 'A', 'notes': '\ud800'}, {'notes'}),
])
def test_bad_bodies_are_422_naming_each_field_and_store_nothing(api, path, body, wrong):
    before, log = counts(api), audit_rows(api)
    assert fields(api('POST', path, 'engineer', json=body)) == wrong
    assert counts(api) == before and audit_rows(api) == log


@pytest.mark.parametrize('path,body,wrong', [
    ('/customers', {'account_id': 'ACME-1', 'name': 'Again'}, {'account_id'}),
    ('/customers', {'account_id': 'NEW-1', 'name': 'Taken ASN', 'asns': [64501]}, {'asns'}),
    ('/customers', {'account_id': 'NEW-1', 'name': 'Backwards', 'freezes': [
        {'starts_on': '2026-02-01', 'ends_on': '2026-01-01'}]}, {'freezes'}),
    ('/contacts', {'customer': 'NOBODY-0', 'name': 'X', 'email': 'x@y.example'}, {'customer'}),
    ('/contacts', {'customer': 'ACME-1', 'name': 'Dup', 'email': 'ana@acme.example.com'},
     {'email'}),
    ('/circuits', {'circuit_id': 'JAN-IPT-001', 'customer': 'ACME-1', 'a_site': 'BHZ01'},
     {'circuit_id'}),
    ('/circuits', {'circuit_id': 'N-1', 'customer': 'ACME-1', 'a_site': 'NOWHERE',
                   'segments': ['NONE-1']}, {'a_site', 'segments'}),
    ('/circuits', {'circuit_id': 'N-1', 'customer': 'ACME-1', 'a_site': 'BHZ01',
                   'bgp_asn': 64501}, {'bgp_asn'}),
    ('/circuits', {'circuit_id': 'N-1', 'customer': 'ACME-1', 'a_site': 'BHZ01',
                   'service': 'l3vpn', 'bgp_asn': 64500}, {'bgp_asn'}),
])
def test_domain_refusals_are_422_in_the_readers_language(api, path, body, wrong):
    before, log = counts(api), audit_rows(api)
    answer = api('POST', path, 'engineer', json=body)
    assert fields(answer) == wrong
    assert counts(api) == before and audit_rows(api) == log
    portuguese = api('POST', path, 'engineer', json=body, headers={'Accept-Language': 'pt-BR'})
    assert portuguese.get_json()['errors'] != answer.get_json()['errors']


def test_a_refused_change_changes_nothing(api):
    n = ids(api)
    before, log = counts(api), audit_rows(api)
    with db(api.app):
        stored = Circuit.get_by_id(n['acme_circuit']).__data__
    assert fields(api('PATCH', f'/circuits/{n["acme_circuit"]}', 'engineer',
                      json={'customer': 'GLOBEX-7', 'notes': 'moved'})) == {'bgp_asn'}
    assert fields(api('PATCH', f'/circuits/{n["acme_circuit"]}', 'engineer',
                      json={'circuit_id': 'JAN-IPT-003'})) == {'circuit_id'}
    assert fields(api('PATCH', f'/customers/{n["acme"]}', 'engineer',
                      json={'account_id': None, 'created_at': 'now'})) \
        == {'account_id', 'created_at'}
    with db(api.app):
        assert Circuit.get_by_id(n['acme_circuit']).__data__ == stored
    assert counts(api) == before and audit_rows(api) == log


def test_bodies_that_are_not_json_objects(api):
    assert problem(api('POST', '/customers', 'engineer', data='x'), 415)
    assert problem(api('POST', '/customers', 'engineer', json=[1]), 400)
    assert problem(api('PATCH', f'/contacts/{ids(api)["acme_contact"]}', 'engineer',
                       data='{"name":', content_type='application/json'), 400)
    # Nested deeper than the JSON parser goes: refused, not a server error.
    assert problem(api('POST', '/customers', 'engineer', data='[' * 100_000,
                       content_type='application/json'), 400)


def test_every_inventory_operation_is_documented_with_its_answers(api):
    for name in ('customers', 'contacts', 'circuits', 'sites', 'segments'):
        listing, one = DOCUMENT['paths'][f'/{name}'], DOCUMENT['paths'][f'/{name}/{{row_id}}']
        assert set(listing) == {'get', 'post'} and set(one) == {'get', 'patch', 'delete'}
        assert {'201', '403', '409', '422'} <= set(listing['post']['responses'])
        assert {'204', '404', '409'} <= set(one['delete']['responses'])
    schemas = DOCUMENT['components']['schemas']
    assert schemas['NewCustomer']['additionalProperties'] is False
    assert 'America/Sao_Paulo' in schemas['TimeZone']['enum']
    served = api('GET', '/openapi.json').get_json()
    assert served['components']['schemas']['CircuitChange'] == schemas['CircuitChange']
