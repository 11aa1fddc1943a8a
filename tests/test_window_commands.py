"""The window commands on their own: no Flask app or request context, settings
passed as a value, on SQLite and PostgreSQL.

The network is the maintenance fixtures'; the windows here hold INITECH's
circuit (no maintenance contact) when they go through the lifecycle, so no
notice has to be rendered, which is the one step that needs Flask's templates.
"""
import datetime

import flask
import pytest
from helpers.bare_database import bare_database, maintenance_settings
from helpers.maintenance_fixtures import build_network
from helpers.time_text import minute, moments

from noc.core import limits
from noc.core.errors import NotFound, Refused
from noc.maintenance import window_commands, windows
from noc.models import AuditLog, MaintenanceWindow, OutboxMessage, utcnow

UTC = datetime.timezone.utc


@pytest.fixture
def plain(db_url):
    """An open connection and the settings; no Flask app is ever made."""
    with bare_database(db_url):
        assert not flask.has_app_context()
        yield maintenance_settings(), build_network()


def typed(days=12, hours=3, **changes):
    """A window as typed values, `days` from now (whole hours, UTC)."""
    start = utcnow().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=days)
    values = {'title_pt': 'Troca de placa', 'title_en': '', 'description_pt': 'Placa nova.',
              'description_en': '', 'internal_notes': '', 'emergency_reason': '',
              'starts_at': start, 'ends_at': start + datetime.timedelta(hours=hours),
              'impact': 'OUTAGE', 'outage_minutes': 30, 'emergency': False,
              'circuits': [('JAN-IPT-004', None)], 'sites': [], 'segments': []}
    values.update(changes)
    return values


def refused(call):
    with pytest.raises(Refused) as exc:
        call()
    return exc.value


def test_create_takes_typed_values_and_stores_them_with_their_audit(plain):
    settings, net = plain
    window = window_commands.create(typed(), 'script', settings)
    stored = MaintenanceWindow.get_by_id(window.id)
    assert (stored.status, stored.title_en, stored.description_en) == \
        ('TENTATIVE', 'Troca de placa', 'Placa nova.')
    assert stored.uid.endswith('@' + settings.provider)
    assert windows.scope_of(stored) == {net['circuits']['initech'].id: (None, '')}
    entry = AuditLog.get(AuditLog.entity_id == window.id)
    assert (entry.action, entry.username) == ('create', 'script')


@pytest.mark.parametrize('field, limit', [('title_pt', limits.MAX_TITLE),
                                          ('description_pt', limits.MAX_DESCRIPTION),
                                          ('internal_notes', limits.MAX_DESCRIPTION),
                                          ('emergency_reason', limits.MAX_REASON)])
def test_over_long_text_is_a_field_error_never_a_cut(plain, field, limit):
    settings, _ = plain
    values = typed(emergency=True, emergency_reason='Fibra rompida')
    values[field] = 'x' * (limit + 1)
    error = refused(lambda: window_commands.create(values, 'script', settings))
    assert error.kind == 'invalid' and list(error.errors) == [field]
    assert f'at most {limit}' in str(error.errors[field])
    assert MaintenanceWindow.select().count() == 0


def test_typed_values_are_checked_by_the_command(plain):
    settings, _ = plain
    cases = [
        ({'title_pt': '  '}, 'title_pt'),
        ({'impact': 'TOTAL'}, 'impact'),
        ({'outage_minutes': -1}, 'outage_minutes'),
        ({'outage_minutes': 600}, 'outage_minutes'),        # longer than the window
        ({'circuits': [('NOPE-1', None)]}, 'circuits'),
        ({'circuits': [('JAN-IPT-004', 'BROKEN')]}, 'circuits'),
        ({'circuits': [], 'segments': ['NO-SUCH']}, 'segments'),
        ({'circuits': []}, 'circuits'),
        ({'circuits': [('JAN-IPT-004', None)] * (limits.MAX_ITEMS + 1)}, 'circuits'),
        ({'emergency': True}, 'emergency_reason'),
        ({'starts_at': None}, 'starts_at'),
    ]
    for changes, field in cases:
        error = refused(lambda changes=changes: window_commands.create(
            typed(**changes), 'script', settings))
        assert field in error.errors, (changes, error.errors)
    assert MaintenanceWindow.select().count() == 0


def test_the_rules_use_the_settings_passed_in(plain):
    settings, _ = plain
    soon = typed(days=3)
    error = refused(lambda: window_commands.create(soon, 'script', settings))
    assert [f.code for f in error.findings if f.is_error] == ['notice']
    relaxed = settings.__class__(**{**settings.__dict__, 'min_notice_days': 2})
    assert window_commands.create(soon, 'script', relaxed).status == 'TENTATIVE'


@pytest.mark.parametrize('window_id', [0, -1, 424242, limits.MAX_ID, limits.MAX_ID + 1,
                                       2 ** 64, True, '1', None])
def test_no_such_window_is_not_found_for_every_command(plain, window_id):
    settings, _ = plain
    for call in (lambda: window_commands.find(window_id),
                 lambda: window_commands.update(window_id, {}, 'x', settings),
                 lambda: window_commands.confirm(window_id, 'x', settings),
                 lambda: window_commands.start(window_id, 'x', settings),
                 lambda: window_commands.complete(window_id, 'x', settings),
                 lambda: window_commands.cancel(window_id, 'x', 'why', settings),
                 lambda: window_commands.remind(window_id, settings)):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(NotFound):
        window_commands.id_of_reference('MW-2026-99999')


def test_update_changes_only_what_is_given_and_keeps_the_scope(plain):
    settings, net = plain
    window = window_commands.create(typed(), 'script', settings)
    scope = windows.scope_of(window)
    window_commands.update(window.id, {'title_en': 'Card swap', 'outage_minutes': 10},
                           'script', settings)
    stored = MaintenanceWindow.get_by_id(window.id)
    assert (stored.title_pt, stored.title_en, stored.outage_minutes) == \
        ('Troca de placa', 'Card swap', 10)
    assert windows.scope_of(stored) == scope
    error = refused(lambda: window_commands.update(window.id, {'outage_minutes': 600},
                                                   'script', settings))
    assert list(error.errors) == ['outage_minutes']
    window_commands.update(window.id, {'segments': ['SPAN-B'], 'circuits': []}, 'script',
                           settings)
    assert set(windows.scope_of(window)) == {net['circuits']['acme2'].id,
                                             net['circuits']['initech'].id}


def test_the_lifecycle_and_its_conflicts(plain):
    settings, _ = plain
    window_id = window_commands.create(typed(), 'script', settings).id
    error = refused(lambda: window_commands.start(window_id, 'script', settings))
    assert error.kind == 'conflict' and list(error.errors) == ['status']
    assert window_commands.confirm(window_id, 'script', settings).status == 'CONFIRMED'
    at_start = window_commands.find(window_id).starts_at
    assert window_commands.start(window_id, 'script', settings,
                                 now=at_start).status == 'IN-PROCESS'
    # The status is decided on the locked row, not on what the caller read.
    assert refused(lambda: window_commands.start(window_id, 'script', settings)).kind == \
        'conflict'
    assert window_commands.complete(window_id, 'script', settings,
                                    now=at_start).status == 'COMPLETED'
    for call in (lambda: window_commands.cancel(window_id, 'script', 'late', settings),
                 lambda: window_commands.update(window_id, {'title_pt': 'x'}, 'script',
                                                settings),
                 lambda: window_commands.confirm(window_id, 'script', settings)):
        assert refused(call).kind == 'conflict'
    assert [e.action for e in AuditLog.select().where(AuditLog.entity_id == window_id)
            .order_by(AuditLog.id)] == ['create', 'confirm', 'start', 'complete']


def test_the_cancel_reason_is_required_and_never_cut(plain):
    settings, _ = plain
    window_id = window_commands.create(typed(), 'script', settings).id
    for reason in ('', '   ', 'x' * (limits.MAX_REASON + 1)):
        error = refused(lambda reason=reason: window_commands.cancel(
            window_id, 'script', reason, settings))
        assert list(error.errors) == ['cancel_reason']
    assert MaintenanceWindow.get_by_id(window_id).status == 'TENTATIVE'
    whole = 'y' * limits.MAX_REASON
    window_commands.cancel(window_id, 'script', whole, settings)
    stored = MaintenanceWindow.get_by_id(window_id)
    assert (stored.status, stored.cancel_reason) == ('CANCELLED', whole)
    assert not stored.published        # cancelled before anyone was told
    assert OutboxMessage.select().count() == 0


def test_warnings_are_acknowledged_by_key_or_all_at_once(plain):
    settings, _ = plain
    ring = typed(circuits=[], segments=['RING-BH'])
    error = refused(lambda: window_commands.create(ring, 'script', settings))
    [warning] = error.unacknowledged
    assert warning.code == 'redundancy' and not error.errors
    window = window_commands.create(ring, 'script', settings, ack_all=True)
    assert windows.acknowledged_of(window) == {warning.key}


def test_the_clock_moves_windows_and_reminds_once(plain):
    settings, _ = plain
    window_id = window_commands.create(typed(), 'script', settings).id
    window_commands.confirm(window_id, 'script', settings)
    start = MaintenanceWindow.get_by_id(window_id).starts_at
    before = start - datetime.timedelta(hours=settings.reminder_hours - 1)
    assert window_commands.remind_due(settings, before) == 0     # no contact to tell
    assert MaintenanceWindow.get_by_id(window_id).reminder_queued_at == before
    assert window_commands.remind(window_id, settings, before) == 0
    assert window_commands.advance(settings, start - datetime.timedelta(minutes=1)) == []
    [moved] = window_commands.advance(settings, start)
    assert (moved.id, moved.status) == (window_id, 'IN-PROCESS')
    [moved] = window_commands.advance(settings, start + datetime.timedelta(hours=3))
    assert moved.status == 'COMPLETED'
    assert window_commands.advance(settings, start + datetime.timedelta(hours=4)) == []
    assert AuditLog.select().where(AuditLog.username == 'worker').count() == 2


def test_start_and_complete_are_refused_too_early_without_a_reason(plain):
    """Issue 17: Start more than start_early_minutes before the start, and
    Complete before the start, are refused unless a reason is given; the reason
    is kept in the audit row."""
    settings, _ = plain
    window_id = window_commands.create(typed(days=23), 'script', settings).id
    window_commands.confirm(window_id, 'script', settings)
    starts = window_commands.find(window_id).starts_at
    early = starts - datetime.timedelta(minutes=settings.start_early_minutes, seconds=1)
    for action in (window_commands.start, window_commands.complete):
        error = refused(lambda action=action: action(window_id, 'script', settings, now=early))
        assert error.kind == 'conflict' and list(error.errors) == [action.__name__]
        assert minute(starts) in moments(error.errors[action.__name__])
    assert window_commands.find(window_id).status == 'CONFIRMED'
    # Within start_early_minutes a start needs no reason; a completion still does.
    soon = starts - datetime.timedelta(minutes=settings.start_early_minutes)
    assert window_commands.start(window_id, 'script', settings, now=soon).status == \
        'IN-PROCESS'
    error = refused(lambda: window_commands.complete(window_id, 'script', settings, now=soon))
    assert list(error.errors) == ['complete']
    assert refused(lambda: window_commands.complete(
        window_id, 'script', settings, now=soon, override_reason='a\nb')).errors.keys() == \
        {'override_reason'}
    assert window_commands.complete(window_id, 'script', settings, now=soon,
                                    override_reason=' fibre spliced early ').status == \
        'COMPLETED'
    entries = list(AuditLog.select().where(AuditLog.entity_id == window_id)
                   .order_by(AuditLog.id))
    assert [e.action for e in entries][-2:] == ['start', 'complete']
    assert 'override_reason' not in entries[-2].after_json
    assert '"override_reason": "fibre spliced early"' in entries[-1].after_json


def test_an_early_start_with_a_reason_is_recorded(plain):
    settings, _ = plain
    window_id = window_commands.create(typed(days=23), 'script', settings).id
    window_commands.confirm(window_id, 'script', settings)
    window_commands.start(window_id, 'script', settings, override_reason='crew on site')
    entry = AuditLog.select().where(AuditLog.entity_id == window_id).order_by(
        AuditLog.id.desc()).get()
    assert entry.action == 'start' and '"crew on site"' in entry.after_json
