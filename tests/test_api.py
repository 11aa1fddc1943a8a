"""The JSON API's first part: tokens at the door, problem+json errors, pages,
per-token rate limits, prefix requests scoped to the token's customer, and an
OpenAPI document that matches the routes."""
import re

import helpers.routing_fixtures as flow
import pytest
from conftest import db, prepared_app
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

from noc.accounts import tokens
from noc.api.docs import DOCUMENT
from noc.routing.irr import store as irr_store

PROBLEM = 'application/problem+json'


@pytest.fixture
def api(db_url, tmp_path):
    app = prepared_app(db_url, prefixes={'lab': True})
    with db(app):
        world = build_isps()
        flow.load_vrps('lab', write_vrps(tmp_path / 'v.json'))
        irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
        irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
        secrets = {
            'acme': tokens.create({'name': 'acme', 'kind': 'provider',
                                   'customer': world['acme']}, 'admin')[1],
            'globex': tokens.create({'name': 'globex', 'kind': 'provider',
                                     'customer': world['globex']}, 'admin')[1],
            'viewer': tokens.create({'name': 'v', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1],
            'engineer': tokens.create({'name': 'e', 'kind': 'noc', 'role': 'engineer'},
                                      'admin')[1],
        }
        globex_request = flow.submit(world['globex'], world['circuits']['globex'],
                                         '198.51.100.0/24', actor='t')
        flow.check_pending()
    client = app.test_client()

    def call(method, path, who=None, **kw):
        headers = kw.pop('headers', {})
        if who:
            headers['Authorization'] = f'Bearer {secrets[who]}'
        return client.open('/api/v1' + path, method=method, headers=headers, **kw)
    call.app = app
    call.globex_request = globex_request.id
    call.globex_prefix = globex_request.prefixes[0].id
    return call


def test_every_route_is_in_the_openapi_document_and_back(api):
    routes = {}
    for rule in api.app.url_map.iter_rules():
        if rule.rule.startswith('/api/v1') and not rule.rule.startswith('/api/v1/docs'):
            path = re.sub(r'<(?:\w+:)?(\w+)>', r'{\1}', rule.rule[len('/api/v1'):])
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods
                                                  if m not in ('HEAD', 'OPTIONS'))
    documented = {path: set(ops) for path, ops in DOCUMENT['paths'].items()}
    assert routes == documented
    served = api('GET', '/openapi.json').get_json()
    assert served['openapi'] == '3.1.0' and served['paths'].keys() == documented.keys()
    assert 'POST /api/v1/prefix-requests' in api('GET', '/docs').get_data(as_text=True)


def test_the_served_document_states_this_installations_largest_page(db_url):
    app = prepared_app(db_url, api={'max_page_size': 120})
    with db(app):
        secret = tokens.create({'name': 'v', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    client = app.test_client()
    served = client.get('/api/v1/openapi.json').get_json()
    limits = {parameter['schema']['maximum'] for operations in served['paths'].values()
              for operation in operations.values() for parameter in operation.get('parameters', [])
              if parameter['name'] == 'per_page'}
    assert limits == {120}
    headers = {'Authorization': f'Bearer {secret}'}
    assert client.get('/api/v1/prefixes?per_page=120', headers=headers).status_code == 200
    assert client.get('/api/v1/prefixes?per_page=121', headers=headers).status_code == 400
    assert '120' in client.get('/api/v1/docs').get_data(as_text=True)


def test_no_token_or_a_bad_one_is_a_401_problem(api):
    for headers in ({}, {'Authorization': 'Bearer jnl_' + 'x' * 43},
                    {'Authorization': 'Basic abc'}):
        response = api('GET', '/prefixes', headers=headers)
        assert response.status_code == 401 and response.mimetype == PROBLEM
        assert response.headers['WWW-Authenticate'].startswith('Bearer')
        assert response.get_json()['status'] == 401
    missing = api('GET', '/nothing-here', 'acme')
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_a_provider_sees_only_its_own_requests_and_prefixes(api):
    assert api('GET', f'/prefix-requests/{api.globex_request}', 'globex').status_code == 200
    hidden = api('GET', f'/prefix-requests/{api.globex_request}', 'acme')
    assert hidden.status_code == 404 and hidden.mimetype == PROBLEM
    assert api('GET', f'/prefixes/{api.globex_prefix}', 'acme').status_code == 404
    assert api('GET', '/prefix-requests', 'acme').get_json()['total'] == 0
    assert api('GET', '/prefixes?customer=GLOBEX-7', 'acme').get_json()['total'] == 0
    assert api('GET', '/prefix-requests?customer=GLOBEX-7', 'acme').get_json()['total'] == 0
    assert api('GET', '/prefix-requests?customer=GLOBEX-7', 'viewer').get_json()['total'] == 1
    # Deciding on another's request is refused, and reads like deciding on one's own.
    for request_id in (api.globex_request, api.globex_request + 999):
        refused = api('POST', f'/prefix-requests/{request_id}/actions', 'acme',
                      json={'action': 'withdraw', 'reason': 'x', 'all': True})
        assert refused.status_code == 403 and 'GLOBEX' not in refused.get_data(as_text=True)
    own = api('GET', '/prefixes', 'globex').get_json()
    assert own['total'] == 1 and own['items'][0]['prefix'] == '198.51.100.0/24'
    # Submitting on another customer's session is refused like an unknown session.
    stolen = api('POST', '/prefix-requests', 'acme',
                 json={'circuit': 'JAN-IPT-003', 'prefixes': ['203.0.113.0/24 AS64500']})
    assert stolen.status_code == 422
    assert stolen.get_json()['errors'][0]['field'] == 'circuit'
    with db(api.app):
        from noc.models.routing import PrefixRequest, TrackedPrefix
        assert PrefixRequest.select().count() == 1
        assert TrackedPrefix.get_by_id(api.globex_prefix).state == 'approved'


def test_each_request_is_its_own_tokens_even_under_one_app_context(api):
    """A script or test that pushes an app context keeps one `g` for all the
    requests it makes: the second customer's request must still be its own."""
    with api.app.app_context():
        for who, first in (('globex', '198.51.100.0/24'), ('acme', None),
                           ('globex', '198.51.100.0/24'), ('acme', None)):
            items = api('GET', '/prefixes?prefix=198.51.100.0/24', who).get_json()['items']
            assert [i['prefix'] for i in items] == ([first] if first else [])
        assert api('GET', '/prefixes', None).status_code == 401


def test_a_provider_submits_and_reads_verdicts_with_reasons(api):
    made = api('POST', '/prefix-requests', 'acme', json={
        'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24', '203.0.113.0/24'],
        'note': 'novos blocos'}, headers={'Accept-Language': 'en'})
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert made.headers['Location'].endswith(f'/api/v1/prefix-requests/{body["id"]}')
    assert body['reference'] == f'PR-{body["id"]}' and body['via'] == 'api'
    # Checked in place (only loaded IRR data here), as from the browser.
    assert {p['prefix']: p['verdict'] for p in body['prefixes']} == {
        '192.0.2.0/24': 'accept', '203.0.113.0/24': 'reject'}
    again = api('GET', f'/prefix-requests/{body["id"]}', 'acme',
                headers={'Accept-Language': 'en'}).get_json()
    rows = {p['prefix']: p for p in again['prefixes']}
    assert rows['192.0.2.0/24']['verdict'] == 'accept'
    invalid = rows['203.0.113.0/24']
    assert (invalid['rpki_state'], invalid['verdict']) == ('invalid', 'reject')
    assert any('AS64510' in r['message'] for r in invalid['reasons'])
    assert invalid['evidence']['rpki']['unmatched_as'] == ['203.0.113.0/24-24 AS64510']
    portuguese = api('GET', f'/prefixes/{invalid["id"]}', 'acme',
                     headers={'Accept-Language': 'pt-BR'}).get_json()
    assert portuguese['verdict_label'] == 'recusar'


def test_bad_submissions_name_the_field_and_the_line(api):
    bad = api('POST', '/prefix-requests', 'acme',
              json={'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24', '10.0.0.0/8']})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    # A list's items go in typed: a bad one is named by its index, not as a line of text.
    assert bad.get_json()['errors'] == [{'field': 'prefixes[1]',
                                         'message': bad.get_json()['errors'][0]['message']}]
    pasted = api('POST', '/prefix-requests', 'acme',
                 json={'circuit': 'JAN-IPT-001', 'prefixes': '192.0.2.0/24\n  10.0.0.0/8'})
    assert pasted.status_code == 422
    assert pasted.get_json()['errors'] == [
        {'field': 'prefixes', 'line': 2, 'column': 3, 'text': '10.0.0.0/8',
         'message': bad.get_json()['errors'][0]['message']}]
    shapes = api('POST', '/prefix-requests', 'acme',
                 json={'circuit': 'JAN-IPT-001',
                       'prefixes': [{'prefix': '192.0.2.0/24', 'origin': 64500}, 7,
                                    '192.0.2.0/24 AS64500 extra', {'prefix': 1}]})
    assert shapes.status_code == 422
    assert [e['field'] for e in shapes.get_json()['errors']] == [
        'prefixes[1]', 'prefixes[2]', 'prefixes[3]']
    assert api('POST', '/prefix-requests', 'acme', data='x').status_code == 415
    assert api('POST', '/prefix-requests', 'acme', json=[1]).status_code == 400
    wrong = api('POST', '/prefix-requests', 'acme', json={'circuit': 5, 'prefixes': 7})
    assert {e['field'] for e in wrong.get_json()['errors']} == {'circuit', 'prefixes'}


def test_noc_tokens_act_with_their_role(api):
    assert api('GET', '/prefixes?customer=GLOBEX-7', 'viewer').get_json()['total'] == 1
    assert api('GET', '/prefixes?customer=ACME-1', 'viewer').get_json()['total'] == 0
    refused = api('POST', '/prefix-requests', 'viewer',
                  json={'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24']})
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert api('POST', '/prefix-requests', 'engineer',
               json={'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24']}).status_code == 201


def test_pages_and_bad_paging(api):
    for n in range(3):
        api('POST', '/prefix-requests', 'acme',
            json={'circuit': 'JAN-IPT-001', 'prefixes': [f'2001:db8:{n + 1:x}::/48']})
    page = api('GET', '/prefix-requests?per_page=2&page=2', 'acme').get_json()
    assert (page['total'], page['page'], page['per_page'], len(page['items'])) == (3, 2, 2, 1)
    bad = api('GET', '/prefixes?per_page=0&page=x', 'acme')
    assert bad.status_code == 400
    assert {e['field'] for e in bad.get_json()['errors']} == {'page', 'per_page'}
    assert api('GET', '/prefixes?state=happy', 'acme').status_code == 400


def test_each_token_has_its_own_rate_limit(db_url):
    app = prepared_app(db_url, api={'rate_limit': '3 per minute'})
    with db(app):
        one = tokens.create({'name': 'a', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
        two = tokens.create({'name': 'b', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    client = app.test_client()
    answers = [client.get('/api/v1/prefixes', headers={'Authorization': f'Bearer {one}'})
               for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].mimetype == PROBLEM and int(answers[-1].headers['Retry-After']) >= 1
    assert client.get('/api/v1/prefixes',
                      headers={'Authorization': f'Bearer {two}'}).status_code == 200


def test_workers_share_a_tokens_limit_through_redis(db_url, redis_url):
    """Deployed as the README says (several gunicorn workers, the limiter's
    counters in Redis), a token gets its limit once, not once per worker."""
    import redis
    redis.Redis.from_url(redis_url).flushdb()    # token ids start again in each test's database
    sections = {'api': {'rate_limit': '3 per minute'},
                'web': {'rate_limit_storage_uri': redis_url}}
    first, second = prepared_app(db_url, **sections), prepared_app(db_url, **sections)
    with db(first):
        secret = tokens.create({'name': 'a', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
        other = tokens.create({'name': 'b', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    headers = {'Authorization': f'Bearer {secret}'}
    codes = [app.test_client().get('/api/v1/prefixes', headers=headers).status_code
             for app in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]
    refused = second.test_client().get('/api/v1/prefixes', headers=headers)
    assert refused.mimetype == PROBLEM and 1 <= int(refused.headers['Retry-After']) <= 61
    assert first.test_client().get('/api/v1/prefixes', headers={
        'Authorization': f'Bearer {other}'}).status_code == 200


def test_a_tokens_limit_is_one_limit_across_every_endpoint(db_url):
    app = prepared_app(db_url, api={'rate_limit': '3 per minute'})
    with db(app):
        secret = tokens.create({'name': 'a', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    client = app.test_client()
    headers = {'Authorization': f'Bearer {secret}'}
    codes = [client.get(f'/api/v1{path}', headers=headers).status_code
             for path in ('/prefixes', '/prefix-requests', '/customers', '/maintenance-windows',
                          '/prefixes/1')]
    assert codes == [200, 200, 200, 429, 429]


def test_requests_without_a_live_token_are_limited_by_the_clients_address(db_url):
    """Guessing secrets (well-formed, random) is refused and then throttled; a
    live token keeps its own bucket meanwhile."""
    import secrets as random_secrets
    app = prepared_app(db_url, api={'rate_limit': '3 per minute'})
    with db(app):
        live = tokens.create({'name': 'a', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
        revoked = tokens.create({'name': 'r', 'kind': 'noc', 'role': 'viewer'}, 'admin')
        tokens.revoke(revoked[0].id, 'admin')
    client = app.test_client()
    guesses = ['jnl_' + random_secrets.token_urlsafe(32) for _ in range(2)] + [revoked[1], None]
    answers = [client.get('/api/v1/prefixes', headers={'Authorization': f'Bearer {guess}'}
                          if guess else {}) for guess in guesses]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].mimetype == PROBLEM and int(answers[-1].headers['Retry-After']) >= 1
    assert client.get('/api/v1/prefixes',
                      headers={'Authorization': f'Bearer {live}'}).status_code == 200


def test_a_method_the_route_does_not_take_is_a_405_naming_those_it_does(api):
    for method, path, allowed in (('PUT', '/prefixes', {'GET'}),
                                  ('GET', '/checks', {'POST'}),
                                  ('GET', f'/prefix-requests/{api.globex_request}/actions',
                                   {'POST'})):
        answer = api(method, path, 'engineer')
        assert answer.status_code == 405 and answer.mimetype == PROBLEM, path
        assert allowed <= {m.strip() for m in answer.headers['Allow'].split(',')}, path
        assert answer.get_json()['title'] == 'Method not allowed'


def test_a_body_over_the_size_limit_is_a_413_problem(api):
    answer = api('POST', '/prefix-requests', 'engineer', data=b'x' * (21 * 1024 * 1024),
                 headers={'Content-Type': 'application/json'})
    assert answer.status_code == 413 and answer.mimetype == PROBLEM
    assert answer.get_json()['title'] == 'Content too large'


def test_prefix_list_download_is_the_customers_own(api):
    with db(api.app):
        from noc.models.routing import TrackedPrefix
        flow.act([api.globex_prefix], 'configure', 'eng')
        assert TrackedPrefix.get_by_id(api.globex_prefix).state == 'configured'
    text = api('GET', '/prefix-list?format=juniper', 'globex')
    assert text.status_code == 200 and text.mimetype == 'text/plain'
    assert '198.51.100.0/24;' in text.get_data(as_text=True)
    # ACME's list holds nothing of GLOBEX's, whatever it asks for.
    acme = api('GET', '/prefix-list?format=plain&customer=GLOBEX-7', 'acme')
    assert '198.51.100.0' not in acme.get_data(as_text=True)
    assert api('GET', '/prefix-list?session=JAN-IPT-003', 'acme').status_code == 400
    bad = api('GET', '/prefix-list?format=fortigate&family=5', 'globex')
    assert {e['field'] for e in bad.get_json()['errors']} == {'format', 'family'}
    noc = api('GET', '/prefix-list?customer=GLOBEX-7&format=cisco', 'viewer')
    assert 'permit 198.51.100.0/24' in noc.get_data(as_text=True)
    assert api('GET', '/prefix-list', 'viewer').status_code == 400


def test_the_status_of_one_prefix_by_its_text(api):
    found = api('GET', '/prefixes?prefix=198.51.100.0/24', 'globex').get_json()
    assert [p['id'] for p in found['items']] == [api.globex_prefix]
    assert api('GET', '/prefixes?prefix=198.51.100.0/24&origin=AS64501',
               'globex').get_json()['total'] == 1
    assert api('GET', '/prefixes?prefix=198.51.100.0/24&origin=64999',
               'globex').get_json()['total'] == 0
    # Another customer's prefix reads as not tracked at all.
    assert api('GET', '/prefixes?prefix=198.51.100.0/24', 'acme').get_json()['total'] == 0
    bad = api('GET', '/prefixes?prefix=198.51.100.1/24&origin=ASX', 'globex')
    assert bad.status_code == 400
    assert {e['field'] for e in bad.get_json()['errors']} == {'prefix', 'origin'}
    assert api('GET', '/prefixes?prefix=198.51.100.0', 'globex').status_code == 400


def test_engineers_decide_on_prefixes_and_providers_cannot(api):
    from noc.models import OutboxMessage
    from noc.models.routing import TrackedPrefix
    path = f'/prefix-requests/{api.globex_request}/actions'
    assert api('POST', path, 'globex', json={'action': 'approve', 'all': True}).status_code == 403
    assert api('POST', path, 'viewer', json={'action': 'approve', 'all': True}).status_code == 403
    with db(api.app):
        mails = OutboxMessage.select().count()
    with db(api.app):
        assert TrackedPrefix.get_by_id(api.globex_prefix).state == 'approved'   # the policy
    done = api('POST', path, 'engineer', json={'action': 'configure', 'all': True})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()['changed'] == [api.globex_prefix]
    assert done.get_json()['request']['prefixes'][0]['state'] == 'configured'
    # A prefix not in a state the action applies to: nothing changes, 409.
    again = api('POST', path, 'engineer', json={'action': 'approve',
                                                 'prefixes': [api.globex_prefix]})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    unsaid = api('POST', path, 'engineer', json={'action': 'withdraw',
                                                 'prefixes': [api.globex_prefix]})
    assert unsaid.status_code == 422             # the customer must be told why
    assert [e['field'] for e in unsaid.get_json()['errors']] == ['reason']
    gone = api('POST', path, 'engineer', json={'action': 'withdraw', 'reason': 'fim do contrato',
                                               'prefixes': [api.globex_prefix]})
    assert gone.get_json()['request']['prefixes'][0]['state'] == 'withdrawn'
    with db(api.app):
        row = TrackedPrefix.get_by_id(api.globex_prefix)
        assert row.decided_by.startswith('api:') and row.decision_reason == 'fim do contrato'
        # The customer's BGP contacts hear of each decision, as from the browser.
        assert OutboxMessage.select().count() == mails + 2
    # Checking again reopens it and checks it in place.
    again = api('POST', path, 'engineer', json={'action': 'recheck', 'all': True}).get_json()
    assert again['request']['prefixes'][0]['state'] in ('checked', 'approved')
    bad = api('POST', path, 'engineer', json={'action': 'dance', 'prefixes': [True],
                                              'reason': 5})
    assert {e['field'] for e in bad.get_json()['errors']} == {'action', 'prefixes', 'reason'}
    shaped = api('POST', path, 'engineer', json={'action': {}, 'all': True})
    assert [e['field'] for e in shaped.get_json()['errors']] == ['action']
    both = api('POST', path, 'engineer', json={'action': 'recheck', 'all': True,
                                               'prefixes': [1]})
    assert both.status_code == 422
    stranger = api('POST', path, 'engineer', json={'action': 'withdraw', 'reason': 'x',
                                                   'prefixes': [api.globex_prefix + 999]})
    assert stranger.status_code == 422
    assert [e['field'] for e in stranger.get_json()['errors']] == ['prefixes']
    # The command's limit, the same for every door: a field error, never a cut.
    wordy = api('POST', path, 'engineer', json={'action': 'withdraw', 'reason': 'x' * 2001,
                                                'all': True})
    assert wordy.status_code == 422
    assert [e['field'] for e in wordy.get_json()['errors']] == ['reason']
    assert api('POST', f'/prefix-requests/{2 ** 63}/actions', 'engineer',
               json={'action': 'approve', 'all': True}).status_code == 404


def test_engineers_approve_and_reject_what_the_check_left_to_them(api):
    made = api('POST', '/prefix-requests', 'acme', json={
        'circuit': 'JAN-IPT-001', 'prefixes': ['203.0.113.0/24', '3fff:200::/48']})
    assert made.status_code == 201, made.get_data(as_text=True)
    request = made.get_json()
    rows = {p['prefix']: p for p in request['prefixes']}
    assert {p['state'] for p in rows.values()} == {'checked'}     # left to an engineer
    path = f'/prefix-requests/{request["id"]}/actions'
    # A provider cannot decide on its own request either.
    assert api('POST', path, 'acme', json={'action': 'approve', 'all': True}).status_code == 403
    # Nothing vouches for 3fff:200::/48: approving it needs the engineer's reason.
    unsure = api('POST', path, 'engineer', json={
        'action': 'approve', 'prefixes': [rows['3fff:200::/48']['id']]})
    assert unsure.status_code == 422
    assert [e['field'] for e in unsure.get_json()['errors']] == ['reason']
    approved = api('POST', path, 'engineer', json={
        'action': 'approve', 'reason': 'LOA assinada', 'prefixes': [rows['3fff:200::/48']['id']]})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()['changed'] == [rows['3fff:200::/48']['id']]
    unsaid = api('POST', path, 'engineer', json={'action': 'reject', 'all': True})
    assert unsaid.status_code == 422
    assert [e['field'] for e in unsaid.get_json()['errors']] == ['reason']
    rejected = api('POST', path, 'engineer', json={
        'action': 'reject', 'reason': 'ROA de outro AS', 'prefixes': [rows['203.0.113.0/24']['id']]})
    assert rejected.status_code == 200, rejected.get_data(as_text=True)
    states = {p['prefix']: (p['state'], p['decision_reason'])
              for p in api('GET', f'/prefix-requests/{request["id"]}', 'acme')
              .get_json()['prefixes']}
    assert states == {'3fff:200::/48': ('approved', 'LOA assinada'),
                      '203.0.113.0/24': ('rejected', 'ROA de outro AS')}


def test_nul_characters_are_refused_by_name_not_a_500(api):
    query = api('GET', '/prefixes?customer=%00x&state=ok', 'viewer')
    assert query.status_code == 400 and query.mimetype == PROBLEM
    assert [e['field'] for e in query.get_json()['errors']] == ['customer']
    body = api('POST', '/prefix-requests', 'acme',
               json={'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24\x00'],
                     'note': {'a\x00': 1}})
    assert body.status_code == 422
    assert {e['field'] for e in body.get_json()['errors']} == {'prefixes[0]', 'note.a\\0'}


def test_a_body_nested_past_the_parser_is_a_400_not_a_500(api):
    deep = api('POST', '/prefix-requests', 'acme', data='{"a":' * 100000 + '1' + '}' * 100000,
               content_type='application/json')
    assert deep.status_code == 400 and deep.mimetype == PROBLEM


def test_a_provider_never_learns_who_holds_overlapping_space(api):
    taken = api('POST', '/prefix-requests', 'acme', headers={'Accept-Language': 'en'},
                json={'circuit': 'JAN-IPT-001', 'prefixes': ['198.51.100.0/24 AS64500']})
    assert taken.status_code == 422
    text = str(taken.get_json())
    assert 'another customer' in text
    assert 'Globex' not in text and f'PR-{api.globex_request}' not in text
    # The NOC is told whose space it is.
    noc = api('POST', '/prefix-requests', 'engineer', headers={'Accept-Language': 'en'},
              json={'circuit': 'JAN-IPT-001', 'prefixes': ['198.51.100.0/24 AS64500']})
    assert f'PR-{api.globex_request}' in str(noc.get_json())


def test_spelling_the_authorization_header_differently_is_the_same_bucket(db_url):
    app = prepared_app(db_url, api={'rate_limit': '3 per minute'})
    with db(app):
        secret = tokens.create({'name': 'a', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    client = app.test_client()
    spellings = [f'Bearer {secret}', f'bearer {secret}', f'Bearer  {secret}',
                 f'BEARER {secret} ', f' Bearer   {secret}']
    codes = [client.get('/api/v1/prefixes', headers={'Authorization': h}).status_code
             for h in spellings]
    assert codes == [200, 200, 200, 429, 429]


def test_digits_that_are_not_ascii_are_refused_not_a_500(api):
    for query in ('page=%C2%B2', 'per_page=%C2%B2', 'origin=%C2%B2'):
        answer = api('GET', f'/prefixes?{query}', 'acme')
        assert answer.status_code == 400, query


def test_lone_surrogates_are_refused_by_field(api):
    for field in ('circuit', 'note', 'as_set'):
        body = '{"circuit": "JAN-IPT-001", "prefixes": ["192.0.2.0/24"], "%s": "\\ud800"}' % field
        answer = api('POST', '/prefix-requests', 'acme', data=body,
                     content_type='application/json')
        assert answer.status_code == 422 and answer.mimetype == PROBLEM
        assert [e['field'] for e in answer.get_json()['errors']] == [field]


def test_an_as_set_longer_than_its_column_is_a_field_error(api):
    answer = api('POST', '/prefix-requests', 'acme', json={
        'circuit': 'JAN-IPT-001', 'prefixes': ['192.0.2.0/24'], 'as_set': 'AS-' + 'X' * 150})
    assert answer.status_code == 422
    assert [e['field'] for e in answer.get_json()['errors']] == ['as_set']


def test_api_requests_start_no_thread_and_reuse_one_connection(api, monkeypatch):
    """At hundreds of requests a second, a thread per request (limits' own
    memory storage) or a new connection per request (pragmas, WAL checkpoint
    on SQLite; a server process on PostgreSQL) costs more than the read."""
    import threading

    from noc.core.db import database
    api('GET', '/prefixes', 'acme')                  # the pool holds a connection now
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, 'start',
                        lambda self: (started.append(self.name), real_start(self))[1])
    # The engine's own connect, below the pool (which hands out open ones).
    mro = type(database.obj).__mro__
    engine = next(cls for cls in mro if cls.__module__ == 'peewee' and '_connect' in vars(cls))
    opened = []
    real_connect = engine._connect
    monkeypatch.setattr(engine, '_connect',
                        lambda self: (opened.append(1), real_connect(self))[1])
    answers = [api('GET', '/prefixes?prefix=198.51.100.0/24', 'globex') for _ in range(20)]
    assert {a.status_code for a in answers} == {200}
    assert answers[0].get_json()['items'][0]['prefix'] == '198.51.100.0/24'
    assert started == [] and opened == []


def test_rate_limit_counters_are_swept_without_a_timer():
    from limits.storage import storage_from_string

    from noc.core.limiter_storage import SweptMemoryStorage, storage_uri
    storage = storage_from_string(storage_uri('memory://'))
    assert isinstance(storage, SweptMemoryStorage)
    assert storage_uri('redis://127.0.0.1:6379') == 'redis://127.0.0.1:6379'
    storage.incr('live', 60)
    storage.incr('spent', 0)                         # expires at once
    storage._next_sweep = 0                          # as if a second had gone by
    storage.incr('other', 60)
    assert 'spent' not in storage.storage and storage.get('live') == 1
    storage.incr('spent-again', 0)                   # within the second: no sweep yet
    assert 'spent-again' in storage.storage
