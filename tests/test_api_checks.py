"""Ad hoc checks over the API: the RPKI and IRR answer for any prefix and
origin, no request made; at once from loaded data, by the worker (against a
real IRRd) when servers are configured; a provider sees only its own checks."""
import helpers.routing_fixtures as flow
import pytest
from conftest import db, prepared_app
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

from noc.accounts import tokens
from noc.models.routing import PrefixCheck, PrefixRequest, TrackedPrefix
from noc.routing import tasks
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import adhoc

PROBLEM = 'application/problem+json'


def _client(app, world):
    with db(app):
        secrets = {
            'acme': tokens.create({'name': 'acme', 'kind': 'provider',
                                   'customer': world['acme']}, 'admin')[1],
            'globex': tokens.create({'name': 'globex', 'kind': 'provider',
                                     'customer': world['globex']}, 'admin')[1],
            'viewer': tokens.create({'name': 'v', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1],
        }
    client = app.test_client()

    def call(method, path, who, **kw):
        headers = {'Authorization': f'Bearer {secrets[who]}', **kw.pop('headers', {})}
        return client.open('/api/v1' + path, method=method, headers=headers, **kw)
    call.app = app
    return call


@pytest.fixture
def local(db_url, tmp_path):
    """IRR data from loaded dumps only: checks are answered in the request."""
    app = prepared_app(db_url, prefixes={'lab': True})
    with db(app):
        world = build_isps()
        flow.load_vrps('lab', write_vrps(tmp_path / 'v.json'))
        irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
        irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
    return _client(app, world)


def test_a_check_answers_rpki_and_irr_at_once_and_requests_nothing(local):
    made = local('POST', '/checks', 'acme', headers={'Accept-Language': 'en'}, json={
        'prefixes': ['192.0.2.0/24', '203.0.113.0/24 AS64500', '198.51.100.0/24 AS64501']})
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert made.headers['Location'].endswith(f'/api/v1/checks/{body["id"]}')
    assert body['state'] == 'done'
    results = {r['prefix']: r for r in body['results']}
    # No origin given: the customer's only ASN.
    own = results['192.0.2.0/24']
    assert (own['origin'], own['rpki_state'], own['irr_state'], own['verdict']) == (
        64500, 'valid', 'match', 'accept')
    wrong = results['203.0.113.0/24']
    assert (wrong['rpki_state'], wrong['verdict']) == ('invalid', 'reject')
    assert any('AS64510' in r['message'] for r in wrong['reasons'])
    # Anyone's space may be checked: the answer is public routing data only.
    other = results['198.51.100.0/24']
    assert (other['rpki_state'], other['irr_state']) == ('valid', 'match')
    assert other['evidence']['irr']['routes'] == [['RADB', 64501]]
    with db(local.app):
        assert PrefixRequest.select().count() == 0 and TrackedPrefix.select().count() == 0
    again = local('GET', f'/checks/{body["id"]}', 'acme', headers={'Accept-Language': 'pt-BR'})
    assert again.status_code == 200
    assert {r['prefix']: r['verdict_label'] for r in again.get_json()['results']}[
        '203.0.113.0/24'] == 'recusar'


def test_special_space_and_reserved_asns_are_rejected_with_the_reason(local):
    body = local('POST', '/checks', 'viewer', headers={'Accept-Language': 'en'},
                 json={'prefixes': '10.0.0.0/8 AS64500\n192.0.2.0/24 AS65000'}).get_json()
    results = {r['prefix']: r for r in body['results']}
    assert results['10.0.0.0/8']['verdict'] == 'reject'
    assert 'RFC 1918' in results['10.0.0.0/8']['reasons'][0]['message']
    assert results['192.0.2.0/24']['verdict'] == 'reject'
    assert results['192.0.2.0/24']['reasons'][0]['code'] == 'not_routable'


def test_checks_are_private_to_the_customer_that_made_them(local):
    made = local('POST', '/checks', 'globex', json={'prefixes': ['198.51.100.0/24']}).get_json()
    assert made['results'][0]['origin'] == 64501
    hidden = local('GET', f'/checks/{made["id"]}', 'acme')
    assert hidden.status_code == 404 and hidden.mimetype == PROBLEM
    assert local('GET', f'/checks/{made["id"]}', 'globex').status_code == 200
    assert local('GET', f'/checks/{made["id"]}', 'viewer').status_code == 200
    assert local('GET', f'/checks/{2 ** 64}', 'globex').status_code == 404


def test_bad_checks_name_the_field_and_store_nothing(local):
    bad = local('POST', '/checks', 'acme', json={'prefixes': ['192.0.2.0/24', '192.0.2.1/24']})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    # Typed items: the bad one named by its index (it was line 2 of a joined text).
    assert [e['field'] for e in bad.get_json()['errors']] == ['prefixes[1]']
    wrong = local('POST', '/checks', 'acme',
                  json={'prefixes': 5, 'origin': [1], 'as_set': 3}).get_json()
    assert {e['field'] for e in wrong['errors']} == {'prefixes', 'origin', 'as_set'}
    named = local('POST', '/checks', 'acme',
                  json={'prefixes': ['192.0.2.0/24'], 'origin': 'ASX', 'as_set': 'NOPE'})
    assert {e['field'] for e in named.get_json()['errors']} == {'origin', 'as_set'}
    # A NOC token has no customer ASN to fall back on.
    bare = local('POST', '/checks', 'viewer', json={'prefixes': ['192.0.2.0/24']})
    assert bare.status_code == 422 and bare.get_json()['errors'][0]['field'] == 'prefixes[0]'
    many = local('POST', '/checks', 'acme',
                 json={'prefixes': [f'2001:db8:{n:x}::/48' for n in range(101)]})
    assert many.status_code == 422 and many.get_json()['errors'][0]['field'] == 'prefixes'
    assert local('POST', '/checks', 'acme', data='x').status_code == 415
    with db(local.app):
        assert PrefixCheck.select().count() == 0


def test_with_an_irrd_the_worker_answers_and_the_client_polls(db_url, tmp_path,
                                                             irrd_server):
    conf = {'servers': [f'{irrd_server.whois_host}:{irrd_server.whois_port}'],
            'server_sources': ['TC', 'RADB']}
    app = prepared_app(db_url, irr=conf, prefixes={'lab': True})
    with db(app):
        world = build_isps()
        flow.load_vrps('lab', write_vrps(tmp_path / 'v.json'))
    call = _client(app, world)
    made = call('POST', '/checks', 'acme',
                json={'prefixes': ['192.0.2.0/24'], 'as_set': 'AS-JANELA-A'})
    assert made.status_code == 202 and int(made.headers['Retry-After']) >= 1
    assert made.get_json()['state'] == 'pending' and made.get_json()['results'] == []
    waiting = call('GET', f'/checks/{made.get_json()["id"]}', 'acme')
    assert waiting.get_json()['state'] == 'pending' and 'Retry-After' in waiting.headers
    with db(app):
        assert tasks.run(flow.routing_settings()).get('adhoc_checks') == 1
    done = call('GET', f'/checks/{made.get_json()["id"]}', 'acme').get_json()
    assert done['state'] == 'done' and done['done_at']
    result = done['results'][0]
    assert (result['rpki_state'], result['irr_state'], result['verdict']) == (
        'valid', 'match', 'accept')
    assert ['TC', 64500] in result['evidence']['irr']['routes']
    assert result['evidence']['as_set']['member'] is True


def test_checks_are_forgotten_after_a_day(local):
    import datetime
    made = local('POST', '/checks', 'acme', json={'prefixes': ['192.0.2.0/24']}).get_json()
    with db(local.app):
        later = PrefixCheck.get_by_id(made['id']).created_at + adhoc.KEEP
        adhoc.answer_pending(flow.routing_settings(), now=later + datetime.timedelta(seconds=1))
        assert PrefixCheck.select().count() == 0
    assert local('GET', f'/checks/{made["id"]}', 'acme').status_code == 404
