"""Maintenance windows: scope, rules and lifecycle, through the domain, on both engines."""
import datetime
import json

import flask
import pytest
from flask_babel import force_locale
from helpers.bare_database import bare_database
from helpers.bare_database import maintenance_settings as config_settings
from helpers.maintenance_fixtures import build_network, confirmed, create, form, parse
from helpers.maintenance_fixtures import settings as area_settings

from noc.core.db import database
from noc.maintenance import input as window_input
from noc.maintenance import settings as maintenance_settings
from noc.maintenance import window_commands, windows
from noc.models import AuditLog, ChangeFreeze, MaintenanceWindow, OutboxMessage, WindowCircuit

UTC = datetime.timezone.utc


@pytest.fixture
def net(ctx):
    return build_network()


@pytest.fixture
def bare(db_url):
    """The network with no Flask app made at all: scope and rules need none once
    the settings are passed in. Yields the settings."""
    with bare_database(db_url):
        assert not flask.has_app_context()
        build_network()
        yield config_settings()


def kinds(window):
    return sorted((m.recipient, m.kind, m.method, m.sequence)
                  for m in OutboxMessage.select().where(OutboxMessage.window == window))


def codes(window):
    return sorted(link.circuit.circuit_id for link in
                  WindowCircuit.select().where(WindowCircuit.window == window))


# --- scope -------------------------------------------------------------------

def test_a_ring_brings_every_live_circuit_over_its_spans(bare):
    values = parse(segments='RING-BH')
    assert len(values['scope']) == 4          # the decommissioned one is left out
    assert {via for _, via in values['scope'].values()} == {'segment:RING-BH'}


def test_a_site_brings_the_circuits_ending_there(bare):
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
def test_bad_input_names_the_field(bare, field, value, expected):
    raw = form(**{field: value})
    _, errors = window_input.parse(raw, 'America/Sao_Paulo')
    with force_locale('en'):
        assert expected in str(errors[field])


@pytest.mark.dates
def test_a_local_time_skipped_by_dst_is_refused():
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

def rule_codes(values, settings=None, **kw):
    settings = settings or area_settings()
    return {(f.severity, f.code) for f in windows.evaluate(values, settings=settings, **kw)}


@pytest.mark.dates
def test_minimum_notice_unless_emergency_with_reason(bare):
    soon = parse(starts_at=form()['starts_at'][:0] + _in_days(3, 1),
                 ends_at=_in_days(3, 3))
    assert ('error', 'notice') in rule_codes(soon, bare)
    raw = form(starts_at=_in_days(3, 1), ends_at=_in_days(3, 3), emergency='on')
    _, errors = window_input.parse(raw, 'America/Sao_Paulo')
    with force_locale('en'):
        assert 'reason' in str(errors['emergency_reason'])
    urgent = parse(starts_at=_in_days(3, 1), ends_at=_in_days(3, 3), emergency='on',
                   emergency_reason='Cabo rompido por obra')
    assert ('error', 'notice') not in rule_codes(urgent, bare)


def _in_days(days, hour):
    moment = datetime.datetime.now(UTC) + datetime.timedelta(days=days)
    return moment.strftime('%Y-%m-%d') + f' {hour:02d}:00'


@pytest.mark.dates
def test_time_rules(bare):
    past = parse(starts_at='2020-01-01 10:00', ends_at='2020-01-01 12:00')
    assert ('error', 'past') in rule_codes(past, bare)
    long = parse(starts_at='2030-12-10 00:00', ends_at='2030-12-11 00:00')
    assert ('error', 'duration') in rule_codes(long, bare)        # 24 h > 12 h default
    backwards = parse(starts_at='2030-12-10 10:00', ends_at='2030-12-10 09:00')
    assert ('error', 'order') in rule_codes(backwards, bare)
    with pytest.raises(windows.WindowRefused) as exc:
        windows.create(backwards, 'test', settings=bare)
    assert 'ends_at' in exc.value.errors
    assert MaintenanceWindow.select().count() == 0


def test_the_same_circuit_in_overlapping_windows_is_blocked(net):
    first = create(starts_at='2030-11-10 22:00', ends_at='2030-11-11 02:00')
    values = parse(starts_at='2030-11-11 01:00', ends_at='2030-11-11 04:00',
                   segments='', circuits='JAN-IPT-003')
    with pytest.raises(windows.WindowRefused) as exc:
        windows.create(values, 'test', settings=area_settings())
    assert first.reference in str(exc.value.errors['circuits'])
    # Back to back is not an overlap; a cancelled window holds nothing.
    create(starts_at='2030-11-11 02:00', ends_at='2030-11-11 04:00',
           segments='', circuits='JAN-IPT-003')
    windows.cancel(first, 'test', 'no longer needed', settings=area_settings())
    create(starts_at='2030-11-11 00:00', ends_at='2030-11-11 01:00',
           segments='', circuits='JAN-IPT-003')


def test_both_legs_down_across_windows_must_be_acknowledged(net):
    create(starts_at='2030-11-10 22:00', ends_at='2030-11-11 02:00', segments='SPAN-A')
    values = parse(starts_at='2030-11-11 00:00', ends_at='2030-11-11 03:00',
                   segments='SPAN-B')
    findings = windows.evaluate(values, settings=area_settings())
    warning = [f for f in findings if f.code == 'redundancy']
    assert len(warning) == 1 and not warning[0].is_error
    with force_locale('en'):
        text = str(warning[0].message)
    assert 'Acme Provedor' in text and 'JAN-IPT-001' in text and 'JAN-IPT-002' in text
    with pytest.raises(windows.WindowRefused):
        windows.create(values, 'test', settings=area_settings())
    window = windows.create(values, 'test', acknowledged=[warning[0].key], settings=area_settings())
    assert json.loads(window.acknowledged_json) == [warning[0].key]
    # A circuit kept up (NO-IMPACT) does not count as a leg down.
    values = parse(starts_at='2030-11-11 00:00', ends_at='2030-11-11 03:00', segments='',
                   circuits='JAN-IPT-002 NO-IMPACT', impact='OUTAGE')
    windows.cancel(window, 'test', 'x', settings=area_settings())
    assert 'redundancy' not in {f.code for f in windows.evaluate(values, settings=area_settings())}


def test_both_legs_in_one_window_warn(bare):
    values = parse(segments='RING-BH')
    assert ('warning', 'redundancy') in rule_codes(values, bare)


@pytest.mark.dates
def test_a_change_freeze_must_be_acknowledged(bare):
    # 5 Jan 2031 23:00 in Manaus is 6 Jan in UTC: the freeze is read in the customer's zone.
    values = parse(starts_at='2031-01-06 00:30', ends_at='2031-01-06 02:00')
    findings = [f for f in windows.evaluate(values, settings=bare) if f.code == 'freeze']
    assert len(findings) == 1 and 'Globex Corp' in str(findings[0].message)
    assert findings[0].key == f'freeze:{ChangeFreeze.get().id}'
    after = parse(starts_at='2031-01-06 03:30', ends_at='2031-01-06 05:00')
    assert not [f for f in windows.evaluate(after, settings=bare) if f.code == 'freeze']


# --- lifecycle and notices -----------------------------------------------------

@pytest.mark.dates
def test_reference_and_uid_never_change(net):
    window = create()
    assert window.reference.startswith(f'MW-{datetime.datetime.now(UTC).year}-')   # UTC's year
    second = create(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    assert int(second.reference[-5:]) == int(window.reference[-5:]) + 1
    uid = window.uid
    windows.update(window, parse(title_pt='Outro título', segments='SPAN-B'), 'test',
            settings=area_settings())
    assert MaintenanceWindow.get_by_id(window.id).uid == uid
    assert MaintenanceWindow.get_by_id(window.id).reference == window.reference


def test_tentative_sends_nothing_and_confirm_tells_each_maintenance_contact(net):
    window = create(segments='RING-BH')
    assert OutboxMessage.select().count() == 0
    windows.confirm(window, 'test', settings=area_settings())
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
                                 ends_at='2030-12-02 01:00'), 'test', settings=area_settings())
    assert {(k, s) for _, k, _, s in kinds(window)} == {('rescheduled', 1)}
    OutboxMessage.delete().execute()
    # Swapping SPAN-A for SPAN-B: GLOBEX leaves (CANCEL), INITECH joins (no
    # contact), ACME's circuit changes (updated).
    windows.update(window, parse(segments='SPAN-B', starts_at='2030-12-01 22:00',
                                 ends_at='2030-12-02 01:00'), 'test', settings=area_settings())
    assert kinds(window) == [
        ('ana@acme.example.com', 'updated', 'REQUEST', 2),
        ('carla@globex.example.com', 'cancelled', 'CANCEL', 2),
        ('noc@acme.example.com', 'updated', '', 2),
    ]
    OutboxMessage.delete().execute()
    # A change that touches nobody's notice sends nothing and keeps SEQUENCE.
    windows.update(window, parse(segments='SPAN-B', internal_notes='só interno',
                                 starts_at='2030-12-01 22:00', ends_at='2030-12-02 01:00'),
                   'test', settings=area_settings())
    assert kinds(window) == []
    assert MaintenanceWindow.get_by_id(window.id).sequence == 2


def test_start_complete_and_cancel_raise_sequence(net):
    window = confirmed()
    windows.start(window, 'test', settings=area_settings())
    windows.complete(window, 'test', settings=area_settings())
    seqs = sorted({(m.kind, m.sequence) for m in OutboxMessage.select()})
    assert seqs == [('completed', 2), ('new', 0), ('starting', 1)]
    with pytest.raises(windows.WindowRefused):
        windows.cancel(window, 'test', 'too late', settings=area_settings())
    other = confirmed(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    windows.cancel(other, 'test', 'Equipe indisponível', settings=area_settings())
    cancel = OutboxMessage.select().where((OutboxMessage.window == other)
                                          & (OutboxMessage.kind == 'cancelled')).first()
    assert cancel.method == 'CANCEL' and cancel.sequence == 1
    assert 'STATUS:CANCELLED' in cancel.ics and 'X-MAINTNOTE-STATUS:CANCELLED' in cancel.ics


def test_cancelling_a_tentative_window_sends_nothing(net):
    window = create()
    windows.cancel(window, 'test', 'rascunho', settings=area_settings())
    assert MaintenanceWindow.get_by_id(window.id).status == 'CANCELLED'
    assert OutboxMessage.select().count() == 0


def test_no_impact_windows_send_nothing_unless_configured(net, app):
    window = confirmed(impact='NO-IMPACT', outage_minutes='0')
    assert OutboxMessage.select().count() == 0
    app.config['NOC']['maintenance']['notify_no_impact'] = True
    try:
        windows.start(window, 'test', settings=area_settings())
        assert OutboxMessage.select().count() == 3
    finally:
        app.config['NOC']['maintenance']['notify_no_impact'] = False


@pytest.mark.dates
def test_the_worker_clock_moves_windows_unless_an_engineer_did(net, app):
    window = confirmed(starts_at='2030-10-10 22:00', ends_at='2030-10-10 23:00')
    done_early = confirmed(starts_at='2030-10-11 22:00', ends_at='2030-10-11 23:00')
    windows.start(done_early, 'engineer', settings=area_settings())
    windows.complete(done_early, 'engineer', settings=area_settings())
    start = MaintenanceWindow.get_by_id(window.id).starts_at
    settings = maintenance_settings.of_app(app)

    def advance(delta):
        return window_commands.advance(settings, start + delta)
    assert advance(-datetime.timedelta(minutes=1)) == []
    moved = advance(datetime.timedelta(minutes=1))
    assert [(w.reference, w.status) for w in moved] == [(window.reference, 'IN-PROCESS')]
    moved = advance(datetime.timedelta(hours=2))
    assert [(w.reference, w.status) for w in moved] == [(window.reference, 'COMPLETED')]
    assert advance(datetime.timedelta(hours=3)) == []
    assert AuditLog.select().where(AuditLog.username == 'worker').count() == 2


@pytest.mark.dates
def test_reminders_are_queued_once(net):
    window = confirmed()
    start = MaintenanceWindow.get_by_id(window.id).starts_at
    assert windows.due_reminders(start - datetime.timedelta(hours=49), 48) == []
    due = windows.due_reminders(start - datetime.timedelta(hours=47), 48)
    assert [w.id for w in due] == [window.id]
    assert windows.remind(due[0], start - datetime.timedelta(hours=47), settings=area_settings()) == 3
    assert windows.due_reminders(start - datetime.timedelta(hours=46), 48) == []


def test_a_failed_change_leaves_the_window_as_it_was(net):
    window = confirmed()
    before = (codes(window), MaintenanceWindow.get_by_id(window.id).sequence)
    create(starts_at='2030-09-10 22:00', ends_at='2030-09-10 23:00', segments='SPAN-B')
    clash = parse(segments='SPAN-B', starts_at='2030-09-10 22:30', ends_at='2030-09-10 23:30')
    with pytest.raises(windows.WindowRefused):
        windows.update(window, clash, 'test', settings=area_settings())
    assert (codes(window), MaintenanceWindow.get_by_id(window.id).sequence) == before


@pytest.mark.dates
def test_no_reminder_right_after_a_notice_inside_the_reminder_period(net):
    urgent = confirmed(starts_at=_in_days(1, 12), ends_at=_in_days(1, 14), emergency='on',
                       emergency_reason='Fibra rompida')
    assert windows.due_reminders(datetime.datetime.now(UTC), 48) == []
    # Moved out of the period, it gets its reminder again when the time comes.
    later = parse(starts_at=_in_days(5, 12), ends_at=_in_days(5, 14), emergency='on',
                  emergency_reason='Fibra rompida')
    windows.update(urgent, later, 'test', settings=area_settings())
    start = MaintenanceWindow.get_by_id(urgent.id).starts_at
    due = windows.due_reminders(start - datetime.timedelta(hours=40), 48)
    assert [w.id for w in due] == [urgent.id]


def test_cancel_needs_a_reason(net):
    window = confirmed()
    with pytest.raises(windows.WindowRefused) as exc:
        windows.cancel(window, 'test', '  ', settings=area_settings())
    assert 'cancel_reason' in exc.value.errors
    assert MaintenanceWindow.get_by_id(window.id).status == 'CONFIRMED'


def test_concurrent_creates_over_the_same_circuit_take_turns(net, app):
    """Two engineers saving at the same moment: the overlap rule still holds."""
    import threading

    values = [parse(segments='', circuits='JAN-IPT-003') for _ in range(2)]
    database.close()
    barrier, results = threading.Barrier(2), []

    def save(v):
        with app.test_request_context(), database.connection_context():
            barrier.wait()
            try:
                results.append(windows.create(v, 'test', settings=area_settings()).reference)
            except windows.WindowRefused as exc:
                results.append(exc)
    threads = [threading.Thread(target=save, args=(v,)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    database.connect(reuse_if_open=True)
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, windows.WindowRefused) for r in results) == 1
    assert MaintenanceWindow.select().count() == 1
