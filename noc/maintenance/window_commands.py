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
from noc.core import limits
from noc.core.db import lock_rows, write_transaction
from noc.core.errors import NotFound
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


def start(window_id, actor, settings, now=None):
    """CONFIRMED -> IN-PROCESS, and the "starting" notices."""
    with write_transaction():
        return windows.start(_locked(window_id), actor, now or utcnow(), settings=settings)


def complete(window_id, actor, settings, now=None):
    """CONFIRMED or IN-PROCESS -> COMPLETED, and the "completed" notices."""
    with write_transaction():
        return windows.complete(_locked(window_id), actor, now or utcnow(), settings=settings)


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
