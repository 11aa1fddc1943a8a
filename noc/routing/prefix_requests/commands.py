"""The commands of prefix tracking: the one way in for the browser, the API, the
CLI, the BGP mailbox and the worker.

Each takes ids and plain values, the actor (a User, a name such as 'cli',
'worker' or 'api:PREFIX', or None) and the routing settings as values
(routing.settings.RoutingSettings, read by the adapter); finds the rows
(NotFound for an id that names none), applies the limits of noc.core.limits
and the rules of workflow.py, and writes the change with its history, audit
and outbox rows in one transaction, or raises a Refused (RequestRefused,
ActionRefused, CheckRefused) and stores nothing. Adapters translate their
input into these arguments and a Refused into their own answer.
"""
import logging

from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.core.errors import NotFound
from noc.core.limits import (
    MAX_AS_SET,
    MAX_CHOSEN,
    MAX_ID,
    MAX_NOTE,
    MAX_PREFIX_TEXT,
    MAX_PREFIXES,
    MAX_REASON,
)
from noc.models import Circuit, Customer, audit, utcnow
from noc.models.routing import PrefixRequest, PrefixVia, RoutingAlert, TrackedPrefix
from noc.routing import alerts
from noc.routing.prefix_requests import adhoc, checking, entries, workflow
from noc.routing.prefix_requests import input as prefix_input
from noc.routing.prefix_requests import revalidate as revalidation
from noc.routing.prefix_requests.adhoc import CheckRefused  # noqa: F401 (adapters catch it here)
from noc.routing.prefix_requests.workflow import ACTIONS, ActionRefused, RequestRefused

log = logging.getLogger('janela.prefixes')

# What check_now() did: the verdicts are in, the worker will do it, or it
# failed here (logged) and the worker will do it.
CHECKED, BY_WORKER, FAILED = 'checked', 'worker', 'failed'


def find(model, row_id):
    """The row of `model` with id `row_id`, or NotFound: also for an id past
    the database's integers, which names no row (asking would be a driver error)."""
    row = None
    if isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID:
        row = model.get_or_none(model.id == row_id)
    if row is None:
        raise NotFound(model._meta.table_name.replace('_', ' '))
    return row


def _chosen(model, row_id):
    """A row a form or body chose by id, or None (the caller names the field)."""
    try:
        return find(model, row_id) if row_id is not None else None
    except NotFound:
        return None


# -- a new request ------------------------------------------------------------

def _text_errors(as_set, prefixes, note):
    """Field errors of the typed values past their limits (never cut silently)."""
    errors = {}
    if len(as_set) > MAX_AS_SET:
        errors['as_set'] = _l('An AS-SET name has at most %(max)d characters.', max=MAX_AS_SET)
    elif workflow.as_set_problem(as_set):
        errors['as_set'] = workflow.as_set_problem(as_set)
    if prefix_input.typed(prefixes) and len(prefixes) > MAX_PREFIXES:
        errors['prefixes'] = _l('at most %(max)d prefixes per request', max=MAX_PREFIXES)
    elif not prefix_input.typed(prefixes) and len(prefixes) > MAX_PREFIX_TEXT:
        errors['prefixes'] = _l('The text is too long (%(size)d characters, at most %(max)d); '
                                'split it into several requests.',
                                size=len(prefixes), max=MAX_PREFIX_TEXT)
    if len(note) > MAX_NOTE:
        errors['note'] = _l('The note is too long (at most %(max)d characters).', max=MAX_NOTE)
    return errors


def submit(circuit_id, prefixes, *, settings, actor, customer_id=None, as_set=None, via=PrefixVia.WEB,
           requested_by='', note='', allow_length=False, discreet=False, now=None):
    """Store a request for `prefixes` on the session `circuit_id` (state
    received) -> PrefixRequest; RequestRefused when a field, a line or an item
    is wrong, and nothing is stored. `prefixes`: the pasted text (any format
    input.parse_lines reads), or typed entries.PrefixItems (the API), whose
    problems are field errors named by index (`prefixes[3]`).

    `customer_id` defaults to the circuit's customer; `as_set` None to the
    session's AS-SET. `allow_length`: lengths outside the policy are the
    engineer's call. `discreet`: the customer submits, and must not learn who
    holds other space."""
    now = now or utcnow()
    prefixes, note = prefixes or '', note or ''
    customer, circuit = _chosen(Customer, customer_id), _chosen(Circuit, circuit_id)
    if customer is None and circuit is None:
        raise RequestRefused({'customer': _l('Choose the customer.')})
    customer = customer or circuit.customer
    if as_set is None:
        as_set = circuit.bgp_as_set if circuit is not None else ''
    as_set = (as_set or '').strip().upper()
    errors = _text_errors(as_set, prefixes, note)
    problem = workflow.session_problem(customer, circuit)
    if problem:
        errors['circuit'] = problem
    if errors:
        raise _with_bad_lines(errors, prefixes, customer, circuit)
    parsed = prefix_input.read(prefixes, workflow.default_origin(customer, circuit))
    lines = parsed.lines()
    if not parsed.entries and not lines:
        raise RequestRefused({'prefixes': _l('enter at least one prefix')})
    if len(parsed.entries) > MAX_PREFIXES:
        raise RequestRefused({'prefixes': _l('at most %(max)d prefixes per request',
                                             max=MAX_PREFIXES)})
    with write_transaction():
        lines += workflow.line_problems(parsed.entries, customer, circuit, settings.prefixes,
                                        allow_length, discreet)
        if lines:
            raise _refused(RequestRefused, prefixes, parsed, lines)
        return workflow.store(customer, circuit, parsed.entries, actor=actor,
                              policy=settings.prefixes, as_set=as_set, via=via,
                              requested_by=requested_by, note=note,
                              allow_length=allow_length, now=now)


def _with_bad_lines(errors, prefixes, customer, circuit):
    """The field errors with the paste's own bad lines (syntax, not the rules, which
    need a valid session): one answer names every problem, so a person does not
    fix the fields only to learn then about line 7."""
    if 'prefixes' in errors:                # too long to read
        return RequestRefused(errors)
    parsed = prefix_input.read(prefixes, workflow.default_origin(customer, circuit))
    lines = parsed.lines()
    if not lines:
        return RequestRefused(errors)
    if prefix_input.typed(prefixes):
        return RequestRefused(entries.item_errors(lines) | errors)
    return RequestRefused(errors, lines=sorted(lines, key=lambda p: p[0]), texts=parsed.texts())


def _refused(refusal, prefixes, parsed, lines):
    """The Refused for bad lines of a paste, or bad items (field errors) of a typed list."""
    if prefix_input.typed(prefixes):
        return refusal(entries.item_errors(lines))
    return refusal(lines=sorted(lines, key=lambda p: p[0]), texts=parsed.texts())


# -- engineers' decisions -----------------------------------------------------

def _action_errors(action, reason, prefix_ids):
    if action not in ACTIONS:
        raise ActionRefused(_l('unknown action %(action)s', action=action))
    if len(reason) > MAX_REASON:
        raise ActionRefused(_l('The reason is too long (at most %(max)d characters).',
                               max=MAX_REASON), field='reason')
    if prefix_ids is not None and len(prefix_ids) > MAX_CHOSEN:
        raise ActionRefused(_l('at most %(max)d prefixes at a time', max=MAX_CHOSEN),
                            field='prefixes')
    if ACTIONS[action][2] and not reason:
        raise ActionRefused(_l('say why (the customer reads it)'), field='reason')


def _applies_to(request, action, prefix_ids):
    """The prefixes of `request` the action is for, locked: those named by id
    (all of this request, or ActionRefused), or with `prefix_ids` None every
    prefix of the request in a state the action applies to."""
    query = TrackedPrefix.select().where(TrackedPrefix.request == request.id)
    if prefix_ids is None:
        query = query.where(TrackedPrefix.state.in_(list(ACTIONS[action][0])))
    else:
        # An id past the database's integers names no row (and would be a driver error).
        named = [n for n in prefix_ids if 0 < n <= MAX_ID]
        query = query.where(TrackedPrefix.id.in_(named or [-1]))
    rows = list(lock_rows(query.order_by(TrackedPrefix.id)))
    strangers = set(prefix_ids or ()) - {row.id for row in rows}
    if strangers:
        raise ActionRefused(_l('not prefixes of this request: %(ids)s',
                               ids=', '.join(map(str, sorted(strangers)))), field='prefixes')
    return rows


def act(request_id, action, *, settings, actor, prefix_ids=None, reason='', now=None):
    """Apply `action` (approve, configure, withdraw, reject, recheck) to
    prefixes of request `request_id` -> the rows changed. `prefix_ids` None:
    every prefix of the request the action applies to. All of them or none:
    ActionRefused names the field (reason, prefixes, action); kind 'conflict'
    when a prefix's state forbids it."""
    reason = (reason or '').strip()
    _action_errors(action, reason, prefix_ids)
    now = now or utcnow()
    with write_transaction():
        request = find(PrefixRequest, request_id)
        rows = _applies_to(request, action, prefix_ids)
        workflow.action_problem(rows, action, reason)
        return workflow.apply_action(rows, action, actor, reason, settings.sender, now)


# -- checking -----------------------------------------------------------------

def check_now(settings, now=None):
    """Check received prefixes at once when only loaded data is read (no IRRd
    server: fast, in the caller's request) -> CHECKED; BY_WORKER when the
    worker must, since nothing talks to an IRRd from inside a request; FAILED
    (logged) when checking failed here: the request is stored already, and
    the worker checks it on its next pass."""
    if not settings.checks_in_place:
        return BY_WORKER
    try:
        checking.check_pending(settings, now=now)
    except Exception:
        log.exception('checking new prefixes failed')
        return FAILED
    return CHECKED


def check_pending(settings, limit=50, now=None, index=None):
    """The worker's first check of received prefixes -> count checked."""
    return checking.check_pending(settings, limit=limit, now=now, index=index)


def revalidate(settings, now=None, index=None, lookup=None):
    """Revalidate every approved and configured prefix -> revalidate.Outcome."""
    return revalidation.run(settings, now=now, index=index, lookup=lookup)


# -- ad hoc checks ------------------------------------------------------------

def create_check(prefixes, *, settings, customer_id=None, token_id=None, as_set='', origin=None,
                 now=None):
    """Store a check of `prefixes`, pasted text or typed PrefixItems as
    submit() takes them (nothing requested or tracked) -> PrefixCheck,
    answered already when that needs no IRRd server; CheckRefused otherwise."""
    customer = find(Customer, customer_id) if customer_id is not None else None
    with write_transaction():
        return adhoc.create(prefixes, settings, customer=customer, token_id=token_id,
                            as_set=as_set, origin=origin, now=now)


def answer_checks(settings, limit=20, now=None):
    """The worker's part: answer waiting ad hoc checks; forget day-old ones."""
    return adhoc.answer_pending(settings, limit=limit, now=now)


# -- routing alerts -----------------------------------------------------------

def close_alert(alert_id, *, actor, now=None):
    """Close an open routing alert -> False when it was closed already."""
    with write_transaction():
        alert = find(RoutingAlert, alert_id)
        name = audit.actor_name(actor)
        closed = alerts.close(alert.id, name, now)
        if closed:
            audit.record(actor, audit.Action.CLOSE, audit.Entity.ROUTING_ALERT, alert.id, alert.code,
                         before={'closed_at': None}, after={'closed_by': name})
    return bool(closed)
