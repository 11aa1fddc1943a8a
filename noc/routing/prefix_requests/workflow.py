"""Prefix requests: an ISP asks the operator to accept prefixes on a BGP session.

States of each prefix: received -> checked -> approved (an engineer, or the
policy when the verdict is accept) -> configured (on the routers) ->
withdrawn; or rejected. This module holds the rules (what may be requested
on a session, what an action applies to) and the writes they lead to; the
commands (prefix_requests.commands) find and lock the rows, hold the
transaction and are what every entry point calls. Every change is audited,
kept in the prefix's history, and told to the customer's BGP contacts
through the outbox, in the same transaction.
"""
from collections import defaultdict

import netaddr
from flask_babel import lazy_gettext as _l

from noc.core.errors import CONFLICT, INVALID, Refused
from noc.models import Circuit, CircuitStatus, Customer, CustomerAsn, Service, audit
from noc.models.routing import (
    PrefixAction,
    PrefixEvent,
    PrefixHistory,
    PrefixRequest,
    PrefixState,
    TrackedPrefix,
)
from noc.routing.labels import STATE_LABELS, label, parse_reference, reference  # noqa: F401 (callers name them here)
from noc.routing.policy.claims import Claims
from noc.routing.policy.verdict import REJECT
from noc.routing.prefix_requests import notices, sanity

POLICY_ACTOR = 'policy'
# action -> (states it applies to, state it leads to, reason required)
ACTIONS = {
    PrefixAction.APPROVE: ((PrefixState.CHECKED,), PrefixState.APPROVED, False),
    PrefixAction.CONFIGURE: ((PrefixState.APPROVED,), PrefixState.CONFIGURED, False),
    PrefixAction.WITHDRAW: (PrefixState.OPEN + PrefixState.LIVE, PrefixState.WITHDRAWN, True),
    PrefixAction.REJECT: (PrefixState.OPEN + (PrefixState.APPROVED,), PrefixState.REJECTED, True),
    PrefixAction.RECHECK: ((PrefixState.CHECKED, PrefixState.REJECTED, PrefixState.WITHDRAWN),
                           PrefixState.RECEIVED, False),
}
EVENTS = {PrefixAction.APPROVE: PrefixEvent.APPROVED, PrefixAction.CONFIGURE: PrefixEvent.CONFIGURED,
          PrefixAction.WITHDRAW: PrefixEvent.WITHDRAWN, PrefixAction.REJECT: PrefixEvent.REJECTED,
          PrefixAction.RECHECK: PrefixEvent.REOPENED}


class PasteRefused(Refused):
    """Nothing stored: `errors` by field (a bad typed item as `prefixes[i]`),
    `lines` [(line, column, message)] per bad line of a paste, and `texts`
    {line: its text}, which the pages show since people recognise their line by it."""

    def __init__(self, errors=None, lines=(), texts=None, **kwargs):
        super().__init__(errors, lines=lines, **kwargs)
        self.texts = dict(texts or {})


class RequestRefused(PasteRefused):
    """The request was not stored."""


class ActionRefused(Refused):
    """An engineer's action was not taken. kind 'invalid' when the input must
    change (a reason is missing), 'conflict' when a prefix's state forbids it."""

    def __init__(self, message, field='action', kind=INVALID):
        super().__init__({field: message}, kind=kind, message=str(message))
        self.field = field


# -- submitting ---------------------------------------------------------------

def session_problem(customer, circuit):
    """Why `circuit` cannot carry `customer`'s prefixes, or None."""
    if circuit is None:
        return _l('choose the BGP session (an IP transit circuit)')
    if circuit.customer_id != customer.id:
        return _l('circuit %(circuit)s belongs to another customer', circuit=circuit.circuit_id)
    if circuit.service != Service.IP_TRANSIT:
        return _l('circuit %(circuit)s is %(service)s, not IP transit: it has no BGP session',
                  circuit=circuit.circuit_id, service=circuit.service)
    if circuit.status == CircuitStatus.DECOMMISSIONED:
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


def line_problems(entries, customer, circuit, policy, allow_length, discreet=False):
    """[(line, column, message)] for entries that cannot be requested. `policy`:
    the [prefixes] settings. `discreet`: the customer reads them, so another
    customer's space is not named."""
    problems = []
    owners = _owners({e.origin for e in entries})
    claims = Claims()
    requested = _already_requested(customer.id, circuit.id)
    for entry in entries:
        for problem in sanity.check(entry.prefix, entry.origin, lab=policy['lab'],
                                          limits=length_limits(policy)):
            if not (problem.overridable and allow_length):
                problems.append((entry.line, entry.column, problem.message))
        owner = owners.get(entry.origin)
        if owner is not None and owner != customer.id:
            problems.append((entry.line, entry.column,
                             _l('AS%(asn)s is registered to another customer', asn=entry.origin)))
        for row in claims.overlapping(entry.prefix, customer.id)[:1]:
            problems.append((entry.line, entry.column, _l(
                '%(prefix)s overlaps address space already accepted for another customer',
                prefix=entry.prefix) if discreet else overlap_message(entry.prefix, row)))
        existing = requested.get((entry.prefix, entry.origin))
        if existing is not None:
            problems.append((entry.line, entry.column, _l(
                '%(prefix)s AS%(asn)s is already requested on this session (request '
                '%(request)s, %(state)s)', prefix=entry.prefix, asn=entry.origin,
                request=reference(existing.request_id),
                state=label(STATE_LABELS, existing.state))))
    return sorted(problems, key=lambda p: p[0])


def overlap_message(prefix, row):
    return _l('%(prefix)s overlaps %(other)s, already accepted for another customer '
              '(%(customer)s, %(request)s)', prefix=prefix, other=row.prefix,
              customer=row.customer.name, request=reference(row.request_id))


def length_limits(policy):
    """The [prefixes] lengths, as sanity.check takes them."""
    return {'max_v4': policy['max_length_v4'], 'max_v6': policy['max_length_v6'],
            'min_v4': policy['min_length_v4'], 'min_v6': policy['min_length_v6']}


def as_set_problem(as_set):
    """Why `as_set` (upper case, stripped) is no AS-SET name, or None."""
    if as_set and not sanity.valid_as_set(as_set):
        return _l('"%(value)s" is not an AS-SET name (like AS-EXAMPLE or '
                  'AS64500:AS-CUSTOMERS)', value=as_set)
    return None


def store(customer, circuit, entries, *, actor, policy, as_set, via, requested_by, note,
          allow_length, now):
    """Write the request and its prefixes (state received), their history and
    the audit row -> PrefixRequest. In the caller's transaction, after
    line_problems found nothing."""
    request = PrefixRequest.create(customer=customer, circuit=circuit, as_set=as_set,
                                   via=via, requested_by=requested_by[:254],
                                   note=note or '', created_at=now, updated_at=now)
    for entry in entries:
        network = netaddr.IPNetwork(entry.prefix)
        row = TrackedPrefix.create(
            request=request, customer=customer, circuit=circuit, prefix=entry.prefix,
            family=network.version, origin=entry.origin, state=PrefixState.RECEIVED,
            length_override=allow_length and _outside_limits(network, policy),
            state_changed_at=now)
        record_history(row, PrefixEvent.SUBMITTED, audit.actor_name(actor), now)
    audit.record(actor, audit.Action.CREATE, audit.Entity.PREFIX_REQUEST, request.id, reference(request.id),
                 after={'customer': customer.account_id, 'circuit': circuit.circuit_id,
                        'as_set': as_set, 'via': via,
                        'prefixes': [f'{e.prefix} AS{e.origin}' for e in entries]})
    return request


def _outside_limits(network, policy):
    if network.version == 4:
        return not policy['min_length_v4'] <= network.prefixlen <= policy['max_length_v4']
    return not policy['min_length_v6'] <= network.prefixlen <= policy['max_length_v6']


def record_history(row, event, actor, now, note=''):
    PrefixHistory.create(prefix=row, at=now, event=event, state=row.state,
                         verdict=row.verdict, rpki_state=row.rpki_state,
                         irr_state=row.irr_state, findings=row.findings or [],
                         actor=actor[:64], note=note or '')


def apply_result(row, result):
    """A check's result (validation.validate) onto the row, not saved."""
    row.verdict = result['verdict']
    row.rpki_state = result['rpki_state']
    row.irr_state = result['irr_state']
    row.findings = result['findings']
    row.evidence = result['evidence']


# -- engineers' decisions -----------------------------------------------------

def action_problem(rows, action, reason):
    """Raise ActionRefused when `action` cannot be applied to the locked `rows`
    as a whole (all of them, or none)."""
    allowed = ACTIONS[action][0]
    if not rows:
        raise ActionRefused(_l('choose at least one prefix'), kind=CONFLICT)
    wrong = [r for r in rows if r.state not in allowed]
    if wrong:
        raise ActionRefused(_l('%(prefixes)s: "%(action)s" does not apply to a prefix in '
                               'state "%(state)s"',
                               prefixes=', '.join(r.prefix for r in wrong),
                               action=PrefixAction.name(action),
                               state=label(STATE_LABELS, wrong[0].state)), kind=CONFLICT)
    if action == PrefixAction.APPROVE and not reason and any(r.verdict == REJECT for r in rows):
        raise ActionRefused(_l('the verdict is reject: say why you approve it anyway'),
                            field='reason')
    if action == PrefixAction.APPROVE:
        claims = Claims(exclude_ids=[r.id for r in rows])
        for row in rows:
            conflict = claims.overlapping(row.prefix, row.customer_id)
            if conflict:
                raise ActionRefused(overlap_message(row.prefix, conflict[0]), kind=CONFLICT)
            claims.add(row)


def apply_action(rows, action, actor, reason, sender, now):
    """Move the locked `rows` on by `action`, with history, audit and the
    customer's notice (not for "check again": the check that follows tells)."""
    target = ACTIONS[action][1]
    name = audit.actor_name(actor)
    by_request = defaultdict(list)
    for row in rows:
        before = row.state
        row.state, row.state_changed_at = target, now
        if action != PrefixAction.RECHECK:
            row.decided_by, row.decision_reason = name[:64], reason
        row.save()
        record_history(row, EVENTS[action], name, now, note=reason)
        audit.record(actor, action, audit.Entity.TRACKED_PREFIX, row.id, f'{row.prefix} AS{row.origin}',
                     before={'state': before}, after={'state': target, 'reason': reason})
        by_request[row.request_id].append(row)
    if action != PrefixAction.RECHECK:
        for request_id, changed in by_request.items():
            notices.queue(PrefixRequest.get_by_id(request_id), changed, target, now, sender,
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
                                       & (Circuit.service == Service.IP_TRANSIT)
                                       & (Circuit.status != CircuitStatus.DECOMMISSIONED))
                .order_by(Circuit.circuit_id))


def isp_customers():
    return list(Customer.select().where(Customer.id.in_(
        Circuit.select(Circuit.customer).where(Circuit.service == Service.IP_TRANSIT)))
        .order_by(Customer.name))
