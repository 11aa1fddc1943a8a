"""JSON bodies held to their schema: the subset of JSON Schema the API's
documents use (types, lengths, patterns, choices, ranges, no unknown fields),
and the builders of those schemas. A body the document accepts is a body the
domain understands; what breaks it is answered field by field.
"""
import datetime
import math
import re

from noc.api import docs

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


# Holding a value to its schema ------------------------------------------------------

def _components():
    return docs.DOCUMENT['components']['schemas']


_TYPES = {'string': str, 'integer': int, 'number': (int, float), 'array': list,
          'object': dict, 'null': type(None)}


def _is(kind, value):
    return isinstance(value, _TYPES[kind]) and not isinstance(value, bool)


_NAMES = {'string': 'a string', 'integer': 'a whole number', 'number': 'a number',
          'array': 'a list', 'object': 'an object', 'null': 'null'}


def whole(value):
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
    value = whole(value) if 'integer' in kinds else value
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
