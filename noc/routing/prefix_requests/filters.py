"""Router prefix filters of a customer's (or one session's) configured prefixes.

Only configured prefixes go in: they are what the engineer confirmed is on
the routers, so the generated list matches what the routers should hold.
"""
import re

from flask_babel import lazy_gettext as _l

from noc.core.errors import Refused
from noc.models import Circuit, Customer, CustomerAsn
from noc.models.routing import PrefixState, TrackedPrefix
from noc.routing.prefix_requests import prefix_lists


class FilterRefused(Refused):
    """No prefix-list: `field` names what to change (format, name, customer, session)."""

    def __init__(self, message, field):
        super().__init__({field: message}, message=str(message))


def find_customer(text):
    """A customer by account id, ASN (AS64500 or 64500) or exact name."""
    text = (text or '').strip()
    customer = Customer.get_or_none(Customer.account_id == text)
    if customer is None:
        digits = text[2:] if text.upper().startswith('AS') else text
        if digits.isascii() and digits.isdigit() and len(digits) <= 10:
            row = CustomerAsn.get_or_none(CustomerAsn.asn == int(digits))
            customer = row.customer if row else None
    if customer is None:
        matches = list(Customer.select().where(Customer.name == text).limit(2))
        customer = matches[0] if len(matches) == 1 else None
    return customer


def default_name(customer, circuit=None):
    base = circuit.circuit_id if circuit is not None else customer.account_id
    return 'JANELA-' + re.sub(r'[^A-Za-z0-9_-]', '-', base).upper()


def configured(customer, circuit=None):
    query = TrackedPrefix.select(TrackedPrefix.prefix).where(
        (TrackedPrefix.customer == customer) & (TrackedPrefix.state == PrefixState.CONFIGURED))
    if circuit is not None:
        query = query.where(TrackedPrefix.circuit == circuit)
    return sorted({row.prefix for row in query})


def render(customer, fmt, circuit=None, name=None, family='both'):
    if fmt not in prefix_lists.FORMATS:
        raise FilterRefused(_l('unknown format %(format)s; use one of %(formats)s', format=fmt,
                               formats=', '.join(prefix_lists.FORMATS)), 'format')
    prefixes = configured(customer, circuit)
    if family in ('4', '6'):
        prefixes = [p for p in prefixes if (':' in p) == (family == '6')]
        try:
            return prefix_lists.render(fmt, name or default_name(customer, circuit), prefixes,
                                       int(family))
        except ValueError as exc:
            raise FilterRefused(str(exc), 'name') from None
    try:
        return prefix_lists.render_all(fmt, name or default_name(customer, circuit), prefixes)
    except ValueError as exc:
        raise FilterRefused(str(exc), 'name') from None


def for_cli(customer_text, fmt, session=None, name=None, family='both'):
    customer = find_customer(customer_text)
    if customer is None:
        raise FilterRefused(f'no customer {customer_text!r} (give an account id, an ASN or '
                            'the exact name)', 'customer')
    circuit = None
    if session:
        circuit = Circuit.get_or_none((Circuit.circuit_id == session)
                                      & (Circuit.customer == customer))
        if circuit is None:
            raise FilterRefused(f'{customer.account_id} has no circuit {session!r}', 'session')
    return render(customer, fmt, circuit, name, family)
