"""The OpenAPI paths and schemas of the inventory endpoints, built from the
same Kind descriptions the views use."""
import zoneinfo

from noc.api import docs
from noc.api.inventory_kinds import INTEGER, KINDS, STAMP
from noc.api.json_schema import REF


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


def describe():
    """Add the inventory endpoints to the served document."""
    paths, schemas = {}, {'TimeZone': {'type': 'string',
                                       'enum': sorted(zoneinfo.available_timezones()),
                                       'description': 'an IANA time zone name such as '
                                                      'America/Sao_Paulo'}}
    for kind in KINDS:
        paths.update(_document(kind))
        schemas.update(_schemas(kind))
    docs.describe(paths, schemas)
