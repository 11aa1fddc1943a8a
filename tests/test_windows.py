"""Maintenance windows: scope, rules and lifecycle, through the domain, on both engines."""
import datetime
import json

import pytest
from flask_babel import force_locale

from helpers.maintenance_fixtures import build_network, confirmed, create, form, parse
from noc.maintenance import input as window_input, windows
from noc.models import AuditLog, MaintenanceWindow, OutboxMessage, WindowCircuit

UTC = datetime.timezone.utc


@pytest.fixture
def net(ctx):
    return build_network()


def kinds(window):
    return sorted((m.recipient, m.kind, m.method, m.sequence)
                  for m in OutboxMessage.select().where(OutboxMessage.window == window))


def codes(window):
    return sorted(link.circuit.circuit_id for link in
                  WindowCircuit.select().where(WindowCircuit.window == window))


# --- scope -------------------------------------------------------------------

def test_a_ring_brings_every_live_circuit_over_its_spans(net):
    values = parse(segments='RING-BH')
    assert len(values['scope']) == 4          # the decommissioned one is left out
    assert {via for _, via in values['scope'].values()} == {'segment:RING-BH'}


def test_a_site_brings_the_circuits_ending_there(net):
    values = parse(segments='', sites='ctg01')
    assert len(values['scope']) == 4


def test_direct_circuits_carry_their_own_impact(net):
    values = parse(segments='SPAN-A', circuits='JAN-IPT-004 degraded')
    window = create(**{'segments': 'SPAN-A', 'circuits': 'JAN-IPT-004 degraded'})
    assert values['scope'][net['circuits']['initech'].id] == ('DEGRADED', '')
    assert codes(window) == ['JAN-IPT-001', 'JAN-IPT-003', 'JAN-IPT-004']
    assert window_input.as_form(window, 'America/Sao_Paulo')['circuits'] == \
        'JAN-IPT-004 DEGRADED'


@pytest.mark.parametrize('field, value, expected', [
    ('circuits', 'NOPE-1', 'unknown circuits: NOPE-1'),
    ('circuits', 'JAN-IPT-005', 'decommissioned'),
    ('circuits', 'JAN-IPT-001 BROKEN', 'must be one of'),
    ('segments', 'NO-SUCH', 'unknown: NO-SUCH'),
    ('starts_at', '2030-02-30 10:00', 'not a date and time'),
    ('impact', 'TOTAL', 'expected one of'),
    ('outage_minutes', '-5', 'minutes'),
    ('title_pt', '', 'is required'),
])
def test_bad_input_names_the_field(net, field, value, expected):
    raw = form(**{field: value})
    _, errors = window_input.parse(raw, 'America/Sao_Paulo')
    with force_locale('en'):
        assert expected in str(errors[field])


@pytest.mark.dates
def test_a_local_time_skipped_by_dst_is_refused(ctx):
    # Lisbon jumps from 01:00 to 02:00 on the last Sunday of March 2031 (30 March).
    with pytest.raises(ValueError) as exc:
        window_input.parse_local_time('2031-03-30 01:30', 'Europe/Lisbon')
    with force_locale('en'):
        assert 'does not exist' in str(exc.value.args[0])
    moment = window_input.parse_local_time('2031-03-30 02:30', 'Europe/Lisbon')
    assert moment == datetime.datetime(2031, 3, 30, 1, 30, tzinfo=UTC)


@pytest.mark.dates
def test_times_are_stored_in_utc(net):
    window = create(starts_at='2030-12-10 23:30', ends_at='2030-12-11 02:00')
    stored = MaintenanceWindow.get_by_id(window.id)
    assert stored.starts_at == datetime.datetime(2030, 12, 11, 2, 30, tzinfo=UTC)


# --- rules -------------------------------------------------------------------

def rule_codes(values, **kw):
    return {(f.severity, f.code) for f in windows.evaluate(values, **kw)}


@pytest.mark.dates
def test_minimum_notice_unless_emergency_with_reason(net):
    soon = parse(starts_at=form()['starts_at'][:0] + _in_days(3, 1),
                 ends_at=_in_days(3, 3))
    assert ('error', 'notice') in rule_codes(soon)
    raw = form(starts_at=_in_days(3, 1), ends_at=_in_days(3, 3), emergency='on')
    _, errors = window_input.parse(raw, 'America/Sao_Paulo')
    with force_locale('en'):
        assert 'reason' in str(errors['emergency_reason'])
    urgent = parse(starts_at=_in_days(3, 1), ends_at=_in_days(3, 3), emergency='on',
                   emergency_reason='Cabo rompido por obra')
    assert ('error', 'notice') not in rule_codes(urgent)


def _in_days(days, hour):
    moment = datetime.datetime.now(UTC) + datetime.timedelta(days=days)
    return moment.strftime('%Y-%m-%d') + f' {hour:02d}:00'


@pytest.mark.dates
def test_time_rules(net, app):
    past = parse(starts_at='2020-01-01 10:00', ends_at='2020-01-01 12:00')
    assert ('error', 'past') in rule_codes(past)
    long = parse(starts_at='2030-12-10 00:00', ends_at='2030-12-11 00:00')
    assert ('error', 'duration') in rule_codes(long)        # 24 h > 12 h default
    backwards = parse(starts_at='2030-12-10 10:00', ends_at='2030-12-10 09:00')
    assert ('error', 'order') in rule_codes(backwards)
    with pytest.raises(windows.WindowInvalid) as exc:
        windows.create(backwards, 'test')
    assert 'ends_at' in exc.value.errors
    assert MaintenanceWindow.select().count() == 0


def test_the_same_circuit_in_overlapping_windows_is_blocked(net):
    first = create(starts_at='2030-11-10 22:00', ends_at='2030-11-11 02:00')
    values = parse(starts_at='2030-11-11 01:00', ends_at='2030-11-11 04:00',
                   segments='', circuits='JAN-IPT-003')
    with pytest.raises(windows.WindowInvalid) as exc:
        windows.create(values, 'test')
    assert first.reference in str(exc.value.errors['circuits'])
    # Back to back is not an overlap; a cancelled window holds nothing.
    create(starts_at='2030-11-11 02:00', ends_at='2030-11-11 04:00',
           segments='', circuits='JAN-IPT-003')
    windows.cancel(first, 'test', 'no longer needed')
    create(starts_at='2030-11-11 00:00', ends_at='2030-11-11 01:00',
           segments='', circuits='JAN-IPT-003')


def test_both_legs_down_across_windows_must_be_acknowledged(net):
    create(starts_at='2030-11-10 22:00', ends_at='2030-11-11 02:00', segments='SPAN-A')
    values = parse(starts_at='2030-11-11 00:00', ends_at='2030-11-11 03:00',
                   segments='SPAN-B')
    findings = windows.evaluate(values)
    warning = [f for f in findings if f.code == 'redundancy']
    assert len(warning) == 1 and not warning[0].is_error
    with force_locale('en'):
        text = str(warning[0].message)
    assert 'Acme Provedor' in text and 'JAN-IPT-001' in text and 'JAN-IPT-002' in text
    with pytest.raises(windows.WindowInvalid):
        windows.create(values, 'test')
    window = windows.create(values, 'test', acknowledged=[warning[0].key])
    assert json.loads(window.acknowledged_json) == [warning[0].key]
    # A circuit kept up (NO-IMPACT) does not count as a leg down.
    values = parse(starts_at='2030-11-11 00:00', ends_at='2030-11-11 03:00', segments='',
                   circuits='JAN-IPT-002 NO-IMPACT', impact='OUTAGE')
    windows.cancel(window, 'test', 'x')
    assert 'redundancy' not in {f.code for f in windows.evaluate(values)}


def test_both_legs_in_one_window_warn(net):
    values = parse(segments='RING-BH')
    assert ('warning', 'redundancy') in rule_codes(values)


@pytest.mark.dates
def test_a_change_freeze_must_be_acknowledged(net):
    # 5 Jan 2031 23:00 in Manaus is 6 Jan in UTC: the freeze is read in the customer's zone.
    values = parse(starts_at='2031-01-06 00:30', ends_at='2031-01-06 02:00')
    findings = [f for f in windows.evaluate(values) if f.code == 'freeze']
    assert len(findings) == 1 and 'Globex Corp' in str(findings[0].message)
    assert findings[0].key == f'freeze:{net["freeze"].id}'
    after = parse(starts_at='2031-01-06 03:30', ends_at='2031-01-06 05:00')
    assert not [f for f in windows.evaluate(after) if f.code == 'freeze']


# --- lifecycle and notices -----------------------------------------------------

@pytest.mark.dates
def test_reference_and_uid_never_change(net):
    window = create()
    assert window.reference.startswith(f'MW-{datetime.datetime.now(UTC).year}-')   # UTC's year
    second = create(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    assert int(second.reference[-5:]) == int(window.reference[-5:]) + 1
    uid = window.uid
    windows.update(window, parse(title_pt='Outro título', segments='SPAN-B'), 'test')
    assert MaintenanceWindow.get_by_id(window.id).uid == uid
    assert MaintenanceWindow.get_by_id(window.id).reference == window.reference


def test_tentative_sends_nothing_and_confirm_tells_each_maintenance_contact(net):
    window = create(segments='RING-BH')
    assert OutboxMessage.select().count() == 0
    windows.confirm(window, 'test')
    assert kinds(window) == [
        ('ana@acme.example.com', 'new', 'REQUEST', 0),
        ('carla@globex.example.com', 'new', 'REQUEST', 0),
        ('noc@acme.example.com', 'new', '', 0),      # plain notice: no METHOD
    ]
    # Initech has no maintenance contact and the commercial contact gets nothing.
    assert AuditLog.select().where(AuditLog.action == 'confirm').count() == 1


def test_reschedule_update_and_scope_changes(net):
    window = confirmed(segments='SPAN-A')              # ACME (circuit 1) and GLOBEX
    OutboxMessage.delete().execute()
    # Moving it: everybody gets 'rescheduled' with SEQUENCE 1.
    windows.update(window, parse(segments='SPAN-A', starts_at='2030-12-01 22:00',
                                 ends_at='2030-12-02 01:00'), 'test')
    assert {(k, s) for _, k, _, s in kinds(window)} == {('rescheduled', 1)}
    OutboxMessage.delete().execute()
    # Swapping SPAN-A for SPAN-B: GLOBEX leaves (CANCEL), INITECH joins (no
    # contact), ACME's circuit changes (updated).
    windows.update(window, parse(segments='SPAN-B', starts_at='2030-12-01 22:00',
                                 ends_at='2030-12-02 01:00'), 'test')
    assert kinds(window) == [
        ('ana@acme.example.com', 'updated', 'REQUEST', 2),
        ('carla@globex.example.com', 'cancelled', 'CANCEL', 2),
        ('noc@acme.example.com', 'updated', '', 2),
    ]
    OutboxMessage.delete().execute()
    # A change that touches nobody's notice sends nothing and keeps SEQUENCE.
    windows.update(window, parse(segments='SPAN-B', internal_notes='só interno',
                                 starts_at='2030-12-01 22:00', ends_at='2030-12-02 01:00'),
                   'test')
    assert kinds(window) == []
    assert MaintenanceWindow.get_by_id(window.id).sequence == 2


def test_start_complete_and_cancel_raise_sequence(net):
    window = confirmed()
    windows.start(window, 'test')
    windows.complete(window, 'test')
    seqs = sorted({(m.kind, m.sequence) for m in OutboxMessage.select()})
    assert seqs == [('completed', 2), ('new', 0), ('starting', 1)]
    with pytest.raises(windows.WindowInvalid):
        windows.cancel(window, 'test', 'too late')
    other = confirmed(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    windows.cancel(other, 'test', 'Equipe indisponível')
    cancel = OutboxMessage.select().where((OutboxMessage.window == other)
                                          & (OutboxMessage.kind == 'cancelled')).first()
    assert cancel.method == 'CANCEL' and cancel.sequence == 1
    assert 'STATUS:CANCELLED' in cancel.ics and 'X-MAINTNOTE-STATUS:CANCELLED' in cancel.ics


def test_cancelling_a_tentative_window_sends_nothing(net):
    window = create()
    windows.cancel(window, 'test', 'rascunho')
    assert MaintenanceWindow.get_by_id(window.id).status == 'CANCELLED'
    assert OutboxMessage.select().count() == 0


def test_no_impact_windows_send_nothing_unless_configured(net, app):
    window = confirmed(impact='NO-IMPACT', outage_minutes='0')
    assert OutboxMessage.select().count() == 0
    app.config['NOC']['maintenance']['notify_no_impact'] = True
    try:
        windows.start(window, 'test')
        assert OutboxMessage.select().count() == 3
    finally:
        app.config['NOC']['maintenance']['notify_no_impact'] = False


@pytest.mark.dates
def test_the_worker_clock_moves_windows_unless_an_engineer_did(net):
    window = confirmed(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    done_early = confirmed(starts_at='2030-10-11 22:00', ends_at='2030-10-11 23:00')
    windows.start(done_early, 'engineer')
    windows.complete(done_early, 'engineer')
    start = MaintenanceWindow.get_by_id(window.id).starts_at
    assert windows.advance(start - datetime.timedelta(minutes=1)) == []
    moved = windows.advance(start + datetime.timedelta(minutes=1))
    assert [(w.reference, w.status) for w in moved] == [(window.reference, 'IN-PROCESS')]
    moved = windows.advance(start + datetime.timedelta(hours=2))
    assert [(w.reference, w.status) for w in moved] == [(window.reference, 'COMPLETED')]
    assert windows.advance(start + datetime.timedelta(hours=3)) == []
    assert AuditLog.select().where((AuditLog.username == 'worker')).count() == 2


@pytest.mark.dates
def test_reminders_are_queued_once(net):
    window = confirmed()
    start = MaintenanceWindow.get_by_id(window.id).starts_at
    assert windows.due_reminders(start - datetime.timedelta(hours=49), 48) == []
    due = windows.due_reminders(start - datetime.timedelta(hours=47), 48)
    assert [w.id for w in due] == [window.id]
    assert windows.remind(due[0], start - datetime.timedelta(hours=47)) == 3
    assert windows.due_reminders(start - datetime.timedelta(hours=46), 48) == []


def test_a_failed_change_leaves_the_window_as_it_was(net):
    window = confirmed()
    before = (codes(window), MaintenanceWindow.get_by_id(window.id).sequence)
    create(starts_at='2030-09-10 22:00', ends_at='2030-09-10 23:00', segments='SPAN-B')
    clash = parse(segments='SPAN-B', starts_at='2030-09-10 22:30', ends_at='2030-09-10 23:30')
    with pytest.raises(windows.WindowInvalid):
        windows.update(window, clash, 'test')
    assert (codes(window), MaintenanceWindow.get_by_id(window.id).sequence) == before


@pytest.mark.dates
def test_no_reminder_right_after_a_notice_inside_the_reminder_period(net):
    urgent = confirmed(starts_at=_in_days(1, 12), ends_at=_in_days(1, 14), emergency='on',
                       emergency_reason='Fibra rompida')
    assert windows.due_reminders(datetime.datetime.now(UTC), 48) == []
    # Moved out of the period, it gets its reminder again when the time comes.
    later = parse(starts_at=_in_days(5, 12), ends_at=_in_days(5, 14), emergency='on',
                  emergency_reason='Fibra rompida')
    windows.update(urgent, later, 'test')
    start = MaintenanceWindow.get_by_id(urgent.id).starts_at
    due = windows.due_reminders(start - datetime.timedelta(hours=40), 48)
    assert [w.id for w in due] == [urgent.id]


def test_cancel_needs_a_reason(net):
    window = confirmed()
    with pytest.raises(windows.WindowInvalid) as exc:
        windows.cancel(window, 'test', '  ')
    assert 'cancel_reason' in exc.value.errors
    assert MaintenanceWindow.get_by_id(window.id).status == 'CONFIRMED'


def test_concurrent_creates_over_the_same_circuit_take_turns(net, app):
    """Two engineers saving at the same moment: the overlap rule still holds."""
    import threading
    from noc.db import database
    values = [parse(segments='', circuits='JAN-IPT-003') for _ in range(2)]
    database.close()
    barrier, results = threading.Barrier(2), []

    def save(v):
        with app.test_request_context(), database.connection_context():
            barrier.wait()
            try:
                results.append(windows.create(v, 'test').reference)
            except windows.WindowInvalid as exc:
                results.append(exc)
    threads = [threading.Thread(target=save, args=(v,)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    database.connect(reuse_if_open=True)
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, windows.WindowInvalid) for r in results) == 1
    assert MaintenanceWindow.select().count() == 1
