"""What each kind of inventory row looks like over the API: the fields a body
may hold (with their schemas), what is answered, the filters of a list, and
what a provider token may read.
"""
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

from noc.api.json_schema import (
    AS_SET,
    DATE,
    EMAIL,
    REASON,
    REF,
    array,
    code,
    enum,
    integer,
    text,
)
from noc.inventory.entities import (
    ENTITIES,
    FORMAT_CHOICES,
    KIND_CHOICES,
    ROLE_CHOICES,
    SEGMENT_KIND_CHOICES,
    SERVICE_CHOICES,
    SITE_KIND_CHOICES,
    STATES,
    STATUS_CHOICES,
)
from noc.inventory.fields import LANGUAGE_CHOICES
from noc.models import Circuit, Contact, Customer

TIME_ZONE = {'$ref': REF + 'TimeZone'}
def _width(kind, name):
    """The longest text a field takes: one declaration (inventory.entities) for
    the pages, CSV files and this document."""
    return ENTITIES[kind].field(name).max_length


SITE_CODE, SEGMENT_CODE = _width('sites', 'code'), _width('segments', 'code')
ACCOUNT = text(_width('customers', 'account_id'), expects='the account id of a customer')
ASN = integer(1, 4294967295)
FREEZE = {'type': 'object', 'required': ['starts_on', 'ends_on'],
          'additionalProperties': False,
          'properties': {'starts_on': {'type': 'string', 'format': 'date', 'pattern': DATE},
                         'ends_on': {'type': 'string', 'format': 'date', 'pattern': DATE},
                         'reason': text(200, REASON, 'text without ";" or line breaks')}}


def _time(value):
    return value.isoformat() if value else None


def _key(value, name):
    return getattr(value, name) if value is not None else None


def _stamps(obj):
    return {'created_at': _time(obj.created_at), 'updated_at': _time(obj.updated_at)}


def customer_json(obj, v):
    return {'id': obj.id, 'account_id': v['account_id'], 'name': v['name'], 'kind': v['kind'],
            'asns': list(v['asns']), 'notice_language': v['notice_language'],
            'time_zone': v['time_zone'],
            'freezes': [{'starts_on': s.isoformat(), 'ends_on': e.isoformat(), 'reason': r}
                        for s, e, r in v['freezes']],
            'notes': v['notes'], **_stamps(obj)}


def contact_json(obj, v):
    return {'id': obj.id, 'customer': v['customer'].account_id, 'name': v['name'],
            'email': v['email'], 'phone': v['phone'], 'roles': list(v['roles']),
            'language': v['language'], 'time_zone': v['time_zone'],
            'notice_format': v['notice_format'], 'bounced_at': _time(obj.bounced_at),
            'bounce_reason': obj.bounce_reason or None, **_stamps(obj)}


def circuit_json(obj, v):
    return {'id': obj.id, 'circuit_id': v['circuit_id'],
            'customer': v['customer'].account_id, 'customer_ref': v['customer_ref'],
            'service': v['service'], 'bandwidth_mbps': v['bandwidth_mbps'],
            'status': v['status'], 'a_site': _key(v['a_site'], 'code'),
            'z_site': _key(v['z_site'], 'code'),
            'segments': [s.code for s in v.get('segments', [])],
            'redundancy_group': _key(v['redundancy_group'], 'name'),
            'bgp_asn': v['bgp_asn'], 'bgp_as_set': v['bgp_as_set'] or None,
            'notes': v['notes'], **_stamps(obj)}


def site_json(obj, v):
    return {'id': obj.id, **{k: v[k] for k in ('code', 'name', 'kind', 'city', 'state',
                                               'address')}, **_stamps(obj)}


def segment_json(obj, v):
    length = v['length_km']
    return {'id': obj.id, 'code': v['code'], 'name': v['name'], 'kind': v['kind'],
            'a_site': _key(v['a_site'], 'code'), 'z_site': _key(v['z_site'], 'code'),
            'parent': _key(v['parent'], 'code'),
            'length_km': float(length) if length is not None else None,
            'description': v['description'], **_stamps(obj)}


@dataclass
class Prop:
    """A field a body may hold: its schema. The value goes to the command as the
    JSON has it (numbers, lists, periods as objects): the fields take typed values."""
    schema: dict


@dataclass
class Kind:
    """How one inventory entity is read and written over the API."""
    name: str                     # entities.ENTITIES key and URL: 'customers'
    label: str                    # 'customer'
    schema: str                   # component name: 'Customer'
    props: dict                   # field -> Prop (what a body may hold)
    required: tuple               # what a new row's body must hold
    to_json: Callable             # (row, values) -> dict
    output: dict                  # field -> JSON schema of what is answered
    filters: dict                 # query parameter -> (schema, apply(query, value))
    owner: object = None          # the customer column: provider tokens read their rows
    private: tuple = ()           # what provider tokens are not shown
    defaults: dict = dc_field(default_factory=dict)

    @property
    def entity(self):
        return ENTITIES[self.name]


def _domain_filter(kind, name):
    return lambda query, value: ENTITIES[kind].filter(name).apply(query, value)


def _search(kind):
    return lambda query, value: ENTITIES[kind].search(query, value)


def _exact(column, normal=str):
    return lambda query, value: query.where(column == normal(value))


def of_customer(model):
    """The filter ?customer=ACCOUNT: rows of that customer."""
    return lambda query, value: query.where(model.customer.in_(
        Customer.select(Customer.id).where(Customer.account_id == value)))


def _q(kind):
    return ({'type': 'string', 'maxLength': 200,
             'description': 'Search text, as the search box of the inventory pages'},
            _search(kind))


def _customer_param():
    return ({'type': 'string', 'maxLength': 32,
             'description': 'Only this customer\'s rows (account id); a provider token '
                            'finds rows only when it names its own customer'}, None)


STRING = {'type': 'string'}
NULLABLE = {'type': ['string', 'null']}
INTEGER = {'type': 'integer'}
STAMP = {'type': ['string', 'null'], 'format': 'date-time'}

CUSTOMERS = Kind(
    name='customers', label='customer', schema='Customer',
    props={'account_id': Prop(ACCOUNT), 'name': Prop(text(_width('customers', 'name'))),
           'kind': Prop(enum(KIND_CHOICES)),
           'asns': Prop(array(ASN, 150, unique=True)),
           'notice_language': Prop(enum(LANGUAGE_CHOICES)), 'time_zone': Prop(TIME_ZONE),
           'freezes': Prop(array(FREEZE, 20)),
           'notes': Prop(text(_width('customers', 'notes'), pattern=None))},
    required=('account_id', 'name'), to_json=customer_json,
    output={'account_id': STRING, 'name': STRING, 'kind': enum(KIND_CHOICES),
            'asns': {'type': 'array', 'items': INTEGER},
            'notice_language': enum(LANGUAGE_CHOICES), 'time_zone': STRING,
            'freezes': {'type': 'array', 'items': {
                'type': 'object', 'required': ['starts_on', 'ends_on', 'reason'],
                'properties': {'starts_on': {'type': 'string', 'format': 'date'},
                               'ends_on': {'type': 'string', 'format': 'date'},
                               'reason': STRING}}},
            'notes': STRING},
    filters={'q': _q('customers'),
             'kind': (enum(KIND_CHOICES), _domain_filter('customers', 'kind')),
             'account_id': ({'type': 'string', 'maxLength': 32,
                             'description': 'The customer with this account id'},
                            _exact(Customer.account_id))},
    owner=Customer.id, private=('notes',))

CONTACTS = Kind(
    name='contacts', label='contact', schema='Contact',
    props={'customer': Prop(ACCOUNT), 'name': Prop(text(_width('contacts', 'name'))),
           'email': Prop(text(_width('contacts', 'email'), EMAIL, 'an email address, name@domain.example')),
           'phone': Prop(text(_width('contacts', 'phone'), pattern=None)),
           'roles': Prop(array(enum(ROLE_CHOICES), 4, unique=True)),
           'language': Prop(enum(LANGUAGE_CHOICES)), 'time_zone': Prop(TIME_ZONE),
           'notice_format': Prop(enum(FORMAT_CHOICES))},
    required=('customer', 'name', 'email'), to_json=contact_json,
    output={'customer': STRING, 'name': STRING, 'email': STRING, 'phone': STRING,
            'roles': {'type': 'array', 'items': enum(ROLE_CHOICES)},
            'language': enum(LANGUAGE_CHOICES), 'time_zone': STRING,
            'notice_format': enum(FORMAT_CHOICES), 'bounced_at': STAMP,
            'bounce_reason': NULLABLE},
    filters={'q': _q('contacts'), 'customer': _customer_param(),
             'role': (enum(ROLE_CHOICES), _domain_filter('contacts', 'role')),
             'language': (enum(LANGUAGE_CHOICES), _domain_filter('contacts', 'language')),
             'delivery': ({'type': 'string', 'enum': ['failing'],
                           'description': 'failing: mail to the address bounced'},
                          _domain_filter('contacts', 'delivery'))},
    owner=Contact.customer)

CIRCUITS = Kind(
    name='circuits', label='circuit', schema='Circuit',
    props={'circuit_id': Prop(code(_width('circuits', 'circuit_id'))), 'customer': Prop(ACCOUNT),
           'customer_ref': Prop(text(_width('circuits', 'customer_ref'), pattern=None)),
           'service': Prop(enum(SERVICE_CHOICES)),
           'bandwidth_mbps': Prop(integer(1, 10_000_000, nullable=True)),
           'status': Prop(enum(STATUS_CHOICES)),
           'a_site': Prop(code(SITE_CODE, 'a site code')),
           'z_site': Prop(code(SITE_CODE, 'a site code', nullable=True)),
           'segments': Prop(array(code(SEGMENT_CODE, 'a segment code'), 100)),
           'redundancy_group': Prop(code(_width('circuits', 'redundancy_group'),
                                         'a group name: letters, digits and . _ / -',
                                         nullable=True)),
           'bgp_asn': Prop(integer(1, 4294967295, nullable=True)),
           'bgp_as_set': Prop(text(_width('circuits', 'bgp_as_set'), AS_SET,
                                   'an AS-SET name such as AS-EXAMPLE or AS64500:AS-CUSTOMERS',
                                   nullable=True)),
           'notes': Prop(text(_width('circuits', 'notes'), pattern=None))},
    required=('circuit_id', 'customer', 'a_site'), to_json=circuit_json,
    output={'circuit_id': STRING, 'customer': STRING, 'customer_ref': STRING,
            'service': enum(SERVICE_CHOICES), 'bandwidth_mbps': {'type': ['integer', 'null']},
            'status': enum(STATUS_CHOICES), 'a_site': STRING, 'z_site': NULLABLE,
            'segments': {'type': 'array', 'items': STRING}, 'redundancy_group': NULLABLE,
            'bgp_asn': {'type': ['integer', 'null']}, 'bgp_as_set': NULLABLE,
            'notes': STRING},
    filters={'q': _q('circuits'), 'customer': _customer_param(),
             'service': (enum(SERVICE_CHOICES), _domain_filter('circuits', 'service')),
             'status': (enum(STATUS_CHOICES), _domain_filter('circuits', 'status')),
             'site': ({'type': 'string', 'maxLength': 32, 'description': 'A site code'},
                      _domain_filter('circuits', 'site')),
             'segment': ({'type': 'string', 'maxLength': 48,
                          'description': 'A segment code (a ring: any of its spans)'},
                         _domain_filter('circuits', 'segment')),
             'group': ({'type': 'string', 'maxLength': 64,
                        'description': 'A redundancy group name'},
                       _domain_filter('circuits', 'group')),
             'circuit_id': ({'type': 'string', 'maxLength': 48,
                             'description': 'The circuit with this circuit id'},
                            _exact(Circuit.circuit_id, str.upper))},
    owner=Circuit.customer, private=('notes', 'segments'))

SITES = Kind(
    name='sites', label='site', schema='Site',
    props={'code': Prop(code(SITE_CODE)), 'name': Prop(text(_width('sites', 'name'))),
           'kind': Prop(enum(SITE_KIND_CHOICES)), 'city': Prop(text(_width('sites', 'city'))),
           'state': Prop({'type': 'string', 'enum': STATES}),
           'address': Prop(text(_width('sites', 'address'), pattern=None))},
    required=('code', 'name', 'city', 'state'), to_json=site_json,
    output={'code': STRING, 'name': STRING, 'kind': enum(SITE_KIND_CHOICES), 'city': STRING,
            'state': STRING, 'address': STRING},
    filters={'q': _q('sites'),
             'kind': (enum(SITE_KIND_CHOICES), _domain_filter('sites', 'kind')),
             'state': ({'type': 'string', 'enum': STATES}, _domain_filter('sites', 'state'))})

SEGMENTS = Kind(
    name='segments', label='segment', schema='Segment',
    props={'code': Prop(code(SEGMENT_CODE)), 'name': Prop(text(_width('segments', 'name'))),
           'kind': Prop(enum(SEGMENT_KIND_CHOICES)),
           'a_site': Prop(code(SITE_CODE, 'a site code', nullable=True)),
           'z_site': Prop(code(SITE_CODE, 'a site code', nullable=True)),
           'parent': Prop(code(SEGMENT_CODE, 'the code of a ring', nullable=True)),
           'length_km': Prop({'type': ['number', 'null'], 'minimum': 0, 'maximum': 99999}),
           'description': Prop(text(_width('segments', 'description'), pattern=None))},
    required=('code', 'name'), to_json=segment_json,
    output={'code': STRING, 'name': STRING, 'kind': enum(SEGMENT_KIND_CHOICES),
            'a_site': NULLABLE, 'z_site': NULLABLE, 'parent': NULLABLE,
            'length_km': {'type': ['number', 'null']}, 'description': STRING},
    filters={'q': _q('segments'),
             'kind': (enum(SEGMENT_KIND_CHOICES), _domain_filter('segments', 'kind'))})

KINDS = (CUSTOMERS, CONTACTS, CIRCUITS, SITES, SEGMENTS)
