"""Reschedule requests over the JSON API: a provider asks, reads and withdraws
its own; the NOC reads them with what each proposal would break and moves,
splits or declines, with the same rules, notices and audit as the browser.
Every answer is checked against the OpenAPI document; on both engines."""
import datetime
import re

import pytest
from conftest import db, prepared_app
from helpers.maintenance_fixtures import build_network, confirmed, create, local
from helpers.maintenance_fixtures import settings as area_settings

from noc.accounts import tokens
from noc.api.docs import DOCUMENT
from noc.maintenance import reschedule_commands, window_commands, windows
from noc.models import AuditLog, MaintenanceWindow, OutboxMessage, RescheduleRequest

PROBLEM = 'application/problem+json'
H = datetime.timedelta(hours=1)
UTC = datetime.timezone.utc


# The document as a test oracle: every answer must be one it describes.

def _resolve(ref):
    node = DOCUMENT
    for part in ref.lstrip('#/').split('/'):
        node = node[part]
    return node


TYPES = {'object': dict, 'array': list, 'string': str, 'boolean': bool, 'null': type(None)}


def _is(value, name):
    if name == 'integer':
        return isinstance(value, int) and not isinstance(value, bool)
    if name == 'number':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def conforms(value, schema, where='$'):
    """A JSON Schema check of the keywords the document uses; raises AssertionError."""
    if '$ref' in schema:
        return conforms(value, _resolve(schema['$ref']), where)
    for part in schema.get('allOf', []):
        conforms(value, part, where)
    if 'oneOf' in schema:
        matched = 0
        for part in schema['oneOf']:
            try:
                conforms(value, part, where)
                matched += 1
            except AssertionError:
                pass
        assert matched == 1, f'{where}: {value!r} matches {matched} of oneOf'
    kinds = schema.get('type')
    if kinds:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        assert any(_is(value, k) for k in kinds), f'{where}: {value!r} is not {kinds}'
    if 'enum' in schema:
        assert value in schema['enum'], f'{where}: {value!r} not in {schema["enum"]}'
    if isinstance(value, dict):
        missing = set(schema.get('required', [])) - set(value)
        assert not missing, f'{where}: missing {missing}'
        for name, sub in schema.get('properties', {}).items():
            if name in value:
                conforms(value[name], sub, f'{where}.{name}')
    if isinstance(value, list) and 'items' in schema:
        for index, item in enumerate(value):
            conforms(item, schema['items'], f'{where}[{index}]')


def documented(response, method, path):
    """The response is one the document lists for this operation, in shape and type."""
    template = re.sub(r'/\d+', '/{request_id}', path.split('?')[0])
    operation = DOCUMENT['paths'][template][method.lower()]
    answer = operation['responses'].get(str(response.status_code))
    assert answer, f'{method} {template}: {response.status_code} is not documented'
    if '$ref' in answer:
        answer = _resolve(answer['$ref'])
    media = answer['content'].get(response.mimetype)
    assert media, f'{method} {template}: {response.mimetype} is not documented'
    conforms(response.get_json(), media['schema'])


# A network with windows touching ACME's and Globex's circuits, and tokens.

def later(window, days=20, hours=3):
    start = window.starts_at + datetime.timedelta(days=days)
    return start, start + hours * H


def period(start, end, zone=UTC):
    return {'start': start.astimezone(zone).isoformat(), 'end': end.astimezone(zone).isoformat()}


@pytest.fixture
def api(db_url):
    app = prepared_app(db_url)
    with db(app):
        net = build_network()
        shared = confirmed()                                    # ACME leg A + Globex
        acme_only = confirmed(segments='', circuits='JAN-IPT-002', starts_at=local(15, 23),
                              ends_at=local(16, 3))
        globex_only = confirmed(segments='', circuits='JAN-IPT-003', starts_at=local(30, 23),
                                ends_at=local(31, 3))
        # Planned on Globex's circuit but not confirmed: Globex was never told.
        tentative = create(segments='', circuits='JAN-IPT-003', starts_at=local(40, 23),
                           ends_at=local(41, 3))
        secrets = {
            'acme': tokens.create({'name': 'acme', 'kind': 'provider',
                                   'customer': net['acme']}, 'admin')[1],
            'globex': tokens.create({'name': 'globex', 'kind': 'provider',
                                     'customer': net['globex']}, 'admin')[1],
            'viewer': tokens.create({'name': 'v', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1],
            'engineer': tokens.create({'name': 'e', 'kind': 'noc', 'role': 'engineer'},
                                      'admin')[1],
        }
        globex_request = reschedule_commands.ask(
            globex_only.id, net['globex'].id, [later(globex_only)], 'Congelamento', 'page',
            settings=area_settings())
    client = app.test_client()

    def call(method, path, who=None, **kw):
        headers = kw.pop('headers', {})
        headers.setdefault('Accept-Language', 'en')
        if who:
            headers['Authorization'] = f'Bearer {secrets[who]}'
        response = client.open('/api/v1' + path, method=method, headers=headers, **kw)
        documented(response, method, path)
        return response
    call.app, call.net = app, net
    call.shared, call.acme_only, call.globex_only = shared, acme_only, globex_only
    call.tentative, call.globex_request = tentative, globex_request.id
    return call


def ask(api, who, window, periods, reason='Black Friday', headers=None, **extra):
    return api('POST', '/reschedule-requests', who, headers=headers or {},
               json={'window': window, 'proposals': periods, 'reason': reason, **extra})


def errors_of(response):
    return {e['field']: e['message'] for e in response.get_json().get('errors', [])}


def stored():
    return RescheduleRequest.select().count()


def outbox_since(mark):
    return list(OutboxMessage.select().where(OutboxMessage.id > mark)
                .order_by(OutboxMessage.id))


def last_id(app):
    with db(app):
        last = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
        return last.id if last else 0


# Asking.

@pytest.mark.dates
def test_a_provider_asks_to_move_its_window_with_times_in_any_offset(api):
    start, end = later(api.shared)
    sao_paulo = datetime.timezone(-3 * H)
    made = ask(api, 'acme', api.shared.reference, [period(start, end, sao_paulo)],
               reason='  Black Friday  ')
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert made.headers['Location'].endswith(f'/api/v1/reschedule-requests/{body["id"]}')
    assert (body['window'], body['customer'], body['state']) == (
        api.shared.reference, 'ACME-1', 'open')
    assert body['reason'] == 'Black Friday' and body['decision'] is None
    assert body['proposals'] == [{'position': 1, 'start': start.isoformat(),
                                  'end': end.isoformat(), 'chosen': False}]
    assert body['proposals'][0]['start'].endswith('+00:00')
    assert 'options' not in body                                # the NOC's view only
    assert body['requested_by'].startswith('api:jnl_') and body['via'] == 'api'
    assert api('GET', f'/reschedule-requests/{body["id"]}', 'acme').get_json() == body
    with db(api.app):
        row = RescheduleRequest.get_by_id(body['id'])
        assert (row.window_id, row.customer_id) == (api.shared.id, api.net['acme'].id)
        assert [(p.starts_at, p.ends_at) for p in row.proposals] == [(start, end)]
        entry = AuditLog.get((AuditLog.entity == 'reschedule_request')
                             & (AuditLog.entity_id == row.id))
        assert entry.username == 'customer:' + body['requested_by']
    # By id as well as by reference; the new request replaces the open one.
    again = ask(api, 'acme', api.shared.id, [period(*later(api.shared, 21))])
    assert again.status_code == 201
    first = api('GET', f'/reschedule-requests/{body["id"]}', 'acme').get_json()
    assert first['state'] == 'withdrawn'
    assert first['decision']['replaced_by'] == again.get_json()['id']
    assert first['decision']['reason'] is None and 'decided_by' not in first['decision']


def test_a_named_contact_is_recorded_if_it_is_the_customers_own(api):
    periods = [period(*later(api.shared))]
    made = ask(api, 'acme', api.shared.reference, periods, contact='ANA@acme.example.com')
    assert made.status_code == 201 and made.get_json()['requested_by'] == 'ana@acme.example.com'
    with db(api.app):
        assert RescheduleRequest.get_by_id(made.get_json()['id']).contact_id == \
            api.net['contacts']['ana'].id
    foreign = ask(api, 'acme', api.shared.reference, periods, contact='carla@globex.example.com')
    assert foreign.status_code == 422 and set(errors_of(foreign)) == {'contact'}


@pytest.mark.dates
def test_bad_periods_name_each_field_and_nothing_is_stored(api):
    start, end = later(api.shared)
    naive = {'start': start.replace(tzinfo=None).isoformat(), 'end': end.isoformat()}
    past = period(datetime.datetime.now(UTC) - 5 * H, datetime.datetime.now(UTC) - 4 * H)
    refused = ask(api, 'acme', api.shared.reference, [
        naive, {'start': start.isoformat(), 'end': 'amanhã'}, period(end, start)])
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    found = errors_of(refused)
    assert set(found) == {'proposals[0].start', 'proposals[1].end', 'proposals[2]'}
    assert 'offset' in found['proposals[0].start']
    assert 'ISO 8601' in found['proposals[1].end']
    assert 'after the start' in found['proposals[2]']
    long = ask(api, 'acme', api.shared.reference, [period(start, start + 200 * H)])
    assert set(errors_of(long)) == {'proposals[0]'}
    in_past = ask(api, 'acme', api.shared.reference, [past],
                  headers={'Accept-Language': 'pt-BR'})
    assert errors_of(in_past) == {'proposals[0]': 'o início deve estar no futuro'}
    current = ask(api, 'acme', api.shared.reference,
                  [period(api.shared.starts_at, api.shared.ends_at)])
    assert set(errors_of(current)) == {'proposals[0]'}
    for periods in ([], [period(start, end)] * 4, 'tomorrow', [7], None):
        bad = ask(api, 'acme', api.shared.reference, periods)
        assert bad.status_code == 422, periods
        assert set(errors_of(bad)) <= {'proposals', 'proposals[0]'}
    wrong = api('POST', '/reschedule-requests', 'acme',
                json={'window': ['x'], 'proposals': [{'start': 5, 'end': True}], 'reason': 3})
    assert set(errors_of(wrong)) == {'window', 'proposals[0].start', 'proposals[0].end',
                                     'reason'}
    huge = ask(api, 'acme', api.shared.reference, [{'start': '9999-12-31T23:00:00-05:00',
                                                    'end': '9999-12-31T23:30:00-05:00'}])
    assert set(errors_of(huge)) == {'proposals[0].start', 'proposals[0].end'}
    assert api('POST', '/reschedule-requests', 'acme', data='x').status_code == 415
    assert api('POST', '/reschedule-requests', 'acme', json=[1]).status_code == 400
    with db(api.app):
        assert stored() == 1                # the fixture's own request
    with pytest.raises(AssertionError):     # the oracle itself catches a wrong shape
        conforms({'id': 1}, {'$ref': '#/components/schemas/RescheduleRequest'})


@pytest.mark.dates
def test_a_window_that_can_no_longer_move_is_a_conflict(api):
    with db(api.app):
        window_commands.cancel(api.shared.id, 'eng', 'Fornecedor', area_settings())
    for proposals in ([period(*later(api.shared))], [{'start': 'x', 'end': 'y'}]):
        refused = ask(api, 'acme', api.shared.reference, proposals)
        assert refused.status_code == 409 and set(errors_of(refused)) == {'window'}
        # It says why and which windows can move, as it did before the commands.
        assert refused.get_json()['detail'] == 'this maintenance can no longer be moved'
        assert errors_of(refused)['window'] == (
            f'{api.shared.reference} is CANCELLED; only a confirmed window that has not '
            'started can be moved')


def test_noc_tokens_do_not_ask_on_a_customers_behalf(api):
    for who in ('engineer', 'viewer'):
        refused = ask(api, who, api.shared.reference, [period(*later(api.shared))],
                      customer='ACME-1')
        assert refused.status_code == 403 and refused.mimetype == PROBLEM
    with db(api.app):
        assert stored() == 1


# One customer never sees or touches another's.

def test_another_customers_window_reads_like_one_that_does_not_exist(api):
    periods = [period(*later(api.globex_only))]
    unknown = ask(api, 'acme', 'MW-2099-99999', periods)
    assert unknown.status_code == 422
    for window in (api.globex_only.reference, api.globex_only.id, str(api.globex_only.id),
                   api.globex_only.reference.lower()):
        stolen = ask(api, 'acme', window, periods)
        assert (stolen.status_code, stolen.get_json()) == (422, unknown.get_json()), window
    # A window planned on Globex's circuit that Globex was never told about.
    hidden = ask(api, 'globex', api.tentative.reference, [period(*later(api.tentative))])
    assert (hidden.status_code, hidden.get_json()) == (422, unknown.get_json())
    # Its own window, and the one it shares, are fine.
    assert ask(api, 'globex', api.globex_only.reference, periods).status_code == 201
    assert ask(api, 'globex', api.shared.reference,
               [period(*later(api.shared))]).status_code == 201
    with db(api.app):
        assert RescheduleRequest.select().where(
            RescheduleRequest.customer == api.net['acme'].id).count() == 0


def test_a_provider_lists_fetches_and_filters_only_its_own_requests(api):
    mine = ask(api, 'acme', api.shared.reference, [period(*later(api.shared))]).get_json()
    listed = api('GET', '/reschedule-requests', 'acme').get_json()
    assert (listed['total'], [r['id'] for r in listed['items']]) == (1, [mine['id']])
    assert listed['items'][0]['proposals'] == mine['proposals']
    hidden = api('GET', f'/reschedule-requests/{api.globex_request}', 'acme')
    missing = api('GET', '/reschedule-requests/999999999', 'acme')
    assert hidden.status_code == missing.status_code == 404 and hidden.mimetype == PROBLEM
    assert api('GET', f'/reschedule-requests/{2 ** 70}', 'acme').status_code == 404
    for query in (f'window={api.globex_only.reference}', 'customer=GLOBEX-7',
                  f'window={api.globex_only.id}', 'state=open&customer=GLOBEX-7'):
        items = api('GET', f'/reschedule-requests?{query}', 'acme').get_json()['items']
        assert all(item['customer'] == 'ACME-1' for item in items), query
        assert api.globex_request not in [item['id'] for item in items]
    theirs = api('GET', '/reschedule-requests', 'globex').get_json()
    assert [r['id'] for r in theirs['items']] == [api.globex_request]
    assert theirs['items'][0]['window'] == api.globex_only.reference
    assert api('GET', '/reschedule-requests?state=happy', 'acme').status_code == 400
    assert api('GET', '/reschedule-requests?per_page=0', 'acme').status_code == 400


def test_noc_tokens_see_every_request_and_filter_them(api):
    mine = ask(api, 'acme', api.shared.reference, [period(*later(api.shared))]).get_json()
    everything = api('GET', '/reschedule-requests', 'viewer').get_json()
    assert {r['id'] for r in everything['items']} == {mine['id'], api.globex_request}
    by_customer = api('GET', '/reschedule-requests?customer=GLOBEX-7', 'viewer').get_json()
    assert [r['id'] for r in by_customer['items']] == [api.globex_request]
    by_window = api('GET', f'/reschedule-requests?window={api.shared.reference}',
                    'viewer').get_json()
    assert [r['id'] for r in by_window['items']] == [mine['id']]
    assert api('GET', '/reschedule-requests?window=MW-1', 'viewer').get_json()['total'] == 0
    assert api('GET', '/reschedule-requests?state=moved', 'viewer').get_json()['total'] == 0
    page = api('GET', '/reschedule-requests?per_page=1&page=2', 'viewer').get_json()
    assert (page['total'], len(page['items'])) == (2, 1)


def test_a_provider_withdraws_only_its_own_open_request(api):
    mine = ask(api, 'acme', api.shared.reference, [period(*later(api.shared))]).get_json()
    stolen = api('POST', f'/reschedule-requests/{api.globex_request}/withdraw', 'acme')
    assert stolen.status_code == 404 and stolen.mimetype == PROBLEM
    assert api('POST', f'/reschedule-requests/{mine["id"]}/withdraw',
               'engineer').status_code == 403
    done = api('POST', f'/reschedule-requests/{mine["id"]}/withdraw', 'acme')
    assert done.status_code == 200
    assert (done.get_json()['state'], done.get_json()['decision']['outcome']) == (
        'withdrawn', 'withdrawn')
    again = api('POST', f'/reschedule-requests/{mine["id"]}/withdraw', 'acme')
    assert again.status_code == 409 and set(errors_of(again)) == {'state'}
    with db(api.app):
        assert RescheduleRequest.get_by_id(api.globex_request).state == 'open'


# The NOC decides.

def _busy_request(api):
    """Globex asks for the time ACME's other leg is down: moving the whole window
    would take both of ACME's redundant legs down (a warning); a split would not."""
    made = ask(api, 'globex', api.shared.reference,
               [period(api.acme_only.starts_at, api.acme_only.ends_at),
                period(*later(api.shared))])
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()['id']


def test_the_noc_sees_what_each_proposal_would_break(api):
    request_id = _busy_request(api)
    body = api('GET', f'/reschedule-requests/{request_id}', 'viewer').get_json()
    first, second = body['options']
    assert (first['proposal'], first['others']) == (1, 1)         # ACME would be touched
    redundancy = [f for f in first['move'] if f['code'] == 'redundancy']
    assert redundancy and redundancy[0]['severity'] == 'warning' and redundancy[0]['key']
    assert 'redundancy' not in {f['code'] for f in first['split']}
    assert second['move'] == [] and second['split'] == []
    assert 'options' not in api('GET', f'/reschedule-requests/{request_id}',
                                'globex').get_json()
    listed = api('GET', '/reschedule-requests', 'viewer').get_json()['items']
    assert all('options' not in item for item in listed)


def test_a_move_needs_its_warnings_acknowledged_and_tells_everyone(api):
    request_id = _busy_request(api)
    path = f'/reschedule-requests/{request_id}/move'
    refused = api('POST', path, 'engineer', json={'proposal': 1})
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    [warning] = refused.get_json()['errors']
    assert (warning['field'], warning['code']) == ('acknowledge', 'redundancy')
    assert warning['key'] in refused.get_json()['detail']
    with db(api.app):
        assert RescheduleRequest.get_by_id(request_id).state == 'open'
        assert MaintenanceWindow.get_by_id(api.shared.id).starts_at == api.shared.starts_at
    mark = last_id(api.app)
    moved = api('POST', path, 'engineer', json={'proposal': 1, 'acknowledge': [warning['key']]})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    body = moved.get_json()
    assert body['state'] == 'moved' and body['decision']['outcome'] == 'moved'
    assert body['decision']['decided_by'].startswith('api:jnl_') and body['options'] == []
    assert [p['chosen'] for p in body['proposals']] == [True, False]
    with db(api.app):
        window = MaintenanceWindow.get_by_id(api.shared.id)
        assert (window.starts_at, window.ends_at) == (api.acme_only.starts_at,
                                                      api.acme_only.ends_at)
        assert window.sequence == api.shared.sequence + 1
        sent = outbox_since(mark)
        assert {(m.recipient, m.kind) for m in sent} == {
            ('ana@acme.example.com', 'rescheduled'), ('noc@acme.example.com', 'rescheduled'),
            ('carla@globex.example.com', 'rescheduled')}
        assert AuditLog.select().where((AuditLog.entity == 'reschedule_request')
                                       & (AuditLog.action == 'decide')
                                       & AuditLog.username.startswith('api:jnl_')).count() == 1
    again = api('POST', path, 'engineer', json={'proposal': 1, 'acknowledge': [warning['key']]})
    assert again.status_code == 409 and set(errors_of(again)) == {'state'}
    provider_view = api('GET', f'/reschedule-requests/{request_id}', 'globex').get_json()
    assert provider_view['decision']['outcome'] == 'moved'
    assert 'decided_by' not in provider_view['decision']


def test_a_split_moves_only_the_requesters_circuits(api):
    request_id = _busy_request(api)
    mark = last_id(api.app)
    split = api('POST', f'/reschedule-requests/{request_id}/split', 'engineer',
                json={'proposal': 2})
    assert split.status_code == 200, split.get_data(as_text=True)
    new_reference = split.get_json()['decision']['new_window']
    assert split.get_json()['state'] == 'split' and new_reference
    with db(api.app):
        new = MaintenanceWindow.get(MaintenanceWindow.reference == new_reference)
        assert set(windows.by_customer(new)) == {api.net['globex'].id}
        assert sorted((m.recipient, m.kind) for m in outbox_since(mark)) == [
            ('carla@globex.example.com', 'cancelled'), ('carla@globex.example.com', 'new')]
    # A window of one customer cannot be split.
    alone = api('POST', f'/reschedule-requests/{api.globex_request}/split', 'engineer',
                json={'proposal': 1})
    assert alone.status_code == 422 and set(errors_of(alone)) == {'proposal'}


def test_declining_needs_a_reason_and_tells_the_customer(api):
    made = ask(api, 'acme', api.shared.reference, [period(*later(api.shared))]).get_json()
    path = f'/reschedule-requests/{made["id"]}/decline'
    for body in ({}, {'reason': '   '}, {'reason': 7}, {'reason': 'x' * 2001}):
        refused = api('POST', path, 'engineer', json=body)
        assert refused.status_code == 422 and set(errors_of(refused)) == {'reason'}, body
    mark = last_id(api.app)
    declined = api('POST', path, 'engineer', json={'reason': 'Equipe já alocada'})
    assert declined.status_code == 200
    assert declined.get_json()['decision']['reason'] == 'Equipe já alocada'
    with db(api.app):
        # No contact named: every maintenance contact of ACME hears it.
        assert {(m.recipient, m.kind) for m in outbox_since(mark)} == {
            ('ana@acme.example.com', 'declined'), ('noc@acme.example.com', 'declined')}
    seen = api('GET', f'/reschedule-requests/{made["id"]}', 'acme').get_json()
    assert (seen['state'], seen['decision']['reason']) == ('declined', 'Equipe já alocada')
    assert api('POST', path, 'engineer', json={'reason': 'again'}).status_code == 409


def test_a_decline_goes_to_the_contact_who_asked(api):
    made = ask(api, 'acme', api.shared.reference, [period(*later(api.shared))],
               contact='noc@acme.example.com').get_json()
    mark = last_id(api.app)
    assert api('POST', f'/reschedule-requests/{made["id"]}/decline', 'engineer',
               json={'reason': 'Not possible'}).status_code == 200
    with db(api.app):
        assert [(m.recipient, m.kind) for m in outbox_since(mark)] == [
            ('noc@acme.example.com', 'declined')]


def test_only_engineers_decide(api):
    request_id = api.globex_request
    for action, body in (('move', {'proposal': 1}), ('split', {'proposal': 1}),
                         ('decline', {'reason': 'no'})):
        for who in ('globex', 'acme', 'viewer'):
            refused = api('POST', f'/reschedule-requests/{request_id}/{action}', who, json=body)
            assert refused.status_code == 403 and refused.mimetype == PROBLEM, (action, who)
    with db(api.app):
        assert RescheduleRequest.get_by_id(request_id).state == 'open'


def test_bad_decision_bodies_name_the_field(api):
    path = f'/reschedule-requests/{api.globex_request}/move'
    for body, fields in (({'proposal': 0}, {'proposal'}), ({'proposal': 2}, {'proposal'}),
                         ({'proposal': True}, {'proposal'}), ({'proposal': '1'}, {'proposal'}),
                         ({'proposal': 1, 'acknowledge': 'all'}, {'acknowledge'}),
                         ({'proposal': 1, 'acknowledge': [3]}, {'acknowledge'}),
                         ({}, {'proposal'})):
        refused = api('POST', path, 'engineer', json=body)
        assert refused.status_code == 422 and set(errors_of(refused)) == fields, body
    assert api('POST', path, 'engineer', data='x').status_code == 415
    assert api('POST', path, 'engineer', json=[]).status_code == 400
    assert api('POST', '/reschedule-requests/999999999/move', 'engineer',
               json={'proposal': 1}).status_code == 404
    with db(api.app):
        assert RescheduleRequest.get_by_id(api.globex_request).state == 'open'


def test_hostile_input_is_a_problem_never_a_server_error(api):
    start, end = later(api.shared)
    good = period(start, end)
    for query in ('customer=%00GLOBEX', 'window=MW%00', 'window=' + '9' * 25,
                  'state=%00', 'window=%ED%A0%80'):
        answer = api('GET', f'/reschedule-requests?{query}', 'viewer')
        assert answer.status_code in (200, 400), query
    bodies = [{'window': '\ud800', 'proposals': [good], 'reason': 'x'},
              {'window': 2 ** 80, 'proposals': [good], 'reason': 'x'},
              {'window': api.shared.reference, 'proposals': [good], 'reason': '\ud800\x00'},
              {'window': api.shared.reference, 'proposals': [{'start': '\x00', 'end': None}],
               'reason': 'x'},
              {'window': api.shared.reference, 'proposals': [good], 'reason': 'x',
               'contact': '\ud800@x'},
              {'window': 1.5, 'proposals': [{'start': '0001-01-01T00:00+05:00',
                                             'end': '2026-W01-1T00:00Z'}], 'reason': 'x'}]
    for body in bodies:
        answer = api('POST', '/reschedule-requests', 'acme', json=body)
        assert answer.status_code == 422, body
    decline = api('POST', f'/reschedule-requests/{api.globex_request}/decline', 'engineer',
                  json={'reason': '\ud800'})
    assert decline.status_code == 422
    move = api('POST', f'/reschedule-requests/{api.globex_request}/move', 'engineer',
               json={'proposal': 1, 'acknowledge': ['\ud800']})
    assert move.status_code == 422
    with db(api.app):
        assert stored() == 1 and RescheduleRequest.get_by_id(api.globex_request).state == 'open'


# Every bad input, through both ways a customer asks: the API and the customer page.
# Each is refused naming its field and what is accepted; nothing is stored, nothing
# is cut, nothing is a 500.

SAO_PAULO = datetime.timezone(-3 * H)


def _local(moment):
    return moment.astimezone(SAO_PAULO).strftime('%Y-%m-%dT%H:%M')


# name: (page form or None, API body or None (from the window's later start and end),
#        the page's error element, the API's field, a word both messages hold)
BAD_INPUTS = {
    'start in the past': (
        lambda s, e: {'start1': '2001-01-10T22:00', 'end1': '2001-01-10T23:00', 'reason': 'r'},
        lambda s, e: {'proposals': [{'start': '2001-01-10T22:00Z', 'end': '2001-01-10T23:00Z'}]},
        'proposal1', 'proposals[0]', 'future'),
    'end before start': (
        lambda s, e: {'start1': _local(e), 'end1': _local(s), 'reason': 'r'},
        lambda s, e: {'proposals': [period(e, s)]},
        'proposal1', 'proposals[0]', 'after the start'),
    'ten years long': (
        lambda s, e: {'start1': _local(s), 'end1': _local(s + 3652 * 24 * H), 'reason': 'r'},
        lambda s, e: {'proposals': [period(s, s + 3652 * 24 * H)]},
        'proposal1', 'proposals[0]', '12 hours'),
    'past max_days_ahead': (
        lambda s, e: {'start1': '2040-01-10T10:00', 'end1': '2040-01-10T12:00', 'reason': 'r'},
        lambda s, e: {'proposals': [{'start': '2040-01-10T10:00Z', 'end': '2040-01-10T12:00Z'}]},
        'proposal1', 'proposals[0]', '1826 days ahead'),
    'year 9999': (
        lambda s, e: {'start1': '9999-12-31T10:00', 'end1': '9999-12-31T12:00', 'reason': 'r'},
        lambda s, e: {'proposals': [{'start': '9999-12-31T10:00Z', 'end': '9999-12-31T12:00Z'}]},
        'proposal1', 'proposals[0].start', '9999'),
    'reason over the limit': (
        lambda s, e: {'start1': _local(s), 'end1': _local(e), 'reason': 'x' * 4001},
        lambda s, e: {'reason': 'x' * 4001},
        'reason', 'reason', '4000'),
    'no reason': (
        lambda s, e: {'start1': _local(s), 'end1': _local(e), 'reason': ' \r\n '},
        lambda s, e: {'reason': ' \r\n '},
        'reason', 'reason', 'why'),
    'a NUL in the reason': (
        lambda s, e: {'start1': _local(s), 'end1': _local(e), 'reason': 'Black\x00Friday'},
        lambda s, e: {'reason': 'Black\x00Friday'},
        'reason', 'reason', 'NUL'),
    'four proposals': (
        None, lambda s, e: {'proposals': [period(s, e)] * 4}, None, 'proposals', '1 to 3'),
    'proposals not a list': (
        None, lambda s, e: {'proposals': {'start': s.isoformat()}}, None, 'proposals', 'list'),
    'a time of the wrong type': (
        None, lambda s, e: {'proposals': [{'start': 20270101, 'end': e.isoformat()}]},
        None, 'proposals[0].start', 'ISO 8601'),
    'a reason of the wrong type': (
        None, lambda s, e: {'reason': ['Black', 'Friday']}, None, 'reason', 'string'),
    'an address over the limit': (
        None, lambda s, e: {'contact': 'a' * 300 + '@acme.example.com'}, None, 'contact',
        'registered contacts'),
    'a window id past BIGINT': (
        None, lambda s, e: {'window': 2 ** 63}, None, 'window', 'maintenance window of yours'),
    'a negative window id': (
        None, lambda s, e: {'window': -1}, None, 'window', 'maintenance window of yours'),
    'a window of the wrong type': (
        None, lambda s, e: {'window': 1.5}, None, 'window', 'maintenance window of yours'),
}


def _customer_page(api, customer='acme'):
    """A client on the customer's page of the shared window, in English."""
    from conftest import csrf_token

    from noc.maintenance import links
    with db(api.app):
        token = links.token(links.state(api.shared, api.net[customer].id), area_settings().secret_key)
    client = api.app.test_client()

    def post(path, data):
        shown = client.get(f'/c/{token}?lang=en').get_data(as_text=True)
        return client.post(f'/c/{token}{path}?lang=en',
                           data={'csrf_token': csrf_token(shown), **data})
    return post


@pytest.mark.parametrize('case', list(BAD_INPUTS))
def test_bad_input_is_a_field_error_through_the_api_and_the_customer_page(api, case):
    form, body, element, field, word = BAD_INPUTS[case]
    start, end = later(api.shared)
    sent = {'window': api.shared.reference, 'proposals': [period(start, end)],
            'reason': 'Black Friday', **body(start, end)}
    answer = api('POST', '/reschedule-requests', 'acme', json=sent)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM, answer.get_json()
    assert word in errors_of(answer).get(field, ''), errors_of(answer)
    if form is not None:
        shown = _customer_page(api)('/request', form(start, end))
        assert shown.status_code == 400
        html = shown.get_data(as_text=True)
        message = re.search(rf'id="{element}-error">([^<]*)<', html)
        assert message and word in message.group(1), re.findall(
            r'class="field-error" id="([^"]+)">([^<]*)<', html)
    with db(api.app):
        assert stored() == 1                # the fixture's own request, nothing more


@pytest.mark.parametrize('request_id', [str(2 ** 63), str(2 ** 63 - 1), '-1', 'x', '1e3'])
def test_a_request_id_that_names_nothing_is_404_through_the_api_and_the_page(api, request_id):
    if request_id.isdigit():
        answer = api('POST', f'/reschedule-requests/{request_id}/withdraw', 'acme')
    else:       # no route takes it: the oracle has no path to check it against
        answer = api.app.test_client().post(f'/api/v1/reschedule-requests/{request_id}/withdraw')
    assert answer.status_code == 404 and answer.mimetype == PROBLEM
    assert _customer_page(api)(f'/requests/{request_id}/withdraw', {}).status_code == 404
    # Another customer's request reads the same as none.
    other = str(api.globex_request)
    assert api('POST', f'/reschedule-requests/{other}/withdraw', 'acme').status_code == 404
    assert _customer_page(api)(f'/requests/{other}/withdraw', {}).status_code == 404
    with db(api.app):
        assert RescheduleRequest.get_by_id(api.globex_request).state == 'open'


def test_a_row_removed_between_reading_and_the_command_is_never_a_server_error(api,
                                                                              monkeypatch):
    # The contact named is found, then removed before the command locks its rows;
    # the request decided is removed likewise: a field error and a 404, not a 500.
    from noc.maintenance import answers
    from noc.models import Contact
    gone = Contact(id=987654321, customer=api.net['acme'].id, email='gone@acme.example.com')
    monkeypatch.setattr(answers, 'contact_by_email', lambda customer_id, email: gone)
    start, end = later(api.shared)
    answer = ask(api, 'acme', api.shared.reference, [period(start, end)],
                 contact='gone@acme.example.com')
    assert answer.status_code == 422 and set(errors_of(answer)) == {'contact'}
    shown = _customer_page(api)('/request', {'start1': _local(start), 'end1': _local(end),
                                             'reason': 'r', 'email': 'gone@acme.example.com'})
    assert shown.status_code == 404
    acknowledged = _customer_page(api)('/acknowledge', {'email': 'gone@acme.example.com'})
    assert acknowledged.status_code == 404
    original = reschedule_commands.decline
    monkeypatch.setattr(reschedule_commands, 'decline',
                        lambda request_id, *a, **kw: original(10 ** 15, *a, **kw))
    declined = api('POST', f'/reschedule-requests/{api.globex_request}/decline', 'engineer',
                   json={'reason': 'Equipe alocada'})
    assert declined.status_code == 404 and declined.mimetype == PROBLEM
    with db(api.app):
        assert stored() == 1
