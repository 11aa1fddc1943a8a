"""The OpenAPI 3.1 document of /api/v1 (noc/api/docs_page.py reads it to people).

Written by hand: this module holds the common parts and the prefix endpoints;
each other endpoint module describes its own paths and schemas next to its
code with `describe()`. tests/test_api.py checks that every route of the
blueprint is in the document and every path in it is a route.
"""
import copy

from flask import current_app

from noc.api import bp
from noc.core import limits
from noc.models import PrefixState
from noc.models.routing import PrefixAction

PROBLEM = {'$ref': '#/components/responses/Problem'}
# The examples name rows of the demo operator (`flask noc demo` with [prefixes]
# lab on), so that trying one on the demo finds what it names:
# tests/test_api_docs_page.py looks each up in a freshly loaded demo.
DEMO_CIRCUIT, DEMO_ASN = 'JAN-IPT-00026', 64496      # an ISP's IP transit session
DEMO_L2_CIRCUIT = 'JAN-L2-00025'
ID = {'type': 'integer', 'minimum': 1}


def page_of(schema):
    return {'type': 'object', 'required': ['items', 'page', 'per_page', 'total'],
            'properties': {'items': {'type': 'array', 'items': {'$ref': schema}},
                           'page': {'type': 'integer'}, 'per_page': {'type': 'integer'},
                           'total': {'type': 'integer'}}}


def content(schema, example=None):
    """A JSON body; an example (valid against the demo data) is shown on the docs
    page and sent by schemathesis's examples phase."""
    media = {'schema': schema}
    if example is not None:
        media['example'] = example
    return {'content': {'application/json': media}}


def path_id(name, description=None, example=1):
    """A numeric id in the path; `example` names a row of the demo (None when the
    demo has no such row)."""
    parameter = {'name': name, 'in': 'path', 'required': True, 'schema': ID}
    if example is not None:
        parameter['example'] = example
    if description:
        parameter['description'] = description
    return parameter


PAGING = [{'name': 'page', 'in': 'query', 'schema': {'type': 'integer', 'minimum': 1}},
          {'name': 'per_page', 'in': 'query',
           'schema': {'type': 'integer', 'minimum': 1, 'maximum': 500},
           'description': 'Items per page (default 50; at most [api] max_page_size)'}]
CUSTOMER = {'name': 'customer', 'in': 'query', 'schema': {'type': 'string'},
            'description': 'NOC tokens: only this customer (account id). Ignored for '
                           'provider tokens, which see only their own customer.'}
ERRORS = {'401': PROBLEM, '403': PROBLEM, '429': PROBLEM}

DOCUMENT = {
    'openapi': '3.1.0',
    'info': {'title': 'Janela API', 'version': '1',
             'description': 'Maintenance windows, reschedule requests, inventory, and prefix '
                            'requests with their validation (RPKI and IRR) for the '
                            'operator\'s customers. Authenticate with '
                            '`Authorization: Bearer jnl_…` (tokens are made by the NOC). A '
                            'provider token sees only its own customer\'s data. Errors are '
                            'RFC 9457 problem details.'},
    'servers': [{'url': '/api/v1'}],
    'security': [{'bearer': []}],
    'paths': {
        '/prefix-requests': {
            'get': {'summary': 'List prefix requests', 'operationId': 'listPrefixRequests',
                    'parameters': PAGING + [CUSTOMER],
                    'responses': {'200': {'description': 'A page of requests',
                                          **content(page_of('#/components/schemas/'
                                                           'PrefixRequestSummary'))},
                                  '400': PROBLEM, **ERRORS}},
            'post': {'summary': 'Ask for prefixes to be accepted on a BGP session',
                     'operationId': 'submitPrefixRequest',
                     'requestBody': {'required': True, **content(
                         {'$ref': '#/components/schemas/NewPrefixRequest'},
                         {'circuit': DEMO_CIRCUIT, 'prefixes': [f'2001:db8:11::/48 AS{DEMO_ASN}'],
                          'note': 'novo bloco'})},
                     'responses': {'201': {'description': 'Stored; checked within a minute',
                                           **content({'$ref': '#/components/schemas/'
                                                            'PrefixRequest'})},
                                   '400': PROBLEM, '415': PROBLEM, '422': PROBLEM, **ERRORS}},
        },
        '/prefix-requests/{request_id}': {
            'get': {'summary': 'One prefix request with its prefixes',
                    'operationId': 'getPrefixRequest',
                    'parameters': [path_id('request_id')],
                    'responses': {'200': {'description': 'The request',
                                          **content({'$ref': '#/components/schemas/'
                                                           'PrefixRequest'})},
                                  '404': PROBLEM, **ERRORS}},
        },
        '/prefix-requests/{request_id}/actions': {
            'post': {'summary': 'Approve, mark configured, withdraw, reject or check again '
                                'prefixes of a request (NOC engineer)',
                     'operationId': 'actOnPrefixRequest',
                     'description': 'As on the request page: the listed prefixes, or with '
                                    '`all` every prefix of the request the action applies '
                                    'to, as a whole: when one is in a state the action does '
                                    'not apply to, nothing changes (409). The customer\'s '
                                    'BGP contacts are told, as from the browser.',
                     'parameters': [path_id('request_id')],
                     'requestBody': {'required': True, **content(
                         {'$ref': '#/components/schemas/PrefixAction'},
                         {'action': PrefixAction.RECHECK, 'all': True})},
                     'responses': {'200': {'description': 'Done', **content({
                         'type': 'object', 'required': ['changed', 'request'],
                         'properties': {
                             'changed': {'type': 'array', 'items': {'type': 'integer'}},
                             'request': {'$ref': '#/components/schemas/PrefixRequest'}}})},
                                   '400': PROBLEM, '404': PROBLEM, '409': PROBLEM,
                                   '415': PROBLEM, '422': PROBLEM, **ERRORS}},
        },
        '/prefixes': {
            'get': {'summary': 'List tracked prefixes', 'operationId': 'listPrefixes',
                    'parameters': PAGING + [CUSTOMER, {
                        'name': 'prefix', 'in': 'query', 'schema': {'type': 'string'},
                        'description': 'Only this prefix (CIDR, no host bits): the status of '
                                       'one prefix', 'example': '192.0.2.0/24'}, {
                        'name': 'origin', 'in': 'query', 'schema': {'type': 'string'},
                        'description': 'Only this origin AS (64500 or AS64500)'}, {
                        'name': 'state', 'in': 'query', 'schema': {
                            'type': 'string', 'enum': list(PrefixState.values())}}],
                    'responses': {'200': {'description': 'A page of prefixes',
                                          **content(page_of('#/components/schemas/'
                                                           'TrackedPrefix'))},
                                  '400': PROBLEM, **ERRORS}},
        },
        '/prefixes/{prefix_id}': {
            'get': {'summary': 'One tracked prefix with its verdict and evidence',
                    'operationId': 'getPrefix',
                    'parameters': [path_id('prefix_id')],
                    'responses': {'200': {'description': 'The prefix',
                                          **content({'$ref': '#/components/schemas/'
                                                           'TrackedPrefix'})},
                                  '404': PROBLEM, **ERRORS}},
        },
        '/prefix-list': {
            'get': {'summary': 'Router prefix-list of the configured prefixes',
                    'operationId': 'getPrefixList',
                    'parameters': [
                        {'name': 'format', 'in': 'query', 'schema': {
                            'type': 'string', 'enum': ['cisco', 'cisco-xr', 'juniper', 'bird',
                                                       'json', 'plain']}},
                        {'name': 'family', 'in': 'query',
                         'schema': {'type': 'string', 'enum': ['4', '6', 'both']}},
                        {'name': 'session', 'in': 'query', 'schema': {'type': 'string'},
                         'description': 'Only this IP transit circuit'},
                        {'name': 'name', 'in': 'query', 'schema': {'type': 'string'}},
                        CUSTOMER],
                    'responses': {'200': {'description': 'The list, as bgpq4 would print it',
                                          'content': {'text/plain': {
                                              'schema': {'type': 'string'}}}},
                                  '400': PROBLEM, **ERRORS}},
        },
        '/openapi.json': {
            'get': {'summary': 'This document', 'operationId': 'openapi', 'security': [],
                    'responses': {'200': {'description': 'OpenAPI 3.1',
                                          **content({'type': 'object'})}}}},
    },
    'components': {
        'securitySchemes': {'bearer': {'type': 'http', 'scheme': 'bearer'}},
        'responses': {'Problem': {'description': 'RFC 9457 problem details', 'content': {
            'application/problem+json': {'schema': {'$ref': '#/components/schemas/Problem'}}}}},
        'schemas': {
            'Problem': {'type': 'object', 'required': ['title', 'status', 'detail'],
                        'properties': {
                            'type': {'type': 'string'}, 'title': {'type': 'string'},
                            'status': {'type': 'integer'}, 'detail': {'type': 'string'},
                            'errors': {'type': 'array', 'items': {
                                'type': 'object', 'required': ['field', 'message'],
                                'properties': {'field': {'type': 'string'},
                                               'message': {'type': 'string'},
                                               'line': {'type': 'integer'},
                                               # a position in pasted text, or a
                                               # CSV column's name
                                               'column': {'type': ['integer', 'string']},
                                               'text': {'type': 'string'}}}}}},
            'NewPrefixRequest': {
                'type': 'object', 'required': ['circuit', 'prefixes'],
                'properties': {
                    'circuit': {'type': 'string', 'description': 'The BGP session: the '
                                'circuit id of an IP transit circuit of the customer'},
                    'prefixes': {'oneOf': [{'type': 'array', 'items': {'type': 'string'},
                                            'maxItems': limits.MAX_PREFIXES},
                                           {'type': 'string'}],
                                 'description': '"192.0.2.0/24" or "192.0.2.0/24 AS64500" '
                                                'per item or line; the session\'s ASN when '
                                                'none is given'},
                    'as_set': {'type': 'string', 'maxLength': limits.MAX_AS_SET},
                    'note': {'type': 'string', 'maxLength': limits.MAX_NOTE}}},
            'PrefixAction': {
                'type': 'object', 'required': ['action'],
                'properties': {
                    'action': {'type': 'string', 'enum': list(PrefixAction.values())},
                    'prefixes': {'type': 'array', 'minItems': 1, 'maxItems': limits.MAX_CHOSEN,
                                 'items': {'type': 'integer', 'minimum': 1},
                                 'description': 'Ids of prefixes of this request'},
                    'all': {'type': 'boolean', 'description': 'Instead of `prefixes`: every '
                            'prefix of the request the action applies to'},
                    'reason': {'type': 'string', 'maxLength': limits.MAX_REASON,
                               'description': 'Required to withdraw, reject, or approve a '
                                              'prefix whose verdict is reject; the customer '
                                              'reads it'}}},
            'Reason': {'type': 'object', 'required': ['code', 'severity', 'outcome', 'message'],
                       'properties': {'code': {'type': 'string'},
                                      'severity': {'type': 'string',
                                                   'enum': ['ok', 'info', 'warning', 'error']},
                                      'outcome': {'type': 'string',
                                                  'enum': ['accept', 'attention', 'reject']},
                                      'message': {'type': 'string'}}},
            'TrackedPrefix': {
                'type': 'object',
                'required': ['id', 'request', 'prefix', 'origin', 'state', 'reasons'],
                'properties': {
                    'id': {'type': 'integer'}, 'request': {'type': 'string'},
                    'request_id': {'type': 'integer'}, 'prefix': {'type': 'string'},
                    'family': {'type': 'integer', 'enum': [4, 6]},
                    'origin': {'type': 'integer'}, 'session': {'type': 'string'},
                    'customer': {'type': 'string'},
                    'state': {'type': 'string'}, 'state_label': {'type': 'string'},
                    'verdict': {'type': ['string', 'null']},
                    'verdict_label': {'type': 'string'},
                    'rpki_state': {'type': ['string', 'null']},
                    'rpki_label': {'type': 'string'},
                    'irr_state': {'type': ['string', 'null']}, 'irr_label': {'type': 'string'},
                    'reasons': {'type': 'array', 'items': {'$ref': '#/components/schemas/Reason'}},
                    'evidence': {'type': 'object'},
                    'checked_at': {'type': ['string', 'null'], 'format': 'date-time'},
                    'state_changed_at': {'type': ['string', 'null'], 'format': 'date-time'},
                    'decision_reason': {'type': ['string', 'null']}}},
            'PrefixRequestSummary': {
                'type': 'object', 'required': ['id', 'reference', 'session', 'summary'],
                'properties': {
                    'id': {'type': 'integer'}, 'reference': {'type': 'string'},
                    'customer': {'type': 'string'}, 'session': {'type': 'string'},
                    'as_set': {'type': ['string', 'null']}, 'via': {'type': 'string'},
                    'requested_by': {'type': 'string'}, 'note': {'type': 'string'},
                    'created_at': {'type': ['string', 'null'], 'format': 'date-time'},
                    'summary': {'type': 'object',
                                'additionalProperties': {'type': 'integer'}}}},
            'PrefixRequest': {'allOf': [
                {'$ref': '#/components/schemas/PrefixRequestSummary'},
                {'type': 'object', 'required': ['prefixes'], 'properties': {
                    'prefixes': {'type': 'array',
                                 'items': {'$ref': '#/components/schemas/TrackedPrefix'}}}}]},
        },
    },
}


def describe(paths, schemas=None):
    """Add an endpoint module's paths and schemas; a path described twice is a bug."""
    taken = set(paths) & set(DOCUMENT['paths'])
    if taken:
        raise ValueError(f'described twice: {sorted(taken)}')
    DOCUMENT['paths'].update(paths)
    DOCUMENT['components']['schemas'].update(schemas or {})


def _tag(document):
    """Each operation tagged with its path's first segment ('windows', 'prefixes'…),
    so that a renderer groups them by area rather than under one 'default'."""
    for path, operations in document['paths'].items():
        area = path.strip('/').split('/')[0]
        for operation in operations.values():
            operation.setdefault('tags', [area])


def served():
    """The document as this installation answers: the largest page is its own
    [api] max_page_size (made once per app)."""
    found = current_app.extensions.get('janela_openapi')
    if found is None:
        limit = current_app.config['NOC']['api']['max_page_size']
        found = copy.deepcopy(DOCUMENT)
        for operations in found['paths'].values():
            for operation in operations.values():
                for parameter in operation.get('parameters', []) if isinstance(
                        operation, dict) else ():
                    if parameter.get('name') == 'per_page':
                        parameter['schema']['maximum'] = limit
                        parameter['description'] = f'Items per page (default 50, at most {limit})'
        _tag(found)
        current_app.extensions['janela_openapi'] = found
    return found


@bp.route('/openapi.json', methods=['GET'])
def openapi():
    return served()
