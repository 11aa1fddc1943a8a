"""Maintenance windows: the decisions, and the changes made on a row in hand.

The entry points (form, CLI, API, worker) call window_commands, which finds
and locks the row and then calls these. Each checks the rules, writes the
window, its audit entry and the notices it causes in one transaction, so a
change is never made without its mail or the other way round. SEQUENCE goes
up on every change customers were told about. Settings are passed in
(maintenance.settings.Settings): nothing here reads the app.
"""
import datetime
import json
import secrets

from flask_babel import lazy_gettext as _l

from noc.core import limits
from noc.core.db import database, next_ids, serialize, write_transaction
from noc.core.errors import CONFLICT, Refused
from noc.core.text import multi_line_problem, search_key
from noc.maintenance import notices, rules
from noc.models import (
    Circuit,
    MaintenanceWindow,
    RescheduleRequest,
    RescheduleState,
    WindowCircuit,
    audit,
    utcnow,
)
from noc.models import MessageKind as K
from noc.models import WindowStatus as S

# Confirmed and not over: what the clock moves, and what can be completed.
IN_PROGRESS = (S.CONFIRMED, S.IN_PROCESS)
TEXT_FIELDS = ('title_pt', 'title_en', 'description_pt', 'description_en')
# What a notice shows in every language (a text field only in its own).
SHARED_FIELDS = ('impact', 'outage_minutes', 'emergency', 'emergency_reason')
FIELDS = TEXT_FIELDS + ('internal_notes', 'starts_at', 'ends_at', 'outage_minutes', 'impact',
                        'emergency', 'emergency_reason')


class WindowRefused(Refused):
    """A window change refused: `errors` by field, `findings` the rule results,
    `unacknowledged` the warnings among them still to acknowledge; kind
    'conflict' when the window's status forbids it."""

    def __init__(self, errors=None, findings=(), unacknowledged=None, **kwargs):
        super().__init__(errors, findings, **kwargs)
        self.unacknowledged = unacknowledged



def _conflict(field, message):
    return WindowRefused({field: message}, kind=CONFLICT)


def new_reference(now):
    """MW-2026-00042: a counter per year, from the same table as ids."""
    return f'MW-{now.year}-{next_ids(f"mw_reference_{now.year}"):05d}'


def scope_of(window):
    """{circuit pk: (impact override or None, via)} as stored."""
    return {link.circuit_id: (link.impact, link.via) for link in
            WindowCircuit.select().where(WindowCircuit.window == window)}


def effective(scope, impact):
    return {pk: override or impact for pk, (override, _) in scope.items()}


def proposal_for(values, window=None):
    return rules.Proposal(values['starts_at'], values['ends_at'], values['impact'],
                          values['emergency'], effective(values['scope'], values['impact']),
                          window.id if window else None)


def values_of(window):
    """A stored window as input.parse returns values (for checking it again)."""
    values = {name: getattr(window, name) for name in FIELDS}
    values['scope'] = scope_of(window)
    return values


def findings_for_update(window, values, now=None, check_notice=True, *, settings):
    """The rules a change is held to: the notice period only when the start moves
    or circuits (customers) join, and never once the work has started; no start
    in the past only when the start moves. `check_notice=False`: the only
    customers affected asked for these times themselves."""
    moved_start = values['starts_at'] != window.starts_at
    added_circuits = bool(set(values['scope']) - set(scope_of(window)))
    in_process = window.status == S.IN_PROCESS
    return evaluate(values, window, now,
                    check_notice=check_notice and not in_process
                    and (moved_start or added_circuits),
                    check_past=moved_start, settings=settings)


def acknowledged_of(window):
    return set(json.loads(window.acknowledged_json or '[]')) if window else set()


def evaluate(values, window=None, now=None, check_notice=True, check_past=True, *, settings):
    """The rule findings for a window as it would be."""
    return rules.check(proposal_for(values, window), now or utcnow(), settings.rules,
                       check_notice=check_notice, check_past=check_past)


def _enforce(findings, acknowledged):
    errors = [f for f in findings if f.is_error]
    missing = rules.unacknowledged(findings, acknowledged)
    if errors or missing:
        raise WindowRefused({f.field: f.message for f in errors if f.field}, findings, missing)


def state(window, scope=None):
    """What the audit log keeps of a window."""
    scope = scope_of(window) if scope is None else scope
    codes = dict(Circuit.select(Circuit.id, Circuit.circuit_id)
                 .where(Circuit.id.in_(list(scope) or [-1])).tuples())
    data = {name: getattr(window, name) for name in FIELDS + ('status', 'sequence')}
    data['circuits'] = sorted(codes[pk] + (f' {imp}' if imp else '')
                              for pk, (imp, _) in scope.items())
    return data


def _write_scope(window, scope):
    WindowCircuit.delete().where(WindowCircuit.window == window).execute()
    rows = [dict(window=window.id, circuit=pk, impact=impact, via=via[:80])
            for pk, (impact, via) in sorted(scope.items())]
    for start in range(0, len(rows), 500):
        WindowCircuit.insert_many(rows[start:start + 500]).execute()


def _apply(window, values):
    for name in FIELDS:
        setattr(window, name, values[name])
    window.search_text = search_key(window.reference, window.title_pt, window.title_en)


def create(values, actor, acknowledged=(), now=None, check_notice=True, *, settings):
    """A new TENTATIVE window; nothing is sent until it is confirmed."""
    now = now or utcnow()
    with write_transaction():
        serialize('maintenance_window')     # the overlap rule holds under concurrency
        findings = evaluate(values, None, now, check_notice=check_notice, settings=settings)
        _enforce(findings, acknowledged)
        window = MaintenanceWindow(status=S.TENTATIVE, sequence=0,
                                   created_by=audit.actor_name(actor))
        window.reference = new_reference(now)
        window.uid = f'{window.reference.lower()}-{secrets.token_hex(4)}@{settings.provider}'
        _apply(window, values)
        window.acknowledged_json = json.dumps(sorted(
            f.key for f in findings if not f.is_error))
        window.save()
        _write_scope(window, values['scope'])
        audit.record(actor, audit.Action.CREATE, audit.Entity.MAINTENANCE_WINDOW, window.id, window.reference,
                     None, state(window, values['scope']))
    return window


def audience_for(values):
    """{customer id: [(Circuit, impact)]} of a window not yet saved (the preview)."""
    return by_customer(MaintenanceWindow(impact=values['impact']), values['scope'])


def by_customer(window, scope=None):
    """{customer id: [(Circuit, effective impact)]}, circuits by id, for the
    window's stored scope or the one given."""
    scope = scope_of(window) if scope is None else scope
    grouped = {}
    circuits = {c.id: c for c in Circuit.select()
                .where(Circuit.id.in_(list(scope) or [-1])).order_by(Circuit.circuit_id)}
    for pk in sorted(scope, key=lambda p: circuits[p].circuit_id):
        grouped.setdefault(circuits[pk].customer_id, []).append(
            (circuits[pk], scope[pk][0] or window.impact))
    return grouped


def _notify_change(window, before, old_scope, new_scope, now, settings):
    """Notices for a change to a published window: who was added, removed, changed."""
    old = by_customer(before, old_scope)
    new = by_customer(window, new_scope)
    removed = {cid: old[cid] for cid in old.keys() - new.keys()}
    added = {cid: new[cid] for cid in new.keys() - old.keys()}
    moved = (before.starts_at, before.ends_at) != (window.starts_at, window.ends_at)
    shared_changed = any(getattr(before, f) != getattr(window, f) for f in SHARED_FIELDS)
    text_changed = any(getattr(before, f) != getattr(window, f) for f in TEXT_FIELDS)
    kept, reworded = {}, {}
    for cid in new.keys() & old.keys():
        circuits_changed = [(c.id, i) for c, i in new[cid]] != [(c.id, i) for c, i in old[cid]]
        if moved or shared_changed or circuits_changed:
            kept[cid] = new[cid]
        elif text_changed:          # told only in the language whose text changed
            reworded[cid] = new[cid]
    if not (removed or added or kept or reworded):
        return False
    if moved:
        _reset_reminder(window, now, settings)
    window.sequence += 1
    if moved:
        window.times_sequence = window.sequence    # acknowledgements are asked again
    window.save()
    if removed:
        notices.queue(_copy(window, status=S.CANCELLED), K.CANCELLED, removed, now,
                      settings=settings)
    notices.queue(window, K.NEW, added, now, settings=settings)
    previous = {'starts_at': before.starts_at, 'ends_at': before.ends_at} if moved else None
    notices.queue(window, K.RESCHEDULED if moved else K.UPDATED, kept, now, previous,
                  settings=settings)
    notices.queue(window, K.UPDATED, reworded, now, settings=settings, text_before=before)
    return True


def _reset_reminder(window, now, settings):
    """A notice that goes out inside the reminder period stands for the reminder;
    a window moved further out gets its reminder again."""
    hours = settings.reminder_hours
    soon = window.starts_at - now <= datetime.timedelta(hours=hours)
    window.reminder_queued_at = now if soon else None


def _copy(window, **changes):
    """An unsaved copy of the window (its state before a change, or as a
    removed customer sees it)."""
    copy = MaintenanceWindow(**{f.name: getattr(window, f.name)
                                for f in MaintenanceWindow._meta.sorted_fields})
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def check_editable(window):
    if window.status not in S.LIVE:
        raise _conflict('status', _l('a %(status)s window cannot be changed',
                                     status=str(S.label(window.status)).lower()))


def update(window, values, actor, acknowledged=(), now=None, check_notice=True, *, settings):
    """Change a window; customers already told get updates, cancellations, invitations."""
    now = now or utcnow()
    check_editable(window)
    old_scope = scope_of(window)
    if window.status == S.IN_PROCESS and values['starts_at'] != window.starts_at:
        raise WindowRefused({'starts_at': _l('the work has started; only its end can move')})
    with write_transaction():
        serialize('maintenance_window')
        findings = findings_for_update(window, values, now, check_notice, settings=settings)
        _enforce(findings, acknowledged_of(window) | set(acknowledged))
        before_state = state(window, old_scope)
        before = _copy(window)
        _apply(window, values)
        window.acknowledged_json = json.dumps(sorted(
            acknowledged_of(window) | {f.key for f in findings if not f.is_error}))
        window.save()
        _write_scope(window, values['scope'])
        if window.published:
            _notify_change(window, before, old_scope, values['scope'], now, settings)
        audit.record(actor, audit.Action.UPDATE, audit.Entity.MAINTENANCE_WINDOW, window.id, window.reference,
                     before_state, state(window, values['scope']))
    return window


def _transition(window, actor, status, kind, now, action, settings, override=None, **changes):
    before = state(window)
    told = window.published
    window.status = status
    for name, value in changes.items():
        setattr(window, name, value)
    if told and kind:
        window.sequence += 1
    window.save()
    if status in (S.COMPLETED, S.CANCELLED):
        # Nothing left to move: open requests are closed, and their page says so.
        (RescheduleRequest.update(state=RescheduleState.CLOSED, decided_at=now)
         .where((RescheduleRequest.window == window)
                & (RescheduleRequest.state == RescheduleState.OPEN))
         .execute())
    if kind:
        notices.queue(window, kind, by_customer(window), now, settings=settings)
    after = state(window) | ({'override_reason': override} if override else {})
    audit.record(actor, action, audit.Entity.MAINTENANCE_WINDOW, window.id, window.reference,
                 before, after)
    return window


def confirm(window, actor, acknowledged=(), now=None, check_notice=True, *, settings):
    """TENTATIVE -> CONFIRMED: the rules again, then every customer is told."""
    now = now or utcnow()
    if window.status != S.TENTATIVE:
        raise _conflict('status', _l('only a TENTATIVE window can be confirmed'))
    values = values_of(window)
    scope = values['scope']
    with write_transaction():
        serialize('maintenance_window')
        findings = evaluate(values, window, now, check_notice=check_notice, settings=settings)
        acknowledged = acknowledged_of(window) | set(acknowledged)
        _enforce(findings, acknowledged)
        window.acknowledged_json = json.dumps(sorted(
            acknowledged | {f.key for f in findings if not f.is_error}))
        # The first notice goes out with SEQUENCE 0 (nothing was published before).
        before = state(window, scope)
        window.status = S.CONFIRMED
        _reset_reminder(window, now, settings)
        window.save()
        notices.queue(window, K.NEW, by_customer(window, scope), now, settings=settings)
        audit.record(actor, audit.Action.CONFIRM, audit.Entity.MAINTENANCE_WINDOW, window.id,
                     window.reference, before, state(window, scope))
    return window


def start(window, actor, now=None, *, settings, override=None):
    """CONFIRMED -> IN-PROCESS; customers are told the work has started."""
    if window.status != S.CONFIRMED:
        raise _conflict('status', _l('only a CONFIRMED window can start'))
    with database.atomic():
        return _transition(window, actor, S.IN_PROCESS, K.STARTING, now or utcnow(), audit.Action.START,
                           settings, override)


def complete(window, actor, now=None, *, settings, override=None):
    if window.status not in IN_PROGRESS:
        raise _conflict('status', _l('only a window in progress can be completed'))
    with database.atomic():
        return _transition(window, actor, S.COMPLETED, K.COMPLETED, now or utcnow(),
                           audit.Action.COMPLETE, settings, override)


def check_cancel_reason(reason):
    """The reason customers read: required, and at most MAX_REASON (never cut)."""
    problem = multi_line_problem(reason)
    if problem is not None:
        raise WindowRefused({'cancel_reason': problem})
    reason = (reason or '').strip()
    if not reason:
        raise WindowRefused({'cancel_reason': _l(
            'Give the reason for cancelling; customers who were told read it.')})
    if len(reason) > limits.MAX_REASON:
        raise WindowRefused({'cancel_reason': _l(
            'The reason is too long (at most %(max)d characters).', max=limits.MAX_REASON)})
    return reason


def cancel(window, actor, reason, now=None, *, settings):
    """Cancel with the reason customers will read (required)."""
    reason = check_cancel_reason(reason)
    if window.status not in S.LIVE:
        raise _conflict('status', _l('a %(status)s window cannot be cancelled',
                                     status=str(S.label(window.status)).lower()))
    with database.atomic():
        kind = K.CANCELLED if window.published else None
        return _transition(window, actor, S.CANCELLED, kind, now or utcnow(), audit.Action.CANCEL,
                           settings, cancel_reason=reason)


def remind(window, now=None, *, settings):
    """The reminder before the start (the worker calls this once per window)."""
    now = now or utcnow()
    with database.atomic():
        window.reminder_queued_at = now
        window.save()
        return notices.queue(window, K.REMINDER, by_customer(window), now,
                             settings=settings)


def due_reminders(now, hours):
    if not hours:
        return []
    return list(MaintenanceWindow.select().where(
        (MaintenanceWindow.status == S.CONFIRMED)
        & MaintenanceWindow.reminder_queued_at.is_null()
        & (MaintenanceWindow.starts_at > now)
        & (MaintenanceWindow.starts_at <= now + datetime.timedelta(hours=hours))))


def clock_move(window, now):
    """Where the clock takes a window now: 'complete' at its end, 'start' at its
    start, None when an engineer already moved it (or it is not time)."""
    if window.status in IN_PROGRESS and window.ends_at <= now:
        return 'complete'
    if window.status == S.CONFIRMED and window.starts_at <= now:
        return 'start'
    return None


def move_by_clock(window, move, actor, now, settings):
    """The worker's move on a locked row (see clock_move)."""
    if move == 'complete':
        return _transition(window, actor, S.COMPLETED, K.COMPLETED, now, audit.Action.COMPLETE, settings)
    return _transition(window, actor, S.IN_PROCESS, K.STARTING, now, audit.Action.START, settings)
