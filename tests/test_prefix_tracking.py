"""Prefix requests from submission to revalidation, on both engines, with real
VRP files and RPSL dumps loaded the way the worker and the CLI load them."""
import email
import json
from types import SimpleNamespace

import helpers.routing_fixtures as flow
import pytest
from conftest import prepared_app
from helpers.routing_fixtures import RADB, RPSL, VRPS, build_isps, write_rpsl, write_vrps

from noc.core.db import database
from noc.models import AuditLog, OutboxMessage
from noc.models.routing import (
    PrefixHistory,
    PrefixRequest,
    RoutingAlert,
    RpkiStateSample,
    TrackedPrefix,
    VrpSnapshot,
)
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import filters
from noc.routing.prefix_requests import workflow as requests
from noc.routing.rpki import snapshots

ALL = """192.0.2.0/24
203.0.113.0/24
2001:db8:1::/48
3fff:100::/48
3fff:200::/48
"""


def make_world(db_url, tmp_path, **prefixes):
    app = prepared_app(db_url, prefixes={'lab': True, **prefixes})
    ctx = app.test_request_context(headers={'Accept-Language': 'en'})
    ctx.push()
    database.connect(reuse_if_open=True)
    isps = build_isps()
    flow.load_vrps('test', write_vrps(tmp_path / 'vrps.json'))
    irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
    irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
    return SimpleNamespace(app=app, ctx=ctx, tmp=tmp_path, **isps)


@pytest.fixture
def world(db_url, tmp_path):
    w = make_world(db_url, tmp_path)
    yield w
    database.close()
    w.ctx.pop()


def submit(world, text, circuit='acme', customer='acme', **kw):
    return flow.submit(world.__dict__[customer], world.circuits[circuit], text,
                           actor='tester', **kw)


def by_prefix(request):
    return {row.prefix: row for row in request.prefixes}


def mails(kind='prefix'):
    return list(OutboxMessage.select().where(OutboxMessage.kind == kind)
                .order_by(OutboxMessage.id))


def body(row):
    message = email.message_from_string(row.raw)
    for part in message.walk():
        if part.get_content_type() == 'text/plain':
            return part.get_payload(decode=True).decode('utf-8')
    raise AssertionError('no text part')


# -- submission ----------------------------------------------------------------

def test_submission_stores_received_prefixes_with_history_and_audit(world):
    request = submit(world, ALL, as_set='as-acme', note='new block')
    rows = by_prefix(request)
    assert set(rows) == {'192.0.2.0/24', '203.0.113.0/24', '2001:db8:1::/48',
                         '3fff:100::/48', '3fff:200::/48'}
    assert {r.state for r in rows.values()} == {'received'}
    assert {r.origin for r in rows.values()} == {64500}       # the session's ASN
    assert rows['2001:db8:1::/48'].family == 6
    assert request.as_set == 'AS-ACME'
    assert PrefixHistory.select().where(PrefixHistory.event == 'submitted').count() == 5
    entry = AuditLog.get(AuditLog.entity == 'prefix_request')
    assert '203.0.113.0/24 AS64500' in entry.after_json


def test_bad_lines_are_reported_with_their_numbers_and_nothing_is_stored(world):
    text = ('192.0.2.0/24\n'
            '192.0.2.1/24\n'             # host bits
            'hello world\n'              # not a prefix
            '10.1.0.0/16\n'              # private space
            '198.51.100.0/24 AS64501\n'  # GLOBEX's ASN
            '203.0.113.0/24 AS0\n')      # AS0
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, text)
    lines = {line for line, _, _ in caught.value.lines}
    assert lines == {2, 3, 4, 5, 6}
    messages = {line: str(message) for line, _, message in caught.value.lines}
    assert 'another customer' in messages[5]
    assert PrefixRequest.select().count() == 0
    assert TrackedPrefix.select().count() == 0


def test_session_must_be_the_customers_ip_transit(world):
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '192.0.2.0/24', circuit='acme_l2')
    assert 'IP transit' in str(caught.value.errors['circuit'])
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '192.0.2.0/24', circuit='globex')
    assert 'another customer' in str(caught.value.errors['circuit'])
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '192.0.2.0/24', as_set='not a set!')
    assert 'as_set' in caught.value.errors


def test_documentation_space_needs_the_lab_setting(db_url, tmp_path):
    w = make_world(db_url, tmp_path, lab=False)
    try:
        with pytest.raises(requests.RequestRefused) as caught:
            submit(w, '192.0.2.0/24\n2001:db8:1::/48 AS64500')
        assert {line for line, _, _ in caught.value.lines} == {1, 2}
    finally:
        database.close()
        w.ctx.pop()


def test_length_limits_can_be_overridden_by_the_noc(world):
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '192.0.2.128/25')
    assert '/24' in str(caught.value.lines[0][2])
    request = submit(world, '192.0.2.128/25', allow_length=True)
    assert request.prefixes[0].length_override is True


def test_overlap_with_another_customers_accepted_prefix_is_refused(world):
    globex = flow.submit(world.globex, world.circuits['globex'], '198.51.100.0/24',
                             actor='tester')
    flow.check_pending()
    assert globex.prefixes[0].state == 'approved'
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '198.51.100.0/25 AS64500', allow_length=True)
    assert 'overlaps 198.51.100.0/24' in str(caught.value.lines[0][2])


def test_the_same_prefix_twice_on_a_session_is_refused(world):
    first = submit(world, '192.0.2.0/24')
    with pytest.raises(requests.RequestRefused) as caught:
        submit(world, '192.0.2.0/24')
    assert f'PR-{first.id}' in str(caught.value.lines[0][2])


# -- checking and verdicts -------------------------------------------------------

def test_check_gives_each_prefix_its_verdict_and_auto_approves_accepts(world):
    request = submit(world, ALL)
    assert flow.check_pending() == 5
    rows = by_prefix(request)
    expect = {
        '192.0.2.0/24': ('valid', 'match', 'accept', 'approved'),
        '203.0.113.0/24': ('invalid', 'none', 'reject', 'checked'),
        '2001:db8:1::/48': ('valid', 'match', 'accept', 'approved'),
        '3fff:100::/48': ('not-found', 'match', 'attention', 'checked'),
        '3fff:200::/48': ('not-found', 'none', 'reject', 'checked'),
    }
    got = {p: (r.rpki_state, r.irr_state, r.verdict, r.state) for p, r in rows.items()}
    assert got == expect
    codes = {p: [f['code'] for f in r.findings] for p, r in rows.items()}
    assert 'rpki_invalid_as' in codes['203.0.113.0/24']
    assert 'rpki_loose' in codes['2001:db8:1::/48']         # RFC 9319 warning
    assert rows['203.0.113.0/24'].evidence['rpki']['unmatched_as'] == [
        '203.0.113.0/24-24 AS64510']
    assert rows['192.0.2.0/24'].evidence['irr']['routes'] == [['TC', 64500]]
    assert rows['192.0.2.0/24'].decided_by == 'policy'
    # One message for the request, to the BGP contact only, in Portuguese.
    sent = mails()
    assert [m.recipient for m in sent] == ['bgp@acme.example.com']
    text = body(sent[0])
    assert f'PR-{request.id}' in sent[0].subject
    assert 'Olá' in text and '203.0.113.0/24' in text and 'AS64510' in text


def test_auto_approval_can_be_turned_off(db_url, tmp_path):
    w = make_world(db_url, tmp_path, auto_approve=False)
    try:
        request = submit(w, '192.0.2.0/24')
        flow.check_pending()
        assert request.prefixes[0].state == 'checked'
        assert request.prefixes[0].verdict == 'accept'
    finally:
        database.close()
        w.ctx.pop()


def test_as_set_membership_is_recursive_and_survives_a_loop(world):
    request = submit(world, '192.0.2.0/24\n2001:db8:1::/48 AS64502', as_set='AS-ACME')
    flow.check_pending()
    rows = by_prefix(request)
    for row in rows.values():
        assert 'as_set_member' in [f['code'] for f in row.findings]
    unknown = submit(world, '3fff:100::/48', as_set='AS-NOWHERE')
    flow.check_pending()
    finding = [f for f in unknown.prefixes[0].findings if f['code'] == 'as_set_unknown']
    assert finding and finding[0]['outcome'] == 'attention'


def test_without_vrps_nothing_is_accepted_blindly(db_url, tmp_path):
    w = make_world(db_url, tmp_path)
    try:
        snapshots.forget('test')
        request = submit(w, '192.0.2.0/24')
        flow.check_pending()
        row = request.prefixes[0]
        assert row.verdict == 'attention'
        assert 'rpki_no_data' in [f['code'] for f in row.findings]
    finally:
        database.close()
        w.ctx.pop()


# -- engineers' decisions -----------------------------------------------------

def test_workflow_approve_configure_withdraw_with_audit_history_and_notices(world):
    request = submit(world, ALL)
    flow.check_pending()
    rows = by_prefix(request)
    attention = rows['3fff:100::/48']
    flow.act([attention.id], 'approve', 'eng')
    flow.act([attention.id, rows['192.0.2.0/24'].id], 'configure', 'eng')
    with pytest.raises(requests.ActionRefused):
        flow.act([attention.id], 'withdraw', 'eng')          # needs a reason
    flow.act([attention.id], 'withdraw', 'eng', reason='customer returned the block')
    attention = TrackedPrefix.get_by_id(attention.id)
    assert attention.state == 'withdrawn'
    events = [h.event for h in requests.history(attention)]
    assert events == ['withdrawn', 'configured', 'approved', 'checked', 'submitted']
    actions = [a.action for a in AuditLog.select().where(AuditLog.entity == 'tracked_prefix')
               .order_by(AuditLog.id)]
    assert actions[-4:] == ['approve', 'configure', 'configure', 'withdraw']
    subjects = [m.subject for m in mails()]
    assert len(subjects) == 4       # checked, approved, configured, withdrawn
    assert 'customer returned the block' in body(mails()[-1])


def test_actions_refuse_wrong_states_and_unexplained_overrides(world):
    request = submit(world, ALL)
    flow.check_pending()
    rows = by_prefix(request)
    with pytest.raises(requests.ActionRefused):
        flow.act([rows['192.0.2.0/24'].id], 'approve', 'eng')     # already approved
    with pytest.raises(requests.ActionRefused):
        flow.act([rows['203.0.113.0/24'].id], 'configure', 'eng')  # not approved
    with pytest.raises(requests.ActionRefused):
        flow.act([rows['203.0.113.0/24'].id], 'approve', 'eng')    # verdict reject
    flow.act([rows['203.0.113.0/24'].id], 'approve', 'eng',
                 reason='ROA being fixed, agreed with the customer')
    assert TrackedPrefix.get_by_id(rows['203.0.113.0/24'].id).state == 'approved'
    with pytest.raises(requests.ActionRefused):
        flow.act([rows['3fff:200::/48'].id], 'reject', 'eng')      # needs a reason
    flow.act([rows['3fff:200::/48'].id], 'reject', 'eng', reason='no ROA, no route object')
    flow.act([rows['3fff:200::/48'].id], 'recheck', 'eng')
    assert TrackedPrefix.get_by_id(rows['3fff:200::/48'].id).state == 'received'


# -- staying validated ---------------------------------------------------------

def _live(world):
    request = submit(world, '192.0.2.0/24\n2001:db8:1::/48')
    flow.check_pending()
    rows = by_prefix(request)
    flow.act([r.id for r in rows.values()], 'configure', 'eng')
    return request


def test_revalidation_without_change_raises_nothing(world):
    _live(world)
    before = OutboxMessage.select().count()
    outcome = flow.revalidate()
    assert (outcome.checked, outcome.changed) == (2, 0)
    assert OutboxMessage.select().count() == before
    sample = RpkiStateSample.get()
    assert (sample.valid, sample.invalid, sample.not_found) == (2, 0, 0)


@pytest.mark.parametrize('change, prefix, expect', [
    ('origin', '192.0.2.0/24', ('invalid', 'reject', 'rpki_invalid_as')),
    ('expired', '192.0.2.0/24', ('not-found', 'attention', 'rpki_not_found')),
    ('maxlength', '2001:db8:1::/48', ('invalid', 'reject', 'rpki_invalid_length')),
])
def test_a_changed_roa_alerts_the_noc_and_tells_the_customer(world, change, prefix, expect):
    request = _live(world)
    vrps = list(VRPS)
    if change == 'origin':
        vrps[0] = ('192.0.2.0/24', 24, 64509)
        flow.load_vrps('test', write_vrps(world.tmp / 'v2.json', vrps))
    elif change == 'expired':
        # The same ROAs, the one for 192.0.2.0/24 now past its expiry, the rest valid.
        good = write_vrps(world.tmp / 'keep.json', vrps[1:])
        data = json.loads(open(good).read())
        data['roas'].append({'prefix': '192.0.2.0/24', 'maxLength': 24, 'asn': 64500,
                             'ta': 'lacnic', 'expires': 1000})
        # One more live ROA elsewhere, so the set does not shrink past the 20% rule.
        data['roas'].append({'prefix': '198.18.0.0/15', 'maxLength': 15, 'asn': 64500,
                             'ta': 'lacnic'})
        (world.tmp / 'v2.json').write_text(json.dumps(data))
        flow.load_vrps('test', str(world.tmp / 'v2.json'))
    else:
        vrps[3] = ('2001:db8::/32', 32, 64500)
        flow.load_vrps('test', write_vrps(world.tmp / 'v2.json', vrps))
    outcome = flow.revalidate()
    assert outcome.changed == 1
    row = by_prefix(PrefixRequest.get_by_id(request.id))[prefix]
    assert (row.rpki_state, row.verdict) == expect[:2]
    assert expect[2] in [f['code'] for f in row.findings]
    assert row.state == 'configured'            # the NOC decides what to do
    alert = RoutingAlert.get(RoutingAlert.prefix == row)
    assert alert.kind == 'prefix' and alert.closed_at is None
    assert alert.params['rpki_before'] == 'valid'
    history = requests.history(row)[0]
    assert history.event == 'revalidated' and 'rpki_state: valid -> ' in history.note
    notice = mails()[-1]
    assert notice.recipient == 'bgp@acme.example.com'
    assert prefix in body(notice)


def test_a_deleted_route_object_is_noticed(world):
    request = _live(world)
    irr_store.load_dump(write_rpsl(world.tmp / 'tc2.rpsl', RPSL.split('\n\n', 1)[1]), 'TC')
    outcome = flow.revalidate()
    assert outcome.changed == 1
    row = by_prefix(PrefixRequest.get_by_id(request.id))['192.0.2.0/24']
    assert row.irr_state == 'none'
    assert 'irr_missing' in [f['code'] for f in row.findings]


# -- VRP snapshots --------------------------------------------------------------

def test_a_bad_load_never_replaces_the_last_good_snapshot(world):
    good = snapshots.last_good('test')
    (world.tmp / 'broken.json').write_text('{"roas": [ {"prefix": "192.0.2.0/24", ')
    result = flow.load_vrps('test', str(world.tmp / 'broken.json'))
    assert not result.good and result.snapshot.status == 'refused'
    alert = RoutingAlert.get(RoutingAlert.kind == 'rpki-source')
    assert alert.source == 'test' and alert.closed_at is None
    assert flow.current_snapshots()[0].id == good.id
    # Empty, and shrunk by more than 20%: refused too; one open alert per source.
    result = flow.load_vrps('test', write_vrps(world.tmp / 'empty.json', []))
    assert not result.good and 'no VRPs' in result.snapshot.error
    result = flow.load_vrps('test', write_vrps(world.tmp / 'small.json', VRPS[:2]))
    assert not result.good and '20%' in result.snapshot.error
    result = flow.load_vrps('test', str(world.tmp / 'missing.json'))
    assert not result.good
    assert RoutingAlert.select().where(RoutingAlert.closed_at.is_null()).count() == 1
    index, _ = flow.current_index()
    assert index.validate('192.0.2.0/24', 64500).state == 'valid'
    # A good load closes the alert.
    assert flow.load_vrps('test', write_vrps(world.tmp / 'again.json', VRPS + [
        ('198.18.0.0/15', 15, 64500)])).good
    assert RoutingAlert.get_by_id(alert.id).closed_at is not None


def test_an_unchanged_load_adds_no_snapshot_and_old_ones_lose_their_vrps(world):
    count = VrpSnapshot.select().count()
    result = flow.load_vrps('test', write_vrps(world.tmp / 'same.json'))
    assert result.good and not result.changed
    assert VrpSnapshot.select().count() == count
    world.app.config['NOC']['rpki']['keep_snapshots'] = 2
    for n in range(3):
        flow.load_vrps('test', write_vrps(world.tmp / f'n{n}.json',
                                          VRPS + [(f'198.51.100.{n * 8}/29', 29, 64501)]))
    kept = [s.vrps is not None for s in VrpSnapshot.select().where(
        VrpSnapshot.status == 'good').order_by(VrpSnapshot.loaded_at.desc(), VrpSnapshot.id.desc())]
    assert kept == [True, True, False, False]


def test_several_sources_make_one_set(world):
    assert flow.load_vrps('second', write_vrps(world.tmp / 'second.json',
                                               [('3fff:100::/32', 48, 64500)])).good
    index, current = flow.current_index()
    assert {s.source for s in current} == {'test', 'second'}
    assert index.validate('3fff:100::/48', 64500).state == 'valid'
    assert index.validate('192.0.2.0/24', 64500).state == 'valid'


# -- prefix filters ---------------------------------------------------------------

def test_prefix_list_holds_only_configured_prefixes(world):
    request = submit(world, '192.0.2.0/24\n2001:db8:1::/48\n3fff:100::/48')
    flow.check_pending()
    rows = by_prefix(request)
    flow.act([rows['192.0.2.0/24'].id], 'configure', 'eng')
    text = filters.render(world.acme, 'cisco')
    assert 'permit 192.0.2.0/24' in text
    assert '2001:db8:1::/48' not in text and '3fff:100::/48' not in text
    juniper = filters.render(world.acme, 'juniper', circuit=world.circuits['acme'])
    assert '192.0.2.0/24;' in juniper
    with pytest.raises(filters.FilterRefused):
        filters.render(world.acme, 'nonsense')
    assert filters.find_customer('AS64500').id == world.acme.id
    assert filters.find_customer('GLOBEX-7').id == world.globex.id


# -- from the review: one space, one customer; outages are not changes --------------

def test_two_customers_asking_for_the_same_space_get_it_once(world):
    # ROAs for both origins (a space moving between them): both verdicts are accept.
    flow.load_vrps('test', write_vrps(world.tmp / 'both.json',
                                      VRPS + [('198.51.100.0/24', 24, 64500)]))
    acme = submit(world, '198.51.100.0/24 AS64500')
    globex = flow.submit(world.globex, world.circuits['globex'], '198.51.100.0/24',
                             actor='tester')
    flow.check_pending()
    states = {r.customer_id: r.state for r in TrackedPrefix.select()}
    assert sorted(states.values()) == ['approved', 'checked']
    held = acme.prefixes[0] if states[world.acme.id] == 'checked' else globex.prefixes[0]
    assert requests.history(held)[0].event == 'held'
    with pytest.raises(requests.ActionRefused) as caught:
        flow.act([held.id], 'approve', 'eng')
    assert 'already accepted for another customer' in str(caught.value)


def test_an_irr_outage_is_not_a_change_of_the_customers_prefixes(world):
    import socket
    _live(world)
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    world.app.config['NOC']['irr']['servers'] = [f'127.0.0.1:{port}']
    world.app.config['NOC']['irr']['timeout_seconds'] = 2
    mails_before = len(mails())
    outcome = flow.revalidate()
    assert (outcome.checked, outcome.changed, outcome.notices) == (2, 0, 0)
    assert len(mails()) == mails_before
    alert = RoutingAlert.get(RoutingAlert.kind == 'irr-source')
    assert alert.source == f'127.0.0.1:{port}' and alert.closed_at is None
    assert {r.irr_state for r in TrackedPrefix.select()} == {'match'}
    # A new request meanwhile is not rejected for a missing route object: unknown.
    request = submit(world, '3fff:200::/48')
    flow.check_pending()
    row = request.prefixes[0]
    assert (row.irr_state, row.verdict) == ('unknown', 'attention')


def test_a_malformed_vrp_record_is_refused_not_a_crash(world):
    data = json.dumps({'roas': [{'prefix': '192.0.2.0/24', 'maxLength': 24, 'asn': 64500,
                                 'ta': {'name': 'lacnic'}}]}).encode()
    result = flow.load_vrps('test', 'bad.json', data=data)
    assert not result.good and 'trust anchor' in result.snapshot.error
    assert RoutingAlert.get(RoutingAlert.kind == 'rpki-source').source == 'test'


def test_only_configured_sources_make_the_current_set(world):
    flow.load_vrps('manual', write_vrps(world.tmp / 'old.json',
                                        [('203.0.113.0/24', 24, 64500)]))
    index, _ = flow.current_index()
    assert index.validate('203.0.113.0/24', 64500).state == 'valid'   # nothing configured
    world.app.config['NOC']['rpki']['sources'] = {'test': 'unused-here.json'}
    index, current = flow.current_index()
    assert [s.source for s in current] == ['test']
    assert index.validate('203.0.113.0/24', 64500).state == 'invalid'


def test_new_evidence_with_the_same_states_is_recorded_quietly(world):
    _live(world)
    vrps = [('192.0.0.0/22', 24, 64500)] + VRPS[1:]
    flow.load_vrps('test', write_vrps(world.tmp / 'loose.json', vrps))
    outcome = flow.revalidate()
    assert outcome.changed == 0 and outcome.alerts == 0
    row = TrackedPrefix.get(TrackedPrefix.prefix == '192.0.2.0/24')
    assert row.evidence['rpki']['matched'] == ['192.0.0.0/22-24 AS64500']
    assert 'rpki_loose' in [f['code'] for f in row.findings]


def test_shrinking_in_small_steps_is_refused_too(world):
    big = [(f'2001:db8:{n:x}::/48', 48, 64500) for n in range(100)]
    assert flow.load_vrps('test', write_vrps(world.tmp / 'big.json', big)).good
    for step, size in enumerate((85, 72)):
        result = flow.load_vrps('test', write_vrps(world.tmp / f's{step}.json', big[:size]))
        assert result.good is (size == 85), result.snapshot.error
    assert 'against 100' in result.snapshot.error
    assert flow.load_vrps('test', write_vrps(world.tmp / 's.json', big[:72]), force=True).good


def test_each_contact_reads_the_change_in_their_own_language(world):
    from flask_babel import force_locale
    request = flow.submit(world.globex, world.circuits['globex'], '198.51.100.0/24',
                              actor='tester')
    flow.check_pending()
    flow.act([request.prefixes[0].id], 'configure', 'eng')
    vrps = list(VRPS)
    vrps[1] = ('198.51.100.0/24', 24, 64999)
    flow.load_vrps('test', write_vrps(world.tmp / 'v3.json', vrps))
    with force_locale('pt_BR'):                   # the worker's own language
        flow.revalidate()
    text = body(mails()[-1])
    assert mails()[-1].recipient == 'peering@globex.example.com'
    assert 'Before, the check found no problem.' in text
    assert 'found that we should not accept it' in text


def test_a_big_request_gets_one_checked_message(world):
    text = '\n'.join(f'2001:db8:{n:x}::/48' for n in range(1, 701))
    request = submit(world, text)
    flow.check_pending()
    assert requests.summary(request) == {'approved': 700}
    assert len(mails()) == 1


def test_vrps_expire_while_their_snapshot_stays_in_use(world):
    """The validator stops answering; the last good snapshot stays, but each VRP
    goes when its own expiry passes, and the revalidation says so."""
    import datetime as dt

    from noc.models import utcnow
    from noc.routing import tasks
    soon = int((utcnow() + dt.timedelta(hours=2)).timestamp())
    later = int((utcnow() + dt.timedelta(days=30)).timestamp())
    data = json.loads(open(write_vrps(world.tmp / 'exp.json', VRPS, expires=later)).read())
    data['roas'][0]['expires'] = soon                          # 192.0.2.0/24 AS64500
    flow.load_vrps('test', 'exp.json', data=json.dumps(data).encode())
    _live(world)
    now = utcnow()
    flow.revalidate(now=now)
    assert not tasks.revalidation_due(flow.routing_settings(), now + dt.timedelta(minutes=5))
    index, _ = flow.current_index(now)
    assert index.validate('192.0.2.0/24', 64500).state == 'valid'
    after = now + dt.timedelta(hours=3)
    index, _ = flow.current_index(after)
    assert index.validate('192.0.2.0/24', 64500).state == 'not-found'
    assert tasks.revalidation_due(flow.routing_settings(), after)
    outcome = flow.revalidate(now=after)
    assert outcome.changed == 1
    row = TrackedPrefix.get(TrackedPrefix.prefix == '192.0.2.0/24')
    assert row.rpki_state == 'not-found'


def test_a_reload_that_renews_expiries_updates_the_stored_vrps(world):
    import datetime as dt

    from noc.models import utcnow
    soon = int((utcnow() + dt.timedelta(hours=2)).timestamp())
    renewed = int((utcnow() + dt.timedelta(days=2)).timestamp())
    first = flow.load_vrps('test', write_vrps(world.tmp / 'a.json', VRPS, expires=soon))
    again = flow.load_vrps('test', write_vrps(world.tmp / 'b.json', VRPS, expires=renewed))
    assert again.good and not again.changed and again.snapshot.id == first.snapshot.id
    index, _ = flow.current_index(utcnow() + dt.timedelta(hours=3))
    assert index.validate('192.0.2.0/24', 64500).state == 'valid'
