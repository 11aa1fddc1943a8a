"""Which windows the list and the calendar show: the request's filters as a query.

Filters work through subqueries on window_circuit, so a window over 5,000
circuits is matched without loading its circuits.
"""
import peewee as pw
from flask import request
from flask_babel import lazy_gettext as _l

from noc.core.text import clean_text, search_key
from noc.maintenance.scope import segment_closure
from noc.models import (
    Circuit,
    CircuitSegment,
    Customer,
    Impact,
    MaintenanceWindow,
    Segment,
    Site,
    WindowCircuit,
)
from noc.web.sorting import rank

NAMES = ('status', 'customer', 'site', 'segment', 'q')


def _matches(model, text):
    """Folded search text contains `text` folded (LIKE written out: the same on both
    engines; peewee would turn it into GLOB on SQLite)."""
    pattern = model.search_text.contains(search_key(text)).rhs
    return pw.NodeList((model.search_text, pw.SQL('LIKE'), pattern))


def _windows_over(circuits):
    """A condition: windows holding any circuit of the subquery `circuits`."""
    return MaintenanceWindow.id.in_(WindowCircuit.select(WindowCircuit.window)
                                    .where(WindowCircuit.circuit.in_(circuits)))


def _customers(text):
    """An exact account id wins; otherwise names (and ids) containing the text."""
    exact = Customer.select(Customer.id).where(pw.fn.UPPER(Customer.account_id) == text.upper())
    if exact.exists():
        return exact
    return Customer.select(Customer.id).where(_matches(Customer, text))


def _site_circuits(site_id):
    """As a window's scope picks them: circuits ending at the site or over its devices."""
    devices = Segment.select(Segment.id).where((Segment.kind == 'device')
                                               & (Segment.a_site == site_id))
    return Circuit.select(Circuit.id).where(
        (Circuit.a_site == site_id) | (Circuit.z_site == site_id)
        | Circuit.id.in_(CircuitSegment.select(CircuitSegment.circuit)
                         .where(CircuitSegment.segment.in_(devices))))


def read_args():
    """The filter values of the request, cleaned (for the query, the form and links)."""
    args = {name: clean_text(request.args.get(name, ''))[:100] for name in NAMES}
    if args['status'] not in MaintenanceWindow.STATUSES:
        args['status'] = ''
    return args


def apply(query, args):
    """(query narrowed by `args`, [messages about values that match nothing])."""
    problems = []
    if args['status']:
        query = query.where(MaintenanceWindow.status == args['status'])
    if args['customer']:
        customers = _customers(args['customer'])
        query = query.where(_windows_over(Circuit.select(Circuit.id)
                                          .where(Circuit.customer.in_(customers))))
    if args['site']:
        site = Site.get_or_none(Site.code == args['site'].upper())
        if site is None:
            problems.append(_l('There is no site %(code)s.', code=args['site']))
        else:
            query = query.where(_windows_over(_site_circuits(site.id)))
    if args['segment']:
        segment = Segment.get_or_none(Segment.code == args['segment'].upper())
        if segment is None:
            problems.append(_l('There is no segment %(code)s.', code=args['segment']))
        else:
            # A ring stands for its spans too: the work on it is work on them.
            under = list(segment_closure([segment.id]))
            query = query.where(_windows_over(CircuitSegment.select(CircuitSegment.circuit)
                                              .where(CircuitSegment.segment.in_(under))))
    if args['q']:
        query = query.where(_matches(MaintenanceWindow, args['q']))
    if problems:
        query = query.where(MaintenanceWindow.id.in_([]))
    return query, problems


def reach(window_ids):
    """{window id: (circuits, customers)} for a page of windows, in one query."""
    if not window_ids:
        return {}
    rows = (WindowCircuit.select(WindowCircuit.window, pw.fn.COUNT(WindowCircuit.circuit),
                                 pw.fn.COUNT(pw.fn.DISTINCT(Circuit.customer)))
            .join(Circuit).where(WindowCircuit.window.in_(list(window_ids)))
            .group_by(WindowCircuit.window).tuples())
    return {window_id: (circuits, customers) for window_id, circuits, customers in rows}


def acknowledgements(form):
    """Warning keys the engineer ticked, one by one or all at once.

    "All at once" covers only the keys that were on the page (ack_shown), so
    a warning that appeared since still needs its own tick.
    """
    keys = set(form.getlist('ack'))
    if form.get('ack_all'):
        keys |= set(form.getlist('ack_shown'))
    return sorted(keys)


def _reach_of(count):
    """A window's circuits (or customers), counted in a subquery for ORDER BY."""
    return (WindowCircuit.select(count).join(Circuit)
            .where(WindowCircuit.window == MaintenanceWindow.id))


# The columns of the list a person may sort by.
SORTS = {
    'reference': MaintenanceWindow.reference,
    'when': (MaintenanceWindow.starts_at, MaintenanceWindow.ends_at),
    'impact': rank(MaintenanceWindow.impact, Impact.SEVERITY),
    'status': rank(MaintenanceWindow.status, MaintenanceWindow.STATUSES),
    'circuits': _reach_of(pw.fn.COUNT(WindowCircuit.circuit)),
    'customers': _reach_of(pw.fn.COUNT(pw.fn.DISTINCT(Circuit.customer))),
}
