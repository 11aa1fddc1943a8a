"""Maintenance windows over the JSON API, on both engines: what each token sees
(a provider only its own published windows and circuits), the engineer's
changes with the browser's rules, warnings and notices, and answers that match
the OpenAPI document."""
import datetime
import json

import pytest
from conftest import db, prepared_app
from helpers.maintenance_fixtures import build_network, confirmed, create, local
from helpers.maintenance_fixtures import settings as area_settings
from helpers.time_text import minute, moments

from noc.accounts import tokens
from noc.api.docs import DOCUMENT
from noc.maintenance import window_commands, windows
from noc.models import AuditLog, MaintenanceWindow, OutboxMessage

PROBLEM = 'application/problem+json'
UTC = datetime.timezone.utc
SAO_PAULO = datetime.timezone(datetime.timedelta(hours=-3))


def iso(days, hour=23, minute=0, offset=SAO_PAULO):
    """A time `days` from now at hour:minute at the given offset, as ISO 8601."""
    moment = (datetime.datetime.now(UTC) + datetime.timedelta(days=days)).astimezone(offset)
    return moment.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


@pytest.fixture
def wapi(db_url):
    app = prepared_app(db_url)
    with db(app):
        net = build_network()
        secrets = {name: tokens.create({'name': name, 'kind': 'provider',
                                        'customer': net[name]}, 'admin')[1]
                   for name in ('acme', 'globex', 'initech')}
        for role in ('viewer', 'engineer'):
            secrets[role] = tokens.create({'name': role, 'kind': 'noc', 'role': role},
                                          'admin')[1]
        # Over SPAN-A: ACME's JAN-IPT-001 and GLOBEX's JAN-IPT-003.
        shared = confirmed(title_pt='Cabo no span A')
        alone = confirmed(title_pt='Só Globex', segments='', circuits='JAN-IPT-003',
                          starts_at=local(20, 23), ends_at=local(21, 3))
        draft = create(title_pt='Rascunho Acme', segments='', circuits='JAN-IPT-001',
                       starts_at=local(30, 23), ends_at=local(31, 3))
    client = app.test_client()

    def call(method, path, who=None, **kw):
        headers = kw.pop('headers', {})
        if who:
            headers['Authorization'] = f'Bearer {secrets[who]}'
        return client.open('/api/v1' + path, method=method, headers=headers, **kw)
    call.app, call.net = app, net
    call.shared, call.alone, call.draft = shared, alone, draft
    return call


def items(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()['items']


def references(response):
    return [w['reference'] for w in items(response)]


def outbox(app, window_id):
    with db(app):
        return sorted((m.recipient, m.kind, m.method) for m in
                      OutboxMessage.select().where(OutboxMessage.window == window_id))


def stored(app, window_id):
    with db(app):
        return MaintenanceWindow.get_by_id(window_id)


def problem_fields(response):
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)
    return {e['field'] for e in response.get_json().get('errors', [])}


NEW = {'title_pt': 'Troca de placa', 'title_en': 'Line card swap',
       'description_pt': 'Troca da placa do anel.', 'internal_notes': 'OS 9001 — equipe C',
       'impact': 'OUTAGE', 'outage_minutes': 20}


def new(**changes):
    body = {**NEW, 'starts_at': iso(40, 23), 'ends_at': iso(41, 2), 'segments': ['SPAN-B']}
    body.update(changes)
    return body


# --- reading: who sees what ---------------------------------------------------

def test_a_provider_lists_only_published_windows_over_its_own_circuits(wapi):
    acme = wapi('GET', '/maintenance-windows', 'acme')
    assert references(acme) == [wapi.shared.reference]    # not GLOBEX's, not the draft
    window = items(acme)[0]
    assert window['customer'] == 'ACME-1'
    assert window['circuits'] == [{'circuit': 'JAN-IPT-001', 'customer_ref': 'ACME-LINK-A',
                                   'impact': 'OUTAGE'}]
    for hidden in ('internal_notes', 'customers', 'acknowledged_warnings', 'title_en'):
        assert hidden not in window
    text = acme.get_data(as_text=True)
    for secret in ('JAN-IPT-003', 'GX/CIRC/9', 'GLOBEX', 'Globex', 'Equipe B', 'SPAN-A'):
        assert secret not in text
    globex = wapi('GET', '/maintenance-windows', 'globex')
    assert references(globex) == [wapi.shared.reference, wapi.alone.reference]
    assert [c['circuit'] for c in items(globex)[0]['circuits']] == ['JAN-IPT-003']
    assert 'ACME' not in globex.get_data(as_text=True)
    assert items(wapi('GET', '/maintenance-windows', 'initech')) == []


def test_a_provider_fetches_its_windows_by_id_or_reference_and_no_others(wapi):
    for key in (wapi.shared.id, wapi.shared.reference, wapi.shared.reference.lower()):
        got = wapi('GET', f'/maintenance-windows/{key}', 'acme')
        assert got.status_code == 200 and got.get_json()['id'] == wapi.shared.id
    for window in (wapi.alone, wapi.draft):
        for key in (window.id, window.reference):
            hidden = wapi('GET', f'/maintenance-windows/{key}', 'acme')
            assert hidden.status_code == 404 and hidden.mimetype == PROBLEM
    # The same 404 as a window that was never there.
    missing = wapi('GET', '/maintenance-windows/MW-2020-99999', 'acme').get_json()
    other = wapi('GET', f'/maintenance-windows/{wapi.alone.reference}', 'acme').get_json()
    assert (missing['status'], missing['title']) == (other['status'], other['title'])


def test_noc_tokens_see_everything_with_scope_and_customers(wapi):
    everything = wapi('GET', '/maintenance-windows', 'viewer')
    assert references(everything) == [wapi.shared.reference, wapi.alone.reference,
                                      wapi.draft.reference]
    shared = wapi('GET', f'/maintenance-windows/{wapi.shared.reference}', 'viewer').get_json()
    assert [(c['circuit'], c['customer'], c['via']) for c in shared['circuits']] == [
        ('JAN-IPT-001', 'ACME-1', 'segment:SPAN-A'), ('JAN-IPT-003', 'GLOBEX-7',
                                                      'segment:SPAN-A')]
    assert [(c['account_id'], c['circuits'], c['acknowledged'])
            for c in shared['customers']] == [('ACME-1', 1, False), ('GLOBEX-7', 1, False)]
    assert shared['internal_notes'] == 'Equipe B, OS 4471'
    assert shared['uid'] == wapi.shared.uid and shared['sequence'] == 0
    assert shared['starts_at'].endswith('Z') and 'customer' not in shared


def test_titles_come_in_the_readers_language(wapi):
    path = f'/maintenance-windows/{wapi.shared.id}'
    english = wapi('GET', path, 'acme', headers={'Accept-Language': 'en'}).get_json()
    assert (english['language'], english['title']) == ('en', 'Fibre cable replacement')
    assert english['description'] == 'Replacing 2 km of cable.'
    portuguese = wapi('GET', path, 'globex', headers={'Accept-Language': 'pt-BR'}).get_json()
    assert portuguese['title'] == 'Cabo no span A'
    # Without Accept-Language: the customer's notice language.
    assert wapi('GET', path, 'globex').get_json()['language'] == 'en'
    assert wapi('GET', path, 'acme').get_json()['title'] == 'Cabo no span A'


@pytest.mark.dates
def test_filters_by_customer_circuit_status_and_dates(wapi):
    assert references(wapi('GET', '/maintenance-windows?customer=GLOBEX-7', 'viewer')) == [
        wapi.shared.reference, wapi.alone.reference]
    assert references(wapi('GET', '/maintenance-windows?customer=ACME-1', 'viewer')) == [
        wapi.shared.reference, wapi.draft.reference]
    # A provider's customer filter cannot reach another customer's windows.
    assert references(wapi('GET', '/maintenance-windows?customer=GLOBEX-7', 'acme')) == [
        wapi.shared.reference]
    # Nor can naming another customer's circuit, even in a window they share.
    assert references(wapi('GET', '/maintenance-windows?circuit=JAN-IPT-003', 'acme')) == []
    assert references(wapi('GET', '/maintenance-windows?circuit=jan-ipt-003', 'globex')) == [
        wapi.shared.reference, wapi.alone.reference]
    assert references(wapi('GET', '/maintenance-windows?status=TENTATIVE', 'viewer')) == [
        wapi.draft.reference]
    # The day 'alone' starts on in São Paulo (local() in the fixture): it starts at
    # 23:00 there, 02:00 UTC the day after, whatever the hour the test runs at.
    day = (datetime.datetime.now(UTC) + datetime.timedelta(days=20)).astimezone(
        SAO_PAULO).date().isoformat()
    assert references(wapi('GET', f'/maintenance-windows?from={day}', 'globex')) == [
        wapi.alone.reference]
    assert references(wapi('GET', f'/maintenance-windows?to={day}', 'globex')) == [
        wapi.shared.reference]
    moment = iso(25).replace('+', '%2B')
    assert references(wapi('GET', f'/maintenance-windows?from={moment}', 'viewer')) == [
        wapi.draft.reference]
    assert references(wapi('GET', '/maintenance-windows?to=9999-12-31', 'viewer')) == [
        wapi.shared.reference, wapi.alone.reference, wapi.draft.reference]
    for bad in ('status=DONE', 'from=yesterday', 'to=2026-12-01T10:00',
                'from=9999-12-31T23:00:00-03:00', 'per_page=0'):
        refused = wapi('GET', f'/maintenance-windows?{bad}', 'viewer')
        assert refused.status_code == 400, bad
        assert problem_fields(refused) == {bad.split('=')[0]}


def test_unknown_and_huge_ids_are_404_never_500(wapi):
    for key in ('0', '999999', str(2 ** 63), str(2 ** 64 + 5), 'MW-2026-999999999999',
                'abc', '%00', '١٢', 'MW-2026-1%00', 'x' * 300):
        for method, suffix, body in (('GET', '', None), ('PATCH', '', {}),
                                     ('POST', '/confirm', None), ('POST', '/start', None),
                                     ('POST', '/cancel', {'reason': 'x'})):
            who = 'viewer' if method == 'GET' else 'engineer'
            answer = wapi(method, f'/maintenance-windows/{key}{suffix}', who, json=body)
            assert answer.status_code == 404, (key, method, suffix)
            assert answer.mimetype == PROBLEM


# --- changing: who may ---------------------------------------------------------

def test_providers_and_viewers_cannot_change_windows(wapi):
    key = wapi.shared.id
    attempts = [('POST', '/maintenance-windows', new()),
                ('PATCH', f'/maintenance-windows/{key}', {'title_pt': 'Mudado'}),
                ('POST', f'/maintenance-windows/{wapi.draft.id}/confirm', None),
                ('POST', f'/maintenance-windows/{key}/cancel', {'reason': 'não'}),
                ('POST', f'/maintenance-windows/{key}/start', None),
                ('POST', f'/maintenance-windows/{key}/complete', None)]
    with db(wapi.app):
        audit_rows = AuditLog.select().count()
    for who in ('acme', 'globex', 'viewer'):
        for method, path, body in attempts:
            refused = wapi(method, path, who, json=body)
            assert refused.status_code == 403, (who, method, path)
            assert refused.mimetype == PROBLEM
    # Another customer's window is refused the same way, before it is even looked up.
    assert wapi('PATCH', f'/maintenance-windows/{wapi.alone.id}', 'acme',
                json={'title_pt': 'x'}).status_code == 403
    with db(wapi.app):
        assert MaintenanceWindow.select().count() == 3
        assert AuditLog.select().count() == audit_rows
    assert stored(wapi.app, key).title_pt == 'Cabo no span A'
    assert stored(wapi.app, wapi.draft.id).status == 'TENTATIVE'


# --- changing: the engineer -------------------------------------------------------

def test_an_engineer_creates_then_confirms_and_notices_go_as_from_the_browser(wapi):
    made = wapi('POST', '/maintenance-windows', 'engineer',
                json=new(segments=['SPAN-A'], starts_at=iso(40, 23), ends_at=iso(41, 2)))
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert made.headers['Location'].endswith(f'/api/v1/maintenance-windows/{body["id"]}')
    assert body['status'] == 'TENTATIVE' and body['reference'].startswith('MW-')
    # 23:00 at -03:00 is 02:00 UTC the next day.
    starts = datetime.datetime.fromisoformat(iso(40, 23)).astimezone(UTC)
    assert starts.hour == 2
    assert body['starts_at'] == starts.isoformat().replace('+00:00', 'Z')
    assert body['title_en'] == 'Line card swap' and body['description_en'] == \
        'Troca da placa do anel.'
    assert [c['circuit'] for c in body['circuits']] == ['JAN-IPT-001', 'JAN-IPT-003']
    assert outbox(wapi.app, body['id']) == []           # nothing is sent while TENTATIVE
    confirmed_ = wapi('POST', f'/maintenance-windows/{body["reference"]}/confirm', 'engineer')
    assert confirmed_.status_code == 200, confirmed_.get_data(as_text=True)
    assert confirmed_.get_json()['status'] == 'CONFIRMED'
    # The same recipients, kinds and methods as the window confirmed beside the
    # browser's form over the same span.
    assert outbox(wapi.app, body['id']) == outbox(wapi.app, wapi.shared.id)
    assert {r for r, _, _ in outbox(wapi.app, body['id'])} == {
        'ana@acme.example.com', 'noc@acme.example.com', 'carla@globex.example.com'}
    with db(wapi.app):
        entry = AuditLog.select().where((AuditLog.entity == 'maintenance_window')
                                        & (AuditLog.entity_id == body['id'])
                                        & (AuditLog.action == 'confirm')).get()
        assert entry.username.startswith('api:jnl_')
    # Now published: ACME sees it, with only its circuit.
    seen = wapi('GET', f'/maintenance-windows/{body["id"]}', 'acme').get_json()
    assert [c['circuit'] for c in seen['circuits']] == ['JAN-IPT-001']
    again = wapi('POST', f'/maintenance-windows/{body["id"]}/confirm', 'engineer')
    assert again.status_code == 409 and problem_fields(again) == {'status'}


def test_warnings_are_acknowledged_by_key_round_trip(wapi):
    # The ring holds both legs of ACME's redundant pair: a warning to acknowledge.
    ring = new(segments=['RING-BH'], starts_at=iso(50, 23), ends_at=iso(51, 2))
    first = wapi('POST', '/maintenance-windows', 'engineer', json=ring)
    assert first.status_code == 409 and first.mimetype == PROBLEM
    warnings = first.get_json()['errors']
    assert [(w['field'], w['code']) for w in warnings] == [('acknowledge', 'redundancy')]
    key = warnings[0]['key']
    assert key.startswith('redundancy:') and 'JAN-IPT-001' in warnings[0]['message']
    with db(wapi.app):
        assert MaintenanceWindow.select().count() == 3        # nothing stored
    wrong = wapi('POST', '/maintenance-windows', 'engineer',
                 json={**ring, 'acknowledge': ['redundancy:0:1,2']})
    assert wrong.status_code == 409
    made = wapi('POST', '/maintenance-windows', 'engineer', json={**ring, 'acknowledge': [key]})
    assert made.status_code == 201, made.get_data(as_text=True)
    window = made.get_json()
    assert window['acknowledged_warnings'] == [key]
    # Into GLOBEX's change freeze: a new warning; the old acknowledgement still holds.
    frozen = {'starts_at': '2030-12-22T23:00:00-03:00', 'ends_at': '2030-12-23T02:00:00-03:00'}
    moved = wapi('PATCH', f'/maintenance-windows/{window["id"]}', 'engineer', json=frozen)
    assert moved.status_code == 409
    [freeze] = moved.get_json()['errors']
    assert freeze['code'] == 'freeze' and 'Globex Corp' in freeze['message']
    assert stored(wapi.app, window['id']).starts_at == datetime.datetime.fromisoformat(
        window['starts_at'])
    done = wapi('PATCH', f'/maintenance-windows/{window["id"]}', 'engineer',
                json={**frozen, 'acknowledge': [freeze['key']]})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.get_json()['starts_at'] == '2030-12-23T02:00:00Z'
    assert sorted(done.get_json()['acknowledged_warnings']) == sorted([key, freeze['key']])
    confirm = wapi('POST', f'/maintenance-windows/{window["id"]}/confirm', 'engineer',
                   json={})
    assert confirm.status_code == 200 and confirm.get_json()['status'] == 'CONFIRMED'


@pytest.mark.parametrize('changes, field, words', [
    ({'starts_at': '2030-12-10T23:00:00'}, 'starts_at', 'offset'),
    ({'starts_at': 'amanhã'}, 'starts_at', 'ISO 8601'),
    ({'ends_at': '9999-12-31T23:30:00-03:00'}, 'ends_at', 'years'),
    ({'impact': 'TOTAL'}, 'impact', 'expected one of'),
    ({'segments': [], 'circuits': ['NOPE-1']}, 'circuits', 'unknown circuits: NOPE-1'),
    ({'circuits': [{'circuit': 'JAN-IPT-004', 'impact': 'BROKEN'}]}, 'circuits',
     'must be one of'),
    ({'circuits': 'JAN-IPT-004'}, 'circuits', 'a list of circuit ids'),
    ({'segments': ['NO\u0001SUCH']}, 'segments', 'unknown: NOSUCH'),
    ({'sites': [7]}, 'sites', 'a list of site codes'),
    ({'outage_minutes': '30'}, 'outage_minutes', 'whole number'),
    ({'outage_minutes': True}, 'outage_minutes', 'whole number'),
    ({'outage_minutes': 600}, 'outage_minutes', 'longer than the window'),
    ({'emergency': 'yes'}, 'emergency', 'true or false'),
    ({'emergency': True}, 'emergency_reason', 'reason'),
    ({'title_pt': '  '}, 'title_pt', 'is required'),
    ({'title_pt': 5}, 'title_pt', 'a string'),
    ({'acknowledged': ['x']}, 'acknowledged', 'not a field'),
    ({'acknowledge': 'x'}, 'acknowledge', 'list of warning keys'),
    ({'ends_at': iso(40, 22)}, 'ends_at', 'after the start'),
    ({'starts_at': iso(-1), 'ends_at': iso(0, 2)}, 'starts_at', 'in the past'),
    ({'starts_at': iso(3), 'ends_at': iso(4, 2)}, 'starts_at', 'days ahead'),
    ({'starts_at': '2040-01-10T10:00:00Z', 'ends_at': '2040-01-10T12:00:00Z'}, 'ends_at',
     'more than 1826 days ahead'),
])
@pytest.mark.dates
def test_errors_name_the_field_and_store_nothing(wapi, changes, field, words):
    refused = wapi('POST', '/maintenance-windows', 'engineer', json=new(**changes),
                   headers={'Accept-Language': 'en'})
    assert refused.status_code == 422, refused.get_data(as_text=True)
    messages = {e['field']: e['message'] for e in refused.get_json()['errors']}
    assert field in messages and words in messages[field], messages
    with db(wapi.app):
        assert MaintenanceWindow.select().count() == 3


@pytest.mark.dates
def test_an_emergency_may_start_soon_and_an_overlap_is_refused(wapi):
    soon = new(starts_at=iso(2), ends_at=iso(3, 1), emergency=True,
               emergency_reason='Cabo rompido')
    made = wapi('POST', '/maintenance-windows', 'engineer', json=soon)
    assert made.status_code == 201 and made.get_json()['emergency'] is True
    # JAN-IPT-001 is already in the shared window at that time.
    overlap = wapi('POST', '/maintenance-windows', 'engineer', headers={'Accept-Language': 'en'},
                   json=new(segments=[], circuits=['JAN-IPT-001 DEGRADED'],
                            starts_at=iso(12, 23, 30), ends_at=iso(13, 1)))
    assert overlap.status_code == 422
    [error] = overlap.get_json()['errors']
    assert (error['field'], error['code']) == ('circuits', 'overlap')
    assert wapi.shared.reference in error['message']


def test_bodies_that_are_not_json_objects(wapi):
    assert wapi('POST', '/maintenance-windows', 'engineer', data='x').status_code == 415
    assert wapi('POST', '/maintenance-windows', 'engineer', json=[1]).status_code == 400
    assert wapi('PATCH', f'/maintenance-windows/{wapi.shared.id}', 'engineer',
                data='{}').status_code == 415
    bad = wapi('POST', f'/maintenance-windows/{wapi.draft.id}/confirm', 'engineer',
               data='nope', headers={'Content-Type': 'application/json'})
    assert bad.status_code == 400
    assert stored(wapi.app, wapi.draft.id).status == 'TENTATIVE'


def test_a_change_keeps_what_was_not_sent_and_tells_who_was_told(wapi):
    path = f'/maintenance-windows/{wapi.shared.id}'
    before = outbox(wapi.app, wapi.shared.id)
    renamed = wapi('PATCH', path, 'engineer', json={'title_en': 'Fibre cable swap'})
    assert renamed.status_code == 200, renamed.get_data(as_text=True)
    window = renamed.get_json()
    assert window['title_pt'] == 'Cabo no span A' and window['title_en'] == 'Fibre cable swap'
    assert [c['via'] for c in window['circuits']] == ['segment:SPAN-A'] * 2
    assert window['starts_at'] == wapi.shared.starts_at.strftime('%Y-%m-%dT%H:%M:%SZ')
    assert window['sequence'] == 1
    # The stored window is four hours long: a longer outage is refused on its own.
    longer = wapi('PATCH', path, 'engineer', json={'outage_minutes': 300},
                  headers={'Accept-Language': 'en'})
    assert longer.status_code == 422 and problem_fields(longer) == {'outage_minutes'}
    assert 'longer than the window' in longer.get_json()['errors'][0]['message']
    updates = sorted(set(outbox(wapi.app, wapi.shared.id)) - set(before))
    assert {kind for _, kind, _ in updates} == {'updated'}
    # Only the English title changed: its readers are told, Ana (pt_BR) is not.
    assert sorted(to for to, _, _ in updates) == ['carla@globex.example.com',
                                                  'noc@acme.example.com']
    # Only ACME's circuit left: GLOBEX is told the window is cancelled for it.
    narrowed = wapi('PATCH', path, 'engineer', json={'circuits': ['JAN-IPT-001']})
    assert narrowed.status_code == 200
    assert [c['circuit'] for c in narrowed.get_json()['circuits']] == ['JAN-IPT-001']
    assert ('carla@globex.example.com', 'cancelled', 'CANCEL') in outbox(wapi.app,
                                                                         wapi.shared.id)
    assert wapi('GET', path, 'globex').status_code == 404


def test_cancel_needs_the_reason_customers_read(wapi):
    path = f'/maintenance-windows/{wapi.shared.id}/cancel'
    for body in ({}, {'reason': '   '}, {'reason': 5}, {'reason': 'x' * 2001}):
        refused = wapi('POST', path, 'engineer', json=body)
        assert refused.status_code == 422 and problem_fields(refused) == {'reason'}
    done = wapi('POST', path, 'engineer', json={'reason': 'Equipamento não chegou'})
    assert done.status_code == 200 and done.get_json()['status'] == 'CANCELLED'
    cancelled = [row for row in outbox(wapi.app, wapi.shared.id) if row[1] == 'cancelled']
    assert len(cancelled) == 3
    seen = wapi('GET', f'/maintenance-windows/{wapi.shared.id}', 'acme').get_json()
    assert seen['cancel_reason'] == 'Equipamento não chegou'
    assert seen['can_reschedule'] is False
    again = wapi('POST', path, 'engineer', json={'reason': 'de novo'})
    assert again.status_code == 409 and problem_fields(again) == {'status'}
    # A draft cancelled before anyone was told stays invisible to customers.
    assert wapi('POST', f'/maintenance-windows/{wapi.draft.id}/cancel', 'engineer',
                json={'reason': 'desisti'}).status_code == 200
    assert outbox(wapi.app, wapi.draft.id) == []
    assert wapi('GET', f'/maintenance-windows/{wapi.draft.id}', 'acme').status_code == 404


@pytest.mark.dates
def test_start_and_complete_follow_the_lifecycle(wapi):
    shared = f'/maintenance-windows/{wapi.shared.id}'
    assert wapi('GET', shared, 'acme').get_json()['can_reschedule'] is True
    refused = wapi('POST', f'/maintenance-windows/{wapi.draft.id}/start', 'engineer')
    assert refused.status_code == 409 and problem_fields(refused) == {'status'}
    # Issue 17: days ahead of its start, neither starts without a reason, and
    # nothing is mailed.
    queued = len(outbox(wapi.app, wapi.shared.id))
    early = wapi('POST', f'{shared}/start', 'engineer')
    assert early.status_code == 409 and early.mimetype == PROBLEM
    assert problem_fields(early) == {'start'}
    assert minute(wapi.shared.starts_at) in moments(early.get_json()['detail'])
    assert len(outbox(wapi.app, wapi.shared.id)) == queued
    assert problem_fields(wapi('POST', f'{shared}/start', 'engineer',
                               json={'override_reason': 7})) == {'override_reason'}
    started = wapi('POST', f'{shared}/start', 'engineer',
                   json={'override_reason': 'crew ready early'})
    assert started.status_code == 200 and started.get_json()['status'] == 'IN-PROCESS'
    assert wapi('GET', shared, 'acme').get_json()['can_reschedule'] is False
    moved = wapi('PATCH', shared, 'engineer', json={'starts_at': iso(14)})
    assert moved.status_code == 422 and problem_fields(moved) == {'starts_at'}
    longer = wapi('PATCH', shared, 'engineer',
                  json={'ends_at': wapi.shared.ends_at.replace(hour=5).isoformat()})
    assert longer.status_code == 200, longer.get_data(as_text=True)
    queued = len(outbox(wapi.app, wapi.shared.id))
    early = wapi('POST', f'{shared}/complete', 'engineer')
    assert early.status_code == 409 and problem_fields(early) == {'complete'}
    assert len(outbox(wapi.app, wapi.shared.id)) == queued
    done = wapi('POST', f'{shared}/complete', 'engineer',
                json={'override_reason': 'done ahead of time'})
    assert done.status_code == 200 and done.get_json()['status'] == 'COMPLETED'
    with db(wapi.app):
        assert 'done ahead of time' in AuditLog.select().where(
            AuditLog.entity_id == wapi.shared.id).order_by(AuditLog.id.desc()).get().after_json
    assert {kind for _, kind, _ in outbox(wapi.app, wapi.shared.id)} >= {'starting',
                                                                          'completed'}
    closed = wapi('PATCH', shared, 'engineer', json={'title_pt': 'tarde demais'})
    assert closed.status_code == 409 and closed.mimetype == PROBLEM
    with db(wapi.app):
        assert windows.acknowledged_of(MaintenanceWindow.get_by_id(wapi.shared.id)) == set()


# --- the answers match the document ------------------------------------------------

def _resolve(schema):
    while '$ref' in schema:
        schema = DOCUMENT['components']['schemas'][schema['$ref'].split('/')[-1]]
    return schema


def conforms(value, schema, where='$'):
    """The parts of JSON Schema the document uses; raises AssertionError naming where."""
    schema = _resolve(schema)
    for part in schema.get('allOf', []):
        conforms(value, part, where)
    if 'oneOf' in schema:
        matches = 0
        for part in schema['oneOf']:
            try:
                conforms(value, part, where)
                matches += 1
            except AssertionError:
                pass
        assert matches == 1, f'{where}: {matches} of oneOf match'
    types = schema.get('type')
    if types:
        names = {'string': str, 'integer': int, 'boolean': bool, 'array': list,
                 'object': dict, 'null': type(None)}
        allowed = types if isinstance(types, list) else [types]
        assert any(isinstance(value, names[t]) and not (t == 'integer' and
                                                          isinstance(value, bool))
                   for t in allowed), f'{where}: {value!r} is not {types}'
    if 'enum' in schema:
        assert value in schema['enum'], f'{where}: {value!r} not in {schema["enum"]}'
    if isinstance(value, dict):
        for name in schema.get('required', []):
            assert name in value, f'{where}: {name} missing'
        properties = schema.get('properties', {})
        for name, item in value.items():
            if name in properties:
                conforms(item, properties[name], f'{where}.{name}')
            else:
                assert schema.get('additionalProperties', True) is not False, \
                    f'{where}: {name} is not in the document'
    if isinstance(value, list) and 'items' in schema:
        for index, item in enumerate(value):
            conforms(item, schema['items'], f'{where}[{index}]')


def _documented(method, path, response):
    operation = DOCUMENT['paths'][path][method.lower()]
    answer = operation['responses'].get(str(response.status_code))
    assert answer is not None, f'{method} {path}: {response.status_code} not documented'
    if '$ref' in answer:
        answer = DOCUMENT['components']['responses'][answer['$ref'].split('/')[-1]]
    [(media, content)] = answer['content'].items()
    assert response.mimetype == media
    conforms(json.loads(response.get_data(as_text=True)), content['schema'])


def test_answers_match_the_openapi_document(wapi):
    one = '/maintenance-windows/{window}'
    calls = [
        ('GET', '/maintenance-windows', '/maintenance-windows', 'acme', None),
        ('GET', '/maintenance-windows', '/maintenance-windows', 'viewer', None),
        ('GET', '/maintenance-windows?status=x', '/maintenance-windows', 'viewer', None),
        ('GET', f'/maintenance-windows/{wapi.shared.id}', one, 'globex', None),
        ('GET', f'/maintenance-windows/{wapi.shared.id}', one, 'viewer', None),
        ('GET', '/maintenance-windows/99', one, 'viewer', None),
        ('POST', '/maintenance-windows', '/maintenance-windows', 'engineer',
         new(segments=['RING-BH'])),
        ('POST', '/maintenance-windows', '/maintenance-windows', 'engineer',
         new(impact='x')),
        ('POST', '/maintenance-windows', '/maintenance-windows', 'acme', new()),
        ('POST', '/maintenance-windows', '/maintenance-windows', 'engineer', new()),
        ('PATCH', f'/maintenance-windows/{wapi.draft.id}', one, 'engineer',
         {'impact': 'DEGRADED', 'circuits': [{'circuit': 'JAN-IPT-001', 'impact': None}]}),
        ('POST', f'/maintenance-windows/{wapi.draft.id}/confirm', one + '/confirm',
         'engineer', None),
        ('POST', f'/maintenance-windows/{wapi.draft.id}/confirm', one + '/confirm',
         'engineer', None),
        ('POST', f'/maintenance-windows/{wapi.shared.id}/start', one + '/start',
         'engineer', None),
        ('POST', f'/maintenance-windows/{wapi.shared.id}/complete', one + '/complete',
         'engineer', None),
        ('POST', f'/maintenance-windows/{wapi.alone.id}/cancel', one + '/cancel',
         'engineer', {}),
        ('POST', f'/maintenance-windows/{wapi.alone.id}/cancel', one + '/cancel',
         'engineer', {'reason': 'chuva'}),
    ]
    statuses = set()
    for method, url, path, who, body in calls:
        response = wapi(method, url, who, json=body)
        _documented(method, path, response)
        statuses.add(response.status_code)
    assert statuses == {200, 201, 400, 403, 404, 409, 422}


def test_a_window_cancelled_before_anyone_was_told_cannot_be_named_by_a_provider(wapi):
    with db(wapi.app):
        window_commands.cancel(wapi.draft.id, 'admin', 'não vai mais acontecer', area_settings())
    body = {'window': wapi.draft.reference, 'reason': 'outro dia',
            'proposals': [{'start': iso(40), 'end': iso(40, 23, 30)}]}
    hidden = wapi('POST', '/reschedule-requests', 'acme', json=body)
    body['window'] = 'MW-2026-99999'
    missing = wapi('POST', '/reschedule-requests', 'acme', json=body)
    assert hidden.status_code == missing.status_code == 422
    assert ([e['field'] for e in hidden.get_json()['errors']]
            == [e['field'] for e in missing.get_json()['errors']] == ['window'])
