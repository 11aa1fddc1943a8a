"""Ad hoc checks: what RPKI and the IRR say about prefixes and origins, with
no request made and nothing tracked (the providers' "would this be accepted?").

A check is stored, then answered with the same validation as a request's
first check. When only loaded data is read (no IRRd server configured) it is
answered at once, in the caller's request; otherwise the worker answers it
on its next pass and the client polls, since nothing talks to an IRRd from
inside a web request. Checks are kept for a day.
"""
import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from noc.models import CustomerAsn, utcnow
from noc.models.routing import PrefixCheck
from noc.routing.prefix_requests import input as prefix_input
from noc.routing.prefix_requests import validation

MAX_ITEMS = 100
KEEP = datetime.timedelta(hours=24)


class CheckRefused(Exception):
    """Nothing stored: `errors` by field, `lines` [(line, text, message)]."""

    def __init__(self, errors=None, lines=()):
        self.errors, self.lines = dict(errors or {}), list(lines)
        super().__init__('; '.join(str(v) for v in self.errors.values()))


def default_origin(customer):
    """The customer's only ASN, for lines that name none; None otherwise."""
    if customer is None:
        return None
    asns = [a.asn for a in CustomerAsn.select().where(CustomerAsn.customer == customer)]
    return asns[0] if len(asns) == 1 else None


def problems(prefix, origin):
    """Why the pair could never be announced (special-use space, reserved ASN),
    in the current language; lengths are the operator's policy, not judged here."""
    lab = current_app.config['NOC']['prefixes']['lab']
    limits = {'max_v4': 32, 'max_v6': 128, 'min_v4': 0, 'min_v6': 0}
    return [str(p.message) for p in prefix_input.check(prefix, origin, lab=lab, limits=limits)]


def create(text, *, customer=None, token_id=None, as_set='', origin=None, now=None):
    """Store a check of the pasted `text` (any format a request takes) ->
    PrefixCheck, answered already when that needs no IRRd server."""
    now = now or utcnow()
    errors = {}
    as_set = (as_set or '').strip().upper()
    if as_set and not prefix_input.valid_as_set(as_set):
        errors['as_set'] = _l('"%(value)s" is not an AS-SET name (like AS-EXAMPLE or '
                              'AS64500:AS-CUSTOMERS)', value=as_set)
    if origin is not None:
        try:
            origin = prefix_input.parse_asn(str(origin))
        except ValueError as exc:
            errors['origin'] = exc.args[0] if exc.args else _l('an AS number')
    if errors:
        raise CheckRefused(errors)
    parsed = prefix_input.parse_lines(text or '', origin if origin is not None
                                      else default_origin(customer))
    if parsed.errors:
        raise CheckRefused(lines=[(e.line, e.text, e.message) for e in parsed.errors])
    if not parsed.entries:
        raise CheckRefused({'prefixes': _l('enter at least one prefix')})
    if len(parsed.entries) > MAX_ITEMS:
        raise CheckRefused({'prefixes': _l('at most %(max)d prefixes per check', max=MAX_ITEMS)})
    check = PrefixCheck.create(
        customer=customer, token=token_id, created_at=now,
        items=[{'prefix': e.prefix, 'origin': e.origin, 'as_set': as_set}
               for e in parsed.entries])
    if not current_app.config['NOC']['irr']['servers']:
        answer(check, now)
    return check


def answer(check, now=None):
    """Validate the check's items and store the results (state done)."""
    items = [(n, i['prefix'], i['origin'], i['as_set']) for n, i in enumerate(check.items)]
    found = validation.validate(items)
    results = [{**item, **found[n]} for n, item in enumerate(check.items)]
    check.results, check.state, check.done_at = results, 'done', now or utcnow()
    check.save()
    return check


def answer_pending(limit=20, now=None):
    """The worker's part: answer waiting checks, oldest first; forget old ones."""
    now = now or utcnow()
    PrefixCheck.delete().where(PrefixCheck.created_at < now - KEEP).execute()
    pending = list(PrefixCheck.select().where(PrefixCheck.state == 'pending')
                   .order_by(PrefixCheck.created_at, PrefixCheck.id).limit(limit))
    for check in pending:
        answer(check, now)
    return len(pending)
