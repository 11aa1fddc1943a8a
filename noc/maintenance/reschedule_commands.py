"""Commands on customers' requests to move a window: ask, counter, withdraw,
and the NOC's move, split and decline.

Every way in calls these: the customer page, the API, a calendar COUNTER
read from the mailbox, the NOC's request pages. Each finds its rows
(NotFound for an id that names none), locks them inside one write
transaction, applies the limits of noc.core.limits and the rules, and writes
the change with its audit and outbox rows; a refusal is one
RescheduleRefused, and then nothing is stored. Settings come as values
(maintenance.settings.Settings).
"""
from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, NotFound
from noc.core.limits import MAX_COMMENT, MAX_ID, MAX_REASON
from noc.core.text import clean_text
from noc.maintenance import answers, outcomes, windows
from noc.maintenance.reschedules import (
    RescheduleRefused,
    check_periods,
    customer_scope,
    moved_values,
    open_for_requests,
    others_of,
    split_values,
    summary,
)
from noc.models import (
    AuditLog,
    Contact,
    MaintenanceWindow,
    RescheduleProposal,
    RescheduleRequest,
    RescheduleState,
    RescheduleVia,
    audit,
    utcnow,
)


def _locked(model, row_id, what, where=None, lock=True):
    """The row `row_id` of `model` (narrowed by `where`), locked; NotFound otherwise."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 1 <= row_id <= MAX_ID:
        raise NotFound(what)
    query = model.select().where(model.id == row_id)
    if where is not None:
        query = query.where(where)
    row = (lock_rows(query) if lock else query).first()
    if row is None:
        raise NotFound(what)
    return row


def _reason(value, limit, required=None):
    """(the reason as stored: one newline style, trimmed, no control characters; its
    error or None). Missing is an error when `required` (the message); longer than
    `limit` always: never cut. A NUL is refused, not dropped: no person types one,
    and PostgreSQL would refuse the row."""
    if '\x00' in (value or ''):
        return '', _l('The reason contains a NUL character; send it as plain text.')
    text = clean_text(value).replace('\r\n', '\n')
    if not text and required:
        return text, required
    if len(text) > limit:
        return text, _l('The reason is too long (at most %(max)d characters).', max=limit)
    return text, None


def _checked(window, periods, reason, now, settings, required=None):
    """The reason as stored, or RescheduleRefused naming every wrong field at once.
    Every proposal goes through here, the page's, the API's and a COUNTER's."""
    errors, lines = check_periods(periods, window, now, settings)
    reason, problem = _reason(reason, MAX_COMMENT, required)
    if problem is not None:
        errors['reason'] = problem
    if errors or lines:
        raise RescheduleRefused(errors, lines=lines)
    return reason


def _requester(contact, fallback):
    # The audit log's username and decided_by are 'customer:<requested_by>' in 64
    # characters: a longer address would not fit (PostgreSQL refuses it). The
    # request keeps the contact itself either way.
    if contact is not None and len('customer:' + contact.email) <= AuditLog.username.max_length:
        return contact.email
    return fallback


def _contact(contact_id, customer_id):
    if contact_id is None:
        return None
    return _locked(Contact, contact_id, 'contact', Contact.customer == customer_id, lock=False)


def _movable(window_id, customer_id, lock=True):
    """The window, locked, if the customer may still ask to move it."""
    window = _locked(MaintenanceWindow, window_id, 'maintenance window', lock=lock)
    if not open_for_requests(window):
        raise RescheduleRefused({'window': _l('this maintenance can no longer be moved')},
                                kind=CONFLICT)
    if customer_id not in windows.by_customer(window):      # split off or removed
        raise RescheduleRefused({'window': _l('your circuits are no longer in this maintenance')},
                                kind=CONFLICT)
    return window


def _store(window, customer_id, contact, periods, reason, via, requested_by, attendee='',
           inbound_id=None, sequence=None, now=None):
    earlier = ((RescheduleRequest.window == window)
               & (RescheduleRequest.customer == customer_id)
               & (RescheduleRequest.state == RescheduleState.OPEN))
    request = RescheduleRequest.create(
        window=window, customer=customer_id, contact=contact, via=via,
        requested_by=requested_by, reason=reason, attendee=attendee, inbound=inbound_id,
        sequence=window.sequence if sequence is None else sequence, created_at=now)
    for position, (start, end) in enumerate(periods, 1):
        RescheduleProposal.create(request=request, position=position, starts_at=start,
                                  ends_at=end)
    # One statement that re-checks OPEN under its row lock: a decision the NOC is
    # making on the earlier request at this moment is not overwritten.
    (RescheduleRequest.update(state=RescheduleState.WITHDRAWN, decided_at=now,
                              decision_reason=f'#{request.id}')
     .where(earlier & (RescheduleRequest.id != request.id)).execute())
    audit.record(f'customer:{request.requested_by}', 'create', 'reschedule_request',
                 request.id, window.reference, None, summary(request))
    return request


ASK_REASON = _l('Say why the planned date does not suit you.')


def check_ask(window_id, customer_id, periods, reason, *, settings, now=None):
    """Refuse as `ask` would, storing nothing: a form that could not read all its
    rows still shows, at once, what is wrong with the rest."""
    window = _movable(window_id, customer_id, lock=False)
    _checked(window, list(periods), reason, now or utcnow(), settings, ASK_REASON)


def ask(window_id, customer_id, periods, reason, via, *, settings, contact_id=None,
        requester=RescheduleVia.PAGE, now=None):
    """Open a request to move the window to one of `periods` [(start, end)] (aware,
    UTC), with the customer's reason; it replaces the customer's open one.

    `via` RescheduleVia.PAGE or API; `contact_id` the customer's contact who
    asked (who then gets the answer), else `requester` names who did (by
    default the door itself); `settings` the maintenance settings (its
    max_duration_hours).
    """
    now = now or utcnow()
    periods = list(periods)
    with write_transaction():
        window = _movable(window_id, customer_id)
        reason = _checked(window, periods, reason, now, settings, ASK_REASON)
        contact = _contact(contact_id, customer_id)
        return _store(window, customer_id, contact, periods, reason, via,
                      _requester(contact, requester), now=now)


def counter(window_id, contact_id, period, comment, *, sequence, settings, stamp=None,
            inbound_id=None, now=None):
    """An attendee's calendar COUNTER proposing `period` (start, end), with its
    SEQUENCE and DTSTAMP: a request 'via calendar' of the contact's customer,
    answered with a DECLINECOUNTER if declined.

    The period goes through the rules of the customer page (`_checked`, as
    `ask`); a COUNTER `answers.ahead` of the window (a SEQUENCE no notice
    carried, a DTSTAMP not yet come) is refused first, on 'sequence' or
    'dtstamp'. `settings` the maintenance settings."""
    now = now or utcnow()
    with write_transaction():
        contact = _locked(Contact, contact_id, 'contact', lock=False)
        window = _movable(window_id, contact.customer_id)
        unverified = answers.ahead(window, sequence, stamp, now)
        if unverified:
            raise RescheduleRefused(unverified, kind=CONFLICT)
        comment = _checked(window, [period], comment, now, settings)
        return _store(window, contact.customer_id, contact, [period], comment,
                      RescheduleVia.CALENDAR, contact.email, attendee=contact.email,
                      inbound_id=inbound_id, sequence=sequence, now=now)


def _open(request_id, where=None):
    request = _locked(RescheduleRequest, request_id, 'reschedule request', where)
    if request.state != RescheduleState.OPEN:
        raise RescheduleRefused({'state': _l('this request was already decided (%(state)s)',
                                             state=RescheduleState.label(request.state))},
                                kind=CONFLICT)
    return request


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


def withdraw(request_id, *, customer_id, window_id=None, now=None):
    """The customer takes its open request back; another customer's request (or
    one on another window than `window_id`) reads as missing."""
    now = now or utcnow()
    where = RescheduleRequest.customer == customer_id
    if window_id is not None:
        where &= RescheduleRequest.window == window_id
    with write_transaction():
        request = _open(request_id, where)
        _decided(request, RescheduleState.WITHDRAWN, f'customer:{request.requested_by}', now)
    return request


def _deciding(request_id, proposal_id):
    """Inside the decision's transaction: the request (locked, still open), the
    chosen proposal and the window (locked), which must still be movable.

    The window is locked before the request, as `ask` does (it holds the window
    while it replaces the customer's open request): one order, no deadlock."""
    window_id = _locked(RescheduleRequest, request_id, 'reschedule request', lock=False).window_id
    window = _locked(MaintenanceWindow, window_id, 'maintenance window')
    request = _open(request_id)
    proposal = next((p for p in request.proposals if p.id == proposal_id), None)
    if proposal is None:
        raise RescheduleRefused({'proposal': _l('choose one of the proposed periods')})
    if not open_for_requests(window):
        raise RescheduleRefused({'window': _l('this maintenance can no longer be moved')},
                                kind=CONFLICT)
    return request, proposal, window


def _window_refusal(exc):
    return RescheduleRefused(exc.errors, exc.findings)


def move(request_id, proposal_id, actor, acknowledged=(), *, settings, now=None):
    """Move the whole window to the proposal: everyone gets the update (SEQUENCE+1)."""
    now = now or utcnow()
    with write_transaction():
        request, proposal, window = _deciding(request_id, proposal_id)
        try:
            windows.update(window, moved_values(window, proposal), actor, acknowledged, now,
                           check_notice=others_of(request) > 0, settings=settings)
        except windows.WindowRefused as exc:
            raise _window_refusal(exc) from None
        _decided(request, RescheduleState.MOVED, actor, now, proposal=proposal)
    return request


def split(request_id, proposal_id, actor, acknowledged=(), *, settings, now=None):
    """Only this customer's circuits into a new window at the proposal: the customer
    gets a cancellation of the old window and an invitation to the new one."""
    now = now or utcnow()
    with write_transaction():
        request, proposal, window = _deciding(request_id, proposal_id)
        mine, rest = customer_scope(window, request.customer_id)
        if not (mine and rest):
            raise RescheduleRefused({'proposal': _l(
                'the window holds no other customer: move the whole window instead')})
        values = split_values(window, proposal, mine)
        values['internal_notes'] = (f'{window.internal_notes}\n' if window.internal_notes
                                    else '') + f'{window.reference} #{request.id}'
        try:
            kept = windows.values_of(window)
            kept['scope'] = rest
            windows.update(window, kept, actor, now=now, settings=settings)
            new = windows.create(values, actor, acknowledged, now, check_notice=False,
                                 settings=settings)
            windows.confirm(new, actor, acknowledged, now, check_notice=False,
                            settings=settings)
        except windows.WindowRefused as exc:
            raise _window_refusal(exc) from None
        _decided(request, RescheduleState.SPLIT, actor, now, proposal=proposal, new_window=new)
    return request


def decline(request_id, reason, actor, *, settings, now=None):
    """Refuse with a reason the customer reads: an iTIP DECLINECOUNTER for a
    calendar COUNTER, a message otherwise. `settings`: the maintenance settings
    the letter needs (sender, operator, provider, the page link)."""
    now = now or utcnow()
    reason, problem = _reason(reason, MAX_REASON, required=_l('say why the request is declined'))
    if problem is not None:
        raise RescheduleRefused({'reason': problem})
    with write_transaction():
        request = _open(request_id)
        _decided(request, RescheduleState.DECLINED, actor, now, reason=reason)
        outcomes.queue_declined(request, now, settings)
    return request
