"""Customers' requests to move a window: what they may propose, and what
each proposal would do.

A request (from the customer page, the API, a calendar COUNTER) proposes
one to three periods. For each, the NOC sees what moving the whole window
there would break, and what moving only that customer's circuits into a new
window would. The writes (ask, withdraw, move, split, decline) are the
commands of maintenance.reschedule_commands; this module holds the rules and
the reads they share, and reads no settings of its own: they come as values.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from noc.core.errors import Refused
from noc.core.limits import MAX_PROPOSALS
from noc.maintenance import rules, windows
from noc.models import (
    Circuit,
    MaintenanceWindow,
    RescheduleProposal,
    RescheduleRequest,
    RescheduleState,
    WindowStatus,
    utcnow,
)

# A window customers can still ask to move: published and not started.
MOVABLE = (WindowStatus.CONFIRMED,)
# Periods end before this year: past it the calendar's and the rules' date
# arithmetic (a day's margin, a zone's offset) leaves what Python can represent.
LAST_YEAR = 9998


class RescheduleRefused(Refused):
    """A request or a decision refused: nothing was stored.

    Besides `errors` by field and the decision's `findings`, `lines` name the
    proposed periods that are wrong as (position, None, message), the position
    counting the periods as they were given (1 = the first): each adapter
    names them its own way (the page's rows, the API's list indexes).
    """

    def _summary(self):
        parts = [f'{field}: {text}' for field, text in self.errors.items()]
        parts += [f'proposal {position}: {text}' for position, _, text in self.lines]
        parts += [str(f.message) for f in self.findings]
        return '; '.join(parts) or 'refused'


@dataclass
class Option:
    """What one proposal would do, moved whole or split off."""
    proposal: RescheduleProposal
    move: list              # rule findings of moving the whole window
    split: list | None      # of a new window with the customer's circuits; None: not possible
    others: int             # other customers the whole move would touch


def open_for_requests(window):
    return window.status in MOVABLE


def _period_error(start, end, window, now, settings):
    if end <= start:
        return _l('the end must be after the start')
    if end.year > LAST_YEAR:
        return _l('the period must end before the year %(year)d', year=LAST_YEAR + 1)
    if start <= now:
        return _l('the start must be in the future')
    problems = rules.period_problems(start, end, now, settings)
    if problems:
        return problems.get('starts_at') or problems['ends_at']
    if (start, end) == (window.starts_at, window.ends_at):
        return _l('this is the current time of the window')
    return None


def check_periods(periods, window, now, settings):
    """What is wrong with the proposed [(start, end)] (aware, UTC), as
    ({'proposals': message} or {}, [(position, None, message)]).

    The one check of every way a customer proposes a period: the customer
    page, the API and a calendar COUNTER read from the mailbox (whose refused
    period the NOC reads on the message). `settings` the maintenance settings:
    each period keeps the window's bounds (rules.period_problems: at most
    max_duration_hours, at most max_days_ahead ahead) and starts in the future.
    """
    errors = {}
    if not periods:
        errors['proposals'] = _l('propose at least one period')
    if len(periods) > MAX_PROPOSALS:
        errors['proposals'] = _l('propose at most %(count)d periods', count=MAX_PROPOSALS)
    lines = []
    for position, (start, end) in enumerate(periods, 1):
        message = _period_error(start, end, window, now, settings)
        if message is not None:
            lines.append((position, None, message))
    return errors, lines


def summary(request):
    """What the audit log keeps of a request."""
    return {'window': request.window.reference, 'customer': request.customer.account_id,
            'via': request.via, 'state': request.state, 'reason': request.reason,
            'proposals': [f'{p.starts_at.isoformat()} – {p.ends_at.isoformat()}'
                          for p in request.proposals],
            'decision_reason': request.decision_reason}


def customer_scope(window, customer_id):
    scope = windows.scope_of(window)
    mine = {c.id for c in Circuit.select(Circuit.id).where(
        Circuit.id.in_(list(scope) or [-1]) & (Circuit.customer == customer_id))}
    return ({pk: v for pk, v in scope.items() if pk in mine},
            {pk: v for pk, v in scope.items() if pk not in mine})


def moved_values(window, proposal):
    values = windows.values_of(window)
    values['starts_at'], values['ends_at'] = proposal.starts_at, proposal.ends_at
    return values


def split_values(window, proposal, scope):
    values = moved_values(window, proposal)
    values['scope'] = scope
    values['emergency'], values['emergency_reason'] = False, ''
    return values


def others_of(request):
    return len(set(windows.by_customer(request.window)) - {request.customer_id})


def options(request, now=None, *, settings):
    """An Option per proposal: the rules as the move and as the split would stand
    (`settings` the maintenance settings the rules read)."""
    now = now or utcnow()
    window = request.window
    mine, rest = customer_scope(window, request.customer_id)
    others = others_of(request)
    found = []
    for proposal in request.proposals:
        move = windows.findings_for_update(window, moved_values(window, proposal), now,
                                           check_notice=others > 0, settings=settings)
        split = None
        if mine and rest:
            values = split_values(window, proposal, mine)
            # As the new window: the old one gives these circuits up.
            split = windows.evaluate(values, window, now, check_notice=False, settings=settings)
        found.append(Option(proposal, move, split, others))
    return found


def open_requests():
    return (RescheduleRequest.select(RescheduleRequest, MaintenanceWindow)
            .join(MaintenanceWindow, on=(RescheduleRequest.window == MaintenanceWindow.id))
            .where(RescheduleRequest.state == RescheduleState.OPEN)
            .order_by(MaintenanceWindow.starts_at, RescheduleRequest.created_at))


def of_customer(window, customer_id):
    return list(RescheduleRequest.select().where(
        (RescheduleRequest.window == window) & (RescheduleRequest.customer == customer_id))
        .order_by(RescheduleRequest.created_at.desc()))
