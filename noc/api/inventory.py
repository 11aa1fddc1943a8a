"""Customers, contacts, circuits, sites and segments over the API: the same
domain functions as the inventory pages (inventory/service.py), with the same
checks, audit entries and messages.

A request body is first held to its documented schema here (types, lengths,
choices, no unknown fields), so a body the document accepts is a body the
domain understands; the values then go to the domain as the text a form would
send. A provider token reads its own customer, contacts and circuits (without
the NOC's notes and network details) and writes nothing.
"""
import datetime
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

import peewee as pw
from flask import request, url_for

from noc.api import bp, docs, is_provider, json_body, localised, page_args, require_noc, require_role, token
from noc.api.problems import ApiProblem, field_errors
from noc.core.text import clean_text
from noc.inventory import service
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

MAX_ID = 2 ** 63 - 1
REF = '#/components/schemas/'

# Patterns of the document (ECMA 262 and Python read them alike) -------------------

# At least one character that stays after trimming and dropping control characters.
VISIBLE = r'[^\s\x00-\x1f\x7f]'
CODE = r'^[A-Za-z0-9][A-Za-z0-9._/-]*$'
EMAIL = (r'^[^@\s<>(),;:"\x00-\x1f\x7f]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?'
         r'(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$')
AS_SET = r'^([Aa][Ss][0-9]+:)?[Aa][Ss]-[A-Za-z0-9_-]+(:[Aa][Ss]-[A-Za-z0-9_-]+)*$'
DATE = r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
# A freeze's reason ends at ';' or a line break (the domain's list separators).
REASON = r'^[^;\r\n]*$'


def _choices(pairs):
    return [value for value, _ in pairs]


def text(max_length, pattern=VISIBLE, expects='some text', nullable=False):
    schema = {'type': ['string', 'null'] if nullable else 'string', 'maxLength': max_length}
    if pattern:
        schema.update(pattern=pattern,
                      description=f'{expects} (at most {max_length} characters)')
    return schema


def code(max_length, expects='a code: letters, digits and . _ / -', nullable=False):
    return text(max_length, CODE, expects, nullable)


def enum(pairs):
    return {'type': 'string', 'enum': _choices(pairs)}


def integer(low, high, nullable=False):
    return {'type': ['integer', 'null'] if nullable else 'integer',
            'minimum': low, 'maximum': high}


def array(items, max_items, unique=False):
    schema = {'type': 'array', 'items': items, 'maxItems': max_items}
    return schema | ({'uniqueItems': True} if unique else {})


TIME_ZONE = {'$ref': REF + 'TimeZone'}
ACCOUNT = text(32, expects='the account id of a customer')
ASN = integer(1, 4294967295)
FREEZE = {'type': 'object', 'required': ['starts_on', 'ends_on'],
          'additionalProperties': False,
          'properties': {'starts_on': {'type': 'string', 'format': 'date', 'pattern': DATE},
                         'ends_on': {'type': 'string', 'format': 'date', 'pattern': DATE},
                         'reason': text(200, REASON, 'text without ";" or line breaks')}}


# Holding a value to its schema ------------------------------------------------------

def _components():
    return docs.DOCUMENT['components']['schemas']


_TYPES = {'string': str, 'integer': int, 'number': (int, float), 'array': list,
          'object': dict, 'null': type(None)}


def _is(kind, value):
    return isinstance(value, _TYPES[kind]) and not isinstance(value, bool)


_NAMES = {'string': 'a string', 'integer': 'a whole number', 'number': 'a number',
          'array': 'a list', 'object': 'an object', 'null': 'null'}


def _whole(value):
    """JSON 2.0 is the integer 2 (JSON Schema says so); Python reads it as a float."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def violations(schema, value, where):
    """[(field, message)] for what in `value` breaks `schema`, the subset of JSON
    Schema these bodies use; [] when it holds."""
    if '$ref' in schema:
        schema = _components()[schema['$ref'].rsplit('/', 1)[1]]
    kinds = schema['type'] if isinstance(schema['type'], list) else [schema['type']]
    value = _whole(value) if 'integer' in kinds else value
    if not any(_is(kind, value) for kind in kinds):
        return [(where, 'expected ' + ' or '.join(_NAMES[kind] for kind in kinds))]
    if value is None:
        return []
    check = {str: _string, int: _number, float: _number, list: _list, dict: _object}
    return check[type(value)](schema, value, where)


def _string(schema, value, where):
    if 'enum' in schema and value not in schema['enum']:
        if len(schema['enum']) > 30:      # time zones: the description, not 600 names
            return [(where, 'expected ' + schema['description'])]
        return [(where, 'expected one of: ' + ', '.join(schema['enum']))]
    if len(value) > schema.get('maxLength', len(value)):
        return [(where, f'is too long ({len(value)} characters; at most '
                        f'{schema["maxLength"]})')]
    if 'pattern' in schema and not re.search(schema['pattern'], value):
        return [(where, 'expected ' + schema.get('description', 'a value of the pattern '
                                                 + schema['pattern']))]
    if schema.get('format') == 'date' and not _date(value):
        return [(where, 'expected a date, YYYY-MM-DD')]
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return [(where, 'is not valid Unicode text')]
    return []


def _date(value):
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _number(schema, value, where):
    low, high = schema.get('minimum', -math.inf), schema.get('maximum', math.inf)
    if not low <= value <= high:
        return [(where, f'expected a number from {low} to {high}')]
    return []


def _list(schema, value, where):
    if len(value) > schema.get('maxItems', len(value)):
        return [(where, f'has {len(value)} items; at most {schema["maxItems"]}')]
    found = []
    for number, item in enumerate(value):
        found += violations(schema['items'], item, f'{where}[{number}]')
    if not found and schema.get('uniqueItems') and len(set(value)) != len(value):
        found.append((where, 'lists a value twice'))
    return found


def _object(schema, value, where):
    prefix = where + '.' if where else ''
    properties = schema.get('properties', {})
    found = [(prefix + name, 'unknown field; accepted: ' + ', '.join(properties))
             for name in value if name not in properties]
    found += [(prefix + name, 'is required') for name in schema.get('required', ())
              if name not in value]
    for name, item in value.items():
        if name in properties:
            found += violations(properties[name], item, prefix + name)
    return found


# What each kind of row looks like over the API --------------------------------------

def _joined(separator, value):
    return separator.join(str(v) for v in value)


def _freezes_text(value):
    return '; '.join(f'{z["starts_on"]} {z["ends_on"]} {z.get("reason", "")}'.strip()
                     for z in value)


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
    schema: dict
    to_text: Callable = None     # JSON value -> the text a form would send

    def text(self, value):
        if value is None:
            return ''
        return self.to_text(value) if self.to_text else \
            value if isinstance(value, (str, list)) else str(value)


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


def _of_customer(model):
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
    props={'account_id': Prop(ACCOUNT), 'name': Prop(text(200)),
           'kind': Prop(enum(KIND_CHOICES)),
           'asns': Prop(array(ASN, 150, unique=True), lambda v: _joined(' ', v)),
           'notice_language': Prop(enum(LANGUAGE_CHOICES)), 'time_zone': Prop(TIME_ZONE),
           'freezes': Prop(array(FREEZE, 20), _freezes_text),
           'notes': Prop(text(5000, pattern=None))},
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
    props={'customer': Prop(ACCOUNT), 'name': Prop(text(200)),
           'email': Prop(text(254, EMAIL, 'an email address, name@domain.example')),
           'phone': Prop(text(40, pattern=None)),
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
    props={'circuit_id': Prop(code(48)), 'customer': Prop(ACCOUNT),
           'customer_ref': Prop(text(100, pattern=None)),
           'service': Prop(enum(SERVICE_CHOICES)),
           'bandwidth_mbps': Prop(integer(1, 10_000_000, nullable=True)),
           'status': Prop(enum(STATUS_CHOICES)),
           'a_site': Prop(code(32, 'a site code')),
           'z_site': Prop(code(32, 'a site code', nullable=True)),
           'segments': Prop(array(code(48, 'a segment code'), 100),
                            lambda v: _joined(';', v)),
           'redundancy_group': Prop(code(64, 'a group name: letters, digits and . _ / -',
                                         nullable=True)),
           'bgp_asn': Prop(integer(1, 4294967295, nullable=True)),
           'bgp_as_set': Prop(text(128, AS_SET, 'an AS-SET name such as AS-EXAMPLE or '
                                   'AS64500:AS-CUSTOMERS', nullable=True)),
           'notes': Prop(text(5000, pattern=None))},
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
    props={'code': Prop(code(32)), 'name': Prop(text(200)),
           'kind': Prop(enum(SITE_KIND_CHOICES)), 'city': Prop(text(100)),
           'state': Prop({'type': 'string', 'enum': STATES}),
           'address': Prop(text(300, pattern=None))},
    required=('code', 'name', 'city', 'state'), to_json=site_json,
    output={'code': STRING, 'name': STRING, 'kind': enum(SITE_KIND_CHOICES), 'city': STRING,
            'state': STRING, 'address': STRING},
    filters={'q': _q('sites'),
             'kind': (enum(SITE_KIND_CHOICES), _domain_filter('sites', 'kind')),
             'state': ({'type': 'string', 'enum': STATES}, _domain_filter('sites', 'state'))})

SEGMENTS = Kind(
    name='segments', label='segment', schema='Segment',
    props={'code': Prop(code(48)), 'name': Prop(text(200)),
           'kind': Prop(enum(SEGMENT_KIND_CHOICES)),
           'a_site': Prop(code(32, 'a site code', nullable=True)),
           'z_site': Prop(code(32, 'a site code', nullable=True)),
           'parent': Prop(code(48, 'the code of a ring', nullable=True)),
           'length_km': Prop({'type': ['number', 'null'], 'minimum': 0, 'maximum': 99999},
                             lambda v: format(v, 'f')),
           'description': Prop(text(5000, pattern=None))},
    required=('code', 'name'), to_json=segment_json,
    output={'code': STRING, 'name': STRING, 'kind': enum(SEGMENT_KIND_CHOICES),
            'a_site': NULLABLE, 'z_site': NULLABLE, 'parent': NULLABLE,
            'length_km': {'type': ['number', 'null']}, 'description': STRING},
    filters={'q': _q('segments'),
             'kind': (enum(SEGMENT_KIND_CHOICES), _domain_filter('segments', 'kind'))})

KINDS = (CUSTOMERS, CONTACTS, CIRCUITS, SITES, SEGMENTS)


# The views ------------------------------------------------------------------------

def _actor():
    return f'api:{token().prefix}'


def _readable(kind):
    """Provider tokens read their own customer's rows; sites and segments are the NOC's."""
    require_role('viewer')
    if is_provider() and kind.owner is None:
        raise ApiProblem(403, 'this needs a NOC token')


def _scoped(kind, query):
    if is_provider():
        return query.where(kind.owner == token().customer_id)
    return query


def _filtered(kind, query):
    errors = []
    for name, (schema, apply) in kind.filters.items():
        raw = request.args.get(name)
        if raw is None:
            continue
        found = violations(schema, raw, name)
        value = clean_text(raw)
        if found:
            errors += found
        elif value:
            query = (apply or _of_customer(kind.entity.model))(query, value)
    if errors:
        raise ApiProblem(400, 'bad filters', field_errors(errors))
    return query


def _serialise(kind, rows, values):
    hidden = kind.private if is_provider() else ()
    return [{k: v for k, v in kind.to_json(row, value).items() if k not in hidden}
            for row, value in zip(rows, values)]


def _read(kind, rows):
    return _serialise(kind, rows, kind.entity.read_many(rows))


def _one(kind, row_id):
    row = None
    if row_id <= MAX_ID:
        row = _scoped(kind, kind.entity.query()).where(kind.entity.model.id == row_id).first()
    if row is None:
        # Another customer's row reads exactly like one that does not exist.
        raise ApiProblem(404, f'no {kind.label} {row_id}')
    return row


def list_rows(kind):
    _readable(kind)
    query = _filtered(kind, _scoped(kind, kind.entity.query()))
    page, per_page = page_args()
    total = query.count()
    rows = list(query.order_by(*kind.entity.order()).paginate(page, per_page))
    return {'items': _read(kind, rows), 'page': page, 'per_page': per_page, 'total': total}


def get_row(kind, row_id):
    _readable(kind)
    return _read(kind, [_one(kind, row_id)])[0]


def _body(kind, creating):
    """The request's body, held to its schema, as {field: text} for the domain."""
    body = json_body()
    schema = {'type': 'object', 'properties': {n: p.schema for n, p in kind.props.items()},
              'required': list(kind.required) if creating else []}
    found = violations(schema, body, '')
    if found:
        raise ApiProblem(422, f'the {kind.label} was not stored; nothing was',
                         field_errors(found))
    return {name: kind.props[name].text(_plain(value)) for name, value in body.items()}


def _plain(value):
    """The body's whole floats (2.0) as the integers they are, at any depth."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    return _whole(value)


def _new_text(entity):
    """What an empty form of a new row holds (the browser's defaults)."""
    values = {}
    for fl in entity.fields:
        empty = fl.default in ('', None, [])
        values[fl.name] = fl.default if fl.multiple else '' if empty else fl.format(fl.default)
    return values


def _save(kind, raw, obj=None):
    def work():
        try:
            return service.save_text(kind.entity, raw, _actor(), obj)[0]
        except service.RowInvalid as exc:
            raise ApiProblem(422, f'the {kind.label} was not stored; nothing was',
                             field_errors(exc.errors)) from None
        except pw.IntegrityError:
            # Another request stored the same key between the check and the write.
            raise ApiProblem(409, f'the {kind.label} conflicts with a row stored at the same '
                                  'time; nothing was stored; try again') from None
    return localised(work)


def create_row(kind):
    require_noc('engineer')
    raw = _new_text(kind.entity) | _body(kind, creating=True)
    saved = _save(kind, raw)
    location = url_for(f'api.get_{kind.name}', row_id=saved.id)
    return get_row(kind, saved.id), 201, {'Location': location}


def update_row(kind, row_id):
    require_noc('engineer')
    obj = _one(kind, row_id)
    entity = kind.entity
    # As the edit form: every stored value as text, with the body's changes over it.
    raw = entity.formatted(entity.read(obj)) | _body(kind, creating=False)
    _save(kind, raw, obj)
    return get_row(kind, row_id)


def delete_row(kind, row_id):
    require_noc('engineer')
    obj = _one(kind, row_id)

    def work():
        try:
            service.delete(kind.entity, obj, _actor())
        except service.RowInvalid as exc:
            raise ApiProblem(409, '; '.join(exc.errors.values()),
                             field_errors(exc.errors)) from None
    localised(work)
    return '', 204


def _route(kind):
    path = f'/{kind.name}'
    one = path + '/<int:row_id>'
    bp.add_url_rule(path, f'list_{kind.name}', lambda: list_rows(kind), methods=['GET'])
    bp.add_url_rule(path, f'create_{kind.name}', lambda: create_row(kind), methods=['POST'])
    bp.add_url_rule(one, f'get_{kind.name}', lambda row_id: get_row(kind, row_id),
                    methods=['GET'])
    bp.add_url_rule(one, f'update_{kind.name}', lambda row_id: update_row(kind, row_id),
                    methods=['PATCH'])
    bp.add_url_rule(one, f'delete_{kind.name}', lambda row_id: delete_row(kind, row_id),
                    methods=['DELETE'])


# The document ---------------------------------------------------------------------

def _title(kind):
    return kind.schema + ('s' if not kind.schema.endswith('s') else '')


def _who(kind):
    if kind.owner is None:
        return 'NOC tokens only: role viewer reads, engineer writes.'
    hidden = f' (without {", ".join(kind.private)})' if kind.private else ''
    return ('NOC tokens: role viewer reads, engineer writes. A provider token reads only '
            f'its own customer\'s rows{hidden} and writes nothing.')


def _document(kind):
    ref = {'$ref': REF + kind.schema}
    problems = {'400': docs.PROBLEM, '415': docs.PROBLEM, '422': docs.PROBLEM}
    path_id = docs.path_id('row_id', f'The {kind.label}\'s numeric id')
    parameters = docs.PAGING + [{'name': name, 'in': 'query', 'schema': schema}
                                for name, (schema, _) in kind.filters.items()]
    title = _title(kind)
    return {
        f'/{kind.name}': {
            'get': {'summary': f'List {kind.name}', 'operationId': f'list{title}',
                    'description': _who(kind), 'parameters': parameters,
                    'responses': {'200': {'description': f'A page of {kind.name}',
                                          **docs.content(docs.page_of(REF + kind.schema))},
                                  '400': docs.PROBLEM, **docs.ERRORS}},
            'post': {'summary': f'Add a {kind.label}', 'operationId': f'create{kind.schema}',
                     'description': 'The same checks and audit entry as the inventory '
                                    'form; fields left out take the form\'s defaults.',
                     'requestBody': {'required': True, **docs.content(
                         {'$ref': REF + 'New' + kind.schema})},
                     'responses': {'201': {'description': 'Stored', **docs.content(ref),
                                           'headers': {'Location': {
                                               'schema': {'type': 'string'}}}},
                                   **problems, '409': docs.PROBLEM, **docs.ERRORS}}},
        f'/{kind.name}/{{row_id}}': {
            'get': {'summary': f'One {kind.label}', 'operationId': f'get{kind.schema}',
                    'parameters': [path_id],
                    'responses': {'200': {'description': f'The {kind.label}',
                                          **docs.content(ref)},
                                  '404': docs.PROBLEM, **docs.ERRORS}},
            'patch': {'summary': f'Change a {kind.label}',
                      'operationId': f'update{kind.schema}',
                      'description': 'Only the fields in the body change; null clears an '
                                     'optional field.',
                      'parameters': [path_id],
                      'requestBody': {'required': True, **docs.content(
                          {'$ref': REF + kind.schema + 'Change'})},
                      'responses': {'200': {'description': 'Stored (or nothing changed)',
                                            **docs.content(ref)},
                                    **problems, '404': docs.PROBLEM, '409': docs.PROBLEM,
                                    **docs.ERRORS}},
            'delete': {'summary': f'Delete a {kind.label}',
                       'operationId': f'delete{kind.schema}', 'parameters': [path_id],
                       'description': 'Refused (409, naming what still uses it) while other '
                                      'rows depend on it.',
                       'responses': {'204': {'description': 'Deleted'},
                                     '404': docs.PROBLEM, '409': docs.PROBLEM,
                                     **docs.ERRORS}}},
    }


def _schemas(kind):
    properties = {name: prop.schema for name, prop in kind.props.items()}
    output = {'id': INTEGER, **kind.output, 'created_at': STAMP, 'updated_at': STAMP}
    return {
        kind.schema: {'type': 'object',
                      'required': [n for n in output if n not in kind.private],
                      'properties': output},
        'New' + kind.schema: {'type': 'object', 'additionalProperties': False,
                              'required': list(kind.required), 'properties': properties},
        kind.schema + 'Change': {'type': 'object', 'additionalProperties': False,
                                 'properties': properties},
    }


def _describe():
    paths, schemas = {}, {'TimeZone': {'type': 'string',
                                       'enum': sorted(zoneinfo.available_timezones()),
                                       'description': 'an IANA time zone name such as '
                                                      'America/Sao_Paulo'}}
    for kind in KINDS:
        paths.update(_document(kind))
        schemas.update(_schemas(kind))
    docs.describe(paths, schemas)


for _kind in KINDS:
    _route(_kind)
_describe()
