"""The commands on maintenance windows: what every entry point calls.

The browser, the API, `flask noc window …` and the worker each translate
their input into typed values and call one of these. A command finds the
window (NotFound for no such id), locks its row for the rest of the
transaction (write_transaction + lock_rows), checks the status again under
the lock, applies the limits and the rules, and writes the change with its
audit entry and notices; or raises a WindowRefused, and nothing is stored.

Taking the lock here, not in each adapter, is what keeps an engineer's
`window start` and the worker's clock from both starting a window and
sending the "starting" notices twice.
"""
import datetime

from flask import has_app_context
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from noc.core import i18n, limits
from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, NotFound
from noc.core.text import single_line_problem
from noc.maintenance import input as window_input
from noc.maintenance import windows
from noc.maintenance.windows import WindowRefused
from noc.models import MaintenanceWindow, WindowStatus, utcnow

WHAT = 'maintenance window'


def _id(window_id):
    """An id that can name a row; anything else names none (and the database
    would refuse a number past BIGINT)."""
    if isinstance(window_id, bool) or not isinstance(window_id, int) or \
            not 0 < window_id <= limits.MAX_ID:
        raise NotFound(WHAT)
    return window_id


def find(window_id):
    """The window, unlocked (for reading); NotFound when there is none."""
    window = MaintenanceWindow.get_or_none(MaintenanceWindow.id == _id(window_id))
    if window is None:
        raise NotFound(WHAT)
    return window


def id_of_reference(reference):
    """The id of MW-2026-00042 (any case); NotFound when there is none."""
    reference = (reference or '').strip().upper()[:limits.MAX_REFERENCE]
    found = (MaintenanceWindow.select(MaintenanceWindow.id)
             .where(MaintenanceWindow.reference == reference).first())
    if found is None:
        raise NotFound(WHAT)
    return found.id


def _locked(window_id):
    """Inside write_transaction: the row, locked until the commit."""
    window = lock_rows(MaintenanceWindow.select()
                       .where(MaintenanceWindow.id == _id(window_id))).first()
    if window is None:
        raise NotFound(WHAT)
    return window


def _checked(typed, stored_scope=None):
    values, errors = window_input.check(typed, stored_scope)
    if errors:
        raise WindowRefused(errors)
    return values


def _all_warnings(values, window, now, settings):
    """The keys of every warning the rules find now (the CLI's --ack-all)."""
    return [f.key for f in windows.evaluate(values, window, now, settings=settings)
            if not f.is_error]


def create(typed, actor, settings, acknowledged=(), now=None, ack_all=False):
    """A new TENTATIVE window from typed values (input.FIELDS); nothing is sent."""
    now = now or utcnow()
    values = _checked(typed)
    if ack_all:
        acknowledged = [*acknowledged, *_all_warnings(values, None, now, settings)]
    return windows.create(values, actor, acknowledged, now, settings=settings)


def update(window_id, changes, actor, settings, acknowledged=(), now=None):
    """Change the fields in `changes` (typed, as for create); the others keep their
    stored values, and the scope stays unless circuits, sites or segments are given."""
    now = now or utcnow()
    with write_transaction():
        window = _locked(window_id)
        windows.check_editable(window)
        keep_scope = not set(window_input.SCOPE) & set(changes)
        values = _checked({**window_input.typed_of(window), **changes},
                          windows.scope_of(window) if keep_scope else None)
        return windows.update(window, values, actor, acknowledged, now, settings=settings)


def confirm(window_id, actor, settings, acknowledged=(), now=None, ack_all=False):
    """TENTATIVE -> CONFIRMED: the rules again, then every customer is told."""
    now = now or utcnow()
    with write_transaction():
        window = _locked(window_id)
        if ack_all:
            acknowledged = [*acknowledged, *_all_warnings(windows.values_of(window), window,
                                                          now, settings)]
        return windows.confirm(window, actor, acknowledged, now, settings=settings)


def check_override_reason(reason):
    """None for no reason; else the reason, one line of at most MAX_REASON."""
    problem = single_line_problem(reason)
    if problem is not None:
        raise WindowRefused({'override_reason': problem})
    reason = (reason or '').strip()
    if len(reason) > limits.MAX_REASON:
        raise WindowRefused({'override_reason': _l(
            'The reason is too long (at most %(max)d characters).', max=limits.MAX_REASON)})
    return reason or None


def _reader_time(moment):
    """`moment` in the one time format, in the zone of whoever reads the refusal
    (an engineer's page, an API client's token user, UTC on the command line):
    worked out when the message is shown, as the message itself is."""
    def text():
        if not has_app_context():               # a command run bare: no reader, UTC
            return i18n.time_text(moment, 'UTC')
        return i18n.localtime(moment)
    return LazyString(text)


def time_guard(window, action, now, settings):
    """None, or why `action` ('start', 'complete') is too early for `window`: a
    Start more than start_early_minutes before its start, a Complete before it.
    Reads only; the confirmation page asks for a reason when it says so."""
    if action == 'start':
        early = datetime.timedelta(minutes=settings.start_early_minutes)
        if window.status != WindowStatus.CONFIRMED or now >= window.starts_at - early:
            return None                         # (windows.start says why not CONFIRMED)
        return _l('The window starts at %(start)s; it can be started at most '
                  '%(minutes)d minutes before that. To start it now, give the reason.',
                  start=_reader_time(window.starts_at),
                  minutes=settings.start_early_minutes)
    if action != 'complete' or window.status not in windows.IN_PROGRESS \
            or now >= window.starts_at:
        return None
    return _l('The window starts at %(start)s; it cannot be completed before '
              'it starts. To complete it now, give the reason.',
              start=_reader_time(window.starts_at))


def _guard(window, action, now, settings, override):
    """Refuse what time_guard finds too early, unless an override reason is given."""
    message = None if override else time_guard(window, action, now, settings)
    if message is not None:
        raise WindowRefused({action: message}, kind=CONFLICT)


def start(window_id, actor, settings, now=None, override_reason=None):
    """CONFIRMED -> IN-PROCESS, and the "starting" notices; refused more than
    start_early_minutes before the start without `override_reason`."""
    override, now = check_override_reason(override_reason), now or utcnow()
    with write_transaction():
        window = _locked(window_id)
        _guard(window, 'start', now, settings, override)
        return windows.start(window, actor, now, settings=settings, override=override)


def complete(window_id, actor, settings, now=None, override_reason=None):
    """CONFIRMED or IN-PROCESS -> COMPLETED, and the "completed" notices; refused
    before the window's start without `override_reason`."""
    override, now = check_override_reason(override_reason), now or utcnow()
    with write_transaction():
        window = _locked(window_id)
        _guard(window, 'complete', now, settings, override)
        return windows.complete(window, actor, now, settings=settings, override=override)


def cancel(window_id, actor, reason, settings, now=None):
    """Cancel with the reason customers read: 1 to MAX_REASON characters, whoever
    asks (a reason too long is refused, never cut)."""
    reason = windows.check_cancel_reason(reason)
    with write_transaction():
        return windows.cancel(_locked(window_id), actor, reason, now or utcnow(),
                              settings=settings)


def remind(window_id, settings, now=None):
    """The reminder before the start; 0 when it is no longer due (already sent,
    or the window moved or changed status since it was found due)."""
    now = now or utcnow()
    with write_transaction():
        window = _locked(window_id)
        if window.status != WindowStatus.CONFIRMED or window.reminder_queued_at is not None:
            return 0
        return windows.remind(window, now, settings=settings)


def _each(window_ids, work, on_error):
    """`work(window_id)` for each window; with `on_error(window_id, exc)` one
    that fails is rolled back and reported, and the others go on."""
    for window_id in window_ids:
        try:
            yield work(window_id)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(window_id, exc)


def remind_due(settings, now=None, on_error=None):
    """Every reminder due now (the worker); returns how many notices were queued."""
    now = now or utcnow()
    due = [window.id for window in windows.due_reminders(now, settings.reminder_hours)]
    return sum(_each(due, lambda window_id: remind(window_id, settings, now), on_error))


def advance(settings, now=None, actor='worker', on_error=None):
    """Move windows along the clock: CONFIRMED -> IN-PROCESS at start, -> COMPLETED
    at end; returns the windows moved.

    Each window in its own transaction, decided again on the locked row: an
    engineer who moved it meanwhile wins, and nothing is told twice. With
    `on_error`, a window that cannot move does not hold up the others.
    """
    now = now or utcnow()
    due = (MaintenanceWindow.select(MaintenanceWindow.id)
           .where(MaintenanceWindow.status.in_(windows.IN_PROGRESS)
                  & (MaintenanceWindow.starts_at <= now)))

    def move(window_id):
        with write_transaction():
            window = _locked(window_id)
            step = windows.clock_move(window, now)
            return windows.move_by_clock(window, step, actor, now, settings) if step else None
    moved = _each([row.id for row in due], move, on_error)
    return [window for window in moved if window is not None]
