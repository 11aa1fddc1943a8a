"""The five kinds of inventory rows: their fields, natural keys and lists.

One description per kind drives the forms, the list pages, CSV import and
export and the audit log, so every way in applies the same rules.
"""
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.text import search_key
from noc.inventory import fields as f
from noc.models import (
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    RedundancyGroup,
    Segment,
    Site,
    audit,
)
from noc.models.inventory import (
    CircuitStatus,
    ContactRole,
    CustomerKind,
    NoticeFormat,
    SegmentKind,
    Service,
    SiteKind,
)

# The choice lists of the forms, CSV and API: the vocabularies declared beside the models.
KIND_CHOICES = list(CustomerKind.CHOICES)
ROLE_CHOICES = list(ContactRole.CHOICES)
FORMAT_CHOICES = list(NoticeFormat.CHOICES)
SITE_KIND_CHOICES = list(SiteKind.CHOICES)
SEGMENT_KIND_CHOICES = list(SegmentKind.CHOICES)
SERVICE_CHOICES = list(Service.CHOICES)
STATUS_CHOICES = list(CircuitStatus.CHOICES)
STATES = ('AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC '
          'SP SE TO').split()
STATE_CHOICES = [(s, s) for s in STATES]


@dataclass
class Filter:
    name: str
    label: object
    choices: Callable          # () -> [(value, label)]
    apply: Callable            # (query, value) -> query


@dataclass
class Entity:
    name: str                  # URL and CSV kind: customers, contacts...
    label: object
    label_plural: object
    model: type
    fields: list
    key: tuple                 # field names forming the natural key
    search: Callable           # (query, text) -> query
    order: Callable            # () -> order_by expressions
    columns: tuple             # field names shown in lists
    filters: list = dc_field(default_factory=list)
    base_query: Callable = None
    # The least query that search, filters and order need, selecting ids:
    # lists count and skip on it, then load one page of rows by id with
    # base_query, so the joins that only feed the display run for 50 rows,
    # not for every row counted or skipped. Search and filters must then
    # use the model's own columns (subqueries for other tables).
    narrow_query: Callable = None
    # Fields folded into the row's search_text (what the search box finds).
    search_fields: tuple = ()

    @property
    def audit_entity(self):
        """What the audit log calls these rows: the table's singular name."""
        return audit.Entity(self.model._meta.table_name)

    def field(self, name):
        return next(fl for fl in self.fields if fl.name == name)

    def filter(self, name):
        return next(flt for flt in self.filters if flt.name == name)

    def read(self, obj):
        """The row as {field: value}, values shaped as the fields parse them."""
        return {fl.name: _READERS.get((self.name, fl.name), _attr(fl.name))(obj)
                for fl in self.fields}

    def read_many(self, objs, names=None):
        """read() for a page of rows, with each child list loaded in one query.

        `names` limits it to those fields: a list reads only its columns, so
        it loads nothing it never shows (a circuit's segments, the
        redundancy group of each circuit that has one).
        """
        objs = list(objs)
        fields = self.fields if names is None else [self.field(n) for n in names]
        wanted = {fl.name for fl in fields}
        loaded = {name: load([o.id for o in objs]) for (kind, name), load
                  in _BATCH_LOADERS.items() if kind == self.name and name in wanted and objs}
        return [{fl.name: loaded[fl.name].get(obj.id, []) if fl.name in loaded
                 else _READERS.get((self.name, fl.name), _attr(fl.name))(obj)
                 for fl in fields} for obj in objs]

    def formatted(self, values):
        return {fl.name: fl.format(values.get(fl.name)) for fl in self.fields}

    def key_of(self, values):
        return ' / '.join(self.field(k).format(values[k]) for k in self.key)

    def find(self, values):
        """The stored row with the natural key in `values`, or None."""
        return _FINDERS[self.name](values)

    def query(self):
        return self.base_query() if self.base_query else self.model.select()


def _attr(name):
    return lambda obj: getattr(obj, name)


# Readers and finders for fields that are not plain columns ------------------

_READERS = {
    ('customers', 'asns'): lambda c: sorted(a.asn for a in c.asns),
    ('customers', 'freezes'): lambda c: sorted(
        (z.starts_on, z.ends_on, z.reason) for z in c.freezes),
    ('contacts', 'customer'): lambda c: c.customer,
    ('contacts', 'roles'): lambda c: c.roles,
    ('circuits', 'segments'): lambda c: list(
        Segment.select().join(CircuitSegment).where(CircuitSegment.circuit == c)
        .order_by(Segment.code)),
}

def _grouped(rows, key, value):
    result = {}
    for row in rows:
        result.setdefault(key(row), []).append(value(row))
    return result


# The same child lists as _READERS, for many rows in one query each (list
# pages and exports would otherwise run one query per row).
_BATCH_LOADERS = {
    ('customers', 'asns'): lambda ids: _grouped(
        CustomerAsn.select().where(CustomerAsn.customer.in_(ids)).order_by(CustomerAsn.asn),
        lambda a: a.customer_id, lambda a: a.asn),
    ('customers', 'freezes'): lambda ids: _grouped(
        ChangeFreeze.select().where(ChangeFreeze.customer.in_(ids))
        .order_by(ChangeFreeze.starts_on, ChangeFreeze.ends_on, ChangeFreeze.reason),
        lambda z: z.customer_id, lambda z: (z.starts_on, z.ends_on, z.reason)),
    ('circuits', 'segments'): lambda ids: _grouped(
        Segment.select(Segment, CircuitSegment.circuit).join(CircuitSegment)
        .where(CircuitSegment.circuit.in_(ids)).order_by(Segment.code).objects(),
        lambda s: s.circuit, lambda s: s),
}

_FINDERS = {
    'customers': lambda v: Customer.get_or_none(Customer.account_id == v['account_id']),
    'contacts': lambda v: Contact.get_or_none(
        (Contact.customer == v['customer']) & (Contact.email == v['email'])),
    'sites': lambda v: Site.get_or_none(Site.code == v['code']),
    'segments': lambda v: Segment.get_or_none(Segment.code == v['code']),
    'circuits': lambda v: Circuit.get_or_none(Circuit.circuit_id == v['circuit_id']),
}


def _customer_choices():
    return [(c.account_id, f'{c.name} ({c.account_id})')
            for c in Customer.select(Customer.id, Customer.name, Customer.account_id)
            .order_by(Customer.name)]


def _site_choices():
    return [(s.code, f'{s.code} – {s.city}/{s.state}')
            for s in Site.select(Site.id, Site.code, Site.city, Site.state).order_by(Site.code)]


CUSTOMERS = Entity(
    name='customers', label=_l('Customer'), label_plural=_l('Customers'), model=Customer,
    fields=[
        f.text('account_id', _l('Account id'), required=True, max_length=32,
               help=_l('The id the customer knows, as on invoices and contracts.')),
        f.text('name', _l('Name'), required=True),
        f.choice('kind', _l('Kind'), KIND_CHOICES),
        f.asn_list('asns', _l('ASNs'), help=_l('For ISPs: AS numbers, separated by spaces.')),
        f.language('notice_language', _l('Notice language')),
        f.time_zone('time_zone', _l('Time zone')),
        f.freeze_list('freezes', _l('Change freezes'),
                      help=_l('One period per line: START END [reason], '
                              'e.g. 2026-12-20 2027-01-05 Holidays.')),
        f.text('notes', _l('Notes'), max_length=5000, widget='textarea'),
    ],
    search_fields=('account_id', 'name'),
    key=('account_id',),
    search=lambda q, t: q.where(_matches(Customer, t)
                                | Customer.id.in_(CustomerAsn.select(CustomerAsn.customer)
                                                  .where(CustomerAsn.asn == _maybe_asn(t)))),
    order=lambda: (Customer.name, Customer.id),
    columns=('account_id', 'name', 'kind', 'asns', 'notice_language'),
    filters=[Filter('kind', _l('Kind'), lambda: KIND_CHOICES,
                    lambda q, v: q.where(Customer.kind == v))],
)


def _maybe_asn(text):
    try:
        return f.asn_value(text)
    except f.ValueRefused:
        return -1


CONTACTS = Entity(
    name='contacts', label=_l('Contact'), label_plural=_l('Contacts'), model=Contact,
    fields=[
        f.reference('customer', _l('Customer (account id)'), Customer, 'account_id',
                    choices=_customer_choices),
        f.text('name', _l('Name'), required=True),
        f.email('email', _l('Email')),
        f.text('phone', _l('Phone'), max_length=40),
        f.flag_set('roles', _l('Roles'), ROLE_CHOICES),
        f.language('language', _l('Language')),
        f.time_zone('time_zone', _l('Time zone')),
        f.choice('notice_format', _l('Notice format'), FORMAT_CHOICES),
    ],
    search_fields=('name', 'email'),
    key=('customer', 'email'),
    search=lambda q, t: q.where(_matches(Contact, t) | _matches(Customer, t)),
    order=lambda: (Customer.name, Contact.name, Contact.id),
    columns=('customer', 'name', 'email', 'roles', 'language', 'notice_format'),
    filters=[
        Filter('role', _l('Role'), lambda: ROLE_CHOICES,
               lambda q, v: q.where(getattr(Contact, 'role_' + v) == True)
               if v in Contact.ROLES else q),
        Filter('language', _l('Language'), lambda: f.LANGUAGE_CHOICES,
               lambda q, v: q.where(Contact.language == v)),
        # Mail to the address bounced (a delivery report came back).
        Filter('delivery', _l('Delivery'), lambda: [('failing', _l('address failing'))],
               lambda q, v: q.where(Contact.bounced_at.is_null(False)) if v == 'failing'
               else q),
    ],
    base_query=lambda: Contact.select(Contact, Customer).join(Customer),
)

SITES = Entity(
    name='sites', label=_l('Site'), label_plural=_l('Sites'), model=Site,
    fields=[
        f.code('code', _l('Code'), max_length=32),
        f.text('name', _l('Name'), required=True),
        f.choice('kind', _l('Kind'), SITE_KIND_CHOICES),
        f.text('city', _l('City'), required=True, max_length=100),
        f.choice('state', _l('State'), STATE_CHOICES),
        f.text('address', _l('Address'), max_length=300, multiline=True),
    ],
    search_fields=('code', 'name', 'city'),
    key=('code',),
    search=lambda q, t: q.where(_matches(Site, t)),
    order=lambda: (Site.code,),
    columns=('code', 'name', 'kind', 'city', 'state'),
    filters=[
        Filter('state', _l('State'), lambda: STATE_CHOICES,
               lambda q, v: q.where(Site.state == v)),
        Filter('kind', _l('Kind'), lambda: SITE_KIND_CHOICES,
               lambda q, v: q.where(Site.kind == v)),
    ],
)

ASite, ZSite = Site.alias('a_site'), Site.alias('z_site')
ParentSegment = Segment.alias('parent_segment')

SEGMENTS = Entity(
    name='segments', label=_l('Segment'), label_plural=_l('Segments'), model=Segment,
    fields=[
        f.code('code', _l('Code')),
        f.text('name', _l('Name'), required=True),
        f.choice('kind', _l('Kind'), SEGMENT_KIND_CHOICES),
        f.reference('a_site', _l('Site A (code)'), Site, 'code', required=False,
                    choices=_site_choices),
        f.reference('z_site', _l('Site Z (code)'), Site, 'code', required=False,
                    choices=_site_choices),
        f.reference('parent', _l('Part of ring (code)'), Segment, 'code', required=False,
                    help=_l('A span that is part of a ring: work on the ring touches it.')),
        f.decimal_number('length_km', _l('Length (km)'), 0, 99999),
        f.text('description', _l('Description'), max_length=5000, widget='textarea'),
    ],
    search_fields=('code', 'name'),
    key=('code',),
    search=lambda q, t: q.where(_matches(Segment, t)),
    order=lambda: (Segment.code,),
    columns=('code', 'name', 'kind', 'a_site', 'z_site', 'parent'),
    filters=[Filter('kind', _l('Kind'), lambda: SEGMENT_KIND_CHOICES,
                    lambda q, v: q.where(Segment.kind == v))],
    base_query=lambda: (Segment.select(Segment, ASite, ZSite, ParentSegment)
                        .join_from(Segment, ASite, pw.JOIN.LEFT_OUTER,
                                   on=(Segment.a_site == ASite.id), attr='a_site')
                        .join_from(Segment, ZSite, pw.JOIN.LEFT_OUTER,
                                   on=(Segment.z_site == ZSite.id), attr='z_site')
                        .join_from(Segment, ParentSegment, pw.JOIN.LEFT_OUTER,
                                   on=(Segment.parent == ParentSegment.id), attr='parent')),
)


def _matches(model, text):
    """Rows of `model` whose folded search text contains `text` folded.

    Plain LIKE on text stored lower-case and without accents: the same rows
    on both engines, and PostgreSQL runs it several times faster than ILIKE.
    The pattern is peewee's own (wildcards escaped); the operator is written
    out because peewee turns LIKE into GLOB on SQLite.
    """
    pattern = model.search_text.contains(search_key(text)).rhs
    return pw.NodeList((model.search_text, pw.SQL('LIKE'), pattern))


def _circuit_search(q, text):
    customers, sites = (m.select(m.id).where(_matches(m, text)) for m in (Customer, Site))
    return q.where(_matches(Circuit, text) | Circuit.customer.in_(customers)
                   | Circuit.a_site.in_(sites) | Circuit.z_site.in_(sites))


def _segment_filter(q, value):
    """Circuits over a segment, or over any span of a ring."""
    segments = Segment.select(Segment.id).where(
        (Segment.code == value.upper()) | (Segment.parent.in_(
            Segment.select(Segment.id).where(Segment.code == value.upper()))))
    return q.where(Circuit.id.in_(CircuitSegment.select(CircuitSegment.circuit)
                                  .where(CircuitSegment.segment.in_(segments))))


def _site_filter(q, value):
    site = Site.select(Site.id).where(Site.code == value.upper())
    return q.where(Circuit.a_site.in_(site) | Circuit.z_site.in_(site))


CIRCUITS = Entity(
    name='circuits', label=_l('Circuit'), label_plural=_l('Circuits'), model=Circuit,
    fields=[
        f.code('circuit_id', _l('Circuit id'),
               help=_l('Our circuit id, as in the network documentation.')),
        f.reference('customer', _l('Customer (account id)'), Customer, 'account_id',
                    choices=_customer_choices),
        f.text('customer_ref', _l("Customer's reference"), max_length=100,
               help=_l('What the customer calls this circuit; used in notices.')),
        f.choice('service', _l('Service'), SERVICE_CHOICES),
        f.integer('bandwidth_mbps', _l('Bandwidth'), 1, 10_000_000,
                  help=_l('In Mbit/s: 1000 for 1 Gbit/s, 100000 for 100 Gbit/s.')),
        f.choice('status', _l('Status'), STATUS_CHOICES),
        f.reference('a_site', _l('Site A (code)'), Site, 'code', choices=_site_choices),
        f.reference('z_site', _l('Site Z (code)'), Site, 'code', required=False,
                    choices=_site_choices),
        f.reference_list('segments', _l('Segments (codes)'), Segment, 'code',
                         help=_l('Spans, rings and devices it rides on, separated by ";".')),
        f.reference('redundancy_group', _l('Redundancy group'), RedundancyGroup, 'name',
                    required=False, create=True,
                    help=_l('Circuits with the same group back each other up.')),
        f.asn('bgp_asn', _l('BGP: customer ASN')),
        f.as_set('bgp_as_set', _l('BGP: AS-SET')),
        f.text('notes', _l('Notes'), max_length=5000, widget='textarea'),
    ],
    search_fields=('circuit_id', 'customer_ref'),
    key=('circuit_id',),
    search=_circuit_search,     # also customers and either end's site code, name or city
    order=lambda: (Circuit.circuit_id,),
    columns=('circuit_id', 'customer', 'customer_ref', 'service', 'bandwidth_mbps',
             'a_site', 'z_site', 'status'),
    filters=[
        Filter('service', _l('Service'), lambda: SERVICE_CHOICES,
               lambda q, v: q.where(Circuit.service == v)),
        Filter('status', _l('Status'), lambda: STATUS_CHOICES,
               lambda q, v: q.where(Circuit.status == v)),
        Filter('site', _l('Site'), lambda: None, _site_filter),
        Filter('segment', _l('Segment'), lambda: None, _segment_filter),
        Filter('customer', _l('Customer'), lambda: None,
               lambda q, v: q.where(Circuit.customer.in_(
                   Customer.select(Customer.id).where(Customer.account_id == v)))),
        Filter('group', _l('Redundancy group'), lambda: None,
               lambda q, v: q.where(Circuit.redundancy_group.in_(
                   RedundancyGroup.select(RedundancyGroup.id)
                   .where(RedundancyGroup.name == v.upper())))),
    ],
    base_query=lambda: (Circuit.select(Circuit, Customer, ASite, ZSite, RedundancyGroup)
                        .join_from(Circuit, Customer)
                        .join_from(Circuit, RedundancyGroup, pw.JOIN.LEFT_OUTER)
                        .join_from(Circuit, ASite, on=(Circuit.a_site == ASite.id), attr='a_site')
                        .join_from(Circuit, ZSite, pw.JOIN.LEFT_OUTER,
                                   on=(Circuit.z_site == ZSite.id), attr='z_site')),
    narrow_query=lambda: Circuit.select(Circuit.id),
)

ENTITIES = {e.name: e for e in (CUSTOMERS, CONTACTS, SITES, SEGMENTS, CIRCUITS)}
# Import order that satisfies references (a circuit names sites and segments).
IMPORT_ORDER = ('sites', 'segments', 'customers', 'contacts', 'circuits')
