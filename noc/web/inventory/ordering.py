"""The columns each inventory list can be sorted by, as expressions on the list's query.

A name in another table is read through a join: the lists' queries already
join it, except the circuits list, which counts and skips on a query of ids
alone (Entity.narrow_query) and joins the table only when sorted by it. A
join lets the database walk the other table's index (customer names, site
codes) and stop after one page; a subquery per row made PostgreSQL read all
50,000 circuits' sites to sort them (0.5 s, bench/lists.py).
"""
import peewee as pw

from noc.inventory.entities import ASite, ParentSegment, ZSite
from noc.models import Circuit, Contact, Customer, Site
from noc.models import Segment as SegmentModel
from noc.web.sorting import Column

# Circuits' own aliases: never the ones the display query (base_query) joins.
SortCustomer, SortA, SortZ = Customer.alias('sort_customer'), Site.alias('sort_a'), Site.alias('sort_z')


def _joined(alias, foreign_key, outer=False):
    kind = pw.JOIN.LEFT_OUTER if outer else pw.JOIN.INNER
    return lambda query: query.join_from(Circuit, alias, kind, on=(foreign_key == alias.id))


SORTS = {
    'customers': {'account_id': Customer.account_id, 'name': Customer.name,
                  'kind': Customer.kind, 'notice_language': Customer.notice_language},
    'contacts': {'customer': Customer.name, 'name': Contact.name, 'email': Contact.email,
                 'language': Contact.language, 'notice_format': Contact.notice_format},
    'sites': {'code': Site.code, 'name': Site.name, 'kind': Site.kind, 'city': Site.city,
              'state': Site.state},
    'segments': {'code': SegmentModel.code, 'name': SegmentModel.name, 'kind': SegmentModel.kind,
                 'a_site': ASite.code, 'z_site': ZSite.code, 'parent': ParentSegment.code},
    'circuits': {'circuit_id': Circuit.circuit_id,
                 'customer': Column((SortCustomer.name,), _joined(SortCustomer, Circuit.customer)),
                 'customer_ref': Circuit.customer_ref, 'service': Circuit.service,
                 'bandwidth_mbps': Circuit.bandwidth_mbps, 'status': Circuit.status,
                 'a_site': Column((SortA.code,), _joined(SortA, Circuit.a_site)),
                 'z_site': Column((SortZ.code,), _joined(SortZ, Circuit.z_site, outer=True))},
}

# Columns a phone can do without: the list stays readable with the key and the name.
OPTIONAL = {
    'customers': ('kind', 'asns', 'notice_language'),
    'contacts': ('roles', 'language', 'notice_format'),
    'sites': ('kind', 'state'),
    'segments': ('kind', 'a_site', 'z_site', 'parent'),
    'circuits': ('customer_ref', 'bandwidth_mbps', 'a_site', 'z_site'),
}
