"""What a picker offers as an engineer types: rows found by code, name, site or city.

Two passes keep it fast at any size. Codes are stored upper case, so a code
that starts with the typed text is a range on the code's unique index
(``code >= 'BHZ' AND code < 'BH['``, the last character moved on by one):
SQLite uses no index for a case-insensitive LIKE, and PostgreSQL none for
LIKE outside the C collation, but both use one for a range. The range sorts
as SQLite (binary) and PostgreSQL in a C or C.UTF-8 database do; under a
language collation it may miss a code, which the second pass still finds.
Only when the first pass leaves room does a bounded substring search read
the folded search_text of names, cities and sites.
"""
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from noc.core.text import search_key
from noc.models import Circuit, CircuitStatus, Customer, Segment, Service, Site

ASite = Site.alias('a')


@dataclass(frozen=True)
class Hit:
    entity: str         # the inventory kind whose page shows the row
    id: int
    value: str          # what a form field takes: the row's code
    label: str          # what a person reads: code — customer — site


@dataclass(frozen=True)
class Kind:
    entity: str
    model: type
    code: pw.Field
    scope: Callable     # (customer id or None) -> the rows of this kind, or None: all
    wider: Callable     # (folded text) -> conditions, each searched on its own
    rows: Callable      # () -> the query that reads what a label shows
    hit: Callable       # (row) -> Hit


def _contains(column, folded):
    """column LIKE '%text%' with the wildcards of the text escaped (peewee's
    own pattern); written out because peewee turns LIKE into GLOB on SQLite."""
    return pw.NodeList((column, pw.SQL('LIKE'), column.contains(folded).rhs))


def _starts(column, code):
    """Codes starting with `code`, as a range the column's index answers."""
    if ord(code[-1]) >= 0x10FFFF:      # no character follows the last one
        return column >= code
    following = code[:-1] + chr(ord(code[-1]) + 1)
    return (column >= code) & (column < following)


def _circuit_rows():
    return (Circuit.select(Circuit, Customer, ASite)
            .join_from(Circuit, Customer, on=(Circuit.customer == Customer.id))
            .join_from(Circuit, ASite, on=(Circuit.a_site == ASite.id), attr='a_site'))


def _circuit_scope(customer_id):
    return None if customer_id is None else Circuit.customer == customer_id


def sessions_of(customer_id=None):
    """The circuits that can carry a prefix request: live IP transit (a BGP
    session), of one customer when `customer_id` is given."""
    live = ((Circuit.service == Service.IP_TRANSIT)
            & (Circuit.status != CircuitStatus.DECOMMISSIONED))
    return live if customer_id is None else live & (Circuit.customer == customer_id)


# Sites or customers whose text matches, at most: enough for any real typing
# ("sao" matches a city's every PoP), few enough for one IN list.
OWNERS_MATCHED = 1000


def _ids(query):
    return [row_id for (row_id,) in query.limit(OWNERS_MATCHED).tuples()]


def _circuit_wider(folded):
    """Either end's site code, name or city; its customer's name or code; the
    circuit's own id or reference. Apart, so that each is one bounded query
    (an OR of them walks the whole table in code order), and lazily, the ones
    an index answers first: the sites and customers found are a list of ids
    for the circuits' indexes (a subquery lets PostgreSQL scan every circuit
    even when nothing matched), and only the last reads every circuit, when
    the others leave room."""
    sites = _ids(Site.select(Site.id).where(_contains(Site.search_text, folded)))
    if sites:
        yield Circuit.a_site.in_(sites) | Circuit.z_site.in_(sites)
    customers = _ids(Customer.select(Customer.id).where(_contains(Customer.search_text, folded)))
    if customers:
        yield Circuit.customer.in_(customers)
    yield _contains(Circuit.search_text, folded)


def _circuit_label(c):
    site = c.a_site
    return f'{c.circuit_id} — {c.customer.name} — {site.code} {site.city}/{site.state}'


def _session_label(c):
    asn = f' · AS{c.bgp_asn}' if c.bgp_asn else ''
    return _circuit_label(c) + asn


def _own_text(model):
    return lambda folded: [_contains(model.search_text, folded)]


def _everything(_customer_id):
    return None


KINDS = {
    'circuits': Kind(
        'circuits', Circuit, Circuit.circuit_id, _circuit_scope, _circuit_wider,
        _circuit_rows, lambda c: Hit('circuits', c.id, c.circuit_id, _circuit_label(c))),
    'sessions': Kind(
        'circuits', Circuit, Circuit.circuit_id, sessions_of, _circuit_wider,
        _circuit_rows, lambda c: Hit('circuits', c.id, c.circuit_id, _session_label(c))),
    'segments': Kind(
        'segments', Segment, Segment.code, _everything, _own_text(Segment), Segment.select,
        lambda s: Hit('segments', s.id, s.code, f'{s.code} — {s.name}')),
    'sites': Kind(
        'sites', Site, Site.code, _everything, _own_text(Site), Site.select,
        lambda s: Hit('sites', s.id, s.code, f'{s.code} — {s.name} — {s.city}/{s.state}')),
    'customers': Kind(
        'customers', Customer, Customer.account_id, _everything, _own_text(Customer),
        Customer.select,
        lambda c: Hit('customers', c.id, c.account_id, f'{c.account_id} — {c.name}')),
}


def customer_id(reference):
    """The id of the customer named by its id or its account id, or None."""
    found = Customer.get_or_none(Customer.account_id == reference)
    if found is None and reference.isascii() and reference.isdigit() and len(reference) < 19:
        found = Customer.get_or_none(Customer.id == int(reference))
    return found.id if found else None


def _scoped(query, scope):
    return query if scope is None else query.where(scope)


def _wider(spec, folded, scope, taken, room):
    """Up to `room` more rows containing the text, none of `taken`: each
    condition is a query of ids bounded by LIMIT, so no pass reads more than
    it must, then one query reads the rows found."""
    found = []
    for condition in spec.wider(folded):
        ids = _scoped(spec.model.select(spec.model.id).where(condition), scope)
        for (row_id,) in ids.limit(room + len(taken)).tuples():
            if row_id not in taken and row_id not in found:
                found.append(row_id)
        if len(found) >= room:
            break
    if not found:
        return []
    return list(spec.rows().where(spec.model.id.in_(found[:room])).order_by(spec.code))


def find(kind, text, limit, customer=None):
    """[Hit]: at most `limit` rows of `kind` (a key of KINDS) matching `text`,
    codes starting with it first, then rows containing it anywhere they show.
    `customer` (an id) keeps only that customer's rows (circuits, sessions)."""
    spec = KINDS[kind]
    scope = spec.scope(customer)
    code = text.strip().upper()
    first = _scoped(spec.rows(), scope)
    if code:
        first = first.where(_starts(spec.code, code))
    hits = list(first.order_by(spec.code).limit(limit))
    # A whole code typed names its row: no need to read every row for more.
    exact = bool(hits) and getattr(hits[0], spec.code.name) == code
    if code and len(hits) < limit and not exact:
        hits += _wider(spec, search_key(text.strip()), scope, {h.id for h in hits},
                       limit - len(hits))
    return [spec.hit(row) for row in hits]
