"""The columns each inventory list can be sorted by, as expressions on the list's query.

Names in other tables (a circuit's customer, a segment's sites) are scalar
subqueries on the row's own foreign key: the circuits list counts and skips
on a query of ids alone (Entity.narrow_query), which joins nothing.
"""
from noc.models import Circuit, Contact, Customer, Segment, Site


def _name_of(model, column, foreign_key):
    """The referenced row's `column`, as an expression usable in ORDER BY."""
    alias = model.alias()
    return alias.select(getattr(alias, column)).where(alias.id == foreign_key)


SORTS = {
    'customers': {'account_id': Customer.account_id, 'name': Customer.name,
                  'kind': Customer.kind, 'notice_language': Customer.notice_language},
    'contacts': {'customer': _name_of(Customer, 'name', Contact.customer),
                 'name': Contact.name, 'email': Contact.email, 'language': Contact.language,
                 'notice_format': Contact.notice_format},
    'sites': {'code': Site.code, 'name': Site.name, 'kind': Site.kind, 'city': Site.city,
              'state': Site.state},
    'segments': {'code': Segment.code, 'name': Segment.name, 'kind': Segment.kind,
                 'a_site': _name_of(Site, 'code', Segment.a_site),
                 'z_site': _name_of(Site, 'code', Segment.z_site),
                 'parent': _name_of(Segment, 'code', Segment.parent)},
    'circuits': {'circuit_id': Circuit.circuit_id,
                 'customer': _name_of(Customer, 'name', Circuit.customer),
                 'customer_ref': Circuit.customer_ref, 'service': Circuit.service,
                 'bandwidth_mbps': Circuit.bandwidth_mbps, 'status': Circuit.status,
                 'a_site': _name_of(Site, 'code', Circuit.a_site),
                 'z_site': _name_of(Site, 'code', Circuit.z_site)},
}

# Columns a phone can do without: the list stays readable with the key and the name.
OPTIONAL = {
    'customers': ('kind', 'asns', 'notice_language'),
    'contacts': ('roles', 'language', 'notice_format'),
    'sites': ('kind', 'state'),
    'segments': ('kind', 'a_site', 'z_site', 'parent'),
    'circuits': ('customer_ref', 'bandwidth_mbps', 'a_site', 'z_site'),
}
