"""Prefix requests: an ISP asks the operator to accept prefixes on a BGP session.

States of each prefix: received -> checked -> approved (an engineer, or the
policy when the verdict is accept) -> configured (on the routers) ->
withdrawn; or rejected. The browser, the CLI, and later the API and the BGP
mailbox all come through `submit` and `act`. Every change is audited, kept in
the prefix's history, and told to the customer's BGP contacts through the
outbox, in the same transaction.
"""
from collections import defaultdict

import netaddr
from flask import current_app
from flask_babel import lazy_gettext as _l

from noc.core.db import database, lock_rows
from noc.models import Circuit, Customer, CustomerAsn, audit, utcnow
from noc.models.routing import PrefixHistory, PrefixRequest, TrackedPrefix
from noc.routing.labels import STATE_LABELS, label, parse_reference, reference  # noqa: F401 (callers name them here)
from noc.routing.policy.claims import Claims
from noc.routing.policy.verdict import REJECT
from noc.routing.prefix_requests import input as prefix_input
from noc.routing.prefix_requests import notices, validation

POLICY_ACTOR = 'policy'
MAX_PREFIXES = 2000
# action -> (states it applies to, state it leads to, reason required)
ACTIONS = {
    'approve': (('checked',), 'approved', False),
    'configure': (('approved',), 'configured', False),
    'withdraw': (('received', 'checked', 'approved', 'configured'), 'withdrawn', True),
    'reject': (('received', 'checked', 'approved'), 'rejected', True),
    'recheck': (('checked', 'rejected', 'withdrawn'), 'received', False),
}
# The buttons' names, as the refusal quotes them.
ACTION_NAMES = {'approve': _l('approve'), 'configure': _l('mark configured'),
                'withdraw': _l('withdraw'), 'reject': _l('reject'),
                'recheck': _l('check again')}
EVENTS = {'approve': 'approved', 'configure': 'configured', 'withdraw': 'withdrawn',
          'reject': 'rejected', 'recheck': 'reopened'}


class RequestRefused(Exception):
    """The request was not stored: `errors` by field, `lines` per bad line."""

    def __init__(self, errors=None, lines=None):
        super().__init__('request refused')
        self.errors = errors or {}
        self.lines = lines or []


class ActionRefused(Exception):
    """`field` names what would have to change: 'reason' when one is missing."""

    def __init__(self, message, field='action'):
        super().__init__(message)
        self.field = field


def settings():
    return current_app.config['NOC']


# -- submitting ---------------------------------------------------------------

def session_problem(customer, circuit):
    """Why `circuit` cannot carry `customer`'s prefixes, or None."""
    if circuit is None:
        return _l('choose the BGP session (an IP transit circuit)')
    if circuit.customer_id != customer.id:
        return _l('circuit %(circuit)s belongs to another customer', circuit=circuit.circuit_id)
    if circuit.service != 'ip-transit':
        return _l('circuit %(circuit)s is %(service)s, not IP transit: it has no BGP session',
                  circuit=circuit.circuit_id, service=circuit.service)
    if circuit.status == 'decommissioned':
        return _l('circuit %(circuit)s is decommissioned', circuit=circuit.circuit_id)
    return None


def default_origin(customer, circuit):
    """The session's ASN, or the customer's only ASN."""
    if circuit is not None and circuit.bgp_asn:
        return circuit.bgp_asn
    asns = [a.asn for a in CustomerAsn.select().where(CustomerAsn.customer == customer)]
    return asns[0] if len(asns) == 1 else None


def _owners(origins):
    return {row.asn: row.customer_id for row in
            CustomerAsn.select().where(CustomerAsn.asn.in_(list(origins) or [-1]))}


def _already_requested(customer_id, circuit_id):
    return {(row.prefix, row.origin): row for row in TrackedPrefix.select().where(
        (TrackedPrefix.customer == customer_id) & (TrackedPrefix.circuit == circuit_id)
        & TrackedPrefix.state.in_(TrackedPrefix.OPEN + TrackedPrefix.LIVE))}


def _line_problems(entries, customer, circuit, allow_length, discreet=False):
    """[(line, text, message)] for entries that cannot be requested. `discreet`:
    the customer reads them, so another customer's space is not named."""
    conf = settings()['prefixes']
    problems = []
    owners = _owners({e.origin for e in entries})
    claims = Claims()
    requested = _already_requested(customer.id, circuit.id)
    for entry in entries:
        for problem in prefix_input.check(entry.prefix, entry.origin, lab=conf['lab'],
                                          limits=_limits(conf)):
            if not (problem.overridable and allow_length):
                problems.append((entry.line, entry.raw, problem.message))
        owner = owners.get(entry.origin)
        if owner is not None and owner != customer.id:
            problems.append((entry.line, entry.raw,
                             _l('AS%(asn)s is registered to another customer', asn=entry.origin)))
        for row in claims.overlapping(entry.prefix, customer.id)[:1]:
            problems.append((entry.line, entry.raw, _l(
                '%(prefix)s overlaps address space already accepted for another customer',
                prefix=entry.prefix) if discreet else overlap_message(entry.prefix, row)))
        existing = requested.get((entry.prefix, entry.origin))
        if existing is not None:
            problems.append((entry.line, entry.raw, _l(
                '%(prefix)s AS%(asn)s is already requested on this session (request '
                '%(request)s, %(state)s)', prefix=entry.prefix, asn=entry.origin,
                request=reference(existing.request_id),
                state=label(STATE_LABELS, existing.state))))
    return sorted(problems, key=lambda p: p[0])


def overlap_message(prefix, row):
    return _l('%(prefix)s overlaps %(other)s, already accepted for another customer '
              '(%(customer)s, %(request)s)', prefix=prefix, other=row.prefix,
              customer=row.customer.name, request=reference(row.request_id))


def _limits(conf):
    return {'max_v4': conf['max_length_v4'], 'max_v6': conf['max_length_v6'],
            'min_v4': conf['min_length_v4'], 'min_v6': conf['min_length_v6']}


def submit(customer, circuit, text, *, actor, as_set='', via='web', requested_by='', note='',
           allow_length=False, discreet=False, now=None):
    """Store a request with its prefixes (state received) -> PrefixRequest;
    raises RequestRefused when a field or any line is wrong (nothing stored).
    `discreet`: the customer submits, and must not learn who holds other space."""
    now = now or utcnow()
    errors = {}
    problem = session_problem(customer, circuit)
    if problem:
        errors['circuit'] = problem
    as_set = (as_set or '').strip().upper()
    if as_set and not prefix_input.valid_as_set(as_set):
        errors['as_set'] = _l('"%(value)s" is not an AS-SET name (like AS-EXAMPLE or '
                              'AS64500:AS-CUSTOMERS)', value=as_set)
    if errors:
        raise RequestRefused(errors)
    parsed = prefix_input.parse_lines(text or '', default_origin(customer, circuit))
    lines = [(e.line, e.text, e.message) for e in parsed.errors]
    if not parsed.entries and not lines:
        raise RequestRefused({'prefixes': _l('enter at least one prefix')})
    if len(parsed.entries) > MAX_PREFIXES:
        raise RequestRefused({'prefixes': _l('at most %(max)d prefixes per request',
                                             max=MAX_PREFIXES)})
    with database.atomic():
        lines += _line_problems(parsed.entries, customer, circuit, allow_length, discreet)
        if lines:
            raise RequestRefused(lines=sorted(lines, key=lambda p: p[0]))
        request = PrefixRequest.create(customer=customer, circuit=circuit, as_set=as_set,
                                       via=via, requested_by=requested_by[:254],
                                       note=note or '', created_at=now, updated_at=now)
        for entry in parsed.entries:
            network = netaddr.IPNetwork(entry.prefix)
            row = TrackedPrefix.create(
                request=request, customer=customer, circuit=circuit, prefix=entry.prefix,
                family=network.version, origin=entry.origin, state='received',
                length_override=allow_length and _outside_limits(network),
                state_changed_at=now)
            record_history(row, 'submitted', audit.actor_name(actor), now)
        audit.record(actor, 'create', 'prefix_request', request.id, reference(request.id),
                     after={'customer': customer.account_id, 'circuit': circuit.circuit_id,
                            'as_set': as_set, 'via': via,
                            'prefixes': [f'{e.prefix} AS{e.origin}' for e in parsed.entries]})
    return request


def _outside_limits(network):
    conf = settings()['prefixes']
    if network.version == 4:
        return not conf['min_length_v4'] <= network.prefixlen <= conf['max_length_v4']
    return not conf['min_length_v6'] <= network.prefixlen <= conf['max_length_v6']


def record_history(row, event, actor, now, note=''):
    PrefixHistory.create(prefix=row, at=now, event=event, state=row.state,
                         verdict=row.verdict, rpki_state=row.rpki_state,
                         irr_state=row.irr_state, findings=row.findings or [],
                         actor=actor[:64], note=note or '')


# -- checking -----------------------------------------------------------------

def apply_result(row, result):
    row.verdict = result['verdict']
    row.rpki_state = result['rpki_state']
    row.irr_state = result['irr_state']
    row.findings = result['findings']
    row.evidence = result['evidence']


def check_pending(limit=50, now=None, index=None):
    """Check received prefixes (first check, or after "check again") -> count.

    Whole requests at a time (up to `limit` of them), so each request's
    contacts get one message. Validation runs outside the transaction (it may
    ask IRRd servers); the rows are then locked and updated only if nobody
    moved them meanwhile."""
    now = now or utcnow()
    pending = [r[0] for r in TrackedPrefix.select(TrackedPrefix.request)
               .where(TrackedPrefix.state == 'received').distinct()
               .order_by(TrackedPrefix.request).limit(limit).tuples()]
    rows = list(TrackedPrefix.select().where((TrackedPrefix.state == 'received')
                                             & TrackedPrefix.request.in_(pending or [-1]))
                .order_by(TrackedPrefix.id))
    if not rows:
        return 0
    requests = {r.id: r for r in PrefixRequest.select().where(
        PrefixRequest.id.in_({row.request_id for row in rows}))}
    results = validation.validate([(row.id, row.prefix, row.origin,
                                    requests[row.request_id].as_set) for row in rows],
                                  index=index)
    auto = settings()['prefixes']['auto_approve']
    done = defaultdict(list)
    with database.atomic():
        claims = Claims() if auto else None
        # Rows read first: an update must not hand a row back to the scan.
        for row in list(lock_rows(TrackedPrefix.select().where(
                TrackedPrefix.id.in_(list(results)) & (TrackedPrefix.state == 'received')))):
            apply_result(row, results[row.id])
            row.state, row.checked_at, row.state_changed_at = 'checked', now, now
            row.save()
            record_history(row, 'checked', 'worker', now)
            conflict = claims.overlapping(row.prefix, row.customer_id) if auto else []
            if conflict:
                record_history(row, 'held', POLICY_ACTOR, now,
                               note=f'not approved by the policy: overlaps {conflict[0].prefix} '
                                    f'of another customer ({reference(conflict[0].request_id)})')
            elif auto and row.verdict == 'accept':
                row.state, row.decided_by = 'approved', POLICY_ACTOR
                row.decision_reason = ''
                row.save()
                record_history(row, 'approved', POLICY_ACTOR, now,
                         note='approved by the policy: verdict accept')
                claims.add(row)
                audit.record(POLICY_ACTOR, 'approve', 'tracked_prefix', row.id,
                             f'{row.prefix} AS{row.origin}', before={'state': 'checked'},
                             after={'state': 'approved'})
            done[row.request_id].append(row)
        for request_id, changed in done.items():
            notices.queue(requests[request_id], changed, 'checked', now)
    return sum(len(v) for v in done.values())


def check_locally(now=None):
    """Check received prefixes at once when only loaded data is read (no IRRd
    server configured: fast, in the caller's request) -> count; None when the
    worker must do it, since nothing talks to an IRRd from inside a request."""
    if settings()['irr']['servers']:
        return None
    return check_pending(now=now)


# -- engineers' decisions -----------------------------------------------------

def act(prefix_ids, action, actor, reason='', now=None):
    """Apply `action` to the tracked prefixes -> rows changed. Prefixes not in a
    state the action applies to are refused as a whole (ActionRefused)."""
    if action not in ACTIONS:
        raise ActionRefused(_l('unknown action %(action)s', action=action))
    allowed, target, needs_reason = ACTIONS[action]
    reason = (reason or '').strip()
    now = now or utcnow()
    if needs_reason and not reason:
        raise ActionRefused(_l('say why (the customer reads it)'), field='reason')
    with database.atomic():
        rows = list(lock_rows(TrackedPrefix.select().where(TrackedPrefix.id.in_(
            list(prefix_ids) or [-1])).order_by(TrackedPrefix.id)))
        if not rows:
            raise ActionRefused(_l('choose at least one prefix'))
        wrong = [r for r in rows if r.state not in allowed]
        if wrong:
            raise ActionRefused(_l('%(prefixes)s: "%(action)s" does not apply to a prefix in '
                                   'state "%(state)s"',
                                   prefixes=', '.join(r.prefix for r in wrong),
                                   action=label(ACTION_NAMES, action),
                                   state=label(STATE_LABELS, wrong[0].state)))
        if action == 'approve' and not reason and any(r.verdict == REJECT for r in rows):
            raise ActionRefused(_l('the verdict is reject: say why you approve it anyway'),
                                field='reason')
        if action == 'approve':
            claims = Claims(exclude_ids=[r.id for r in rows])
            for row in rows:
                conflict = claims.overlapping(row.prefix, row.customer_id)
                if conflict:
                    raise ActionRefused(overlap_message(row.prefix, conflict[0]))
                claims.add(row)
        name = audit.actor_name(actor)
        by_request = defaultdict(list)
        for row in rows:
            before = row.state
            row.state, row.state_changed_at = target, now
            if action != 'recheck':
                row.decided_by, row.decision_reason = name[:64], reason
            row.save()
            record_history(row, EVENTS[action], name, now, note=reason)
            audit.record(actor, action, 'tracked_prefix', row.id, f'{row.prefix} AS{row.origin}',
                         before={'state': before}, after={'state': target, 'reason': reason})
            by_request[row.request_id].append(row)
        if action != 'recheck':
            for request_id, changed in by_request.items():
                notices.queue(PrefixRequest.get_by_id(request_id), changed, target, now,
                              reason=reason)
    return rows


# -- reading ------------------------------------------------------------------

def summary(request):
    """{state: count} of a request's prefixes."""
    counts = defaultdict(int)
    for (state,) in (TrackedPrefix.select(TrackedPrefix.state)
                     .where(TrackedPrefix.request == request).tuples()):
        counts[state] += 1
    return dict(counts)


def history(prefix):
    return list(PrefixHistory.select().where(PrefixHistory.prefix == prefix)
                .order_by(PrefixHistory.at.desc(), PrefixHistory.id.desc()))


def sessions_of(customer):
    """IP transit circuits of the customer that can carry a request."""
    return list(Circuit.select().where((Circuit.customer == customer)
                                       & (Circuit.service == 'ip-transit')
                                       & (Circuit.status != 'decommissioned'))
                .order_by(Circuit.circuit_id))


def isp_customers():
    return list(Customer.select().where(Customer.id.in_(
        Circuit.select(Circuit.customer).where(Circuit.service == 'ip-transit')))
        .order_by(Customer.name))
