"""What a picker offers as an engineer types: rows found by code, name, site or city.

Two passes keep it fast at any size. Codes are stored upper case, so a code
that starts with the typed text is a range on the code's unique index
(``code >= 'BHZ' AND code < 'BHZ\\x7f'``: SQLite uses no index for a
case-insensitive LIKE, and PostgreSQL none for LIKE outside the C collation,
but both use one for a range). Only when that leaves room does a bounded
substring search read the folded search_text of names, cities and sites.
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
    rows: Callable      # (customer id or None) -> the query to narrow
    wider: Callable     # (folded text) -> the substring condition
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


def _circuit_rows(customer_id=None):
    query = (Circuit.select(Circuit, Customer, ASite)
             .join_from(Circuit, Customer, on=(Circuit.customer == Customer.id))
             .join_from(Circuit, ASite, on=(Circuit.a_site == ASite.id), attr='a_site'))
    return query if customer_id is None else query.where(Circuit.customer == customer_id)


def _session_rows(customer_id=None):
    return _circuit_rows(customer_id).where(
        (Circuit.service == Service.IP_TRANSIT)
        & (Circuit.status != CircuitStatus.DECOMMISSIONED))


def _circuit_wider(folded):
    """The circuit's id or reference, its customer's name or code, or either
    end's site code, name or city."""
    customers = Customer.select(Customer.id).where(_contains(Customer.search_text, folded))
    sites = Site.select(Site.id).where(_contains(Site.search_text, folded))
    return (_contains(Circuit.search_text, folded) | Circuit.customer.in_(customers)
            | Circuit.a_site.in_(sites) | Circuit.z_site.in_(sites))


def _circuit_label(c):
    site = c.a_site
    return f'{c.circuit_id} — {c.customer.name} — {site.code} {site.city}/{site.state}'


def _session_label(c):
    asn = f' · AS{c.bgp_asn}' if c.bgp_asn else ''
    return _circuit_label(c) + asn


KINDS = {
    'circuits': Kind(
        'circuits', Circuit, Circuit.circuit_id, _circuit_rows, _circuit_wider,
        lambda c: Hit('circuits', c.id, c.circuit_id, _circuit_label(c))),
    'sessions': Kind(
        'circuits', Circuit, Circuit.circuit_id, _session_rows, _circuit_wider,
        lambda c: Hit('circuits', c.id, c.circuit_id, _session_label(c))),
    'segments': Kind(
        'segments', Segment, Segment.code, lambda _: Segment.select(),
        lambda folded: _contains(Segment.search_text, folded),
        lambda s: Hit('segments', s.id, s.code, f'{s.code} — {s.name}')),
    'sites': Kind(
        'sites', Site, Site.code, lambda _: Site.select(),
        lambda folded: _contains(Site.search_text, folded),
        lambda s: Hit('sites', s.id, s.code, f'{s.code} — {s.name} — {s.city}/{s.state}')),
    'customers': Kind(
        'customers', Customer, Customer.account_id, lambda _: Customer.select(),
        lambda folded: _contains(Customer.search_text, folded),
        lambda c: Hit('customers', c.id, c.account_id, f'{c.account_id} — {c.name}')),
}


def customer_id(reference):
    """The id of the customer named by its id or its account id, or None."""
    found = Customer.get_or_none(Customer.account_id == reference)
    if found is None and reference.isdigit() and len(reference) < 19:
        found = Customer.get_or_none(Customer.id == int(reference))
    return found.id if found else None


def find(kind, text, limit, customer=None):
    """[Hit]: at most `limit` rows of `kind` (a key of KINDS) matching `text`,
    codes starting with it first, then rows containing it anywhere they show.
    `customer` (an id) keeps only that customer's rows (for sessions)."""
    spec = KINDS[kind]
    rows = spec.rows(customer)
    code = text.strip().upper()
    first = rows.where(_starts(spec.code, code)) if code else rows
    hits = list(first.order_by(spec.code).limit(limit))
    if code and len(hits) < limit:
        taken = [h.id for h in hits]
        more = rows.where(spec.wider(search_key(text.strip())))
        if taken:
            more = more.where(spec.model.id.not_in(taken))
        hits += list(more.order_by(spec.code).limit(limit - len(hits)))
    return [spec.hit(row) for row in hits]
