"""A maintenance window as the API shows it, to a customer's token or the NOC's.

A provider token reads only its own circuits and what its notices said
(acknowledged, whether it may still ask for another date); a NOC token reads
everything: both languages, internal notes, customers, acknowledged warnings.
"""
import datetime

from noc.api import language
from noc.maintenance import answers, windows
from noc.maintenance import reschedules as reschedule
from noc.models import Circuit, Customer, WindowCircuit, WindowCustomer

UTC = datetime.timezone.utc
# Shown to NOC tokens only, each language apart.
NOC_TEXTS = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes')


def _time(moment):
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec='seconds') + 'Z'


# Reading ------------------------------------------------------------------

def _customer_id(customer):
    return customer if isinstance(customer, int) else customer.id


def _links(window, customer_id=None):
    query = (WindowCircuit.select(WindowCircuit, Circuit, Customer)
             .join(Circuit).join(Customer)
             .where(WindowCircuit.window == window).order_by(Circuit.circuit_id))
    if customer_id is not None:
        query = query.where(Circuit.customer == customer_id)
    return list(query)


def _circuit_json(link, window, noc):
    circuit = link.circuit
    item = {'circuit': circuit.circuit_id, 'customer_ref': circuit.customer_ref or None,
            'impact': link.impact or window.impact}
    if noc:
        item.update(customer=circuit.customer.account_id, impact_override=link.impact,
                    via=link.via or None)
    return item


def _common(window, links, noc):
    lang = language()
    return {
        'id': window.id, 'reference': window.reference, 'status': window.status,
        'starts_at': _time(window.starts_at), 'ends_at': _time(window.ends_at),
        'language': lang, 'title': window.title(lang), 'description': window.description(lang),
        'impact': window.impact, 'outage_minutes': window.outage_minutes,
        'emergency': bool(window.emergency),
        'emergency_reason': window.emergency_reason or None,
        'cancel_reason': window.cancel_reason or None,
        'uid': window.uid, 'sequence': window.sequence,
        'circuits': [_circuit_json(link, window, noc) for link in links],
    }


def _customers_json(window, links):
    grouped = {}
    for link in links:
        grouped.setdefault(link.circuit.customer_id, [link.circuit.customer, 0])[1] += 1
    states = answers.customer_states(window, list(grouped))
    return [{'account_id': customer.account_id, 'name': customer.name, 'circuits': count,
             'acknowledged': answers.acknowledged(states[cid], window)}
            for cid, (customer, count) in
            sorted(grouped.items(), key=lambda item: item[1][0].account_id)]


def window_json(window, customer=None):
    """A window as the API shows it: to a customer (Customer or id) only its own
    circuits and what its notices said; without one, everything (NOC)."""
    if customer is None:
        links = _links(window)
        body = _common(window, links, noc=True)
        body.update({name: getattr(window, name) for name in NOC_TEXTS})
        body.update(created_by=window.created_by, created_at=_time(window.created_at),
                    updated_at=_time(window.updated_at),
                    customers=_customers_json(window, links),
                    acknowledged_warnings=sorted(windows.acknowledged_of(window)))
        return body
    customer_id = _customer_id(customer)
    links = _links(window, customer_id)
    body = _common(window, links, noc=False)
    row = WindowCustomer.get_or_none(window=window.id, customer=customer_id)
    account = Customer.get_by_id(customer_id).account_id
    body.update(customer=account, acknowledged=answers.acknowledged(row, window),
                can_reschedule=bool(links) and reschedule.open_for_requests(window))
    return body

