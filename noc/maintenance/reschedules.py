"""Customers' requests to move a window, and the NOC's decisions on them.

A request (from the customer page, a calendar COUNTER or a mail the NOC
turns into one) proposes one to three periods. For each, the NOC sees what
moving the whole window there would break, and what moving only that
customer's circuits into a new window would; then moves, splits or
declines. Each decision changes the windows through `windows`, so the
rules, notices (in the same transaction) and audit are the usual ones.
"""
import datetime
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.maintenance import outcomes, windows
from noc.models import Circuit, MaintenanceWindow, RescheduleProposal, RescheduleRequest, audit, utcnow

MAX_PROPOSALS = 3
# A window customers can still ask to move: published and not started.
MOVABLE = ('CONFIRMED',)


class RequestInvalid(Exception):
    """Refused: `errors` by field (lazy texts), `findings` of the decision."""

    def __init__(self, errors, findings=()):
        self.errors, self.findings = dict(errors), list(findings)
        super().__init__('; '.join(f'{k}: {v}' for k, v in self.errors.items()))


@dataclass
class Option:
    """What one proposal would do, moved whole or split off."""
    proposal: RescheduleProposal
    move: list              # rule findings of moving the whole window
    split: list | None      # of a new window with the customer's circuits; None: not possible
    others: int             # other customers the whole move would touch


def open_for_requests(window):
    return window.status in MOVABLE


def check_periods(periods, window, now):
    """Errors by field for the proposed [(start, end)] (aware, UTC)."""
    hours = current_app.config['NOC']['maintenance']['max_duration_hours']
    errors = {}
    if not periods:
        errors['proposals'] = _l('propose at least one period')
    if len(periods) > MAX_PROPOSALS:
        errors['proposals'] = _l('propose at most %(count)d periods', count=MAX_PROPOSALS)
    for index, (start, end) in enumerate(periods, 1):
        if end <= start:
            errors[f'proposal{index}'] = _l('the end must be after the start')
        elif start <= now:
            errors[f'proposal{index}'] = _l('the start must be in the future')
        elif end - start > datetime.timedelta(hours=hours):
            errors[f'proposal{index}'] = _l('a window may last at most %(hours)d hours',
                                            hours=hours)
        elif (start, end) == (window.starts_at, window.ends_at):
            errors[f'proposal{index}'] = _l('this is the current time of the window')
    return errors


def submit(window, customer, periods, reason, via, *, contact=None, requested_by='',
           attendee='', inbound=None, sequence=None, now=None, strict=True):
    """Open a request; the customer's earlier open request on the window is replaced.

    `strict=False` (a calendar COUNTER, which the customer cannot correct)
    keeps proposals the rules will flag anyway, refusing only ones that
    make no sense (no period, end before start).
    """
    now = now or utcnow()
    if not open_for_requests(window):
        raise RequestInvalid({'window': _l('this maintenance can no longer be moved')})
    if customer.id not in windows.by_customer(window):      # split off or removed
        raise RequestInvalid({'window': _l('your circuits are no longer in this maintenance')})
    errors = check_periods(periods, window, now)
    if not strict:
        senseless = {'proposals'} | {f'proposal{i}' for i, (start, end) in
                                     enumerate(periods, 1) if end <= start}
        errors = {k: v for k, v in errors.items() if k in senseless}
    if errors:
        raise RequestInvalid(errors)
    with write_transaction():
        earlier = ((RescheduleRequest.window == window)
                   & (RescheduleRequest.customer == customer)
                   & (RescheduleRequest.state == 'open'))
        request = RescheduleRequest.create(
            window=window, customer=customer, contact=contact, via=via,
            requested_by=(requested_by or (contact.email if contact else 'page'))[:254],
            reason=(reason or '').strip()[:4000], attendee=attendee[:254], inbound=inbound,
            sequence=window.sequence if sequence is None else sequence, created_at=now)
        for position, (start, end) in enumerate(periods, 1):
            RescheduleProposal.create(request=request, position=position, starts_at=start,
                                      ends_at=end)
        # One statement that re-checks 'open' under the row lock: a decision the
        # NOC is making on the earlier request at this moment is not overwritten.
        (RescheduleRequest.update(state='withdrawn', decided_at=now,
                                  decision_reason=f'#{request.id}')
         .where(earlier & (RescheduleRequest.id != request.id)).execute())
        audit.record(f'customer:{request.requested_by}', 'create', 'reschedule_request',
                     request.id, window.reference, None, summary(request))
    return request


def summary(request):
    """What the audit log keeps of a request."""
    return {'window': request.window.reference, 'customer': request.customer.account_id,
            'via': request.via, 'state': request.state, 'reason': request.reason,
            'proposals': [f'{p.starts_at.isoformat()} – {p.ends_at.isoformat()}'
                          for p in request.proposals],
            'decision_reason': request.decision_reason}


def _customer_scope(window, customer_id):
    scope = windows.scope_of(window)
    mine = {c.id for c in Circuit.select(Circuit.id).where(
        Circuit.id.in_(list(scope) or [-1]) & (Circuit.customer == customer_id))}
    return ({pk: v for pk, v in scope.items() if pk in mine},
            {pk: v for pk, v in scope.items() if pk not in mine})


def _moved(window, proposal):
    values = windows.values_of(window)
    values['starts_at'], values['ends_at'] = proposal.starts_at, proposal.ends_at
    return values


def _split_values(window, proposal, scope):
    values = _moved(window, proposal)
    values['scope'] = scope
    values['emergency'], values['emergency_reason'] = False, ''
    return values


def others_of(request):
    return len(set(windows.by_customer(request.window)) - {request.customer_id})


def options(request, now=None):
    """An Option per proposal: the rules as the move and as the split would stand."""
    now = now or utcnow()
    window = request.window
    mine, rest = _customer_scope(window, request.customer_id)
    others = others_of(request)
    found = []
    for proposal in request.proposals:
        move = windows.findings_for_update(window, _moved(window, proposal), now,
                                           check_notice=others > 0)
        split = None
        if mine and rest:
            values = _split_values(window, proposal, mine)
            # As the new window: the old one gives these circuits up.
            split = windows.evaluate(values, window, now, check_notice=False)
        found.append(Option(proposal, move, split, others))
    return found


def _open_request(request):
    fresh = lock_rows(RescheduleRequest.select()
                      .where(RescheduleRequest.id == request.id)).get()
    if fresh.state != 'open':
        raise RequestInvalid({'state': _l('this request was already decided (%(state)s)',
                                          state=fresh.state)})
    return fresh


def _proposal(request, proposal_id):
    for proposal in request.proposals:
        if proposal.id == proposal_id:
            return proposal
    raise RequestInvalid({'proposal': _l('choose one of the proposed periods')})


def _deciding(request, proposal_id):
    """Inside the decision's transaction: the request (locked, still open), the
    chosen proposal and the window, which must still be movable."""
    request = _open_request(request)
    proposal = _proposal(request, proposal_id)
    window = MaintenanceWindow.get_by_id(request.window_id)
    if not open_for_requests(window):
        raise RequestInvalid({'window': _l('this maintenance can no longer be moved')})
    return request, proposal, window


def _decided(request, state, actor, now, reason='', proposal=None, new_window=None):
    before = summary(request)
    request.state, request.decided_at = state, now
    request.decided_by = audit.actor_name(actor)[:64]
    request.decision_reason = reason
    request.new_window = new_window
    request.save()
    if proposal is not None:
        proposal.chosen = True
        proposal.save()
    audit.record(actor, 'decide', 'reschedule_request', request.id,
                 request.window.reference, before, summary(request))


def move(request, proposal_id, actor, acknowledged=(), now=None):
    """Move the whole window to the proposal: everyone gets the update (SEQUENCE+1)."""
    now = now or utcnow()
    with write_transaction():
        request, proposal, window = _deciding(request, proposal_id)
        try:
            windows.update(window, _moved(window, proposal), actor, acknowledged, now,
                           check_notice=others_of(request) > 0)
        except windows.WindowInvalid as exc:
            raise RequestInvalid(exc.errors, exc.findings) from None
        _decided(request, 'moved', actor, now, proposal=proposal)
    return request


def split(request, proposal_id, actor, acknowledged=(), now=None):
    """Only this customer's circuits into a new window at the proposal: the customer
    gets a cancellation of the old window and an invitation to the new one."""
    now = now or utcnow()
    with write_transaction():
        request, proposal, window = _deciding(request, proposal_id)
        mine, rest = _customer_scope(window, request.customer_id)
        if not (mine and rest):
            raise RequestInvalid({'proposal': _l(
                'the window holds no other customer: move the whole window instead')})
        values = _split_values(window, proposal, mine)
        values['internal_notes'] = (f'{window.internal_notes}\n' if window.internal_notes
                                    else '') + f'{window.reference} #{request.id}'
        try:
            kept = windows.values_of(window)
            kept['scope'] = rest
            windows.update(window, kept, actor, now=now)
            new = windows.create(values, actor, acknowledged, now, check_notice=False)
            windows.confirm(new, actor, acknowledged, now, check_notice=False)
        except windows.WindowInvalid as exc:
            raise RequestInvalid(exc.errors, exc.findings) from None
        _decided(request, 'split', actor, now, proposal=proposal, new_window=new)
    return request


def decline(request, reason, actor, now=None):
    """Refuse with a reason the customer reads: an iTIP DECLINECOUNTER for a
    calendar COUNTER, a message otherwise."""
    now = now or utcnow()
    reason = (reason or '').strip()
    if not reason:
        raise RequestInvalid({'decision_reason': _l('say why the request is declined')})
    with write_transaction():
        request = _open_request(request)
        _decided(request, 'declined', actor, now, reason=reason[:4000])
        outcomes.queue_declined(request, now)
    return request


def withdraw(request, now=None):
    """The customer takes the request back (customer page)."""
    now = now or utcnow()
    with write_transaction():
        request = _open_request(request)
        _decided(request, 'withdrawn', f'customer:{request.requested_by}', now)
    return request


def open_requests():
    return (RescheduleRequest.select(RescheduleRequest, MaintenanceWindow)
            .join(MaintenanceWindow, on=(RescheduleRequest.window == MaintenanceWindow.id))
            .where(RescheduleRequest.state == 'open')
            .order_by(MaintenanceWindow.starts_at, RescheduleRequest.created_at))


def of_customer(window, customer_id):
    return list(RescheduleRequest.select().where(
        (RescheduleRequest.window == window) & (RescheduleRequest.customer == customer_id))
        .order_by(RescheduleRequest.created_at.desc()))
