"""Ad hoc checks: what RPKI and the IRR say about prefixes and origins, with
no request made and nothing tracked (the providers' "would this be accepted?").

A check is stored, then answered with the same validation as a request's
first check. When only loaded data is read (no IRRd server configured) it is
answered at once, in the caller's request; otherwise the worker answers it
on its next pass and the client polls, since nothing talks to an IRRd from
inside a web request. Checks are kept for a day.
"""
import datetime

from flask_babel import lazy_gettext as _l

from noc.core.limits import MAX_AS_SET, MAX_CHECK_PREFIXES, MAX_PREFIX_TEXT
from noc.models import CustomerAsn, utcnow
from noc.models.routing import CheckState, PrefixCheck
from noc.routing.prefix_requests import entries, numbers, sanity, validation
from noc.routing.prefix_requests import input as prefix_input
from noc.routing.prefix_requests.workflow import PasteRefused, as_set_problem

KEEP = datetime.timedelta(hours=24)


class CheckRefused(PasteRefused):
    """The check was not made."""


def default_origin(customer):
    """The customer's only ASN, for lines that name none; None otherwise."""
    if customer is None:
        return None
    asns = [a.asn for a in CustomerAsn.select().where(CustomerAsn.customer == customer)]
    return asns[0] if len(asns) == 1 else None


def problems(prefix, origin, lab):
    """Why the pair could never be announced (special-use space, reserved ASN),
    in the current language; lengths are the operator's policy, not judged here.
    `lab`: the [prefixes] lab setting (documentation space allowed)."""
    limits = {'max_v4': 32, 'max_v6': 128, 'min_v4': 0, 'min_v6': 0}
    return [str(p.message) for p in sanity.check(prefix, origin, lab=lab, limits=limits)]


def create(prefixes, settings, *, customer=None, token_id=None, as_set='', origin=None, now=None):
    """Store a check of `prefixes`: the pasted text (any format a request
    takes) or typed PrefixItems, whose problems name their index ->
    PrefixCheck, answered already when that needs no IRRd server.
    `settings`: RoutingSettings."""
    now = now or utcnow()
    errors = {}
    as_set = (as_set or '').strip().upper()
    if len(as_set) > MAX_AS_SET:
        errors['as_set'] = _l('An AS-SET name has at most %(max)d characters.', max=MAX_AS_SET)
    elif as_set_problem(as_set):
        errors['as_set'] = as_set_problem(as_set)
    prefixes = prefixes or ''
    if prefix_input.typed(prefixes) and len(prefixes) > MAX_CHECK_PREFIXES:
        errors['prefixes'] = _l('at most %(max)d prefixes per check', max=MAX_CHECK_PREFIXES)
    elif not prefix_input.typed(prefixes) and len(prefixes) > MAX_PREFIX_TEXT:
        errors['prefixes'] = _l('The text is too long (%(size)d characters, at most %(max)d); '
                                'split it into several requests.',
                                size=len(prefixes), max=MAX_PREFIX_TEXT)
    if origin is not None:
        try:
            origin = numbers.parse_asn(str(origin))
        except ValueError as exc:
            errors['origin'] = exc.args[0] if exc.args else _l('an AS number')
    if errors:
        raise CheckRefused(errors)
    parsed = prefix_input.read(prefixes, origin if origin is not None else default_origin(customer))
    if parsed.errors and prefix_input.typed(prefixes):
        raise CheckRefused(entries.item_errors(parsed.lines()))
    if parsed.errors:
        raise CheckRefused(lines=parsed.lines(), texts=parsed.texts())
    if not parsed.entries:
        raise CheckRefused({'prefixes': _l('enter at least one prefix')})
    if len(parsed.entries) > MAX_CHECK_PREFIXES:
        raise CheckRefused({'prefixes': _l('at most %(max)d prefixes per check',
                                           max=MAX_CHECK_PREFIXES)})
    check = PrefixCheck.create(
        customer=customer, token=token_id, created_at=now,
        items=[{'prefix': e.prefix, 'origin': e.origin, 'as_set': as_set}
               for e in parsed.entries])
    if settings.checks_in_place:
        answer(check, settings, now)
    return check


def answer(check, settings, now=None):
    """Validate the check's items and store the results (state done)."""
    items = [(n, i['prefix'], i['origin'], i['as_set']) for n, i in enumerate(check.items)]
    found = validation.validate(items, settings)
    results = [{**item, **found[n]} for n, item in enumerate(check.items)]
    check.results, check.state, check.done_at = results, CheckState.DONE, now or utcnow()
    check.save()
    return check


def answer_pending(settings, limit=20, now=None):
    """The worker's part: answer waiting checks, oldest first; forget old ones."""
    now = now or utcnow()
    PrefixCheck.delete().where(PrefixCheck.created_at < now - KEEP).execute()
    pending = list(PrefixCheck.select().where(PrefixCheck.state == CheckState.PENDING)
                   .order_by(PrefixCheck.created_at, PrefixCheck.id).limit(limit))
    for check in pending:
        answer(check, settings, now)
    return len(pending)
